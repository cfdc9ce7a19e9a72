package deflate

import (
	"runtime"
	"testing"
)

// cpuLoop runs body b.N times on one locked OS thread and reports, beside
// the wall time, the thread's CPU time per op as cpu-ns/op: on a machine
// shared with other work the CPU time varies far less than the wall time.
func cpuLoop(b *testing.B, body func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start, n := threadCPU(), 0
	for b.Loop() {
		body()
		n++
	}
	if cpu := threadCPU() - start; n > 0 && cpu > 0 {
		b.ReportMetric(float64(cpu)/float64(n), "cpu-ns/op")
	}
}
