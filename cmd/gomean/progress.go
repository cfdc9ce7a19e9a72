package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// A progress reports tiles done to the user: a progress bar on a
// terminal, GDAL's "0...10...20...100 - done." line elsewhere.
type progress interface {
	update(done, total int)
	finish(ok bool)
}

// newProgress returns the progress display for w, or nil when quiet.
func newProgress(w io.Writer, quiet bool) progress {
	if quiet {
		return nil
	}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		return &barProgress{w: w}
	}
	return &gdalProgress{w: w, last: -1}
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// gdalProgress prints GDAL's progress line: "0", then a dot per 2.5% and
// the percentage every 10%, then " - done." at the end.
type gdalProgress struct {
	mu   sync.Mutex
	w    io.Writer
	last int // last tick printed, 0 to 40
}

func (g *gdalProgress) update(done, total int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	tick := 40
	if total > 0 {
		tick = done * 40 / total
	}
	for g.last < tick {
		g.last++
		if g.last%4 == 0 {
			fmt.Fprint(g.w, g.last/4*10)
		} else {
			fmt.Fprint(g.w, ".")
		}
	}
}

func (g *gdalProgress) finish(ok bool) {
	if !ok {
		g.mu.Lock()
		if g.last >= 0 {
			fmt.Fprintln(g.w)
		}
		g.mu.Unlock()
		return
	}
	g.update(1, 1)
	fmt.Fprintln(g.w, " - done.")
}

// barProgress draws a bar with tiles done / total, rate and ETA.
type barProgress struct {
	once sync.Once
	w    io.Writer
	p    *mpb.Progress
	bar  *mpb.Bar
}

func (b *barProgress) update(done, total int) {
	b.once.Do(func() {
		b.p = mpb.New(mpb.WithOutput(b.w), mpb.WithWidth(40), mpb.WithAutoRefresh())
		b.bar = b.p.AddBar(int64(total),
			mpb.PrependDecorators(decor.CountersNoUnit("%d / %d tiles", decor.WCSyncWidth)),
			mpb.AppendDecorators(
				decor.AverageSpeed(nil, " %.1f tiles/s"),
				decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO),
			))
	})
	b.bar.SetCurrent(int64(done))
}

func (b *barProgress) finish(ok bool) {
	if b.p == nil {
		return
	}
	if !ok {
		b.bar.Abort(false)
	}
	b.p.Wait()
}
