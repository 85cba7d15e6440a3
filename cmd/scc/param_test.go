package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParamOverrideIsSourceEdit: `scc build --param NAME=VALUE` gives
// byte-identical SystemVerilog and MLIR to the source with that parameter's
// value edited (parameters are IR data that const-fold specialises).
func TestParamOverrideIsSourceEdit(t *testing.T) {
	const ranged = "param tau     = 20 ms in [10 ms, 30 ms]"
	tests := []struct {
		model, old, new, flag string
	}{
		// A ranged parameter goes through quantize as data and is bound
		// after it (passes: bind): still exactly the edited source. The
		// test first declares the range in the model it edits.
		{"lif.snn", ranged, "param tau     = 13 ms in [10 ms, 30 ms]", "tau=13ms"},
		{"lif.snn", "param tau     = 20 ms", "param tau     = 13 ms", "tau=13ms"},
		{"lif.snn", "param R       = 1 Mohm", "param R       = 2 Mohm", "R=2Mohm"},
		{"lif.snn", "param v_th    = -50 mV", "param v_th    = -52 mV", "v_th=-52mV"},
		{"izhikevich.snn", "param b = 0.2", "param b = 0.3", "b=0.3"},
		{"izhikevich.snn", "param d = 8 mV", "param d = 9 mV", "d=9mV"},
		{"coba_lif.snn", "param g_L     = 10 nS", "param g_L     = 12 nS", "g_L=12nS"},
	}
	for _, tt := range tests {
		t.Run(tt.model+"/"+tt.flag, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("..", "..", "models", tt.model))
			if err != nil {
				t.Fatal(err)
			}
			if tt.old == ranged {
				src = []byte(strings.Replace(string(src), "param tau     = 20 ms", tt.old, 1))
			}
			edited := strings.Replace(string(src), tt.old, tt.new, 1)
			if edited == string(src) {
				t.Fatalf("%q not in %s", tt.old, tt.model)
			}
			if len(tt.old) != len(tt.new) {
				t.Fatalf("edit changes columns: %q -> %q", tt.old, tt.new)
			}
			t.Chdir(t.TempDir()) // relative paths, so the headers name a/ and b/ alike
			a, b := filepath.Join("a", tt.model), filepath.Join("b", tt.model)
			writeFiles(t, map[string]string{a: string(src), b: edited})
			for _, emit := range []string{"sv", "mlir"} {
				flagged := buildOut(t, a, "--emit", emit, "--param", tt.flag)
				if flagged != buildOut(t, b, "--emit", emit) {
					t.Errorf("%s: --param %s differs from the edited source", emit, tt.flag)
				}
				if flagged == buildOut(t, a, "--emit", emit) {
					t.Errorf("%s: --param %s changed nothing: the test would pass vacuously", emit, tt.flag)
				}
			}
		})
	}
}

// TestParamOutsideDeclaredRange: --param must stay inside a declared
// range; the error names the parameter and the range, exit 1, no output.
func TestParamOutsideDeclaredRange(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "models", "lif.snn"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "lif.snn")
	ranged := strings.Replace(string(src), "param tau     = 20 ms", "param tau     = 20 ms in [10 ms, 30 ms]", 1)
	if err := os.WriteFile(in, []byte(ranged), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.sv")
	code, _, stderr := scc(t, "build", in, "--param", "tau=40ms", "-o", out)
	if code != 1 || !strings.Contains(stderr, `value 40 of parameter "tau" lies outside its declared range [10, 30]`) {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed build wrote %s", out)
	}
	// The ranged module differs from the unranged one: its coefficient of
	// dt/tau is sized for [10, 30] ms, not for 20 ms alone.
	plain := filepath.Join(dir, "plain.sv")
	rng := filepath.Join(dir, "ranged.sv")
	if code, _, e := scc(t, "build", filepath.Join("..", "..", "models", "lif.snn"), "-o", plain); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := scc(t, "build", in, "-o", rng); code != 0 {
		t.Fatal(e)
	}
	a, _ := os.ReadFile(plain)
	b, _ := os.ReadFile(rng)
	if string(a[strings.Index(string(a), "module"):]) == string(b[strings.Index(string(b), "module"):]) {
		t.Errorf("declaring tau's range changed nothing in the RTL")
	}
}

// TestPopulationOverrideIsSourceEdit: `scc build --top POP` builds the
// population's neuron module, its model with the population's parameter
// overrides: byte-identical to the model with those defaults edited.
func TestPopulationOverrideIsSourceEdit(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "models", "lif.snn"))
	if err != nil {
		t.Fatal(err)
	}
	net := "\nnetwork N {\n    pop exc = LIF[10] { tau = 13 ms; v_th = -52 mV }\n}\n"
	edited := strings.NewReplacer("param tau     = 20 ms", "param tau     = 13 ms",
		"param v_th    = -50 mV", "param v_th    = -52 mV").Replace(string(src))
	t.Chdir(t.TempDir())
	writeFiles(t, map[string]string{"a/lif.snn": string(src) + net, "b/lif.snn": edited + net})
	for _, emit := range []string{"sv", "mlir"} {
		pop := buildOut(t, "a/lif.snn", "--top", "exc", "--emit", emit)
		if pop != buildOut(t, "b/lif.snn", "--top", "LIF", "--emit", emit) {
			t.Errorf("%s: population exc differs from the edited model", emit)
		}
		if pop == buildOut(t, "a/lif.snn", "--top", "LIF", "--emit", emit) {
			t.Errorf("%s: the population's overrides changed nothing", emit)
		}
	}
}

// writeFiles writes each file (path → content), making its directories.
func writeFiles(t *testing.T, files map[string]string) {
	t.Helper()
	for p, s := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// buildOut runs `scc build SRC ARGS -o FILE` and returns FILE's content with
// SRC's path replaced by "M", so builds of two copies of a file compare.
func buildOut(t *testing.T, src string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	if code, _, e := scc(t, append(append([]string{"build", src}, args...), "-o", out)...); code != 0 {
		t.Fatalf("scc build %s %v: exit %d\n%s", src, args, code, e)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), src, "M")
}
