// Package fixedpoint generates portable bit-true code from a fixed-phase
// ir.Func (DESIGN §1): Go population kernels for runtime/kernels (a
// portable loop, and AVX2/AVX-512 paths in Go's simd/archsimd), a C step
// function and population loop, and LLVM IR through github.com/llir/llvm.
//
// Every emitter computes exactly what sim.Fixed computes, op for op as the
// ir op table defines it (ir/op.go): operands aligned, results wrapped to
// the result type's width, casts by fixed.Cast's rounding and overflow,
// tables by fixed.Table.Eval, division by fixed.Div. Tests compile the
// output (go, gcc, llc-14) and compare it with the interpreter on every
// state word and spike of every library model.
//
// Imports: ir, lang, fixed. It never imports runtime/kernels: it writes
// source that does.
package fixedpoint
