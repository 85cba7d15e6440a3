package parser

import (
	"fmt"
	"strings"
	"testing"

	"scc/lang"
)

// brianItem returns the item of m declaring or integrating name (kind
// "param", "input", "state", "let", "ode"), or nil.
func brianItem(m *lang.Model, kind, name string) lang.Item {
	for _, it := range m.Items {
		switch n := it.(type) {
		case *lang.Param:
			if kind == "param" && n.Name == name {
				return n
			}
		case *lang.Input:
			if kind == "input" && n.Name == name {
				return n
			}
		case *lang.State:
			if kind == "state" && n.Name == name {
				return n
			}
		case *lang.Let:
			if kind == "let" && n.Name == name {
				return n
			}
		case *lang.ODE:
			if kind == "ode" && n.Var == name {
				return n
			}
		}
	}
	return nil
}

// exprPositions prints every node of e with its position, in walk order:
// "x@eq:1:2 -@eq:1:4 …".
func exprPositions(e lang.Expr) string {
	var b []string
	walk(e, func(e lang.Expr) {
		var s string
		switch e := e.(type) {
		case *lang.Ident:
			s = e.Name
		case *lang.Number:
			s = e.Text + e.Unit
		case *lang.Binary:
			s = e.Op
		case *lang.Unary:
			s = "u" + e.Op
		case *lang.Call:
			s = e.Fun + "()"
		default:
			s = fmt.Sprintf("%T", e)
		}
		b = append(b, s+"@"+e.GetPos().String())
	})
	return strings.Join(b, " ")
}

// TestBrianMultiLine: an equation continues over lines up to the ':' of
// its unit, comments on the way; positions are those of the original.
func TestBrianMultiLine(t *testing.T) {
	m, err := ParseBrian(BrianOptions{Equations: []string{
		"dv/dt = (a   # first term\n" +
			"   + b)/tau\n" +
			"   : volt\n" +
			"x = v\n  * 2 : volt (constant over dt)",
		"I : amp"}})
	if err != nil {
		t.Fatal(err)
	}
	ode := brianItem(m, "ode", "v").(*lang.ODE)
	if got, want := exprPositions(ode.RHS), "/@eq:1:9 +@eq:1:10 a@eq:1:10 b@eq:2:6 tau@eq:2:9"; got != want {
		t.Errorf("dv/dt RHS positions = %s, want %s", got, want)
	}
	if ode.Pos.String() != "eq:1:1" || ode.VarPos.String() != "eq:1:2" {
		t.Errorf("ODE at %s, var at %s; want eq:1:1, eq:1:2", ode.Pos, ode.VarPos)
	}
	let := brianItem(m, "let", "x").(*lang.Let)
	if !let.StepConstant || let.Pos.String() != "eq:4:1" {
		t.Errorf("let x = %+v, want StepConstant at eq:4:1", let)
	}
	if got, want := exprPositions(let.Value), "*@eq:4:5 v@eq:4:5 2@eq:5:5"; got != want {
		t.Errorf("x positions = %s, want %s", got, want)
	}
	in := brianItem(m, "input", "I").(*lang.Input)
	if in.Pos.String() != "eq:6:1" {
		t.Errorf("input I at %s, want eq:6:1 (lines count across equation strings)", in.Pos)
	}
	st := brianItem(m, "state", "v").(*lang.State)
	if id, ok := st.Unit.(*lang.Ident); !ok || id.Name != "volt" || id.Pos.String() != "eq:3:6" {
		t.Errorf("unit of v = %#v, want volt at eq:3:6", st.Unit)
	}
}

// TestBrianFlags: what each flag declares.
func TestBrianFlags(t *testing.T) {
	m, err := ParseBrian(BrianOptions{
		Equations: []string{`dv/dt = (E - v)/tau + g*x : volt (unless refractory)
tau : second (constant)
E : volt (shared, constant)
g : 1/second (constant)
c : 1 (linked)
h : 1
x = c*h : 1 (constant over dt, shared)`},
		Params: []string{"tau=10*ms", "k=2"},
		Init:   []string{"E=-65*mV", "v=E"},
		Reset:  "h += 1", Threshold: "v > 0*mV",
	})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		kind, name, want string
	}{
		{"param", "tau", "10 * ms"},        // (constant), value from --param
		{"param", "E", "-65 * mV"},         // (shared, constant), from --init
		{"param", "g", "0 * (1 / second)"}, // default 0 in its unit
		{"param", "k", "2"},                // the namespace
		{"input", "c", ""},                 // (linked)
		{"state", "h", "0"},                // a parameter the reset assigns
		{"state", "v", "E"},                // initial value expression
		{"let", "x", "c * h"},
	}
	for _, c := range checks {
		it := brianItem(m, c.kind, c.name)
		if it == nil {
			t.Errorf("no %s %s in\n%s", c.kind, c.name, lang.Format(&lang.File{Decls: []lang.Decl{m}}))
			continue
		}
		var got string
		switch n := it.(type) {
		case *lang.Param:
			got = lang.FormatExpr(n.Value)
		case *lang.State:
			got = lang.FormatExpr(n.Init)
		case *lang.Let:
			got = lang.FormatExpr(n.Value)
			if !n.StepConstant {
				t.Errorf("let %s: StepConstant false", c.name)
			}
		}
		if got != c.want {
			t.Errorf("%s %s = %q, want %q", c.kind, c.name, got, c.want)
		}
	}
	if !brianItem(m, "ode", "v").(*lang.ODE).UnlessRefractory {
		t.Error("dv/dt lost (unless refractory)")
	}
}

// TestBrianMethods: every Brian2 method word and its scc method.
func TestBrianMethods(t *testing.T) {
	for in, want := range map[string]string{
		"euler": "euler", "euler_maruyama": "euler", "exact": "exact", "linear": "exact",
		"exponential_euler": "exponential_euler", "rk2": "rk2", "midpoint": "rk2", "rk4": "rk4",
		"heun": "heun", "milstein": "milstein",
	} {
		m, err := ParseBrian(BrianOptions{Equations: []string{"dv/dt = -v/ms : 1"}, Method: in})
		if err != nil {
			t.Fatalf("method %s: %v", in, err)
		}
		o := m.Items[len(m.Items)-1].(*lang.Option)
		if o.Key != "method" || o.Word != want {
			t.Errorf("method %s = %s %s, want %s", in, o.Key, o.Word, want)
		}
	}
}

// TestBrianValues: refractory periods and conditions carry Brian2's
// timing; 0 * nS keeps its unit; noise, time and constants reach the
// checker as names.
func TestBrianValues(t *testing.T) {
	for _, tt := range []struct{ refr, want string }{
		{"2*ms", "2 * ms"}, {"5ms", "5 ms"}, {"v > -20*mV", "v > -20 * mV"},
	} {
		m, err := ParseBrian(BrianOptions{Equations: []string{"dv/dt = -v/ms : volt"}, Refractory: tt.refr, Threshold: "v > 1*mV"})
		if err != nil {
			t.Fatal(err)
		}
		r := m.Items[len(m.Items)-1].(*lang.Refractory)
		if !r.Brian || r.Steps || lang.FormatExpr(r.Period) != tt.want || r.Pos.String() != "--refractory:1:1" {
			t.Errorf("--refractory %s = %+v (%s), want Brian period %s", tt.refr, r, lang.FormatExpr(r.Period), tt.want)
		}
	}
	m, err := ParseBrian(BrianOptions{
		Equations: []string{"dv/dt = g*(E - v)/C + sigma*xi*sqrt(2/tau) + sin(2*pi*t/ms)*mV/ms + 0*e/inf*mV/ms : volt"},
		Params:    []string{"g=0 * nS", "E=0*mV", "C=1*nF", "sigma=1*mV", "tau=1*ms"},
	})
	if err != nil {
		t.Fatal(err)
	}
	g := brianItem(m, "param", "g").(*lang.Param)
	if got, want := exprPositions(g.Value), "*@--param:1:3 0@--param:1:3 nS@--param:1:7"; got != want {
		t.Errorf("g = %s, want %s", got, want)
	}
	rhs := exprPositions(brianItem(m, "ode", "v").(*lang.ODE).RHS)
	for _, n := range []string{"xi@eq:1:29", "pi@eq:1:52", "t@eq:1:55", "e@eq:1:71", "inf@eq:1:73"} {
		if !strings.Contains(rhs, " "+n) {
			t.Errorf("RHS %s lacks %s", rhs, n)
		}
	}
}
