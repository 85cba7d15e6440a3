// Package hdl is scc's hand-written Verilog library: the stochastic-
// computing and LIF modules of the seed system (reference
// sc-neurocore-hdl.md §1), rewritten from its documented behaviour, embedded
// in the binary, with a port table so other packages can instantiate the
// modules without parsing Verilog.
//
// It imports nothing from scc. backend/sv and formal read Modules and
// Source; testbenches/hdl co-simulates every module against runtime/.
//
// Invariants:
//   - One module per file, <module>.v, ANSI headers, one declaration per
//     port; every file is accepted by iverilog 11 -g2012, Yosys 0.23
//     read_verilog -sv and verilator --lint-only -Wall with no warnings
//     (DESIGN §6; hdl_test.go holds it).
//   - Module, parameter and port names are the reference's, so designs
//     built around the reference modules can switch to these. Deviations are
//     listed in each file's header comment (flat rate_q16 vector, reset
//     handling of the encoder seed, configuration registers that reset).
//   - Modules is derived from the embedded sources at init, and a test
//     compares it with Yosys' elaboration, so it cannot drift.
package hdl
