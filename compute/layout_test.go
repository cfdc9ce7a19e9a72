package compute

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomean/gomean/geotiff"
)

// layoutStack writes the same three 2-band rasters twice: once all alike
// (float32, tiles of 256, DEFLATE) and once in mixed layouts, types and
// codecs. It returns both sets of paths.
func layoutStack(t *testing.T, dir string, w, h int) (same, mixed []string) {
	mixedOpts := []geotiff.WriterOptions{
		{Type: geotiff.Int16, TileWidth: 512, TileHeight: 512, Compression: geotiff.CompressionZSTD, HasNoData: true, NoData: -32768},
		{Type: geotiff.Float64, TileWidth: 128, TileHeight: 64, Compression: geotiff.CompressionLZW, Planar: geotiff.PlanarSeparate},
		{Type: geotiff.Uint16, TileWidth: 64, TileHeight: 256, Compression: geotiff.CompressionNone, HasNoData: true, NoData: 65535, ByteOrder: binaryBigEndian()},
	}
	for k, mo := range mixedOpts {
		r := randomRaster(uint64(10+k), w, h, 2, 0, 5000, 0.2, math.NaN())
		so := geotiff.WriterOptions{Type: geotiff.Float32}
		if mo.HasNoData {
			so.HasNoData, so.NoData = true, -9999
		}
		same = append(same, writeRaster(t, dir, fmt.Sprintf("same%d.tif", k), r, so))
		mixed = append(mixed, writeRaster(t, dir, fmt.Sprintf("mixed%d.tif", k), r, mo))
	}
	return same, mixed
}

func TestRunMixedLayouts(t *testing.T) {
	dir := t.TempDir()
	same, mixed := layoutStack(t, dir, 300, 200)
	for _, op := range Ops() {
		t.Run(op.String(), func(t *testing.T) {
			cfg := Config{Op: op, Workers: 3, HasNoData: true, NoData: -9999}
			a, b := filepath.Join(dir, op.String()+"_same.tif"), filepath.Join(dir, op.String()+"_mixed.tif")
			if err := Run(context.Background(), cfg, same, a); err != nil {
				t.Fatal(err)
			}
			if err := Run(context.Background(), cfg, mixed, b); err != nil {
				t.Fatal(err)
			}
			_, ra := readRaster(t, a)
			_, rb := readRaster(t, b)
			compareRaster(t, rb, ra, 0)
			compareRaster(t, ra, expected(t, cfg, same), 1e-6)
		})
	}
}

func TestRunDeterministic(t *testing.T) {
	dir := t.TempDir()
	_, mixed := layoutStack(t, dir, 300, 200)
	var first []byte
	for _, workers := range []int{1, 2, 4} {
		for _, planar := range []int{geotiff.PlanarContig, geotiff.PlanarSeparate} {
			out := filepath.Join(dir, fmt.Sprintf("out%d_%d.tif", workers, planar))
			cfg := Config{Workers: workers, Output: geotiff.WriterOptions{Planar: planar}}
			if err := Run(context.Background(), cfg, mixed, out); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if planar == geotiff.PlanarSeparate {
				_, rs := readRaster(t, out)
				_, rc := readRaster(t, filepath.Join(dir, fmt.Sprintf("out%d_%d.tif", workers, geotiff.PlanarContig)))
				compareRaster(t, rs, rc, 0)
				continue
			}
			if first == nil {
				first = b
			} else if !bytes.Equal(b, first) {
				t.Errorf("%d workers: output differs from 1 worker's", workers)
			}
		}
	}
}

// countingWriter counts tiles and checks each index arrives once.
type countingWriter struct{ seen []bool }

func (c *countingWriter) WriteMaskTile(context.Context, int, []byte) error { return nil }

func (c *countingWriter) WriteTile(ctx context.Context, i int, samples []byte) error {
	if c.seen[i] {
		return fmt.Errorf("tile %d written twice", i)
	}
	c.seen[i] = true
	return nil
}

func TestCacheDecodesOnce(t *testing.T) {
	dir := t.TempDir()
	_, mixed := layoutStack(t, dir, 300, 200)
	for _, tt := range []struct {
		name    string
		budget  int64
		workers int
		once    bool
	}{{"default budget", 0, 3, true}, {"tiny budget", 1, 1, false}} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := Config{Workers: tt.workers, CacheBytes: tt.budget}.validate(len(mixed))
			p := openPipeline(t, cfg, mixed)
			cw := &countingWriter{seen: make([]bool, p.grid.Len())}
			if err := p.run(context.Background(), cw); err != nil {
				t.Fatal(err)
			}
			blocks := int64(0)
			for _, s := range p.srcs {
				if s.direct {
					t.Errorf("%s read directly", s.name)
				}
				blocks += int64(s.im.NumTiles())
			}
			decodes, held := p.cache.stats()
			if tt.once && decodes != blocks {
				t.Errorf("decoded %d blocks, want each of %d once", decodes, blocks)
			}
			if !tt.once && decodes <= blocks {
				t.Errorf("decoded %d blocks with no budget, want more than %d", decodes, blocks)
			}
			if held != 0 {
				t.Errorf("cache holds %d bytes after the run, want 0", held)
			}
		})
	}
}

func TestRunBands(t *testing.T) {
	dir := t.TempDir()
	var inputs []string
	for k := 0; k < 3; k++ {
		r := randomRaster(uint64(k), 90, 40, 3, 0, 255, 0.1, math.NaN())
		inputs = append(inputs, writeRaster(t, dir, fmt.Sprintf("rgb%d.tif", k), r,
			geotiff.WriterOptions{Type: geotiff.Uint8, HasNoData: true, NoData: 0, TileWidth: 16, TileHeight: 16}))
	}
	meta := `<GDALMetadata>
  <Item name="STATISTICS_MEAN" sample="0">1</Item>
  <Item name="DESCRIPTION" sample="2" role="description">blue</Item>
  <Item name="PRODUCT">demo</Item>
</GDALMetadata>`
	inputs[0] = writeRaster(t, dir, "meta.tif", randomRaster(0, 90, 40, 3, 0, 255, 0.1, math.NaN()),
		geotiff.WriterOptions{Type: geotiff.Uint8, HasNoData: true, NoData: 0, Metadata: meta})
	for _, planar := range []int{geotiff.PlanarContig, geotiff.PlanarSeparate} {
		t.Run(fmt.Sprint("planar", planar), func(t *testing.T) {
			cfg := Config{Bands: []int{2, 0}, Output: geotiff.WriterOptions{Planar: planar}}
			out := filepath.Join(dir, fmt.Sprintf("out%d.tif", planar))
			if err := Run(context.Background(), cfg, inputs, out); err != nil {
				t.Fatal(err)
			}
			im, got := readRaster(t, out)
			compareRaster(t, got, expected(t, cfg, inputs), 1e-6)
			if !im.HasNoData || im.NoData != 0 {
				t.Errorf("output nodata %v %v, want the first input's 0", im.HasNoData, im.NoData)
			}
			want := `<Item name="DESCRIPTION" sample="0" role="description">blue</Item>`
			if !bytes.Contains([]byte(im.Metadata), []byte(want)) || bytes.Contains([]byte(im.Metadata), []byte("STATISTICS")) ||
				!bytes.Contains([]byte(im.Metadata), []byte("PRODUCT")) {
				t.Errorf("metadata %s: want the band 3 description as band 1, PRODUCT, no statistics", im.Metadata)
			}
		})
	}
}

func TestRunCancel(t *testing.T) {
	dir := t.TempDir()
	inputs := stack(t, dir, 2, 600, 600, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := Config{Workers: 2, Progress: func(done, total int) {
		if done == 2 {
			cancel()
		}
	}}
	out := filepath.Join(dir, "out.tif")
	err := Run(ctx, cfg, inputs, out)
	if err == nil || !errorsIsCanceled(err) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "in0.tif" && e.Name() != "in1.tif" {
			t.Errorf("%s left in the output directory", e.Name())
		}
	}
}

func TestRunCorruptInput(t *testing.T) {
	dir := t.TempDir()
	inputs := stack(t, dir, 3, 600, 600, 1)
	// Overwrite the middle of the second file's tile data.
	b, err := os.ReadFile(inputs[1])
	if err != nil {
		t.Fatal(err)
	}
	for i := len(b) / 3; i < len(b)/3+4000; i++ {
		b[i] ^= 0x5a
	}
	if err := os.WriteFile(inputs[1], b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.tif")
	err = Run(context.Background(), Config{Workers: 3}, inputs, out)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("in1.tif")) {
		t.Fatalf("got %v, want an error naming in1.tif", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output exists after error")
	}
}

// TestCacheOverBudget reads an input of full-width blocks (like strips),
// each serving a row of 4 output tiles, through a cache with half the
// budget a row of blocks needs: decoding stays far below one decode per
// block and output tile (what least recently used eviction would do), and
// the result is still right.
func TestCacheOverBudget(t *testing.T) {
	dir := t.TempDir()
	r := randomRaster(5, 1024, 512, 1, 0, 1000, 0.1, math.NaN())
	in := writeRaster(t, dir, "strips.tif", r, geotiff.WriterOptions{Type: geotiff.Float32, TileWidth: 1024, TileHeight: 16})
	rd, err := geotiff.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	block := int64(rd.Image().TileBytes())
	cfg, _ := Config{Workers: 1, CacheBytes: 8 * block, Output: geotiff.WriterOptions{TileWidth: 256, TileHeight: 256}}.validate(1)
	p, err := testPipeline(t, cfg, []string{in}, []*geotiff.Reader{rd})
	if err != nil {
		t.Fatal(err)
	}
	cw := &countingWriter{seen: make([]bool, p.grid.Len())}
	if err := p.run(context.Background(), cw); err != nil {
		t.Fatal(err)
	}
	decodes, held := p.cache.stats()
	blocks := int64(rd.Image().NumTiles()) // 32, each needed by 4 output tiles
	t.Logf("%d blocks decoded %d times with room for 8 of the 16 a row of output tiles needs", blocks, decodes)
	if decodes > 5*blocks/2 || decodes < blocks {
		t.Errorf("decoded %d blocks, want between %d and %d (LRU would decode %d)", decodes, blocks, 5*blocks/2, 4*blocks)
	}
	if held != 0 {
		t.Errorf("cache holds %d bytes after the run", held)
	}
	out := filepath.Join(dir, "out.tif")
	if err := Run(context.Background(), Config{Workers: 2, CacheBytes: 8 * block}, []string{in}, out); err != nil {
		t.Fatal(err)
	}
	_, got := readRaster(t, out)
	compareRaster(t, got, expected(t, Config{}, []string{in}), 0)
}
