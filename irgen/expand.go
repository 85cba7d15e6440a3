package irgen

import (
	"math"

	"scc/lang"
)

// poly is an expression written as a sum of powers of one variable (a
// state, or a noise term): Σ coef·var^pow, as sympy's expand followed by
// collect(var) gives it (Brian2's exponential_euler and its split of a
// right side into f and g·xi). A coefficient may still read the variable
// inside a function or a quotient (exp(v), 1/(1+v)): sympy's collect keeps
// such a factor in the coefficient of the power it multiplies, and so does
// poly. The terms are in order of first appearance; term is the source
// expression that produced each power first (for diagnostics).
type poly []polyTerm

type polyTerm struct {
	pow  float64
	coef lang.Expr
	term lang.Expr
}

// coef returns the coefficient of var^pow (nil when absent).
func (p poly) coef(pow float64) lang.Expr {
	for _, t := range p {
		if t.pow == pow {
			return t.coef
		}
	}
	return nil
}

// other returns the first term whose power is not 0 or 1 (nil if none).
func (p poly) other() *polyTerm {
	for i := range p {
		if p[i].pow != 0 && p[i].pow != 1 {
			return &p[i]
		}
	}
	return nil
}

// add merges q into p (term by term sums of coefficients).
func (b *builder) polyAdd(pos lang.Pos, p, q poly) poly {
	out := append(poly(nil), p...)
	for _, t := range q {
		found := false
		for i := range out {
			if out[i].pow == t.pow {
				out[i].coef = mkBin(pos, "+", out[i].coef, t.coef)
				found = true
				break
			}
		}
		if !found {
			out = append(out, t)
		}
	}
	return out
}

func (b *builder) polyMul(pos lang.Pos, src lang.Expr, p, q poly) poly {
	var out poly
	for _, s := range p {
		for _, t := range q {
			term := src
			if s.pow == 0 && t.pow != 0 {
				term = t.term
			} else if t.pow == 0 && s.pow != 0 {
				term = s.term
			}
			out = b.polyAdd(pos, out, poly{{s.pow + t.pow, mkBin(pos, "*", s.coef, t.coef), term}})
		}
	}
	return out
}

func polyScale(pos lang.Pos, p poly, op string, k lang.Expr) poly {
	out := make(poly, len(p))
	for i, t := range p {
		out[i] = polyTerm{t.pow, mkBin(pos, op, t.coef, k), t.term}
	}
	return out
}

// expand writes e as a poly in slot (a state or noise slot, see slots).
// Lets are expanded when they read the slot (Brian2 substitutes
// subexpressions), except step-constant lets, which Brian2 stores as
// variables.
func (b *builder) expand(e lang.Expr, slot int) poly {
	pos := e.GetPos()
	if !b.readsSlot(e, slot) {
		return poly{{0, e, e}}
	}
	opaque := poly{{0, e, e}} // reads slot inside a function: a coefficient of power 0
	switch e := e.(type) {
	case *lang.Ident:
		s := b.m.Lookup(e.Name)
		if s.Kind == lang.SymLet {
			return b.expand(b.m.Lets[s.Index].Let.Value, slot)
		}
		return poly{{1, &lang.Number{Pos: pos, Value: 1}, e}}
	case *lang.Unary:
		switch e.Op {
		case "-":
			p := b.expand(e.X, slot)
			out := make(poly, len(p))
			for i, t := range p {
				out[i] = polyTerm{t.pow, mkNeg(pos, t.coef), t.term}
			}
			return out
		case "+":
			return b.expand(e.X, slot)
		}
		return opaque
	case *lang.Binary:
		switch e.Op {
		case "+":
			return b.polyAdd(pos, b.expand(e.X, slot), b.expand(e.Y, slot))
		case "-":
			return b.polyAdd(pos, b.expand(e.X, slot), b.expand(&lang.Unary{Pos: pos, Op: "-", X: e.Y}, slot))
		case "*":
			return b.polyMul(pos, e, b.expand(e.X, slot), b.expand(e.Y, slot))
		case "/":
			px := b.expand(e.X, slot)
			if !b.readsSlot(e.Y, slot) {
				return polyScale(pos, px, "/", e.Y)
			}
			if py := b.expand(e.Y, slot); len(py) == 1 && b.pureMonomial(py[0], slot) {
				out := polyScale(pos, px, "/", py[0].coef)
				for i := range out {
					out[i].pow -= py[0].pow
					out[i].term = e
				}
				return out
			}
			// A quotient by a sum reading the slot stays in the
			// coefficients (sympy: a*x/(c+x) -> {x: a/(c+x)}).
			return polyScale(pos, px, "/", e.Y)
		case "^":
			return b.expandPow(e, e.X, e.Y, slot, opaque)
		}
		return opaque
	case *lang.Call:
		switch {
		case e.Fun == "pow" && len(e.Args) == 2:
			return b.expandPow(e, e.Args[0], e.Args[1], slot, opaque)
		case e.Fun == "sqrt" && len(e.Args) == 1:
			return b.expandPow(e, e.Args[0], &lang.Number{Pos: pos, Value: 0.5}, slot, opaque)
		}
	}
	return opaque
}

// pureMonomial reports whether t is var^pow with a coefficient that does
// not read the slot.
func (b *builder) pureMonomial(t polyTerm, slot int) bool {
	return !b.readsSlot(t.coef, slot)
}

// expandPow expands x^y for a constant y: a whole power 0..8 of any poly
// by repeated products (sympy's multinomial expansion), any power of a
// monomial c·var^p with c = 1 (sympy keeps (c·x)^y unexpanded for real c
// and fractional y) or a whole y; anything else is opaque.
func (b *builder) expandPow(e, x, y lang.Expr, slot int, opaque poly) poly {
	pos := e.GetPos()
	if b.readsSlot(y, slot) {
		return opaque
	}
	k, ok := b.fold(y, b.root)
	if !ok {
		return opaque
	}
	n := k.x
	px := b.expand(x, slot)
	whole := n == math.Trunc(n)
	if len(px) == 1 && b.pureMonomial(px[0], slot) {
		t := px[0]
		if one, isNum := t.coef.(*lang.Number); isNum && one.Value == 1 && one.Unit == "" {
			return poly{{t.pow * n, t.coef, e}}
		}
		if whole {
			return poly{{t.pow * n, &lang.Binary{Pos: pos, Op: "^", X: t.coef, Y: y}, e}}
		}
		return opaque
	}
	if whole && n >= 0 && n <= 8 {
		out := poly{{0, &lang.Number{Pos: pos, Value: 1}, e}}
		for i := 0; i < int(n); i++ {
			out = b.polyMul(pos, e, out, px)
		}
		return out
	}
	return opaque
}

// mkBin builds x op y, dropping factors and divisors 1 (numbers, so no
// value changes).
func mkBin(pos lang.Pos, op string, x, y lang.Expr) lang.Expr {
	if op == "*" && isOne(x) {
		return y
	}
	if (op == "*" || op == "/") && isOne(y) {
		return x
	}
	return &lang.Binary{Pos: pos, Op: op, X: x, Y: y}
}

func mkNeg(pos lang.Pos, x lang.Expr) lang.Expr {
	if u, ok := x.(*lang.Unary); ok && u.Op == "-" {
		return u.X
	}
	return &lang.Unary{Pos: pos, Op: "-", X: x}
}

func isOne(e lang.Expr) bool {
	n, ok := e.(*lang.Number)
	return ok && n.Value == 1 && n.Unit == ""
}

// readsSlot reports whether e reads slot (through lets, but not through
// step-constant lets). Memoized: the coefficients expand builds share
// subexpressions, so a walk of one could be exponential.
func (b *builder) readsSlot(e lang.Expr, slot int) bool {
	if e == nil {
		return false
	}
	k := readsKey{e, slot}
	if r, ok := b.readsMemo[k]; ok {
		return r
	}
	r := false
	switch e := e.(type) {
	case *lang.Ident:
		d := b.deps(e.Name)
		r = d != nil && d[slot]
	case *lang.Unary:
		r = b.readsSlot(e.X, slot)
	case *lang.Binary:
		r = b.readsSlot(e.X, slot) || b.readsSlot(e.Y, slot)
	case *lang.Call:
		for _, a := range e.Args {
			if b.readsSlot(a, slot) {
				r = true
				break
			}
		}
	}
	if b.readsMemo == nil {
		b.readsMemo = map[readsKey]bool{}
	}
	b.readsMemo[k] = r
	return r
}

type readsKey struct {
	e    lang.Expr
	slot int
}

// deps returns the slots the name reads (nil for none): itself for a
// state, the time or a noise term, the transitive reads of a let.
func (b *builder) deps(name string) []bool {
	s := b.m.Lookup(name)
	one := func(i int) []bool {
		d := make([]bool, b.nSlots())
		d[i] = true
		return d
	}
	switch s.Kind {
	case lang.SymState:
		return one(s.Index)
	case lang.SymTime:
		return one(b.timeSlot())
	case lang.SymNoise:
		return one(b.noiseSlot(s.Index))
	case lang.SymLet:
		if s.Index >= 0 {
			return b.letDeps[s.Index]
		}
	}
	return nil
}
