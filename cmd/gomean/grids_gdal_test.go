package main

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gridsOracle runs testdata/grids_oracle.py.
func gridsOracle(t *testing.T, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(accPython, append([]string{"testdata/grids_oracle.py"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("grids_oracle.py %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

type gridResult struct {
	Size             [2]int     `json:"size"`
	GT               [6]float64 `json:"gt"`
	Valid            int        `json:"valid"`
	ValidityMismatch int        `json:"validity_mismatch"`
	ValueMismatch    int        `json:"value_mismatch"`
	Far              int        `json:"far"`
	Pixels           int        `json:"pixels"`
}

// TestGridsAgainstGdalwarp runs gomean on three GDAL-made surveys with
// different footprints (float32 with NaN holes, float32 with nodata,
// int16 with nodata; tiled and stripped) and compares each output with
// gdalwarp of every input onto the output's grid followed by numpy's
// masked reduction, bit for bit at float32; where gdalwarp flags set the
// grid, gdalwarp's own grid for the same flags must be the output's.
func TestGridsAgainstGdalwarp(t *testing.T) {
	accNeedGDAL(t)
	dir := t.TempDir()
	gridsOracle(t, "make", dir)
	a, b, c := filepath.Join(dir, "a.tif"), filepath.Join(dir, "b.tif"), filepath.Join(dir, "c.tif")
	all := []string{a, b, c}
	masked := []string{a, filepath.Join(dir, "masked.tif"), filepath.Join(dir, "alpha.tif")}
	// Pixel (px, py) of the 10 m lattice of the surveys.
	x := func(px float64) string { return fmtG(500000 + 10*px) }
	y := func(py float64) string { return fmtG(5000000 - 10*py) }
	tests := []struct {
		name   string
		op     string
		flags  []string
		warp   string // gdalwarp's flags for the same grid, when they set it
		inputs []string
		size   [2]int
		notice string
	}{
		{"union", "mean", nil, "", all, [2]int{460, 350}, "the output is their union, 460x350 pixels"},
		{"union max", "max", []string{"--tile", "64"}, "", all, [2]int{460, 350}, ""},
		{"union count", "count", nil, "", all, [2]int{460, 350}, ""},
		{"intersection", "mean", []string{"--extent", "intersection"}, "", []string{a, b}, [2]int{160, 130}, "intersection, 160x130"},
		{"first", "mean", []string{"--extent", "first"}, "", all, [2]int{300, 220}, "first, 300x220"},
		{"te off the tiles", "mean", []string{"--te", x(37), y(301), x(333), y(51)},
			"-te " + strings.Join([]string{x(37), y(301), x(333), y(51)}, " "), all, [2]int{296, 250}, ""},
		{"te beyond the inputs", "mean", []string{"-te", x(-100), y(400), x(420), y(-30), "--tile", "48"},
			"-te " + strings.Join([]string{x(-100), y(400), x(420), y(-30)}, " "), all, [2]int{520, 430}, ""},
		{"te tr tap", "mean", []string{"--te", x(37.5), y(301.2), x(333.3), y(51.7), "--tr", "10", "10", "--tap"},
			"-tr 10 10 -tap -te " + strings.Join([]string{x(37.5), y(301.2), x(333.3), y(51.7)}, " "), all, [2]int{297, 251}, ""},
		{"tr tap", "mean", []string{"--tr", "10,10", "--tap"}, "-tr 10 10 -tap", all, [2]int{460, 350}, ""},
		{"te ts", "mean", []string{"--te", x(37), y(301), x(333), y(51), "--ts", "296", "250"},
			"-ts 296 250 -te " + strings.Join([]string{x(37), y(301), x(333), y(51)}, " "), all, [2]int{296, 250}, ""},
		{"ts width", "mean", []string{"--ts", "460", "0"}, "-ts 460 0", all, [2]int{460, 350}, ""},
		// Resampled by nearest neighbour onto grids off the lattice.
		{"tr 30 down", "mean", []string{"--tr", "30", "30"}, "-tr 30 30", all, [2]int{153, 117}, "resampled"},
		{"tr 7 up", "mean", []string{"--tr", "7", "7", "--tile", "128"}, "-tr 7 7", all, [2]int{657, 500}, "resampled"},
		{"te half pixel", "mean", []string{"--te", x(37.5), y(301.5), x(333.5), y(51.5)},
			"-te " + strings.Join([]string{x(37.5), y(301.5), x(333.5), y(51.5)}, " "), all, [2]int{296, 250}, "resampled"},
		{"ts down", "max", []string{"--ts", "200", "0"}, "-ts 200 0", all, [2]int{200, 152}, "resampled"},
		// Area kernels.
		{"average 30", "mean", []string{"--tr", "30", "30", "-r", "average"}, "-tr 30 30", all, [2]int{153, 117}, "gdalwarp -r average"},
		{"average 25", "mean", []string{"--tr", "25", "25", "-r", "average"}, "-tr 25 25", all, [2]int{184, 140}, "gdalwarp -r average"},
		{"average half pixel", "mean", []string{"--te", x(37.5), y(301.5), x(333.5), y(51.5), "-r", "average"},
			"-te " + strings.Join([]string{x(37.5), y(301.5), x(333.5), y(51.5)}, " "), all, [2]int{296, 250}, "resampled"},
		{"min 30", "mean", []string{"--tr", "30", "30", "-r", "min"}, "-tr 30 30", all, [2]int{153, 117}, "gdalwarp -r min"},
		{"max 40", "mean", []string{"--tr", "40", "40", "-r", "max"}, "-tr 40 40", all, [2]int{115, 88}, "gdalwarp -r max"},
		{"average 7 up", "mean", []string{"--tr", "7", "7", "-r", "average", "--tile", "128"}, "-tr 7 7", all, [2]int{657, 500}, "gdalwarp -r average"},
		{"mode 30", "max", []string{"--tr", "30", "30", "-r", "mode"}, "-tr 30 30", all, [2]int{153, 117}, "gdalwarp -r mode"},
		{"mode classes 40", "max", []string{"--tr", "40", "40", "-r", "mode"}, "-tr 40 40", []string{filepath.Join(dir, "classes.tif")}, [2]int{50, 38}, "gdalwarp -r mode"},
		{"mode classes 25 with a", "max", []string{"--tr", "25", "25", "-r", "mode"}, "-tr 25 25", []string{a, filepath.Join(dir, "classes.tif")}, [2]int{120, 88}, "gdalwarp -r mode"},
		{"min ts", "max", []string{"--ts", "100", "0", "--r", "min"}, "-ts 100 0", all, [2]int{100, 76}, "gdalwarp -r min"},
		// Interpolating kernels (gdalwarp given the resolution ratio as
		// XSCALE/YSCALE, see grids_oracle.py).
		{"bilinear 30", "mean", []string{"--tr", "30", "30", "-r", "bilinear"}, "-tr 30 30", all, [2]int{153, 117}, "gdalwarp -r bilinear"},
		{"bilinear 7 up", "mean", []string{"--tr", "7", "7", "-r", "bilinear", "--tile", "128"}, "-tr 7 7", all, [2]int{657, 500}, "gdalwarp -r bilinear"},
		{"bilinear half pixel", "mean", []string{"--te", x(37.5), y(301.5), x(333.5), y(51.5), "-r", "bilinear"},
			"-te " + strings.Join([]string{x(37.5), y(301.5), x(333.5), y(51.5)}, " "), all, [2]int{296, 250}, "gdalwarp -r bilinear"},
		{"bilinear NaN holes up", "max", []string{"--tr", "4", "4", "-r", "bilinear", "--tile", "256"}, "-tr 4 4", []string{a}, [2]int{750, 550}, "gdalwarp -r bilinear"},
		{"cubic 30", "mean", []string{"--tr", "30", "30", "-r", "cubic"}, "-tr 30 30", all, [2]int{153, 117}, "gdalwarp -r cubic"},
		{"cubic 7 up", "mean", []string{"--tr", "7", "7", "-r", "cubic", "--tile", "128"}, "-tr 7 7", all, [2]int{657, 500}, "gdalwarp -r cubic"},
		{"cubic half pixel", "mean", []string{"--te", x(37.5), y(301.5), x(333.5), y(51.5), "-r", "cubic"},
			"-te " + strings.Join([]string{x(37.5), y(301.5), x(333.5), y(51.5)}, " "), all, [2]int{296, 250}, "gdalwarp -r cubic"},
		{"cubic 25 two inputs", "mean", []string{"--tr", "25", "25", "-r", "cubic", "--tile", "64"}, "-tr 25 25", []string{a, b}, [2]int{156, 140}, "gdalwarp -r cubic"},
		{"cubicspline ts", "max", []string{"--ts", "200", "0", "-r", "cubicspline"}, "-ts 200 0", all, [2]int{200, 152}, "gdalwarp -r cubicspline"},
		{"lanczos 30", "mean", []string{"--tr", "30", "30", "-r", "lanczos"}, "-tr 30 30", all, [2]int{153, 117}, "gdalwarp -r lanczos"},
		// Validity from an internal mask and from an alpha band.
		{"bilinear masks 30", "mean", []string{"--tr", "30", "30", "-r", "bilinear"}, "-tr 30 30", masked, [2]int{100, 73}, "gdalwarp -r bilinear"},
		{"cubic masks 7 up", "mean", []string{"--tr", "7", "7", "-r", "cubic", "--tile", "128"}, "-tr 7 7", masked, [2]int{429, 314}, "gdalwarp -r cubic"},
		{"lanczos masks half pixel", "max", []string{"--te", x(37.5), y(301.5), x(333.5), y(51.5), "-r", "lanczos"},
			"-te " + strings.Join([]string{x(37.5), y(301.5), x(333.5), y(51.5)}, " "), masked, [2]int{296, 250}, "gdalwarp -r lanczos"},
		{"average masks 30", "mean", []string{"--tr", "30", "30", "-r", "average"}, "-tr 30 30", masked, [2]int{100, 73}, "gdalwarp -r average"},
		{"mode masks 25", "max", []string{"--tr", "25", "25", "-r", "mode"}, "-tr 25 25", masked[1:], [2]int{60, 44}, "gdalwarp -r mode"},
		{"lanczos 7 up", "count", []string{"--tr", "7", "7", "-r", "lanczos", "--tile", "128"}, "-tr 7 7", all, [2]int{657, 500}, "gdalwarp -r lanczos"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".tif")
			args := append([]string{tt.op, "-o", out, "-q"}, tt.flags...)
			_, stderr, err := run(t, gridArgs(append(args, tt.inputs...))...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if tt.notice != "" && !strings.Contains(stderr, tt.notice) {
				t.Errorf("stderr %q does not say %q", stderr, tt.notice)
			}
			var r gridResult
			op := tt.op
			if k := kernelOf(tt.flags); k != "" {
				op += ":" + k
			}
			if err := json.Unmarshal(gridsOracle(t, append([]string{"check", op, out}, tt.inputs...)...), &r); err != nil {
				t.Fatal(err)
			}
			t.Logf("%dx%d, %d valid pixels compared: %d differ in validity, %d in value, %d by more than 1e-3", r.Size[0], r.Size[1], r.Valid, r.ValidityMismatch, r.ValueMismatch, r.Far)
			if kernelOf(tt.flags) != "" {
				// Area kernels: the bar, 1e-3 relative on 99.5 % of the pixels' validity.
				if r.Size != tt.size || r.Valid == 0 || r.ValidityMismatch+r.Far > r.Pixels/200 {
					t.Fatalf("output %v: %d pixels differ in validity and %d by more than 1e-3 from gdalwarp + numpy, of %d", r.Size, r.ValidityMismatch, r.Far, r.Pixels)
				}
			} else if r.Size != tt.size || r.Valid == 0 || r.ValidityMismatch != 0 || r.ValueMismatch != 0 {
				t.Fatalf("output %v with %d valid pixels: %d differ in validity, %d in value from gdalwarp + numpy; want %v, none",
					r.Size, r.Valid, r.ValidityMismatch, r.ValueMismatch, tt.size)
			}
			if tt.warp != "" {
				var w gridResult
				if err := json.Unmarshal(gridsOracle(t, append([]string{"grid", tt.warp}, tt.inputs...)...), &w); err != nil {
					t.Fatal(err)
				}
				if w.Size != r.Size || !closeGT(w.GT, r.GT) {
					t.Fatalf("gdalwarp %s makes %v %v; gomean made %v %v", tt.warp, w.Size, w.GT, r.Size, r.GT)
				}
			}
		})
	}
}

// kernelOf returns the -r value among flags, or "".
func kernelOf(flags []string) string {
	for i, f := range flags {
		if (f == "-r" || f == "--r") && i+1 < len(flags) {
			return flags[i+1]
		}
	}
	return ""
}

func fmtG(v float64) string { return strings.TrimRight(strings.TrimRight(jsonFloat(v), "0"), ".") }

func jsonFloat(v float64) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func closeGT(a, b [6]float64) bool {
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-6*math.Max(1, math.Abs(a[i])) {
			return false
		}
	}
	return true
}

// TestGridErrorsCommandLine checks the messages of stacks that cannot be
// placed on one grid, and of bad grid flags.
func TestGridErrorsCommandLine(t *testing.T) {
	accNeedGDAL(t)
	dir := t.TempDir()
	gridsOracle(t, "make", dir)
	a, b, c := filepath.Join(dir, "a.tif"), filepath.Join(dir, "b.tif"), filepath.Join(dir, "c.tif")
	other := filepath.Join(dir, "utm34.tif")
	vrt := filepath.Join(dir, "a.vrt")
	script := "from osgeo import gdal; gdal.UseExceptions(); " +
		"gdal.Warp('" + other + "', '" + a + "', dstSRS='EPSG:32634'); gdal.Translate('" + vrt + "', '" + a + "', format='VRT'); " +
		"gdal.Warp('" + filepath.Join(dir, "coarse.tif") + "', '" + a + "', xRes=20, yRes=20); " +
		"d = gdal.Translate('" + filepath.Join(dir, "masked.tif") + "', '" + a + "'); d.CreateMaskBand(gdal.GMF_PER_DATASET); " +
		"d.GetRasterBand(1).GetMaskBand().Fill(255); d = None"
	if out, err := exec.Command(accPython, "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out := filepath.Join(dir, "out.tif")
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"crs", []string{a, other}, 1, []string{"utm34.tif", "CRS EPSG:32634 differs from EPSG:32633", "gdalwarp -t_srs EPSG:32633 -tr 10 10 -tap"}},
		{"vrt", []string{a, vrt}, 1, []string{"a.vrt", "GDAL VRT", "gdal_translate in.vrt out.tif"}},
		{"empty intersection", []string{"--extent", "intersection", a, b, c}, 1, []string{"c.tif", "share no pixel"}},
		{"bad extent", []string{"--extent", "all", a}, 2, []string{"--extent", "want union, intersection or first"}},
		{"te order", []string{"--te", "10", "0", "5", "1", a}, 2, []string{"want xmin < xmax"}},
		{"te count", []string{"--te", "1,2,3", a}, 2, []string{"--te 1,2,3: want 4 numbers"}},
		{"tr negative", []string{"--tr", "-10", "10", a}, 2, []string{"-tr -10 10", "> 0"}},
		{"tap alone", []string{"--tap", a}, 2, []string{"-tap needs -tr"}},
		{"med", []string{"--tr", "30", "30", "-r", "med", a}, 2, []string{`-r: resampling method "med" is not implemented`}},
		{"two resolutions, no target", []string{a, filepath.Join(dir, "coarse.tif")}, 1, []string{"coarse.tif", "give a target grid (--tr, --te or --ts) to resample it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := run(t, gridArgs(append([]string{"mean", "-o", out, "-q", "--overwrite"}, tt.args...))...)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if code := exitCode(err); code != tt.code {
				t.Errorf("exit status %d; want %d", code, tt.code)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("output left after the error: %v", err)
			}
		})
	}
}

func TestGridArgs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mean -o o.tif --te 1 2 3 4 a.tif", "mean -o o.tif --te=1,2,3,4 a.tif"},
		{"mean -te -1 -2 3e5 4 --tr 10 10 -ts 5 0 a.tif", "mean --te=-1,-2,3e5,4 --tr=10,10 --ts=5,0 a.tif"},
		{"mean --te 1,2,3,4 a.tif", "mean --te 1,2,3,4 a.tif"},
		{"mean --tr 10 a.tif", "mean --tr 10 a.tif"},
		{"mean -- --te 1 2 3 4", "mean -- --te 1 2 3 4"},
	}
	for _, tt := range tests {
		if got := strings.Join(gridArgs(strings.Fields(tt.in)), " "); got != tt.want {
			t.Errorf("gridArgs(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
