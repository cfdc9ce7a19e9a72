// Command summary turns the runs bench/compare.sh recorded (results.tsv) into
// Markdown tables: the median of each configuration with ratios against a
// reference configuration (gomean), and a scaling table with the parallel
// efficiency and the distance to the codec floor.
//
// Usage:
//
//	go run ./bench/summary [-ref gomean] [-clean 1.0] [-cpus 2] \
//	    [-cores gomean_1core=1,gomean=2] [-floor CORE_SECONDS] results.tsv
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/gomean/gomean/bench/internal/results"
)

func main() {
	ref := flag.String("ref", "gomean", "configuration the ratios are relative to")
	clean := flag.Float64("clean", 1.0, "a run is clean if the rest of the machine used at most this many CPU-seconds during it")
	cpus := flag.Int("cpus", runtime.NumCPU(), "cores of the machine, for the CPU utilisation column")
	cores := flag.String("cores", "gomean_1core=1,gomean=2", "scaling table: CONFIG=CORES,... (empty: no table)")
	floor := flag.Float64("floor", 0, "single-core codec cost of the job in CPU-seconds (bench/floor); 0: no floor columns")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: summary [flags] results.tsv")
		os.Exit(2)
	}
	runs, err := results.Load(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "summary:", err)
		os.Exit(1)
	}
	ss := results.Summarize(runs, *clean)
	if err := write(os.Stdout, ss, *ref, *cpus, *cores, *floor, *clean); err != nil {
		fmt.Fprintln(os.Stderr, "summary:", err)
		os.Exit(1)
	}
}

func write(w io.Writer, ss []results.Summary, ref string, cpus int, cores string, floor, clean float64) error {
	r, hasRef := results.Find(ss, ref)
	fmt.Fprintf(w, "Medians over the clean runs (other CPU <= %.1f s) when there are 3, else over all runs.\n", clean)
	if hasRef {
		fmt.Fprintf(w, "Ratios are %s / config: wall below 1 means %s is faster, size below 1 that its output is smaller.\n", ref, ref)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| config | runs (used/all) | wall s [min-max] | user+sys s | CPU util (%d cores) | peak RSS MiB | output MB | wall ratio | size ratio |\n", cpus)
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, s := range ss {
		wr, sr := "-", "-"
		if hasRef && s.Config != ref {
			wr = fmt.Sprintf("%.2f (%.1fx)", r.Wall/s.Wall, s.Wall/r.Wall)
			sr = fmt.Sprintf("%.3f", r.OutMB/s.OutMB)
		}
		fmt.Fprintf(w, "| %s | %d/%d | %.2f [%.2f-%.2f] | %.2f | %.0f %% | %.0f | %.1f | %s | %s |\n",
			s.Config, s.Used, s.All, s.Wall, s.MinWall, s.MaxWall, s.CPU, 100*s.CPU/s.Wall/float64(cpus),
			s.MaxRSSMiB, s.OutMB, wr, sr)
	}
	if cores == "" {
		return nil
	}
	type point struct {
		s results.Summary
		n int
	}
	var pts []point
	for _, item := range strings.Split(cores, ",") {
		name, n, ok := strings.Cut(item, "=")
		c, err := strconv.Atoi(n)
		if !ok || err != nil || c < 1 {
			return fmt.Errorf("-cores item %q: want CONFIG=CORES", item)
		}
		if s, ok := results.Find(ss, name); ok {
			pts = append(pts, point{s, c})
		}
	}
	if len(pts) < 2 {
		return nil // a scaling table needs at least two core counts
	}
	base := pts[0]
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Scaling (efficiency = T(%d) × %d / (T(n) × n))", base.n, base.n)
	if floor > 0 {
		fmt.Fprintf(w, "; codec floor = %.2f single-core CPU-s / n", floor)
	}
	fmt.Fprintln(w, ":")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| config | cores | wall s | user+sys s | speedup | parallel efficiency | codec floor s | wall / floor |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, p := range pts {
		sp := base.s.Wall / p.s.Wall
		eff := base.s.Wall * float64(base.n) / (p.s.Wall * float64(p.n))
		fl, fr := "-", "-"
		if floor > 0 {
			f := floor / float64(p.n)
			fl, fr = fmt.Sprintf("%.2f", f), fmt.Sprintf("%.2f", p.s.Wall/f)
		}
		fmt.Fprintf(w, "| %s | %d | %.2f | %.2f | %.2f | %.0f %% | %s | %s |\n", p.s.Config, p.n, p.s.Wall, p.s.CPU, sp, 100*eff, fl, fr)
	}
	return nil
}
