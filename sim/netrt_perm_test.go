package sim_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"scc/ir"
	"scc/sim"
)

// permuteNet returns a copy of n with the neurons of every population in
// pops renumbered: old neuron i is new neuron perm[pop][i]. Initial
// values, per-neuron parameters and synapse endpoints move with them
// (synapse order is kept); records are left as they are.
func permuteNet(n *ir.Net, perm map[string][]int) *ir.Net {
	c := n.Clone()
	for _, p := range c.Pops {
		pi := perm[p.Name]
		if pi == nil {
			continue
		}
		for k, in := range p.Init {
			q := *in
			q.Words = make([]int64, len(in.Words))
			q.Values = make([]float64, len(in.Values))
			for i := range in.Words {
				q.Words[pi[i]] = in.Words[i]
			}
			for i := range in.Values {
				q.Values[pi[i]] = in.Values[i]
			}
			p.Init[k] = &q
		}
		for k, pp := range p.Params {
			q := *pp
			q.Values = make([]float64, len(pp.Values))
			for i := range pp.Values {
				q.Values[pi[i]] = pp.Values[i]
			}
			p.Params[k] = &q
		}
	}
	for _, p := range c.Projs {
		if pi := perm[p.Pre]; pi != nil {
			idx := make([]int32, len(p.PreIdx))
			for k, j := range p.PreIdx {
				idx[k] = int32(pi[j])
			}
			p.PreIdx = idx
		}
		if pi := perm[p.Post]; pi != nil {
			idx := make([]int32, len(p.PostIdx))
			for k, i := range p.PostIdx {
				idx[k] = int32(pi[i])
			}
			p.PostIdx = idx
		}
	}
	return c
}

// TestNetRuntimeMetamorphic: renumbering the neurons of populations (with
// their projections) and changing the worker count changes nothing: every
// spike, mapped back, and every state word every 10 steps equal the
// unpermuted runtime run's, and so do the final (STDP) weights.
func TestNetRuntimeMetamorphic(t *testing.T) {
	type tc struct {
		name  string
		m     *ir.Module
		steps int
	}
	var cases []tc
	cases = append(cases, tc{"cuba", compileExample(t, "cuba.snn", "cuba_lif.snn"), 1000})
	r := rand.New(rand.NewPCG(7, 7))
	for k := range 4 {
		name := fmt.Sprintf("M%d", k)
		net, files := randomLibNet(r, name)
		var src []byte
		for _, f := range files {
			m, err := os.ReadFile("../models/" + f)
			if err != nil {
				t.Fatal(err)
			}
			src = append(src, m...)
		}
		_, fix, _ := compileModule(t, name+".snn", append(src, net...), false)
		cases = append(cases, tc{name, fix, 1000})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := c.m.Nets[0]
			driven := map[string]bool{}
			for _, d := range n.Drives {
				for _, tg := range d.Targets {
					driven[tg.Pop] = true
				}
			}
			rp := rand.New(rand.NewPCG(uint64(len(c.name)), 3))
			perm := map[string][]int{}
			for _, p := range n.Pops {
				if p.Kind == ir.PopNeuron && !driven[p.Name] {
					perm[p.Name] = rp.Perm(p.Size)
				}
			}
			if len(perm) == 0 {
				t.Skip("every population is driven (poisson_sum streams follow the index)")
			}
			pn := permuteNet(n, perm)
			ref, err := sim.NewNet(c.m, n, sim.NetOptions{Engine: sim.EngineRuntime, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer ref.Close()
			var others []*sim.Net
			for _, w := range []int{2, 3} {
				s, err := sim.NewNet(c.m, pn, sim.NetOptions{Engine: sim.EngineRuntime, Workers: w})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				others = append(others, s)
			}
			t.Logf("%s; permuted %d populations", others[0].EngineDetail(), len(perm))
			for step := 1; step <= c.steps; step++ {
				if err := ref.Step(); err != nil {
					t.Fatal(err)
				}
				for _, s := range others {
					if err := s.Step(); err != nil {
						t.Fatal(err)
					}
				}
				for p, pop := range n.Pops {
					want := ref.Spikes(p)
					pi := perm[pop.Name]
					for _, s := range others {
						got := slices.Clone(s.Spikes(p))
						if pi != nil {
							inv := make([]int32, len(pi))
							for i, q := range pi {
								inv[q] = int32(i)
							}
							for k, q := range got {
								got[k] = inv[q]
							}
							slices.Sort(got)
						}
						if !slices.Equal(got, want) {
							t.Fatalf("%s step %d: %s spikes (mapped back) %v, want %v", s.EngineDetail(), step, pop.Name, got, want)
						}
					}
					if pop.Kind != ir.PopNeuron || step%10 != 0 {
						continue
					}
					for st := range c.m.Func(pop.Func).States {
						want := ref.StateWords(p, st)
						for _, s := range others {
							got := s.StateWords(p, st)
							for i := range want {
								q := i
								if pi != nil {
									q = pi[i]
								}
								if got[q] != want[i] {
									t.Fatalf("%s step %d: %s neuron %d state %d = %d, want %d", s.EngineDetail(), step, pop.Name, i, st, got[q], want[i])
								}
							}
						}
					}
				}
			}
			for k := range n.Projs {
				want, _ := ref.Weights(k)
				for _, s := range others {
					if got, _ := s.Weights(k); !slices.Equal(got, want) {
						t.Fatalf("%s: weights of %s differ", s.EngineDetail(), n.Projs[k].Name)
					}
				}
			}
		})
	}
}
