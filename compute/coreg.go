package compute

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gomean/gomean/geotiff"
)

// ErrNotCoregistered is wrapped by the error [Run] returns when the inputs
// differ in CRS, or do not lie on one pixel lattice (another pixel size, an
// offset that is not whole pixels), or, without geotransforms, in size.
var ErrNotCoregistered = errors.New("inputs are not co-registered")

// coregTolerance is how far, in pixels, a corner of one input's grid may
// lie from the same corner of the first input's grid.
const coregTolerance = 0.01

// checkCoregistered checks that every image has the size, geotransform and
// (unless ignoreCRS) CRS of the first. names are the inputs' names, for the
// error, which names the first mismatching file and shows both values.
func checkCoregistered(names []string, ims []*geotiff.Image, ignoreCRS bool) error {
	a := ims[0]
	for i := 1; i < len(ims); i++ {
		b := ims[i]
		what, got, want := "", "", ""
		switch {
		case b.Width != a.Width || b.Height != a.Height:
			what, got, want = "size", fmt.Sprintf("%dx%d", b.Width, b.Height), fmt.Sprintf("%dx%d", a.Width, a.Height)
		case b.Geo.HasTransform != a.Geo.HasTransform || !sameGrid(a, b):
			what, got, want = "geotransform", transformString(b.Geo), transformString(a.Geo)
		case !ignoreCRS && !SameCRS(a.Geo.Keys, b.Geo.Keys):
			what, got, want = "CRS", DescribeCRS(b.Geo.Keys), DescribeCRS(a.Geo.Keys)
			if got == want {
				got, want = crsKeyString(b.Geo.Keys), crsKeyString(a.Geo.Keys)
			}
		default:
			continue
		}
		hint := "resample it onto the grid of the first input (gdalwarp -te/-tr/-t_srs) first"
		if what == "CRS" {
			hint += ", or pass --ignore-crs if both CRSs are the same one written differently"
		}
		return fmt.Errorf("%s: %w: %s %s differs from %s of %s: %s", names[i], ErrNotCoregistered, what, got, want, names[0], hint)
	}
	return nil
}

// sameGrid reports whether the corners of a and b map to the same
// coordinates within coregTolerance pixels.
func sameGrid(a, b *geotiff.Image) bool {
	if !a.Geo.HasTransform {
		return true
	}
	t, u := a.Geo.Transform, b.Geo.Transform
	px := math.Max(math.Hypot(t[1], t[4]), math.Hypot(t[2], t[5]))
	tol := coregTolerance * px
	for _, c := range [][2]float64{{0, 0}, {float64(a.Width), 0}, {0, float64(a.Height)}, {float64(a.Width), float64(a.Height)}} {
		x1, y1 := t[0]+c[0]*t[1]+c[1]*t[2], t[3]+c[0]*t[4]+c[1]*t[5]
		x2, y2 := u[0]+c[0]*u[1]+c[1]*u[2], u[3]+c[0]*u[4]+c[1]*u[5]
		if !(math.Abs(x1-x2) <= tol && math.Abs(y1-y2) <= tol) {
			return false
		}
	}
	return true
}

func transformString(g geotiff.Georef) string {
	if !g.HasTransform {
		return "(none)"
	}
	s := make([]string, len(g.Transform))
	for i, v := range g.Transform {
		s[i] = fmt.Sprintf("%.10g", v)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// GeoKeys that geotiff does not name (GeoTIFF 1.1, OGC 19-008r4).
const (
	keyGeogLinearUnits        = 2052
	keyGeogSemiMajorAxis      = 2057
	keyGeogSemiMinorAxis      = 2058
	keyGeogInvFlattening      = 2059
	keyGeogGeodeticDatum      = 2050
	keyGeogPrimeMeridian      = 2051
	keyGeogPrimeMeridianLong  = 2061
	keyGeogEllipsoid          = 2056
	keyProjCoordTrans         = 3075
	keyProjStdParallel1       = 3078
	keyProjStdParallel2       = 3079
	keyProjNatOriginLong      = 3080
	keyProjNatOriginLat       = 3081
	keyProjFalseEasting       = 3082
	keyProjFalseNorthing      = 3083
	keyProjFalseOriginLong    = 3084
	keyProjFalseOriginLat     = 3085
	keyProjFalseOriginEasting = 3086
	keyProjFalseOriginNorth   = 3087
	keyProjCenterLong         = 3088
	keyProjCenterLat          = 3089
	keyProjCenterEasting      = 3090
	keyProjCenterNorthing     = 3091
	keyProjScaleAtNatOrigin   = 3092
	keyProjScaleAtCenter      = 3093
	keyProjAzimuthAngle       = 3094
	keyProjStraightVertPole   = 3095
	keyVerticalDatum          = 4098

	epsgDegree = 9102
	epsgMetre  = 9001
	// crsRelTol is how far, relative to their size, two parameters of the
	// same user-defined CRS may differ.
	crsRelTol = 1e-12
)

// ignoredKeys do not change what a CRS is: free-text citations (which GDAL
// versions and tools write differently) and the raster type (which the
// geotransform already reflects).
var ignoredKeys = []uint16{geotiff.KeyGTCitation, geotiff.KeyGeogCitation, geotiff.KeyPCSCitation,
	geotiff.KeyVerticalCitation, geotiff.KeyGTRasterType}

// defaultUnits are unit keys whose value is the GeoTIFF default: writing
// them or leaving them out is the same CRS.
var defaultUnits = map[uint16]uint16{geotiff.KeyGeogAngularUnits: epsgDegree,
	geotiff.KeyProjLinearUnits: epsgMetre, keyGeogLinearUnits: epsgMetre}

// geodeticKeys spell out a geographic CRS; with an EPSG code in
// GeographicTypeGeoKey they repeat what the code defines (GDAL writes the
// ellipsoid of EPSG:4326 again, for instance), so they are left out.
var geodeticKeys = []uint16{keyGeogGeodeticDatum, keyGeogPrimeMeridian, keyGeogEllipsoid,
	keyGeogSemiMajorAxis, keyGeogSemiMinorAxis, keyGeogInvFlattening, keyGeogPrimeMeridianLong}

// verticalKeys define the vertical CRS of a compound CRS.
var verticalKeys = []uint16{geotiff.KeyVerticalCSType, keyVerticalDatum, geotiff.KeyVerticalUnits}

// A crsDef is a CRS reduced to what identifies it: an EPSG code, or the
// defining keys of a user-defined CRS.
type crsDef struct {
	model int
	code  int              // EPSG code of the horizontal CRS, 0 if user-defined
	keys  []geotiff.GeoKey // defining keys, in directory order
	dir   *geotiff.GeoKeyDirectory
}

// isCode reports whether v is an EPSG code rather than 0 or user-defined.
func isCode(v uint16, ok bool) bool { return ok && v > 0 && v < geotiff.UserDefined }

// CRSCode returns the EPSG code that identifies the CRS of d, or 0 when
// the CRS is user-defined or absent. Unlike [geotiff.GeoKeyDirectory.EPSG]
// it never returns the base geographic CRS of a projected one:
// ProjectedCSTypeGeoKey counts for a projected model, GeographicTypeGeoKey
// only for a geographic or geocentric one. A user-defined Transverse
// Mercator whose parameters are those of a UTM zone on WGS 84, NAD83,
// ETRS89 or NAD27 is that zone's code, as GDAL identifies it.
func CRSCode(d *geotiff.GeoKeyDirectory) int {
	return newCRSDef(d).code
}

func newCRSDef(d *geotiff.GeoKeyDirectory) crsDef {
	c := crsDef{dir: d}
	if d == nil {
		return c
	}
	c.model = d.ModelType()
	pcs, hasPCS := d.Short(geotiff.KeyProjectedCSType)
	geog, hasGeog := d.Short(geotiff.KeyGeographicType)
	switch {
	case c.model == geotiff.ModelTypeProjected || c.model == 0 && hasPCS:
		if isCode(pcs, hasPCS) {
			c.code = int(pcs)
		}
	case isCode(geog, hasGeog):
		c.code = int(geog)
	}
	geogCode := isCode(geog, hasGeog)
	for _, k := range d.Keys {
		if slices.Contains(ignoredKeys, k.ID) || geogCode && slices.Contains(geodeticKeys, k.ID) {
			continue
		}
		if def, ok := defaultUnits[k.ID]; ok && k.Location == 0 && k.Value == def {
			continue
		}
		c.keys = append(c.keys, k)
	}
	if c.code == 0 && (c.model == geotiff.ModelTypeProjected || c.model == 0 && hasPCS) {
		c.code = utmCode(c)
	}
	return c
}

// utmZones maps the geographic CRSs whose UTM zones are identified to the
// EPSG codes of their zones: north code base, south code base (0: none),
// first and last zone.
var utmZones = map[int]struct{ north, south, first, last int }{
	4326: {32600, 32700, 1, 60}, // WGS 84
	4269: {26900, 0, 1, 23},     // NAD83
	4258: {25800, 0, 28, 38},    // ETRS89
	4267: {26700, 0, 1, 22},     // NAD27
}

// utmCode returns the EPSG code of the UTM zone that the user-defined
// projected CRS c spells out, or 0.
func utmCode(c crsDef) int {
	d := c.dir
	geog, ok := d.Short(geotiff.KeyGeographicType)
	z, known := utmZones[int(geog)]
	if !ok || !known {
		return 0
	}
	allowed := []uint16{geotiff.KeyGTModelType, geotiff.KeyGeographicType, geotiff.KeyProjectedCSType, geotiff.KeyProjection,
		keyProjCoordTrans, keyProjNatOriginLong, keyProjNatOriginLat, keyProjFalseEasting, keyProjFalseNorthing,
		keyProjScaleAtNatOrigin}
	for _, k := range c.keys {
		if !slices.Contains(allowed, k.ID) && !slices.Contains(verticalKeys, k.ID) {
			return 0
		}
	}
	// ProjectionGeoKey 16001-16060 and 16101-16160 name UTM zones north
	// and south (of any datum); their parameters need not be written.
	lon0, fn0 := math.NaN(), 0.0
	if p, ok := d.Short(geotiff.KeyProjection); isCode(p, ok) {
		switch {
		case p > 16000 && p <= 16060:
			lon0 = float64(6*int(p-16000) - 183)
		case p > 16100 && p <= 16160:
			lon0, fn0 = float64(6*int(p-16100)-183), 10000000
		default:
			return 0
		}
	}
	ct, hasCT := d.Short(keyProjCoordTrans)
	if hasCT && ct != 1 || !hasCT && math.IsNaN(lon0) { // 1: CT_TransverseMercator
		return 0
	}
	param := func(id uint16, def float64) float64 {
		v := d.DoubleParams(id)
		if _, present := d.Key(id); !present {
			return def
		}
		if len(v) != 1 {
			return math.NaN()
		}
		return v[0]
	}
	lon := param(keyProjNatOriginLong, lon0)
	zone := int(math.Round((lon + 183) / 6))
	base := 0
	switch fn := param(keyProjFalseNorthing, fn0); {
	case fn == 0:
		base = z.north
	case fn == 10000000:
		base = z.south
	}
	if !math.IsNaN(lon0) && lon != lon0 {
		return 0 // the parameters contradict ProjectionGeoKey
	}
	if base == 0 || zone < z.first || zone > z.last || !closeTo(lon, float64(6*zone-183)) ||
		param(keyProjNatOriginLat, 0) != 0 || !closeTo(param(keyProjScaleAtNatOrigin, implied(lon0, 0.9996)), 0.9996) ||
		param(keyProjFalseEasting, implied(lon0, 500000)) != 500000 {
		return 0
	}
	return base + zone
}

// implied returns v if a UTM ProjectionGeoKey gave lon0, else NaN.
func implied(lon0, v float64) float64 {
	if math.IsNaN(lon0) {
		return lon0
	}
	return v
}

// closeTo reports whether a and b agree within crsRelTol.
func closeTo(a, b float64) bool {
	return a == b || math.Abs(a-b) <= crsRelTol*math.Max(math.Abs(a), math.Abs(b))
}

// SameCRS reports whether a and b define the same CRS: both name the same
// EPSG code (see [CRSCode]) with the same vertical CRS, or both are
// user-defined with the same model and the same defining keys, parameters
// agreeing within a relative 1e-12. Citations and the raster type are
// ignored, and so are unit keys that state the default (degree, metre).
// Two nil directories are the same; nil and non-nil are not.
//
// It does not resolve EPSG codes into their parameters (there is no EPSG
// database here), so a user-defined CRS equal to a registered one differs
// from its code, except for UTM zones (see [CRSCode]).
func SameCRS(a, b *geotiff.GeoKeyDirectory) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ca, cb := newCRSDef(a), newCRSDef(b)
	if ca.code != 0 || cb.code != 0 {
		return ca.code == cb.code && sameKeys(ca, cb, verticalKeys)
	}
	return ca.model == cb.model && sameKeys(ca, cb, nil)
}

// sameKeys compares the defining keys of a and b, only those in ids
// unless ids is nil.
func sameKeys(a, b crsDef, ids []uint16) bool {
	pick := func(c crsDef) []geotiff.GeoKey {
		var ks []geotiff.GeoKey
		for _, k := range c.keys {
			if ids == nil || slices.Contains(ids, k.ID) {
				ks = append(ks, k)
			}
		}
		slices.SortFunc(ks, func(x, y geotiff.GeoKey) int { return int(x.ID) - int(y.ID) })
		return ks
	}
	ka, kb := pick(a), pick(b)
	if len(ka) != len(kb) {
		return false
	}
	for i, x := range ka {
		y := kb[i]
		if x.ID != y.ID || x.Location != y.Location {
			return false
		}
		switch x.Location {
		case 0:
			if x.Value != y.Value {
				return false
			}
		case geotiff.TagGeoDoubleParams:
			va, vb := a.dir.DoubleParams(x.ID), b.dir.DoubleParams(y.ID)
			if len(va) != len(vb) {
				return false
			}
			for j := range va {
				if !closeTo(va[j], vb[j]) {
					return false
				}
			}
		default:
			if a.dir.ASCIIParam(x.ID) != b.dir.ASCIIParam(y.ID) {
				return false
			}
		}
	}
	return true
}

// ctNames are the GeoTIFF coordinate transformation codes
// (ProjCoordTransGeoKey) with the EPSG names of their methods.
var ctNames = map[uint16]string{
	1:  "Transverse Mercator",
	2:  "Transverse Mercator (modified Alaska)",
	3:  "Hotine Oblique Mercator",
	4:  "Laborde Oblique Mercator",
	5:  "Rosenmund Oblique Mercator",
	6:  "Oblique Mercator (spherical)",
	7:  "Mercator",
	8:  "Lambert Conic Conformal (2SP)",
	9:  "Lambert Conic Conformal (1SP)",
	10: "Lambert Azimuthal Equal Area",
	11: "Albers Equal Area",
	12: "Azimuthal Equidistant",
	13: "Equidistant Conic",
	14: "Stereographic",
	15: "Polar Stereographic",
	16: "Oblique Stereographic",
	17: "Equirectangular",
	18: "Cassini-Soldner",
	19: "Gnomonic",
	20: "Miller Cylindrical",
	21: "Orthographic",
	22: "Polyconic",
	23: "Robinson",
	24: "Sinusoidal",
	25: "Van der Grinten",
	26: "New Zealand Map Grid",
	27: "Transverse Mercator (South Orientated)",
	28: "Cylindrical Equal Area",
}

// paramNames are the PROJ names of the projection parameters, in the
// order DescribeCRS lists them.
var paramNames = []struct {
	id   uint16
	name string
}{
	{keyProjStdParallel1, "lat_1"}, {keyProjStdParallel2, "lat_2"},
	{keyProjNatOriginLat, "lat_0"}, {keyProjFalseOriginLat, "lat_0"}, {keyProjCenterLat, "lat_0"},
	{keyProjNatOriginLong, "lon_0"}, {keyProjFalseOriginLong, "lon_0"}, {keyProjStraightVertPole, "lon_0"},
	{keyProjCenterLong, "lonc"}, {keyProjAzimuthAngle, "alpha"},
	{keyProjScaleAtNatOrigin, "k_0"}, {keyProjScaleAtCenter, "k"},
	{keyProjFalseEasting, "x_0"}, {keyProjFalseOriginEasting, "x_0"}, {keyProjCenterEasting, "x_0"},
	{keyProjFalseNorthing, "y_0"}, {keyProjFalseOriginNorth, "y_0"}, {keyProjCenterNorthing, "y_0"},
}

// latTS renames the parameters that hold the latitude of true scale in
// Mercator, Equirectangular, Cylindrical Equal Area (the first standard
// parallel key) and Polar Stereographic (the origin latitude key, as GDAL
// writes variant B).
var latTS = map[[2]uint16]string{{7, keyProjStdParallel1}: "lat_ts", {17, keyProjStdParallel1}: "lat_ts",
	{28, keyProjStdParallel1}: "lat_ts", {15, keyProjNatOriginLat}: "lat_ts"}

// datumNames names the geographic CRSs (GeographicTypeGeoKey) and datums
// (GeogGeodeticDatumGeoKey) most often met.
var datumNames = map[uint16]string{
	4326: "WGS 84", 6326: "WGS 84",
	4269: "NAD83", 6269: "NAD83",
	4258: "ETRS89", 6258: "ETRS89",
	4267: "NAD27", 6267: "NAD27",
	4277: "OSGB36", 6277: "OSGB36",
	4171: "RGF93", 6171: "RGF93",
	4283: "GDA94", 6283: "GDA94",
	7844: "GDA2020", 1168: "GDA2020",
	4230: "ED50", 6230: "ED50",
	4674: "SIRGAS 2000", 6674: "SIRGAS 2000",
}

// DescribeCRS describes the CRS of d for people: "EPSG:32633" (with
// "+5703" for a vertical CRS code) when [CRSCode] finds a code, else what
// the keys define, as in "user-defined projected CRS: Lambert Conic
// Conformal (2SP), datum WGS 84, parameters: lat_1=33, lat_2=45, lat_0=39,
// lon_0=-96, x_0=0, y_0=0". It returns "(none)" for a nil directory.
func DescribeCRS(d *geotiff.GeoKeyDirectory) string {
	if d == nil {
		return "(none)"
	}
	c := newCRSDef(d)
	if c.code != 0 {
		s := "EPSG:" + strconv.Itoa(c.code)
		if v, ok := d.Short(geotiff.KeyVerticalCSType); isCode(v, ok) {
			s += "+" + strconv.Itoa(int(v))
		}
		return s
	}
	var b strings.Builder
	switch c.model {
	case geotiff.ModelTypeProjected:
		b.WriteString("user-defined projected CRS: ")
		ct, ok := d.Short(keyProjCoordTrans)
		if name := ctNames[ct]; ok && name != "" {
			b.WriteString(name)
		} else if ok {
			fmt.Fprintf(&b, "coordinate transformation %d", ct)
		} else {
			b.WriteString("no projection method")
		}
		b.WriteString(", ")
	case geotiff.ModelTypeGeographic:
		b.WriteString("user-defined geographic CRS: ")
	case geotiff.ModelTypeGeocentric:
		b.WriteString("user-defined geocentric CRS: ")
	default:
		return "user-defined CRS " + crsKeyString(d)
	}
	b.WriteString("datum " + datumName(d))
	var params []string
	ct, _ := d.Short(keyProjCoordTrans)
	for _, p := range paramNames {
		if v := d.DoubleParams(p.id); len(v) == 1 {
			name := p.name
			if n, ok := latTS[[2]uint16{ct, p.id}]; ok {
				name = n
			}
			params = append(params, name+"="+strconv.FormatFloat(v[0], 'g', -1, 64))
		}
	}
	if len(params) > 0 {
		b.WriteString(", parameters: " + strings.Join(params, ", "))
	}
	if u, ok := d.Short(geotiff.KeyProjLinearUnits); ok && u != epsgMetre {
		fmt.Fprintf(&b, ", linear unit EPSG:%d", u)
	}
	return b.String()
}

// datumName names the datum of d: a known name, "EPSG:N", or the ellipsoid
// it is given by.
func datumName(d *geotiff.GeoKeyDirectory) string {
	for _, id := range []uint16{geotiff.KeyGeographicType, keyGeogGeodeticDatum} {
		if v, ok := d.Short(id); isCode(v, ok) {
			if n, known := datumNames[v]; known {
				return n
			}
			return "EPSG:" + strconv.Itoa(int(v))
		}
	}
	a, rf := d.DoubleParams(keyGeogSemiMajorAxis), d.DoubleParams(keyGeogInvFlattening)
	if len(a) == 1 && len(rf) == 1 {
		return fmt.Sprintf("user-defined (a=%s, rf=%s)", strconv.FormatFloat(a[0], 'g', -1, 64), strconv.FormatFloat(rf[0], 'g', -1, 64))
	}
	return "user-defined"
}

// crsKeyString lists the defining keys of d as "ID=value", for messages
// about CRSs that DescribeCRS describes alike.
func crsKeyString(d *geotiff.GeoKeyDirectory) string {
	if d == nil {
		return "(none)"
	}
	var parts []string
	for _, k := range d.Keys {
		if slices.Contains(ignoredKeys, k.ID) {
			continue
		}
		var v string
		switch k.Location {
		case 0:
			v = fmt.Sprint(k.Value)
		case geotiff.TagGeoDoubleParams:
			v = fmt.Sprint(d.DoubleParams(k.ID))
		default:
			v = fmt.Sprintf("%q", d.ASCIIParam(k.ID))
		}
		parts = append(parts, fmt.Sprintf("%d=%s", k.ID, v))
	}
	return "{" + strings.Join(parts, " ") + "}"
}
