package sim

import (
	"fmt"

	"scc/ir"
	rt "scc/runtime"
)

// SCLayer is the golden model of one SC dense layer of a network
// (ir.SCLayer, the hdl module sc_dense_matrix_layer with constant inputs):
// runtime's cycle model rt.Dense, its encoders seeded from the layer's seed
// bases (ir.SCLayer.XSeed, WSeed) and its ports held at the layer's words.
// It is what the network co-simulation compares the RTL with, cycle by
// cycle: sim builds the model from the IR, testbenches only compare.
type SCLayer struct {
	L  *ir.SCLayer
	d  *rt.Dense
	in rt.DenseIn
}

// NewSCLayer checks l's shape and words and returns its model, reset.
func NewSCLayer(l *ir.SCLayer) (*SCLayer, error) {
	switch {
	case l.Inputs < 1 || l.Neurons < 1 || l.Inputs > 1<<15:
		return nil, fmt.Errorf("%v: sim: SC layer %s: bad shape %d×%d", l.Pos, l.Name, l.Inputs, l.Neurons)
	case l.Length < 1 || l.Length > 1<<32-1:
		return nil, fmt.Errorf("%v: sim: SC layer %s: stream length %d", l.Pos, l.Name, l.Length)
	case len(l.X) != l.Inputs || len(l.W) != l.Inputs*l.Neurons:
		return nil, fmt.Errorf("%v: sim: SC layer %s: %d input and %d weight words for %d×%d", l.Pos, l.Name, len(l.X), len(l.W), l.Inputs, l.Neurons)
	}
	s := &SCLayer{L: l, d: rt.NewDenseMatrix(l.Inputs, l.Neurons),
		in: rt.DenseIn{StreamLen: uint32(l.Length), X: make([]uint16, l.Inputs), W: make([]uint16, len(l.W))}}
	for _, w := range append(append([]int64{}, l.X...), l.W...) {
		if w < 0 || w > 0xffff {
			return nil, fmt.Errorf("%v: sim: SC layer %s: encoder word %d is not uq8.8", l.Pos, l.Name, w)
		}
	}
	for _, w := range []int64{l.YMin, l.YMax, l.Leak, l.Gain} {
		if w < -1<<15 || w >= 1<<15 {
			return nil, fmt.Errorf("%v: sim: SC layer %s: word %d is not q8.8", l.Pos, l.Name, w)
		}
	}
	s.in.YMin, s.in.YMax, s.in.Leak, s.in.Gain = int16(l.YMin), int16(l.YMax), int16(l.Leak), int16(l.Gain)
	for i := 0; i < l.Inputs; i++ {
		s.d.X[i] = rt.NewEncoder(l.XSeed(i))
		s.in.X[i] = uint16(l.X[i])
		for j := 0; j < l.Neurons; j++ {
			s.d.W[j*l.Inputs+i] = rt.NewEncoder(l.WSeed(j, i))
			s.in.W[j*l.Inputs+i] = uint16(l.W[j*l.Inputs+i])
		}
	}
	s.d.Reset()
	return s, nil
}

// Step applies one rising clock edge: reset holds rst_n low over it, start
// is start_pulse.
func (s *SCLayer) Step(reset, start bool) {
	s.in.Reset, s.in.Start = reset, start
	s.d.Step(&s.in)
}

// Spike reports neuron j's spike output after the last edge.
func (s *SCLayer) Spike(j int) bool { return rt.Bit(s.d.Spikes, j) }

// RunDone reports run_done after the last edge.
func (s *SCLayer) RunDone() bool { return s.d.RunDone }

// Running reports running (step_valid) after the last edge.
func (s *SCLayer) Running() bool { return s.d.Running }
