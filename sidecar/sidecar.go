// Package sidecar reads and writes the files GDAL keeps next to a raster:
// the PAM file (raster.tif.aux.xml), world files (.tfw, .tifw, .wld) and,
// for reporting only, the ESRI .prj.
//
// What GDAL 3.6 does with them for a GeoTIFF, and what Read follows:
//
//   - GDAL_GEOREF_SOURCES defaults to PAM,INTERNAL,TABFILE,WORLDFILE for the
//     GTiff driver: a geotransform or CRS in the .aux.xml wins over the
//     TIFF's own tags, and a world file is used only when neither the PAM
//     file nor the TIFF has a geotransform. A PAMRasterBand NoDataValue wins
//     over the GDAL_NODATA tag. Read returns what the sidecars say; the
//     caller applies that order ([Info.TransformIsPAM] tells the two kinds
//     of transform apart).
//   - The GTiff driver does not read a .prj: a TIFF with only a .tfw and a
//     .prj has a geotransform and no CRS in GDAL (measured with 3.6.2).
//     Read does not use a .prj either; it adds a warning naming it.
//   - GDAL ignores a PAM file it cannot parse, without a message, and so
//     does Read, with a warning in [Info.Warnings]. It also reads nothing
//     from a PAM file whose first node is an XML declaration or a comment
//     (its XML reader then looks for the elements below that node); Read
//     does the same and warns.
//   - Element and attribute names match case-insensitively; a text value
//     counts only when the element holds nothing but text; numbers are
//     read like C's strtod (leading spaces, any trailing text ignored, "nan",
//     "inf", "1.#QNAN", hex), so "12abc" is 12 as in GDAL. A GeoTransform
//     that does not have six comma-separated values is ignored (GDAL warns).
//     NoDataValue's le_hex_equiv attribute, when it holds 8 bytes, gives the
//     exact double.
//   - A world file is the first six non-empty lines A, D, B, E, C, F, where
//     (C, F) is the centre of the top-left pixel; GDAL shifts it by half a
//     pixel to its corner-based geotransform and ignores a file with fewer
//     lines or a zero pixel size. For raster.ext it tries raster.<first and
//     last letter of ext>w (raster.tfw), then raster.<ext>w (raster.tifw),
//     then raster.wld, each in lower and then upper case.
//
// Errors are kept for what GDAL would not silently skip: a sidecar that
// exists but cannot be read (permissions, I/O), or one too large to be a
// sidecar.
//
// Not read: the old .aux (HFA) format, ESRI GeodataXform SRS in the PAM file,
// GCPs, MapInfo .tab files, subdataset PAM sections, metadata domains other
// than the default one.
package sidecar

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Band is what a PAM file says about one band.
type Band struct {
	// HasNoData reports whether the band has a <NoDataValue>; NoData is
	// its value and NoDataText the text as written ("nan",
	// "-3.40000000000000E+38", "0").
	HasNoData  bool
	NoData     float64
	NoDataText string
	// ColorInterp is the <ColorInterp> text ("Gray", "Alpha"), "" if absent.
	ColorInterp string
	// Metadata holds the band's default-domain <Metadata> items.
	Metadata map[string]string
}

// Info is what the sidecars of a raster say.
type Info struct {
	// HasTransform reports whether Transform holds a GDAL geotransform
	// (X = T[0] + col*T[1] + row*T[2], Y = T[3] + col*T[4] + row*T[5],
	// corner-based); TransformFrom is the path of the file it came from.
	HasTransform  bool
	Transform     [6]float64
	TransformFrom string
	// SRS is the <SRS> text of the PAM file (WKT as GDAL writes it), "" if
	// none.
	SRS string
	// EPSG is the EPSG code of the whole CRS when SRS is WKT whose root
	// (PROJCS/GEOGCS in WKT1, PROJCRS/GEOGCRS or a geographic GEODCRS in
	// WKT2) carries it as a direct AUTHORITY["EPSG","n"] or ID["EPSG",n]
	// child; 0 otherwise (user-defined CRS, geocentric, compound, not WKT).
	EPSG int
	// Projected reports whether the WKT root is a projected CRS.
	Projected bool
	// Bands is indexed by 0-based band; bands the PAM file does not mention
	// are zero. It may be longer than the raster's band count: GDAL ignores
	// the entries past it.
	Bands []Band
	// Metadata holds the dataset's default-domain <Metadata> items.
	Metadata map[string]string
	// Files lists the sidecar files Read used, for messages.
	Files []string
	// Warnings names sidecar files found but ignored, as GDAL ignores them
	// (malformed PAM, corrupt world file, a .prj), and why.
	Warnings []string
}

// TransformIsPAM reports whether the transform comes from the PAM file,
// which GDAL prefers to the TIFF's own georeferencing. A transform from a
// world file applies only when the TIFF has none.
func (i *Info) TransformIsPAM() bool {
	return i != nil && i.HasTransform && strings.HasSuffix(i.TransformFrom, auxSuffix)
}

const (
	auxSuffix = ".aux.xml"
	// maxAuxBytes bounds the PAM file read into memory; GDAL writes
	// statistics and histograms there, rarely more than a few kilobytes.
	maxAuxBytes = 64 << 20
	// maxWorldBytes bounds a world file: GDAL reads at most 100 lines of
	// at most 100 characters.
	maxWorldBytes = 100 * 102
	// maxBands bounds the band numbers taken from a PAM file (TIFF's
	// SamplesPerPixel is a SHORT).
	maxBands = 65535
)

// Read reads the sidecar files of the raster at path: path+".aux.xml",
// then, when the PAM file gives no geotransform, a world file. It returns
// (nil, nil) when there is no sidecar; an Info with only Warnings when the
// sidecars found are all ignored. Errors name the sidecar file.
//
// Read costs up to eight stat calls when there is no sidecar (the PAM
// file, six world-file names, the .prj). It does not look at
// GDAL_GEOREF_SOURCES or GDAL_PAM_ENABLED.
func Read(path string) (*Info, error) {
	info := &Info{}
	if err := info.readPAM(path+auxSuffix, readHead); err != nil {
		return nil, err
	}
	if !info.HasTransform {
		if err := info.readWorld(path, readHead); err != nil {
			return nil, err
		}
	}
	prj := strings.TrimSuffix(path, filepath.Ext(path)) + ".prj"
	if ok, err := exists(prj); err != nil {
		return nil, err
	} else if ok {
		info.warnf("%s: ignored: GDAL's GTiff driver does not read .prj files", prj)
	}
	if len(info.Files) == 0 && len(info.Warnings) == 0 {
		return nil, nil
	}
	return info, nil
}

// A Fetch returns the first limit bytes of the file name (all of it when
// shorter), or nil and no error when there is no such file. [ReadWith]
// reads sidecars through one, for rasters that are not local files.
type Fetch func(name string, limit int64) ([]byte, error)

// ReadWith is [Read] for a raster whose sidecars fetch reads, such as a
// remote raster: the names it asks for are path with the sidecar's suffix
// (path+".aux.xml", then the world file names). World files are looked
// for only when world is set and the PAM file gives no geotransform:
// a caller whose raster has a geotransform of its own, which wins over a
// world file, passes false and saves those six look-ups. It does not look
// for a .prj, which only Read's warning uses.
func ReadWith(path string, fetch Fetch, world bool) (*Info, error) {
	info := &Info{}
	if err := info.readPAM(path+auxSuffix, fetch); err != nil {
		return nil, err
	}
	if world && !info.HasTransform {
		if err := info.readWorld(path, fetch); err != nil {
			return nil, err
		}
	}
	if len(info.Files) == 0 && len(info.Warnings) == 0 {
		return nil, nil
	}
	return info, nil
}

func (i *Info) warnf(format string, args ...any) {
	i.Warnings = append(i.Warnings, fmt.Sprintf(format, args...))
}

// exists reports whether name is a regular file.
func exists(name string) (bool, error) {
	st, err := os.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sidecar: %w", err)
	}
	return st.Mode().IsRegular(), nil
}

// readSmall returns the content of name that get fetches, or nil when it
// does not exist (locally: or is not a regular file); a file over limit
// bytes is an error.
func readSmall(get Fetch, name string, limit int64) ([]byte, error) {
	b, err := get(name, limit+1)
	if err == nil && int64(len(b)) > limit {
		return nil, fmt.Errorf("sidecar: %s: size exceeds limit %d bytes", name, limit)
	}
	return b, err
}
