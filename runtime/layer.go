package rt

import (
	"fmt"
	"math/bits"
	"sync"
)

// DenseLayer is the fast equivalent of Dense for inputs held constant from
// reset release: it encodes every stream 64 cycles at a time, counts the
// AND synapses of 64 cycles at once with bit-sliced adders, and steps each
// neuron through a current table. Spike train j bit n-1 equals the Dense
// model's spike of neuron j after edge n (n = 1..Len).
//
// Weights are encoded once by SetWeights (weights are the static part of an
// inference layer); Run encodes the inputs and simulates.
type DenseLayer struct {
	NIn, NOut, Len int
	Matrix         bool
	Leak, Gain     int16
	// Spikes holds NOut spike trains of Words(Len) words each.
	Spikes []uint64

	words  int
	xs, ws []uint64 // encoded input / weight streams, Words(Len) each
	tab    []int16  // current for each count
}

// NewDenseLayer returns a layer of nIn inputs and nOut neurons simulated
// for n cycles after reset release; matrix selects sc_dense_matrix_layer.
func NewDenseLayer(nIn, nOut, n int, matrix bool) (*DenseLayer, error) {
	if nIn < 1 || nOut < 1 || n < 1 || nIn > 1<<15 {
		return nil, fmt.Errorf("rt: bad dense layer shape %d×%d×%d", nIn, nOut, n)
	}
	w := Words(n)
	nw := nIn
	if matrix {
		nw = nIn * nOut
	}
	return &DenseLayer{NIn: nIn, NOut: nOut, Len: n, Matrix: matrix, words: w,
		Spikes: make([]uint64, nOut*w), xs: make([]uint64, nIn*w), ws: make([]uint64, nw*w),
		tab: make([]int16, nIn+1)}, nil
}

// Train returns the spike train of neuron j.
func (l *DenseLayer) Train(j int) []uint64 { return l.Spikes[j*l.words : (j+1)*l.words] }

// SetWeights encodes the weight streams (w as in DenseIn.W).
func (l *DenseLayer) SetWeights(w []uint16) {
	for k := 0; k < len(l.ws)/l.words; k++ {
		seed := WeightSeed(k)
		if l.Matrix {
			seed = MatrixWeightSeed(k/l.NIn, k%l.NIn, l.NIn)
		}
		Encode(l.ws[k*l.words:(k+1)*l.words], Left, seed, w[k], l.Len)
	}
}

// Run encodes the inputs x and simulates Len cycles with the given y range,
// leak and gain, writing Spikes. Neurons are split across the workers of p
// (nil: the caller); the result does not depend on the worker count.
func (l *DenseLayer) Run(p *Pool, x []uint16, yMin, yMax, leak, gain int16) {
	for i := 0; i < l.NIn; i++ {
		Encode(l.xs[i*l.words:(i+1)*l.words], Left, InputSeed(i), x[i], l.Len)
	}
	CurrentTable(l.tab, l.NIn, yMin, yMax)
	l.Leak, l.Gain = leak, gain
	if l.Matrix {
		p.Run(l, l.NOut, 1)
		return
	}
	l.Range(0, 1)
	for j := 1; j < l.NOut; j++ {
		copy(l.Train(j), l.Train(0))
	}
}

// Range simulates neurons [lo, hi) (Ranger for Run).
func (l *DenseLayer) Range(lo, hi int) {
	for j := lo; j < hi; j++ {
		l.neuron(j)
	}
}

// neuron simulates neuron j. The update at edge n uses the count of stream
// bit n-2 (zero for n = 1), so count lanes of word k feed edges 64k+2..64k+65.
func (l *DenseLayer) neuron(j int) {
	ws := l.ws
	if l.Matrix {
		ws = l.ws[j*l.NIn*l.words : (j+1)*l.NIn*l.words]
	}
	train := l.Train(j)
	clear(train)
	p := DefaultLIFParams()
	st := lifState{rest: int16(p.VRest), reset: int16(p.VReset), th: int16(p.VThreshold),
		leak: int32(l.Leak), gain: int32(l.Gain)}
	var cnt [64]uint16
	st.step(l.tab[0], train, 0) // edge 1: all bits still zero
	for k := 0; k < l.words; k++ {
		l.counts(&cnt, ws, k)
		base := 64*k + 1 // spike index of edge 64k+2
		m := min(64, l.Len-base)
		for b := 0; b < m; b++ {
			st.step(l.tab[cnt[b]], train, base+b)
		}
	}
}

// counts sets cnt[b] to the number of inputs i whose stream bit 64k+b is set
// in both x_i and its weight stream: a vertical popcount kept as bit planes.
func (l *DenseLayer) counts(cnt *[64]uint16, ws []uint64, k int) {
	var planes [16]uint64
	nb := 0
	w, xs := l.words, l.xs
	for i := 0; i < l.NIn; i++ {
		carry := xs[i*w+k] & ws[i*w+k]
		for b := 0; carry != 0; b++ {
			t := planes[b] & carry
			planes[b] ^= carry
			carry = t
			if b >= nb {
				nb = b + 1
			}
		}
	}
	*cnt = [64]uint16{}
	for b := 0; b < nb; b++ {
		for pl := planes[b]; pl != 0; pl &= pl - 1 {
			cnt[bits.TrailingZeros64(pl)] |= 1 << b
		}
	}
}

// lifState is one default-parameter Q8.8 LIF neuron (REFRACTORY_PERIOD 0)
// stepped with zero noise.
type lifState struct {
	v, rest, reset, th int16
	leak, gain         int32
}

func (s *lifState) step(in int16, train []uint64, idx int) {
	next := s.v + int16((int32(s.rest)-int32(s.v))*s.leak>>8) + int16(int32(in)*s.gain>>8)
	if next >= s.th {
		s.v = s.reset
		train[idx>>6] |= 1 << (idx & 63)
	} else {
		s.v = next
	}
}

// DenseCounts sets counts[j] = Σ_i popcount(x_i AND w_{j,i}) over streams of
// `words` words: the rate-domain dot products of a dense SC layer. x holds
// nIn streams, w holds len(counts)·nIn streams (neuron-major).
func DenseCounts(p *Pool, counts []int32, x, w []uint64, nIn, words int) {
	dc := denseCountsPool.Get().(*denseCounts)
	*dc = denseCounts{counts: counts, x: x, w: w, nIn: nIn, words: words}
	p.Run(dc, len(counts), 1)
	*dc = denseCounts{}
	denseCountsPool.Put(dc)
}

// denseCountsPool recycles the Ranger of DenseCounts so steady-state calls
// do not allocate.
var denseCountsPool = sync.Pool{New: func() any { return new(denseCounts) }}

type denseCounts struct {
	counts     []int32
	x, w       []uint64
	nIn, words int
}

func (d *denseCounts) Range(lo, hi int) {
	n := d.nIn * d.words
	for j := lo; j < hi; j++ {
		d.counts[j] = int32(AndPopcount(d.x[:n], d.w[j*n:(j+1)*n]))
	}
}
