package compute

import (
	"sync"
	"sync/atomic"
)

// parallel calls fn(i) for i in [0, n) on up to workers goroutines, and
// returns the error of the lowest i that failed, so the message does not
// depend on scheduling. After a failure no new index is started.
func parallel(n, workers int, fn func(i int) error) error {
	workers = max(1, min(workers, n))
	errs := make([]error, n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if errs[i] = fn(i); errs[i] != nil {
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
