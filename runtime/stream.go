package rt

import "math/bits"

// Words returns the number of uint64 words that hold an n-bit stream.
func Words(n int) int { return (n + 63) >> 6 }

// Bit returns bit k of the packed stream s.
func Bit(s []uint64, k int) bool { return s[k>>6]>>(k&63)&1 != 0 }

// SetBit sets bit k of the packed stream s to b.
func SetBit(s []uint64, k int, b bool) {
	if b {
		s[k>>6] |= 1 << (k & 63)
	} else {
		s[k>>6] &^= 1 << (k & 63)
	}
}

// Pack packs bools LSB-first into dst and returns dst[:Words(len(b))].
func Pack(dst []uint64, b []bool) []uint64 {
	dst = dst[:Words(len(b))]
	clear(dst)
	for k, v := range b {
		if v {
			dst[k>>6] |= 1 << (k & 63)
		}
	}
	return dst
}

// TailMask returns the mask of the valid bits of the last word of an n-bit
// stream (all ones when n is a multiple of 64).
func TailMask(n int) uint64 {
	if n&63 == 0 {
		return ^uint64(0)
	}
	return 1<<(n&63) - 1
}

// And sets dst = a AND b (unipolar SC multiply) word by word over len(dst).
func And(dst, a, b []uint64) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] & b[i]
	}
}

// Or sets dst = a OR b over len(dst).
func Or(dst, a, b []uint64) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] | b[i]
	}
}

// Xor sets dst = a XOR b over len(dst) (bipolar SC multiply is XNOR; its
// popcount is n − popcount(a XOR b)).
func Xor(dst, a, b []uint64) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] ^ b[i]
	}
}

// Mux sets dst = sel ? a : b bit by bit over len(dst) (sc_mux_add: scaled
// addition).
func Mux(dst, a, b, sel []uint64) {
	a, b, sel = a[:len(dst)], b[:len(dst)], sel[:len(dst)]
	for i := range dst {
		dst[i] = b[i] ^ (sel[i] & (a[i] ^ b[i]))
	}
}

// PopcountGo is the plain-Go popcount: one OnesCount64 per word. It is the
// baseline the benchmarks compare against.
func PopcountGo(a []uint64) int {
	n := 0
	for _, w := range a {
		n += bits.OnesCount64(w)
	}
	return n
}

// AndPopcountGo is the plain-Go AND+popcount baseline.
func AndPopcountGo(a, b []uint64) int {
	b = b[:len(a)]
	n := 0
	for i, w := range a {
		n += bits.OnesCount64(w & b[i])
	}
	return n
}

// Popcount returns the number of one bits in a.
func Popcount(a []uint64) int {
	var n0, n1, n2, n3 int
	i := 0
	for ; i+4 <= len(a); i += 4 {
		q := (*[4]uint64)(a[i : i+4])
		n0 += bits.OnesCount64(q[0])
		n1 += bits.OnesCount64(q[1])
		n2 += bits.OnesCount64(q[2])
		n3 += bits.OnesCount64(q[3])
	}
	for ; i < len(a); i++ {
		n0 += bits.OnesCount64(a[i])
	}
	return n0 + n1 + n2 + n3
}

// AndPopcount returns popcount(a AND b) over len(a) words: the count of an
// SC product stream, fused so the product is never stored.
func AndPopcount(a, b []uint64) int {
	if len(a) >= simdMinWords && haveSIMD {
		return andPopcountSIMD(a, b[:len(a)])
	}
	return andPopcountScalar(a, b)
}

func andPopcountScalar(a, b []uint64) int {
	b = b[:len(a)]
	var n0, n1, n2, n3 int
	i := 0
	for ; i+4 <= len(a); i += 4 {
		p := (*[4]uint64)(a[i : i+4])
		q := (*[4]uint64)(b[i : i+4])
		n0 += bits.OnesCount64(p[0] & q[0])
		n1 += bits.OnesCount64(p[1] & q[1])
		n2 += bits.OnesCount64(p[2] & q[2])
		n3 += bits.OnesCount64(p[3] & q[3])
	}
	for ; i < len(a); i++ {
		n0 += bits.OnesCount64(a[i] & b[i])
	}
	return n0 + n1 + n2 + n3
}

// CorDiv is the cycle model of sc_cordiv: per cycle z = 1 if x, else 0 if
// y, else z holds.
type CorDiv struct{ Z bool }

// Step applies one clock with stream bits x, y and returns the new z.
func (c *CorDiv) Step(x, y bool) bool {
	if x {
		c.Z = true
	} else if y {
		c.Z = false
	}
	return c.Z
}

// CorDivStream runs a CORDIV divider with initial state z over the first n
// bits of the packed streams x, y: dst bit k is z after consuming bit k. It
// returns the final z. The latch recurrence z_k = x_k | (¬y_k & z_{k-1}) is a
// carry chain (generate x, propagate ¬x∧¬y), so one 64-bit add does a word.
func CorDivStream(dst, x, y []uint64, n int, z bool) bool {
	nw := Words(n)
	if nw == 0 {
		return z
	}
	dst, x, y = dst[:nw], x[:nw], y[:nw]
	var c uint64
	if z {
		c = 1
	}
	for i := range dst {
		g := x[i]
		p := ^(x[i] | y[i])
		sum, cout := bits.Add64(g, g|p, c)
		dst[i] = (sum^p)>>1 | cout<<63
		c = cout
	}
	last := Bit(dst, n-1)
	dst[nw-1] &= TailMask(n)
	return last
}

// AndPopcountBatch sets dst[p] = popcount(a_p AND b_p) for the len(dst)
// stream pairs of `words` words each stored back to back in a and b: the
// counts of a batch of SC products (e.g. 1024-bit streams, words = 16).
func AndPopcountBatch(dst []int32, a, b []uint64, words int) {
	n := len(dst) * words
	a, b = a[:n], b[:n]
	if haveSIMD && words%8 == 0 {
		andPopcountBatchSIMD(dst, a, b, words)
		return
	}
	andPopcountBatchScalar(dst, a, b, words)
}

func andPopcountBatchScalar(dst []int32, a, b []uint64, words int) {
	for p := range dst {
		dst[p] = int32(andPopcountScalar(a[p*words:(p+1)*words], b[p*words:(p+1)*words]))
	}
}
