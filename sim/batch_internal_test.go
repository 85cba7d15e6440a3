package sim

import (
	"math/rand/v2"
	"testing"

	"scc/fixed"
)

// TestDivWord: the int64 fast path of division equals fixed.Div (the
// definition) on random words of random formats, zero and extreme
// denominators included.
func TestDivWord(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(f fixed.Format) int64 {
		switch rng.IntN(8) {
		case 0:
			return f.Min()
		case 1:
			return f.Max()
		case 2:
			return 0
		case 3:
			return int64(rng.IntN(5)) - 2
		}
		return f.Min() + int64(rng.Uint64N(uint64(f.Max()-f.Min())+1))
	}
	for range 200000 {
		nf := fixed.Q(1+rng.IntN(30), rng.IntN(30))
		df := fixed.Q(1+rng.IntN(30), rng.IntN(30))
		to := fixed.Q(1+rng.IntN(30), rng.IntN(30))
		num, den := word(nf), word(df)
		sh := df.Frac + to.Frac - nf.Frac
		if got, want := divWord(num, nf, den, df, to, sh), fixed.Div(num, nf, den, df, to); got != want {
			t.Fatalf("%d (%v) / %d (%v) → %v: %d, fixed.Div %d", num, nf, den, df, to, got, want)
		}
	}
}
