package overview

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

func TestCountAndSize(t *testing.T) {
	for _, tc := range []struct {
		w, h, block, want int
	}{
		// Levels and sizes of GDAL 3.6's COG driver.
		{1001, 701, 128, 3},
		{700, 500, 128, 3},
		{1025, 300, 128, 3},
		{257, 100, 128, 1},
		{128, 128, 128, 0},
		{100, 40, 512, 0},
		{4096, 4096, 512, 3},
		{20000, 20000, 512, 6},
		{1, 100000, 16, 13},
	} {
		if got := Count(tc.w, tc.h, tc.block); got != tc.want {
			t.Errorf("Count(%d, %d, %d) = %d, want %d", tc.w, tc.h, tc.block, got, tc.want)
		}
	}
	if w, h := Size(1001, 701, 3); w != 125 || h != 87 {
		t.Errorf("Size(1001, 701, 3) = %d, %d, want 125, 87 (GDAL's)", w, h)
	}
	if w, h := Size(3, 1, 5); w != 1 || h != 1 {
		t.Errorf("Size(3, 1, 5) = %d, %d, want 1, 1", w, h)
	}
}

func TestParseMethod(t *testing.T) {
	for s, want := range map[string]Method{"average": Average, "NEAREST": Nearest, " Mode ": Mode} {
		if m, err := ParseMethod(s); err != nil || m != want {
			t.Errorf("ParseMethod(%q) = %v, %v", s, m, err)
		}
	}
	if _, err := ParseMethod("cubic"); err == nil {
		t.Error("cubic: no error")
	}
}

// put and get store one-band tiles of float values in type typ.
func put(typ geotiff.SampleType, vals []float64) []byte {
	b := make([]byte, len(vals)*typ.Size())
	for i, v := range vals {
		typ.Put(b[i*typ.Size():], v)
	}
	return b
}

func get(typ geotiff.SampleType, b []byte) []float64 {
	v := make([]float64, len(b)/typ.Size())
	for i := range v {
		v[i] = typ.Get(b[i*typ.Size():])
	}
	return v
}

func TestReduceBlock(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name   string
		typ    geotiff.SampleType
		m      Method
		nodata float64
		block  [4]float64 // row-major 2×2
		valid  []byte     // nil or 4 bytes
		want   float64
		wantOK byte
	}{
		{"average", geotiff.Float32, Average, -9999, [4]float64{1, 2, 3, 4}, nil, 2.5, 255},
		{"average skips nodata", geotiff.Float32, Average, -9999, [4]float64{1, -9999, 3, -9999}, nil, 2, 255},
		{"average all nodata", geotiff.Float32, Average, -9999, [4]float64{-9999, -9999, -9999, -9999}, nil, -9999, 0},
		{"average NaN nodata", geotiff.Float32, Average, nan, [4]float64{nan, 2, nan, 4}, nil, 3, 255},
		{"average mask", geotiff.Float32, Average, -9999, [4]float64{1, 2, 3, 100}, []byte{1, 1, 1, 0}, 2, 255},
		{"average mask none valid", geotiff.Float32, Average, -9999, [4]float64{1, 2, 3, 100}, []byte{0, 0, 0, 0}, -9999, 0},
		{"average int16 rounds half away", geotiff.Int16, Average, -32768, [4]float64{-3, -2, -3, -2}, nil, -3, 255},
		{"average int16 half up", geotiff.Int16, Average, -32768, [4]float64{3, 2, 3, 2}, nil, 3, 255},
		{"average float64", geotiff.Float64, Average, -9999, [4]float64{1, 2, 3, 5}, nil, 2.75, 255},
		{"nearest top-left", geotiff.Float32, Nearest, -9999, [4]float64{7, 2, 3, 4}, nil, 7, 255},
		{"nearest invalid top-left", geotiff.Float32, Nearest, -9999, [4]float64{-9999, 2, 3, 4}, nil, -9999, 255},
		{"nearest masked top-left", geotiff.Float32, Nearest, -9999, [4]float64{1, 2, 3, 4}, []byte{0, 1, 1, 1}, -9999, 0},
		{"average int32 rounds in float32", geotiff.Int32, Average, -9999, [4]float64{12541818, 12541819, 12541819, 12541820}, nil, 12541820, 255},
		{"average uint16 half up", geotiff.Uint16, Average, 0, [4]float64{3, 2, 3, 2}, nil, 3, 255},
		{"mode: first to reach the top count", geotiff.Uint8, Mode, 255, [4]float64{3, 5, 5, 3}, nil, 5, 255},
		{"mode all different: first", geotiff.Uint8, Mode, 255, [4]float64{4, 5, 6, 3}, nil, 4, 255},
		{"mode majority", geotiff.Uint8, Mode, 255, [4]float64{3, 5, 5, 5}, nil, 5, 255},
		{"mode skips nodata", geotiff.Uint8, Mode, 255, [4]float64{255, 255, 255, 9}, nil, 9, 255},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tl := Tiling{TileWidth: 4, TileHeight: 4, Samples: 1, Type: tc.typ, HasNoData: true, NoData: tc.nodata, Fill: tc.nodata}
			if math.IsNaN(tc.nodata) {
				tl.Fill = -9999
				if tc.want != tc.want {
					tc.want = -9999
				}
			}
			got, ok := reduceBlock(t, tl, tc.m, tc.block, tc.valid)
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if tc.valid != nil && ok != tc.wantOK {
				t.Errorf("validity %d, want %d", ok, tc.wantOK)
			}
		})
	}
}

// reduceBlock reduces a 2×2 image (in a 4×4 tile) to its 1×1 overview and
// returns its value and validity.
func reduceBlock(t *testing.T, tl Tiling, m Method, block [4]float64, valid []byte) (float64, byte) {
	t.Helper()
	var got float64
	var ok byte = 255
	b, err := NewBuilder(Config{Tiling: tl, Width: 2, Height: 2, Levels: 1, Method: m, Mask: valid != nil},
		func(_ context.Context, _, _ int, samples, v []byte) error {
			got = tl.Type.Get(samples)
			if v != nil {
				ok = v[0]
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	src := make([]float64, 16)
	src[0], src[1], src[4], src[5] = block[0], block[1], block[2], block[3]
	var tv []byte
	if valid != nil {
		tv = make([]byte, 16)
		tv[0], tv[1], tv[4], tv[5] = valid[0], valid[1], valid[2], valid[3]
	}
	if err := b.Add(context.Background(), 0, put(tl.Type, src), tv); err != nil {
		t.Fatal(err)
	}
	return got, ok
}

// TestAverageFastPathMatchesGeneric checks the unrolled float32 AVERAGE
// of even levels against the generic path, run on the same values as
// Float64 (which GDAL also averages in float32).
func TestAverageFastPathMatchesGeneric(t *testing.T) {
	const w, h, tw = 64, 46, 16
	rng := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, w*h)
	for i := range vals {
		vals[i] = float64(float32(rng.Float64()*100 - 50))
		switch rng.IntN(6) {
		case 0:
			vals[i] = -9999
		case 2:
			vals[i] = math.NaN()
		}
	}
	levels := Count(w, h, 4)
	var outs [2][]float64
	for n, typ := range []geotiff.SampleType{geotiff.Float32, geotiff.Float64} {
		tl := Tiling{TileWidth: tw, TileHeight: tw, Samples: 1, Type: typ, HasNoData: true, NoData: -9999, Fill: -9999}
		b, err := NewBuilder(Config{Tiling: tl, Width: w, Height: h, Levels: levels}, func(_ context.Context, k, i int, samples, _ []byte) error {
			outs[n] = append(outs[n], float64(k), float64(i))
			outs[n] = append(outs[n], get(typ, samples)...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		across := (w + tw - 1) / tw
		for i := range b.NumTiles(0) {
			tile := make([]float64, tw*tw)
			for y := range tw {
				for x := range tw {
					if gx, gy := i%across*tw+x, i/across*tw+y; gx < w && gy < h {
						tile[y*tw+x] = vals[gy*w+gx]
					}
				}
			}
			if err := b.Add(context.Background(), i, put(typ, tile), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(outs[0]) == 0 || len(outs[0]) != len(outs[1]) {
		t.Fatalf("%d and %d values emitted", len(outs[0]), len(outs[1]))
	}
	for i := range outs[0] {
		if a, b := outs[0][i], outs[1][i]; a != b && !(a != a && b != b) {
			t.Fatalf("value %d: float32 path %v, generic float64 %v", i, a, b)
		}
	}
}

// refWin is GDAL 3.6's window of destination pixel j of n over src
// pixels (gcore/overview.cpp), written out from the rule as docs/COG.md
// states it.
func refWin(src, n, j int, near bool) (x0, x1 int, w0, w1 float64) {
	r := float64(src) / float64(n)
	if near {
		x0 = min(int(0.5+float64(j)*r), src-1)
		return x0, x0 + 1, 1, 1
	}
	a, b := float64(float64(j)*r), float64(float64(j+1)*r) // rounded, as the builder: no fused multiply-subtract on arm64
	x0, x1 = int(a+1e-8), int(math.Ceil(b-1e-8))
	if x1 == x0 {
		x1++
	}
	if x1 > src || j == n-1 {
		x1 = src
	}
	return x0, x1, 1 - (a - float64(x0)), 1 - (float64(x1) - b)
}

// refLevels computes the overview levels of a one-band w×h raster the
// direct way, each level from the one above with GDAL's windows; invalid
// pixels are tl.Fill (valid: false).
func refLevels(tl Tiling, m Method, vals []float64, valid []bool, w, h, levels int) ([][]float64, [][]bool) {
	out, ok := [][]float64{vals}, [][]bool{valid}
	for k := 1; k <= levels; k++ {
		src, sv := out[k-1], ok[k-1]
		sw, sh := Size(w, h, k-1)
		lw, lh := Size(w, h, k)
		dst, dv := make([]float64, lw*lh), make([]bool, lw*lh)
		for y := range lh {
			y0, y1, wy0, wy1 := refWin(sh, lh, y, m == Nearest)
			for x := range lw {
				x0, x1, wx0, wx1 := refWin(sw, lw, x, m == Nearest)
				var total, weight float64
				var vs []float64
				var oks []bool
				// GDAL sums each row with the column weights, then the
				// rows with the row weights.
				for sy := y0; sy < y1; sy++ {
					var line, lineW float64
					for sx := x0; sx < x1; sx++ {
						wx := 1.0
						if sx == x0 {
							wx = wx0
						} else if sx == x1-1 {
							wx = wx1
						}
						v, good := src[sy*sw+sx], sv[sy*sw+sx]
						vs, oks = append(vs, v), append(oks, good)
						if good {
							line += float64(tl.in(v) * wx) // no fused multiply-add (arm64): the builder rounds each product
							lineW += wx
						}
					}
					wy := 1.0
					if sy == y0 {
						wy = wy0
					} else if sy == y1-1 {
						wy = wy1
					}
					total += float64(line * wy)
					weight += float64(lineW * wy)
				}
				r := tl.Fill
				switch {
				case m == Average && weight > 0:
					r = tl.out(total / weight)
				case m != Average:
					r = tl.mode(vs, oks, tl.Fill)
				}
				if tl.Type == geotiff.Float32 {
					r = float64(float32(r))
				}
				dst[y*lw+x], dv[y*lw+x] = r, r != tl.Fill
			}
		}
		out, ok = append(out, dst), append(ok, dv)
	}
	return out, ok
}

func TestBuilderAgainstReference(t *testing.T) {
	for _, tc := range []struct {
		w, h, tw int
		m        Method
		typ      geotiff.SampleType
	}{
		{301, 203, 32, Average, geotiff.Float32}, // odd at every level
		{301, 203, 32, Nearest, geotiff.Float32},
		{301, 203, 32, Mode, geotiff.Int16},
		{301, 203, 32, Average, geotiff.Int16},
		{256, 128, 16, Average, geotiff.Float32}, // even: exact blocks
		{257, 129, 16, Average, geotiff.Uint16},
		{3, 401, 4, Average, geotiff.Float32}, // narrow: 1-pixel levels
	} {
		name := fmt.Sprintf("%dx%d %v %v", tc.w, tc.h, tc.m, tc.typ)
		t.Run(name, func(t *testing.T) { testBuilder(t, tc.w, tc.h, tc.tw, tc.m, tc.typ) })
	}
}

func testBuilder(t *testing.T, w, h, tw int, m Method, typ geotiff.SampleType) {
	rng := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	nd := -9999.0
	if lo, _ := typ.Range(); lo >= 0 {
		nd = 65535
	}
	vals := make([]float64, w*h)
	valid := make([]bool, w*h)
	for i := range vals {
		vals[i] = typ.Get(put(typ, []float64{rng.Float64() * 1000}))
		if m == Mode {
			vals[i] = float64(rng.IntN(4))
		}
		valid[i] = true
		if rng.IntN(4) == 0 || i%w > 40 && i%w < 120 && i/w > 30 && i/w < 90 {
			vals[i], valid[i] = nd, false
		}
	}
	levels := Count(w, h, tw)
	tl := Tiling{TileWidth: tw, TileHeight: tw, Samples: 1, Type: typ, HasNoData: true, NoData: nd, Fill: nd}
	ref, refOK := refLevels(tl, m, vals, valid, w, h, levels)
	for _, goroutines := range []int{1, 4} {
		var mu sync.Mutex
		got := make([][]float64, levels+1)
		for k := 1; k <= levels; k++ {
			lw, lh := Size(w, h, k)
			got[k] = make([]float64, lw*lh)
		}
		b, err := NewBuilder(Config{Tiling: tl, Width: w, Height: h, Levels: levels, Method: m}, func(_ context.Context, k, i int, samples, _ []byte) error {
			lw, lh := Size(w, h, k)
			across := (lw + tw - 1) / tw
			tx, ty := i%across, i/across
			mu.Lock()
			defer mu.Unlock()
			for y := range tw {
				for x := range tw {
					gx, gy := tx*tw+x, ty*tw+y
					v := typ.Get(samples[(y*tw+x)*typ.Size():])
					if gx < lw && gy < lh {
						got[k][gy*lw+gx] = v
					} else if v != nd {
						t.Errorf("level %d tile %d: pixel (%d, %d) beyond the level holds %v", k, i, x, y, v)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		across := (w + tw - 1) / tw
		n := b.NumTiles(0)
		order := rng.Perm(n)
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for j := g; j < n; j += goroutines {
					i := order[j]
					tx, ty := i%across, i/across
					tile := make([]float64, tw*tw)
					for y := range tw {
						for x := range tw {
							tile[y*tw+x] = 77 // outside the image: must be ignored
							if gx, gy := tx*tw+x, ty*tw+y; gx < w && gy < h {
								tile[y*tw+x] = vals[gy*w+gx]
							}
						}
					}
					if err := b.Add(context.Background(), i, put(typ, tile), nil); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if p := b.Pending(); p != 0 {
			t.Errorf("%d tiles or borders still held", p)
		}
		for k := 1; k <= levels; k++ {
			for i := range ref[k] {
				a, e := got[k][i], ref[k][i]
				if a != e {
					t.Fatalf("%d goroutines: level %d pixel %d: got %v, want %v (valid %v)", goroutines, k, i, a, e, refOK[k][i])
				}
			}
		}
	}
}

// TestBuilderMask checks the validity of the overview pixels: valid where
// a pixel of the window is inside the mask.
func TestBuilderMask(t *testing.T) {
	const w, h, tw = 75, 53, 8
	rng := rand.New(rand.NewPCG(7, 8))
	vals := make([]float64, w*h)
	mask := make([]bool, w*h)
	for i := range vals {
		vals[i] = float64(float32(rng.Float64() * 100))
		mask[i] = rng.IntN(3) == 0
	}
	tl := Tiling{TileWidth: tw, TileHeight: tw, Samples: 1, Type: geotiff.Float32, HasNoData: true, NoData: -1, Fill: -1}
	// The reference skips masked pixels as invalid ones; a window whose
	// pixels are all masked is invalid.
	ref, refOK := refLevels(tl, Average, vals, mask, w, h, 1)
	across := (w + tw - 1) / tw
	lw, _ := Size(w, h, 1)
	checked := 0
	b, err := NewBuilder(Config{Tiling: tl, Width: w, Height: h, Levels: 1, Mask: true}, func(_ context.Context, k, i int, samples, valid []byte) error {
		la := (lw + tw - 1) / tw
		tx, ty := i%la, i/la
		for y := range tw {
			for x := range tw {
				gx, gy := tx*tw+x, ty*tw+y
				if gx >= lw || gy*lw+gx >= len(ref[1]) {
					continue
				}
				p := gy*lw + gx
				v := float64(math.Float32frombits(binary.LittleEndian.Uint32(samples[4*(y*tw+x):])))
				if (valid[y*tw+x] != 0) != refOK[1][p] || v != ref[1][p] {
					t.Fatalf("pixel (%d, %d): %v valid %d, want %v valid %v", gx, gy, v, valid[y*tw+x], ref[1][p], refOK[1][p])
				}
				checked++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range b.NumTiles(0) {
		tx, ty := i%across, i/across
		tile, tv := make([]float64, tw*tw), make([]byte, tw*tw)
		for y := range tw {
			for x := range tw {
				if gx, gy := tx*tw+x, ty*tw+y; gx < w && gy < h {
					tile[y*tw+x] = vals[gy*w+gx]
					if mask[gy*w+gx] {
						tv[y*tw+x] = 1
					}
				}
			}
		}
		if err := b.Add(context.Background(), i, put(geotiff.Float32, tile), tv); err != nil {
			t.Fatal(err)
		}
	}
	if checked != len(ref[1]) {
		t.Errorf("checked %d pixels of %d", checked, len(ref[1]))
	}
}

func TestBuilderErrors(t *testing.T) {
	tl := Tiling{TileWidth: 16, TileHeight: 16, Samples: 1, Type: geotiff.Uint8}
	if _, err := NewBuilder(Config{Tiling: Tiling{TileWidth: 15, TileHeight: 16, Samples: 1, Type: geotiff.Uint8}, Width: 10, Height: 10}, nil); err == nil {
		t.Error("odd tile: no error")
	}
	if _, err := NewBuilder(Config{Tiling: tl, Width: 10, Height: 10, Levels: 31}, nil); err == nil {
		t.Error("31 levels: no error")
	}
	b, err := NewBuilder(Config{Tiling: tl, Width: 40, Height: 40, Levels: 1}, func(context.Context, int, int, []byte, []byte) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := b.Add(ctx, 0, make([]byte, 10), nil); err == nil {
		t.Error("short tile: no error")
	}
	if err := b.Add(ctx, 9, make([]byte, 256), nil); err == nil {
		t.Error("tile 9 of 9: no error")
	}
	if err := b.Add(ctx, 0, make([]byte, 256), make([]byte, 256)); err == nil {
		t.Error("validity without Mask: no error")
	}
}
