package fixed

import (
	"cmp"
	"fmt"
	"math/big"
	"math/bits"
)

var mask64 = new(big.Int).SetUint64(^uint64(0))

// Round is a rounding mode for dropping fraction bits.
type Round uint8

// Rounding modes (DESIGN §3).
const (
	Floor    Round = iota // toward -inf: arithmetic shift (AP_TRN, the seed RTL)
	HalfUp                // to nearest, ties toward +inf
	HalfEven              // to nearest, ties to even
	Zero                  // toward zero (truncation)
)

var roundNames = [...]string{"floor", "half_up", "half_even", "zero"}

// String returns the mode's IR spelling.
func (r Round) String() string {
	if int(r) < len(roundNames) {
		return roundNames[r]
	}
	return fmt.Sprintf("round(%d)", uint8(r))
}

// ParseRound parses a rounding mode name (the `rounding` option, the IR).
func ParseRound(s string) (Round, error) {
	for i, n := range roundNames {
		if n == s {
			return Round(i), nil
		}
	}
	return 0, fmt.Errorf("expected floor, half_up, half_even or zero, found %q", s)
}

// Overflow is the behaviour when a value leaves its target format.
type Overflow uint8

// Overflow modes (DESIGN §3).
const (
	Wrap Overflow = iota // keep the low Width bits (two's complement)
	Sat                  // clamp to the format's min or max
)

// String returns the mode's IR spelling.
func (o Overflow) String() string {
	switch o {
	case Wrap:
		return "wrap"
	case Sat:
		return "sat"
	}
	return fmt.Sprintf("overflow(%d)", uint8(o))
}

// ParseOverflow parses an overflow mode name (the `overflow` option, the
// IR).
func ParseOverflow(s string) (Overflow, error) {
	switch s {
	case "wrap":
		return Wrap, nil
	case "sat":
		return Sat, nil
	}
	return 0, fmt.Errorf("expected sat or wrap, found %q", s)
}

// WrapTo keeps the low Width bits of r and reinterprets them in f.
func WrapTo(r int64, f Format) int64 {
	w := f.Width()
	if w >= 64 {
		if !f.Signed && r < 0 {
			return r // uq64 is not representable in int64; callers stay ≤ 63
		}
		return r
	}
	u := uint64(r) & (1<<uint(w) - 1)
	if f.Signed && u>>(uint(w)-1) != 0 {
		return int64(u) - 1<<uint(w)
	}
	return int64(u)
}

// SatTo clamps r to f's range.
func SatTo(r int64, f Format) int64 {
	if r < f.Min() {
		return f.Min()
	}
	if r > f.Max() {
		return f.Max()
	}
	return r
}

// Fit applies the overflow mode o to bring r into f.
func Fit(r int64, f Format, o Overflow) int64 {
	if o == Sat {
		return SatTo(r, f)
	}
	return WrapTo(r, f)
}

// ShiftRight divides r by 2^s (s ≥ 0) with rounding mode m.
func ShiftRight(r int64, s int, m Round) int64 {
	if s <= 0 {
		return r
	}
	if s >= 62 {
		return shiftRightBig(r, s, m)
	}
	q := r >> uint(s) // floor
	rem := r - q<<uint(s)
	switch m {
	case Zero:
		if r < 0 && rem != 0 {
			return q + 1
		}
	case HalfUp:
		if rem >= 1<<uint(s-1) {
			return q + 1
		}
	case HalfEven:
		half := int64(1) << uint(s-1)
		if rem > half || (rem == half && q&1 != 0) {
			return q + 1
		}
	}
	return q
}

// shiftRightBig is the exact reference of ShiftRight, used for very large
// shifts and by the tests.
func shiftRightBig(r int64, s int, m Round) int64 {
	return roundShift(big.NewInt(r), uint(s), m).Int64()
}

// Cast converts raw r of format from into format to: fraction bits are
// dropped with rounding mode m (or added exactly), then overflow mode o
// brings the value into to's range. This is the IR's `cast` op.
func Cast(r int64, from, to Format, m Round, o Overflow) int64 {
	s := from.Frac - to.Frac
	if s >= 0 {
		return Fit(ShiftRight(r, s, m), to, o)
	}
	k := uint(-s)
	if k >= 62 || (r != 0 && bits.Len64(absU(r))+int(k) > 62) {
		return castBig(r, from, to, o)
	}
	return Fit(r<<k, to, o)
}

// castBig is the exact path of Cast for left shifts that leave int64.
func castBig(r int64, from, to Format, o Overflow) int64 {
	x := big.NewInt(r)
	x.Lsh(x, uint(to.Frac-from.Frac))
	if o == Sat {
		if x.Cmp(big.NewInt(to.Min())) < 0 {
			return to.Min()
		}
		if x.Cmp(big.NewInt(to.Max())) > 0 {
			return to.Max()
		}
		return x.Int64()
	}
	return WrapTo(int64(new(big.Int).And(x, mask64).Uint64()), to)
}

func absU(r int64) uint64 {
	if r < 0 {
		return uint64(-r)
	}
	return uint64(r)
}

// Align returns r (format f) rescaled to frac fraction bits (frac ≥
// f.Frac), modulo 2^64: exact when the result fits in int64, and exact
// after WrapTo into a format of at most 64 bits in any case.
func Align(r int64, f Format, frac int) int64 { return r << uint(frac-f.Frac) }

// Add is the IR's add op on raw words: x (format xf) plus y (format yf),
// both aligned to to's fraction bits, wrapped to to. The IR gives to
// enough bits for every sum (DESIGN §3), so the wrap never drops one.
func Add(x int64, xf Format, y int64, yf Format, to Format) int64 {
	return WrapTo(Align(x, xf, to.Frac)+Align(y, yf, to.Frac), to)
}

// Sub is the IR's sub op on raw words, as Add.
func Sub(x int64, xf Format, y int64, yf Format, to Format) int64 {
	return WrapTo(Align(x, xf, to.Frac)-Align(y, yf, to.Frac), to)
}

// Compare compares the real values of raw words x (format xf) and y
// (format yf) exactly: -1, 0 or +1.
func Compare(x int64, xf Format, y int64, yf Format) int {
	m := max(xf.Frac, yf.Frac)
	sx, sy := m-xf.Frac, m-yf.Frac
	if shiftFits(x, sx) && shiftFits(y, sy) {
		return cmp.Compare(x<<uint(sx), y<<uint(sy))
	}
	bx := new(big.Int).Lsh(big.NewInt(x), uint(sx))
	by := new(big.Int).Lsh(big.NewInt(y), uint(sy))
	return bx.Cmp(by)
}

// shiftFits reports whether x·2^s (s ≥ 0) stays in int64.
func shiftFits(x int64, s int) bool {
	if s >= 62 {
		return x == 0
	}
	lim := int64(1) << uint(62-s)
	return x < lim && x > -lim
}

// AddFormat is the exact result format of a+b (and a-b): fractions aligned
// to the larger, one integer bit more than the larger integer part.
func AddFormat(a, b Format) Format {
	in := max(a.Int, b.Int)
	if a.Signed != b.Signed {
		in++ // the unsigned operand needs a sign bit
	}
	return Format{Signed: a.Signed || b.Signed, Int: in + 1, Frac: max(a.Frac, b.Frac)}
}

// MulFormat is the exact result format of a*b.
func MulFormat(a, b Format) Format {
	return Format{Signed: a.Signed || b.Signed, Int: a.Int + b.Int, Frac: a.Frac + b.Frac}
}

// Div implements division by a variable (DESIGN §3): the quotient of
// num (format nf) by den (format df) in format to, computed as
// (num·2^(df.Frac + to.Frac - nf.Frac)) / den truncating toward zero; a zero
// denominator gives to's max when num ≥ 0 and its min otherwise. The result
// wraps to to's width.
func Div(num int64, nf Format, den int64, df Format, to Format) int64 {
	if den == 0 {
		if num >= 0 {
			return to.Max()
		}
		return to.Min()
	}
	sh := df.Frac + to.Frac - nf.Frac
	n := big.NewInt(num)
	d := big.NewInt(den)
	if sh >= 0 {
		n.Lsh(n, uint(sh))
	} else {
		d.Lsh(d, uint(-sh))
	}
	q := n.Quo(n, d) // truncates toward zero
	// Keep the low 64 bits, then wrap: the same as a wide hardware divider
	// followed by a narrowing assignment.
	lo := new(big.Int).And(q, mask64).Uint64()
	return WrapTo(int64(lo), to)
}
