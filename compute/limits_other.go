//go:build !unix

package compute

// openFileLimit returns a conservative limit on open files.
func openFileLimit() int { return 512 }

// addressSpaceLimit returns 0: no limit is known.
func addressSpaceLimit() uint64 { return 0 }
