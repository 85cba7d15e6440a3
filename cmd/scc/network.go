package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"scc/ir"
	"scc/testbenches"
)

// pickNetwork returns the network a command targets: the one --top names,
// or, without --top, the only network of a module that has no models or
// whose network has populations. nil
// means the command targets a model (pick).
func pickNetwork(m *ir.Module, top string) *ir.Net {
	if top != "" {
		return m.Net(top)
	}
	if len(m.Nets) == 1 && (len(m.Funcs) == 0 || len(m.Nets[0].Pops) > 0) {
		return m.Nets[0]
	}
	return nil
}

// cosimNetwork co-simulates network n (testbenches.CosimNetwork) and prints
// the summary; a mismatch is a failure naming the first differing signal.
func cosimNetwork(path string, m *ir.Module, n *ir.Net, opt testbenches.CosimOptions, keep bool, stdout io.Writer) error {
	res, err := testbenches.CosimNetwork(context.Background(), m, n, opt)
	if err != nil {
		if !keep {
			os.RemoveAll(opt.Dir)
		}
		return err
	}
	fmt.Fprintln(stdout, res.Summary())
	if res.First != nil {
		f := res.First
		return &failure{fmt.Sprintf("%s: co-simulation mismatch in %s at cycle %d: signal %s want %d got %s\nwaveform: %s",
			path, n.Name, f.Step, f.Signal, f.Want, f.GotText, res.VCD)}
	}
	if !keep {
		os.RemoveAll(opt.Dir)
	}
	return nil
}

// hasNeurons reports whether n has populations of neurons or sources (not
// only SC layers, whose RTL scc builds from hdl/).
func hasNeurons(n *ir.Net) bool {
	for _, p := range n.Pops {
		if p.Kind != ir.PopExtern {
			return true
		}
	}
	return false
}
