package compute

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/gomean/gomean/geotiff"
)

// daysPerYear is the year of Config.PerYear.
const daysPerYear = 365.25

// validateExtra checks the settings of Percentile, Mode and Slope.
func (cfg Config) validateExtra(inputs int) error {
	if cfg.Percentiles != nil && cfg.Op != Percentile {
		return fmt.Errorf("compute: percentiles apply to percentile only, not %v", cfg.Op)
	}
	if cfg.Op == Percentile {
		if len(cfg.Percentiles) == 0 {
			return fmt.Errorf("compute: percentile needs at least one percentile (Config.Percentiles)")
		}
		if len(cfg.Percentiles) > 1 && cfg.Output.Planar == geotiff.PlanarSeparate {
			return fmt.Errorf("compute: %d percentiles with a band-interleaved output: several percentiles are written pixel-interleaved only (drop INTERLEAVE=BAND)", len(cfg.Percentiles))
		}
		for _, p := range cfg.Percentiles {
			if !(p >= 0 && p <= 100) {
				return fmt.Errorf("compute: percentile %v out of range: want 0 to 100", p)
			}
		}
	}
	if (cfg.Dates != nil || cfg.PerYear) && cfg.Op != Slope {
		return fmt.Errorf("compute: dates and per-year units apply to slope only, not %v", cfg.Op)
	}
	if cfg.Dates != nil && len(cfg.Dates) != inputs {
		return fmt.Errorf("compute: got %d dates for %d inputs: give one date per input", len(cfg.Dates), inputs)
	}
	if cfg.PerYear && cfg.Dates == nil {
		return fmt.Errorf("compute: a slope per year needs the inputs' dates")
	}
	return nil
}

// outputsPerBand returns the number of output bands per input band.
func (cfg *Config) outputsPerBand() int {
	if cfg.Op == Percentile && len(cfg.Percentiles) > 1 {
		return len(cfg.Percentiles)
	}
	return 1
}

// outBands returns the input band of every output band (not counting an
// alpha band).
func (p *pipeline) outBands() []int {
	m := p.cfg.outputsPerBand()
	if m == 1 {
		return p.bands
	}
	out := make([]int, 0, len(p.bands)*m)
	for _, b := range p.bands {
		for range m {
			out = append(out, b)
		}
	}
	return out
}

// modeType returns Mode's default output type: the type of the inputs
// when they share one, else Float64 (which holds every value of the
// others but 64-bit integers beyond 2^53).
func modeType(ins []*input) geotiff.SampleType {
	t := ins[0].im.Type
	for _, in := range ins[1:] {
		if in.im.Type != t {
			return geotiff.Float64
		}
	}
	return t
}

// configure sets the reducer's settings for Percentile and Slope, for
// the given number of inputs.
func (r *reducer) configure(cfg Config, inputs int) {
	n := len(r.cnt)
	switch cfg.Op {
	case Percentile:
		r.qs = make([]float64, len(cfg.Percentiles))
		r.outs = make([][]float64, len(cfg.Percentiles))
		for i, p := range cfg.Percentiles {
			r.qs[i] = p / 100 // numpy: np.true_divide(q, 100.0)
			if i > 0 {        // the first goes to reduce's out
				r.outs[i] = make([]float64, n)
			}
		}
		r.qAt = make([]quantileAt, 0, inputs*len(r.qs))
		for c := 1; c <= inputs; c++ {
			for _, q := range r.qs {
				r.qAt = append(r.qAt, locate(c, q))
			}
		}
	case Slope:
		r.xs, r.unit = slopeTimes(cfg, inputs), 1
		if cfg.PerYear {
			r.unit = daysPerYear
		}
	}
}

// slopeTimes returns the x of every input for Slope: days since the
// earliest date, or the inputs' positions without dates.
func slopeTimes(cfg Config, inputs int) []float64 {
	if cfg.Dates == nil {
		xs := make([]float64, inputs)
		for k := range xs {
			xs[k] = float64(k)
		}
		return xs
	}
	t0 := slices.MinFunc(cfg.Dates, time.Time.Compare)
	xs := make([]float64, len(cfg.Dates))
	for k, t := range cfg.Dates {
		xs[k] = float64(t.Unix()-t0.Unix()) / 86400
	}
	return xs
}

// encodeOuts encodes the results of every percentile of c pixels from
// p0 of band j: output sample j×len(P)+i of each pixel.
func (wk *worker) encodeOuts(j, p0, c int, track bool) {
	p := wk.p
	m := len(wk.red.outs)
	for i, o := range wk.red.outs {
		if i == 0 {
			o = wk.out // reduce wrote the first percentile there
		}
		o = o[:c]
		if track {
			for q, x := range o {
				if !math.IsNaN(x) {
					wk.valid[p0+q] = 1
				}
			}
		}
		wk.enc.encode(wk.buf, j*m+i+p0*p.stride, p.stride, o)
	}
}

// describePercentiles adds to the GDAL_METADATA XML text a description of
// every output band of Percentile, which GDAL shows as the band's
// description: "p10", or "NDVI p10" when the input band is described.
func (p *pipeline) describePercentiles(text string) string {
	if p.cfg.Op != Percentile {
		return text
	}
	var md gdalMetadata
	if err := md.parse(text); err != nil {
		md = gdalMetadata{}
	}
	desc := map[string]string{}
	items := md.Items[:0]
	for _, it := range md.Items {
		if it.Role == "description" {
			desc[it.Sample] = it.Value
			continue
		}
		items = append(items, it)
	}
	md.Items = items
	m := len(p.cfg.Percentiles)
	for j := range p.bands {
		for i, pc := range p.cfg.Percentiles {
			s := strconv.Itoa(j*m + i)
			name := "p" + strconv.FormatFloat(pc, 'f', -1, 64)
			if d := desc[s]; d != "" {
				name = d + " " + name
			}
			md.Items = append(md.Items, metaItem{Name: "DESCRIPTION", Sample: s, Role: "description", Value: name})
		}
	}
	return md.String()
}
