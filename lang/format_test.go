package lang

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func num(text, unit string) *Number { return &Number{Text: text, Unit: unit} }
func id(n string) *Ident          { return &Ident{Name: n} }
func bin(op string, x, y Expr) *Binary {
	return &Binary{Op: op, X: x, Y: y}
}
func neg(x Expr) *Unary { return &Unary{Op: "-", X: x} }

// TestFormatExpr checks that Format prints exactly the parentheses the
// precedence and associativity rules need.
func TestFormatExpr(t *testing.T) {
	tests := []struct {
		name string
		e    Expr
		want string
	}{
		{"number with unit", num("20", "ms"), "20 ms"},
		{"number without text", &Number{Value: 0.25}, "0.25"},
		{"left assoc", bin("-", bin("-", id("a"), id("b")), id("c")), "a - b - c"},
		{"right operand grouped", bin("-", id("a"), bin("-", id("b"), id("c"))), "a - (b - c)"},
		{"looser child", bin("*", bin("+", id("a"), id("b")), id("c")), "(a + b) * c"},
		{"tighter child", bin("+", id("a"), bin("*", id("b"), id("c"))), "a + b * c"},
		{"power right assoc", bin("^", id("a"), bin("^", id("b"), id("c"))), "a^b^c"},
		{"power left grouped", bin("^", bin("^", id("a"), id("b")), id("c")), "(a^b)^c"},
		{"neg power", neg(bin("^", id("x"), num("2", ""))), "-x^2"},
		{"power of neg", bin("^", neg(id("x")), num("2", "")), "(-x)^2"},
		{"negative exponent", bin("^", id("x"), neg(num("2", ""))), "x^-2"},
		{"neg of sum", neg(bin("+", id("a"), id("b"))), "-(a + b)"},
		{"not of cmp", &Unary{Op: "!", X: bin("==", id("a"), id("b"))}, "!(a == b)"},
		{"and or", bin("&&", bin("||", id("a"), id("b")), id("c")), "(a || b) && c"},
		{"cmp of sums", bin("<", bin("+", id("a"), num("1", "")), id("b")), "a + 1 < b"},
		{"unit quotient", bin("/", num("140", "mV"), id("ms")), "140 mV / ms"},
		{"call", &Call{Fun: "clip", Args: []Expr{id("x"), neg(num("1", "")), num("1", "")}}, "clip(x, -1, 1)"},
		{"negative literal as operand", bin("^", &Number{Text: "-2"}, id("x")), "(-2)^x"},
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
			&Param{Name: "tau", Value: num("20", "ms")},
			&Input{Name: "I", Unit: id("mV"), Range: &Range{Lo: neg(num("20", "mV")), Hi: num("40", "mV")}},
			&Input{Name: "J"},
			&State{Name: "v", Unit: id("mV"), Init: id("v_rest"), Range: &Range{Lo: neg(num("90", "mV")), Hi: num("0", "mV")}},
			&Let{Name: "I_syn", Value: bin("*", id("g"), bin("-", id("E"), id("v")))},
			&ODE{Var: "v", RHS: bin("/", id("x"), id("tau")), UnlessRefractory: true},
			&Map{Var: "u", RHS: bin("+", id("u"), num("1", ""))},
			&Spike{Cond: bin(">=", id("v"), id("v_th")), Reset: []*Assign{{Name: "v", Value: id("v_reset")}, {Name: "u", Value: id("d")}}},
			&Spike{Cond: id("s")},
			&Refractory{Period: num("2", ""), Steps: true, Body: []*Assign{{Name: "v", Value: id("v_rest")}}},
			&Option{Key: "format", Word: "q8.8"},
			&Option{Key: "dt", Value: num("0.1", "ms")},
			&Assert{Cond: bin(">=", id("v"), neg(num("90", "mV")))},
		}},
		&Network{Name: "N", Items: []Item{
			&Pop{Name: "exc", Model: "M", Size: num("800", ""), Overrides: []*Assign{{Name: "tau", Value: num("10", "ms")}}},
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
}
`
	if diff := cmp.Diff(want, string(Format(f))); diff != "" {
		t.Errorf("Format mismatch (-want +got):\n%s", diff)
	}
}
