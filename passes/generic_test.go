package passes

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
	"scc/sim"
)

// TestGenericEqualsSpecialised: random functions reading two ranged
// parameters and one single-valued one, compiled once generic
// (KeepParams) and run with random parameter values through
// sim.Fixed.SetParams, equal the same function compiled with those values
// (the single-valued parameter specialised by const-fold, the ranged ones
// bound after quantize) at every step: every state word and the spike.
func TestGenericEqualsSpecialised(t *testing.T) {
	cfg := genConfig{states: 2, inputs: 2, depth: 3, divs: true, params: true}
	compiled, compared := 0, 0
	for seed := uint64(0); seed < 120; seed++ {
		m := genModule(randomBytes(seed, 64), fixed.Q88, cfg)
		src := m.String()
		if _, err := Run(m, Options{Check: true, KeepParams: true}); err != nil {
			var el lang.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("seed %d: internal error %v on\n%s", seed, err, src)
			}
			continue // a user error (a value that does not fit): fine
		}
		gen := m.Funcs[0]
		compiled++
		rng := rand.New(rand.NewPCG(seed, 3))
		for k := 0; k < 4; k++ {
			vals := []float64{0.5 + 1.5*rng.Float64(), -1 + 2*rng.Float64(), 0.1}
			if k == 0 {
				vals[0], vals[1] = 2, -1 // the range ends
			}
			spec, err := ir.Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range spec.Funcs[0].Params {
				p.Value = vals[i]
			}
			if _, err := Run(spec, Options{Check: true}); err != nil {
				t.Errorf("seed %d, params %v: the generic module compiled, the specialised one: %v\n%s", seed, vals, err, src)
				continue
			}
			if spec.Funcs[0].Generic() {
				t.Fatalf("seed %d: bind left a parameter block", seed)
			}
			if msg := runBoth(gen, spec.Funcs[0], vals, seed); msg != "" {
				t.Errorf("seed %d, params %v: %s\n%s", seed, vals, msg, src)
				return
			}
			compared++
		}
	}
	if compiled < 40 {
		t.Errorf("only %d of 120 random functions compiled generic; the generator is too hostile", compiled)
	}
	t.Logf("%d generic functions, %d parameter sets compared", compiled, compared)
}

// runBoth runs the generic function with parameter values vals and the
// specialised one for 60 steps of the same random inputs and returns the
// first difference, or "".
func runBoth(gen, spec *ir.Func, vals []float64, seed uint64) string {
	a, err := sim.NewFixed(gen)
	if err != nil {
		return err.Error()
	}
	if err := a.SetParams(vals); err != nil {
		return err.Error()
	}
	b, err := sim.NewFixed(spec)
	if err != nil {
		return err.Error()
	}
	rng := rand.New(rand.NewPCG(seed, 11))
	in := make([]int64, len(gen.Inputs))
	for s := 1; s <= 60; s++ {
		for i, x := range gen.Inputs {
			in[i] = x.Type.Fmt.Min() + rng.Int64N(x.Type.Fmt.Max()-x.Type.Fmt.Min()+1)
		}
		a.Step(in)
		b.Step(in)
		if a.Spike != b.Spike || fmt.Sprint(a.State) != fmt.Sprint(b.State) {
			return fmt.Sprintf("step %d: generic %v spike %v, specialised %v spike %v", s, a.State, a.Spike, b.State, b.Spike)
		}
	}
	return ""
}
