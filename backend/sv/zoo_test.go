package sv

import (
	"fmt"
	"math"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// The op zoo: hand-built fixed-phase IR that exercises every op of
// ir.FixedOps and every cast rounding × overflow combination, with operands
// chosen so that ties, negative values, overflow, division by zero and
// wide (up to 64-bit) intermediates occur often under random full-range
// inputs. Every interesting value is committed to a probe state, so a
// co-simulation compares it after every step. zooModule builds it;
// testdata/zoo.txtar holds its printed form (TestZooIRUpToDate) and the SV
// it compiles to; testbenches co-simulates it.

type zooBuilder struct {
	f    *ir.Func
	b    *ir.Block
	line int
	one  *ir.Value // uq1.0 constants for probing bools
	zero *ir.Value
}

func newZoo(name string, format fixed.Format) *zooBuilder {
	f := ir.NewFunc(name, lang.Pos{Line: 1, Col: 1})
	f.Dt = 1
	f.Format = format
	f.Round = fixed.Floor
	f.Overflow = fixed.Wrap
	z := &zooBuilder{f: f, b: f.Entry(), line: 1}
	z.one = z.c(1, fixed.UQ(1, 0))
	z.zero = z.c(0, fixed.UQ(1, 0))
	return z
}

func (z *zooBuilder) pos() lang.Pos {
	z.line++
	return lang.Pos{Line: z.line, Col: 3}
}

func (z *zooBuilder) in(name string, fm fixed.Format) *ir.Value {
	z.f.Inputs = append(z.f.Inputs, &ir.Input{Name: name, Type: ir.Fix(fm), Pos: z.pos()})
	v := z.b.NewValue(z.pos(), ir.OpInput, ir.Fix(fm))
	v.AuxInt = int64(len(z.f.Inputs) - 1)
	return v
}

func (z *zooBuilder) c(raw int64, fm fixed.Format) *ir.Value {
	v := z.b.NewValue(z.pos(), ir.OpConst, ir.Fix(fm))
	v.AuxInt = raw
	return v
}

func (z *zooBuilder) op(op ir.Op, fm fixed.Format, args ...*ir.Value) *ir.Value {
	return z.b.NewValue(z.pos(), op, ir.Fix(fm), args...)
}

func (z *zooBuilder) cmp(op ir.Op, a, b *ir.Value) *ir.Value {
	return z.b.NewValue(z.pos(), op, ir.Bool, a, b)
}

func (z *zooBuilder) cast(a *ir.Value, to fixed.Format, r fixed.Round, o fixed.Overflow) *ir.Value {
	v := z.b.NewValue(z.pos(), ir.OpCast, ir.Fix(to), a)
	v.Round, v.Overflow = r, o
	return v
}

// table tabulates fn (real units) at n breakpoints from raw argument lo,
// spaced 2^shift, into format out, and applies it to a.
func (z *zooBuilder) table(a *ir.Value, out fixed.Format, lo int64, shift, n int, fn func(float64) float64) *ir.Value {
	t := &fixed.Table{Lo: lo, Shift: shift}
	for k := 0; k < n; k++ {
		x := a.Type.Fmt.Decode(lo + int64(k)<<uint(shift))
		y, err := fixed.Encode(fn(x), out)
		if err != nil {
			y = fixed.SatTo(int64(math.RoundToEven(math.Ldexp(fn(x), out.Frac))), out)
		}
		t.Y = append(t.Y, y)
	}
	v := z.b.NewValue(z.pos(), ir.OpTable, ir.Fix(out), a)
	v.Table = t
	return v
}

// state adds a state of format fm with initial word init and returns its
// pre-step value.
func (z *zooBuilder) state(name string, fm fixed.Format, init int64) *ir.Value {
	z.f.States = append(z.f.States, &ir.State{Name: name, Type: ir.Fix(fm), Init: fm.Decode(init), InitRaw: init, Pos: z.pos()})
	v := z.b.NewValue(z.pos(), ir.OpState, ir.Fix(fm))
	v.AuxInt = int64(len(z.f.States) - 1)
	return v
}

func (z *zooBuilder) next(i int, v *ir.Value) {
	n := z.b.NewValue(z.pos(), ir.OpNext, ir.Void, v)
	n.AuxInt = int64(i)
}

// probe commits v to a new state named o_<name> so every step compares it.
func (z *zooBuilder) probe(name string, v *ir.Value) {
	if v.Type.Kind == ir.KBool {
		v = z.b.NewValue(z.pos(), ir.OpSelect, ir.Fix(fixed.UQ(1, 0)), v, z.one, z.zero)
	}
	z.f.States = append(z.f.States, &ir.State{Name: "o_" + name, Type: v.Type, Pos: z.pos()})
	z.next(len(z.f.States)-1, v)
}

var (
	rounds    = []fixed.Round{fixed.Floor, fixed.HalfUp, fixed.HalfEven, fixed.Zero}
	overflows = []fixed.Overflow{fixed.Wrap, fixed.Sat}
)

// castAll probes every rounding × overflow cast of a into to.
func (z *zooBuilder) castAll(name string, a *ir.Value, to fixed.Format) {
	for _, o := range overflows {
		for _, r := range rounds {
			z.probe(fmt.Sprintf("%s_%v_%v", name, r, o), z.cast(a, to, r, o))
		}
	}
}

func (z *zooBuilder) cmpAll(name string, a, b *ir.Value) []*ir.Value {
	var out []*ir.Value
	for _, op := range []ir.Op{ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe} {
		c := z.cmp(op, a, b)
		z.probe(fmt.Sprintf("%s_%v", name, op), c)
		out = append(out, c)
	}
	return out
}

// zooFunc is the 16-bit zoo: q8.8 profile with inputs of several formats.
func zooFunc() *ir.Func {
	q, uq := fixed.Q, fixed.UQ
	z := newZoo("Zoo", q(8, 8))
	a := z.in("a", q(8, 8))
	b := z.in("b", q(8, 8))
	c := z.in("c", uq(4, 4)) // unsigned
	t := z.in("t", q(3, 2))  // few fraction bits: ties are frequent
	d := z.in("d", q(2, 0))  // -2..1: zero denominators are frequent

	// add, sub, neg: exact, mixed fractions, mixed signedness, wrapping.
	z.probe("add_ab", z.op(ir.OpAdd, q(9, 8), a, b))
	z.probe("add_at", z.op(ir.OpAdd, q(9, 8), a, t))
	z.probe("add_ct", z.op(ir.OpAdd, q(6, 4), c, t))
	z.probe("add_ab_wrap", z.op(ir.OpAdd, q(8, 8), a, b))
	z.probe("sub_ca", z.op(ir.OpSub, q(10, 8), c, a))
	z.probe("sub_tc", z.op(ir.OpSub, q(6, 4), t, c))
	z.probe("sub_cc_wrap", z.op(ir.OpSub, uq(4, 4), c, z.c(200, uq(4, 4))))
	z.probe("neg_a", z.op(ir.OpNeg, q(9, 8), a))
	z.probe("neg_a_wrap", z.op(ir.OpNeg, q(8, 8), a))
	z.probe("neg_c", z.op(ir.OpNeg, q(5, 4), c))

	// mul: exact, signed × unsigned, wrapping.
	ab := z.op(ir.OpMul, q(16, 16), a, b)
	z.probe("mul_ab", ab)
	z.probe("mul_ac", z.op(ir.OpMul, q(12, 12), a, c))
	z.probe("mul_cc", z.op(ir.OpMul, uq(8, 8), c, c))
	z.probe("mul_td", z.op(ir.OpMul, q(5, 2), t, d))
	z.probe("mul_ab_wrap", z.op(ir.OpMul, q(8, 16), a, b))

	// div: every shift direction, zero denominators, min / -1, unsigned
	// numerator, constant zero.
	z.probe("div_ad", z.op(ir.OpDiv, q(8, 8), a, d))
	z.probe("div_ab", z.op(ir.OpDiv, q(8, 8), a, b))
	z.probe("div_at", z.op(ir.OpDiv, q(10, 6), a, t))
	z.probe("div_ct", z.op(ir.OpDiv, q(6, 6), c, t))
	z.probe("div_cd", z.op(ir.OpDiv, uq(6, 6), c, d))
	z.probe("div_ac", z.op(ir.OpDiv, q(8, 12), a, c))
	z.probe("div_ta", z.op(ir.OpDiv, q(4, 12), t, a))
	z.probe("div_at_negshift", z.op(ir.OpDiv, q(8, 2), a, t))
	z.probe("div_a0", z.op(ir.OpDiv, q(8, 8), a, z.c(0, q(8, 8))))
	z.probe("div_a_m1", z.op(ir.OpDiv, q(8, 8), a, z.c(-1, q(8, 0))))

	// casts: every rounding × overflow, drop 1, 2, ≥ width bits, add bits,
	// to and from unsigned, to one bit.
	z.castAll("a_q4_6", a, q(4, 6))
	z.castAll("t_q3_0", t, q(3, 0))
	z.castAll("t_q2_1", t, q(2, 1))
	z.castAll("a_q10_m4", a, q(10, -4))
	z.castAll("a_q20_m12", a, q(20, -12))
	z.castAll("ab_q8_8", ab, q(8, 8))
	z.castAll("a_uq4_4", a, uq(4, 4))
	z.castAll("c_q2_2", c, q(2, 2))
	z.castAll("t_q6_8", t, q(6, 8))
	z.castAll("a_q4_10", a, q(4, 10))
	z.castAll("a_q1_0", a, q(1, 0))
	// Constant ties: -2.5, 2.5, -1.5, 1.5, 0.5, -0.5 in q4.2 to q4.0.
	for _, raw := range []int64{-10, 10, -6, 6, 2, -2} {
		z.castAll(fmt.Sprintf("k%d", raw+16), z.c(raw, q(4, 2)), q(4, 0))
	}

	// comparisons: mixed fractions, mixed signedness, equal-heavy pairs.
	at := z.cmpAll("at", a, t)
	ca := z.cmpAll("ca", c, a)
	td := z.cmpAll("td", t, d)
	z.probe("bool_eq", z.cmp(ir.OpEq, at[0], td[4]))
	z.probe("bool_ne", z.cmp(ir.OpNe, at[0], ca[1]))

	// logic and select.
	and := z.b.NewValue(z.pos(), ir.OpAnd, ir.Bool, at[0], ca[3])
	or := z.b.NewValue(z.pos(), ir.OpOr, ir.Bool, td[4], at[5])
	not := z.b.NewValue(z.pos(), ir.OpNot, ir.Bool, and)
	z.probe("and", and)
	z.probe("or", or)
	z.probe("not", not)
	z.probe("select", z.b.NewValue(z.pos(), ir.OpSelect, ir.Fix(q(8, 8)), or, a, b))

	// tables: interpolated tanh over [-4, 4] with clamping on both sides,
	// an unsigned sigmoid, a step table without interpolation, and a
	// spacing wider than the argument (constant index).
	z.probe("tanh_a", z.table(a, q(2, 14), -1024, 7, 17, math.Tanh))
	z.probe("sigmoid_c", z.table(c, uq(1, 8), 16, 5, 6, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }))
	z.probe("step_t", z.table(t, q(4, 4), -12, 0, 20, math.Sin))
	z.probe("wide_d", z.table(d, q(3, 5), -2, 5, 3, math.Exp))

	// state feedback: a wrapping and a saturating accumulator.
	acc := z.state("acc", q(12, 8), 0x1234)
	z.next(len(z.f.States)-1, z.cast(z.op(ir.OpAdd, q(13, 8), acc, a), q(12, 8), fixed.Floor, fixed.Wrap))
	sat := z.state("sat", q(8, 8), -256)
	z.next(len(z.f.States)-1, z.cast(z.op(ir.OpAdd, q(9, 8), sat, t), q(8, 8), fixed.HalfEven, fixed.Sat))

	// An assertion that always holds, and the spike.
	z.b.NewValue(z.pos(), ir.OpAssert, ir.Void, z.cmp(ir.OpGe, c, z.c(0, q(2, 0))))
	z.b.NewValue(z.pos(), ir.OpSpike, ir.Void, z.cmp(ir.OpGe, a, b))
	return z.f
}

// wideFunc is the 64-bit zoo: q32.32 profile, products and casts of 64-bit
// words, 73-bit comparisons and an 81-bit divider.
func wideFunc() *ir.Func {
	q := fixed.Q
	z := newZoo("Wide", q(32, 32))
	x := z.in("x", q(32, 32))
	y := z.in("y", q(16, 16))
	p := z.in("p", q(8, 24))
	d := z.in("d", q(2, 0))

	yp := z.op(ir.OpMul, q(24, 40), y, p)
	z.probe("mul_yp", yp)
	z.probe("add_xy_wrap", z.op(ir.OpAdd, q(32, 32), x, y))
	z.probe("sub_yx_wrap", z.op(ir.OpSub, q(32, 32), y, x))
	z.probe("add_yp", z.op(ir.OpAdd, q(17, 24), y, p))
	z.probe("neg_x_wrap", z.op(ir.OpNeg, q(32, 32), x))
	z.probe("div_xy", z.op(ir.OpDiv, q(32, 32), x, y))
	z.probe("div_xd", z.op(ir.OpDiv, q(32, 32), x, d))
	z.probe("div_py", z.op(ir.OpDiv, q(16, 16), p, y))

	z.castAll("yp_q16_16", yp, q(16, 16))
	z.castAll("x_q16_16", x, q(16, 16))
	z.castAll("x_q40_24", x, q(40, 24))
	z.castAll("x_q64_0", x, q(64, 0))
	z.castAll("y_q4_60", y, q(4, 60))
	z.castAll("x_q1_0", x, q(1, 0))

	z.cmpAll("xp", x, p)
	z.cmpAll("xyp", x, yp)

	acc := z.state("acc", q(32, 32), -1)
	z.next(len(z.f.States)-1, z.op(ir.OpAdd, q(32, 32), acc, x))
	z.b.NewValue(z.pos(), ir.OpSpike, ir.Void, z.cmp(ir.OpLt, x, yp))
	return z.f
}

// zooModule returns the op zoo module.
func zooModule() *ir.Module {
	return &ir.Module{File: "zoo.snn", Phase: ir.Fixed, Funcs: []*ir.Func{zooFunc(), wideFunc()}}
}
