// Package sv emits synthesizable SystemVerilog for fixed-phase IR: one
// module per step function, with the ports of DESIGN §4 (clk, rst_n, en, one
// signed input per model input, spike, one <state>_q output per state).
//
// Owns: the lowering of every fixed-phase op to RTL (lower.go), module and
// register emission (emit.go), the combinational step module <F>_step
// (step.go), and network hardware (DESIGN §4.2, EmitNet in netopt.go): the
// parallel architecture (parallel.go, netshell.go), the folded one over
// block RAM with its memory plan, schedule model and estimate
// (folded*.go), the AXI wrapper (axi.go), and the SC-layer network top
// (network.go). Every network top has the ports ir.NetHW documents.
//
// May import: ir, lang, fixed, hdl (and the standard library). It never
// imports passes, sim or another backend; it states its precondition through
// the IR's phase (m.Phase == ir.Fixed and ir.Verify holds).
//
// Invariants:
//   - The RTL computes exactly what sim.Fixed computes, bit for bit: every
//     value is a combinational wire of its type's width holding the raw
//     word; arithmetic is done on explicitly sign- or zero-extended vectors
//     of the result width (correct modulo 2^W, which is the IR's wrap rule),
//     casts and divisions mirror fixed.Cast and fixed.Div literally.
//   - Output is in the RTL dialect of DESIGN §6: accepted by iverilog 11
//     -g2012, yosys 0.23 read_verilog -sv + synth, and verilator --lint-only
//     -Wall with zero warnings. All wires are unsigned vectors; signedness
//     appears only as $signed(...) at comparisons and divisions, so no
//     implicit signed/unsigned context rule can change a result. Bits that are
//     legitimately unused (the dropped low bits of a cast) are declared inside
//     a local verilator lint_off UNUSEDSIGNAL region.
//   - Output is deterministic: no map is ranged over while emitting;
//     identical input gives byte-identical output.
//   - Each value's wire carries the source position of the expression it came
//     from (STYLE S2), as a `// file.snn:line:col` comment.
package sv
