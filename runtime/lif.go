package rt

// LIFParams are the parameters of sc_lif_neuron.
type LIFParams struct {
	Width      int    // DATA_WIDTH, 2..30
	Fraction   int    // FRACTION
	VRest      int64  // V_REST, a Width-bit signed value
	VReset     int64  // V_RESET
	VThreshold int64  // V_THRESHOLD
	Refractory uint32 // REFRACTORY_PERIOD
}

// DefaultLIFParams returns the RTL defaults: Q8.8, V_REST = V_RESET = 0,
// V_THRESHOLD = 1.0 (256), REFRACTORY_PERIOD = 0.
func DefaultLIFParams() LIFParams {
	return LIFParams{Width: 16, Fraction: 8, VThreshold: 256}
}

// LIF is the cycle model of one sc_lif_neuron (reference §1.7): the
// increments are computed at 2W bits, shifted arithmetically (floor) by F
// and truncated to W bits; the sum wraps at W bits; the refractory branch
// has priority and clamps v to V_REST.
type LIF struct {
	P       LIFParams
	V       int64  // v_reg (= v_out)
	Counter uint32 // refractory_counter
	Spike   bool   // spike_out
}

// NewLIF returns a neuron with parameters p in its reset state.
func NewLIF(p LIFParams) LIF {
	n := LIF{P: p}
	n.Reset()
	return n
}

// Reset applies the asynchronous reset.
func (n *LIF) Reset() {
	n.V, n.Counter, n.Spike = wrap(n.P.VRest, n.P.Width), 0, false
}

// Next returns v_next, the combinational candidate state for the inputs.
func (n *LIF) Next(leak, gain, in, noise int64) int64 {
	w, f := n.P.Width, n.P.Fraction
	dLeak := wrap(wrap((wrap(n.P.VRest, w)-n.V)*leak, 2*w)>>f, w)
	dIn := wrap(wrap(in*gain, 2*w)>>f, w)
	return wrap(n.V+dLeak+dIn+noise, w)
}

// Step applies one rising edge with the given input words and returns
// spike_out and v_out after it.
func (n *LIF) Step(leak, gain, in, noise int64) (bool, int64) {
	w := n.P.Width
	switch next := n.Next(leak, gain, in, noise); {
	case n.Counter > 0:
		n.Counter--
		n.Spike = false
		n.V = wrap(n.P.VRest, w)
	case next >= wrap(n.P.VThreshold, w):
		n.Spike = true
		n.V = wrap(n.P.VReset, w)
		n.Counter = n.P.Refractory
	default:
		n.Spike = false
		n.V = next
	}
	return n.Spike, n.V
}
