package compute

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const debianPython = "/usr/bin/python3"

// needGDALPython skips the test unless Debian's python3 with GDAL and numpy
// is installed.
func needGDALPython(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("GDAL oracle tests are skipped in -short mode")
	}
	if err := exec.Command(debianPython, "-c", "import osgeo.gdal, numpy").Run(); err != nil {
		t.Skipf("GDAL oracle tests need %s with osgeo.gdal and numpy (Debian python3-gdal): %v", debianPython, err)
	}
}

func oracle(t *testing.T, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(debianPython, append([]string{"testdata/oracle.py"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("oracle.py %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

type oracleResult struct {
	MaxRel         float64   `json:"maxrel"`
	MaskedMismatch int       `json:"masked_mismatch"`
	Valid          int       `json:"valid"`
	GT             []float64 `json:"gt"`
	EPSG           string    `json:"epsg"`
}

// An oracleJob is one output to compare with numpy's result.
type oracleJob struct {
	name, weights string
	cfg           Config
	out           string
	inputs        []string
}

// checkOracle compares every job's output with numpy's in one run of
// oracle.py.
func checkOracle(t *testing.T, dir string, jobs []oracleJob) {
	t.Helper()
	var spec strings.Builder
	for _, j := range jobs {
		prop := "0"
		if j.cfg.PropagateNoData {
			prop = "1"
		}
		fields := append([]string{j.cfg.Op.String(), prop, fmt.Sprint(j.cfg.MinValid), j.weights, j.out}, j.inputs...)
		spec.WriteString(strings.Join(fields, "\t") + "\n")
	}
	specFile := filepath.Join(dir, "jobs.tsv")
	if err := os.WriteFile(specFile, []byte(spec.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(oracle(t, "check", specFile))), "\n")
	if len(lines) != len(jobs) {
		t.Fatalf("oracle.py gave %d results for %d jobs:\n%s", len(lines), len(jobs), strings.Join(lines, "\n"))
	}
	for i, j := range jobs {
		var r oracleResult
		if err := json.Unmarshal([]byte(lines[i]), &r); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: max relative difference %g over %d valid pixels", j.name, r.MaxRel, r.Valid)
		if r.MaxRel > 1e-6 || r.MaskedMismatch != 0 || r.Valid == 0 {
			t.Errorf("%s against numpy: max relative difference %g (want <= 1e-6), %d pixels nodata in one only, %d valid", j.name, r.MaxRel, r.MaskedMismatch, r.Valid)
		}
		if r.EPSG != "32631" || len(r.GT) != 6 || r.GT[0] != 400000 || r.GT[1] != 20 {
			t.Errorf("%s: GDAL reads the output as EPSG:%s %v, want the inputs' EPSG:32631 and geotransform", j.name, r.EPSG, r.GT)
		}
	}
}

// TestAgainstNumpy compares every reduction with numpy's masked-array
// result on GDAL-made inputs with nodata holes and NaNs, and the same data
// in mixed layouts, types and codecs with the uniform result.
func TestAgainstNumpy(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	oracle(t, "make", dir)
	uniform, _ := filepath.Glob(filepath.Join(dir, "uniform_*.tif"))
	mixed, _ := filepath.Glob(filepath.Join(dir, "mixed_*.tif"))
	if len(uniform) != 4 || len(mixed) != 4 {
		t.Fatalf("oracle.py made %v and %v", uniform, mixed)
	}
	type variant struct {
		name    string
		cfg     Config
		weights string
	}
	var variants []variant
	for _, op := range Ops() {
		variants = append(variants, variant{op.String(), Config{Op: op}, "-"})
	}
	variants = append(variants,
		variant{"mean propagate", Config{PropagateNoData: true}, "-"},
		variant{"mean min-valid 3", Config{MinValid: 3}, "-"},
		variant{"weighted mean", Config{Weights: []float64{1, 2, 1, 0.5}}, "1,2,1,0.5"},
		variant{"median min-valid 2", Config{Op: Median, MinValid: 2}, "-"},
	)
	var jobs []oracleJob
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			name := strings.ReplaceAll(v.name, " ", "_")
			a, b := filepath.Join(dir, name+"_u.tif"), filepath.Join(dir, name+"_m.tif")
			cfg := v.cfg
			cfg.HasNoData, cfg.NoData = true, -9999 // mixed_0's nodata is the same, but say so
			if err := Run(context.Background(), cfg, uniform, a); err != nil {
				t.Fatal(err)
			}
			jobs = append(jobs, oracleJob{v.name, v.weights, cfg, a, uniform})
			if err := Run(context.Background(), cfg, mixed, b); err != nil {
				t.Fatal(err)
			}
			_, ra := readRaster(t, a)
			_, rb := readRaster(t, b)
			compareRaster(t, rb, ra, 0)
		})
	}
	checkOracle(t, dir, jobs)
}

// TestAgainstGdalCalc compares --propagate-nodata with gdal_calc's mean,
// which gives nodata wherever any input is nodata.
func TestAgainstGdalCalc(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	oracle(t, "make", dir)
	// gdal_calc sees NaN as a value, so use the inputs without NaN pixels.
	inputs := []string{filepath.Join(dir, "uniform_0.tif"), filepath.Join(dir, "uniform_1.tif"), filepath.Join(dir, "mixed_1.tif")}
	calc := filepath.Join(dir, "calc.tif")
	oracle(t, append([]string{"calc", calc}, inputs...)...)
	out := filepath.Join(dir, "out.tif")
	if err := Run(context.Background(), Config{PropagateNoData: true}, inputs, out); err != nil {
		t.Fatal(err)
	}
	ci, rc := readRaster(t, calc)
	oi, ro := readRaster(t, out)
	if !ci.HasNoData || !oi.HasNoData || ci.NoData != oi.NoData {
		t.Fatalf("nodata: gdal_calc %v %v, gomean %v %v", ci.HasNoData, ci.NoData, oi.HasNoData, oi.NoData)
	}
	holes := 0
	for _, v := range rc.vals {
		if v == ci.NoData {
			holes++
		}
	}
	if holes == 0 {
		t.Fatal("gdal_calc output has no nodata pixels: the test inputs lost their holes")
	}
	compareRaster(t, ro, rc, 1e-6)
}
