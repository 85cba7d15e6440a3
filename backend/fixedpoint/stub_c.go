package fixedpoint

// Placeholder: replaced by c.go.

import (
	"errors"
	"io"
	"scc/ir"
)

func emitC(w io.Writer, f *ir.Func, opt COptions) error {
	return errors.New("fixedpoint: C not implemented yet")
}
