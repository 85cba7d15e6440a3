//go:build goexperiment.simd && amd64

package kernels

import "simd/archsimd"

// Available reports whether this build and CPU run path i.
func Available(i ISA) bool {
	switch i {
	case Portable:
		return true
	case AVX2:
		return archsimd.X86.AVX2()
	case AVX512:
		return archsimd.X86.AVX512()
	}
	return false
}

// Features names the CPU features the vector paths use that this CPU has,
// and the build: e.g. "GOEXPERIMENT=simd: avx2 avx512".
func Features() string {
	s := "GOEXPERIMENT=simd:"
	if archsimd.X86.AVX2() {
		s += " avx2"
	}
	if archsimd.X86.AVX512() {
		s += " avx512"
	}
	if archsimd.X86.AVX512VPOPCNTDQ() {
		s += " avx512vpopcntdq"
	}
	return s
}
