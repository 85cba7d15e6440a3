package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const eqTestScript = `from brian2 import *
start_scope()
tau = 10*ms
EL = -70*mV
Vt = -50*mV
eqs = '''
dv/dt = (EL - v + R*I)/tau
        : volt (unless refractory)
R : ohm (constant)
I : amp
'''
defaultclock.dt = 0.1*ms
G = NeuronGroup(1, eqs, threshold='v > Vt', reset='v = EL',
                refractory=2*ms, method='exact')
G.v = EL
G.R = 100*Mohm
G.I = 0.3*nA
M = SpikeMonitor(G)
run(500*ms)
print(M.count)
`

// irBody drops what depends on the source's name and positions.
func irBody(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := regexp.MustCompile(`//.*|@\S+|module "[^"]*"`).ReplaceAllString(string(b), "")
	return regexp.MustCompile(`[ \t]+\n`).ReplaceAllString(s, "\n")
}

// TestEqFile: `scc eq --file` and `scc build` of a Brian2 script give the
// same IR, and so does the .snn that `scc eq --emit snn` writes (Brian2's
// refractory timing included); the script's input and run() become the
// unit's stimulus and steps.
func TestEqFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	py := filepath.Join(dir, "lif.py")
	if err := os.WriteFile(py, []byte(eqTestScript), 0o644); err != nil {
		t.Fatal(err)
	}
	eqIR, buildIR, snn, snnIR := filepath.Join(dir, "eq.ir"), filepath.Join(dir, "build.ir"),
		filepath.Join(dir, "lif.snn"), filepath.Join(dir, "snn.ir")
	// Ranges are given: the script's own stimulus (G.I) would otherwise
	// infer them, and the .snn carries no stimulus.
	ranges := []string{"--range", "v=-80mV:-40mV", "--range", "I=0nA:1nA"}
	for _, args := range [][]string{
		append([]string{"eq", "--file", py, "--emit", "ir", "-o", eqIR}, ranges...),
		append([]string{"build", py, "--emit", "ir", "-o", buildIR}, ranges...),
		{"eq", "--file", py, "--emit", "snn", "-o", snn},
		append([]string{"build", snn, "--emit", "ir", "-o", snnIR}, ranges...),
	} {
		if code, _, stderr := scc(t, args...); code != 0 {
			t.Fatalf("scc %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
		}
	}
	a := irBody(t, eqIR)
	if b := irBody(t, buildIR); a != b {
		t.Errorf("scc build %s differs from scc eq --file:\n%s\nvs\n%s", py, b, a)
	}
	if b := irBody(t, snnIR); a != b {
		t.Errorf("IR of the emitted .snn differs from scc eq --file:\n%s\nvs\n%s", b, a)
	}
	u, err := compileFile(py, compileOpts{}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if u.stim != "const:I=0.3" || u.steps != 5000 {
		t.Errorf("stim %q, steps %d; want const:I=0.3 (nA) and 5000 (500 ms / 0.1 ms)", u.stim, u.steps)
	}
}

// TestEqEmitSnnBrian: the .snn of equation strings with a Brian2
// refractory period (and condition) builds to the IR of scc eq itself.
func TestEqEmitSnnBrian(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i, refr := range []string{"2*ms", "0.25ms", "v > -60*mV"} {
		args := []string{"eq", "dv/dt = (-70*mV - v + I)/(10*ms) : volt (unless refractory)", "I : volt",
			"--init", "v=-70*mV", "--threshold", "v > -50*mV", "--reset", "v = -70*mV", "--refractory", refr}
		eqIR, snn, snnIR := filepath.Join(dir, "eq.ir"), filepath.Join(dir, "m.snn"), filepath.Join(dir, "snn.ir")
		if code, _, stderr := scc(t, append(args, "--emit", "ir", "-o", eqIR)...); code != 0 {
			t.Fatalf("case %d: scc eq: exit %d\n%s", i, code, stderr)
		}
		if code, _, stderr := scc(t, append(args, "--emit", "snn", "-o", snn)...); code != 0 {
			t.Fatalf("case %d: scc eq --emit snn: exit %d\n%s", i, code, stderr)
		}
		if code, _, stderr := scc(t, "build", snn, "--emit", "ir", "-o", snnIR); code != 0 {
			src, _ := os.ReadFile(snn)
			t.Fatalf("case %d: scc build of\n%s: exit %d\n%s", i, src, code, stderr)
		}
		if a, b := irBody(t, eqIR), irBody(t, snnIR); a != b {
			t.Errorf("--refractory %s: IR of the emitted .snn differs:\n%s\nvs\n%s", refr, b, a)
		}
	}
}

// TestEqFileErrors: a script's diagnostics carry the file's line and
// column, inside string arguments too, with the line and a caret.
func TestEqFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	py := filepath.Join(dir, "bad.py.txt")
	src := "eqs = '''\ndv/dt = (1 + )/ms : 1\n'''\nG = NeuronGroup(1, eqs)\nfor k in range(2):\n    run(1*ms)\n"
	if err := os.WriteFile(py, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"eq", "--file", py}, {"build", py, "--emit", "ir", "-o", filepath.Join(dir, "x.ir")}} {
		code, stdout, stderr := scc(t, args...)
		want := py + ":2:14: expected expression, found \")\"\n\tdv/dt = (1 + )/ms : 1\n\t             ^\n" +
			py + ":5:1: unsupported Python statement \"for\""
		if code != 1 || !strings.HasPrefix(stderr, want) || stdout != "" {
			t.Errorf("scc %s: exit %d, stdout %q, stderr\n%s\nwant prefix\n%s", args[0], code, stdout, stderr, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.ir")); err == nil {
		t.Error("a failed build wrote its output")
	}
	code, _, stderr := scc(t, "eq", "--file", py, "--param", "a=1")
	if code != 2 || !strings.Contains(stderr, "--param does not apply with --file") {
		t.Errorf("eq --file --param: exit %d\n%s", code, stderr)
	}
}
