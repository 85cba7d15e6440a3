package passes

import (
	"math"
	"math/big"
	"math/bits"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// quantize lowers a real-phase function to the fixed phase (DESIGN §3):
//
//   - states and inputs get the function's state format F (q8.8 by
//     default), the refractory counter the smallest q<k>.0 holding 0..N;
//   - a constant multiplied is a coefficient with the most fraction bits
//     its width allows (fixed.CoefFormat); elsewhere it is encoded in the
//     format of the state its value flows to (a constant that does not fit
//     is an error, never a clamp);
//   - add/sub/neg/mul are exact: fractions follow ir/op.go, integer bits
//     come from an exact interval analysis of the raw words in which state
//     and input reads span their whole format (declared ranges are not
//     trusted for widths, so hardware is sound for any input);
//   - a product with more fraction bits than F is narrowed to F with the
//     function's rounding and overflow wrap, which never fires because its
//     width comes from the interval;
//   - fit becomes the commit cast with the function's rounding and
//     overflow modes (elided when the value already has the state's type);
//     under sat, a state whose declared range range analysis could not
//     prove is clamped to that range after the cast (clampToRange);
//   - select arms are widened exactly to a common type.
//
// Values are rebuilt in order, so the output is deterministic and every
// new value carries the Pos of the value it came from.
func quantize(f *ir.Func, c *Context) error {
	q := &quantizer{
		f: f, c: c, b: f.Entry(),
		F: f.Format.Frac, W: f.Format.Width(),
		newOf: map[*ir.Value]*ir.Value{},
		coef:  map[coefKey]*ir.Value{},
		iv:    map[*ir.Value]rawInterval{},
	}
	q.vf, _ = c.formatsOf(f) // the range pass reported its errors
	if q.vf.any() {
		// Intermediates keep the fraction of the finest variable format
		// and coefficients the width of the widest.
		for _, ft := range append(append([]fixed.Format(nil), q.vf.state...), q.vf.input...) {
			q.F, q.W = max(q.F, ft.Frac), max(q.W, ft.Width())
		}
	}
	old := q.hoistParams(q.b.Values)
	q.uni = findUnivariate(old, q.coefs, nil)
	q.plan(old)
	q.lower(old)
	if q.tooWide {
		// Exact intermediates do not fit 64 bits (typically the stage
		// values of rk2/rk4 of a non-linear model, whose interval over
		// every word of the states grows with each stage): lower again,
		// keeping each stage value in its state's format (narrow.go).
		q.narrow = true
		q.lower(old)
	}
	f.Renumber()
	raw := make([]rawInterval, f.NumValues())
	for _, v := range q.b.Values {
		raw[v.ID] = q.iv[v]
	}
	c.raw[f] = raw
	return q.errs.Err()
}

type coefKey struct {
	v     *ir.Value
	width int
}

type quantizer struct {
	f    *ir.Func
	c    *Context
	b    *ir.Block
	F, W int // fraction and width of the state format
	errs lang.ErrorList
	vf   varFormats // the states' and inputs' formats (Options.Formats)
	// tooWide records a msgTooWide error; narrow is the second lowering
	// that keeps stage values in their states' formats (narrow.go).
	tooWide, narrow bool
	mark            *lowerMark
	stages          map[*ir.Value]int // stage value → state index
	stageWarned     map[int]bool

	// Side tables keyed by pointer: lookups only, never ranged over, so
	// the output order is that of the input (determinism).
	newOf    map[*ir.Value]*ir.Value    // real value → its fixed value
	coef     map[coefKey]*ir.Value      // coefficient copies of constants
	iv       map[*ir.Value]rawInterval  // fixed value → raw interval
	plainFmt map[*ir.Value]fixed.Format // constant → format when not a coefficient
	needs    map[*ir.Value]bool         // constant used other than by mul
	commits  map[*ir.Value]bool         // constant committed to a state by a fit
	uni      *univariate                // subexpressions that become one table
	cls      *classes
	// coefs are the real values computed from parameters (in the
	// parameter block) that step values read: quantize treats each as a
	// constant whose value is only known to lie in its range fact, and
	// reads it with coef ops. coefList holds them in order.
	coefs    map[*ir.Value]bool
	coefList []*ir.Value
}

// hoistParams moves the values computed from parameters alone (a
// parameter read and every pure op of such values and constants) into
// the function's parameter block, which a generic module evaluates once
// per neuron, and returns the remaining step values. Constants the block
// reads are copied into it. Without parameter reads it changes nothing.
func (q *quantizer) hoistParams(vals []*ir.Value) []*ir.Value {
	dep := map[*ir.Value]bool{}
	any := false
	for _, v := range vals {
		if v.Op == ir.OpParam {
			dep[v], any = true, true
			continue
		}
		if v.Op == ir.OpConst || !v.Op.Pure() {
			continue
		}
		d, pure := false, true
		for _, a := range v.Args {
			d = d || dep[a]
			pure = pure && (dep[a] || a.Op == ir.OpConst)
		}
		dep[v] = d && pure
	}
	q.coefs = map[*ir.Value]bool{}
	if !any {
		return vals
	}
	pb := q.f.NewParamBlock()
	copies := map[*ir.Value]*ir.Value{}
	var rest []*ir.Value
	for _, v := range vals {
		if !dep[v] {
			rest = append(rest, v)
			continue
		}
		for i, a := range v.Args {
			if a.Op == ir.OpConst {
				c, ok := copies[a]
				if !ok {
					c = pb.NewValue(a.Pos, ir.OpConst, a.Type)
					c.AuxFloat, c.AuxInt, c.Range = a.AuxFloat, a.AuxInt, a.Range
					copies[a] = c
				}
				v.Args[i] = c
			}
		}
		v.Block = pb
		pb.Values = append(pb.Values, v)
	}
	for _, v := range rest {
		for _, a := range v.Args {
			if dep[a] && !q.coefs[a] {
				q.coefs[a] = true
				q.coefList = append(q.coefList, a)
			}
		}
	}
	return rest
}

// plainCoefs emits, at the start of the step, the coef reads of
// parameter values used other than as a factor.
func (q *quantizer) plainCoefs() {
	for _, v := range q.coefList {
		switch {
		case v.Type == ir.Bool: // a condition on parameters: one bit per neuron
			q.newOf[v] = q.emit(v.Pos, ir.OpCoef, ir.Bool, rawInterval{0, 1}, v)
		case q.needs[v]:
			q.newOf[v] = q.constant(v, q.plainFmt[v])
		}
	}
}

// lower rebuilds the step from the real values old (plan has run). A
// second call starts over: warnings, tables and errors of the first are
// dropped.
func (q *quantizer) lower(old []*ir.Value) {
	if q.mark == nil {
		q.mark = &lowerMark{errs: len(q.errs), warnings: len(q.c.warnings)}
		if q.c.Tables != nil {
			q.mark.tables = len(*q.c.Tables)
		}
	} else {
		q.errs, q.c.warnings = q.errs[:q.mark.errs], q.c.warnings[:q.mark.warnings]
		if q.c.Tables != nil {
			*q.c.Tables = (*q.c.Tables)[:q.mark.tables]
		}
		q.newOf, q.coef, q.tooWide = map[*ir.Value]*ir.Value{}, map[coefKey]*ir.Value{}, false
	}
	if q.narrow {
		q.stages = findStages(q.f, old)
		q.uni = findUnivariate(old, q.coefs, q.stages)
	}
	q.b.Values = nil
	q.plainCoefs()
	for _, v := range old {
		q.value(v)
	}
}

// lowerMark is where the first lowering started: the lengths of the
// error, warning and table lists.
type lowerMark struct{ errs, warnings, tables int }

// constLike reports whether v is a real constant or a parameter value
// (coef): a number the step does not compute.
func (q *quantizer) constLike(v *ir.Value) bool {
	return isRealConst(v) || q.coefs[v] && v.Type == ir.F64
}

// bounds returns the values a constant-like v can have: the constant
// itself, or the range fact of a parameter value.
func (q *quantizer) bounds(v *ir.Value) (lo, hi float64) {
	if v.Op == ir.OpConst {
		return v.AuxFloat, v.AuxFloat
	}
	r := factOf(v)
	return r.Lo, r.Hi
}

// maxAbsEnd returns whichever of lo, hi is larger in magnitude (hi on a
// tie), so a point range gives the constant itself.
func maxAbsEnd(lo, hi float64) float64 {
	if math.Abs(lo) > math.Abs(hi) {
		return lo
	}
	return hi
}

// coefFormat is the coefficient format of width w for the constant-like
// v: fixed.CoefFormat of its largest end, widened until both ends fit.
func (q *quantizer) coefFormat(v *ir.Value, w int) fixed.Format {
	lo, hi := q.bounds(v)
	f := fixed.CoefFormat(maxAbsEnd(lo, hi), w)
	for f.Frac > 0 {
		_, e1 := fixed.Encode(lo, f)
		_, e2 := fixed.Encode(hi, f)
		if e1 == nil && e2 == nil {
			break
		}
		f = fixed.Q(f.Int+1, f.Frac-1)
	}
	return f
}

func (q *quantizer) errorf(pos lang.Pos, format string, args ...any) {
	if format == msgTooWide {
		q.tooWide = true
	}
	q.errs = append(q.errs, q.c.errorf(pos, format, args...))
}

// emit appends a new fixed value with its raw interval.
func (q *quantizer) emit(pos lang.Pos, op ir.Op, t ir.Type, iv rawInterval, args ...*ir.Value) *ir.Value {
	v := q.b.NewValue(pos, op, t, args...)
	q.iv[v] = iv
	return v
}

// placeholder stands in for a value that could not be quantized so that
// the rest of the function is still checked and every error reported.
func (q *quantizer) placeholder(v *ir.Value) *ir.Value {
	if v.Type == ir.Bool {
		return q.emit(v.Pos, ir.OpConst, ir.Bool, rawInterval{0, 1})
	}
	return q.emit(v.Pos, ir.OpConst, ir.Fix(q.f.Format), fullRange(q.f.Format))
}

// arg returns the fixed value of a real operand used other than by mul.
func (q *quantizer) arg(a *ir.Value) *ir.Value { return q.newOf[a] }

// value quantizes one real value.
func (q *quantizer) value(v *ir.Value) {
	var nv *ir.Value
	if q.uni.cand[v] {
		if q.uni.fused[v] {
			q.newOf[v] = q.fusedTable(v)
		}
		return
	}
	switch v.Op {
	case ir.OpConst:
		if v.Type == ir.Bool {
			nv = q.emit(v.Pos, ir.OpConst, ir.Bool, rawInterval{v.AuxInt, v.AuxInt})
			nv.AuxInt = v.AuxInt
		} else if q.needs[v] {
			nv = q.constant(v, q.plainFmt[v])
		}
	case ir.OpState, ir.OpInput:
		var typ ir.Type
		if v.Op == ir.OpState {
			typ = q.f.States[v.AuxInt].Type
		} else {
			typ = q.f.Inputs[v.AuxInt].Type
		}
		nv = q.emit(v.Pos, v.Op, typ, fullRange(typ.Fmt))
		nv.AuxInt = v.AuxInt
		if v.Op == ir.OpInput {
			nv = q.assumeInput(nv, q.f.Inputs[v.AuxInt])
		}
	case ir.OpAdd, ir.OpSub:
		nv = q.addSub(v)
	case ir.OpNeg:
		a := q.arg(v.Args[0])
		r := q.iv[a].big().neg()
		nv = q.sized(v, ir.OpNeg, r, a.Type.Fmt.Frac, a)
	case ir.OpMul:
		nv = q.mul(v)
	case ir.OpDiv:
		nv = q.div(v)
	case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
		nv = q.compare(v)
	case ir.OpAnd, ir.OpOr, ir.OpNot:
		args := make([]*ir.Value, len(v.Args))
		for i, a := range v.Args {
			args[i] = q.arg(a)
		}
		nv = q.emit(v.Pos, v.Op, ir.Bool, rawInterval{0, 1}, args...)
	case ir.OpSelect:
		nv = q.sel(v)
	case ir.OpCall:
		nv = q.call(v)
	case ir.OpFit:
		nv = q.commit(v, q.arg(v.Args[0]), v.AuxInt)
	case ir.OpNext:
		a := q.commit(v, q.arg(v.Args[0]), v.AuxInt)
		a = q.clampToRange(v, a, v.AuxInt)
		nv = q.emit(v.Pos, ir.OpNext, ir.Void, rawInterval{}, a)
		nv.AuxInt = v.AuxInt
	case ir.OpSpike, ir.OpAssert:
		nv = q.emit(v.Pos, v.Op, ir.Void, rawInterval{}, q.arg(v.Args[0]))
	default:
		panic("quantize: unexpected op in the real phase: " + v.LongString())
	}
	if i, ok := q.stages[v]; ok && q.narrow && nv != nil {
		nv = q.keepStage(v, nv, i)
	}
	if nv != nil {
		q.newOf[v] = nv
	}
}

// constant emits the real constant v encoded in format ft.
//
// A constant that does not fit ft keeps ft's fraction and gets the integer
// bits it needs (an addend such as Izhikevich's 140 mV in a q8.8 model),
// unless it is committed to a state, where it must fit: a reset value
// outside the state's format is an error, never a silent clamp.
func (q *quantizer) constant(v *ir.Value, ft fixed.Format) *ir.Value {
	// A parameter value (coef) is handled as a constant whose value is
	// only known to lie in [lo, hi]: every value of the range must fit.
	lo, hi := q.bounds(v)
	enc := func(f fixed.Format) (int64, int64, error) {
		a, err := fixed.Encode(lo, f)
		if err != nil {
			return 0, 0, err
		}
		b, err := fixed.Encode(hi, f)
		return a, b, err
	}
	finite := !math.IsNaN(lo) && !math.IsInf(lo, 0) && !math.IsNaN(hi) && !math.IsInf(hi, 0)
	rlo, rhi, err := enc(ft)
	if err != nil && !q.commits[v] && finite {
		if wide := fixed.CoefFormat(maxAbsEnd(lo, hi), fixed.MaxWidth); wide.Int > ft.Int {
			if wt := fixed.Q(wide.Int, ft.Frac); wt.Valid() {
				if a, b, err2 := enc(wt); err2 == nil {
					ft, rlo, rhi, err = wt, a, b, nil
				}
			}
		}
	}
	switch {
	case err == nil:
	case q.coefs[v]:
		q.errorf(v.Pos, msgParamNotFit, lo, hi, ft, ft.Decode(ft.Min()), ft.Decode(ft.Max()))
	case !finite:
		q.errorf(v.Pos, msgNotFinite, lo)
	default:
		q.errorf(v.Pos, msgConstNotFit, lo, ft, ft.Decode(ft.Min()), ft.Decode(ft.Max()))
	}
	if err != nil {
		return q.placeholder(v)
	}
	if q.coefs[v] {
		return q.emit(v.Pos, ir.OpCoef, ir.Fix(ft), rawInterval{rlo, rhi}, v)
	}
	nv := q.emit(v.Pos, ir.OpConst, ir.Fix(ft), rawInterval{rlo, rlo})
	nv.AuxInt = rlo
	return nv
}

// sized emits op with fraction frac and the minimal width holding r, or
// reports that the intermediate exceeds 64 bits.
func (q *quantizer) sized(v *ir.Value, op ir.Op, r bigIv, frac int, args ...*ir.Value) *ir.Value {
	w := r.width()
	if w > fixed.MaxWidth {
		q.errorf(v.Pos, msgTooWide, w)
		return q.placeholder(v)
	}
	return q.emit(v.Pos, op, ir.Fix(fixed.Q(w-frac, frac)), r.raw(), args...)
}

// aligned returns the raw intervals of a and b at their common fraction,
// or false (after reporting) when an aligned operand leaves 64 bits.
func (q *quantizer) aligned(v, a, b *ir.Value) (bigIv, bigIv, int, bool) {
	fa, fb := a.Type.Fmt.Frac, b.Type.Fmt.Frac
	fr := max(fa, fb)
	x, y := q.iv[a].shl(fa, fr), q.iv[b].shl(fb, fr)
	if w := max(x.width(), y.width()); w > fixed.MaxWidth {
		q.errorf(v.Pos, msgTooWide, w)
		return x, y, fr, false
	}
	return x, y, fr, true
}

func (q *quantizer) addSub(v *ir.Value) *ir.Value {
	a, b := q.arg(v.Args[0]), q.arg(v.Args[1])
	x, y, fr, ok := q.aligned(v, a, b)
	if !ok {
		return q.placeholder(v)
	}
	r := x.add(y)
	if v.Op == ir.OpSub {
		r = x.sub(y)
	}
	return q.sized(v, v.Op, r, fr, a, b)
}

// mulArg returns the fixed operand of a mul: a constant becomes a
// coefficient of width w, emitted just before the mul that uses it.
func (q *quantizer) mulArg(a *ir.Value, w int) *ir.Value {
	if !q.constLike(a) {
		return q.arg(a)
	}
	k := coefKey{a, w}
	if cv, ok := q.coef[k]; ok {
		return cv
	}
	cv := q.constant(a, q.coefFormat(a, w))
	q.coef[k] = cv
	return cv
}

// mulOperand returns the fixed value of a variable factor. Under an auto
// profile a factor wider than the word budget first drops fraction bits
// (rounding as the function does) so products stay within 64 bits.
func (q *quantizer) mulOperand(v, o *ir.Value) *ir.Value {
	a := q.arg(o)
	w := q.f.AutoWidth
	if w == 0 || a.Type.Kind != ir.KFixed || a.Type.Width() <= w {
		return a
	}
	d := min(a.Type.Width()-w, a.Type.Fmt.Frac)
	if d <= 0 {
		return a
	}
	return q.cast(v.Pos, a, a.Type.Fmt.Frac-d, q.f.Round)
}

// assumeInput applies an input's declared range under an auto profile:
// the word is saturated into the narrowest format with the input's
// fraction that holds the range, so products of the input keep the
// fraction bits its real magnitude allows. Without a declared range, or
// outside auto profiles, the input word is used as it arrives.
func (q *quantizer) assumeInput(x *ir.Value, in *ir.Input) *ir.Value {
	if q.f.AutoWidth == 0 || in.Range == nil {
		return x
	}
	fm := x.Type.Fmt
	// A range beyond fm (or unbounded) leaves an end at fm's, so the
	// narrowed format would be fm itself.
	r := ofFixed(fixed.Inward(in.Range.Lo, in.Range.Hi, fm))
	if r.lo.Cmp(r.hi) > 0 {
		return x
	}
	to := fixed.Q(r.width()-fm.Frac, fm.Frac)
	if to.Width() >= fm.Width() {
		return x
	}
	nv := q.emit(x.Pos, ir.OpCast, ir.Fix(to), castInterval(q.iv[x], fm, to, fixed.Floor, fixed.Sat), x)
	nv.Round, nv.Overflow = fixed.Floor, fixed.Sat
	return nv
}

// autoFormat is the format of a state with range r under an auto:<w>
// profile: the fewest integer bits (sign included) holding r, the rest of
// the word fraction. An unbounded range gets the profile's format.
func autoFormat(r Interval, w int, def fixed.Format) fixed.Format {
	if math.IsInf(r.Lo, 0) || math.IsInf(r.Hi, 0) || math.IsNaN(r.Lo) || math.IsNaN(r.Hi) {
		return def
	}
	for i := 2 - w; i < w; i++ {
		ft := fixed.Q(i, w-i)
		_, e1 := fixed.Encode(r.Lo, ft)
		_, e2 := fixed.Encode(r.Hi, ft)
		if e1 == nil && e2 == nil {
			return ft
		}
	}
	return def
}

func isRealConst(v *ir.Value) bool { return v.Op == ir.OpConst && v.Type == ir.F64 }

// coefWidth is the width of a coefficient multiplying a value of width
// other: the state word width, less when the product would leave 64 bits
// (e.g. q16.16 sums times a 32-bit coefficient).
func (q *quantizer) coefWidth(other int) int { return min(q.W, fixed.MaxWidth-other) }

func (q *quantizer) mul(v *ir.Value) *ir.Value {
	x, y := v.Args[0], v.Args[1]
	for i, o := range []*ir.Value{y, x} {
		if q.constLike(v.Args[i]) && !q.constLike(o) {
			if w := q.arg(o).Type.Width(); q.coefWidth(w) < 2 {
				q.errorf(v.Pos, msgTooWide, w+q.W)
				return q.placeholder(v)
			}
		}
	}
	var a, b *ir.Value
	switch {
	case q.constLike(x) && q.constLike(y):
		w := min(q.W, fixed.MaxWidth/2)
		a, b = q.mulArg(x, w), q.mulArg(y, w)
	case q.constLike(x):
		b = q.mulOperand(v, y)
		a = q.mulArg(x, q.coefWidth(b.Type.Width()))
	case q.constLike(y):
		a = q.mulOperand(v, x)
		b = q.mulArg(y, q.coefWidth(a.Type.Width()))
	default:
		a, b = q.mulOperand(v, x), q.mulOperand(v, y)
	}
	if w := a.Type.Width() + b.Type.Width(); w > fixed.MaxWidth || a.Type.Width() < 1 || b.Type.Width() < 1 {
		q.errorf(v.Pos, msgTooWide, w)
		return q.placeholder(v)
	}
	frac := a.Type.Fmt.Frac + b.Type.Fmt.Frac
	p := q.sized(v, ir.OpMul, q.iv[a].big().mul(q.iv[b].big()), frac, a, b)
	if w := q.f.AutoWidth; w != 0 && p.Op == ir.OpMul {
		// auto: keep the product's integer bits and as many fraction
		// bits as the word budget leaves.
		if nf := max(w-p.Type.Fmt.Int, 0); nf < frac {
			return q.cast(v.Pos, p, nf, q.f.Round)
		}
		return p
	}
	if frac <= q.F || p.Op != ir.OpMul {
		return p
	}
	// Products narrowed with the function's rounding (floor: an arithmetic
	// shift); wrap never fires because the width holds the interval.
	return q.cast(v.Pos, p, q.F, q.f.Round)
}

// cast narrows p to fraction frac with rounding m and overflow wrap, its
// width the minimal one holding the rounded interval.
func (q *quantizer) cast(pos lang.Pos, p *ir.Value, frac int, m fixed.Round) *ir.Value {
	from := p.Type.Fmt
	r := ofFixed(q.iv[p].big().fx().Round(from, fixed.Q(from.Int, frac), m))
	w := r.width()
	nv := q.emit(pos, ir.OpCast, ir.Fix(fixed.Q(w-frac, frac)), r.raw(), p)
	nv.Round, nv.Overflow = m, fixed.Wrap
	return nv
}

// div quantizes division by a variable (DESIGN §3, fixed.Div): the result
// has fraction F; its width holds B = ⌊|num|max·2^sh / |den|min⌋ with
// sh = fden + F - fnum (a negative sh shifts the denominator instead) and
// |den|min = 1 when den may be 0. A zero denominator yields the result
// format's max or min, so then the interval is the whole format.
func (q *quantizer) div(v *ir.Value) *ir.Value {
	a, b := q.arg(v.Args[0]), q.arg(v.Args[1])
	na, nb := q.iv[a].big(), q.iv[b].big()
	sh := b.Type.Fmt.Frac + q.F - a.Type.Fmt.Frac
	num := na.maxAbs()
	den := big.NewInt(1)
	zero := nb.lo.Sign() <= 0 && nb.hi.Sign() >= 0
	if !zero {
		den = new(big.Int).Abs(nb.lo)
		if h := new(big.Int).Abs(nb.hi); h.Cmp(den) < 0 {
			den = h
		}
	}
	if sh >= 0 {
		num.Lsh(num, uint(sh))
	} else {
		den.Lsh(den, uint(-sh))
	}
	bound := new(big.Int).Quo(num, den)
	r := bigIv{new(big.Int).Neg(bound), bound}
	nv := q.sized(v, ir.OpDiv, r, q.F, a, b)
	if zero && nv.Op == ir.OpDiv {
		q.iv[nv] = fullRange(nv.Type.Fmt)
	}
	return nv
}

func (q *quantizer) compare(v *ir.Value) *ir.Value {
	a, b := q.arg(v.Args[0]), q.arg(v.Args[1])
	if a.Type.Kind == ir.KFixed && b.Type.Kind == ir.KFixed {
		if _, _, _, ok := q.aligned(v, a, b); !ok {
			return q.placeholder(v)
		}
	}
	return q.emit(v.Pos, v.Op, ir.Bool, rawInterval{0, 1}, a, b)
}

// sel unifies the arms of a select: equal types stay, different ones are
// widened exactly (sign extension, fraction bits appended) to the smallest
// format holding both.
func (q *quantizer) sel(v *ir.Value) *ir.Value {
	c, a, b := q.arg(v.Args[0]), q.arg(v.Args[1]), q.arg(v.Args[2])
	if a.Type == b.Type {
		iv := rawInterval{min(q.iv[a].Lo, q.iv[b].Lo), max(q.iv[a].Hi, q.iv[b].Hi)}
		if a.Type == ir.Bool {
			iv = rawInterval{0, 1}
		}
		return q.emit(v.Pos, ir.OpSelect, a.Type, iv, c, a, b)
	}
	fa, fb := a.Type.Fmt, b.Type.Fmt
	u := fixed.Q(max(fa.Int, fb.Int), max(fa.Frac, fb.Frac))
	if u.Width() > fixed.MaxWidth {
		q.errorf(v.Pos, msgTooWide, u.Width())
		return q.placeholder(v)
	}
	a, b = q.widen(v.Pos, a, u), q.widen(v.Pos, b, u)
	r := q.iv[a].big().hull(q.iv[b].big())
	return q.emit(v.Pos, ir.OpSelect, ir.Fix(u), r.raw(), c, a, b)
}

// widen casts a exactly to u, a format that contains a's.
func (q *quantizer) widen(pos lang.Pos, a *ir.Value, u fixed.Format) *ir.Value {
	if a.Type.Fmt == u {
		return a
	}
	nv := q.emit(pos, ir.OpCast, ir.Fix(u), castInterval(q.iv[a], a.Type.Fmt, u, fixed.Floor, fixed.Wrap), a)
	nv.Round, nv.Overflow = fixed.Floor, fixed.Wrap
	return nv
}

// commit brings a into the type of state s: the cast of fit, with the
// function's rounding and overflow modes (sat unless the model chose
// wrap). A value that already has the state's type needs none.
func (q *quantizer) commit(v *ir.Value, a *ir.Value, s int64) *ir.Value {
	st := q.f.States[s].Type
	if a.Type == st {
		return a
	}
	if a.Type.Kind != ir.KFixed {
		panic("quantize: commit of a non-number: " + v.LongString())
	}
	iv := castInterval(q.iv[a], a.Type.Fmt, st.Fmt, q.f.Round, q.f.Overflow)
	nv := q.emit(v.Pos, ir.OpCast, st, iv, a)
	nv.Round, nv.Overflow = q.f.Round, q.f.Overflow
	return nv
}

// clampToRange keeps the value committed to state s inside the state's
// declared range when range analysis could not prove that range inductive
// (msgUnproven): range analysis, the error report and formal's
// no-saturation claims all assume the declared range, so the hardware
// enforces it, and "the state stays in its range" becomes a property the
// RTL proves. Only under overflow sat (a wrap model keeps wrapping) and
// never for the refractory counter.
func (q *quantizer) clampToRange(v, a *ir.Value, s int64) *ir.Value {
	st := q.f.States[s]
	sr, ok := reachOf(st)
	if q.f.Overflow != fixed.Sat || st.Range == nil || st.Refractory || !ok || sr.Proven || a.Type != st.Type {
		return a
	}
	fm := st.Type.Fmt
	w := fixed.Inward(st.Range.Lo, st.Range.Hi, fm)
	if w.Lo.Cmp(w.Hi) > 0 {
		return a // plan reported it (msgRangeNoWords)
	}
	if lo := w.Lo.Int64(); lo > fm.Min() {
		a = q.clampSide(v.Pos, a, lo, ir.OpLt)
	}
	if hi := w.Hi.Int64(); hi < fm.Max() {
		a = q.clampSide(v.Pos, a, hi, ir.OpGt)
	}
	return a
}

// clampSide returns select(a cmp k, k, a): with cmp lt a lower clamp at
// k, with gt an upper one (formal/analysis.go recognizes the pattern).
func (q *quantizer) clampSide(pos lang.Pos, a *ir.Value, k int64, cmp ir.Op) *ir.Value {
	c := q.emit(pos, ir.OpConst, a.Type, rawInterval{k, k})
	c.AuxInt = k
	cond := q.emit(pos, cmp, ir.Bool, rawInterval{0, 1}, a, c)
	iv := q.iv[a]
	if cmp == ir.OpLt {
		iv = rawInterval{max(iv.Lo, k), max(iv.Hi, k)}
	} else {
		iv = rawInterval{min(iv.Lo, k), min(iv.Hi, k)}
	}
	return q.emit(pos, ir.OpSelect, a.Type, iv, cond, c, a)
}

// call lowers a nonlinear function of one argument that is not part of a
// univariate subexpression (those become one table, see univariate) to a
// breakpoint table over the argument's proven range (DESIGN §3). A
// function of several variables (pow(x, y)) cannot be tabulated.
func (q *quantizer) call(v *ir.Value) *ir.Value {
	g := fixed.RealFunc(v.AuxName)
	if len(v.Args) != 1 || g == nil {
		q.errorf(v.Pos, msgCallNotInFixed, v.AuxName, len(v.Args))
		return q.placeholder(v)
	}
	return q.tabulate(v, v.Args[0], v.AuxName, g)
}

// plan decides the types of states and inputs and, for each real
// constant, whether it needs a non-coefficient copy and in which format.
func (q *quantizer) plan(vals []*ir.Value) {
	f := q.f
	for i, s := range f.States {
		ft := q.vf.state[i]
		given := q.vf.givenState[i]
		if s.Refractory {
			ft = q.refrFormat(vals, i)
		} else if sr, ok := reachOf(s); f.AutoWidth != 0 && ok && !given {
			ft = autoFormat(sr.Interval, f.AutoWidth, f.Format)
		}
		if f.AutoWidth != 0 && !given && !s.Refractory && s.Range != nil && noWords(s.Range, ft) {
			// The range pass checks fixed formats; an auto format is
			// chosen only here.
			q.errorf(s.Pos, msgRangeNoWords, s.Range.Lo, s.Range.Hi, s.Name, ft, ft.Decode(ft.Min()), ft.Decode(ft.Max()))
		}
		s.Type = ir.Fix(ft)
		raw, err := fixed.Encode(s.Init, ft)
		if err != nil {
			q.errorf(s.Pos, msgInitNotFit, s.Init, s.Name, ft, ft.Decode(ft.Min()), ft.Decode(ft.Max()))
		}
		s.InitRaw = raw
	}
	for i, in := range f.Inputs {
		in.Type = ir.Fix(q.vf.input[i])
	}
	for _, v := range vals {
		// A value committed to a state of a given format must fit it
		// (elsewhere the constant takes the state's format and constant
		// reports it): a reset value is never clamped silently.
		if v.Op != ir.OpFit || !q.constLike(v.Args[0]) || !q.vf.givenState[v.AuxInt] {
			continue
		}
		ft, a := f.States[v.AuxInt].Type.Fmt, v.Args[0]
		lo, hi := q.bounds(a)
		_, e1 := fixed.Encode(lo, ft)
		_, e2 := fixed.Encode(hi, ft)
		switch {
		case e1 == nil && e2 == nil:
		case q.coefs[a]:
			q.errorf(a.Pos, msgParamNotFit, lo, hi, ft, ft.Decode(ft.Min()), ft.Decode(ft.Max()))
		default:
			q.errorf(a.Pos, msgConstNotFit, maxAbsEnd(lo, hi), ft, ft.Decode(ft.Min()), ft.Decode(ft.Max()))
		}
	}
	q.needs = map[*ir.Value]bool{}
	q.commits = map[*ir.Value]bool{}
	usedByMul := map[*ir.Value]bool{}
	for _, v := range vals {
		if v.Op == ir.OpFit && q.constLike(v.Args[0]) {
			q.commits[v.Args[0]] = true
		}
		for _, a := range v.Args {
			if q.constLike(a) {
				if v.Op == ir.OpMul {
					usedByMul[a] = true
				} else {
					q.needs[a] = true
				}
			}
		}
	}
	cls := q.classes(vals)
	q.cls = cls
	q.plainFmt = map[*ir.Value]fixed.Format{}
	for _, v := range append(append([]*ir.Value(nil), q.coefList...), vals...) {
		if !q.constLike(v) {
			continue
		}
		if !usedByMul[v] {
			q.needs[v] = true // unused constants stay for dce to remove
		}
		ft := f.Format
		if sf, refr, ok := cls.stateFormat(v); ok {
			if lo, hi := q.bounds(v); !refr || exact(lo, sf) && exact(hi, sf) {
				ft = sf
			}
		}
		q.plainFmt[v] = ft
	}
}

// exact reports whether x is a word of f.
func exact(x float64, f fixed.Format) bool {
	raw, err := fixed.Encode(x, f)
	return err == nil && f.Decode(raw) == x
}

// refrFormat is the format of refractory state i: the smallest q<k>.0
// holding 0..N, N the largest constant that reaches its commit through
// fits and selects (the count it is loaded with) or its initial value.
func (q *quantizer) refrFormat(vals []*ir.Value, i int) fixed.Format {
	s := q.f.States[i]
	n := math.Abs(s.Init)
	var work []*ir.Value
	for _, v := range vals {
		if v.Op == ir.OpNext && v.AuxInt == int64(i) {
			work = append(work, v.Args[0])
		}
	}
	seen := map[*ir.Value]bool{}
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[v] {
			continue
		}
		seen[v] = true
		if q.coefs[v] {
			lo, hi := q.bounds(v)
			n = math.Max(n, math.Max(math.Abs(lo), math.Abs(hi)))
			continue
		}
		switch v.Op {
		case ir.OpConst:
			if v.Type == ir.F64 {
				n = math.Max(n, math.Abs(v.AuxFloat))
			}
		case ir.OpFit:
			work = append(work, v.Args[0])
		case ir.OpSelect:
			work = append(work, v.Args[1], v.Args[2])
		}
	}
	n = math.Ceil(n)
	if !(n < 1<<62) {
		q.errorf(s.Pos, msgRefrTooLong, n, s.Name)
		return q.f.Format
	}
	return fixed.Q(bits.Len64(uint64(n))+1, 0)
}

// classes groups values that meet in add, sub, neg, select, comparisons and
// commits (multiplication separates them): a constant takes the format of
// the states in its group, so the refractory counter's constants are
// q<k>.0 words like the counter.
type classes struct {
	parent []int
	n      int         // number of values; states and inputs follow
	refr   map[int]int // root → refractory state index, -1 when mixed
	states []*ir.State
}

// stateFormat returns the format of the state that is alone in v's group,
// if there is one, and whether it is the refractory counter.
func (c *classes) stateFormat(v *ir.Value) (fixed.Format, bool, bool) {
	i, ok := c.refr[c.find(v.ID)]
	if !ok || i < 0 {
		return fixed.Format{}, false, false
	}
	return c.states[i].Type.Fmt, c.states[i].Refractory, true
}

func (q *quantizer) classes(vals []*ir.Value) *classes {
	f := q.f
	n := f.NumValues()
	c := &classes{parent: make([]int, n+len(f.States)+len(f.Inputs)), n: n}
	for i := range c.parent {
		c.parent[i] = i
	}
	num := func(v *ir.Value) bool { return v.Type == ir.F64 }
	for _, v := range vals {
		switch {
		case v.Op == ir.OpAdd || v.Op == ir.OpSub || v.Op == ir.OpNeg:
			for _, a := range v.Args {
				c.union(v.ID, a.ID)
			}
		case v.Op == ir.OpSelect && num(v):
			c.union(v.ID, v.Args[1].ID)
			c.union(v.ID, v.Args[2].ID)
		case v.Op.IsCompare() && num(v.Args[0]):
			c.union(v.Args[0].ID, v.Args[1].ID)
		case v.Op == ir.OpFit:
			c.union(v.ID, v.Args[0].ID)
			c.union(v.ID, n+int(v.AuxInt))
		case v.Op == ir.OpNext:
			c.union(v.Args[0].ID, n+int(v.AuxInt))
		case v.Op == ir.OpState:
			c.union(v.ID, n+int(v.AuxInt))
		case v.Op == ir.OpInput:
			c.union(v.ID, n+len(f.States)+int(v.AuxInt))
		}
	}
	c.refr = map[int]int{}
	for i, s := range f.States {
		r := c.find(n + i)
		if j, ok := c.refr[r]; ok && j != i {
			c.refr[r] = -1
		} else if s.Refractory || f.AutoWidth != 0 || q.vf.givenState[i] {
			c.refr[r] = i
		} else {
			c.refr[r] = -1
		}
	}
	for i := range f.Inputs {
		c.refr[c.find(n+len(f.States)+i)] = -1
	}
	c.states = f.States
	return c
}

func (c *classes) find(x int) int {
	for c.parent[x] != x {
		c.parent[x] = c.parent[c.parent[x]]
		x = c.parent[x]
	}
	return x
}

func (c *classes) union(x, y int) {
	x, y = c.find(x), c.find(y)
	if x < y {
		x, y = y, x
	}
	c.parent[x] = y // smaller root wins: deterministic
}
