// Package rt is the fast half of scc's golden model: stochastic-computing
// (SC) bitstream sources and kernels, the SC dense layers and the bit-true
// Q8.8 LIF population of the hand-written hdl/ library.
//
// It owns:
//   - the two LFSR16 forms, the comparator encoder and a Sobol source;
//   - packed bitstreams (LSB-first uint64 words) and their AND/OR/XOR/MUX,
//     popcount and CORDIV kernels;
//   - popcount → current (sc_dotproduct_to_current) with the RTL's widths;
//   - cycle models of every SC module of hdl/ (encoder, CORDIV, LIF, firing-
//     rate bank, dense layer core, dense matrix layer) and fast batched
//     equivalents of the dense layers and the LIF population.
//   - the network runner (net.go): DESIGN §4.1's step over plain data
//     (NetSpec: populations behind NetPop, CSR synapses, delay rings,
//     drives, traces, rule Funcs behind EventFunc) that sim builds from an
//     ir.Net and checks against its interpreter.
//
// It may import only the standard library (DESIGN §1 allows scc/fixed; the
// SC and LIF arithmetic here is integer-exact and needs none of it). It never
// sees the compiler IR.
//
// Invariants (DESIGN §5, reference sc-neurocore-hdl.md §1, §8):
//   - A packed stream of n bits keeps every bit at index ≥ n zero, so
//     popcounts never need a tail mask.
//   - Stream bit k of an encoder seeded with s₀ is [s_k < x]: the RTL registers
//     the compare of the pre-advance state, so bit k appears on bit_out after
//     rising edge k+1.
//   - Every cycle model (types with a Step method) is bit-exact with the
//     module of the same name in hdl/; the co-simulation tests in
//     testbenches/hdl hold that. Every fast kernel is bit-exact with its cycle
//     model; the tests in this package hold that.
//   - Parallel kernels partition work by output element only, so results
//     are identical for any number of workers.
package rt
