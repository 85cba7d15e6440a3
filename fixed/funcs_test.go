package fixed

import (
	"math"
	"slices"
	"testing"
)

// TestBuiltinTable checks the table's shape: the documented names in
// order, an Image for every function, and Table exactly for the
// functions of one argument the quantize pass tabulates.
func TestBuiltinTable(t *testing.T) {
	want := []string{"exp", "log", "sqrt", "tanh", "sigmoid", "sin", "cos", "exprel", "sinh", "cosh", "arctan", "arcsin", "arccos",
		"abs", "sign", "floor", "ceil", "int", "min", "max", "clip", "pow"}
	if got := BuiltinNames(); !slices.Equal(got, want) {
		t.Errorf("BuiltinNames() = %v, want %v", got, want)
	}
	for _, b := range builtins {
		if b.Real == nil || b.Image == nil || b.Arity < 1 || (b.In == nil) != (b.Domain == "") {
			t.Errorf("builtin %q is incomplete", b.Name)
		}
		if tab := b.Table != nil; tab != (b.Arity == 1 && !b.Exact) {
			t.Errorf("builtin %q: tabulated %v, arity %d", b.Name, tab, b.Arity)
		}
	}
	if LookupBuiltin("nope") != nil || RealFunc("min") != nil || RealFunc("exp") == nil {
		t.Error("LookupBuiltin/RealFunc disagree with the table")
	}
}

func TestCall(t *testing.T) {
	tests := []struct {
		name string
		args []float64
		want float64
		ok   bool
	}{
		{"exp", []float64{0}, 1, true},
		{"log", []float64{math.E}, 1, true},
		{"sqrt", []float64{9}, 3, true},
		{"sigmoid", []float64{0}, 0.5, true},
		{"exprel", []float64{0}, 1, true},
		{"cosh", []float64{0}, 1, true},
		{"arcsin", []float64{1}, math.Pi / 2, true},
		{"abs", []float64{-2}, 2, true},
		// Brian2 (numpy): floor and ceil toward ∓∞, int toward zero, sign in {-1, 0, 1}.
		{"floor", []float64{-2.5}, -3, true},
		{"floor", []float64{2.5}, 2, true},
		{"ceil", []float64{-2.5}, -2, true},
		{"ceil", []float64{2.25}, 3, true},
		{"int", []float64{-65.5}, -65, true},
		{"int", []float64{1.75}, 1, true},
		{"sign", []float64{-0.001}, -1, true},
		{"sign", []float64{3}, 1, true},
		{"sign", []float64{0}, 0, true},
		{"min", []float64{1, 2}, 1, true},
		{"max", []float64{1, 2}, 2, true},
		{"clip", []float64{5, 0, 3}, 3, true},
		{"clip", []float64{-5, 0, 3}, 0, true},
		{"pow", []float64{2, 10}, 1024, true},
		{"exp", []float64{1, 2}, 0, false},
		{"nope", []float64{1}, 0, false},
	}
	for _, tt := range tests {
		got, ok := Call(tt.name, tt.args)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Call(%s, %v) = %v, %v; want %v, %v", tt.name, tt.args, got, ok, tt.want, tt.ok)
		}
	}
}

func TestInDomain(t *testing.T) {
	tests := []struct {
		name string
		args []float64
		want bool
	}{
		{"log", []float64{1e-300}, true},
		{"log", []float64{0}, false},
		{"log", []float64{-1}, false},
		{"sqrt", []float64{0}, true},
		{"sqrt", []float64{-1e-9}, false},
		{"pow", []float64{-8, 3}, true},
		{"pow", []float64{-8, 1.0 / 3}, false},
		{"pow", []float64{0, 0}, true},
		{"pow", []float64{0, -1}, false},
		{"pow", []float64{2, -0.5}, true},
		{"exp", []float64{1000}, true}, // in the domain; the result overflows
		{"min", []float64{-1, -2}, true},
		{"nope", []float64{-1}, true}, // not a domain error
	}
	for _, tt := range tests {
		if got := InDomain(tt.name, tt.args); got != tt.want {
			t.Errorf("InDomain(%s, %v) = %v, want %v", tt.name, tt.args, got, tt.want)
		}
		if tt.want || LookupBuiltin(tt.name) == nil {
			continue
		}
		if r, _ := Call(tt.name, tt.args); !math.IsNaN(r) && !math.IsInf(r, 0) {
			t.Errorf("Call(%s, %v) = %v outside the domain, want NaN or ±Inf", tt.name, tt.args, r)
		}
	}
}

// TestImageContainsSamples checks every Image against sampled values: the
// bound must hold every Real(x) for x in the argument intervals.
func TestImageContainsSamples(t *testing.T) {
	ivs := []RealInterval{{-3, 2}, {0.5, 4}, {-2, -0.25}, {0, 0}, {-1, 1}, {2, 2}}
	for _, b := range builtins {
		for _, a := range ivs {
			for _, c := range ivs {
				for _, d := range ivs {
					xs := []RealInterval{a, c, d}[:b.Arity]
					img := b.Image(xs)
					for k := 0; k <= 8; k++ {
						args := make([]float64, b.Arity)
						for i, x := range xs {
							args[i] = x.Lo + (x.Hi-x.Lo)*float64((k+3*i)%9)/8
						}
						y := b.Real(args)
						if math.IsNaN(y) || math.IsNaN(img.Lo) || math.IsNaN(img.Hi) {
							continue
						}
						if y < img.Lo || y > img.Hi {
							t.Errorf("%s%v = %v outside Image(%v) = %v", b.Name, args, y, xs, img)
						}
					}
				}
			}
		}
	}
	if got := Image("pow", []RealInterval{{-1, 1}, {2, 2}}); got != Unbounded {
		t.Errorf("Image(pow) of a base that may be negative = %v, want Unbounded", got)
	}
	if got := Image("exp", nil); got != Unbounded {
		t.Errorf("Image(exp) of no arguments = %v, want Unbounded", got)
	}
}

func TestHull(t *testing.T) {
	if got := Hull(3, math.NaN(), -1); got != (RealInterval{-1, 3}) {
		t.Errorf("Hull(3, NaN, -1) = %v, want [-1, 3]", got)
	}
	if got := Hull(math.NaN()); got != Unbounded {
		t.Errorf("Hull(NaN) = %v, want Unbounded", got)
	}
}
