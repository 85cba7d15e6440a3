// Package formal generates property harnesses for the RTL that scc emits
// and proves them with yosys, yosys-smtbmc and z3 (DESIGN §4, §6).
//
// Owns: property generation from a fixed-phase ir.Func (harness.go), an
// independent lowering of the op table used by the harness to re-evaluate
// the step function from the DUT's ports (lower.go), the raw-word interval
// analysis behind the "no saturation" claims (analysis.go), equivalence
// miters (miter.go) with register correspondence for their induction
// (merge.go), the yosys + yosys-smtbmc driver (prove.go) and
// counterexample tables from VCD traces (vcd.go).
//
// May import: ir, lang, fixed, hdl, internal/tool (and the standard
// library). It never imports backend/sv or passes: hardware names come from
// the IR (ir.Func.ModuleName, ir.State.PortName, ir.Input.PortName), so a
// harness binds to any module with the DESIGN §4 ports, and the RTL text is
// handed in by the caller (cmd/scc).
//
// Invariants:
//   - Harnesses are in the RTL dialect of DESIGN §6: immediate assert and
//     assume in always blocks, $past guarded by a past-valid register, free
//     inputs as (* anyseq *) wires, reset from an initialised counter (no
//     initial blocks, no delays), everything under `ifdef FORMAL.
//   - Properties refer only to ports: the harness never uses hierarchical
//     references (yosys 0.23 does not bind them). Internal facts (the
//     candidate, a saturation) are re-derived from the pre-step ports by the
//     harness' own copy of the datapath.
//   - A property is reported PROVEN only when BMC from reset and k-induction
//     both pass for a set of properties that contains it; BOUNDED when BMC
//     to the depth passes and induction does not close; FAILED with a trace
//     from reset. Nothing is reported proven that a solver did not prove.
//   - A register correspondence is merged into the model only while the
//     property asserting it is in the same model, so a proof never rests
//     on a correspondence that was not proven with it.
//   - Output is deterministic for identical input (no map is ranged over
//     while emitting text).
package formal
