package rt

import (
	"math/bits"
	"sync"
)

// Form selects one of the two bit orders of the 16-bit LFSR with polynomial
// x^16+x^14+x^13+x^11+1. The two are bit reversals of each other; a
// component uses exactly one (DESIGN §5).
type Form uint8

const (
	// Left is the form of the hand-written encoder and dense cores:
	// fb = s15^s13^s12^s10, s = s<<1 | fb.
	Left Form = iota
	// Right is the form of the standalone LFSR emitter:
	// fb = s0^s2^s3^s5, s = s>>1 | fb<<15.
	Right
)

// String returns "left" or "right".
func (f Form) String() string {
	if f == Right {
		return "right"
	}
	return "left"
}

// LFSRPeriod is the period of both LFSR16 forms from any non-zero seed.
const LFSRPeriod = 65535

// StepLeft advances a left-form LFSR16 state by one step.
func StepLeft(s uint16) uint16 {
	fb := (s>>15 ^ s>>13 ^ s>>12 ^ s>>10) & 1
	return s<<1 | fb
}

// StepRight advances a right-form LFSR16 state by one step.
func StepRight(s uint16) uint16 {
	fb := (s ^ s>>2 ^ s>>3 ^ s>>5) & 1
	return s>>1 | fb<<15
}

// Step advances s by one step of form f.
func (f Form) Step(s uint16) uint16 {
	if f == Right {
		return StepRight(s)
	}
	return StepLeft(s)
}

// LFSR16 is a 16-bit LFSR of a fixed form. The zero state locks up (it
// steps to itself), as in the RTL.
type LFSR16 struct {
	State uint16
	Form  Form
}

// Next advances the register and returns the new state.
func (l *LFSR16) Next() uint16 {
	l.State = l.Form.Step(l.State)
	return l.State
}

// ResetSeed is the encoder's reset rule: seed ^ t_index[15:0] unless that is
// zero, then seed itself.
func ResetSeed(seed uint16, tIndex uint32) uint16 {
	if s := seed ^ uint16(tIndex); s != 0 {
		return s
	}
	return seed
}

// InputSeed is the seed of input encoder i of the dense layers:
// (0xACE1 + 7i) mod 2^16.
func InputSeed(i int) uint16 { return uint16(0xACE1 + 7*uint32(i)) }

// WeightSeed is the seed of weight encoder i of sc_dense_layer_core:
// (0xBEEF + 13i) mod 2^16.
func WeightSeed(i int) uint16 { return uint16(0xBEEF + 13*uint32(i)) }

// MatrixWeightSeed is the seed of the weight encoder of neuron j, input i of
// sc_dense_matrix_layer with nIn inputs: (0xBEEF + 13(j·nIn + i)) mod 2^16.
// It may be zero (the RTL does not guard it); a zero LFSR stays zero.
func MatrixWeightSeed(j, i, nIn int) uint16 {
	return uint16(0xBEEF + 13*(uint32(j)*uint32(nIn)+uint32(i)))
}

// Sobol16 is the 16-bit one-dimensional Sobol source of the seed's
// Sobol16Emitter: bit = value < threshold (compare before advance), then
// value ^= 0x8000>>c where c is the index of the lowest set bit of the step
// index (c = 0 for index 0), and the index increments. Value and index
// start at zero.
type Sobol16 struct {
	Value uint16
	Index uint32
}

// Step returns [value < threshold] and advances the source.
func (s *Sobol16) Step(threshold uint16) bool {
	b := s.Value < threshold
	c := 0
	if s.Index != 0 {
		c = bits.TrailingZeros32(s.Index)
	}
	if c < 16 {
		s.Value ^= 0x8000 >> c
	}
	s.Index++
	return b
}

// SobolStream writes n bits of a fresh Sobol16 source compared against x
// into dst (LSB-first) and returns dst[:Words(n)].
func SobolStream(dst []uint64, x uint16, n int) []uint64 {
	dst = dst[:Words(n)]
	clear(dst)
	var s Sobol16
	for k := 0; k < n; k++ {
		if s.Step(x) {
			dst[k>>6] |= 1 << (k & 63)
		}
	}
	return dst
}

// lfsrTab lists one full period of a form from state 1 and the position of
// every non-zero state in it.
type lfsrTab struct {
	seq [LFSRPeriod]uint16
	pos [1 << 16]uint16
}

var (
	tabOnce [2]sync.Once
	tabs    [2]*lfsrTab
)

func lfsrTable(f Form) *lfsrTab {
	tabOnce[f].Do(func() {
		t := new(lfsrTab)
		s := uint16(1)
		for i := range t.seq {
			t.seq[i] = s
			t.pos[s] = uint16(i)
			s = f.Step(s)
		}
		tabs[f] = t
	})
	return tabs[f]
}

// Advance returns the state n steps after s (a jump through the period
// table; the zero state stays zero).
func (f Form) Advance(s uint16, n int) uint16 { return stateAfter(f, s, n) }
