package compute

import (
	"errors"
	"fmt"
	"image"
	"math"
	"strings"

	"github.com/gomean/gomean/geotiff"
	"github.com/gomean/gomean/grid"
)

// A placement is the output grid of a run and where each input lies on it.
type placement struct {
	width, height int
	geo           geotiff.Georef   // the output's georeferencing
	ps            []grid.Placement // per input, where it lies on the output grid
	// shifted is set when some input is not the output grid itself (its
	// size or offset differs): the run then indexes the footprints.
	shifted bool
}

// place checks the inputs' CRSs and grids and decides the output grid:
// the first input's when every input shares it and cfg.Grid sets no
// target, else the one cfg.Grid describes (see [grid.Place]); inputs off
// the lattice of a target grid are resampled (nearest neighbour).
func place(cfg Config, names []string, ims []*geotiff.Image, notice func(string, ...any)) (placement, error) {
	first := ims[0]
	pl := placement{width: first.Width, height: first.Height, geo: first.Geo, ps: make([]grid.Placement, len(ims))}
	for i, im := range ims {
		pl.ps[i].Foot = image.Rect(0, 0, im.Width, im.Height)
	}
	if !cfg.IgnoreCRS {
		if err := checkCRS(names, ims); err != nil {
			return pl, err
		}
	}
	georef := true
	for _, im := range ims {
		georef = georef && im.Geo.HasTransform
	}
	if !georef {
		if cfg.Grid.Flags() || cfg.Grid.Extent != grid.Union {
			return pl, fmt.Errorf("%w: --extent, --te, --tr, --tap and --ts need georeferenced inputs, and some have no geotransform", ErrNotCoregistered)
		}
		return pl, checkCoregistered(names, ims, true)
	}
	grids := make([]grid.Grid, len(ims))
	for i, im := range ims {
		grids[i] = grid.Grid{T: im.Geo.Transform, Width: im.Width, Height: im.Height}
	}
	out, ps, err := grid.Place(grids, cfg.Grid)
	if err != nil {
		var ie *grid.InputError
		switch {
		case errors.As(err, &ie) && errors.Is(err, grid.ErrNotAligned):
			i := ie.Index
			return pl, fmt.Errorf("%s: %w: geotransform %s (%dx%d) is not on the pixel lattice of %s's %s: %w: give a target grid (--tr, --te or --ts) to resample it (nearest neighbour), or resample it onto the grid of the first input first (gdalwarp -te/-tr)",
				names[i], ErrNotCoregistered, transformString(ims[i].Geo), ims[i].Width, ims[i].Height, names[0], transformString(first.Geo), ie.Err)
		case errors.As(err, &ie):
			return pl, fmt.Errorf("%s: %w", names[ie.Index], ie.Err)
		}
		return pl, err
	}
	pl.ps = ps
	pl.width, pl.height = out.Width, out.Height
	pl.geo.Transform = geotiff.GeoTransform(out.T)
	same := out.Width == first.Width && out.Height == first.Height
	for i, im := range ims {
		same = same && !ps[i].Resampled && ps[i].Off == image.Point{} && im.Width == out.Width && im.Height == out.Height
	}
	if same {
		// Co-registered within the tolerance: keep the first input's
		// transform exactly, as before grids could differ.
		pl.geo = first.Geo
		return pl, nil
	}
	pl.shifted = true
	var resampled []string
	for i, p := range ps {
		if p.Resampled {
			resampled = append(resampled, names[i])
		}
	}
	if len(resampled) > 0 {
		how := "nearest neighbour, as gdalwarp -r near"
		if k := cfg.Grid.Resampling; k != grid.Nearest {
			how = "as gdalwarp -r " + k.String()
		}
		notice("%d of %d inputs are not on the target grid's lattice and are resampled (%s), %s first", len(resampled), len(ims), how, resampled[0])
	}
	if !cfg.Grid.Flags() {
		notice("the inputs' grids differ: the output is their %v, %dx%d pixels (--extent and --te choose another)", cfg.Grid.Extent, out.Width, out.Height)
	}
	return pl, nil
}

// checkCRS checks that every input has the CRS of the first.
func checkCRS(names []string, ims []*geotiff.Image) error {
	a := ims[0]
	for i := 1; i < len(ims); i++ {
		b := ims[i]
		if SameCRS(a.Geo.Keys, b.Geo.Keys) {
			continue
		}
		got, want := DescribeCRS(b.Geo.Keys), DescribeCRS(a.Geo.Keys)
		if got == want {
			got, want = crsKeyString(b.Geo.Keys), crsKeyString(a.Geo.Keys)
		}
		return fmt.Errorf("%s: %w: CRS %s differs from %s of %s: reproject it first (%s), or pass --ignore-crs if both CRSs are the same one written differently",
			names[i], ErrNotCoregistered, got, want, names[0], warpCommand(a, names[0], names[i]))
	}
	return nil
}

// warpCommand returns the gdalwarp command that reprojects the input in
// onto the CRS and grid lattice of ref (named refName).
func warpCommand(ref *geotiff.Image, refName, in string) string {
	srs := "EPSG:" + fmt.Sprint(CRSCode(ref.Geo.Keys))
	if CRSCode(ref.Geo.Keys) == 0 {
		srs = shellQuote(refName) // GDAL reads the CRS of a dataset named as -t_srs
	}
	out := strings.TrimSuffix(in, ".tif") + "_warped.tif"
	cmd := "gdalwarp -t_srs " + srs
	if t := ref.Geo.Transform; ref.Geo.HasTransform && t[2] == 0 && t[4] == 0 {
		cmd += fmt.Sprintf(" -tr %s %s -tap", fmtFloat(t[1]), fmtFloat(math.Abs(t[5])))
	}
	return cmd + " " + shellQuote(in) + " " + shellQuote(out)
}

func fmtFloat(v float64) string { return fmt.Sprintf("%.10g", v) }

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
