package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/gomean/gomean/deflate"
	"github.com/gomean/gomean/geotiff"
)

// defaultRowsPerStrip is GDAL's choice for a compressed stripped GTiff
// (libtiff's TIFFDefaultStripSize): strips of about 8 KiB, at least 1 row.
func defaultRowsPerStrip(width, size int) int {
	return max(1, 8192/(width*size))
}

// writeStripped writes the K inputs as stripped GeoTIFFs (classic TIFF,
// DEFLATE). gomean's writer only writes tiles, so this is a small strip
// writer: the raster is generated in bands of whole strips, columns of 256
// pixels in parallel; the strips of a band are compressed in parallel and
// appended in order; the IFD goes after the data.
func writeStripped(ctx context.Context, o *options, m *model) ([]int64, error) {
	enc, err := deflate.NewEncoder(o.level)
	if err != nil {
		return nil, err
	}
	size := o.typ.Size()
	rps := o.rowsPerStrip
	bandRows := rps * ((256 + rps - 1) / rps)
	const chunk = 256
	chunks := (o.width + chunk - 1) / chunk
	rowBytes := o.width * size
	files := make([]*stripFile, o.count)
	defer func() {
		for _, f := range files {
			if f != nil {
				f.abort()
			}
		}
	}()
	for k := range files {
		f, err := newStripFile(filepath.Join(o.outdir, o.name(k)))
		if err != nil {
			return nil, err
		}
		files[k] = f
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	blocks := sync.Pool{New: func() any { return newBlock(chunk * bandRows) }}
	elev := make([][]float32, chunks)
	band := make([]byte, bandRows*rowBytes)
	holes := make([]int64, o.count)
	var mu sync.Mutex
	for y0 := 0; y0 < o.height; y0 += bandRows {
		rows := min(bandRows, o.height-y0)
		g, _ := errgroup.WithContext(ctx)
		g.SetLimit(workers)
		for c := range chunks {
			g.Go(func() error {
				b := blocks.Get().(*block)
				defer blocks.Put(b)
				m.terrain(b, c*chunk, y0, chunk, bandRows)
				elev[c] = append(elev[c][:0], b.elev...)
				return nil
			})
		}
		g.Wait()
		for k, f := range files {
			g, gctx := errgroup.WithContext(ctx)
			g.SetLimit(workers)
			for c := range chunks {
				g.Go(func() error {
					b := blocks.Get().(*block)
					defer blocks.Put(b)
					copy(b.elev, elev[c])
					cb := make([]byte, chunk*bandRows*size)
					n := m.input(b, k, c*chunk, y0, chunk, bandRows, cb)
					mu.Lock()
					holes[k] += int64(n)
					mu.Unlock()
					w := min(chunk, o.width-c*chunk) * size
					for y := range rows {
						copy(band[y*rowBytes+c*chunk*size:][:w], cb[y*chunk*size:][:w])
					}
					return gctx.Err()
				})
			}
			if err := g.Wait(); err != nil {
				return nil, err
			}
			strips := make([][]byte, (rows+rps-1)/rps)
			g, gctx = errgroup.WithContext(ctx)
			g.SetLimit(workers)
			for s := range strips {
				g.Go(func() error {
					r := min(rps, rows-s*rps)
					src := append([]byte(nil), band[s*rps*rowBytes:][:r*rowBytes]...)
					for y := range r {
						predict(src[y*rowBytes:(y+1)*rowBytes], o.predictor, size)
					}
					out, err := enc.Encode(make([]byte, 0, len(src)/2), src)
					strips[s] = out
					if err == nil {
						err = gctx.Err()
					}
					return err
				})
			}
			if err := g.Wait(); err != nil {
				return nil, err
			}
			for _, s := range strips {
				if err := f.append(s); err != nil {
					return nil, err
				}
			}
		}
	}
	for k, f := range files {
		if err := f.finish(o, rps); err != nil {
			return nil, fmt.Errorf("gendem: input %d: %w", k+1, err)
		}
		files[k] = nil
	}
	return holes, nil
}

// predict applies TIFF predictor p to one row of little-endian samples of
// size bytes: 2 = horizontal differencing (TIFF 6.0 section 14), 3 = the
// floating-point predictor (libtiff's fpDiff: bytes split into planes, most
// significant first, then byte differencing).
func predict(row []byte, p, size int) {
	switch p {
	case 2:
		if size == 2 {
			for j := len(row) - 2; j >= 2; j -= 2 {
				binary.LittleEndian.PutUint16(row[j:], binary.LittleEndian.Uint16(row[j:])-binary.LittleEndian.Uint16(row[j-2:]))
			}
		} else {
			for j := len(row) - 4; j >= 4; j -= 4 {
				binary.LittleEndian.PutUint32(row[j:], binary.LittleEndian.Uint32(row[j:])-binary.LittleEndian.Uint32(row[j-4:]))
			}
		}
	case 3:
		n := len(row) / size
		tmp := append([]byte(nil), row...)
		for i := range n {
			for b := range size {
				row[(size-1-b)*n+i] = tmp[i*size+b]
			}
		}
		for j := len(row) - 1; j >= 1; j-- {
			row[j] -= row[j-1]
		}
	}
}

// stripFile is a classic little-endian TIFF being written: an 8-byte
// header, the strips, then the IFD.
type stripFile struct {
	f              *os.File
	name, tmp      string
	end            int64
	offsets, count []uint32
}

func newStripFile(name string) (*stripFile, error) {
	tmp := name + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, err
	}
	return &stripFile{f: f, name: name, tmp: tmp, end: 8}, nil
}

func (s *stripFile) append(b []byte) error {
	if s.end+int64(len(b)) > math.MaxUint32 {
		return fmt.Errorf("gendem: %s: stripped output exceeds 4 GiB, the classic TIFF limit: use --layout tiled", s.name)
	}
	if _, err := s.f.WriteAt(b, s.end); err != nil {
		return err
	}
	s.offsets = append(s.offsets, uint32(s.end))
	s.count = append(s.count, uint32(len(b)))
	s.end += int64(len(b))
	return nil
}

func (s *stripFile) abort() {
	s.f.Close()
	os.Remove(s.tmp)
}

// finish writes the IFD and the header, and renames the file into place.
func (s *stripFile) finish(o *options, rps int) error {
	sf := map[geotiff.SampleType]uint16{geotiff.Float32: 3, geotiff.Int16: 2, geotiff.Uint16: 1}[o.typ]
	fields := []geotiff.Field{
		geotiff.NewLongField(geotiff.TagImageWidth, uint32(o.width)),
		geotiff.NewLongField(geotiff.TagImageLength, uint32(o.height)),
		geotiff.NewShortField(geotiff.TagBitsPerSample, uint16(8*o.typ.Size())),
		geotiff.NewShortField(geotiff.TagCompression, uint16(geotiff.CompressionDeflate)),
		geotiff.NewShortField(geotiff.TagPhotometricInterpretation, 1),
		geotiff.NewLongField(geotiff.TagStripOffsets, s.offsets...),
		geotiff.NewShortField(geotiff.TagSamplesPerPixel, 1),
		geotiff.NewLongField(geotiff.TagRowsPerStrip, uint32(rps)),
		geotiff.NewLongField(geotiff.TagStripByteCounts, s.count...),
		geotiff.NewShortField(geotiff.TagPlanarConfiguration, 1),
	}
	if o.predictor != 1 {
		fields = append(fields, geotiff.NewShortField(geotiff.TagPredictor, uint16(o.predictor)))
	}
	fields = append(fields, geotiff.NewShortField(geotiff.TagSampleFormat, sf))
	g := georef()
	t := g.Transform
	fields = append(fields,
		geotiff.NewDoubleField(geotiff.TagModelPixelScale, t[1], -t[5], 0),
		geotiff.NewDoubleField(geotiff.TagModelTiepoint, 0, 0, 0, t[0], t[3], 0))
	fields = append(fields, g.Keys.Fields()...)
	fields = append(fields, geotiff.NewASCIIField(geotiff.TagGDALNoData, geotiff.FormatNoData(o.nodata)))
	ifd, err := encodeIFD(fields, s.end+s.end%2)
	if err != nil {
		return fmt.Errorf("gendem: %s: %w", s.name, err)
	}
	var hdr [8]byte
	copy(hdr[:], "II*\x00")
	binary.LittleEndian.PutUint32(hdr[4:], uint32(s.end+s.end%2))
	if _, err := s.f.WriteAt(ifd, s.end+s.end%2); err != nil {
		return err
	}
	if _, err := s.f.WriteAt(hdr[:], 0); err != nil {
		return err
	}
	if err := s.f.Close(); err != nil {
		return err
	}
	return os.Rename(s.tmp, s.name)
}

// encodeIFD returns one classic little-endian IFD at file offset at, with
// the values that do not fit in an entry after it, each at an even offset.
// fields must be in ascending tag order.
func encodeIFD(fields []geotiff.Field, at int64) ([]byte, error) {
	n := len(fields)
	head := 2 + 12*n + 4
	buf := make([]byte, head)
	binary.LittleEndian.PutUint16(buf, uint16(n))
	for i, f := range fields {
		if i > 0 && f.Tag <= fields[i-1].Tag {
			return nil, fmt.Errorf("fields out of order: tag %d after %d", f.Tag, fields[i-1].Tag)
		}
		e := buf[2+12*i:]
		binary.LittleEndian.PutUint16(e, uint16(f.Tag))
		binary.LittleEndian.PutUint16(e[2:], uint16(f.Type))
		binary.LittleEndian.PutUint32(e[4:], uint32(f.Count))
		if len(f.Data) <= 4 {
			copy(e[8:12], f.Data)
			continue
		}
		if len(buf)%2 == 1 {
			buf = append(buf, 0)
		}
		off := at + int64(len(buf))
		if off > math.MaxUint32 {
			return nil, fmt.Errorf("IFD value offset %d exceeds 4 GiB", off)
		}
		binary.LittleEndian.PutUint32(e[8:], uint32(off))
		buf = append(buf, f.Data...)
	}
	return buf, nil
}
