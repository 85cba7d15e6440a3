package mlir

import (
	"fmt"
	"math/big"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// lowerer turns one fixed-phase ir.Func into a hwModule.
type lowerer struct {
	*builder
	f      *ir.Func
	vals   []num       // by IR value ID
	regs   []num       // register output of each state
	next   []num       // committed value of each state
	spike  *num        // spike condition, nil when the model never spikes
	checks []assertion // asserted conditions
}

// assertion is one asserted condition and where the source states it.
type assertion struct {
	cond string
	pos  lang.Pos
}

// lowerFn lowers one IR value; the table below is what the op-coverage test
// holds against ir.FixedOps.
type lowerFn func(l *lowerer, v *ir.Value)

// lowerings maps every op that survives quantize to its lowering and a
// one-line description of the hw/comb/seq ops it becomes.
var lowerings = map[ir.Op]struct {
	fn   lowerFn
	desc string
}{
	ir.OpConst:  {(*lowerer).lowerConst, "hw.constant (shared per value and width)"},
	ir.OpState:  {(*lowerer).lowerState, "the output of the state's seq.firreg"},
	ir.OpInput:  {(*lowerer).lowerInput, "the input port"},
	ir.OpAdd:    {(*lowerer).lowerAddSub, "comb.concat alignment, sign extension, comb.add"},
	ir.OpSub:    {(*lowerer).lowerAddSub, "comb.concat alignment, sign extension, comb.sub"},
	ir.OpMul:    {(*lowerer).lowerMul, "operands extended to the result width, comb.mul"},
	ir.OpNeg:    {(*lowerer).lowerNeg, "comb.sub from zero"},
	ir.OpDiv:    {(*lowerer).lowerDiv, "wide comb.divs guarded by comb.mux on a zero denominator"},
	ir.OpLt:     {(*lowerer).lowerCompare, "comb.icmp slt on aligned operands"},
	ir.OpLe:     {(*lowerer).lowerCompare, "comb.icmp sle on aligned operands"},
	ir.OpGt:     {(*lowerer).lowerCompare, "comb.icmp sgt on aligned operands"},
	ir.OpGe:     {(*lowerer).lowerCompare, "comb.icmp sge on aligned operands"},
	ir.OpEq:     {(*lowerer).lowerCompare, "comb.icmp eq on aligned operands"},
	ir.OpNe:     {(*lowerer).lowerCompare, "comb.icmp ne on aligned operands"},
	ir.OpAnd:    {(*lowerer).lowerLogic, "comb.and"},
	ir.OpOr:     {(*lowerer).lowerLogic, "comb.or"},
	ir.OpNot:    {(*lowerer).lowerNot, "comb.xor with true"},
	ir.OpSelect: {(*lowerer).lowerSelect, "comb.mux"},
	ir.OpCast:   {(*lowerer).lowerCast, "comb.extract/concat rounding, comb.icmp/mux saturation"},
	ir.OpNext:   {(*lowerer).lowerNext, "the next value of the state's seq.firreg, held by comb.mux on en"},
	ir.OpSpike:  {(*lowerer).lowerSpike, "the next value of the spike seq.firreg, held by comb.mux on en"},
	ir.OpAssert: {(*lowerer).lowerAssert, "verif.assert of (reset | !en | cond)"},
}

// Lowers reports whether op has a lowering to hw/comb/seq.
func Lowers(op ir.Op) bool {
	_, ok := lowerings[op]
	return ok
}

// Lowering reports whether op has a lowering to hw/comb/seq and describes
// it. Every op in ir.FixedOps has one (the op-coverage test holds that).
func Lowering(op ir.Op) (desc string, ok bool) {
	l, ok := lowerings[op]
	return l.desc, ok
}

func (l *lowerer) val(v *ir.Value) num { return l.vals[v.ID] }

// numType returns the width and signedness of an IR type (bool: 1 bit,
// unsigned).
func numType(t ir.Type) (int, bool) {
	if t.Kind == ir.KFixed {
		return t.Fmt.Width(), t.Fmt.Signed
	}
	return t.Width(), false
}

func (l *lowerer) set(v *ir.Value, name string) {
	w, s := numType(v.Type)
	l.vals[v.ID] = num{name, w, s}
}

func (l *lowerer) lowerConst(v *ir.Value) {
	l.set(v, l.constant(v.AuxInt, v.Type.Width()))
}

func (l *lowerer) lowerState(v *ir.Value) { l.vals[v.ID] = l.regs[v.AuxInt] }

func (l *lowerer) lowerInput(v *ir.Value) {
	l.set(v, l.f.Inputs[v.AuxInt].PortName())
}

// lowerAddSub aligns both operands to the result's fraction and width
// modulo 2^W, which is exact because the op itself wraps to W bits.
func (l *lowerer) lowerAddSub(v *ir.Value) {
	w, fr := v.Type.Width(), v.Type.Fmt.Frac
	a, c := v.Args[0], v.Args[1]
	x := l.scaleMod(l.val(a), fr-a.Type.Fmt.Frac, w)
	y := l.scaleMod(l.val(c), fr-c.Type.Fmt.Frac, w)
	k := kAdd
	if v.Op == ir.OpSub {
		k = kSub
	}
	l.set(v, l.binop(k, x, y, w, ""))
}

// lowerMul extends both operands to the result width first: comb.mul
// truncates to its operand width, and the low W bits of a product depend
// only on the low W bits of the operands.
func (l *lowerer) lowerMul(v *ir.Value) {
	w := v.Type.Width()
	x := l.resize(l.val(v.Args[0]), w)
	y := l.resize(l.val(v.Args[1]), w)
	l.set(v, l.binop(kMul, x, y, w, ""))
}

func (l *lowerer) lowerNeg(v *ir.Value) {
	w := v.Type.Width()
	x := l.resize(l.val(v.Args[0]), w)
	l.set(v, l.binop(kSub, l.constant(0, w), x, w, ""))
}

// lowerDiv mirrors fixed.Div: (num·2^sh)/den (or num/(den·2^-sh)) in a
// signed width D that holds both operands and the quotient exactly, so
// comb.divs truncates toward zero without overflow; the low W bits are the
// result. comb.divs by zero is undefined, so a comb.mux picks the format's
// max (num ≥ 0) or min instead.
func (l *lowerer) lowerDiv(v *ir.Value) {
	to := v.Type.Fmt
	w := to.Width()
	a, d := l.val(v.Args[0]), l.val(v.Args[1])
	sh := v.Args[1].Type.Fmt.Frac + to.Frac - v.Args[0].Type.Fmt.Frac
	n, dd := l.shiftLeft(a, max(sh, 0)), l.shiftLeft(d, max(-sh, 0))
	dw := max(signedWidth(n), signedWidth(dd)) + 1
	nx, dx := l.resize(n, dw), l.resize(dd, dw)
	q := l.binop(kDivS, nx, dx, dw, "quo")
	qw := l.resize(num{q, dw, true}, w)
	lim := l.constant(to.Max(), w)
	if a.signed {
		neg := l.extract(a.name, a.width-1, 1, "neg")
		lim = l.mux(neg, l.constant(to.Min(), w), lim, w, "lim")
	}
	zero := l.icmp("eq", d.name, l.constant(0, d.width), "dz")
	l.set(v, l.mux(zero, lim, qw, w, ""))
}

var cmpPred = map[ir.Op]string{
	ir.OpLt: "slt", ir.OpLe: "sle", ir.OpGt: "sgt", ir.OpGe: "sge", ir.OpEq: "eq", ir.OpNe: "ne",
}

// lowerCompare aligns both operands to the larger fraction exactly and
// compares them as signed integers of a width that holds both.
func (l *lowerer) lowerCompare(v *ir.Value) {
	a, c := v.Args[0], v.Args[1]
	x, y := l.val(a), l.val(c)
	if a.Type.Kind == ir.KBool {
		l.set(v, l.icmp(cmpPred[v.Op], x.name, y.name, ""))
		return
	}
	fr := max(a.Type.Fmt.Frac, c.Type.Fmt.Frac)
	x = l.shiftLeft(x, fr-a.Type.Fmt.Frac)
	y = l.shiftLeft(y, fr-c.Type.Fmt.Frac)
	w := max(signedWidth(x), signedWidth(y))
	l.set(v, l.icmp(cmpPred[v.Op], l.resize(x, w), l.resize(y, w), ""))
}

func (l *lowerer) lowerLogic(v *ir.Value) {
	k := kAnd
	if v.Op == ir.OpOr {
		k = kOr
	}
	l.set(v, l.binop(k, l.val(v.Args[0]).name, l.val(v.Args[1]).name, 1, ""))
}

func (l *lowerer) lowerNot(v *ir.Value) {
	l.set(v, l.binop(kXor, l.val(v.Args[0]).name, l.constant(1, 1), 1, ""))
}

func (l *lowerer) lowerSelect(v *ir.Value) {
	c, t, f := l.val(v.Args[0]), l.val(v.Args[1]), l.val(v.Args[2])
	l.set(v, l.mux(c.name, t.name, f.name, v.Type.Width(), ""))
}

func (l *lowerer) lowerNext(v *ir.Value) { l.next[v.AuxInt] = l.val(v.Args[0]) }

func (l *lowerer) lowerSpike(v *ir.Value) {
	s := l.val(v.Args[0])
	l.spike = &s
}

func (l *lowerer) lowerAssert(v *ir.Value) {
	l.checks = append(l.checks, assertion{l.val(v.Args[0]).name, l.pos})
}

// lowerCast mirrors fixed.Cast: drop fraction bits with the rounding mode
// (or append zero bits), giving an exact intermediate, then wrap or
// saturate into the target format.
func (l *lowerer) lowerCast(v *ir.Value) {
	from, to := v.Args[0].Type.Fmt, v.Type.Fmt
	x := l.val(v.Args[0])
	s := from.Frac - to.Frac
	switch {
	case s > 0:
		x = l.roundShift(x, s, v.Round)
	case s < 0:
		x = l.shiftLeft(x, -s)
	}
	l.set(v, l.fit(x, to, v.Overflow))
}

// roundShift returns x/2^s (s > 0) rounded with mode m, exactly: the floor
// is the bits above s, and rounding adds at most one.
func (l *lowerer) roundShift(x num, s int, m fixed.Round) num {
	xw := max(x.width, s+1) // at least one bit above the dropped ones
	xe := num{l.resize(x, xw), xw, x.signed}
	qw := xw - s
	floor := num{l.extract(xe.name, s, qw, "fl"), qw, x.signed}
	var inc string
	switch m {
	case fixed.Floor:
		return floor
	case fixed.Zero: // up by one when negative and inexact
		if !x.signed {
			return floor
		}
		neg := l.extract(xe.name, xw-1, 1, "neg")
		rem := l.extract(xe.name, 0, s, "rem")
		inexact := l.icmp("ne", rem, l.constant(0, s), "inexact")
		inc = l.binop(kAnd, neg, inexact, 1, "inc")
	case fixed.HalfUp: // up by one when the remainder is at least a half
		inc = l.extract(xe.name, s-1, 1, "half")
	case fixed.HalfEven: // above a half, or exactly a half with an odd floor
		half := l.extract(xe.name, s-1, 1, "half")
		odd := l.extract(xe.name, s, 1, "odd")
		tie := odd
		if s > 1 {
			rest := l.extract(xe.name, 0, s-1, "rest")
			above := l.icmp("ne", rest, l.constant(0, s-1), "above")
			tie = l.binop(kOr, above, odd, 1, "up")
		}
		inc = l.binop(kAnd, half, tie, 1, "inc")
	default:
		panic(fmt.Sprintf("mlir: unknown rounding mode %v", m))
	}
	w := qw + 1
	wide := l.resize(floor, w)
	one := l.concat(w, "incw", l.constant(0, w-1), inc)
	return num{l.binop(kAdd, wide, one, w, "rnd"), w, x.signed}
}

// fit brings the exact value x into format to: wrap keeps the low bits;
// sat compares against the format's bounds where x's own range can pass
// them.
func (l *lowerer) fit(x num, to fixed.Format, o fixed.Overflow) string {
	w := to.Width()
	if o == fixed.Wrap {
		return l.resize(x, w)
	}
	lo, hi := rangeOf(x)
	under := lo.Cmp(big.NewInt(to.Min())) < 0
	over := hi.Cmp(big.NewInt(to.Max())) > 0
	r := l.resize(x, w)
	if !under && !over {
		return r
	}
	tw := w
	if !to.Signed {
		tw++
	}
	cw := max(signedWidth(x), tw)
	xc := l.resize(x, cw)
	if under {
		c := l.icmp("slt", xc, l.constant(to.Min(), cw), "under")
		r = l.mux(c, l.constant(to.Min(), w), r, w, "satlo")
	}
	if over {
		c := l.icmp("sgt", xc, l.constant(to.Max(), cw), "over")
		r = l.mux(c, l.constant(to.Max(), w), r, w, "sathi")
	}
	return r
}

// rangeOf returns the smallest and largest value x can hold.
func rangeOf(x num) (lo, hi *big.Int) {
	one := big.NewInt(1)
	if x.signed {
		hi = new(big.Int).Lsh(one, uint(x.width-1))
		lo = new(big.Int).Neg(hi)
		return lo, hi.Sub(hi, one)
	}
	hi = new(big.Int).Lsh(one, uint(x.width))
	return new(big.Int), hi.Sub(hi, one)
}
