// Package lang owns the language of scc: source positions (Pos), diagnostics
// (Error, ErrorList), the abstract syntax tree of .snn files, the physical
// unit system, and the checker (name resolution, dimensional analysis) whose
// facts live in side tables (STYLE S6), among them each model's and
// network's typed Profile. The normative grammar is spec.md.
//
// Check takes a File of three kinds of declaration, checked in this order:
//   - models (check.go): ModelInfo per model, its parameters evaluated
//     (eval.go; Override re-evaluates a copy with other parameters or dt);
//   - synapse rules (network_synapse.go): SynapseInfo with the checked
//     traces and, per `on pre`/`on post` body, a synthesised event model
//     "<Rule>__pre"/"<Rule>__post" (parameters, the traces as inputs, the
//     synapse states, the body as maps, the rule's profile options) that is
//     checked as a model and listed in Info.Models, never in Info.Order;
//   - networks (network.go, network_items.go, layer.go): NetworkInfo, the
//     contract with irgen (netinfo.go): populations with overrides and
//     per-neuron values, projections (slices, connector, port, weight,
//     delay in steps of the network's dt, rule), sources, drives, records
//     and SC layers, every constant evaluated and every time converted to
//     whole steps. Data files are only named here; irgen reads them.
//
// Warnings (Info.Warnings) are positioned like errors and do not fail the
// check (a refractory period rounded to steps, a negative plasticity trace
// that bit-true decay leaves stuck).
//
// Imports: the standard library and fixed (formats, rounding and overflow
// names, the builtin function table).
//
// Invariants: the AST is plain data; every node carries the Pos of its first
// token; nothing in this package panics on user input; every diagnostic
// text is in messages.go.
package lang
