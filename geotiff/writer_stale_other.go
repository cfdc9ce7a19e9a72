//go:build !unix

package geotiff

import (
	"io/fs"
	"time"
)

// staleAge is how long a temporary file must be untouched before Create
// removes it where processes cannot be tested.
const staleAge = 24 * time.Hour

// tempIsStale reports whether the temporary file info is left over: where
// the process cannot be tested, when it was untouched for staleAge.
func tempIsStale(pid int, info fs.FileInfo) bool {
	return time.Since(info.ModTime()) > staleAge
}
