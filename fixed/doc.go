// Package fixed owns the arithmetic of DESIGN §3: fixed-point formats,
// encoding of constants (round half to even), rounding and overflow modes,
// and the exact integer operations that sim, runtime and the quantize pass
// share. Backends map each operation to hardware with the same meaning.
//
// Imports: the standard library only.
//
// Invariants: raw values are int64 holding a two's-complement (or unsigned)
// word of at most MaxWidth bits; every function is total (no panics on any
// raw value or format the IR verifier accepts); results agree with a math/big
// reference (tests and FuzzCast).
package fixed
