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

// encodeInput encodes the real value x of input i, with an error when it
// does not fit the input's format.
func encodeInput(f *ir.Func, i int, x float64) (int64, error) {
	r, err := fixed.Encode(x, inputFormat(f, i))
	if err != nil {
		return 0, fmt.Errorf("input %q: %v", f.Inputs[i].Name, err)
	}
	return r, nil
}

// Stimulus supplies the real input values of each step (real units; a
// noise input its N(0, 1) sample). The float64 model reads them as they
// are; the bit-true model reads them encoded (Encode). Values must be
// called for steps 0, 1, 2, … in order: noise streams advance once per
// call.
type Stimulus interface {
	Values(step int, x []float64)
}

// realSource is the Stimulus ParseStimulus builds: constants, rows or
// seeded random words decoded, then every noise input the spec does not
// set drawn from its Noise stream.
type realSource struct {
	vals  []float64   // const
	rows  [][]float64 // file
	rnd   Source      // random: words of fm
	fm    fixed.Format
	raw   []int64
	noise []*Noise // by input; nil where the input is not drawn
}

func (s *realSource) Values(step int, x []float64) {
	switch {
	case s.rnd != nil:
		s.rnd.Next(step, s.raw)
		for i, r := range s.raw {
			x[i] = s.fm.Decode(r)
		}
	case s.rows != nil:
		if len(s.rows) == 0 {
			clear(x)
		} else {
			copy(x, s.rows[min(step, len(s.rows)-1)])
		}
	default:
		copy(x, s.vals)
	}
	for i, n := range s.noise {
		if n != nil {
			x[i] = n.Next()
		}
	}
}

// constant returns the values a const or file stimulus holds (every row),
// for checking that they fit a format; nil for random ones.
func (s *realSource) constant() [][]float64 {
	if s.rows != nil {
		return s.rows
	}
	if s.rnd == nil {
		return [][]float64{s.vals}
	}
	return nil
}

// inputFormat is the word format of input i of a fixed-phase f: its own
// type's, else the function's.
func inputFormat(f *ir.Func, i int) fixed.Format {
	if t := f.Inputs[i].Type; t.Kind == ir.KFixed {
		return t.Fmt
	}
	return f.Format
}

// EncodeValue encodes the real value x for input i of the fixed-phase f:
// rounded to nearest even, saturated to the input's format (NaN reads 0).
func EncodeValue(f *ir.Func, i int, x float64) int64 {
	fm := inputFormat(f, i)
	if math.IsNaN(x) {
		return 0
	}
	s := math.RoundToEven(math.Ldexp(x, fm.Frac))
	switch {
	case s <= float64(fm.Min()):
		return fm.Min()
	case s >= float64(fm.Max()):
		return fm.Max()
	}
	return int64(s)
}

type encoded struct {
	f  *ir.Func
	st Stimulus
	x  []float64
}

// Encode returns the raw-word Source the bit-true f reads for st: each
// value encoded by EncodeValue.
func Encode(f *ir.Func, st Stimulus) Source {
	return &encoded{f: f, st: st, x: make([]float64, len(f.Inputs))}
}

func (e *encoded) Next(step int, raw []int64) {
	e.st.Values(step, e.x)
	for i, x := range e.x {
		raw[i] = EncodeValue(e.f, i, x)
	}
}

// ParseSpec builds the raw-word source the bit-true (fixed-phase) f reads
// for a --input specification: Encode(f, ParseStimulus(f, spec)), with an
// error when a constant or a file value does not fit its input's format.
func ParseSpec(f *ir.Func, spec string) (Source, error) {
	st, err := ParseStimulus(f, spec)
	if err != nil {
		return nil, err
	}
	rs := st.(*realSource)
	for li, row := range rs.constant() {
		for i, x := range row {
			if rs.noise[i] != nil {
				continue
			}
			if _, err := encodeInput(f, i, x); err != nil {
				if rs.rows != nil {
					return nil, fmt.Errorf("%s:%d: %v", strings.TrimPrefix(spec, "file:"), li+2, err)
				}
				return nil, err
			}
		}
	}
	return Encode(f, st), nil
}

// ParseStimulus builds the real-valued stimulus of a --input
// specification for f (a real- or fixed-phase function; only its inputs'
// names, ranges, noise flags and f.Format are read):
//
//	const:VALUE            every input held at VALUE (real units)
//	const:I=2.5,J=-1       per-input constants (missing inputs are 0)
//	random:SEED            each input uniform over its declared range
//	                       (InputRange: words of f.Format, decoded), one
//	                       draw per step, the stream of Random(f, SEED)
//	file:PATH              CSV with a header naming inputs, one row per step
//	                       (real units); the last row is held after the end
//	noise:SEED             every input 0, noise inputs seeded with SEED
//	SPEC+noise:SEED        SPEC, noise inputs seeded with SEED
//
// Noise inputs (ir.Input.Noise, a Brian2 model's xi) get one N(0, 1)
// sample per step from NewNoise(seed, k, 0), k their index among the noise
// inputs, unless the spec names them (const:xi=0 or a file column). The
// seed is noise:SEED's, else random:SEED's, else 1. const:VALUE does not
// set noise inputs.
func ParseStimulus(f *ir.Func, spec string) (Stimulus, error) {
	body, noiseSeed := spec, uint64(1)
	seeded := false
	if i := strings.LastIndex(spec, "+noise:"); i >= 0 || strings.HasPrefix(spec, "noise:") {
		arg := strings.TrimPrefix(spec, "noise:")
		body = "const:0"
		if i >= 0 {
			body, arg = spec[:i], spec[i+len("+noise:"):]
		}
		seed, err := strconv.ParseUint(arg, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("bad --input %q: expected noise:SEED with an unsigned integer seed", spec)
		}
		noiseSeed, seeded = seed, true
	}
	s := &realSource{}
	set := make([]bool, len(f.Inputs)) // inputs the spec names
	kind, arg, _ := strings.Cut(body, ":")
	switch kind {
	case "random":
		seed, err := strconv.ParseUint(arg, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("bad --input %q: expected random:SEED with an unsigned integer seed", spec)
		}
		s.rnd, s.fm, s.raw = Random(f, seed), f.Format, make([]int64, len(f.Inputs))
		if !seeded {
			noiseSeed = seed
		}
	case "const":
		s.vals = make([]float64, len(f.Inputs))
		if !strings.Contains(arg, "=") {
			x, err := strconv.ParseFloat(arg, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("bad --input %q: expected const:VALUE or const:NAME=VALUE,...", spec)
			}
			for i, in := range f.Inputs {
				if !in.Noise {
					s.vals[i] = x
				}
			}
			break
		}
		for _, kv := range strings.Split(arg, ",") {
			k, v, ok := strings.Cut(kv, "=")
			i := f.InputIndex(strings.TrimSpace(k))
			if !ok || i < 0 {
				return nil, fmt.Errorf("bad --input %q: %q is not an input of %s", spec, k, f.Name)
			}
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("bad --input %q: %q is not a number", spec, v)
			}
			s.vals[i], set[i] = x, true
		}
	case "file":
		fh, err := os.Open(arg)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		rows, cols, err := readRows(f, arg, fh)
		if err != nil {
			return nil, err
		}
		s.rows, set = rows, cols
	default:
		return nil, fmt.Errorf("bad --input %q: expected const:VALUE, random:SEED, file:PATH or noise:SEED (optionally SPEC+noise:SEED)", spec)
	}
	s.noise = make([]*Noise, len(f.Inputs))
	k := 0
	for i, in := range f.Inputs {
		if !in.Noise {
			continue
		}
		if !set[i] {
			s.noise[i] = NewNoise(noiseSeed, k, 0)
		}
		k++
	}
	return s, nil
}

// ReadCSV reads a stimulus table (readRows) as raw words of the
// fixed-phase f: a header row naming inputs of f (in any order; a `step`
// column is ignored), then one row of real values per step.
func ReadCSV(f *ir.Func, name string, r io.Reader) (Source, error) {
	rows, _, err := readRows(f, name, r)
	if err != nil {
		return nil, err
	}
	var out rowsSource
	for li, row := range rows {
		raw := make([]int64, len(row))
		for i, x := range row {
			if raw[i], err = encodeInput(f, i, x); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, li+2, err)
			}
		}
		out = append(out, raw)
	}
	return out, nil
}

// readRows reads a stimulus table in real units: a header row naming
// inputs of f (in any order; a `step` column is ignored), then one row per
// step (missing inputs 0). cols reports the inputs the header names.
func readRows(f *ir.Func, name string, r io.Reader) (rows [][]float64, cols []bool, err error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(recs) == 0 {
		return nil, nil, fmt.Errorf("%s: empty stimulus file", name)
	}
	cols = make([]bool, len(f.Inputs))
	col := make([]int, len(recs[0]))
	for j, h := range recs[0] {
		h = strings.TrimSpace(h)
		col[j] = f.InputIndex(h)
		if col[j] < 0 && h != "step" {
			return nil, nil, fmt.Errorf("%s:1:%d: %q is not an input of %s", name, j+1, h, f.Name)
		}
		if col[j] >= 0 {
			cols[col[j]] = true
		}
	}
	rows = [][]float64{}
	for li, rec := range recs[1:] {
		row := make([]float64, len(f.Inputs))
		for j, cell := range rec {
			if j >= len(col) || col[j] < 0 {
				continue
			}
			x, err := strconv.ParseFloat(strings.TrimSpace(cell), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil, fmt.Errorf("%s:%d:%d: %q is not a number", name, li+2, j+1, cell)
			}
			row[col[j]] = x
		}
		rows = append(rows, row)
	}
	return rows, cols, nil
}
