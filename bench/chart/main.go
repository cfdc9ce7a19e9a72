// Command chart draws wall time against cores for gomean and its peers as a
// PNG, from the runs bench/compare.sh recorded (results.tsv), with the
// standard library only (a built-in 5×7 bitmap font).
//
// Usage:
//
//	go run ./bench/chart -o docs/bench-cores.png \
//	    -series 'gomean=gomean_1core@1,gomean@2' \
//	    -series 'GDAL VRT + gdal_translate=vrt@1,vrt_nt@2' results.tsv
//
// Each -series is LABEL=CONFIG@CORES,...; the points are the medians of the
// configurations (bench/internal/results).
package main

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/gomean/gomean/bench/internal/results"
)

type point struct {
	cores int
	wall  float64
}

type series struct {
	label  string
	points []point
	color  color.RGBA // zero: the palette's
}

type seriesFlag []string

func (s *seriesFlag) String() string     { return strings.Join(*s, " ") }
func (s *seriesFlag) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	var specs seriesFlag
	out := flag.String("o", "bench-cores.png", "output PNG")
	title := flag.String("title", "wall time vs cores", "chart title")
	note := flag.String("note", "", "a line of small text under the title")
	clean := flag.Float64("clean", 1.0, "clean-run threshold of other CPU-seconds, as bench/summary")
	floor := flag.Float64("floor", 0, "draw the codec floor: this many single-core CPU-seconds divided by the cores (bench/floor)")
	flag.Var(&specs, "series", "LABEL=CONFIG@CORES,... (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 || len(specs) == 0 {
		fmt.Fprintln(os.Stderr, "usage: chart -o OUT.png -series LABEL=CONFIG@CORES,... results.tsv")
		os.Exit(2)
	}
	runs, err := results.Load(flag.Arg(0))
	if err == nil {
		var ss []series
		if ss, err = parseSeries(specs, results.Summarize(runs, *clean)); err == nil {
			ss = withFloor(ss, *floor)
			err = writePNG(*out, draw(ss, *title, *note))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "chart:", err)
		os.Exit(1)
	}
}

func parseSeries(specs []string, sum []results.Summary) ([]series, error) {
	var out []series
	for _, spec := range specs {
		i := strings.LastIndex(spec, "=")
		ok := i > 0
		name, list := spec[:max(i, 0)], spec[i+1:]
		if !ok || name == "" {
			return nil, fmt.Errorf("-series %q: want LABEL=CONFIG@CORES,...", spec)
		}
		s := series{label: name}
		for _, item := range strings.Split(list, ",") {
			cfg, n, ok := strings.Cut(item, "@")
			c, err := strconv.Atoi(n)
			if !ok || err != nil || c < 1 {
				return nil, fmt.Errorf("-series %q: item %q: want CONFIG@CORES", spec, item)
			}
			if r, ok := results.Find(sum, cfg); ok {
				s.points = append(s.points, point{c, r.Wall})
			}
		}
		if len(s.points) > 0 {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no series has a configuration that is in the results")
	}
	return out, nil
}

// withFloor adds the codec floor, floor/n at every core count n the
// series have, when floor > 0.
func withFloor(ss []series, floor float64) []series {
	if floor <= 0 {
		return ss
	}
	maxC := 1
	for _, s := range ss {
		for _, p := range s.points {
			maxC = max(maxC, p.cores)
		}
	}
	f := series{label: "codec floor (CPU-s / cores)", color: color.RGBA{120, 120, 120, 255}}
	for c := 1; c <= maxC; c++ {
		f.points = append(f.points, point{c, floor / float64(c)})
	}
	return append(ss, f)
}

var palette = []color.RGBA{
	{0, 90, 200, 255}, {220, 90, 0, 255}, {0, 150, 70, 255}, {170, 0, 140, 255},
	{120, 120, 0, 255}, {0, 150, 160, 255}, {200, 0, 40, 255},
}

const (
	width, height = 1220, 620
	left, right   = 100, 490 // plot margins; the legend is on the right
	top, bottom   = 115, 80
)

func draw(ss []series, title, note string) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	fillRect(img, 0, 0, width, height, color.White)
	black, grey := color.RGBA{0, 0, 0, 255}, color.RGBA{225, 225, 225, 255}
	maxC, maxW := 1, 0.0
	for _, s := range ss {
		for _, p := range s.points {
			maxC, maxW = max(maxC, p.cores), max(maxW, p.wall)
		}
	}
	ymax, step := niceScale(maxW * 1.08)
	px0, px1, py0, py1 := left, width-right, height-bottom, top
	xOf := func(c int) int {
		if maxC == 1 {
			return (px0 + px1) / 2
		}
		return px0 + 110 + (c-1)*(px1-px0-180)/(maxC-1)
	}
	yOf := func(v float64) int { return py0 - int(math.Round(v/ymax*float64(py0-py1))) }
	drawText(img, left, 20, title, black, 3)
	if note != "" {
		drawText(img, left, 50, note, black, 2)
	}
	for v := 0.0; v <= ymax+1e-9; v += step {
		y := yOf(v)
		fillRect(img, px0, y, px1, y+1, grey)
		lab := strconv.FormatFloat(v, 'f', -1, 64)
		drawText(img, px0-10-textWidth(lab, 2), y-7, lab, black, 2)
	}
	fillRect(img, px0, py1, px0+2, py0+1, black)
	fillRect(img, px0, py0, px1, py0+2, black)
	for c := 1; c <= maxC; c++ {
		x := xOf(c)
		fillRect(img, x, py0, x+2, py0+8, black)
		lab := strconv.Itoa(c)
		drawText(img, x-textWidth(lab, 2)/2, py0+14, lab, black, 2)
	}
	drawText(img, (px0+px1)/2-textWidth("cores", 2)/2, py0+40, "cores", black, 2)
	drawText(img, 10, py1-36, "wall s", black, 2)
	var labels []label
	for i, s := range ss {
		c := palette[i%len(palette)]
		if s.color.A != 0 {
			c = s.color
		}
		for j, p := range s.points {
			x, y := xOf(p.cores), yOf(p.wall)
			if j > 0 {
				q := s.points[j-1]
				line(img, xOf(q.cores), yOf(q.wall), x, y, c, 3)
			}
			fillRect(img, x-5, y-5, x+6, y+6, c)
			lab := strconv.FormatFloat(p.wall, 'f', 2, 64)
			lx := x + 10
			if p.cores == 1 && maxC > 1 {
				lx = x - 10 - textWidth(lab, 2)
			}
			labels = append(labels, label{lx, y - 7, lab, c})
		}
		ly := top + 10 + i*30
		fillRect(img, width-right+40, ly+3, width-right+70, ly+9, c)
		drawText(img, width-right+78, ly, s.label, c, 2)
	}
	for _, l := range spread(labels, 16) {
		drawText(img, l.x, l.y, l.text, l.c, 2)
	}
	return img
}

// A label is a value written next to a point.
type label struct {
	x, y int
	text string
	c    color.RGBA
}

// spread moves labels that share a column apart vertically so that they
// are at least gap pixels apart, keeping their order.
func spread(ls []label, gap int) []label {
	out := slices.Clone(ls)
	slices.SortStableFunc(out, func(a, b label) int {
		if a.x != b.x {
			return a.x - b.x
		}
		return a.y - b.y
	})
	for i := 1; i < len(out); i++ {
		if out[i].x == out[i-1].x && out[i].y < out[i-1].y+gap {
			out[i].y = out[i-1].y + gap
		}
	}
	return out
}

// niceScale returns an axis maximum >= v and a tick step of 1, 2 or 5
// times a power of ten giving 4 to 10 ticks.
func niceScale(v float64) (float64, float64) {
	if v <= 0 {
		return 1, 0.2
	}
	mag := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{0.1, 0.2, 0.5, 1, 2} {
		step := m * mag
		if n := math.Ceil(v / step); n <= 10 {
			return n * step, step
		}
	}
	return math.Ceil(v/mag) * mag, mag
}

// line draws a segment w pixels thick.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.Color, w int) {
	n := max(abs(x1-x0), abs(y1-y0))
	for i := 0; i <= n; i++ {
		x := x0 + (x1-x0)*i/max(n, 1)
		y := y0 + (y1-y0)*i/max(n, 1)
		fillRect(img, x-w/2, y-w/2, x-w/2+w, y-w/2+w, c)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func writePNG(name string, img image.Image) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
