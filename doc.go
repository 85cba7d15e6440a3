// Package scc is the root of the scc compiler for spiking-neuron hardware.
// It holds no code: the pipeline lives in the packages below, and
// deps_test.go enforces the package import table of DESIGN.md §1:
//
//	.snn ──parser──▶ lang AST ──lang.Check──▶ irgen ──▶ ir (real)
//	     ──passes: verify, const-fold, range, quantize, dce──▶ ir (fixed)
//	     ──▶ backend/sv | backend/mlir | sim | formal | testbenches
package scc
