package lang_test

import (
	"math"
	"strings"
	"testing"

	"scc/lang"
	"scc/parser"
)

func check(t *testing.T, src string) *lang.Info {
	t.Helper()
	f, err := parser.ParseFile("t.snn", []byte(src))
	if err != nil {
		t.Fatalf("ParseFile: %v", err)
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return info
}

var (
	voltage = lang.Dim{2, 1, -3, -1}
	time    = lang.Dim{0, 0, 1}
)

func TestCheckFacts(t *testing.T) {
	info := check(t, `
model LIF {
    param k = 1 / tau          // reads a later param
    param tau = 20 ms
    param v_rest = -65 mV
    param big = 1 second
    input I : nA in [-1 nA, 2 nA]
    state v = v_rest in [-90 mV, 0 mV]
    state w = 0                // dimension inferred from its equation
    state h = 0                // no equation: dimensionless, held
    b = a * 2
    a = (v_rest - v) * k
    dv/dt = a + 1 Mohm * I / tau
    dw/dt = (v - w) / tau (unless refractory)
    spike when v >= -50 mV { v = v_rest }
    refractory 0.25 ms
    method rk4
    dt 0.1 ms
    format auto:16
    overflow wrap
    rounding half_even
}`)
	m := info.Models["LIF"]
	if m == nil || len(info.Order) != 1 {
		t.Fatalf("Models = %v, Order = %v", info.Models, info.Order)
	}
	if k := m.Params[0]; math.Abs(k.Value-0.05) > 1e-15 || k.Dim != (lang.Dim{0, 0, -1}) {
		t.Errorf("k = %v %v, want 0.05 frequency", k.Value, k.Dim)
	}
	if big := m.Params[3]; big.Value != 1000 || big.Dim != time {
		t.Errorf("big = %v %v, want 1000 time", big.Value, big.Dim)
	}
	if r := m.Inputs[0].Range; r == nil || r.Lo != -1 || r.Hi != 2 {
		t.Errorf("I range = %v, want [-1, 2]", r)
	}
	v, w, h := m.States[0], m.States[1], m.States[2]
	if v.Init != -65 || v.Dim != voltage || v.Range == nil || v.Range.Lo != -90 {
		t.Errorf("v = %+v", v)
	}
	if w.Dim != voltage {
		t.Errorf("w dim = %v, want voltage (inferred from dw/dt)", w.Dim)
	}
	if !h.Dim.IsDimensionless() || h.Eq != nil {
		t.Errorf("h = %+v, want dimensionless and held", h)
	}
	if _, ok := v.Eq.(*lang.ODE); !ok {
		t.Errorf("v.Eq = %T, want *lang.ODE", v.Eq)
	}
	var order []string
	for _, l := range m.Lets {
		order = append(order, l.Name)
	}
	if got := strings.Join(order, " "); got != "a b" {
		t.Errorf("Lets = %s, want a b (dependency order)", got)
	}
	if s := m.Lookup("b"); s.Kind != lang.SymLet || m.Lets[s.Index].Name != "b" {
		t.Errorf("Lookup(b) = %+v", s)
	}
	if m.RefractorySteps != 3 || m.Method != "rk4" || m.Format != "auto:16" || m.Overflow != "wrap" ||
		m.Rounding != "half_even" || m.Dt != 0.1 {
		t.Errorf("refractory %d method %s format %s overflow %s rounding %s dt %v", m.RefractorySteps,
			m.Method, m.Format, m.Overflow, m.Rounding, m.Dt)
	}
	// 0.25 ms is 2.5 steps: rounded with a warning.
	if len(info.Warnings) != 1 || !strings.Contains(info.Warnings[0].Msg, "rounded to 3 steps") {
		t.Errorf("Warnings = %v", info.Warnings)
	}
	// Dimensions of subexpressions are recorded.
	ode := v.Eq.(*lang.ODE)
	if d, ok := info.Dims[ode.RHS]; !ok || d != voltage.Div(time) {
		t.Errorf("Dims[dv/dt rhs] = %v, %v", d, ok)
	}
}

func TestCheckDefaults(t *testing.T) {
	info := check(t, "model M {\n state v = 0\n v' = v\n}\n")
	m := info.Models["M"]
	if m.Method != "euler" || m.Format != "q8.8" || m.Overflow != "sat" || m.Rounding != "floor" ||
		m.Dt != 0.1 || m.Spike != nil || m.Refractory != nil || m.RefractorySteps != 0 {
		t.Errorf("defaults: %+v", m)
	}
}

func TestEvalConst(t *testing.T) {
	info := check(t, `
model M {
    param a = 2 ms
    param b = a^2 / ms^2 + pow(2, 3) + exp(0) + clip(5, 0, 4) + max(1, 2)
    state v = 0
    v' = v
    dt 0.5 ms
}`)
	m := info.Models["M"]
	tests := []struct {
		expr lang.Expr
		want float64
	}{
		{m.Params[1].Param.Value, 4 + 8 + 1 + 4 + 2},
		{&lang.Binary{Op: "*", X: &lang.Ident{Name: "dt"}, Y: &lang.Ident{Name: "kHz"}}, 0.5},
		{&lang.Binary{Op: ">", X: &lang.Ident{Name: "a"}, Y: &lang.Number{Value: 1}}, 1},
	}
	for _, tt := range tests {
		got, err := lang.EvalConst(tt.expr, m)
		if err != nil || got != tt.want {
			t.Errorf("EvalConst(%s) = %v, %v, want %v", lang.FormatExpr(tt.expr), got, err, tt.want)
		}
	}
	if _, err := lang.EvalConst(&lang.Ident{Name: "v"}, m); err == nil {
		t.Error("EvalConst(v) of a state succeeded, want an error")
	}
}

func TestOverride(t *testing.T) {
	info := check(t, `
model M {
    param tau = 20 ms
    param k = 1 / tau
    param v0 = -65 mV
    state v = v0 in [v0, 0 mV]
    dv/dt = -v * k
    spike when v > 0 mV
    refractory 1 ms
}`)
	m := info.Models["M"]
	o, err := m.Override(map[string]float64{"tau": 10, "v0": -70}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if o.Params[1].Value != 0.1 || o.States[0].Init != -70 || o.States[0].Range.Lo != -70 ||
		o.Dt != 0.5 || o.RefractorySteps != 2 {
		t.Errorf("Override: k %v init %v lo %v dt %v steps %v", o.Params[1].Value, o.States[0].Init,
			o.States[0].Range.Lo, o.Dt, o.RefractorySteps)
	}
	if m.Params[1].Value != 0.05 || m.Dt != 0.1 {
		t.Error("Override modified the original")
	}
	if _, err := m.Override(map[string]float64{"nope": 1}, 0); err == nil {
		t.Error("Override of an unknown parameter succeeded")
	}
}

func TestValidFormat(t *testing.T) {
	for s, want := range map[string]bool{
		"q8.8": true, "q1.15": true, "uq0.16": true, "auto:16": true, "q32.32": true,
		"q0.16": false, "q8": false, "q40.40": false, "auto:1": false, "x8.8": false, "": false,
	} {
		if got := lang.ValidFormat(s); got != want {
			t.Errorf("ValidFormat(%q) = %v, want %v", s, got, want)
		}
	}
}
