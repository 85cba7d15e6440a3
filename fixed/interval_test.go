package fixed

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func ivEq(a Interval, lo, hi int64) bool {
	return a.Lo.Cmp(big.NewInt(lo)) == 0 && a.Hi.Cmp(big.NewInt(hi)) == 0
}

func TestIntervalArith(t *testing.T) {
	a, b := NewInterval(-3, 5), NewInterval(2, 7)
	tests := []struct {
		name   string
		got    Interval
		lo, hi int64
	}{
		{"add", a.Add(b), -1, 12},
		{"sub", a.Sub(b), -10, 3},
		{"neg", a.Neg(), -5, 3},
		{"mul", a.Mul(b), -21, 35},
		{"mul neg", a.Mul(a.Neg()), -25, 15},
		{"hull", a.Hull(NewInterval(6, 9)), -3, 9},
		{"shift left", a.Shift(3), -24, 40},
		{"shift right floors", a.Shift(-1), -2, 2},
		{"format", FormatInterval(Q88), -32768, 32767},
		{"clamp", NewInterval(-40000, 10).Clamp(Q88), -32768, 10},
		{"inward", Inward(-1.3, 2.7, Q(4, 4)), -20, 43},
		{"inward clipped", Inward(-100, 100, Q(4, 4)), -128, 127},
		{"inward unbounded", Inward(math.Inf(-1), math.NaN(), Q(4, 4)), -128, 127},
	}
	for _, tt := range tests {
		if !ivEq(tt.got, tt.lo, tt.hi) {
			t.Errorf("%s = [%v, %v], want [%d, %d]", tt.name, tt.got.Lo, tt.got.Hi, tt.lo, tt.hi)
		}
	}
	for _, tt := range []struct {
		lo, hi int64
		w      int
	}{{0, 0, 1}, {-1, 0, 1}, {0, 1, 2}, {-128, 127, 8}, {-129, 0, 9}, {0, 128, 9}} {
		if got := NewInterval(tt.lo, tt.hi).Width(); got != tt.w {
			t.Errorf("[%d, %d].Width() = %d, want %d", tt.lo, tt.hi, got, tt.w)
		}
	}
	m := NewInterval(-9, 4).MaxAbs()
	m.Add(m, big.NewInt(1)) // the caller owns it
	if m.Int64() != 10 || !ivEq(NewInterval(-9, 4), -9, 4) {
		t.Errorf("MaxAbs = %v, want a fresh 9", m)
	}
}

// TestIntervalCast checks the image of Cast against Cast itself on every
// word of small intervals: the image holds every cast value, and is the
// exact hull of them when nothing overflows.
func TestIntervalCast(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	formats := []Format{Q(4, 4), Q(3, 1), Q(6, 2), Q(2, 6), UQ(4, 4), Q(1, 7)}
	for range 3000 {
		from, to := formats[r.IntN(len(formats))], formats[r.IntN(len(formats))]
		m, o := Round(r.IntN(4)), Overflow(r.IntN(2))
		lo := from.Min() + r.Int64N(from.Max()-from.Min()+1)
		hi := lo + r.Int64N(from.Max()-lo+1)
		img := NewInterval(lo, hi).Cast(from, to, m, o)
		glo, ghi := int64(math.MaxInt64), int64(math.MinInt64)
		exact := true
		for x := lo; x <= hi; x++ {
			y := Cast(x, from, to, m, o)
			glo, ghi = min(glo, y), max(ghi, y)
			if CastRound(big.NewInt(x), from, to, m).Cmp(big.NewInt(y)) != 0 {
				exact = false // overflow handled the value
			}
		}
		if img.Lo.Int64() > glo || img.Hi.Int64() < ghi {
			t.Fatalf("[%d, %d].Cast(%v, %v, %v, %v) = [%v, %v], misses [%d, %d]", lo, hi, from, to, m, o, img.Lo, img.Hi, glo, ghi)
		}
		if exact && !ivEq(img, glo, ghi) {
			t.Fatalf("[%d, %d].Cast(%v, %v, %v, %v) = [%v, %v], want exactly [%d, %d]", lo, hi, from, to, m, o, img.Lo, img.Hi, glo, ghi)
		}
	}
}

// refRound is an independent reference of dropping s fraction bits of x
// with mode m: the exact quotient x/2^s as a rational, rounded by the
// definition of each mode (ShiftRight and CastRound share roundShift).
func refRound(x int64, s int, m Round) *big.Int {
	q := new(big.Rat).SetFrac(big.NewInt(x), new(big.Int).Lsh(big.NewInt(1), uint(s)))
	floor := func(r *big.Rat) *big.Int { // Euclidean division by a positive denominator floors
		return new(big.Int).Div(r.Num(), r.Denom())
	}
	half := big.NewRat(1, 2)
	switch m {
	case Zero:
		return new(big.Int).Quo(q.Num(), q.Denom())
	case HalfUp:
		return floor(new(big.Rat).Add(q, half))
	case HalfEven:
		f := floor(q)
		d := new(big.Rat).Sub(q, new(big.Rat).SetInt(f))
		if c := d.Cmp(half); c > 0 || c == 0 && f.Bit(0) == 1 {
			f.Add(f, big.NewInt(1))
		}
		return f
	}
	return floor(q)
}

// TestCastRound checks CastRound and ShiftRight against refRound.
func TestCastRound(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		x := r.Int64() >> r.IntN(64)
		s := r.IntN(70)
		m := Round(r.IntN(4))
		from, to := Q(8, s), Q(8, 0)
		want := refRound(x, s, m)
		if got := CastRound(big.NewInt(x), from, to, m); got.Cmp(want) != 0 {
			t.Fatalf("CastRound(%d, >>%d, %v) = %v, want %v", x, s, m, got, want)
		}
		if got := ShiftRight(x, s, m); got != want.Int64() {
			t.Fatalf("ShiftRight(%d, %d, %v) = %d, want %v", x, s, m, got, want)
		}
	}
	if got := CastRound(big.NewInt(-3), Q(4, 0), Q(4, 70), Floor); got.Cmp(new(big.Int).Lsh(big.NewInt(-3), 70)) != 0 {
		t.Errorf("CastRound to more fraction bits = %v, want -3·2^70", got)
	}
}

func TestCompareAddSub(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	formats := []Format{Q88, Q(1, 15), Q(-6, 22), Q(40, 0), Q(2, 60), UQ(8, 8)}
	for range 5000 {
		xf, yf := formats[r.IntN(len(formats))], formats[r.IntN(len(formats))]
		x := xf.Min() + r.Int64N(max(xf.Max()-xf.Min(), 1))
		y := yf.Min() + r.Int64N(max(yf.Max()-yf.Min(), 1))
		bx := new(big.Rat).SetFrac(big.NewInt(x), new(big.Int).Lsh(big.NewInt(1), uint(xf.Frac)))
		by := new(big.Rat).SetFrac(big.NewInt(y), new(big.Int).Lsh(big.NewInt(1), uint(yf.Frac)))
		if got, want := Compare(x, xf, y, yf), bx.Cmp(by); got != want {
			t.Fatalf("Compare(%d %v, %d %v) = %d, want %d", x, xf, y, yf, got, want)
		}
		to := AddFormat(xf, yf)
		if to.Width() > MaxWidth {
			continue
		}
		if got, want := Add(x, xf, y, yf, to), new(big.Rat).Add(bx, by); to.Decode(got) != ratFloat(want) {
			t.Fatalf("Add(%d %v, %d %v) in %v = %d, want %v", x, xf, y, yf, to, got, want)
		}
		st := Q(to.Int+1, to.Frac) // a difference needs a sign
		if got, want := Sub(x, xf, y, yf, st), new(big.Rat).Sub(bx, by); st.Width() <= MaxWidth && st.Decode(got) != ratFloat(want) {
			t.Fatalf("Sub(%d %v, %d %v) in %v = %d, want %v", x, xf, y, yf, st, got, want)
		}
	}
}

func ratFloat(r *big.Rat) float64 { f, _ := r.Float64(); return f }
