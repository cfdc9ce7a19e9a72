package compute

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomean/gomean/geotiff"
)

// ErrNotCoregistered is wrapped by the error [Run] returns when the inputs
// differ in size, geotransform or CRS.
var ErrNotCoregistered = errors.New("inputs are not co-registered")

// coregTolerance is how far, in pixels, a corner of one input's grid may
// lie from the same corner of the first input's grid.
const coregTolerance = 0.01

// checkCoregistered checks that every image has the size, geotransform and
// (unless ignoreCRS) CRS of the first. names are the inputs' names, for the
// error, which names the first mismatching file and shows both values.
func checkCoregistered(names []string, ims []*geotiff.Image, ignoreCRS bool) error {
	a := ims[0]
	crsA := crsString(a.Geo.Keys)
	for i := 1; i < len(ims); i++ {
		b := ims[i]
		what, got, want := "", "", ""
		switch {
		case b.Width != a.Width || b.Height != a.Height:
			what, got, want = "size", fmt.Sprintf("%dx%d", b.Width, b.Height), fmt.Sprintf("%dx%d", a.Width, a.Height)
		case b.Geo.HasTransform != a.Geo.HasTransform || !sameGrid(a, b):
			what, got, want = "geotransform", transformString(b.Geo), transformString(a.Geo)
		case !ignoreCRS && crsString(b.Geo.Keys) != crsA:
			what, got, want = "CRS", crsString(b.Geo.Keys), crsA
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

// citationKeys are free text that GDAL versions and tools write
// differently for the same CRS.
var citationKeys = []uint16{geotiff.KeyGTCitation, geotiff.KeyGeogCitation, geotiff.KeyPCSCitation,
	geotiff.KeyVerticalCitation, geotiff.KeyGTRasterType}

// crsString describes the CRS of a GeoKey directory for comparison and
// messages: "EPSG:32633" when it names a code, otherwise its keys, less the
// citations and the raster type (which the geotransform already reflects).
func crsString(d *geotiff.GeoKeyDirectory) string {
	if d == nil {
		return "(none)"
	}
	if code := d.EPSG(); code != 0 {
		s := fmt.Sprintf("EPSG:%d", code)
		if v, ok := d.Short(geotiff.KeyVerticalCSType); ok && v > 0 && v < geotiff.UserDefined {
			s += fmt.Sprintf("+%d", v)
		}
		return s
	}
	var parts []string
	for _, k := range d.Keys {
		if slices.Contains(citationKeys, k.ID) {
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
	return "user-defined {" + strings.Join(parts, " ") + "}"
}
