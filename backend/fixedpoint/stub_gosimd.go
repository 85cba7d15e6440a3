package fixedpoint

// Placeholder: replaced by gosimd.go.

import (
	"scc/ir"
)

func goSIMD(f *ir.Func, opt GoOptions) ([]byte, error) { return nil, nil }
