package irgen

import (
	"fmt"
	"math"

	"scc/ir"
	"scc/lang"
)

// Brian2's methods (brian2/stateupdaters/explicit.py and
// exponential_euler.py): exponential_euler with state-dependent
// coefficients, and the stochastic schemes euler (Euler–Maruyama), heun
// and milstein. A noise term xi_k is dW_k/dt: each step draws one N(0, 1)
// sample n_k (a noise input) and dW_k = √dt·n_k.

// bindTime binds the time in c to t + off (pre-step t when off is 0, or
// when the model does not read t).
func (b *builder) bindTime(c *ctx, off float64, pos lang.Pos) {
	if b.clock < 0 || off == 0 {
		return
	}
	t := b.root.state(b.timeSlot(), pos)
	c.bind[b.timeSlot()] = b.blk.NewValue(pos, ir.OpAdd, ir.F64, t, b.konst(off, pos))
}

// stochastic reports whether an ODE reads a noise term.
func (b *builder) stochastic(odes []int) bool {
	for _, i := range odes {
		for k := range b.m.Noise {
			if b.readsSlot(b.m.States[i].Eq.(*lang.ODE).RHS, b.noiseSlot(k)) {
				return true
			}
		}
	}
	return false
}

// noiseMethodOK reports whether the method integrates stochastic
// equations; otherwise it reports Brian2's refusal at the first ODE that
// reads noise.
func (b *builder) noiseMethodOK(odes []int) bool {
	switch b.m.Method {
	case lang.Euler, lang.Heun, lang.Milstein:
		return true
	}
	for _, i := range odes {
		eq := b.m.States[i].Eq.(*lang.ODE)
		for k, name := range b.m.Noise {
			if b.readsSlot(eq.RHS, b.noiseSlot(k)) {
				b.errs.Add(eq.Pos, msgNoiseMethod, b.m.Method, eq.Var, name)
				return false
			}
		}
	}
	return false
}

// split writes the right side of ODE i as f + Σ_k g[k]·xi_k (Brian2's
// split_stochastic): f and every g[k] read no noise term; g[k] is nil
// where the right side does not read xi_k, f nil where it is all noise.
func (b *builder) split(i int) (f lang.Expr, g []lang.Expr, ok bool) {
	eq := b.m.States[i].Eq.(*lang.ODE)
	g = make([]lang.Expr, len(b.m.Noise))
	rest := eq.RHS
	for k, name := range b.m.Noise {
		if rest == nil || !b.readsSlot(rest, b.noiseSlot(k)) {
			continue
		}
		p := b.expand(rest, b.noiseSlot(k))
		for _, t := range p {
			// g (power 1) reads no noise term; f (power 0) may still read
			// the next ones, not this one.
			if t.pow != 0 && t.pow != 1 || t.pow == 1 && b.readsNoise(t.coef) || t.pow == 0 && b.readsSlot(t.coef, b.noiseSlot(k)) {
				b.errs.Add(t.term.GetPos(), msgNoiseNonLin, eq.Var, name, lang.FormatExpr(t.term))
				return nil, nil, false
			}
		}
		g[k], rest = p.coef(1), p.coef(0)
	}
	return rest, g, true
}

func (b *builder) readsNoise(e lang.Expr) bool {
	for k := range b.m.Noise {
		if b.readsSlot(e, b.noiseSlot(k)) {
			return true
		}
	}
	return false
}

// sde integrates stochastic ODEs by the method (Brian2's definitions):
//
//	euler:    x' = x + dt·f(x,t) + g(x,t)·dW            (additive noise only)
//	heun:     x_s = x + g(x,t)·dW;  x' = x + dt·f(x,t) + ½·dW·(g(x,t) + g(x_s,t+dt))
//	milstein: x_s = x + dt·f(x,t) + √dt·g(x,t);  x' = x + dt·f(x,t) + g(x,t)·dW
//	          + (g(x_s,t) − g(x,t))·dW²/(2√dt)           (diagonal noise only)
//
// with one support point per noise term (all ODE states advanced together,
// a term an ODE lacks is 0), everything else from pre-step values.
func (b *builder) sde(odes []int, cand []*ir.Value) {
	m := b.m
	dt := m.Dt
	sq := math.Sqrt(dt)
	fs := make([]lang.Expr, len(odes))
	gs := make([][]lang.Expr, len(odes))
	for j, i := range odes {
		f, g, ok := b.split(i)
		if !ok {
			return
		}
		fs[j], gs[j] = f, g
	}
	if !b.noiseShapeOK(odes, gs) {
		return
	}
	eqOf := func(j int) *lang.ODE { return m.States[odes[j]].Eq.(*lang.ODE) }
	pre := func(j int) *ir.Value { return b.root.state(odes[j], eqOf(j).Pos) }
	add := func(pos lang.Pos, x, y *ir.Value) *ir.Value {
		if x == nil {
			return y
		}
		if y == nil {
			return x
		}
		return b.blk.NewValue(pos, ir.OpAdd, ir.F64, x, y)
	}
	mul := func(pos lang.Pos, x, y *ir.Value) *ir.Value { return b.blk.NewValue(pos, ir.OpMul, ir.F64, x, y) }
	noise := make([]*ir.Value, len(m.Noise)) // n_k, the N(0, 1) sample
	dW := make([]*ir.Value, len(m.Noise))
	for k := range m.Noise {
		pos := m.Model.Pos
		noise[k] = b.input(b.noiseIn[k], pos)
		dW[k] = mul(pos, noise[k], b.konst(sq, pos))
	}
	// drift[j] = dt·f_j(x, t); g0[j][k] = g_jk(x, t)
	drift := make([]*ir.Value, len(odes))
	g0 := make([][]*ir.Value, len(odes))
	for j := range odes {
		if fs[j] != nil {
			drift[j] = b.scaled(fs[j], b.num(dt, fs[j].GetPos()), b.root, fs[j].GetPos())
		}
		g0[j] = make([]*ir.Value, len(m.Noise))
		for k, g := range gs[j] {
			if g != nil {
				g0[j][k] = b.emit(g, b.root)
			}
		}
	}
	// next[j] is the increment: x' = x + (dt·f + Σ noise terms), so the
	// small terms add before the state (as Euler's x + dt·f).
	next := make([]*ir.Value, len(odes))
	copy(next, drift)
	for k := range m.Noise {
		used := false
		for j := range odes {
			used = used || gs[j][k] != nil
		}
		if !used {
			continue
		}
		pos := m.Model.Pos
		switch m.Method {
		case lang.Euler:
			for j := range odes {
				if g := gs[j][k]; g != nil {
					p := g.GetPos()
					next[j] = add(eqOf(j).Pos, next[j], mul(p, b.scaled(g, b.num(sq, p), b.root, p), noise[k]))
				}
			}
		case lang.Heun:
			sup := b.root.child()
			for j := range odes {
				if g0[j][k] != nil {
					sup.bind[odes[j]] = add(eqOf(j).Pos, pre(j), mul(pos, g0[j][k], dW[k]))
				}
			}
			b.bindTime(sup, dt, pos)
			for j := range odes {
				if g := gs[j][k]; g != nil {
					p := g.GetPos()
					gsup := b.emit(g, sup)
					sum := b.blk.NewValue(p, ir.OpAdd, ir.F64, g0[j][k], gsup)
					next[j] = add(eqOf(j).Pos, next[j], mul(p, mul(p, sum, noise[k]), b.konst(0.5*sq, p)))
				}
			}
		case lang.Milstein:
			sup := b.root.child()
			for j := range odes {
				x := add(eqOf(j).Pos, pre(j), drift[j])
				if g := gs[j][k]; g != nil {
					p := g.GetPos()
					x = add(eqOf(j).Pos, x, b.scaled(g, b.num(sq, p), b.root, p))
				}
				sup.bind[odes[j]] = x
			}
			for j := range odes {
				if g := gs[j][k]; g != nil {
					p := g.GetPos()
					gsup := b.emit(g, sup)
					diff := b.blk.NewValue(p, ir.OpSub, ir.F64, gsup, g0[j][k])
					n2 := mul(p, noise[k], noise[k])
					corr := mul(p, mul(p, diff, n2), b.konst(sq/2, p)) // dW²/(2√dt) = √dt·n²/2
					next[j] = add(eqOf(j).Pos, next[j], add(p, mul(p, g0[j][k], dW[k]), corr))
				}
			}
		}
	}
	for j, i := range odes {
		cand[i] = pre(j)
		if next[j] != nil {
			cand[i] = b.blk.NewValue(eqOf(j).Pos, ir.OpAdd, ir.F64, pre(j), next[j])
		}
	}
}

// noiseShapeOK checks what Brian2's euler and milstein require: euler
// additive noise (no g reads an ODE state or t), milstein diagonal noise
// (each ODE reads at most one noise term, each term is read by one ODE).
func (b *builder) noiseShapeOK(odes []int, gs [][]lang.Expr) bool {
	m := b.m
	switch m.Method {
	case lang.Euler:
		for j, i := range odes {
			eq := m.States[i].Eq.(*lang.ODE)
			for k, g := range gs[j] {
				if g == nil {
					continue
				}
				if b.clock >= 0 && b.readsSlot(g, b.timeSlot()) {
					b.errs.Add(g.GetPos(), msgNoiseMult, eq.Var, m.Noise[k], "t")
					return false
				}
				for _, i2 := range odes {
					if b.readsSlot(g, i2) {
						b.errs.Add(g.GetPos(), msgNoiseMult, eq.Var, m.Noise[k], m.States[i2].Name)
						return false
					}
				}
			}
		}
	case lang.Milstein:
		user := make([]int, len(m.Noise))
		for k := range user {
			user[k] = -1
		}
		for j, i := range odes {
			eq := m.States[i].Eq.(*lang.ODE)
			first := -1
			for k, g := range gs[j] {
				if g == nil {
					continue
				}
				if first >= 0 {
					b.errs.Add(eq.Pos, msgNoiseDiag, eq.Var, fmt.Sprintf("reads both %s and %s", m.Noise[first], m.Noise[k]))
					return false
				}
				if user[k] >= 0 {
					b.errs.Add(eq.Pos, msgNoiseDiag, eq.Var, fmt.Sprintf("%s is also read by d%s/dt", m.Noise[k], m.States[user[k]].Name))
					return false
				}
				first, user[k] = k, i
			}
		}
	}
	return true
}

// expEuler is Brian2's exponential_euler for state i: the right side,
// expanded, is A·x + B with A and B free of x as a power (they may read x
// inside functions, and read other states: HH gating); then
// x' = −B/A + (x + B/A)·e^(A·dt), and x + dt·B where A is 0 (Brian2's
// exponential_euler.py), emitted as x + dt·f·exprel(A·dt).
func (b *builder) expEuler(i int) *ir.Value {
	m := b.m
	s := m.States[i]
	eq := s.Eq.(*lang.ODE)
	pos := eq.Pos
	x := b.root.state(i, pos)
	p := b.expand(eq.RHS, i)
	if t := p.other(); t != nil {
		b.errs.Add(t.term.GetPos(), msgExpEulerNonLin, s.Name, s.Name, lang.FormatExpr(t.term), s.Name, formatPow(t.pow))
		return x
	}
	A, B := p.coef(1), p.coef(0)
	dt := b.num(m.Dt, pos)
	euler := func() *ir.Value {
		if B == nil {
			return x
		}
		return b.blk.NewValue(pos, ir.OpAdd, ir.F64, x, b.scaled(B, dt, b.root, B.GetPos()))
	}
	if A == nil {
		if B != nil && b.readsSlot(B, i) {
			// sympy's collect finds no linear term: Brian2 refuses.
			b.errs.Add(eq.RHS.GetPos(), msgExpEulerNoLin, s.Name, s.Name)
			return x
		}
		return euler()
	}
	// x' = −B/A + (x + B/A)·e^(A·dt) = x + dt·(A·x + B)·φ(A·dt) with
	// φ(z) = (e^z − 1)/z (Brian2's exprel): the right side as written, by
	// a factor in (0, 1] for A ≤ 0, and no division by A (which a fixed-
	// point range would see cross 0 where A reads states).
	if a, ok := b.fold(A, b.root); ok {
		if a.x == 0 {
			return euler() // the limit of the formula (Brian2 divides by 0)
		}
		z := b.symMul(pos, a, dt)
		e := b.symOp(pos, ir.OpCall, ir.F64, "exp", z)
		if e.x == 0 || math.IsInf(e.x, 0) || math.IsNaN(e.x) {
			b.errs.Add(pos, msgExpEulerRange, s.Name, a.x, m.Dt)
			return x
		}
		phi := b.symOp(pos, ir.OpCall, ir.F64, "exprel", z)
		return b.blk.NewValue(pos, ir.OpAdd, ir.F64, x, b.scaled(eq.RHS, b.symMul(pos, dt, phi), b.root, eq.RHS.GetPos()))
	}
	phi := b.blk.NewValue(pos, ir.OpCall, ir.F64, b.scaled(A, dt, b.root, A.GetPos()))
	phi.AuxName = "exprel"
	step := b.scaled(eq.RHS, dt, b.root, eq.RHS.GetPos())
	return b.blk.NewValue(pos, ir.OpAdd, ir.F64, x, b.blk.NewValue(pos, ir.OpMul, ir.F64, step, phi))
}

// formatPow prints a power of the variable as a diagnostic names it.
func formatPow(p float64) string { return ir.FormatFloat(p) }
