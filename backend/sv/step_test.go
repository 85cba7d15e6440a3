package sv

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"scc/internal/tool"
	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
	"scc/passes"
	"scc/sim"
)

// compileSNN runs the whole pipeline (parser, checker, irgen, passes) on
// src and returns the fixed-phase module; keep keeps parameters as data
// (generic Funcs).
func compileSNN(t testing.TB, name string, src []byte, keep bool) *ir.Module {
	t.Helper()
	f, err := parser.ParseFile(name, src)
	if err != nil {
		t.Fatal(err)
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := irgen.Lower(f, info, irgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := passes.Run(m, passes.Options{Check: true, KeepParams: keep}); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// libraryModule compiles models/<file> (specialised).
func libraryModule(t testing.TB, file string) *ir.Module {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("../../models", file))
	if err != nil {
		t.Fatal(err)
	}
	return compileSNN(t, file, src, false)
}

// stepSource returns the step modules of every Func of m after a header.
func stepSource(t testing.TB, m *ir.Module) []byte {
	t.Helper()
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	w.WriteString("/* verilator lint_off DECLFILENAME */\n")
	for _, f := range m.Funcs {
		w.WriteString("\n")
		if err := WriteStepModule(w, m, f); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.Bytes()
}

// runIcarus compiles files (name → source) with iverilog -g2012, top tb,
// runs vvp and returns its output; a run that does not print PASS fails.
func runIcarus(t testing.TB, files map[string][]byte) string {
	t.Helper()
	tool.Need(t, "iverilog", "vvp")
	dir := t.TempDir()
	var names []string
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	// Deterministic argument order.
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if names[j] < names[i] {
				names[i], names[j] = names[j], names[i]
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{"-g2012", "-s", "tb", "-o", "tb.vvp"}, names...)
	cmd := exec.CommandContext(ctx, "iverilog", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("iverilog: %v\n%s", err, out)
	}
	cmd = exec.CommandContext(ctx, "vvp", "-n", "tb.vvp")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("vvp: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "PASS") {
		t.Fatalf("testbench did not pass:\n%s", out)
	}
	return string(out)
}

// TestStepEqualsRegistered: for specialised library models, the step
// module between registers (reset to the initial words, loaded on en)
// equals the registered module cycle by cycle under random inputs and a
// random en, in Icarus.
func TestStepEqualsRegistered(t *testing.T) {
	for _, file := range []string{"lif.snn", "izhikevich.snn", "adex.snn"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			m := libraryModule(t, file)
			f := m.Funcs[0]
			var reg bytes.Buffer
			if err := Emit(&reg, m, Options{Top: f.Name}); err != nil {
				t.Fatal(err)
			}
			var tb strings.Builder
			tb.WriteString("module tb;\n  reg clk = 0, rst_n = 0, en = 0;\n  integer i, bad = 0;\n")
			for _, in := range f.Inputs {
				fmt.Fprintf(&tb, "  reg signed %s%s;\n", vec(in.Type.Width()), in.PortName())
			}
			fmt.Fprintf(&tb, "  wire spike;\n  reg spike_r;\n  wire spike_n;\n")
			for _, s := range f.States {
				w := vec(s.Type.Width())
				fmt.Fprintf(&tb, "  wire signed %s%s;\n  reg signed %s%s_r;\n  wire signed %s%s;\n", w, s.PortName(), w, s.Name, w, stepStateOut(s))
			}
			var conns, sconns []string
			conns = append(conns, ".clk(clk)", ".rst_n(rst_n)", ".en(en)", ".spike(spike)")
			for _, in := range f.Inputs {
				conns = append(conns, fmt.Sprintf(".%s(%s)", in.PortName(), in.PortName()))
				sconns = append(sconns, fmt.Sprintf(".%s(%s)", in.PortName(), in.PortName()))
			}
			for _, s := range f.States {
				conns = append(conns, fmt.Sprintf(".%s(%s)", s.PortName(), s.PortName()))
				sconns = append(sconns, fmt.Sprintf(".%s(%s_r)", stepStateIn(s), s.Name), fmt.Sprintf(".%s(%s)", stepStateOut(s), stepStateOut(s)))
			}
			sconns = append(sconns, ".spike_n(spike_n)")
			fmt.Fprintf(&tb, "  %s dut (%s);\n  %s step (%s);\n", f.ModuleName(), strings.Join(conns, ", "), StepModuleName(f), strings.Join(sconns, ", "))
			tb.WriteString("  always @(posedge clk or negedge rst_n)\n    if (!rst_n) begin\n      spike_r <= 1'b0;\n")
			for _, s := range f.States {
				fmt.Fprintf(&tb, "      %s_r <= %s;\n", s.Name, lit(s.Type.Width(), s.InitRaw))
			}
			tb.WriteString("    end else if (en) begin\n      spike_r <= spike_n;\n")
			for _, s := range f.States {
				fmt.Fprintf(&tb, "      %s_r <= %s;\n", s.Name, stepStateOut(s))
			}
			tb.WriteString("    end\n  always #5 clk = ~clk;\n  initial begin\n    #12 rst_n = 1;\n    for (i = 0; i < 3000; i = i + 1) begin\n      @(negedge clk);\n")
			tb.WriteString("      en = ($random % 8) != 0;\n")
			for _, in := range f.Inputs {
				// Mostly small inputs (the models' working range), some
				// full-scale words.
				fmt.Fprintf(&tb, "      %s = (i %% 7 == 0) ? $random : ($random %% 1024);\n", in.PortName())
			}
			tb.WriteString("      if (spike !== spike_r")
			for _, s := range f.States {
				fmt.Fprintf(&tb, " || %s !== %s_r", s.PortName(), s.Name)
			}
			tb.WriteString(") begin\n        bad = bad + 1;\n        if (bad < 5) $display(\"MISMATCH cycle %0d\", i);\n      end\n    end\n")
			tb.WriteString("    if (bad == 0) $display(\"PASS\"); else $display(\"FAIL %0d\", bad);\n    $finish;\n  end\nendmodule\n")
			runIcarus(t, map[string][]byte{"reg.sv": reg.Bytes(), "step.sv": stepSource(t, m), "tb.sv": []byte(tb.String())})
		})
	}
}

// TestStepGeneric: the step module of the generic LIF, with coefficient
// words from ir.ParamWords for random parameter sets, equals sim.Fixed on
// random states and inputs.
func TestStepGeneric(t *testing.T) {
	src, err := os.ReadFile("../../ir/testdata/lif_generic.ir")
	if err != nil {
		t.Fatal(err)
	}
	m := parseIR(t, src)
	f := m.Funcs[0]
	coefs := StepCoefs(f)
	if !f.Generic() || len(coefs) == 0 {
		t.Fatalf("%s: generic %v, %d coefs", f.Name, f.Generic(), len(coefs))
	}
	ref, err := sim.NewFixed(f)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ports := StepPorts(f)
	var tb strings.Builder
	tb.WriteString("module tb;\n  integer bad = 0;\n")
	var conns []string
	for _, p := range ports {
		kind := "reg"
		if p.Output {
			kind = "wire"
		}
		sg, wd := "", 0
		if p.Signed {
			sg, wd = " signed", p.Width
		}
		fmt.Fprintf(&tb, "  %s%s %s%s;\n", kind, sg, vec(wd), p.Name)
		conns = append(conns, fmt.Sprintf(".%s(%s)", p.Name, p.Name))
	}
	fmt.Fprintf(&tb, "  %s dut (%s);\n  initial begin\n", StepModuleName(f), strings.Join(conns, ", "))
	for k := 0; k < 400; k++ {
		vals := f.ParamDefaults()
		for i, p := range f.Params {
			if p.Range != nil {
				vals[i] = p.Range.Lo + rng.Float64()*(p.Range.Hi-p.Range.Lo)
			}
		}
		words, err := ir.ParamWords(f, vals)
		if err != nil {
			t.Fatal(err)
		}
		if err := ref.SetParams(vals); err != nil {
			t.Fatal(err)
		}
		in := make([]int64, len(f.Inputs))
		for _, p := range ports {
			if p.Output {
				continue
			}
			var x int64
			switch {
			case p.State >= 0:
				s := f.States[p.State]
				x = s.InitRaw + int64(rng.IntN(4000)) - 2000
				x = min(max(x, s.Type.Fmt.Min()), s.Type.Fmt.Max())
				if k%5 == 0 {
					x = s.Type.Fmt.Min() + rng.Int64N(s.Type.Fmt.Max()-s.Type.Fmt.Min()+1)
				}
				ref.State[p.State] = x
			case p.Input >= 0:
				tp := f.Inputs[p.Input].Type.Fmt
				x = tp.Min() + rng.Int64N(tp.Max()-tp.Min()+1)
				in[p.Input] = x
			default:
				x = words[coefs[p.Coef].ID]
			}
			fmt.Fprintf(&tb, "    %s = %s;\n", p.Name, lit(p.Width, x))
		}
		_ = ref.Step(in) // an assertion failure still commits
		fmt.Fprintf(&tb, "    #1;\n    if (spike_n !== 1'b%d", b2i(ref.Spike))
		for i, s := range f.States {
			fmt.Fprintf(&tb, " || %s !== %s", stepStateOut(s), lit(s.Type.Width(), ref.State[i]))
		}
		fmt.Fprintf(&tb, ") begin bad = bad + 1; $display(\"MISMATCH vector %d\"); end\n", k)
	}
	tb.WriteString("    if (bad == 0) $display(\"PASS\"); else $display(\"FAIL %0d\", bad);\n  end\nendmodule\n")
	runIcarus(t, map[string][]byte{"step.sv": stepSource(t, m), "tb.sv": []byte(tb.String())})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestStepLint: the step modules of library models (and a generic one)
// pass the three tools.
func TestStepLint(t *testing.T) {
	src, err := os.ReadFile("../../ir/testdata/lif_generic.ir")
	if err != nil {
		t.Fatal(err)
	}
	mods := []*ir.Module{parseIR(t, src)}
	for _, file := range []string{"lif.snn", "izhikevich.snn", "delta_lif.snn"} {
		mods = append(mods, libraryModule(t, file))
	}
	for _, m := range mods {
		var tops []string
		for _, f := range m.Funcs {
			tops = append(tops, StepModuleName(f))
		}
		lintAll(t, stepSource(t, m), tops, false)
	}
}
