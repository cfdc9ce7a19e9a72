package geotiff

import (
	"fmt"
	"math"
)

// checkFields builds the georeferencing fields and checks the copied ones.
func (c *writerConfig) checkFields() error {
	geo, err := writerGeoFields(c.Geo)
	if err != nil {
		return err
	}
	extra, err := writerExtraFields(c.ExtraFields)
	if err != nil {
		return err
	}
	c.geo, c.extra = geo, extra
	return nil
}

// writerGeoFields returns the GeoTIFF fields of g as GDAL writes them:
// ModelPixelScale and ModelTiepoint for a north-up transform,
// ModelTransformation for any other, the tie points alone for ground
// control points, and the GeoKey directory.
func writerGeoFields(g *Georef) ([]Field, error) {
	if g == nil {
		return nil, nil
	}
	var fs []Field
	switch {
	case g.HasTransform:
		t := g.Transform
		for _, v := range t {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("geotiff: invalid geotransform %v: want finite values", t)
			}
		}
		// GDAL's transform is corner-based; a PixelIsPoint file ties the
		// center of the first pixel.
		var dx, dy float64
		if g.Keys.RasterType() == RasterPixelIsPoint {
			dx, dy = 0.5*(t[1]+t[2]), 0.5*(t[4]+t[5])
		}
		if t[2] == 0 && t[4] == 0 && t[5] < 0 {
			fs = append(fs, NewDoubleField(TagModelPixelScale, t[1], -t[5], 0),
				NewDoubleField(TagModelTiepoint, 0, 0, 0, t[0]+dx, t[3]+dy, 0))
		} else {
			fs = append(fs, NewDoubleField(TagModelTransformation,
				t[1], t[2], 0, t[0]+dx, t[4], t[5], 0, t[3]+dy, 0, 0, 0, 0, 0, 0, 0, 1))
		}
	case len(g.TiePoints) > 0:
		v := make([]float64, 0, 6*len(g.TiePoints))
		for _, p := range g.TiePoints {
			v = append(v, p.I, p.J, p.K, p.X, p.Y, p.Z)
		}
		fs = append(fs, NewDoubleField(TagModelTiepoint, v...))
	}
	if g.Keys != nil {
		kf, err := writerGeoKeyFields(g.Keys)
		if err != nil {
			return nil, err
		}
		fs = append(fs, kf...)
	}
	return fs, nil
}

// writerGeoKeyFields serialises d with [GeoKeyDirectory.Fields]; a zero
// Version or KeyRevision is written as 1.
func writerGeoKeyFields(d *GeoKeyDirectory) ([]Field, error) {
	if n := len(d.Keys); n > (math.MaxUint16-keyDirectoryHeaderCount)/4 {
		return nil, fmt.Errorf("geotiff: GeoKey directory of %d keys exceeds limit %d", n, (math.MaxUint16-keyDirectoryHeaderCount)/4)
	}
	if d.Version == 0 || d.KeyRevision == 0 {
		c := *d
		c.Version, c.KeyRevision = max(c.Version, 1), max(c.KeyRevision, 1)
		d = &c
	}
	return d.Fields(), nil
}

// writerOwnedTags are the tags the writer sets itself or that point into
// the file they came from; they are never copied from ExtraFields.
var writerOwnedTags = map[Tag]bool{
	TagNewSubfileType: true, TagImageWidth: true, TagImageLength: true, TagBitsPerSample: true,
	TagCompression: true, TagPhotometricInterpretation: true, TagStripOffsets: true,
	TagSamplesPerPixel: true, TagRowsPerStrip: true, TagStripByteCounts: true,
	TagPlanarConfiguration: true, 288: true, 289: true, // FreeOffsets, FreeByteCounts
	292: true, 293: true, // T4Options, T6Options
	TagPredictor: true, TagColorMap: true, TagTileWidth: true, TagTileLength: true,
	TagTileOffsets: true, TagTileByteCounts: true, TagSubIFDs: true, TagExtraSamples: true,
	TagSampleFormat: true, TagJPEGTables: true,
	512: true, 513: true, 514: true, 515: true, 517: true, 518: true, 519: true, 520: true, 521: true, // old JPEG
	529: true, 530: true, 531: true, 532: true, // YCbCr
	TagModelPixelScale: true, TagModelTiepoint: true, TagModelTransformation: true,
	TagGeoKeyDirectory: true, TagGeoDoubleParams: true, TagGeoASCIIParams: true,
	34665: true, 34853: true, 40965: true, // Exif, GPS and Interoperability IFDs
	TagGDALMetadata: true, TagGDALNoData: true,
	50674: true, // LERC parameters
}

// writerExtraFields returns the fields of in that the writer copies: the
// first of each tag that it does not own and that holds no IFD offset.
func writerExtraFields(in []Field) ([]Field, error) {
	var out []Field
	seen := make(map[Tag]bool)
	for _, f := range in {
		if writerOwnedTags[f.Tag] || f.Type == IFD || f.Type == IFD8 || seen[f.Tag] {
			continue
		}
		size := f.Type.Size()
		if size == 0 {
			return nil, fmt.Errorf("geotiff: extra field %v: unknown type %v", f.Tag, f.Type)
		}
		if f.Count > math.MaxInt32 || uint64(len(f.Data)) != f.Count*uint64(size) {
			return nil, fmt.Errorf("geotiff: extra field %v: got %d bytes of data, want %d values of %d bytes", f.Tag, len(f.Data), f.Count, size)
		}
		seen[f.Tag] = true
		out = append(out, f)
	}
	return out, nil
}
