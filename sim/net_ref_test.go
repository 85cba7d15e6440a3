package sim_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/sim"
)

// refXorshift and refSeed restate DESIGN §4.1 rule 5's RNG from the
// textbook definitions (not through package runtime).
func refXorshift(x uint32) uint32 {
	x ^= x << 13
	x ^= x >> 17
	x ^= x << 5
	return x
}

func refSeed(seed uint64, stream, index int) uint32 {
	sm := func(x uint64) uint64 {
		x += 0x9e3779b97f4a7c15
		x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
		x = (x ^ x>>27) * 0x94d049bb133111eb
		return x ^ x>>31
	}
	return uint32(sm(sm(sm(seed)^uint64(stream))^uint64(index))) | 1
}

// poissonTable is a Poisson(lam) CDF scaled to 2^32, ascending.
func poissonTable(lam float64) []uint32 {
	var tab []uint32
	p, c := math.Exp(-lam), 0.0
	for k := 0; k < 60; k++ {
		c += p
		w := math.RoundToEven(c * (1 << 32))
		if w >= 1<<32-1 {
			break
		}
		tab = append(tab, uint32(w))
		p *= lam / float64(k+1)
	}
	return tab
}

// randomNet builds a random fixed-phase net over testModule's Funcs:
// a Poisson source, a spike-list source, a LIF population with per-neuron
// tau and initial v, a two-port population, random projections (delays
// 1..5, weights including ones that saturate the ports), one plastic
// projection, current and poisson_sum drives and every kind of record.
func randomNet(rng *rand.Rand, steps int) *ir.Net {
	n := &ir.Net{Name: "rnd", Dt: 0.1}
	ps := &ir.Pop{Name: "P", Kind: ir.PopSource, Size: 12, Source: &ir.Source{
		Kind: ir.SourcePoisson, Threshold: uint32(rng.Uint64N(1 << 31)), Start: rng.IntN(10),
		Seed: rng.Uint64(), Stream: 3}}
	if rng.IntN(2) == 0 {
		ps.Source.Stop = steps/2 + rng.IntN(steps/2)
	}
	ss := &ir.Pop{Name: "S", Kind: ir.PopSource, Size: 6, Source: &ir.Source{Kind: ir.SourceSpikes}}
	for t := 1; t <= steps; t++ {
		for i := range ss.Size {
			if rng.IntN(8) == 0 {
				ss.Source.Spikes = append(ss.Source.Spikes, ir.SpikeEvent{Step: t, Index: i})
			}
		}
	}
	a := &ir.Pop{Name: "A", Kind: ir.PopNeuron, Size: 40, Func: "LIF"}
	tau := &ir.PopParam{Index: 0}
	v0 := &ir.PopInit{Index: 0}
	for range a.Size {
		tau.Values = append(tau.Values, 10+20*rng.Float64())
		v0.Words = append(v0.Words, -int64(rng.IntN(90*256)))
	}
	a.Params = []*ir.PopParam{tau}
	a.Init = []*ir.PopInit{v0}
	b := &ir.Pop{Name: "B", Kind: ir.PopNeuron, Size: 30, Func: "TwoPort"}
	bi := &ir.PopInit{Index: 0}
	for range b.Size {
		bi.Words = append(bi.Words, int64(rng.IntN(2560)))
	}
	b.Init = []*ir.PopInit{bi}
	n.Pops = []*ir.Pop{ps, ss, a, b}
	size := map[string]int{"P": ps.Size, "S": ss.Size, "A": a.Size, "B": b.Size}
	type tgt struct {
		pop  string
		port int
		name string
	}
	targets := []tgt{{"A", 0, "I"}, {"B", 0, "e"}, {"B", 1, "i"}}
	weight := func() int64 {
		switch rng.IntN(10) {
		case 0:
			return 32767 - int64(rng.IntN(2000))
		case 1:
			return -32768 + int64(rng.IntN(2000))
		}
		return int64(rng.IntN(20*256)) - 5*256
	}
	pres := []string{"P", "S", "A", "B"}
	for k := range 7 {
		pre := pres[rng.IntN(len(pres))]
		tg := targets[rng.IntN(len(targets))]
		p := &ir.Proj{Name: fmt.Sprintf("p%d", k), Pre: pre, Post: tg.pop, Port: tg.port, PortName: tg.name}
		// Even projections have one delay for all their synapses (sim's
		// one-slot propagation), odd ones a delay per synapse.
		one := int32(0)
		if k%2 == 0 {
			one = int32(1 + rng.IntN(5))
		}
		for j := range size[pre] {
			for i := range size[tg.pop] {
				if rng.IntN(4) == 0 {
					d := one
					if d == 0 {
						d = int32(1 + rng.IntN(5))
					}
					p.PreIdx = append(p.PreIdx, int32(j))
					p.PostIdx = append(p.PostIdx, int32(i))
					p.Delay = append(p.Delay, d)
					p.Words = append(p.Words, weight())
				}
			}
		}
		n.Projs = append(n.Projs, p)
	}
	// The plastic projection P → B.e (weights in the rule's [0, 5]) and a
	// second one A → A.I sharing the rule (A is both pre and post).
	for k, pp := range [][2]string{{"P", "B"}, {"A", "A"}} {
		p := &ir.Proj{Name: fmt.Sprintf("stdp%d", k), Pre: pp[0], Post: pp[1], Rule: "STDP"}
		for j := range size[pp[0]] {
			for i := range size[pp[1]] {
				if rng.IntN(3) == 0 {
					p.PreIdx = append(p.PreIdx, int32(j))
					p.PostIdx = append(p.PostIdx, int32(i))
					p.Delay = append(p.Delay, int32(1+rng.IntN(5)))
					p.Words = append(p.Words, int64(rng.IntN(1281)))
				}
			}
		}
		n.Projs = append(n.Projs, p)
	}
	q115 := ir.Fix(fixed.Q(1, 15))
	n.Rules = []*ir.Rule{{Name: "STDP", OnPre: "OnPre", OnPost: "OnPost",
		Pre:  &ir.Trace{Name: "x", Fmt: ir.Fix(fixed.Q88), DecayFmt: q115, DecayWord: 29491, AddWord: 64 + int64(rng.IntN(200))},
		Post: &ir.Trace{Name: "y", Fmt: ir.Fix(fixed.Q88), DecayFmt: q115, DecayWord: 26214, AddWord: 100, Set: rng.IntN(2) == 0},
	}}
	cur := &ir.Drive{Name: "cur", Kind: ir.DriveCurrent, Targets: []*ir.Target{{Pop: "A", Lo: 0, Hi: 40, Port: 0}}}
	for range steps / 2 {
		cur.Words = append(cur.Words, int64(rng.IntN(40*256)))
	}
	konst := &ir.Drive{Name: "k", Kind: ir.DriveCurrent, ValueWord: int64(rng.IntN(512)) - 256,
		Targets: []*ir.Target{{Pop: "B", Lo: 3, Hi: 17, Port: 1}}}
	ps2 := &ir.Drive{Name: "ps", Kind: ir.DrivePoissonSum, Table: poissonTable(1 + 3*rng.Float64()),
		WWord: 30 + int64(rng.IntN(500)), Seed: rng.Uint64(), Stream: 7,
		Targets: []*ir.Target{{Pop: "B", Lo: 5, Hi: 20, Port: 0}, {Pop: "A", Lo: 10, Hi: 20, Port: 0}}}
	n.Drives = []*ir.Drive{cur, konst, ps2}
	n.Records = []*ir.Record{
		{Kind: ir.RecordSpikes, Pop: "A", Lo: 5, Hi: 25},
		{Kind: ir.RecordState, Pop: "B", Lo: 0, Hi: 10, Vars: []int{0}, Every: 3},
		{Kind: ir.RecordRate, Pop: "A", Lo: 0, Hi: 40, Every: 7},
	}
	return n
}

// refNet is an independent naive implementation of DESIGN §4.1 in the
// fixed phase: maps instead of rings, per-synapse loops in synapse order,
// one scalar interpreter per neuron and per event.
type refNet struct {
	m       *ir.Module
	n       *ir.Net
	t       int
	neurons map[string][]*sim.Fixed
	spiked  map[string][]bool
	queue   map[qkey]int64
	srcRNG  map[string][]uint32
	drvRNG  [][]uint32
	traces  map[tkey][]int64
	syn     map[string][][2]int64 // per projection, per synapse (original order): w, c
	sat     map[sim.SatFlag]bool
	onPre   *sim.Fixed
	onPost  *sim.Fixed
	spikes  map[string][]ir.SpikeEvent
}

type qkey struct {
	pop        string
	port, i, t int
}

type tkey struct {
	pop string
	pre bool
}

func newRefNet(t *testing.T, m *ir.Module, n *ir.Net) *refNet {
	r := &refNet{m: m, n: n, neurons: map[string][]*sim.Fixed{}, spiked: map[string][]bool{},
		queue: map[qkey]int64{}, srcRNG: map[string][]uint32{}, traces: map[tkey][]int64{},
		syn: map[string][][2]int64{}, sat: map[sim.SatFlag]bool{}, spikes: map[string][]ir.SpikeEvent{}}
	var err error
	for _, p := range n.Pops {
		r.spiked[p.Name] = make([]bool, p.Size)
		if p.Kind == ir.PopSource {
			for i := range p.Size {
				r.srcRNG[p.Name] = append(r.srcRNG[p.Name], refSeed(p.Source.Seed, p.Source.Stream, i))
			}
			continue
		}
		f := m.Func(p.Func)
		for i := range p.Size {
			x, err := sim.NewFixed(f)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Params) > 0 {
				vals := f.ParamDefaults()
				for _, pp := range p.Params {
					vals[pp.Index] = pp.Values[i]
				}
				if err := x.SetParams(vals); err != nil {
					t.Fatal(err)
				}
			}
			for _, in := range p.Init {
				x.State[in.Index] = in.Words[i]
			}
			r.neurons[p.Name] = append(r.neurons[p.Name], x)
		}
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
	for _, p := range n.Projs {
		if p.Rule == "" {
			continue
		}
		for _, w := range p.Words {
			r.syn[p.Name] = append(r.syn[p.Name], [2]int64{w, 0})
		}
		r.traces[tkey{p.Pre, true}] = make([]int64, len(r.spiked[p.Pre]))
		r.traces[tkey{p.Post, false}] = make([]int64, len(r.spiked[p.Post]))
	}
	if r.onPre, err = sim.NewFixed(m.Func("OnPre")); err != nil {
		t.Fatal(err)
	}
	if r.onPost, err = sim.NewFixed(m.Func("OnPost")); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *refNet) step(t *testing.T) {
	r.t++
	now := r.t
	// Drives: X per (pop, port, neuron).
	x := map[qkey]int64{}
	for di, d := range r.n.Drives {
		k := 0
		for _, tg := range d.Targets {
			for i := tg.Lo; i < tg.Hi; i++ {
				key := qkey{tg.Pop, tg.Port, i, now}
				switch d.Kind {
				case ir.DriveCurrent:
					if d.Words != nil {
						if now-1 < len(d.Words) {
							x[key] += d.Words[now-1]
						}
					} else {
						x[key] += d.ValueWord
					}
				case ir.DrivePoissonSum:
					r.drvRNG[di][k] = refXorshift(r.drvRNG[di][k])
					u := r.drvRNG[di][k]
					c := 0
					for _, e := range d.Table {
						if u >= e {
							c++
						}
					}
					x[key] += int64(c) * d.WWord
					k++
				}
			}
		}
	}
	// Gather and update.
	for _, p := range r.n.Pops {
		sp := r.spiked[p.Name]
		if p.Kind == ir.PopSource {
			for i := range sp {
				sp[i] = false
				if p.Source.Kind == ir.SourcePoisson {
					r.srcRNG[p.Name][i] = refXorshift(r.srcRNG[p.Name][i])
					on := now >= p.Source.Start && (p.Source.Stop == 0 || now < p.Source.Stop)
					sp[i] = on && r.srcRNG[p.Name][i] < p.Source.Threshold
				}
			}
			for _, e := range p.Source.Spikes {
				if e.Step == now {
					sp[e.Index] = true
				}
			}
			continue
		}
		f := r.m.Func(p.Func)
		for i, nrn := range r.neurons[p.Name] {
			in := make([]int64, len(f.Inputs))
			for port, inp := range f.Inputs {
				key := qkey{p.Name, port, i, now}
				sum := r.queue[key] + x[key]
				delete(r.queue, key)
				v := fixed.Cast(sum, inp.Type.Fmt, inp.Type.Fmt, fixed.HalfEven, fixed.Sat)
				if v != sum {
					r.sat[sim.SatFlag{Pop: p.Name, Port: inp.Name}] = true
				}
				in[port] = v
			}
			if err := nrn.Step(in); err != nil {
				t.Fatal(err)
			}
			sp[i] = nrn.Spike
		}
	}
	// Plasticity.
	rule := r.n.Rules[0]
	if len(r.traces) > 0 {
		for k, tr := range r.traces {
			tc := rule.Post
			if k.pre {
				tc = rule.Pre
			}
			for i, v := range tr {
				tr[i] = fixed.SatTo(fixed.ShiftRight(v*tc.DecayWord, tc.DecayFmt.Fmt.Frac, fixed.Floor), tc.Fmt.Fmt)
			}
		}
		bump := func(pre bool, tc *ir.Trace) {
			for k, tr := range r.traces {
				if k.pre != pre {
					continue
				}
				for i := range tr {
					if r.spiked[k.pop][i] {
						if tc.Set {
							tr[i] = tc.AddWord
						} else {
							tr[i] = fixed.SatTo(tr[i]+tc.AddWord, tc.Fmt.Fmt)
						}
					}
				}
			}
		}
		event := func(m *sim.Fixed, s *[2]int64, xv, yv int64) {
			m.State[0], m.State[1] = s[0], s[1]
			if err := m.Step([]int64{xv, yv}); err != nil {
				t.Fatal(err)
			}
			s[0], s[1] = m.State[0], m.State[1]
		}
		bump(true, rule.Pre)
		for _, p := range r.n.Projs {
			if p.Rule == "" {
				continue
			}
			xs, ys := r.traces[tkey{p.Pre, true}], r.traces[tkey{p.Post, false}]
			for k := range p.PreIdx {
				if j, i := p.PreIdx[k], p.PostIdx[k]; r.spiked[p.Pre][j] {
					event(r.onPre, &r.syn[p.Name][k], xs[j], ys[i])
				}
			}
		}
		bump(false, rule.Post)
		for _, p := range r.n.Projs {
			if p.Rule == "" {
				continue
			}
			xs, ys := r.traces[tkey{p.Pre, true}], r.traces[tkey{p.Post, false}]
			for k := range p.PreIdx {
				if j, i := p.PreIdx[k], p.PostIdx[k]; r.spiked[p.Post][i] {
					event(r.onPost, &r.syn[p.Name][k], xs[j], ys[i])
				}
			}
		}
	}
	// Propagate.
	for _, p := range r.n.Projs {
		for k := range p.PreIdx {
			if !r.spiked[p.Pre][p.PreIdx[k]] {
				continue
			}
			w := p.Words[k]
			if p.Rule != "" {
				w = r.syn[p.Name][k][0]
			}
			r.queue[qkey{p.Post, p.Port, int(p.PostIdx[k]), now + int(p.Delay[k])}] += w
		}
	}
	for _, p := range r.n.Pops {
		for i, b := range r.spiked[p.Name] {
			if b {
				r.spikes[p.Name] = append(r.spikes[p.Name], ir.SpikeEvent{Step: now, Index: i})
			}
		}
	}
}

// compareNets checks that s and r agree on the spikes and every state
// word of the step just taken.
func compareNets(t *testing.T, s *sim.Net, r *refNet, label string) {
	t.Helper()
	for pi, p := range r.n.Pops {
		var want []int32
		for i, b := range r.spiked[p.Name] {
			if b {
				want = append(want, int32(i))
			}
		}
		if got := s.Spikes(pi); !slices.Equal(got, want) {
			t.Fatalf("%s step %d pop %s: spikes %v, reference %v", label, r.t, p.Name, got, want)
		}
		for i, nrn := range r.neurons[p.Name] {
			for st, w := range nrn.State {
				if got := s.StateWords(pi, st)[i]; got != w {
					t.Fatalf("%s step %d pop %s neuron %d state %d: %d, reference %d", label, r.t, p.Name, i, st, got, w)
				}
			}
		}
	}
}

// TestNetMatchesReference: random nets, 300 steps each, sim.Net against
// the naive reference: spikes and state words every step, then plastic
// weights, sticky sat flags and records.
func TestNetMatchesReference(t *testing.T) {
	const steps = 300
	m := testModule(t)
	totals := map[string]int64{}
	satSeen := 0
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 1))
		n := randomNet(rng, steps)
		s, err := sim.NewNet(m, n, sim.NetOptions{Steps: steps})
		if err != nil {
			t.Fatal(err)
		}
		ref := newRefNet(t, m, n)
		for range steps {
			if err := s.Step(); err != nil {
				t.Fatal(err)
			}
			ref.step(t)
			compareNets(t, s, ref, fmt.Sprintf("seed %d", seed))
		}
		for k, p := range n.Projs {
			if p.Rule == "" {
				continue
			}
			words, _ := s.Weights(k)
			changed := 0
			for i, w := range words {
				if w != ref.syn[p.Name][i][0] {
					t.Fatalf("seed %d %s synapse %d: weight %d, reference %d", seed, p.Name, i, w, ref.syn[p.Name][i][0])
				}
				if w != p.Words[i] {
					changed++
				}
			}
			if changed == 0 {
				t.Fatalf("seed %d %s: no weight changed: plasticity untested", seed, p.Name)
			}
		}
		var wantSat []sim.SatFlag
		for f := range ref.sat {
			wantSat = append(wantSat, f)
		}
		got := s.Saturated()
		slices.SortFunc(wantSat, func(a, b sim.SatFlag) int { return cmpSat(a, b) })
		slices.SortFunc(got, func(a, b sim.SatFlag) int { return cmpSat(a, b) })
		if !slices.Equal(got, wantSat) {
			t.Fatalf("seed %d: sat flags %v, reference %v", seed, got, wantSat)
		}
		satSeen += len(got)
		checkRecords(t, s, ref)
		for pi, p := range n.Pops {
			if s.Count(pi) != int64(len(ref.spikes[p.Name])) {
				t.Fatalf("pop %s: count %d, reference %d", p.Name, s.Count(pi), len(ref.spikes[p.Name]))
			}
			totals[p.Name] += s.Count(pi)
		}
	}
	for _, p := range []string{"P", "S", "A", "B"} {
		if totals[p] == 0 {
			t.Fatalf("population %s never spiked: the test exercises nothing there", p)
		}
	}
	if satSeen == 0 {
		t.Fatal("no port ever saturated")
	}
	t.Logf("spikes %v, sat flags %d", totals, satSeen)
}

func cmpSat(a, b sim.SatFlag) int {
	if a.Pop != b.Pop {
		if a.Pop < b.Pop {
			return -1
		}
		return 1
	}
	switch {
	case a.Port < b.Port:
		return -1
	case a.Port > b.Port:
		return 1
	}
	return 0
}

func checkRecords(t *testing.T, s *sim.Net, ref *refNet) {
	t.Helper()
	for _, rd := range s.Records() {
		rec := rd.Rec
		switch rec.Kind {
		case ir.RecordSpikes:
			var want []ir.SpikeEvent
			for _, e := range ref.spikes[rec.Pop] {
				if e.Index >= rec.Lo && e.Index < rec.Hi {
					want = append(want, e)
				}
			}
			if !slices.Equal(rd.Spikes, want) {
				t.Fatalf("spike record of %s: %d events, reference %d", rec.Pop, len(rd.Spikes), len(want))
			}
		case ir.RecordRate:
			bins := make([]int64, (ref.t+rec.Every-1)/rec.Every)
			for _, e := range ref.spikes[rec.Pop] {
				if e.Index >= rec.Lo && e.Index < rec.Hi {
					bins[(e.Step-1)/rec.Every]++
				}
			}
			if !slices.Equal(rd.Bins, bins) {
				t.Fatalf("rate record of %s: %v, reference %v", rec.Pop, rd.Bins, bins)
			}
		case ir.RecordState:
			if len(rd.Steps) != ref.t/rec.Every || len(rd.Words) != len(rd.Steps)*(rec.Hi-rec.Lo)*len(rec.Vars) {
				t.Fatalf("state record of %s: %d samples, %d words", rec.Pop, len(rd.Steps), len(rd.Words))
			}
			// The last sample is the state now.
			k := len(rd.Steps) - 1
			if rd.Steps[k] == ref.t {
				for i := rec.Lo; i < rec.Hi; i++ {
					for vi, v := range rec.Vars {
						got := rd.Words[k*(rec.Hi-rec.Lo)*len(rec.Vars)+(i-rec.Lo)*len(rec.Vars)+vi]
						if want := ref.neurons[rec.Pop][i].State[v]; got != want {
							t.Fatalf("state record of %s neuron %d: %d, reference %d", rec.Pop, i, got, want)
						}
					}
				}
			}
		}
	}
}
