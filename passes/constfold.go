package passes

import (
	"fmt"
	"math"

	"scc/ir"
	"scc/lang"
)

// constFold specialises the function to the values of its unranged
// parameters (each such param op becomes the constant it reads) unless the
// caller keeps parameters as data, then folds real-phase values whose args
// are constants, rewrites
// division by a constant as multiplication by its reciprocal (DESIGN §3),
// reassociates multiplicative constant chains so that dt·(e/tau) becomes
// e·(dt/tau) with one coefficient, and applies the identities x+0, x·1,
// x·0, select on a constant condition and the boolean ones. A folded value
// keeps its ID and Pos (it turns into a const in place); a value replaced
// by another is left for dce. Results that are not finite (1/0, log(-1))
// are never folded: quantize reports what it cannot encode.
//
// A uniform value (computed from constants and parameters alone) takes
// part in the structural rules as a constant does: the reciprocal of a
// divisor and the product of a chain are emitted as uniform ops, so the
// coefficient a ranged parameter gives is computed by the same float
// operations, in the same order, as the constant it would fold to. The
// numeric identities need numbers and apply to constants only.
func constFold(f *ir.Func, c *Context) error {
	if !c.KeepParams {
		specialise(f)
	}
	for _, b := range f.Blocks {
		fo := folder{b: b, repl: map[*ir.Value]*ir.Value{}, recip: map[*ir.Value]*ir.Value{}, uni: map[*ir.Value]bool{}}
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
			fo.mark(v)
		}
		b.Values = fo.out
	}
	return nil
}

// specialise turns every param op of an unranged parameter into a
// constant of the parameter's value: the module computes that value, as if
// it had been written in the source. A ranged parameter stays data until
// quantize has sized the module for its whole range (the bind pass then
// substitutes its value into the words).
func specialise(f *ir.Func) {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ir.OpParam && f.Params[v.AuxInt].Range == nil {
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
	// recip maps a constant or uniform value made from div(x, d) to d, so
	// that a chain folds with one rounding: dt·(1/tau) is computed as
	// dt/tau.
	recip map[*ir.Value]*ir.Value
	// uni marks the uniform values: constants, parameters and pure ops of
	// uniform args.
	uni map[*ir.Value]bool
}

// mark records whether v is uniform.
func (fo *folder) mark(v *ir.Value) {
	switch {
	case v.Op == ir.OpConst || v.Op == ir.OpParam:
		fo.uni[v] = true
		return
	case !v.Op.Pure():
		return
	}
	for _, a := range v.Args {
		if !fo.uni[a] {
			return
		}
	}
	fo.uni[v] = len(v.Args) > 0
}

// uniform reports whether v is a real uniform value.
func (fo *folder) uniform(v *ir.Value) bool { return v.Type == ir.F64 && fo.uni[v] }

// uop emits op of uniform args just before the value being folded, folded
// to a constant when every arg is one (and the result is finite).
func (fo *folder) uop(pos lang.Pos, op ir.Op, args ...*ir.Value) *ir.Value {
	v := fo.b.NewValue(pos, op, ir.F64, args...)
	if x, ok := evalConst(v); ok {
		toConst(v, x)
	}
	fo.out = append(fo.out, v)
	fo.mark(v)
	return v
}

// newConst emits a real constant just before the value being folded.
func (fo *folder) newConst(pos lang.Pos, x float64) *ir.Value {
	v := fo.b.NewValue(pos, ir.OpConst, ir.F64)
	v.AuxFloat = x
	fo.out = append(fo.out, v)
	fo.mark(v)
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
		d := v.Args[1]
		if y, ok := realConst(d); ok && y != 0 {
			r := 1 / y
			if !math.IsInf(r, 0) {
				rc := fo.newConst(d.Pos, r)
				fo.recip[rc] = d
				v.Op, v.Args = ir.OpMul, []*ir.Value{v.Args[0], rc}
				return nil, true
			}
		} else if !ok && fo.uniform(d) && !fo.uniform(v.Args[0]) {
			rc := fo.uop(d.Pos, ir.OpDiv, fo.newConst(d.Pos, 1), d)
			fo.recip[rc] = d
			v.Op, v.Args = ir.OpMul, []*ir.Value{v.Args[0], rc}
			return nil, true
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
// mul(mul(x, c1), c2) and its commuted forms become mul(x, c1·c2), for
// constant and uniform factors alike (c1·c2 is then a uniform op).
func (fo *folder) mul(v *ir.Value) (*ir.Value, bool) {
	a, b := v.Args[0], v.Args[1]
	if fo.uniform(a) && !fo.uniform(b) || isConst(a) && !isConst(b) {
		a, b = b, a
		v.Args = []*ir.Value{a, b} // canonical: the constant factor second
	}
	if y, ok := realConst(b); ok {
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
	}
	if !fo.uniform(b) || fo.uniform(a) && !isConst(b) {
		return nil, false
	}
	if a.Op == ir.OpMul {
		x, c := a.Args[0], a.Args[1]
		if fo.uniform(x) {
			x, c = c, x
		}
		if fo.uniform(c) && !fo.uniform(x) {
			// Constant factors whose product is not finite stay apart.
			if p := fo.product(c, b); isConst(p) || !isConst(c) || !isConst(b) {
				v.Args = []*ir.Value{x, p}
				return nil, true
			}
		}
	}
	if a.Op == ir.OpNeg {
		v.Args = []*ir.Value{a.Args[0], fo.uop(b.Pos, ir.OpNeg, b)}
		return nil, true
	}
	return nil, false
}

func isConst(v *ir.Value) bool { _, ok := realConst(v); return ok }

// product is c·b for constant or uniform factors, divided instead of
// multiplied by a reciprocal so that it is rounded once. For constants it
// is the number (a const value), computed as the folding always did.
func (fo *folder) product(c, b *ir.Value) *ir.Value {
	dc, okc := fo.recip[c]
	db, okb := fo.recip[b]
	one := func() *ir.Value { return fo.newConst(b.Pos, 1) }
	switch {
	case okc && okb:
		return fo.uop(b.Pos, ir.OpDiv, one(), fo.uop(b.Pos, ir.OpMul, dc, db))
	case okc:
		return fo.uop(b.Pos, ir.OpDiv, b, dc)
	case okb:
		return fo.uop(b.Pos, ir.OpDiv, c, db)
	}
	return fo.uop(b.Pos, ir.OpMul, c, b)
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
