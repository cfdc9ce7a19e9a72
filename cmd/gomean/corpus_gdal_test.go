package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// corpusDir is the shared real-world corpus: ../shared/corpus from the
// module root.
const corpusDir = "../../../shared/corpus"

// corpusEntry is one MANIFEST.tsv row that GDAL reads.
type corpusEntry struct {
	path, dtype, sha string
}

// readCorpusManifest returns the rows of MANIFEST.tsv whose gdal_reads is
// yes, and the number of rows.
func readCorpusManifest(t *testing.T, manifest string) ([]corpusEntry, int) {
	t.Helper()
	f, err := os.Open(manifest)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	col := map[string]int{}
	var rows []corpusEntry
	total := 0
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(col) == 0 {
			for i, name := range fields {
				col[name] = i
			}
			for _, want := range []string{"path", "gdal_reads", "gdal_dtype", "gdal_band1_sha256"} {
				if _, ok := col[want]; !ok {
					t.Fatalf("%s has no %s column", manifest, want)
				}
			}
			continue
		}
		if len(fields) < len(col) {
			t.Fatalf("%s: row %q has %d fields, want %d", manifest, fields[0], len(fields), len(col))
		}
		total++
		if fields[col["gdal_reads"]] == "yes" {
			rows = append(rows, corpusEntry{fields[col["path"]], fields[col["gdal_dtype"]], fields[col["gdal_band1_sha256"]]})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows, total
}

// TestCorpusIdentityAgainstGDAL reduces every GDAL-readable file of the
// shared corpus alone, in its own type (the mean of one input is the
// input), and checks with GDAL that the output is the input: every band's
// bytes (or, for masked inputs, the valid pixels' bytes and the validity),
// band count and types, geotransform, CRS and nodata, none staying none.
// Files gomean reports as unsupported are skipped but counted.
func TestCorpusIdentityAgainstGDAL(t *testing.T) {
	accNeedGDAL(t)
	manifest := filepath.Join(corpusDir, "MANIFEST.tsv")
	if _, err := os.Stat(manifest); err != nil {
		t.Skipf("shared corpus absent (%v): it is ../shared/corpus from the module root", err)
	}
	entries, total := readCorpusManifest(t, manifest)
	if len(entries) == 0 {
		t.Fatalf("%s lists no file GDAL reads", manifest)
	}
	// GDAL 3.6 reports Int8 as Byte with PIXELTYPE=SIGNEDBYTE, and the
	// manifest says Byte: ask GDAL for each file's own type.
	files := make([]string, len(entries))
	for i, e := range entries {
		files[i] = filepath.Join(corpusDir, e.path)
	}
	typesOut, err := exec.Command(accPython, append([]string{filepath.Join(validityDir, "corpus_check.py"), "types"}, files...)...).Output()
	if err != nil {
		t.Fatalf("corpus_check.py types: %v", err)
	}
	types := map[string]string{}
	if err := json.Unmarshal(typesOut, &types); err != nil {
		t.Fatalf("corpus_check.py types printed %q: %v", typesOut, err)
	}
	for i, f := range files {
		if types[f] != "" {
			entries[i].dtype = types[f]
		}
	}
	dir := t.TempDir()
	type outcome struct {
		out string
		accResult
	}
	outcomes := make([]outcome, len(entries))
	accParallel(len(entries), 2, func(i int) {
		e := entries[i]
		out := filepath.Join(dir, fmt.Sprintf("%03d.tif", i))
		outcomes[i] = outcome{out, accGomean([]string{"mean", "-q", "--type", e.dtype, "-o", out, filepath.Join(corpusDir, e.path)}, time.Minute)}
	})

	type pair struct {
		In  string `json:"in"`
		Out string `json:"out"`
	}
	var pairs []pair
	var unsupported, failed []string
	for i, e := range entries {
		o := outcomes[i]
		switch last := lastLine(o.Stderr); {
		case o.RC == 0:
			pairs = append(pairs, pair{filepath.Join(corpusDir, e.path), o.out})
		case o.RC == 1 && strings.Contains(o.Stderr, "unsupported"):
			unsupported = append(unsupported, e.path+": "+last)
		case o.RC == 2 && strings.Contains(o.Stderr, "--type"):
			unsupported = append(unsupported, e.path+": type "+e.dtype+": "+last)
		default:
			failed = append(failed, fmt.Sprintf("%s: gomean exit %d: %s", e.path, o.RC, last))
		}
	}
	spec, _ := json.Marshal(pairs)
	pairsFile := filepath.Join(dir, "pairs.json")
	if err := os.WriteFile(pairsFile, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(accPython, filepath.Join(validityDir, "corpus_check.py"), pairsFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("corpus_check.py: %v\n%s", err, stderr.String())
	}
	shaOf := map[string]string{}
	for _, e := range entries {
		shaOf[filepath.Join(corpusDir, e.path)] = e.sha
	}
	var exact, exactValid int
	var mismatched []string
	lines := strings.Split(strings.TrimSpace(string(stdout)), "\n")
	if len(pairs) == 0 {
		lines = nil
	}
	if len(lines) != len(pairs) {
		t.Fatalf("corpus_check.py judged %d of %d outputs:\n%s", len(lines), len(pairs), stdout)
	}
	for _, line := range lines {
		var v struct {
			In      string   `json:"in"`
			Status  string   `json:"status"`
			Reasons []string `json:"reasons"`
			SHA     string   `json:"band1_sha256"`
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("corpus_check.py printed %q: %v", line, err)
		}
		rel, _ := filepath.Rel(corpusDir, v.In)
		switch {
		case v.Status == "exact" && v.SHA != shaOf[v.In]:
			mismatched = append(mismatched, rel+": band 1 sha256 "+v.SHA+", MANIFEST "+shaOf[v.In])
		case v.Status == "exact":
			exact++
		case v.Status == "exact_valid":
			exactValid++
		default:
			mismatched = append(mismatched, rel+": "+strings.Join(v.Reasons, "; "))
		}
	}
	sort.Strings(unsupported)
	t.Logf("corpus: %d files, %d GDAL-readable, %d gomean-supported (%d unsupported), %d exact, %d exact where valid (masked pixels differ), %d mismatched, %d gomean errors",
		total, len(entries), len(entries)-len(unsupported), len(unsupported), exact, exactValid, len(mismatched), len(failed))
	for _, u := range unsupported {
		t.Logf("unsupported: %s", u)
	}
	for _, m := range mismatched {
		t.Errorf("mismatch: %s", m)
	}
	for _, f := range failed {
		t.Errorf("error: %s", f)
	}
	if exact+exactValid == 0 {
		t.Errorf("no corpus file came through exactly: the test checked nothing")
	}
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
