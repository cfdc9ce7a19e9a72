package compute

import "math"

// A validity says where an input band's validity comes from, besides NaN,
// which is always invalid. The order is GDAL's (GDALRasterBand::GetMaskBand,
// RFC 15): a mask (internal mask IFD or FILE.msk) wins; else the band's
// nodata; else an alpha band.
type validity uint8

const (
	validNaN    validity = iota // only NaN is invalid
	validNoData                 // the band's nodata value (and NaN)
	validMask                   // the mask: 0 is invalid
	validAlpha                  // the alpha band: 0 is invalid
)

// bandValidity returns the validity of band b of in.
func bandValidity(in *input, b int) validity {
	switch {
	case in.maskIm != nil:
		return validMask
	case in.nodata[b].has:
		return validNoData
	case in.alpha >= 0 && b != in.alpha && in.maskIm == nil:
		return validAlpha
	}
	return validNaN
}

// maskOut sets vals[q] to NaN where the sample at index
// v.first+(p0+q)*v.stride of v.data, size bytes wide, is zero.
func maskOut(vals []float64, v view, size, p0 int) {
	nan := math.NaN()
	i := v.first + p0*v.stride
	switch size {
	case 1:
		for q := range vals {
			if v.data[i] == 0 {
				vals[q] = nan
			}
			i += v.stride
		}
	default:
		for q := range vals {
			zero := true
			for _, c := range v.data[i*size : i*size+size] {
				zero = zero && c == 0
			}
			if zero {
				vals[q] = nan
			}
			i += v.stride
		}
	}
}
