package geotiff

// Internal masks (GDAL RFC 15, GDAL_TIFF_INTERNAL_MASK=YES): GDAL writes a
// mask as an IFD of its own with NewSubfileType 4 (the full-resolution
// mask) or 5 (the mask of an overview), 1 bit per sample, Photometric 4,
// DEFLATE. GTiffDataset::ScanDirectories (gtiffdataset_read.cpp) pairs them
// with images while it walks the IFDs after the first, in file order:
//
//   - a reduced-resolution IFD that is not a mask, with as many bands as
//     the main image, is the next overview (at most 30);
//   - the first mask IFD that is not reduced, is the size of the main
//     image, holds Byte samples (1 to 8 bits) and has 1 band or as many as
//     the main image becomes the main image's mask; Photometric is not
//     checked;
//   - a reduced mask IFD with Byte samples and 1 band or as many as the
//     main image becomes the mask of the first overview seen so far that
//     has none and has its size.
//
// The reader pairs them the same way when the file is opened, with
// [Reader.Image] as the main image.

// maxOverviews is GDAL's cap on the overviews it lists ("to avoid DoS").
const maxOverviews = 30

// pairMasks finds the internal masks of the main image and its overviews.
func (r *Reader) pairMasks() {
	base := r.Image()
	var ovrs []*Image
	for _, im := range r.images {
		if im == base {
			continue
		}
		reduced, mask := im.SubfileType&SubfileReduced != 0, im.SubfileType&SubfileMask != 0
		switch {
		case reduced && !mask:
			if im.Bands == base.Bands && len(ovrs) < maxOverviews {
				ovrs = append(ovrs, im)
			}
		case mask && !reduced:
			if base.mask == nil && maskFits(im, base) && im.Width == base.Width && im.Height == base.Height {
				base.mask = im
			}
		case mask && reduced:
			if !maskFits(im, base) {
				continue
			}
			for _, o := range ovrs {
				if o.mask == nil && o.Width == im.Width && o.Height == im.Height {
					o.mask = im
					break
				}
			}
		}
	}
}

// maskFits reports whether mask m can be a mask of base's bands: Byte
// samples and one band or one per band of base.
func maskFits(m, base *Image) bool {
	return m.Type == Uint8 && (m.Bands == 1 || m.Bands == base.Bands)
}

// MaskFor returns the internal mask of im as GDAL finds it, or nil when im
// has none: for the main image ([Reader.Image]), the full-resolution mask
// IFD (NewSubfileType 4); for one of its overviews, the overview mask IFD
// (NewSubfileType 5) of the same size. Masks and overviews are never the
// main image, and a mask has no mask.
//
// The mask decodes like any image, with [Reader.ReadTile] or
// [Reader.ReadWindow], to Uint8 samples: 0 where the pixel is invalid,
// non-zero where it is valid (255 for GDAL's usual 1-bit masks, as GDAL
// reads them). It has one band, which masks every band of im (GDAL's
// GMF_PER_DATASET), or im.Bands bands, band i masking band i.
//
// Where a mask exists GDAL uses it instead of nodata or alpha; see
// [Image.AlphaBand] for the whole order.
func (r *Reader) MaskFor(im *Image) *Image {
	if im == nil {
		return nil
	}
	return im.mask
}
