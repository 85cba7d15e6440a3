//go:build goexperiment.simd && amd64

package rt

import "simd/archsimd"

// The vector poisson_sum draw: every lane advances its xorshift32 stream
// once and counts how many of the table's first four entries its draw
// reaches (poissonGather finishes the lanes that reach all four). Shifts
// take vector counts (VPSLLVD/VPSRLVD): constant shifts of unsigned
// vectors compile to legacy SSE in Go 1.26 (DESIGN §8).

func init() {
	switch {
	case archsimd.X86.AVX512():
		drawPoisson = drawPoisson512
	case archsimd.X86.AVX2():
		drawPoisson = drawPoisson256
	}
}

func drawPoisson512(rng []uint32, cnt []int32, t *[4]uint32) int {
	n := len(rng) &^ 15
	s13, s17, s5 := archsimd.BroadcastUint32x16(13), archsimd.BroadcastUint32x16(17), archsimd.BroadcastUint32x16(5)
	t0, t1 := archsimd.BroadcastUint32x16(t[0]), archsimd.BroadcastUint32x16(t[1])
	t2, t3 := archsimd.BroadcastUint32x16(t[2]), archsimd.BroadcastUint32x16(t[3])
	for i := 0; i < n; i += 16 {
		p := (*[16]uint32)(rng[i : i+16])
		x := archsimd.LoadUint32x16(p)
		x = x.Xor(x.ShiftLeft(s13))
		x = x.Xor(x.ShiftRight(s17))
		x = x.Xor(x.ShiftLeft(s5))
		x.Store(p)
		c := x.GreaterEqual(t0).ToInt32x16().Add(x.GreaterEqual(t1).ToInt32x16()).
			Add(x.GreaterEqual(t2).ToInt32x16()).Add(x.GreaterEqual(t3).ToInt32x16())
		var zero archsimd.Int32x16
		zero.Sub(c).Store((*[16]int32)(cnt[i : i+16]))
	}
	return n
}

func drawPoisson256(rng []uint32, cnt []int32, t *[4]uint32) int {
	n := len(rng) &^ 7
	s13, s17, s5 := archsimd.BroadcastUint32x8(13), archsimd.BroadcastUint32x8(17), archsimd.BroadcastUint32x8(5)
	t0, t1 := archsimd.BroadcastUint32x8(t[0]), archsimd.BroadcastUint32x8(t[1])
	t2, t3 := archsimd.BroadcastUint32x8(t[2]), archsimd.BroadcastUint32x8(t[3])
	for i := 0; i < n; i += 8 {
		p := (*[8]uint32)(rng[i : i+8])
		x := archsimd.LoadUint32x8(p)
		x = x.Xor(x.ShiftLeft(s13))
		x = x.Xor(x.ShiftRight(s17))
		x = x.Xor(x.ShiftLeft(s5))
		x.Store(p)
		c := x.GreaterEqual(t0).ToInt32x8().Add(x.GreaterEqual(t1).ToInt32x8()).
			Add(x.GreaterEqual(t2).ToInt32x8()).Add(x.GreaterEqual(t3).ToInt32x8())
		var zero archsimd.Int32x8
		zero.Sub(c).Store((*[8]int32)(cnt[i : i+8]))
	}
	return n
}
