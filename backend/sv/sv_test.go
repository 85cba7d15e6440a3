package sv

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"scc/internal/tool"
	"scc/ir"
)

var update = os.Getenv("SCC_UPDATE") != ""

func section(a *txtar.Archive, name string) []byte {
	for _, f := range a.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

func setSection(a *txtar.Archive, name string, data []byte) {
	for i, f := range a.Files {
		if f.Name == name {
			a.Files[i].Data = data
			return
		}
	}
	a.Files = append(a.Files, txtar.File{Name: name, Data: data})
}

func readArchive(t *testing.T, path string) *txtar.Archive {
	t.Helper()
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func writeArchive(t *testing.T, path string, a *txtar.Archive) {
	t.Helper()
	if err := os.WriteFile(path, txtar.Format(a), 0o644); err != nil {
		t.Fatal(err)
	}
}

func parseIR(t *testing.T, src []byte) *ir.Module {
	t.Helper()
	m, err := ir.Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func emit(t *testing.T, m *ir.Module, opt Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Emit(&b, m, opt); err != nil {
		t.Fatalf("Emit: %v", err)
	}
	return b.Bytes()
}

// goldenOpts is what every golden case is emitted with.
var goldenOpts = Options{Version: "test"}

// TestInputsUpToDate keeps the in.ir sections in sync with their sources:
// lif.txtar with ir/testdata/lif_fixed.ir, zoo.txtar with zooModule.
func TestInputsUpToDate(t *testing.T) {
	lif, err := os.ReadFile("../../ir/testdata/lif_fixed.ir")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file string
		want []byte
	}{
		{"testdata/lif.txtar", lif},
		{"testdata/zoo.txtar", []byte(zooModule().String())},
	} {
		t.Run(tc.file, func(t *testing.T) {
			a := &txtar.Archive{}
			if _, err := os.Stat(tc.file); err == nil {
				a = readArchive(t, tc.file)
			}
			got := section(a, "in.ir")
			if update && !bytes.Equal(got, tc.want) {
				setSection(a, "in.ir", tc.want)
				writeArchive(t, tc.file, a)
				return
			}
			if diff := cmp.Diff(string(tc.want), string(got)); diff != "" {
				t.Errorf("%s in.ir is stale (SCC_UPDATE=1 regenerates) (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}

// TestGolden emits the in.ir section of every testdata/*.txtar and compares
// it with the out.sv section (STYLE S12).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden cases")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			a := readArchive(t, file)
			m := parseIR(t, section(a, "in.ir"))
			if got := m.String(); got != string(section(a, "in.ir")) {
				t.Errorf("in.ir does not round-trip through ir.Parse and Print")
			}
			got := emit(t, m, goldenOpts)
			if update {
				setSection(a, "out.sv", got)
				writeArchive(t, file, a)
				return
			}
			if diff := cmp.Diff(string(section(a, "out.sv")), string(got)); diff != "" {
				t.Errorf("Emit(%s) differs from out.sv (-want +got):\n%s", file, diff)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, file := range []string{"testdata/lif.txtar", "testdata/zoo.txtar"} {
		src := section(readArchive(t, file), "in.ir")
		first := emit(t, parseIR(t, src), goldenOpts)
		for i := 0; i < 3; i++ {
			if again := emit(t, parseIR(t, src), goldenOpts); !bytes.Equal(first, again) {
				t.Fatalf("Emit(%s) run %d differs from run 0", file, i+1)
			}
		}
		// The module built in memory emits the same bytes as its text form.
		if file == "testdata/zoo.txtar" {
			if mem := emit(t, zooModule(), goldenOpts); !bytes.Equal(first, mem) {
				t.Errorf("Emit(zooModule()) differs from Emit(Parse(zoo.txtar in.ir))")
			}
		}
	}
}

func TestEveryFixedOpHasALowering(t *testing.T) {
	for _, op := range ir.FixedOps() {
		if !Lowers(op) {
			t.Errorf("Lowers(%v) = false, want true: every fixed-phase op needs an SV lowering", op)
		}
	}
	for _, op := range ir.Ops() {
		if !op.Info().Fixed && Lowers(op) {
			t.Errorf("Lowers(%v) = true for a real-phase-only op", op)
		}
	}
}

// TestZooCoversEveryOp holds the op zoo to its purpose: every fixed op and
// every rounding × overflow combination appears in it.
func TestZooCoversEveryOp(t *testing.T) {
	seen := map[ir.Op]bool{}
	casts := map[string]bool{}
	for _, f := range zooModule().Funcs {
		for _, v := range f.Entry().Values {
			seen[v.Op] = true
			if v.Op == ir.OpCast {
				casts[v.Round.String()+"/"+v.Overflow.String()] = true
			}
		}
	}
	for _, op := range ir.FixedOps() {
		if !seen[op] {
			t.Errorf("op zoo has no %v", op)
		}
	}
	for _, r := range rounds {
		for _, o := range overflows {
			if k := r.String() + "/" + o.String(); !casts[k] {
				t.Errorf("op zoo has no cast %s", k)
			}
		}
	}
}

func TestPreconditions(t *testing.T) {
	lif := section(readArchive(t, "testdata/lif.txtar"), "in.ir")
	real, err := os.ReadFile("../../ir/testdata/lif_real.ir")
	if err != nil {
		t.Fatal(err)
	}
	broken := parseIR(t, lif)
	broken.Funcs[0].Entry().Values[4].Args = nil // ne without operands
	for _, tc := range []struct {
		name string
		m    *ir.Module
		opt  Options
		want string
	}{
		{"real phase", parseIR(t, real), Options{}, "real phase, want fixed"},
		{"unverified", broken, Options{}, "has 0 args, want 2"},
		{"unknown top", parseIR(t, lif), Options{Top: "Izhikevich"}, `no func "Izhikevich"`},
		{"nil", nil, Options{}, "nil module"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			err := Emit(&b, tc.m, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Emit() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestPortsAndHeader checks the DESIGN §4 interface and the header.
func TestPortsAndHeader(t *testing.T) {
	out := string(emit(t, parseIR(t, section(readArchive(t, "testdata/lif.txtar"), "in.ir")), Options{Version: "1.2.3"}))
	for _, want := range []string{
		"// Code generated by scc 1.2.3 from lif.snn. DO NOT EDIT.\n",
		"module LIF (\n  input wire clk,\n  input wire rst_n,\n  input wire en,\n  input wire signed [15:0] I,\n  output reg spike,\n  output reg signed [15:0] v_q,\n  output reg signed [5:0] _refr_q\n);\n",
		"always @(posedge clk or negedge rst_n)",
		"v_q <= 16'hbf00;",
		"// lif.snn:9:14",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Emit(lif) lacks %q", want)
		}
	}
	if !strings.HasPrefix(out, "// Code generated by scc 1.2.3") {
		t.Errorf("Emit(lif) does not start with the generated-code header")
	}
}

// TestWireNamesAvoidPorts: a state named v0 has port v0_q, which a helper
// wire of value 0 could be called; the emitter must pick another prefix.
func TestWireNamesAvoidPorts(t *testing.T) {
	src := `module "clash.snn" fixed

func Clash @1:1 {
  dt 1
  format q8.8
  round floor
  overflow wrap
  state "v0" : q8.8 = 0 raw 0 @2:3
  input "v1" : q8.8 @3:3
b0:
  v0 = input "v1" : q8.8 @4:3
  v1 = const 0 : q8.8 @4:3
  v2 = div v0, v1 : q8.8 @4:3
  v3 = next "v0", v2 @4:3
}
`
	out := string(emit(t, parseIR(t, []byte(src)), Options{}))
	if !strings.Contains(out, "wire [15:0] _v2 =") || strings.Contains(out, "wire [15:0] v2 ") {
		t.Errorf("Emit(clash) did not rename wires away from ports v0_q, v1:\n%s", out)
	}
	lintAll(t, []byte(out), []string{"Clash"}, true)
}

// TestToolsAccept runs the RTL dialect check of DESIGN §6 on every golden
// case: iverilog -g2012, verilator --lint-only -Wall with zero warnings,
// and yosys read_verilog -sv + synth.
func TestToolsAccept(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			a := readArchive(t, file)
			m := parseIR(t, section(a, "in.ir"))
			var tops []string
			for _, f := range m.Funcs {
				tops = append(tops, f.ModuleName())
			}
			lintAll(t, emit(t, m, goldenOpts), tops, file != "testdata/zoo.txtar")
		})
	}
}

// lintAll runs the three tools on src. Without full, yosys runs only the
// coarse part of synth (up to techmapping): the op zoo's dozens of wide
// dividers take minutes in abc and say nothing more about the dialect.
func lintAll(t *testing.T, src []byte, tops []string, full bool) {
	t.Helper()
	tool.Need(t, "iverilog", "verilator", "yosys")
	dir := t.TempDir()
	file := filepath.Join(dir, "out.sv")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil || (name == "verilator" && len(bytes.TrimSpace(out)) > 0) {
			t.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	run("iverilog", "-g2012", "-o", "/dev/null", "out.sv")
	for _, top := range tops {
		run("verilator", "--lint-only", "-Wall", "--top-module", top, "out.sv")
	}
	var script strings.Builder
	script.WriteString("read_verilog -sv out.sv; ")
	for _, top := range tops {
		script.WriteString("design -push-copy; synth -top " + top)
		if !full {
			script.WriteString(" -run :fine")
		}
		script.WriteString("; design -pop; ")
	}
	run("yosys", "-q", "-p", script.String())
}
