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
	if b.stochastic(odes) {
		for _, i := range odes { // what a refused scheme leaves
			cand[i] = b.root.state(i, m.States[i].Eq.GetPos())
		}
		if b.noiseMethodOK(odes) {
			b.sde(odes, cand)
		}
		return cand
	}
	switch m.Method {
	case lang.Exact:
		for _, i := range odes {
			cand[i] = b.exact(i)
		}
	case lang.ExpEuler:
		for _, i := range odes {
			cand[i] = b.expEuler(i)
		}
	case lang.RK2:
		b.rk(odes, cand, []float64{0.5}, []float64{0, 1})
	case lang.RK4:
		b.rk(odes, cand, []float64{0.5, 0.5, 1}, []float64{1.0 / 6, 2.0 / 6, 2.0 / 6, 1.0 / 6})
	default: // lang.Euler; Brian2's heun and milstein are Euler without noise terms
		for _, i := range odes {
			eq := m.States[i].Eq.(*lang.ODE)
			x := b.root.state(i, eq.Pos)
			cand[i] = b.blk.NewValue(eq.Pos, ir.OpAdd, ir.F64, x, b.scaled(eq.RHS, b.num(m.Dt, eq.RHS.GetPos()), b.root, eq.RHS.GetPos()))
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
		if stage < len(cs) {
			b.bindTime(next, cs[stage]*dt, m.Model.Pos) // Brian2: f(x + c·k, t + c·dt)
		}
		for j, i := range odes {
			eq := eqOf(i)
			if stage < len(cs) {
				// Stage value for the next stage, and this k's share of the sum.
				step := b.scaled(eq.RHS, b.num(cs[stage]*dt, eq.RHS.GetPos()), c, eq.RHS.GetPos())
				next.bind[i] = b.blk.NewValue(eq.Pos, ir.OpAdd, ir.F64, pre(i), step)
				if ws[stage] != 0 {
					add(j, b.mulConst(step, b.num(ws[stage]/cs[stage], eq.Pos), eq.Pos))
				}
				continue
			}
			if ws[stage] != 0 {
				add(j, b.scaled(eq.RHS, b.num(ws[stage]*dt, eq.RHS.GetPos()), c, eq.RHS.GetPos()))
			}
		}
		c = next
	}
	for j, i := range odes {
		cand[i] = b.blk.NewValue(eqOf(i).Pos, ir.OpAdd, ir.F64, pre(i), sums[j])
	}
}

// mulConst returns v·k (v itself when k is the number 1).
func (b *builder) mulConst(v *ir.Value, k sym, pos lang.Pos) *ir.Value {
	if k.pure && k.x == 1 {
		return v
	}
	return b.blk.NewValue(pos, ir.OpMul, ir.F64, v, k.v)
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
	pos := eq.Pos
	dt := b.num(m.Dt, pos)
	if coef.x == 0 {
		return b.blk.NewValue(pos, ir.OpAdd, ir.F64, x, b.scaled(eq.RHS, dt, b.root, eq.RHS.GetPos()))
	}
	e := b.symOp(pos, ir.OpCall, ir.F64, "exp", b.symMul(pos, coef, dt))
	if e.x == 0 || math.IsInf(e.x, 0) || math.IsNaN(e.x) {
		b.errs.Add(pos, msgExactForm, s.Name, s.Name, fmt.Sprintf(msgExactRange, coef.x, m.Dt))
		return x
	}
	zero := b.root.child()
	zero.bind[i] = b.konst(0, pos)
	em1 := b.symOp(pos, ir.OpSub, ir.F64, "", e, b.num(1, pos))
	a := b.scaled(eq.RHS, b.symDiv(pos, em1, coef), zero, eq.RHS.GetPos())
	return b.blk.NewValue(eq.Pos, ir.OpAdd, ir.F64, b.mulConst(x, e, eq.Pos), a)
}

// linear finds the constant coefficient of state x in e (lets expanded).
// dep reports whether e reads x at all; why is non-empty when e is not
// affine in x with a constant coefficient.
func (b *builder) linear(e lang.Expr, x int) (coef sym, dep bool, why string) {
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
	coef sym
	dep  bool
	why  string
}

func (b *builder) linear1(e lang.Expr, x int) (coef sym, dep bool, why string) {
	name := b.m.States[x].Name
	pos := e.GetPos()
	zero := b.num(0, pos)
	switch e := e.(type) {
	case *lang.Ident:
		s := b.m.Lookup(e.Name)
		switch {
		case s.Kind == lang.SymState && s.Index == x:
			return b.num(1, pos), true, ""
		case s.Kind == lang.SymLet && !b.m.Lets[s.Index].Let.StepConstant: // a step-constant let is a value of the step
			return b.linear(b.m.Lets[s.Index].Let.Value, x)
		}
		return zero, false, ""
	case *lang.Number:
		return zero, false, ""
	case *lang.Unary:
		c, d, why := b.linear(e.X, x)
		if e.Op == "-" {
			c = b.symNeg(pos, c)
		}
		if e.Op == "!" && d {
			return zero, true, fmt.Sprintf(msgExactNonLin, name)
		}
		return c, d, why
	case *lang.Binary:
		cx, dx, why := b.linear(e.X, x)
		if why != "" {
			return zero, true, why
		}
		cy, dy, why := b.linear(e.Y, x)
		if why != "" {
			return zero, true, why
		}
		if !dx && !dy {
			return zero, false, ""
		}
		switch e.Op {
		case "+":
			return b.symOp(pos, ir.OpAdd, ir.F64, "", cx, cy), true, ""
		case "-":
			return b.symOp(pos, ir.OpSub, ir.F64, "", cx, cy), true, ""
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
				return zero, true, fmt.Sprintf(msgExactCoef, name)
			}
			return b.symMul(pos, c, k), true, ""
		case "/":
			if dy {
				break
			}
			k, ok := b.fold(e.Y, b.root)
			if !ok || k.x == 0 {
				return zero, true, fmt.Sprintf(msgExactCoef, name)
			}
			return b.symDiv(pos, cx, k), true, ""
		}
		return zero, true, fmt.Sprintf(msgExactNonLin, name)
	case *lang.Call:
		for _, a := range e.Args {
			if _, d, _ := b.linear(a, x); d {
				return zero, true, fmt.Sprintf(msgExactNonLin, name)
			}
		}
		return zero, false, ""
	}
	return zero, false, ""
}
