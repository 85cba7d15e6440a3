package sim

import (
	"fmt"

	"scc/fixed"
	"scc/ir"
)

// Fixed runs a fixed-phase step function bit-true.
type Fixed struct {
	F     *ir.Func
	State []int64 // committed raw state words, indexed like F.States
	Spike bool    // spike output of the last step
	Steps int     // steps taken since Reset

	vals  []int64
	order []*ir.Value
}

// NewFixed prepares f (which must be fixed phase and verified) for
// simulation and resets it.
func NewFixed(f *ir.Func) (*Fixed, error) {
	if err := ir.VerifyFunc(f, ir.Fixed); err != nil {
		return nil, fmt.Errorf("sim: %v", err)
	}
	m := &Fixed{F: f, State: make([]int64, len(f.States)), vals: make([]int64, f.NumValues())}
	for _, b := range f.Blocks {
		m.order = append(m.order, b.Values...)
	}
	if f.Generic() {
		if err := m.SetParams(f.ParamDefaults()); err != nil {
			return nil, fmt.Errorf("sim: %v", err)
		}
	}
	m.Reset()
	return m, nil
}

// SetParams gives a generic Func's neuron its own parameter values
// (indexed like F.Params): its coef words are computed from them
// (ir.ParamWords) with no recompilation. A value outside the range the
// Func was compiled for is an error, and the words stay as they were.
func (m *Fixed) SetParams(vals []float64) error {
	words, err := ir.ParamWords(m.F, vals)
	if err != nil {
		return err
	}
	for _, v := range m.order {
		if v.Op == ir.OpCoef {
			m.vals[v.ID] = words[v.ID]
		}
	}
	return nil
}

// Reset loads every state with its initial word and clears the spike, as
// the hardware's asynchronous reset does.
func (m *Fixed) Reset() {
	for i, s := range m.F.States {
		m.State[i] = s.InitRaw
	}
	m.Spike = false
	m.Steps = 0
}

// AssertError reports a user assertion that failed during a step.
type AssertError struct {
	Step  int
	Value *ir.Value
}

func (e *AssertError) Error() string {
	return fmt.Sprintf("%v: assertion failed at step %d", e.Value.Pos, e.Step)
}

// Step advances one step with the raw input words in (indexed like
// F.Inputs). The state and spike are committed even when an assertion
// fails; the failure is returned as *AssertError.
func (m *Fixed) Step(in []int64) error {
	var failed *ir.Value
	spike := false
	for _, v := range m.order {
		a := func(i int) int64 { return m.vals[v.Args[i].ID] }
		var r int64
		switch v.Op {
		case ir.OpConst:
			r = v.AuxInt
		case ir.OpState:
			r = m.State[v.AuxInt]
		case ir.OpInput:
			r = in[v.AuxInt]
		case ir.OpCoef:
			r = m.vals[v.ID] // this neuron's word (SetParams)
		case ir.OpAdd:
			r = fixed.Add(a(0), v.Args[0].Type.Fmt, a(1), v.Args[1].Type.Fmt, v.Type.Fmt)
		case ir.OpSub:
			r = fixed.Sub(a(0), v.Args[0].Type.Fmt, a(1), v.Args[1].Type.Fmt, v.Type.Fmt)
		case ir.OpMul:
			r = fixed.WrapTo(int64(uint64(a(0))*uint64(a(1))), v.Type.Fmt)
		case ir.OpNeg:
			r = fixed.WrapTo(int64(-uint64(a(0))), v.Type.Fmt)
		case ir.OpDiv:
			r = fixed.Div(a(0), v.Args[0].Type.Fmt, a(1), v.Args[1].Type.Fmt, v.Type.Fmt)
		case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
			r = b2i(compare(v.Op, cmpFixed(a(0), v.Args[0].Type, a(1), v.Args[1].Type)))
		case ir.OpAnd:
			r = a(0) & a(1)
		case ir.OpOr:
			r = a(0) | a(1)
		case ir.OpNot:
			r = 1 - a(0)
		case ir.OpSelect:
			if a(0) != 0 {
				r = a(1)
			} else {
				r = a(2)
			}
		case ir.OpCast:
			r = fixed.Cast(a(0), v.Args[0].Type.Fmt, v.Type.Fmt, v.Round, v.Overflow)
		case ir.OpTable:
			r = v.Table.Eval(a(0))
		case ir.OpNext:
			r = a(0)
		case ir.OpSpike:
			spike = a(0) != 0
		case ir.OpAssert:
			if a(0) == 0 && failed == nil {
				failed = v
			}
		default:
			panic(fmt.Sprintf("sim: op %v in fixed phase: %s", v.Op, v.LongString()))
		}
		m.vals[v.ID] = r
	}
	for _, v := range m.order {
		if v.Op == ir.OpNext {
			m.State[v.AuxInt] = m.vals[v.ID] // committed after every value is computed
		}
	}
	m.Spike = spike
	m.Steps++
	if failed != nil {
		return &AssertError{Step: m.Steps, Value: failed}
	}
	return nil
}

// Value returns the raw result of v in the last step (for traces and VCDs).
func (m *Fixed) Value(v *ir.Value) int64 { return m.vals[v.ID] }

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// cmpFixed compares two raw words exactly (fixed.Compare); bool operands
// compare as 0/1.
func cmpFixed(x int64, xt ir.Type, y int64, yt ir.Type) int {
	if xt.Kind != ir.KFixed || yt.Kind != ir.KFixed {
		return cmp64(x, y)
	}
	return fixed.Compare(x, xt.Fmt, y, yt.Fmt)
}

func cmp64(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func compare(op ir.Op, c int) bool {
	switch op {
	case ir.OpLt:
		return c < 0
	case ir.OpLe:
		return c <= 0
	case ir.OpGt:
		return c > 0
	case ir.OpGe:
		return c >= 0
	case ir.OpEq:
		return c == 0
	}
	return c != 0
}
