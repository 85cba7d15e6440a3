package fixed

import (
	"math"
	"math/big"
)

// Interval is a closed interval [Lo, Hi] of raw words, held exactly so
// that sums, products and alignments never overflow before a width is
// chosen: the integer range analysis with which the quantize pass sizes
// every intermediate and formal bounds every value. Ends are never
// modified in place, so intervals may share them.
type Interval struct {
	Lo, Hi *big.Int
}

// NewInterval returns [lo, hi].
func NewInterval(lo, hi int64) Interval { return Interval{big.NewInt(lo), big.NewInt(hi)} }

// FormatInterval returns every raw word of f: [f.Min(), f.Max()].
func FormatInterval(f Format) Interval { return NewInterval(f.Min(), f.Max()) }

// Inward returns the raw words of f inside the real range [lo, hi]:
// the ends rounded inward (ceil, floor), an end beyond f's range replaced
// by f's. A non-finite end is no bound.
func Inward(lo, hi float64, f Format) Interval {
	iv := FormatInterval(f)
	if l := math.Ceil(math.Ldexp(lo, f.Frac)); !math.IsInf(l, 0) && !math.IsNaN(l) && l > float64(f.Min()) {
		iv.Lo, _ = big.NewFloat(l).Int(nil)
	}
	if h := math.Floor(math.Ldexp(hi, f.Frac)); !math.IsInf(h, 0) && !math.IsNaN(h) && h < float64(f.Max()) {
		iv.Hi, _ = big.NewFloat(h).Int(nil)
	}
	return iv
}

// Add returns a + b.
func (a Interval) Add(b Interval) Interval {
	return Interval{new(big.Int).Add(a.Lo, b.Lo), new(big.Int).Add(a.Hi, b.Hi)}
}

// Sub returns a - b.
func (a Interval) Sub(b Interval) Interval {
	return Interval{new(big.Int).Sub(a.Lo, b.Hi), new(big.Int).Sub(a.Hi, b.Lo)}
}

// Neg returns -a.
func (a Interval) Neg() Interval {
	return Interval{new(big.Int).Neg(a.Hi), new(big.Int).Neg(a.Lo)}
}

// Mul returns a · b: the hull of the four corner products.
func (a Interval) Mul(b Interval) Interval {
	m := func(x, y *big.Int) *big.Int { return new(big.Int).Mul(x, y) }
	return hullOf(m(a.Lo, b.Lo), m(a.Lo, b.Hi), m(a.Hi, b.Lo), m(a.Hi, b.Hi))
}

// Hull returns the smallest interval holding a and b.
func (a Interval) Hull(b Interval) Interval { return hullOf(a.Lo, a.Hi, b.Lo, b.Hi) }

func hullOf(xs ...*big.Int) Interval {
	r := Interval{xs[0], xs[0]}
	for _, x := range xs[1:] {
		if x.Cmp(r.Lo) < 0 {
			r.Lo = x
		}
		if x.Cmp(r.Hi) > 0 {
			r.Hi = x
		}
	}
	return r
}

// Shift returns a · 2^k: exact for k ≥ 0 (aligning to more fraction bits),
// rounded toward -inf for k < 0.
func (a Interval) Shift(k int) Interval {
	if k == 0 {
		return a
	}
	return Interval{shiftBig(a.Lo, k), shiftBig(a.Hi, k)}
}

func shiftBig(x *big.Int, k int) *big.Int {
	if k >= 0 {
		return new(big.Int).Lsh(x, uint(k))
	}
	return new(big.Int).Rsh(x, uint(-k)) // floor
}

// Width returns the fewest bits of a signed word holding every value of a
// (at least 1).
func (a Interval) Width() int { return max(signedBits(a.Lo), signedBits(a.Hi)) }

// signedBits is the number of bits of x in two's complement, sign included.
func signedBits(x *big.Int) int {
	if x.Sign() >= 0 {
		return x.BitLen() + 1
	}
	return new(big.Int).Not(x).BitLen() + 1
}

// Within reports whether every value of a is a word of f.
func (a Interval) Within(f Format) bool {
	return a.Lo.Cmp(big.NewInt(f.Min())) >= 0 && a.Hi.Cmp(big.NewInt(f.Max())) <= 0
}

// Clamp returns a with each end saturated into f's range.
func (a Interval) Clamp(f Format) Interval {
	lo, hi := big.NewInt(f.Min()), big.NewInt(f.Max())
	c := func(x *big.Int) *big.Int {
		switch {
		case x.Cmp(lo) < 0:
			return lo
		case x.Cmp(hi) > 0:
			return hi
		}
		return x
	}
	return Interval{c(a.Lo), c(a.Hi)}
}

// MaxAbs returns max(|Lo|, |Hi|) as a new value the caller may modify.
func (a Interval) MaxAbs() *big.Int {
	l, h := new(big.Int).Abs(a.Lo), new(big.Int).Abs(a.Hi)
	if l.Cmp(h) > 0 {
		return l
	}
	return h
}

// Int64 returns the ends as int64; callers check that they fit (Width()
// ≤ 64) first.
func (a Interval) Int64() (lo, hi int64) { return a.Lo.Int64(), a.Hi.Int64() }

// Round is the image of a (raw words of format from) under the rounding
// step of Cast to format to with mode m, before overflow: rounding is
// monotone, so the ends map to the ends.
func (a Interval) Round(from, to Format, m Round) Interval {
	return Interval{CastRound(a.Lo, from, to, m), CastRound(a.Hi, from, to, m)}
}

// Cast is the image of a under Cast(·, from, to, m, o): the rounded
// interval when it fits to; otherwise clamped into to (sat) or, since a
// wrapped value can land anywhere, all of to (wrap).
func (a Interval) Cast(from, to Format, m Round, o Overflow) Interval {
	r := a.Round(from, to, m)
	switch {
	case r.Within(to):
		return r
	case o == Wrap:
		return FormatInterval(to)
	}
	return r.Clamp(to)
}

// CastRound is the rounding step of Cast on an exact integer: x, a word
// of format from, rescaled to to's fraction bits, dropped bits rounded
// with mode m (added bits are exact). The result is a new value.
func CastRound(x *big.Int, from, to Format, m Round) *big.Int {
	s := from.Frac - to.Frac
	if s <= 0 {
		return new(big.Int).Lsh(x, uint(-s))
	}
	return roundShift(x, uint(s), m)
}

// roundShift divides x by 2^s (s > 0) with rounding mode m: the exact
// definition of ShiftRight.
func roundShift(x *big.Int, s uint, m Round) *big.Int {
	d := new(big.Int).Lsh(big.NewInt(1), s)
	q, rem := new(big.Int), new(big.Int)
	q.DivMod(x, d, rem) // Euclidean: rem ≥ 0, so q is the floor
	half := new(big.Int).Rsh(d, 1)
	inc := false
	switch m {
	case Zero:
		inc = x.Sign() < 0 && rem.Sign() != 0
	case HalfUp:
		inc = rem.Cmp(half) >= 0
	case HalfEven:
		c := rem.Cmp(half)
		inc = c > 0 || (c == 0 && q.Bit(0) == 1)
	}
	if inc {
		q.Add(q, big.NewInt(1))
	}
	return q
}
