package compute

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// A GroupBy partitions inputs by the calendar period of their dates.
type GroupBy uint8

// Calendar groupings. The zero value is no grouping.
const (
	NoGroups GroupBy = iota
	ByMonth          // "2024-01"
	ByYear           // "2024"
	BySeason         // "2024-DJF", "2024-MAM", "2024-JJA", "2024-SON"; December counts in the next year's DJF
	ByDOY            // "001" to "366": the day of the year, across years
)

var groupNames = [...]string{"", "month", "year", "season", "doy"}

// String returns the grouping's flag value ("month", ...).
func (g GroupBy) String() string {
	if int(g) < len(groupNames) {
		return groupNames[g]
	}
	return fmt.Sprintf("GroupBy(%d)", uint8(g))
}

// ParseGroupBy parses month, year, season or doy, case-insensitively.
func ParseGroupBy(s string) (GroupBy, error) {
	for i, n := range groupNames[1:] {
		if strings.EqualFold(s, n) {
			return GroupBy(i + 1), nil
		}
	}
	return 0, fmt.Errorf("compute: unknown grouping %q: want month, year, season or doy", s)
}

var seasons = [...]string{"DJF", "MAM", "JJA", "SON"}

// Key returns the name of t's group, and a key that sorts groups in
// calendar order.
func (g GroupBy) Key(t time.Time) (name, order string) {
	switch g {
	case ByMonth:
		name = t.Format("2006-01")
		return name, name
	case ByYear:
		name = t.Format("2006")
		return name, name
	case BySeason:
		y, s := t.Year(), int(t.Month())%12/3 // Dec, Jan, Feb → 0
		if t.Month() == time.December {
			y++
		}
		return fmt.Sprintf("%04d-%s", y, seasons[s]), fmt.Sprintf("%04d-%d", y, s)
	case ByDOY:
		name = fmt.Sprintf("%03d", t.YearDay())
		return name, name
	}
	return "", ""
}

// GroupPlaceholder is replaced by the group's name in output paths.
const GroupPlaceholder = "{group}"

// A Group is the inputs of one calendar period and the output they
// reduce to.
type Group struct {
	Name   string      // e.g. "2024-01"
	Output string      // the output path with {group} replaced by Name
	Inputs []string    // in command-line order
	Index  []int       // the position of each input among all inputs
	Dates  []time.Time // the date of each input
}

// SplitGroups partitions inputs by the period of their dates (one per
// input) into groups in calendar order, each with its output: output
// with every {group} replaced by the group's name. Several groups need
// {group} in output.
func SplitGroups(by GroupBy, inputs []string, dates []time.Time, output string) ([]Group, error) {
	if by == NoGroups || int(by) >= len(groupNames) {
		return nil, fmt.Errorf("compute: invalid grouping %v", by)
	}
	if len(dates) != len(inputs) {
		return nil, fmt.Errorf("compute: got %d dates for %d inputs: give one date per input", len(dates), len(inputs))
	}
	byOrder := map[string]*Group{}
	var orders []string
	for k, in := range inputs {
		name, order := by.Key(dates[k])
		g := byOrder[order]
		if g == nil {
			g = &Group{Name: name, Output: strings.ReplaceAll(output, GroupPlaceholder, name)}
			byOrder[order] = g
			orders = append(orders, order)
		}
		g.Inputs = append(g.Inputs, in)
		g.Index = append(g.Index, k)
		g.Dates = append(g.Dates, dates[k])
	}
	slices.Sort(orders)
	groups := make([]Group, len(orders))
	for i, o := range orders {
		groups[i] = *byOrder[o]
	}
	if len(groups) > 1 && !strings.Contains(output, GroupPlaceholder) {
		return nil, fmt.Errorf("output %s has no %s: the inputs fall in %d %s groups (%s to %s), one file each: name them like %s",
			output, GroupPlaceholder, len(groups), by, groups[0].Name, groups[len(groups)-1].Name, withPlaceholder(output))
	}
	return groups, nil
}

// withPlaceholder suggests an output name with {group} before the
// extension.
func withPlaceholder(output string) string {
	ext := ""
	if i := strings.LastIndexByte(output, '.'); i > strings.LastIndexAny(output, `/\`) {
		output, ext = output[:i], output[i:]
	}
	return output + "_" + GroupPlaceholder + ext
}

// groupConfig returns cfg for the inputs of g: its weights and, for
// Slope, its dates. cfg.Weights and cfg.Dates, when set, are per input of
// the whole run.
func groupConfig(cfg Config, g Group) Config {
	if cfg.Weights != nil {
		w := make([]float64, len(g.Index))
		for i, k := range g.Index {
			w[i] = cfg.Weights[k]
		}
		cfg.Weights = w
	}
	if cfg.Op == Slope && (cfg.Dates != nil || cfg.PerYear) {
		cfg.Dates = g.Dates
	}
	return cfg
}

// RunGroups runs [Run] once per group, in order, so each input is read
// once (the groups partition the inputs). Config.Weights and Config.Dates,
// when set, give one value per input of all groups. Every group's
// configuration is checked before any work. Notices start with the
// group's name, and Progress counts the tiles of all groups.
func RunGroups(ctx context.Context, cfg Config, groups []Group) error {
	total := 0
	seen := map[string]string{}
	for _, g := range groups {
		if prev, dup := seen[g.Output]; dup {
			return fmt.Errorf("groups %s and %s both write %s: put %s in the output name", prev, g.Name, g.Output, GroupPlaceholder)
		}
		seen[g.Output] = g.Name
		total += len(g.Inputs)
	}
	if cfg.Weights != nil && len(cfg.Weights) != total {
		return fmt.Errorf("compute: got %d weights for %d inputs: give one weight per input", len(cfg.Weights), total)
	}
	if cfg.Dates != nil && len(cfg.Dates) != total {
		return fmt.Errorf("compute: got %d dates for %d inputs: give one date per input", len(cfg.Dates), total)
	}
	for _, g := range groups {
		if _, err := groupConfig(cfg, g).validate(len(g.Inputs)); err != nil {
			return fmt.Errorf("group %s: %w", g.Name, err)
		}
	}
	for i, g := range groups {
		c := groupConfig(cfg, g)
		if cfg.Notice != nil {
			c.Notice = func(msg string) { cfg.Notice("group " + g.Name + ": " + msg) }
		}
		if cfg.Progress != nil {
			c.Progress = func(done, n int) { cfg.Progress(i*n+done, len(groups)*n) }
		}
		if err := Run(ctx, c, g.Inputs, g.Output); err != nil {
			return fmt.Errorf("group %s: %w", g.Name, err)
		}
	}
	return nil
}
