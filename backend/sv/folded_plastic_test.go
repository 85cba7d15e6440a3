package sv

import (
	"fmt"
	"os"
	"testing"

	"scc/sim"
)

// stdpNet has two plastic projections (a source and a recurrent one) of
// one rule with both traces, per-synapse delays and enough activity that
// the weights move within the compared steps.
const stdpNet = `
network S {
    dt 0.1 ms
    pop a = DeltaLIF[6] { v = uniform(-70 mV, -56 mV, seed = 3) }
    source k = poisson(rate = 900 Hz, seed = 5)[5]
    proj ka = k -> a.J random(p = 0.6, seed = 6) with STDP { w = 3 mV; delay uniform(1, 3, seed = 7) steps }
    proj aa = a -> a.J random(p = 0.5, seed = 9) with STDP { w = 1 mV }
    record a v
}

synapse STDP {
    param gmax = 8 mV; param a_pre = 0.5 mV; param a_post = -0.6 mV
    state w : mV in [0 mV, gmax]
    trace pre x decay 2 ms add a_pre
    trace post y decay 3 ms add a_post
    on pre { w = clip(w + y, 0 mV, gmax) }
    on post { w = clip(w + x, 0 mV, gmax) }
}
`

// TestFoldedPlasticity: STDP in the folded RTL equals sim.Net (spikes,
// probed v) for lanes 1 and 2, the weights move, and the cycles are the
// schedule model's.
func TestFoldedPlasticity(t *testing.T) {
	model, err := os.ReadFile("../../models/delta_lif.snn")
	if err != nil {
		t.Fatal(err)
	}
	m := compileSNN(t, "stdp.snn", append(model, stdpNet...), false)
	n := m.Nets[0]
	hw := n.HW(m)
	const steps = 60
	want, spk := expectFolded(t, m, n, hw, steps)
	s, err := sim.NewNet(m, n, sim.NetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(steps); err != nil {
		t.Fatal(err)
	}
	moved := false
	for k := range n.Projs {
		w, _ := s.Weights(k)
		for i, x := range w {
			moved = moved || x != n.Projs[k].Words[i]
		}
	}
	if !moved {
		t.Fatal("no weight moved in sim: the test compares no plasticity")
	}
	tb := foldedTB(n, hw, steps, false, 0)
	for _, lanes := range []int{1, 2} {
		t.Run(fmt.Sprint(lanes), func(t *testing.T) {
			t.Parallel()
			opt := NetOptions{Lanes: lanes}
			got, cyc := runFolded(t, emitFoldedNet(t, m, n, opt), tb)
			if d := firstDiff(got, want); d != "" {
				t.Fatalf("folded STDP differs from sim.Net: %s", d)
			}
			pl, err := newPlan(m, n, opt, true)
			if err != nil {
				t.Fatal(err)
			}
			for k, c := range cyc {
				if w := pl.stepCycles(spk[k], k+1, false); c != w {
					t.Errorf("step %d: %d cycles, schedule model says %d", k+1, c, w)
				}
			}
		})
	}
}

// TestFoldedPlasticityLint: the plastic folded top passes the three
// tools.
func TestFoldedPlasticityLint(t *testing.T) {
	model, err := os.ReadFile("../../models/delta_lif.snn")
	if err != nil {
		t.Fatal(err)
	}
	m := compileSNN(t, "stdp.snn", append(model, stdpNet...), false)
	n := m.Nets[0]
	lintAll(t, emitFoldedNet(t, m, n, NetOptions{Lanes: 2}), []string{n.ModuleName()}, false)
}
