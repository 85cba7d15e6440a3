// Package formal generates property harnesses for the RTL that scc emits
// and proves them with yosys, yosys-smtbmc and z3 (DESIGN §4, §6).
//
// Owns: property generation from a fixed-phase ir.Func (harness.go), an
// independent lowering of the op table used by the harness to re-evaluate
// the step function from the DUT's ports (lower.go), the raw-word interval
// analysis behind the "no saturation" claims (analysis.go), equivalence
// miters (miter.go) with register correspondence for their induction
// (merge.go), the engine race (prove.go): yosys-smtbmc + z3 for BMC and
// k-induction, with the table ROMs constrained in every step (rom.go), and
// yosys-abc's dprove and bmc3 on an AIGER model of the same design
// (abc.go), network properties on any core with the ir.NetHW ports (net.go:
// done within the worst-case cycles, the exact accumulator fits its width,
// each committed step equals the step function of the probed state and the
// due sum; netmiter.go: two cores under one host, compared at every step's
// end), and counterexample tables from VCD traces (vcd.go).
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
//   - A property is reported PROVEN only when an engine proved it for every
//     reachable state: k-induction together with BMC from reset to the
//     induction length, or abc's dprove (whose "equivalent" covers every
//     property of the AIGER model), for a set of properties that contains
//     it; BOUNDED when BMC to the depth finds no trace and no engine
//     closes it; FAILED with a trace from reset, replayed on the SMT2
//     model. Nothing is reported proven that a solver did not prove. The
//     engines race; which finishes first changes only Result.Engine (a
//     counterexample is always the shortest bmc3 or BMC finds).
//   - The SMT2 and AIGER models are made from one RTLIL design, so an abc
//     witness replays on the SMT2 model; one that does not is an error.
//   - A register correspondence is merged into the model only while the
//     property asserting it is in the same model, so a proof never rests
//     on a correspondence that was not proven with it.
//   - Output is deterministic for identical input (no map is ranged over
//     while emitting text).
package formal
