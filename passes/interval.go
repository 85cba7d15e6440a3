package passes

import (
	"math/big"

	"scc/fixed"
)

// rawInterval is a closed interval of raw fixed-point words: the exact
// integer range analysis quantize does to size every intermediate. The
// arithmetic is fixed.Interval's; these are quantize's names for it.
type rawInterval struct {
	Lo, Hi int64
}

// Contains reports whether the raw word r lies in iv.
func (iv rawInterval) Contains(r int64) bool { return r >= iv.Lo && r <= iv.Hi }

func fullRange(f fixed.Format) rawInterval { return rawInterval{f.Min(), f.Max()} }

// bigIv is a raw interval during a computation that may leave int64
// (products, alignments) before its width is checked: a fixed.Interval.
type bigIv struct {
	lo, hi *big.Int
}

func (a bigIv) fx() fixed.Interval { return fixed.Interval{Lo: a.lo, Hi: a.hi} }

func ofFixed(iv fixed.Interval) bigIv { return bigIv{iv.Lo, iv.Hi} }

func (iv rawInterval) big() bigIv { return bigIv{big.NewInt(iv.Lo), big.NewInt(iv.Hi)} }

// shl aligns iv from fraction from to fraction to (to ≥ from) exactly.
func (iv rawInterval) shl(from, to int) bigIv { return ofFixed(iv.big().fx().Shift(max(to-from, 0))) }

func (a bigIv) add(b bigIv) bigIv  { return ofFixed(a.fx().Add(b.fx())) }
func (a bigIv) sub(b bigIv) bigIv  { return ofFixed(a.fx().Sub(b.fx())) }
func (a bigIv) neg() bigIv         { return ofFixed(a.fx().Neg()) }
func (a bigIv) mul(b bigIv) bigIv  { return ofFixed(a.fx().Mul(b.fx())) }
func (a bigIv) hull(b bigIv) bigIv { return ofFixed(a.fx().Hull(b.fx())) }

// width is the minimal signed width holding every value of a (at least 1).
func (a bigIv) width() int { return a.fx().Width() }

// raw converts a to int64 ends; callers check width() ≤ 64 first.
func (a bigIv) raw() rawInterval {
	lo, hi := a.fx().Int64()
	return rawInterval{lo, hi}
}

// maxAbs is max(|lo|, |hi|), a new value.
func (a bigIv) maxAbs() *big.Int { return a.fx().MaxAbs() }

// castInterval is the image of iv under fixed.Cast(·, from, to, m, o)
// (fixed.Interval.Cast).
func castInterval(iv rawInterval, from, to fixed.Format, m fixed.Round, o fixed.Overflow) rawInterval {
	return ofFixed(iv.big().fx().Cast(from, to, m, o)).raw()
}
