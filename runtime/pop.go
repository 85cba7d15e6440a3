package rt

import "fmt"

// LIFPop is a population of Q8.8 sc_lif_neuron instances (DATA_WIDTH 16,
// FRACTION 8) sharing parameters and the leak/gain words, stored as
// struct-of-arrays. One Step advances every neuron by one clock, bit-exact
// with LIF.Step per neuron.
type LIFPop struct {
	VRest, VReset, VThreshold int16
	Refractory                uint32
	Leak, Gain                int16    // leak_k, gain_k, shared
	V                         []int16  // v_out per neuron
	Counter                   []uint32 // refractory counter per neuron
	Spikes                    []uint64 // spike_out, packed LSB-first

	in, noise []int16 // the inputs of the step in progress (Range)
}

// NewLIFPop returns a reset population of n neurons with parameters p,
// which must be Q8.8 (Width 16, Fraction 8).
func NewLIFPop(n int, p LIFParams) (*LIFPop, error) {
	if p.Width != 16 || p.Fraction != 8 {
		return nil, fmt.Errorf("rt: LIFPop needs Q8.8 parameters, got width %d fraction %d", p.Width, p.Fraction)
	}
	q := &LIFPop{
		VRest: int16(p.VRest), VReset: int16(p.VReset), VThreshold: int16(p.VThreshold),
		Refractory: p.Refractory,
		V:          make([]int16, n), Counter: make([]uint32, n), Spikes: make([]uint64, Words(n)),
	}
	q.Reset()
	return q, nil
}

// Len returns the number of neurons.
func (q *LIFPop) Len() int { return len(q.V) }

// Reset applies the asynchronous reset to every neuron.
func (q *LIFPop) Reset() {
	for i := range q.V {
		q.V[i] = q.VRest
	}
	clear(q.Counter)
	clear(q.Spikes)
}

// Step advances every neuron by one clock with input current in[i] and
// noise[i] (nil means zero noise), on the calling goroutine.
func (q *LIFPop) Step(in, noise []int16) { q.StepPool(nil, in, noise) }

// StepPool is Step split across the workers of p (nil: the caller).
func (q *LIFPop) StepPool(p *Pool, in, noise []int16) {
	n := len(q.V)
	q.in = in[:n]
	if noise != nil {
		q.noise = noise[:n]
	} else {
		q.noise = nil
	}
	p.Run(q, n, 64*64)
	q.in, q.noise = nil, nil
}

// Range steps neurons [lo, hi); lo is a multiple of 64. It implements
// Ranger for StepPool.
func (q *LIFPop) Range(lo, hi int) {
	for w := lo; w < hi; w += 64 {
		end := min(w+64, hi)
		if haveAVX512 && end-w == 64 {
			q.Spikes[w>>6] = q.lifBlockSIMD(w)
		} else {
			q.Spikes[w>>6] = q.block(w, end)
		}
	}
}

// block steps neurons [lo, hi), at most 64 of them, and returns their spike
// bits. The arithmetic is the Q8.8 instance of LIF.Next: (V_REST − v) and
// the products fit int32 exactly, int16 conversion truncates, and int16
// addition wraps.
func (q *LIFPop) block(lo, hi int) uint64 {
	v, c, in := q.V[lo:hi], q.Counter[lo:hi], q.in[lo:hi]
	rest, reset, th, rp := q.VRest, q.VReset, q.VThreshold, q.Refractory
	leak, gain := int32(q.Leak), int32(q.Gain)
	var spikes uint64
	if q.noise == nil {
		for i := range v {
			x := v[i]
			next := x + int16((int32(rest)-int32(x))*leak>>8) + int16(int32(in[i])*gain>>8)
			switch {
			case c[i] > 0:
				c[i]--
				v[i] = rest
			case next >= th:
				spikes |= 1 << i
				v[i] = reset
				c[i] = rp
			default:
				v[i] = next
			}
		}
		return spikes
	}
	nz := q.noise[lo:hi]
	for i := range v {
		x := v[i]
		next := x + int16((int32(rest)-int32(x))*leak>>8) + int16(int32(in[i])*gain>>8) + nz[i]
		switch {
		case c[i] > 0:
			c[i]--
			v[i] = rest
		case next >= th:
			spikes |= 1 << i
			v[i] = reset
			c[i] = rp
		default:
			v[i] = next
		}
	}
	return spikes
}

// StepScalar is Step without vector instructions or workers: the plain-Go
// loop over the struct-of-arrays, the benchmarks' baseline.
func (q *LIFPop) StepScalar(in, noise []int16) {
	n := len(q.V)
	q.in = in[:n]
	q.noise = nil
	if noise != nil {
		q.noise = noise[:n]
	}
	for w := 0; w < n; w += 64 {
		q.Spikes[w>>6] = q.block(w, min(w+64, n))
	}
	q.in, q.noise = nil, nil
}

// StepGo is the reference form of Step: LIF.Step per neuron on int64
// words, single-threaded; tests compare Step against it.
func (q *LIFPop) StepGo(in, noise []int16) {
	p := LIFParams{Width: 16, Fraction: 8, VRest: int64(q.VRest), VReset: int64(q.VReset),
		VThreshold: int64(q.VThreshold), Refractory: q.Refractory}
	for i := range q.V {
		n := LIF{P: p, V: int64(q.V[i]), Counter: q.Counter[i]}
		var nzv int64
		if noise != nil {
			nzv = int64(noise[i])
		}
		s, v := n.Step(int64(q.Leak), int64(q.Gain), int64(in[i]), nzv)
		q.V[i], q.Counter[i] = int16(v), n.Counter
		SetBit(q.Spikes, i, s)
	}
}
