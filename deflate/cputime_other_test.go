//go:build !linux

package deflate

import "time"

// threadCPU reports 0 (unknown) where RUSAGE_THREAD is not available.
func threadCPU() time.Duration { return 0 }
