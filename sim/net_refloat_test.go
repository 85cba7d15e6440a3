package sim_test

import (
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"scc/ir"
	"scc/sim"
)

// stdpRealIR is the real-phase STDP rule: on pre w ← clip(w − y, 0, 5),
// on post w ← clip(w + x, 0, 5).
const stdpRealIR = `module "stdp" real

func OnPre @1:1 {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  state "w" : f64 = 0 @1:1
  input "x" : f64 @1:1
  input "y" : f64 @1:1
b0:
  v0 = state "w" : f64 @1:1
  v1 = input "y" : f64 @1:1
  v2 = sub v0, v1 : f64 @1:1
  v3 = const 0 : f64 @1:1
  v4 = lt v2, v3 : bool @1:1
  v5 = select v4, v3, v2 : f64 @1:1
  v6 = const 5 : f64 @1:1
  v7 = gt v5, v6 : bool @1:1
  v8 = select v7, v6, v5 : f64 @1:1
  v9 = fit "w", v8 : f64 @1:1
  v10 = next "w", v9 @1:1
}

func OnPost @1:1 {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  state "w" : f64 = 0 @1:1
  input "x" : f64 @1:1
  input "y" : f64 @1:1
b0:
  v0 = state "w" : f64 @1:1
  v1 = input "x" : f64 @1:1
  v2 = add v0, v1 : f64 @1:1
  v3 = const 0 : f64 @1:1
  v4 = lt v2, v3 : bool @1:1
  v5 = select v4, v3, v2 : f64 @1:1
  v6 = const 5 : f64 @1:1
  v7 = gt v5, v6 : bool @1:1
  v8 = select v7, v6, v5 : f64 @1:1
  v9 = fit "w", v8 : f64 @1:1
  v10 = next "w", v9 @1:1
}
`

// TestNetFloatMatchesReference: the real phase of Net against a naive
// float64 reference (maps of future contributions summed in synapse
// order, per-neuron Float interpreters, per-synapse rule events) on random
// nets: a Poisson source, a spike list, the real-phase LIF of
// models/lif.snn with per-neuron tau and initial v, random projections,
// a plastic projection and both drive kinds. Spikes and state values
// (every bit) agree every step.
func TestNetFloatMatchesReference(t *testing.T) {
	src, err := os.ReadFile("../models/lif.snn")
	if err != nil {
		t.Fatal(err)
	}
	m, _, _ := compileModule(t, "lif.snn", src, false)
	rules, err := ir.Parse(stdpRealIR)
	if err != nil {
		t.Fatal(err)
	}
	m.Funcs = append(m.Funcs, rules.Funcs...)
	lif := m.Func("LIF")
	tauIdx := lif.ParamIndex("tau")
	const steps = 400
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 11))
		n := &ir.Net{Name: "f", Dt: 0.1}
		ps := &ir.Pop{Name: "P", Kind: ir.PopSource, Size: 20, Source: &ir.Source{Kind: ir.SourcePoisson,
			Threshold: uint32(rng.Uint64N(1 << 30)), Seed: rng.Uint64(), Stream: 1, Start: 3}}
		ss := &ir.Pop{Name: "S", Kind: ir.PopSource, Size: 4, Source: &ir.Source{Kind: ir.SourceSpikes}}
		for t := 1; t <= steps; t++ {
			if rng.IntN(3) == 0 {
				ss.Source.Spikes = append(ss.Source.Spikes, ir.SpikeEvent{Step: t, Index: rng.IntN(4)})
			}
		}
		a := &ir.Pop{Name: "A", Kind: ir.PopNeuron, Size: 50, Func: "LIF"}
		tau, v0 := &ir.PopParam{Index: tauIdx}, &ir.PopInit{Index: 0}
		for range a.Size {
			tau.Values = append(tau.Values, 10+20*rng.Float64())
			v0.Values = append(v0.Values, -70+20*rng.Float64())
		}
		a.Params, a.Init = []*ir.PopParam{tau}, []*ir.PopInit{v0}
		n.Pops = []*ir.Pop{ps, ss, a}
		size := map[string]int{"P": 20, "S": 4, "A": 50}
		for k, pre := range []string{"P", "S", "A", "P"} {
			p := &ir.Proj{Name: pre + "A", Pre: pre, Post: "A", PortName: "I"}
			if k == 3 {
				p.Rule = "STDP"
			}
			for j := range size[pre] {
				for i := range 50 {
					if rng.IntN(3) == 0 {
						w := 40*rng.Float64() - 10
						if k == 3 {
							w = 5 * rng.Float64()
						}
						p.PreIdx = append(p.PreIdx, int32(j))
						p.PostIdx = append(p.PostIdx, int32(i))
						p.Delay = append(p.Delay, int32(1+rng.IntN(5)))
						p.W = append(p.W, w)
					}
				}
			}
			n.Projs = append(n.Projs, p)
		}
		n.Rules = []*ir.Rule{{Name: "STDP", OnPre: "OnPre", OnPost: "OnPost",
			Pre:  &ir.Trace{Name: "x", Decay: 0.9, Add: 0.3},
			Post: &ir.Trace{Name: "y", Decay: 0.8, Add: 0.5, Set: seed%2 == 0}}}
		cur := &ir.Drive{Name: "c", Kind: ir.DriveCurrent, Targets: []*ir.Target{{Pop: "A", Lo: 0, Hi: 50}}}
		for range steps / 2 {
			cur.Values = append(cur.Values, 30*rng.Float64())
		}
		n.Drives = []*ir.Drive{cur,
			{Name: "k", Kind: ir.DriveCurrent, Value: 12, Targets: []*ir.Target{{Pop: "A", Lo: 10, Hi: 30}}},
			{Name: "ps", Kind: ir.DrivePoissonSum, Table: poissonTable(2), W: 1.5, Seed: rng.Uint64(), Stream: 2,
				Targets: []*ir.Target{{Pop: "A", Lo: 20, Hi: 50}}}}
		s := mustNet(t, m, n, sim.NetOptions{})
		ref := newFloatRef(t, m, n)
		total := 0
		for range steps {
			stepNet(t, s)
			ref.step(t)
			for pi, p := range n.Pops {
				var want []int32
				for i, b := range ref.spiked[p.Name] {
					if b {
						want = append(want, int32(i))
					}
				}
				if !slices.Equal(s.Spikes(pi), want) {
					t.Fatalf("seed %d step %d pop %s: spikes %v, reference %v", seed, ref.t, p.Name, s.Spikes(pi), want)
				}
				total += len(want)
				for i, nrn := range ref.neurons[p.Name] {
					for st, x := range nrn.State {
						if y := s.StateValues(pi, st)[i]; math.Float64bits(x) != math.Float64bits(y) {
							t.Fatalf("seed %d step %d pop %s neuron %d state %d: %v, reference %v", seed, ref.t, p.Name, i, st, y, x)
						}
					}
				}
			}
		}
		_, w := s.Weights(3)
		changed := 0
		for k, x := range w {
			if math.Float64bits(x) != math.Float64bits(ref.w[k]) {
				t.Fatalf("seed %d synapse %d: weight %v, reference %v", seed, k, x, ref.w[k])
			}
			if x != n.Projs[3].W[k] {
				changed++
			}
		}
		if changed == 0 || s.Count(2) == 0 {
			t.Fatalf("seed %d: %d weights changed, %d LIF spikes: the test exercises too little", seed, changed, s.Count(2))
		}
	}
}

type floatRef struct {
	n       *ir.Net
	t       int
	neurons map[string][]*sim.Float
	spiked  map[string][]bool
	queue   map[qkey]float64
	srcRNG  []uint32
	drvRNG  [][]uint32
	x, y    []float64 // traces of P (pre) and A (post)
	w       []float64 // the plastic projection's weights, synapse order
	onPre   *sim.Float
	onPost  *sim.Float
}

func newFloatRef(t *testing.T, m *ir.Module, n *ir.Net) *floatRef {
	r := &floatRef{n: n, neurons: map[string][]*sim.Float{}, spiked: map[string][]bool{}, queue: map[qkey]float64{}}
	for _, p := range n.Pops {
		r.spiked[p.Name] = make([]bool, p.Size)
		if p.Kind != ir.PopNeuron {
			continue
		}
		for i := range p.Size {
			x, err := sim.NewFloat(m.Func(p.Func))
			if err != nil {
				t.Fatal(err)
			}
			for _, pp := range p.Params {
				x.Params[pp.Index] = pp.Values[i]
			}
			for _, in := range p.Init {
				x.State[in.Index] = in.Values[i]
			}
			r.neurons[p.Name] = append(r.neurons[p.Name], x)
		}
	}
	src := n.Pops[0].Source
	for i := range n.Pops[0].Size {
		r.srcRNG = append(r.srcRNG, refSeed(src.Seed, src.Stream, i))
	}
	for _, d := range n.Drives {
		var s []uint32
		k := 0
		for _, tg := range d.Targets {
			for range tg.Hi - tg.Lo {
				s = append(s, refSeed(d.Seed, d.Stream, k))
				k++
			}
		}
		r.drvRNG = append(r.drvRNG, s)
	}
	r.x = make([]float64, n.Pops[0].Size)
	r.y = make([]float64, n.Pops[2].Size)
	r.w = slices.Clone(n.Projs[3].W)
	var err error
	if r.onPre, err = sim.NewFloat(m.Func("OnPre")); err != nil {
		t.Fatal(err)
	}
	if r.onPost, err = sim.NewFloat(m.Func("OnPost")); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *floatRef) step(t *testing.T) {
	r.t++
	now := r.t
	x := map[qkey]float64{}
	for di, d := range r.n.Drives {
		k := 0
		for _, tg := range d.Targets {
			for i := tg.Lo; i < tg.Hi; i++ {
				key := qkey{tg.Pop, tg.Port, i, now}
				switch d.Kind {
				case ir.DriveCurrent:
					if d.Values != nil {
						if now-1 < len(d.Values) {
							x[key] += d.Values[now-1]
						}
					} else {
						x[key] += d.Value
					}
				case ir.DrivePoissonSum:
					r.drvRNG[di][k] = refXorshift(r.drvRNG[di][k])
					c := 0
					for _, e := range d.Table {
						if r.drvRNG[di][k] >= e {
							c++
						}
					}
					x[key] += float64(c) * d.W
					k++
				}
			}
		}
	}
	for _, p := range r.n.Pops {
		sp := r.spiked[p.Name]
		switch {
		case p.Kind == ir.PopSource && p.Source.Kind == ir.SourcePoisson:
			for i := range sp {
				r.srcRNG[i] = refXorshift(r.srcRNG[i])
				sp[i] = now >= p.Source.Start && r.srcRNG[i] < p.Source.Threshold
			}
		case p.Kind == ir.PopSource:
			clear(sp)
			for _, e := range p.Source.Spikes {
				if e.Step == now {
					sp[e.Index] = true
				}
			}
		default:
			for i, nrn := range r.neurons[p.Name] {
				key := qkey{p.Name, 0, i, now}
				in := r.queue[key] + x[key]
				delete(r.queue, key)
				if err := nrn.Step([]float64{in}); err != nil {
					t.Fatal(err)
				}
				sp[i] = nrn.Spike
			}
		}
	}
	rule := r.n.Rules[0]
	for i := range r.x {
		r.x[i] *= rule.Pre.Decay
	}
	for i := range r.y {
		r.y[i] *= rule.Post.Decay
	}
	pp := r.n.Projs[3]
	event := func(m *sim.Float, k int) {
		m.State[0] = r.w[k]
		if err := m.Step([]float64{r.x[pp.PreIdx[k]], r.y[pp.PostIdx[k]]}); err != nil {
			t.Fatal(err)
		}
		r.w[k] = m.State[0]
	}
	for i, b := range r.spiked["P"] {
		if b {
			r.x[i] += rule.Pre.Add
		}
	}
	for k := range pp.PreIdx {
		if r.spiked["P"][pp.PreIdx[k]] {
			event(r.onPre, k)
		}
	}
	for i, b := range r.spiked["A"] {
		if b {
			if rule.Post.Set {
				r.y[i] = rule.Post.Add
			} else {
				r.y[i] += rule.Post.Add
			}
		}
	}
	for k := range pp.PreIdx {
		if r.spiked["A"][pp.PostIdx[k]] {
			event(r.onPost, k)
		}
	}
	for pi, p := range r.n.Projs {
		for k := range p.PreIdx {
			if r.spiked[p.Pre][p.PreIdx[k]] {
				w := p.W[k]
				if pi == 3 {
					w = r.w[k]
				}
				r.queue[qkey{p.Post, 0, int(p.PostIdx[k]), now + int(p.Delay[k])}] += w
			}
		}
	}
}
