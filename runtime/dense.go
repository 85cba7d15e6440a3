package rt

// DenseIn holds the input ports of sc_dense_layer_core or
// sc_dense_matrix_layer (DATA_WIDTH 16) for one clock cycle.
type DenseIn struct {
	Reset     bool     // rst_n is low
	Start     bool     // start_pulse
	StreamLen uint32   // stream_len
	X         []uint16 // x_input_fp, one word per input
	// W is weight_fp: one word per input (core), or per neuron and input
	// (matrix; W[j*NIn+i] is the weight of neuron j, input i).
	W                      []uint16
	YMin, YMax, Leak, Gain int16 // y_min_fp, y_max_fp, cfg_leak, cfg_gain
}

// Dense is the cycle model of sc_dense_layer_core (Matrix false: one
// weight encoder per input, one current shared by all neurons) and of
// sc_dense_matrix_layer (Matrix true: a weight encoder per neuron and input,
// a current per neuron). Neurons use the default LIFParams with zero noise.
//
// Pipeline (reference §1.9): at edge n the encoders register [s_{n-1} < x]
// while the neurons consume the current computed from the bits registered at
// edge n-1, so the first update after reset sees I = y_min. Encoders and
// neurons free-run from reset; only the control FSM (running, run_done, t)
// follows start_pulse and stream_len.
type Dense struct {
	NIn, NOut int
	Matrix    bool
	X         []Encoder // input encoders, seed InputSeed(i)
	W         []Encoder // weight encoders
	Neurons   []LIF     // one (core; its outputs are every neuron's) or NOut
	Current   []int16   // I_t per distinct neuron, from the current bits and inputs
	Spikes    []uint64  // spikes output, packed
	T         uint32    // t_counter
	Running   bool      // running = step_valid
	RunDone   bool      // run_done
}

// NewDenseCore returns a reset model of sc_dense_layer_core.
func NewDenseCore(nIn, nOut int) *Dense { return newDense(nIn, nOut, false) }

// NewDenseMatrix returns a reset model of sc_dense_matrix_layer.
func NewDenseMatrix(nIn, nOut int) *Dense { return newDense(nIn, nOut, true) }

func newDense(nIn, nOut int, matrix bool) *Dense {
	d := &Dense{NIn: nIn, NOut: nOut, Matrix: matrix, Spikes: make([]uint64, Words(nOut))}
	d.X = make([]Encoder, nIn)
	for i := range d.X {
		d.X[i] = NewEncoder(InputSeed(i))
	}
	nn := 1
	if matrix {
		nn = nOut
		d.W = make([]Encoder, nOut*nIn)
		for j := 0; j < nOut; j++ {
			for i := 0; i < nIn; i++ {
				d.W[j*nIn+i] = NewEncoder(MatrixWeightSeed(j, i, nIn))
			}
		}
	} else {
		d.W = make([]Encoder, nIn)
		for i := range d.W {
			d.W[i] = NewEncoder(WeightSeed(i))
		}
	}
	d.Neurons = make([]LIF, nn)
	d.Current = make([]int16, nn)
	d.Reset()
	return d
}

// Reset applies the asynchronous reset (t_index is t_counter, which is zero
// in reset, so every encoder loads its own seed).
func (d *Dense) Reset() {
	for i := range d.X {
		d.X[i].Reset(0)
	}
	for i := range d.W {
		d.W[i].Reset(0)
	}
	for j := range d.Neurons {
		d.Neurons[j] = NewLIF(DefaultLIFParams())
	}
	clear(d.Spikes)
	d.T, d.Running, d.RunDone = 0, false, false
}

// count returns the popcount of the AND synapses feeding neuron j.
func (d *Dense) count(j int) int {
	n := 0
	w := d.W
	if d.Matrix {
		w = d.W[j*d.NIn : (j+1)*d.NIn]
	}
	for i := range d.X {
		if d.X[i].Bit && w[i].Bit {
			n++
		}
	}
	return n
}

func (d *Dense) currents(in *DenseIn) {
	for j := range d.Current {
		d.Current[j] = DotCurrent(d.count(j), d.NIn, in.YMin, in.YMax)
	}
}

// Step applies one rising edge with inputs in. Afterwards Current holds the
// combinational I_t for the new bits and in's y_min/y_max.
func (d *Dense) Step(in *DenseIn) {
	if in.Reset {
		d.Reset()
		d.currents(in)
		return
	}
	d.currents(in)
	for j := range d.Neurons {
		d.Neurons[j].Step(int64(in.Leak), int64(in.Gain), int64(d.Current[j]), 0)
	}
	for i := range d.X {
		d.X[i].Step(in.X[i])
	}
	for i := range d.W {
		d.W[i].Step(in.W[i])
	}
	clear(d.Spikes)
	for j := 0; j < d.NOut; j++ {
		k := 0
		if d.Matrix {
			k = j
		}
		SetBit(d.Spikes, j, d.Neurons[k].Spike)
	}
	switch {
	case in.Start && !d.Running:
		d.Running, d.RunDone, d.T = true, false, 0
	case d.Running:
		if d.T == in.StreamLen-1 {
			d.Running, d.RunDone = false, true
		} else {
			d.T++
		}
	default:
		d.RunDone = false
	}
	d.currents(in)
}
