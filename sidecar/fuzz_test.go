package sidecar

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParsePAM feeds arbitrary PAM files to the reader: it must not panic,
// and what it reads must survive WriteAux's format and a second read.
func FuzzParsePAM(f *testing.F) {
	if testing.Short() {
		f.Skip("skipping fuzz seeds in -short mode")
	}
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "sidecar", "*.aux.xml"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<PAMDataset><GeoTransform>1,2,0,4,0,-6</GeoTransform><PAMRasterBand band="65535"><NoDataValue le_hex_equiv="000000000000F87F">nan</NoDataValue></PAMRasterBand></PAMDataset>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var info Info
		info.parsePAM("x.aux.xml", b)
		if len(info.Bands) > maxBands {
			t.Fatalf("%d bands", len(info.Bands))
		}
		text, err := formatAux(&info)
		if err != nil {
			return // not finite, or text XML cannot hold
		}
		var again Info
		again.parsePAM("x.aux.xml", []byte(text))
		if again.HasTransform != info.HasTransform || again.Transform != info.Transform {
			t.Fatalf("transform %v %v, read back %v %v", info.HasTransform, info.Transform, again.HasTransform, again.Transform)
		}
		for k, bd := range info.Bands {
			if bd.HasNoData && (k >= len(again.Bands) || !sameFloat(again.Bands[k].NoData, bd.NoData)) {
				t.Fatalf("band %d nodata %v not read back from\n%s", k+1, bd.NoData, text)
			}
		}
	})
}

// FuzzParseWKT checks that the WKT parser never panics.
func FuzzParseWKT(f *testing.F) {
	f.Add(utm33)
	f.Add(wgs84)
	f.Add(`GEODCRS["x",CS[ellipsoidal,2],AXIS["lat",north],ID["EPSG",4326]]`)
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseWKT(s); err == nil {
			_, _, _ = n.epsg(), n.kind(), n.axisMapping()
		}
	})
}

// FuzzParseWorld checks that the world-file parser never panics and
// returns finite pixel sizes only with a valid file.
func FuzzParseWorld(f *testing.F) {
	f.Add([]byte("10\n0\n0\n-10\n500005\n4999995\n"))
	f.Add([]byte("1,5\r\n0\r\n0\r\n-1,5\r\n0x10\r\n1e999\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if tr, ok := parseWorld(b); ok && tr[1] == 0 && tr[2] == 0 {
			t.Fatalf("accepted zero pixel width: %v", tr)
		}
		_ = atofM(string(b))
	})
}
