package sim_test

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"scc/ir"
	"scc/sim"
)

// engineNets returns a Net per engine option (the first the
// interpreter).
func newEngines(t testing.TB, m *ir.Module, n *ir.Net, steps int, opts ...sim.NetOptions) []*sim.Net {
	t.Helper()
	var out []*sim.Net
	for _, o := range append([]sim.NetOptions{{Engine: sim.EngineInterp}}, opts...) {
		o.Steps = steps
		s, err := sim.NewNet(m, n, o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		out = append(out, s)
	}
	if out[0].Engine() != sim.EngineInterp {
		t.Fatalf("engine %q, want interp", out[0].Engine())
	}
	return out
}

// diffEngines steps the interpreter (nets[0]) and every other net
// steps times and returns the first difference: step errors, spikes of
// every population, every state word of every neuron (every step when
// every is 1, else every every steps), saturation flags; at the end
// the records, plastic weights and traces.
func diffEngines(nets []*sim.Net, steps, every int) error {
	ref := nets[0]
	n := ref.N
	for step := 1; step <= steps; step++ {
		e0 := ref.Step()
		for k, s := range nets[1:] {
			e := s.Step()
			if fmt.Sprint(e) != fmt.Sprint(e0) {
				return fmt.Errorf("net %d step %d: error %v, interpreter %v", k+1, step, e, e0)
			}
			for p, pop := range n.Pops {
				if got, want := s.Spikes(p), ref.Spikes(p); !slices.Equal(got, want) {
					return fmt.Errorf("net %d (%s) step %d: %s spikes %v, interpreter %v", k+1, s.EngineDetail(), step, pop.Name, got, want)
				}
				if pop.Kind != ir.PopNeuron || step%every != 0 && step != steps {
					continue
				}
				for st := range ref.M.Func(pop.Func).States {
					got, want := s.StateWords(p, st), ref.StateWords(p, st)
					if !slices.Equal(got, want) {
						for i := range want {
							if got[i] != want[i] {
								return fmt.Errorf("net %d (%s) step %d: %s[%d] state %d = %d, interpreter %d", k+1, s.EngineDetail(), step, pop.Name, i, st, got[i], want[i])
							}
						}
					}
				}
			}
			if got, want := s.Saturated(), ref.Saturated(); !slices.Equal(got, want) {
				return fmt.Errorf("net %d step %d: saturated %v, interpreter %v", k+1, step, got, want)
			}
		}
	}
	for k, s := range nets[1:] {
		for r, rd := range s.Records() {
			w := ref.Records()[r]
			if !slices.Equal(rd.Spikes, w.Spikes) || !slices.Equal(rd.Steps, w.Steps) || !slices.Equal(rd.Words, w.Words) || !slices.Equal(rd.Bins, w.Bins) {
				return fmt.Errorf("net %d: record %d (%s of %s) differs", k+1, r, rd.Rec.Kind, rd.Rec.Pop)
			}
		}
		for j, p := range n.Projs {
			got, _ := s.Weights(j)
			want, _ := ref.Weights(j)
			if !slices.Equal(got, want) {
				return fmt.Errorf("net %d: weights of %s differ", k+1, p.Name)
			}
		}
		for _, r := range n.Rules {
			for _, pop := range n.Pops {
				for _, pre := range []bool{true, false} {
					if !slices.Equal(s.TraceWords(r.Name, pop.Name, pre), ref.TraceWords(r.Name, pop.Name, pre)) {
						return fmt.Errorf("net %d: trace of %s on %s differs", k+1, r.Name, pop.Name)
					}
				}
			}
		}
		for p := range n.Pops {
			if s.Count(p) != ref.Count(p) || s.T() != ref.T() {
				return fmt.Errorf("net %d: population %d: count %d at %d, interpreter %d at %d", k+1, p, s.Count(p), s.T(), ref.Count(p), ref.T())
			}
		}
	}
	return nil
}

// compareEngines fails t at diffEngines' difference.
func compareEngines(t testing.TB, nets []*sim.Net, steps, every int) {
	t.Helper()
	if err := diffEngines(nets, steps, every); err != nil {
		t.Fatal(err)
	}
}

// TestNetRuntimeCompareCatches: the comparison finds a difference: the
// runtime net of CUBA with the weights of one projection one ulp larger,
// or one neuron's initial v 64 ulp off.
func TestNetRuntimeCompareCatches(t *testing.T) {
	fix := compileExample(t, "cuba.snn", "cuba_lif.snn")
	n := fix.Nets[0]
	for _, mut := range []string{"weight", "init"} {
		c := n.Clone()
		switch mut {
		case "weight":
			p := c.Projs[0]
			p.Words = slices.Clone(p.Words)
			for k := range p.Words {
				p.Words[k]++
			}
		case "init":
			in := *c.Pops[0].Init[0]
			in.Words = slices.Clone(in.Words)
			in.Words[7] += 64
			c.Pops[0].Init[0] = &in
		}
		a, err := sim.NewNet(fix, n, sim.NetOptions{Engine: sim.EngineInterp})
		if err != nil {
			t.Fatal(err)
		}
		b, err := sim.NewNet(fix, c, sim.NetOptions{Engine: sim.EngineRuntime})
		if err != nil {
			t.Fatal(err)
		}
		err = diffEngines([]*sim.Net{a, b}, 300, 1)
		b.Close()
		if err == nil {
			t.Errorf("%s: no difference found", mut)
		} else {
			t.Logf("%s: %v", mut, err)
		}
	}
}

// TestNetRuntimeEndToEnd: the e2e network (every item kind: per-neuron
// initial values, a windowed Poisson source, STDP with delays 1..4, both
// drive kinds, records) runs identically on the interpreter and on the
// runtime engine with 1 and 3 workers, every step, also after Resets.
func TestNetRuntimeEndToEnd(t *testing.T) {
	model, err := os.ReadFile("../models/delta_lif.snn")
	if err != nil {
		t.Fatal(err)
	}
	src := append(model, e2eNet...)
	src = append(src, `
network E2EDrive {
    dt 0.1 ms
    pop a = DeltaLIF[70]
    drive c = current(3 mV) -> a[0:40].J
    drive d = current(-2 mV) -> a[20:70].J
    record a spikes
}
`...)
	_, fix, _ := compileModule(t, "e2e.snn", src, false)
	for _, n := range fix.Nets {
		t.Run(n.Name, func(t *testing.T) {
			nets := newEngines(t, fix, n, 3000,
				sim.NetOptions{Engine: sim.EngineRuntime, Workers: 1},
				sim.NetOptions{Engine: sim.EngineRuntime, Workers: 3})
			for _, s := range nets[1:] {
				if s.Engine() != sim.EngineRuntime {
					t.Fatalf("engine %q", s.Engine())
				}
				t.Log(s.EngineDetail())
			}
			compareEngines(t, nets, 3000, 1)
			for _, s := range nets {
				s.Reset()
			}
			compareEngines(t, nets, 500, 1) // Reset returns both engines to t = 0
			for _, s := range nets {
				s.Reset()
			}
			compareEngines(t, nets, 3000, 1)
			var total int64
			for p := range n.Pops {
				total += nets[0].Count(p)
			}
			t.Logf("%d spikes, t=%d", total, nets[1].T())
			if total == 0 {
				t.Fatal("no spikes: the comparison proves little")
			}
		})
	}
}

// compileExample compiles examples/<name> with the library model file
// model.
func compileExample(t testing.TB, name, model string) *ir.Module {
	t.Helper()
	m, err := os.ReadFile("../models/" + model)
	if err != nil {
		t.Fatal(err)
	}
	n, err := os.ReadFile("../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	_, fix, _ := compileModule(t, name, append(m, n...), false)
	return fix
}

// TestNetRuntimeBenchmarks: the benchmark networks (CUBA, Brunel) run
// identically on the interpreter and the runtime engine (1 and 2
// workers) for 1,000 steps: every spike every step, every state word
// every 10 steps and at the end, the records.
func TestNetRuntimeBenchmarks(t *testing.T) {
	for _, c := range [][2]string{{"cuba.snn", "cuba_lif.snn"}, {"brunel.snn", "brunel_lif.snn"}} {
		t.Run(c[0], func(t *testing.T) {
			fix := compileExample(t, c[0], c[1])
			n := fix.Nets[0]
			nets := newEngines(t, fix, n, 1000,
				sim.NetOptions{Workers: 1},
				sim.NetOptions{Engine: sim.EngineRuntime, Workers: 2})
			want := sim.EngineRuntime
			for _, p := range n.Pops {
				if sim.KernelFor(fix.Func(p.Func)) == nil {
					want = sim.EngineInterp
				}
			}
			for _, s := range nets[1:] {
				t.Log(s.EngineDetail())
			}
			if got := nets[1].Engine(); got != want {
				t.Errorf("auto ran %s, want %s (every population has a kernel: %v)", got, want, want == sim.EngineRuntime)
			}
			compareEngines(t, nets, 1000, 10)
			for p, pop := range n.Pops {
				t.Logf("%s: %d spikes", pop.Name, nets[0].Count(p))
				if nets[0].Count(p) == 0 {
					t.Errorf("%s: no spikes", pop.Name)
				}
			}
		})
	}
}

// TestNetRuntimeAdapters: populations without a kernel run inside the
// runner identically with the interpreter: an SC layer (extern
// population) projecting on a counter model, and a model whose assertion
// fails (the step errors are the interpreter's, word for word).
func TestNetRuntimeAdapters(t *testing.T) {
	src := []byte(`model Count {
    format q20.4
    input J in [0, 8]
    state n = 0 in [0, 100000]
    n' = n + J
    assert n < 40
}
network N {
    layer L = sc_dense(inputs = 3, neurons = 2, length = 300) {
        x = [200, 90, 160]
        w = [[255, 128, 64], [100, 250, 30]]
        y = [0, 1]
        leak = 0.078125
        gain = 1
    }
    pop c = Count[2]
    proj p = L -> c.J one_to_one { w = 1; delay 2 steps }
    record c n every 1 steps
}
`)
	_, fix, _ := compileModule(t, "layer.snn", src, false)
	n := fix.Nets[0]
	nets := newEngines(t, fix, n, 400, sim.NetOptions{}, sim.NetOptions{Engine: sim.EngineRuntime, Workers: 2})
	if nets[1].Engine() != sim.EngineInterp {
		t.Errorf("auto ran %s on a net with an SC layer", nets[1].Engine())
	}
	t.Log(nets[2].EngineDetail())
	errs := 0
	for range 400 {
		e0, e1 := nets[0].Step(), nets[2].Step()
		if fmt.Sprint(e0) != fmt.Sprint(e1) {
			t.Fatalf("step %d: error %v, interpreter %v", nets[0].T(), e1, e0)
		}
		if e0 != nil {
			errs++
		}
		if !slices.Equal(nets[0].Spikes(0), nets[2].Spikes(0)) || !slices.Equal(nets[0].StateWords(1, 0), nets[2].StateWords(1, 0)) {
			t.Fatalf("step %d differs", nets[0].T())
		}
	}
	if errs == 0 || nets[0].Count(0) == 0 {
		t.Fatalf("%d failing steps, %d layer spikes: the test proves little", errs, nets[0].Count(0))
	}
	t.Logf("%d steps failed the assertion in both", errs)
}
