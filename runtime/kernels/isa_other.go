//go:build !(goexperiment.simd && amd64)

package kernels

// Available reports whether this build and CPU run path i: without
// GOEXPERIMENT=simd on amd64 only the portable path exists.
func Available(i ISA) bool { return i == Portable }

// Features says that this build has no vector paths.
func Features() string { return "portable build (no GOEXPERIMENT=simd): no vector paths" }
