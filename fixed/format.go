package fixed

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxWidth is the widest word the IR may carry. Products of two words are
// formed exactly, so every operand of a multiply must keep the sum of widths
// at or below MaxWidth.
const MaxWidth = 64

// Format is a binary fixed-point format. Signed formats are q<Int>.<Frac>
// (Int counts the sign bit), unsigned ones uq<Int>.<Frac>. Width is
// Int+Frac; either part may be negative as long as Width ≥ 1, e.g. q-6.22
// is a 16-bit word holding values in [-2^-7, 2^-7).
type Format struct {
	Signed bool
	Int    int
	Frac   int
}

// Q returns the signed format q<i>.<f>.
func Q(i, f int) Format { return Format{Signed: true, Int: i, Frac: f} }

// UQ returns the unsigned format uq<i>.<f>.
func UQ(i, f int) Format { return Format{Signed: false, Int: i, Frac: f} }

// Q88 is the default profile's state format.
var Q88 = Q(8, 8)

// Width returns the number of bits of the word.
func (f Format) Width() int { return f.Int + f.Frac }

// Valid reports whether f has a width in 1..MaxWidth.
func (f Format) Valid() bool { return f.Width() >= 1 && f.Width() <= MaxWidth }

// String prints f as q8.8 or uq0.16.
func (f Format) String() string {
	p := "q"
	if !f.Signed {
		p = "uq"
	}
	return p + strconv.Itoa(f.Int) + "." + strconv.Itoa(f.Frac)
}

// ParseFormat parses q<I>.<F> or uq<I>.<F> of width 1..MaxWidth: the
// format of an IR type. ParseProfile adds the rules of state formats.
func ParseFormat(s string) (Format, error) {
	f, ok := parseFormatWord(s)
	if !ok {
		return f, fmt.Errorf("bad format %q: expected q<I>.<F> or uq<I>.<F>", s)
	}
	if abs(f.Int) > 1<<30 || abs(f.Frac) > 1<<30 { // I+F would overflow
		return f, fmt.Errorf("bad format %q: width outside 1..%d", s, MaxWidth)
	}
	if !f.Valid() {
		return f, fmt.Errorf("bad format %q: width %d outside 1..%d", s, f.Width(), MaxWidth)
	}
	return f, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// parseFormatWord reads the shape q<I>.<F> or uq<I>.<F> (I and F decimal
// integers, either may be negative), without checking the width.
func parseFormatWord(s string) (Format, bool) {
	var f Format
	rest, ok := strings.CutPrefix(s, "uq")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "q"); !ok {
			return f, false
		}
		f.Signed = true
	}
	is, fs, ok := strings.Cut(rest, ".")
	if !ok {
		return f, false
	}
	var err1, err2 error
	f.Int, err1 = strconv.Atoi(is)
	f.Frac, err2 = strconv.Atoi(fs)
	return f, err1 == nil && err2 == nil
}

// Min returns the smallest raw value of f.
func (f Format) Min() int64 {
	if !f.Signed || f.Width() < 1 {
		return 0
	}
	return -1 << (f.Width() - 1)
}

// Max returns the largest raw value of f.
func (f Format) Max() int64 {
	w := f.Width()
	if f.Signed {
		w--
	}
	if w < 0 {
		return 0
	}
	if w >= 64 {
		return math.MaxInt64
	}
	return 1<<w - 1
}

// Contains reports whether the raw value r lies in f's range.
func (f Format) Contains(r int64) bool { return r >= f.Min() && r <= f.Max() }

// Decode returns the real value of the raw word r.
func (f Format) Decode(r int64) float64 { return math.Ldexp(float64(r), -f.Frac) }

// Encode returns round_half_even(x·2^Frac). It fails when x is not finite or
// the rounded value does not fit f (a constant that does not fit its format
// is a compile error, never a silent clamp).
func Encode(x float64, f Format) (int64, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%v cannot be encoded in %v", x, f)
	}
	s := math.Ldexp(x, f.Frac)
	r := math.RoundToEven(s)
	if r < -9.3e18 || r > 9.3e18 || !f.Contains(int64(r)) {
		return 0, fmt.Errorf("%g does not fit %v (range [%g, %g])", x, f, f.Decode(f.Min()), f.Decode(f.Max()))
	}
	return int64(r), nil
}

// CoefFormat returns the signed format of width w with the most fraction
// bits that still holds round_half_even(x·2^Frac): the format the quantize
// pass gives a multiplicative coefficient such as dt/tau.
func CoefFormat(x float64, w int) Format {
	w = max(w, 2)
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return Q(w, 0)
	}
	_, e := math.Frexp(math.Abs(x)) // |x| in [2^(e-1), 2^e)
	f := Q(e+1, w-e-1)
	if _, err := Encode(x, f); err != nil {
		f = Q(e+2, w-e-2)
	}
	return f
}
