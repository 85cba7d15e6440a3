// Package sim is scc's reference interpreter, the golden model: Float runs a
// real-phase ir.Func in float64, Fixed runs a fixed-phase ir.Func bit-true
// (every op exactly as the ir op table defines it, arithmetic by package
// fixed). BatchFixed and BatchFloat run one Func for many neurons at once,
// column-wise (each op applied to a block of BlockSize neurons, so dispatch
// is paid once per op per block), identical with Fixed and Float neuron by
// neuron. Stimulus generators (constant, seeded random within the inputs'
// declared ranges, CSV files) and trace writers (CSV, VCD) live here too, so
// `scc sim`, `scc cosim` and the tests drive the model the same way.
//
// Net runs an ir.Net: it is the definition of DESIGN §4.1 in code, in the
// module's phase (float64 with weights W and real values; bit-true with
// weights Words and raw words). Each Step is, in order:
//
//  1. Gather: for each neuron population, input port p and neuron i,
//     in = cast_p(A + X): A is the exact int64 sum of the contributions
//     due this step (a ring of RingSize = D_max + 1 slots per port, the
//     slot cleared when consumed; no per-event saturation), X the drives
//     (current words; poisson_sum count·WWord). Weights and drive words
//     are words of the port's format, so cast_p (round half_even, sat)
//     reduces to saturation; a sticky flag per (population, port) records
//     that it acted (Saturated). In float, in = A + X, where A is summed
//     in a fixed order (step of emission, then projection, pre neuron and
//     synapse order) and X in drive order: deterministic, but float sums
//     depend on that order, so the float model is exact only up to it.
//  2. Update: every neuron runs its Func (per-neuron parameters from
//     Pop.Params, per-neuron initial states from Pop.Init). Sources spike
//     (Poisson: iff draw(t) < Threshold and Start ≤ t < Stop; spike lists).
//  3. Plasticity (§4.1 rule 7): every trace decays (floor(x·a)); pre
//     traces of spiking neurons get their add (sat), then OnPre runs on
//     every synapse of their rows; post traces likewise, then OnPost on
//     every synapse of their columns. A trace belongs to (rule, side,
//     population): projections that share a rule and a pre (or post)
//     population share its trace. The rule's Funcs are ordinary Funcs of
//     the module, run per event by Fixed/Float; their states are the
//     synapse's state (w first: in the fixed phase the synapse's Words
//     entry, so w's format must be the port's, checked by NewNet), their
//     inputs the pre trace (input 0) and the post trace (input 1), whose
//     formats must be the traces'.
//  4. Propagate: for each spike of step t and synapse (j → i, w, d),
//     A[i][t+d] += w, with the weight after phase 3. Synapses are held in
//     CSR order by pre neuron (and, for plastic projections, indexed by
//     post neuron), built by NewNet.
//  5. Record: spikes, states every N steps, rate bins (Records).
//
// RNG (§4.1 rule 5): every Poisson source neuron and every poisson_sum
// target neuron owns a xorshift32 stream seeded with
// runtime's StreamSeed(seed, stream, index) (splitmix64, forced odd). Each
// stream advances exactly once per step, in every step, also outside a
// source's [Start, Stop) window; the draw of step t is the state after its
// t-th advance. A drive's index counts its target neurons across Targets in
// order.
//
// SCLayer is the golden model of an SC dense layer (ir.SCLayer): runtime's
// cycle model of sc_dense_matrix_layer built from the IR, stepped clock by
// clock. Net does not run extern populations yet (NewNet rejects them with
// a positioned error): an SC layer's clock is not the network's step.
//
// NetOptions.Engine runs the same Step on runtime's network runner
// instead (netrt.go): generated kernels (runtime/kernels, picked by the
// Func's fingerprint) over a worker pool, bit-exact with the interpreter;
// the default runs it when every neuron population has a kernel.
//
// Imports: ir, lang, fixed, runtime (the RNG streams, the network runner),
// runtime/kernels.
//
// Invariants: Step never allocates (Net.Step too, once NetOptions.Steps has
// sized the record buffers); identical inputs give identical traces; Fixed
// agrees with the RTL scc emits bit for bit (testbenches prove it with real
// simulators); the batched interpreters and Net agree with Fixed and with a
// naive reference of §4.1 (the tests prove it).
package sim
