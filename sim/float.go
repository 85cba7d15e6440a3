package sim

import (
	"fmt"
	"math"

	"scc/ir"
)

// Float runs a real-phase step function in float64: the model as written,
// before quantization.
type Float struct {
	F     *ir.Func
	State []float64
	Spike bool
	Steps int

	vals  []float64
	order []*ir.Value
}

// NewFloat prepares the real-phase function f for simulation and resets it.
func NewFloat(f *ir.Func) (*Float, error) {
	if err := ir.VerifyFunc(f, ir.Real); err != nil {
		return nil, fmt.Errorf("sim: %v", err)
	}
	m := &Float{F: f, State: make([]float64, len(f.States)), vals: make([]float64, f.NumValues())}
	for _, b := range f.Blocks {
		m.order = append(m.order, b.Values...)
	}
	for _, v := range m.order {
		if v.Op == ir.OpCall {
			if _, ok := funcs[v.AuxName]; !ok {
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

var funcs = map[string]func(a []float64) float64{
	"exp":     func(a []float64) float64 { return math.Exp(a[0]) },
	"log":     func(a []float64) float64 { return math.Log(a[0]) },
	"sqrt":    func(a []float64) float64 { return math.Sqrt(a[0]) },
	"tanh":    func(a []float64) float64 { return math.Tanh(a[0]) },
	"sigmoid": func(a []float64) float64 { return 1 / (1 + math.Exp(-a[0])) },
	"sin":     func(a []float64) float64 { return math.Sin(a[0]) },
	"cos":     func(a []float64) float64 { return math.Cos(a[0]) },
	"pow":     func(a []float64) float64 { return math.Pow(a[0], a[1]) },
	"abs":     func(a []float64) float64 { return math.Abs(a[0]) },
}

// Step advances one step with inputs in (real units, indexed like F.Inputs).
func (m *Float) Step(in []float64) error {
	var failed *ir.Value
	spike := false
	var args [4]float64
	for _, v := range m.order {
		a := func(i int) float64 { return m.vals[v.Args[i].ID] }
		var r float64
		switch v.Op {
		case ir.OpConst:
			if v.Type.Kind == ir.KBool {
				r = float64(v.AuxInt)
			} else {
				r = v.AuxFloat
			}
		case ir.OpState:
			r = m.State[v.AuxInt]
		case ir.OpInput:
			r = in[v.AuxInt]
		case ir.OpAdd:
			r = a(0) + a(1)
		case ir.OpSub:
			r = a(0) - a(1)
		case ir.OpMul:
			r = a(0) * a(1)
		case ir.OpNeg:
			r = -a(0)
		case ir.OpDiv:
			r = a(0) / a(1)
		case ir.OpLt:
			r = f2b(a(0) < a(1))
		case ir.OpLe:
			r = f2b(a(0) <= a(1))
		case ir.OpGt:
			r = f2b(a(0) > a(1))
		case ir.OpGe:
			r = f2b(a(0) >= a(1))
		case ir.OpEq:
			r = f2b(a(0) == a(1))
		case ir.OpNe:
			r = f2b(a(0) != a(1))
		case ir.OpAnd:
			r = f2b(a(0) != 0 && a(1) != 0)
		case ir.OpOr:
			r = f2b(a(0) != 0 || a(1) != 0)
		case ir.OpNot:
			r = f2b(a(0) == 0)
		case ir.OpSelect:
			if a(0) != 0 {
				r = a(1)
			} else {
				r = a(2)
			}
		case ir.OpCall:
			n := 0
			for i := range v.Args {
				if i < len(args) {
					args[i] = a(i)
					n++
				}
			}
			r = funcs[v.AuxName](args[:n])
		case ir.OpFit, ir.OpNext:
			r = a(0)
		case ir.OpSpike:
			spike = a(0) != 0
		case ir.OpAssert:
			if a(0) == 0 && failed == nil {
				failed = v
			}
		default:
			panic(fmt.Sprintf("sim: op %v in real phase: %s", v.Op, v.LongString()))
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

func f2b(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
