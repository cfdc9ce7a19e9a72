//go:build unix

package main

import (
	"os"
	"syscall"
)

// stopSignals cancel a run: Ctrl-C, kill's default signal, and the hangup
// of a closed terminal.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// diskFullErrors and tooManyFilesErrors are the system errors that withHint
// explains.
var (
	diskFullErrors     = []error{syscall.ENOSPC}
	tooManyFilesErrors = []error{syscall.EMFILE, syscall.ENFILE}
)
