package lang

import (
	"math"
	"strings"
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

// TestLengthAndAreaUnits: lengths and areas are canonical cm and cm2, so
// one of each unit is its size in cm^k, independent of the table:
// 1 cm2 / 1 um2 = 1e8, 1 metre2 = 1e4 cm2.
func TestLengthAndAreaUnits(t *testing.T) {
	for name, want := range map[string]float64{
		"cm": 1, "metre": 100, "mm": 0.1, "um": 1e-4,
		"cm2": 1, "metre2": 1e4, "mm2": 1e-2, "um2": 1e-8,
	} {
		u, ok := LookupUnit(name)
		if !ok {
			t.Errorf("%s: not a unit", name)
			continue
		}
		if math.Abs(u.Factor/want-1) > 1e-12 {
			t.Errorf("%s: factor %g, want %g cm^k", name, u.Factor, want)
		}
		if k := int(u.Dim[0]); (k == 1) != !strings.HasSuffix(name, "2") || u.Dim[0] < 1 || u.Dim[0] > 2 {
			t.Errorf("%s: dimension %v", name, u.Dim)
		}
	}
	cm2, _ := LookupUnit("cm2")
	um2, _ := LookupUnit("um2")
	if r := cm2.Factor / um2.Factor; math.Abs(r-1e8) > 1e-6 {
		t.Errorf("1 cm2 / 1 um2 = %g, want 1e8", r)
	}
}
