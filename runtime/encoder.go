package rt

import "math/bits"

// DefaultSeed is SEED_INIT of sc_bitstream_encoder.
const DefaultSeed = 0xACE1

// Encoder is the cycle model of sc_bitstream_encoder (DATA_WIDTH =
// LFSR_WIDTH = 16): a registered comparator that compares the pre-advance
// LFSR state with x (strict, unsigned) and then advances the LFSR.
type Encoder struct {
	Seed uint16 // SEED_INIT
	Form Form   // the RTL encoder is Left
	LFSR uint16 // current state
	Bit  bool   // bit_out
}

// NewEncoder returns a left-form encoder with the given SEED_INIT, reset
// with t_index = 0.
func NewEncoder(seed uint16) Encoder {
	e := Encoder{Seed: seed}
	e.Reset(0)
	return e
}

// Reset applies the asynchronous reset with t_index: the LFSR loads
// ResetSeed(Seed, tIndex) and bit_out clears.
func (e *Encoder) Reset(tIndex uint32) {
	e.LFSR = ResetSeed(e.Seed, tIndex)
	e.Bit = false
}

// Step applies one rising edge with input x and returns the new bit_out.
func (e *Encoder) Step(x uint16) bool {
	e.Bit = e.LFSR < x
	e.LFSR = e.Form.Step(e.LFSR)
	return e.Bit
}

// EncodeGo is the plain-Go encoder baseline: it steps the LFSR once per bit.
// It writes the first n bits of the stream of x from state s0 (bit k =
// [s_k < x]) into dst and returns dst[:Words(n)].
func EncodeGo(dst []uint64, f Form, s0, x uint16, n int) []uint64 {
	dst = dst[:Words(n)]
	clear(dst)
	s := s0
	for k := 0; k < n; k++ {
		if s < x {
			dst[k>>6] |= 1 << (k & 63)
		}
		s = f.Step(s)
	}
	return dst
}

// Encode writes the first n bits of the comparator stream of x from LFSR
// state s0 (bit k = [s_k < x], s_k the state after k steps of form f) into
// dst and returns dst[:Words(n)] and the state after n steps.
//
// It works 64 bits at a time. Both forms shift one new bit e[m] into a
// window, e[m] = e[m-16]^e[m-14]^e[m-13]^e[m-11]; squaring the characteristic
// polynomial three times gives e[m] = e[m-88]^e[m-104]^e[m-112]^e[m-128], so a
// whole word of the sequence comes from the two before it. Bit j of state s_k
// is e[k+15-j] (left) or e[k+j] (right), so each state bit over 64
// consecutive states is a shifted window of e, and the 64 compares are a
// bit-sliced 16-bit magnitude compare against the constant x.
func Encode(dst []uint64, f Form, s0, x uint16, n int) ([]uint64, uint16) {
	nw := Words(n)
	dst = dst[:nw]
	if nw == 0 {
		return dst, s0
	}
	// Serial start: e[0..127] in words a, b.
	var a, b uint64
	for j := 0; j < 16; j++ {
		var bit uint64
		if f == Right {
			bit = uint64(s0>>j) & 1
		} else {
			bit = uint64(s0>>(15-j)) & 1
		}
		a |= bit << j
	}
	for m := 16; m < 128; m++ {
		e := func(i int) uint64 {
			if i < 64 {
				return a >> i & 1
			}
			return b >> (i - 64) & 1
		}
		bit := e(m-16) ^ e(m-14) ^ e(m-13) ^ e(m-11)
		if m < 64 {
			a |= bit << m
		} else {
			b |= bit << (m - 64)
		}
	}
	if x == 0 {
		clear(dst)
	} else {
		lo := bits.TrailingZeros16(x)
		for k := range dst {
			if f == Right {
				dst[k] = lessRight(a, b, x, lo)
			} else {
				dst[k] = lessLeft(a, b, x, lo)
			}
			a, b = b, a^(a>>16|b<<48)^(a>>24|b<<40)^(a>>40|b<<24)
		}
		dst[nw-1] &= TailMask(n)
	}
	return dst, stateAfter(f, s0, n)
}

// lessLeft returns the 64 compares [s_k < x] for the left form, where state
// bit j over the 64 states is the window of e at offset 15-j.
func lessLeft(a, b uint64, x uint16, lo int) uint64 {
	var lt uint64
	eq := ^uint64(0)
	for j := 15; j >= lo; j-- {
		off := uint(15 - j)
		w := a>>off | b<<(64-off)
		if x>>j&1 != 0 {
			lt |= eq &^ w
			eq &= w
		} else {
			eq &^= w
		}
		if eq == 0 { // every lane decided
			break
		}
	}
	return lt
}

// lessRight is lessLeft for the right form (state bit j at offset j).
func lessRight(a, b uint64, x uint16, lo int) uint64 {
	var lt uint64
	eq := ^uint64(0)
	for j := 15; j >= lo; j-- {
		off := uint(j)
		w := a>>off | b<<(64-off)
		if x>>j&1 != 0 {
			lt |= eq &^ w
			eq &= w
		} else {
			eq &^= w
		}
		if eq == 0 { // every lane decided
			break
		}
	}
	return lt
}

// stateAfter returns the LFSR state after n steps from s0, using the
// position table for long jumps.
func stateAfter(f Form, s0 uint16, n int) uint16 {
	if s0 == 0 {
		return 0
	}
	if n < 256 {
		s := s0
		for ; n > 0; n-- {
			s = f.Step(s)
		}
		return s
	}
	t := lfsrTable(f)
	p := (int(t.pos[s0]) + n) % LFSRPeriod
	return t.seq[p]
}
