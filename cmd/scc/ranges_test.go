package main

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	adexNoRanges = filepath.Join("testdata", "ranges", "adex_noranges.snn")
	noFit        = filepath.Join("testdata", "ranges", "nofit.snn")
)

// readTrace reads a `scc sim --csv` trace: its header and rows.
func readTrace(t *testing.T, path string) ([]string, [][]float64) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("%s: %v (%d rows)", path, err, len(recs))
	}
	var rows [][]float64
	for _, r := range recs[1:] {
		row := make([]float64, len(r))
		for j, c := range r {
			row[j], _ = strconv.ParseFloat(c, 64)
		}
		rows = append(rows, row)
	}
	return recs[0], rows
}

// TestFloatIzhikevichUnquantized: `scc sim --float` runs the model as
// written — parameters (a = 0.02/ms) and input (I = 10.3 mV, not a q8.8
// word) unquantized even under --format q8.8 — so its spike times and
// final state equal an independent float64 Euler stepper's.
func TestFloatIzhikevichUnquantized(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "iz.csv")
	code, _, stderr := scc(t, "sim", filepath.Join("..", "..", "models", "izhikevich.snn"), "--float", "--format", "q8.8",
		"--input", "const:I=10.3", "--steps", "3000", "--csv", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	hdr, rows := readTrace(t, out)
	if strings.Join(hdr, ",") != "step,I,spike,v,u" {
		t.Fatalf("header %v", hdr)
	}
	v, u := -65.0, -13.0
	const a, b, c, d, dt, I = 0.02, 0.2, -65.0, 8.0, 0.5, 10.3
	var want, got []int
	for s := 0; s < 3000; s++ {
		dv := 0.04*v*v + 5*v + 140 - u + I
		du := a * (b*v - u)
		nv, nu := v+dt*dv, u+dt*du
		if nv >= 30 {
			nv, nu = c, nu+d
			want = append(want, s)
		}
		v, u = nv, nu
		if rows[s][1] != I {
			t.Fatalf("step %d: input %v, want %v unquantized", s, rows[s][1], I)
		}
		if rows[s][2] == 1 {
			got = append(got, s)
		}
	}
	if len(want) < 10 || fmtInts(got) != fmtInts(want) {
		t.Errorf("spike steps\n got %v\nwant %v", got, want)
	}
	last := rows[len(rows)-1]
	if math.Abs(last[3]-v) > 1e-9*math.Abs(v) || math.Abs(last[4]-u) > 1e-9*math.Max(1, math.Abs(u)) {
		t.Errorf("final v=%v u=%v, want %v %v", last[3], last[4], v, u)
	}
}

func fmtInts(x []int) string {
	var s []string
	for _, v := range x {
		s = append(s, strconv.Itoa(v))
	}
	return "[" + strings.Join(s, " ") + "]"
}

// TestFloatWhenFixedFails: a model whose fixed-point build fails (its
// initial value does not fit q8.8) still simulates in float64, without the
// fixed-point errors; the bit-true commands still report them, as they are
// without inference (retried with inferred ranges, it fails too).
func TestFloatWhenFixedFails(t *testing.T) {
	t.Parallel()
	code, _, stderr := scc(t, "build", noFit, "-o", filepath.Join(t.TempDir(), "x.sv"))
	if code != 1 || !strings.Contains(stderr, "does not fit q8.8") || strings.Contains(stderr, "no declared range") {
		t.Fatalf("build: exit %d, want 1 with the fit error\n%s", code, stderr)
	}
	code, out, stderr := scc(t, "sim", noFit, "--float", "--input", "const:5", "--steps", "2000")
	if code != 0 || strings.Contains(stderr, "does not fit") {
		t.Fatalf("sim --float: exit %d\n%s%s", code, out, stderr)
	}
	// v relaxes from 500 toward 5 with τ = 100 steps: 500·(1−0.01)^2000 + ….
	m := regexp.MustCompile(`final v=(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no final state in %q", out)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	want := 5 + 495*math.Pow(0.99, 2000)
	if math.Abs(v-want) > 1e-9 {
		t.Errorf("final v = %v, want %v", v, want)
	}
}

// TestRangeInferenceAdEx: Brette–Gerstner AdEx without declared ranges
// (auto:32) compiles with inferred ranges and exactly one warning naming
// them; its bit-true model then keeps the float64 spike times; --range
// overrides inference; report shows which ranges were inferred; the
// outputs repeat byte for byte.
func TestRangeInferenceAdEx(t *testing.T) {
	t.Parallel()
	code, out, stderr := scc(t, "sim", adexNoRanges, "--input", "const:I=1", "--steps", "5000")
	if code != 0 {
		t.Fatalf("sim: exit %d\n%s", code, stderr)
	}
	if n := strings.Count(stderr, "no declared range"); n != 1 {
		t.Errorf("%d inference warnings, want 1:\n%s", n, stderr)
	}
	line := regexp.MustCompile(`warning: no declared range for vm, w, I; inferred by simulating .*: vm in \[(\S+) mV, (\S+) mV\], w in \[\S+ nA, \S+ nA\], I in \[0.95 nA, 1.05 nA\]`).FindStringSubmatch(stderr)
	if line == nil {
		t.Fatalf("no inference warning naming vm, w, I with units:\n%s", stderr)
	}
	// vm runs from EL = −70.6 mV up to the cut at VT + 5·ΔT = −40.4 mV.
	lo, _ := strconv.ParseFloat(line[1], 64)
	hi, _ := strconv.ParseFloat(line[2], 64)
	if lo > -70.6 || hi < -40.4 || lo < -90 || hi > -20 {
		t.Errorf("vm inferred [%g, %g], want around [-70.6, -40.4] plus the margin", lo, hi)
	}
	_, fout, _ := scc(t, "sim", adexNoRanges, "--input", "const:I=1", "--steps", "5000", "--float")
	spikes := regexp.MustCompile(` (\d+) spikes`)
	if f, x := spikes.FindStringSubmatch(fout), spikes.FindStringSubmatch(out); f == nil || x == nil || f[1] != x[1] || f[1] == "0" {
		t.Errorf("float64 and bit-true spike counts differ:\n%s%s", fout, out)
	}
	code, rep, stderr := scc(t, "report", adexNoRanges, "--input", "const:I=1", "--steps", "5000")
	if code != 0 {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	if !regexp.MustCompile(`(?m)^vm .*inferred \[`).MatchString(rep) || !strings.Contains(rep, "stimulus: const:I=1, 5000 steps") ||
		!strings.Contains(rep, "input ranges: I inferred [0.95, 1.05]") {
		t.Errorf("report does not show vm's range as inferred:\n%s", rep)
	}
	if a := agreementOf(t, rep); a < 0.95 {
		t.Errorf("agreement %g with inferred ranges, want ≥ 0.95:\n%s", a, rep)
	}
	// Byte-identical run to run: warnings and the bit-true trace.
	var runs [2]string
	for i := range runs {
		p := filepath.Join(t.TempDir(), "t.csv")
		_, _, e := scc(t, "sim", adexNoRanges, "--input", "const:I=1", "--steps", "3000", "--csv", p)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		runs[i] = e + string(b)
	}
	if runs[0] != runs[1] || !strings.Contains(runs[0], "no declared range") {
		t.Errorf("two runs differ (or infer nothing)")
	}
	// --range sets vm's; w and I are still inferred.
	code, rep, stderr = scc(t, "report", adexNoRanges, "--input", "const:I=1", "--steps", "1000", "--range", "vm=-90mV:-30mV")
	if code != 0 || !regexp.MustCompile(`(?m)^vm .*--range \[-90, -30\]`).MatchString(rep) ||
		!strings.Contains(stderr, "no declared range for w, I;") {
		t.Errorf("--range vm: exit %d\n%s%s", code, rep, stderr)
	}
	if code, _, stderr := scc(t, "sim", adexNoRanges, "--range", "x=0:1"); code != 1 || !strings.Contains(stderr, "--range x: no state or input") {
		t.Errorf("--range of an unknown name: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := scc(t, "sim", adexNoRanges, "--range", "vm=1:0"); code != 2 || !strings.Contains(stderr, "above the high end") {
		t.Errorf("--range lo > hi: exit %d\n%s", code, stderr)
	}
	// Without a stimulus or an input range there is nothing to sweep: the
	// model compiles as without inference.
	if code, _, stderr := scc(t, "build", adexNoRanges, "-o", filepath.Join(t.TempDir(), "a.sv")); code != 0 || strings.Contains(stderr, "no declared range") {
		t.Errorf("build without a stimulus: exit %d\n%s", code, stderr)
	}
}

// TestRangeLibraryUntouched: a library model declaring every range gets
// no inference (no warning; report says declared).
func TestRangeLibraryUntouched(t *testing.T) {
	t.Parallel()
	code, out, stderr := scc(t, "report", filepath.Join("..", "..", "models", "adex.snn"), "--steps", "500", "--seeds", "1")
	if code != 0 || strings.Contains(stderr, "no declared range") || !regexp.MustCompile(`(?m)^v .*declared \[-90, -40\]`).MatchString(out) {
		t.Errorf("exit %d\n%s%s", code, out, stderr)
	}
}
