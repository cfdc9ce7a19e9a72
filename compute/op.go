package compute

import (
	"fmt"
	"strings"
)

// An Op is the per-pixel reduction applied to the valid values of a stack.
type Op uint8

// Reductions. The zero value is Mean.
const (
	Mean   Op = iota // arithmetic mean, or the weighted mean with Config.Weights
	Sum              // sum
	Min              // minimum
	Max              // maximum
	Count            // number of valid inputs
	Std              // population standard deviation (divides by n, numpy's ddof=0)
	Median           // median; the mean of the two middle values for an even count

	// Percentile writes one output band per Config.Percentiles value and
	// input band: numpy's nanpercentile with linear interpolation.
	Percentile
	// Mode is the most frequent valid value, the smallest of a tie.
	Mode
	// Slope is the ordinary least squares slope of the valid values
	// against time (Config.Dates), per day, per year with
	// Config.PerYear, or per input position without dates.
	Slope
)

var opNames = [...]string{"mean", "sum", "min", "max", "count", "std", "median", "percentile", "mode", "slope"}

// String returns the op's command name ("mean", "sum", ...).
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Ops returns the basic reductions, mean to median, in command order;
// [ExtraOps] returns the others.
func Ops() []Op { return []Op{Mean, Sum, Min, Max, Count, Std, Median} }

// ExtraOps returns the reductions over stacks in time that Ops leaves out,
// in command order: Percentile (which needs Config.Percentiles), Mode and
// Slope.
func ExtraOps() []Op { return []Op{Percentile, Mode, Slope} }

// ParseOp parses an op name, case-insensitively.
func ParseOp(s string) (Op, error) {
	for i, n := range opNames {
		if strings.EqualFold(s, n) {
			return Op(i), nil
		}
	}
	return 0, fmt.Errorf("compute: unknown reduction %q: want one of %s", s, strings.Join(opNames[:], ", "))
}
