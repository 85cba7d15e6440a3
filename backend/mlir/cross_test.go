package mlir_test

import (
	"testing"

	"scc/backend/mlir"
	"scc/backend/sv"
	"scc/ir"
)

// TestBothBackendsLowerEveryOp: every op that can survive quantize has a
// lowering in backend/sv and in backend/mlir. Adding an op to the fixed
// phase without both fails here.
func TestBothBackendsLowerEveryOp(t *testing.T) {
	for _, op := range ir.FixedOps() {
		if !sv.Lowers(op) {
			t.Errorf("sv.Lowers(%v) = false, want true", op)
		}
		if !mlir.Lowers(op) {
			t.Errorf("mlir.Lowers(%v) = false, want true", op)
		}
	}
}
