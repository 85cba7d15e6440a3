//go:build goexperiment.simd && amd64

package rt

import (
	"math/bits"
	"simd/archsimd"
)

// haveSIMD reports AVX-512 with VPOPCNTQ; without it the portable kernels
// run (see simd_other.go for builds without GOEXPERIMENT=simd).
var haveSIMD = archsimd.X86.AVX512() && archsimd.X86.AVX512VPOPCNTDQ()

// simdMinWords is the shortest stream the vector kernel takes.
const simdMinWords = 16

// andPopcountSIMD is AndPopcount on 512-bit vectors: VPANDQ, VPOPCNTQ and
// VPADDQ into two accumulators, 16 words per iteration.
func andPopcountSIMD(a, b []uint64) int {
	b = b[:len(a)]
	var acc0, acc1 archsimd.Uint64x8
	i := 0
	for ; i+16 <= len(a); i += 16 {
		x0 := archsimd.LoadUint64x8((*[8]uint64)(a[i : i+8]))
		y0 := archsimd.LoadUint64x8((*[8]uint64)(b[i : i+8]))
		x1 := archsimd.LoadUint64x8((*[8]uint64)(a[i+8 : i+16]))
		y1 := archsimd.LoadUint64x8((*[8]uint64)(b[i+8 : i+16]))
		acc0 = acc0.Add(x0.And(y0).OnesCount())
		acc1 = acc1.Add(x1.And(y1).OnesCount())
	}
	var lanes [8]uint64
	acc0.Add(acc1).Store(&lanes)
	n := 0
	for _, v := range lanes {
		n += int(v)
	}
	for ; i < len(a); i++ {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return n
}

// haveAVX512 gates the 512-bit LIF kernel.
var haveAVX512 = archsimd.X86.AVX512()

// lifBlockSIMD steps the 64 neurons [lo, lo+64) in four groups of 16 int32
// lanes and returns their spike bits. It computes exactly what block does:
// the products fit int32, and the final sum is wrapped to 16 bits (by a
// shift pair) before the threshold compare.
func (q *LIFPop) lifBlockSIMD(lo int) uint64 {
	rest := archsimd.BroadcastInt32x16(int32(q.VRest))
	reset := archsimd.BroadcastInt32x16(int32(q.VReset))
	th := archsimd.BroadcastInt32x16(int32(q.VThreshold))
	rp := archsimd.BroadcastInt32x16(int32(q.Refractory))
	leak := archsimd.BroadcastInt32x16(int32(q.Leak))
	gain := archsimd.BroadcastInt32x16(int32(q.Gain))
	one := archsimd.BroadcastInt32x16(1)
	var zero archsimd.Int32x16
	var spikes uint64
	for g := 0; g < 4; g++ {
		i := lo + 16*g
		v := archsimd.LoadInt16x16((*[16]int16)(q.V[i : i+16])).ExtendToInt32()
		in := archsimd.LoadInt16x16((*[16]int16)(q.in[i : i+16])).ExtendToInt32()
		c := archsimd.LoadUint32x16((*[16]uint32)(q.Counter[i : i+16])).AsInt32x16()
		next := v.Add(rest.Sub(v).Mul(leak).ShiftAllRight(8)).Add(in.Mul(gain).ShiftAllRight(8))
		if q.noise != nil {
			next = next.Add(archsimd.LoadInt16x16((*[16]int16)(q.noise[i : i+16])).ExtendToInt32())
		}
		next = next.ShiftAllLeft(16).ShiftAllRight(16)
		refr := c.NotEqual(zero)
		fire := next.GreaterEqual(th).And(c.Equal(zero))
		nv := rest.Merge(reset.Merge(next, fire), refr)
		nc := c.Sub(one).Merge(rp.Merge(zero, fire), refr)
		nv.TruncateToInt16().Store((*[16]int16)(q.V[i : i+16]))
		nc.AsUint32x16().Store((*[16]uint32)(q.Counter[i : i+16]))
		spikes |= uint64(fire.ToBits()) << (16 * g)
	}
	return spikes
}

// andPopcountBatchSIMD is AndPopcountBatch for words a multiple of 8.
func andPopcountBatchSIMD(dst []int32, a, b []uint64, words int) {
	var lanes [8]uint64
	for p := range dst {
		x, y := a[p*words:(p+1)*words], b[p*words:(p+1)*words]
		var acc archsimd.Uint64x8
		for k := 0; k+8 <= words; k += 8 {
			xv := archsimd.LoadUint64x8((*[8]uint64)(x[k : k+8]))
			yv := archsimd.LoadUint64x8((*[8]uint64)(y[k : k+8]))
			acc = acc.Add(xv.And(yv).OnesCount())
		}
		acc.Store(&lanes)
		dst[p] = int32(lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7])
	}
}
