//go:build !unix

package main

import (
	"os"
	"syscall"
)

// stopSignals cancel a run. On Windows, Go reports Ctrl-C and Ctrl-Break
// as os.Interrupt and closing the console, logoff and shutdown as
// syscall.SIGTERM; there is no SIGHUP.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// diskFullErrors and tooManyFilesErrors are the system errors that withHint
// explains: on Windows ERROR_HANDLE_DISK_FULL (39), ERROR_DISK_FULL (112)
// and ERROR_TOO_MANY_OPEN_FILES (4), besides Go's own errno values.
var (
	diskFullErrors     = []error{syscall.Errno(39), syscall.Errno(112), syscall.ENOSPC}
	tooManyFilesErrors = []error{syscall.Errno(4), syscall.EMFILE, syscall.ENFILE}
)
