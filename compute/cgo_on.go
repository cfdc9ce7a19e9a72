//go:build cgo

package compute

// cgoBuild is set in cgo builds, whose C threads and malloc arenas take
// address space of their own.
const cgoBuild = true
