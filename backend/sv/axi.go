package sv

import (
	"errors"
	"io"

	"scc/ir"
)

func emitAXI(w io.Writer, m *ir.Module, n *ir.Net, opt NetOptions) error {
	return errors.New("sv: axi wrapper: not yet")
}
