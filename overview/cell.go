package overview

import (
	"encoding/binary"
	"math"

	"github.com/gomean/gomean/geotiff"
)

// A view is a region of a level: pixel (x, y) of the level is pixel
// (y−y0)·stride + x−x0 of samples (Samples samples each) and valid (nil:
// every pixel valid).
type view struct {
	samples, valid []byte
	x0, y0, stride int
}

// reduceCell computes the destination pixels [jx0, jx1) × [jy0, jy1)
// (coordinates of the destination level) from the pixels of the level
// above in v, with the windows of ax and ay, into the tile dst (dvalid:
// its validity, or nil) whose top-left pixel is (dx0, dy0).
func (t *Tiling) reduceCell(m Method, ax, ay *axis, v view, jx0, jx1, jy0, jy1 int, dst, dvalid []byte, dx0, dy0 int) {
	if m == Average && t.Type == geotiff.Float32 && t.Samples == 1 && v.valid == nil && dvalid == nil {
		t.averageCellFloat32(ax, ay, v, jx0, jx1, jy0, jy1, dst, dx0, dy0)
		return
	}
	spp, size := t.Samples, t.Type.Size()
	var vals [9]float64
	var ok [9]bool
	for j := jy0; j < jy1; j++ {
		y0, y1, wy0, wy1 := ay.win(j)
		for i := jx0; i < jx1; i++ {
			x0, x1, wx0, wx1 := ax.win(i)
			dp := (j-dy0)*t.TileWidth + i - dx0
			var any byte
			if v.valid == nil {
				any = 255
			} else {
				for y := y0; y < y1; y++ {
					for x := x0; x < x1; x++ {
						if v.valid[(y-v.y0)*v.stride+x-v.x0] != 0 {
							any = 255
						}
					}
				}
			}
			if dvalid != nil {
				dvalid[dp] = any
			}
			for s := range spp {
				out := t.fill(s)
				switch m {
				case Average:
					var total, weight float64
					for y := y0; y < y1; y++ {
						wy := 1.0
						if y == y0 {
							wy = wy0
						} else if y == y1-1 {
							wy = wy1
						}
						var line, lineW float64
						for x := x0; x < x1; x++ {
							p := (y-v.y0)*v.stride + x - v.x0
							if t.skip(m, v.samples, v.valid, p, s) {
								continue
							}
							val := t.Type.Get(v.samples[(p*spp+s)*size:])
							wx := 1.0
							if x == x0 {
								wx = wx0
							} else if x == x1-1 {
								wx = wx1
							}
							line += float64(t.in(val) * wx)
							lineW += wx
						}
						total += float64(line * wy)
						weight += float64(lineW * wy)
					}
					if weight > 0 {
						out = t.out(total / weight)
					}
				default: // Nearest (a one-pixel window) and Mode
					n := 0
					for y := y0; y < y1; y++ {
						for x := x0; x < x1; x++ {
							p := (y-v.y0)*v.stride + x - v.x0
							val := t.Type.Get(v.samples[(p*spp+s)*size:])
							vals[n] = val
							ok[n] = !t.skip(m, v.samples, v.valid, p, s)
							n++
						}
					}
					out = t.mode(vals[:n], ok[:n], out)
				}
				t.Type.Put(dst[(dp*spp+s)*size:], out)
			}
		}
	}
}

// averageCellFloat32 is reduceCell for Average of one-band float32 pixels
// without a mask.
func (t *Tiling) averageCellFloat32(ax, ay *axis, v view, jx0, jx1, jy0, jy1 int, dst []byte, dx0, dy0 int) {
	le := binary.LittleEndian
	nd, checkND := float32(t.NoData), t.HasNoData
	fill := float32(t.Fill)
	// The column windows, once for every row.
	type win struct {
		x0, x1 int
		w0, w1 float64
	}
	wins := make([]win, jx1-jx0)
	for i := range wins {
		w := &wins[i]
		w.x0, w.x1, w.w0, w.w1 = ax.win(jx0 + i)
	}
	for j := jy0; j < jy1; j++ {
		y0, y1, wy0, wy1 := ay.win(j)
		drow := (j-dy0)*t.TileWidth - dx0
		for i, w := range wins {
			x0, x1 := w.x0, w.x1
			var total, weight float64
			for y := y0; y < y1; y++ {
				wy := 1.0
				if y == y0 {
					wy = wy0
				} else if y == y1-1 {
					wy = wy1
				}
				row := v.samples[4*((y-v.y0)*v.stride+x0-v.x0) : 4*((y-v.y0)*v.stride+x1-v.x0)]
				var line, lineW float64
				add := func(f float32, wx float64) {
					if f == f && !(checkND && f == nd) {
						line += float64(float64(f) * wx)
						lineW += wx
					}
				}
				switch len(row) {
				case 12: // the three-pixel window of an odd size
					add(math.Float32frombits(le.Uint32(row)), w.w0)
					add(math.Float32frombits(le.Uint32(row[4:])), 1)
					add(math.Float32frombits(le.Uint32(row[8:])), w.w1)
				case 8:
					add(math.Float32frombits(le.Uint32(row)), w.w0)
					add(math.Float32frombits(le.Uint32(row[4:])), w.w1)
				default: // one pixel (a one-pixel-wide level)
					for k := 0; k < len(row); k += 4 {
						wx := 1.0
						if k == 0 {
							wx = w.w0
						} else if k == len(row)-4 {
							wx = w.w1
						}
						add(math.Float32frombits(le.Uint32(row[k:])), wx)
					}
				}
				total += float64(line * wy)
				weight += float64(lineW * wy)
			}
			r := fill
			if weight > 0 {
				r = float32(total / weight)
			}
			le.PutUint32(dst[4*(drow+jx0+i):], math.Float32bits(r))
		}
	}
}
