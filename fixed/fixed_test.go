package fixed

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestEncode(t *testing.T) {
	tests := []struct {
		x    float64
		f    Format
		want int64
		err  bool
	}{
		{1.0, Q88, 256, false},
		{-65, Q88, -16640, false},
		{0.1, Q88, 26, false},        // 25.6 → 26
		{0.5 / 256, Q88, 0, false},   // 0.5 → 0 (tie to even)
		{1.5 / 256, Q88, 2, false},   // 1.5 → 2
		{2.5 / 256, Q88, 2, false},   // 2.5 → 2
		{-2.5 / 256, Q88, -2, false}, // -2.5 → -2
		{127.99609375, Q88, 32767, false},
		{128, Q88, 0, true}, // does not fit: error, never a clamp
		{-128, Q88, -32768, false},
		{-128.01, Q88, 0, true},
		{math.NaN(), Q88, 0, true},
		{0.005, Q(-6, 22), 20972, false},
		{255.5, UQ(8, 8), 65408, false},
		{-1, UQ(8, 8), 0, true},
	}
	for _, tt := range tests {
		got, err := Encode(tt.x, tt.f)
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("Encode(%v, %v) = %d, %v; want %d, err=%v", tt.x, tt.f, got, err, tt.want, tt.err)
		}
	}
}

func TestCoefFormat(t *testing.T) {
	tests := []struct {
		x    float64
		want Format
	}{
		{0.005, Q(-6, 22)},
		{1, Q(2, 14)},
		{0.5, Q(1, 15)},
		{-0.5, Q(1, 15)},
		{0.99997, Q(1, 15)},
		{0.99999, Q(2, 14)}, // rounds to 2^15 in q1.15: needs one more bit
		{20, Q(6, 10)},
		{0, Q(16, 0)},
	}
	for _, tt := range tests {
		if got := CoefFormat(tt.x, 16); got != tt.want {
			t.Errorf("CoefFormat(%v, 16) = %v, want %v", tt.x, got, tt.want)
		}
		if _, err := Encode(tt.x, CoefFormat(tt.x, 16)); err != nil {
			t.Errorf("Encode(%v, CoefFormat) failed: %v", tt.x, err)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"q8.8", "uq0.16", "q-6.22", "q16.16", "uq4.0"} {
		f, err := ParseFormat(s)
		if err != nil || f.String() != s {
			t.Errorf("ParseFormat(%q) = %v, %v; want round trip", s, f, err)
		}
	}
	for _, s := range []string{"", "q8", "x8.8", "q40.40", "q0.0", "q8.a"} {
		if _, err := ParseFormat(s); err == nil {
			t.Errorf("ParseFormat(%q) succeeded, want error", s)
		}
	}
}

// castRef is the math/big reference of Cast.
func castRef(r int64, from, to Format, m Round, o Overflow) int64 {
	x := big.NewInt(r)
	s := from.Frac - to.Frac
	if s < 0 {
		x.Lsh(x, uint(-s))
	} else if s > 0 {
		x = big.NewInt(0).SetInt64(shiftRightBig(r, s, m))
	}
	min, max := big.NewInt(to.Min()), big.NewInt(to.Max())
	if o == Sat {
		if x.Cmp(min) < 0 {
			return to.Min()
		}
		if x.Cmp(max) > 0 {
			return to.Max()
		}
		return x.Int64()
	}
	mod := new(big.Int).Lsh(big.NewInt(1), uint(to.Width()))
	x.Mod(x, mod) // Euclidean: 0 ≤ x < 2^W
	if to.Signed && x.Cmp(new(big.Int).Rsh(mod, 1)) >= 0 {
		x.Sub(x, mod)
	}
	return x.Int64()
}

func randFormat(rng *rand.Rand) Format {
	w := 1 + rng.IntN(40)
	fr := rng.IntN(2*w+1) - w/2
	return Format{Signed: rng.IntN(4) != 0, Int: w - fr, Frac: fr}
}

func randRaw(rng *rand.Rand, f Format) int64 {
	span := f.Max() - f.Min()
	if span <= 0 || span > 1<<61 {
		return f.Min() + rng.Int64N(1<<61)
	}
	return f.Min() + rng.Int64N(span+1)
}

func TestCastAgainstBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		from, to := randFormat(rng), randFormat(rng)
		r := randRaw(rng, from)
		m, o := Round(rng.IntN(4)), Overflow(rng.IntN(2))
		got, want := Cast(r, from, to, m, o), castRef(r, from, to, m, o)
		if got != want {
			t.Fatalf("Cast(%d, %v, %v, %v, %v) = %d, want %d", r, from, to, m, o, got, want)
		}
	}
}

func TestShiftRightModes(t *testing.T) {
	tests := []struct {
		r    int64
		s    int
		m    Round
		want int64
	}{
		{5, 1, Floor, 2}, {-5, 1, Floor, -3}, {-5, 1, Zero, -2}, {5, 1, Zero, 2},
		{5, 1, HalfUp, 3}, {-5, 1, HalfUp, -2}, {5, 1, HalfEven, 2}, {7, 1, HalfEven, 4},
		{-5, 1, HalfEven, -2}, {-7, 1, HalfEven, -4}, {6, 2, HalfEven, 2}, {-1, 70, Floor, -1},
		{-1, 70, Zero, 0}, {1 << 40, 63, HalfUp, 0},
	}
	for _, tt := range tests {
		if got := ShiftRight(tt.r, tt.s, tt.m); got != tt.want {
			t.Errorf("ShiftRight(%d, %d, %v) = %d, want %d", tt.r, tt.s, tt.m, got, tt.want)
		}
	}
}

func TestDiv(t *testing.T) {
	tests := []struct {
		num, den int64
		want     int64
	}{
		{256, 512, 128},                  // 1.0 / 2.0 = 0.5
		{-256, 512, -128},                // -0.5
		{256, 768, 85},                   // 0.333 truncates toward zero
		{-256, 768, -85},                 // toward zero, not floor
		{256, 0, 32767},                  // x/0, x ≥ 0: max
		{0, 0, 32767},                    // 0/0: max (num ≥ 0)
		{-1, 0, -32768},                  // negative/0: min
		{32767, 1, 32767 * 256 & 0xFFFF}, // wraps to the result width
	}
	for _, tt := range tests {
		want := WrapTo(tt.want, Q88)
		if got := Div(tt.num, Q88, tt.den, Q88, Q88); got != want {
			t.Errorf("Div(%d, %d) = %d, want %d", tt.num, tt.den, got, want)
		}
	}
}

func TestWrapSat(t *testing.T) {
	if got := WrapTo(32768, Q88); got != -32768 {
		t.Errorf("WrapTo(32768) = %d", got)
	}
	if got := WrapTo(-32769, Q88); got != 32767 {
		t.Errorf("WrapTo(-32769) = %d", got)
	}
	if got := WrapTo(70000, UQ(8, 8)); got != 70000-65536 {
		t.Errorf("WrapTo(70000, uq8.8) = %d", got)
	}
	if got := SatTo(40000, Q88); got != 32767 {
		t.Errorf("SatTo(40000) = %d", got)
	}
	if got := SatTo(-40000, Q88); got != -32768 {
		t.Errorf("SatTo(-40000) = %d", got)
	}
}

func FuzzCast(f *testing.F) {
	f.Add(int64(12345), 8, 8, 4, 12, uint8(0), uint8(1), true, true)
	f.Fuzz(func(t *testing.T, r int64, fi, ff, ti, tf int, m, o uint8, fs, ts bool) {
		from := Format{Signed: fs, Int: fi % 33, Frac: ff % 33}
		to := Format{Signed: ts, Int: ti % 33, Frac: tf % 33}
		if !from.Valid() || !to.Valid() || from.Width() > 62 {
			return
		}
		r = WrapTo(r, from)
		rm, om := Round(m%4), Overflow(o%2)
		if got, want := Cast(r, from, to, rm, om), castRef(r, from, to, rm, om); got != want {
			t.Fatalf("Cast(%d, %v, %v, %v, %v) = %d, want %d", r, from, to, rm, om, got, want)
		}
	})
}
