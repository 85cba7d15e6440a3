// Package lang owns the language of scc: source positions (Pos), diagnostics
// (Error, ErrorList), the abstract syntax tree of .snn files, the physical
// unit system, and the checker (name resolution, dimensional analysis) whose
// facts live in side tables (STYLE S6), among them each model's and
// network's typed Profile. The normative grammar is spec.md.
//
// Imports: the standard library and fixed (formats, rounding and overflow
// names, the builtin function table).
//
// Invariants: the AST is plain data; every node carries the Pos of its first
// token; nothing in this package panics on user input.
package lang
