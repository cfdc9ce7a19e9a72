package geotiff

import "math"

// parseGeoref derives the georeferencing of an image from its fields the way
// GDAL does: ModelTransformation first, else one tie point and a pixel
// scale; several tie points without a scale are GCPs. For PixelIsPoint
// rasters the transform is shifted by half a pixel so that it refers to
// pixel corners (GDAL's default, GTIFF_POINT_GEO_IGNORE=NO).
func parseGeoref(fs Fields) Georef {
	var g Georef
	g.Keys = parseGeoKeys(fs)
	if f := fs.Get(TagModelTiepoint); f != nil {
		v := f.Floats()
		for i := 0; i+6 <= len(v); i += 6 {
			g.TiePoints = append(g.TiePoints, TiePoint{I: v[i], J: v[i+1], K: v[i+2], X: v[i+3], Y: v[i+4], Z: v[i+5]})
		}
	}
	scale := fs.Get(TagModelPixelScale)
	var v, s []float64
	if m := fs.Get(TagModelTransformation); m != nil {
		v = m.Floats()
	}
	if scale != nil {
		s = scale.Floats()
	}
	if len(v) >= 16 {
		g.Transform = GeoTransform{v[3], v[0], v[1], v[7], v[4], v[5]}
		g.HasTransform = true
	} else if len(s) >= 2 && len(g.TiePoints) >= 1 {
		t := g.TiePoints[0]
		// A negative ScaleY would make the image south-up by the GeoTIFF
		// specification, but GDAL (without GTIFF_HONOUR_NEGATIVE_SCALEY)
		// takes such files as north-up, and so does gomean: that is how
		// every GDAL user sees them.
		sy := math.Abs(s[1])
		g.Transform = GeoTransform{t.X - t.I*s[0], s[0], 0, t.Y + t.J*sy, 0, -sy}
		g.HasTransform = true
	}
	if g.HasTransform && g.Keys.RasterType() == RasterPixelIsPoint {
		t := &g.Transform
		t[0] -= 0.5*t[1] + 0.5*t[2]
		t[3] -= 0.5*t[4] + 0.5*t[5]
	}
	return g
}

// IsNorthUp reports whether t has no rotation or shear terms.
func (t GeoTransform) IsNorthUp() bool { return t[2] == 0 && t[4] == 0 }

// Equal reports whether t and u describe the same grid within tol pixels:
// every term differs by at most tol times the larger pixel size.
func (t GeoTransform) Equal(u GeoTransform, tol float64) bool {
	px := math.Max(math.Max(math.Abs(t[1]), math.Abs(t[5])), math.Max(math.Abs(t[2]), math.Abs(t[4])))
	for i := range t {
		if math.Abs(t[i]-u[i]) > tol*px {
			return false
		}
	}
	return true
}
