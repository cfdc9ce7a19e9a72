package compute

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/grid"
	"github.com/gomean/gomean/tiling"
)

// A survey is a test input placed at pixel off of a common lattice (testGeo's).
type survey struct {
	r   raster
	off image.Point
	o   geotiff.WriterOptions
}

// geoAt returns testGeo moved to pixel off of its lattice.
func geoAt(off image.Point) *geotiff.Georef {
	g := testGeo()
	g.Transform[0] += float64(off.X) * g.Transform[1]
	g.Transform[3] += float64(off.Y) * g.Transform[5]
	return g
}

// surveys returns three overlapping surveys of different sizes, tiled and
// stripped, with nodata holes, and the fourth input far away.
func surveys() []survey {
	return []survey{
		{randomRaster(1, 150, 110, 1, 0, 1000, 0.1, math.NaN()), image.Pt(0, 0), geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 64, TileHeight: 64}},
		{randomRaster(2, 120, 130, 1, 0, 1000, 0.1, -9999), image.Pt(70, 45), geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 32, TileHeight: 48, HasNoData: true, NoData: -9999}},
		{randomRaster(3, 97, 61, 1, 0, 1000, 0.05, math.NaN()), image.Pt(-33, 80), geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 16, TileHeight: 16}},
	}
}

func writeSurveys(t *testing.T, dir string, ss []survey) []string {
	var names []string
	for i, s := range ss {
		s.o.Geo = geoAt(s.off)
		names = append(names, writeRaster(t, dir, fmt.Sprintf("s%d.tif", i), s.r, s.o))
	}
	return names
}

// padded writes each survey onto the grid of rect (pixels of the lattice),
// NaN outside it, as gdalwarp would, and returns the files.
func padded(t *testing.T, dir string, ss []survey, rect image.Rectangle) []string {
	var names []string
	for i, s := range ss {
		p := raster{w: rect.Dx(), h: rect.Dy(), bands: 1, vals: make([]float64, rect.Dx()*rect.Dy())}
		for y := range p.h {
			for x := range p.w {
				sx, sy := x+rect.Min.X-s.off.X, y+rect.Min.Y-s.off.Y
				v := math.NaN()
				if sx >= 0 && sy >= 0 && sx < s.r.w && sy < s.r.h {
					v = s.r.at(sx, sy, 0)
					if s.o.HasNoData && v == s.o.NoData {
						v = math.NaN()
					}
				}
				p.vals[y*p.w+x] = v
			}
		}
		names = append(names, writeRaster(t, dir, fmt.Sprintf("p%d.tif", i), p,
			geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 64, TileHeight: 64, Geo: geoAt(rect.Min)}))
	}
	return names
}

// TestShiftedEqualsPadded runs every reduction over inputs with different
// footprints and checks it against the same reduction over the inputs
// padded onto the output grid with NaN (the co-registered path).
func TestShiftedEqualsPadded(t *testing.T) {
	dir := t.TempDir()
	ss := surveys()
	names := writeSurveys(t, dir, ss)
	union := image.Rect(-33, 0, 190, 175)
	pads := padded(t, dir, ss, union)
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	cfgs := []struct {
		name string
		cfg  Config
	}{
		{"mean", Config{Op: Mean}},
		{"weighted mean", Config{Op: Mean, Weights: []float64{1, 2, 0.5}}},
		{"sum", Config{Op: Sum}},
		{"min", Config{Op: Min}},
		{"max", Config{Op: Max}},
		{"count", Config{Op: Count}},
		{"count min-valid 0", Config{Op: Count, MinValid: 0}},
		{"std", Config{Op: Std}},
		{"median", Config{Op: Median}},
		{"percentiles", Config{Op: Percentile, Percentiles: []float64{10, 90}}},
		{"mode", Config{Op: Mode, Type: geotiff.Float32}},
		{"slope", Config{Op: Slope, Dates: []time.Time{day(1), day(5), day(20)}}},
		{"propagate", Config{Op: Mean, PropagateNoData: true}},
		{"min-valid 2", Config{Op: Mean, MinValid: 2}},
		{"one worker, 48-pixel tiles", Config{Op: Mean, Workers: 1, Output: geotiff.WriterOptions{TileWidth: 48, TileHeight: 48}}},
	}
	for _, c := range cfgs {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			if cfg.Output.TileWidth == 0 {
				cfg.Output.TileWidth, cfg.Output.TileHeight = 64, 32
			}
			var notes []string
			cfg.Notice = func(m string) { notes = append(notes, m) }
			a, b := filepath.Join(dir, "a_"+c.name+".tif"), filepath.Join(dir, "b_"+c.name+".tif")
			cfg.Output.Overwrite = true
			if err := Run(context.Background(), cfg, names, a); err != nil {
				t.Fatal(err)
			}
			cfg.Notice = nil
			if err := Run(context.Background(), cfg, pads, b); err != nil {
				t.Fatal(err)
			}
			imA, ra := readRaster(t, a)
			imB, rb := readRaster(t, b)
			if imA.Width != union.Dx() || imA.Height != union.Dy() || imA.Geo.Transform != imB.Geo.Transform {
				t.Fatalf("output %dx%d %v; want %dx%d %v", imA.Width, imA.Height, imA.Geo.Transform, union.Dx(), union.Dy(), imB.Geo.Transform)
			}
			if len(notes) == 0 || !strings.Contains(notes[0], "union, 223x175 pixels") {
				t.Errorf("notices %q do not give the union's size", notes)
			}
			for i := range ra.vals {
				x, y := ra.vals[i], rb.vals[i]
				if imA.HasNoData && x == imA.NoData {
					x = math.NaN()
				}
				if imB.HasNoData && y == imB.NoData {
					y = math.NaN()
				}
				if x != y && !(x != x && y != y) {
					t.Fatalf("sample %d: %v over the surveys, %v over the padded inputs", i, x, y)
				}
			}
		})
	}
}

func TestExtentsAndTargets(t *testing.T) {
	dir := t.TempDir()
	ss := surveys()
	names := writeSurveys(t, dir, ss)
	g := testGeo().Transform
	x := func(px int) float64 { return g[0] + float64(px)*g[1] }
	y := func(px int) float64 { return g[3] + float64(px)*g[5] }
	tests := []struct {
		name string
		t    grid.Target
		want image.Rectangle // in lattice pixels
	}{
		{"union", grid.Target{}, image.Rect(-33, 0, 190, 175)},
		{"intersection", grid.Target{Extent: grid.Intersection}, image.Rectangle{}}, // empty: error below
		{"first", grid.Target{Extent: grid.First}, image.Rect(0, 0, 150, 110)},
		{"te inside", grid.Target{HasTE: true, TE: [4]float64{x(5), y(101), x(77), y(7)}}, image.Rect(5, 7, 77, 101)},
		{"te beyond", grid.Target{HasTE: true, TE: [4]float64{x(-50), y(300), x(200), y(-20)}}, image.Rect(-50, -20, 200, 300)},
		{"tr tap", grid.Target{TR: [2]float64{10, 10}, TAP: true}, image.Rect(-33, 0, 190, 175)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, tt.name+".tif")
			err := Run(context.Background(), Config{Grid: tt.t}, names, out)
			if tt.want.Empty() {
				if err == nil || !strings.Contains(err.Error(), "share no pixel") || !strings.Contains(err.Error(), "s2.tif") {
					t.Fatalf("error %v; want one that names s2.tif and says the inputs share no pixel", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			im, r := readRaster(t, out)
			want := geoAt(tt.want.Min).Transform
			if im.Width != tt.want.Dx() || im.Height != tt.want.Dy() || im.Geo.Transform != want {
				t.Fatalf("output %dx%d %v; want %dx%d %v", im.Width, im.Height, im.Geo.Transform, tt.want.Dx(), tt.want.Dy(), want)
			}
			// Spot check: survey 0's pixel (10, 20) alone, where it is valid.
			px := image.Pt(10, 20).Sub(tt.want.Min)
			if v := ss[0].r.at(10, 20, 0); v == v && px.In(image.Rect(0, 0, im.Width, im.Height)) {
				if got := r.at(px.X, px.Y, 0); got != v {
					t.Errorf("pixel %v = %v; want %v", px, got, v)
				}
			}
		})
	}
}

func TestGridErrors(t *testing.T) {
	dir := t.TempDir()
	r := randomRaster(9, 40, 30, 1, 0, 10, 0, 0)
	a := writeRaster(t, dir, "a.tif", r, geotiff.WriterOptions{Type: geotiff.Float32})
	geo := testGeo()
	geo.Transform[1], geo.Transform[5] = 20, -20
	coarse := writeRaster(t, dir, "coarse.tif", r, geotiff.WriterOptions{Type: geotiff.Float32, Geo: geo})
	geo = testGeo()
	geo.Transform[0] += 5
	half := writeRaster(t, dir, "half.tif", r, geotiff.WriterOptions{Type: geotiff.Float32, Geo: geo})
	geo = testGeo()
	geo.Keys.Keys[2].Value = 32634
	crs := writeRaster(t, dir, "crs.tif", r, geotiff.WriterOptions{Type: geotiff.Float32, Geo: geo})
	tests := []struct {
		name   string
		cfg    Config
		inputs []string
		want   []string
		coreg  bool
	}{
		{"resolution", Config{}, []string{a, coarse}, []string{"coarse.tif", "pixel size", "a.tif", "gdalwarp", "give a target grid (--tr, --te or --ts) to resample it"}, true},
		{"half pixel", Config{}, []string{a, half}, []string{"half.tif", "not on a pixel corner", "500005"}, true},
		{"crs", Config{}, []string{a, crs}, []string{"crs.tif", "CRS EPSG:32634 differs from EPSG:32633", "gdalwarp -t_srs EPSG:32633 -tr 10 10 -tap", "--ignore-crs"}, true},
		{"te min >= max", Config{Grid: grid.Target{HasTE: true, TE: [4]float64{10, 0, 5, 1}}}, []string{a}, []string{"xmin < xmax"}, false},
		{"tr zero", Config{Grid: grid.Target{TR: [2]float64{0, 10}}}, []string{a}, []string{"-tr 0 10", "> 0"}, false},
		{"too large", Config{Grid: grid.Target{HasTE: true, TE: [4]float64{0, 0, 1e13, 10}}}, []string{a}, []string{"want 1 to"}, false},
		{"writer limit", Config{Grid: grid.Target{HasTE: true, TE: [4]float64{0, 0, 1e10, 1e10}}}, []string{a}, []string{"1000000000x1000000000"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Run(context.Background(), tt.cfg, tt.inputs, filepath.Join(dir, "out.tif"))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if errors.Is(err, ErrNotCoregistered) != tt.coreg {
				t.Errorf("errors.Is(ErrNotCoregistered) = %v, want %v", !tt.coreg, tt.coreg)
			}
		})
	}
}

// TestFootprintMemory checks that a worker plans windows for the inputs
// of one tile only: a mosaic of 400 small inputs side by side plans the
// memory of a few.
func TestFootprintMemory(t *testing.T) {
	dir := t.TempDir()
	var names []string
	r := randomRaster(4, 32, 32, 1, 0, 100, 0, 0)
	for i := range 400 {
		o := geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 32, TileHeight: 32, Geo: geoAt(image.Pt(32*(i%20), 32*(i/20)))}
		names = append(names, writeRaster(t, dir, fmt.Sprintf("m%d.tif", i), r, o))
	}
	readers := make([]*geotiff.Reader, len(names))
	for i, n := range names {
		rd, err := geotiff.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Close()
		readers[i] = rd
	}
	cfg, err := Config{Output: geotiff.WriterOptions{TileWidth: 64, TileHeight: 64}}.validate(len(names))
	if err != nil {
		t.Fatal(err)
	}
	p, err := testPipeline(t, cfg, names, readers)
	if err != nil {
		t.Fatal(err)
	}
	if p.index == nil || p.maxActive != 4 || p.grid.Width != 640 || p.grid.Height != 640 || p.stream {
		t.Fatalf("index %v, %d inputs at most per tile, output %dx%d, stream %v; want an index, 4, 640x640, no streaming",
			p.index != nil, p.maxActive, p.grid.Width, p.grid.Height, p.stream)
	}
	if e := p.index.Entries(); e > 16*401 {
		t.Errorf("the index holds %d entries", e)
	}
	out := filepath.Join(dir, "mosaic.tif")
	if err := Run(context.Background(), Config{}, names, out); err != nil {
		t.Fatal(err)
	}
	_, got := readRaster(t, out)
	for i, v := range got.vals {
		x, y := i%640, i/640
		if want := r.at(x%32, y%32, 0); v != want {
			t.Fatalf("pixel (%d, %d) = %v; want %v", x, y, v, want)
		}
	}
}

// TestRotatedLattice checks that inputs on one rotated lattice are placed
// in pixels like north-up ones: the union of two rotated inputs whose
// origins are whole pixels apart.
func TestRotatedLattice(t *testing.T) {
	dir := t.TempDir()
	rot := func(off image.Point) *geotiff.Georef {
		g := testGeo()
		g.Transform = geotiff.GeoTransform{500000, 8, 6, 5000000, 6, -8}
		t := g.Transform
		g.Transform[0] += float64(off.X)*t[1] + float64(off.Y)*t[2]
		g.Transform[3] += float64(off.X)*t[4] + float64(off.Y)*t[5]
		return g
	}
	ra, rb := randomRaster(5, 40, 30, 1, 0, 100, 0, 0), randomRaster(6, 20, 20, 1, 0, 100, 0, 0)
	a := writeRaster(t, dir, "a.tif", ra, geotiff.WriterOptions{Type: geotiff.Float32, Geo: rot(image.Pt(0, 0))})
	b := writeRaster(t, dir, "b.tif", rb, geotiff.WriterOptions{Type: geotiff.Float32, Geo: rot(image.Pt(30, 25))})
	out := filepath.Join(dir, "out.tif")
	if err := Run(context.Background(), Config{}, []string{a, b}, out); err != nil {
		t.Fatal(err)
	}
	im, r := readRaster(t, out)
	if im.Width != 50 || im.Height != 45 || im.Geo.Transform != rot(image.Pt(0, 0)).Transform {
		t.Fatalf("output %dx%d %v; want 50x45 %v", im.Width, im.Height, im.Geo.Transform, rot(image.Pt(0, 0)).Transform)
	}
	for _, c := range []struct {
		x, y int
		want float64
	}{{5, 5, ra.at(5, 5, 0)}, {35, 27, (ra.at(35, 27, 0) + rb.at(5, 2, 0)) / 2}, {45, 40, rb.at(15, 15, 0)}} {
		if got := r.at(c.x, c.y, 0); got != float64(float32(c.want)) {
			t.Errorf("pixel (%d, %d) = %v; want %v", c.x, c.y, got, c.want)
		}
	}
	if err := Run(context.Background(), Config{Grid: grid.Target{TR: [2]float64{10, 10}}}, []string{a, b}, out); err == nil || !strings.Contains(err.Error(), "north-up") {
		t.Fatalf("--tr on a rotated grid: %v; want an error that asks for a north-up grid", err)
	}
}

// TestResampleExactCopies checks resampling against an input and its exact
// 2× upsampled copy: --tr 10 over the 5 m copy gives back the 10 m input
// (nearest, average, min, max), and --tr 5 over the 10 m input gives the
// copy (nearest, average), holes and all.
func TestResampleExactCopies(t *testing.T) {
	dir := t.TempDir()
	a := randomRaster(8, 70, 50, 1, 0, 1000, 0.1, math.NaN())
	b := raster{w: 140, h: 100, bands: 1, vals: make([]float64, 140*100)}
	for y := range b.h {
		for x := range b.w {
			b.vals[y*b.w+x] = a.at(x/2, y/2, 0)
		}
	}
	fine := testGeo()
	fine.Transform[1], fine.Transform[5] = 5, -5
	fa := writeRaster(t, dir, "a.tif", a, geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 32, TileHeight: 16})
	fb := writeRaster(t, dir, "b.tif", b, geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 48, TileHeight: 32, Geo: fine})
	for _, c := range []struct {
		name string
		in   string
		res  float64
		want raster
		k    grid.Kernel
	}{{"down", fb, 10, a, grid.Nearest}, {"up", fa, 5, b, grid.Nearest},
		{"average down", fb, 10, a, grid.Average}, {"min down", fb, 10, a, grid.Min}, {"max down", fb, 10, a, grid.Max},
		{"average up", fa, 5, b, grid.Average}} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.name+".tif")
			var notes []string
			cfg := Config{Grid: grid.Target{TR: [2]float64{c.res, c.res}, Resampling: c.k}, Notice: func(m string) { notes = append(notes, m) },
				Output: geotiff.WriterOptions{TileWidth: 32, TileHeight: 32}}
			if err := Run(context.Background(), cfg, []string{c.in}, out); err != nil {
				t.Fatal(err)
			}
			if len(notes) == 0 || !strings.Contains(notes[0], "1 of 1 inputs") || !strings.Contains(notes[0], "resampled") {
				t.Errorf("notices %q do not say the input is resampled", notes)
			}
			im, got := readRaster(t, out)
			if im.Width != c.want.w || im.Height != c.want.h {
				t.Fatalf("output %dx%d; want %dx%d", im.Width, im.Height, c.want.w, c.want.h)
			}
			for i, v := range got.vals {
				w := c.want.vals[i]
				if v != w && !(v != v && w != w) {
					t.Fatalf("pixel %d = %v; want %v", i, v, w)
				}
			}
		})
	}
}

// TestInterpolatingTiles runs the interpolating kernels through the
// pipeline, with input blocks and output tiles that do not line up (so
// each output tile reads windows across several blocks, plus the kernel's
// margin), and checks every pixel against grid.Interp over the whole
// input: the windows, block references and footprint must not change a
// value.
func TestInterpolatingTiles(t *testing.T) {
	dir := t.TempDir()
	a := randomRaster(11, 97, 83, 1, 0, 1000, 0.1, math.NaN())
	fa := writeRaster(t, dir, "a.tif", a, geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 16, TileHeight: 32})
	// The same pixels with valid values under an internal mask instead of
	// NaN holes: the kernels must leave the masked pixels out the same way.
	filled := raster{w: a.w, h: a.h, bands: 1, vals: make([]float64, len(a.vals))}
	for i, v := range a.vals {
		filled.vals[i] = v
		if v != v {
			filled.vals[i] = 1e6 // would show in any kernel that took it
		}
	}
	fm := writeMaskedRaster(t, dir, "m.tif", filled, a, geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 32, TileHeight: 16})
	geo := testGeo().Transform
	in := grid.Grid{T: [6]float64(geo), Width: a.w, Height: a.h}
	targets := []struct {
		name string
		t    grid.Target
	}{
		{"down 3:1", grid.Target{TR: [2]float64{30, 30}}},
		{"down 2.5:1", grid.Target{TR: [2]float64{25, 25}}},
		{"up 10:7", grid.Target{TR: [2]float64{7, 7}}},
		{"shift", grid.Target{HasTE: true, TE: [4]float64{geo[0] - 33, geo[3] - 10*float64(a.h) + 4, geo[0] + 10*float64(a.w) - 17, geo[3] + 21}}},
	}
	for _, k := range []grid.Kernel{grid.Bilinear, grid.Cubic, grid.CubicSpline, grid.Lanczos} {
		for i, tg := range targets {
			file := fa
			if i%2 == 1 {
				file = fm
			}
			t.Run(k.String()+" "+tg.name+" "+filepath.Base(file), func(t *testing.T) {
				tg.t.Resampling = k
				og, ps, err := grid.Place([]grid.Grid{in}, tg.t)
				if err != nil || !ps[0].Resampled {
					t.Fatalf("Place: %+v %v", ps, err)
				}
				out := filepath.Join(dir, k.String()+tg.name+".tif")
				cfg := Config{Grid: tg.t, Output: geotiff.WriterOptions{TileWidth: 16, TileHeight: 16}, Workers: 3}
				if err := Run(context.Background(), cfg, []string{file}, out); err != nil {
					t.Fatal(err)
				}
				im, got := readRaster(t, out)
				if im.Width != og.Width || im.Height != og.Height {
					t.Fatalf("output %dx%d; want %dx%d", im.Width, im.Height, og.Width, og.Height)
				}
				p := grid.NewInterp(k, ps[0].X, ps[0].Y, a.w, a.h)
				whole := image.Rect(0, 0, a.w, a.h)
				valid := 0
				for oy := range og.Height {
					ty := p.TapY(oy, nil)
					for ox := range og.Width {
						tx := p.TapX(ox, nil)
						want := math.NaN()
						if image.Pt(ox, oy).In(ps[0].Foot) {
							want = float64(float32(p.At(a.vals, whole, &tx, &ty)))
						}
						v := got.vals[oy*og.Width+ox]
						if v != want && !(v != v && want != want) {
							t.Fatalf("pixel (%d, %d) = %v; want %v", ox, oy, v, want)
						}
						if v == v {
							valid++
						}
					}
				}
				if valid < og.Width*og.Height/2 {
					t.Fatalf("%d valid pixels of %d", valid, og.Width*og.Height)
				}
			})
		}
	}
}

// TestKernelWindowBound checks the memory plan's bound on a kernel's
// decoded input window: for every output tile, the input pixels the
// kernel reads (the tile scaled to the input plus the kernel's margin)
// are no more than kernelCells counts, so a worker's memory per input is
// bounded by the tile size and the scale, not by the input's size.
func TestKernelWindowBound(t *testing.T) {
	const w, h = 1000, 700
	for _, k := range []grid.Kernel{grid.Bilinear, grid.Cubic, grid.CubicSpline, grid.Lanczos} {
		for _, a := range []grid.Axis{{Offset: 0, Scale: 3}, {Offset: 0.37, Scale: 2.5}, {Offset: -3.2, Scale: 0.7}, {Offset: 0.5, Scale: 1}, {Offset: 0, Scale: 9}} {
			pl := &grid.Placement{Resampled: true, X: a, Y: a}
			s := &source{rs: pl, interp: grid.NewInterp(k, a, a, w, h), im: &geotiff.Image{Width: w, Height: h}}
			for _, tile := range []int{16, 64, 256} {
				bound := s.kernelCells(tile, tile)
				for ty := 0; float64(ty*tile)*a.Scale < h; ty++ {
					for tx := 0; float64(tx*tile)*a.Scale < w; tx++ {
						r := image.Rect(tx*tile, ty*tile, (tx+1)*tile, (ty+1)*tile)
						in := s.interp.Window(r)
						if n := float64(in.Dx() * in.Dy()); n > bound {
							t.Fatalf("%v %+v tile %d at (%d, %d): the window %v holds %v pixels; the plan counts %v", k, a, tile, tx, ty, in, n, bound)
						}
					}
				}
			}
		}
	}
}

// writeMaskedRaster writes r with an internal mask that is 0 where holes
// has NaN.
func writeMaskedRaster(t *testing.T, dir, name string, r, holes raster, o geotiff.WriterOptions) string {
	t.Helper()
	path := filepath.Join(dir, name)
	o.Width, o.Height, o.Bands, o.Geo, o.Mask = r.w, r.h, 1, testGeo(), true
	w, err := geotiff.Create(path, o)
	if err != nil {
		t.Fatal(err)
	}
	enc := newEncoder(o.Type, math.NaN())
	g := tiling.Grid{Width: r.w, Height: r.h, TileWidth: o.TileWidth, TileHeight: o.TileHeight}
	tile := make([]byte, o.TileWidth*o.TileHeight*o.Type.Size())
	mask := make([]byte, o.TileWidth*o.TileHeight)
	for i := range g.Len() {
		clear(tile)
		clear(mask)
		b := g.Rect(i)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				p := (y-b.Min.Y)*o.TileWidth + x - b.Min.X
				enc.encode(tile, p, 1, []float64{r.at(x, y, 0)})
				if v := holes.at(x, y, 0); v == v {
					mask[p] = 255
				}
			}
		}
		if err := w.WriteTile(context.Background(), i, tile); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteMaskTile(context.Background(), i, mask); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
