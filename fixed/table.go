package fixed

import (
	"fmt"
	"math"
)

// Table is a breakpoint table of a nonlinear function (DESIGN §3): the IR's
// `table` op. Breakpoint k lies at raw argument Lo + k·2^Shift and holds the
// raw result Y[k]; between breakpoints the op interpolates linearly with
// floor rounding, and outside [Lo, Lo + (len(Y)-1)·2^Shift] it clamps to the
// end entries. Eval is the definition; sim calls it and the backends
// lower it to a ROM with the same arithmetic.
type Table struct {
	Lo    int64   // raw argument of the first breakpoint
	Shift int     // log2 of the breakpoint spacing in raw argument units
	Y     []int64 // raw results at the breakpoints, at least 2
}

// MaxTableShift bounds Shift so that every intermediate of Eval stays in
// int64 for results of up to MaxTableWidth bits.
const (
	MaxTableShift = 26
	MaxTableWidth = 36
)

// Segments returns the number of interpolation segments, len(Y)-1.
func (t *Table) Segments() int { return len(t.Y) - 1 }

// Eval returns the table's value at raw argument x:
//
//	d = x - Lo
//	d < 0:                  Y[0]
//	i = d >> Shift ≥ n:     Y[n]            (n = len(Y)-1)
//	otherwise:              Y[i] + floor((Y[i+1]-Y[i]) · r / 2^Shift),
//	                        r = d mod 2^Shift
//
// The result always lies between two neighbouring entries, so it fits the
// entries' format.
func (t *Table) Eval(x int64) int64 {
	d := x - t.Lo
	n := int64(len(t.Y) - 1)
	if d < 0 {
		return t.Y[0]
	}
	i := d >> uint(t.Shift)
	if i >= n {
		return t.Y[n]
	}
	r := d & (1<<uint(t.Shift) - 1)
	y0 := t.Y[i]
	return y0 + ((t.Y[i+1]-y0)*r)>>uint(t.Shift)
}

// Check reports why t is malformed for an argument of format arg and a
// result of format out, or nil.
func (t *Table) Check(arg, out Format) error {
	switch {
	case len(t.Y) < 2:
		return fmt.Errorf("table has %d entries, want at least 2", len(t.Y))
	case t.Shift < 0 || t.Shift > MaxTableShift:
		return fmt.Errorf("table shift %d outside 0..%d", t.Shift, MaxTableShift)
	case out.Width() > MaxTableWidth:
		return fmt.Errorf("table result %v wider than %d bits", out, MaxTableWidth)
	case !arg.Contains(t.Lo):
		return fmt.Errorf("table start %d outside the argument format %v", t.Lo, arg)
	}
	for k, y := range t.Y {
		if !out.Contains(y) {
			return fmt.Errorf("table entry %d = %d does not fit %v", k, y, out)
		}
	}
	return nil
}

// DefaultSegments is the number of interpolation segments a table gets at
// most: 256 keeps the ROM small and the interpolation error of smooth
// functions well below one Q8.8 step over typical membrane ranges.
const DefaultSegments = 256

// TableOut returns the format of a table whose results span [lo, hi] in a
// word of w bits: the most fraction bits that hold both ends.
func TableOut(lo, hi float64, w int) Format {
	m := math.Max(math.Abs(lo), math.Abs(hi))
	f := CoefFormat(m, w)
	if _, err := Encode(-m, f); err != nil {
		f = Q(f.Int+1, f.Frac-1)
	}
	return f
}

// BuildTable tabulates g over the raw argument interval [lo, hi] of format
// arg into results of format out with at most segs segments: breakpoints
// every 2^Shift raw units from lo, entries round_half_even(g(x)·2^Frac)
// saturated into out. A non-finite g at a breakpoint (a removable
// singularity such as x/(1-e^-x) at 0) takes the mean of its neighbours an
// ulp of the argument away. It reports how many entries saturated.
func BuildTable(g func(float64) float64, arg Format, lo, hi int64, out Format, segs int) (Table, int) {
	if hi < lo {
		hi = lo
	}
	span := uint64(hi - lo)
	s := 0
	for s < MaxTableShift && span>>uint(s) > uint64(segs) {
		s++
	}
	n := int(span >> uint(s))
	if uint64(n)<<uint(s) < span {
		n++
	}
	n = max(n, 1)
	t := Table{Lo: lo, Shift: s, Y: make([]int64, n+1)}
	sat := 0
	for k := range t.Y {
		x := arg.Decode(lo + int64(k)<<uint(s))
		y := g(x)
		if math.IsNaN(y) || math.IsInf(y, 0) {
			e := math.Ldexp(1, -arg.Frac-8)
			y = (g(x-e) + g(x+e)) / 2
		}
		if math.IsNaN(y) {
			y = 0
		}
		r := math.RoundToEven(math.Ldexp(y, out.Frac))
		switch {
		case r > float64(out.Max()):
			t.Y[k], sat = out.Max(), sat+1
		case r < float64(out.Min()):
			t.Y[k], sat = out.Min(), sat+1
		default:
			t.Y[k] = int64(r)
		}
	}
	return t, sat
}

// TableError returns the largest |Eval(x) - g(x)| in real units over every
// raw argument x in [lo, hi] (at most about 2^20 samples, evenly spread, so
// it is exact for the tables scc builds over 16-bit arguments), skipping
// arguments where g is not finite.
func TableError(t *Table, g func(float64) float64, arg, out Format, lo, hi int64) float64 {
	step := max((hi-lo)>>20, 1)
	worst := 0.0
	for x := lo; x <= hi; x += step {
		y := g(arg.Decode(x))
		if math.IsNaN(y) || math.IsInf(y, 0) {
			continue
		}
		worst = math.Max(worst, math.Abs(out.Decode(t.Eval(x))-y))
		if x > hi-step {
			break
		}
	}
	return worst
}
