package main

import (
	"cmp"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/gomean/gomean/geotiff"
)

// bandInfo is one element of gdalinfo -json's bands.
type bandInfo struct {
	Band        int                          `json:"band"`
	Block       [2]int                       `json:"block"`
	Type        string                       `json:"type"`
	ColorInterp string                       `json:"colorInterpretation"`
	Description string                       `json:"description,omitempty"`
	NoData      any                          `json:"noDataValue,omitempty"` // json.Number, or "NaN", "Infinity", "-Infinity" as GDAL writes them
	Offset      *float64                     `json:"offset,omitempty"`
	Scale       *float64                     `json:"scale,omitempty"`
	Unit        string                       `json:"unit,omitempty"`
	Overviews   []sizeInfo                   `json:"overviews,omitempty"`
	Mask        *maskInfo                    `json:"mask,omitempty"`
	Metadata    map[string]map[string]string `json:"metadata"`
}

// sizeInfo is an overview's {"size": [w, h]}.
type sizeInfo struct {
	Size [2]int `json:"size"`
}

// maskInfo is a band's mask as gdalinfo -json shows it: only for a mask
// shared by all bands (an internal mask IFD: PER_DATASET; an alpha band:
// PER_DATASET, ALPHA), not for nodata (the flags GDAL calls NODATA) or
// none (ALL_VALID), which gdalinfo does not show.
type maskInfo struct {
	Flags     []string   `json:"flags"`
	Overviews []sizeInfo `json:"overviews,omitempty"`
}

// band describes band b (0-based).
func (f *fileInfo) band(im *geotiff.Image, b int, interp []string) bandInfo {
	bi := bandInfo{Band: b + 1, Block: [2]int{im.TileWidth, im.TileHeight}, Type: im.Type.String(),
		ColorInterp: interp[b], Metadata: map[string]map[string]string{}}
	for _, o := range f.Overviews {
		bi.Overviews = append(bi.Overviews, sizeInfo{o})
	}
	if im.HasNoData {
		bi.NoData = noDataJSON(im.NoData, im.NoDataText, im.Type)
	}
	var offset, scale *float64
	for _, it := range f.Items {
		if it.Sample != b {
			continue
		}
		switch it.Role {
		case "":
			if bi.Metadata[it.Domain] == nil {
				bi.Metadata[it.Domain] = map[string]string{}
			}
			bi.Metadata[it.Domain][it.Name] = it.Value
		case "description":
			bi.Description = it.Value
		case "unittype":
			bi.Unit = it.Value
		case "offset", "scale":
			if v, err := strconv.ParseFloat(strings.TrimSpace(it.Value), 64); err == nil {
				if it.Role == "offset" {
					offset = &v
				} else {
					scale = &v
				}
			}
		}
	}
	// GDAL shows both when either differs from offset 0, scale 1.
	if offset != nil && *offset != 0 || scale != nil && *scale != 1 {
		zero, one := 0.0, 1.0
		bi.Offset, bi.Scale = cmp.Or(offset, &zero), cmp.Or(scale, &one)
	}
	return bi
}

// noDataJSON returns nodata as gdalinfo -json writes it: a number (exact
// for 64-bit integer types), or "NaN", "Infinity" or "-Infinity".
func noDataJSON(v float64, text string, t geotiff.SampleType) any {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	}
	if t == geotiff.Int64 || t == geotiff.Uint64 {
		if _, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64); err == nil {
			return json.Number(strings.TrimSpace(text))
		}
		if _, err := strconv.ParseUint(strings.TrimSpace(text), 10, 64); err == nil {
			return json.Number(strings.TrimSpace(text))
		}
	}
	if f := float32(v); t == geotiff.Float32 && !math.IsInf(float64(f), 0) {
		// GDAL writes a Float32 band's nodata with float32 precision.
		return json.Number(strconv.FormatFloat(float64(f), 'g', -1, 32))
	}
	return json.Number(strconv.FormatFloat(v, 'g', -1, 64))
}

// TIFF Photometric and ExtraSamples values that colorInterps reads.
const (
	photoMinIsWhite = 0
	photoMinIsBlack = 1
	photoRGB        = 2
	photoPalette    = 3
	photoSeparated  = 5
	photoYCbCr      = 6
	extraAssocAlpha = 1
	extraUnassAlpha = 2
)

// gdalColorInterps are GDAL's color interpretation names.
var gdalColorInterps = []string{"Undefined", "Gray", "Palette", "Red", "Green", "Blue", "Alpha", "Hue",
	"Saturation", "Lightness", "Cyan", "Magenta", "Yellow", "Black", "YCbCr_Y", "YCbCr_Cb", "YCbCr_Cr"}

// colorInterps returns the color interpretation of each band as GDAL's
// GTiff driver derives it: from Photometric and ExtraSamples, unless
// GDAL_METADATA sets it (role colorinterp).
func colorInterps(im *geotiff.Image) []string {
	var extra []uint64
	if f := im.Fields.Get(geotiff.TagExtraSamples); f != nil {
		extra = f.Uints()
	}
	base := im.Bands - len(extra)
	out := make([]string, im.Bands)
	for b := range out {
		n := b + 1 // GDAL's band number
		if n > base && b-base < len(extra) && (extra[b-base] == extraAssocAlpha || extra[b-base] == extraUnassAlpha) {
			out[b] = "Alpha"
			continue
		}
		out[b] = "Undefined"
		switch im.Photometric {
		case photoRGB:
			if n <= 3 {
				out[b] = [...]string{"Red", "Green", "Blue"}[b]
			}
		case photoYCbCr:
			if n <= 3 {
				// GDAL decodes YCbCr JPEG to RGB.
				names := [...]string{"YCbCr_Y", "YCbCr_Cb", "YCbCr_Cr"}
				if im.Compression == geotiff.CompressionJPEG {
					names = [...]string{"Red", "Green", "Blue"}
				}
				out[b] = names[b]
			}
		case photoSeparated:
			// GDAL reads 8-bit CMYK through libtiff's RGBA interface.
			if im.Bands == 4 && im.BitsPerSample == 8 {
				out[b] = [...]string{"Red", "Green", "Blue", "Alpha"}[b]
			}
		case photoPalette:
			if n == 1 {
				out[b] = "Palette"
			}
		case photoMinIsBlack, photoMinIsWhite:
			switch {
			case n == 1 && im.BitsPerSample == 1:
				out[b] = "Palette" // GDAL gives 1-bit images a black and white color table
			case n == 1:
				out[b] = "Gray"
			}
		}
	}
	if im.Photometric == photoSeparated && im.Bands == 4 && im.BitsPerSample == 8 {
		return out // the RGBA interface ignores what GDAL_METADATA says
	}
	items, _ := parseGDALMetadata(im.Metadata)
	for _, it := range items {
		if it.Role == "colorinterp" && it.Sample >= 0 && it.Sample < len(out) {
			for _, name := range gdalColorInterps {
				if strings.EqualFold(name, strings.TrimSpace(it.Value)) {
					out[it.Sample] = name
				}
			}
		}
	}
	return out
}

// bandMask returns the mask of band b as gdalinfo shows it, or nil: the
// internal mask IFD, else (without nodata) the alpha band of a 2-band or
// 4-band Byte or UInt16 image, as GDAL's GetMaskFlags decides.
func bandMask(im *geotiff.Image, b int, interp []string, hasMask bool, maskOvr, ovr []sizeInfo) *maskInfo {
	switch {
	case hasMask:
		return &maskInfo{Flags: []string{"PER_DATASET"}, Overviews: maskOvr}
	case im.HasNoData:
		return nil
	case im.Type != geotiff.Uint8 && im.Type != geotiff.Uint16:
		return nil
	case im.Bands == 2 && b == 0 && interp[1] == "Alpha", im.Bands == 4 && b < 3 && interp[3] == "Alpha":
		return &maskInfo{Flags: []string{"PER_DATASET", "ALPHA"}, Overviews: ovr}
	}
	return nil
}
