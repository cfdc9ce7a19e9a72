package compute

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// stackJob is one output to compare with numpy in stackops_oracle.py.
type stackJob struct {
	name, kind, arg string
	out             string
	inputs          []string
	exact           bool    // every value equal to numpy's, cast to the output type
	rel             float64 // else the largest relative difference allowed
	typ             string  // the output type GDAL reports
}

// TestStackOpsAgainstNumpy compares percentile (bit for bit with
// np.nanpercentile, linear), mode (a numpy mode), slope (the least squares
// slope, itself checked with np.polyfit) and monthly masked means with
// numpy, on GDAL-made stacks of mixed types with nodata, NaN and mask
// holes.
func TestStackOpsAgainstNumpy(t *testing.T) {
	needGDALPython(t)
	dir := t.TempDir()
	py := func(args ...string) []byte {
		out, err := exec.Command(debianPython, append([]string{"testdata/stackops_oracle.py"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("stackops_oracle.py %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	py("make", dir)
	fs, _ := filepath.Glob(filepath.Join(dir, "f_*.tif"))
	cs, _ := filepath.Glob(filepath.Join(dir, "c_*.tif"))
	if len(fs) != 6 || len(cs) != 7 {
		t.Fatalf("stackops_oracle.py made %v and %v", fs, cs)
	}
	dates, err := NameDates(fs)
	if err != nil || dates == nil {
		t.Fatalf("dates of %v: %v", fs, err)
	}
	ps := []float64{0, 10, 33.3, 50, 90, 100}
	psText := "0,10,33.3,50,90,100"
	var jobs []stackJob
	runJob := func(j stackJob, cfg Config) {
		t.Helper()
		cfg.Workers = 3
		if err := Run(context.Background(), cfg, j.inputs, j.out); err != nil {
			t.Fatalf("%s: %v", j.name, err)
		}
		jobs = append(jobs, j)
	}
	out := func(name string) string { return filepath.Join(dir, name+".tif") }
	runJob(stackJob{"percentiles float64", "percentile", psText, out("p64"), fs, true, 0, "Float64"},
		Config{Op: Percentile, Percentiles: ps, Type: geotiff.Float64})
	runJob(stackJob{"percentiles float32", "percentile", psText, out("p32"), fs, true, 0, "Float32"},
		Config{Op: Percentile, Percentiles: ps})
	runJob(stackJob{"mode classes", "mode", "-", out("mode_c"), cs, true, 0, "Byte"}, Config{Op: Mode})
	runJob(stackJob{"mode mixed", "mode", "-", out("mode_f"), fs, true, 0, "Float64"}, Config{Op: Mode})
	runJob(stackJob{"slope per day", "slope", "day", out("slope_d"), fs, false, 1e-9, "Float64"},
		Config{Op: Slope, Dates: dates, Type: geotiff.Float64})
	runJob(stackJob{"slope per year", "slope", "year", out("slope_y"), fs, false, 1e-9, "Float64"},
		Config{Op: Slope, Dates: dates, PerYear: true, Type: geotiff.Float64})
	runJob(stackJob{"slope by position", "slope", "position", out("slope_p"), fs, false, 1e-6, "Float32"},
		Config{Op: Slope})

	groups, err := SplitGroups(ByMonth, fs, dates, filepath.Join(dir, "mean_{group}.tif"))
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 4 {
		t.Fatalf("got %d monthly groups, want 4 (2023-12 to 2024-03)", len(groups))
	}
	if err := RunGroups(context.Background(), Config{Workers: 2}, groups); err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		jobs = append(jobs, stackJob{"monthly mean " + g.Name, "mean", "-", g.Output, g.Inputs, false, 1e-6, "Float32"})
	}

	var spec strings.Builder
	for _, j := range jobs {
		spec.WriteString(strings.Join(append([]string{j.kind, j.arg, j.out}, j.inputs...), "\t") + "\n")
	}
	specFile := filepath.Join(dir, "jobs.tsv")
	if err := os.WriteFile(specFile, []byte(spec.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(py("check", specFile))), "\n")
	if len(lines) != len(jobs) {
		t.Fatalf("stackops_oracle.py gave %d results for %d jobs:\n%s", len(lines), len(jobs), strings.Join(lines, "\n"))
	}
	for i, j := range jobs {
		var r struct {
			MaxRel         float64 `json:"maxrel"`
			Differ         int     `json:"differ"`
			MaskedMismatch int     `json:"masked_mismatch"`
			Valid          int     `json:"valid"`
			Type           string  `json:"type"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &r); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d valid values, %d differ, max relative difference %g", j.name, r.Valid, r.Differ, r.MaxRel)
		switch {
		case r.Valid == 0 || r.MaskedMismatch != 0:
			t.Errorf("%s: %d valid values, %d nodata in one only", j.name, r.Valid, r.MaskedMismatch)
		case j.exact && r.Differ != 0:
			t.Errorf("%s: %d values differ from numpy's (max relative difference %g), want none", j.name, r.Differ, r.MaxRel)
		case !j.exact && r.MaxRel > j.rel:
			t.Errorf("%s: max relative difference %g, want <= %g", j.name, r.MaxRel, j.rel)
		}
		if r.Type != j.typ {
			t.Errorf("%s: output type %s, want %s", j.name, r.Type, j.typ)
		}
	}

	// GDAL shows each percentile band's description.
	info, err := exec.Command("gdalinfo", "-json", out("p64")).Output()
	if err != nil {
		t.Fatalf("gdalinfo: %v", err)
	}
	var gi struct {
		Bands []struct {
			Description string `json:"description"`
		} `json:"bands"`
	}
	if err := json.Unmarshal(info, &gi); err != nil {
		t.Fatal(err)
	}
	var descs []string
	for _, b := range gi.Bands {
		descs = append(descs, b.Description)
	}
	if want := "p0 p10 p33.3 p50 p90 p100"; strings.Join(descs, " ") != want {
		t.Errorf("GDAL reads the band descriptions %q, want %q", descs, want)
	}

	// Same bytes for any worker count; --p 50 is the median.
	files := map[string][]byte{}
	for _, w := range []int{1, 4} {
		for _, op := range []Op{Median, Percentile, Mode, Slope} {
			cfg := Config{Op: op, Workers: w}
			if op == Percentile {
				cfg.Percentiles = []float64{50}
			}
			o := filepath.Join(dir, fmt.Sprintf("w%d_%v.tif", w, op))
			if err := Run(context.Background(), cfg, fs, o); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(o)
			if err != nil {
				t.Fatal(err)
			}
			files[fmt.Sprintf("%d %v", w, op)] = b
		}
	}
	for _, op := range []Op{Median, Percentile, Mode, Slope} {
		if !bytes.Equal(files["1 "+op.String()], files["4 "+op.String()]) {
			t.Errorf("%v: 1 and 4 workers write different bytes", op)
		}
	}
	_, med := readRaster(t, filepath.Join(dir, "w1_median.tif"))
	_, p50 := readRaster(t, filepath.Join(dir, "w1_percentile.tif"))
	compareRaster(t, p50, med, 0) // the files differ by p50's band description

}
