package sim_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/sim"
)

func mustNet(t testing.TB, m *ir.Module, n *ir.Net, opt sim.NetOptions) *sim.Net {
	t.Helper()
	s, err := sim.NewNet(m, n, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func stepNet(t testing.TB, s *sim.Net) {
	t.Helper()
	if err := s.Step(); err != nil {
		t.Fatal(err)
	}
}

// TestNetOrderIndependent: permuting the synapses of every projection
// (exact accumulation, §4.1 rule 2; events touching only their own
// synapse, rule 7) changes nothing: spikes and states every step, and the
// final plastic weights synapse by synapse.
func TestNetOrderIndependent(t *testing.T) {
	const steps = 300
	m := testModule(t)
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 2))
		n := randomNet(rng, steps)
		pn := *n
		pn.Projs = nil
		perms := map[int][]int{}
		for k, p := range n.Projs {
			q := *p
			perm := rng.Perm(p.Synapses())
			perms[k] = perm
			q.PreIdx, q.PostIdx, q.Delay, q.Words = nil, nil, nil, nil
			for _, i := range perm {
				q.PreIdx = append(q.PreIdx, p.PreIdx[i])
				q.PostIdx = append(q.PostIdx, p.PostIdx[i])
				q.Delay = append(q.Delay, p.Delay[i])
				q.Words = append(q.Words, p.Words[i])
			}
			pn.Projs = append(pn.Projs, &q)
		}
		a, b := mustNet(t, m, n, sim.NetOptions{}), mustNet(t, m, &pn, sim.NetOptions{})
		for step := 1; step <= steps; step++ {
			stepNet(t, a)
			stepNet(t, b)
			for pi, p := range n.Pops {
				if !slices.Equal(a.Spikes(pi), b.Spikes(pi)) {
					t.Fatalf("seed %d step %d pop %s: spikes %v vs permuted %v", seed, step, p.Name, a.Spikes(pi), b.Spikes(pi))
				}
				if p.Kind == ir.PopNeuron && !slices.Equal(a.StateWords(pi, 0), b.StateWords(pi, 0)) {
					t.Fatalf("seed %d step %d pop %s: states differ after permuting synapses", seed, step, p.Name)
				}
			}
		}
		for k, p := range n.Projs {
			if p.Rule == "" {
				continue
			}
			wa, _ := a.Weights(k)
			wb, _ := b.Weights(k)
			for i, orig := range perms[k] {
				if wb[i] != wa[orig] {
					t.Fatalf("seed %d %s: permuted synapse %d (original %d): weight %d vs %d", seed, p.Name, i, orig, wb[i], wa[orig])
				}
			}
		}
	}
}

// spikeNet is a net of one spike-list source S → one Probe neuron, whose
// state shows each step's gathered input word.
func spikeNet(events []ir.SpikeEvent, size int, words []int64, delays []int32) *ir.Net {
	n := &ir.Net{Name: "probe", Dt: 0.1,
		Pops: []*ir.Pop{
			{Name: "S", Kind: ir.PopSource, Size: size, Source: &ir.Source{Kind: ir.SourceSpikes, Spikes: events}},
			{Name: "N", Kind: ir.PopNeuron, Size: 1, Func: "Probe"},
		}}
	p := &ir.Proj{Name: "s", Pre: "S", Post: "N", PortName: "e"}
	for k, w := range words {
		p.PreIdx = append(p.PreIdx, int32(k%size))
		p.PostIdx = append(p.PostIdx, 0)
		p.Delay = append(p.Delay, delays[k])
		p.Words = append(p.Words, w)
	}
	n.Projs = []*ir.Proj{p}
	return n
}

// TestNetDelay: a spike emitted in step t is seen by Gather in step t+d,
// exactly: the probe's input is 0 in every other step.
func TestNetDelay(t *testing.T) {
	m := testModule(t)
	const t0 = 4
	for d := int32(1); d <= 6; d++ {
		// A second synapse with delay 1 keeps the ring at D_max + 1 = d+1
		// slots only when d ≥ 1; the spike of step t0 reaches it at t0+d.
		n := spikeNet([]ir.SpikeEvent{{Step: t0, Index: 0}}, 1, []int64{300}, []int32{d})
		s := mustNet(t, m, n, sim.NetOptions{})
		if s.RingSize != max(2, int(d)+1) {
			t.Fatalf("d %d: ring of %d slots, want %d", d, s.RingSize, max(2, d+1))
		}
		for step := 1; step <= 20; step++ {
			stepNet(t, s)
			if got, want := len(s.Spikes(0)) == 1, step == t0; got != want {
				t.Fatalf("d %d step %d: source spiked %v", d, step, got)
			}
			want := int64(0)
			if step == t0+int(d) {
				want = 300
			}
			if v := s.StateWords(1, 0)[0]; v != want {
				t.Fatalf("d %d step %d: gathered %d, want %d", d, step, v, want)
			}
		}
	}
}

// TestNetSaturation: the sticky flag is raised iff the exact final sum
// (synapses and drive) leaves the port format, and then the input is the
// saturated sum; sums whose partial sums leave the format but whose final
// sum does not are passed exactly (no per-event saturation).
func TestNetSaturation(t *testing.T) {
	m := testModule(t)
	cases := []struct {
		words []int64
		drive int64
		in    int64
		sat   bool
	}{
		{[]int64{25600, 25600}, 0, 32767, true},
		{[]int64{32767, 32767, -32768}, 0, 32766, false},
		{[]int64{-32768, -32768, 32767}, 0, -32768, true},
		{[]int64{32767, 1, -1}, 0, 32767, false},
		{[]int64{32767, -32768}, 1, 0, false},
		{[]int64{32700}, 67, 32767, false},
		{[]int64{32700}, 68, 32767, true},
		{[]int64{-32700, -100}, 32, -32768, false},
		{[]int64{-32700, -100}, 31, -32768, true},
	}
	for ci, c := range cases {
		var ev []ir.SpikeEvent
		for i := range c.words {
			ev = append(ev, ir.SpikeEvent{Step: 3, Index: i})
		}
		delays := make([]int32, len(c.words))
		for i := range delays {
			delays[i] = 2
		}
		n := spikeNet(ev, len(c.words), c.words, delays)
		n.Drives = []*ir.Drive{{Name: "x", Kind: ir.DriveCurrent, Words: []int64{0, 0, 0, 0, c.drive},
			Targets: []*ir.Target{{Pop: "N", Lo: 0, Hi: 1, Port: 0}}}}
		s := mustNet(t, m, n, sim.NetOptions{})
		for step := 1; step <= 8; step++ {
			stepNet(t, s)
			if step == 5 {
				if v := s.StateWords(1, 0)[0]; v != c.in {
					t.Fatalf("case %d: gathered %d, want %d", ci, v, c.in)
				}
			}
			if sat := len(s.Saturated()) > 0; sat != (c.sat && step >= 5) {
				t.Fatalf("case %d step %d: sat flag %v, want %v", ci, step, sat, c.sat && step >= 5)
			}
		}
		if c.sat {
			if f := s.Saturated(); len(f) != 1 || f[0] != (sim.SatFlag{Pop: "N", Port: "e"}) {
				t.Fatalf("case %d: flags %v", ci, f)
			}
		}
		s.Reset()
		if len(s.Saturated()) != 0 {
			t.Fatalf("case %d: Reset kept the sticky flag", ci)
		}
	}
}

// TestTraceDecayFixedPoint (§4.1 trap): with a = 15/16, floor(x·a) is
// x − ⌈x/16⌉ for x > 0, so a positive trace never sticks (x − (x>>4)
// would stick at 15) and reaches exactly 0; for x < 0 it is
// x + ⌊|x|/16⌋, which is stuck exactly on −15..−1. Both sequences are
// computed here from those closed forms and compared word by word.
func TestTraceDecayFixedPoint(t *testing.T) {
	m := testModule(t)
	for _, add := range []int64{1000, -1000} {
		n := spikeNet([]ir.SpikeEvent{{Step: 1, Index: 0}}, 1, []int64{0}, []int32{1})
		n.Projs[0].Rule = "R"
		n.Rules = []*ir.Rule{{Name: "R", OnPre: "OnPre",
			Pre: &ir.Trace{Name: "x", Fmt: ir.Fix(fixed.Q88), DecayFmt: ir.Fix(fixed.Q(1, 15)), DecayWord: 30720, AddWord: add}}}
		// OnPre's inputs are the pre trace and the (missing, 0) post trace.
		m.Func("Probe") // the target; the weight stays within [0, 5]
		s := mustNet(t, m, n, sim.NetOptions{})
		x := int64(0)
		passed15, stuck := false, 0
		for step := 1; step <= 300; step++ {
			stepNet(t, s)
			switch {
			case step == 1:
				x = add // decayed from 0, then the spike's add
			case x > 0:
				x -= (x + 15) / 16
			default:
				x += (-x) / 16
			}
			got := s.TraceWords("R", "S", true)[0]
			if got != x {
				t.Fatalf("add %d step %d: trace %d, closed form %d", add, step, got, x)
			}
			if x == 15 {
				passed15 = true
			}
			if x < 0 && x > -16 {
				stuck++
			}
		}
		if add > 0 && (x != 0 || !passed15) {
			t.Fatalf("positive trace ended at %d (passed 15: %v), want 0", x, passed15)
		}
		if add < 0 && (x <= -16 || x >= 0 || stuck < 100) {
			t.Fatalf("negative trace ended at %d after %d stuck steps, want a fixed point in [-15, -1]", x, stuck)
		}
	}
}

// TestPoissonSource: the spike count of a p = 0.05 source is within 5σ of
// its mean; threshold 0 never spikes; a window [Start, Stop) gives exactly
// the always-on source's spikes inside it (the streams advance outside
// the window too) and none outside.
func TestPoissonSource(t *testing.T) {
	const size, steps = 1000, 2000
	m := testModule(t)
	src := func(th uint32, start, stop int) *sim.Net {
		n := &ir.Net{Name: "src", Dt: 0.1, Pops: []*ir.Pop{{Name: "P", Kind: ir.PopSource, Size: size,
			Source: &ir.Source{Kind: ir.SourcePoisson, Threshold: th, Seed: 42, Stream: 1, Start: start, Stop: stop}}}}
		return mustNet(t, m, n, sim.NetOptions{})
	}
	p := 0.05
	th := uint32(math.RoundToEven(p * (1 << 32)))
	on, win, zero := src(th, 0, 0), src(th, 500, 1500), src(0, 0, 0)
	inWin := 0
	for step := 1; step <= steps; step++ {
		stepNet(t, on)
		stepNet(t, win)
		stepNet(t, zero)
		if len(zero.Spikes(0)) != 0 {
			t.Fatalf("step %d: a threshold-0 source spiked", step)
		}
		want := []int32(nil)
		if step >= 500 && step < 1500 {
			want = on.Spikes(0)
			inWin += len(want)
		}
		if got := win.Spikes(0); !slices.Equal(got, want) && (len(got) > 0 || len(want) > 0) {
			t.Fatalf("step %d: windowed source %v, want %v", step, got, want)
		}
	}
	mean := p * size * steps
	sd := math.Sqrt(size * steps * p * (1 - p))
	if c := float64(on.Count(0)); math.Abs(c-mean) > 5*sd {
		t.Fatalf("count %v, want %v ± %v", c, mean, 5*sd)
	}
	if inWin == 0 || win.Count(0) != int64(inWin) {
		t.Fatalf("window: %d spikes, %d inside", win.Count(0), inWin)
	}
	if r := on.Rate(0); math.Abs(r-p/0.1e-3) > 5*sd/size/steps/0.1e-3 {
		t.Fatalf("rate %v Hz, want %v", r, p/0.1e-3)
	}
	if cv := on.CV(0); math.Abs(cv-math.Sqrt(1-p)) > 0.05 { // geometric ISIs
		t.Fatalf("ISI CV %v, want about %v", cv, math.Sqrt(1-p))
	}
}

// TestNetReset: a run after Reset repeats the first run exactly.
func TestNetReset(t *testing.T) {
	m := testModule(t)
	n := randomNet(rand.New(rand.NewPCG(9, 9)), 200)
	s := mustNet(t, m, n, sim.NetOptions{})
	var first [][]int32
	for range 200 {
		stepNet(t, s)
		for pi := range n.Pops {
			first = append(first, slices.Clone(s.Spikes(pi)))
		}
	}
	s.Reset()
	k := 0
	for step := 1; step <= 200; step++ {
		stepNet(t, s)
		for pi := range n.Pops {
			if !slices.Equal(first[k], s.Spikes(pi)) {
				t.Fatalf("step %d pop %d: after Reset %v, first run %v", step, pi, s.Spikes(pi), first[k])
			}
			k++
		}
	}
}

// TestNetStepAllocs: Step allocates nothing once record buffers are sized.
func TestNetStepAllocs(t *testing.T) {
	m := testModule(t)
	n := randomNet(rand.New(rand.NewPCG(3, 3)), 400)
	s := mustNet(t, m, n, sim.NetOptions{Steps: 400})
	stepNet(t, s)
	if a := testing.AllocsPerRun(200, func() { s.Step() }); a != 0 {
		t.Fatalf("Step allocates %v times", a)
	}
}

func TestNetErrors(t *testing.T) {
	m := testModule(t)
	ext := &ir.Net{Pops: []*ir.Pop{{Name: "L", Kind: ir.PopExtern, Size: 4}}}
	if _, err := sim.NewNet(m, ext, sim.NetOptions{}); err == nil {
		t.Fatal("an SC layer population was accepted")
	}
	n := spikeNet([]ir.SpikeEvent{{Step: 1, Index: 0}}, 1, []int64{0}, []int32{0})
	if _, err := sim.NewNet(m, n, sim.NetOptions{}); err == nil {
		t.Fatal("delay 0 was accepted")
	}
	n = spikeNet([]ir.SpikeEvent{{Step: 2, Index: 0}, {Step: 2, Index: 0}}, 1, []int64{0}, []int32{1})
	if _, err := sim.NewNet(m, n, sim.NetOptions{}); err == nil {
		t.Fatal("two spikes of one index in one step were accepted")
	}
	n = spikeNet([]ir.SpikeEvent{{Step: 1, Index: 0}}, 1, []int64{1 << 20}, []int32{1})
	if _, err := sim.NewNet(m, n, sim.NetOptions{}); err == nil {
		t.Fatal("a weight outside the port format was accepted")
	}
	// A plastic weight whose rule state is not the port's format.
	n = spikeNet([]ir.SpikeEvent{{Step: 1, Index: 0}}, 1, []int64{0}, []int32{1})
	n.Projs[0].Rule = "R"
	n.Rules = []*ir.Rule{{Name: "R", OnPre: "Keep412",
		Pre: &ir.Trace{Name: "x", Fmt: ir.Fix(fixed.Q88), DecayFmt: ir.Fix(fixed.Q(1, 15)), DecayWord: 1 << 14}}}
	_, err := sim.NewNet(m, n, sim.NetOptions{})
	if err == nil || !strings.Contains(err.Error(), "plastic weight") {
		t.Fatalf("a plastic weight of another format than the port: %v", err)
	}
}
