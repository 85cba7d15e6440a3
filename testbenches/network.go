package testbenches

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"scc/backend/sv"
	"scc/ir"
	rt "scc/runtime"
	"scc/sim"
)

// Network co-simulation: the RTL of a network's top (sv.Emit) against the
// golden model of the same sc_dense_matrix_layer (sim.SCLayer, runtime's
// cycle model built from the IR by sim), every output bit every cycle.

// NetworkResetCycles is the number of rising edges the testbench holds
// reset at the start (DESIGN §4: at least two).
const NetworkResetCycles = 3

// NetworkStep is one cycle's stimulus of a network top.
type NetworkStep struct {
	Reset bool // rst_n low over this cycle's rising edge
	Start bool // start high at this cycle's rising edge
}

// NetworkStimulus returns steps cycles of stimulus: reset for the first
// NetworkResetCycles cycles, then start high three cycles in four (a run
// starts on the first rising edge with start high while its layer is idle,
// so runs restart 1 to a few cycles after each run_done, at varying
// offsets), and a reset of 2 or 3 cycles about once every 3000 cycles so
// that reseeding mid-run is checked too. The same seed gives the same
// stimulus.
func NetworkStimulus(steps int, seed uint64) []NetworkStep {
	rng := rand.New(rand.NewPCG(seed, 0x5cc5cc))
	st := make([]NetworkStep, steps)
	for k := 0; k < steps; k++ {
		switch {
		case k < NetworkResetCycles:
			st[k].Reset = true
		case rng.IntN(3000) == 0:
			for r, n := 0, 2+rng.IntN(2); r < n && k < steps; r++ {
				st[k].Reset = true
				k++
			}
			k--
		default:
			st[k].Start = rng.IntN(4) != 0
		}
	}
	return st
}

// NetworkSignals returns the names of the outputs compared every cycle, in
// the order of the expected file's bits (bit 0 first): per layer, each
// neuron's spike, run_done and running.
func NetworkSignals(n *ir.Net) []string {
	var s []string
	for _, l := range n.Layers {
		for j := 0; j < l.Neurons; j++ {
			s = append(s, fmt.Sprintf("%s[%d]", l.SpikesPort(), j))
		}
		s = append(s, l.RunDonePort(), l.RunningPort())
	}
	return s
}

// NetworkTrace is the golden run of a network: its stimulus and, per cycle,
// every signal of NetworkSignals after the rising edge, packed LSB-first.
type NetworkTrace struct {
	Steps   []NetworkStep
	Want    [][]uint64
	Signals int
	Spikes  int // spikes over all neurons and cycles
	Runs    int // completed runs (run_done pulses) over all layers
}

// NetworkGolden runs the golden model of every layer of n (sim.SCLayer:
// sim builds it from the IR; testbenches only compare) under stim.
func NetworkGolden(n *ir.Net, stim []NetworkStep) (*NetworkTrace, error) {
	ls := make([]*sim.SCLayer, len(n.Layers))
	nsig := 0
	for k, l := range n.Layers {
		s, err := sim.NewSCLayer(l)
		if err != nil {
			return nil, err
		}
		ls[k] = s
		nsig += l.Neurons + 2
	}
	tr := &NetworkTrace{Steps: stim, Want: make([][]uint64, len(stim)), Signals: nsig}
	for s, st := range stim {
		row := make([]uint64, rt.Words(nsig))
		b := 0
		for _, l := range ls {
			l.Step(st.Reset, st.Start)
			for j := 0; j < l.L.Neurons; j++ {
				spike := l.Spike(j)
				rt.SetBit(row, b, spike)
				if spike {
					tr.Spikes++
				}
				b++
			}
			rt.SetBit(row, b, l.RunDone())
			rt.SetBit(row, b+1, l.Running())
			if l.RunDone() {
				tr.Runs++
			}
			b += 2
		}
		tr.Want[s] = row
	}
	return tr, nil
}

// CosimNetwork runs network n of the fixed-phase module m for opt.Steps
// cycles (default 1000) under NetworkStimulus(opt.Steps, opt.Seed) in
// runtime/'s model and in the RTL simulator opt.Sim, comparing every
// signal of NetworkSignals after every rising edge. A mismatch is reported
// in the result, not as an error.
func CosimNetwork(ctx context.Context, m *ir.Module, n *ir.Net, opt CosimOptions) (*CosimResult, error) {
	if opt.Steps == 0 {
		opt.Steps = 1000
	}
	if opt.Steps <= NetworkResetCycles {
		return nil, fmt.Errorf("cosim %s: %d steps, want more than the %d reset cycles", n.Name, opt.Steps, NetworkResetCycles)
	}
	tr, err := NetworkGolden(n, NetworkStimulus(opt.Steps, opt.Seed))
	if err != nil {
		return nil, err
	}
	return CosimNetworkTrace(ctx, m, n, tr, opt)
}

// CosimNetworkTrace is CosimNetwork against a given golden trace tr of n
// (its Steps drive the RTL, its Want is expected); opt.Steps and opt.Seed
// are ignored.
func CosimNetworkTrace(ctx context.Context, m *ir.Module, n *ir.Net, tr *NetworkTrace, opt CosimOptions) (*CosimResult, error) {
	if m == nil || n == nil || m.Net(n.Name) != n {
		return nil, fmt.Errorf("cosim: network is not in the module")
	}
	simName := or(opt.Sim, "iverilog")
	runner := map[string]func(context.Context, string, []string, string) (string, error){
		"iverilog": RunIcarus, "verilator": RunVerilator,
	}[simName]
	if runner == nil {
		return nil, fmt.Errorf("cosim: unknown simulator %q: expected iverilog or verilator", simName)
	}
	if len(tr.Steps) == 0 || len(tr.Want) != len(tr.Steps) || tr.Signals != len(NetworkSignals(n)) {
		return nil, fmt.Errorf("cosim %s: golden trace does not fit the network", n.Name)
	}
	dir := opt.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "scc-cosim-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var rtl bytes.Buffer
	if err := sv.Emit(&rtl, m, sv.Options{Top: n.Name, Version: opt.Version}); err != nil {
		return nil, fmt.Errorf("cosim %s: %v", n.Name, err)
	}
	mod, top := n.ModuleName(), "tb_"+n.ModuleName()
	stimFile, wantFile, vcd := mod+".stim.hex", mod+".want.hex", top+".vcd"
	files := []struct {
		name string
		data []byte
	}{
		{mod + ".sv", rtl.Bytes()},
		{top + ".sv", GenerateNetwork(n, len(tr.Steps), stimFile, wantFile, vcd, opt.Version)},
		{stimFile, networkStimHex(tr)},
		{wantFile, networkWantHex(tr)},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return nil, err
		}
	}
	out, err := runner(ctx, dir, []string{mod + ".sv", top + ".sv"}, top)
	if err != nil {
		return nil, fmt.Errorf("cosim %s (%s): %v", n.Name, simName, err)
	}
	res := &CosimResult{Model: n.Name, Sim: simName, Output: out, Spikes: tr.Spikes, Signals: tr.Signals}
	if opt.Dir != "" {
		res.VCD = filepath.Join(dir, vcd)
	}
	if err := parseNetworkOutput(out, tr, res); err != nil {
		return nil, fmt.Errorf("cosim %s (%s): %v", n.Name, simName, err)
	}
	if res.First == nil && res.Steps != len(tr.Steps) {
		return nil, fmt.Errorf("cosim %s (%s): testbench ran %d steps, want %d", n.Name, simName, res.Steps, len(tr.Steps))
	}
	return res, nil
}

// GenerateNetwork returns the testbench of network n's top: each cycle it
// drives rst_n and start from row k of stimFile just after a falling edge,
// and after the rising edge (at the next falling edge) compares every
// signal of NetworkSignals with row k of wantFile (!==, so X fails), stopping
// at the first mismatch. It prints one final line, `PASS steps=<n>
// signals=<k>` or `FAIL step=<s> signal=<name> want=<h> got=<h>`.
func GenerateNetwork(n *ir.Net, steps int, stimFile, wantFile, vcd, version string) []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	sigs := NetworkSignals(n)
	nsig, top := len(sigs), "tb_"+n.ModuleName()
	p("// Code generated by scc %s. DO NOT EDIT.\n", or(version, "(devel)"))
	p("// Testbench of network %s: %d cycles against runtime/'s cycle model.\n", n.Name, steps)
	p("/* verilator lint_off DECLFILENAME */\n/* verilator lint_off UNUSEDSIGNAL */\n/* verilator lint_off INITIALDLY */\n/* verilator lint_off BLKSEQ */\n")
	p("module %s;\n  localparam integer STEPS = %d;\n  localparam integer NSIG = %d;\n\n", top, steps, nsig)
	p("  reg clk;\n  reg rst_n;\n  reg start;\n")
	conns := []string{".clk(clk)", ".rst_n(rst_n)", ".start(start)"}
	var got []string
	for _, l := range n.Layers {
		p("  wire [%d:0] %s;\n  wire %s;\n  wire %s;\n", l.Neurons-1, l.SpikesPort(), l.RunDonePort(), l.RunningPort())
		for _, port := range []string{l.SpikesPort(), l.RunDonePort(), l.RunningPort()} {
			conns = append(conns, fmt.Sprintf(".%s(%s)", port, port))
		}
		got = append([]string{l.RunningPort(), l.RunDonePort(), l.SpikesPort()}, got...)
	}
	p("  wire [NSIG-1:0] got = {%s}; // signal i is bit i\n", strings.Join(got, ", "))
	p("  reg [1:0] stim [0:STEPS-1]; // {reset, start}\n  reg [NSIG-1:0] want [0:STEPS-1];\n")
	maxLen := 1
	for _, s := range sigs {
		maxLen = max(maxLen, len(s))
	}
	p("  reg [%d:0] names [0:NSIG-1];\n", 8*maxLen-1)
	p("  integer step;\n  integer i;\n  integer nsig; // a variable bound: verilator must not unroll the check loop\n  integer failed;\n\n")
	p("  %s dut (\n    %s\n  );\n\n", n.ModuleName(), strings.Join(conns, ",\n    "))
	p("  initial begin\n")
	for i, s := range sigs {
		p("    names[%d] = %q;\n", i, s)
	}
	p("  end\n\n  initial clk = 1'b0;\n  always #5 clk = ~clk;\n\n")
	p("  initial begin\n    rst_n = 1'b0;\n    start = 1'b0;\n    failed = 0;\n    nsig = NSIG;\n")
	p("    $readmemh(%q, stim);\n    $readmemh(%q, want);\n", stimFile, wantFile)
	p("    $dumpfile(%q);\n    $dumpvars(0, %s);\n", vcd, top)
	p("    for (step = 0; step < STEPS && failed == 0; step = step + 1) begin\n")
	p("      rst_n = !stim[step][1];\n      start = stim[step][0];\n      @(negedge clk);\n")
	p("      for (i = 0; i < nsig; i = i + 1) begin\n")
	p("        if (failed == 0 && got[i] !== want[step][i]) begin\n")
	p("          $display(\"FAIL step=%%0d signal=%%0s want=%%h got=%%h\", step, names[i], want[step][i], got[i]);\n")
	p("          failed = 1;\n        end\n      end\n    end\n")
	p("    if (failed == 0) $display(\"PASS steps=%%0d signals=%%0d\", STEPS, NSIG);\n")
	p("    $finish;\n  end\nendmodule\n")
	return b.Bytes()
}

func networkStimHex(tr *NetworkTrace) []byte {
	var b bytes.Buffer
	for _, st := range tr.Steps {
		v := 0
		if st.Reset {
			v |= 2
		}
		if st.Start {
			v |= 1
		}
		fmt.Fprintf(&b, "%x\n", v)
	}
	return b.Bytes()
}

// networkWantHex writes each row as ceil(Signals/4) hex digits, bit 0 last.
func networkWantHex(tr *NetworkTrace) []byte {
	var b bytes.Buffer
	digits := (tr.Signals + 3) / 4
	for _, row := range tr.Want {
		for d := digits - 1; d >= 0; d-- {
			v := 0
			for k := 0; k < 4; k++ {
				if i := 4*d + k; i < tr.Signals && rt.Bit(row, i) {
					v |= 1 << k
				}
			}
			fmt.Fprintf(&b, "%x", v)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// parseNetworkOutput reads the testbench's single PASS or FAIL line.
func parseNetworkOutput(out string, tr *NetworkTrace, res *CosimResult) error {
	var last string
	n := 0
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "PASS ") || strings.HasPrefix(l, "FAIL ") {
			last = l
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("testbench printed %d PASS/FAIL lines, want exactly 1; output:\n%s", n, tail(out, 20))
	}
	kv := map[string]string{}
	for _, field := range strings.Fields(last)[1:] {
		k, v, _ := strings.Cut(field, "=")
		kv[k] = v
	}
	if strings.HasPrefix(last, "PASS") {
		steps, err1 := strconv.Atoi(kv["steps"])
		sigs, err2 := strconv.Atoi(kv["signals"])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("malformed result line %q", last)
		}
		if sigs != tr.Signals {
			return fmt.Errorf("testbench compared %d signals per step, want %d", sigs, tr.Signals)
		}
		res.Steps = steps
		return nil
	}
	step, err := strconv.Atoi(kv["step"])
	if err != nil {
		return fmt.Errorf("malformed result line %q", last)
	}
	mm := &Mismatch{Step: step, Signal: kv["signal"], GotText: kv["got"]}
	want, err := strconv.ParseInt(kv["want"], 16, 64)
	if err != nil {
		return fmt.Errorf("malformed result line %q", last)
	}
	mm.Want = want
	mm.Got, _ = strconv.ParseInt(kv["got"], 16, 64) // X or Z leaves Got 0
	res.Steps, res.Mismatches, res.First = step+1, 1, mm
	return nil
}
