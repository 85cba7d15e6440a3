package sim

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"scc/fixed"
	"scc/ir"
)

// Source supplies the input words of each step, as raw words of the
// function's state format (the format of every input after quantize), so
// the float model and the bit-true model see the same stimulus: the float
// model reads Decode(raw).
type Source interface {
	// Next fills raw (one word per input of the function) for step (0-based).
	Next(step int, raw []int64)
}

// InputRange returns the raw words bounding input i of f: its declared range
// encoded in f.Format and clamped to the format, or the whole format.
func InputRange(f *ir.Func, i int) (lo, hi int64) {
	fm := f.Format
	lo, hi = fm.Min(), fm.Max()
	if r := f.Inputs[i].Range; r != nil {
		l := math.Ceil(math.Ldexp(r.Lo, fm.Frac))
		h := math.Floor(math.Ldexp(r.Hi, fm.Frac))
		if l > float64(lo) {
			lo = int64(l)
		}
		if h < float64(hi) {
			hi = int64(h)
		}
		if lo > hi {
			lo = hi
		}
	}
	return lo, hi
}

type randomSource struct {
	rng    *rand.Rand
	lo, hi []int64
}

// Random returns a seeded source of words drawn uniformly from each input's
// declared range (InputRange). The stream depends only on the seed and the
// ranges.
func Random(f *ir.Func, seed uint64) Source {
	s := &randomSource{rng: rand.New(rand.NewPCG(seed, 0x5cc5cc))}
	for i := range f.Inputs {
		lo, hi := InputRange(f, i)
		s.lo = append(s.lo, lo)
		s.hi = append(s.hi, hi)
	}
	return s
}

func (s *randomSource) Next(step int, raw []int64) {
	for i := range raw {
		// The span of a 64-bit format does not fit int64: draw in uint64.
		span := uint64(s.hi[i]-s.lo[i]) + 1
		if span == 0 {
			raw[i] = int64(s.rng.Uint64())
		} else {
			raw[i] = s.lo[i] + int64(s.rng.Uint64N(span))
		}
	}
}

type constSource []int64

func (c constSource) Next(step int, raw []int64) { copy(raw, c) }

// rowsSource replays recorded rows and holds the last row after the end.
type rowsSource [][]int64

func (r rowsSource) Next(step int, raw []int64) {
	if len(r) == 0 {
		clear(raw)
		return
	}
	copy(raw, r[min(step, len(r)-1)])
}

// encodeInput encodes the real value x of input i, saturating to the format
// with an error when it does not fit.
func encodeInput(f *ir.Func, i int, x float64) (int64, error) {
	r, err := fixed.Encode(x, f.Format)
	if err != nil {
		return 0, fmt.Errorf("input %q: %v", f.Inputs[i].Name, err)
	}
	return r, nil
}

// ParseSpec builds a source from a --input specification:
//
//	const:VALUE            every input held at VALUE (real units)
//	const:I=2.5,J=-1       per-input constants (missing inputs are 0)
//	random:SEED            Random(f, SEED)
//	file:PATH              CSV with a header naming inputs, one row per step
//	                       (real units); the last row is held after the end
func ParseSpec(f *ir.Func, spec string) (Source, error) {
	kind, arg, _ := strings.Cut(spec, ":")
	switch kind {
	case "random":
		seed, err := strconv.ParseUint(arg, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("bad --input %q: expected random:SEED with an unsigned integer seed", spec)
		}
		return Random(f, seed), nil
	case "const":
		vals := make(constSource, len(f.Inputs))
		if !strings.Contains(arg, "=") {
			x, err := strconv.ParseFloat(arg, 64)
			if err != nil {
				return nil, fmt.Errorf("bad --input %q: expected const:VALUE or const:NAME=VALUE,...", spec)
			}
			for i := range vals {
				if vals[i], err = encodeInput(f, i, x); err != nil {
					return nil, err
				}
			}
			return vals, nil
		}
		for _, kv := range strings.Split(arg, ",") {
			k, v, ok := strings.Cut(kv, "=")
			i := f.InputIndex(strings.TrimSpace(k))
			if !ok || i < 0 {
				return nil, fmt.Errorf("bad --input %q: %q is not an input of %s", spec, k, f.Name)
			}
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return nil, fmt.Errorf("bad --input %q: %q is not a number", spec, v)
			}
			if vals[i], err = encodeInput(f, i, x); err != nil {
				return nil, err
			}
		}
		return vals, nil
	case "file":
		fh, err := os.Open(arg)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		return ReadCSV(f, arg, fh)
	}
	return nil, fmt.Errorf("bad --input %q: expected const:VALUE, random:SEED or file:PATH", spec)
}

// ReadCSV reads a stimulus table: a header row naming inputs of f (in any
// order; a `step` column is ignored), then one row of real values per step.
func ReadCSV(f *ir.Func, name string, r io.Reader) (Source, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty stimulus file", name)
	}
	col := make([]int, len(recs[0]))
	for j, h := range recs[0] {
		h = strings.TrimSpace(h)
		col[j] = f.InputIndex(h)
		if col[j] < 0 && h != "step" {
			return nil, fmt.Errorf("%s:1:%d: %q is not an input of %s", name, j+1, h, f.Name)
		}
	}
	var rows rowsSource
	for li, rec := range recs[1:] {
		row := make([]int64, len(f.Inputs))
		for j, cell := range rec {
			if j >= len(col) || col[j] < 0 {
				continue
			}
			x, err := strconv.ParseFloat(strings.TrimSpace(cell), 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d:%d: %q is not a number", name, li+2, j+1, cell)
			}
			if row[col[j]], err = encodeInput(f, col[j], x); err != nil {
				return nil, fmt.Errorf("%s:%d:%d: %v", name, li+2, j+1, err)
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}
