package rt

import (
	"math/bits"
	"testing"
)

// The published first outputs of splitmix64 seeded with 1234567 (the
// Rosetta Code task "Pseudo-random numbers/Splitmix64", which quotes the
// reference C code of Vigna).
func TestSplitMix64Published(t *testing.T) {
	want := []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821}
	s := uint64(1234567)
	for i, w := range want {
		if got := SplitMix64(s); got != w {
			t.Fatalf("output %d: got %d, want %d", i, got, w)
		}
		s += 0x9e3779b97f4a7c15
	}
}

// gf2 is a 32×32 bit matrix over GF(2): row r holds the bits that feed
// output bit r.
type gf2 [32]uint32

func (m gf2) apply(x uint32) uint32 {
	var y uint32
	for r := range 32 {
		y |= uint32(bits.OnesCount32(m[r]&x)&1) << r
	}
	return y
}

func (m gf2) mul(n gf2) gf2 { // m·n: apply n first
	var p gf2
	for r := range 32 {
		for c := range 32 {
			col := uint32(0)
			for k := range 32 {
				col |= (n[k] >> c & 1) << k
			}
			p[r] |= uint32(bits.OnesCount32(m[r]&col)&1) << c
		}
	}
	return p
}

func ident() gf2 {
	var m gf2
	for r := range 32 {
		m[r] = 1 << r
	}
	return m
}

// shiftXor is the matrix of x ^= x<<k (k > 0) or x ^= x>>-k.
func shiftXor(k int) gf2 {
	m := ident()
	for r := range 32 {
		src := r - k
		if src >= 0 && src < 32 {
			m[r] |= 1 << src
		}
	}
	return m
}

func (m gf2) pow(e uint64) gf2 {
	r := ident()
	for ; e > 0; e >>= 1 {
		if e&1 != 0 {
			r = r.mul(m)
		}
		m = m.mul(m)
	}
	return r
}

// TestXorshift32 checks Xorshift32 against its definition as the GF(2)
// matrix T = (I+L^5)(I+R^17)(I+L^13) built bit by bit, and proves the
// published property of the (13, 17, 5) triple: T has order exactly
// 2^32 − 1 (T^(2^32−1) = I and T^((2^32−1)/p) ≠ I for each prime p of
// 2^32 − 1 = 3·5·17·257·65537), so every nonzero seed has full period.
func TestXorshift32(t *testing.T) {
	T := shiftXor(5).mul(shiftXor(-17)).mul(shiftXor(13))
	x := uint32(2463534242) // Marsaglia's example seed
	for i := range 1000 {
		want := T.apply(x)
		got := Xorshift32(x)
		if got != want {
			t.Fatalf("step %d from %#x: got %#x, matrix gives %#x", i, x, got, want)
		}
		x = got
	}
	const period = 1<<32 - 1
	if T.pow(period) != ident() {
		t.Fatal("T^(2^32-1) is not the identity")
	}
	for _, p := range []uint64{3, 5, 17, 257, 65537} {
		if T.pow(period/p) == ident() {
			t.Fatalf("T^((2^32-1)/%d) is the identity: period is not maximal", p)
		}
	}
	if Xorshift32(0) != 0 {
		t.Fatal("0 is not the fixed point")
	}
}

func TestStreamSeed(t *testing.T) {
	// Independent restatement of the documented chain.
	mix := func(x uint64) uint64 {
		x += 0x9e3779b97f4a7c15
		x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
		x = (x ^ x>>27) * 0x94d049bb133111eb
		return x ^ x>>31
	}
	seen := map[uint32]bool{}
	for seed := uint64(0); seed < 4; seed++ {
		for stream := range 4 {
			for i := range 64 {
				s := StreamSeed(seed, stream, i)
				if s == 0 || s&1 == 0 {
					t.Fatalf("seed %d %d %d: state %#x not forced odd", seed, stream, i, s)
				}
				if want := uint32(mix(mix(mix(seed)^uint64(stream))^uint64(i))) | 1; s != want {
					t.Fatalf("StreamSeed(%d, %d, %d) = %#x, want %#x", seed, stream, i, s, want)
				}
				seen[s] = true
			}
		}
	}
	if len(seen) < 4*4*64-2 {
		t.Fatalf("only %d distinct seeds of %d", len(seen), 4*4*64)
	}
}
