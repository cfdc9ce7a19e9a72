package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/gomean/gomean/geotiff"
)

// infoCommand returns the info command: a gdalinfo-like summary of one
// GeoTIFF, as text or, with --json, as JSON with stable keys.
func infoCommand() *cli.Command {
	return &cli.Command{
		Name:      "info",
		Usage:     "describe a GeoTIFF: size, type, layout, georeferencing, nodata, metadata, overviews",
		UsageText: "gomean info [--json] FILE.tif",
		Description: `Prints what gdalinfo prints about the file's first full-resolution image,
read by gomean's own reader (no GDAL needed).

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

// fileInfo is what info reports; its JSON keys are the --json format.
type fileInfo struct {
	File          string         `json:"file"`
	Driver        string         `json:"driver"`
	BigTIFF       bool           `json:"bigTIFF"`
	ByteOrder     string         `json:"byteOrder"`
	Size          [2]int         `json:"size"`
	Bands         int            `json:"bands"`
	Type          string         `json:"type"`
	Bits          int            `json:"bitsPerSample"`
	Tiled         bool           `json:"tiled"`
	Block         [2]int         `json:"block"`
	Compression   string         `json:"compression"`
	Predictor     int            `json:"predictor"`
	Interleave    string         `json:"interleave"`
	GeoTrans      *[6]float64    `json:"geoTransform,omitempty"`
	Origin        *[2]float64    `json:"origin,omitempty"`
	PixelSize     *[2]float64    `json:"pixelSize,omitempty"`
	TiePoints     int            `json:"tiePoints"`
	CRS           *crsInfo       `json:"crs,omitempty"`
	NoData        *noDataInfo    `json:"noData,omitempty"`
	Metadata      []metaItem     `json:"metadata"`
	MetadataError string         `json:"metadataError,omitempty"`
	Overviews     [][2]int       `json:"overviews"`
	Masks         [][2]int       `json:"masks"`
	Images        int            `json:"ifds"`
	Unsupported   string         `json:"unsupported,omitempty"`
	image         *geotiff.Image `json:"-"`
}

// crsInfo is the coordinate system as the GeoKeys give it.
type crsInfo struct {
	EPSG       int    `json:"epsg,omitempty"`
	Name       string `json:"name,omitempty"`
	Citation   string `json:"citation,omitempty"`
	ModelType  string `json:"modelType,omitempty"`
	RasterType string `json:"rasterType,omitempty"`
}

// noDataInfo is GDAL_NODATA: Text as written, Value when it is a finite
// number (JSON has no NaN or infinities).
type noDataInfo struct {
	Text  string   `json:"text"`
	Value *float64 `json:"value,omitempty"`
}

// describe opens name and gathers its info.
func describe(name string) (*fileInfo, error) {
	r, err := geotiff.Open(name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	im := r.Image()
	info := &fileInfo{
		File:        name,
		Driver:      "GTiff",
		BigTIFF:     r.BigTIFF(),
		ByteOrder:   byteOrderName(r.ByteOrder()),
		Size:        [2]int{im.Width, im.Height},
		Bands:       im.Bands,
		Type:        im.Type.String(),
		Bits:        im.BitsPerSample,
		Tiled:       im.Tiled,
		Block:       [2]int{im.TileWidth, im.TileHeight},
		Compression: im.Compression.String(),
		Predictor:   int(im.Predictor),
		Interleave:  "PIXEL",
		TiePoints:   len(im.Geo.TiePoints),
		Images:      len(r.Images()),
		Overviews:   [][2]int{},
		Masks:       [][2]int{},
		image:       im,
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
	info.CRS = describeCRS(im.Geo.Keys)
	if im.HasNoData {
		nd := &noDataInfo{Text: im.NoDataText}
		if v := im.NoData; !math.IsNaN(v) && !math.IsInf(v, 0) {
			nd.Value = &v
		}
		info.NoData = nd
	}
	info.Metadata, err = parseGDALMetadata(im.Metadata)
	if err != nil {
		// Still describe the rest of the file.
		info.MetadataError = err.Error()
	}
	if info.Metadata == nil {
		info.Metadata = []metaItem{}
	}
	for _, o := range r.Images() {
		switch {
		case o == im:
		case o.IsMask():
			info.Masks = append(info.Masks, [2]int{o.Width, o.Height})
		case o.IsOverview():
			info.Overviews = append(info.Overviews, [2]int{o.Width, o.Height})
		}
	}
	return info, nil
}

func byteOrderName(o binary.ByteOrder) string {
	if o == binary.BigEndian {
		return "big-endian"
	}
	return "little-endian"
}

// describeCRS returns the CRS of a GeoKey directory, or nil if it has none.
func describeCRS(d *geotiff.GeoKeyDirectory) *crsInfo {
	if d == nil {
		return nil
	}
	c := &crsInfo{EPSG: d.EPSG(), Citation: d.Citation()}
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
	p.printf("Files: %s\n", f.File)
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
	for b := 0; b < f.Bands; b++ {
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
	case c.EPSG != 0:
		p.printf("Coordinate System: EPSG:%d\n", c.EPSG)
	case c.ModelType != "":
		p.printf("Coordinate System: user-defined %s\n", c.ModelType)
	}
	if c.Citation != "" {
		p.printf("  Citation: %s\n", c.Citation)
	}
	if c.RasterType != "" {
		p.printf("  AREA_OR_POINT=%s\n", c.RasterType)
	}
}

func (f *fileInfo) writeBand(p *errWriter, b int) {
	p.printf("Band %d Block=%dx%d Type=%s\n", b+1, f.Block[0], f.Block[1], f.Type)
	for _, it := range f.Metadata {
		if it.Sample == b && it.Role != "" && it.Domain == "" {
			p.printf("  %s: %s\n", roleLabel(it.Role), it.Value)
		}
	}
	if f.NoData != nil {
		p.printf("  NoData Value=%s\n", f.NoData.Text)
	}
	if len(f.Overviews) > 0 {
		p.printf("  Overviews: %s\n", sizeList(f.Overviews))
	}
	if len(f.Masks) > 0 {
		// In file order: GDAL writes the full-resolution mask first.
		p.printf("  Masks: %s\n", sizeList(f.Masks))
	}
	f.writeMetadata(p, b, "  Metadata:\n", "    ")
}

// writeMetadata prints the plain items (no role) of sample (-1: the
// dataset), grouped by domain.
func (f *fileInfo) writeMetadata(p *errWriter, sample int, head, indent string) {
	printed := false
	for _, it := range f.Metadata {
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

func roleLabel(role string) string {
	switch role {
	case "description":
		return "Description"
	case "unittype":
		return "Unit Type"
	case "scale":
		return "Scale"
	case "offset":
		return "Offset"
	}
	return role
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
	var doc struct {
		Items []struct {
			Name   string `xml:"name,attr"`
			Sample string `xml:"sample,attr"`
			Role   string `xml:"role,attr"`
			Domain string `xml:"domain,attr"`
			Value  string `xml:",chardata"`
		} `xml:"Item"`
	}
	if err := xml.Unmarshal([]byte(s), &doc); err != nil {
		return nil, fmt.Errorf("GDAL_METADATA: %w", err)
	}
	items := make([]metaItem, 0, len(doc.Items))
	for _, it := range doc.Items {
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
