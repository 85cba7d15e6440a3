// Package mlir emits CIRCT MLIR: one hw.module per neuron model (and, for
// a network, EmitNet: the parallel architecture as one flat hw.module, or
// the folded one over seq.firmem memories, both with the ir.NetHW ports), built from
// the hw, comb and seq dialects (and verif.assert for user assertions), in
// the syntax of firtool 1.57.0 and later (DESIGN §6). Emit is the entry
// point (STYLE S11); Lowers and Lowering report each op's lowering. `scc build
// --emit mlir` prints the pretty form, `--emit mlir-generic` the generic op
// form.
//
// Imports: ir, lang and fixed (DESIGN §1). The package reads fixed-phase IR
// only and never imports passes, sim or another backend.
//
// # Ports and registers
//
// Ports mirror DESIGN §4 and backend/sv: `in %clk : !seq.clock`,
// `in %rst_n : i1`, `in %en : i1`, one `in %<Input.PortName()> : iW` per
// input, then `out spike : i1` and one `out <State.PortName()> : iW` per
// state. Every state and the spike bit is a register
//
//	%rst = comb.xor %rst_n, %true : i1
//	%v_q = seq.firreg %v_d clock %clk reset async %rst, %init : i16
//	%v_d = comb.mux %en, %next, %v_q : i16
//
// so reset is active low and asynchronous and loads each state's encoded
// initial word and clears spike; en low holds every register, spike
// included. A model without a spike op drives spike with false.
//
// # Arithmetic
//
// CIRCT integers are signless and comb ops take operands and a result of one
// width, so each IR op (whose fixed-phase meaning is exact integer
// arithmetic wrapped to the result width, ir/op.go) lowers to width
// adjustments plus one comb op: fraction alignment is comb.concat with zero
// bits, sign extension is comb.replicate of the sign bit plus comb.concat,
// truncation is comb.extract, products extend their operands to the result
// width first (comb.mul truncates), comparisons align both operands exactly
// and use signed comb.icmp predicates, division is comb.divs in a width
// that holds the quotient exactly and is guarded by a comb.mux on a zero
// denominator (fixed.Div's max/min rule; comb.divs by zero is undefined),
// and cast is rounding by extract/compare/add followed by wrap (extract) or
// saturation (comb.icmp against the format's bounds, comb.mux), exactly as
// fixed.Cast for every rounding and overflow mode. Lowering lists them.
//
// # Invariants
//
//   - Output is deterministic: no map is ranged over while emitting, and SSA
//     names come from the IR (vN, ports, <state>_q) with helper suffixes.
//   - Every op carries the position of the IR value it implements as
//     loc("file.snn":line:col), and a comment quotes that IR value.
//   - Both forms print one netlist, which check verifies before anything is
//     written (mlir-opt-16 checks neither widths nor, in graph regions,
//     dominance): every operand is defined by a port or an earlier op, the
//     only exception being a seq.firreg's next value (so there is no
//     combinational loop), and every op obeys CIRCT's width rules.
//   - Meaning is tested, not assumed: the tests read the pretty text back,
//     evaluate it cycle by cycle and match sim.Fixed bit for bit on every
//     model, and mlir-opt-16 parses and verifies the generic form.
package mlir
