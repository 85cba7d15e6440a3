package passes

import (
	"fmt"
	"math"

	"scc/ir"
	"scc/lang"
)

// constFold specialises the function to its parameter values (each param
// op becomes the constant it reads) unless the caller keeps parameters as
// data, then folds real-phase values whose args are constants, rewrites
// division by a constant as multiplication by its reciprocal (DESIGN §3),
// reassociates multiplicative constant chains so that dt·(e/tau) becomes
// e·(dt/tau) with one coefficient, and applies the identities x+0, x·1,
// x·0, select on a constant condition and the boolean ones. A folded value
// keeps its ID and Pos (it turns into a const in place); a value replaced
// by another is left for dce. Results that are not finite (1/0, log(-1))
// are never folded: quantize reports what it cannot encode.
func constFold(f *ir.Func, c *Context) error {
	if !c.KeepParams {
		specialise(f)
	}
	for _, b := range f.Blocks {
		fo := folder{b: b, repl: map[*ir.Value]*ir.Value{}, recip: map[*ir.Value]float64{}}
		old := b.Values
		fo.out = make([]*ir.Value, 0, len(old))
		for _, v := range old {
			for i, a := range v.Args {
				if r, ok := fo.repl[a]; ok {
					v.Args[i] = r
				}
			}
			if r := fo.fold(v); r != nil && r != v {
				fo.repl[v] = r
			}
			fo.out = append(fo.out, v)
		}
		b.Values = fo.out
	}
	return nil
}

// specialise turns every param op into a constant of the parameter's
// value: the module computes one parameter set, as if the values had been
// written in the source.
func specialise(f *ir.Func) {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ir.OpParam {
				x := f.Params[v.AuxInt].Value
				if !toConst(v, x) {
					panic(fmt.Sprintf("parameter %q has the non-finite value %v", f.Params[v.AuxInt].Name, x))
				}
			}
		}
	}
}

type folder struct {
	b    *ir.Block
	out  []*ir.Value
	repl map[*ir.Value]*ir.Value // lookups only: never ranged over
	// recip maps a constant made from div(x, d) to d, so that a chain
	// folds with one rounding: dt·(1/tau) is computed as dt/tau.
	recip map[*ir.Value]float64
}

// newConst emits a real constant just before the value being folded.
func (fo *folder) newConst(pos lang.Pos, x float64) *ir.Value {
	v := fo.b.NewValue(pos, ir.OpConst, ir.F64)
	v.AuxFloat = x
	fo.out = append(fo.out, v)
	return v
}

func realConst(v *ir.Value) (float64, bool) {
	if v.Op == ir.OpConst && v.Type == ir.F64 {
		return v.AuxFloat, true
	}
	return 0, false
}

func boolConst(v *ir.Value) (bool, bool) {
	if v.Op == ir.OpConst && v.Type == ir.Bool {
		return v.AuxInt != 0, true
	}
	return false, false
}

// toConst turns v into the real constant x in place; false when x is not
// finite (then v stays as it is).
func toConst(v *ir.Value, x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return false
	}
	if x == 0 {
		x = 0 // no -0 in the IR
	}
	v.Op, v.Args, v.AuxFloat, v.AuxInt, v.AuxName = ir.OpConst, nil, x, 0, ""
	return true
}

func toBool(v *ir.Value, x bool) {
	v.Op, v.Args, v.AuxFloat, v.AuxInt, v.AuxName = ir.OpConst, nil, 0, 0, ""
	if x {
		v.AuxInt = 1
	}
}

// fold simplifies v in place and returns the value that replaces it, or
// nil. Rules are applied until none matches (each strictly shrinks v).
func (fo *folder) fold(v *ir.Value) *ir.Value {
	for i := 0; i < 8; i++ {
		r, changed := fo.step(v)
		if r != nil {
			return r
		}
		if !changed {
			return nil
		}
	}
	return nil
}

// step applies one rule: it returns a replacement, or reports whether v
// changed in place.
func (fo *folder) step(v *ir.Value) (*ir.Value, bool) {
	if v.Type == ir.F64 && v.Op != ir.OpConst && len(v.Args) > 0 {
		if x, ok := evalConst(v); ok && toConst(v, x) {
			return nil, true
		}
	}
	switch v.Op {
	case ir.OpAdd, ir.OpSub:
		a, b := v.Args[0], v.Args[1]
		if y, ok := realConst(b); ok && y == 0 {
			return a, false
		}
		if x, ok := realConst(a); ok && x == 0 {
			if v.Op == ir.OpAdd {
				return b, false
			}
			v.Op, v.Args = ir.OpNeg, []*ir.Value{b}
			return nil, true
		}
	case ir.OpNeg:
		if a := v.Args[0]; a.Op == ir.OpNeg {
			return a.Args[0], false
		}
	case ir.OpDiv:
		if y, ok := realConst(v.Args[1]); ok && y != 0 {
			r := 1 / y
			if !math.IsInf(r, 0) {
				rc := fo.newConst(v.Args[1].Pos, r)
				fo.recip[rc] = y
				v.Op, v.Args = ir.OpMul, []*ir.Value{v.Args[0], rc}
				return nil, true
			}
		}
	case ir.OpMul:
		return fo.mul(v)
	case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
		if x, ok := evalConst(v); ok {
			toBool(v, x != 0)
			return nil, true
		}
		x, okx := boolConst(v.Args[0])
		y, oky := boolConst(v.Args[1])
		if okx && oky {
			toBool(v, (x == y) == (v.Op == ir.OpEq))
			return nil, true
		}
	case ir.OpAnd, ir.OpOr:
		return fo.andOr(v)
	case ir.OpNot:
		a := v.Args[0]
		if x, ok := boolConst(a); ok {
			toBool(v, !x)
			return nil, true
		}
		if a.Op == ir.OpNot {
			return a.Args[0], false
		}
	case ir.OpSelect:
		if x, ok := boolConst(v.Args[0]); ok {
			if x {
				return v.Args[1], false
			}
			return v.Args[2], false
		}
		if v.Args[1] == v.Args[2] {
			return v.Args[1], false
		}
	}
	return nil, false
}

// mul handles the multiplicative identities and reassociation:
// mul(mul(x, c1), c2) and its commuted forms become mul(x, c1·c2).
func (fo *folder) mul(v *ir.Value) (*ir.Value, bool) {
	a, b := v.Args[0], v.Args[1]
	if _, ok := realConst(a); ok {
		a, b = b, a
		v.Args = []*ir.Value{a, b} // canonical: constant second
	}
	y, ok := realConst(b)
	if !ok {
		return nil, false
	}
	switch y {
	case 0:
		toConst(v, 0)
		return nil, true
	case 1:
		return a, false
	case -1:
		v.Op, v.Args = ir.OpNeg, []*ir.Value{a}
		return nil, true
	}
	if a.Op == ir.OpMul {
		x, c := a.Args[0], a.Args[1]
		if _, ok := realConst(x); ok {
			x, c = c, x
		}
		if z, ok := realConst(c); ok {
			p := fo.product(c, z, b, y)
			if !math.IsInf(p, 0) && !math.IsNaN(p) {
				v.Args = []*ir.Value{x, fo.newConst(b.Pos, p)}
				return nil, true
			}
		}
	}
	if a.Op == ir.OpNeg {
		v.Args = []*ir.Value{a.Args[0], fo.newConst(b.Pos, -y)}
		return nil, true
	}
	return nil, false
}

// product is z·y for constants c (value z) and b (value y), divided
// instead of multiplied by a reciprocal so that it is rounded once.
func (fo *folder) product(c *ir.Value, z float64, b *ir.Value, y float64) float64 {
	dc, okc := fo.recip[c]
	db, okb := fo.recip[b]
	switch {
	case okc && okb:
		return 1 / (dc * db)
	case okc:
		return y / dc
	case okb:
		return z / db
	}
	return z * y
}

func (fo *folder) andOr(v *ir.Value) (*ir.Value, bool) {
	isAnd := v.Op == ir.OpAnd
	for i, a := range v.Args {
		x, ok := boolConst(a)
		if !ok {
			continue
		}
		other := v.Args[1-i]
		if x == isAnd { // and(true, y) = y, or(false, y) = y
			return other, false
		}
		toBool(v, x) // and(false, y) = false, or(true, y) = true
		return nil, true
	}
	if v.Args[0] == v.Args[1] {
		return v.Args[0], false
	}
	return nil, false
}

// evalConst computes v by ir.EvalReal (the one real-phase meaning of the
// ops) when every arg is a real constant; false otherwise or for ops that
// are not pure functions of their args.
func evalConst(v *ir.Value) (float64, bool) {
	xs := make([]float64, len(v.Args))
	for i, a := range v.Args {
		x, ok := realConst(a)
		if !ok {
			return 0, false
		}
		xs[i] = x
	}
	return ir.EvalReal(v, func(i int) float64 { return xs[i] })
}
