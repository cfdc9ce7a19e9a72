package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gomean/gomean/compute"
	"github.com/gomean/gomean/geotiff"
)

// infoCommand returns the info command: a gdalinfo-like summary of one
// GeoTIFF, as text or, with --json, as JSON that follows gdalinfo -json
// where the two have the same fields.
func infoCommand() *cli.Command {
	return &cli.Command{
		Name:      "info",
		Usage:     "describe a GeoTIFF: size, type, layout, georeferencing, nodata, metadata, overviews",
		UsageText: "gomean info [--json] FILE.tif",
		Description: `Prints what gdalinfo prints about the file's first full-resolution image,
read by gomean's own reader (no GDAL needed). --json uses gdalinfo -json's
keys (size, geoTransform, cornerCoordinates, metadata, bands with block, type,
colorInterpretation, noDataValue, mask), without coordinateSystem.wkt; the
CRS is under "crs" (its EPSG code, or what a user-defined CRS is).

Examples:
   gomean info dem.tif
   gomean info --json dem.tif | jq .geoTransform`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print JSON instead of text"},
		},
		Action: runInfo,
	}
}

func runInfo(_ context.Context, cmd *cli.Command) error {
	if cmd.Args().Len() != 1 {
		return usagef("info: want exactly one FILE, got %d arguments", cmd.Args().Len())
	}
	info, err := describe(cmd.Args().First())
	if err != nil {
		return err
	}
	w := cmd.Root().Writer
	if cmd.Bool("json") {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}
	return info.writeText(w)
}

// fileInfo is what info reports. Its first fields are those of gdalinfo
// -json, with GDAL's keys and meanings (GDAL's coordinateSystem.wkt is
// left out: writing the WKT of an EPSG code needs the EPSG database);
// the fields after them are gomean's own.
type fileInfo struct {
	Description string                       `json:"description"`
	Driver      string                       `json:"driverShortName"`
	DriverLong  string                       `json:"driverLongName"`
	Files       []string                     `json:"files"`
	Size        [2]int                       `json:"size"`
	GeoTrans    *[6]float64                  `json:"geoTransform,omitempty"`
	Metadata    map[string]map[string]string `json:"metadata"`
	Corners     cornerCoords                 `json:"cornerCoordinates"`
	Bands       []bandInfo                   `json:"bands"`

	CRS           *crsInfo    `json:"crs,omitempty"`
	Origin        *[2]float64 `json:"origin,omitempty"`
	PixelSize     *[2]float64 `json:"pixelSize,omitempty"`
	TiePoints     int         `json:"tiePoints"`
	BigTIFF       bool        `json:"bigTIFF"`
	ByteOrder     string      `json:"byteOrder"`
	Bits          int         `json:"bitsPerSample"`
	Tiled         bool        `json:"tiled"`
	Compression   string      `json:"compression"`
	Predictor     int         `json:"predictor"`
	Interleave    string      `json:"interleave"`
	Items         []metaItem  `json:"metadataItems"`
	MetadataError string      `json:"metadataError,omitempty"`
	Overviews     [][2]int    `json:"overviewIFDs"`
	Masks         [][2]int    `json:"maskIFDs"`
	Images        int         `json:"ifds"`
	Unsupported   string      `json:"unsupported,omitempty"`

	noDataText string // GDAL_NODATA as written
}

// cornerCoords are gdalinfo's corner coordinates: georeferenced through
// the geotransform, or pixel and line without one.
type cornerCoords struct {
	UpperLeft  [2]float64 `json:"upperLeft"`
	LowerLeft  [2]float64 `json:"lowerLeft"`
	LowerRight [2]float64 `json:"lowerRight"`
	UpperRight [2]float64 `json:"upperRight"`
	Center     [2]float64 `json:"center"`
}

// crsInfo is the coordinate system as the GeoKeys give it.
type crsInfo struct {
	EPSG        int    `json:"epsg,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description"`
	Citation    string `json:"citation,omitempty"`
	ModelType   string `json:"modelType,omitempty"`
	RasterType  string `json:"rasterType,omitempty"`
}

// describe opens name and gathers its info.
func describe(name string) (*fileInfo, error) {
	r, done, err := openRaster(context.Background(), name)
	if err != nil {
		return nil, err
	}
	defer done()
	main := r.Image()
	im, side, wkt := applySidecars(name, main)
	info := &fileInfo{
		Description: name,
		Driver:      "GTiff",
		DriverLong:  "GeoTIFF",
		Files:       []string{name},
		Size:        [2]int{im.Width, im.Height},
		Metadata:    map[string]map[string]string{},
		Bands:       []bandInfo{},
		BigTIFF:     r.BigTIFF(),
		ByteOrder:   byteOrderName(r.ByteOrder()),
		Bits:        im.BitsPerSample,
		Tiled:       im.Tiled,
		Compression: compressionName(im),
		Predictor:   int(im.Predictor),
		Interleave:  "PIXEL",
		TiePoints:   len(im.Geo.TiePoints),
		Images:      len(r.Images()),
		Overviews:   [][2]int{},
		Masks:       [][2]int{},
		noDataText:  im.NoDataText,
	}
	if im.Planar == geotiff.PlanarSeparate || im.Bands == 1 {
		// GDAL calls a one-band image BAND-interleaved too.
		info.Interleave = "BAND"
	}
	if info.Predictor == 0 {
		info.Predictor = int(geotiff.PredictorNone)
	}
	if err := im.Supported(); err != nil {
		info.Unsupported = err.Error()
	}
	if g := im.Geo; g.HasTransform {
		t := [6]float64(g.Transform)
		info.GeoTrans = &t
		if t[2] == 0 && t[4] == 0 {
			info.Origin = &[2]float64{t[0], t[3]}
			info.PixelSize = &[2]float64{t[1], t[5]}
		}
	}
	info.Corners = corners(info.GeoTrans, im.Width, im.Height)
	info.CRS = describeCRS(im.Geo.Keys)
	if wkt != "" {
		info.CRS = &crsInfo{Description: "from " + name + ".aux.xml: " + wkt}
	}
	info.Items, err = parseGDALMetadata(im.Metadata)
	if err != nil {
		// Still describe the rest of the file.
		info.MetadataError = err.Error()
	}
	if info.Items == nil {
		info.Items = []metaItem{}
	}
	maskOverviews, hasMask := info.listIFDs(r, main)
	info.datasetMetadata(im)
	interp := colorInterps(im)
	for b := range im.Bands {
		info.Bands = append(info.Bands, info.band(im, b, interp))
	}
	for b := range info.Bands {
		info.Bands[b].Mask = bandMask(im, b, interp, hasMask, maskOverviews, info.Bands[b].Overviews)
	}
	info.addSidecarInfo(im, side)
	return info, nil
}

// listIFDs records the overview and mask IFDs of r besides im; it returns
// the reduced masks, as gdalinfo's mask overviews, and whether a
// full-resolution mask exists.
func (f *fileInfo) listIFDs(r *geotiff.Reader, im *geotiff.Image) (maskOverviews []sizeInfo, hasMask bool) {
	for _, o := range r.Images() {
		switch {
		case o == im:
		case o.IsMask():
			f.Masks = append(f.Masks, [2]int{o.Width, o.Height})
			if o.SubfileType&geotiff.SubfileReduced != 0 {
				maskOverviews = append(maskOverviews, sizeInfo{[2]int{o.Width, o.Height}})
			} else if o.Width == im.Width && o.Height == im.Height {
				hasMask = true
			}
		case o.IsOverview():
			f.Overviews = append(f.Overviews, [2]int{o.Width, o.Height})
		}
	}
	return maskOverviews, hasMask
}

// corners returns gdalinfo's cornerCoordinates.
func corners(gt *[6]float64, w, h int) cornerCoords {
	at := func(px, ln float64) [2]float64 {
		if gt == nil {
			return [2]float64{px, ln}
		}
		return [2]float64{gt[0] + px*gt[1] + ln*gt[2], gt[3] + px*gt[4] + ln*gt[5]}
	}
	fw, fh := float64(w), float64(h)
	return cornerCoords{UpperLeft: at(0, 0), LowerLeft: at(0, fh), LowerRight: at(fw, fh), UpperRight: at(fw, 0), Center: at(fw/2, fh/2)}
}

// datasetMetadata fills the dataset's metadata domains as GDAL shows them:
// GDAL_METADATA's dataset items, AREA_OR_POINT from the GeoKeys and
// IMAGE_STRUCTURE from the layout.
func (f *fileInfo) datasetMetadata(im *geotiff.Image) {
	put := func(domain, name, value string) {
		if f.Metadata[domain] == nil {
			f.Metadata[domain] = map[string]string{}
		}
		f.Metadata[domain][name] = value
	}
	for _, it := range f.Items {
		if it.Sample < 0 && it.Role == "" {
			put(it.Domain, it.Name, it.Value)
		}
	}
	if im.Geo.Keys != nil {
		v := "Area"
		if im.Geo.Keys.RasterType() == geotiff.RasterPixelIsPoint {
			v = "Point"
		}
		put("", "AREA_OR_POINT", v)
	}
	if f.Compression != "NONE" {
		put("IMAGE_STRUCTURE", "COMPRESSION", f.Compression)
	}
	put("IMAGE_STRUCTURE", "INTERLEAVE", f.Interleave)
	if f.Predictor != int(geotiff.PredictorNone) {
		put("IMAGE_STRUCTURE", "PREDICTOR", strconv.Itoa(f.Predictor))
	}
}

// tagLercParameters holds LERC's version and its second codec.
const tagLercParameters geotiff.Tag = 50674

// compressionName names the compression as GDAL's COMPRESSION item does:
// LERC with a second codec is LERC_DEFLATE or LERC_ZSTD.
func compressionName(im *geotiff.Image) string {
	name := im.Compression.String()
	if f := im.Fields.Get(tagLercParameters); name == "LERC" && f != nil {
		if v, ok := f.Uint(1); ok {
			switch v {
			case 1:
				name = "LERC_DEFLATE"
			case 2:
				name = "LERC_ZSTD"
			}
		}
	}
	return name
}

// byteOrderName names a TIFF byte order.
func byteOrderName(o binary.ByteOrder) string {
	if o == binary.BigEndian {
		return "big-endian"
	}
	return "little-endian"
}

// describeCRS returns the CRS of a GeoKey directory, or nil if it has none.
// A user-defined CRS is never reported as the EPSG code of its base.
func describeCRS(d *geotiff.GeoKeyDirectory) *crsInfo {
	if d == nil {
		return nil
	}
	c := &crsInfo{EPSG: compute.CRSCode(d), Description: compute.DescribeCRS(d), Citation: d.Citation()}
	c.Name = epsgName(c.EPSG)
	switch d.ModelType() {
	case geotiff.ModelTypeProjected:
		c.ModelType = "projected"
	case geotiff.ModelTypeGeographic:
		c.ModelType = "geographic"
	case geotiff.ModelTypeGeocentric:
		c.ModelType = "geocentric"
	}
	switch d.RasterType() {
	case geotiff.RasterPixelIsArea:
		c.RasterType = "Area"
	case geotiff.RasterPixelIsPoint:
		c.RasterType = "Point"
	}
	return c
}

// epsgNames names a few common EPSG codes; UTM zones are named by rule.
var epsgNames = map[int]string{
	4326:  "WGS 84",
	4269:  "NAD83",
	4258:  "ETRS89",
	4267:  "NAD27",
	4979:  "WGS 84 (3D)",
	3857:  "WGS 84 / Pseudo-Mercator",
	3035:  "ETRS89-extended / LAEA Europe",
	2154:  "RGF93 v1 / Lambert-93",
	27700: "OSGB36 / British National Grid",
	5070:  "NAD83 / Conus Albers",
	3395:  "WGS 84 / World Mercator",
}

// epsgName returns the name of an EPSG code, or "" if it is not one of the
// few known here.
func epsgName(code int) string {
	if s, ok := epsgNames[code]; ok {
		return s
	}
	switch {
	case code >= 32601 && code <= 32660:
		return "WGS 84 / UTM zone " + strconv.Itoa(code-32600) + "N"
	case code >= 32701 && code <= 32760:
		return "WGS 84 / UTM zone " + strconv.Itoa(code-32700) + "S"
	case code >= 25828 && code <= 25838:
		return "ETRS89 / UTM zone " + strconv.Itoa(code-25800) + "N"
	case code >= 26901 && code <= 26923:
		return "NAD83 / UTM zone " + strconv.Itoa(code-26900) + "N"
	}
	return ""
}

// writeText prints info in gdalinfo's layout.
func (f *fileInfo) writeText(w io.Writer) error {
	p := &errWriter{w: w}
	p.printf("Driver: GTiff/GeoTIFF\n")
	p.printf("Files: %s\n", f.Description)
	p.printf("Size is %d, %d\n", f.Size[0], f.Size[1])
	kind := "classic TIFF"
	if f.BigTIFF {
		kind = "BigTIFF"
	}
	p.printf("Format: %s, %s, %d IFD(s)\n", kind, f.ByteOrder, f.Images)
	f.writeCRS(p)
	switch {
	case f.Origin != nil:
		p.printf("Origin = (%.15f,%.15f)\n", f.Origin[0], f.Origin[1])
		p.printf("Pixel Size = (%.15f,%.15f)\n", f.PixelSize[0], f.PixelSize[1])
	case f.GeoTrans != nil:
		t := f.GeoTrans
		p.printf("GeoTransform =\n  %.15g, %.15g, %.15g\n  %.15g, %.15g, %.15g\n", t[0], t[1], t[2], t[3], t[4], t[5])
	case f.TiePoints > 0:
		p.printf("GCP count: %d (no geotransform)\n", f.TiePoints)
	}
	f.writeMetadata(p, -1, "Metadata:\n", "  ")
	if f.MetadataError != "" {
		p.printf("Bad GDAL_METADATA: %s\n", f.MetadataError)
	}
	p.printf("Image Structure Metadata:\n")
	if f.Compression != "NONE" {
		p.printf("  COMPRESSION=%s\n", f.Compression)
	}
	p.printf("  INTERLEAVE=%s\n", f.Interleave)
	if f.Predictor != int(geotiff.PredictorNone) {
		p.printf("  PREDICTOR=%d\n", f.Predictor)
	}
	if f.Unsupported != "" {
		p.printf("Pixels cannot be read: %s\n", f.Unsupported)
	}
	if f.GeoTrans != nil {
		c := f.Corners
		p.printf("Corner Coordinates:\n")
		for _, cc := range []struct {
			name string
			xy   [2]float64
		}{{"Upper Left ", c.UpperLeft}, {"Lower Left ", c.LowerLeft}, {"Upper Right", c.UpperRight}, {"Lower Right", c.LowerRight}, {"Center     ", c.Center}} {
			p.printf("%s (%12.3f,%12.3f)\n", cc.name, cc.xy[0], cc.xy[1])
		}
	}
	for _, b := range f.Bands {
		f.writeBand(p, b)
	}
	return p.err
}

func (f *fileInfo) writeCRS(p *errWriter) {
	c := f.CRS
	if c == nil {
		return
	}
	switch {
	case c.EPSG != 0 && c.Name != "":
		p.printf("Coordinate System: EPSG:%d (%s)\n", c.EPSG, c.Name)
	default:
		p.printf("Coordinate System: %s\n", c.Description)
	}
	if c.Citation != "" {
		p.printf("  Citation: %s\n", c.Citation)
	}
	if c.RasterType != "" {
		p.printf("  AREA_OR_POINT=%s\n", c.RasterType)
	}
}

func (f *fileInfo) writeBand(p *errWriter, b bandInfo) {
	p.printf("Band %d Block=%dx%d Type=%s, ColorInterp=%s\n", b.Band, b.Block[0], b.Block[1], b.Type, b.ColorInterp)
	if b.Description != "" {
		p.printf("  Description = %s\n", b.Description)
	}
	if b.Offset != nil {
		p.printf("  Offset: %s,   Scale:%s\n", strconv.FormatFloat(*b.Offset, 'g', -1, 64), strconv.FormatFloat(*b.Scale, 'g', -1, 64))
	}
	if b.Unit != "" {
		p.printf("  Unit Type: %s\n", b.Unit)
	}
	if b.NoData != nil {
		p.printf("  NoData Value=%s\n", f.noDataText)
	}
	if len(f.Overviews) > 0 {
		p.printf("  Overviews: %s\n", sizeList(f.Overviews))
	}
	if b.Mask != nil {
		p.printf("  Mask Flags: %s\n", strings.Join(b.Mask.Flags, " "))
		if len(b.Mask.Overviews) > 0 {
			sizes := make([][2]int, len(b.Mask.Overviews))
			for i, o := range b.Mask.Overviews {
				sizes[i] = o.Size
			}
			p.printf("  Overviews of mask band: %s\n", sizeList(sizes))
		}
	}
	if len(f.Masks) > 0 {
		// In file order: GDAL writes the full-resolution mask first.
		p.printf("  Mask IFDs: %s\n", sizeList(f.Masks))
	}
	f.writeMetadata(p, b.Band-1, "  Metadata:\n", "    ")
}

// writeMetadata prints the plain items (no role) of sample (-1: the
// dataset), grouped by domain.
func (f *fileInfo) writeMetadata(p *errWriter, sample int, head, indent string) {
	printed := false
	for _, it := range f.Items {
		if it.Sample != sample || it.Role != "" {
			continue
		}
		if !printed {
			p.printf("%s", head)
			printed = true
		}
		name := it.Name
		if it.Domain != "" {
			name = it.Domain + ":" + name
		}
		p.printf("%s%s=%s\n", indent, name, it.Value)
	}
}

// sizeList formats sizes as "50x70, 25x35".
func sizeList(sizes [][2]int) string {
	s := make([]string, len(sizes))
	for i, o := range sizes {
		s[i] = fmt.Sprintf("%dx%d", o[0], o[1])
	}
	return strings.Join(s, ", ")
}

// errWriter keeps the first write error so printing code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// A metaItem is one <Item> of GDAL_METADATA. Sample is the 0-based band it
// belongs to, or -1 for the dataset; Role is "" for plain metadata or what
// GDAL maps it to (description, offset, scale, unittype, ...).
type metaItem struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Sample int    `json:"sample"`
	Role   string `json:"role,omitempty"`
	Domain string `json:"domain,omitempty"`
}

// gdalEntities undoes the second level of XML escaping that GDAL applies to
// item values (it escapes the text, then the XML writer escapes it again).
var gdalEntities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`, "&apos;", "'")

// parseGDALMetadata parses the GDAL_METADATA XML (tag 42112).
func parseGDALMetadata(s string) ([]metaItem, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	doc, err := geotiff.ParseMetadata(s)
	if err != nil {
		return nil, err
	}
	items := make([]metaItem, 0, len(doc))
	for _, it := range doc {
		m := metaItem{Name: it.Name, Value: gdalEntities.Replace(it.Value), Sample: -1, Role: it.Role, Domain: it.Domain}
		if it.Sample != "" {
			n, err := strconv.Atoi(it.Sample)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("GDAL_METADATA: item %q: sample %q: want a band index >= 0", it.Name, it.Sample)
			}
			m.Sample = n
		}
		items = append(items, m)
	}
	return items, nil
}
