package formal

import (
	"fmt"
	"math"
	"math/big"

	"scc/fixed"
	"scc/ir"
)

// facts are boolean values known on one path through the step (e.g. "the
// neuron is not refractory and the threshold was crossed").
type facts map[*ir.Value]bool

// known returns the truth value of a bool value under fs, if determined.
func (fs facts) known(v *ir.Value) (bool, bool) {
	if b, ok := fs[v]; ok {
		return b, true
	}
	switch v.Op {
	case ir.OpConst:
		return v.AuxInt != 0, true
	case ir.OpNot:
		b, ok := fs.known(v.Args[0])
		return !b, ok
	case ir.OpAnd:
		a, oka := fs.known(v.Args[0])
		b, okb := fs.known(v.Args[1])
		if (oka && !a) || (okb && !b) {
			return false, true
		}
		return true, oka && okb
	case ir.OpOr:
		a, oka := fs.known(v.Args[0])
		b, okb := fs.known(v.Args[1])
		if (oka && a) || (okb && b) {
			return true, true
		}
		return false, oka && okb
	case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
		if v.Args[0].Type.Kind != ir.KFixed || v.Args[1].Type.Kind != ir.KFixed {
			return false, false
		}
		a, oka := fs.constant(v.Args[0])
		b, okb := fs.constant(v.Args[1])
		if !oka || !okb {
			return false, false
		}
		fa, fb := v.Args[0].Type.Fmt.Frac, v.Args[1].Type.Fmt.Frac
		m := max(fa, fb)
		c := shl(bi(a), m-fa).Cmp(shl(bi(b), m-fb))
		switch v.Op {
		case ir.OpLt:
			return c < 0, true
		case ir.OpLe:
			return c <= 0, true
		case ir.OpGt:
			return c > 0, true
		case ir.OpGe:
			return c >= 0, true
		case ir.OpEq:
			return c == 0, true
		}
		return c != 0, true
	}
	return false, false
}

// clampExpr is the Verilog expression of x (width w) with the range
// clamps cs applied, innermost last in cs.
func (l *lowerer) clampExpr(x string, cs []*ir.Value) string {
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		k := lit64(width(c), c.Args[1].AuxInt)
		op := "<"
		if c.Args[0].Op == ir.OpGt {
			op = ">"
		}
		x = fmt.Sprintf("(($signed(%s) %s $signed(%s)) ? %s : %s)", x, op, k, k, x)
	}
	return x
}

// clamped returns x when v is a range clamp select(x < k, k, x) or
// select(x > k, k, x) with a constant k (passes/quantize.go clampToRange),
// else nil. Under the state's range invariant, which the harness asserts
// with the other properties, the clamp passes x through.
func clamped(v *ir.Value) *ir.Value {
	if v.Op != ir.OpSelect {
		return nil
	}
	c, k, x := v.Args[0], v.Args[1], v.Args[2]
	if k.Op != ir.OpConst || (c.Op != ir.OpLt && c.Op != ir.OpGt) || c.Args[0] != x || c.Args[1] != k {
		return nil
	}
	return x
}

// assume adds the literals of a conjunction that holds to fs.
func (fs facts) assume(v *ir.Value, b bool) {
	switch {
	case v.Op == ir.OpNot:
		fs.assume(v.Args[0], !b)
	case v.Op == ir.OpAnd && b:
		fs.assume(v.Args[0], true)
		fs.assume(v.Args[1], true)
	default:
		fs[v] = b
	}
}

// pick follows selects whose condition fs determines and returns the value
// that is committed on that path.
func (fs facts) pick(v *ir.Value) *ir.Value {
	v, _ = fs.pickClamped(v)
	return v
}

// pickClamped is pick that also passes through range clamps whose
// condition fs does not decide; it returns them, outermost first, so a
// property can apply them to the picked value (see clampExpr).
func (fs facts) pickClamped(v *ir.Value) (*ir.Value, []*ir.Value) {
	var clamps []*ir.Value
	for v.Op == ir.OpSelect {
		c, ok := fs.known(v.Args[0])
		if !ok {
			if x := clamped(v); x != nil {
				clamps = append(clamps, v)
				v = x
				continue
			}
			break
		}
		if c {
			v = v.Args[1]
		} else {
			v = v.Args[2]
		}
	}
	return v, clamps
}

// constant evaluates v under fs when it does not depend on state or inputs.
func (fs facts) constant(v *ir.Value) (int64, bool) {
	switch v.Op {
	case ir.OpConst:
		return v.AuxInt, true
	case ir.OpSelect:
		c, ok := fs.known(v.Args[0])
		if !ok {
			return 0, false
		}
		if c {
			return fs.constant(v.Args[1])
		}
		return fs.constant(v.Args[2])
	case ir.OpCast:
		x, ok := fs.constant(v.Args[0])
		if !ok {
			return 0, false
		}
		return fixed.Cast(x, v.Args[0].Type.Fmt, v.Type.Fmt, v.Round, v.Overflow), true
	case ir.OpAdd, ir.OpSub:
		a, oka := fs.constant(v.Args[0])
		b, okb := fs.constant(v.Args[1])
		if !oka || !okb {
			return 0, false
		}
		fr := v.Type.Fmt.Frac
		a = fixed.Align(a, v.Args[0].Type.Fmt, fr)
		b = fixed.Align(b, v.Args[1].Type.Fmt, fr)
		if v.Op == ir.OpSub {
			b = -b
		}
		return fixed.WrapTo(a+b, v.Type.Fmt), true
	}
	return 0, false
}

// span is an interval of raw words.
type span struct{ lo, hi *big.Int }

func bi(x int64) *big.Int { return big.NewInt(x) }

func fmtSpan(f fixed.Format) span { return span{bi(f.Min()), bi(f.Max())} }

func (s span) within(f fixed.Format) bool {
	return s.lo.Cmp(bi(f.Min())) >= 0 && s.hi.Cmp(bi(f.Max())) <= 0
}

func hullOf(xs ...*big.Int) span {
	s := span{xs[0], xs[0]}
	for _, x := range xs[1:] {
		if x.Cmp(s.lo) < 0 {
			s.lo = x
		}
		if x.Cmp(s.hi) > 0 {
			s.hi = x
		}
	}
	return s
}

func shl(x *big.Int, k int) *big.Int {
	if k >= 0 {
		return new(big.Int).Lsh(x, uint(k))
	}
	return new(big.Int).Rsh(x, uint(-k)) // floor
}

// declaredSpan returns the raw words of a declared range in f (rounded
// inward), or f's whole range.
func declaredSpan(r *ir.Range, f fixed.Format) span {
	s := fmtSpan(f)
	if r == nil {
		return s
	}
	lo := math.Ceil(math.Ldexp(r.Lo, f.Frac))
	hi := math.Floor(math.Ldexp(r.Hi, f.Frac))
	if lo > float64(f.Min()) {
		s.lo = bi(int64(lo))
	}
	if hi < float64(f.Max()) {
		s.hi = bi(int64(hi))
	}
	return s
}

// spans bounds every value of f under range analysis' assumptions: states
// and inputs in their declared ranges, else their format's (passes/range.go
// makes the same assumption, on reals, to size the datapath). Bool values
// get [0, 1]; a value whose bound leaves its type gets the type's range,
// since ops wrap to their type.
func spans(f *ir.Func) []span {
	out := make([]span, f.NumValues())
	for _, v := range f.Entry().Values {
		if v.Op.Info().Void {
			continue
		}
		if v.Type.Kind == ir.KBool {
			out[v.ID] = span{bi(0), bi(1)}
			continue
		}
		s := valueSpan(f, v, out)
		if !s.within(v.Type.Fmt) {
			s = fmtSpan(v.Type.Fmt)
		}
		out[v.ID] = s
	}
	return out
}

func valueSpan(f *ir.Func, v *ir.Value, out []span) span {
	arg := func(i int) span { return out[v.Args[i].ID] }
	afr := func(i int) int { return v.Args[i].Type.Fmt.Frac }
	fr := v.Type.Fmt.Frac
	switch v.Op {
	case ir.OpConst:
		return span{bi(v.AuxInt), bi(v.AuxInt)}
	case ir.OpState:
		s := f.States[v.AuxInt]
		return declaredSpan(s.Range, s.Type.Fmt)
	case ir.OpInput:
		in := f.Inputs[v.AuxInt]
		return declaredSpan(in.Range, in.Type.Fmt)
	case ir.OpAdd:
		a, b := arg(0), arg(1)
		return span{new(big.Int).Add(shl(a.lo, fr-afr(0)), shl(b.lo, fr-afr(1))),
			new(big.Int).Add(shl(a.hi, fr-afr(0)), shl(b.hi, fr-afr(1)))}
	case ir.OpSub:
		a, b := arg(0), arg(1)
		return span{new(big.Int).Sub(shl(a.lo, fr-afr(0)), shl(b.hi, fr-afr(1))),
			new(big.Int).Sub(shl(a.hi, fr-afr(0)), shl(b.lo, fr-afr(1)))}
	case ir.OpNeg:
		a := arg(0)
		return span{new(big.Int).Neg(a.hi), new(big.Int).Neg(a.lo)}
	case ir.OpMul:
		a, b := arg(0), arg(1)
		m := func(x, y *big.Int) *big.Int { return new(big.Int).Mul(x, y) }
		return hullOf(m(a.lo, b.lo), m(a.lo, b.hi), m(a.hi, b.lo), m(a.hi, b.hi))
	case ir.OpSelect:
		a, b := arg(1), arg(2)
		return hullOf(a.lo, a.hi, b.lo, b.hi)
	case ir.OpTable:
		// The result lies between two neighbouring entries.
		var ys []*big.Int
		for _, y := range v.Table.Y {
			ys = append(ys, bi(y))
		}
		return hullOf(ys...)
	case ir.OpCast:
		a := arg(0)
		from := v.Args[0].Type.Fmt
		// Rounding is monotone; the overflow mode decides the rest.
		lo := castNoOverflow(a.lo, from, v.Type.Fmt, v.Round)
		hi := castNoOverflow(a.hi, from, v.Type.Fmt, v.Round)
		s := span{lo, hi}
		if v.Overflow == fixed.Sat {
			return clampSpan(s, v.Type.Fmt)
		}
		return s
	}
	return fmtSpan(v.Type.Fmt)
}

func clampSpan(s span, f fixed.Format) span {
	c := func(x *big.Int) *big.Int {
		if x.Cmp(bi(f.Min())) < 0 {
			return bi(f.Min())
		}
		if x.Cmp(bi(f.Max())) > 0 {
			return bi(f.Max())
		}
		return x
	}
	return span{c(s.lo), c(s.hi)}
}

// castNoOverflow is fixed.Cast before its overflow step, on big integers.
func castNoOverflow(x *big.Int, from, to fixed.Format, m fixed.Round) *big.Int {
	s := from.Frac - to.Frac
	if s <= 0 {
		return shl(x, -s)
	}
	d := new(big.Int).Lsh(bi(1), uint(s))
	q, rem := new(big.Int), new(big.Int)
	q.DivMod(x, d, rem) // floor, rem ≥ 0
	half := new(big.Int).Rsh(d, 1)
	inc := false
	switch m {
	case fixed.Zero:
		inc = x.Sign() < 0 && rem.Sign() != 0
	case fixed.HalfUp:
		inc = rem.Cmp(half) >= 0
	case fixed.HalfEven:
		c := rem.Cmp(half)
		inc = c > 0 || (c == 0 && q.Bit(0) == 1)
	}
	if inc {
		q.Add(q, bi(1))
	}
	return q
}

// satClaims returns the saturating casts that range analysis claims never
// saturate: their argument's bound, rounded, fits the target format.
func satClaims(f *ir.Func) []*ir.Value {
	sp := spans(f)
	var out []*ir.Value
	for _, v := range f.Entry().Values {
		if v.Op != ir.OpCast || v.Overflow != fixed.Sat {
			continue
		}
		a := sp[v.Args[0].ID]
		s := span{castNoOverflow(a.lo, v.Args[0].Type.Fmt, v.Type.Fmt, v.Round),
			castNoOverflow(a.hi, v.Args[0].Type.Fmt, v.Type.Fmt, v.Round)}
		if s.within(v.Type.Fmt) {
			out = append(out, v)
		}
	}
	return out
}
