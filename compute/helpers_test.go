package compute

import (
	"context"
	"encoding/binary"
	"errors"
	"image"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/tiling"
)

// A raster is a test image held as float64 samples, pixel-interleaved.
type raster struct {
	w, h, bands int
	vals        []float64
}

func (r raster) at(x, y, b int) float64 { return r.vals[(y*r.w+x)*r.bands+b] }

// testGeo is a UTM zone 33N grid with 10 m pixels.
func testGeo() *geotiff.Georef {
	return &geotiff.Georef{
		HasTransform: true,
		Transform:    geotiff.GeoTransform{500000, 10, 0, 5000000, 0, -10},
		Keys: &geotiff.GeoKeyDirectory{Version: 1, KeyRevision: 1, Keys: []geotiff.GeoKey{
			{ID: geotiff.KeyGTModelType, Value: geotiff.ModelTypeProjected, Count: 1},
			{ID: geotiff.KeyGTRasterType, Value: geotiff.RasterPixelIsArea, Count: 1},
			{ID: geotiff.KeyProjectedCSType, Value: 32633, Count: 1},
		}},
	}
}

// randomRaster returns a w×h raster whose values are integers in [lo, hi)
// (so they fit any type), with a fraction holes of the samples set to
// hole. writeRaster writes NaN as the file's nodata, or NaN without one.
func randomRaster(seed uint64, w, h, bands int, lo, hi int, holes float64, hole float64) raster {
	rng := rand.New(rand.NewPCG(seed, 7))
	r := raster{w: w, h: h, bands: bands, vals: make([]float64, w*h*bands)}
	for i := range r.vals {
		if rng.Float64() < holes {
			r.vals[i] = hole
			continue
		}
		r.vals[i] = float64(lo + rng.IntN(hi-lo))
	}
	return r
}

// writeRaster writes r to dir/name with the given options; Width, Height,
// Bands and (if nil) Geo are filled in.
func writeRaster(t testing.TB, dir, name string, r raster, o geotiff.WriterOptions) string {
	t.Helper()
	path := filepath.Join(dir, name)
	o.Width, o.Height, o.Bands = r.w, r.h, r.bands
	if o.Geo == nil {
		o.Geo = testGeo()
	}
	if o.TileWidth == 0 {
		o.TileWidth, o.TileHeight = 256, 256
	}
	w, err := geotiff.Create(path, o)
	if err != nil {
		t.Fatal(err)
	}
	spp := r.bands
	planes := 1
	if o.Planar == geotiff.PlanarSeparate {
		spp, planes = 1, r.bands
	}
	fill := math.NaN()
	if o.HasNoData {
		fill = o.NoData
	}
	enc := newEncoder(o.Type, fill)
	g := tiling.Grid{Width: r.w, Height: r.h, TileWidth: o.TileWidth, TileHeight: o.TileHeight}
	tile := make([]byte, o.TileWidth*o.TileHeight*spp*o.Type.Size())
	col := make([]float64, 1)
	for plane := 0; plane < planes; plane++ {
		for i := 0; i < g.Len(); i++ {
			clear(tile)
			b := g.Rect(i)
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					for s := 0; s < spp; s++ {
						col[0] = r.at(x, y, s+plane)
						p := (y-b.Min.Y)*o.TileWidth + x - b.Min.X
						enc.encode(tile, p*spp+s, 1, col)
					}
				}
			}
			if err := w.WriteTile(context.Background(), plane*g.Len()+i, tile); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// readRaster reads every band of a file as float64 samples, as stored
// (nodata is not mapped).
func readRaster(t testing.TB, path string) (*geotiff.Image, raster) {
	t.Helper()
	rd, err := geotiff.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	im := rd.Image()
	data, err := rd.ReadWindow(im, image.Rect(0, 0, im.Width, im.Height), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := raster{w: im.Width, h: im.Height, bands: im.Bands, vals: make([]float64, im.Width*im.Height*im.Bands)}
	d := newDecoder(im.Type, false, 0)
	d.decode(r.vals, data, 0, 1)
	return im, r
}

func binaryBigEndian() binary.ByteOrder { return binary.BigEndian }

func errorsIsCanceled(err error) bool { return errors.Is(err, context.Canceled) }

// testPipeline builds the pipeline of a run over opened readers.
func testPipeline(t testing.TB, cfg Config, names []string, readers []*geotiff.Reader) (*pipeline, error) {
	t.Helper()
	var ins []*input
	for k, r := range readers {
		in, err := newInput(names[k], r, nil)
		if err != nil {
			return nil, err
		}
		ins = append(ins, in)
	}
	return newPipeline(cfg, ins)
}

// openPipeline opens names (closed when the test ends) and returns the
// pipeline of the validated cfg over them, failing the test on an error.
func openPipeline(t testing.TB, cfg Config, names []string) *pipeline {
	t.Helper()
	var readers []*geotiff.Reader
	for _, name := range names {
		r, err := geotiff.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		readers = append(readers, r)
	}
	p, err := testPipeline(t, cfg, names, readers)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
