package compute

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// BenchmarkRun measures a whole run: three 2048×2048 float32 inputs
// (DEFLATE, floating-point predictor, 2% nodata) reduced to a float32
// output. GOMEAN_BENCH_INPUTS (a comma-separated list of files) replaces
// the generated inputs. SetBytes counts the decoded input samples.
func BenchmarkRun(b *testing.B) {
	dir := b.TempDir()
	var inputs []string
	if env := os.Getenv("GOMEAN_BENCH_INPUTS"); env != "" {
		inputs = strings.Split(env, ",")
	} else {
		for k := 0; k < 3; k++ {
			r := raster{w: 2048, h: 2048, bands: 1, vals: make([]float64, 2048*2048)}
			for i := range r.vals {
				x, y := float64(i%2048), float64(i/2048)
				r.vals[i] = float64(float32(1000 + 300*math.Sin(x/300+float64(k))*math.Cos(y/250) + float64((i*7919)%13)/4))
				if (i*31+k)%50 == 0 {
					r.vals[i] = math.NaN()
				}
			}
			inputs = append(inputs, writeRaster(b, dir, fmt.Sprintf("in%d.tif", k), r,
				geotiff.WriterOptions{Type: geotiff.Float32, HasNoData: true, NoData: -9999}))
		}
	}
	var px int64
	for _, in := range inputs {
		r, err := geotiff.Open(in)
		if err != nil {
			b.Fatal(err)
		}
		im := r.Image()
		px += int64(im.Width) * int64(im.Height) * int64(im.Bands) * int64(im.Type.Size())
		r.Close()
	}
	out := filepath.Join(dir, "out.tif")
	for _, op := range []Op{Mean, Median} {
		b.Run(op.String(), func(b *testing.B) {
			b.SetBytes(px)
			for b.Loop() {
				if err := Run(context.Background(), Config{Op: op, Output: geotiff.WriterOptions{Overwrite: true}}, inputs, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
