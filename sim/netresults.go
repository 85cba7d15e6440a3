package sim

import "math"

// Results of a network run. Populations are numbered in ir.Net order
// (PopIndex maps names).

// PopIndex returns the number of the population named name, or -1.
func (s *Net) PopIndex(name string) int {
	if i, ok := s.popIdx[name]; ok {
		return i
	}
	return -1
}

// Spikes returns the neurons of population p that spiked in the last
// step, ascending. The slice is reused by the next Step.
func (s *Net) Spikes(p int) []int32 { return s.pops[p].list }

// Count returns the number of spikes population p emitted since Reset.
func (s *Net) Count(p int) int64 { return s.pops[p].count }

// Rate returns population p's mean rate since Reset in Hz (spikes per
// neuron per second; dt in ms).
func (s *Net) Rate(p int) float64 {
	np := s.pops[p]
	if s.t == 0 || np.p.Size == 0 {
		return 0
	}
	return float64(np.count) / float64(np.p.Size) / (float64(s.t) * s.N.Dt) * 1000
}

// CV returns population p's mean coefficient of variation of the
// inter-spike intervals since Reset: per neuron with at least two
// intervals, σ/μ of its intervals (population σ), averaged over those
// neurons; NaN when no neuron has two intervals.
func (s *Net) CV(p int) float64 {
	np := s.pops[p]
	sum, n := 0.0, 0
	for i, k := range np.isiN {
		if k < 2 {
			continue
		}
		mu := np.isiS[i] / float64(k)
		v := np.isiS2[i]/float64(k) - mu*mu
		sum += math.Sqrt(max(v, 0)) / mu
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// ISICV returns σ/μ (population σ) of the intervals between the
// ascending spike steps of one neuron, NaN with fewer than two intervals.
func ISICV(steps []int) float64 {
	if len(steps) < 3 {
		return math.NaN()
	}
	n := float64(len(steps) - 1)
	mu := float64(steps[len(steps)-1]-steps[0]) / n
	v := 0.0
	for k := 1; k < len(steps); k++ {
		d := float64(steps[k]-steps[k-1]) - mu
		v += d * d
	}
	return math.Sqrt(v/n) / mu
}

// Saturated returns every port whose gathered input saturated in some
// step since Reset (the sticky flags of §4.1 rule 1), in population then
// port order.
func (s *Net) Saturated() []SatFlag {
	var out []SatFlag
	for _, np := range s.pops {
		for p, b := range np.sat {
			if b {
				out = append(out, SatFlag{Pop: np.p.Name, Port: np.fn.Inputs[p].Name})
			}
		}
	}
	return out
}

// StateWords returns the committed raw words of state st of every neuron
// of population p (fixed phase; nil otherwise). Do not modify.
func (s *Net) StateWords(p, st int) []int64 {
	s.syncState(p, st)
	if bf := s.pops[p].bf; bf != nil {
		return bf.State[st]
	}
	return nil
}

// StateValues returns the committed values of state st of every neuron of
// population p (real phase; nil otherwise). Do not modify.
func (s *Net) StateValues(p, st int) []float64 {
	if bl := s.pops[p].bl; bl != nil {
		return bl.State[st]
	}
	return nil
}

// Weights returns the current weights of projection k (in ir.Net order)
// in the projection's synapse order: raw words in the fixed phase, values
// in the real phase.
func (s *Net) Weights(k int) (words []int64, values []float64) {
	p := s.projs[k]
	pos := make([]int32, p.p.Synapses())
	next := append([]int32(nil), p.rowStart...)
	for i, j := range p.p.PreIdx {
		pos[i] = next[j]
		next[j]++
	}
	for _, c := range pos {
		if p.w != nil {
			words = append(words, p.w[c])
		} else {
			values = append(values, p.wf[c])
		}
	}
	return words, values
}

// Records returns what every ir.Record kept, in ir.Net order.
func (s *Net) Records() []*RecordData { return s.records }

// TraceWords returns the words of the pre (pre) or post trace of rule on
// population pop (fixed phase), nil when there is no such trace.
func (s *Net) TraceWords(rule, pop string, pre bool) []int64 {
	if x := s.findTrace(rule, pop, pre); x != nil {
		return x.x
	}
	return nil
}

// TraceValues is TraceWords in the real phase.
func (s *Net) TraceValues(rule, pop string, pre bool) []float64 {
	if x := s.findTrace(rule, pop, pre); x != nil {
		return x.xf
	}
	return nil
}

func (s *Net) findTrace(rule, pop string, pre bool) *netTrace {
	r := s.N.NetRule(rule)
	if r == nil {
		return nil
	}
	tr := r.Post
	if pre {
		tr = r.Pre
	}
	for _, x := range s.traces {
		if x.tr == tr && x.pop.p.Name == pop && x.pre == pre {
			return x
		}
	}
	return nil
}
