package sim_test

import (
	"math/rand/v2"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
	"scc/sim"
)

func randFormat(rng *rand.Rand, maxW int) fixed.Format {
	w := 1 + rng.IntN(maxW)
	f := rng.IntN(w + 4) // sometimes more fraction bits than width
	if rng.IntN(3) == 0 {
		return fixed.UQ(w-f, f)
	}
	return fixed.Q(max(w-f, 1), f)
}

// opFunc builds a one-op Func: inputs x, y of random formats, the op
// (of a random kind, with random cast modes and formats) committed to
// state s, and a select/compare pair so bool paths run too.
func opFunc(rng *rand.Rand) *ir.Func {
	f := ir.NewFunc("Op", lang.Pos{})
	b := f.Entry()
	fa, fb := randFormat(rng, 30), randFormat(rng, 30)
	f.Inputs = []*ir.Input{{Name: "x", Type: ir.Fix(fa)}, {Name: "y", Type: ir.Fix(fb)}}
	x := b.NewValue(lang.Pos{}, ir.OpInput, ir.Fix(fa))
	y := b.NewValue(lang.Pos{}, ir.OpInput, ir.Fix(fb))
	y.AuxInt = 1
	if rng.IntN(4) == 0 { // a constant operand
		y = b.NewValue(lang.Pos{}, ir.OpConst, ir.Fix(fb))
		y.AuxInt = fb.Min() + int64(rng.Uint64N(uint64(fb.Max()-fb.Min())+1))
	}
	var r *ir.Value
	wide := func(t fixed.Format) fixed.Format { // sometimes too narrow: wraps
		if rng.IntN(4) == 0 {
			t.Int = max(1, t.Int-1-rng.IntN(4))
		}
		return t
	}
	konst := func(t fixed.Format) *ir.Value {
		c := b.NewValue(lang.Pos{}, ir.OpConst, ir.Fix(t))
		c.AuxInt = t.Min() + int64(rng.Uint64N(uint64(t.Max()-t.Min())+1))
		return c
	}
	switch k := rng.IntN(10); k {
	case 8: // a product by a constant, then a floor cast (BatchFixed fuses a wrapping one)
		t := wide(fixed.MulFormat(fa, fb))
		if t.Width() > 62 {
			t.Int = 62 - t.Frac
		}
		p := b.NewValue(lang.Pos{}, ir.OpMul, ir.Fix(t), x, konst(fb))
		to := randFormat(rng, 30)
		to.Frac = min(to.Frac, t.Frac)
		if rng.IntN(2) == 0 { // wider than the product: the cast never wraps (not fused)
			to.Signed, to.Int = true, max(1, min(t.Int+1+rng.IntN(4), 62-to.Frac))
		}
		r = b.NewValue(lang.Pos{}, ir.OpCast, ir.Fix(to), p)
		r.Round, r.Overflow = fixed.Floor, fixed.Overflow(rng.IntN(2))
	case 9: // a declared range's clamp: select(x < lo, lo, x), then select(m > hi, hi, m)
		lo, hi := konst(fa), konst(fa)
		ops := [2][]ir.Op{{ir.OpLt, ir.OpLe}, {ir.OpGt, ir.OpGe}}
		c := b.NewValue(lang.Pos{}, ops[0][rng.IntN(2)], ir.Bool, x, lo)
		m := b.NewValue(lang.Pos{}, ir.OpSelect, ir.Fix(fa), c, lo, x)
		c2 := b.NewValue(lang.Pos{}, ops[1][rng.IntN(2)], ir.Bool, m, hi)
		r = b.NewValue(lang.Pos{}, ir.OpSelect, ir.Fix(fa), c2, hi, m)
		if rng.IntN(3) == 0 { // the first compare used twice: not dropped
			r = b.NewValue(lang.Pos{}, ir.OpSelect, ir.Fix(fa), c, r, m)
		}
	case 0, 1:
		op := ir.OpAdd
		if k == 1 {
			op = ir.OpSub
		}
		t := wide(fixed.AddFormat(fa, fb))
		t.Signed = true
		r = b.NewValue(lang.Pos{}, op, ir.Fix(t), x, y)
	case 2:
		t := wide(fixed.MulFormat(fa, fb))
		if t.Width() > 62 {
			t.Int = 62 - t.Frac
		}
		r = b.NewValue(lang.Pos{}, ir.OpMul, ir.Fix(t), x, y)
	case 3:
		t := fa
		t.Signed, t.Int = true, t.Int+1
		r = b.NewValue(lang.Pos{}, ir.OpNeg, ir.Fix(wide(t)), x)
	case 4:
		r = b.NewValue(lang.Pos{}, ir.OpDiv, ir.Fix(randFormat(rng, 30)), x, y)
	case 5, 6:
		to := randFormat(rng, 30)
		r = b.NewValue(lang.Pos{}, ir.OpCast, ir.Fix(to), x)
		r.Round = fixed.Round(rng.IntN(4))
		r.Overflow = fixed.Overflow(rng.IntN(2))
	default:
		ops := []ir.Op{ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe}
		c := b.NewValue(lang.Pos{}, ops[rng.IntN(len(ops))], ir.Bool, x, y)
		nc := b.NewValue(lang.Pos{}, ir.OpNot, ir.Bool, c)
		r = b.NewValue(lang.Pos{}, ir.OpSelect, ir.Fix(fa), nc, x, x)
		if rng.IntN(2) == 0 {
			z := b.NewValue(lang.Pos{}, ir.OpConst, ir.Fix(fa))
			z.AuxInt = fa.Max()
			r = b.NewValue(lang.Pos{}, ir.OpSelect, ir.Fix(fa), c, z, x)
		}
	}
	f.States = []*ir.State{{Name: "s", Type: r.Type}}
	n := b.NewValue(lang.Pos{}, ir.OpNext, ir.Void, r)
	_ = n
	return f
}

// TestBatchOps: random single-op Funcs over random formats (signed and
// unsigned, too-narrow results that wrap, every rounding and overflow
// mode, constant operands) agree between BatchFixed and Fixed on every
// word.
func TestBatchOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const n = 700
	tried := 0
	for tried < 3000 {
		f := opFunc(rng)
		if err := ir.VerifyFunc(f, ir.Fixed); err != nil {
			continue // an op the generator got wrong for the verifier
		}
		tried++
		bf, err := sim.NewBatchFixed(f, n)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := sim.NewFixed(f)
		if err != nil {
			t.Fatal(err)
		}
		ins := make([][]int64, n)
		for i := range n {
			ins[i] = []int64{inputWord(rng, f.Inputs[0]), inputWord(rng, f.Inputs[1])}
			bf.In[0][i], bf.In[1][i] = ins[i][0], ins[i][1]
		}
		bf.Step()
		for i := range n {
			ref.Step(ins[i])
			if ref.State[0] != bf.State[0][i] {
				t.Fatalf("%s\ninputs %v: batch %d, scalar %d", f, ins[i], bf.State[0][i], ref.State[0])
			}
		}
	}
}
