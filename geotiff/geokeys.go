package geotiff

import (
	"strings"
)

// parseGeoKeys decodes the GeoKey directory (34735) and its parameter tags.
// A malformed directory yields nil: GDAL ignores it too.
func parseGeoKeys(fs Fields) *GeoKeyDirectory {
	f := fs.Get(TagGeoKeyDirectory)
	if f == nil || f.Type != Short || f.Count < keyDirectoryHeaderCount {
		return nil
	}
	v := f.Uints()
	n := v[3]
	if n > (uint64(len(v))-keyDirectoryHeaderCount)/4 {
		n = (uint64(len(v)) - keyDirectoryHeaderCount) / 4
	}
	d := &GeoKeyDirectory{Version: uint16(v[0]), KeyRevision: uint16(v[1]), MinorRevision: uint16(v[2])}
	for i := uint64(0); i < n; i++ {
		e := v[keyDirectoryHeaderCount+4*i:]
		d.Keys = append(d.Keys, GeoKey{ID: uint16(e[0]), Location: Tag(e[1]), Count: uint16(e[2]), Value: uint16(e[3])})
	}
	if p := fs.Get(TagGeoDoubleParams); p != nil {
		d.Doubles = p.Floats()
	}
	if p := fs.Get(TagGeoASCIIParams); p != nil {
		d.ASCII = string(p.Data)
	}
	return d
}

// Key returns the entry with the given ID.
func (d *GeoKeyDirectory) Key(id uint16) (GeoKey, bool) {
	if d != nil {
		for _, k := range d.Keys {
			if k.ID == id {
				return k, true
			}
		}
	}
	return GeoKey{}, false
}

// Short returns the SHORT value of key id.
func (d *GeoKeyDirectory) Short(id uint16) (uint16, bool) {
	k, ok := d.Key(id)
	if !ok || k.Location != 0 {
		return 0, false
	}
	return k.Value, true
}

// DoubleParams returns the values of a key stored in GeoDoubleParams.
func (d *GeoKeyDirectory) DoubleParams(id uint16) []float64 {
	k, ok := d.Key(id)
	if !ok || k.Location != TagGeoDoubleParams || int(k.Value)+int(k.Count) > len(d.Doubles) {
		return nil
	}
	return d.Doubles[k.Value : int(k.Value)+int(k.Count)]
}

// ASCIIParam returns the text of a key stored in GeoASCIIParams, without
// the '|' terminator.
func (d *GeoKeyDirectory) ASCIIParam(id uint16) string {
	k, ok := d.Key(id)
	if !ok || k.Location != TagGeoASCIIParams || int(k.Value)+int(k.Count) > len(d.ASCII) {
		return ""
	}
	s := d.ASCII[k.Value : int(k.Value)+int(k.Count)]
	return strings.TrimRight(s, "|\x00")
}

// ModelType returns GTModelTypeGeoKey (1 projected, 2 geographic,
// 3 geocentric), or 0.
func (d *GeoKeyDirectory) ModelType() int { v, _ := d.Short(KeyGTModelType); return int(v) }

// RasterType returns GTRasterTypeGeoKey (1 PixelIsArea, 2 PixelIsPoint), or 0.
func (d *GeoKeyDirectory) RasterType() int { v, _ := d.Short(KeyGTRasterType); return int(v) }

// EPSG returns the EPSG code of the CRS: ProjectedCSTypeGeoKey if it holds a
// code, else GeographicTypeGeoKey; 0 when neither does (user-defined or
// absent).
func (d *GeoKeyDirectory) EPSG() int {
	for _, id := range []uint16{KeyProjectedCSType, KeyGeographicType} {
		if v, ok := d.Short(id); ok && v > 0 && v < UserDefined {
			return int(v)
		}
	}
	return 0
}

// Citation returns the best citation text: PCSCitation, GTCitation or
// GeogCitation, the first that is set.
func (d *GeoKeyDirectory) Citation() string {
	for _, id := range []uint16{KeyPCSCitation, KeyGTCitation, KeyGeogCitation} {
		if s := d.ASCIIParam(id); s != "" {
			return s
		}
	}
	return ""
}

// Fields serialises the directory into GeoKeyDirectory, GeoDoubleParams and
// GeoASCIIParams fields (the latter two only when non-empty).
func (d *GeoKeyDirectory) Fields() []Field {
	if d == nil {
		return nil
	}
	v := []uint16{d.Version, d.KeyRevision, d.MinorRevision, uint16(len(d.Keys))}
	for _, k := range d.Keys {
		v = append(v, k.ID, uint16(k.Location), k.Count, k.Value)
	}
	fs := []Field{NewShortField(TagGeoKeyDirectory, v...)}
	if len(d.Doubles) > 0 {
		fs = append(fs, NewDoubleField(TagGeoDoubleParams, d.Doubles...))
	}
	if d.ASCII != "" {
		a := []byte(d.ASCII)
		if a[len(a)-1] != 0 {
			a = append(a, 0)
		}
		fs = append(fs, Field{Tag: TagGeoASCIIParams, Type: ASCII, Count: uint64(len(a)), Data: a})
	}
	return fs
}
