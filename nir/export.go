package nir

import (
	"errors"

	"scc/ir"
)

// ExportOptions control Export.
type ExportOptions struct {
	Version string // the /version string written ("" = scc's)
}

// Export maps network n of module m (the real phase: float64 values) to a
// NIR File: populations of the library's NIR models become neuron nodes
// (per-neuron data as arrays, uniform parameters as arrays of the
// population's shape, as NIR requires), projections Affine/Linear (and
// Delay nodes for delays above one step), spike sources Input, records
// Output; metadata carries scc's hardware semantics (dt, method, reset
// kind, Q-formats, rounding). A population NIR cannot express is an error
// naming it.
func Export(m *ir.Module, n *ir.Net, opt ExportOptions) (*File, error) {
	return nil, errors.New("nir: Export not implemented")
}
