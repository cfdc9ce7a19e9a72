package compute

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// crsFixture reads the GeoKeys of testdata/crs/NAME.tif, made by
// testdata/crs/make_crs.py with GDAL.
func crsFixture(t *testing.T, name string) *geotiff.GeoKeyDirectory {
	t.Helper()
	r, err := geotiff.Open(filepath.Join("..", "testdata", "crs", name+".tif"))
	if err != nil {
		t.Fatalf("%v (run testdata/crs/make_crs.py)", err)
	}
	defer r.Close()
	if r.Image().Geo.Keys == nil {
		t.Fatalf("%s has no GeoKeys", name)
	}
	return r.Image().Geo.Keys
}

var crsFixtureNames = []string{"lcc", "lcc_again", "lcc_lat2", "cea", "aea", "stere_north", "sterea",
	"tmerc_utm33", "epsg_32633", "epsg_4326"}

// TestSameCRSFixtures compares every pair of the GDAL-written fixtures: all
// differ but an LCC written twice, and a tmerc definition that GDAL itself
// identified as EPSG:32633. Before, every user-defined projected CRS on
// WGS 84 compared equal to EPSG:4326 and to each other.
func TestSameCRSFixtures(t *testing.T) {
	same := map[[2]string]bool{{"lcc", "lcc_again"}: true, {"tmerc_utm33", "epsg_32633"}: true}
	dirs := map[string]*geotiff.GeoKeyDirectory{}
	for _, n := range crsFixtureNames {
		dirs[n] = crsFixture(t, n)
	}
	for i, a := range crsFixtureNames {
		for j, b := range crsFixtureNames {
			want := i == j || same[[2]string{a, b}] || same[[2]string{b, a}]
			if got := SameCRS(dirs[a], dirs[b]); got != want {
				t.Errorf("SameCRS(%s, %s) = %v, want %v\n%s\n%s", a, b, got, want, DescribeCRS(dirs[a]), DescribeCRS(dirs[b]))
			}
		}
	}
}

func TestDescribeCRSFixtures(t *testing.T) {
	tests := []struct {
		name string
		code int
		want string
	}{
		{"lcc", 0, "user-defined projected CRS: Lambert Conic Conformal (2SP), datum WGS 84, parameters: lat_1=33, lat_2=45, lat_0=39, lon_0=-96, x_0=0, y_0=0"},
		{"cea", 0, "user-defined projected CRS: Cylindrical Equal Area, datum WGS 84, parameters: lat_ts=30, lon_0=0, x_0=0, y_0=0"},
		{"aea", 0, "user-defined projected CRS: Albers Equal Area, datum WGS 84, parameters: lat_1=29.5, lat_2=45.5, lat_0=23, lon_0=-96, x_0=0, y_0=0"},
		{"stere_north", 0, "user-defined projected CRS: Polar Stereographic, datum WGS 84, parameters: lat_ts=70, lon_0=-45, k_0=1, x_0=0, y_0=0"},
		{"sterea", 0, "user-defined projected CRS: Oblique Stereographic, datum WGS 84, parameters: lat_0=52.1561605555556, lon_0=5.38763888888889, k_0=0.9999079, x_0=155000, y_0=463000"},
		{"epsg_32633", 32633, "EPSG:32633"},
		{"tmerc_utm33", 32633, "EPSG:32633"},
		{"epsg_4326", 4326, "EPSG:4326"},
	}
	for _, tt := range tests {
		d := crsFixture(t, tt.name)
		if got := DescribeCRS(d); got != tt.want {
			t.Errorf("DescribeCRS(%s)\n got %q\nwant %q", tt.name, got, tt.want)
		}
		if got := CRSCode(d); got != tt.code {
			t.Errorf("CRSCode(%s) = %d, want %d", tt.name, got, tt.code)
		}
	}
	if got := DescribeCRS(nil); got != "(none)" {
		t.Errorf("DescribeCRS(nil) = %q", got)
	}
}

// keyDir builds a GeoKey directory from SHORT keys and DOUBLE keys.
func keyDir(shorts map[uint16]uint16, doubles map[uint16]float64, ascii map[uint16]string) *geotiff.GeoKeyDirectory {
	d := &geotiff.GeoKeyDirectory{Version: 1, KeyRevision: 1}
	for id := uint16(1024); id < 5000; id++ {
		if v, ok := shorts[id]; ok {
			d.Keys = append(d.Keys, geotiff.GeoKey{ID: id, Count: 1, Value: v})
		}
		if v, ok := doubles[id]; ok {
			d.Keys = append(d.Keys, geotiff.GeoKey{ID: id, Location: geotiff.TagGeoDoubleParams, Count: 1, Value: uint16(len(d.Doubles))})
			d.Doubles = append(d.Doubles, v)
		}
		if v, ok := ascii[id]; ok {
			d.Keys = append(d.Keys, geotiff.GeoKey{ID: id, Location: geotiff.TagGeoASCIIParams, Count: uint16(len(v) + 1), Value: uint16(len(d.ASCII))})
			d.ASCII += v + "|"
		}
	}
	return d
}

// utm returns a user-defined Transverse Mercator on geographic CRS geog
// with the given central meridian, scale and false northing.
func utm(geog uint16, lon, k, fn float64) *geotiff.GeoKeyDirectory {
	return keyDir(map[uint16]uint16{1024: 1, 1025: 1, 2048: geog, 2054: 9102, 3072: 32767, 3074: 32767, 3075: 1, 3076: 9001},
		map[uint16]float64{3080: lon, 3081: 0, 3082: 500000, 3083: fn, 3092: k},
		map[uint16]string{1026: "unknown"})
}

func pcs(code uint16) *geotiff.GeoKeyDirectory {
	return keyDir(map[uint16]uint16{1024: 1, 1025: 1, 3072: code}, nil, map[uint16]string{1026: "WGS 84 / UTM"})
}

func TestSameCRS(t *testing.T) {
	lcc := func(lat1 float64, extra map[uint16]uint16, cit string) *geotiff.GeoKeyDirectory {
		s := map[uint16]uint16{1024: 1, 2048: 4326, 3072: 32767, 3075: 8}
		for k, v := range extra {
			s[k] = v
		}
		return keyDir(s, map[uint16]float64{3078: lat1, 3079: 45, 3084: -96, 3085: 39, 3086: 0, 3087: 0},
			map[uint16]string{1026: cit})
	}
	geographic := func(datum uint16) *geotiff.GeoKeyDirectory {
		return keyDir(map[uint16]uint16{1024: 2, 2048: 32767, 2050: datum}, map[uint16]float64{2057: 6378137, 2059: 298.257223563}, nil)
	}
	tests := []struct {
		name string
		a, b *geotiff.GeoKeyDirectory
		want bool
	}{
		{"nil and nil", nil, nil, true},
		{"nil and a CRS", nil, pcs(32633), false},
		{"same code, other citation", pcs(32633), keyDir(map[uint16]uint16{1024: 1, 3072: 32633, 3076: 9001}, nil, nil), true},
		{"other code", pcs(32633), pcs(32634), false},
		{"user-defined TM of UTM 33N is EPSG:32633", utm(4326, 15, 0.9996, 0), pcs(32633), true},
		{"UTM 33S", utm(4326, 15, 0.9996, 10000000), pcs(32733), true},
		{"NAD83 UTM 18N", utm(4269, -75, 0.9996, 0), pcs(26918), true},
		{"UTM zone on another datum", utm(4326, -75, 0.9996, 0), pcs(26918), false},
		{"TM with another scale is not UTM", utm(4326, 15, 0.9999, 0), pcs(32633), false},
		{"TM off the zone's meridian", utm(4326, 16, 0.9996, 0), pcs(32633), false},
		{"ProjectionGeoKey 16033 alone", keyDir(map[uint16]uint16{1024: 1, 2048: 4326, 3072: 32767, 3074: 16033}, nil, nil), pcs(32633), true},
		{"ProjectionGeoKey 16133 alone", keyDir(map[uint16]uint16{1024: 1, 2048: 4326, 3072: 32767, 3074: 16133}, nil, nil), pcs(32733), true},
		{"user-defined on 4326 is not EPSG:4326", lcc(33, nil, ""), keyDir(map[uint16]uint16{1024: 2, 2048: 4326}, nil, nil), false},
		{"citations ignored", lcc(33, nil, "a"), lcc(33, nil, "b"), true},
		{"default units written or not", lcc(33, map[uint16]uint16{2054: 9102, 3076: 9001}, ""), lcc(33, nil, ""), true},
		{"feet are not metres", lcc(33, map[uint16]uint16{3076: 9002}, ""), lcc(33, nil, ""), false},
		{"parameter within 1e-12", lcc(33, nil, ""), lcc(33*(1+1e-14), nil, ""), true},
		{"parameter off by 1e-9", lcc(33, nil, ""), lcc(33*(1+1e-9), nil, ""), false},
		{"other method", lcc(33, map[uint16]uint16{3075: 11}, ""), lcc(33, nil, ""), false},
		{"user-defined geographic, same datum", geographic(6326), geographic(6326), true},
		{"user-defined geographic, other datum", geographic(6326), geographic(6269), false},
		{"ellipsoid repeated under a code", keyDir(map[uint16]uint16{1024: 2, 2048: 4326}, map[uint16]float64{2057: 6378137, 2059: 298.257223563}, nil),
			keyDir(map[uint16]uint16{1024: 2, 2048: 4326}, nil, nil), true},
		{"vertical CRS differs", keyDir(map[uint16]uint16{1024: 1, 3072: 32633, 4096: 5703}, nil, nil), pcs(32633), false},
		{"same vertical CRS", keyDir(map[uint16]uint16{1024: 1, 3072: 32633, 4096: 5703}, nil, nil),
			keyDir(map[uint16]uint16{1024: 1, 3072: 32633, 4096: 5703}, nil, map[uint16]string{4097: "NAVD88"}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SameCRS(tt.a, tt.b); got != tt.want {
				t.Errorf("SameCRS = %v, want %v\n%s\n%s", got, tt.want, DescribeCRS(tt.a), DescribeCRS(tt.b))
			}
			if got := SameCRS(tt.b, tt.a); got != tt.want {
				t.Errorf("SameCRS reversed = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCheckCoregisteredCRS checks that a CEA and an LCC input on the same
// grid and datum are refused, and that the message describes both.
func TestCheckCoregisteredCRS(t *testing.T) {
	im := func(d *geotiff.GeoKeyDirectory) *geotiff.Image {
		return &geotiff.Image{Width: 8, Height: 8, Geo: geotiff.Georef{HasTransform: true,
			Transform: geotiff.GeoTransform{100000, 1000, 0, 200000, 0, -1000}, Keys: d}}
	}
	names := []string{"lcc.tif", "cea.tif"}
	err := checkCoregistered(names, []*geotiff.Image{im(crsFixture(t, "lcc")), im(crsFixture(t, "cea"))}, false)
	if !errors.Is(err, ErrNotCoregistered) {
		t.Fatalf("error %v, want ErrNotCoregistered", err)
	}
	for _, want := range []string{"cea.tif", "Cylindrical Equal Area", "Lambert Conic Conformal (2SP)", "--ignore-crs"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if err := checkCoregistered(names, []*geotiff.Image{im(crsFixture(t, "lcc")), im(crsFixture(t, "cea"))}, true); err != nil {
		t.Errorf("ignoreCRS: %v", err)
	}
	// Two definitions that describe alike fall back to the keys.
	a, b := keyDir(map[uint16]uint16{1024: 1, 2048: 4326, 3072: 32767, 3075: 8, 2052: 9002}, nil, nil),
		keyDir(map[uint16]uint16{1024: 1, 2048: 4326, 3072: 32767, 3075: 8, 2052: 9003}, nil, nil)
	err = checkCoregistered([]string{"a", "b"}, []*geotiff.Image{im(a), im(b)}, false)
	if err == nil || !strings.Contains(err.Error(), "2052=9003") {
		t.Errorf("error %v, want one listing the keys", err)
	}
}
