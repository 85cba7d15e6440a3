package formal

import (
	"fmt"
	"math/big"
	"slices"

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
		c := fixed.Compare(a, v.Args[0].Type.Fmt, b, v.Args[1].Type.Fmt)
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
		if v.Op == ir.OpSub {
			return fixed.Sub(a, v.Args[0].Type.Fmt, b, v.Args[1].Type.Fmt, v.Type.Fmt), true
		}
		return fixed.Add(a, v.Args[0].Type.Fmt, b, v.Args[1].Type.Fmt, v.Type.Fmt), true
	}
	return 0, false
}

// span is an interval of raw words: a fixed.Interval, whose arithmetic
// it uses, under the name the harness reads its ends by.
type span struct{ lo, hi *big.Int }

func (s span) fx() fixed.Interval { return fixed.Interval{Lo: s.lo, Hi: s.hi} }

func ofFixed(iv fixed.Interval) span { return span{iv.Lo, iv.Hi} }

func fmtSpan(f fixed.Format) span { return ofFixed(fixed.FormatInterval(f)) }

func (s span) within(f fixed.Format) bool { return s.fx().Within(f) }

// declaredSpan returns the raw words of a declared range in f (rounded
// inward), or f's whole range.
func declaredSpan(r *ir.Range, f fixed.Format) span {
	if r == nil {
		return fmtSpan(f)
	}
	return ofFixed(fixed.Inward(r.Lo, r.Hi, f))
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
			out[v.ID] = ofFixed(fixed.NewInterval(0, 1))
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
	arg := func(i int) fixed.Interval { return out[v.Args[i].ID].fx() }
	// aligned is argument i at the result's fraction bits.
	aligned := func(i int) fixed.Interval { return arg(i).Shift(v.Type.Fmt.Frac - v.Args[i].Type.Fmt.Frac) }
	switch v.Op {
	case ir.OpConst:
		return ofFixed(fixed.NewInterval(v.AuxInt, v.AuxInt))
	case ir.OpState:
		s := f.States[v.AuxInt]
		return declaredSpan(s.Range, s.Type.Fmt)
	case ir.OpInput:
		in := f.Inputs[v.AuxInt]
		return declaredSpan(in.Range, in.Type.Fmt)
	case ir.OpAdd:
		return ofFixed(aligned(0).Add(aligned(1)))
	case ir.OpSub:
		return ofFixed(aligned(0).Sub(aligned(1)))
	case ir.OpNeg:
		return ofFixed(arg(0).Neg())
	case ir.OpMul:
		return ofFixed(arg(0).Mul(arg(1)))
	case ir.OpSelect:
		return ofFixed(arg(1).Hull(arg(2)))
	case ir.OpTable:
		// The result lies between two neighbouring entries.
		return ofFixed(fixed.NewInterval(slices.Min(v.Table.Y), slices.Max(v.Table.Y)))
	case ir.OpCast:
		return ofFixed(arg(0).Cast(v.Args[0].Type.Fmt, v.Type.Fmt, v.Round, v.Overflow))
	}
	return fmtSpan(v.Type.Fmt)
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
		if sp[v.Args[0].ID].fx().Round(v.Args[0].Type.Fmt, v.Type.Fmt, v.Round).Within(v.Type.Fmt) {
			out = append(out, v)
		}
	}
	return out
}
