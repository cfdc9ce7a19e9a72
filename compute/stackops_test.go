package compute

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomean/gomean/geotiff"
)

// TestQuantileSortedNumpy checks quantileSorted against values printed by
// numpy 1.24's nanpercentile (method="linear"), to the bit.
func TestQuantileSortedNumpy(t *testing.T) {
	hex := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	nan := math.NaN()
	tests := []struct {
		name string
		vals []float64
		ps   []float64
		want []float64
	}{
		{"small", []float64{4, 1, nan, 3, 2}, []float64{0, 10, 25, 33.3, 50, 90, 99.9, 100},
			[]float64{1, 1.3, 1.75, hex("0x1.ffbe76c8b4395p+0"), 2.5, 3.7, hex("0x1.ff9db22d0e561p+1"), 4}},
		{"rounding", []float64{0.1, 0.7, 0.2, 1e16, -3.3}, []float64{0, 10, 25, 33.3, 50, 70, 90, 99.9, 100},
			[]float64{hex("-0x1.a666666666666p+1"), hex("-0x1.f0a3d70a3d709p+0"), hex("0x1.999999999999ap-4"),
				hex("0x1.10cb295e9e1b0p-3"), hex("0x1.999999999999ap-3"), hex("0x1.3333333333332p-1"),
				hex("0x1.550f7dca70001p+52"), hex("0x1.1b1489afb4002p+53"), hex("0x1.1c37937e08000p+53")}},
		{"one value", []float64{5}, []float64{0, 37, 100}, []float64{5, 5, 5}},
		// numpy's lerp gives NaN next to an infinity: inf-1 times 0.
		{"infinity", []float64{math.Inf(1), 1}, []float64{0, 50, 100}, []float64{nan, nan, nan}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v []float64
			for _, x := range tt.vals {
				if x == x {
					v = append(v, x)
				}
			}
			sortValues(v)
			for i, p := range tt.ps {
				got := quantileSorted(v, p/100)
				if math.Float64bits(got) != math.Float64bits(tt.want[i]) && !(math.IsNaN(got) && math.IsNaN(tt.want[i])) {
					t.Errorf("percentile %v: got %v (%x), want %v (%x)", p, got, got, tt.want[i], tt.want[i])
				}
			}
		})
	}
}

// refPercentile is numpy's nanpercentile written out plainly.
func refPercentile(xs []float64, p float64) float64 {
	var v []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	n := len(v)
	vi := float64(n-1) * (p / 100)
	lo, hi, g := int(math.Floor(vi)), int(math.Floor(vi))+1, vi-math.Floor(vi)
	if vi >= float64(n-1) {
		lo, hi, g = n-1, n-1, vi+1
	}
	a, b := v[lo], v[hi]
	if g >= 0.5 {
		return b - float64((b-a)*(1-g))
	}
	return a + float64((b-a)*g)
}

// refMode is the most frequent value, the smallest of a tie, by counting.
func refMode(xs []float64) float64 {
	counts := map[float64]int{}
	for _, x := range xs {
		if !math.IsNaN(x) {
			counts[x]++
		}
	}
	best, bestN := math.NaN(), 0
	for v, c := range counts {
		if c > bestN || c == bestN && v < best {
			best, bestN = v, c
		}
	}
	return best
}

// refSlope is the least squares slope from the normal equations.
func refSlope(xs, ts []float64) float64 {
	var n, st, sy, stt, sty float64
	for k, y := range xs {
		if math.IsNaN(y) {
			continue
		}
		n++
		st += ts[k]
		sy += y
		stt += ts[k] * ts[k]
		sty += ts[k] * y
	}
	d := n*stt - st*st
	if n < 2 || d == 0 {
		return math.NaN()
	}
	return (n*sty - st*sy) / d
}

func TestReduceExtraTable(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		op   Op
		xs   []float64
		want float64
	}{
		{"mode", Mode, []float64{3, 1, 3, nan, 2}, 3},
		{"mode tie smallest", Mode, []float64{5, 2, 5, 2, 9}, 2},
		{"mode all distinct", Mode, []float64{7, -1, 4}, -1},
		{"mode zero signs", Mode, []float64{0, math.Copysign(0, -1), 1}, 0},
		{"mode none", Mode, []float64{nan, nan}, nan},
		{"mode long", Mode, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 9, 3, 9}, 9},
		{"slope line", Slope, []float64{1, 3, 5, 7}, 2},
		{"slope holes", Slope, []float64{nan, 3, nan, 9}, 3},
		{"slope one value", Slope, []float64{nan, 3, nan, nan}, nan},
		{"slope none", Slope, []float64{nan, nan}, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReducer(tt.op, nil, false, 0, 1)
			r.configure(Config{Op: tt.op}, len(tt.xs))
			vals := make([][]float64, len(tt.xs))
			for k, x := range tt.xs {
				vals[k] = []float64{x}
			}
			out := []float64{0}
			r.reduce(out, vals)
			if !closeEnough(out[0], tt.want) {
				t.Errorf("got %v, want %v", out[0], tt.want)
			}
		})
	}
}

// TestSlopeSameTime checks that a pixel whose valid values share one date
// has no slope, and that PerYear scales by 365.25.
func TestSlopeSameTime(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse("2006-01-02", s); return v }
	cfg := Config{Op: Slope, Dates: []time.Time{d("2024-01-01"), d("2024-01-01"), d("2024-01-11")}}
	r := newReducer(Slope, nil, false, 0, 2)
	r.configure(cfg, 3)
	vals := [][]float64{{1, 1}, {2, 2}, {math.NaN(), 6}}
	out := make([]float64, 2)
	r.reduce(out, vals)
	if !math.IsNaN(out[0]) || !closeEnough(out[1], 0.45) {
		t.Errorf("per day: got %v, want [NaN 0.45]", out)
	}
	cfg.PerYear = true
	r.configure(cfg, 3)
	r.reduce(out, vals)
	if !math.IsNaN(out[0]) || !closeEnough(out[1], 0.45*365.25) {
		t.Errorf("per year: got %v, want [NaN %v]", out, 0.45*365.25)
	}
}

// TestReduceExtraMatchesReference runs the new reducers over random
// chunks with NaN and infinite values, under each validity policy.
func TestReduceExtraMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ps := []float64{0, 10, 33.3, 50, 90, 100}
	for _, n := range []int{1, 2, 3, 17, 40} {
		for _, op := range ExtraOps() {
			for _, pol := range []struct {
				name      string
				propagate bool
				minValid  int
			}{{"skip", false, 0}, {"propagate", true, 0}, {"min2", false, 2}} {
				t.Run(fmt.Sprintf("%v/n=%d/%s", op, n, pol.name), func(t *testing.T) {
					const px = 2500
					vals := make([][]float64, n)
					for k := range vals {
						vals[k] = make([]float64, px)
						for p := range vals[k] {
							switch r := rng.Float64(); {
							case r < 0.3:
								vals[k][p] = math.NaN()
							case r < 0.32 && op != Slope:
								vals[k][p] = math.Inf(1 - 2*rng.IntN(2))
							case op == Mode:
								vals[k][p] = float64(rng.IntN(5))
							default:
								vals[k][p] = rng.NormFloat64()*1000 + 500
							}
						}
					}
					cfg := Config{Op: op}
					if op == Percentile {
						cfg.Percentiles = ps
					}
					r := newReducer(op, nil, pol.propagate, pol.minValid, chunk)
					r.configure(cfg, n)
					out := make([]float64, chunk)
					chunkVals := make([][]float64, n)
					xs := make([]float64, n)
					ts := make([]float64, n)
					for k := range ts {
						ts[k] = float64(k)
					}
					for p0 := 0; p0 < px; p0 += chunk {
						c := min(chunk, px-p0)
						for k := range vals {
							chunkVals[k] = vals[k][p0 : p0+c]
						}
						r.reduce(out[:c], chunkVals)
						for p := range c {
							valid := 0
							for k := range vals {
								xs[k] = vals[k][p0+p]
								if !math.IsNaN(xs[k]) {
									valid++
								}
							}
							need := max(pol.minValid, 1)
							if pol.propagate {
								need = n
							}
							check := func(what string, got, want float64) {
								if valid < need {
									want = math.NaN()
								}
								if !closeEnough(got, want) {
									t.Fatalf("pixel %d %s of %v: got %v, want %v", p0+p, what, xs, got, want)
								}
							}
							switch op {
							case Percentile:
								for i, pc := range ps {
									got := out[p]
									if i > 0 {
										got = r.outs[i][p]
									}
									check(fmt.Sprint("p", pc), got, refPercentile(xs, pc))
								}
							case Mode:
								check("mode", out[p], refMode(xs))
							case Slope:
								want := refSlope(xs, ts)
								if valid < need {
									want = math.NaN()
								}
								if !closeEnough(out[p], want) && !(math.Abs(out[p]-want) < 1e-9*math.Max(1, math.Abs(want))) {
									t.Fatalf("pixel %d slope of %v: got %v, want %v", p0+p, xs, out[p], want)
								}
							}
						}
					}
				})
			}
		}
	}
}

func TestDateFromName(t *testing.T) {
	tests := []struct {
		name string
		want string // "" for no date
	}{
		{"data/2024-01-15_ndvi.tif", "2024-01-15"},
		{"S2A_MSIL2A_20200101T101421_N0213.tif", "2020-01-01"},
		{"MOD13Q1.A2020032.h08v05.006.2020018031409.tif", "2020-02-01"},
		{"LC08_L2SP_044034_20200229_20200313_02_T1.tif", "2020-02-29"},
		{"tile_044034_scene.tif", ""},
		{"x20230230_20230301.tif", "2023-03-01"}, // 30 February does not exist
		{"run_12345678.tif", ""},                 // year 1234 is out of range
		{"2024-1-5.tif", ""},
		{"2024-01-15.tif", "2024-01-15"},
		{"precip_2019366.tif", ""}, // 2019 has 365 days
		{"precip_2020366.tif", "2020-12-31"},
		{"/dir/20240101/scene.tif", ""}, // only the base name counts
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := DateFromName(tt.name)
			if s := got.Format("2006-01-02"); ok != (tt.want != "") || ok && s != tt.want {
				t.Errorf("got %s %v, want %q", s, ok, tt.want)
			}
		})
	}
}

func TestNameDatesAndReadDates(t *testing.T) {
	if d, err := NameDates([]string{"a.tif", "b.tif"}); d != nil || err != nil {
		t.Errorf("no dates: got %v, %v", d, err)
	}
	if _, err := NameDates([]string{"a_20240101.tif", "b.tif"}); err == nil || !strings.Contains(err.Error(), "b.tif") {
		t.Errorf("one missing: got %v, want an error naming b.tif", err)
	}
	got, err := ReadDates(strings.NewReader("# dates\n2024-01-31\n\n20240201\n2024032\n2024-02-03T12:00:00Z\n"), "d.txt")
	if err != nil || len(got) != 4 || got[1] != got[2] || got[3].Hour() != 12 {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := ReadDates(strings.NewReader("2024-01-31\n2024-13-01\n"), "d.txt"); err == nil || !strings.Contains(err.Error(), "d.txt:2") {
		t.Errorf("bad date: got %v, want an error at d.txt:2", err)
	}
}

func TestGroupKeys(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse("2006-01-02", s); return v }
	tests := []struct {
		by   GroupBy
		date string
		want string
	}{
		{ByMonth, "2024-01-15", "2024-01"},
		{ByYear, "2024-12-31", "2024"},
		{BySeason, "2023-12-01", "2024-DJF"},
		{BySeason, "2024-02-29", "2024-DJF"},
		{BySeason, "2024-03-01", "2024-MAM"},
		{BySeason, "2024-08-31", "2024-JJA"},
		{BySeason, "2024-11-30", "2024-SON"},
		{ByDOY, "2024-01-01", "001"},
		{ByDOY, "2023-12-31", "365"},
	}
	for _, tt := range tests {
		if got, _ := tt.by.Key(d(tt.date)); got != tt.want {
			t.Errorf("%v of %s: got %s, want %s", tt.by, tt.date, got, tt.want)
		}
	}
	for _, s := range []string{"month", "YEAR", "season", "doy"} {
		if g, err := ParseGroupBy(s); err != nil || !strings.EqualFold(g.String(), s) {
			t.Errorf("ParseGroupBy(%q) = %v, %v", s, g, err)
		}
	}
	if _, err := ParseGroupBy("week"); err == nil {
		t.Error("ParseGroupBy(week): no error")
	}
}

func TestSplitGroups(t *testing.T) {
	names := []string{"b_2024-03-02.tif", "a_2023-12-30.tif", "c_2024-01-05.tif", "d_2024-06-01.tif"}
	dates, err := NameDates(names)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := SplitGroups(BySeason, names, dates, "out/mean_{group}.tif")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range groups {
		got = append(got, fmt.Sprintf("%s=%s:%v", g.Name, g.Output, g.Index))
	}
	want := []string{"2024-DJF=out/mean_2024-DJF.tif:[1 2]", "2024-MAM=out/mean_2024-MAM.tif:[0]", "2024-JJA=out/mean_2024-JJA.tif:[3]"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := SplitGroups(ByMonth, names, dates, "out/mean.tif"); err == nil || !strings.Contains(err.Error(), "mean_{group}.tif") {
		t.Errorf("no placeholder: got %v, want an error suggesting mean_{group}.tif", err)
	}
	if g, err := SplitGroups(ByYear, names[1:2], dates[1:2], "one.tif"); err != nil || len(g) != 1 || g[0].Output != "one.tif" {
		t.Errorf("one group without placeholder: got %v, %v", g, err)
	}
}

func TestExtraConfigErrors(t *testing.T) {
	d := []time.Time{time.Now(), time.Now()}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no percentiles", Config{Op: Percentile}, "at least one"},
		{"out of range", Config{Op: Percentile, Percentiles: []float64{50, 101}}, "101 out of range"},
		{"NaN", Config{Op: Percentile, Percentiles: []float64{math.NaN()}}, "out of range"},
		{"percentiles for mean", Config{Percentiles: []float64{50}}, "percentile only"},
		{"separate", Config{Op: Percentile, Percentiles: []float64{10, 90}, Output: geotiff.WriterOptions{Planar: geotiff.PlanarSeparate}}, "INTERLEAVE=BAND"},
		{"dates for mean", Config{Dates: d}, "slope only"},
		{"date count", Config{Op: Slope, Dates: d[:1]}, "1 dates for 2 inputs"},
		{"per year without dates", Config{Op: Slope, PerYear: true}, "needs the inputs' dates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.cfg.validate(2); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestRunPercentile checks the band layout of several percentiles of a
// 2-band stack, that --p 50 is the median to the byte, and that the
// bytes do not depend on the worker count.
func TestRunPercentile(t *testing.T) {
	dir := t.TempDir()
	inputs := stack(t, dir, 6, 150, 100, 2)
	ps := []float64{10, 50, 90}
	out := filepath.Join(dir, "p.tif")
	cfg := Config{Op: Percentile, Percentiles: ps, Workers: 2}
	if err := Run(context.Background(), cfg, inputs, out); err != nil {
		t.Fatal(err)
	}
	im, got := readRaster(t, out)
	if im.Bands != 6 || im.Type != geotiff.Float32 {
		t.Fatalf("got %d bands of %v, want 6 of Float32", im.Bands, im.Type)
	}
	for s, d := range []string{"p10", "p50", "p90", "p10", "p50", "p90"} {
		if item := fmt.Sprintf(`sample="%d" role="description">%s<`, s, d); !strings.Contains(im.Metadata, item) {
			t.Errorf("metadata lacks %s:\n%s", item, im.Metadata)
		}
	}
	var rs []raster
	var ims []*geotiff.Image
	for _, in := range inputs {
		im, r := readRaster(t, in)
		ims, rs = append(ims, im), append(rs, r)
	}
	xs := make([]float64, len(rs))
	for i := range got.w * got.h {
		for b := range 2 {
			for k, r := range rs {
				v := r.vals[i*2+b]
				if ims[k].HasNoData && v == inputNoData(ims[k]) {
					v = math.NaN()
				}
				xs[k] = v
			}
			for j, p := range ps {
				want := float64(float32(refPercentile(xs, p)))
				g := got.vals[i*6+b*3+j]
				if im.HasNoData && g == im.NoData {
					g = math.NaN()
				}
				if g != want && !(math.IsNaN(g) && math.IsNaN(want)) {
					t.Fatalf("pixel %d band %d p%v: got %v, want %v", i, b, p, g, want)
				}
			}
		}
	}

	// --p 50 equals median value for value (the files differ by the band
	// description), and each writes the same bytes for any worker count.
	first := map[Op][]byte{}
	for _, workers := range []int{1, 2, 4} {
		for _, op := range []Op{Median, Percentile} {
			c := Config{Op: op, Workers: workers}
			if op == Percentile {
				c.Percentiles = []float64{50}
			}
			o := filepath.Join(dir, fmt.Sprintf("%v%d.tif", op, workers))
			if err := Run(context.Background(), c, inputs, o); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(o)
			if err != nil {
				t.Fatal(err)
			}
			if first[op] == nil {
				first[op] = b
			} else if !bytes.Equal(b, first[op]) {
				t.Errorf("%v with %d workers: bytes differ from 1 worker's", op, workers)
			}
		}
		_, med := readRaster(t, filepath.Join(dir, fmt.Sprintf("%v%d.tif", Median, workers)))
		_, p50 := readRaster(t, filepath.Join(dir, fmt.Sprintf("%v%d.tif", Percentile, workers)))
		compareRaster(t, p50, med, 0)
	}
}

// TestRunExtraDeterministic checks that every new reduction writes the
// same bytes with 1, 2 and 4 workers, through the block cache (mixed
// layouts).
func TestRunExtraDeterministic(t *testing.T) {
	dir := t.TempDir()
	_, mixed := layoutStack(t, dir, 300, 200)
	for _, op := range ExtraOps() {
		var first []byte
		for _, workers := range []int{1, 2, 4} {
			cfg := Config{Op: op, Workers: workers}
			if op == Percentile {
				cfg.Percentiles = []float64{5, 50, 95}
			}
			out := filepath.Join(dir, fmt.Sprintf("%v%d.tif", op, workers))
			if err := Run(context.Background(), cfg, mixed, out); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = b
			} else if !bytes.Equal(b, first) {
				t.Errorf("%v: %d workers write other bytes than 1", op, workers)
			}
		}
	}
}

// TestRunModeType checks Mode's default output type: the inputs' when
// they share one, else Float64; and -ot when given.
func TestRunModeType(t *testing.T) {
	dir := t.TempDir()
	var i16 []string
	for k := range 5 {
		r := randomRaster(uint64(50+k), 70, 40, 1, 0, 4, 0.2, -1)
		i16 = append(i16, writeRaster(t, dir, fmt.Sprintf("c%d.tif", k), r,
			geotiff.WriterOptions{Type: geotiff.Int16, TileWidth: 16, TileHeight: 16, HasNoData: true, NoData: -1}))
	}
	r := randomRaster(99, 70, 40, 1, 0, 4, 0.2, -1)
	u8 := writeRaster(t, dir, "u8.tif", r, geotiff.WriterOptions{Type: geotiff.Uint8, TileWidth: 16, TileHeight: 16, HasNoData: true, NoData: 255})
	tests := []struct {
		name   string
		typ    geotiff.SampleType
		inputs []string
		want   geotiff.SampleType
	}{
		{"same type", geotiff.Invalid, i16, geotiff.Int16},
		{"mixed types", geotiff.Invalid, append(slices.Clone(i16), u8), geotiff.Float64},
		{"explicit", geotiff.Float32, i16, geotiff.Float32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".tif")
			cfg := Config{Op: Mode, Type: tt.typ, Workers: 2}
			if err := Run(context.Background(), cfg, tt.inputs, out); err != nil {
				t.Fatal(err)
			}
			im, got := readRaster(t, out)
			if im.Type != tt.want {
				t.Fatalf("output type %v, want %v", im.Type, tt.want)
			}
			if tt.name == "same type" {
				if !im.HasNoData || im.NoData != -1 {
					t.Errorf("nodata %v %v, want -1", im.HasNoData, im.NoData)
				}
				ref := expectedExtra(t, Config{Op: Mode}, tt.inputs, -1)
				compareRaster(t, got, ref, 0)
			}
		})
	}
}

// expectedExtra computes the reference result of cfg.Op (Mode or Slope
// by position) pixel by pixel, empty pixels set to fill.
func expectedExtra(t *testing.T, cfg Config, inputs []string, fill float64) raster {
	t.Helper()
	var rs []raster
	var ims []*geotiff.Image
	for _, in := range inputs {
		im, r := readRaster(t, in)
		ims, rs = append(ims, im), append(rs, r)
	}
	out := raster{w: rs[0].w, h: rs[0].h, bands: 1, vals: make([]float64, rs[0].w*rs[0].h)}
	xs := make([]float64, len(rs))
	ts := make([]float64, len(rs))
	for k := range ts {
		ts[k] = float64(k)
	}
	for i := range out.vals {
		for k, r := range rs {
			v := r.vals[i]
			if ims[k].HasNoData && v == inputNoData(ims[k]) {
				v = math.NaN()
			}
			xs[k] = v
		}
		var v float64
		if cfg.Op == Mode {
			v = refMode(xs)
		} else {
			v = refSlope(xs, ts)
		}
		if math.IsNaN(v) {
			v = fill
		}
		out.vals[i] = v
	}
	return out
}

// TestRunGroups reduces a dated stack by month, with weights subset per
// group, and checks each output against a run on the group's inputs.
func TestRunGroups(t *testing.T) {
	dir := t.TempDir()
	days := []string{"2024-01-03", "2024-01-20", "2024-02-01", "2024-01-09", "2024-03-15", "2024-03-16"}
	var inputs []string
	for k, d := range days {
		r := randomRaster(uint64(200+k), 50, 40, 1, 0, 100, 0.2, math.NaN())
		inputs = append(inputs, writeRaster(t, dir, "ndvi_"+d+".tif", r, geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 16, TileHeight: 16}))
	}
	dates, err := NameDates(inputs)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := SplitGroups(ByMonth, inputs, dates, filepath.Join(dir, "mean_{group}.tif"))
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	prog := 0
	cfg := Config{Weights: []float64{1, 2, 3, 4, 5, 6}, Workers: 2, Notice: func(m string) { notes = append(notes, m) },
		Progress: func(done, total int) {
			if done <= prog || done > total {
				t.Errorf("progress %d of %d after %d", done, total, prog)
			}
			prog = done
		}}
	if err := RunGroups(context.Background(), cfg, groups); err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{"2024-01": {0, 1, 3}, "2024-02": {2}, "2024-03": {4, 5}}
	if len(groups) != 3 {
		t.Fatalf("got %d groups, want 3", len(groups))
	}
	for _, g := range groups {
		if !slices.Equal(g.Index, want[g.Name]) {
			t.Errorf("group %s: inputs %v, want %v", g.Name, g.Index, want[g.Name])
		}
		var w []float64
		for _, k := range g.Index {
			w = append(w, cfg.Weights[k])
		}
		_, got := readRaster(t, g.Output)
		compareRaster(t, got, expected(t, Config{Weights: w}, g.Inputs), 1e-6)
	}
	for _, n := range notes {
		if !strings.HasPrefix(n, "group 2024-0") {
			t.Errorf("notice %q does not name its group", n)
		}
	}

	// A group too small for --min-valid fails before any output is written.
	os.Remove(groups[0].Output)
	err = RunGroups(context.Background(), Config{MinValid: 2}, groups)
	if err == nil || !strings.Contains(err.Error(), "group 2024-02") {
		t.Errorf("min-valid 2 with a 1-input group: got %v", err)
	}
	if _, err := os.Stat(groups[0].Output); err == nil {
		t.Error("an output was written before the configuration error")
	}
}
