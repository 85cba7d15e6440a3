package irgen_test

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
)

// Brian2's methods against float64 implementations of Brian2's formulas
// (brian2/stateupdaters/explicit.py, exponential_euler.py) written here
// independently of irgen. Every lowered Func goes through the IR text
// first, as cmd/scc does, so the flags it carries must survive it.

// roundTrip prints and parses m, failing when the text changes.
func roundTrip(t *testing.T, m *ir.Module) *ir.Func {
	t.Helper()
	text := m.String()
	back, err := ir.Parse(text)
	if err != nil {
		t.Fatalf("ir.Parse(m.String()): %v\n%s", err, text)
	}
	if again := back.String(); again != text {
		t.Fatalf("IR text round trip changed the module")
	}
	return back.Funcs[0]
}

// lowerBrian parses Brian2 equations (parser.ParseBrian), checks and lowers
// them. A checker error skips the test when skip is set (features the
// checker does not give yet).
func lowerBrian(t *testing.T, opt parser.BrianOptions) (*ir.Module, error) {
	t.Helper()
	model, err := parser.ParseBrian(opt)
	if err != nil {
		t.Fatalf("ParseBrian: %v", err)
	}
	f := &lang.File{Name: "eq", Decls: []lang.Decl{model}}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return irgen.Lower(f, info, irgen.Options{})
}

func mustLowerBrian(t *testing.T, opt parser.BrianOptions) *ir.Func {
	t.Helper()
	m, err := lowerBrian(t, opt)
	if err != nil {
		t.Fatalf("Lower: %v", err)
	}
	return roundTrip(t, m)
}

func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

// TestExpEulerHH: Hodgkin–Huxley under exponential_euler (gating rates
// depend on v, the v equation's coefficient on m, h, n) follows Brian2's
// x' = −B/A + (x + B/A)·e^(A·dt) per state from pre-step values, state by
// state for 100 ms, and fires.
func TestExpEulerHH(t *testing.T) {
	m := compile(t, "hh.snn", readModel(t, "../models/hodgkin_huxley.snn", "    method exponential_euler"), irgen.Options{})
	f := roundTrip(t, m)
	const (
		gNa, gK, gL   = 120.0, 36.0, 0.3
		ENa, EK, EL   = 50.0, -77.0, -54.4
		I, dt, nsteps = 10.0, 0.02, 5000
	)
	ee := func(x, A, B float64) float64 { return -B/A + (x+B/A)*math.Exp(A*dt) }
	ref := []float64{-65, -65, 0.05, 0.6, 0.32} // v, v_prev, m, h, n
	s := initial(f)
	var got, want int
	for n := 0; n < nsteps; n++ {
		v, m, h, nn := ref[0], ref[2], ref[3], ref[4]
		am := 0.1 * (v + 40) / (1 - math.Exp(-(v+40)/10))
		bm := 4 * math.Exp(-(v+65)/18)
		ah := 0.07 * math.Exp(-(v+65)/20)
		bh := 1 / (1 + math.Exp(-(v+35)/10))
		an := 0.01 * (v + 55) / (1 - math.Exp(-(v+55)/10))
		bn := 0.125 * math.Exp(-(v+65)/80)
		gna, gk := gNa*m*m*m*h, gK*nn*nn*nn*nn
		next := []float64{
			ee(v, -(gna + gk + gL), gna*ENa+gk*EK+gL*EL+I),
			v,
			ee(m, -(am + bm), am),
			ee(h, -(ah + bh), ah),
			ee(nn, -(an + bn), an),
		}
		if next[0] >= 0 && v < 0 {
			want++
		}
		ref = next
		var spike bool
		s, spike = step(t, f, s, []float64{I})
		if spike {
			got++
		}
		for i := range ref {
			if !near(s[i], ref[i]) {
				t.Fatalf("step %d: %s = %.15g, Brian2's exponential_euler gives %.15g", n, f.States[i].Name, s[i], ref[i])
			}
		}
	}
	if got != want || want < 5 {
		t.Errorf("%d spikes, reference %d (want several)", got, want)
	}
}

// TestExpEulerExpTerm: Brian2 collects the AdEx exponential, which reads
// v, into B (sympy's collect keeps exp(v) as a coefficient of v^0): A is
// −1/tau, and the step is −B/A + (v + B/A)·e^(−dt/tau) with B from the
// pre-step v.
func TestExpEulerExpTerm(t *testing.T) {
	m := compile(t, "adex.snn", readModel(t, "../models/adex.snn", "    method exponential_euler"), irgen.Options{})
	f := roundTrip(t, m)
	const (
		vRest, vReset, vTh, vRh, DT = -65.0, -68.0, -45.0, -55.0, 2.0
		tau, tauW, a, b, C, I, dt   = 20.0, 100.0, 0.5e-3, 7e-3, 0.2, 0.3, 0.1 // uS, nA, nF, nA
	)
	ee := func(x, A, B float64) float64 { return -B/A + (x+B/A)*math.Exp(A*dt) }
	v, w := vRest, 0.0
	s := initial(f)
	spikes := 0
	for n := 0; n < 3000; n++ {
		nv := ee(v, -1/tau, (vRest+DT*math.Exp((v-vRh)/DT))/tau+(I-w)/C)
		nw := ee(w, -1/tauW, a*(v-vRest)/tauW)
		spike := nv >= vTh
		if spike {
			nv, nw = vReset, nw+b
			spikes++
		}
		v, w = nv, nw
		var got bool
		s, got = step(t, f, s, []float64{I})
		if got != spike || !near(s[0], v) || !near(s[1], w) {
			t.Fatalf("step %d: v = %.15g w = %.15g spike %v, reference %.15g %.15g %v", n, s[0], s[1], got, v, w, spike)
		}
	}
	if spikes < 3 {
		t.Errorf("%d spikes in 300 ms, want several", spikes)
	}
}

// TestExpEulerErrors: a right side that is not A·x + B (a power of x
// other than 1, or no linear term at all) is a positioned error naming
// the state and the term; so are noise terms under exponential_euler.
func TestExpEulerErrors(t *testing.T) {
	for _, tt := range []struct {
		name, eq string
		want     []string
	}{
		{"square", "dv/dt = (v^2 / mV - v) / tau", []string{"in.snn:5:", "dv/dt = A*v + B", "v^2", "power 2"}},
		{"izhikevich", "dv/dt = (0.04 / mV * v * v + 5 * v + 140 mV) / ms", []string{"in.snn:5:", "to the power 2"}},
		{"inverse", "dv/dt = -v / tau + mV * mV / v / ms", []string{"in.snn:5:", "power -1"}},
		{"nolinear", "dv/dt = mV * exp(v / mV) / tau", []string{"in.snn:5:", "no term is linear"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "model M {\n    method exponential_euler\n    param tau = 10 ms\n    state v = -60 mV\n    " + tt.eq + "\n}\n"
			_, err := lowerText(t, "in.snn", []byte(src), irgen.Options{})
			if err == nil {
				t.Fatalf("no error for %s", tt.eq)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	// Accepted: linear in v with coefficients reading other states and v
	// inside a function (Brian2's conditionally linear systems).
	src := "model M {\n    method exponential_euler\n    param tau = 10 ms\n    state v = -60 mV\n    state u = 1\n" +
		"    dv/dt = (-v * u * exp(v / mV / 100) + u * 3 mV) / tau\n    du/dt = (1 - u) / tau + v * u / mV / tau / 1000\n}\n"
	if _, err := lowerText(t, "in.snn", []byte(src), irgen.Options{}); err != nil {
		t.Errorf("conditionally linear model rejected: %v", err)
	}
}

// normals returns n standard normal samples clamped to ±6, seeded.
func normals(seed int64, n int) []float64 {
	r := rand.New(rand.NewSource(seed))
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Max(-6, math.Min(6, r.NormFloat64()))
	}
	return x
}
