package fixedpoint

import (
	"io"

	"scc/ir"
)

// GoOptions control Go kernel generation.
type GoOptions struct {
	Package string // package clause of the generated file ("kernels")
	// Type is the Go type name of the population, e.g. "LIFDefault".
	Type string
	// Variant is "default" (a specialised Func: no coef ops) or "generic"
	// (coef ops read per-neuron coefficient columns).
	Variant string
	Source  string // the model's file, e.g. "lif.snn" (Spec.Source, header)
	// SIMD says that a vector file for this kernel is generated too: the
	// Spec then lists AVX2 and AVX512 among its ISAs.
	SIMD bool
}

// GoKernel returns the gofmt'ed Go source of f's population kernel (the
// portable path, the Spec and its registration): see runtime/kernels and
// the layout contract in layout.go.
func GoKernel(f *ir.Func, opt GoOptions) ([]byte, error) { return goKernel(f, opt) }

// GoSIMD returns the gofmt'ed Go source of f's vector paths (a file with
// the build constraint goexperiment.simd && amd64 that fills the kernel's
// vec table from init), or nil, nil when f has no vector path (an op the
// vector emitter does not take: then the kernel is portable only).
func GoSIMD(f *ir.Func, opt GoOptions) ([]byte, error) { return goSIMD(f, opt) }

// COptions control C generation.
type COptions struct {
	Prefix string // identifier prefix of the emitted functions and types
}

// C writes a C99 translation unit for f: a state struct, a step function
// (state, inputs → state, spike) and a population loop over SoA arrays.
func C(w io.Writer, f *ir.Func, opt COptions) error { return emitC(w, f, opt) }

// LLVM writes LLVM IR (text) for f's step function and population loop,
// built with github.com/llir/llvm, with the target triple and data layout
// set (x86_64-pc-linux-gnu).
func LLVM(w io.Writer, f *ir.Func, opt COptions) error { return emitLLVM(w, f, opt) }
