package nir

import "errors"

// ImportOptions are the choices NIR leaves open (it is continuous-time).
type ImportOptions struct {
	Dt     float64 // seconds; 0 means 1e-4 (snnTorch's and SpikingJelly's export dt)
	Method string  // "" or "euler" (forward Euler, what every exporter assumes)
	Format string  // the network's fixed-point format option ("" = import's choice, stated in a comment)
	Name   string  // network name ("" = from the file name)
	// Base is the side-file name prefix (e.g. "g" gives g_lif1_tau.csv),
	// relative to the .snn's directory.
	Base string
}

// Imported is a NIR file as an scc network.
type Imported struct {
	Source   []byte            // the .snn text
	Files    map[string][]byte // side files by name relative to the .snn's directory
	Warnings []string          // e.g. the rest state is not a fixed point, so the feed-forward shift is not exact
}

// Import maps f to an scc network (DESIGN §9): neuron nodes become
// populations of the library's NIR models with per-neuron data in side
// files (scalars stay scalars), chains of linear nodes become dense or
// sparse projections (biases a constant drive), Delay nodes projection
// delays, Input nodes spike sources read from a file, Output nodes
// records. A node or parameter that cannot be honoured exactly is an
// *Error naming the node and the reason.
func Import(f *File, opt ImportOptions) (*Imported, error) {
	return nil, errors.New("nir: Import not implemented")
}
