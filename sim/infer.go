package sim

import (
	"fmt"
	"math"

	"scc/ir"
)

// Inference margins: an inferred range is the observed [lo, hi] widened on
// each side by InferMargin(lo, hi) = max(25% of hi−lo, 5% of max(|lo|, |hi|)),
// and by 1 (canonical unit) when both are 0 (a variable that never moved
// from 0). The margin leaves room for the bit-true model's error and for
// stimuli a little beyond the simulated ones.
const (
	InferSpanMargin = 0.25
	InferMagMargin  = 0.05
)

// InferMargin returns the margin added on each side of an observed range.
func InferMargin(lo, hi float64) float64 {
	m := max(InferSpanMargin*(hi-lo), InferMagMargin*max(math.Abs(lo), math.Abs(hi)))
	if m == 0 {
		m = 1
	}
	return m
}

// InferRanges simulates the real-phase f in float64 for steps steps from
// reset on each stimulus and returns, for every state and input that
// declares no range, the range it took (initial value included) widened by
// InferMargin on each side. Refractory counters are left out (their range
// is known); a Clock state gets [0, steps·dt] (its range over the run);
// a noise input gets [−NoiseClamp, NoiseClamp] without simulating. A state
// that becomes NaN or infinite is an error naming it and the step.
func InferRanges(f *ir.Func, stims []Stimulus, steps int) (map[string]ir.Range, error) {
	type span struct {
		lo, hi float64
		seen   bool
	}
	ss := make([]span, len(f.States))
	is := make([]span, len(f.Inputs))
	see := func(s *span, x float64) {
		if !s.seen {
			s.lo, s.hi, s.seen = x, x, true
			return
		}
		s.lo, s.hi = min(s.lo, x), max(s.hi, x)
	}
	need := false
	for _, s := range f.States {
		need = need || s.Range == nil && !s.Refractory && !s.Clock
	}
	for _, in := range f.Inputs {
		need = need || in.Range == nil && !in.Noise
	}
	if need {
		m, err := NewFloat(f)
		if err != nil {
			return nil, err
		}
		x := make([]float64, len(f.Inputs))
		for k, st := range stims {
			m.Reset()
			for i := range f.States {
				see(&ss[i], m.State[i])
			}
			for step := 0; step < steps; step++ {
				st.Values(step, x)
				for i, v := range x {
					see(&is[i], v)
				}
				_ = m.Step(x) // assertions: the range is what the model does
				for i, v := range m.State {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						if f.States[i].Range == nil {
							return nil, fmt.Errorf("%v: %s becomes %v at step %d of stimulus %d while inferring its range: declare one (in [lo, hi]) or give --range %s=LO:HI", f.States[i].Pos, f.States[i].Name, v, step+1, k+1, f.States[i].Name)
						}
						continue
					}
					see(&ss[i], v)
				}
			}
		}
	}
	widen := func(s span) ir.Range {
		d := InferMargin(s.lo, s.hi)
		return ir.Range{Lo: s.lo - d, Hi: s.hi + d}
	}
	out := map[string]ir.Range{}
	for i, s := range f.States {
		switch {
		case s.Range != nil || s.Refractory:
		case s.Clock:
			out[s.Name] = ir.Range{Lo: 0, Hi: float64(steps) * f.Dt}
		case ss[i].seen:
			out[s.Name] = widen(ss[i])
		}
	}
	for i, in := range f.Inputs {
		switch {
		case in.Range != nil:
		case in.Noise:
			out[in.Name] = ir.Range{Lo: -NoiseClamp, Hi: NoiseClamp}
		case is[i].seen:
			out[in.Name] = widen(is[i])
		}
	}
	return out, nil
}

// SweepLevels is the number of constant levels of DefaultSweep.
const SweepLevels = 5

// DefaultSweep is the stimulus set range inference uses when neither the
// user nor the source gives one: SweepLevels constant stimuli, every input
// held at lo + k·(hi−lo)/4 of its declared range for k = 0…4, then
// random:1 (each input uniform over its range, one draw per step); noise
// inputs draw N(0, 1) with seed 1 throughout. An input with neither a
// declared range nor noise has no scale to sweep: an error naming it.
func DefaultSweep(f *ir.Func) ([]Stimulus, error) {
	var out []Stimulus
	for _, in := range f.Inputs {
		if in.Range == nil && !in.Noise {
			return nil, fmt.Errorf("%v: input %s declares no range and there is no stimulus to infer one from: declare one (in [lo, hi]), give --range %s=LO:HI or a --input", in.Pos, in.Name, in.Name)
		}
	}
	noise := func() []*Noise {
		n := make([]*Noise, len(f.Inputs))
		k := 0
		for i, in := range f.Inputs {
			if in.Noise {
				n[i] = NewNoise(1, k, 0)
				k++
			}
		}
		return n
	}
	for k := 0; k < SweepLevels; k++ {
		s := &realSource{vals: make([]float64, len(f.Inputs)), noise: noise()}
		for i, in := range f.Inputs {
			if !in.Noise {
				s.vals[i] = in.Range.Lo + (in.Range.Hi-in.Range.Lo)*float64(k)/float64(SweepLevels-1)
			}
		}
		out = append(out, s)
	}
	r, err := ParseStimulus(f, "random:1")
	if err != nil {
		return nil, err
	}
	return append(out, r), nil
}
