package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The acceptance tests of issue 11 ("every output pixel means what the
// inputs meant") run the gomean command line in a child process, exactly
// as a user would, and judge the outputs with GDAL.

// accPython is Debian's python3, the one with the osgeo bindings.
const accPython = "/usr/bin/python3"

// accChildEnv marks the test binary re-executed as the gomean command.
const accChildEnv = "GOMEAN_ACCEPTANCE_CHILD"

// TestAcceptanceChild is not a test: when the acceptance tests re-execute
// the test binary with accChildEnv set, it runs main with the arguments
// after "--", and main's exit status becomes the process's.
func TestAcceptanceChild(t *testing.T) {
	if os.Getenv(accChildEnv) != "1" {
		return // an ordinary test run: nothing to do
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Args = append([]string{"gomean"}, args...)
	main() // exits with status 1 or 2 on an error
	os.Exit(0)
}

// accNeedGDAL skips the test unless Debian's python3 with GDAL and numpy
// is installed.
func accNeedGDAL(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("GDAL acceptance tests are skipped in -short mode")
	}
	if err := exec.Command(accPython, "-c", "from osgeo import gdal; import numpy").Run(); err != nil {
		t.Skipf("GDAL acceptance tests need %s with osgeo.gdal and numpy (Debian python3-gdal, python3-numpy): %v", accPython, err)
	}
}

// accResult is one run of the gomean command in a child process.
type accResult struct {
	RC     int    `json:"rc"`
	Stderr string `json:"stderr"`
}

// accGomean runs gomean with args in a child process (at most timeout)
// and returns its exit status and standard error.
func accGomean(args []string, timeout time.Duration) accResult {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"-test.run=^TestAcceptanceChild$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), accChildEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	res := accResult{Stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		res.RC, res.Stderr = -1, res.Stderr+"\n(killed after "+timeout.String()+")"
	case errors.As(err, &ee):
		res.RC = ee.ExitCode()
	default:
		res.RC, res.Stderr = -1, err.Error()
	}
	return res
}

// accParallel calls f(i) for i in [0, n) on at most workers goroutines.
func accParallel(n, workers int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// accVerdict is check.py's judgement of one run.
type accVerdict struct {
	Name     string   `json:"name"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
	Info     string   `json:"info"`
}

// validityCase is one entry of testdata/validity/cases.json; check.py
// reads the expectations, the test only needs the command.
type validityCase struct {
	Name   string   `json:"name"`
	Op     string   `json:"op"`
	Args   []string `json:"args"`
	Inputs []string `json:"inputs"`
	Doc    string   `json:"doc"`
	Refuse *string  `json:"refuse"`
}

const validityDir = "../../testdata/validity"

// TestValidityAgainstGDAL runs every case of testdata/validity/cases.json
// (made by make_validity.py: internal and external masks, alpha, PAM and
// world-file georeferencing, inputs without nodata whose 255 or -9999 are
// values, Float32 -3.4e+38 nodata, NaN holes, Int64/UInt64 extreme nodata,
// narrowing to Byte, user-defined CRSs, 12-bit and 1-bit samples) and has
// check.py compare each output with numpy's masked mean over GDAL's mask
// bands: output validity pixel for pixel, values, nodata, geotransform,
// CRS, and the warnings on stderr.
func TestValidityAgainstGDAL(t *testing.T) {
	accNeedGDAL(t)
	raw, err := os.ReadFile(filepath.Join(validityDir, "cases.json"))
	if err != nil {
		t.Fatalf("validity fixtures missing (regenerate with %s testdata/validity/make_validity.py): %v", accPython, err)
	}
	var cases []validityCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 20 {
		t.Fatalf("cases.json lists %d cases, want the 20 or more make_validity.py writes", len(cases))
	}
	dir := t.TempDir()
	type job struct {
		Name string `json:"name"`
		Out  string `json:"out"`
		accResult
	}
	jobs := make([]job, len(cases))
	accParallel(len(cases), 2, func(i int) {
		c := cases[i]
		out := filepath.Join(dir, c.Name+".tif")
		args := append([]string{c.Op, "-o", out}, c.Args...)
		for _, in := range c.Inputs {
			args = append(args, filepath.Join(validityDir, in))
		}
		jobs[i] = job{c.Name, out, accGomean(args, 2*time.Minute)}
	})
	spec, _ := json.Marshal(jobs)
	jobsFile := filepath.Join(dir, "jobs.json")
	if err := os.WriteFile(jobsFile, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(accPython, filepath.Join(validityDir, "check.py"), "check", jobsFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("check.py: %v\n%s", err, stderr.String())
	}
	verdicts := map[string]accVerdict{}
	for _, line := range strings.Split(strings.TrimSpace(string(stdout)), "\n") {
		var v accVerdict
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("check.py printed %q: %v", line, err)
		}
		verdicts[v.Name] = v
	}
	pass := 0
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			v, ok := verdicts[c.Name]
			if !ok {
				t.Fatalf("check.py gave no verdict for %s", c.Name)
			}
			if v.OK {
				pass++
				t.Logf("%s: %s", c.Doc, v.Info)
				return
			}
			cmdline := append([]string{"gomean", c.Op}, c.Args...)
			t.Errorf("%s\n  %s (exit %d)", c.Doc, strings.Join(cmdline, " "), jobs[i].RC)
			for _, p := range v.Problems {
				t.Errorf("  %s", p)
			}
		})
	}
	t.Logf("%d of %d validity cases pass", pass, len(cases))
}

// TestValidityCheckerSelfTest checks the judge of TestValidityAgainstGDAL:
// check.py must pass GDAL-made outputs that follow the rules and fail the
// same outputs with one wrong pixel or without the required warning, so
// that a passing validity case means something.
func TestValidityCheckerSelfTest(t *testing.T) {
	accNeedGDAL(t)
	out, err := exec.Command(accPython, filepath.Join(validityDir, "check.py"), "selftest").CombinedOutput()
	if err != nil {
		t.Fatalf("check.py selftest: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out)))
}
