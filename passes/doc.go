// Package passes owns the compiler's middle end: the ordered table of IR
// passes (pipeline.go, STYLE S9) that takes a real-phase module from irgen
// to the fixed phase the backends, sim and formal consume.
//
//	verify      the input satisfies ir.Verify
//	const-fold  specialise unranged parameters to their values (unless
//	            Options.KeepParams), fold constants, div by a constant →
//	            mul by its reciprocal, reassociate coefficient chains
//	            (dt·(e/tau) → e·(dt/tau)), uniform ones symbolically
//	range       real interval of every value and each state's reach from
//	            declared ranges, written into the IR; warnings
//	quantize    real → fixed (DESIGN §3): formats, exact widths, casts;
//	            values of ranged parameters move to the parameter block
//	            and are read as coef words sized for their ranges
//	bind        specialise a generic module: coef words become constants
//	            (unless Options.KeepParams)
//	dce         drop values without uses, renumber
//
// Parameters are IR data (DESIGN §1). The folding that once happened in
// irgen is const-fold's; a parameter without a range is specialised there,
// which is exactly editing its value in the source. A ranged parameter (a
// declared range, or the span of a population's per-neuron values) stays
// data through range and quantize, so one fixed Func serves every value in
// the range bit-true: sim.Fixed.SetParams computes a neuron's words with
// ir.ParamWords, and bind substitutes the same words to specialise it.
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
