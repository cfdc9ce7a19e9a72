//go:build unix

package geotiff

import (
	"errors"
	"io/fs"
	"syscall"
)

// tempIsStale reports whether the temporary file info, written by process
// pid, is left over: no process pid runs on this system. A process of
// another user (EPERM) runs. On a file system shared between machines a
// process id says nothing of the other machines; a temporary file is
// then removed only if no process of that id runs here.
func tempIsStale(pid int, info fs.FileInfo) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
