package lang

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func fmtNum(text, unit string) *Number { return &Number{Text: text, Unit: unit} }
func fmtID(n string) *Ident            { return &Ident{Name: n} }
func fmtBin(op string, x, y Expr) *Binary {
	return &Binary{Op: op, X: x, Y: y}
}
func fmtNeg(x Expr) *Unary { return &Unary{Op: "-", X: x} }

// TestFormatExpr checks that Format prints exactly the parentheses the
// precedence and associativity rules need.
func TestFormatExpr(t *testing.T) {
	tests := []struct {
		name string
		e    Expr
		want string
	}{
		{"number with unit", fmtNum("20", "ms"), "20 ms"},
		{"number without text", &Number{Value: 0.25}, "0.25"},
		{"left assoc", fmtBin("-", fmtBin("-", fmtID("a"), fmtID("b")), fmtID("c")), "a - b - c"},
		{"right operand grouped", fmtBin("-", fmtID("a"), fmtBin("-", fmtID("b"), fmtID("c"))), "a - (b - c)"},
		{"looser child", fmtBin("*", fmtBin("+", fmtID("a"), fmtID("b")), fmtID("c")), "(a + b) * c"},
		{"tighter child", fmtBin("+", fmtID("a"), fmtBin("*", fmtID("b"), fmtID("c"))), "a + b * c"},
		{"power right assoc", fmtBin("^", fmtID("a"), fmtBin("^", fmtID("b"), fmtID("c"))), "a^b^c"},
		{"power left grouped", fmtBin("^", fmtBin("^", fmtID("a"), fmtID("b")), fmtID("c")), "(a^b)^c"},
		{"neg power", fmtNeg(fmtBin("^", fmtID("x"), fmtNum("2", ""))), "-x^2"},
		{"power of neg", fmtBin("^", fmtNeg(fmtID("x")), fmtNum("2", "")), "(-x)^2"},
		{"negative exponent", fmtBin("^", fmtID("x"), fmtNeg(fmtNum("2", ""))), "x^-2"},
		{"neg of sum", fmtNeg(fmtBin("+", fmtID("a"), fmtID("b"))), "-(a + b)"},
		{"not of cmp", &Unary{Op: "!", X: fmtBin("==", fmtID("a"), fmtID("b"))}, "!(a == b)"},
		{"and or", fmtBin("&&", fmtBin("||", fmtID("a"), fmtID("b")), fmtID("c")), "(a || b) && c"},
		{"cmp of sums", fmtBin("<", fmtBin("+", fmtID("a"), fmtNum("1", "")), fmtID("b")), "a + 1 < b"},
		{"unit quotient", fmtBin("/", fmtNum("140", "mV"), fmtID("ms")), "140 mV / ms"},
		{"call", &Call{Fun: "clip", Args: []Expr{fmtID("x"), fmtNeg(fmtNum("1", "")), fmtNum("1", "")}}, "clip(x, -1, 1)"},
		{"negative literal as operand", fmtBin("^", &Number{Text: "-2"}, fmtID("x")), "(-2)^x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatExpr(tt.e); got != tt.want {
				t.Errorf("FormatExpr(%s) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

// TestFormat checks the layout of every item kind.
func TestFormat(t *testing.T) {
	f := &File{Decls: []Decl{
		&Model{Name: "M", Items: []Item{
			&Param{Name: "tau", Value: fmtNum("20", "ms")},
			&Input{Name: "I", Unit: fmtID("mV"), Range: &Range{Lo: fmtNeg(fmtNum("20", "mV")), Hi: fmtNum("40", "mV")}},
			&Input{Name: "J"},
			&State{Name: "v", Unit: fmtID("mV"), Init: fmtID("v_rest"), Range: &Range{Lo: fmtNeg(fmtNum("90", "mV")), Hi: fmtNum("0", "mV")}},
			&Let{Name: "I_syn", Value: fmtBin("*", fmtID("g"), fmtBin("-", fmtID("E"), fmtID("v")))},
			&ODE{Var: "v", RHS: fmtBin("/", fmtID("x"), fmtID("tau")), UnlessRefractory: true},
			&Map{Var: "u", RHS: fmtBin("+", fmtID("u"), fmtNum("1", ""))},
			&Spike{Cond: fmtBin(">=", fmtID("v"), fmtID("v_th")), Reset: []*Assign{{Name: "v", Value: fmtID("v_reset")}, {Name: "u", Value: fmtID("d")}}},
			&Spike{Cond: fmtID("s")},
			&Refractory{Period: fmtNum("2", ""), Steps: true, Body: []*Assign{{Name: "v", Value: fmtID("v_rest")}}},
			&Option{Key: "format", Word: "q8.8"},
			&Option{Key: "dt", Value: fmtNum("0.1", "ms")},
			&Assert{Cond: fmtBin(">=", fmtID("v"), fmtNeg(fmtNum("90", "mV")))},
		}},
		&Network{Name: "N", Items: []Item{
			&Pop{Name: "exc", Model: "M", Size: fmtNum("800", ""), Overrides: []*Assign{{Name: "tau", Value: fmtNum("10", "ms")}}},
			&Pop{Name: "inh", Model: "M", Size: fmtNum("2", ""), Overrides: []*Assign{{Name: "v", Value: &Call{Fun: "uniform",
				Args: []Expr{fmtNum("0", "mV"), fmtNum("1", "mV")}, Kw: []*Assign{{Name: "seed", Value: fmtNum("1", "")}}}}}},
			&Proj{Name: "p", Pre: &Target{Pop: "exc", Lo: fmtNum("0", ""), Hi: fmtNum("2", "")}, Post: &Target{Pop: "inh", Port: "I"},
				Conn: "random", Args: []*Assign{{Name: "p", Value: fmtNum("0.5", "")}, {Name: "seed", Value: fmtNum("3", "")}}, Rule: "R",
				Settings: []*Assign{{Name: "w", Value: fmtNum("1", "mV")}}, Delay: &Delay{Value: fmtNum("2", ""), Steps: true}},
			&Proj{Name: "q", Pre: &Target{Pop: "exc"}, Post: &Target{Pop: "inh", Port: "I"}, Conn: "all_to_all",
				Delay: &Delay{Value: fmtNum("0.2", "ms")}},
			&Proj{Name: "r", Pre: &Target{Pop: "exc"}, Post: &Target{Pop: "inh", Port: "I"}, Conn: "sparse",
				Args: []*Assign{{Name: "file", Value: &String{Value: `c "1".csv`}}}},
			&Source{Name: "s", Kind: "poisson", Args: []*Assign{{Name: "rate", Value: fmtNum("10", "Hz")}}, Size: fmtNum("5", "")},
			&Drive{Name: "d", Kind: "current", Args: []*Assign{{Value: fmtNum("1", "nA")}},
				Targets: []*Target{{Pop: "exc", Port: "J"}, {Pop: "inh", Lo: fmtNum("0", ""), Hi: fmtNum("1", ""), Port: "J"}}},
			&Record{Target: &Target{Pop: "exc"}, Vars: []*Ident{fmtID("spikes")}},
			&Record{Target: &Target{Pop: "inh", Lo: fmtNum("0", ""), Hi: fmtNum("1", "")}, Vars: []*Ident{fmtID("v"), fmtID("u")}, Every: fmtNum("5", "")},
		}},
		&Synapse{Name: "R", Items: []Item{
			&Param{Name: "a", Value: fmtNum("1", "")},
			&State{Name: "w", Range: &Range{Lo: fmtNum("0", ""), Hi: fmtID("a")}},
			&Trace{Name: "x", Decay: fmtNum("20", "ms"), Value: fmtID("a")},
			&Trace{Name: "y", Post: true, Decay: fmtNum("10", "ms"), Set: true, Value: fmtNum("1", "")},
			&On{Body: []*Assign{{Name: "w", Value: fmtBin("+", fmtID("w"), fmtID("y"))}}},
			&On{Post: true},
		}},
	}}
	want := `model M {
    param tau = 20 ms
    input I : mV in [-20 mV, 40 mV]
    input J
    state v : mV = v_rest in [-90 mV, 0 mV]
    I_syn = g * (E - v)
    dv/dt = x / tau (unless refractory)
    u' = u + 1
    spike when v >= v_th { v = v_reset; u = d }
    spike when s
    refractory 2 steps { v = v_rest }
    format q8.8
    dt 0.1 ms
    assert v >= -90 mV
}

network N {
    pop exc = M[800] { tau = 10 ms }
    pop inh = M[2] { v = uniform(0 mV, 1 mV, seed = 1) }
    proj p = exc[0:2] -> inh.I random(p = 0.5, seed = 3) with R { w = 1 mV; delay 2 steps }
    proj q = exc -> inh.I all_to_all { delay 0.2 ms }
    proj r = exc -> inh.I sparse(file = "c \"1\".csv")
    source s = poisson(rate = 10 Hz)[5]
    drive d = current(1 nA) -> exc.J, inh[0:1].J
    record exc spikes
    record inh[0:1] v, u every 5 steps
}

synapse R {
    param a = 1
    state w in [0, a]
    trace pre x decay 20 ms add a
    trace post y decay 10 ms set 1
    on pre { w = w + y }
    on post { }
}
`
	if diff := cmp.Diff(want, string(Format(f))); diff != "" {
		t.Errorf("Format mismatch (-want +got):\n%s", diff)
	}
}
