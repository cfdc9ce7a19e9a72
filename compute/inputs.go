package compute

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/remote"
	"github.com/gomean/gomean/sidecar"
)

// An input is one opened raster with what GDAL would say about it: its
// image with the georeferencing of its sidecars applied, the nodata of
// each band, and where its validity comes from.
type input struct {
	name string
	r    *geotiff.Reader
	// im is the main image, or a copy of it where sidecars change its
	// georeferencing (read-only either way).
	im *geotiff.Image
	// nodata is per band: the GDAL_NODATA tag, else the band's
	// NoDataValue in FILE.aux.xml.
	nodata []bandNoData
	// wkt is the CRS as WKT when a sidecar gives one without an EPSG
	// code (it cannot be written as GeoKeys).
	wkt string
	// The mask, from the file's internal mask IFD or FILE.msk: maskIm of
	// maskR, one band for all bands or one band per band.
	maskR       *geotiff.Reader
	maskIm      *geotiff.Image
	maskName    string
	maskPerBand bool
	// alpha is the band GDAL uses as the mask of the others when they
	// have no nodata (a 2-band gray+alpha or 4-band RGBA image of Byte or
	// UInt16 samples), or -1.
	alpha int
	// warnings names the sidecars GDAL would ignore too, and why.
	warnings []string
}

// A bandNoData is one band's nodata as declared (text) and as a value.
type bandNoData struct {
	has  bool
	v    float64
	text string
}

// opener opens an input file (a path) as a geotiff.Reader.
type opener func(name string) (*geotiff.Reader, error)

// newInput derives the input of reader r named name; open opens a
// FILE.msk sidecar when there is one.
func newInput(name string, r *geotiff.Reader, open opener) (*input, error) {
	main := r.Image()
	if main == nil {
		return nil, fmt.Errorf("%s: no image in the file", name)
	}
	in := &input{name: name, r: r, im: main, alpha: -1}
	if err := in.applySidecars(); err != nil {
		return nil, err
	}
	if m := r.MaskFor(main); m != nil {
		in.maskR, in.maskIm, in.maskName = r, m, name
	} else if open != nil {
		if err := in.openMaskFile(open); err != nil {
			return nil, err
		}
	}
	if in.maskIm != nil {
		if in.maskIm.Width != main.Width || in.maskIm.Height != main.Height {
			return nil, fmt.Errorf("%s: mask %s is %dx%d, the image %dx%d: re-create the mask (gdal_translate -mask)",
				name, in.maskName, in.maskIm.Width, in.maskIm.Height, main.Width, main.Height)
		}
		if err := in.maskIm.Supported(); err != nil {
			return nil, &InputError{Path: in.maskName, Err: err}
		}
		in.maskPerBand = in.maskIm.Bands > 1 && in.maskIm.Bands == main.Bands
	}
	in.alpha = gdalAlphaMask(main)
	return in, nil
}

// gdalAlphaMask returns the alpha band GDAL's default mask uses, or -1: a
// 2-band image whose band 2 is alpha, or a 4-band image whose band 4 is,
// with Byte or UInt16 samples (GDALRasterBand::GetMaskBand).
func gdalAlphaMask(im *geotiff.Image) int {
	a := im.AlphaBand()
	if a < 0 || im.Type != geotiff.Uint8 && im.Type != geotiff.Uint16 {
		return -1
	}
	if im.Bands == 2 && a == 1 || im.Bands == 4 && a == 3 {
		return a
	}
	return -1
}

// maskSuffixes are the names GDAL tries for an external mask.
var maskSuffixes = []string{".msk", ".MSK"}

// openMaskFile opens FILE.msk when it exists (GDAL_TIFF_INTERNAL_MASK=NO).
func (in *input) openMaskFile(open opener) error {
	if remote.IsRemote(in.name) {
		return in.openRemoteMask(open)
	}
	for _, suf := range maskSuffixes {
		name := in.name + suf
		st, err := os.Stat(name)
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		mr, err := open(name)
		if err != nil {
			return &InputError{Path: name, Err: err}
		}
		in.maskR, in.maskIm, in.maskName = mr, mr.Image(), name
		if in.maskIm == nil {
			return fmt.Errorf("%s: no image in the mask file", name)
		}
		return nil
	}
	return nil
}

// applySidecars reads FILE.aux.xml and world files as GDAL does with its
// default GDAL_GEOREF_SOURCES (PAM, then internal tags, then a world
// file) and applies them to in.im and in.nodata: a geotransform or CRS in
// the .aux.xml wins over the TIFF's tags, and so does a band's
// NoDataValue there over GDAL_NODATA; a world file counts only when
// neither has a geotransform. GDAL reads no .prj for a GeoTIFF, and
// neither does gomean. A remote input's sidecars are fetched next to its
// URL (remote_sidecar.go). Sidecars that GDAL would ignore (a damaged
// .aux.xml) are ignored with a warning in in.warnings.
func (in *input) applySidecars() error {
	im := in.im
	in.nodata = make([]bandNoData, im.Bands)
	if im.HasNoData {
		for b := range in.nodata {
			in.nodata[b] = bandNoData{true, im.NoData, im.NoDataText}
		}
	}
	var info *sidecar.Info
	var err error
	if remote.IsRemote(in.name) {
		info, err = readRemoteSidecars(in.name, im.Geo.HasTransform)
	} else if st, serr := os.Stat(in.name); serr != nil || !st.Mode().IsRegular() {
		return nil // not a local file: no sidecars
	} else {
		info, err = sidecar.Read(in.name)
	}
	if err != nil {
		return &InputError{Path: in.name, Err: err}
	}
	if info == nil {
		return nil
	}
	in.warnings = append(in.warnings, info.Warnings...)
	if info.HasTransform && (info.TransformIsPAM() || !im.Geo.HasTransform) || info.SRS != "" {
		cp := *im // the reader's image stays as the file says
		im, in.im = &cp, &cp
	}
	if info.HasTransform && (info.TransformIsPAM() || !im.Geo.HasTransform) {
		im.Geo.HasTransform = true
		im.Geo.Transform = geotiff.GeoTransform(info.Transform)
		im.Geo.TiePoints = nil
	}
	if info.SRS != "" {
		if info.EPSG != 0 {
			im.Geo.Keys = geotiff.EPSGKeys(info.EPSG, info.Projected)
		} else {
			im.Geo.Keys = nil
			in.wkt = info.SRS
		}
	}
	for b := range min(len(info.Bands), len(in.nodata)) {
		if nb := info.Bands[b]; nb.HasNoData {
			in.nodata[b] = bandNoData{true, nb.NoData, nb.NoDataText}
		}
	}
	return nil
}

// alphaUsed reports whether the alpha band gives the validity of some
// other band (it has no mask, and some band no nodata).
func (in *input) alphaUsed() bool {
	if in.alpha < 0 || in.maskIm != nil {
		return false
	}
	for b, nd := range in.nodata {
		if b != in.alpha && !nd.has {
			return true
		}
	}
	return false
}

// castNoData returns nodata v as a value of type t, as GDAL compares it:
// the float32 nearest to v for Float32 bands, v itself for Float64, and for
// integer types v when it is an integer in range (ok is false otherwise:
// no sample can equal it).
func castNoData(t geotiff.SampleType, v float64) (float64, bool) {
	switch t {
	case geotiff.Float32:
		if math.IsNaN(v) {
			return v, true
		}
		return float64(float32(v)), true
	case geotiff.Float64:
		return v, true
	}
	lo, hi := t.Range()
	if v != math.Trunc(v) || v < lo || v > hi {
		return 0, false
	}
	return v, true
}

// exactInt64 parses an Int64 or UInt64 nodata text exactly; ok is false
// when the text is not an integer.
func exactInt64(t geotiff.SampleType, text string) (uint64, bool) {
	text = strings.TrimSpace(text)
	if t == geotiff.Int64 {
		v, err := strconv.ParseInt(text, 10, 64)
		return uint64(v), err == nil
	}
	v, err := strconv.ParseUint(text, 10, 64)
	return v, err == nil
}

// openerFor returns an opener that reads files through pool, and remote
// inputs (URLs) through the remote package. Local files leave their block
// index in the file (geotiff.ReaderOptions.LazyIndex), so that an open
// input costs about the same memory however many strips it has.
func openerFor(pool *filePool) opener {
	return func(name string) (*geotiff.Reader, error) {
		if remote.IsRemote(name) {
			return openRemote(pool, name)
		}
		pf, size, err := pool.openPooled(name)
		if err != nil {
			return nil, err
		}
		return geotiff.NewReaderOptions(pf, size, geotiff.ReaderOptions{Name: name, LazyIndex: true})
	}
}
