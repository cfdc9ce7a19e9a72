package geotiff

// Shared helpers for the tests that compare the reader with GDAL's view of
// a file, as recorded in a manifest: the conformance corpus
// (../../shared/corpus/MANIFEST.tsv) and our own fixtures
// (../testdata/fixtures.tsv, made by ../testdata/make_fixtures.py).

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// corpusDir is the shared conformance corpus, seen from the package dir.
var corpusDir = filepath.Join("..", "..", "shared", "corpus")

// fixturesDir is the repository's own fixture folder.
var fixturesDir = filepath.Join("..", "testdata")

// gdalAvailable reports whether the GDAL command-line tools are installed.
// The manifests are made with GDAL but read without it, so only tests that
// run GDAL themselves need this.
func gdalAvailable() bool {
	_, err := exec.LookPath("gdalinfo")
	return err == nil
}

// A manifestRow is one line of a manifest, keyed by column name.
type manifestRow map[string]string

// loadManifest reads a manifest with readManifest. It skips the test when
// the file does not exist.
func loadManifest(t *testing.T, path string) []manifestRow {
	t.Helper()
	rows, err := readManifest(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("skipping: manifest %s not present", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// readManifest reads a tab-separated manifest with a header row.
func readManifest(path string) ([]manifestRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var header []string
	var rows []manifestRow
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if header == nil {
			header = cols
			continue
		}
		if len(cols) != len(header) {
			return nil, fmt.Errorf("%s: row %d has %d columns, header %d", path, len(rows)+2, len(cols), len(header))
		}
		row := make(manifestRow, len(cols))
		for i, c := range cols {
			row[header[i]] = c
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return rows, nil
}

// band1SHA decodes band 1 of im in full with ReadWindow and returns the
// sha256 of the bytes, as the manifests record GDAL's ReadRaster output.
func band1SHA(r *Reader, im *Image) (sum string, n int, err error) {
	buf, err := r.ReadWindow(im, image.Rect(0, 0, im.Width, im.Height), []int{0}, nil)
	if err != nil {
		return "", 0, err
	}
	h := sha256.Sum256(buf)
	return hex.EncodeToString(h[:]), len(buf), nil
}

// Outcomes of checking one file against its manifest row.
const (
	outExact       = "decoded exact"
	outUnsupported = "unsupported"
	outRejected    = "rejected"
	outMismatch    = "MISMATCH"
)

// A tally counts outcomes and remembers which files had each.
type tally map[string][]string

func (tl tally) add(outcome, path string) { tl[outcome] = append(tl[outcome], path) }

func (tl tally) String() string {
	keys := make([]string, 0, len(tl))
	for k := range tl {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %d; ", k, len(tl[k]))
	}
	return strings.TrimSuffix(b.String(), "; ")
}

// unsupportedCodecs are the compression names (as the manifests write
// them, before the "(code)") that the reader must reject as unsupported.
var unsupportedCodecs = map[string]bool{
	"JPEG": true, "WEBP": true, "LZMA": true, "LERC": true, "JXL": true, "OJPEG": true,
	"CCITTRLE": true, "CCITTFAX3": true, "CCITTFAX4": true, "JBIG": true, "unknown": true,
}

// compressionOf splits a manifest compression like "DEFLATE(8)" into its
// name and code.
func compressionOf(s string) (name string, code int) {
	i := strings.LastIndexByte(s, '(')
	if i < 0 || !strings.HasSuffix(s, ")") {
		return s, -1
	}
	code, err := strconv.Atoi(s[i+1 : len(s)-1])
	if err != nil {
		code = -1
	}
	return s[:i], code
}

// Sample types of the manifests' sample_type column: the reader must decode
// these (bit-packed uint1 to uint31 included), may decode the optional ones,
// and must reject the others as unsupported.
var (
	decodableTypes = func() map[string]bool {
		m := map[string]bool{"uint8": true, "int8": true, "uint16": true, "int16": true,
			"uint32": true, "int32": true, "uint64": true, "int64": true, "float16": true,
			"float32": true, "float64": true}
		for b := 1; b < 32; b++ {
			m[fmt.Sprintf("uint%d", b)] = true
		}
		return m
	}()
	optionalTypes = map[string]bool{}
)

// expectation says what the reader must do with a file.
type expectation int

const (
	expectDecode      expectation = iota // open, decode, match the checksum
	expectUnsupported                    // UnsupportedError at open or decode
	expectOptional                       // exact decode or UnsupportedError
	expectError                          // any error, no panic
	expectDecodeOrErr                    // corrupt but GDAL reads it: exact decode or an error
)

func (e expectation) String() string {
	return [...]string{"decode", "unsupported", "optional", "error", "decode or error"}[e]
}

// expect classifies a manifest row. hostile marks files known to be
// corrupt even where GDAL reads them.
func expect(row manifestRow, hostile bool) expectation {
	codec, _ := compressionOf(row["compression"])
	st := row["sample_type"]
	switch {
	case row["gdal_reads"] != "yes":
		return expectError
	case hostile:
		return expectDecodeOrErr
	case unsupportedCodecs[codec]:
		return expectUnsupported
	case optionalTypes[st]:
		return expectOptional
	case !decodableTypes[st]:
		return expectUnsupported
	}
	return expectDecode
}

// dtypeMatches reports whether the decoded type t is what GDAL reports as
// gdal_dtype for a file whose stored type is storedType.
func dtypeMatches(gdal string, t SampleType) bool {
	switch gdal {
	case "Byte":
		return t == Uint8 || t == Int8 // GDAL 3.6 shows int8 as Byte, same bytes
	case "":
		return true
	}
	return t.String() == gdal
}

// checkFile opens path, decodes band 1 of IFD 0 and judges the result
// against row. It returns the outcome; a non-empty detail explains a
// MISMATCH. It never lets a panic escape: a panic is a MISMATCH.
func checkFile(path string, row manifestRow, exp expectation) (outcome, detail string) {
	defer func() {
		if p := recover(); p != nil {
			outcome, detail = outMismatch, fmt.Sprintf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	r, err := Open(path)
	if err == nil {
		defer r.Close()
	}
	var im *Image
	var sum string
	var n int
	if err == nil {
		im = r.Images()[0]
		if first := r.Image(); !im.IsOverview() && !im.IsMask() && first != im {
			return outMismatch, fmt.Sprintf("Image() is IFD %d, want IFD 0", first.Index)
		}
		sum, n, err = band1SHA(r, im)
	}
	isUnsupported := errors.As(err, new(UnsupportedError))
	switch exp {
	case expectError:
		if err == nil {
			return outMismatch, "GDAL cannot read this file but the reader decoded band 1 without an error"
		}
		if isUnsupported {
			return outUnsupported, ""
		}
		if !isInputError(err) {
			return outMismatch, fmt.Sprintf("error is not a FormatError, io.ErrUnexpectedEOF or codec error: %v", err)
		}
		return outRejected, ""
	case expectUnsupported:
		if err == nil {
			return outMismatch, "want an UnsupportedError, got a decode"
		}
		if !isUnsupported {
			return outMismatch, fmt.Sprintf("want an UnsupportedError, got %v", err)
		}
		codec, _ := compressionOf(row["compression"])
		if unsupportedCodecs[codec] && codec != "unknown" && !strings.Contains(strings.ToUpper(err.Error()), codec) {
			return outMismatch, fmt.Sprintf("error does not name compression %s: %v", codec, err)
		}
		return outUnsupported, ""
	case expectOptional:
		if isUnsupported {
			return outUnsupported, ""
		}
	case expectDecodeOrErr:
		if err != nil {
			return outRejected, ""
		}
	}
	if err != nil {
		return outMismatch, fmt.Sprintf("error: %v", err)
	}
	if !dtypeMatches(row["gdal_dtype"], im.Type) {
		return outMismatch, fmt.Sprintf("type %v, GDAL %s", im.Type, row["gdal_dtype"])
	}
	if want := row["gdal_band1_nbytes"]; want != strconv.Itoa(n) {
		return outMismatch, fmt.Sprintf("band 1 is %d bytes, GDAL %s", n, want)
	}
	if want := row["gdal_band1_sha256"]; sum != want {
		return outMismatch, fmt.Sprintf("band 1 sha256 %s, GDAL %s", sum, want)
	}
	if d := checkStructure(im, r, row); d != "" {
		return outMismatch, d
	}
	return outExact, ""
}

// isInputError reports whether err says the input is bad the way the
// package documents it: a FormatError, io.ErrUnexpectedEOF for truncated
// data, or a codec's own error (flate, LZW, ZSTD, PackBits).
func isInputError(err error) bool {
	if errors.As(err, new(FormatError)) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	msg := strings.ToLower(err.Error())
	for _, codec := range []string{"flate", "lzw", "zstd", "packbits"} {
		if strings.Contains(msg, codec) {
			return true
		}
	}
	return false
}

var (
	reWH      = regexp.MustCompile(`^(\d+)x(\d+)$`)
	reTiled   = regexp.MustCompile(`^tiled (\d+)x(\d+)$`)
	reStrips  = regexp.MustCompile(`^strips rps=(\d+|absent)$`)
	reIFDHead = regexp.MustCompile(`^(\d+)`)
)

// checkStructure compares the parsed layout of im with the manifest's
// structural columns; it returns "" when they agree.
func checkStructure(im *Image, r *Reader, row manifestRow) string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if m := reWH.FindStringSubmatch(row["width_height"]); m != nil {
		if w, h := atoi(m[1]), atoi(m[2]); im.Width != w || im.Height != h {
			bad("size %dx%d, manifest %dx%d", im.Width, im.Height, w, h)
		}
	}
	if s := row["samples"]; s != "" && s != "?" && atoi(s) != im.Bands {
		bad("bands %d, manifest %s", im.Bands, s)
	}
	if p := row["planar"]; (p == "1" || p == "2") && im.Bands > 1 && atoi(p) != im.Planar {
		bad("planar %d, manifest %s", im.Planar, p)
	}
	if _, code := compressionOf(row["compression"]); code >= 0 && Compression(code) != im.Compression {
		bad("compression %d, manifest %s", im.Compression, row["compression"])
	}
	if p := row["predictor"]; p != "" && p != "?" && atoi(p) != int(im.Predictor) {
		bad("predictor %d, manifest %s", im.Predictor, p)
	}
	if m := reTiled.FindStringSubmatch(row["layout"]); m != nil {
		if !im.Tiled || im.TileWidth != atoi(m[1]) || im.TileHeight != atoi(m[2]) {
			bad("layout tiled=%v %dx%d, manifest %s", im.Tiled, im.TileWidth, im.TileHeight, row["layout"])
		}
	} else if m := reStrips.FindStringSubmatch(row["layout"]); m != nil {
		rps := im.Height
		if m[1] != "absent" && atoi(m[1]) > 0 {
			rps = min(atoi(m[1]), im.Height)
		}
		if im.Tiled || im.TileWidth != im.Width || im.TileHeight != rps {
			bad("layout tiled=%v %dx%d, manifest %s", im.Tiled, im.TileWidth, im.TileHeight, row["layout"])
		}
	}
	if bo := row["byte_order"]; bo == "LE" || bo == "BE" {
		if got := map[bool]string{true: "BE", false: "LE"}[r.ByteOrder() == binary.BigEndian]; got != bo {
			bad("byte order %s, manifest %s", got, bo)
		}
	}
	if bt := row["bigtiff"]; bt == "yes" || bt == "no" {
		if (bt == "yes") != r.BigTIFF() {
			bad("BigTIFF %v, manifest %s", r.BigTIFF(), bt)
		}
	}
	if m := reIFDHead.FindStringSubmatch(row["ifds"]); m != nil && !strings.Contains(row["ifds"], "error") {
		if n := atoi(m[1]); n != len(r.Images()) {
			bad("%d IFDs, manifest %s", len(r.Images()), row["ifds"])
		}
	}
	return strings.Join(errs, "; ")
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// checkGeoref compares im's georeferencing with the fixture manifest's
// geotransform, epsg, nodata and gcps columns; it returns "" when they
// agree. The geotransform must match within 1e-9 relative.
func checkGeoref(im *Image, row manifestRow) string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	g := im.Geo
	if s := row["geotransform"]; s == "" {
		if g.HasTransform {
			bad("geotransform %v, GDAL has none", g.Transform)
		}
	} else {
		parts := strings.Split(s, ",")
		if len(parts) != 6 {
			return "bad geotransform column " + s
		}
		if !g.HasTransform {
			bad("no geotransform, GDAL %s", s)
		}
		for i, p := range parts {
			want, _ := strconv.ParseFloat(p, 64)
			if got := g.Transform[i]; math.Abs(got-want) > 1e-9*math.Max(math.Abs(want), 1) {
				bad("geotransform[%d] = %v, GDAL %v", i, got, want)
			}
		}
	}
	epsg := 0
	if g.Keys != nil {
		epsg = g.Keys.EPSG()
	}
	if want := row["epsg"]; want != "" && strconv.Itoa(epsg) != want {
		bad("EPSG %d, GDAL %s", epsg, want)
	}
	if s := row["nodata"]; s == "" {
		if im.HasNoData {
			bad("nodata %v, GDAL has none", im.NoData)
		}
	} else {
		want, err := strconv.ParseFloat(s, 64)
		switch {
		case err != nil:
			bad("bad nodata column %q", s)
		case !im.HasNoData:
			bad("no nodata, GDAL %s", s)
		case math.IsNaN(want) != math.IsNaN(im.NoData) || (!math.IsNaN(want) && want != im.NoData):
			bad("nodata %v (%q), GDAL %s", im.NoData, im.NoDataText, s)
		}
	}
	if n := atoi(row["gcps"]); n > 0 {
		if g.HasTransform || len(g.TiePoints) != n {
			bad("HasTransform %v with %d tie points, GDAL: %d GCPs and no geotransform", g.HasTransform, len(g.TiePoints), n)
		}
	}
	return strings.Join(errs, "; ")
}
