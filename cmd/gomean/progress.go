package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
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

// barProgress draws a one-line bar on a terminal: tiles done / total,
// the rate and the time left, redrawn at most every refresh. It is our own
// few lines rather than a progress-bar library, whose width tables and
// ANSI handling cost a quarter of a megabyte of the static binary.
type barProgress struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
	drawn time.Time
	done  int
	total int
}

// refresh is the shortest interval between two redraws.
const refresh = 150 * time.Millisecond

func (b *barProgress) update(done, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if b.start.IsZero() {
		b.start = now
	}
	b.done, b.total = done, total
	if done < total && now.Sub(b.drawn) < refresh {
		return
	}
	b.drawn = now
	b.draw(now)
}

// draw writes the bar over the current line; b.mu is held.
func (b *barProgress) draw(now time.Time) {
	const width = 40
	fill := width
	if b.total > 0 {
		fill = b.done * width / b.total
	}
	bar := strings.Repeat("=", fill) + strings.Repeat(" ", width-fill)
	line := fmt.Sprintf("\r[%s] %d / %d tiles", bar, b.done, b.total)
	if el := now.Sub(b.start).Seconds(); el > 0.2 && b.done > 0 {
		rate := float64(b.done) / el
		left := time.Duration(float64(b.total-b.done) / rate * float64(time.Second)).Round(time.Second)
		line += fmt.Sprintf(" %.1f tiles/s ETA %v", rate, left)
	}
	fmt.Fprint(b.w, line+"\x1b[K")
}

func (b *barProgress) finish(ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.start.IsZero() {
		return
	}
	if ok {
		b.done = b.total
		b.draw(time.Now())
	}
	fmt.Fprintln(b.w)
}
