package fixedpoint

// Placeholder: replaced by llvm.go.

import (
	"errors"
	"io"
	"scc/ir"
)

func emitLLVM(w io.Writer, f *ir.Func, opt COptions) error {
	return errors.New("fixedpoint: LLVM not implemented yet")
}
