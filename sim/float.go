package sim

import (
	"fmt"

	"scc/fixed"
	"scc/ir"
)

// Float runs a real-phase step function in float64: the model as written,
// before quantization.
type Float struct {
	F *ir.Func
	// Params are the values param ops read (F.Params' defaults after
	// NewFloat): set them to run another parameter set of a generic Func.
	Params []float64
	State  []float64
	Spike  bool
	Steps  int

	vals  []float64
	order []*ir.Value
}

// NewFloat prepares the real-phase function f for simulation and resets it.
func NewFloat(f *ir.Func) (*Float, error) {
	if err := ir.VerifyFunc(f, ir.Real); err != nil {
		return nil, fmt.Errorf("sim: %v", err)
	}
	m := &Float{F: f, State: make([]float64, len(f.States)), vals: make([]float64, f.NumValues())}
	for _, p := range f.Params {
		m.Params = append(m.Params, p.Value)
	}
	for _, b := range f.Blocks {
		m.order = append(m.order, b.Values...)
	}
	for _, v := range m.order {
		if v.Op == ir.OpCall {
			if b := fixed.LookupBuiltin(v.AuxName); b == nil || b.Arity != len(v.Args) {
				return nil, fmt.Errorf("%v: sim: unknown function %q", v.Pos, v.AuxName)
			}
		}
	}
	m.Reset()
	return m, nil
}

// Reset loads the initial state.
func (m *Float) Reset() {
	for i, s := range m.F.States {
		m.State[i] = s.Init
	}
	m.Spike = false
	m.Steps = 0
}

// Step advances one step with inputs in (real units, indexed like F.Inputs).
func (m *Float) Step(in []float64) error {
	var failed *ir.Value
	spike := false
	for _, v := range m.order {
		a := func(i int) float64 { return m.vals[v.Args[i].ID] }
		var r float64
		switch v.Op {
		case ir.OpState:
			r = m.State[v.AuxInt]
		case ir.OpInput:
			r = in[v.AuxInt]
		case ir.OpParam:
			r = m.Params[v.AuxInt]
		case ir.OpFit, ir.OpNext:
			r = a(0)
		case ir.OpSpike:
			spike = a(0) != 0
		case ir.OpAssert:
			if a(0) == 0 && failed == nil {
				failed = v
			}
		default:
			var ok bool
			if r, ok = ir.EvalReal(v, a); !ok {
				panic(fmt.Sprintf("sim: op %v in real phase: %s", v.Op, v.LongString()))
			}
		}
		m.vals[v.ID] = r
	}
	for _, v := range m.order {
		if v.Op == ir.OpNext {
			m.State[v.AuxInt] = m.vals[v.ID]
		}
	}
	m.Spike = spike
	m.Steps++
	if failed != nil {
		return &AssertError{Step: m.Steps, Value: failed}
	}
	return nil
}

// RunStimulus runs the real-phase f for steps steps from reset on the real
// input values of st: the model as written, its inputs unquantized. The
// trace's In holds the values; Inputs holds them encoded in f.Format
// (saturated) for the VCD writer.
func RunStimulus(f *ir.Func, st Stimulus, steps int) (*Trace, error) {
	m, err := NewFloat(f)
	if err != nil {
		return nil, err
	}
	t := &Trace{F: f, In: [][]float64{}}
	var first error
	for s := 0; s < steps; s++ {
		x := make([]float64, len(f.Inputs))
		st.Values(s, x)
		if err := m.Step(x); err != nil && first == nil {
			first = err
		}
		raw := make([]int64, len(x))
		for i, v := range x {
			raw[i] = EncodeValue(f, i, v)
		}
		t.In = append(t.In, x)
		t.Inputs = append(t.Inputs, raw)
		t.Real = append(t.Real, append([]float64(nil), m.State...))
		t.Spikes = append(t.Spikes, m.Spike)
	}
	return t, first
}
