// Package testbenches generates SystemVerilog testbenches for the modules
// backend/sv emits, drives the real simulators (Icarus Verilog and
// Verilator), and co-simulates RTL against the bit-true golden model
// (package sim) step by step.
//
// Owns: testbench generation (Generate, WriteStimulus, WriteExpected), the
// simulator drivers (RunIcarus, RunVerilator), the build cache test
// binaries share between co-simulations (BuildCache, ShareBuilds) and
// co-simulation (Cosim, CosimTrace), and the co-simulation of network RTL
// (CosimNet: any core with the ir.NetHW ports, driven by a seeded random
// host — AER-in gaps, repeats and junk events, step timing, backpressure,
// a mid-run reset — whose testbench only logs the beats; Go runs sim.Net
// along the same run and compares every step). The hand-written library's testbenches live in
// testbenches/hdl, a separate package.
//
// May import: everything (DESIGN §1).
//
// Invariants:
//   - Testbenches follow DESIGN §4: reset held over three rising edges and
//     released on a falling edge, inputs driven on falling edges, every
//     state word and the spike bit compared after every step with zero
//     tolerance (!==), the first mismatch reported with step, signal,
//     expected and got; exactly one final PASS or FAIL line.
//   - A co-simulation never passes silently: a run whose testbench prints
//     neither PASS nor FAIL, prints more than one, or ran a different number
//     of steps than the golden trace is an error.
//   - Generated testbenches are accepted by iverilog -g2012 and by
//     verilator --binary --timing -Wall; the only lint waivers are
//     lint_off comments inside the testbench file, so the DUT file is
//     linted with every warning enabled and any warning fails the build.
//   - A missing simulator is an error naming its install command.
package testbenches
