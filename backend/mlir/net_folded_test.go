package mlir

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"scc/internal/tool"
	"scc/ir"
	"scc/sim"
)

var foldedOpt = NetOptions{Arch: ArchFolded}

// foldReset holds rst_n low for two cycles, then waits for ready (the init
// sweep).
func foldReset(d *netDriver, limit int) {
	d.t.Helper()
	d.in = []int64{0, 0, 0, 0, 0, 0, 0}
	d.cycle()
	d.cycle()
	d.in[0] = 1
	for n := 0; d.cycle()[oReady].Sign() == 0; n++ {
		if n > limit {
			d.t.Fatalf("no ready within %d cycles of reset", limit)
		}
	}
}

// compareFolded is compareNet for the folded architecture: the pretty
// MLIR of emitted (its text changed by mutate) run by the evaluator
// against sim.Net of golden, every port beat compared, a reset in the
// middle of a step half way. It returns the beat counts, whether a sat
// flag rose and the cycles of the longest step.
func compareFolded(t *testing.T, m *ir.Module, emitted, golden *ir.Net, steps int, seed uint64, mutate func(string) string) (aer, probe int, sat bool, cycles int, err error) {
	t.Helper()
	n := golden
	src := emitNetString(t, m, emitted, foldedOpt)
	if mutate != nil {
		src = mutate(src)
	}
	mods, err := parsePretty(src)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := newMachine(mods[0])
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.NewNet(m, n, sim.NetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hw := n.HW(m)
	d := &netDriver{t: t, mc: mc, hw: hw}
	rng := rand.New(rand.NewPCG(seed, 3))
	foldReset(d, 1<<20)
	resetAt := steps / 2
	t0 := 0
	for k := 1; k <= steps; k++ {
		if k == resetAt {
			d.in[1] = 1
			d.cycle()
			d.in[1], d.in[5], d.in[6] = 0, 1, 1
			for range 3 {
				d.cycle()
			}
			foldReset(d, 1<<20)
			s.Reset()
			t0 = k - 1
		}
		tt := k - t0
		var events []uint64
		for pi, p := range n.Pops {
			if !hw.AERIn[pi] {
				continue
			}
			for _, e := range p.Source.Spikes {
				if e.Step == tt {
					events = append(events, hw.AERWord(pi, e.Index))
				}
			}
		}
		if len(events) > 0 && rng.IntN(2) == 0 {
			events = append(events, events[0])
		}
		for pi, p := range n.Pops {
			if !hw.AERIn[pi] && rng.IntN(3) == 0 {
				events = append(events, hw.AERWord(pi, rng.IntN(p.Size)))
			}
			if hw.AERIn[pi] && p.Size < 1<<hw.IndexBits && rng.IntN(3) == 0 {
				events = append(events, hw.AERWord(pi, p.Size))
			}
		}
		if len(n.Pops) < 1<<hw.PopBits && rng.IntN(3) == 0 {
			events = append(events, hw.AERWord(len(n.Pops), 0))
		}
		rng.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
		c0 := d.cyc
		got := d.step(events, rng)
		cycles = max(cycles, d.cyc-c0)
		if err := s.Step(); err != nil {
			t.Fatal(err)
		}
		var want []uint64
		for pi := range n.Pops {
			if hw.AEROut[pi] {
				for _, i := range s.Spikes(pi) {
					want = append(want, hw.AERWord(pi, int(i)))
				}
			}
		}
		if fmt.Sprint(got.aer) != fmt.Sprint(want) {
			return aer, probe, sat, cycles, fmt.Errorf("step %d: AER-out %v, want %v", tt, got.aer, want)
		}
		if err := checkLast(tt, "AER-out", got.aerLast); err != nil {
			return aer, probe, sat, cycles, err
		}
		var wantP []uint64
		for _, r := range n.Records {
			if r.Kind != ir.RecordState || tt%r.Every != 0 {
				continue
			}
			pi := s.PopIndex(r.Pop)
			for i := r.Lo; i < r.Hi; i++ {
				for _, v := range r.Vars {
					wantP = append(wantP, uint64(s.StateWords(pi, v)[i])&(1<<hw.ProbeWidth-1))
				}
			}
		}
		if fmt.Sprint(got.probe) != fmt.Sprint(wantP) {
			return aer, probe, sat, cycles, fmt.Errorf("step %d: probe %v, want %v", tt, got.probe, wantP)
		}
		if err := checkLast(tt, "probe", got.probeLast); err != nil {
			return aer, probe, sat, cycles, err
		}
		if got.stepQ != uint64(tt) {
			return aer, probe, sat, cycles, fmt.Errorf("step %d: step_q %d", tt, got.stepQ)
		}
		wantSat := new(big.Int)
		for _, f := range s.Saturated() {
			for k, sb := range hw.Sat {
				if sb.Pop == f.Pop && sb.PortName == f.Port {
					wantSat.SetBit(wantSat, k, 1)
				}
			}
		}
		if got.sat.Cmp(wantSat) != 0 {
			return aer, probe, sat, cycles, fmt.Errorf("step %d: sat_q %b, want %b", tt, got.sat, wantSat)
		}
		if err := foldedWeights(d, m, n, s, tt); err != nil {
			return aer, probe, sat, cycles, err
		}
		aer += len(got.aer)
		probe += len(got.probe)
		sat = sat || got.sat.Sign() != 0
	}
	return aer, probe, sat, cycles, nil
}

// foldedWeights compares the plastic weights in the synapse memories (CSR
// order, w in the low bits) with sim.Net's.
func foldedWeights(d *netDriver, m *ir.Module, n *ir.Net, s *sim.Net, step int) error {
	for k, pr := range n.Projs {
		if pr.Rule == "" {
			continue
		}
		words, _ := s.Weights(k)
		rule := n.NetRule(pr.Rule)
		f := m.Func(rule.OnPre)
		if f == nil {
			f = m.Func(rule.OnPost)
		}
		w := f.States[0].Type.Width()
		mi, ok := d.mc.memOf[pr.Name+"_syn"]
		if !ok {
			return fmt.Errorf("no synapse memory %s_syn", pr.Name)
		}
		mem := d.mc.mems[mi]
		// CSR position of each synapse (stable counting sort by pre).
		pre := n.NetPop(pr.Pre).Size
		next := make([]int, pre+1)
		for _, j := range pr.PreIdx {
			next[j+1]++
		}
		for j := range pre {
			next[j+1] += next[j]
		}
		for q, j := range pr.PreIdx {
			c := next[j]
			next[j]++
			if mem[c] == nil {
				return fmt.Errorf("step %d: %s synapse %d undefined", step, pr.Name, q)
			}
			got := new(big.Int).And(mem[c], big.NewInt(1<<w-1)).Uint64()
			if want := uint64(words[q]) & (1<<w - 1); got != want {
				return fmt.Errorf("step %d: weight %s[%d] = %d, want %d", step, pr.Name, q, got, want)
			}
		}
	}
	return nil
}

// TestFoldedEquivalence evaluates the folded tiny network (every source,
// drive, delay and record kind, per-neuron parameters and initial values,
// saturating ports) cycle by cycle through its ports against sim.Net for
// 48 steps: spikes in AER order, probe words, sat_q, step_q, under random
// AER-in gaps, repeats and junk, random backpressure on both streams and a
// reset in the middle of a step.
func TestFoldedEquivalence(t *testing.T) {
	m, n := tinyModule(t)
	aer, probe, sat, cyc, err := compareFolded(t, m, n, n, 48, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d AER-out beats, %d probe beats, saturated %v, at most %d cycles per step", aer, probe, sat, cyc)
	if aer < 20 || probe < 40 || !sat {
		t.Errorf("the run did not exercise the streams and the saturation: %d AER-out beats, %d probe beats, saturated %v", aer, probe, sat)
	}
}

// TestFoldedMutations: the comparison catches a folded emission that
// differs from the golden model in one synapse's delay or weight, one
// drive's stream or one source's threshold, or whose ring slot is not
// cleared behind the gather (a planted bug in the text).
func TestFoldedMutations(t *testing.T) {
	m, n := tinyModule(t)
	noClear := func(src string) string {
		// The gather writes the ring word back instead of clearing it.
		out := strings.Replace(src, "%a_je_ring_wdata = comb.mux %uv, %c0_i14, ", "%a_je_ring_wdata = comb.mux %uv, %a_ringrd, ", 1)
		if out == src {
			t.Fatal("no ring clear found to mutate")
		}
		return out
	}
	cases := []struct {
		name string
		mut  func(n *ir.Net)
		text func(string) string
	}{
		{"no ring clear", func(*ir.Net) {}, noClear},
		{"delay", func(n *ir.Net) {
			p := n.Projs[0]
			p.Delay = append([]int32(nil), p.Delay...)
			p.Delay[0]++
		}, nil},
		{"weight", func(n *ir.Net) {
			p := n.Projs[2]
			p.Words = append([]int64(nil), p.Words...)
			p.Words[1] = -p.Words[1]
		}, nil},
		{"drive stream", func(n *ir.Net) { n.Drives[2].Stream++ }, nil},
		{"threshold", func(n *ir.Net) { n.Pops[0].Source.Threshold /= 2 }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := n.Clone()
			c.mut(bad)
			if _, _, _, _, err := compareFolded(t, m, bad, n, 40, 1, c.text); err == nil {
				t.Errorf("a changed %s went unnoticed", c.name)
			} else {
				t.Logf("caught: %v", err)
			}
		})
	}
}

// TestFoldedPlasticity: a rule with both traces on a projection of mixed
// delays (plasticNet): every port and every plastic weight (read from the
// synapse memory) match sim.Net each step, and the weights move.
func TestFoldedPlasticity(t *testing.T) {
	m, n := compileNetSNN(t, "plastic.snn", []byte(plasticNet), t.TempDir())
	aer, probe, _, cyc, err := compareFolded(t, m, n, n, 60, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.NewNet(m, n, sim.NetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w0, _ := s.Weights(0)
	if err := s.Run(30); err != nil {
		t.Fatal(err)
	}
	w1, _ := s.Weights(0)
	if fmt.Sprint(w0) == fmt.Sprint(w1) || aer < 20 {
		t.Errorf("the run did not move the weights (%v → %v) or spike (%d beats)", w0, w1, aer)
	}
	t.Logf("%d AER-out beats, %d probe beats, at most %d cycles per step; weights %v → %v", aer, probe, cyc, w0, w1)
	// A post trace's add changed in the emission only: caught.
	bad := n.Clone()
	bad.NetRule(bad.Projs[0].Rule).Post.AddWord++
	if _, _, _, _, err := compareFolded(t, m, bad, n, 60, 4, nil); err == nil {
		t.Errorf("a changed post trace add went unnoticed")
	} else {
		t.Logf("caught: %v", err)
	}
}

// TestFoldedMLIROpt: mlir-opt-16 parses and verifies the generic form of
// the folded tiny network; the two forms are deterministic.
func TestFoldedMLIROpt(t *testing.T) {
	opt := tool.Need(t, "mlir-opt-16")[0]
	m, n := tinyModule(t)
	gen := emitNetString(t, m, n, NetOptions{Options: Options{Generic: true}, Arch: ArchFolded})
	if err := mlirOpt(opt, gen); err != nil {
		t.Error(err)
	}
	if gen != emitNetString(t, m, n, NetOptions{Options: Options{Generic: true}, Arch: ArchFolded}) {
		t.Error("two emissions differ")
	}
	// A read port whose memory type disagrees with the memory's: rejected.
	bad := regexp.MustCompile(`("seq\.firmem\.read_port"\(%\w+, %\w+, %clk, %true\) : \(!seq\.firmem<\d+) x `).ReplaceAllString(gen, "${1}0 x ")
	if bad == gen {
		t.Fatal("no read port to mutate")
	}
	if err := mlirOpt(opt, bad); err == nil {
		t.Errorf("mlir-opt-16 accepts a read port of a memory of another type")
	}
	for _, want := range []string{"folded architecture", `"seq.firmem"()`, `"seq.firmem.read_port"`, `"seq.firmem.write_port"`, `"hw.aggregate_constant"`, `loc("tiny.snn":`} {
		if !strings.Contains(gen, want) {
			t.Errorf("the generic form has no %s", want)
		}
	}
}

// TestFoldedExamples emits every example network (sized down) in folded
// form, has mlir-opt-16 verify the generic form and evaluates the pretty
// form against sim.Net for 30 steps (stdp's plastic weights included).
func TestFoldedExamples(t *testing.T) {
	opt := tool.Need(t, "mlir-opt-16")[0]
	nets := exampleNets(t)
	// coba with records of several vars, one sampled every 2 steps.
	nets["coba-vars"] = func() (*ir.Module, *ir.Net) {
		return exampleNet(t, "coba.snn", nil, "[3200]", "[6]", "[800]", "[3]", "[4000]", "[9]",
			"kick[0:3200]", "kick[0:6]", "kick[3200:4000]", "kick[6:9]", "p = 0.02", "p = 0.4",
			"record exc[0:3] v", "record exc[1:3] g_e, v every 2 steps\n    record inh[0:2] g_i, g_e, v")
	}
	for _, name := range []string{"brunel", "classifier", "coba", "coba-vars", "cuba", "stdp", "synfire"} {
		t.Run(name, func(t *testing.T) {
			m, n := nets[name]()
			if err := mlirOpt(opt, emitNetString(t, m, n, NetOptions{Options: Options{Generic: true}, Arch: ArchFolded})); err != nil {
				t.Errorf("mlir-opt-16 rejects the generic form: %v", err)
			}
			aer, probe, sat, cyc, err := compareFolded(t, m, n, n, 30, 2, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d AER-out beats, %d probe beats, saturated %v, at most %d cycles per step", aer, probe, sat, cyc)
		})
	}
}

// TestFoldedCUBA: the full-size CUBA benchmark (4,000 neurons, about
// 320,000 synapses, which the parallel architecture refuses) emits in
// folded form within seconds and mlir-opt-16 accepts it.
func TestFoldedCUBA(t *testing.T) {
	opt := tool.Need(t, "mlir-opt-16")[0]
	m, n := exampleNet(t, "cuba.snn", nil)
	syn := 0
	for _, pr := range n.Projs {
		syn += pr.Synapses()
	}
	start := time.Now()
	var sb strings.Builder
	if err := EmitNet(&sb, m, n, NetOptions{Options: Options{Generic: true}, Arch: ArchFolded}); err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	t.Logf("%d synapses: %d bytes of generic MLIR in %v", syn, sb.Len(), el)
	if syn < 300000 || el > 10*time.Second {
		t.Errorf("%d synapses in %v", syn, el)
	}
	if err := EmitNet(&strings.Builder{}, m, n, NetOptions{}); err == nil {
		t.Errorf("the parallel architecture accepts CUBA")
	}
	if err := mlirOpt(opt, sb.String()); err != nil {
		t.Error(err)
	}
}

// TestFoldedPorts: the folded module has the parallel one's ports (those
// of ir.NetHW), in the same order and widths.
func TestFoldedPorts(t *testing.T) {
	m, n := tinyModule(t)
	ports := func(opt NetOptions) string {
		mods, err := parsePretty(emitNetString(t, m, n, opt))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range mods[0].ins {
			got = append(got, fmt.Sprintf("in %s %d", p.name, p.width))
		}
		for _, p := range mods[0].outs {
			got = append(got, fmt.Sprintf("out %s %d", p.name, p.width))
		}
		return mods[0].name + ": " + strings.Join(got, ", ")
	}
	if f, p := ports(foldedOpt), ports(NetOptions{}); f != p {
		t.Errorf("folded ports\n%s\nparallel\n%s", f, p)
	}
}
