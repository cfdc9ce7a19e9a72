package main

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/gomean/gomean/geotiff"
)

// creation collects the output's creation options from --co KEY=VALUE
// items (GDAL's names) and the plain flags.
type creation struct {
	opts       geotiff.WriterOptions
	zlevel     int               // ZLEVEL, for DEFLATE
	zstdLevel  int               // ZSTD_LEVEL, for ZSTD
	set        map[string]string // option -> how it was given, for conflicts
	numThreads int
	cog        cogOptions // COG and overview options (cog.go)
}

func newCreation() *creation { return &creation{set: map[string]string{}} }

// note records that option key was given as how, failing if it already was.
func (c *creation) note(key, how string) error {
	if prev, ok := c.set[key]; ok {
		return usagef("%s conflicts with %s: give the option once", how, prev)
	}
	c.set[key] = how
	return nil
}

// co applies one --co KEY=VALUE item.
func (c *creation) co(item string) error {
	k, v, ok := strings.Cut(item, "=")
	key := strings.ToUpper(strings.TrimSpace(k))
	v = strings.TrimSpace(v)
	if !ok || key == "" {
		return usagef("creation option %q: want KEY=VALUE, as in --co COMPRESS=ZSTD", item)
	}
	how := "--co " + item
	bad := func(want string) error { return usagef("creation option %s=%s: want %s", key, v, want) }
	var err error
	switch key {
	case "COMPRESS":
		err = c.compress(v, how)
	case "ZLEVEL":
		if strings.EqualFold(v, "HUFFMAN") {
			c.zlevel = geotiff.DeflateHuffmanOnly
		} else if c.zlevel, err = atoiRange(v, 1, 9); err != nil {
			return bad("a DEFLATE level from 1 to 9, or HUFFMAN")
		}
		err = c.note("level", how)
	case "ZSTD_LEVEL":
		if c.zstdLevel, err = atoiRange(v, 1, 22); err != nil {
			return bad("a ZSTD level from 1 to 22")
		}
		err = c.note("level", how)
	case "PREDICTOR":
		err = c.predictor(v, how)
	case "BLOCKXSIZE", "BLOCKYSIZE":
		n, perr := atoiRange(v, 16, 65536)
		if perr != nil || n%16 != 0 {
			return bad("a multiple of 16 from 16 to 65536")
		}
		if key == "BLOCKXSIZE" {
			c.opts.TileWidth = n
		} else {
			c.opts.TileHeight = n
		}
		err = c.note("tile "+key, how)
	case "BIGTIFF":
		err = c.bigTIFF(v, bad)
	case "NUM_THREADS":
		if strings.EqualFold(v, "ALL_CPUS") {
			c.numThreads = runtime.GOMAXPROCS(0)
		} else if c.numThreads, err = atoiRange(v, 1, 1<<16); err != nil {
			return bad("a thread count or ALL_CPUS")
		}
	case "INTERLEAVE":
		switch strings.ToUpper(v) {
		case "PIXEL":
			c.opts.Planar = geotiff.PlanarContig
		case "BAND":
			c.opts.Planar = geotiff.PlanarSeparate
		default:
			return bad("PIXEL or BAND")
		}
	case "TILED":
		if !strings.EqualFold(v, "YES") && !strings.EqualFold(v, "TRUE") {
			return bad("YES: gomean always writes tiled GeoTIFFs")
		}
	case "ENDIANNESS":
		switch strings.ToUpper(v) {
		case "LITTLE", "NATIVE":
			c.opts.ByteOrder = binary.LittleEndian
		case "BIG":
			c.opts.ByteOrder = binary.BigEndian
		default:
			return bad("LITTLE, BIG or NATIVE")
		}
	default:
		if handled, err := c.cogOption(key, v, how, bad); handled {
			return err
		}
		return usagef("unknown creation option %s: gomean knows COMPRESS, ZLEVEL, ZSTD_LEVEL, PREDICTOR, BLOCKXSIZE, BLOCKYSIZE, BIGTIFF, NUM_THREADS, INTERLEAVE, TILED, ENDIANNESS, and for COG BLOCKSIZE, LEVEL, OVERVIEWS, OVERVIEW_COUNT, OVERVIEW_RESAMPLING, STATISTICS, LAYOUT", key)
	}
	return err
}

func (c *creation) compress(v, how string) error {
	switch strings.ToUpper(v) {
	case "DEFLATE", "ZIP":
		c.opts.Compression = geotiff.CompressionDeflate
	case "ZSTD":
		c.opts.Compression = geotiff.CompressionZSTD
	case "LZW":
		c.opts.Compression = geotiff.CompressionLZW
	case "NONE":
		c.opts.Compression = geotiff.CompressionNone
	default:
		return usagef("compression %q (%s): want DEFLATE, ZSTD, LZW or NONE", v, how)
	}
	return c.note("compression", how)
}

func (c *creation) predictor(v, how string) error {
	switch strings.ToUpper(v) {
	case "1", "NO", "NONE":
		c.opts.Predictor = geotiff.PredictorNone
	case "2", "STANDARD", "HORIZONTAL":
		c.opts.Predictor = geotiff.PredictorHorizontal
	case "3", "FLOATING_POINT", "FLOAT":
		c.opts.Predictor = geotiff.PredictorFloat
	default:
		return usagef("predictor %q (%s): want 1 (none), 2 (horizontal) or 3 (floating point)", v, how)
	}
	return c.note("predictor", how)
}

func (c *creation) bigTIFF(v string, bad func(string) error) error {
	switch strings.ToUpper(v) {
	case "YES":
		c.opts.BigTIFF = geotiff.BigTIFFYes
	case "NO":
		c.opts.BigTIFF = geotiff.BigTIFFNo
	case "IF_NEEDED", "IF_SAFER":
		c.opts.BigTIFF = geotiff.BigTIFFAuto
	default:
		return bad("YES, NO, IF_NEEDED or IF_SAFER")
	}
	return nil
}

// level applies --level to whichever compression is chosen.
func (c *creation) level(n int) error {
	if err := c.note("level", "--level "+strconv.Itoa(n)); err != nil {
		return err
	}
	c.zlevel, c.zstdLevel = n, n
	return nil
}

// tile applies --tile N or --tile WxH.
func (c *creation) tile(v string) error {
	ws, hs, ok := strings.Cut(strings.ToLower(v), "x")
	if !ok {
		hs = ws
	}
	w, err1 := atoiRange(ws, 16, 65536)
	h, err2 := atoiRange(hs, 16, 65536)
	if err1 != nil || err2 != nil || w%16 != 0 || h%16 != 0 {
		return usagef("--tile %s: want N or WxH, multiples of 16 from 16 to 65536", v)
	}
	if err := c.note("tile BLOCKXSIZE", "--tile "+v); err != nil {
		return err
	}
	if err := c.note("tile BLOCKYSIZE", "--tile "+v); err != nil {
		return err
	}
	c.opts.TileWidth, c.opts.TileHeight = w, h
	return nil
}

// finish resolves the level for the chosen compression and returns the
// options.
func (c *creation) finish() (geotiff.WriterOptions, error) {
	o := c.opts
	switch o.Compression {
	case 0, geotiff.CompressionDeflate:
		o.Level = c.zlevel
		if (o.Level < 0 || o.Level > 9) && o.Level != geotiff.DeflateHuffmanOnly {
			return o, usagef("DEFLATE level %d (%s): want 1 to 9", o.Level, c.set["level"])
		}
	case geotiff.CompressionZSTD:
		o.Level = c.zstdLevel
		if o.Level < 0 || o.Level > 22 {
			return o, usagef("ZSTD level %d (%s): want 1 to 22", o.Level, c.set["level"])
		}
	}
	if o.Predictor == geotiff.PredictorFloat && o.Compression == geotiff.CompressionNone {
		return o, usagef("predictor 3 needs compression: choose COMPRESS=DEFLATE or ZSTD")
	}
	if o.TileWidth != 0 && o.TileHeight == 0 {
		o.TileHeight = o.TileWidth
	}
	if o.TileHeight != 0 && o.TileWidth == 0 {
		o.TileWidth = o.TileHeight
	}
	o.Workers = c.numThreads
	return o, nil
}

func atoiRange(s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d out of range [%d, %d]", n, lo, hi)
	}
	return n, nil
}
