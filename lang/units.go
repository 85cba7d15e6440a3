package lang

import (
	"fmt"
	"sort"
	"strings"
)

// Dim is a physical dimension: exponents of the SI base quantities
// length, mass, time, current, temperature, amount, luminosity.
type Dim [7]int8

// Base dimension indices.
const (
	DimLength = iota
	DimMass
	DimTime
	DimCurrent
	DimTemp
	DimAmount
	DimLum
)

// Dimensionless is the zero Dim.
var Dimensionless Dim

// Mul returns the dimension of a product.
func (d Dim) Mul(e Dim) Dim {
	for i := range d {
		d[i] += e[i]
	}
	return d
}

// Div returns the dimension of a quotient.
func (d Dim) Div(e Dim) Dim {
	for i := range d {
		d[i] -= e[i]
	}
	return d
}

// Pow returns the dimension raised to an integer power.
func (d Dim) Pow(n int) Dim {
	for i := range d {
		d[i] *= int8(n)
	}
	return d
}

// IsDimensionless reports whether d is the zero dimension.
func (d Dim) IsDimensionless() bool { return d == Dimensionless }

var dimSymbols = [7]string{"m", "kg", "s", "A", "K", "mol", "cd"}

// String prints d in SI base units, e.g. "kg*m^2*s^-3*A^-1"; "1" when
// dimensionless. Known derived dimensions print by name first ("voltage").
func (d Dim) String() string {
	if d.IsDimensionless() {
		return "1"
	}
	var parts []string
	for i, e := range d {
		switch {
		case e == 0:
		case e == 1:
			parts = append(parts, dimSymbols[i])
		default:
			parts = append(parts, fmt.Sprintf("%s^%d", dimSymbols[i], e))
		}
	}
	s := strings.Join(parts, "*")
	if n, ok := dimNames[d]; ok {
		return n + " (" + s + ")"
	}
	return s
}

// Unit is a named unit: its dimension and the factor that converts one of
// it into scc's canonical unit of that dimension.
//
// The canonical system is coherent, so equations need no conversion
// factors: voltage mV, time ms, current nA, conductance uS, capacitance nF,
// resistance Mohm, charge pC, length cm, frequency kHz (1/ms). A quantity
// written `20 ms` is the number 20 in the real IR; `1 s` is 1000.
type Unit struct {
	Name   string
	Dim    Dim
	Factor float64
}

var (
	dimVoltage     = Dim{2, 1, -3, -1}
	dimTime        = Dim{0, 0, 1}
	dimCurrent     = Dim{0, 0, 0, 1}
	dimResistance  = Dim{2, 1, -3, -2}
	dimConductance = Dim{-2, -1, 3, 2}
	dimCapacitance = Dim{-2, -1, 4, 2}
	dimCharge      = Dim{0, 0, 1, 1}
	dimLength      = Dim{1}
	dimFrequency   = Dim{0, 0, -1}
)

var dimNames = map[Dim]string{
	dimVoltage:     "voltage",
	dimTime:        "time",
	dimCurrent:     "current",
	dimResistance:  "resistance",
	dimConductance: "conductance",
	dimCapacitance: "capacitance",
	dimCharge:      "charge",
	dimLength:      "length",
	dimFrequency:   "frequency",
}

// units lists every unit name the language knows, with SI prefixes spelled
// out. Brian2's long names (volt, mvolt, second, msecond, amp, nA...) are
// included so `scc eq` accepts Brian2 strings unchanged.
var units = func() map[string]Unit {
	m := map[string]Unit{}
	add := func(d Dim, siToCanon float64, names ...string) {
		for _, n := range names {
			m[n] = Unit{Name: n, Dim: d, Factor: siToCanon}
		}
	}
	type prefix struct {
		short, long string
		f           float64
	}
	prefixes := []prefix{{"", "", 1}, {"k", "k", 1e3}, {"M", "M", 1e6}, {"G", "G", 1e9},
		{"m", "m", 1e-3}, {"u", "u", 1e-6}, {"n", "n", 1e-9}, {"p", "p", 1e-12}, {"f", "f", 1e-15}}
	// base: short symbol, Brian2 long name, dimension, SI→canonical factor.
	bases := []struct {
		short, long string
		d           Dim
		f           float64
	}{
		{"V", "volt", dimVoltage, 1e3},
		{"s", "second", dimTime, 1e3},
		{"A", "amp", dimCurrent, 1e9},
		{"ohm", "ohm", dimResistance, 1e-6},
		{"S", "siemens", dimConductance, 1e6},
		{"F", "farad", dimCapacitance, 1e9},
		{"C", "coulomb", dimCharge, 1e12},
		{"Hz", "hertz", dimFrequency, 1e-3},
		{"m", "metre", dimLength, 1e2},
	}
	for _, b := range bases {
		for _, p := range prefixes {
			names := []string{p.short + b.short}
			if b.long != b.short {
				names = append(names, p.long+b.long)
			}
			if b.short == "m" && p.short == "" {
				names = []string{"metre", "meter"} // bare "m" is too easy to clash
			}
			if b.short == "s" && p.short == "" {
				names = []string{"second"} // bare "s" likewise
			}
			if b.short == "C" && p.short == "" {
				names = []string{"coulomb"}
			}
			if b.short == "F" && p.short == "" {
				names = []string{"farad"}
			}
			if b.short == "S" && p.short == "" {
				names = []string{"siemens"}
			}
			add(b.d, b.f*p.f, names...)
		}
	}
	// Length is canonically cm (so a current density per cm2 needs no
	// factor): 1 cm = 1, and areas are cm2.
	add(dimLength, 1, "cm", "cmetre", "cmeter")
	add(Dim{2}, 1e4, "metre2", "meter2")
	add(Dim{2}, 1, "cm2", "cmetre2", "cmeter2")
	add(Dim{2}, 1e-2, "mm2", "mmetre2", "mmeter2")
	add(Dim{2}, 1e-8, "um2", "umetre2", "umeter2")
	add(dimResistance, 1e-6, "Ohm")
	add(dimResistance, 1e-3, "kOhm")
	add(dimResistance, 1, "MOhm")
	add(dimResistance, 1e3, "GOhm")
	return m
}()

// LookupUnit returns the unit with the given name.
func LookupUnit(name string) (Unit, bool) {
	u, ok := units[name]
	return u, ok
}

// UnitNames returns every known unit name, longest first, then in
// lexical order (the order a lexer must try them in).
func UnitNames() []string {
	names := make([]string, 0, len(units))
	for n := range units {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) > len(names[j])
		}
		return names[i] < names[j]
	})
	return names
}
