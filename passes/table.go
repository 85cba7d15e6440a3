package passes

import (
	"fmt"
	"math"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// TableInfo describes one breakpoint table quantize built (for `scc
// report`): what it computes, over which argument range, in which format,
// and its largest error against float64 over every argument word.
type TableInfo struct {
	Func   string
	Pos    lang.Pos
	What   string       // "exp", or "f(v)" for a fused subexpression of one variable
	Arg    fixed.Format // the argument's format
	Lo, Hi float64      // the argument range the breakpoints cover
	Out    fixed.Format
	Size   int     // entries
	MaxErr float64 // real units
}

// univariate finds the subexpressions quantize turns into one table each
// (DESIGN §3 tables, generalised): a number-valued value that depends on a
// single state or input read r, contains a nonlinear function or a
// division by a variable, and is used by something that is not such a
// value. The whole expression, e.g. Hodgkin–Huxley's
// 0.1(v+40)/(1-e^(-(v+40)/10)), becomes a table of r over r's proven
// range: one rounding instead of one per operation, and removable
// singularities disappear. fit is never crossed (a commit is a boundary).
type univariate struct {
	root  map[*ir.Value]*ir.Value // nil: constant; multi: several reads
	cand  map[*ir.Value]bool
	fused map[*ir.Value]bool
}

var multi = &ir.Value{ID: -1}

// isExactCall reports whether v calls a builtin fixed point computes
// exactly (fixed.Builtin.Exact: floor, ceil, int, sign).
func isExactCall(v *ir.Value) bool {
	b := fixed.LookupBuiltin(v.AuxName)
	return v.Op == ir.OpCall && b != nil && b.Exact
}

// roots, when not nil, adds values that count as reads (the stage values
// of a narrowed lowering, each kept in its state's format).
func findUnivariate(vals []*ir.Value, coefs map[*ir.Value]bool, roots map[*ir.Value]int) *univariate {
	u := &univariate{root: map[*ir.Value]*ir.Value{}, cand: map[*ir.Value]bool{}, fused: map[*ir.Value]bool{}}
	for c := range coefs {
		u.root[c] = multi // a parameter value: per neuron, never inside a table
	}
	nl := map[*ir.Value]bool{}
	for _, v := range vals {
		var r *ir.Value
		_, isRoot := roots[v]
		switch {
		case isRoot:
			r = v
		case v.Op == ir.OpConst:
		case v.Op == ir.OpState || v.Op == ir.OpInput || isExactCall(v):
			r = v // floor, ceil, int: lowered exactly, never inside a table
		case v.Op == ir.OpFit || v.Op == ir.OpNext || v.Op == ir.OpSpike || v.Op == ir.OpAssert:
			r = multi
		default:
			for _, a := range v.Args {
				ra := u.root[a]
				switch {
				case ra == nil:
				case r == nil:
					r = ra
				case r != ra:
					r = multi
				}
				nl[v] = nl[v] || nl[a]
			}
			if v.Op == ir.OpCall || (v.Op == ir.OpDiv && u.root[v.Args[1]] != nil) {
				nl[v] = true
			}
		}
		u.root[v] = r
		u.cand[v] = v.Type == ir.F64 && r != nil && r != multi && r != v && nl[v]
	}
	for _, v := range vals {
		for _, a := range v.Args {
			if u.cand[a] && !u.cand[v] {
				u.fused[a] = true
			}
		}
	}
	return u
}

// evalUni evaluates the univariate expression v in float64 with its read
// root bound to x (memo caches per call).
func evalUni(v, root *ir.Value, x float64, memo map[*ir.Value]float64) float64 {
	if v == root {
		return x
	}
	if r, ok := memo[v]; ok {
		return r
	}
	a := func(i int) float64 { return evalUni(v.Args[i], root, x, memo) }
	r, ok := ir.EvalReal(v, a)
	if !ok {
		panic("quantize: unexpected op in a univariate expression: " + v.LongString())
	}
	memo[v] = r
	return r
}

// tableWidth is the word width of table results: the state word budget,
// at most fixed.MaxTableWidth.
func (q *quantizer) tableWidth() int {
	w := q.W
	if q.f.AutoWidth != 0 {
		w = q.f.AutoWidth
	}
	return min(w, fixed.MaxTableWidth)
}

// segments is the number of interpolation segments a table gets at most:
// fixed.DefaultSegments for 16-bit budgets, up to eight times that for
// wider words, whose states resolve the finer breakpoints.
func (q *quantizer) segments() int {
	if q.tableWidth() > 16 {
		return 8 * fixed.DefaultSegments
	}
	return fixed.DefaultSegments
}

// tabulate emits a table of g over the fixed value of the real value x
// (tableFor, then emitTable).
func (q *quantizer) tabulate(v, x *ir.Value, what string, g func(float64) float64) *ir.Value {
	tb := q.tableFor(v, x, what, g)
	if tb == nil {
		lo, hi, n := q.tableSpan(x)
		q.errorf(v.Pos, msgTableTooWide, what, lo, hi, n)
		return q.placeholder(v)
	}
	return q.emitTable(v, tb)
}

// tableBuild is a table quantize may emit: built, not yet in the IR.
type tableBuild struct {
	what   string
	g      func(float64) float64
	xf     *ir.Value // the argument's fixed value
	lo, hi int64     // the raw argument range the breakpoints cover
	out    fixed.Format
	t      fixed.Table
	sat    int
	// unbounded: no bound was proven for the argument (msgTableClamped);
	// capped: results beyond the format were cut off (msgTableCapped).
	unbounded, capped bool
	span              float64 // the results' span, for the quality test
}

// tableSpan returns the decoded argument range of a table of x, for
// msgTableTooWide.
func (q *quantizer) tableSpan(x *ir.Value) (float64, float64, int) {
	xf := q.arg(x)
	af := xf.Type.Fmt
	lo, hi := q.tableArgRange(x, xf)
	return af.Decode(lo), af.Decode(hi), q.segments()
}

// tableArgRange is the raw argument range a table of x covers before
// trimming: x's proven range (the range pass's interval), within the raw
// interval of its fixed word.
func (q *quantizer) tableArgRange(x, xf *ir.Value) (lo, hi int64) {
	af := xf.Type.Fmt
	rx := q.iv[xf]
	lo, hi = rx.Lo, rx.Hi
	if x.Range != nil {
		d := factOf(x)
		if l := math.Floor(math.Ldexp(d.Lo, af.Frac)); l > float64(lo) && l <= float64(hi) {
			lo = int64(l)
		}
		if h := math.Ceil(math.Ldexp(d.Hi, af.Frac)); h < float64(hi) && h >= float64(lo) {
			hi = int64(h)
		}
	}
	return lo, hi
}

// minTableFrac is the fewest fraction bits a table result keeps: half the
// state format's (8 in q16.16 and auto:32, 4 in q8.8). A function whose
// results over the argument's range need more integer bits than the rest
// of the table word leaves (exp of an unbounded argument) is cut off
// where it leaves that format, and clamps there, rather than losing every
// fraction bit of its useful part.
func (q *quantizer) minTableFrac() int { return (q.f.Format.Frac + 1) / 2 }

// tableFor builds the table of g over the fixed value of x: breakpoints
// over x's proven range, trimmed at either end where the entries stop
// changing (exp far below 0 is 0 at the result's resolution) or where the
// results leave a format with minTableFrac fraction bits, and results in
// the most precise format of the table width holding every entry. nil
// when the argument spans too many words for a table.
func (q *quantizer) tableFor(v, x *ir.Value, what string, g func(float64) float64) *tableBuild {
	xf := q.arg(x)
	if xf == nil || xf.Type.Kind != ir.KFixed {
		panic("quantize: table of a non-number: " + v.LongString())
	}
	af := xf.Type.Fmt
	tb := &tableBuild{what: what, g: g, xf: xf}
	if x.Range != nil {
		d := factOf(x)
		tb.unbounded = math.IsInf(d.Lo, 0) || math.IsInf(d.Hi, 0) || math.IsNaN(d.Lo) || math.IsNaN(d.Hi)
	}
	lo, hi := q.tableArgRange(x, xf)
	// The result range over the breakpoints (interpolation stays between
	// neighbouring entries), then the format that holds it.
	ylo, yhi := resultRange(g, af, lo, hi, q.segments())
	out := fixed.TableOut(ylo, yhi, q.tableWidth())
	if !out.Valid() || out.Width() > fixed.MaxTableWidth {
		out = fixed.Q(fixed.MaxTableWidth, 0)
	}
	if mf := q.minTableFrac(); out.Frac < mf {
		out = fixed.Q(q.tableWidth()-mf, mf)
		lo, hi = trimTo(g, af, lo, hi, out)
		tb.capped = true
	}
	lo, hi = trimFlat(g, af, lo, hi, out)
	// Breakpoints are at most 2^MaxTableShift words apart: an argument
	// spanning more than that many segments cannot be tabulated (it would
	// take billions of entries).
	if uint64(hi-lo) > uint64(q.segments())<<fixed.MaxTableShift {
		return nil
	}
	if tb.capped {
		ylo, yhi = resultRange(g, af, lo, hi, q.segments())
	}
	// Double the breakpoints (from the default, up to 8×) until linear
	// interpolation is within 2^-16 of the result's magnitude at every
	// segment midpoint: wide words get tables precise enough for their
	// states without paying for ROMs where the function is gentle.
	segs := fixed.DefaultSegments
	target := math.Ldexp(math.Max(yhi-ylo, math.Max(math.Abs(ylo), math.Abs(yhi))), -16)
	t, sat := fixed.BuildTable(g, af, lo, hi, out, segs)
	for q.tableWidth() > 16 && segs < q.segments() && t.Shift > 0 && midError(&t, g, af, out) > target {
		segs *= 2
		t, sat = fixed.BuildTable(g, af, lo, hi, out, segs)
	}
	tb.lo, tb.hi, tb.out, tb.t, tb.sat, tb.span = lo, hi, out, t, sat, yhi-ylo
	return tb
}

// resultRange is the range of g's finite values at the breakpoints of a
// table of segs segments over the raw arguments [lo, hi] of af.
// An argument too wide for a table is sampled evenly instead.
func resultRange(g func(float64) float64, af fixed.Format, lo, hi int64, segs int) (float64, float64) {
	hi = max(hi, lo)
	var xs []int64
	if uint64(hi-lo) > uint64(segs)<<fixed.MaxTableShift {
		xs = samplesOf(lo, hi)
	} else {
		t0 := fixed.Table{Lo: lo}
		t0.Shift, t0.Y = breakpoints(lo, hi, segs)
		for k := range t0.Y {
			xs = append(xs, t0.Lo+int64(k)<<uint(t0.Shift))
		}
	}
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		y := g(af.Decode(x))
		if math.IsNaN(y) || math.IsInf(y, 0) {
			continue
		}
		ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
	}
	if ylo > yhi {
		return 0, 0
	}
	return ylo, yhi
}

// breakpoints returns the spacing fixed.BuildTable gives a table of at
// most segs segments over [lo, hi] and a slice of its entry count.
func breakpoints(lo, hi int64, segs int) (int, []int64) {
	span := uint64(hi - lo)
	s := 0
	for s < fixed.MaxTableShift && span>>uint(s) > uint64(segs) {
		s++
	}
	n := int(span >> uint(s))
	if uint64(n)<<uint(s) < span {
		n++
	}
	return s, make([]int64, max(n, 1)+1)
}

// trimSamples is how finely the trims look for where a function leaves a
// format or stops changing.
const trimSamples = 1 << 12

// samplesOf returns trimSamples+1 raw arguments spread evenly over [lo, hi].
func samplesOf(lo, hi int64) []int64 {
	hi = max(hi, lo)
	n := int64(trimSamples)
	if hi-lo < n {
		n = max(hi-lo, 1)
	}
	xs := make([]int64, 0, n+1)
	for k := int64(0); k <= n; k++ {
		xs = append(xs, lo+int64(float64(hi-lo)*float64(k)/float64(n)))
	}
	return xs
}

// trimTo narrows [lo, hi] to the samples between the first and the last
// where g fits out: beyond them the table clamps to an end entry, which
// out holds.
func trimTo(g func(float64) float64, af fixed.Format, lo, hi int64, out fixed.Format) (int64, int64) {
	fits := func(x int64) bool {
		y := g(af.Decode(x))
		_, err := fixed.Encode(y, out)
		return err == nil
	}
	xs := samplesOf(lo, hi)
	first, last := -1, -1
	for k, x := range xs {
		if fits(x) {
			if first < 0 {
				first = k
			}
			last = k
		}
	}
	if first < 0 {
		return lo, hi
	}
	return xs[first], xs[last]
}

// trimFlat narrows [lo, hi] where g's entries in out stay constant at an
// end (exp far below 0): the table clamps there to the same entry. Only a
// trim that keeps at most a quarter of the range is taken, so tables of
// functions that vary over their whole argument stay as they are.
func trimFlat(g func(float64) float64, af fixed.Format, lo, hi int64, out fixed.Format) (int64, int64) {
	enc := func(x int64) float64 { return math.RoundToEven(math.Ldexp(g(af.Decode(x)), out.Frac)) }
	xs := samplesOf(lo, hi)
	if len(xs) < 3 {
		return lo, hi
	}
	a, b := 0, len(xs)-1
	e0, e1 := enc(xs[0]), enc(xs[len(xs)-1])
	for a+1 < len(xs) && enc(xs[a+1]) == e0 {
		a++
	}
	for b-1 > a && enc(xs[b-1]) == e1 {
		b--
	}
	if a == len(xs)-1 || 4*(xs[b]-xs[a]) > hi-lo {
		return lo, hi
	}
	return xs[a], xs[b]
}

// emitTable emits the table tb builds for v, with its warnings and its
// TableInfo.
func (q *quantizer) emitTable(v *ir.Value, tb *tableBuild) *ir.Value {
	af, out, t := tb.xf.Type.Fmt, tb.out, &tb.t
	if tb.unbounded {
		q.c.Warnf(v.Pos, msgTableClamped, tb.what, af.Decode(tb.lo), af.Decode(tb.hi))
	}
	if tb.capped {
		q.c.Warnf(v.Pos, msgTableCapped, tb.what, out, af.Decode(tb.lo), af.Decode(tb.hi))
	} else if tb.sat > 0 {
		q.c.Warnf(v.Pos, msgTableSat, tb.what, tb.sat, out)
	}
	ymin, ymax := t.Y[0], t.Y[0]
	for _, y := range t.Y {
		ymin, ymax = min(ymin, y), max(ymax, y)
	}
	nv := q.emit(v.Pos, ir.OpTable, ir.Fix(out), rawInterval{ymin, ymax}, tb.xf)
	nv.Table = t
	if q.c.Tables != nil {
		*q.c.Tables = append(*q.c.Tables, TableInfo{
			Func: q.f.Name, Pos: q.c.pos(v.Pos), What: tb.what, Arg: af,
			Lo: af.Decode(tb.lo), Hi: af.Decode(tb.hi), Out: out, Size: len(t.Y),
			MaxErr: fixed.TableError(t, tb.g, af, out, tb.lo, tb.hi),
		})
	}
	return nv
}

// fusedTable emits the table of a univariate subexpression v.
func (q *quantizer) fusedTable(v *ir.Value) *ir.Value {
	r := q.uni.root[v]
	name := q.f.States
	what := "f(input)"
	if i, ok := q.stages[r]; ok {
		what = fmt.Sprintf("f(%s stage)", name[i].Name)
	} else if r.Op == ir.OpState {
		what = fmt.Sprintf("f(%s)", name[r.AuxInt].Name)
	} else {
		what = fmt.Sprintf("f(%s)", q.f.Inputs[r.AuxInt].Name)
	}
	return q.tabulate(v, r, what, func(x float64) float64 {
		return evalUni(v, r, x, map[*ir.Value]float64{})
	})
}

// midError is the largest interpolation error of t at its segment
// midpoints, where linear interpolation of a smooth function errs most.
func midError(t *fixed.Table, g func(float64) float64, arg, out fixed.Format) float64 {
	worst := 0.0
	half := int64(1) << uint(t.Shift-1)
	for k := 0; k < len(t.Y)-1; k++ {
		x := t.Lo + int64(k)<<uint(t.Shift) + half
		y := g(arg.Decode(x))
		if math.IsNaN(y) || math.IsInf(y, 0) {
			continue
		}
		worst = math.Max(worst, math.Abs(out.Decode(t.Eval(x))-y))
	}
	return worst
}
