// Package results reads the per-run timings that bench/compare.sh records
// (results.tsv) and reduces them to one median row per configuration.
package results

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// A Run is one timed run of one configuration (a row of results.tsv).
type Run struct {
	Config   string
	Round    int
	Wall     float64 // seconds
	User     float64 // CPU seconds in user mode, the process and its children
	Sys      float64 // CPU seconds in the kernel
	MaxRSSKB int64   // peak resident set of the largest single process, KiB
	OutBytes int64   // size of the output file
	OtherCPU float64 // CPU seconds the rest of the machine used during the run
}

// A Summary is the median of a configuration's runs.
type Summary struct {
	Config    string
	Used, All int     // runs the medians are over, runs recorded
	Wall, CPU float64 // median wall and user+sys seconds
	MinWall   float64
	MaxWall   float64
	MaxRSSMiB float64 // median peak RSS
	OutMB     float64 // median output size, 10^6 bytes
	MaxOther  float64 // largest other_cpu_s among the runs used
}

// columns are the results.tsv columns Load needs.
var columns = []string{"config", "run", "wall_s", "user_s", "sys_s", "maxrss_kb", "out_bytes", "other_cpu_s"}

// Load reads a results.tsv file.
func Load(path string) ([]Run, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	runs, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return runs, nil
}

// Parse reads results.tsv rows: a header line naming the columns, then one
// tab-separated row per run.
func Parse(r io.Reader) ([]Run, error) {
	sc := bufio.NewScanner(r)
	if !sc.Scan() {
		return nil, fmt.Errorf("results: empty file: want a header line")
	}
	col := map[string]int{}
	for i, h := range strings.Split(sc.Text(), "\t") {
		col[h] = i
	}
	for _, c := range columns {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("results: no %q column in the header", c)
		}
	}
	var runs []Run
	for line := 2; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		f := strings.Split(sc.Text(), "\t")
		if len(f) < len(col) {
			return nil, fmt.Errorf("results: line %d: got %d fields, want %d", line, len(f), len(col))
		}
		var errs []error
		num := func(c string) float64 {
			v, err := strconv.ParseFloat(f[col[c]], 64)
			if err != nil {
				errs = append(errs, err)
			}
			return v
		}
		r := Run{Config: f[col["config"]], Round: int(num("run")), Wall: num("wall_s"), User: num("user_s"),
			Sys: num("sys_s"), MaxRSSKB: int64(num("maxrss_kb")), OutBytes: int64(num("out_bytes")),
			OtherCPU: num("other_cpu_s")}
		if len(errs) > 0 {
			return nil, fmt.Errorf("results: line %d: %w", line, errs[0])
		}
		runs = append(runs, r)
	}
	return runs, sc.Err()
}

// Summarize groups runs by configuration, in order of first appearance, and
// takes medians over the clean runs (other_cpu_s <= clean) when there are
// at least 3 of them, else over all runs.
func Summarize(runs []Run, clean float64) []Summary {
	var order []string
	by := map[string][]Run{}
	for _, r := range runs {
		if _, ok := by[r.Config]; !ok {
			order = append(order, r.Config)
		}
		by[r.Config] = append(by[r.Config], r)
	}
	out := make([]Summary, 0, len(order))
	for _, c := range order {
		all := by[c]
		var rs []Run
		for _, r := range all {
			if r.OtherCPU <= clean {
				rs = append(rs, r)
			}
		}
		if len(rs) < 3 {
			rs = all
		}
		s := Summary{Config: c, Used: len(rs), All: len(all)}
		s.Wall = median(rs, func(r Run) float64 { return r.Wall })
		s.CPU = median(rs, func(r Run) float64 { return r.User + r.Sys })
		s.MaxRSSMiB = median(rs, func(r Run) float64 { return float64(r.MaxRSSKB) / 1024 })
		s.OutMB = median(rs, func(r Run) float64 { return float64(r.OutBytes) / 1e6 })
		s.MinWall, s.MaxWall = rs[0].Wall, rs[0].Wall
		for _, r := range rs {
			s.MinWall, s.MaxWall = min(s.MinWall, r.Wall), max(s.MaxWall, r.Wall)
			s.MaxOther = max(s.MaxOther, r.OtherCPU)
		}
		out = append(out, s)
	}
	return out
}

// Find returns the summary of config, or false.
func Find(ss []Summary, config string) (Summary, bool) {
	for _, s := range ss {
		if s.Config == config {
			return s, true
		}
	}
	return Summary{}, false
}

func median(rs []Run, f func(Run) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	n := len(v)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}
