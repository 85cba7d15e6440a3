package lang

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"scc/fixed"
)

// builtinList names the builtin functions for diagnostics.
func builtinList() string { return strings.Join(fixed.BuiltinNames(), " ") }

// EvalConst evaluates a constant expression of m: numbers, units, the
// model's parameters (at their checked values), `dt` and builtin functions.
// Conditions evaluate to 1 (true) or 0 (false). Reading an input, a state,
// a subexpression or the time is an error.
//
// A parameter's checked value is its Value when Override set it or it has
// no source expression (ParamInfo.Param nil); any other parameter is
// recomputed from its source expression, which gives its Value unless a
// parameter it reads was changed. So on a model from Override an
// overridden parameter reads as the override and a derived one follows
// it; irgen derives per-neuron parameters the same way, in a copy of the
// model whose given parameters have no source and a per-neuron Value.
func EvalConst(e Expr, m *ModelInfo) (float64, error) {
	ev := newEvaluator(m, nil, m.Dt)
	return ev.eval(e)
}

// Override returns a copy of m with some parameters set (canonical units)
// and, when dt > 0, a different step: every other parameter, initial value,
// range bound and the refractory step count is recomputed from its source
// expression. Parameters an earlier Override set keep their values. Unknown
// parameter names are errors.
func (m *ModelInfo) Override(params map[string]float64, dt float64) (*ModelInfo, error) {
	var errs ErrorList
	for _, name := range sortedKeys(params) {
		if m.ParamIndex(name) < 0 {
			errs.Add(m.Model.Pos, msgPopParam, m.Model.Name, name)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	c := *m
	if dt > 0 {
		c.Dt = dt
	}
	ev := newEvaluator(m, params, c.Dt) // m: its Params still hold the source
	c.Params = make([]*ParamInfo, len(m.Params))
	for i, p := range m.Params {
		q := *p
		v, err := ev.param(i)
		if err != nil {
			errs.Append(err)
		}
		q.Value = v
		if _, over := params[p.Name]; over {
			q.fixed = true
		}
		if p.Param == nil || p.Param.Value == nil { // no source: nothing declared
			c.Params[i] = &q
			continue
		}
		q.Range = ev.bounds(p.Param.Range, &errs)
		if err == nil {
			pos := p.Param.Value.GetPos() // the default, as the checker reports it
			if _, over := params[p.Name]; over {
				pos = p.Param.Pos // an override from outside the source
			}
			errs.Append(paramInRange(&q, pos))
		}
		c.Params[i] = &q
	}
	c.Inputs = make([]*InputInfo, len(m.Inputs))
	for i, in := range m.Inputs {
		q := *in
		q.Range = ev.bounds(in.Input.Range, &errs)
		c.Inputs[i] = &q
	}
	c.States = make([]*StateInfo, len(m.States))
	for i, s := range m.States {
		q := *s
		v, err := ev.stateInit(i)
		errs.Append(err)
		q.Init = v
		q.Range = ev.bounds(s.State.Range, &errs)
		if err == nil {
			errs.Append(initInRange(&q))
		}
		c.States[i] = &q
	}
	constantsIn(&c, ev, func(Expr) bool { return true }, &errs)
	if c.Refractory != nil && c.RefractoryCond == nil {
		n, _, err := refractorySteps(ev, c.Refractory, c.Dt)
		errs.Append(err)
		c.RefractorySteps = n
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return &c, nil
}

// evaluator computes constant expressions. Parameter values are computed
// on demand (a parameter may read parameters declared after it) with cycle
// detection; overridden parameters are fixed.
type evaluator struct {
	m     *ModelInfo
	over  map[string]float64
	dt    float64
	vals  []float64
	state []uint8 // 0 not yet, 1 in progress, 2 done
	errs  []error
	// Initial values (stateInit): states' values, resolution and errors,
	// the subexpressions at the initial state, and the states being
	// evaluated (init > 0 lets an expression read states and lets).
	inits   []float64
	initSt  []uint8
	initErr []error
	letVals map[int]float64
	stack   []string
	init    int
}

func newEvaluator(m *ModelInfo, over map[string]float64, dt float64) *evaluator {
	n, k := len(m.Params), len(m.States)
	return &evaluator{m: m, over: over, dt: dt, vals: make([]float64, n), state: make([]uint8, n), errs: make([]error, n),
		inits: make([]float64, k), initSt: make([]uint8, k), initErr: make([]error, k), letVals: map[int]float64{}}
}

// stateInit evaluates the initial value of state i: it may read
// parameters, other states' initial values (evaluated first; a cycle is
// an error at the state) and subexpressions, evaluated at the initial
// state.
func (ev *evaluator) stateInit(i int) (float64, error) {
	s := ev.m.States[i]
	switch ev.initSt[i] {
	case 1:
		start := slices.Index(ev.stack, s.Name)
		path := append(append([]string(nil), ev.stack[start:]...), s.Name)
		for j := range path {
			path[j] = strconv.Quote(path[j])
		}
		return 0, Errorf(s.State.Pos, msgInitCycle, strings.Join(path, " -> "))
	case 2:
		return ev.inits[i], ev.initErr[i]
	}
	ev.initSt[i] = 1
	ev.stack = append(ev.stack, s.Name)
	ev.init++
	v, err := ev.eval(s.State.Init)
	ev.init--
	ev.stack = ev.stack[:len(ev.stack)-1]
	ev.initSt[i], ev.inits[i], ev.initErr[i] = 2, v, err
	return v, err
}

func (ev *evaluator) param(i int) (float64, error) {
	p := ev.m.Params[i]
	switch ev.state[i] {
	case 1:
		return 0, Errorf(p.Param.Pos, msgParamCycle, p.Name+" -> ... -> "+p.Name)
	case 2:
		return ev.vals[i], ev.errs[i]
	}
	if v, ok := ev.over[p.Name]; ok {
		ev.state[i], ev.vals[i] = 2, v
		return v, nil
	}
	if p.fixed || p.Param == nil || p.Param.Value == nil {
		ev.state[i], ev.vals[i] = 2, p.Value
		return p.Value, nil
	}
	ev.state[i] = 1
	init := ev.init
	ev.init = 0 // a parameter reads no state, also from an initial value
	v, err := ev.eval(p.Param.Value)
	ev.init = init
	ev.state[i], ev.vals[i], ev.errs[i] = 2, v, err
	return v, err
}

func (ev *evaluator) bounds(r *Range, errs *ErrorList) *Bounds {
	if r == nil {
		return nil
	}
	lo, err := ev.eval(r.Lo)
	errs.Append(err)
	hi, err := ev.eval(r.Hi)
	errs.Append(err)
	return &Bounds{Lo: lo, Hi: hi}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (ev *evaluator) eval(e Expr) (float64, error) {
	switch e := e.(type) {
	case *Number:
		v := e.Value
		if e.Unit != "" {
			u, ok := LookupUnit(e.Unit)
			if !ok {
				return 0, Errorf(e.Pos, msgUnknownUnit, e.Unit)
			}
			v *= u.Factor
		}
		return finite(e, v)
	case *Ident:
		return ev.ident(e)
	case *Unary:
		x, err := ev.eval(e.X)
		if err != nil {
			return 0, err
		}
		switch e.Op {
		case "-":
			return -x, nil
		case "!":
			return b2f(x == 0), nil
		}
		return x, nil
	case *Binary:
		x, err := ev.eval(e.X)
		if err != nil {
			return 0, err
		}
		y, err := ev.eval(e.Y)
		if err != nil {
			return 0, err
		}
		v, ok := BinaryOp(e.Op, x, y)
		if !ok {
			return 0, Errorf(e.Pos, msgConstEval, strconv.Quote(FormatExpr(e)), "unknown operator "+strconv.Quote(e.Op))
		}
		if e.Op == "/" && y == 0 {
			return 0, Errorf(e.Pos, msgConstEval, strconv.Quote(FormatExpr(e)), msgDivZero)
		}
		if e.Op == "^" && !fixed.PowDefined(x, y) {
			return 0, domainError(e, "^", fixed.LookupBuiltin("pow").Domain, x, y)
		}
		return finite(e, v)
	case *Call:
		args := make([]float64, len(e.Args))
		for i, a := range e.Args {
			v, err := ev.eval(a)
			if err != nil {
				return 0, err
			}
			args[i] = v
		}
		if e.Fun == "timestep" && len(args) == 2 {
			if !(args[1] > 0) {
				return 0, Errorf(e.Pos, msgConstEval, strconv.Quote(FormatExpr(e)), msgDivZero)
			}
			return finite(e, Timestep(args[0], args[1]))
		}
		b := fixed.LookupBuiltin(e.Fun)
		if b == nil {
			return 0, Errorf(e.Pos, msgUnknownFunc, e.Fun, builtinList())
		}
		if len(args) != b.Arity {
			return 0, Errorf(e.Pos, msgConstEval, strconv.Quote(FormatExpr(e)), msgWrongArgs)
		}
		if !fixed.InDomain(e.Fun, args) {
			return 0, domainError(e, e.Fun, b.Domain, args...)
		}
		return finite(e, b.Real(args))
	}
	return 0, fmt.Errorf("lang: cannot evaluate %T", e)
}

func (ev *evaluator) ident(e *Ident) (float64, error) {
	what := strconv.Quote(FormatExpr(e))
	s := ev.m.Lookup(e.Name)
	switch s.Kind {
	case SymParam:
		return ev.param(s.Index)
	case SymUnit:
		u, _ := LookupUnit(e.Name)
		return u.Factor, nil
	case SymConst:
		v, _ := LookupConstant(e.Name)
		return v, nil
	case SymDt:
		if math.IsNaN(ev.dt) {
			return 0, Errorf(e.Pos, msgConstEval, "dt", "dt depends on itself")
		}
		return ev.dt, nil
	case SymTime:
		return 0, Errorf(e.Pos, msgNotConstTime, what)
	case SymState:
		if ev.init > 0 {
			return ev.stateInit(s.Index)
		}
	case SymLet:
		if ev.init > 0 && s.Index >= 0 {
			if v, ok := ev.letVals[s.Index]; ok {
				return v, nil
			}
			v, err := ev.eval(ev.m.Lets[s.Index].Let.Value)
			if err == nil {
				ev.letVals[s.Index] = v
			}
			return v, err
		}
	case SymNone:
		return 0, Errorf(e.Pos, msgUnknownName, e.Name)
	}
	return 0, Errorf(e.Pos, msgNotConst, what, s.Kind, e.Name)
}

// finite returns v, the value of e, or an error at e when v is not finite
// (exp(1000), 1e308 * 10): no NaN or infinity reaches the compiler.
//
// The constant inf is the exception: an expression that reads it may be
// infinite (`inf`, `-inf * mV`), never NaN.
func finite(e Expr, v float64) (float64, error) {
	if math.IsInf(v, 0) && readsInf(e) {
		return v, nil
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, Errorf(e.GetPos(), msgConstEval, strconv.Quote(FormatExpr(e)), msgNonFinite)
	}
	return v, nil
}

// readsInf reports whether e reads the name inf (a constant unless the
// model declares inf).
func readsInf(e Expr) bool {
	found := false
	walk(e, func(x Expr) {
		if id, ok := x.(*Ident); ok && id.Name == "inf" {
			found = true
		}
	})
	return found
}

// Timestep is Brian2's timestep(t, dt) (brian2/core/functions.py): the
// step of time t, int((t + 1e-3*dt)/dt), shifted by a thousandth of a
// step so that multiples of dt never fall into the step before; the
// integer conversion truncates toward zero.
func Timestep(t, dt float64) float64 { return math.Trunc((t + 1e-3*dt) / dt) }

// domainError reports arguments outside the domain of function fun at e.
func domainError(e Expr, fun, domain string, args ...float64) error {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = numStr(a)
	}
	what := "argument "
	if len(args) > 1 {
		what = "arguments "
	}
	return Errorf(e.GetPos(), msgConstEval, strconv.Quote(FormatExpr(e)),
		fmt.Sprintf(msgDomain, what+strings.Join(s, ", "), fun, domain))
}

// constantsIn evaluates, in every expression of m's equations,
// subexpressions, spike condition, resets, refractory body and
// assertions, each largest constant subexpression (params, dt, numbers,
// units, builtins) that good accepts, and checks every divisor that is a
// constant for zero: a domain error (log(-1)), a division by zero or a
// non-finite value there is an error at its position, never a NaN in the
// IR. Parameters, initial values and ranges are evaluated where they are
// checked.
func constantsIn(m *ModelInfo, ev *evaluator, good func(Expr) bool, errs *ErrorList) {
	var visit func(e Expr)
	visit = func(e Expr) {
		if e == nil {
			return
		}
		if good(e) && isConst(m, e) {
			_, err := ev.eval(e)
			errs.Append(err)
			return
		}
		switch e := e.(type) {
		case *Unary:
			visit(e.X)
		case *Binary:
			visit(e.X)
			visit(e.Y)
			if e.Op == "/" && good(e.Y) && isConst(m, e.Y) {
				if y, err := ev.eval(e.Y); err == nil && y == 0 {
					errs.Add(e.Pos, msgDivZeroBy, FormatExpr(e.Y))
				}
			}
		case *Call:
			for _, a := range e.Args {
				visit(a)
			}
		}
	}
	assigns := func(as []*Assign) {
		for _, a := range as {
			visit(a.Value)
		}
	}
	for _, it := range m.Model.Items {
		switch n := it.(type) {
		case *ODE:
			visit(n.RHS)
		case *Map:
			visit(n.RHS)
		case *Let:
			visit(n.Value)
		case *Spike:
			visit(n.Cond)
			assigns(n.Reset)
		case *Refractory:
			assigns(n.Body)
		case *Assert:
			visit(n.Cond)
		}
	}
}

// paramInRange reports a parameter value (its default, or an override)
// outside the parameter's declared range, at pos: the module is sized for
// the range.
func paramInRange(p *ParamInfo, pos Pos) error {
	if p.Range == nil || (p.Value >= p.Range.Lo && p.Value <= p.Range.Hi) {
		return nil
	}
	return Errorf(pos, msgParamOutside, numStr(p.Value), p.Name, numStr(p.Range.Lo), numStr(p.Range.Hi))
}

// initInRange reports an initial value outside the state's declared range:
// every width and proof downstream assumes the range.
func initInRange(s *StateInfo) error {
	if s.Range == nil || (s.Init >= s.Range.Lo && s.Init <= s.Range.Hi) {
		return nil
	}
	return Errorf(s.State.Init.GetPos(), msgInitOutside, numStr(s.Init), s.Name, numStr(s.Range.Lo), numStr(s.Range.Hi))
}

// BinaryOp applies a binary operator of the language to float64 operands;
// conditions are 1 or 0. ok is false for an unknown operator.
func BinaryOp(op string, x, y float64) (v float64, ok bool) {
	switch op {
	case "+":
		return x + y, true
	case "-":
		return x - y, true
	case "*":
		return x * y, true
	case "/":
		return x / y, true
	case "^":
		return math.Pow(x, y), true
	case "<":
		return b2f(x < y), true
	case "<=":
		return b2f(x <= y), true
	case ">":
		return b2f(x > y), true
	case ">=":
		return b2f(x >= y), true
	case "==":
		return b2f(x == y), true
	case "!=":
		return b2f(x != y), true
	case "&&":
		return b2f(x != 0 && y != 0), true
	case "||":
		return b2f(x != 0 || y != 0), true
	}
	return 0, false
}

// refractorySteps converts a refractory period to steps of dt. warn is
// set when a time period is not a whole number of steps.
func refractorySteps(ev *evaluator, r *Refractory, dt float64) (n int, warn bool, err error) {
	v, err := ev.eval(r.Period)
	if err != nil {
		return 0, false, err
	}
	if v < 0 {
		return 0, false, Errorf(r.Period.GetPos(), msgRefrNegative, numStr(v))
	}
	if r.Steps {
		if v != math.Trunc(v) || v > 1<<30 {
			return 0, false, Errorf(r.Period.GetPos(), msgRefrSteps, numStr(v))
		}
		return int(v), false, nil
	}
	if r.Brian {
		// Brian2: not_refractory = timestep(t - lastspike, dt) >=
		// timestep(P, dt), so a neuron that spikes in step s integrates
		// again in step s + R: it holds R − 1 updates.
		R := Timestep(v, dt)
		if R > 1<<30 {
			return 0, false, Errorf(r.Period.GetPos(), msgRefrSteps, numStr(R))
		}
		return max(int(R)-1, 0), false, nil
	}
	q := v / dt
	if q > 1<<30 {
		return 0, false, Errorf(r.Period.GetPos(), msgRefrSteps, numStr(q))
	}
	n = int(math.Round(q))
	if n == 0 && v != 0 {
		return 0, false, Errorf(r.Period.GetPos(), msgRefrZeroSteps, numStr(v), numStr(dt))
	}
	return n, math.Abs(q-float64(n)) > 1e-9*math.Max(1, q), nil
}

func numStr(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func sortedKeys(m map[string]float64) []string { return slices.Sorted(maps.Keys(m)) }
