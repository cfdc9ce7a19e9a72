package geotiff

import (
	"fmt"
	"math/bits"
)

// uintField returns value 0 of tag t, or def when the tag is absent.
func (fs Fields) uintOr(t Tag, def uint64) uint64 {
	if f := fs.Get(t); f != nil {
		if v, ok := f.Uint(0); ok {
			return v
		}
	}
	return def
}

// parse fills im from its fields and checks that they describe a raster
// the reader can address safely. Features that are valid TIFF but that
// gomean cannot decode do not fail here: they fail in ReadTile, so that
// such images can still be listed. deferred are the index arrays that
// r (opened with ReaderOptions.LazyIndex) left in the file.
func (im *Image) parse(r *Reader, deferred []deferredField) error {
	fs := im.Fields
	w, h := fs.uintOr(TagImageWidth, 0), fs.uintOr(TagImageLength, 0)
	if w == 0 || h == 0 {
		return FormatError(fmt.Sprintf("image size %dx%d: want both dimensions > 0", w, h))
	}
	const maxDim = 1 << 31
	if w >= maxDim || h >= maxDim {
		return FormatError(fmt.Sprintf("image size %dx%d: dimensions must be below 2^31", w, h))
	}
	im.Width, im.Height = int(w), int(h)
	spp := fs.uintOr(TagSamplesPerPixel, 1)
	if spp == 0 || spp > 65535 {
		return FormatError(fmt.Sprintf("SamplesPerPixel %d: want 1 to 65535", spp))
	}
	im.Bands = int(spp)
	im.SubfileType = uint32(fs.uintOr(TagNewSubfileType, 0))
	im.Photometric = int(fs.uintOr(TagPhotometricInterpretation, 1))
	im.Compression = Compression(fs.uintOr(TagCompression, 1))
	im.Predictor = Predictor(fs.uintOr(TagPredictor, 1))
	switch p := fs.uintOr(TagPlanarConfiguration, PlanarContig); p {
	case PlanarContig, PlanarSeparate:
		im.Planar = int(p)
	default:
		return FormatError(fmt.Sprintf("PlanarConfiguration %d: want 1 or 2", p))
	}
	if im.Bands == 1 {
		im.Planar = PlanarContig // one band is the same either way
	}
	if err := im.parseSampleType(); err != nil {
		im.unsupported = err
	}
	if err := im.parseLayout(r, deferred); err != nil {
		return err
	}
	im.parseNoData()
	im.parseExtraSamples()
	if f := fs.Get(TagGDALMetadata); f != nil {
		im.Metadata = f.String()
		im.colorInterp = parseColorInterp(im.Metadata, im.Bands)
	}
	im.Geo = parseGeoref(fs)
	if im.unsupported == nil {
		im.unsupported = im.checkCodec()
	}
	return nil
}

// sampleTypes maps SampleFormat and BitsPerSample to a SampleType.
var sampleTypes = map[[2]uint64]SampleType{
	{sampleFormatUint, 8}: Uint8, {sampleFormatUint, 16}: Uint16, {sampleFormatUint, 32}: Uint32,
	{sampleFormatUint, 64}: Uint64, {sampleFormatInt, 8}: Int8, {sampleFormatInt, 16}: Int16,
	{sampleFormatInt, 32}: Int32, {sampleFormatInt, 64}: Int64, {sampleFormatFloat, 16}: Float32,
	{sampleFormatFloat, 32}: Float32, {sampleFormatFloat, 64}: Float64,
	{sampleFormatUndefined, 8}: Uint8, {sampleFormatUndefined, 16}: Uint16,
	{sampleFormatUndefined, 32}: Uint32, {sampleFormatUndefined, 64}: Uint64,
}

// parseSampleType maps BitsPerSample and SampleFormat to a SampleType.
func (im *Image) parseSampleType() error {
	fs := im.Fields
	bps := fs.uintOr(TagBitsPerSample, 1)
	format := fs.uintOr(TagSampleFormat, sampleFormatUint)
	// Every sample must have the same size and format.
	for _, t := range []Tag{TagBitsPerSample, TagSampleFormat} {
		if f := fs.Get(t); f != nil {
			first, _ := f.Uint(0)
			for i := 1; uint64(i) < f.Count && i < im.Bands; i++ {
				if v, _ := f.Uint(i); v != first {
					return UnsupportedError(fmt.Sprintf("%v differs between samples (%d and %d)", t, first, v))
				}
			}
		}
	}
	im.BitsPerSample = int(min(bps, 1<<16))
	t, ok := sampleTypes[[2]uint64{format, bps}]
	if !ok && format == sampleFormatUint {
		// Bit-packed unsigned samples, widened as GDAL does (nbits.go).
		t = packedType(bps)
		ok = t != Invalid
		im.packed = ok
	}
	if !ok {
		if format == sampleFormatInt && packedType(bps) != Invalid {
			// GDAL reads these as unsigned, which is not what they mean.
			return UnsupportedError(fmt.Sprintf("%d-bit signed integer samples (GDAL reads them as unsigned)", bps))
		}
		kind := map[uint64]string{sampleFormatUint: "unsigned integer", sampleFormatInt: "signed integer",
			sampleFormatFloat: "floating-point", sampleFormatComplexI: "complex integer",
			sampleFormatComplexF: "complex floating-point"}[format]
		if kind == "" {
			kind = fmt.Sprintf("SampleFormat %d", format)
		}
		return UnsupportedError(fmt.Sprintf("%d-bit %s samples", bps, kind))
	}
	im.Type = t
	im.float16 = format == sampleFormatFloat && bps == 16
	return nil
}

// parseExtraSamples copies the ExtraSamples tag, when present.
func (im *Image) parseExtraSamples() {
	f := im.Fields.Get(TagExtraSamples)
	if f == nil {
		return
	}
	vals := f.Uints()
	im.ExtraSamples = make([]int, 0, len(vals))
	for _, v := range vals {
		im.ExtraSamples = append(im.ExtraSamples, int(min(v, 1<<16)))
	}
}

// storedSize returns the size in bytes of one whole-byte sample as stored
// in the file (packed samples: see storedRowBytes).
func (im *Image) storedSize() int {
	if im.float16 {
		return 2
	}
	return im.Type.Size()
}

// parseLayout reads the tile or strip grid and its offsets and byte
// counts. When both index arrays were deferred, they stay in the file
// (im.lazy); any other deferred field is read now and put back in
// im.Fields.
func (im *Image) parseLayout(r *Reader, deferred []deferredField) error {
	lim := r.limits
	fs := im.Fields
	find := func(t Tag) *Field {
		if f := fs.Get(t); f != nil {
			return f
		}
		for k := range deferred {
			if deferred[k].Tag == t {
				return &deferred[k].Field
			}
		}
		return nil
	}
	offTag, cntTag := TagStripOffsets, TagStripByteCounts
	if fs.Get(TagTileWidth) != nil || find(TagTileOffsets) != nil {
		im.Tiled = true
		offTag, cntTag = TagTileOffsets, TagTileByteCounts
		tw, th := fs.uintOr(TagTileWidth, 0), fs.uintOr(TagTileLength, 0)
		if tw == 0 || th == 0 || tw >= 1<<31 || th >= 1<<31 {
			return FormatError(fmt.Sprintf("tile size %dx%d: want both dimensions in [1, 2^31)", tw, th))
		}
		im.TileWidth, im.TileHeight = int(tw), int(th)
	} else {
		rps := fs.uintOr(TagRowsPerStrip, uint64(im.Height))
		if rps == 0 || rps > uint64(im.Height) {
			rps = uint64(im.Height)
		}
		im.TileWidth, im.TileHeight = im.Width, int(rps)
	}
	g := im.Grid()
	across, down := uint64(g.Across()), uint64(g.Down())
	hi, per := bits.Mul64(across, down)
	planes := uint64(1)
	if im.Planar == PlanarSeparate {
		planes = uint64(im.Bands)
	}
	hi2, want := bits.Mul64(per, planes)
	if hi != 0 || hi2 != 0 {
		return FormatError("tile count overflows")
	}
	offs, cnts := find(offTag), find(cntTag)
	if offs == nil {
		return FormatError(fmt.Sprintf("missing %v", offTag))
	}
	if cnts == nil {
		return FormatError(fmt.Sprintf("missing %v", cntTag))
	}
	if offs.Count < want || cnts.Count < want {
		return FormatError(fmt.Sprintf("%v has %d and %v %d values: want %d (%d×%d blocks × %d planes)",
			offTag, offs.Count, cntTag, cnts.Count, want, across, down, planes))
	}
	if !indexType(offs.Type) || !indexType(cnts.Type) {
		return FormatError(fmt.Sprintf("%v or %v is not an integer array", offTag, cntTag))
	}
	im.nblocks = int(want)
	// Both arrays in the file: they stay there. Every other deferred field
	// is read now.
	od, cd := -1, -1
	for k, d := range deferred {
		switch d.Tag {
		case offTag:
			od = k
		case cntTag:
			cd = k
		}
	}
	if od >= 0 && cd >= 0 {
		o, c := deferred[od], deferred[cd]
		im.lazy = &lazyIndex{ra: r.r, order: r.order, n: int(want),
			offAt: int64(o.at), offType: o.Type, cntAt: int64(c.at), cntType: c.Type}
	}
	for k, d := range deferred {
		if im.lazy != nil && (k == od || k == cd) {
			continue
		}
		f, err := r.loadDeferred(d)
		if err != nil {
			return err
		}
		// Back in tag order.
		im.Fields = append(im.Fields, f)
		for k := len(im.Fields) - 1; k > 0 && im.Fields[k-1].Tag > f.Tag; k-- {
			im.Fields[k-1], im.Fields[k] = im.Fields[k], im.Fields[k-1]
		}
	}
	if im.lazy == nil {
		fs = im.Fields
		o, c := fs.Get(offTag).Uints(), fs.Get(cntTag).Uints()
		if o == nil || c == nil {
			return FormatError(fmt.Sprintf("%v or %v is not an integer array", offTag, cntTag))
		}
		im.offsets, im.counts = o[:want], c[:want]
	}
	// Decoded size of one full block, checked for overflow on any int size.
	size := uint64(im.TileWidth)
	for _, m := range []uint64{uint64(im.TileHeight), uint64(im.TileBands()), uint64(max(im.Type.Size(), 1))} {
		hi, lo := bits.Mul64(size, m)
		if hi != 0 || lo > uint64(lim.MaxTileBytes) {
			return FormatError(fmt.Sprintf("tile of %dx%d×%d samples exceeds limit of %d bytes",
				im.TileWidth, im.TileHeight, im.TileBands(), lim.MaxTileBytes))
		}
		size = lo
	}
	im.chunkSize = int(size)
	return nil
}

// checkCodec reports an UnsupportedError for compressions and bit depths
// the decoder does not handle.
func (im *Image) checkCodec() error {
	switch im.Compression {
	case CompressionNone, CompressionLZW, CompressionDeflate, CompressionDeflateOld,
		CompressionPackBits, CompressionZSTD:
	default:
		return UnsupportedError(fmt.Sprintf("compression %v (%d)", im.Compression, uint16(im.Compression)))
	}
	switch im.Predictor {
	case PredictorNone:
	case PredictorHorizontal:
		if im.packed {
			// libtiff's PredictorSetup refuses it, so GDAL cannot read it.
			return UnsupportedError(fmt.Sprintf("predictor 2 (horizontal differencing) with %d-bit samples", im.BitsPerSample))
		}
		if im.Type.IsFloat() {
			// libtiff applies it to the integer bit patterns; so do we.
			return nil
		}
	case PredictorFloat:
		if !im.Type.IsFloat() {
			return UnsupportedError(fmt.Sprintf("floating-point predictor on %v samples", im.Type))
		}
	default:
		return UnsupportedError(fmt.Sprintf("predictor %d", uint16(im.Predictor)))
	}
	return nil
}

// indexType reports whether a field of type d holds integers, as block
// offsets and byte counts must.
func indexType(d DataType) bool {
	switch d {
	case Byte, Undefined, SByte, Short, SShort, Long, SLong, IFD, Long8, SLong8, IFD8:
		return true
	}
	return false
}
