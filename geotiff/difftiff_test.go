package geotiff

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gtiff "github.com/google/tiff"
	_ "github.com/google/tiff/bigtiff" // registers the BigTIFF parser
)

// maxDiffFileSize bounds the files given to github.com/google/tiff, which
// allocates whatever a field's count claims.
const maxDiffFileSize = 4 << 20

// TestDiffGoogleTIFF compares the fields of IFD 0 (tag, type, count and
// values) with those github.com/google/tiff parses, for every corpus file
// and fixture our reader opens. google/tiff follows IFD chains without a
// cycle check and trusts counts, so it only sees files our reader opened,
// whose chain has no loop, that are small, and under a timeout.
func TestDiffGoogleTIFF(t *testing.T) {
	var files []string
	if rows, err := readManifest(filepath.Join(corpusDir, "MANIFEST.tsv")); err == nil {
		for _, row := range rows {
			if !strings.Contains(row["ifds"], "loop") && !strings.Contains(row["ifds"], "error") {
				files = append(files, filepath.Join(corpusDir, row["path"]))
			}
		}
	} else {
		t.Logf("shared corpus not read (%v): checking the fixtures only", err)
	}
	rows := loadManifest(t, filepath.Join(fixturesDir, "fixtures.tsv"))
	for _, row := range rows {
		if !strings.HasPrefix(row["path"], "hostile/") {
			files = append(files, filepath.Join(fixturesDir, row["path"]))
		}
	}
	var agreed, theirsFailed, skipped int
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil || len(data) > maxDiffFileSize || len(r.Warnings()) > 0 {
			skipped++
			continue
		}
		theirs, err := googleIFD0(data, 10*time.Second)
		if err != nil {
			t.Logf("%s: google/tiff: %v", path, err)
			theirsFailed++
			continue
		}
		if diffs := diffFields(r.Images()[0].Fields, theirs, r.ByteOrder()); len(diffs) > 0 {
			t.Errorf("%s: IFD 0 differs from google/tiff:\n\t%s", path, strings.Join(diffs, "\n\t"))
			continue
		}
		agreed++
	}
	t.Logf("%d files: %d agree, %d google/tiff could not parse, %d skipped (not opened, warnings or > %d bytes)",
		len(files), agreed, theirsFailed, skipped, maxDiffFileSize)
	if agreed == 0 {
		t.Error("no file was compared")
	}
}

// googleIFD0 parses data with google/tiff in a goroutine and returns the
// fields of its first IFD, or an error after timeout.
func googleIFD0(data []byte, timeout time.Duration) ([]gtiff.Field, error) {
	type result struct {
		fields []gtiff.Field
		err    error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("panic: %v", p)}
			}
		}()
		tf, err := gtiff.Parse(bytes.NewReader(data), nil, nil)
		if err != nil {
			done <- result{err: err}
			return
		}
		ifds := tf.IFDs()
		if len(ifds) == 0 {
			done <- result{err: fmt.Errorf("no IFD")}
			return
		}
		done <- result{fields: ifds[0].Fields()}
	}()
	select {
	case res := <-done:
		return res.fields, res.err
	case <-time.After(timeout):
		return nil, fmt.Errorf("timed out after %v", timeout)
	}
}

// diffFields compares our fields with google/tiff's, whose values are in
// the file's byte order. Entries of a type we do not know (google/tiff
// keeps them as bytes) must be absent from ours; of duplicate tags, the
// first counts.
func diffFields(ours Fields, theirs []gtiff.Field, order binary.ByteOrder) []string {
	var diffs []string
	seen := map[Tag]bool{}
	for _, tf := range theirs {
		tag := Tag(tf.Tag().ID())
		if seen[tag] {
			continue
		}
		seen[tag] = true
		typ := DataType(tf.Type().ID())
		f := ours.Get(tag)
		if typ.Size() == 0 {
			if f != nil {
				diffs = append(diffs, fmt.Sprintf("%v: type %d is unknown but the reader kept the field", tag, typ))
			}
			continue
		}
		if f == nil {
			diffs = append(diffs, fmt.Sprintf("%v: missing (google/tiff: type %v count %d)", tag, typ, tf.Count()))
			continue
		}
		if f.Type != typ || f.Count != tf.Count() {
			diffs = append(diffs, fmt.Sprintf("%v: type %v count %d, google/tiff type %v count %d", tag, f.Type, f.Count, typ, tf.Count()))
			continue
		}
		n := int(tf.Count()) * typ.Size()
		raw := tf.Value().Bytes()
		if len(raw) < n {
			diffs = append(diffs, fmt.Sprintf("%v: google/tiff has %d value bytes, want %d", tag, len(raw), n))
			continue
		}
		want := append([]byte(nil), raw[:n]...)
		toLittleEndian(order, want, typ.elemSize())
		if !bytes.Equal(f.Data, want) {
			diffs = append(diffs, fmt.Sprintf("%v: values differ: % x, google/tiff % x", tag, head(f.Data), head(want)))
		}
	}
	for _, f := range ours {
		if !seen[f.Tag] {
			diffs = append(diffs, fmt.Sprintf("%v: not in google/tiff's IFD", f.Tag))
		}
	}
	return diffs
}

func head(b []byte) []byte {
	if len(b) > 16 {
		return b[:16]
	}
	return b
}

// TestDiffFieldsDetects checks that diffFields reports a changed value, a
// changed count and a missing field.
func TestDiffFieldsDetects(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixturesDir, "layout", "be_int16_lzw_p2.tif"))
	if err != nil {
		t.Skip(err)
	}
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := googleIFD0(data, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ours := r.Images()[0].Fields
	if d := diffFields(ours, theirs, r.ByteOrder()); len(d) != 0 {
		t.Fatalf("unchanged fields differ: %v", d)
	}
	for _, tc := range []struct {
		name   string
		change func(Fields) Fields
	}{
		{"value", func(fs Fields) Fields { fs.Get(TagImageWidth).Data[0]++; return fs }},
		{"count", func(fs Fields) Fields { fs.Get(TagStripOffsets).Count--; return fs }},
		{"missing", func(fs Fields) Fields { return fs[1:] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := make(Fields, len(ours))
			for i, f := range ours {
				f.Data = append([]byte(nil), f.Data...)
				fs[i] = f
			}
			if d := diffFields(tc.change(fs), theirs, r.ByteOrder()); len(d) == 0 {
				t.Error("no difference reported")
			}
		})
	}
}
