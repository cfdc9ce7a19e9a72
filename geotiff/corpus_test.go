package geotiff

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCorpus decodes band 1 of IFD 0 of every file in the shared
// conformance corpus and compares it with GDAL's checksum in
// MANIFEST.tsv. Files with codecs or sample types the reader does not
// handle must fail with an UnsupportedError naming them; files GDAL cannot
// read must fail with an error. Looping IFD chains may be decoded or
// rejected. The test is skipped when the corpus is absent.
func TestCorpus(t *testing.T) {
	rows := loadManifest(t, filepath.Join(corpusDir, "MANIFEST.tsv"))
	tl := tally{}
	for _, row := range rows {
		path := row["path"]
		hostile := strings.Contains(row["ifds"], "loop")
		exp := expect(row, hostile)
		outcome, detail := checkFile(filepath.Join(corpusDir, path), row, exp)
		tl.add(outcome, path)
		if outcome == outMismatch {
			t.Errorf("%s (want %v): %s", path, exp, detail)
		}
	}
	t.Logf("corpus: %d files: %v", len(rows), tl)
	for _, k := range []string{outUnsupported, outRejected} {
		t.Logf("%s: %s", k, strings.Join(tl[k], ", "))
	}
}

// TestCorpusGeoref checks the georeferencing of IFD 0 of every corpus file
// the reader opens against MANIFEST.tsv: the GDAL_NODATA text, whether the
// tie points give a geotransform or are GCPs, and, where GeoKeys hold an
// EPSG code, that it is the one GDAL derives.
func TestCorpusGeoref(t *testing.T) {
	rows := loadManifest(t, filepath.Join(corpusDir, "MANIFEST.tsv"))
	checked := 0
	for _, row := range rows {
		path := row["path"]
		r, err := Open(filepath.Join(corpusDir, path))
		if err != nil {
			continue
		}
		im := r.Images()[0]
		r.Close()
		checked++
		if d := corpusGeoref(im, row); d != "" {
			t.Errorf("%s: %s", path, d)
		}
		if n := corpusEPSGNote(im, row); n != "" {
			t.Logf("note: %s: %s", path, n)
		}
	}
	t.Logf("checked %d of %d files", checked, len(rows))
	if checked == 0 {
		t.Error("no file opened")
	}
}

var reGCPs = regexp.MustCompile(`tiepoints\((\d+)\)`)

// corpusGeoref compares im with the corpus manifest's nodata_tag, georef
// and crs columns; it returns "" when they agree.
func corpusGeoref(im *Image, row manifestRow) string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	g := im.Geo
	if want := row["nodata_tag"]; strings.TrimSpace(im.NoDataText) != want || im.HasNoData != (want != "") {
		bad("GDAL_NODATA %q (HasNoData %v), manifest %q", im.NoDataText, im.HasNoData, want)
	}
	georef := row["georef"]
	switch m := reGCPs.FindStringSubmatch(georef); {
	case m != nil:
		if n := atoi(m[1]); g.HasTransform || len(g.TiePoints) != n {
			bad("HasTransform %v with %d tie points, manifest %s", g.HasTransform, len(g.TiePoints), georef)
		}
	case strings.Contains(georef, "transformation") || strings.Contains(georef, "tiepoint+pixelscale"):
		if !g.HasTransform {
			bad("no geotransform, manifest %s", georef)
		}
	default:
		if g.HasTransform {
			bad("geotransform %v, manifest %s", g.Transform, georef)
		}
	}
	if (g.Keys != nil) != strings.Contains(georef, "geokeys") {
		bad("GeoKeys present %v, manifest %s", g.Keys != nil, georef)
	}
	return strings.Join(errs, "; ")
}

// corpusEPSGNote describes how the EPSG code from GeoKeys differs from the
// CRS GDAL derives, or returns "". Differences are expected where GDAL
// promotes a code (4326 to 4979 for a 3D grid) or sees no CRS (GCP files),
// so they are logged, not failed; a projected CRS whose ProjectedCSType is
// user-defined while EPSG() returns the geographic base code is flagged.
func corpusEPSGNote(im *Image, row manifestRow) string {
	k := im.Geo.Keys
	if k == nil || k.EPSG() == 0 {
		return ""
	}
	if want := fmt.Sprintf("EPSG:%d ", k.EPSG()); strings.HasPrefix(row["crs"], want) {
		return ""
	}
	note := fmt.Sprintf("EPSG() = %d, GDAL %s", k.EPSG(), row["crs"])
	if pcs, _ := k.Short(KeyProjectedCSType); k.ModelType() == ModelTypeProjected && k.EPSG() != int(pcs) {
		note += " (projected CRS with a user-defined ProjectedCSType: EPSG() returns its geographic base code)"
	}
	return note
}
