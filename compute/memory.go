package compute

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// ErrMemoryBudget is wrapped by the error [Run] returns, before any
// allocation, when the run cannot fit in Config.MemoryBytes.
var ErrMemoryBudget = errors.New("over the memory budget")

// DefaultMemoryBytes returns the memory budget of a run when
// Config.MemoryBytes is 0: the Go memory limit when one is set (GOMEMLIMIT),
// else a quarter (an eighth in cgo builds) of the address-space limit when one is set (ulimit -v: the
// Go runtime reserves address space well beyond the heap), else half the
// physical memory; at most 1 GiB on 32-bit systems, and 2 GiB when nothing
// is known.
func DefaultMemoryBytes() int64 {
	budget := int64(2 << 30)
	if lim := debug.SetMemoryLimit(-1); lim > 0 && lim < math.MaxInt64 {
		budget = lim
	} else if as := addressSpaceLimit(); as > 0 {
		share := uint64(4)
		if cgoBuild {
			share = 8 // C threads' stacks and malloc arenas take their part
		}
		budget = int64(min(as/share, math.MaxInt64/2))
	} else if ram := physicalMemory(); ram > 0 {
		budget = ram / 2
	}
	if unsafe.Sizeof(uintptr(0)) == 4 {
		budget = min(budget, 1<<30)
	}
	return budget
}

// physicalMemory returns MemTotal from /proc/meminfo, or 0.
func physicalMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// checkMemory fits the run into Config.MemoryBytes before any allocation:
// it fails when one input block alone does not fit, lowers the worker count
// when the workers' buffers do not, and shrinks the block cache to what is
// left.
func (p *pipeline) checkMemory() error {
	budget := p.cfg.MemoryBytes
	var perWorker, maxBlock int64
	var big *source
	tilePx := int64(p.tileW) * int64(p.tileH)
	switch {
	case p.stream && holistic(p.cfg.Op):
		// A unit's stack, and the results of the parts in flight.
		_, w := p.spanTiles()
		perWorker += int64(p.stackRows())*p.stackRowBytes() + 2*int64(w)*int64(p.tileH)*int64(p.stride)*8
	case p.stream:
		// Accumulators of the units, rows and held partials in flight.
		_, w := p.spanTiles()
		perWorker += 2 * int64(w) * int64(p.tileH) * int64(len(p.bands)) * p.accBytes()
	}
	var wins []int64 // per input, its windows (and its mask's) for one tile
	add := func(s *source) {
		if !p.stream {
			if s.idx < len(p.srcs) {
				wins = append(wins, 0)
			}
			wins[len(wins)-1] += tilePx * int64(len(s.loads[0])) * int64(s.size)
			if s.kdecs != nil { // float64 results, and the decoded cells under them
				cells := s.kernelCells(p.tileW, p.tileH)
				wins[len(wins)-1] += (tilePx + int64(cells)) * int64(len(s.loads[0])) * 8
			}
			perWorker += chunk * 8
		}
		if p.stream && p.rowStreamed(s) {
			return // decoded row by row
		}
		if b := int64(s.im.TileBytes()); b > maxBlock {
			maxBlock, big = b, s
		}
	}
	for _, s := range p.srcs {
		add(s)
		if s.mask != nil {
			add(s.mask)
		}
	}
	// With footprints a worker holds the windows of the inputs of one
	// tile only: at most p.maxActive of them.
	if p.index != nil {
		slices.SortFunc(wins, func(a, b int64) int { return cmp.Compare(b, a) })
		wins = wins[:min(len(wins), p.maxActive)]
	}
	for _, w := range wins {
		perWorker += w
	}
	// The worker's output tile, and the writer's window of 4 tiles per
	// compression worker, each with its compressed copy.
	outTile := tilePx * int64(p.stride) * int64(p.cfg.Type.Size())
	perWorker += outTile + 8*outTile
	if maxBlock > budget || perWorker+maxBlock > budget {
		what := "strip"
		if big.im.Tiled {
			what = "tile"
		}
		return fmt.Errorf("%s: ifd %d: a %s of %dx%d decodes to %s, and the run needs %s with it: %w of %s: give --memory (or GOMEMLIMIT) more if the machine has it, or rewrite the file with smaller blocks (gdal_translate -co TILED=YES)",
			big.name, big.im.Index, what, big.im.TileWidth, big.im.TileHeight, mib(maxBlock), mib(perWorker+maxBlock), ErrMemoryBudget, mib(budget))
	}
	// Each worker may hold one block it decodes besides its windows.
	per := perWorker + maxBlock
	if need := int64(p.cfg.Workers) * per; need > budget {
		w := int(budget / per)
		p.notice("memory budget %s: %d workers instead of %d", mib(budget), w, p.cfg.Workers)
		p.cfg.Workers = w
		p.cfg.Output.Workers = min(p.cfg.Output.Workers, w)
	}
	left := budget - int64(p.cfg.Workers)*per
	p.cfg.CacheBytes = max(0, min(p.cfg.CacheBytes, left))
	return nil
}

// mib formats a byte count for messages.
func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}
