package fixedpoint

// Placeholder: replaced by gokernel.go.

import (
	"errors"
	"scc/ir"
)

func goKernel(f *ir.Func, opt GoOptions) ([]byte, error) {
	return nil, errors.New("fixedpoint: Go kernels not implemented yet")
}
