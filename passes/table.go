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

func findUnivariate(vals []*ir.Value, coefs map[*ir.Value]bool) *univariate {
	u := &univariate{root: map[*ir.Value]*ir.Value{}, cand: map[*ir.Value]bool{}, fused: map[*ir.Value]bool{}}
	for c := range coefs {
		u.root[c] = multi // a parameter value: per neuron, never inside a table
	}
	nl := map[*ir.Value]bool{}
	for _, v := range vals {
		var r *ir.Value
		switch v.Op {
		case ir.OpConst:
		case ir.OpState, ir.OpInput:
			r = v
		case ir.OpFit, ir.OpNext, ir.OpSpike, ir.OpAssert:
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

// tabulate emits a table of g over the fixed value of the real value x:
// breakpoints over x's proven range (the range pass's interval, within the
// raw interval of its fixed word), results in the most precise format of
// the table width holding every entry.
func (q *quantizer) tabulate(v, x *ir.Value, what string, g func(float64) float64) *ir.Value {
	xf := q.arg(x)
	if xf == nil || xf.Type.Kind != ir.KFixed {
		panic("quantize: table of a non-number: " + v.LongString())
	}
	af := xf.Type.Fmt
	rx := q.iv[xf]
	lo, hi := rx.Lo, rx.Hi
	if x.Range != nil {
		d := factOf(x)
		if math.IsInf(d.Lo, 0) || math.IsInf(d.Hi, 0) || math.IsNaN(d.Lo) || math.IsNaN(d.Hi) {
			q.c.Warnf(v.Pos, msgTableClamped, what, af.Decode(lo), af.Decode(hi))
		}
		if l := math.Floor(math.Ldexp(d.Lo, af.Frac)); l > float64(lo) && l <= float64(hi) {
			lo = int64(l)
		}
		if h := math.Ceil(math.Ldexp(d.Hi, af.Frac)); h < float64(hi) && h >= float64(lo) {
			hi = int64(h)
		}
	}
	// Breakpoints are at most 2^MaxTableShift words apart: an argument
	// spanning more than that many segments cannot be tabulated (it would
	// take billions of entries).
	if uint64(hi-lo) > uint64(q.segments())<<fixed.MaxTableShift {
		q.errorf(v.Pos, msgTableTooWide, what, af.Decode(lo), af.Decode(hi), q.segments())
		return q.placeholder(v)
	}
	// The result range over the breakpoints (interpolation stays between
	// neighbouring entries), then the table in the format that holds it.
	probe := fixed.Q(fixed.MaxTableWidth, 0)
	t0, _ := fixed.BuildTable(g, af, lo, hi, fixed.Q(62, 0), q.segments())
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for k := range t0.Y {
		y := g(af.Decode(t0.Lo + int64(k)<<uint(t0.Shift)))
		if math.IsNaN(y) || math.IsInf(y, 0) {
			continue
		}
		ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
	}
	if ylo > yhi {
		ylo, yhi = 0, 0
	}
	out := fixed.TableOut(ylo, yhi, q.tableWidth())
	if !out.Valid() || out.Width() > fixed.MaxTableWidth {
		out = probe
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
	if sat > 0 {
		q.c.Warnf(v.Pos, msgTableSat, what, sat, out)
	}
	ymin, ymax := t.Y[0], t.Y[0]
	for _, y := range t.Y {
		ymin, ymax = min(ymin, y), max(ymax, y)
	}
	nv := q.emit(v.Pos, ir.OpTable, ir.Fix(out), rawInterval{ymin, ymax}, xf)
	nv.Table = &t
	if q.c.Tables != nil {
		*q.c.Tables = append(*q.c.Tables, TableInfo{
			Func: q.f.Name, Pos: q.c.pos(v.Pos), What: what, Arg: af,
			Lo: af.Decode(lo), Hi: af.Decode(hi), Out: out, Size: len(t.Y),
			MaxErr: fixed.TableError(&t, g, af, out, lo, hi),
		})
	}
	return nv
}

// fusedTable emits the table of a univariate subexpression v.
func (q *quantizer) fusedTable(v *ir.Value) *ir.Value {
	r := q.uni.root[v]
	name := q.f.States
	what := "f(input)"
	if r.Op == ir.OpState {
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
