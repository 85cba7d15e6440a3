package lang

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Dim is a physical dimension: exponents of the SI base quantities
// length, mass, time, current, temperature, amount, luminosity. Each entry
// holds twice its exponent, so that half-integer exponents (Brian2's white
// noise xi has unit second^-1/2, `(2/tau)**.5` second^-1/2) are exact:
// build a Dim with NewDim, read an exponent with Exp.
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

// NewDim returns the dimension with the given exponents of length, mass,
// time, current, temperature, amount and luminosity (missing ones are 0).
// It panics when an exponent is not a multiple of 1/2 or leaves ±63.
func NewDim(exps ...float64) Dim {
	var d Dim
	for i, e := range exps {
		k := 2 * e
		if k != math.Trunc(k) || math.Abs(k) > 127 {
			panic(fmt.Sprintf("lang.NewDim: exponent %v", e))
		}
		d[i] = int8(k)
	}
	return d
}

// Exp returns the exponent of base quantity i (DimLength...).
func (d Dim) Exp(i int) float64 { return float64(d[i]) / 2 }

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

// PowReal returns the dimension raised to the power v; ok is false when
// an exponent of the result is not a multiple of 1/2 (or out of range):
// `**0.5` of second^-1 is second^-1/2, `**0.5` of that is not a dimension.
func (d Dim) PowReal(v float64) (Dim, bool) {
	var out Dim
	for i, k := range d {
		x := float64(k) * v
		if x != math.Trunc(x) || math.Abs(x) > 127 {
			return d, false
		}
		out[i] = int8(x)
	}
	return out, true
}

// IsDimensionless reports whether d is the zero dimension.
func (d Dim) IsDimensionless() bool { return d == Dimensionless }

var dimSymbols = [7]string{"m", "kg", "s", "A", "K", "mol", "cd"}

// String prints d in SI base units, e.g. "kg*m^2*s^-3*A^-1" or "s^-0.5";
// "1" when dimensionless. Known derived dimensions print by name first
// ("voltage").
func (d Dim) String() string {
	if d.IsDimensionless() {
		return "1"
	}
	var parts []string
	for i, k := range d {
		switch {
		case k == 0:
		case k == 2:
			parts = append(parts, dimSymbols[i])
		default:
			parts = append(parts, dimSymbols[i]+"^"+strconv.FormatFloat(float64(k)/2, 'g', -1, 64))
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
	dimVoltage     = NewDim(2, 1, -3, -1)
	dimTime        = NewDim(0, 0, 1)
	dimCurrent     = NewDim(0, 0, 0, 1)
	dimResistance  = NewDim(2, 1, -3, -2)
	dimConductance = NewDim(-2, -1, 3, 2)
	dimCapacitance = NewDim(-2, -1, 4, 2)
	dimCharge      = NewDim(0, 0, 1, 1)
	dimLength      = NewDim(1)
	dimArea        = NewDim(2)
	dimFrequency   = NewDim(0, 0, -1)
	dimAmount      = NewDim(0, 0, 0, 0, 0, 1)
	// dimNoise is the dimension of Brian2's white noise xi: second^-1/2.
	dimNoise = NewDim(0, 0, -0.5)
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

// canonScale is the power of ten that converts one SI base unit into
// scc's canonical unit of that base quantity: cm (length), ms (time), nA
// (current), 10^-17 kg (mass: what makes mV = kg·m²·s⁻³·A⁻¹ coherent),
// kelvin, µmol (amount: so that a concentration of 1 mM = 1 mol/m³ is
// 1 µmol/cm³, the number 1) and candela.
var canonScale = [7]int{2, 17, 3, 9, 0, 6, 0}

// canonFactor converts a value of a unit in SI units (si, as Brian2
// computes it) into canonical units, by exact decimal shifting: the shift
// of the dimension's scale is applied to the decimal digits of si, so
// 1e-3 volt is exactly 1 (mV) and 1e-4 metre² exactly 1 (cm²).
func canonFactor(d Dim, si float64) float64 {
	k := 0
	for i, e := range d {
		k += canonScale[i] * int(e) // e is twice the exponent
	}
	if k%2 != 0 {
		return si * math.Pow(10, float64(k)/2) // a half power: no decimal shift
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(si, 'e', -1, 64), "e")
	n, _ := strconv.Atoi(exp)
	v, _ := strconv.ParseFloat(mant+"e"+strconv.Itoa(n+k/2), 64)
	return v
}

// units lists every unit name the language knows: Brian2's (units_brian.go:
// every name a Brian2 script or equation string may use, from `volt`,
// `mV`, `msiemens`, `ufarad`, `cm2`, `um2` and `mM` to `kohm` and `kHz`,
// with Brian2's dimensions and values) and scc's own spellings (`V`, `A`,
// `uV`, `kV`, `Ohm`, `kOhm`, `MOhm`, `GOhm`, `pC`, `cmetre2`, ...). Every
// factor converts into the canonical units (see Unit).
var units = func() map[string]Unit {
	m := map[string]Unit{}
	add := func(d Dim, si float64, names ...string) {
		for _, n := range names {
			m[n] = Unit{Name: n, Dim: d, Factor: canonFactor(d, si)}
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(brianUnits), "\n") {
		f := strings.Fields(line)
		var exps [7]float64
		for i := range exps {
			e, _ := strconv.Atoi(f[1+i])
			exps[i] = float64(e)
		}
		si, _ := strconv.ParseFloat(f[8], 64)
		add(NewDim(exps[:]...), si, f[0])
	}
	// scc's short symbols with the prefixes k M G m u n p f: V, kV, uV,
	// A, kA, fA, ohm, nohm, S, F, C, pC, ... (bare s, m, S, F and C are
	// too easy to clash with names: second, metre, siemens, farad and
	// coulomb spell them out).
	prefixes := []struct {
		name string
		exp  int
	}{{"", 0}, {"k", 3}, {"M", 6}, {"G", 9}, {"m", -3}, {"u", -6}, {"n", -9}, {"p", -12}, {"f", -15}}
	bases := []struct {
		short, long string
		d           Dim
	}{
		{"V", "volt", dimVoltage},
		{"s", "second", dimTime},
		{"A", "amp", dimCurrent},
		{"ohm", "ohm", dimResistance},
		{"S", "siemens", dimConductance},
		{"F", "farad", dimCapacitance},
		{"C", "coulomb", dimCharge},
		{"Hz", "hertz", dimFrequency},
		{"m", "metre", dimLength},
	}
	for _, b := range bases {
		for _, p := range prefixes {
			si, _ := strconv.ParseFloat("1e"+strconv.Itoa(p.exp), 64)
			names := []string{p.name + b.long}
			if p.name != "" || !strings.Contains("s m S F C", b.short) {
				names = append(names, p.name+b.short)
			}
			for _, n := range names {
				if _, ok := m[n]; !ok {
					add(b.d, si, n)
				}
			}
		}
	}
	add(dimLength, 1e-2, "cmeter")
	add(dimArea, 1e-4, "cmetre2", "cmeter2")
	add(dimArea, 1e-6, "mmeter2")
	add(dimArea, 1e-12, "umeter2")
	add(dimResistance, 1, "Ohm")
	add(dimResistance, 1e3, "kOhm")
	add(dimResistance, 1e6, "MOhm")
	add(dimResistance, 1e9, "GOhm")
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
