//go:build goexperiment.simd && amd64

package rt

import (
	"fmt"
	"math/bits"
	"simd/archsimd"
)

// Run-time dispatch. The AND+popcount kernels take AVX-512 when the CPU has
// VPOPCNTQ (AVX512VPOPCNTDQ), else the AVX2 nibble-table kernels, else the
// portable ones; the LIF block takes AVX-512, else AVX2, else portable. See
// simd_other.go for builds without GOEXPERIMENT=simd.
var popPath, lifPath = bestPaths()

// haveSIMD reports that a vector AND+popcount path runs (stream.go's
// dispatch); haveAVX512 (the name predates the AVX2 path) that a vector LIF
// block runs (pop.go's dispatch). setPaths keeps them in step.
var (
	haveSIMD   = popPath != pathPortable
	haveAVX512 = lifPath != pathPortable
)

func bestPaths() (pop, lif simdPath) {
	for p := numPaths - 1; p > pathPortable; p-- {
		if pop == pathPortable && popAvailable(p) {
			pop = p
		}
		if lif == pathPortable && lifAvailable(p) {
			lif = p
		}
	}
	return pop, lif
}

func popAvailable(p simdPath) bool {
	switch p {
	case pathPortable:
		return true
	case pathAVX2:
		return archsimd.X86.AVX2()
	case pathAVX512:
		return archsimd.X86.AVX512() && archsimd.X86.AVX512VPOPCNTDQ()
	}
	return false
}

func lifAvailable(p simdPath) bool {
	switch p {
	case pathPortable:
		return true
	case pathAVX2:
		return archsimd.X86.AVX2()
	case pathAVX512:
		return archsimd.X86.AVX512()
	}
	return false
}

func currentPaths() (pop, lif simdPath) { return popPath, lifPath }

func cpuFeatures() string {
	s := "GOEXPERIMENT=simd:"
	if archsimd.X86.AVX2() {
		s += " avx2"
	}
	if archsimd.X86.AVX512() {
		s += " avx512"
	}
	if archsimd.X86.AVX512VPOPCNTDQ() {
		s += " avx512vpopcntdq"
	}
	return s
}

// setPaths is the test hook that forces the AND+popcount and LIF paths; it
// fails when the CPU lacks one, and restore brings back the previous ones.
// Not safe to call while kernels run.
func setPaths(pop, lif simdPath) (restore func(), err error) {
	if !popAvailable(pop) || !lifAvailable(lif) {
		return nil, fmt.Errorf("rt: paths %v/%v not available on this CPU (%s)", pop, lif, cpuFeatures())
	}
	oldPop, oldLIF := popPath, lifPath
	set := func(pop, lif simdPath) {
		popPath, lifPath = pop, lif
		haveSIMD, haveAVX512 = pop != pathPortable, lif != pathPortable
	}
	set(pop, lif)
	return func() { set(oldPop, oldLIF) }, nil
}

// simdMinWords is the shortest stream the vector kernels take.
const simdMinWords = 16

// andPopcountSIMD is AndPopcount on the vector path that runs.
func andPopcountSIMD(a, b []uint64) int {
	if popPath == pathAVX512 {
		return andPopcount512(a, b)
	}
	return andPopcountAVX2(a, b)
}

// andPopcount512 is AndPopcount on 512-bit vectors: VPANDQ, VPOPCNTQ and
// VPADDQ into two accumulators, 32 words per iteration, then 8.
func andPopcount512(a, b []uint64) int {
	b = b[:len(a)]
	var acc0, acc1 archsimd.Uint64x8
	// The loops advance the slices so that the constant offsets fold into
	// the loads (see andPopcountAVX2).
	for len(a) >= 32 && len(b) >= 32 {
		x, y := (*[32]uint64)(a), (*[32]uint64)(b)
		acc0 = acc0.Add(and8(x[0:8], y[0:8]).OnesCount())
		acc1 = acc1.Add(and8(x[8:16], y[8:16]).OnesCount())
		acc0 = acc0.Add(and8(x[16:24], y[16:24]).OnesCount())
		acc1 = acc1.Add(and8(x[24:32], y[24:32]).OnesCount())
		a, b = a[32:], b[32:]
	}
	for len(a) >= 8 && len(b) >= 8 {
		acc0 = acc0.Add(and8(a[:8], b[:8]).OnesCount())
		a, b = a[8:], b[8:]
	}
	n := int(sum512(acc0.Add(acc1)))
	archsimd.ClearAVXUpperBits()
	b = b[:len(a)]
	for i := range a {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return n
}

// and8 loads 8 words of a and b (len 8 each) and returns their AND.
func and8(a, b []uint64) archsimd.Uint64x8 {
	return archsimd.LoadUint64x8((*[8]uint64)(a)).And(archsimd.LoadUint64x8((*[8]uint64)(b)))
}

// sum512 adds the 8 lanes of v.
func sum512(v archsimd.Uint64x8) uint64 {
	h := v.GetLo().Add(v.GetHi())
	q := h.GetLo().Add(h.GetHi())
	return q.GetElem(0) + q.GetElem(1)
}

// lifBlockSIMD steps the 64 neurons [lo, lo+64) on the vector path that
// runs and returns their spike bits.
func (q *LIFPop) lifBlockSIMD(lo int) uint64 {
	if lifPath == pathAVX512 {
		return q.lifBlock512(lo)
	}
	return q.lifBlockAVX2(lo)
}

// lifBlock512 steps the 64 neurons [lo, lo+64) in four groups of 16 int32
// lanes and returns their spike bits. It computes exactly what block does,
// with the arithmetic of lifBlockAVX2: VPMADDWD products (exact in int32),
// the sum wrapped to 16 bits by a shift pair before the threshold compare,
// and the counter update max(c, 1) − 1 | (fire ? rp : 0).
func (q *LIFPop) lifBlock512(lo int) uint64 {
	rest := archsimd.BroadcastInt32x16(int32(q.VRest))
	reset := archsimd.BroadcastInt32x16(int32(q.VReset))
	th := archsimd.BroadcastInt32x16(int32(q.VThreshold))
	rp := archsimd.BroadcastUint32x16(q.Refractory)
	restLeak := archsimd.BroadcastInt32x16(int32(q.VRest) * int32(q.Leak))
	leak := archsimd.BroadcastInt32x16(int32(uint16(q.Leak))).AsInt16x32()
	gain := archsimd.BroadcastInt32x16(int32(uint16(q.Gain))).AsInt16x32()
	one := archsimd.BroadcastUint32x16(1)
	var zero archsimd.Uint32x16
	// Array pointers held in locals: no bounds checks, and no reloads of
	// q's slices after each store.
	vs, ins := (*[64]int16)(q.V[lo:lo+64]), (*[64]int16)(q.in[lo:lo+64])
	cs := (*[64]uint32)(q.Counter[lo : lo+64])
	var ns *[64]int16
	if q.noise != nil {
		ns = (*[64]int16)(q.noise[lo : lo+64])
	}
	var spikes uint64
	for g := 0; g < 4; g++ {
		i := 16 * g
		v := archsimd.LoadInt16x16((*[16]int16)(vs[i : i+16])).ExtendToInt32()
		in := archsimd.LoadInt16x16((*[16]int16)(ins[i : i+16])).ExtendToInt32()
		c := archsimd.LoadUint32x16((*[16]uint32)(cs[i : i+16]))
		dLeak := restLeak.Sub(v.AsInt16x32().DotProductPairs(leak)).ShiftAllRight(8)
		next := v.Add(dLeak).Add(in.AsInt16x32().DotProductPairs(gain).ShiftAllRight(8))
		if ns != nil {
			next = next.Add(archsimd.LoadInt16x16((*[16]int16)(ns[i : i+16])).ExtendToInt32())
		}
		next = next.ShiftAllLeft(16).ShiftAllRight(16)
		idle := c.Equal(zero)
		fire := next.GreaterEqual(th).And(idle)
		nv := reset.Merge(next, fire).Merge(rest, idle)
		nc := c.Max(one).Sub(one).Or(rp.Masked(fire))
		nv.TruncateToInt16().Store((*[16]int16)(vs[i : i+16]))
		nc.Store((*[16]uint32)(cs[i : i+16]))
		spikes |= uint64(fire.ToBits()) << (16 * g)
	}
	archsimd.ClearAVXUpperBits()
	return spikes
}

// andPopcountBatchSIMD is AndPopcountBatch for words a multiple of 8 on the
// vector path that runs.
func andPopcountBatchSIMD(dst []int32, a, b []uint64, words int) {
	if popPath == pathAVX512 {
		andPopcountBatch512(dst, a, b, words)
		return
	}
	andPopcountBatchAVX2(dst, a, b, words)
}

// andPopcountBatch512 is AndPopcountBatch on 512-bit vectors for words a
// multiple of 8.
func andPopcountBatch512(dst []int32, a, b []uint64, words int) {
	for p := range dst {
		x, y := a[p*words:(p+1)*words], b[p*words:(p+1)*words]
		var acc archsimd.Uint64x8
		for len(x) >= 8 && len(y) >= 8 {
			acc = acc.Add(and8(x[:8], y[:8]).OnesCount())
			x, y = x[8:], y[8:]
		}
		dst[p] = int32(sum512(acc))
	}
	archsimd.ClearAVXUpperBits()
}
