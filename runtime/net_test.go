package rt

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// toyPop is a leaky integrator NetPop: v ← v − v>>3 + in, spike and v ← 0
// when v > 1000. Range touches only its neurons.
type toyPop struct {
	v   []int32
	in  []int16
	spk []uint64
}

func newToyPop(n int) *toyPop {
	return &toyPop{v: make([]int32, n), in: make([]int16, n), spk: make([]uint64, Words(n))}
}

func (p *toyPop) Len() int         { return len(p.v) }
func (p *toyPop) Input(k int) any  { return p.in }
func (p *toyPop) Spikes() []uint64 { return p.spk }
func (p *toyPop) Range(lo, hi int) {
	for w := lo / 64; w < (hi+63)/64; w++ {
		p.spk[w] = 0
	}
	for i := lo; i < hi; i++ {
		v := p.v[i] - p.v[i]>>3 + int32(p.in[i])
		if v > 1000 {
			v = 0
			p.spk[i/64] |= 1 << (i % 64)
		}
		p.v[i] = v
	}
}

// toyEvents is a rule Func on batches: w ← clamp(w + pre − post).
type toyEvents struct{ st, in [][]int64 }

func (e *toyEvents) Buffers() (state, in [][]int64) { return e.st, e.in }
func (e *toyEvents) Run(n int) error {
	for q := range n {
		e.st[0][q] = min(max(e.st[0][q]+e.in[0][q]-e.in[1][q], -300), 300)
	}
	return nil
}

// toySpec is a random network of toy populations: a Poisson source and a
// spike list, random projections (delays 1..ring-1, one plastic), drives
// of both kinds, traces.
func toySpec(seed uint64) (*NetSpec, []*toyPop) {
	r := rand.New(rand.NewPCG(seed, 5))
	const ring = 6
	spec := &NetSpec{RingSize: ring}
	sizes := []int{700, 130, 1, 300} // the last without drives: sparse gathers
	var pops []*toyPop
	for k, n := range sizes {
		p := newToyPop(n)
		pops = append(pops, p)
		ring := make([][]int64, ring)
		for s := range ring {
			ring[s] = make([]int64, n)
		}
		var x []int64
		if k < 3 {
			x = make([]int64, n)
		}
		spec.Pops = append(spec.Pops, PopSpec{Name: string(rune('a' + k)), Size: n, Pop: p,
			Reset: func() { clear(p.v); clear(p.spk) },
			Ports: []PortSpec{{Lo: -2000, Hi: 2000, Ring: ring, X: x}}})
	}
	seeds := make([]uint32, 90)
	for j := range seeds {
		seeds[j] = StreamSeed(seed, 0, j)
	}
	spec.Pops = append(spec.Pops, PopSpec{Name: "src", Size: 90, Seeds: seeds, Threshold: 1 << 29, Start: 3, Stop: 400})
	spec.Pops = append(spec.Pops, PopSpec{Name: "list", Size: 5, SpikeList: []SpikeAt{{2, 1}, {2, 4}, {9, 0}, {50, 3}}})
	for k := range 8 {
		pre, post := r.IntN(len(spec.Pops)), r.IntN(len(sizes))
		switch k {
		case 0:
			pre = 4 // the Poisson source
		case 6, 7:
			post = 3
		}
		np, nq := spec.Pops[pre].Size, sizes[post]
		p := ProjSpec{Name: "p", Pre: pre, Post: post, RowStart: make([]int32, np+1), Rule: -1, PreTrace: -1, PostTrace: -1}
		for j := range np {
			for i := range nq {
				if r.Float64() < 0.1 {
					p.Dst = append(p.Dst, int32(i))
					p.Delay = append(p.Delay, int32(1+r.IntN(ring-1)))
					p.W = append(p.W, r.Int64N(400)-100)
				}
			}
			p.RowStart[j+1] = int32(len(p.Dst))
		}
		if k == 1 {
			p.D0 = 2
			for q := range p.Delay {
				p.Delay[q] = 2
			}
		}
		spec.Projs = append(spec.Projs, p)
	}
	// Projection 0 (from the source) learns.
	p := &spec.Projs[0]
	nq := sizes[p.Post]
	p.Rule, p.W0 = 0, slices.Clone(p.W)
	p.Syn, p.SynInit = [][]int64{p.W}, []int64{0}
	p.ColStart = make([]int32, nq+1)
	for _, i := range p.Dst {
		p.ColStart[i+1]++
	}
	for i := range nq {
		p.ColStart[i+1] += p.ColStart[i]
	}
	p.ColSyn = make([]int32, len(p.Dst))
	p.ColPre = make([]int32, len(p.Dst))
	next := slices.Clone(p.ColStart[:nq])
	for j := range spec.Pops[p.Pre].Size {
		for k := p.RowStart[j]; k < p.RowStart[j+1]; k++ {
			i := p.Dst[k]
			p.ColSyn[next[i]], p.ColPre[next[i]] = k, int32(j)
			next[i]++
		}
	}
	spec.Traces = []TraceSpec{
		{Pop: p.Pre, X: make([]int64, 90), Decay: 200, Frac: 8, Lo: 0, Hi: 255, Add: 40, Pre: true},
		{Pop: p.Post, X: make([]int64, nq), Decay: 230, Frac: 8, Lo: 0, Hi: 255, Add: 100, Set: true},
	}
	p.PreTrace, p.PostTrace = 0, 1
	mk := func() *toyEvents {
		return &toyEvents{st: [][]int64{make([]int64, 100)}, in: [][]int64{make([]int64, 100), make([]int64, 100)}}
	}
	spec.Rules = []RuleSpec{{OnPre: mk(), OnPost: mk()}}
	dseeds := make([]uint32, 700+130)
	for k := range dseeds {
		dseeds[k] = StreamSeed(seed, 1, k)
	}
	spec.Drives = []DriveSpec{
		{Kind: DrivePoissonSum, Targets: []DriveTarget{{0, 0, 0, 700}, {1, 0, 0, 130}}, Seeds: dseeds,
			Table: []uint32{1 << 30, 1 << 31, 3 << 30, 4000000000}, WWord: 90},
		{Kind: DriveCurrent, Targets: []DriveTarget{{0, 0, 100, 650}}, Word: 60},
		{Kind: DriveCurrent, Targets: []DriveTarget{{2, 0, 0, 1}}, PerStep: true, Words: []int64{3000, 0, 500, 500, 500}},
	}
	return spec, pops
}

// run steps a runner and returns every step's spikes, saturation flags
// and the final states, weights and traces.
func runToy(t *testing.T, workers int, steps int) (out []int32) {
	t.Helper()
	spec, pops := toySpec(3)
	s, err := NewNet(spec, workers)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for range 2 { // the second pass after Reset repeats the first
		s.Reset()
		out = out[:0]
		for range steps {
			if err := s.Step(); err != nil {
				t.Fatal(err)
			}
			for p := range spec.Pops {
				out = append(out, -1)
				out = append(out, s.Spikes(p)...)
			}
			for p := range 4 {
				if s.Saturated(p, 0) {
					out = append(out, -2)
				}
			}
		}
		for _, p := range pops {
			out = append(out, p.v...)
		}
		for _, p := range spec.Projs {
			for _, w := range p.W {
				out = append(out, int32(w))
			}
		}
		for _, x := range spec.Traces {
			for _, v := range x.X {
				out = append(out, int32(v))
			}
		}
	}
	return out
}

// TestNetWorkers: the runner's results (every spike and flag of every
// step, final states, plastic weights, traces) do not depend on the worker
// count or on sparse gathers, and Reset repeats a run exactly.
func TestNetWorkers(t *testing.T) {
	want := runToy(t, 1, 300)
	spikes := 0
	for _, x := range want {
		if x >= 0 {
			spikes++
		}
	}
	if spikes < 1000 || !slices.Contains(want, -2) {
		t.Fatalf("the toy network is too quiet (%d entries) or never saturates", spikes)
	}
	for _, w := range []int{2, 4} {
		if got := runToy(t, w, 300); !slices.Equal(got, want) {
			t.Errorf("%d workers: results differ from 1 worker's", w)
		}
	}
	sparseGather = false
	defer func() { sparseGather = true }()
	if got := runToy(t, 2, 300); !slices.Equal(got, want) {
		t.Errorf("dense gathers only: results differ from the sparse ones")
	}
}

// TestSpikeList: set bits become ascending indices; bits at or past n
// are left out.
func TestSpikeList(t *testing.T) {
	w := []uint64{1<<0 | 1<<63, 0, 1 << 5}
	if got := spikeList(nil, w, 130); !slices.Equal(got, []int32{0, 63}) {
		t.Errorf("spikeList(n = 130) = %v, want [0 63]", got)
	}
	if got := spikeList(nil, w, 134); !slices.Equal(got, []int32{0, 63, 133}) {
		t.Errorf("spikeList(n = 134) = %v, want [0 63 133]", got)
	}
}

// TestNetRejects: NewNet refuses delays outside the ring and drives on
// ports without a drive term.
func TestNetRejects(t *testing.T) {
	spec, _ := toySpec(1)
	spec.Projs[1].Delay[0] = 6
	if _, err := NewNet(spec, 1); err == nil {
		t.Error("delay 6 with 6 ring slots accepted")
	}
	spec, _ = toySpec(1)
	spec.Pops[2].Ports[0].X = nil
	if _, err := NewNet(spec, 1); err == nil {
		t.Error("a drive on a port without X accepted")
	}
}

// TestPoissonCount: poissonCount is #{k : u ≥ tab[k]} (a plain count) for
// tables of every length around its branch-free head.
func TestPoissonCount(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for n := range 12 {
		tab := make([]uint32, n)
		for k := range tab {
			tab[k] = r.Uint32()
		}
		slices.Sort(tab)
		for range 2000 {
			u := r.Uint32()
			if r.IntN(4) == 0 && n > 0 {
				u = tab[r.IntN(n)] // ties
			}
			want := 0
			for _, x := range tab {
				if u >= x {
					want++
				}
			}
			if got := poissonCount(tab, u); got != want {
				t.Fatalf("poissonCount(%v, %d) = %d, want %d", tab, u, got, want)
			}
		}
	}
}
