// Package sim is scc's reference interpreter, the golden model: Float runs a
// real-phase ir.Func in float64, Fixed runs a fixed-phase ir.Func bit-true
// (every op exactly as the ir op table defines it, arithmetic by package
// fixed). Stimulus generators (constant, seeded random within the inputs'
// declared ranges, CSV files) and trace writers (CSV, VCD) live here too, so
// `scc sim`, `scc cosim` and the tests drive the model the same way.
//
// Imports: ir, lang, fixed (and runtime, for networks, later).
//
// Invariants: Step never allocates; identical inputs give identical traces;
// Fixed agrees with the RTL scc emits bit for bit (testbenches prove it with
// real simulators).
package sim
