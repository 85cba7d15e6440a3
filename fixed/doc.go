// Package fixed owns the arithmetic of DESIGN §3: fixed-point formats and
// the one parser of state format options (ParseProfile: q<I>.<F>,
// auto:<W>), encoding of constants (round half to even), rounding and
// overflow modes, the exact integer operations that sim, runtime and the
// quantize pass share, interval arithmetic over raw words (Interval: the
// images of add, mul and cast that quantize sizes words with and formal
// bounds values with), the builtin function table (Builtin: arity, real
// meaning, domain, interval image, whether it is tabulated) and breakpoint
// tables. Backends map each operation to hardware with the same meaning.
//
// Imports: the standard library only.
//
// Invariants: raw values are int64 holding a two's-complement (or unsigned)
// word of at most MaxWidth bits; every function is total (no panics on any
// raw value or format the IR verifier accepts); results agree with a math/big
// reference (tests and FuzzCast).
package fixed
