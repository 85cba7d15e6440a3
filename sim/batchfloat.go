package sim

import (
	"fmt"

	"scc/fixed"
	"scc/ir"
)

// BatchFloat runs one real-phase Func for N neurons at once, column-wise.
// Neuron i computes exactly what a Float with the same state, parameters
// and inputs computes, bit for bit: every op is the float64 operation of
// ir.EvalReal, rounded to float64 at each op as the scalar interpreter is.
type BatchFloat struct {
	F     *ir.Func
	N     int
	State [][]float64
	In    [][]float64
	Spike []bool
	Steps int

	prog   []fop
	cols   [][]float64
	own    [][]float64
	param  [][]float64 // per param index: per-neuron values, or nil (uniform)
	commit []fcommit
	fail   *BatchAssertError
	// hoisted: the ops whose value is the same in every neuron (their
	// args are constants, uniform parameters or other such ops) hold it
	// in their own column, computed once by the same kernel; stale after
	// SetParam.
	hoisted bool
}

type fop struct {
	op      ir.Op
	v       *ir.Value
	dst     int
	a, b, c int
	idx     int
	uni     bool                    // value hoisted (uniform over neurons)
	real    func([]float64) float64 // OpCall: the builtin's float64 meaning
}

type fcommit struct {
	state, arg int
	stage      []float64
}

// NewBatchFloat prepares the real-phase f for n neurons with f's default
// parameters and resets it.
func NewBatchFloat(f *ir.Func, n int) (*BatchFloat, error) {
	if err := ir.VerifyFunc(f, ir.Real); err != nil {
		return nil, fmt.Errorf("sim: %v", err)
	}
	m := &BatchFloat{F: f, N: n, Spike: make([]bool, n)}
	for range f.States {
		m.State = append(m.State, make([]float64, n))
	}
	for range f.Inputs {
		m.In = append(m.In, make([]float64, n))
	}
	nv := f.NumValues()
	m.cols = make([][]float64, nv)
	m.own = make([][]float64, nv)
	m.param = make([][]float64, len(f.Params))
	for _, blk := range f.Blocks {
		for _, v := range blk.Values {
			o := fop{op: v.Op, v: v, dst: v.ID, idx: int(v.AuxInt)}
			if len(v.Args) > 0 {
				o.a = v.Args[0].ID
			}
			if len(v.Args) > 1 {
				o.b = v.Args[1].ID
			}
			if len(v.Args) > 2 {
				o.c = v.Args[2].ID
			}
			if !v.Op.Info().Void && v.Op != ir.OpState && v.Op != ir.OpInput {
				m.own[v.ID] = make([]float64, BlockSize)
			}
			switch v.Op {
			case ir.OpConst:
				x, _ := ir.EvalReal(v, nil)
				for i := range m.own[v.ID] {
					m.own[v.ID][i] = x
				}
			case ir.OpParam:
				for i := range m.own[v.ID] {
					m.own[v.ID][i] = f.Params[v.AuxInt].Value
				}
			case ir.OpCall:
				b := fixed.LookupBuiltin(v.AuxName)
				if b == nil || b.Arity != len(v.Args) {
					return nil, fmt.Errorf("%v: sim: unknown function %q", v.Pos, v.AuxName)
				}
				o.real = b.Real // what fixed.Call applies (name and arity checked here)
			case ir.OpNext:
				c := fcommit{state: int(v.AuxInt), arg: o.a}
				a := v.Args[0]
				for a.Op == ir.OpFit { // fit aliases its arg's column
					a = a.Args[0]
				}
				if a.Op == ir.OpState && a.AuxInt == v.AuxInt {
					continue
				}
				if a.Op == ir.OpState {
					c.stage = make([]float64, BlockSize)
				}
				m.commit = append(m.commit, c)
				continue
			case ir.OpState, ir.OpInput, ir.OpFit, ir.OpSpike, ir.OpAssert:
			default:
				if _, ok := ir.EvalReal(v, func(int) float64 { return 0 }); !ok {
					return nil, fmt.Errorf("%v: sim: op %v in real phase", v.Pos, v.Op)
				}
			}
			m.prog = append(m.prog, o)
		}
	}
	m.Reset()
	return m, nil
}

// SetParam gives neuron i the value x of parameter p.
func (m *BatchFloat) SetParam(i, p int, x float64) {
	c := m.param[p]
	if c == nil {
		c = make([]float64, m.N)
		for j := range c {
			c[j] = m.F.Params[p].Value
		}
		m.param[p] = c
		m.hoisted = false
	}
	c[i] = x
}

// hoist finds the ops whose value is uniform over the neurons and fills
// their columns once, running the op's own kernel on one element.
func (m *BatchFloat) hoist() {
	ucol := make([][]float64, len(m.cols))
	for pi := range m.prog {
		o := &m.prog[pi]
		o.uni = false
		switch o.op {
		case ir.OpConst:
			ucol[o.dst] = m.own[o.dst]
		case ir.OpParam:
			if m.param[o.idx] == nil {
				ucol[o.dst] = m.own[o.dst]
			}
		case ir.OpFit:
			ucol[o.dst] = ucol[o.a]
		case ir.OpState, ir.OpInput, ir.OpSpike, ir.OpAssert:
		default:
			all := true
			for _, x := range o.v.Args {
				all = all && ucol[x.ID] != nil
			}
			if !all {
				continue
			}
			r := m.own[o.dst]
			m.apply(o, ucol, r[:1], 1)
			for i := range r {
				r[i] = r[0]
			}
			ucol[o.dst] = r
			o.uni = true
		}
	}
	m.hoisted = true
}

// Reset loads the initial states and clears the spikes.
func (m *BatchFloat) Reset() {
	for s, st := range m.F.States {
		col := m.State[s]
		for i := range col {
			col[i] = st.Init
		}
	}
	clear(m.Spike)
	m.Steps = 0
}

// Step advances every neuron one step with the inputs in In.
func (m *BatchFloat) Step() error { return m.stepN(m.N) }

// stepN is Step on neurons 0..n-1 only (n ≤ N): the rest keep their
// states and spikes.
func (m *BatchFloat) stepN(n int) error {
	m.Steps++
	m.fail = nil
	if !m.hoisted {
		m.hoist()
	}
	for lo := 0; lo < n; lo += BlockSize {
		m.block(lo, min(lo+BlockSize, n))
	}
	if m.fail != nil {
		return m.fail
	}
	return nil
}

func f2b(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (m *BatchFloat) block(lo, hi int) {
	n := hi - lo
	cols := m.cols
	for pi := range m.prog {
		o := &m.prog[pi]
		switch o.op {
		case ir.OpState:
			cols[o.dst] = m.State[o.idx][lo:hi]
			continue
		case ir.OpInput:
			cols[o.dst] = m.In[o.idx][lo:hi]
			continue
		case ir.OpParam:
			if c := m.param[o.idx]; c != nil {
				cols[o.dst] = c[lo:hi]
			} else {
				cols[o.dst] = m.own[o.dst][:n]
			}
			continue
		case ir.OpConst:
			cols[o.dst] = m.own[o.dst][:n]
			continue
		case ir.OpFit:
			cols[o.dst] = cols[o.a][:n]
			continue
		}
		if o.uni {
			cols[o.dst] = m.own[o.dst][:n]
			continue
		}
		switch o.op {
		case ir.OpSpike:
			a := cols[o.a][:n]
			sp := m.Spike[lo:hi]
			for i := range sp {
				sp[i] = a[i] != 0
			}
		case ir.OpAssert:
			if a := cols[o.a][:n]; m.fail == nil {
				for i := range a {
					if a[i] == 0 {
						m.fail = &BatchAssertError{Step: m.Steps, Neuron: lo + i, Value: o.v}
						break
					}
				}
			}
		default:
			m.apply(o, cols, m.own[o.dst], n)
		}
	}
	for _, c := range m.commit {
		if c.stage != nil {
			copy(c.stage[:n], cols[c.arg][:n])
		}
	}
	for _, c := range m.commit {
		src := cols[c.arg][:n]
		if c.stage != nil {
			src = c.stage[:n]
		}
		copy(m.State[c.state][lo:hi], src)
	}
}

// apply runs the pure op o on the first n elements of its arg columns in
// cols, into r (its own column, set as cols[o.dst]).
func (m *BatchFloat) apply(o *fop, cols [][]float64, r []float64, n int) {
	r = r[:n]
	cols[o.dst] = r
	a := cols[o.a][:n]
	var b, c []float64
	if len(o.v.Args) > 1 {
		b = cols[o.b][:n]
	}
	switch o.op {
	case ir.OpAdd:
		for i := range r {
			r[i] = a[i] + b[i]
		}
	case ir.OpSub:
		for i := range r {
			r[i] = a[i] - b[i]
		}
	case ir.OpMul:
		for i := range r {
			r[i] = a[i] * b[i]
		}
	case ir.OpNeg:
		for i := range r {
			r[i] = -a[i]
		}
	case ir.OpDiv:
		for i := range r {
			r[i] = a[i] / b[i]
		}
	case ir.OpLt:
		for i := range r {
			r[i] = f2b(a[i] < b[i])
		}
	case ir.OpLe:
		for i := range r {
			r[i] = f2b(a[i] <= b[i])
		}
	case ir.OpGt:
		for i := range r {
			r[i] = f2b(a[i] > b[i])
		}
	case ir.OpGe:
		for i := range r {
			r[i] = f2b(a[i] >= b[i])
		}
	case ir.OpEq:
		for i := range r {
			r[i] = f2b(a[i] == b[i])
		}
	case ir.OpNe:
		for i := range r {
			r[i] = f2b(a[i] != b[i])
		}
	case ir.OpAnd:
		for i := range r {
			r[i] = f2b(a[i] != 0 && b[i] != 0)
		}
	case ir.OpOr:
		for i := range r {
			r[i] = f2b(a[i] != 0 || b[i] != 0)
		}
	case ir.OpNot:
		for i := range r {
			r[i] = f2b(a[i] == 0)
		}
	case ir.OpSelect:
		c = cols[o.c][:n]
		for i := range r {
			if a[i] != 0 {
				r[i] = b[i]
			} else {
				r[i] = c[i]
			}
		}
	case ir.OpCall:
		var buf [4]float64
		for i := range r {
			args := buf[:0]
			for _, x := range o.v.Args {
				args = append(args, cols[x.ID][i])
			}
			r[i] = o.real(args)
		}
	}
}
