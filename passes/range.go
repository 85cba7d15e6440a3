package passes

import (
	"math"

	"scc/fixed"
	"scc/ir"
)

// Interval is a closed interval [Lo, Hi] of real values; infinite ends mean
// no bound was found. Bool values get [0, 1]. It is fixed.RealInterval,
// the unit of fixed's function images, with positional literals.
type Interval fixed.RealInterval

// Contains reports whether x lies in iv.
func (iv Interval) Contains(x float64) bool { return fixed.RealInterval(iv).Contains(x) }

func point(x float64) Interval { return Interval{x, x} }

var unbounded = Interval(fixed.Unbounded)

// hull returns the smallest interval holding every non-NaN x (fixed.Hull).
func hull(xs ...float64) Interval { return Interval(fixed.Hull(xs...)) }

// formatRange is the real range representable in f.
func formatRange(f fixed.Format) Interval {
	return Interval{f.Decode(f.Min()), f.Decode(f.Max())}
}

// declared returns a state's or input's interval: its declared range, else
// the state format's range.
func declared(r *ir.Range, f fixed.Format) Interval {
	if r != nil {
		return Interval{r.Lo, r.Hi}
	}
	return formatRange(f)
}

// rangePass computes the real intervals of every value of f for later
// passes (the tables of nonlinear functions need their argument's proven
// range, quantize sizes auto formats from the states' ranges), warns about
// declared ranges the state format cannot hold and initial values outside
// their declared range, and warns about every state whose range the
// analysis cannot prove: its commit saturates.
func rangePass(f *ir.Func, c *Context) error {
	vf, errs := c.formatsOf(f)
	for i, s := range f.States {
		if s.Range == nil {
			continue
		}
		sf := vf.state[i]
		fr := formatRange(sf)
		fixedFmt := f.AutoWidth == 0 || vf.givenState[i]
		if fixedFmt && !s.Refractory && noWords(s.Range, sf) {
			// Nothing the state could hold satisfies what every width and
			// clamp downstream assumes.
			errs = append(errs, c.errorf(s.Pos, msgRangeNoWords, s.Range.Lo, s.Range.Hi, s.Name, sf, fr.Lo, fr.Hi))
			continue
		}
		if fixedFmt && (s.Range.Lo < fr.Lo || s.Range.Hi > fr.Hi) {
			c.Warnf(s.Pos, msgRangeUnrepresentable, s.Range.Lo, s.Range.Hi, s.Name, sf, fr.Lo, fr.Hi)
		}
		if s.Init < s.Range.Lo || s.Init > s.Range.Hi {
			c.Warnf(s.Pos, msgInitOutside, s.Init, s.Name, s.Range.Lo, s.Range.Hi)
		}
	}
	for i, in := range f.Inputs {
		inf := vf.input[i]
		fr := formatRange(inf)
		if in.Range != nil && noWords(in.Range, inf) {
			errs = append(errs, c.errorf(in.Pos, msgRangeNoWords, in.Range.Lo, in.Range.Hi, in.Name, inf, fr.Lo, fr.Hi))
			continue
		}
		if in.Range != nil && (in.Range.Lo < fr.Lo || in.Range.Hi > fr.Hi) {
			c.Warnf(in.Pos, msgRangeUnrepresentable, in.Range.Lo, in.Range.Hi, in.Name, inf, fr.Lo, fr.Hi)
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	sr := stateRanges(f, vf)
	for i, s := range f.States {
		switch {
		case sr[i].Proven || s.Refractory || f.Overflow != fixed.Sat:
		case s.Range != nil:
			// quantize clamps the commits (clampToRange).
			c.Warnf(s.Pos, msgUnprovenClamped, s.Name, sr[i].Lo, sr[i].Hi, s.Range.Lo, s.Range.Hi)
		default:
			c.Warnf(s.Pos, msgUnproven, s.Name, sr[i].Lo, sr[i].Hi)
		}
	}
	// The facts live in the IR (printed by `scc ir --after range`, read by
	// quantize), not in side tables.
	for i, st := range f.States {
		st.Reach, st.Proven = nil, false
		if sr[i].Lo <= sr[i].Hi { // an empty reach is no fact
			st.Reach, st.Proven = &ir.Range{Lo: sr[i].Lo, Hi: sr[i].Hi}, sr[i].Proven
		}
	}
	ivs := intervalsWith(f, sr, vf)
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Type == ir.F64 {
				iv := ivs[v.ID]
				if math.IsNaN(iv.Lo) || math.IsNaN(iv.Hi) {
					iv = unbounded
				}
				if iv.Lo > iv.Hi { // an empty interval is no fact
					v.Range = nil
					continue
				}
				v.Range = &ir.Range{Lo: iv.Lo, Hi: iv.Hi}
			}
		}
	}
	return nil
}

// noWords reports whether no word of f lies in the declared range r
// (outside f's range, or between two adjacent words).
func noWords(r *ir.Range, f fixed.Format) bool {
	w := fixed.Inward(r.Lo, r.Hi, f)
	return w.Lo.Cmp(w.Hi) > 0
}

// factOf returns the range pass's interval of a real value (unbounded
// when the pass has not run).
func factOf(v *ir.Value) Interval {
	if v.Range == nil {
		return unbounded
	}
	return Interval{v.Range.Lo, v.Range.Hi}
}

// reachOf returns the range pass's fact about state s, and false when the
// pass has not run.
func reachOf(s *ir.State) (StateRange, bool) {
	if s.Reach == nil {
		return StateRange{}, false
	}
	return StateRange{Interval{s.Reach.Lo, s.Reach.Hi}, s.Proven}, true
}

// StateRange is the range analysis' result for one state: every value the
// state can hold lies in [Lo, Hi]. Proven is false when the fixed-point
// iteration had to widen an end to the declared range (an assumption) or
// to the state format, so a commit may saturate there.
type StateRange struct {
	Interval
	Proven bool
}

// Iteration limits of StateRanges: after widenAfter rounds an end that
// still moves is widened to its bound; maxRounds is a safety net.
const (
	widenAfter = 6
	maxRounds  = 40
)

// StateRanges runs interval arithmetic over the step function to a fixed
// point across steps: starting from the initial values, each round takes
// the hull of the old ranges and the committed values computed from them
// (inputs in their declared ranges); an end still moving after widenAfter
// rounds is widened to the state's declared bound, or else to the state
// format's. A declared range is an assumption: the result never leaves it.
// A state is proven when no round computed a value beyond its bound (so
// the final range is inductive: a step from it stays in it).
func StateRanges(f *ir.Func) []StateRange {
	vf, _ := (&Context{}).formatsOf(f)
	return stateRanges(f, vf)
}

// stateRanges is StateRanges with the states' and inputs' formats vf.
func stateRanges(f *ir.Func, vf varFormats) []StateRange {
	n := len(f.States)
	sr := make([]StateRange, n)
	bound := make([]Interval, n)
	for i, s := range f.States {
		bound[i] = declared(s.Range, vf.state[i])
		if f.AutoWidth == 0 || vf.givenState[i] {
			fr := formatRange(vf.state[i])
			bound[i] = Interval{math.Max(bound[i].Lo, fr.Lo), math.Min(bound[i].Hi, fr.Hi)}
		}
		init := clamp(s.Init, bound[i])
		sr[i] = StateRange{Interval: Interval{init, init}, Proven: true}
		if s.Refractory {
			sr[i].Lo = math.Min(sr[i].Lo, 0)
		}
	}
	nexts := make([]*ir.Value, n)
	for _, v := range f.Entry().Values {
		if v.Op == ir.OpNext {
			nexts[v.AuxInt] = v
		}
	}
	for round := 0; round < maxRounds; round++ {
		moved := false
		cur := append([]StateRange(nil), sr...)
		for i, v := range nexts {
			if v == nil {
				continue
			}
			a := nextInterval(f, cur, i, v.Args[0], vf)
			old := sr[i]
			// A computed end beyond the bound is not proven: the commit
			// saturates there. Widening itself proves nothing yet: the
			// next round checks that the widened range is inductive.
			if a.Lo < bound[i].Lo || math.IsNaN(a.Lo) {
				sr[i].Proven = false
			}
			if a.Hi > bound[i].Hi || math.IsNaN(a.Hi) {
				sr[i].Proven = false
			}
			lo, hi := math.Min(old.Lo, a.Lo), math.Max(old.Hi, a.Hi)
			if round >= widenAfter {
				if lo < old.Lo {
					lo = math.Inf(-1)
				}
				if hi > old.Hi {
					hi = math.Inf(1)
				}
			}
			lo, hi = math.Max(lo, bound[i].Lo), math.Min(hi, bound[i].Hi)
			if math.IsNaN(lo) {
				lo = bound[i].Lo
			}
			if math.IsNaN(hi) {
				hi = bound[i].Hi
			}
			if lo != old.Lo || hi != old.Hi {
				moved = true
			}
			sr[i].Lo, sr[i].Hi = lo, hi
		}
		if !moved {
			return sr
		}
	}
	for i := range sr {
		sr[i].Interval, sr[i].Proven = bound[i], false
	}
	return sr
}

// subdivisions is how many pieces nextInterval splits a state's own range
// into: interval arithmetic forgets that both v's in v + k·(E - v) are one
// value, and evaluating on pieces bounds that overestimate by the piece
// width, so a leaky state's range is proven inductive.
const subdivisions = 32

// nextInterval bounds the value committed to state i (arg of its next)
// when the states lie in sr: the hull over pieces of state i's range.
func nextInterval(f *ir.Func, sr []StateRange, i int, arg *ir.Value, vf varFormats) Interval {
	r := sr[i].Interval
	k := subdivisions
	if r.Lo == r.Hi || math.IsInf(r.Lo, 0) || math.IsInf(r.Hi, 0) {
		k = 1
	}
	piece := append([]StateRange(nil), sr...)
	out := Interval{math.Inf(1), math.Inf(-1)}
	for j := 0; j < k; j++ {
		if k > 1 {
			piece[i].Lo = r.Lo + (r.Hi-r.Lo)*float64(j)/float64(k)
			piece[i].Hi = r.Lo + (r.Hi-r.Lo)*float64(j+1)/float64(k)
		}
		a := intervalsWith(f, piece, vf)[arg.ID]
		if math.IsNaN(a.Lo) || math.IsNaN(a.Hi) {
			return unbounded
		}
		out.Lo, out.Hi = math.Min(out.Lo, a.Lo), math.Max(out.Hi, a.Hi)
	}
	return out
}

// Intervals returns, indexed by value ID, an interval holding every real
// value each value of f can take when states lie in the ranges
// StateRanges finds and inputs in their declared ranges (or, undeclared,
// the state format's range). Void values get the zero Interval.
func Intervals(f *ir.Func) []Interval {
	vf, _ := (&Context{}).formatsOf(f)
	return intervalsWith(f, stateRanges(f, vf), vf)
}

func intervalsWith(f *ir.Func, sr []StateRange, vf varFormats) []Interval {
	ivs := make([]Interval, f.NumValues())
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			ivs[v.ID] = valueInterval(f, v, ivs, sr, vf)
		}
	}
	return ivs
}

func valueInterval(f *ir.Func, v *ir.Value, ivs []Interval, sr []StateRange, vf varFormats) Interval {
	if v.Op.Info().Void {
		return Interval{}
	}
	if v.Type == ir.Bool {
		if v.Op == ir.OpConst {
			return point(float64(v.AuxInt))
		}
		return Interval{0, 1}
	}
	arg := func(i int) Interval { return ivs[v.Args[i].ID] }
	switch v.Op {
	case ir.OpConst:
		return point(v.AuxFloat)
	case ir.OpState:
		return sr[v.AuxInt].Interval
	case ir.OpInput:
		return declared(f.Inputs[v.AuxInt].Range, vf.input[v.AuxInt])
	case ir.OpParam:
		if p := f.Params[v.AuxInt]; p.Range != nil {
			return Interval{p.Range.Lo, p.Range.Hi}
		}
		return point(f.Params[v.AuxInt].Value)
	case ir.OpAdd:
		a, b := arg(0), arg(1)
		return hull(a.Lo+b.Lo, a.Hi+b.Hi)
	case ir.OpSub:
		a, b := arg(0), arg(1)
		return hull(a.Lo-b.Hi, a.Hi-b.Lo)
	case ir.OpNeg:
		a := arg(0)
		return Interval{-a.Hi, -a.Lo}
	case ir.OpMul:
		a, b := arg(0), arg(1)
		return hull(a.Lo*b.Lo, a.Lo*b.Hi, a.Hi*b.Lo, a.Hi*b.Hi)
	case ir.OpDiv:
		a, b := arg(0), arg(1)
		if b.Contains(0) {
			return unbounded
		}
		return hull(a.Lo/b.Lo, a.Lo/b.Hi, a.Hi/b.Lo, a.Hi/b.Hi)
	case ir.OpSelect:
		a := refine(v.Args[0], v.Args[1], true, arg(1), ivs)
		b := refine(v.Args[0], v.Args[2], false, arg(2), ivs)
		return Interval{math.Min(a.Lo, b.Lo), math.Max(a.Hi, b.Hi)}
	case ir.OpFit:
		// The commit: sat clamps into the format, wrap may land anywhere.
		a, fr := arg(0), formatRange(vf.state[v.AuxInt])
		if s := f.States[v.AuxInt]; s.Type.Kind == ir.KFixed {
			fr = formatRange(s.Type.Fmt)
		}
		if f.Overflow == fixed.Sat {
			return Interval{clamp(a.Lo, fr), clamp(a.Hi, fr)}
		}
		if a.Lo >= fr.Lo && a.Hi <= fr.Hi {
			return a
		}
		return fr
	case ir.OpCall:
		xs := make([]fixed.RealInterval, len(v.Args))
		for i := range v.Args {
			xs[i] = fixed.RealInterval(arg(i))
		}
		return Interval(fixed.Image(v.AuxName, xs))
	}
	return unbounded
}

func clamp(x float64, r Interval) float64 { return math.Max(r.Lo, math.Min(r.Hi, x)) }

// refine narrows the interval iv of select arm x by what the condition c
// (true or false, as truth says) implies when c compares x itself with a
// value of known interval: on the false arm of `x >= v_th ? reset : x`, x
// is below v_th. An arm the condition makes unreachable keeps iv.
func refine(c, x *ir.Value, truth bool, iv Interval, ivs []Interval) Interval {
	if !c.Op.IsCompare() || c.Op == ir.OpEq || c.Op == ir.OpNe || c.Args[0].Type == ir.Bool {
		return iv
	}
	op := c.Op
	var k Interval
	switch x {
	case c.Args[0]:
		k = ivs[c.Args[1].ID]
	case c.Args[1]:
		k = ivs[c.Args[0].ID]
		op = map[ir.Op]ir.Op{ir.OpLt: ir.OpGt, ir.OpLe: ir.OpGe, ir.OpGt: ir.OpLt, ir.OpGe: ir.OpLe}[op]
	default:
		return iv
	}
	above := op == ir.OpGt || op == ir.OpGe // x above k when the compare holds
	if !truth {
		above = !above
	}
	r := iv
	if above {
		r.Lo = math.Max(r.Lo, k.Lo)
	} else {
		r.Hi = math.Min(r.Hi, k.Hi)
	}
	if r.Lo > r.Hi {
		return iv
	}
	return r
}
