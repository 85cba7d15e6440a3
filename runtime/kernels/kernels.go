// Package kernels holds the population kernels backend/fixedpoint generates
// from the library models' fixed IR (DESIGN §1): one Go type per model and
// variant, structure-of-arrays state in the narrowest lanes the formats
// allow, the step fused into one branch-free loop, and vector paths
// (AVX2, AVX-512 under GOEXPERIMENT=simd) dispatched at run time.
//
// Every file but this one, isa*.go and the tests is generated: `go generate
// ./runtime/kernels` rewrites them, and a test in backend/fixedpoint fails
// when a checked-in file differs from a fresh generation. The package never
// sees the IR: a Spec names the fixed Func it implements by its
// fingerprint (backend/fixedpoint.Fingerprint), and the golden model (sim)
// looks kernels up by it, so a population whose Func differs in any bit
// (another format, other constants) never runs a kernel that is not its.
//
// Invariants: Range(lo, hi) computes, for every neuron in [lo, hi), exactly
// what the bit-true interpreter (sim.Fixed) computes for that neuron, on
// every path (portable, AVX2, AVX-512); it reads only that neuron's column
// entries and writes only them and its spike bit, so the work splits over
// workers (runtime's Pool) with results independent of the worker count.
package kernels

//go:generate go run scc/internal/genkernels

import (
	"fmt"
	"sort"
)

// Lane is the element type of a column.
type Lane uint8

// Lanes. A state, input or coefficient of width w (bits) gets the narrowest
// of Int8, Int16, Int32, Int64 holding w bits; a bool gets Int8 (0 or 1).
const (
	Int8 Lane = iota
	Int16
	Int32
	Int64
)

// Bits returns the lane's width in bits.
func (l Lane) Bits() int { return 8 << l }

// String returns the Go element type: "int8", "int16", "int32", "int64".
func (l Lane) String() string { return fmt.Sprintf("int%d", l.Bits()) }

// Column describes one per-neuron array of a kernel.
type Column struct {
	Name string // the IR's state or input name; for a coefficient "coef<k>"
	Lane Lane
	// Width is the word's width in bits (≤ Lane.Bits()); words are
	// sign-extended raw fixed-point words (a bool is 0 or 1; an unsigned
	// word as wide as its lane is its low Lane bits, read as unsigned).
	Width int
	// Init is, for a state, the initial raw word Reset loads; for a
	// coefficient, the word of the model's default parameters (New loads
	// it; Reset leaves coefficients alone).
	Init int64
}

// ISA names a code path of a kernel.
type ISA uint8

// Code paths. Portable is plain Go and exists for every kernel.
const (
	Portable ISA = iota
	AVX2
	AVX512
	NumISA
)

// String returns "portable", "avx2" or "avx512".
func (i ISA) String() string {
	switch i {
	case Portable:
		return "portable"
	case AVX2:
		return "avx2"
	case AVX512:
		return "avx512"
	}
	return fmt.Sprintf("isa%d", uint8(i))
}

// Pop is one population of a generated kernel.
type Pop interface {
	// Len returns the number of neurons.
	Len() int
	// Reset loads every state column with its Column.Init and clears the
	// spikes.
	Reset()
	// State, Input and Coef return column k as a slice of the column's
	// lane type ([]int8, []int16, []int32 or []int64) of length Len().
	// Callers write inputs (and, after Reset, per-neuron initial states
	// and coefficient words) into them directly.
	State(k int) any
	Input(k int) any
	Coef(k int) any
	// Spikes returns the spike bits of the last step: neuron i is bit
	// i%64 of word i/64; bits at index ≥ Len() are 0.
	Spikes() []uint64
	// Range advances neurons [lo, hi) by one step: lo is a multiple of
	// 64, hi a multiple of 64 or Len(). It implements runtime's Ranger,
	// so rt.Pool.Run(p, p.Len(), 64*k) splits a step over workers.
	Range(lo, hi int)
	// ISA returns the path Range runs; SetISA selects one, and fails when
	// the kernel has no such path or the CPU lacks it.
	ISA() ISA
	SetISA(ISA) error
}

// Spec describes a generated kernel.
type Spec struct {
	Model string // the Func's name, e.g. "LIF"
	// Variant is "generic" (per-neuron coefficient columns: a population
	// whose neurons have their own parameters) or "default" (the model
	// specialised to its default parameters: no coefficient columns).
	Variant string
	// Fingerprint is backend/fixedpoint.Fingerprint of the fixed Func the
	// kernel was generated from.
	Fingerprint string
	Source      string // the model's file in models/, e.g. "lif.snn"
	States      []Column
	Inputs      []Column
	Coefs       []Column
	// ISAs lists the paths the kernel has (Portable first); which run
	// here is Available's business.
	ISAs []ISA
	New  func(n int) Pop // a reset population of n neurons
}

var registry = map[string]*Spec{}

// Register adds s (generated files call it from init). A second kernel
// with the same fingerprint is a generator bug and panics.
func Register(s *Spec) {
	if _, dup := registry[s.Fingerprint]; dup {
		panic("kernels: fingerprint registered twice: " + s.Model + " " + s.Variant)
	}
	registry[s.Fingerprint] = s
}

// Lookup returns the kernel generated from the Func with fingerprint fp,
// or nil.
func Lookup(fp string) *Spec { return registry[fp] }

// All returns every registered kernel, ordered by model then variant.
func All() []*Spec {
	out := make([]*Spec, 0, len(registry))
	for _, s := range registry {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Model != out[j].Model {
			return out[i].Model < out[j].Model
		}
		return out[i].Variant < out[j].Variant
	})
	return out
}

// Best returns the fastest path of s that this CPU runs.
func Best(s *Spec) ISA {
	best := Portable
	for _, i := range s.ISAs {
		if Available(i) && i > best {
			best = i
		}
	}
	return best
}
