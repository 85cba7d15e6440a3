package lang_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"scc/fixed"
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
	voltage = lang.NewDim(2, 1, -3, -1)
	time    = lang.NewDim(0, 0, 1)
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
	if k := m.Params[0]; math.Abs(k.Value-0.05) > 1e-15 || k.Dim != lang.NewDim(0, 0, -1) {
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
	want := lang.Profile{Format: fixed.Q88, Auto: 16, Round: fixed.HalfEven, Overflow: fixed.Wrap, Method: lang.RK4, Dt: 0.1}
	if m.RefractorySteps != 3 || m.Profile != want {
		t.Errorf("refractory %d, profile %+v; want 3, %+v", m.RefractorySteps, m.Profile, want)
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
	want := lang.Profile{Format: fixed.Q88, Round: fixed.Floor, Overflow: fixed.Sat, Method: lang.Euler, Dt: 0.1}
	if m.Profile != want || m.Profile != lang.DefaultProfile() || m.Spike != nil || m.Refractory != nil || m.RefractorySteps != 0 {
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

// TestNetworkProfile checks that a network's options form its typed
// profile over the defaults.
func TestNetworkProfile(t *testing.T) {
	info := check(t, "model M {\n state v = 0\n v' = v\n}\nnetwork N {\n dt 0.5 ms\n format q16.16\n overflow wrap\n pop p = M[2]\n}\n")
	want := lang.DefaultProfile()
	want.Dt, want.Format, want.Overflow = 0.5, fixed.Q(16, 16), fixed.Wrap
	if got := info.Networks[0].Profile; got != want {
		t.Errorf("network profile = %+v, want %+v", got, want)
	}
	if got := want.StateFormat(); got != (fixed.Profile{Format: fixed.Q(16, 16)}) {
		t.Errorf("StateFormat() = %v, want q16.16", got)
	}
}

// TestCheckEmptyFile: a file without declarations, even a zero-byte one, is
// an error at 1:1 (it used to compile to an empty output).
func TestCheckEmptyFile(t *testing.T) {
	f, err := parser.ParseFile("e.snn", nil)
	if err != nil {
		t.Fatalf("ParseFile(empty) = %v", err)
	}
	_, err = lang.Check(f)
	if err == nil || err.Error() != "e.snn:1:1: file declares no model or network" {
		t.Errorf("Check(empty) = %v, want e.snn:1:1: file declares no model or network", err)
	}
}

// TestOverrideDomain: a parameter override that puts a constant of an
// equation outside its function's domain, or an initial value outside its
// range, is an error of Override too.
func TestOverrideDomain(t *testing.T) {
	info := check(t, "model M {\n param k = 1\n param v0 = 0\n state v = v0 in [0, 1]\n v' = v * log(k)\n}\n")
	m := info.Models["M"]
	if _, err := m.Override(map[string]float64{"k": -1}, 0); err == nil || !strings.Contains(err.Error(), "outside the domain of log") {
		t.Errorf("Override(k = -1) = %v, want a domain error", err)
	}
	if _, err := m.Override(map[string]float64{"v0": 2}, 0); err == nil || !strings.Contains(err.Error(), "lies outside its declared range") {
		t.Errorf("Override(v0 = 2) = %v, want an initial value error", err)
	}
	if _, err := m.Override(map[string]float64{"k": 2, "v0": 0.5}, 0); err != nil {
		t.Errorf("Override(k = 2, v0 = 0.5) = %v, want nil", err)
	}
}

// TestEvalConstOverride: EvalConst reads parameters at their checked
// values, so on a model from Override an overridden parameter is the
// override (not its source's default) and a derived one follows it, also
// through a second Override that only changes dt.
func TestEvalConstOverride(t *testing.T) {
	info := check(t, `
model M {
    param a = 2 ms
    param b = 3 * a
    state v = 0
    v' = v
}`)
	m, err := info.Models["M"].Override(map[string]float64{"a": 5}, 0)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := m.Override(nil, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	for _, mm := range []*lang.ModelInfo{m, m2} {
		for _, tt := range []struct {
			name string
			want float64
		}{{"a", 5}, {"b", 15}} {
			if got, err := lang.EvalConst(&lang.Ident{Name: tt.name}, mm); err != nil || got != tt.want {
				t.Errorf("dt %g: EvalConst(%s) = %v, %v, want %v", mm.Dt, tt.name, got, err, tt.want)
			}
		}
		if mm.Params[0].Value != 5 || mm.Params[1].Value != 15 {
			t.Errorf("dt %g: Params = %g, %g, want 5, 15", mm.Dt, mm.Params[0].Value, mm.Params[1].Value)
		}
	}
}

// TestZeroTimesUnit: a bare 0 in a product is a plain number, so `0 * nS`
// is a conductance (Brian2 writes parameters so) and `0 * mV` a voltage
// that a current cannot be added to; a bare 0 alone still takes any
// dimension.
func TestZeroTimesUnit(t *testing.T) {
	const model = "model M {\n    param g = %s\n    input I : nA\n    state v : mV = 0 mV\n    dv/dt = (g * (0 mV - v) + I) / (200 pF)\n}\n"
	for _, ok := range []string{"0 * nS", "0 nS", "0 * uS / 1", "nS * 0"} {
		if info := check(t, fmt.Sprintf(model, ok)); info.Models["M"].Params[0].Dim != lang.NewDim(-2, -1, 3, 2) {
			t.Errorf("g = %s: dimension %v, want conductance", ok, info.Models["M"].Params[0].Dim)
		}
	}
	for _, bad := range []string{"0 * mV", "0 / ms"} {
		f, err := parser.ParseFile("t.snn", []byte(fmt.Sprintf(model, bad)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lang.Check(f); err == nil || !strings.Contains(err.Error(), "cannot add") {
			t.Errorf("g = %s: %v, want a dimension error", bad, err)
		}
	}
}
