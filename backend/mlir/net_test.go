package mlir

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"scc/internal/tool"
	"scc/ir"
	"scc/irgen"
	"scc/lang"
	library "scc/models"
	"scc/parser"
	"scc/passes"
	rt "scc/runtime"
	"scc/sim"
)

// compileNetSNN compiles a network source (library models in scope, as
// cmd/scc does) to fixed-phase IR; data files are relative to dir.
func compileNetSNN(t *testing.T, name string, src []byte, dir string) (*ir.Module, *ir.Net) {
	t.Helper()
	f, err := parser.ParseFile(name, src)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	var wanted []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *lang.Model:
			declared[d.Name] = true
		case *lang.Network:
			for _, it := range d.Items {
				if p, ok := it.(*lang.Pop); ok {
					wanted = append(wanted, p.Model)
				}
			}
		}
	}
	for _, ln := range library.Names() {
		lsrc, err := library.Source(ln)
		if err != nil {
			t.Fatal(err)
		}
		lf, err := parser.ParseFile("models/"+ln, lsrc)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range lf.Decls {
			if lm, ok := d.(*lang.Model); ok && !declared[lm.Name] {
				for _, w := range wanted {
					if w == lm.Name {
						f.Decls = append(f.Decls, lm)
						declared[lm.Name] = true
						break
					}
				}
			}
		}
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	m, err := irgen.Lower(f, info, irgen.Options{Dir: dir})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if _, err := passes.Run(m, passes.Options{Check: true}); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(m.Nets) != 1 {
		t.Fatalf("%s: %d networks", name, len(m.Nets))
	}
	return m, m.Nets[0]
}

// tinyNet exercises every feature of the parallel emission: a poisson
// source with start and stop, a spikes source (AER-in), per-neuron initial
// values and parameters (a generic Func), delays 1..4, multapses-free
// random and all-to-all projections of mixed sign, a constant, a per-step
// and a poisson_sum drive, ports that saturate, records every 1 and 2 steps.
const tinyNet = `
model TLIF {
    format q4.8
    dt 1 ms
    param tau = 10 ms in [2 ms, 40 ms]
    param theta = 1 mV
    input je : mV in [-4 mV, 4 mV]
    input ji : mV in [-4 mV, 4 mV]
    state v : mV = 0 mV in [-7 mV, 7 mV]
    v' = v - v * dt / tau + je + ji
    spike when v > theta { v = -0.5 mV }
}

network Tiny {
    source ps = poisson(rate = 3000 Hz, seed = 5, start = 0.2 ms, stop = 3 ms)[3]
    source sp = spikes(file = "sp.csv")[2]
    pop a = TLIF[3] { v = uniform(-1 mV, 1 mV, seed = 1); tau = uniform(5 ms, 20 ms, seed = 9) }
    pop b = TLIF[2]
    proj pa = ps -> a.je all_to_all { w = 3.5 mV; delay uniform(1, 3, seed = 3) steps }
    proj sb = sp -> b.je all_to_all { w = 3 mV; delay 2 steps }
    proj ab = a -> b.je random(p = 0.7, seed = 4) { w = uniform(-2 mV, 3 mV, seed = 5); delay uniform(1, 4, seed = 6) steps }
    proj ba = b -> a.ji all_to_all { w = -0.5 mV }
    drive cur = current(0.25 mV) -> a.je
    drive cf = current(file = "i.csv") -> b[0:1].ji
    drive noise = poisson_sum(n = 10, rate = 50 Hz, w = 0.7 mV, seed = 7) -> a.ji, b.ji
    record a v every 2 steps
    record b[0:2] v
    record a spikes
}
`

func tinyModule(t *testing.T) (*ir.Module, *ir.Net) {
	t.Helper()
	return compileNetSNN(t, "tiny.snn", []byte(tinyNet), tinyDir(t))
}

// tinyDir writes tinyNet's data files into a temporary directory.
func tinyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var sp strings.Builder
	sp.WriteString("step,index\n")
	for s := 1; s <= 40; s++ {
		if s%3 == 0 {
			sp.WriteString(fmt.Sprintf("%d,0\n", s))
		}
		if s%5 == 1 {
			sp.WriteString(fmt.Sprintf("%d,1\n", s))
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "sp.csv"), []byte(sp.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "i.csv"), []byte("1\n-1\n2\n0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func emitNetString(t *testing.T, m *ir.Module, n *ir.Net, opt NetOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := EmitNet(&buf, m, n, opt); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// netDriver runs the evaluator on the network top through its ports.
type netDriver struct {
	t   *testing.T
	mc  *machine
	hw  ir.NetHW
	in  []int64 // rst_n, step, aer_in_valid, aer_in_data, aer_in_last, aer_out_ready, probe_ready
	out []*big.Int
	cyc int
}

const (
	oReady = iota
	oBusy
	oDone
	oStepQ
	oSatQ
	oAERInReady
	oAEROutValid
	oAEROutData
	oAEROutLast
	oProbeValid
	oProbeData
	oProbeLast
)

// cycle evaluates with the current inputs, returns the outputs and clocks.
func (d *netDriver) cycle() []*big.Int {
	d.t.Helper()
	if err := d.mc.eval(d.in); err != nil {
		d.t.Fatalf("cycle %d: %v", d.cyc, err)
	}
	outs := make([]*big.Int, len(d.mc.m.outs))
	for k := range outs {
		v, err := d.mc.output(k)
		if err != nil {
			d.t.Fatalf("cycle %d: %v", d.cyc, err)
		}
		outs[k] = new(big.Int).Set(v)
	}
	for k, held := range d.mc.assert {
		if !held {
			d.t.Fatalf("cycle %d: assertion %d fails", d.cyc, k)
		}
	}
	if err := d.mc.edge(); err != nil {
		d.t.Fatalf("cycle %d: %v", d.cyc, err)
	}
	d.cyc++
	return outs
}

// register returns the contents of the register named name.
func (d *netDriver) register(name string) (uint64, bool) {
	for i, o := range d.mc.m.ops {
		if o.kind == kFirReg && o.name == name {
			return d.mc.state[i].Uint64(), true
		}
	}
	return 0, false
}

// reset holds rst_n low for two cycles, then waits for ready.
func (d *netDriver) reset() {
	d.t.Helper()
	d.in = []int64{0, 0, 0, 0, 0, 0, 0}
	d.cycle()
	d.cycle()
	d.in[0] = 1
	for n := 0; d.cycle()[oReady].Sign() == 0; n++ {
		if n > 100 {
			d.t.Fatalf("no ready within 100 cycles of reset")
		}
	}
}

// stepResult is what the ports showed for one step.
type stepResult struct {
	aer, probe         []uint64
	aerLast, probeLast []bool
	stepQ              uint64
	sat                *big.Int
}

// step sends events (AER words, junk included) with random gaps, strobes
// step and collects both streams under random backpressure until done.
func (d *netDriver) step(events []uint64, rng *rand.Rand) stepResult {
	d.t.Helper()
	for _, ev := range events {
		for rng.IntN(3) == 0 {
			d.in[2] = 0
			d.cycle()
		}
		d.in[2], d.in[3] = 1, int64(ev)
		for {
			o := d.cycle()
			if o[oAERInReady].Sign() != 0 {
				break
			}
		}
		d.in[2] = 0
	}
	for rng.IntN(3) == 0 {
		d.cycle()
	}
	var r stepResult
	d.in[1] = 1
	o := d.cycle()
	if o[oReady].Sign() == 0 || o[oBusy].Sign() != 0 {
		d.t.Fatalf("cycle %d: step strobed with ready %v, busy %v", d.cyc, o[oReady], o[oBusy])
	}
	d.in[1] = 0
	for n := 0; ; n++ {
		if n > 10000 {
			d.t.Fatalf("no done within 10000 cycles")
		}
		d.in[5], d.in[6] = int64(rng.IntN(2)), int64(rng.IntN(2))
		o := d.cycle()
		if o[oAEROutValid].Sign() != 0 && d.in[5] != 0 {
			r.aer = append(r.aer, o[oAEROutData].Uint64())
			r.aerLast = append(r.aerLast, o[oAEROutLast].Sign() != 0)
		}
		if o[oProbeValid].Sign() != 0 && d.in[6] != 0 {
			r.probe = append(r.probe, o[oProbeData].Uint64())
			r.probeLast = append(r.probeLast, o[oProbeLast].Sign() != 0)
		}
		if o[oBusy].Sign() == 0 {
			d.t.Fatalf("cycle %d: busy low before done", d.cyc)
		}
		if o[oDone].Sign() != 0 {
			r.stepQ = o[oStepQ].Uint64()
			r.sat = o[oSatQ]
			break
		}
	}
	return r
}

// checkNetEquivalent runs the pretty MLIR of n and sim.Net side by side for
// steps steps (with a reset in the middle) and compares every port beat.
// It returns the number of AER-out and probe beats and whether a sat flag
// was ever set, so a caller can tell the run exercised them.
func checkNetEquivalent(t *testing.T, m *ir.Module, n *ir.Net, steps int, seed uint64) (aer, probe int, sat bool) {
	t.Helper()
	aer, probe, sat, err := compareNet(t, m, n, n, steps, seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	return aer, probe, sat
}

// compareNet emits emitted (its text changed by mutate, when not nil),
// runs the golden model of golden and returns the first difference. The
// run resets in the middle of a step (after its take cycle, while its
// beats stream) half way.
func compareNet(t *testing.T, m *ir.Module, emitted, golden *ir.Net, steps int, seed uint64, mutate func(string) string) (aer, probe int, sat bool, err error) {
	t.Helper()
	n := golden
	src := emitNetString(t, m, emitted, NetOptions{})
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
	d.reset()
	resetAt := steps / 2
	t0 := 0
	plastic := false
	defer func() {
		if plastic {
			t.Logf("plastic weights compared every step")
		}
	}()
	for k := 1; k <= steps; k++ {
		if k == resetAt {
			// A step taken and cut short by reset: sim.Net is reset too.
			d.in[1] = 1
			d.cycle()
			d.in[1], d.in[5], d.in[6] = 0, 1, 1
			d.cycle()
			d.reset()
			s.Reset()
			t0 = k - 1
		}
		tt := k - t0
		// AER-in: the events of step tt, one repeated, plus junk.
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
				events = append(events, hw.AERWord(pi, rng.IntN(p.Size))) // not an AER-in source
			}
			if hw.AERIn[pi] && p.Size < 1<<hw.IndexBits && rng.IntN(3) == 0 {
				events = append(events, hw.AERWord(pi, p.Size)) // index out of range
			}
		}
		if len(n.Pops) < 1<<hw.PopBits && rng.IntN(3) == 0 {
			events = append(events, hw.AERWord(len(n.Pops), 0)) // no such population
		}
		rng.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
		got := d.step(events, rng)
		if err := s.Step(); err != nil {
			t.Fatal(err)
		}
		var want []uint64
		for pi := range n.Pops {
			if !hw.AEROut[pi] {
				continue
			}
			for _, i := range s.Spikes(pi) {
				want = append(want, hw.AERWord(pi, int(i)))
			}
		}
		if fmt.Sprint(got.aer) != fmt.Sprint(want) {
			return aer, probe, sat, fmt.Errorf("step %d: AER-out %v, want %v", tt, got.aer, want)
		}
		if err := checkLast(tt, "AER-out", got.aerLast); err != nil {
			return aer, probe, sat, err
		}
		var wantP []uint64
		for _, r := range n.Records {
			if r.Kind != ir.RecordState || tt%r.Every != 0 {
				continue
			}
			pi := s.PopIndex(r.Pop)
			for i := r.Lo; i < r.Hi; i++ {
				for _, v := range r.Vars {
					w := s.StateWords(pi, v)[i]
					wantP = append(wantP, uint64(w)&(1<<hw.ProbeWidth-1))
				}
			}
		}
		if fmt.Sprint(got.probe) != fmt.Sprint(wantP) {
			return aer, probe, sat, fmt.Errorf("step %d: probe %v, want %v", tt, got.probe, wantP)
		}
		if err := checkLast(tt, "probe", got.probeLast); err != nil {
			return aer, probe, sat, err
		}
		if got.stepQ != uint64(tt) {
			return aer, probe, sat, fmt.Errorf("step %d: step_q %d", tt, got.stepQ)
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
			return aer, probe, sat, fmt.Errorf("step %d: sat_q %b, want %b", tt, got.sat, wantSat)
		}
		for k, pr := range n.Projs {
			if pr.Rule == "" {
				continue
			}
			words, _ := s.Weights(k)
			st := m.Func(n.NetRule(pr.Rule).OnPre)
			if st == nil {
				st = m.Func(n.NetRule(pr.Rule).OnPost)
			}
			for q, w := range words {
				reg := fmt.Sprintf("%s_%d_%s", pr.Name, q, st.States[0].Name)
				v, ok := d.register(reg)
				if !ok {
					t.Fatalf("no register %s", reg)
				}
				if want := uint64(w) & (1<<st.States[0].Type.Width() - 1); v != want {
					return aer, probe, sat, fmt.Errorf("step %d: weight %s = %d, want %d", tt, reg, v, want)
				}
			}
			plastic = true
		}
		aer += len(got.aer)
		probe += len(got.probe)
		sat = sat || got.sat.Sign() != 0
	}
	return aer, probe, sat, nil
}

func checkLast(step int, name string, last []bool) error {
	for k, l := range last {
		if l != (k == len(last)-1) {
			return fmt.Errorf("step %d: %s last flags %v", step, name, last)
		}
	}
	return nil
}

// TestNetEquivalence evaluates the emitted network cycle by cycle through
// its ports and matches sim.Net every step: spikes in AER order, probed
// words, sat flags and step_q, under random AER-in gaps, repeats and junk,
// backpressure on both streams and a reset in the middle.
func TestNetEquivalence(t *testing.T) {
	m, n := tinyModule(t)
	aer, probe, sat := checkNetEquivalent(t, m, n, 40, 1)
	t.Logf("%d AER-out beats, %d probe beats, saturated %v", aer, probe, sat)
	if aer < 20 || probe < 40 || !sat {
		t.Errorf("the run did not exercise the streams and the saturation: %d AER-out beats, %d probe beats, saturated %v", aer, probe, sat)
	}
}

// plasticNet: a rule with both traces on a projection of mixed delays,
// events frequent enough that weights move every few steps.
const plasticNet = `
model PLIF {
    dt 1 ms
    input je in [-64, 64]
    state v = 0 in [-32, 32]
    v' = v * 0.75 + je
    spike when v > 2 { v = 0 }
}

synapse R {
    param gmax = 8
    state w in [-8, gmax]
    trace pre x decay 3 ms add 2
    trace post y decay 4 ms add 3
    on pre { w = clip(w - 1.5 * y, -8, gmax) }
    on post { w = clip(w + 0.25 * x, -8, gmax) }
}

network P {
    dt 1 ms
    source inp = poisson(rate = 300 Hz, seed = 3)[4]
    pop out = PLIF[2]
    proj s = inp -> out.je all_to_all with R { w = uniform(0, 6, seed = 2); delay uniform(1, 3, seed = 4) steps }
    proj r = out -> out.je all_to_all { w = -1; delay 2 steps }
    record out v
}
`

// TestNetPlasticity: the plastic weights (read from their registers) and
// every port match sim.Net each step.
func TestNetPlasticity(t *testing.T) {
	m, n := compileNetSNN(t, "plastic.snn", []byte(plasticNet), t.TempDir())
	aer, probe, _ := checkNetEquivalent(t, m, n, 60, 4)
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
	t.Logf("%d AER-out beats, %d probe beats; weights %v → %v", aer, probe, w0, w1)
}

// TestNetMutations shows the comparison fails on a network whose emission
// differs from the golden model's in one synapse's delay or weight, one
// drive's stream or one source's threshold, or whose casts wrap.
func TestNetMutations(t *testing.T) {
	m, n := tinyModule(t)
	noSat := func(src string) string {
		// Every bound's comparison in a mux replaced by false: the cast
		// wraps (the sat flag still rises).
		out := regexp.MustCompile(`comb\.mux %(\w+_(under|over)), `).ReplaceAllString(src, "comb.mux %false, ")
		if out == src || !strings.Contains(src, "%false = hw.constant false") {
			t.Fatal("no saturating cast found to mutate")
		}
		return out
	}
	cases := []struct {
		name string
		mut  func(n *ir.Net)
		text func(string) string
	}{
		{"no saturation", func(*ir.Net) {}, noSat},
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
			if _, _, _, err := compareNet(t, m, bad, n, 40, 1, c.text); err == nil {
				t.Errorf("a changed %s went unnoticed", c.name)
			} else {
				t.Logf("caught: %v", err)
			}
		})
	}
}

// TestStreamSeed holds the package's copy of the seed formula equal to
// runtime.StreamSeed.
func TestStreamSeed(t *testing.T) {
	for _, c := range [][3]int{{0, 0, 0}, {5, 1, 0}, {7, 2, 3}, {1 << 40, 9, 123456}, {-1, -1, -1}} {
		if got, want := streamSeed(uint64(c[0]), c[1], c[2]), rt.StreamSeed(uint64(c[0]), c[1], c[2]); got != want {
			t.Errorf("streamSeed%v = %#x, runtime.StreamSeed = %#x", c, got, want)
		}
	}
}

// TestNetDeterministic: two emissions are byte-identical and carry the
// header and source positions.
func TestNetDeterministic(t *testing.T) {
	m, n := tinyModule(t)
	for _, generic := range []bool{false, true} {
		a := emitNetString(t, m, n, NetOptions{Options: Options{Generic: generic}})
		b := emitNetString(t, m, n, NetOptions{Options: Options{Generic: generic}})
		if a != b {
			t.Errorf("generic=%v: two emissions differ", generic)
		}
		if !strings.HasPrefix(a, "// Code generated by scc") || !strings.Contains(a, `loc("tiny.snn":`) {
			t.Errorf("generic=%v: no header or no source positions", generic)
		}
	}
}

// TestNetRejects: a network too large for the parallel architecture is an
// error that says so, and nothing is written.
func TestNetRejects(t *testing.T) {
	var buf bytes.Buffer
	big := strings.Replace(tinyNet, "proj ba = b -> a.ji all_to_all { w = -0.5 mV }",
		"pop c = TLIF[300]\n    pop d = TLIF[220]\n    proj cd = c -> d.je all_to_all { w = 0.01 mV }", 1)
	mb, nb := compileNetSNN(t, "big.snn", []byte(big), tinyDir(t))
	if err := EmitNet(&buf, mb, nb, NetOptions{}); err == nil || !strings.Contains(err.Error(), "synapses") {
		t.Errorf("a network of 66,000 synapses: %v, want an error naming the limit", err)
	}
	if buf.Len() != 0 {
		t.Errorf("output written on error")
	}
}

// TestNetMLIROpt has mlir-opt-16 parse and verify the generic form of the
// tiny network.
func TestNetMLIROpt(t *testing.T) {
	opt := tool.Need(t, "mlir-opt-16")[0]
	m, n := tinyModule(t)
	if err := mlirOpt(opt, emitNetString(t, m, n, NetOptions{Options: Options{Generic: true}})); err != nil {
		t.Error(err)
	}
}

// exampleNet returns examples/name sized down (each old text of repl
// replaced by the next; each must occur) with its data files named by
// absolute paths (a name under $DIR/ is one of files, written to a
// temporary directory), compiled.
func exampleNet(t *testing.T, name string, files map[string]string, repl ...string) (*ir.Module, *ir.Net) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for i := 0; i+1 < len(repl); i += 2 {
		if !strings.Contains(s, repl[i]) {
			t.Fatalf("%s has no %q to replace", name, repl[i])
		}
		s = strings.ReplaceAll(s, repl[i], repl[i+1])
	}
	dir := t.TempDir()
	for f, text := range files {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ex, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	s = strings.ReplaceAll(s, `file = "`, `file = "`+filepath.ToSlash(ex)+"/")
	s = strings.ReplaceAll(s, filepath.ToSlash(ex)+"/$DIR/", filepath.ToSlash(dir)+"/") // files
	return compileNetSNN(t, "examples/"+name, []byte(s), dir)
}

// smallClassifier writes the classifier's data cut to 8 pixels, 4 hidden
// and 2 output neurons: the first rows and columns of its weight files,
// pixel indices folded mod 8 (repeats within a step dropped).
func smallClassifier(t *testing.T) map[string]string {
	t.Helper()
	read := func(f string) []string {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", "classifier", f))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	cut := func(f string, rows, cols int) string {
		var out []string
		for _, l := range read(f) {
			if strings.HasPrefix(l, "#") {
				out = append(out, l)
				continue
			}
			if len(out) > rows {
				break
			}
			out = append(out, strings.Join(strings.Split(l, ",")[:cols], ","))
		}
		return strings.Join(out, "\n") + "\n"
	}
	var pat []string
	seen := map[[2]int]bool{}
	for _, l := range read("patterns.csv") {
		var st, ix int
		if _, err := fmt.Sscanf(l, "%d,%d", &st, &ix); err != nil {
			pat = append(pat, l)
			continue
		}
		if st > 400 || seen[[2]int{st, ix % 8}] {
			continue
		}
		seen[[2]int{st, ix % 8}] = true
		pat = append(pat, fmt.Sprintf("%d,%d", st, ix%8))
	}
	return map[string]string{"w1.csv": cut("w1.csv", 4, 8), "w2.csv": cut("w2.csv", 2, 4), "patterns.csv": strings.Join(pat, "\n") + "\n"}
}

// exampleNets returns every example network sized down.
func exampleNets(t *testing.T) map[string]func() (*ir.Module, *ir.Net) {
	return map[string]func() (*ir.Module, *ir.Net){
		"cuba": func() (*ir.Module, *ir.Net) {
			return exampleNet(t, "cuba.snn", nil, "CubaLIF[3200]", "CubaLIF[6]", "CubaLIF[800]", "CubaLIF[3]", "p = 0.02", "p = 0.4")
		},
		"coba": func() (*ir.Module, *ir.Net) {
			return exampleNet(t, "coba.snn", nil, "[3200]", "[6]", "[800]", "[3]", "[4000]", "[9]",
				"kick[0:3200]", "kick[0:6]", "kick[3200:4000]", "kick[6:9]", "p = 0.02", "p = 0.4")
		},
		"brunel": func() (*ir.Module, *ir.Net) {
			return exampleNet(t, "brunel.snn", nil, "BrunelLIF[1000]", "BrunelLIF[8]", "BrunelLIF[250]", "BrunelLIF[4]", "k = 100", "k = 4", "k = 25", "k = 2")
		},
		"stdp": func() (*ir.Module, *ir.Net) {
			return exampleNet(t, "stdp.snn", nil, "[1000]", "[8]", "rate = 15 Hz", "rate = 300 Hz")
		},
		"synfire": func() (*ir.Module, *ir.Net) {
			return exampleNet(t, "synfire.snn", nil, "SynfireLIF[100]", "SynfireLIF[3]")
		},
		"classifier": func() (*ir.Module, *ir.Net) {
			return exampleNet(t, "classifier.snn", smallClassifier(t), `file = "classifier/`, `file = "$DIR/`,
				"[784]", "[8]", "IntLIF[128]", "IntLIF[4]", "IntLIF[10]", "IntLIF[2]", "out[0:10]", "out[0:2]")
		},
	}
}

// TestNetExamples emits every example network (sized down), has
// mlir-opt-16 verify the generic form and evaluates the pretty form against
// sim.Net for a few steps (a reset in the middle).
func TestNetExamples(t *testing.T) {
	opt := tool.Need(t, "mlir-opt-16")[0]
	nets := exampleNets(t)
	for _, name := range []string{"brunel", "classifier", "coba", "cuba", "stdp", "synfire"} {
		t.Run(name, func(t *testing.T) {
			m, n := nets[name]()
			if err := mlirOpt(opt, emitNetString(t, m, n, NetOptions{Options: Options{Generic: true}})); err != nil {
				t.Errorf("mlir-opt-16 rejects the generic form: %v", err)
			}
			aer, probe, sat := checkNetEquivalent(t, m, n, 40, 2)
			t.Logf("%d AER-out beats, %d probe beats, saturated %v", aer, probe, sat)
		})
	}
}

// TestEmitNetworkTop: Emit with Top naming a network writes EmitNet's
// output.
func TestEmitNetworkTop(t *testing.T) {
	m, n := tinyModule(t)
	var buf bytes.Buffer
	if err := Emit(&buf, m, Options{Top: n.Name}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != emitNetString(t, m, n, NetOptions{}) {
		t.Errorf("Emit(Top: %s) differs from EmitNet", n.Name)
	}
}

// TestNetPorts: the module's ports are ir.NetHW's, with its widths.
func TestNetPorts(t *testing.T) {
	m, n := tinyModule(t)
	mods, err := parsePretty(emitNetString(t, m, n, NetOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	h := n.HW(m)
	hm := mods[0]
	if hm.name != n.ModuleName() {
		t.Errorf("module @%s, want @%s", hm.name, n.ModuleName())
	}
	var got []string
	for _, p := range hm.ins {
		got = append(got, fmt.Sprintf("in %s %d", p.name, p.width))
	}
	for _, p := range hm.outs {
		got = append(got, fmt.Sprintf("out %s %d", p.name, p.width))
	}
	want := []string{"in clk 0", "in rst_n 1", "in step 1", "in aer_in_valid 1",
		fmt.Sprintf("in aer_in_data %d", h.AERWidth), "in aer_in_last 1", "in aer_out_ready 1", "in probe_ready 1",
		"out ready 1", "out busy 1", "out done 1", "out step_q 32", fmt.Sprintf("out sat_q %d", len(h.Sat)),
		"out aer_in_ready 1", "out aer_out_valid 1", fmt.Sprintf("out aer_out_data %d", h.AERWidth), "out aer_out_last 1",
		"out probe_valid 1", fmt.Sprintf("out probe_data %d", h.ProbeWidth), "out probe_last 1"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ports\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
