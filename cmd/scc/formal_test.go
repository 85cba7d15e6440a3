package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"scc/formal"
	"scc/internal/tool"
)

// TestFormalLIF runs `scc formal -v` on the library LIF: every property
// line is PROVEN, the summary counts them and stderr reports the solver
// runs.
func TestFormalLIF(t *testing.T) {
	t.Parallel()
	tool.Need(t, "yosys", "yosys-smtbmc", "z3")
	code, out, errOut := scc(t, "formal", filepath.Join("..", "..", "models", "lif.snn"), "--depth", "6", "--timeout", "60", "-v")
	if code != 0 {
		t.Fatalf("scc formal lif.snn: exit %d\n%s%s", code, out, errOut)
	}
	if !regexp.MustCompile(`formal: k-induction up to k=\d+ of 15 properties: PASSED in `).MatchString(errOut) {
		t.Errorf("-v: no solver-run lines on stderr:\n%s", errOut)
	}
	for _, want := range []string{"PROVEN reset_v_q ", "PROVEN range_v_q ", "PROVEN refractory_silent ", "PROVEN step_spike ", "PROVEN nosat_"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`15 properties: 15 proven`).MatchString(out) || strings.Contains(out, "NOT PROVEN") {
		t.Errorf("summary: want 15 of 15 proven and no NOT PROVEN line:\n%s", out)
	}
}

// TestFormalFailure: a false user assertion fails with a trace, a table
// and exit status 1.
func TestFormalFailure(t *testing.T) {
	t.Parallel()
	tool.Need(t, "yosys", "yosys-smtbmc", "z3")
	dir := t.TempDir()
	src := filepath.Join(dir, "acc.snn")
	if err := os.WriteFile(src, []byte("model Acc {\n    input I in [0, 100]\n    state v = 0\n    v' = v + I\n    assert v <= 50\n    dt 1 ms\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := scc(t, "formal", src, "--depth", "8", "--keep", filepath.Join(dir, "k"))
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	m := regexp.MustCompile(`FAILED assert_5_5 at step (\d+): counterexample (\S+\.vcd)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no FAILED line for the assertion:\n%s", out)
	}
	if _, err := os.Stat(m[2]); err != nil {
		t.Errorf("counterexample: %v", err)
	}
	if !strings.Contains(out, "step  rst_n  en  I") {
		t.Errorf("no counterexample table:\n%s", out)
	}
}

// TestFormalUsage: bad invocations exit 2.
func TestFormalUsage(t *testing.T) {
	for _, args := range [][]string{
		{"formal"},
		{"formal", "--equiv", "a.sv"},
		{"formal", "--equiv", "a.sv", "b.sv"},
		{"formal", "x.snn", "--depth", "0"},
	} {
		if code, _, _ := scc(t, args...); code != 2 {
			t.Errorf("scc %v: exit %d, want 2", args, code)
		}
	}
}

// TestFormalEquivSeedLIF is the equivalence through the CLI: the
// RTL `scc build` emits for models/seed_lif.snn against the hand-written
// hdl/sc_lif_neuron.v, ports paired by --map, the refractory counters by
// --tap. Every line must be PROVEN; with a different refractory period the
// command exits 1 with a counterexample.
func TestFormalEquivSeedLIF(t *testing.T) {
	t.Parallel()
	tool.Need(t, "yosys", "yosys-smtbmc", "z3")
	dir := t.TempDir()
	sv := filepath.Join(dir, "seed_lif.sv")
	if code, out, errOut := scc(t, "build", filepath.Join("..", "..", "models", "seed_lif.snn"), "-o", sv); code != 0 {
		t.Fatalf("scc build: exit %d\n%s%s", code, out, errOut)
	}
	ref := filepath.Join("..", "..", "hdl", "sc_lif_neuron.v")
	args := func(period, timeout string) []string {
		return []string{"formal", "--equiv", sv, ref, "--top", "SeedLIF", "--ref-top", "sc_lif_neuron",
			"--map", "spike=spike_out", "--map", "v_q=v_out", "--tap", "_refr_q=refractory_counter",
			"--ref-param", "REFRACTORY_PERIOD=" + period, "--ref-param", "V_THRESHOLD=256", "--depth", "8", "--timeout", timeout}
	}
	code, out, errOut := scc(t, args("2", "120")...)
	if code != 0 {
		t.Fatalf("equivalence: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"PROVEN equal_spike ", "PROVEN equal_v_q ", "PROVEN tap__refr_q__refractory_counter ", "3 properties: 3 proven"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Without the (failed) counter correspondence the outputs' induction
	// is the hard multiplier problem: a short timeout leaves them bounded.
	code, out, errOut = scc(t, args("3", "10")...)
	if code != 1 || !strings.Contains(out, "FAILED ") || strings.Contains(out, "PROVEN equal_") {
		t.Errorf("REFRACTORY_PERIOD=3: exit %d, want 1 with a FAILED line and no output proven\n%s%s", code, out, errOut)
	}
}

// counterSV counts enabled cycles in 24 bits; hit is high the cycle after
// the count wraps, 2^24 cycles from reset.
const counterSV = `module ctr (input wire clk, input wire rst_n, input wire en, output reg hit);
    reg [23:0] c;
    always @(posedge clk or negedge rst_n)
        if (!rst_n) begin
            c <= 24'd0;
            hit <= 1'b0;
        end else if (en) begin
            c <= c + 24'd1;
            hit <= c == 24'hffffff;
        end
endmodule
`

// silentSV never raises hit: it differs from counterSV only 2^24 cycles
// from reset, beyond the reach of BMC, and the difference is no
// counterexample to induction that any engine could close.
const silentSV = `module ctr (input wire clk, input wire rst_n, input wire en, output reg hit);
    always @(posedge clk or negedge rst_n)
        if (!rst_n) hit <= 1'b0;
        else hit <= 1'b0;
endmodule
`

// TestFormalVerdicts: scc formal exits 0 only when every property is
// PROVEN; a property that holds only to the BMC depth exits 4 (not
// proven) and says so, unless --accept-bounded; FAILED exits 1
// (TestFormalFailure). That UNKNOWN is never accepted is
// TestPrintReportVerdicts' (no solver timeout makes it reliably).
func TestFormalVerdicts(t *testing.T) {
	t.Parallel()
	tool.Need(t, "yosys", "yosys-smtbmc", "z3")
	dir := t.TempDir()
	a, b := filepath.Join(dir, "counter.sv"), filepath.Join(dir, "silent.sv")
	for p, text := range map[string]string{a: counterSV, b: silentSV} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	equiv := func(x, y string, more ...string) []string {
		return append([]string{"formal", "--equiv", x, y, "--top", "ctr", "--timeout", "3"}, more...)
	}
	notProven := regexp.MustCompile(`(?m)^NOT PROVEN: 1 property holds only to depth (\d+)( \(accepted: --accept-bounded\))?$`)
	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		want   []string // in stdout
		accept bool     // the NOT PROVEN line says bounded was accepted
	}{
		// The counter with its count corresponded closes by 1-induction.
		{"proven", equiv(a, a, "--tap", "c=c"), 0, []string{"PROVEN equal_hit ", "2 properties: 2 proven"}, false},
		{"bounded", equiv(a, b), 4, []string{"BOUNDED equal_hit ", "1 properties: 0 proven, 1 bounded"}, false},
		{"bounded accepted", equiv(a, b, "--accept-bounded"), 0, []string{"BOUNDED equal_hit "}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := scc(t, tt.args...)
			if code != tt.code {
				t.Fatalf("scc %s: exit %d, want %d\n%s%s", strings.Join(tt.args, " "), code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			m := notProven.FindStringSubmatch(out)
			switch {
			case strings.HasPrefix(tt.name, "bounded") && m == nil:
				t.Errorf("no NOT PROVEN line for the bounded property:\n%s", out)
			case m != nil && (m[2] != "") != tt.accept:
				t.Errorf("NOT PROVEN line %q: accepted %v, want %v", m[0], m[2] != "", tt.accept)
			case tt.code == 0 && !tt.accept && strings.Contains(out, "NOT PROVEN"):
				t.Errorf("all proven, yet a NOT PROVEN line:\n%s", out)
			}
			if tt.code == 4 && !strings.Contains(errOut, "not proven (exit status 4)") {
				t.Errorf("stderr does not say why the status is 4:\n%s", errOut)
			}
		})
	}
}

// TestPrintReportVerdicts judges reports without a solver: the exit status
// of each mix of verdicts, the NOT PROVEN wording, and the engine on each
// result line only under -v.
func TestPrintReportVerdicts(t *testing.T) {
	res := func(name string, s formal.Status, depth int, engine string) formal.Result {
		return formal.Result{Prop: formal.Property{Name: name, Text: "text"}, Status: s, K: 2, Depth: depth, Engine: engine, Reason: "timeout"}
	}
	p, b, u, f := res("p", formal.Proven, 0, "pdr"), res("b", formal.Bounded, 11, "bmc"), res("u", formal.Unknown, 0, ""), res("f", formal.Failed, 0, "bmc3")
	b2 := res("b2", formal.Bounded, 7, "bmc")
	for _, tt := range []struct {
		name    string
		results []formal.Result
		v       verdict
		code    int
		line    string // the NOT PROVEN line, "" for none
	}{
		{"all proven", []formal.Result{p, p}, verdict{}, 0, ""},
		{"bounded", []formal.Result{p, b}, verdict{}, exitNotProven, "NOT PROVEN: 1 property holds only to depth 11"},
		{"bounded accepted", []formal.Result{p, b}, verdict{acceptBounded: true}, 0, "NOT PROVEN: 1 property holds only to depth 11 (accepted: --accept-bounded)"},
		{"two depths", []formal.Result{b, b2}, verdict{}, exitNotProven, "NOT PROVEN: 2 properties hold only to depths 7 to 11"},
		{"unknown", []formal.Result{p, b, u}, verdict{acceptBounded: true}, exitNotProven,
			"NOT PROVEN: 1 property holds only to depth 11 (accepted: --accept-bounded), 1 property is unknown (the solver did not finish)"},
		{"failed", []formal.Result{b, f, u}, verdict{acceptBounded: true}, 1,
			"NOT PROVEN: 1 property holds only to depth 11 (accepted: --accept-bounded), 1 property is unknown (the solver did not finish)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			err := printReport(&out, &formal.Report{Depth: 12, Results: tt.results}, "test", tt.v)
			code := 0
			var fe *failure
			var np *notProven
			switch {
			case errors.As(err, &fe):
				code = 1
			case errors.As(err, &np):
				code = exitNotProven
			case err != nil:
				t.Fatal(err)
			}
			if code != tt.code {
				t.Errorf("status %d, want %d\n%s", code, tt.code, out.String())
			}
			var got string
			for _, l := range strings.Split(out.String(), "\n") {
				if strings.HasPrefix(l, "NOT PROVEN") {
					got = l
				}
			}
			if got != tt.line {
				t.Errorf("NOT PROVEN line %q, want %q", got, tt.line)
			}
		})
	}
	for verbose, want := range map[bool][]string{
		false: {"PROVEN p (k=2) -- ", "BOUNDED b (depth 11) -- ", "UNKNOWN u: timeout -- ", "FAILED f at step 0: counterexample "},
		true:  {"PROVEN p (k=2; pdr) -- ", "BOUNDED b (depth 11; bmc) -- ", "UNKNOWN u: timeout -- ", "FAILED f at step 0 (bmc3): counterexample "},
	} {
		var out strings.Builder
		printReport(&out, &formal.Report{Depth: 12, Results: []formal.Result{p, b, u, f}}, "test", verdict{engines: verbose})
		for _, w := range want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("-v %v: output lacks %q:\n%s", verbose, w, out.String())
			}
		}
	}
}

// TestFormalExitStatusDocumented: scc --help lists status 4 and scc formal
// -h says when --accept-bounded turns it into 0.
func TestFormalExitStatusDocumented(t *testing.T) {
	if code, _, stderr := scc(t, "--help"); code != 0 || !strings.Contains(stderr, "4 not proven (scc formal") {
		t.Errorf("scc --help: exit %d, want 0 and status 4 in\n%s", code, stderr)
	}
	code, _, stderr := scc(t, "formal", "-h")
	if code != 0 || !regexp.MustCompile(`-accept-bounded\n\s+exit 0 .*(\n.*)*exit 4, not proven`).MatchString(stderr) {
		t.Errorf("scc formal -h: exit %d, want 0 and --accept-bounded with exit 4 in\n%s", code, stderr)
	}
}
