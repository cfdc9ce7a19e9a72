package main

import (
	"encoding/binary"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// datedStack writes four inputs named s_DATE.tif whose pixel (x, y) holds
// k+1+x for the k-th date (pixel (0, 0) of the first is nodata), and
// returns their paths.
func datedStack(t *testing.T, dir string, dates ...string) []string {
	var paths []string
	for k, d := range dates {
		p := filepath.Join(dir, "s_"+d+".tif")
		base := float32(k + 1)
		if k == 0 {
			base = 10 // writeInput puts nodata at (0, 0) for base 10
		}
		writeInput(t, p, base, nil)
		paths = append(paths, p)
	}
	return paths
}

// pixelBand returns sample (x, y) of band b of a float32 file.
func pixelBand(t *testing.T, path string, x, y, b int) float64 {
	t.Helper()
	r, err := geotiff.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	buf, err := r.ReadWindow(r.Image(), image.Rect(x, y, x+1, y+1), []int{b}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return float64(math.Float32frombits(binary.LittleEndian.Uint32(buf)))
}

func TestStackCommands(t *testing.T) {
	dir := t.TempDir()
	// Values at x: 10+x, 2+x, 3+x, 4+x; nodata at (0, 0) of the first.
	in := datedStack(t, dir, "2024-01-01", "2024-01-02", "2024-01-03", "2024-02-04")
	out := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name  string
		args  []string
		file  string
		x     int
		bands []float64
		typ   geotiff.SampleType
	}{
		{"percentiles", []string{"percentile", "--p", "0", "--p", "50,100", "-o", out("p.tif")}, "p.tif", 1, []float64{3, 4.5, 11}, geotiff.Float32},
		{"percentile hole", []string{"percentile", "--p", "50", "-o", out("p50.tif")}, "p50.tif", 0, []float64{3}, geotiff.Float32},
		{"median is p50", []string{"median", "-o", out("med.tif")}, "med.tif", 0, []float64{3}, geotiff.Float32},
		{"mode", []string{"mode", "-o", out("mode.tif")}, "mode.tif", 2, []float64{4}, geotiff.Float32},
		// x = 0, 1, 2, 34 days; y = 11, 3, 4, 5 at x = 1.
		{"slope per day", []string{"slope", "-o", out("slope.tif")}, "slope.tif", 1, []float64{float64(float32(slopeOf([]float64{0, 1, 2, 34}, []float64{11, 3, 4, 5})))}, geotiff.Float32},
		{"slope per year", []string{"slope", "--per", "year", "-o", out("slopey.tif")}, "slopey.tif", 1, []float64{float64(float32(365.25 * slopeOf([]float64{0, 1, 2, 34}, []float64{11, 3, 4, 5})))}, geotiff.Float32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := run(t, append(append(tt.args, "-q"), in...)...); err != nil {
				t.Fatal(err)
			}
			_, im := pixel(t, out(tt.file), 0, 0)
			if im.Bands != len(tt.bands) || im.Type != tt.typ {
				t.Fatalf("%d bands of %v, want %d of %v", im.Bands, im.Type, len(tt.bands), tt.typ)
			}
			for b, want := range tt.bands {
				if got := pixelBand(t, out(tt.file), tt.x, 0, b); math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
					t.Errorf("band %d at x=%d: got %v, want %v", b+1, tt.x, got, want)
				}
			}
		})
	}

	t.Run("group-by month", func(t *testing.T) {
		if _, _, err := run(t, append([]string{"mean", "-q", "--group-by", "month", "-o", out("m_{group}.tif")}, in...)...); err != nil {
			t.Fatal(err)
		}
		for file, want := range map[string]float64{"m_2024-01.tif": (11 + 3 + 4) / 3.0, "m_2024-02.tif": 5} {
			if got, _ := pixel(t, out(file), 1, 0); math.Abs(got-want) > 1e-6 {
				t.Errorf("%s at x=1: got %v, want %v", file, got, want)
			}
		}
	})
	t.Run("slope by month", func(t *testing.T) {
		if _, _, err := run(t, append([]string{"slope", "-q", "--group-by", "month", "-o", out("s_{group}.tif")}, in...)...); err != nil {
			t.Fatal(err)
		}
		want := float64(float32(slopeOf([]float64{0, 1, 2}, []float64{11, 3, 4})))
		if got, _ := pixel(t, out("s_2024-01.tif"), 1, 0); math.Abs(got-want) > 1e-6 {
			t.Errorf("s_2024-01.tif at x=1: got %v, want %v", got, want)
		}
		if got, im := pixel(t, out("s_2024-02.tif"), 1, 0); !im.HasNoData || got != im.NoData {
			t.Errorf("s_2024-02.tif at x=1 (one input): got %v, want the nodata %v", got, im.NoData)
		}
	})
	t.Run("slope by position", func(t *testing.T) {
		plain := []string{filepath.Join(dir, "a.tif"), filepath.Join(dir, "b.tif")}
		writeInput(t, plain[0], 1, nil)
		writeInput(t, plain[1], 4, nil)
		if _, _, err := run(t, append([]string{"slope", "-q", "-o", out("pos.tif")}, plain...)...); err != nil {
			t.Fatal(err)
		}
		if got, _ := pixel(t, out("pos.tif"), 5, 0); got != 3 {
			t.Errorf("slope by position: got %v, want 3", got)
		}
	})
	t.Run("dates file", func(t *testing.T) {
		list := filepath.Join(dir, "dates.txt")
		os.WriteFile(list, []byte("2020-01-01\n2020-01-01\n2020-01-01\n2021-01-01\n"), 0o644)
		if _, _, err := run(t, append([]string{"mean", "-q", "--group-by", "year", "--dates", list, "-o", out("y_{group}.tif")}, in...)...); err != nil {
			t.Fatal(err)
		}
		if got, _ := pixel(t, out("y_2021.tif"), 1, 0); got != 5 {
			t.Errorf("y_2021.tif at x=1: got %v, want 5", got)
		}
	})
}

// slopeOf is the least squares slope of ys against xs.
func slopeOf(xs, ys []float64) float64 {
	var mx, my float64
	for i := range xs {
		mx += xs[i] / float64(len(xs))
		my += ys[i] / float64(len(xs))
	}
	var sxy, sxx float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
	}
	return sxy / sxx
}

func TestStackErrors(t *testing.T) {
	dir := t.TempDir()
	in := datedStack(t, dir, "2024-01-01", "2024-02-01")
	plain := filepath.Join(dir, "plain.tif")
	writeInput(t, plain, 1, nil)
	out := filepath.Join(dir, "out.tif")
	exists := filepath.Join(dir, "g_2024-02.tif")
	os.WriteFile(exists, []byte("x"), 0o644)
	short := filepath.Join(dir, "short.txt")
	os.WriteFile(short, []byte("2024-01-01\n"), 0o644)
	if err := os.Link(in[1], filepath.Join(dir, "link_2024-02.tif")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"no p", []string{"percentile", "-o", out}, []string{"needs --p"}},
		{"p out of range", []string{"percentile", "--p", "10,101", "-o", out}, []string{`--p "101"`, "0 to 100"}},
		{"p not a number", []string{"percentile", "--p", "x", "-o", out}, []string{`--p "x"`}},
		{"p band interleave", []string{"percentile", "--p", "10,90", "--co", "INTERLEAVE=BAND", "-o", out}, []string{"INTERLEAVE=BAND"}},
		{"bad per", []string{"slope", "--per", "week", "-o", out}, []string{"--per week", "day or year"}},
		{"bad group", []string{"mean", "--group-by", "week", "-o", out}, []string{"--group-by week"}},
		{"no placeholder", []string{"mean", "--group-by", "month", "-o", out}, []string{"no {group}", "2 month groups", "out_{group}.tif"}},
		{"group output exists", []string{"mean", "--group-by", "month", "-o", filepath.Join(dir, "g_{group}.tif")}, []string{"g_2024-02.tif exists"}},
		{"group output is an input", []string{"mean", "--group-by", "month", "--overwrite", "-o", filepath.Join(dir, "s_{group}-01.tif")}, []string{"s_2024-01-01.tif is also an input"}},
		{"group output links to an input", []string{"mean", "--group-by", "month", "--overwrite", "-o", filepath.Join(dir, "link_{group}.tif")}, []string{"link_2024-02.tif is also an input"}},
		{"dates count", []string{"slope", "--dates", short, "-o", out}, []string{"1 dates for 2 inputs"}},
		{"dates without use", []string{"mean", "--dates", short, "-o", out}, []string{"--dates is for slope and --group-by"}},
		{"mode nodata type", []string{"mode", "--nodata", "3.5", "-o", out}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := run(t, append(tt.args, in...)...)
			if len(tt.want) == 0 { // accepted: Float32 inputs give a Float32 mode
				if err != nil {
					t.Fatal(err)
				}
				os.Remove(out)
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if c := exitCode(err); c != 2 {
				t.Errorf("exit code %d, want 2 (error %v)", c, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("output written despite the error")
			}
		})
	}
	t.Run("group without dates", func(t *testing.T) {
		_, _, err := run(t, "mean", "--group-by", "year", "-o", out, plain, plain)
		if err == nil || !strings.Contains(err.Error(), "needs dates") {
			t.Errorf("got %v, want an error saying --group-by needs dates", err)
		}
	})
	t.Run("some names without dates", func(t *testing.T) {
		_, _, err := run(t, "slope", "-o", out, in[0], plain)
		if err == nil || !strings.Contains(err.Error(), "plain.tif has no date") {
			t.Errorf("got %v, want an error naming plain.tif", err)
		}
	})
}

func TestStackHelp(t *testing.T) {
	for _, tt := range []struct {
		cmd  string
		want []string
	}{
		{"percentile", []string{"--p", "nanpercentile", "gomean percentile --p 10,50,90 -o p.tif", "--group-by"}},
		{"mode", []string{"smallest of those tied", "gomean mode -o landcover.tif"}},
		{"slope", []string{"--per", "--dates", "np.polyfit", "gomean slope --per year"}},
		{"mean", []string{"--group-by", "mean_{group}.tif"}},
	} {
		stdout, _, err := run(t, tt.cmd, "--help")
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("%s --help lacks %q", tt.cmd, w)
			}
		}
	}
	stdout, _, _ := run(t, "--help")
	for _, c := range []string{"percentile", "mode", "slope"} {
		if !strings.Contains(stdout, c) {
			t.Errorf("gomean --help does not list %s", c)
		}
	}
}
