//go:build goexperiment.simd && amd64

package rt

import (
	"math/bits"
	"simd/archsimd"
)

// AVX2 has no vector popcount, so the AVX2 kernels count bits with the
// nibble table (Mula): VPSHUFB looks up the popcount of each low and high
// nibble in a 16-entry table, the byte counts add up in byte lanes, and
// VPSADBW against zero sums each 8 bytes into a 64-bit lane.

// nibbleCounts is the popcount of 0..15, once per 128-bit lane (VPSHUFB
// looks up within each lane).
var nibbleCounts = [32]uint8{
	0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
	0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
}

// nibbles returns the per-byte popcount of v (each byte 0..8). The high
// nibbles come from a signed 16-bit shift (VPSRAW): the bits it shifts in
// are masked off, and it avoids the legacy-SSE encoding Go 1.26 emits for
// constant shifts of unsigned vectors (DESIGN §8).
func nibbles(v, lut, low archsimd.Uint8x32) archsimd.Uint8x32 {
	lo := v.And(low).AsInt8x32()
	hi := v.AsInt16x16().ShiftAllRight(4).AsUint8x32().And(low).AsInt8x32()
	return lut.PermuteOrZeroGrouped(lo).Add(lut.PermuteOrZeroGrouped(hi))
}

// and4 loads 4 words of a and b (array pointers, so no bounds checks) and
// returns their AND.
func and4(a, b *[4]uint64) archsimd.Uint8x32 {
	return archsimd.LoadUint64x4(a).And(archsimd.LoadUint64x4(b)).AsUint8x32()
}

// csa is a carry-save adder of bit vectors: h, l = the carry and sum bits
// of a + b + c.
func csa(a, b, c archsimd.Uint8x32) (h, l archsimd.Uint8x32) {
	u := a.Xor(b)
	return a.And(b).Or(u.And(c)), u.Xor(c)
}

// andPopcountAVX2 is AndPopcount on 256-bit vectors, 16 words per
// iteration: the four byte-count vectors add to at most 32 per byte before
// VPSADBW folds them into the 64-bit accumulator. Streams of 64 words or
// more first go 32 words at a time through a Harley–Seal tree of carry-save
// adders (Muła, Kurz, Lemire 2016), fewer vector ops per word. The loops
// advance the slices so that Go 1.26 folds the constant offsets into the
// loads (indexing a[i+k:] costs two LEAQs per load).
func andPopcountAVX2(a, b []uint64) int {
	b = b[:len(a)]
	lut := archsimd.LoadUint8x32(&nibbleCounts)
	low := archsimd.BroadcastUint8x32(0x0f)
	var zero archsimd.Uint8x32
	var acc archsimd.Uint64x4
	n := 0
	if len(a) >= 64 {
		// Harley–Seal: 8 AND vectors reduce through carry-save adders to
		// one vector of weight 8 that the table counts; the partial sums of
		// weight 1, 2 and 4 carry over to the next iteration.
		var ones, twos, fours archsimd.Uint8x32
		var acc8 archsimd.Uint64x4
		for len(a) >= 32 && len(b) >= 32 {
			x, y := (*[32]uint64)(a), (*[32]uint64)(b)
			twosA, o1 := csa(ones, and4((*[4]uint64)(x[0:4]), (*[4]uint64)(y[0:4])), and4((*[4]uint64)(x[4:8]), (*[4]uint64)(y[4:8])))
			twosB, o2 := csa(o1, and4((*[4]uint64)(x[8:12]), (*[4]uint64)(y[8:12])), and4((*[4]uint64)(x[12:16]), (*[4]uint64)(y[12:16])))
			foursA, t1 := csa(twos, twosA, twosB)
			twosC, o3 := csa(o2, and4((*[4]uint64)(x[16:20]), (*[4]uint64)(y[16:20])), and4((*[4]uint64)(x[20:24]), (*[4]uint64)(y[20:24])))
			twosD, o4 := csa(o3, and4((*[4]uint64)(x[24:28]), (*[4]uint64)(y[24:28])), and4((*[4]uint64)(x[28:32]), (*[4]uint64)(y[28:32])))
			foursB, t2 := csa(t1, twosC, twosD)
			eights, f := csa(fours, foursA, foursB)
			ones, twos, fours = o4, t2, f
			acc8 = acc8.Add(nibbles(eights, lut, low).SumAbsDiff(zero).AsUint64x4())
			a, b = a[32:], b[32:]
		}
		count := func(v archsimd.Uint8x32) int {
			return int(sum256(nibbles(v, lut, low).SumAbsDiff(zero).AsUint64x4()))
		}
		n = 8*int(sum256(acc8)) + 4*count(fours) + 2*count(twos) + count(ones)
	}
	for len(a) >= 16 && len(b) >= 16 {
		x, y := (*[16]uint64)(a), (*[16]uint64)(b)
		c0 := nibbles(and4((*[4]uint64)(x[0:4]), (*[4]uint64)(y[0:4])), lut, low)
		c1 := nibbles(and4((*[4]uint64)(x[4:8]), (*[4]uint64)(y[4:8])), lut, low)
		c2 := nibbles(and4((*[4]uint64)(x[8:12]), (*[4]uint64)(y[8:12])), lut, low)
		c3 := nibbles(and4((*[4]uint64)(x[12:16]), (*[4]uint64)(y[12:16])), lut, low)
		acc = acc.Add(c0.Add(c1).Add(c2.Add(c3)).SumAbsDiff(zero).AsUint64x4())
		a, b = a[16:], b[16:]
	}
	i := 0
	for ; i+4 <= len(a); i += 4 {
		c := nibbles(and4((*[4]uint64)(a[i:i+4]), (*[4]uint64)(b[i:i+4])), lut, low)
		acc = acc.Add(c.SumAbsDiff(zero).AsUint64x4())
	}
	n += int(sum256(acc))
	archsimd.ClearAVXUpperBits()
	for ; i < len(a); i++ {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return n
}

// andPopcountBatchAVX2 is AndPopcountBatch on 256-bit vectors for words a
// multiple of 8: the byte counts of a pair add up in two vectors (at most
// 2·words per byte, so words ≤ 127) and one VPSADBW folds them. Longer
// streams take andPopcountAVX2.
func andPopcountBatchAVX2(dst []int32, a, b []uint64, words int) {
	if words > 127 {
		for p := range dst {
			dst[p] = int32(andPopcountAVX2(a[p*words:(p+1)*words], b[p*words:(p+1)*words]))
		}
		return
	}
	lut := archsimd.LoadUint8x32(&nibbleCounts)
	low := archsimd.BroadcastUint8x32(0x0f)
	var zero archsimd.Uint8x32
	for p := range dst {
		x, y := a[p*words:(p+1)*words], b[p*words:(p+1)*words]
		var c0, c1 archsimd.Uint8x32
		for len(x) >= 8 && len(y) >= 8 {
			xk, yk := (*[8]uint64)(x), (*[8]uint64)(y)
			c0 = c0.Add(nibbles(and4((*[4]uint64)(xk[0:4]), (*[4]uint64)(yk[0:4])), lut, low))
			c1 = c1.Add(nibbles(and4((*[4]uint64)(xk[4:8]), (*[4]uint64)(yk[4:8])), lut, low))
			x, y = x[8:], y[8:]
		}
		dst[p] = int32(sum256(c0.Add(c1).SumAbsDiff(zero).AsUint64x4()))
	}
	archsimd.ClearAVXUpperBits()
}

// sum256 adds the 4 lanes of v.
func sum256(v archsimd.Uint64x4) uint64 {
	h := v.GetLo().Add(v.GetHi())
	return h.GetElem(0) + h.GetElem(1)
}

// lifBlockAVX2 is lifBlock512 on 256-bit vectors: eight groups of 8 int32
// lanes, stored back to int16 in pairs of groups by VPACKSSDW (exact: every
// lane is already a sign-extended 16-bit value) after VPERM2I128 has put
// the halves in the order the per-128-bit-lane pack expects.
func (q *LIFPop) lifBlockAVX2(lo int) uint64 {
	rest := archsimd.BroadcastInt32x8(int32(q.VRest))
	reset := archsimd.BroadcastInt32x8(int32(q.VReset))
	th := archsimd.BroadcastInt32x8(int32(q.VThreshold))
	rp := archsimd.BroadcastUint32x8(q.Refractory)
	// (V_REST − v)·leak = V_REST·leak − v·leak, exact in int32. The
	// products come from VPMADDWD: an int32 lane holding a sign-extended
	// int16 x is the int16 pair (x, sign), and the pair (k, 0) makes x·k.
	restLeak := archsimd.BroadcastInt32x8(int32(q.VRest) * int32(q.Leak))
	leak := archsimd.BroadcastInt32x8(int32(uint16(q.Leak))).AsInt16x16()
	gain := archsimd.BroadcastInt32x8(int32(uint16(q.Gain))).AsInt16x16()
	one := archsimd.BroadcastUint32x8(1)
	var zero archsimd.Uint32x8
	// Array pointers held in locals: no bounds checks, and no reloads of
	// q's slices after each store.
	vs, ins := (*[64]int16)(q.V[lo:lo+64]), (*[64]int16)(q.in[lo:lo+64])
	cs := (*[64]uint32)(q.Counter[lo : lo+64])
	var ns *[64]int16
	if q.noise != nil {
		ns = (*[64]int16)(q.noise[lo : lo+64])
	}
	var spikes uint64
	var va archsimd.Int32x8 // the first half of a 16-neuron group, until stored
	for k := 0; k < 8; k++ {
		i := 8 * k
		v := archsimd.LoadInt16x8((*[8]int16)(vs[i : i+8])).ExtendToInt32()
		in := archsimd.LoadInt16x8((*[8]int16)(ins[i : i+8])).ExtendToInt32()
		c := archsimd.LoadUint32x8((*[8]uint32)(cs[i : i+8]))
		dLeak := restLeak.Sub(v.AsInt16x16().DotProductPairs(leak)).ShiftAllRight(8)
		next := v.Add(dLeak).Add(in.AsInt16x16().DotProductPairs(gain).ShiftAllRight(8))
		if ns != nil {
			next = next.Add(archsimd.LoadInt16x8((*[8]int16)(ns[i : i+8])).ExtendToInt32())
		}
		next = next.ShiftAllLeft(16).ShiftAllRight(16)
		idle := c.Equal(zero)
		fire := next.GreaterEqual(th).And(idle)
		nv := reset.Merge(next, fire).Merge(rest, idle)
		// max(c, 1) − 1 counts down and stays 0; a firing neuron (c = 0) loads rp.
		nc := c.Max(one).Sub(one).Or(rp.Masked(fire))
		nc.Store((*[8]uint32)(cs[i : i+8]))
		spikes |= uint64(fire.ToBits()) << (8 * k)
		if k&1 == 0 {
			va = nv
			continue
		}
		lo4, hi4 := va.Select128FromPair(0, 2, nv), va.Select128FromPair(1, 3, nv)
		lo4.SaturateToInt16ConcatGrouped(hi4).Store((*[16]int16)(vs[i-8 : i+8]))
	}
	archsimd.ClearAVXUpperBits()
	return spikes
}
