package irgen

import (
	"math"
	"math/rand/v2"

	"scc/lang"
)

// Random values of a network instance (DESIGN §4.1 rule 6). There is one
// generator, PCG from math/rand/v2, seeded per distribution with the
// user's seed and a fixed per-purpose stream constant:
//
//	rand.New(rand.NewPCG(seed, stream))
//
// with stream streamNeuron for per-neuron parameters and initial states,
// streamConn for a connector's choices, streamWeight for per-synapse
// weights and streamDelay for per-synapse delays. Each distribution (each
// `uniform(...)`, `normal(...)`, `random(...)`, `fixed_indegree(...)` in
// the source) starts its own generator, so one's draws never depend on
// another's. The draws, in order:
//
//   - per-neuron values, neuron 0, 1, …, one draw each: uniform(a, b) is
//     a + (b-a)·Float64() (the largest float64 below b should rounding
//     reach b), normal(m, s) is m + s·NormFloat64();
//   - per-synapse weights, one draw per synapse in synapse order (ascending
//     pre, then post), the same formulas;
//   - per-synapse delays, one IntN per synapse in synapse order:
//     uniform(a, b) steps is a + IntN(b-a+1) (a..b inclusive);
//   - random(p): for each pre i ascending, each post j ascending, one
//     Float64(); the pair is a synapse iff the draw is < p. A self pair
//     (same population, same neuron) of a connector with AllowSelf false
//     is skipped without a draw;
//   - fixed_indegree(k): for each post j ascending, a partial
//     Fisher–Yates shuffle of the candidate pre list (ascending indices of
//     the pre slice, j itself removed when self pairs are excluded): for
//     s = 0..k-1, swap s with s + IntN(n-s); the first k are j's pre
//     neurons. The list starts ascending for every post.
//
// The checker requires every seed to be written. Constants and files draw
// nothing.
const (
	streamNeuron uint64 = 0x6e6575726f6e // "neuron"
	streamConn   uint64 = 0x636f6e6e     // "conn"
	streamWeight uint64 = 0x776569676874 // "weight"
	streamDelay  uint64 = 0x64656c6179   // "delay"
)

func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// draw fills n values from a constant or a seeded distribution (file and
// column values are the caller's); a value that overflows float64 is an
// error at d.
func draw(d lang.Dist, n int, stream uint64) ([]float64, error) {
	if d.Kind == lang.DistUniform && math.IsInf(d.B-d.A, 0) {
		return nil, lang.Errorf(d.Pos, msgNotFinite, "b - a = "+fmtNum(d.B-d.A))
	}
	out := drawValues(d, n, stream)
	for _, v := range out {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, lang.Errorf(d.Pos, msgNotFinite, "a value is "+fmtNum(v))
		}
	}
	return out, nil
}

func drawValues(d lang.Dist, n int, stream uint64) []float64 {
	out := make([]float64, n)
	switch d.Kind {
	case lang.DistConst:
		for i := range out {
			out[i] = d.Value
		}
	case lang.DistUniform:
		r := newRand(d.Seed, stream)
		for i := range out {
			v := d.A + (d.B-d.A)*r.Float64()
			if v >= d.B && d.B > d.A {
				v = math.Nextafter(d.B, d.A)
			}
			out[i] = v
		}
	case lang.DistNormal:
		r := newRand(d.Seed, stream)
		for i := range out {
			out[i] = d.A + d.B*r.NormFloat64()
		}
	}
	return out
}

// neuronValues returns the n per-neuron values of d (what names one row of
// a file: "neuron") and where value i comes from: its field in the file,
// or d's source position.
func (l *netLowerer) neuronValues(d lang.Dist, pos lang.Pos, n int, what string) ([]float64, func(int) lang.Pos, error) {
	at := func(int) lang.Pos { return pos }
	switch d.Kind {
	case lang.DistFile:
		t, err := l.files.table(d.File, d.Pos)
		if err != nil {
			return nil, nil, err
		}
		vals, err := t.values(d.Column, n, what)
		if err != nil {
			return nil, nil, err
		}
		c, _ := t.pick(d.Column, 1)
		return vals, func(i int) lang.Pos { return t.pos(i, c) }, nil
	case lang.DistColumn:
		return nil, nil, lang.Errorf(d.Pos, msgDistColumn, d.Column)
	}
	vals, err := draw(d, n, streamNeuron)
	return vals, at, err
}

// synValues returns the n per-synapse values of d; col holds the values of
// a sparse file's column (nil when the projection has none).
func (l *netLowerer) synValues(d lang.Dist, n int, col []float64) ([]float64, error) {
	switch d.Kind {
	case lang.DistColumn:
		if col == nil {
			return nil, lang.Errorf(d.Pos, msgDistColumn, d.Column)
		}
		return col, nil
	case lang.DistFile:
		t, err := l.files.table(d.File, d.Pos)
		if err != nil {
			return nil, err
		}
		return t.values(d.Column, n, "synapse")
	}
	return draw(d, n, streamWeight)
}

// delays returns the n per-synapse delays (steps ≥ 1) of d; col holds the
// synapses with a sparse file's delay column (nil when it has none: then a DistColumn's
// Value, the checker's default, is every delay). File and column values
// are steps, or times in ms when d.Dim is not dimensionless, which must be
// multiples of dt (relative 1e-9). A Dist the checker left unset (no
// position, constant 0) is the default delay of 1 step.
func (l *netLowerer) delays(d lang.Dist, n int, col []syn, dt float64) ([]int32, error) {
	out := make([]int32, n)
	whole := func(v float64) bool { return v == math.Trunc(v) && v >= 1 && v <= math.MaxInt32 }
	steps := func(v float64) (float64, bool) {
		if d.Dim.IsDimensionless() {
			return v, whole(v)
		}
		k := math.Round(v / dt)
		return k, math.Abs(v/dt-k) <= 1e-9*max(1, math.Abs(k)) && whole(k)
	}
	switch d.Kind {
	case lang.DistConst:
		v := d.Value
		if !d.Pos.IsValid() && v == 0 {
			v = 1
		}
		if !whole(v) {
			return nil, lang.Errorf(d.Pos, msgDelaySteps, fmtNum(v))
		}
		for i := range out {
			out[i] = int32(v)
		}
	case lang.DistUniform:
		if !whole(d.A) || !whole(d.B) || d.B < d.A {
			return nil, lang.Errorf(d.Pos, msgDelaySteps, fmtNum(d.A)+".."+fmtNum(d.B))
		}
		r := newRand(d.Seed, streamDelay)
		span := int(d.B-d.A) + 1
		for i := range out {
			out[i] = int32(int(d.A) + r.IntN(span))
		}
	case lang.DistFile:
		t, err := l.files.table(d.File, d.Pos)
		if err != nil {
			return nil, err
		}
		vals, err := t.values(d.Column, n, "synapse")
		if err != nil {
			return nil, err
		}
		c, _ := t.pick(d.Column, 1)
		for i, v := range vals {
			k, ok := steps(v)
			if !ok {
				return nil, lang.Errorf(t.pos(i, c), msgDelayValue, fmtNum(v), fmtNum(dt))
			}
			out[i] = int32(k)
		}
	case lang.DistColumn:
		if col == nil {
			if !whole(d.Value) {
				return nil, lang.Errorf(d.Pos, msgDistColumn, d.Column)
			}
			for i := range out {
				out[i] = int32(d.Value)
			}
			break
		}
		for i, s := range col {
			k, ok := steps(s.delay)
			if !ok {
				return nil, lang.Errorf(s.dpos, msgDelayValue, fmtNum(s.delay), fmtNum(dt))
			}
			out[i] = int32(k)
		}
	default:
		return nil, lang.Errorf(d.Pos, msgDelayDist)
	}
	return out, nil
}
