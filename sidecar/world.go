package sidecar

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// worldFileNames returns the world files GDAL's GTiff driver tries for
// path, in order: the first and last letter of the extension plus 'w'
// (.tfw), the extension plus 'w' (.tifw), then .wld; each lower case, then
// upper case.
func worldFileNames(path string) []string {
	ext := filepath.Ext(path)
	stem := strings.TrimSuffix(path, ext)
	ext = strings.TrimPrefix(ext, ".")
	var exts []string
	if len(ext) >= 2 {
		exts = append(exts, ext[:1]+ext[len(ext)-1:]+"w", ext+"w")
	}
	exts = append(exts, "wld")
	var names []string
	for _, e := range exts {
		lo, up := strings.ToLower(e), strings.ToUpper(e)
		names = append(names, stem+"."+lo)
		if up != lo {
			names = append(names, stem+"."+up)
		}
	}
	return names
}

// readWorld sets the transform from the first valid world file of path,
// which get fetches.
func (i *Info) readWorld(path string, get Fetch) error {
	for _, name := range worldFileNames(path) {
		b, err := get(name, maxWorldBytes)
		if err != nil {
			return err
		}
		if b == nil {
			continue
		}
		t, ok := parseWorld(b)
		if !ok {
			i.warnf("%s: ignored: want 6 numbers with non-zero pixel sizes (GDAL skips it too)", name)
			continue
		}
		i.HasTransform, i.Transform, i.TransformFrom = true, t, name
		i.Files = append(i.Files, name)
		return nil
	}
	return nil
}

// parseWorld converts a world file (A, D, B, E, C, F: pixel width, row
// rotation, column rotation, pixel height, centre of the top-left pixel)
// into a corner-based GDAL geotransform, as GDALLoadWorldFile does.
func parseWorld(b []byte) ([6]float64, bool) {
	var w [6]float64
	n := 0
	lines := strings.FieldsFunc(string(b), func(r rune) bool { return r == '\n' || r == '\r' })
	for k, line := range lines {
		if k >= 100 || n == 6 {
			break
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		w[n] = atofM(line)
		n++
	}
	if n != 6 || (w[0] == 0 && w[2] == 0) || (w[3] == 0 && w[1] == 0) {
		return [6]float64{}, false
	}
	t := [6]float64{w[4], w[0], w[2], w[5], w[1], w[3]}
	// Two rounded steps each, as GDAL computes them; the conversions keep
	// the compiler from fusing them into FMAs.
	t[0] -= float64(0.5 * t[1])
	t[0] -= float64(0.5 * t[2])
	t[3] -= float64(0.5 * t[4])
	t[3] -= float64(0.5 * t[5])
	return t, true
}

// readHead returns up to limit bytes of name, or nil when name is not a
// regular file.
func readHead(name string, limit int64) ([]byte, error) {
	ok, err := exists(name)
	if !ok || err != nil {
		return nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("sidecar: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit))
	if err != nil {
		return nil, fmt.Errorf("sidecar: %s: %w", name, err)
	}
	return b, nil
}
