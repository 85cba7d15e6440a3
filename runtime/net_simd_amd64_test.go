//go:build goexperiment.simd && amd64

package rt

import (
	"math/rand/v2"
	"simd/archsimd"
	"slices"
	"testing"
)

// TestDrawPoissonPaths: every vector draw path the CPU runs advances each
// stream as Xorshift32 does and counts the table's first four entries the
// draw reaches as poissonCount does (capped at 4), lane for lane, over
// lengths around the vector widths.
func TestDrawPoissonPaths(t *testing.T) {
	paths := map[string]func([]uint32, []int32, *[4]uint32) int{}
	if archsimd.X86.AVX512() {
		paths["avx512"] = drawPoisson512
	}
	if archsimd.X86.AVX2() {
		paths["avx2"] = drawPoisson256
	}
	if len(paths) == 0 {
		t.Skip("no vector path on this CPU")
	}
	r := rand.New(rand.NewPCG(8, 8))
	for name, f := range paths {
		for n := range 70 {
			tab := make([]uint32, 6)
			for k := range tab {
				tab[k] = r.Uint32()
			}
			slices.Sort(tab)
			head := [4]uint32{tab[0], tab[1], tab[2], tab[3]}
			rng := make([]uint32, n)
			for i := range rng {
				rng[i] = r.Uint32() | 1
			}
			want := slices.Clone(rng)
			cnt := make([]int32, n)
			k := f(rng, cnt, &head)
			if k > n || n-k >= 16 {
				t.Fatalf("%s: %d of %d lanes", name, k, n)
			}
			for i := range k {
				u := Xorshift32(want[i])
				if rng[i] != u {
					t.Fatalf("%s n=%d lane %d: state %#x, want %#x", name, n, i, rng[i], u)
				}
				if c := min(poissonCount(tab, u), 4); int(cnt[i]) != c {
					t.Fatalf("%s n=%d lane %d: count %d, want %d", name, n, i, cnt[i], c)
				}
			}
			if !slices.Equal(rng[k:], want[k:]) {
				t.Fatalf("%s: lanes past %d changed", name, k)
			}
		}
	}
}
