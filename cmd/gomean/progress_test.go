package main

import (
	"bytes"
	"testing"
	"time"
)

func TestGDALProgress(t *testing.T) {
	tests := []struct {
		name  string
		total int
		steps []int
		ok    bool
		want  string
	}{
		{"one tile", 1, []int{1}, true, "0...10...20...30...40...50...60...70...80...90...100 - done.\n"},
		{"many tiles", 7, []int{1, 2, 3, 4, 5, 6, 7}, true, "0...10...20...30...40...50...60...70...80...90...100 - done.\n"},
		{"failed", 10, []int{1, 2, 3}, false, "0...10...20...30\n"},
		{"failed at once", 10, nil, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			p := newProgress(&b, false)
			for _, s := range tt.steps {
				p.update(s, tt.total)
			}
			p.finish(tt.ok)
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
	if newProgress(new(bytes.Buffer), true) != nil {
		t.Error("quiet progress is not nil")
	}
}

func TestBarProgress(t *testing.T) {
	var b bytes.Buffer
	p := &barProgress{w: &b}
	p.update(5, 10)
	time.Sleep(300 * time.Millisecond) // one refresh with the rate shown
	p.update(10, 10)
	p.finish(true)
	// The rate appears only once the bar has refreshed, which a loaded
	// machine may delay; the final count is always drawn.
	if !bytes.Contains(b.Bytes(), []byte("10 / 10 tiles")) {
		t.Errorf("bar output %q lacks the tile count", b.String())
	}
}
