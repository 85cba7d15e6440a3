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
		if k := u.Dim.Exp(DimLength); (k == 1) != !strings.HasSuffix(name, "2") || k < 1 || k > 2 {
			t.Errorf("%s: dimension %v", name, u.Dim)
		}
	}
	cm2, _ := LookupUnit("cm2")
	um2, _ := LookupUnit("um2")
	if r := cm2.Factor / um2.Factor; math.Abs(r-1e8) > 1e-6 {
		t.Errorf("1 cm2 / 1 um2 = %g, want 1e8", r)
	}
}

// TestBrianUnitNames: the unit names of HH-type Brian2 models resolve, with
// the value one of them has in canonical units (mV, ms, nA, uS, nF, Mohm,
// cm, kHz, mM), each worked out by hand from the SI prefix.
func TestBrianUnitNames(t *testing.T) {
	for name, want := range map[string]float64{
		"volt": 1e3, "mvolt": 1, "uvolt": 1e-3, "mV": 1,
		"amp": 1e9, "mamp": 1e6, "uamp": 1e3, "namp": 1, "pamp": 1e-3, "uA": 1e3, "pA": 1e-3,
		"siemens": 1e6, "msiemens": 1e3, "usiemens": 1, "nsiemens": 1e-3, "psiemens": 1e-6, "mS": 1e3, "nS": 1e-3,
		"farad": 1e9, "ufarad": 1e3, "nfarad": 1, "pfarad": 1e-3, "uF": 1e3, "pF": 1e-3,
		"ohm": 1e-6, "kohm": 1e-3, "Mohm": 1, "Gohm": 1e3,
		"second": 1e3, "msecond": 1, "usecond": 1e-3, "ms": 1, "us": 1e-3,
		"Hz": 1e-3, "hertz": 1e-3, "kHz": 1, "khertz": 1, "MHz": 1e3,
		"metre": 1e2, "meter": 1e2, "cmetre": 1, "cm": 1, "mm": 0.1, "um": 1e-4, "umetre": 1e-4,
		"metre2": 1e4, "meter2": 1e4, "cm2": 1, "mm2": 1e-2, "um2": 1e-8, "umetre2": 1e-8, "cm3": 1,
		"mM": 1, "mmolar": 1, "uM": 1e-3, "nM": 1e-6, "molar": 1e3, "mole": 1e6, "mol": 1e6,
		"coulomb": 1e12, "pcoulomb": 1, "liter": 1e3, "litre": 1e3,
		"kelvin": 1,
	} {
		u, ok := LookupUnit(name)
		if !ok {
			t.Errorf("%s: not a unit", name)
			continue
		}
		if u.Factor != want {
			t.Errorf("%s: factor %v, want %v (exactly)", name, u.Factor, want)
		}
	}
	msiemens, _ := LookupUnit("msiemens")
	cm2, _ := LookupUnit("cm2")
	ufarad, _ := LookupUnit("ufarad")
	if d := msiemens.Dim.Div(cm2.Dim); d != NewDim(-4, -1, 3, 2) {
		t.Errorf("msiemens/cm2 = %v", d)
	}
	if d := ufarad.Dim.Div(cm2.Dim).Mul(cm2.Dim); d != dimCapacitance {
		t.Errorf("ufarad/cm2*cm2 = %v", d)
	}
	mM, _ := LookupUnit("mM")
	if mM.Dim != NewDim(-3, 0, 0, 0, 0, 1) {
		t.Errorf("mM: %v", mM.Dim)
	}
}

// TestHalfDims: a dimension holds half-integer exponents (Brian2's xi is
// second^-1/2) and prints them readably.
func TestHalfDims(t *testing.T) {
	xi := NewDim(0, 0, -0.5)
	if xi.Exp(DimTime) != -0.5 || xi.String() != "s^-0.5" {
		t.Errorf("xi: %v %q", xi.Exp(DimTime), xi.String())
	}
	if d := xi.Mul(xi); d != dimFrequency {
		t.Errorf("xi*xi = %v, want frequency", d)
	}
	if d, ok := dimFrequency.PowReal(0.5); !ok || d != xi.Pow(-1).Pow(-1) {
		t.Errorf("(1/s)**0.5 = %v %v", d, ok)
	}
	if d, ok := dimVoltage.PowReal(1.5); !ok || d != NewDim(3, 1.5, -4.5, -1.5) {
		t.Errorf("V**1.5 = %v %v", d, ok)
	}
	if _, ok := xi.PowReal(0.5); ok {
		t.Errorf("(s^-0.5)**0.5 must not be a dimension")
	}
	if s := NewDim(2, 1, -3, -1).String(); s != "voltage (m^2*kg*s^-3*A^-1)" {
		t.Errorf("voltage prints %q", s)
	}
}
