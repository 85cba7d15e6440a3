package lang

import (
	"math"
	"testing"
)

func TestUnitsCoherent(t *testing.T) {
	get := func(n string) Unit {
		u, ok := LookupUnit(n)
		if !ok {
			t.Fatalf("LookupUnit(%q) missing", n)
		}
		return u
	}
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"mV", get("mV").Factor, 1},
		{"ms", get("ms").Factor, 1},
		{"nA", get("nA").Factor, 1},
		{"uS", get("uS").Factor, 1},
		{"nF", get("nF").Factor, 1},
		{"Mohm", get("Mohm").Factor, 1},
		{"pF", get("pF").Factor, 1e-3},
		{"nS", get("nS").Factor, 1e-3},
		{"volt", get("volt").Factor, 1e3},
		{"second", get("second").Factor, 1e3},
		{"Hz", get("Hz").Factor, 1e-3},
		{"pA", get("pA").Factor, 1e-3},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > 1e-12*math.Abs(tt.want) {
			t.Errorf("factor(%s) = %g, want %g", tt.name, tt.got, tt.want)
		}
	}
	// Coherence: conductance * voltage = current, capacitance * voltage / time = current.
	if d := get("uS").Dim.Mul(get("mV").Dim); d != get("nA").Dim {
		t.Errorf("uS*mV = %v, want current", d)
	}
	if d := get("nF").Dim.Mul(get("mV").Dim).Div(get("ms").Dim); d != get("nA").Dim {
		t.Errorf("nF*mV/ms = %v, want current", d)
	}
	if d := get("Mohm").Dim.Mul(get("nA").Dim); d != get("mV").Dim {
		t.Errorf("Mohm*nA = %v, want voltage", d)
	}
}
