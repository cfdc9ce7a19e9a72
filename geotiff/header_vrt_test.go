package geotiff

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestOpenVRTSaysGdalTranslate(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"vrt", `<VRTDataset rasterXSize="10" rasterYSize="10"><SRS>EPSG:4326</SRS></VRTDataset>`, "a GDAL VRT (XML), not a TIFF"},
		{"vrt after blank line", "\n  <VRTDataset rasterXSize=\"10\" rasterYSize=\"10\"></VRTDataset>", "a GDAL VRT (XML), not a TIFF"},
		{"xml", `<?xml version="1.0"?><VRTDataset></VRTDataset>`, "an XML file, not a TIFF"},
		{"other", "JUNKJUNKJUNKJUNKJUNK", "bad byte order mark"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader([]byte(tt.text)), int64(len(tt.text)))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.As(err, new(FormatError)) {
				t.Fatalf("error %v; want a FormatError containing %q", err, tt.want)
			}
			if tt.name != "other" && !strings.Contains(err.Error(), "gdal_translate in.vrt out.tif") {
				t.Fatalf("error %v does not give the gdal_translate command", err)
			}
		})
	}
}
