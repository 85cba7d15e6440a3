package rt

// The network random streams of DESIGN §4.1 rule 5: one xorshift32 stream
// per Poisson source neuron and per poisson_sum drive target, seeded at
// compile time from (seed, stream, index) with splitmix64. Every execution
// (sim, runtime, parallel and folded RTL) computes the same words from
// these three functions.

// Xorshift32 advances a xorshift32 state one step: Marsaglia's (13, 17, 5)
// triple (Marsaglia 2003, "Xorshift RNGs", J. Stat. Softw. 8(14)),
//
//	x ^= x << 13; x ^= x >> 17; x ^= x << 5
//
// A nonzero state stays nonzero; the period from any nonzero state is
// 2^32 − 1. The draw u(t) of step t is the state after its t-th advance.
func Xorshift32(x uint32) uint32 {
	x ^= x << 13
	x ^= x >> 17
	x ^= x << 5
	return x
}

// SplitMix64 returns the first output of a splitmix64 generator (Steele,
// Lea and Flood 2014; the version of java.util.SplittableRandom and of
// Vigna's seeding code) whose state is x: the state is advanced by the
// golden gamma 0x9e3779b97f4a7c15 and the result is mixed with Stafford's
// variant 13 (shifts 30, 27, 31). Successive outputs of a generator seeded
// with s are SplitMix64(s), SplitMix64(s + γ), SplitMix64(s + 2γ), …
func SplitMix64(x uint64) uint64 {
	z := x + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// StreamSeed is the initial xorshift32 state of stream (seed, stream,
// index): three chained splitmix64 mixes,
//
//	h = SplitMix64(SplitMix64(SplitMix64(seed) ^ stream) ^ index)
//
// (stream and index as uint64 of their two's-complement value), then the
// low 32 bits of h with bit 0 forced to 1, so the state is never 0 (0 is
// xorshift32's fixed point).
func StreamSeed(seed uint64, stream, index int) uint32 {
	h := SplitMix64(seed)
	h = SplitMix64(h ^ uint64(stream))
	h = SplitMix64(h ^ uint64(index))
	return uint32(h) | 1
}
