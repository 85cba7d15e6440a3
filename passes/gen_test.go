package passes

import (
	"fmt"
	"math"
	"math/big"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// byteSource turns fuzz bytes into choices; past the end it yields zeros,
// which always pick the smallest alternative so generation terminates.
type byteSource struct {
	data []byte
	i    int
}

func (s *byteSource) intn(n int) int {
	if n <= 1 || s.i >= len(s.data) {
		return 0
	}
	b := s.data[s.i]
	s.i++
	return int(b) % n
}

// constPalette holds constants that exercise coefficients, integers,
// zero/one identities, values that do not fit q4.4 and tiny magnitudes.
var constPalette = []float64{0, 1, -1, 2, 0.5, -0.25, 0.005, 3.75, -7, 20, 0.1, 1000, 1e-9, 65}

// genConfig limits the random functions.
type genConfig struct {
	states, inputs int  // maximum counts (at least one state)
	depth          int  // expression depth
	calls          bool // allow nonlinear calls (quantize rejects them)
	divs           bool // allow division
	params         bool // read parameters: p0, p1 ranged, p2 a single value
}

type gen struct {
	s   *byteSource
	f   *ir.Func
	b   *ir.Block
	cfg genConfig
	pos int
}

func (g *gen) p() lang.Pos {
	g.pos++
	return lang.Pos{Line: g.pos, Col: 1}
}

// genModule builds a real-phase module with one function whose states are
// committed from random expression trees over states, inputs and constants.
func genModule(data []byte, ft fixed.Format, cfg genConfig) *ir.Module {
	g := &gen{s: &byteSource{data: data}, cfg: cfg}
	f := ir.NewFunc("R", lang.Pos{Line: 1, Col: 1})
	f.Dt, f.Format = 0.1, ft
	if g.s.intn(4) == 0 {
		f.Overflow = fixed.Wrap
	}
	f.Round = fixed.Round(g.s.intn(4))
	g.f, g.b = f, f.Entry()
	ns := 1 + g.s.intn(cfg.states)
	for i := 0; i < ns; i++ {
		st := &ir.State{Name: fmt.Sprintf("s%d", i), Pos: g.p(), Type: ir.F64, Init: constPalette[g.s.intn(5)]}
		if g.s.intn(3) == 0 {
			st.Range = &ir.Range{Lo: -2, Hi: 3}
		}
		f.States = append(f.States, st)
	}
	if cfg.params {
		f.Params = []*ir.Param{
			{Name: "p0", Pos: g.p(), Value: 1, Range: &ir.Range{Lo: 0.5, Hi: 2}},
			{Name: "p1", Pos: g.p(), Value: -0.25, Range: &ir.Range{Lo: -1, Hi: 1}},
			{Name: "p2", Pos: g.p(), Value: 0.1},
		}
	}
	for i := g.s.intn(cfg.inputs + 1); i > 0; i-- {
		f.Inputs = append(f.Inputs, &ir.Input{Name: fmt.Sprintf("i%d", len(f.Inputs)), Pos: g.p(), Type: ir.F64})
	}
	for i := range f.States {
		e := g.expr(cfg.depth)
		fit := g.b.NewValue(g.p(), ir.OpFit, ir.F64, e)
		fit.AuxInt = int64(i)
		n := g.b.NewValue(g.p(), ir.OpNext, ir.Void, fit)
		n.AuxInt = int64(i)
	}
	if g.s.intn(2) == 0 {
		g.b.NewValue(g.p(), ir.OpSpike, ir.Void, g.cond(cfg.depth-1))
	}
	return &ir.Module{File: "gen.snn", Phase: ir.Real, Funcs: []*ir.Func{f}}
}

func (g *gen) expr(depth int) *ir.Value {
	k := 3
	if depth > 0 {
		k = 10
	}
	switch g.s.intn(k) {
	case 0:
		v := g.b.NewValue(g.p(), ir.OpState, ir.F64)
		v.AuxInt = int64(g.s.intn(len(g.f.States)))
		return v
	case 1:
		if len(g.f.Inputs) > 0 {
			v := g.b.NewValue(g.p(), ir.OpInput, ir.F64)
			v.AuxInt = int64(g.s.intn(len(g.f.Inputs)))
			return v
		}
		fallthrough
	case 2:
		if len(g.f.Params) > 0 && g.s.intn(2) == 0 {
			v := g.b.NewValue(g.p(), ir.OpParam, ir.F64)
			v.AuxInt = int64(g.s.intn(len(g.f.Params)))
			return v
		}
		v := g.b.NewValue(g.p(), ir.OpConst, ir.F64)
		v.AuxFloat = constPalette[g.s.intn(len(constPalette))]
		return v
	case 3, 4:
		a, b := g.expr(depth-1), g.expr(depth-1)
		return g.b.NewValue(g.p(), []ir.Op{ir.OpAdd, ir.OpSub}[g.s.intn(2)], ir.F64, a, b)
	case 5, 6:
		a, b := g.expr(depth-1), g.expr(depth-1)
		return g.b.NewValue(g.p(), ir.OpMul, ir.F64, a, b)
	case 7:
		return g.b.NewValue(g.p(), ir.OpNeg, ir.F64, g.expr(depth-1))
	case 8:
		c := g.cond(depth - 1)
		a, b := g.expr(depth-1), g.expr(depth-1)
		return g.b.NewValue(g.p(), ir.OpSelect, ir.F64, c, a, b)
	default:
		if g.cfg.divs && g.s.intn(2) == 0 {
			a, b := g.expr(depth-1), g.expr(depth-1)
			return g.b.NewValue(g.p(), ir.OpDiv, ir.F64, a, b)
		}
		if g.cfg.calls {
			v := g.b.NewValue(g.p(), ir.OpCall, ir.F64, g.expr(depth-1))
			v.AuxName = []string{"exp", "tanh", "sqrt"}[g.s.intn(3)]
			return v
		}
		a := g.expr(depth - 1)
		return g.b.NewValue(g.p(), ir.OpAdd, ir.F64, a, a)
	}
}

func (g *gen) cond(depth int) *ir.Value {
	switch g.s.intn(4) {
	case 0:
		v := g.b.NewValue(g.p(), ir.OpConst, ir.Bool)
		v.AuxInt = int64(g.s.intn(2))
		return v
	case 1:
		if depth > 0 {
			a, b := g.cond(depth-1), g.cond(depth-1)
			return g.b.NewValue(g.p(), []ir.Op{ir.OpAnd, ir.OpOr}[g.s.intn(2)], ir.Bool, a, b)
		}
	case 2:
		if depth > 0 {
			return g.b.NewValue(g.p(), ir.OpNot, ir.Bool, g.cond(depth-1))
		}
	}
	a, b := g.expr(max(depth, 0)), g.expr(max(depth, 0))
	return g.b.NewValue(g.p(), ir.OpLt+ir.Op(g.s.intn(6)), ir.Bool, a, b)
}

// evalFixed evaluates a fixed-phase function exactly, independently of
// sim: every op is computed on big integers by its definition in
// ir/op.go, using fixed only for casts and division. It returns the raw
// value of every value by ID and reports, through bad, each value whose
// exact result does not fit its type (a wrap the types should prevent) and
// each wrap cast whose rounded operand does not fit its result.
func evalFixed(f *ir.Func, states, inputs []int64, bad func(v *ir.Value, exact *big.Int)) []int64 {
	raw := make([]int64, f.NumValues())
	for _, v := range f.Entry().Values {
		at := func(i int) int64 { return raw[v.Args[i].ID] }
		frac := func(i int) int { return v.Args[i].Type.Fmt.Frac }
		aligned := func(i, to int) *big.Int {
			return new(big.Int).Lsh(big.NewInt(at(i)), uint(to-frac(i)))
		}
		var exact *big.Int
		switch v.Op {
		case ir.OpConst:
			raw[v.ID] = v.AuxInt
		case ir.OpState:
			raw[v.ID] = states[v.AuxInt]
		case ir.OpInput:
			raw[v.ID] = inputs[v.AuxInt]
		case ir.OpAdd:
			r := v.Type.Fmt.Frac
			exact = new(big.Int).Add(aligned(0, r), aligned(1, r))
		case ir.OpSub:
			r := v.Type.Fmt.Frac
			exact = new(big.Int).Sub(aligned(0, r), aligned(1, r))
		case ir.OpMul:
			exact = new(big.Int).Mul(big.NewInt(at(0)), big.NewInt(at(1)))
		case ir.OpNeg:
			exact = new(big.Int).Neg(big.NewInt(at(0)))
		case ir.OpDiv:
			raw[v.ID] = fixed.Div(at(0), v.Args[0].Type.Fmt, at(1), v.Args[1].Type.Fmt, v.Type.Fmt)
		case ir.OpCast:
			from, to := v.Args[0].Type.Fmt, v.Type.Fmt
			if v.Overflow == fixed.Wrap {
				var r *big.Int
				if s := from.Frac - to.Frac; s >= 0 {
					r = big.NewInt(fixed.ShiftRight(at(0), s, v.Round))
				} else {
					r = aligned(0, to.Frac)
				}
				if !r.IsInt64() || !to.Contains(r.Int64()) {
					bad(v, r)
				}
			}
			raw[v.ID] = fixed.Cast(at(0), from, to, v.Round, v.Overflow)
		case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
			var c int
			if v.Args[0].Type == ir.Bool {
				c = big.NewInt(at(0)).Cmp(big.NewInt(at(1)))
			} else {
				r := max(frac(0), frac(1))
				c = aligned(0, r).Cmp(aligned(1, r))
			}
			raw[v.ID] = b2i([]bool{c < 0, c <= 0, c > 0, c >= 0, c == 0, c != 0}[v.Op-ir.OpLt])
		case ir.OpAnd:
			raw[v.ID] = at(0) & at(1)
		case ir.OpOr:
			raw[v.ID] = at(0) | at(1)
		case ir.OpNot:
			raw[v.ID] = 1 - at(0)
		case ir.OpSelect:
			if at(0) != 0 {
				raw[v.ID] = at(1)
			} else {
				raw[v.ID] = at(2)
			}
		}
		if exact != nil {
			if !exact.IsInt64() || !v.Type.Fmt.Contains(exact.Int64()) {
				bad(v, exact)
				raw[v.ID] = fixed.WrapTo(exact.Int64(), v.Type.Fmt)
			} else {
				raw[v.ID] = exact.Int64()
			}
		}
	}
	return raw
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// evalReal evaluates a real-phase function in float64 by value ID; fit
// saturates or wraps into the state format like the commit will.
func evalRealFunc(f *ir.Func, states, inputs []float64) []float64 {
	x := make([]float64, f.NumValues())
	for _, v := range f.Entry().Values {
		at := func(i int) float64 { return x[v.Args[i].ID] }
		switch v.Op {
		case ir.OpConst:
			x[v.ID] = v.AuxFloat
			if v.Type == ir.Bool {
				x[v.ID] = float64(v.AuxInt)
			}
		case ir.OpState:
			x[v.ID] = states[v.AuxInt]
		case ir.OpInput:
			x[v.ID] = inputs[v.AuxInt]
		case ir.OpFit:
			fr := formatRange(f.Format)
			switch y := at(0); {
			case f.Overflow == fixed.Sat:
				x[v.ID] = clamp(y, fr)
			case fr.Contains(y):
				x[v.ID] = y
			default: // wrap modulo the format's span, onto its grid
				ulp := math.Ldexp(1, -f.Format.Frac)
				span := fr.Hi - fr.Lo + ulp
				x[v.ID] = fr.Lo + math.Floor(math.Mod(math.Mod(y-fr.Lo, span)+span, span)/ulp)*ulp
			}
		default:
			x[v.ID], _ = ir.EvalReal(v, at)
		}
	}
	return x
}
