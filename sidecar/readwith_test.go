package sidecar

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestReadWith reads sidecars through a Fetch over a map, as for a
// remote raster, and checks which names it asks for.
func TestReadWith(t *testing.T) {
	const base = "https://example.com/dem/a.tif"
	aux := []byte(`<PAMDataset><PAMRasterBand band="1"><NoDataValue>-5</NoDataValue></PAMRasterBand></PAMDataset>`)
	auxGT := []byte(`<PAMDataset><GeoTransform>100, 2, 0, 200, 0, -2</GeoTransform></PAMDataset>`)
	tfw := []byte("2\n0\n0\n-2\n101\n199\n")
	worlds := []string{base[:len(base)-4] + ".tfw", base[:len(base)-4] + ".TFW", base + "w", base[:len(base)-4] + ".TIFW",
		base[:len(base)-4] + ".wld", base[:len(base)-4] + ".WLD"}
	tests := []struct {
		name      string
		files     map[string][]byte
		world     bool
		asked     []string
		nodata    float64 // band 1's, NaN-free: 0 when none
		transform bool
		inErr     string
	}{
		{"nothing", nil, false, []string{base + ".aux.xml"}, 0, false, ""},
		{"nothing, world files too", nil, true, append([]string{base + ".aux.xml"}, worlds...), 0, false, ""},
		{"aux.xml", map[string][]byte{base + ".aux.xml": aux}, false, []string{base + ".aux.xml"}, -5, false, ""},
		{"aux.xml with a transform: no world file", map[string][]byte{base + ".aux.xml": auxGT, worlds[0]: tfw}, true, []string{base + ".aux.xml"}, 0, true, ""},
		{"world file", map[string][]byte{worlds[2]: tfw}, true, append([]string{base + ".aux.xml"}, worlds[:3]...), 0, true, ""},
		{"empty aux.xml", map[string][]byte{base + ".aux.xml": {}}, false, []string{base + ".aux.xml"}, 0, false, ""},
		{"aux.xml too large", map[string][]byte{base + ".aux.xml": make([]byte, maxAuxBytes+1)}, false, []string{base + ".aux.xml"}, 0, false, "size exceeds limit"},
		{"fetch fails", map[string][]byte{base + ".aux.xml": nil}, false, []string{base + ".aux.xml"}, 0, false, "503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []string
			fetch := func(name string, limit int64) ([]byte, error) {
				asked = append(asked, name)
				b, ok := tt.files[name]
				switch {
				case !ok:
					return nil, nil
				case b == nil:
					return nil, errors.New("GET " + name + ": 503 Service Unavailable")
				case b != nil && len(b) == 0:
					return []byte{}, nil
				}
				return b[:min(int64(len(b)), limit)], nil
			}
			info, err := ReadWith(base, fetch, tt.world)
			if tt.inErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.inErr) {
					t.Fatalf("error %v, want %q", err, tt.inErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(asked, tt.asked) {
				t.Errorf("asked for %q, want %q", asked, tt.asked)
			}
			var nd float64
			if info != nil && len(info.Bands) > 0 && info.Bands[0].HasNoData {
				nd = info.Bands[0].NoData
			}
			if nd != tt.nodata || (info != nil && info.HasTransform) != tt.transform {
				t.Errorf("info %+v: want nodata %v, transform %v", info, tt.nodata, tt.transform)
			}
			if tt.transform && info.Transform != [6]float64{100, 2, 0, 200, 0, -2} {
				t.Errorf("transform %v", info.Transform)
			}
		})
	}
}
