package passes

import (
	"math/big"

	"scc/fixed"
)

// rawInterval is a closed interval of raw fixed-point words: the exact
// integer range analysis quantize does to size every intermediate.
type rawInterval struct {
	Lo, Hi int64
}

// Contains reports whether the raw word r lies in iv.
func (iv rawInterval) Contains(r int64) bool { return r >= iv.Lo && r <= iv.Hi }

func fullRange(f fixed.Format) rawInterval { return rawInterval{f.Min(), f.Max()} }

// bigIv is a raw interval during a computation that may leave int64
// (products, alignments) before its width is checked.
type bigIv struct {
	lo, hi *big.Int
}

func (iv rawInterval) big() bigIv { return bigIv{big.NewInt(iv.Lo), big.NewInt(iv.Hi)} }

// shl aligns iv from fraction from to fraction to (to ≥ from) exactly.
func (iv rawInterval) shl(from, to int) bigIv {
	b := iv.big()
	if to > from {
		b.lo.Lsh(b.lo, uint(to-from))
		b.hi.Lsh(b.hi, uint(to-from))
	}
	return b
}

func (a bigIv) add(b bigIv) bigIv {
	return bigIv{new(big.Int).Add(a.lo, b.lo), new(big.Int).Add(a.hi, b.hi)}
}

func (a bigIv) sub(b bigIv) bigIv {
	return bigIv{new(big.Int).Sub(a.lo, b.hi), new(big.Int).Sub(a.hi, b.lo)}
}

func (a bigIv) neg() bigIv {
	return bigIv{new(big.Int).Neg(a.hi), new(big.Int).Neg(a.lo)}
}

func (a bigIv) mul(b bigIv) bigIv {
	ps := [4]*big.Int{
		new(big.Int).Mul(a.lo, b.lo), new(big.Int).Mul(a.lo, b.hi),
		new(big.Int).Mul(a.hi, b.lo), new(big.Int).Mul(a.hi, b.hi),
	}
	r := bigIv{ps[0], ps[0]}
	for _, p := range ps[1:] {
		if p.Cmp(r.lo) < 0 {
			r.lo = p
		}
		if p.Cmp(r.hi) > 0 {
			r.hi = p
		}
	}
	return r
}

func (a bigIv) hull(b bigIv) bigIv {
	r := a
	if b.lo.Cmp(r.lo) < 0 {
		r.lo = b.lo
	}
	if b.hi.Cmp(r.hi) > 0 {
		r.hi = b.hi
	}
	return r
}

// width is the minimal signed width holding every value of a (at least 1).
func (a bigIv) width() int { return max(sbits(a.lo), sbits(a.hi)) }

// raw converts a to int64 ends; callers check width() ≤ 64 first.
func (a bigIv) raw() rawInterval { return rawInterval{a.lo.Int64(), a.hi.Int64()} }

// sbits is the number of bits of x in two's complement, sign included.
func sbits(x *big.Int) int {
	if x.Sign() >= 0 {
		return x.BitLen() + 1
	}
	return new(big.Int).Not(x).BitLen() + 1
}

// maxAbs is max(|lo|, |hi|).
func (a bigIv) maxAbs() *big.Int {
	l, h := new(big.Int).Abs(a.lo), new(big.Int).Abs(a.hi)
	if l.Cmp(h) > 0 {
		return l
	}
	return h
}

// castInterval is the image of iv under fixed.Cast(·, from, to, m, o):
// rounding is monotone, so the ends map to the ends; overflow either
// clamps (sat) or, when the rounded interval leaves to, can land anywhere
// in to (wrap).
func castInterval(iv rawInterval, from, to fixed.Format, m fixed.Round, o fixed.Overflow) rawInterval {
	var r bigIv
	if s := from.Frac - to.Frac; s >= 0 {
		r = bigIv{big.NewInt(fixed.ShiftRight(iv.Lo, s, m)), big.NewInt(fixed.ShiftRight(iv.Hi, s, m))}
	} else {
		r = iv.shl(from.Frac, to.Frac)
	}
	full := fullRange(to)
	if r.lo.Cmp(big.NewInt(full.Lo)) >= 0 && r.hi.Cmp(big.NewInt(full.Hi)) <= 0 {
		return r.raw()
	}
	if o == fixed.Wrap {
		return full
	}
	clampTo := func(x *big.Int) int64 {
		if x.Cmp(big.NewInt(full.Lo)) < 0 {
			return full.Lo
		}
		if x.Cmp(big.NewInt(full.Hi)) > 0 {
			return full.Hi
		}
		return x.Int64()
	}
	return rawInterval{clampTo(r.lo), clampTo(r.hi)}
}
