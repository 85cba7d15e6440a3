package irgen

import (
	"fmt"
	"math"

	"scc/ir"
	"scc/lang"
)

// candidates returns the candidate next value of every state (unfitted):
// the integration scheme applied to ODEs, the right side of maps, the
// pre-step value of held states. Every right side reads pre-step state.
func (b *builder) candidates() []*ir.Value {
	m := b.m
	cand := make([]*ir.Value, len(m.States))
	var odes []int
	for i, s := range m.States {
		switch eq := s.Eq.(type) {
		case *lang.Map:
			cand[i] = b.emit(eq.RHS, b.root)
		case *lang.ODE:
			odes = append(odes, i)
		default:
			cand[i] = b.root.state(i, s.State.Pos)
		}
	}
	switch m.Method {
	case "exact":
		for _, i := range odes {
			cand[i] = b.exact(i)
		}
	case "rk2":
		b.rk(odes, cand, []float64{0.5}, []float64{0, 1})
	case "rk4":
		b.rk(odes, cand, []float64{0.5, 0.5, 1}, []float64{1.0 / 6, 2.0 / 6, 2.0 / 6, 1.0 / 6})
	default:
		for _, i := range odes {
			eq := m.States[i].Eq.(*lang.ODE)
			x := b.root.state(i, eq.Pos)
			cand[i] = b.blk.NewValue(eq.Pos, ir.OpAdd, ir.F64, x, b.scaled(eq.RHS, m.Dt, b.root, eq.RHS.GetPos()))
		}
	}
	return cand
}

// rk expands an explicit Runge–Kutta scheme whose stage i+1 evaluates the
// right sides at x + c[i]·dt·k_i (every ODE state advanced together) and
// whose result is x + dt·Σ w[i]·k_i. Midpoint: c = [½], w = [0, 1];
// classical RK4: c = [½, ½, 1], w = [⅙, ⅓, ⅓, ⅙].
func (b *builder) rk(odes []int, cand []*ir.Value, cs, ws []float64) {
	m := b.m
	dt := m.Dt
	eqOf := func(i int) *lang.ODE { return m.States[i].Eq.(*lang.ODE) }
	pre := func(i int) *ir.Value { return b.root.state(i, eqOf(i).Pos) }
	sums := make([]*ir.Value, len(odes)) // Σ w·dt·k so far, per ODE
	add := func(j int, v *ir.Value) {
		if sums[j] == nil {
			sums[j] = v
		} else {
			sums[j] = b.blk.NewValue(eqOf(odes[j]).Pos, ir.OpAdd, ir.F64, sums[j], v)
		}
	}
	c := b.root
	for stage := 0; stage < len(ws); stage++ {
		// scaled[j] = dt·k_stage for each ODE, emitted directly with the
		// factor the next use needs, so constants fold.
		next := b.root.child()
		for j, i := range odes {
			eq := eqOf(i)
			if stage < len(cs) {
				// Stage value for the next stage, and this k's share of the sum.
				step := b.scaled(eq.RHS, cs[stage]*dt, c, eq.RHS.GetPos())
				next.bind[i] = b.blk.NewValue(eq.Pos, ir.OpAdd, ir.F64, pre(i), step)
				if ws[stage] != 0 {
					add(j, b.mulConst(step, ws[stage]/cs[stage], eq.Pos))
				}
				continue
			}
			if ws[stage] != 0 {
				add(j, b.scaled(eq.RHS, ws[stage]*dt, c, eq.RHS.GetPos()))
			}
		}
		c = next
	}
	for j, i := range odes {
		cand[i] = b.blk.NewValue(eqOf(i).Pos, ir.OpAdd, ir.F64, pre(i), sums[j])
	}
}

// mulConst returns v·k (v itself when k is 1).
func (b *builder) mulConst(v *ir.Value, k float64, pos lang.Pos) *ir.Value {
	if k == 1 {
		return v
	}
	if v.Op == ir.OpConst && v.Type == ir.F64 {
		return b.konst(v.AuxFloat*k, pos)
	}
	return b.blk.NewValue(pos, ir.OpMul, ir.F64, v, b.konst(k, pos))
}

// exact is exponential Euler for state i: dx/dt = a + b·x with b constant
// steps to x·E + a·(E−1)/b, E = e^(b·dt), where a is the right side with x
// set to 0 (other states and inputs at their pre-step values).
func (b *builder) exact(i int) *ir.Value {
	m := b.m
	s := m.States[i]
	eq := s.Eq.(*lang.ODE)
	coef, _, why := b.linear(eq.RHS, i)
	if why != "" {
		b.errs.Add(eq.Pos, msgExactForm, s.Name, s.Name, why)
		return b.root.state(i, eq.Pos)
	}
	x := b.root.state(i, eq.Pos)
	if coef == 0 {
		return b.blk.NewValue(eq.Pos, ir.OpAdd, ir.F64, x, b.scaled(eq.RHS, m.Dt, b.root, eq.RHS.GetPos()))
	}
	e := math.Exp(coef * m.Dt)
	if e == 0 || math.IsInf(e, 0) || math.IsNaN(e) {
		b.errs.Add(eq.Pos, msgExactForm, s.Name, s.Name, fmt.Sprintf(msgExactRange, coef, m.Dt))
		return x
	}
	zero := b.root.child()
	zero.bind[i] = b.konst(0, eq.Pos)
	a := b.scaled(eq.RHS, (e-1)/coef, zero, eq.RHS.GetPos())
	return b.blk.NewValue(eq.Pos, ir.OpAdd, ir.F64, b.mulConst(x, e, eq.Pos), a)
}

// linear finds the constant coefficient of state x in e (lets expanded).
// dep reports whether e reads x at all; why is non-empty when e is not
// affine in x with a constant coefficient.
func (b *builder) linear(e lang.Expr, x int) (coef float64, dep bool, why string) {
	// Lets are expanded: memoize so that lets reading lets stay linear time.
	if r, ok := b.lin[e]; ok && r.x == x {
		return r.coef, r.dep, r.why
	}
	coef, dep, why = b.linear1(e, x)
	b.lin[e] = linResult{x, coef, dep, why}
	return coef, dep, why
}

type linResult struct {
	x    int
	coef float64
	dep  bool
	why  string
}

func (b *builder) linear1(e lang.Expr, x int) (coef float64, dep bool, why string) {
	name := b.m.States[x].Name
	switch e := e.(type) {
	case *lang.Ident:
		s := b.m.Lookup(e.Name)
		switch {
		case s.Kind == lang.SymState && s.Index == x:
			return 1, true, ""
		case s.Kind == lang.SymLet:
			return b.linear(b.m.Lets[s.Index].Let.Value, x)
		}
		return 0, false, ""
	case *lang.Number:
		return 0, false, ""
	case *lang.Unary:
		c, d, why := b.linear(e.X, x)
		if e.Op == "-" {
			c = -c
		}
		if e.Op == "!" && d {
			return 0, true, fmt.Sprintf(msgExactNonLin, name)
		}
		return c, d, why
	case *lang.Binary:
		cx, dx, why := b.linear(e.X, x)
		if why != "" {
			return 0, true, why
		}
		cy, dy, why := b.linear(e.Y, x)
		if why != "" {
			return 0, true, why
		}
		if !dx && !dy {
			return 0, false, ""
		}
		switch e.Op {
		case "+":
			return cx + cy, true, ""
		case "-":
			return cx - cy, true, ""
		case "*":
			if dx && dy {
				break
			}
			other := e.Y
			c := cx
			if dy {
				other, c = e.X, cy
			}
			k, ok := b.fold(other, b.root)
			if !ok {
				return 0, true, fmt.Sprintf(msgExactCoef, name)
			}
			return c * k, true, ""
		case "/":
			if dy {
				break
			}
			k, ok := b.fold(e.Y, b.root)
			if !ok || k == 0 {
				return 0, true, fmt.Sprintf(msgExactCoef, name)
			}
			return cx / k, true, ""
		}
		return 0, true, fmt.Sprintf(msgExactNonLin, name)
	case *lang.Call:
		for _, a := range e.Args {
			if _, d, _ := b.linear(a, x); d {
				return 0, true, fmt.Sprintf(msgExactNonLin, name)
			}
		}
		return 0, false, ""
	}
	return 0, false, ""
}
