package rt

// RateBank is the cycle model of sc_firing_rate_bank: while run_active and
// step_valid each neuron's CNT_WIDTH-bit counter adds its spike (wrapping);
// else on run_done each rate becomes the low 32 bits of count × SCALE_Q16
// and the counters clear.
type RateBank struct {
	CntWidth   int      // CNT_WIDTH (1..32)
	ScaleWidth int      // SCALE_WIDTH (1..32)
	Count      []uint32 // spike counters
	Rate       []uint32 // rate_q16
}

// NewRateBank returns a reset bank of n neurons.
func NewRateBank(n, cntWidth, scaleWidth int) *RateBank {
	return &RateBank{CntWidth: cntWidth, ScaleWidth: scaleWidth,
		Count: make([]uint32, n), Rate: make([]uint32, n)}
}

// Reset clears counters and rates.
func (r *RateBank) Reset() {
	clear(r.Count)
	clear(r.Rate)
}

// Step applies one rising edge. spikes holds one bit per neuron, packed
// LSB-first.
func (r *RateBank) Step(spikes []uint64, stepValid, runActive, runDone bool, scale uint64) {
	switch {
	case runActive && stepValid:
		m := uint32(1<<r.CntWidth - 1)
		for i := range r.Count {
			if Bit(spikes, i) {
				r.Count[i] = (r.Count[i] + 1) & m
			}
		}
	case runDone:
		s := scale & (1<<r.ScaleWidth - 1)
		for i, c := range r.Count {
			r.Rate[i] = uint32(uint64(c) * s)
			r.Count[i] = 0
		}
	}
}
