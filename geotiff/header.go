package geotiff

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// TIFF header (TIFF 6.0 section 2; BigTIFF design, "Header" section):
//
//	classic: "II" or "MM", 42 (uint16), first IFD offset (uint32)          8 bytes
//	BigTIFF: "II" or "MM", 43 (uint16), 8 (uint16), 0 (uint16), offset (uint64) 16 bytes
const (
	versionClassic = 42
	versionBig     = 43
	headerClassic  = 8
	headerBig      = 16
)

// parseHeader decodes a TIFF header from its first 16 (or at least 8) bytes.
func parseHeader(b []byte) (order binary.ByteOrder, big bool, first uint64, err error) {
	if len(b) < headerClassic {
		return nil, false, 0, FormatError("file shorter than a TIFF header")
	}
	switch string(b[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		t := bytes.TrimLeft(b, "\xef\xbb\xbf \t\r\n")
		switch {
		case bytes.HasPrefix(t, []byte("<VRTDataset")):
			return nil, false, 0, FormatError("a GDAL VRT (XML), not a TIFF: VRT files are not read; write the raster it describes first: gdal_translate in.vrt out.tif")
		case bytes.HasPrefix(t, []byte("<")):
			return nil, false, 0, FormatError("an XML file, not a TIFF: if it is a GDAL VRT, write the raster it describes first: gdal_translate in.vrt out.tif")
		}
		return nil, false, 0, FormatError(fmt.Sprintf("bad byte order mark %q: want \"II\" or \"MM\"", b[:2]))
	}
	switch v := order.Uint16(b[2:]); v {
	case versionClassic:
		return order, false, uint64(order.Uint32(b[4:])), nil
	case versionBig:
		if len(b) < headerBig {
			return nil, false, 0, FormatError("file shorter than a BigTIFF header")
		}
		if bs := order.Uint16(b[4:]); bs != 8 {
			return nil, false, 0, FormatError(fmt.Sprintf("BigTIFF offset size %d: want 8", bs))
		}
		return order, true, order.Uint64(b[8:]), nil
	default:
		return nil, false, 0, FormatError(fmt.Sprintf("version %d: want 42 (TIFF) or 43 (BigTIFF)", v))
	}
}
