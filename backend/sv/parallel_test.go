package sv

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

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

// parCompile compiles a network source (library models in scope, as
// cmd/scc does) to fixed-phase IR; data files are relative to dir.
func parCompile(t testing.TB, name string, src []byte, dir string) (*ir.Module, *ir.Net) {
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

// parTinyNet exercises every feature of the parallel architecture: a
// poisson source with start and stop, a spikes source (AER-in), per-neuron
// initial values and parameters (a generic Func), delays 1..4, random and
// all-to-all projections of mixed sign, a constant, a per-step and a
// poisson_sum drive, ports that saturate, records every 1 and 2 steps.
const parTinyNet = `
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

// parPlasticNet is parTinyNet's model with an STDP projection from a
// poisson source and a plastic recurrent one (both traces, on pre and on
// post, pre and post spikes in one step).
const parPlasticNet = `
model TLIF {
    format q8.8
    dt 1 ms
    param tau = 10 ms
    param theta = 1 mV
    input je : mV in [-4 mV, 4 mV]
    input ji : mV in [-4 mV, 4 mV]
    state v : mV = 0 mV in [-7 mV, 7 mV]
    v' = v - v * dt / tau + je + ji
    spike when v > theta { v = -0.5 mV }
}

synapse STDP {
    param gmax = 2 mV; param a_pre = 0.3 mV; param a_post = -0.4 mV
    state w : mV in [0 mV, gmax]
    trace pre x decay 5 ms add a_pre
    trace post y decay 4 ms add a_post
    on pre { w = clip(w + y, 0 mV, gmax) }
    on post { w = clip(w + x, 0 mV, gmax) }
}

network Plastic {
    source ps = poisson(rate = 400 Hz, seed = 5)[4]
    pop a = TLIF[3] { v = uniform(-1 mV, 1 mV, seed = 1) }
    proj pa = ps -> a.je all_to_all with STDP { w = uniform(0.2 mV, 1.5 mV, seed = 2) }
    proj aa = a -> a.ji random(p = 0.6, seed = 3) with STDP { w = 0.5 mV }
    drive cur = current(0.2 mV) -> a.je
    record a v
}
`

// parTiny compiles parTinyNet with its data files.
func parTiny(t testing.TB) (*ir.Module, *ir.Net) {
	t.Helper()
	dir := t.TempDir()
	var sp strings.Builder
	sp.WriteString("step,index\n")
	for s := 1; s <= 60; s++ {
		if s%3 == 0 {
			fmt.Fprintf(&sp, "%d,0\n", s)
		}
		if s%5 == 1 {
			fmt.Fprintf(&sp, "%d,1\n", s)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "sp.csv"), []byte(sp.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "i.csv"), []byte("1\n-1\n2\n0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return parCompile(t, "tiny.snn", []byte(parTinyNet), dir)
}

// parExample returns examples/name sized down: each old text of repl
// (pairs old, new) must occur.
func parExample(t testing.TB, name string, repl ...string) (*ir.Module, *ir.Net) {
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
	ex, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	return parCompile(t, "examples/"+name, []byte(s), ex)
}

// parExamples are the example networks the parallel architecture takes
// (stdp is plastic, classifier is large), sized down.
var parExamples = map[string]func(t testing.TB) (*ir.Module, *ir.Net){
	"tiny": parTiny,
	"plastic": func(t testing.TB) (*ir.Module, *ir.Net) {
		return parCompile(t, "plastic.snn", []byte(parPlasticNet), t.TempDir())
	},
	"stdp": func(t testing.TB) (*ir.Module, *ir.Net) {
		return parExample(t, "stdp.snn", "[1000]", "[8]", "rate = 15 Hz", "rate = 300 Hz")
	},
	"cuba": func(t testing.TB) (*ir.Module, *ir.Net) {
		return parExample(t, "cuba.snn", "CubaLIF[3200]", "CubaLIF[6]", "CubaLIF[800]", "CubaLIF[3]", "p = 0.02", "p = 0.4")
	},
	"coba": func(t testing.TB) (*ir.Module, *ir.Net) {
		return parExample(t, "coba.snn", "[3200]", "[6]", "[800]", "[3]", "[4000]", "[9]",
			"kick[0:3200]", "kick[0:6]", "kick[3200:4000]", "kick[6:9]", "p = 0.02", "p = 0.4")
	},
	"brunel": func(t testing.TB) (*ir.Module, *ir.Net) {
		return parExample(t, "brunel.snn", "BrunelLIF[1000]", "BrunelLIF[8]", "BrunelLIF[250]", "BrunelLIF[4]", "k = 100", "k = 4", "k = 25", "k = 2")
	},
	"synfire": func(t testing.TB) (*ir.Module, *ir.Net) {
		return parExample(t, "synfire.snn", "SynfireLIF[100]", "SynfireLIF[3]")
	},
}

func emitPar(t testing.TB, m *ir.Module, n *ir.Net, opt NetOptions) []byte {
	t.Helper()
	opt.Arch = ArchParallel
	var b bytes.Buffer
	if err := EmitNet(&b, m, n, opt); err != nil {
		t.Fatalf("EmitNet: %v", err)
	}
	return b.Bytes()
}

func TestParStreamSeed(t *testing.T) {
	for _, seed := range []uint64{0, 1, 5, 1 << 40, ^uint64(0)} {
		for stream := -1; stream < 4; stream++ {
			for i := 0; i < 50; i += 7 {
				if got, want := streamSeed(seed, stream, i), rt.StreamSeed(seed, stream, i); got != want {
					t.Fatalf("streamSeed(%d, %d, %d) = %#x, runtime.StreamSeed %#x", seed, stream, i, got, want)
				}
			}
		}
	}
}

// TestParallelLint: the three tools accept every example's parallel RTL,
// and the emission is deterministic.
func TestParallelLint(t *testing.T) {
	var names []string
	for name := range parExamples {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, n := parExamples[name](t)
			src := emitPar(t, m, n, NetOptions{})
			if again := emitPar(t, m, n, NetOptions{}); !bytes.Equal(src, again) {
				t.Fatalf("EmitNet(%s) is not deterministic", name)
			}
			if name == "tiny" {
				lintAll(t, src, []string{n.ModuleName()}, false)
				return
			}
			parLint(t, src, n.ModuleName())
		})
	}
}

// parLint is lintAll with yosys only reading and elaborating the design
// (hierarchy, proc): synthesising the examples' adder trees takes a minute
// and says nothing more about the dialect (the tiny net is synthesised).
func parLint(t *testing.T, src []byte, top string) {
	t.Helper()
	tool.Need(t, "iverilog", "verilator", "yosys")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "out.sv"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, args := range [][]string{
		{"iverilog", "-g2012", "-o", "out.vvp", "out.sv"},
		{"verilator", "--lint-only", "-Wall", "--top-module", top, "out.sv"},
		{"yosys", "-q", "-p", "read_verilog -sv out.sv; hierarchy -check -top " + top + "; proc; check -assert"},
	} {
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil || (args[0] == "verilator" && len(bytes.TrimSpace(out)) > 0) {
			t.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// parRun is one co-simulation's transcript: per step the AER-out words,
// the probe words and, at done, step_q and sat_q, one line each.
type parRun struct {
	lines  []string
	cycles []int // cycles from the step strobe to done, per step
}

// parBench writes a testbench of n's top: reset, then per step the AER-in
// events of the step's spikes sources (plus junk: a repeat, a foreign
// population, an out-of-range index), the step strobe, and a monitor
// printing every AER-out and probe beat and the done state. bp adds random
// backpressure on both streams.
//
// With cut > 0, step cut is cut short by a reset a few cycles after its
// strobe (its beats streaming) and the run starts over: steps 1..cut-1,
// the cut step, then steps 1..steps-cut; the testbench prints "R" at the
// reset.
func parBench(n *ir.Net, hw ir.NetHW, steps int, bp bool, seed uint64, cut int) string {
	rng := rand.New(rand.NewPCG(seed, 9))
	var b strings.Builder
	aw, pw, ns := hw.AERWidth, hw.ProbeWidth, max(1, len(hw.Sat))
	fmt.Fprintf(&b, `module tb;
    reg clk = 0, rst_n = 0, step = 0;
    reg aer_in_valid = 0, aer_in_last = 0, aer_out_ready = 1, probe_ready = 1;
    reg [%d:0] aer_in_data = 0;
    wire ready, busy, done, aer_in_ready, aer_out_valid, aer_out_last, probe_valid, probe_last;
    wire [31:0] step_q;
    wire [%d:0] sat_q;
    wire [%d:0] aer_out_data;
    wire [%d:0] probe_data;
    integer cyc = 0, t0 = 0;
    %s dut (.clk(clk), .rst_n(rst_n), .ready(ready), .step(step), .busy(busy), .done(done),
        .step_q(step_q), .sat_q(sat_q), .aer_in_valid(aer_in_valid), .aer_in_ready(aer_in_ready),
        .aer_in_data(aer_in_data), .aer_in_last(aer_in_last), .aer_out_valid(aer_out_valid),
        .aer_out_ready(aer_out_ready), .aer_out_data(aer_out_data), .aer_out_last(aer_out_last),
        .probe_valid(probe_valid), .probe_ready(probe_ready), .probe_data(probe_data), .probe_last(probe_last));
    always #5 clk = ~clk;
    always @(posedge clk) begin
        cyc <= cyc + 1;
        if (aer_out_valid && aer_out_ready) $display("A %%0d %%0h %%0d", step_q, aer_out_data, aer_out_last);
        if (probe_valid && probe_ready) $display("P %%0d %%0h %%0d", step_q, probe_data, probe_last);
        if (done) $display("D %%0d %%0h busy=%%0d C %%0d", step_q, sat_q, busy, cyc - t0);
    end
    task send(input [%d:0] d);
        begin
            @(negedge clk);
            aer_in_valid = 1;
            aer_in_data = d;
            @(posedge clk);
            while (!aer_in_ready) @(posedge clk);
            @(negedge clk);
            aer_in_valid = 0;
        end
    endtask
    task take;
        begin
            @(negedge clk);
            step = 1;
            t0 = cyc;
            @(negedge clk);
            step = 0;
            while (!done) @(negedge clk);
        end
    endtask
`, aw-1, ns-1, aw-1, pw-1, n.ModuleName(), aw-1)
	if bp {
		b.WriteString("    always @(negedge clk) begin\n        aer_out_ready = ($random % 3) != 0;\n        probe_ready = ($random % 4) != 0;\n    end\n")
	}
	b.WriteString("    initial begin\n        #22 rst_n = 1;\n        @(negedge clk);\n        while (!ready) @(negedge clk);\n")
	for k := 1; k <= steps; k++ {
		tt := k
		if cut > 0 && k > cut {
			tt = k - cut
		}
		var ev []uint64
		for pi, p := range n.Pops {
			if !hw.AERIn[pi] {
				continue
			}
			for _, e := range p.Source.Spikes {
				if e.Step == tt {
					ev = append(ev, hw.AERWord(pi, e.Index))
				}
			}
		}
		if len(ev) > 0 && rng.IntN(2) == 0 {
			ev = append(ev, ev[0])
		}
		for pi, p := range n.Pops {
			if !hw.AERIn[pi] && rng.IntN(3) == 0 {
				ev = append(ev, hw.AERWord(pi, rng.IntN(p.Size)))
			}
			if hw.AERIn[pi] && p.Size < 1<<hw.IndexBits && rng.IntN(3) == 0 {
				ev = append(ev, hw.AERWord(pi, p.Size))
			}
		}
		rng.Shuffle(len(ev), func(i, j int) { ev[i], ev[j] = ev[j], ev[i] })
		for _, e := range ev {
			fmt.Fprintf(&b, "        send(%d'h%x);\n", aw, e)
		}
		if k == cut {
			b.WriteString("        @(negedge clk);\n        step = 1;\n        @(negedge clk);\n        step = 0;\n        repeat (2) @(negedge clk);\n")
			b.WriteString("        rst_n = 0;\n        $display(\"R\");\n        #3 rst_n = 1;\n        @(negedge clk);\n        while (!ready) @(negedge clk);\n")
			continue
		}
		b.WriteString("        take;\n")
	}
	b.WriteString("        repeat (3) @(negedge clk);\n        $display(\"PASS\");\n        $finish;\n    end\nendmodule\n")
	return b.String()
}

// parExpect runs sim.Net for steps steps and returns the transcript the
// testbench must print (without the cycle counts).
func parExpect(t testing.TB, m *ir.Module, n *ir.Net, steps int) []string {
	t.Helper()
	s, err := sim.NewNet(m, n, sim.NetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hw := n.HW(m)
	pm := uint64(1)<<hw.ProbeWidth - 1
	var lines []string
	sat := map[string]bool{}
	for tt := 1; tt <= steps; tt++ {
		if err := s.Step(); err != nil {
			t.Logf("sim step %d: %v", tt, err)
		}
		var aer []uint64
		for pi := range n.Pops {
			if hw.AEROut[pi] {
				for _, i := range s.Spikes(pi) {
					aer = append(aer, hw.AERWord(pi, int(i)))
				}
			}
		}
		for k, w := range aer {
			lines = append(lines, fmt.Sprintf("A %d %x %d", tt, w, b2i(k == len(aer)-1)))
		}
		var pr []uint64
		for _, r := range n.Records {
			if r.Kind != ir.RecordState || tt%max(r.Every, 1) != 0 {
				continue
			}
			pi := s.PopIndex(r.Pop)
			for i := r.Lo; i < r.Hi; i++ {
				for _, v := range r.Vars {
					pr = append(pr, uint64(s.StateWords(pi, v)[i])&pm)
				}
			}
		}
		for k, w := range pr {
			lines = append(lines, fmt.Sprintf("P %d %x %d", tt, w, b2i(k == len(pr)-1)))
		}
		for _, f := range s.Saturated() {
			sat[f.Pop+"."+f.Port] = true
		}
		var q uint64
		for k, sb := range hw.Sat {
			if sat[sb.Pop+"."+sb.PortName] {
				q |= 1 << k
			}
		}
		lines = append(lines, fmt.Sprintf("D %d %x busy=0", tt, q))
	}
	return lines
}

// parSimulate runs the emitted RTL of n under parBench in Icarus.
func parSimulate(t testing.TB, m *ir.Module, n *ir.Net, opt NetOptions, steps int, bp bool, cut int) parRun {
	t.Helper()
	src := emitPar(t, m, n, opt)
	out := runIcarus(t, map[string][]byte{"net.sv": src, "tb.sv": []byte(parBench(n, n.HW(m), steps, bp, 1, cut))})
	var r parRun
	for _, l := range strings.Split(out, "\n") {
		switch {
		case l == "R": // drop the beats of the step cut short
			for len(r.lines) > 0 && !strings.HasPrefix(r.lines[len(r.lines)-1], "D ") {
				r.lines = r.lines[:len(r.lines)-1]
			}
		case strings.HasPrefix(l, "A "), strings.HasPrefix(l, "P "):
			r.lines = append(r.lines, l)
		case strings.HasPrefix(l, "D "):
			head, c, _ := strings.Cut(l, " C ")
			r.lines = append(r.lines, head)
			var k int
			fmt.Sscan(c, &k)
			r.cycles = append(r.cycles, k)
		}
	}
	return r
}

// modelCycles is CycleModel's parallel count for step tt at the spikes of
// the transcript want.
func modelCycles(t *testing.T, m *ir.Module, n *ir.Net, want []string, tt int) int64 {
	t.Helper()
	f, err := CycleModel(m, n, NetOptions{Arch: ArchParallel})
	if err != nil {
		t.Fatal(err)
	}
	hw := n.HW(m)
	spk := make([][]int32, len(n.Pops))
	for _, l := range want {
		var kind string
		var st int
		var word uint64
		if !strings.HasPrefix(l, "A ") {
			continue
		}
		fmt.Sscanf(l, "%s %d %x", &kind, &st, &word)
		if st == tt && kind == "A" {
			p, i := hw.SplitAER(word)
			if p < len(spk) {
				spk[p] = append(spk[p], int32(i))
			}
		}
	}
	return f(spk, tt)
}

// parPredict returns the cycles the bench measures for step tt without
// backpressure: 3 + max(chunks + spikes, probe words + idle records).
func parPredict(m *ir.Module, n *ir.Net, want []string, tt int) int {
	sh := newShell(m, n)
	chunks := 0
	for k, p := range n.Pops {
		if sh.hw.AEROut[k] {
			chunks += (p.Size + sh.cw - 1) / sh.cw
		}
	}
	spikes, words, idle := 0, 0, 0
	for _, l := range want {
		var kind string
		var st int
		fmt.Sscan(l, &kind, &st)
		if st == tt && kind == "A" {
			spikes++
		}
		if st == tt && kind == "P" {
			words++
		}
	}
	for _, r := range n.Records {
		if r.Kind == ir.RecordState && r.Hi > r.Lo && len(r.Vars) > 0 && tt%max(r.Every, 1) != 0 {
			idle++
		}
	}
	return 3 + max(chunks+spikes, words+idle)
}

// parDiff returns the first difference of two transcripts, "" if equal:
// the AER-out, probe and done lines are compared as three streams (the
// AER-out and probe beats of a step may interleave).
func parDiff(got, want []string) string {
	for _, kind := range []string{"A ", "P ", "D "} {
		if d := parDiffLines(parKind(got, kind), parKind(want, kind)); d != "" {
			return d
		}
	}
	return ""
}

func parKind(lines []string, kind string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, kind) {
			out = append(out, l)
		}
	}
	return out
}

func parDiffLines(got, want []string) string {
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			lo := max(0, i-3)
			return fmt.Sprintf("line %d: got %q, want %q\ngot  %q\nwant %q", i, g, w, got[lo:min(len(got), i+2)], want[lo:min(len(want), i+2)])
		}
	}
	return ""
}

// TestParallelEqualsSim: the parallel RTL of the tiny network and of the
// sized-down examples gives sim.Net's spikes, probe words and sat_q every
// step (Icarus), with and without backpressure.
func TestParallelEqualsSim(t *testing.T) {
	const steps = 40
	for _, name := range []string{"tiny", "plastic", "stdp", "cuba", "coba", "brunel", "synfire"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, n := parExamples[name](t)
			want := parExpect(t, m, n, steps)
			for _, bp := range []bool{false, true} {
				r := parSimulate(t, m, n, NetOptions{}, steps, bp, 0)
				if d := parDiff(r.lines, want); d != "" {
					t.Fatalf("backpressure %v: RTL differs from sim.Net: %s", bp, d)
				}
				if !bp {
					t.Logf("%d lines; cycles per step %v", len(want), r.cycles)
					// The bench counts from the strobe's cycle to the
					// cycle after done: ParallelCycles + 1 at most.
					worst, formula := ParallelCycles(m, n)
					for k, c := range r.cycles {
						if int64(c) > worst+1 {
							t.Errorf("step %d took %d cycles, more than ParallelCycles %s (+1)", k+1, c, formula)
						}
						if p := parPredict(m, n, want, k+1); c != p {
							t.Errorf("step %d took %d cycles, want 3 + max(chunks + spikes, probe cycles) = %d", k+1, c, p)
						}
						if p, q := int64(parPredict(m, n, want, k+1)), modelCycles(t, m, n, want, k+1); p != q {
							t.Errorf("step %d: CycleModel says %d cycles, the bench's count %d", k+1, q, p)
						}
					}
				}
			}
		})
	}
}

// TestParallelReset: a reset while a step's beats stream (with
// backpressure) returns the core to its initial state: the run that
// follows equals a fresh sim.Net.
func TestParallelReset(t *testing.T) {
	const steps, cut = 40, 13
	for _, name := range []string{"tiny", "plastic"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, n := parExamples[name](t)
			want := append(parExpect(t, m, n, cut-1), parExpect(t, m, n, steps-cut)...)
			r := parSimulate(t, m, n, NetOptions{}, steps, true, cut)
			if d := parDiff(r.lines, want); d != "" {
				t.Fatalf("RTL with a reset in step %d differs from sim.Net: %s", cut, d)
			}
		})
	}
}

// TestParallelMutationsCaught: each planted bug changes the transcript.
func TestParallelMutationsCaught(t *testing.T) {
	const steps = 40
	m, n := parTiny(t)
	want := parExpect(t, m, n, steps)
	for _, mu := range []Mutation{MutateDelaySlot, MutateNoSat, MutateCSRRow} {
		t.Run(fmt.Sprint(mu), func(t *testing.T) {
			t.Parallel()
			r := parSimulate(t, m, n, NetOptions{Mutate: mu}, steps, false, 0)
			if parDiff(r.lines, want) == "" {
				t.Errorf("mutation %d not caught by the comparison with sim.Net", mu)
			}
		})
	}
}

// TestParallelErrors: what the parallel architecture cannot build is a
// positioned error.
func TestParallelErrors(t *testing.T) {
	m, n := parExample(t, "stdp.snn", "[1000]", "[8]", "w = uniform(0, 16, seed = 2) }", "w = uniform(0, 16, seed = 2); delay 2 steps }")
	var b bytes.Buffer
	err := EmitNet(&b, m, n, NetOptions{Arch: ArchParallel})
	if err == nil || !strings.Contains(err.Error(), "delay 1 step only") || !strings.Contains(err.Error(), "stdp.snn:") {
		t.Errorf("EmitNet(stdp, delay 2) = %v, want a positioned error about plastic delays", err)
	}
	m, n = parExample(t, "cuba.snn", "CubaLIF[3200]", "CubaLIF[400]", "CubaLIF[800]", "CubaLIF[100]", "p = 0.02", "p = 0.1")
	err = EmitNet(&b, m, n, NetOptions{Arch: ArchParallel})
	if err == nil || !strings.Contains(err.Error(), "too large for --arch parallel") || !strings.Contains(err.Error(), "use --arch folded") {
		t.Errorf("EmitNet(cuba 500) = %v, want the size error", err)
	}
}
