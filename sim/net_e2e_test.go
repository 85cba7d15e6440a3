package sim_test

import (
	"os"
	"testing"

	"scc/sim"
)

// e2eNet is a network of the library's DeltaLIF with every item kind:
// per-neuron initial values, a Poisson source with a window, an STDP
// projection (spec.md's Song–Miller–Abbott rule), a poisson_sum drive,
// a current drive and records.
const e2eNet = `
network E2E {
    dt 0.1 ms
    pop exc = DeltaLIF[60] { v = uniform(-70 mV, -56 mV, seed = 3) }
    pop inh = DeltaLIF[15] { v = uniform(-70 mV, -56 mV, seed = 4) }
    source kick = poisson(rate = 200 Hz, seed = 5, start = 1 ms, stop = 40 ms)[30]
    proj k = kick -> exc.J random(p = 0.3, seed = 6) with STDP { w = 1 mV; delay uniform(1, 4, seed = 7) steps }
    proj ee = exc -> exc.J random(p = 0.1, seed = 9) { w = 0.5 mV; delay 2 steps }
    proj ei = exc -> inh.J random(p = 0.2, seed = 11) { w = 0.8 mV }
    proj ie = inh -> exc.J all_to_all { w = -0.7 mV; delay 1 steps }
    drive bg = poisson_sum(n = 200, rate = 20 Hz, w = 0.5 mV, seed = 12) -> exc.J, inh.J
    record exc spikes
    record exc[0:4] v every 2 steps
    record inh rate every 50 steps
}

synapse STDP {
    param gmax = 2 mV; param a_pre = 0.05 mV; param a_post = -0.06 mV
    state w : mV in [0 mV, gmax]
    trace pre x decay 20 ms add a_pre
    trace post y decay 20 ms add a_post
    on pre { w = clip(w + y, 0 mV, gmax) }
    on post { w = clip(w + x, 0 mV, gmax) }
}
`

// TestNetEndToEnd: a network compiled by the whole pipeline (parser,
// checker, irgen, passes) runs in both phases; the bit-true and float runs
// get the same source spikes (same streams) and close population counts,
// and the STDP weights move in both.
func TestNetEndToEnd(t *testing.T) {
	model, err := os.ReadFile("../models/delta_lif.snn")
	if err != nil {
		t.Fatal(err)
	}
	real, fix, _ := compileModule(t, "e2e.snn", append(model, e2eNet...), false)
	if len(real.Nets) != 1 || len(fix.Nets) != 1 {
		t.Fatalf("%d / %d nets", len(real.Nets), len(fix.Nets))
	}
	const steps = 5000
	a, err := sim.NewNet(real, real.Nets[0], sim.NetOptions{Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	b, err := sim.NewNet(fix, fix.Nets[0], sim.NetOptions{Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	for range steps {
		stepNet(t, a)
		stepNet(t, b)
	}
	for pi, p := range real.Nets[0].Pops {
		t.Logf("%s: float %d spikes (%.1f Hz, CV %.2f), fixed %d (%.1f Hz, CV %.2f)", p.Name, a.Count(pi), a.Rate(pi), a.CV(pi), b.Count(pi), b.Rate(pi), b.CV(pi))
	}
	k := a.PopIndex("kick")
	if a.Count(k) == 0 || a.Count(k) != b.Count(k) {
		t.Fatalf("source spikes: float %d, fixed %d", a.Count(k), b.Count(k))
	}
	for _, name := range []string{"exc", "inh"} {
		p := a.PopIndex(name)
		cf, cx := float64(a.Count(p)), float64(b.Count(p))
		if cf == 0 || cx < 0.8*cf || cx > 1.25*cf {
			t.Errorf("%s: float %v spikes, fixed %v", name, cf, cx)
		}
	}
	_, wf := a.Weights(0)
	wx, _ := b.Weights(0)
	moved := 0
	for i := range wf {
		if wf[i] != real.Nets[0].Projs[0].W[i] && wx[i] != fix.Nets[0].Projs[0].Words[i] {
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("no STDP weight moved in both phases")
	}
	t.Logf("STDP: %d of %d weights moved in both; sat %v / %v", moved, len(wf), a.Saturated(), b.Saturated())
}
