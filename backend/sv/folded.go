package sv

import (
	"errors"
	"io"

	"scc/ir"
)

func emitFolded(w io.Writer, m *ir.Module, n *ir.Net, opt NetOptions) error {
	return errors.New("sv: folded architecture: not yet")
}

// Memory is one block memory of a folded network (Estimate).
type Memory struct {
	Name        string // e.g. "exc.state", "exc.acc", "ee.syn"
	Depth, Bits int    // words and bits per word
}

// Estimate is the size of n's hardware in architecture opt.Arch, computed
// without synthesis (for choosing an architecture and for fit errors):
// memories (folded), synapse and neuron counts, and cycles per step.
type Estimate struct {
	Arch     Arch
	Memories []Memory
	Neurons  int
	Synapses int
	// CyclesPerStep is the worst-case cycle count of one step (every
	// neuron spiking); Formula says how it is computed.
	CyclesPerStep int64
	Formula       string
	// LUTs is a rough LUT estimate (parallel: ~14 per synapse, DESIGN
	// §4.2), 0 when unknown.
	LUTs int64
}

// EstimateNet sizes n in opt's architecture.
func EstimateNet(m *ir.Module, n *ir.Net, opt NetOptions) (Estimate, error) {
	return Estimate{}, errors.New("sv: estimate: not yet")
}
