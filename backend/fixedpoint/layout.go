package fixedpoint

import "scc/ir"

// The layout contract between the portable kernel (gokernel.go) and the
// vector paths (gosimd.go). For a kernel type T generated from Func f:
//
//	type T struct {
//		n   int
//		isa ISA
//		S0, S1, … []<lane>  // state k, lane laneOf(f.States[k].Type)
//		I0, I1, … []<lane>  // input k
//		C0, C1, … []<lane>  // coef op k, in entry-block order (generic only)
//		Spk []uint64        // spike bits, packed LSB-first
//	}
//
//	var vecT [NumISA]func(p *T, lo, hi int) int
//
// The vector file's init stores its paths in vecT[AVX2] and vecT[AVX512].
// T.Range(lo, hi) runs f := vecT[p.isa] first when it is not nil: f steps
// whole 64-neuron words from lo while they end at or before hi, writes
// their Spk words, and returns the index where it stopped; the portable
// loop steps the rest. SetISA(i) accepts i when vecT[i] != nil (or i is
// Portable) and Available(i).

// laneBits returns the lane width (8, 16, 32 or 64) of a column of type t:
// the narrowest holding t's width; a bool is 8.
func laneBits(t ir.Type) int {
	w := t.Width()
	switch {
	case w <= 8:
		return 8
	case w <= 16:
		return 16
	case w <= 32:
		return 32
	}
	return 64
}

// coefs returns f's coef ops in entry-block order: coef k is column Ck.
func coefs(f *ir.Func) []*ir.Value {
	var out []*ir.Value
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ir.OpCoef {
				out = append(out, v)
			}
		}
	}
	return out
}
