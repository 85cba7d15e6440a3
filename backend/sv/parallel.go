package sv

import (
	"errors"
	"io"

	"scc/ir"
)

func emitParallel(w io.Writer, m *ir.Module, n *ir.Net, opt NetOptions) error {
	return errors.New("sv: parallel architecture: not yet")
}
