package sidecar

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WriteAux writes path+".aux.xml" the way GDAL writes a PAM file: <SRS>
// with its dataAxisToSRSAxisMapping attribute, <GeoTransform> as six
// "%24.16e" values, the default-domain <Metadata>, then one
// <PAMRasterBand> per band that has a nodata value, a color interpretation
// or metadata (NoDataValue as "%.14E", "nan", with le_hex_equiv when the
// text does not give the exact double back). Metadata keys are sorted.
// Only HasTransform, Transform, SRS, Metadata and Bands are written.
//
// The file is replaced atomically: written to a temporary file in the
// same folder, then renamed. When info has nothing to write, an existing
// PAM file is removed, as GDAL does: a stale one would override the
// raster's own georeferencing.
func WriteAux(path string, info *Info) error {
	if info == nil {
		return errors.New("sidecar: WriteAux: nil Info")
	}
	aux := path + auxSuffix
	text, err := formatAux(info)
	if err != nil {
		return fmt.Errorf("sidecar: %s: %w", aux, err)
	}
	if text == "" {
		if err := os.Remove(aux); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sidecar: %w", err)
		}
		return nil
	}
	return writeAtomic(aux, []byte(text))
}

// formatAux returns the PAM document of info, "" when it has no content.
func formatAux(info *Info) (string, error) {
	var b strings.Builder
	if info.SRS != "" {
		if err := checkXMLText("SRS", info.SRS); err != nil {
			return "", err
		}
		b.WriteString("  <SRS")
		if w, err := parseWKT(info.SRS); err == nil {
			if m := w.axisMapping(); m != "" {
				b.WriteString(` dataAxisToSRSAxisMapping="` + m + `"`)
			}
		}
		b.WriteString(">" + escapeXML(info.SRS, false) + "</SRS>\n")
	}
	if info.HasTransform {
		t := info.Transform
		for _, v := range t {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return "", fmt.Errorf("invalid geotransform %v: want finite values", t)
			}
		}
		fmt.Fprintf(&b, "  <GeoTransform>%24.16e,%24.16e,%24.16e,%24.16e,%24.16e,%24.16e</GeoTransform>\n",
			t[0], t[1], t[2], t[3], t[4], t[5])
	}
	if err := writeMetadata(&b, "  ", info.Metadata); err != nil {
		return "", err
	}
	for k, band := range info.Bands {
		if err := writeBand(&b, k+1, band); err != nil {
			return "", fmt.Errorf("band %d: %w", k+1, err)
		}
	}
	if b.Len() == 0 {
		return "", nil
	}
	return "<PAMDataset>\n" + b.String() + "</PAMDataset>\n", nil
}

func writeBand(b *strings.Builder, num int, band Band) error {
	if !band.HasNoData && band.ColorInterp == "" && len(band.Metadata) == 0 {
		return nil
	}
	fmt.Fprintf(b, "  <PAMRasterBand band=\"%d\">\n", num)
	if band.HasNoData {
		text, hexBits := formatNoData(band.NoData)
		b.WriteString("    <NoDataValue")
		if hexBits != "" {
			b.WriteString(` le_hex_equiv="` + hexBits + `"`)
		}
		b.WriteString(">" + text + "</NoDataValue>\n")
	}
	if band.ColorInterp != "" {
		if err := checkXMLText("ColorInterp", band.ColorInterp); err != nil {
			return err
		}
		b.WriteString("    <ColorInterp>" + escapeXML(band.ColorInterp, false) + "</ColorInterp>\n")
	}
	if err := writeMetadata(b, "    ", band.Metadata); err != nil {
		return err
	}
	b.WriteString("  </PAMRasterBand>\n")
	return nil
}

// formatNoData returns GDAL's NoDataValue text for v and, when reading
// that text back would not give v exactly (NaN, fractions, rounding), the
// little-endian hex of its bits. Every NaN is written as the quiet NaN
// C's NAN is (0x7FF8000000000000), as GDAL writes it.
func formatNoData(v float64) (text, hexBits string) {
	switch {
	case math.IsNaN(v):
		text = "nan"
	case math.IsInf(v, 1):
		text = "INF"
	case math.IsInf(v, -1):
		text = "-INF"
	default:
		text = strconv.FormatFloat(v, 'E', 14, 64)
		// Go writes at least two exponent digits, as C does.
	}
	if math.IsNaN(v) {
		v = quietNaN // GDAL's NaN, whatever the payload
	}
	if v != math.Floor(v) || v != atof(text) {
		var raw [8]byte
		binary.LittleEndian.PutUint64(raw[:], math.Float64bits(v))
		hexBits = strings.ToUpper(fmt.Sprintf("%x", raw[:]))
	}
	return text, hexBits
}

func writeMetadata(b *strings.Builder, indent string, md map[string]string) error {
	if len(md) == 0 {
		return nil
	}
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b.WriteString(indent + "<Metadata>\n")
	for _, k := range keys {
		v := md[k]
		if k == "" {
			return errors.New("metadata key is empty")
		}
		if err := checkXMLText("metadata key "+strconv.Quote(k), k); err != nil {
			return err
		}
		if err := checkXMLText("metadata "+k, v); err != nil {
			return err
		}
		b.WriteString(indent + `  <MDI key="` + escapeXML(k, true) + `">` + escapeXML(v, false) + "</MDI>\n")
	}
	b.WriteString(indent + "</Metadata>\n")
	return nil
}

// checkXMLText rejects text that no XML reader accepts: invalid UTF-8 and
// control characters other than tab, newline and carriage return.
func checkXMLText(what, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s: invalid UTF-8", what)
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF {
			return fmt.Errorf("%s: character %U not allowed in XML", what, r)
		}
	}
	return nil
}

// escapeXML escapes like GDAL's serializer: &, < and > always, '"' only in
// attribute values.
func escapeXML(s string, attr bool) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	if attr {
		r = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	}
	return r.Replace(s)
}

// writeAtomic writes data to a temporary file next to name and renames it
// to name.
func writeAtomic(name string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("sidecar: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("sidecar: %w", err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("sidecar: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("sidecar: %w", err)
	}
	if err = os.Rename(f.Name(), name); err != nil {
		return fmt.Errorf("sidecar: %w", err)
	}
	return nil
}
