package compute

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// TestStreamMatchesTilePath checks that the streaming path writes the
// same bytes as the tile path for up to groupSize inputs (the same sums in
// the same order), for every streaming reduction and layouts whose blocks
// are not the output's tiles, and the same bytes for any worker count
// beyond that.
func TestStreamMatchesTilePath(t *testing.T) {
	dir := t.TempDir()
	mk := func(n int, o geotiff.WriterOptions, prefix string) []string {
		var ins []string
		for k := range n {
			r := randomRaster(uint64(500+k), 70, 53, 2, -1000, 1000, 0.2, math.NaN())
			for i := range r.vals {
				if i%7 == 0 && !math.IsNaN(r.vals[i]) {
					r.vals[i] += 0.123456789 * float64(k+1)
				}
			}
			ins = append(ins, writeRaster(t, dir, fmt.Sprintf("%s%03d.tif", prefix, k), r, o))
		}
		return ins
	}
	small := mk(5, geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 16, TileHeight: 16, HasNoData: true, NoData: -9999}, "s")
	many := mk(70, geotiff.WriterOptions{Type: geotiff.Float64, TileWidth: 32, TileHeight: 32}, "m")
	weights := make([]float64, 5)
	for i := range weights {
		weights[i] = float64(i) + 0.5
	}
	run := func(t *testing.T, cfg Config, ins []string, name string, stream bool) []byte {
		t.Helper()
		cfg.Output.TileWidth, cfg.Output.TileHeight, cfg.Output.Overwrite = 48, 48, true
		noStream = !stream
		defer func() { noStream = false }()
		out := filepath.Join(dir, name)
		if err := Run(context.Background(), cfg, ins, out); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name string
		cfg  Config
	}{
		{"mean", Config{Op: Mean}},
		{"weighted", Config{Op: Mean, Weights: weights}},
		{"sum", Config{Op: Sum, Type: geotiff.Float64}},
		{"count", Config{Op: Count, Type: geotiff.Uint8}},
		{"min", Config{Op: Min}},
		{"max int16", Config{Op: Max, Type: geotiff.Int16}},
		{"min-valid 3", Config{Op: Mean, MinValid: 3}},
		{"propagate", Config{Op: Sum, PropagateNoData: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func(c int) { spanCap = c }(spanCap)
			for _, workers := range []int{1, 3} {
				spanCap = 4 << 20 // one span per row
				if workers == 3 {
					spanCap = 1 // one tile per span
				}
				cfg := tc.cfg
				cfg.Workers = workers
				tile := run(t, cfg, small, "tile.tif", false)
				stream := run(t, cfg, small, "stream.tif", true)
				if !bytes.Equal(tile, stream) {
					t.Errorf("%d workers: streaming output differs from the tile path's", workers)
				}
			}
		})
	}
	t.Run("groups", func(t *testing.T) {
		var first []byte
		for _, workers := range []int{1, 2, 5} {
			got := run(t, Config{Op: Mean, Workers: workers, Type: geotiff.Float64}, many, "many.tif", true)
			if first == nil {
				first = got
			} else if !bytes.Equal(got, first) {
				t.Errorf("%d workers: output differs from 1 worker's", workers)
			}
		}
		// Grouped sums differ from one sum in input order by rounding only.
		seq := run(t, Config{Op: Mean, Workers: 2, Type: geotiff.Float64}, many, "seq.tif", false)
		_, a := readRaster(t, filepath.Join(dir, "seq.tif"))
		os.WriteFile(filepath.Join(dir, "grp.tif"), first, 0o644)
		_, b := readRaster(t, filepath.Join(dir, "grp.tif"))
		worst := 0.0
		for i := range a.vals {
			if d := math.Abs(a.vals[i] - b.vals[i]); d > worst {
				worst = d
			}
		}
		t.Logf("70 inputs in 3 groups: largest difference from the sequential sum %g", worst)
		if worst > 1e-9 || len(seq) == 0 {
			t.Errorf("grouped mean differs from the sequential one by %g", worst)
		}
	})
}

// TestStreamRows checks that blocks taller than a row of output tiles and
// larger than rowStreamMin are decoded row by row, once, and give the
// tile path's bytes.
func TestStreamRows(t *testing.T) {
	dir := t.TempDir()
	var ins []string
	for k := range 2 {
		r := randomRaster(uint64(90+k), 1024, 2100, 1, -500, 500, 0.1, math.NaN())
		ins = append(ins, writeRaster(t, dir, fmt.Sprintf("big%d.tif", k), r,
			geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 1024, TileHeight: 2048, HasNoData: true, NoData: -9999}))
	}
	var outs [][]byte
	for _, stream := range []bool{false, true} {
		noStream = !stream
		cfg := Config{Workers: 3, Output: geotiff.WriterOptions{TileWidth: 256, TileHeight: 256}}
		cfgv, _ := cfg.validate(len(ins))
		p := openPipeline(t, cfgv, ins)
		if p.stream != stream || stream && !p.rowStreamed(p.srcs[0]) {
			t.Fatalf("stream=%v: pipeline stream=%v, rows=%v", stream, p.stream, p.rowStreamed(p.srcs[0]))
		}
		out := filepath.Join(dir, fmt.Sprintf("out%v.tif", stream))
		if err := Run(context.Background(), cfg, ins, out); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(out)
		outs = append(outs, b)
	}
	noStream = false
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("row-streamed output differs from the tile path's")
	}
}

// TestRowParts checks how tile rows are split when there are few units.
func TestRowParts(t *testing.T) {
	for _, tc := range []struct {
		workers, units, align, tileH int
		parts, height                int
	}{
		{2, 3, 1, 256, 3, 86},    // a month of daily grids on 2 workers
		{2, 36, 1, 256, 1, 256},  // enough units already
		{4, 3, 16, 256, 6, 48},   // parts hold whole 16-row blocks
		{2, 3, 256, 256, 1, 256}, // blocks as tall as a tile row: no split
		{16, 1, 1, 64, 64, 1},
	} {
		p := &pipeline{cfg: Config{Workers: tc.workers}, tileH: tc.tileH}
		p.srcs = []*source{{im: &geotiff.Image{TileHeight: tc.align, Tiled: true}}}
		parts, height := p.rowParts(tc.units)
		if parts != tc.parts || height != tc.height {
			t.Errorf("%+v: %d parts of %d rows, want %d of %d", tc, parts, height, tc.parts, tc.height)
		}
		if parts*height < tc.tileH || (parts-1)*height >= tc.tileH {
			t.Errorf("%+v: %d parts of %d rows do not cover %d rows exactly", tc, parts, height, tc.tileH)
		}
	}
}

// stripTIFF returns a w×h float32 TIFF in GDAL's default layout for
// untiled files (one row per DEFLATE strip, strips in order, no
// georeferencing) whose pixel (x, y) is base + x + y/4.
func stripTIFF(t testing.TB, w, h int, base float32) []byte {
	t.Helper()
	rows := make([][]byte, h)
	raw := make([]byte, 4*w)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.HuffmanOnly) // cheap to reset
	for y := range rows {
		for x := range w {
			binary.LittleEndian.PutUint32(raw[4*x:], math.Float32bits(base+float32(x)+float32(y)/4))
		}
		z.Reset()
		zw.Reset(&z)
		zw.Write(raw)
		zw.Close()
		rows[y] = bytes.Clone(z.Bytes())
	}
	le := binary.LittleEndian
	type entry struct {
		tag, typ uint16
		vals     []uint32
	}
	offs, cnts := make([]uint32, h), make([]uint32, h)
	entries := []entry{
		{256, 4, []uint32{uint32(w)}}, {257, 4, []uint32{uint32(h)}}, {258, 3, []uint32{32}},
		{259, 3, []uint32{8}}, {262, 3, []uint32{1}}, {273, 4, offs}, {277, 3, []uint32{1}},
		{278, 3, []uint32{1}}, {279, 4, cnts}, {284, 3, []uint32{1}}, {339, 3, []uint32{3}},
	}
	ifdSize := 2 + 12*len(entries) + 4
	offArr := 8 + ifdSize
	cntArr := offArr + 4*h
	at := cntArr + 4*h
	for y, r := range rows {
		offs[y], cnts[y] = uint32(at), uint32(len(r))
		at += len(r)
	}
	var b bytes.Buffer
	b.WriteString("II")
	binary.Write(&b, le, uint16(42))
	binary.Write(&b, le, uint32(8))
	binary.Write(&b, le, uint16(len(entries)))
	for _, e := range entries {
		binary.Write(&b, le, e.tag)
		binary.Write(&b, le, e.typ)
		binary.Write(&b, le, uint32(len(e.vals)))
		switch {
		case e.tag == 273:
			binary.Write(&b, le, uint32(offArr))
		case e.tag == 279:
			binary.Write(&b, le, uint32(cntArr))
		case e.typ == 3:
			binary.Write(&b, le, uint16(e.vals[0]))
			binary.Write(&b, le, uint16(0))
		default:
			binary.Write(&b, le, e.vals[0])
		}
	}
	binary.Write(&b, le, uint32(0))
	binary.Write(&b, le, offs)
	binary.Write(&b, le, cnts)
	for _, r := range rows {
		b.Write(r)
	}
	return b.Bytes()
}

// TestStreamLazyIndex checks that inputs read with their strip index left
// in the file (Run opens local files with geotiff.ReaderOptions.LazyIndex)
// give the bytes of the same inputs read with the index in memory
// (RunReaders with geotiff.Open), on the streaming path (mean, 40 inputs:
// two groups) and on the tile path (median, which reads strip by strip).
func TestStreamLazyIndex(t *testing.T) {
	dir := t.TempDir()
	var names []string
	for k := range 40 {
		name := filepath.Join(dir, fmt.Sprintf("in%02d.tif", k))
		if err := os.WriteFile(name, stripTIFF(t, 37, 300, float32(k)*1.37), 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	for _, op := range []Op{Mean, Median} {
		for _, workers := range []int{1, 3} {
			cfg := Config{Op: op, Workers: workers, Type: geotiff.Float64}
			cfg.Output.TileWidth, cfg.Output.TileHeight, cfg.Output.Overwrite = 32, 64, true
			lazyOut, eagerOut := filepath.Join(dir, "lazy.tif"), filepath.Join(dir, "eager.tif")
			if err := Run(context.Background(), cfg, names, lazyOut); err != nil {
				t.Fatal(err)
			}
			readers := make([]*geotiff.Reader, len(names))
			for i, name := range names {
				r, err := geotiff.Open(name)
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				if r.Image().Fields.Get(geotiff.TagStripOffsets) == nil {
					t.Fatal("geotiff.Open left the strip offsets in the file")
				}
				readers[i] = r
			}
			if err := RunReaders(context.Background(), cfg, names, readers, eagerOut); err != nil {
				t.Fatal(err)
			}
			a, errA := os.ReadFile(lazyOut)
			b, errB := os.ReadFile(eagerOut)
			if errA != nil || errB != nil || len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("%v, %d workers: lazily indexed inputs give other bytes (%d and %d bytes; %v, %v)", op, workers, len(a), len(b), errA, errB)
			}
		}
	}
}
