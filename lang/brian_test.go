package lang_test

import (
	"math"
	"strings"
	"testing"

	"scc/lang"
	"scc/parser"
)

// checkMsg parses and checks src and returns the error text ("" when none).
func checkMsg(t *testing.T, src string) (*lang.Info, string) {
	t.Helper()
	f, err := parser.ParseFile("t.snn", []byte(src))
	if err != nil {
		t.Fatalf("ParseFile: %v", err)
	}
	info, err := lang.Check(f)
	if err != nil {
		return info, err.Error()
	}
	return info, ""
}

// TestShadowedNames: a model's names shadow units and constants (Brian2's
// V, e), while unit expressions still name units.
func TestShadowedNames(t *testing.T) {
	info := check(t, `
model M {
    param tau = 10 ms
    param mV = 2            // a parameter, in expressions; the unit in ": mV"
    param e = 3
    state V : mV = -65 mV
    dV/dt = -V / tau * mV / e
    spike when V > 0 volt { V = -65 mV }
}`)
	m := info.Models["M"]
	if s := m.Lookup("V"); s.Kind != lang.SymState {
		t.Fatalf("V resolves to %v", s.Kind)
	}
	if d := m.States[0].Dim; d != voltage {
		t.Errorf("V has dimension %v", d)
	}
	if s := m.Lookup("e"); s.Kind != lang.SymParam || m.Params[s.Index].Value != 3 {
		t.Errorf("e resolves to %v", s)
	}
	if s := m.Lookup("mV"); s.Kind != lang.SymParam || !m.Params[s.Index].Dim.IsDimensionless() {
		t.Errorf("mV resolves to %v", s)
	}
}

// TestConstants: pi, e and inf are Brian2's DEFAULT_CONSTANTS; inf takes
// any dimension (like a bare 0) and may be infinite only inside equations.
func TestConstants(t *testing.T) {
	info := check(t, `
model M {
    param w = 2 * pi * 10 Hz
    param k = e
    state v = -65 mV
    dv/dt = -clip(v, -inf, inf) / ms * k / e
    assert v < inf && v > -inf * mV
}`)
	m := info.Models["M"]
	if got, want := m.Params[0].Value, 2*math.Pi*10*1e-3; got != want {
		t.Errorf("w = %v, want %v", got, want)
	}
	if m.Params[1].Value != math.E {
		t.Errorf("k = %v", m.Params[1].Value)
	}
	if v, err := lang.EvalConst(&lang.Ident{Name: "pi"}, m); err != nil || v != math.Pi {
		t.Errorf("pi = %v, %v", v, err)
	}
	_, msg := checkMsg(t, "model M {\n    param x = inf\n    state v = 0\n    v' = v + x\n}\n")
	if !strings.Contains(msg, `t.snn:2:15: cannot evaluate "inf": value is not finite`) {
		t.Errorf("param x = inf: %q", msg)
	}
}

// TestTime: t has dimension time and sets UsesTime; a constant may not read it.
func TestTime(t *testing.T) {
	info := check(t, `
model M {
    param tau = 10 ms
    state v = 0 mV
    dv/dt = (sin(2 * pi * t / (100 ms)) * 1 mV - v) / tau
}`)
	if m := info.Models["M"]; !m.UsesTime {
		t.Errorf("UsesTime false")
	}
	if info := check(t, "model M {\n    state v = 0\n    v' = v + dt / ms\n}\n"); info.Models["M"].UsesTime {
		t.Errorf("UsesTime true without t")
	}
	_, msg := checkMsg(t, "model M {\n    param p = t\n    state v = 0\n    v' = v\n}\n")
	if !strings.Contains(msg, "t.snn:2:15: value of parameter \"p\" is not a constant expression: it reads the time \"t\"") {
		t.Errorf("param p = t: %q", msg)
	}
}

// TestNoise: xi and xi_<suffix> in an ODE's right side are noise terms of
// dimension second^-1/2, in order of first use.
func TestNoise(t *testing.T) {
	info := check(t, `
model M {
    param tau = 10 ms
    param sigma = 2 mV
    state v : mV = 0 mV
    state w = 0
    dw/dt = -w / tau + xi_b / sqrt(tau) + 0.5 * xi_a * sqrt(2 / tau)
    dv/dt = -v / tau + sigma * sqrt(2 / tau) * (xi - xi_b * w) + (2 / tau)**.5 * sigma * xi_a / 2
}`)
	m := info.Models["M"]
	if want := []string{"xi_b", "xi_a", "xi"}; strings.Join(m.Noise, " ") != strings.Join(want, " ") {
		t.Errorf("Noise = %v, want %v", m.Noise, want)
	}
	for i, n := range m.Noise {
		if s := m.Lookup(n); s.Kind != lang.SymNoise || s.Index != i {
			t.Errorf("Lookup(%s) = %v", n, s)
		}
	}
	if m.States[1].Dim != lang.Dimensionless {
		t.Errorf("w has dimension %v", m.States[1].Dim)
	}
	for _, tt := range []struct{ eq, want string }{
		{"dv/dt = -v / tau + xi * xi * mV * sqrt(ms) / sqrt(tau)", "t.snn:5:24: right side of dv/dt must be linear in the noise terms (f + g*xi with f and g free of noise terms), found xi * xi"},
		{"dv/dt = -v / tau + exp(xi * sqrt(ms)) * mV / tau", "t.snn:5:24: right side of dv/dt must be linear in the noise terms (f + g*xi with f and g free of noise terms), found exp(xi * sqrt(ms))"},
		{"dv/dt = -v / tau + mV / (xi * sqrt(tau)^3)", "t.snn:5:24: right side of dv/dt must be linear in the noise terms (f + g*xi with f and g free of noise terms), found mV / (xi * sqrt(tau)^3)"},
		{"dv/dt = -v / tau + n / tau\n    n = xi * sqrt(tau) * mV", `t.snn:6:9: a subexpression may read noise terms xi_<suffix>, not xi (as in Brian2): rename it xi_1`},
		{"dv/dt = -v / tau + n / tau\n    n = xi_1 * sqrt(tau) * mV\n    spike when n > 0 mV { v = 0 mV }", `t.snn:7:16: subexpression "n" reads a noise term: only the right side of a differential equation may read it`},
		{"dv/dt = -v / tau + n / tau\n    n = xi_1 * xi_2 * tau * mV", "t.snn:6:9: right side of dv/dt must be linear in the noise terms (f + g*xi with f and g free of noise terms), found xi_1 * xi_2"},
		{"dv/dt = -v / tau + n / tau\n    n = m * 2\n    m = xi_1 * sqrt(tau) * mV", ""},
		{"dv/dt = -v / tau + n / tau\n    state w : mV = n\n    n = xi_1 * sqrt(tau) * mV", `t.snn:7:9: initial value of "w" is not a constant expression: it reads noise term "xi_1"`},
		{"dv/dt = -v / tau + xi_1 * mV / sqrt(tau)\n    spike when v > xi_1 * mV { v = 0 mV }", `t.snn:6:20: noise term "xi_1" may appear only in the right side of a differential equation (dx/dt = f + g*xi)`},
		{"dv/dt = -v / tau\n    spike when v > 1 mV { v = xi * mV }", `t.snn:6:31: noise term "xi" may appear only in the right side of a differential equation (dx/dt = f + g*xi)`},
		{"v' = v + xi * mV", `t.snn:5:14: noise term "xi" may appear only in the right side of a differential equation (dx/dt = f + g*xi)`},
		{"dv/dt = -v / tau + xi * mV / sqrt(tau)\n    state w = 0\n    dw/dt = xi / sqrt(tau)", "t.snn:7:5: dw/dt reads xi, which dv/dt reads too: name independent noise terms xi_1, xi_2 (or one xi_<name> in both for the same realization), as Brian2 requires"},
		{"dv/dt = -v / tau + xi * mV", "t.snn:5:13: cannot add m^2*kg*s^-4*A^-1 and m^2*kg*s^-3.5*A^-1"},
		{"dv/dt = xi * mV", "t.snn:5:13: right side of dv/dt has dimension m^2*kg*s^-3.5*A^-1, expected m^2*kg*s^-4*A^-1 (dimension of \"v\" per time)"},
		{"dv/dt = -v / tau + xi_1 * mV / sqrt(tau)\n    state w = 0\n    dw/dt = xi_1 / sqrt(tau)", ""},
	} {
		src := "model M {\n    param tau = 10 ms\n    state v = 0 mV\n    input I\n    " + tt.eq + "\n}\n"
		_, msg := checkMsg(t, src)
		if msg != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.eq, msg, tt.want)
		}
	}
}

// TestRefractoryCondition: a boolean period is Brian2's refractory
// condition: RefractoryCond, no step count.
func TestRefractoryCondition(t *testing.T) {
	info := check(t, `
model M {
    param tau = 10 ms
    state v = 0 mV
    dv/dt = (20 mV - v) / tau (unless refractory)
    spike when v > 10 mV { v = 0 mV }
    refractory v > -20 mV && v < 5 mV
}`)
	m := info.Models["M"]
	if m.RefractoryCond == nil || m.RefractoryCond != m.Refractory.Period || m.RefractorySteps != 0 {
		t.Errorf("RefractoryCond %v, steps %d", m.RefractoryCond, m.RefractorySteps)
	}
	if o, err := m.Override(map[string]float64{"tau": 5}, 0.05); err != nil || o.RefractoryCond == nil || o.RefractorySteps != 0 {
		t.Errorf("Override of a refractory condition: %v", err)
	}
	src := "model M {\n    state v = 0\n    v' = v + 1\n    spike when v > 3 { v = 0 }\n    refractory v > 1 steps\n}\n"
	if _, msg := checkMsg(t, src); msg != `t.snn:5:16: a refractory condition takes no "steps": the neuron is refractory after a spike until the condition fails` {
		t.Errorf("condition with steps: %q", msg)
	}
}

// brianRefractory checks a model whose refractory item has Brian2's timing.
func brianRefractory(t *testing.T, period, dt string) (*lang.File, *lang.ModelInfo) {
	t.Helper()
	src := "model M {\n    dt " + dt + "\n    param tref = " + period + "\n    state v = 0 mV\n    dv/dt = (20 mV - v) / (10 ms) (unless refractory)\n" +
		"    spike when v > 10 mV { v = 0 mV }\n    refractory tref { v = 0 mV }\n}\n"
	f, err := parser.ParseFile("t.snn", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range f.Decls[0].(*lang.Model).Items {
		if r, ok := it.(*lang.Refractory); ok {
			r.Brian = true
		}
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatalf("%s at dt %s: %v", period, dt, err)
	}
	return f, info.Models["M"]
}

// TestBrianRefractorySteps: Brian2's refractory=P holds R − 1 updates of
// R = timestep(P, dt) = int((P + 1e-3*dt)/dt) (brian2/core/functions.py),
// worked out by hand here; Format prints it so that the .snn, parsed
// again without Brian2's timing, has the same count.
func TestBrianRefractorySteps(t *testing.T) {
	for _, tt := range []struct {
		period, dt string
		want       int
	}{
		{"2 ms", "0.1 ms", 19},      // R = 20
		{"2.05 ms", "0.1 ms", 19},   // 20.501 → 20 (scc's own rounding would give 21 − 1)
		{"2.099 ms", "0.1 ms", 19},  // 20.991 → 20
		{"2.0999 ms", "0.1 ms", 20}, // 20.9999 + 0.001 → 21
		{"0.3 ms", "0.1 ms", 2},     // 0.3/0.1 is 2.9999999999999996: the shift makes it 3
		{"0.05 ms", "0.1 ms", 0},    // R = 0: never held
		{"0.1 ms", "0.1 ms", 0},     // R = 1
		{"5 ms", "0.01 ms", 499},
		{"0 ms", "0.1 ms", 0},
	} {
		f, m := brianRefractory(t, tt.period, tt.dt)
		if m.RefractorySteps != tt.want {
			t.Errorf("Brian2 refractory %s at dt %s: %d steps, want %d", tt.period, tt.dt, m.RefractorySteps, tt.want)
		}
		out := lang.Format(f)
		if !strings.Contains(string(out), "refractory max(timestep(tref, dt) - 1, 0) steps { v = 0 mV }") {
			t.Errorf("Format:\n%s", out)
		}
		g, err := parser.ParseFile("f.snn", out)
		if err != nil {
			t.Fatalf("formatted: %v\n%s", err, out)
		}
		info, err := lang.Check(g)
		if err != nil {
			t.Fatalf("formatted: %v\n%s", err, out)
		}
		if got := info.Models["M"].RefractorySteps; got != tt.want {
			t.Errorf("formatted %s at dt %s: %d steps, want %d", tt.period, tt.dt, got, tt.want)
		}
		// Override recomputes it the Brian2 way for another dt.
		o, err := m.Override(map[string]float64{"tref": 1}, 0.25)
		if err != nil || o.RefractorySteps != 3 { // timestep(1, 0.25) = 4
			t.Errorf("Override: %d, %v", o.RefractorySteps, err)
		}
	}
	// Without Brian2's timing the count is scc's own: round(P/dt).
	src := "model M {\n    state v = 0\n    v' = v + 1\n    spike when v > 3 { v = 0 }\n    refractory 2 ms\n}\n"
	if info := check(t, src); info.Models["M"].RefractorySteps != 20 {
		t.Errorf("scc's refractory 2 ms: %d steps", info.Models["M"].RefractorySteps)
	}
	_, msg := checkMsg(t, "model M {\n    state v = 0\n    v' = v + timestep(1 ms, dt)\n}\n")
	if msg != "t.snn:3:14: timestep(t, dt) is allowed only in constant values (parameters, initial values, ranges, the refractory period)" {
		t.Errorf("timestep in an equation: %q", msg)
	}
	_, msg = checkMsg(t, "model M {\n    param n = timestep(1 mV, dt)\n    state v = 0\n    v' = v\n}\n")
	if msg != "t.snn:2:24: argument 1 of timestep(t, dt) must be a time, found voltage (m^2*kg*s^-3*A^-1)" {
		t.Errorf("timestep of a voltage: %q", msg)
	}
}

// TestInitExpressions: initial values read parameters, other states'
// initial values (in dependency order, whatever the source order) and
// subexpressions at the initial state (Brian2's G.u = 'b*v', G.n = 'n_inf').
func TestInitExpressions(t *testing.T) {
	info := check(t, `
model M {
    param b = 0.2 / ms
    param v0 = -65 mV
    state n = n_inf
    state u = b * v
    state m : 1 = 1 / (1 + exp(-(v - v0) / (5 mV))) + pi * 0
    state v : mV = v0 + 5 mV
    n_inf = 1 / (1 + exp(-(v + 55 mV) / (10 mV)))
    dv/dt = -(v - v0) / (10 ms) - u * 1 ms / ms
    du/dt = b * (b * v - u)
    dn/dt = (n_inf - n) / (5 ms)
    dm/dt = -m / ms
}`)
	m := info.Models["M"]
	v := -60.0
	want := map[string]float64{"v": v, "u": 0.2 * v, "n": 1 / (1 + math.Exp(-(v+55)/10)), "m": 1 / (1 + math.Exp(-1))}
	for _, s := range m.States {
		if math.Abs(s.Init-want[s.Name]) > 1e-15*math.Abs(want[s.Name]) {
			t.Errorf("init %s = %v, want %v", s.Name, s.Init, want[s.Name])
		}
	}
	if d := m.States[1].Dim; d != voltage.Div(time) {
		t.Errorf("u has dimension %v, want voltage/time", d)
	}
	o, err := m.Override(map[string]float64{"v0": -70}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if u := o.States[1].Init; u != 0.2*-65 {
		t.Errorf("Override: u = %v, want %v", u, 0.2*-65)
	}
	for _, tt := range []struct{ src, want string }{
		{"state a : mV = c\n    state c : mV = a + 1 mV", `t.snn:3:5: cycle in initial values: "a" -> "c" -> "a"`},
		{"state a : mV = l\n    l = a * 2", `t.snn:3:5: cycle in initial values: "a" -> "a"`},
		{"state a : mV = l\n    l = I * 1 Mohm", `t.snn:4:9: initial value of "a" is not a constant expression: it reads input "I"`},
		{"state a : mV = t / ms * mV", `t.snn:3:20: initial value of "a" is not a constant expression: it reads the time "t"`},
		{"state a : mV = 2 * c\n    state c = 1 ms", `t.snn:3:20: initial value of "a" has dimension time (s), expected voltage (m^2*kg*s^-3*A^-1)`},
	} {
		src := "model M {\n    input I : nA\n    " + tt.src + "\n}\n"
		if _, msg := checkMsg(t, src); msg != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.src, msg, tt.want)
		}
	}
}

// TestStepConstantSyntax: a let's `(constant over dt)` suffix sets
// Let.StepConstant, Format prints it back, and on an ODE it is an error.
func TestStepConstantSyntax(t *testing.T) {
	src := "model M {\n    param tau = 10 ms\n    state v = 0 mV\n    I = (20 mV - v) / tau (constant over dt)\n    J = -v / tau\n    dv/dt = I + J\n    method rk4\n}\n"
	f, err := parser.ParseFile("t.snn", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var lets []*lang.Let
	for _, it := range f.Decls[0].(*lang.Model).Items {
		if l, ok := it.(*lang.Let); ok {
			lets = append(lets, l)
		}
	}
	if len(lets) != 2 || !lets[0].StepConstant || lets[1].StepConstant {
		t.Fatalf("lets: %+v", lets)
	}
	if _, err := lang.Check(f); err != nil {
		t.Fatal(err)
	}
	out := lang.Format(f)
	if !strings.Contains(string(out), "    I = (20 mV - v) / tau (constant over dt)\n    J = -v / tau\n") {
		t.Errorf("Format:\n%s", out)
	}
	g, err := parser.ParseFile("f.snn", out)
	if err != nil {
		t.Fatal(err)
	}
	if again := lang.Format(g); string(again) != string(out) {
		t.Errorf("not idempotent:\n%s\n%s", out, again)
	}
	_, err = parser.ParseFile("t.snn", []byte("model M {\n    state v = 0\n    dv/dt = -v / ms (constant over dt)\n}\n"))
	if err == nil || !strings.Contains(err.Error(), `t.snn:3:5: (constant over dt) applies only to subexpressions, not to the equation of "v"`) {
		t.Errorf("on an ODE: %v", err)
	}
}

// TestFormatAuto: `format auto` asks for the format search (Auto < 0) and
// is auto:16 wherever a concrete profile is needed.
func TestFormatAuto(t *testing.T) {
	info := check(t, "model M {\n    format auto\n    state v = 0\n    v' = v\n}\nmodel N {\n    format auto:12\n    state v = 0\n    v' = v\n}\n")
	m := info.Models["M"]
	if m.Auto >= 0 {
		t.Errorf("format auto: Auto = %d, want < 0", m.Auto)
	}
	if sf := m.StateFormat(); sf.Auto != 16 || sf.String() != "auto:16" {
		t.Errorf("format auto: StateFormat %v", sf)
	}
	if n := info.Models["N"]; n.Auto != 12 || n.StateFormat().String() != "auto:12" {
		t.Errorf("format auto:12: %d %v", n.Auto, n.StateFormat())
	}
	if _, msg := checkMsg(t, "model M {\n    format automatic\n    state v = 0\n    v' = v\n}\n"); !strings.Contains(msg, `t.snn:2:5: expected q<I>.<F>, uq<I>.<F> or auto:<W>, found "automatic"`) {
		t.Errorf("format automatic: %q", msg)
	}
}

// TestAreaUnits: HH-type densities in .snn, as Brian2 writes them.
func TestAreaUnits(t *testing.T) {
	info := check(t, `
model HH {
    param area = 20000 * umetre**2
    param Cm = 1 ufarad * cm**-2 * area
    param gna = 100 msiemens / cm2 * area
    param r = 1 cm2 / um2
    param c = 1 mM
    param g = 0 * nS
    state V : volt = -65 mV
    input I : uF / cm**2 * mV / ms
    dV/dt = (g * (50 mV - V) + I * area) / Cm + 0 * c / mM / ms * mV
}`)
	if len(info.Warnings) != 0 {
		t.Errorf("warnings: %v", info.Warnings)
	}
	w := check(t, "model M {\n    param area = 20000 umetre**2\n    state v = 0\n    v' = v\n}\n")
	if len(w.Warnings) != 1 || w.Warnings[0].Error() != "t.snn:2:18: 20000 umetre^2 raises the quantity to the power, unit suffix and all; for the unit alone write 20000 * umetre^2" {
		t.Errorf("warnings: %v", w.Warnings)
	}
	m := info.Models["HH"]
	want := map[string]float64{"area": 2e-4, "Cm": 2e-4 * 1e3, "gna": 100 * 2e-4 * 1e3, "r": 1e8, "c": 1, "g": 0}
	for _, p := range m.Params {
		if w := want[p.Name]; math.Abs(p.Value-w) > 1e-12*math.Abs(w) {
			t.Errorf("%s = %v, want %v", p.Name, p.Value, w)
		}
	}
	if d := m.Params[0].Dim; d != lang.NewDim(2) {
		t.Errorf("area: %v", d)
	}
	if d := m.Params[5].Dim; d != lang.NewDim(-2, -1, 3, 2) {
		t.Errorf("0 * nS: %v, want conductance", d)
	}
}

// FuzzCheckBrian: the checker on the Brian2 constructs (noise, t,
// constants, refractory conditions and timing, initial expressions,
// (constant over dt), half powers) never panics, positions every
// diagnostic, and a file it accepts keeps its facts through Format.
func FuzzCheckBrian(f *testing.F) {
	for _, s := range []string{
		"model M {\n    param tau = 10 ms\n    state v : mV = 0 mV\n    dv/dt = -v / tau + 2 mV * sqrt(2 / tau) * xi\n}\n",
		"model M {\n    state v = n\n    state w = v * 2\n    n = 3 + pi\n    dv/dt = (n - v) / ms + xi_1 / sqrt(ms)\n    dw/dt = -w / ms + l\n    l = xi_1 / sqrt(ms) (constant over dt)\n}\n",
		"model M {\n    state V : mV = -65 mV\n    dV/dt = -V / ms * sin(t / ms)\n    spike when V > inf { V = 0 mV }\n    refractory V > -20 mV && !(V < -80 mV) { V = -65 mV }\n}\n",
		"model M {\n    param tref = 2.05 ms\n    state v = 0\n    v' = v + 1\n    spike when v > 3 { v = 0 }\n    refractory max(timestep(tref, dt) - 1, 0) steps\n    format auto\n}\n",
		"model M {\n    state a : mV = c\n    state c : mV = a^1.5 / sqrt(mV)\n    da/dt = xi * xi\n}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := parser.ParseFile("fuzz.snn", src)
		if err != nil {
			return
		}
		info, err := lang.Check(file)
		if err != nil {
			for _, e := range err.(lang.ErrorList) {
				if !e.Pos.IsValid() {
					t.Fatalf("diagnostic without position: %q", e.Msg)
				}
			}
			return
		}
		again, err := parser.ParseFile("again.snn", lang.Format(file))
		if err != nil {
			t.Fatalf("Format does not parse: %v\n%s", err, lang.Format(file))
		}
		info2, err := lang.Check(again)
		if err != nil {
			t.Fatalf("Format does not check: %v\n%s", err, lang.Format(file))
		}
		for name, m := range info.Models {
			m2 := info2.Models[name]
			if m2 == nil || m2.RefractorySteps != m.RefractorySteps || strings.Join(m2.Noise, ",") != strings.Join(m.Noise, ",") ||
				m2.UsesTime != m.UsesTime || (m2.RefractoryCond == nil) != (m.RefractoryCond == nil) {
				t.Fatalf("model %s: facts differ after Format", name)
			}
			for i, s := range m.States {
				if s2 := m2.States[i]; s2.Init != s.Init && !(math.IsNaN(s.Init) && math.IsNaN(s2.Init)) {
					t.Fatalf("state %s: init %v then %v", s.Name, s.Init, s2.Init)
				}
			}
		}
	})
}
