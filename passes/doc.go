// Package passes owns the compiler's middle end: the ordered table of IR
// passes (pipeline.go, STYLE S9) that takes a real-phase module from irgen
// to the fixed phase the backends, sim and formal consume.
//
//	verify      the input satisfies ir.Verify
//	const-fold  fold constants, div by a constant → mul by its reciprocal,
//	            reassociate coefficient chains (dt·(e/tau) → e·(dt/tau))
//	range       real interval of every value from declared ranges; warnings
//	quantize    real → fixed (DESIGN §3): formats, exact widths, casts
//	dce         drop values without uses, renumber
//
// Imports: ir, lang and fixed only (DESIGN §1).
//
// Invariants: every pass maps a valid function to a valid function (Run
// with Options.Check verifies after each one and panics on a violation: a
// compiler bug, STYLE S4); user mistakes (a constant that does not fit its
// format, a function fixed point cannot compute yet) are positioned
// lang.Errors; output is deterministic (no pass ranges over a map while
// creating values); every value a pass creates carries the Pos of the
// value it came from. Arithmetic is never done here: encodings, rounding
// and casts are fixed's (STYLE S10).
package passes
