package sim_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
	"scc/passes"
	"scc/sim"
)

// compileLIF compiles models/lif.snn with tau declared over [lo, hi] ms
// and set to tau (as --param does): a generic Func when keep, else
// specialised to tau (and the defaults).
func compileLIF(t testing.TB, tau float64, lo, hi float64, keep bool) *ir.Func {
	t.Helper()
	src, err := os.ReadFile("../models/lif.snn")
	if err != nil {
		t.Fatal(err)
	}
	decl := fmt.Sprintf("param tau     = 20 ms in [%v ms, %v ms]", lo, hi)
	ranged := strings.Replace(string(src), "param tau     = 20 ms", decl, 1)
	if ranged == string(src) {
		t.Fatal("lif.snn has no tau to range")
	}
	f, err := parser.ParseFile("lif.snn", []byte(ranged))
	if err != nil {
		t.Fatal(err)
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := irgen.Lower(f, info, irgen.Options{Params: map[string]float64{"tau": tau}})
	if err != nil {
		t.Fatal(err)
	}
	fn := m.Funcs[0]
	if r := fn.Params[fn.ParamIndex("tau")].Range; r == nil || r.Lo != lo || r.Hi != hi {
		t.Fatalf("tau's declared range did not reach the IR: %+v", r)
	}
	if _, err := passes.Run(m, passes.Options{Check: true, KeepParams: keep}); err != nil {
		t.Fatal(err)
	}
	return fn
}

// TestPerNeuronParams: one generic Func runs 1,000 neurons, each with its
// own tau in [10 ms, 30 ms], and every neuron equals, word for word and
// spike for spike at every step, the model compiled separately for its
// tau (specialised: constants, no parameter block).
func TestPerNeuronParams(t *testing.T) {
	const (
		n, steps = 1000, 2000
		lo, hi   = 10.0, 30.0
	)
	gen := compileLIF(t, 20, lo, hi, true)
	if !gen.Generic() {
		t.Fatalf("generic compile has no parameter block:\n%s", gen)
	}
	tauIdx := gen.ParamIndex("tau")
	spikes := map[int]bool{}
	for i := 0; i < n; i++ {
		tau := lo + (hi-lo)*float64(i)/(n-1)
		spec := compileLIF(t, tau, lo, hi, false)
		if spec.Generic() {
			t.Fatalf("tau %v: specialised compile kept its parameter block", tau)
		}
		a, err := sim.NewFixed(gen)
		if err != nil {
			t.Fatal(err)
		}
		vals := gen.ParamDefaults()
		vals[tauIdx] = tau
		if err := a.SetParams(vals); err != nil {
			t.Fatal(err)
		}
		b, err := sim.NewFixed(spec)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		in := gen.Inputs[0].Type.Fmt
		count := 0
		for s := 0; s < steps; s++ {
			x := []int64{int64(rng.IntN(int(in.Max()/4))) + in.Max()/16} // about 8..40 nA
			if err := a.Step(x); err != nil {
				t.Fatal(err)
			}
			if err := b.Step(x); err != nil {
				t.Fatal(err)
			}
			if a.Spike != b.Spike || fmt.Sprint(a.State) != fmt.Sprint(b.State) {
				t.Fatalf("neuron %d (tau %v ms), step %d: generic %v spike %v, specialised %v spike %v",
					i, tau, s+1, a.State, a.Spike, b.State, b.Spike)
			}
			if a.Spike {
				count++
			}
		}
		spikes[count] = true
	}
	if len(spikes) < 10 {
		t.Errorf("only %d distinct spike counts over 1,000 taus: the parameter does not reach the step", len(spikes))
	}
}

// TestParamOutsideRange: a value outside the range the Func was compiled
// for is refused, not computed with words sized for another range.
func TestParamOutsideRange(t *testing.T) {
	gen := compileLIF(t, 20, 10, 30, true)
	m, err := sim.NewFixed(gen)
	if err != nil {
		t.Fatal(err)
	}
	vals := gen.ParamDefaults()
	vals[gen.ParamIndex("tau")] = 40
	if err := m.SetParams(vals); err == nil {
		t.Fatal("tau = 40 accepted by a Func compiled for [10, 30]")
	}
}
