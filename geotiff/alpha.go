package geotiff

import (
	"strconv"
	"strings"
)

// Color interpretation as GDAL's GTiff driver reports it
// (GTiffRasterBand's constructor, gtiffrasterband.cpp, GDAL 3.6):
//
//   - band 1 of an image with a color map (Photometric 3 and tag 320) is
//     Palette, and so is the band of a one-band 1-bit image, whatever its
//     Photometric (GDAL makes up a black and white color table);
//   - Photometric 2 (RGB, and JPEG-compressed YCbCr, which GDAL converts):
//     bands 1–3 are Red, Green, Blue; Photometric 6 (YCbCr):
//     YCbCr_Y, YCbCr_Cb, YCbCr_Cr; Photometric 5 (separated):
//     Cyan, Magenta, Yellow, Black; Photometric 1 (min-is-black): band 1 is
//     Gray;
//   - any other band is an extra sample: with ExtraSamples present, band b
//     (1-based) of n samples with k extra samples is Alpha when b > n-k and
//     ExtraSamples[b-(n-k)-1] is 1 or 2, else Undefined; without the tag,
//     Undefined;
//   - an <Item name="COLORINTERP" sample="i" role="colorinterp"> of
//     GDAL_METADATA, which GDAL writes when asked for an interpretation the
//     tags cannot say, replaces all of the above for band i+1: the name is
//     matched without regard to case, and an unknown name reads Undefined.

// colorInterpNames are GDAL 3.6's color interpretation names, in
// GDALColorInterp order.
var colorInterpNames = []string{"Undefined", "Gray", "Palette", "Red", "Green", "Blue", "Alpha", "Hue",
	"Saturation", "Lightness", "Cyan", "Magenta", "Yellow", "Black", "YCbCr_Y", "YCbCr_Cb", "YCbCr_Cr"}

// photometricBands names the leading bands of each Photometric value.
var photometricBands = map[int][]string{
	1: {"Gray"},
	2: {"Red", "Green", "Blue"},
	5: {"Cyan", "Magenta", "Yellow", "Black"},
	6: {"YCbCr_Y", "YCbCr_Cb", "YCbCr_Cr"},
}

// ColorInterp returns GDAL's color interpretation of band (0-based) as
// gdalinfo prints it: "Gray", "Palette", "Red", "Green", "Blue", "Alpha",
// "Undefined", ... It returns "Undefined" for a band out of range.
func (im *Image) ColorInterp(band int) string {
	if band < 0 || band >= im.Bands {
		return "Undefined"
	}
	if band < len(im.colorInterp) && im.colorInterp[band] != "" {
		return im.colorInterp[band]
	}
	if band == 0 && im.Photometric == 3 && im.Fields.Get(TagColorMap) != nil && im.BitsPerSample <= 16 {
		return "Palette"
	}
	if band == 0 && im.Bands == 1 && im.BitsPerSample == 1 {
		return "Palette" // GDAL gives 1-bit images a black and white color table
	}
	photometric := im.Photometric
	if photometric == 6 && im.Compression == CompressionJPEG {
		photometric = 2 // GDAL converts JPEG YCbCr to RGB (CONVERT_YCBCR_TO_RGB=YES)
	}
	if names := photometricBands[photometric]; band < len(names) {
		return names[band]
	}
	if im.ExtraSamples == nil {
		return "Undefined"
	}
	base := im.Bands - len(im.ExtraSamples)
	if k := band - base; band >= base && k < len(im.ExtraSamples) {
		if v := im.ExtraSamples[k]; v == 1 || v == 2 {
			return "Alpha"
		}
	}
	return "Undefined"
}

// AlphaBand returns the 0-based band that GDAL uses as the alpha mask of
// the other bands (RFC 15, GMF_ALPHA), or -1 when there is none. GDAL does
// so in two cases only: 2 bands of which band 2 is Alpha, and 4 bands of
// which band 4 is Alpha (gray+alpha, RGBA), and only when that band is Byte
// or UInt16 (a UInt16 alpha is rescaled by 1/257; either way 0 means
// transparent, anything else valid). [Image.ColorInterp] may report Alpha
// for other bands (a fifth band of RGBAA, band 3 of three) that GDAL does
// not use as a mask.
//
// GDAL's mask order is: the internal mask ([Reader.MaskFor]) if there is
// one, else nodata if set (GMF_NODATA: the alpha band is then ignored),
// else this alpha band, else every pixel is valid.
func (im *Image) AlphaBand() int {
	var a int
	switch im.Bands {
	case 2:
		a = 1
	case 4:
		a = 3
	default:
		return -1
	}
	if im.ColorInterp(a) != "Alpha" || (im.Type != Uint8 && im.Type != Uint16) {
		return -1
	}
	return a
}

// parseColorInterp returns, per band, the COLORINTERP item of GDAL_METADATA
// text md, or nil when there is none. A name GDAL does not know reads
// "Undefined", as GDALGetColorInterpretationByName makes it.
func parseColorInterp(md string, bands int) []string {
	if !strings.Contains(md, "colorinterp") {
		return nil
	}
	items, err := ParseMetadata(md)
	if err != nil {
		return nil
	}
	var out []string
	for _, it := range items {
		if it.Role != "colorinterp" {
			continue
		}
		b, err := strconv.Atoi(it.Sample)
		if err != nil || b < 0 || b >= bands {
			continue
		}
		if out == nil {
			out = make([]string, bands)
		}
		out[b] = "Undefined"
		for _, n := range colorInterpNames {
			if strings.EqualFold(n, it.Value) {
				out[b] = n
			}
		}
	}
	return out
}
