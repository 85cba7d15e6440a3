package lang

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"scc/fixed"
)

// Check resolves names, checks dimensions and options, and computes the
// constant facts of every model and network of f. The error, when not nil,
// is a sorted ErrorList; the Info is returned even then (facts of broken
// declarations are best effort).
//
// Dimension rules (Brian2-style): a number is dimensionless unless it has a
// unit suffix; a unit name used as a value is a constant of its dimension
// (a model's own names shadow units and the constants pi, e, inf); + - min
// max clip and comparisons need equal dimensions; * / combine; ^ and pow
// need a dimensionless exponent that is a constant when the base has a
// dimension, and every exponent of the result must be a multiple of 1/2
// (Dim holds halves: xi is second^-1/2); abs floor ceil keep the
// argument's dimension, sign takes any; exp log sin cos tanh sigmoid and
// the other functions need dimensionless arguments; sqrt halves every
// exponent. A bare literal 0 and inf take any dimension. A state's dimension comes from its unit, else from its initial
// value, except that a state with neither unit nor an initial value other
// than a bare 0 takes its dimension from its equation (dimensionless when
// the equation does not determine it either).
func Check(f *File) (*Info, error) {
	c := &checker{info: &Info{Models: map[string]*ModelInfo{}, Dims: map[Expr]Dim{}}, ruleW: map[string]Dim{}, events: map[string]bool{}}
	if len(f.Decls) == 0 {
		c.errs.Add(Pos{File: f.Name, Line: 1, Col: 1}, msgNoDecls)
	}
	declared := map[string]Pos{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *Model:
			if p, ok := declared[d.Name]; ok {
				c.errs.Add(d.Pos, msgDuplicateModel, d.Name, p)
				continue
			}
			declared[d.Name] = d.Pos
			m := c.model(d)
			c.info.Models[d.Name] = m
			c.info.Order = append(c.info.Order, d.Name)
		}
	}
	rules := map[string]Pos{}
	for _, d := range f.Decls {
		if s, ok := d.(*Synapse); ok {
			if p, ok := rules[s.Name]; ok {
				c.errs.Add(s.Pos, msgDuplicateSynapse, s.Name, p)
				continue
			}
			rules[s.Name] = s.Pos
			if si := c.synapse(s); si != nil {
				c.info.Synapses = append(c.info.Synapses, si)
			}
		}
	}
	nets := map[string]Pos{}
	for _, d := range f.Decls {
		if n, ok := d.(*Network); ok {
			if p, ok := nets[n.Name]; ok {
				c.errs.Add(n.Pos, msgDuplicateNetwork, n.Name, p)
				continue
			}
			nets[n.Name] = n.Pos
			c.info.Networks = append(c.info.Networks, c.network(n))
		}
	}
	c.info.Warnings.Sort()
	return c.info, c.errs.Err()
}

type checker struct {
	info *Info
	errs ErrorList
	// ruleW is the dimension of w of every synapse rule declared (also
	// of a rule with errors, so that its projections are still checked).
	ruleW map[string]Dim
	// events names the synthesised event models (no population runs one).
	events map[string]bool
}

// tval is the checker's type of an expression: a condition, or a number of
// some dimension. free marks a number that can take any dimension (a bare
// 0, or a state whose dimension is still being inferred); bad marks an
// expression already reported, so that errors do not cascade.
type tval struct {
	d       Dim
	free    bool
	boolean bool
	bad     bool
}

var (
	tBad  = tval{bad: true}
	tBool = tval{boolean: true}
)

func num(d Dim) tval { return tval{d: d} }

// modelChecker checks one model.
type modelChecker struct {
	c *checker
	m *ModelInfo

	declPos  map[string]Pos
	paramSt  []uint8 // dimension resolution: 0 not yet, 1 in progress, 2 done
	paramBad []bool
	letSt    []uint8
	letBad   []bool
	letDims  []Dim
	allLets  []*Let         // source order
	letIdx   map[string]int // let name → index into allLets
	pending  []bool         // state dimension inferred from its equation, not yet known
	stack    []string
	quiet    bool // inference mode: no errors, no recorded dims
	// quietLets memoizes let types in inference mode (a chain of lets
	// reading each other twice would otherwise take exponential time).
	quietLets map[int]tval
	ev        *evaluator
	inferred  map[int]bool
	// ode is set while the right side of an ODE is checked (not the lets
	// it reads): only there may a noise term appear.
	ode bool
	// unitCtx is set in a unit expression (`state v : mV`): names are
	// unit names there, never the model's.
	unitCtx bool
	// valueCtx is set in constant values the checker evaluates itself
	// (parameters, initial values, ranges, the refractory period): only
	// there may timestep(t, dt) appear.
	valueCtx bool
	// stSt is the dimension resolution of states (0 not yet, 1 in
	// progress, 2 done); dimOK marks states whose dimension is known.
	stSt  []uint8
	dimOK []bool
	// inLet counts the lets being resolved; noisy memoizes noisyLet.
	inLet int
	noisy []uint8
}

func (mc *modelChecker) errorf(pos Pos, format string, args ...any) {
	if !mc.quiet {
		mc.c.errs.Add(pos, format, args...)
	}
}

func (c *checker) model(d *Model) *ModelInfo {
	m := &ModelInfo{Model: d, Profile: DefaultProfile(), syms: map[string]Symbol{}}
	mc := &modelChecker{c: c, m: m, declPos: map[string]Pos{}, letIdx: map[string]int{}}
	mc.declare()
	mc.options()
	mc.ev = newEvaluator(m, nil, m.Dt)
	mc.params()
	mc.inputs()
	mc.states()
	mc.lets()
	mc.initValues()
	mc.equations()
	mc.spike()
	for _, a := range m.Asserts {
		mc.cond(a.Cond, msgAssertCond)
	}
	good := func(e Expr) bool { _, ok := c.info.Dims[e]; return ok }
	constantsIn(m, mc.ev, good, &c.errs)
	return m
}

// declare collects every declaration, reporting clashes.
func (mc *modelChecker) declare() {
	m := mc.m
	for _, it := range m.Model.Items {
		switch n := it.(type) {
		case *Param:
			if mc.name(n.Name, n.Pos, SymParam) {
				m.syms[n.Name] = Symbol{SymParam, len(m.Params)}
				m.Params = append(m.Params, &ParamInfo{Param: n, Name: n.Name})
			}
		case *Input:
			if mc.name(n.Name, n.Pos, SymInput) {
				m.syms[n.Name] = Symbol{SymInput, len(m.Inputs)}
				m.Inputs = append(m.Inputs, &InputInfo{Input: n, Name: n.Name})
			}
		case *State:
			if n.Init == nil {
				// A synapse state's form, in a model: a copy with 0 checks on.
				mc.errorf(n.Pos, msgStateNoInit, n.Name)
				cp := *n
				cp.Init = &Number{Pos: n.Pos, Text: "0"}
				n = &cp
			}
			if mc.name(n.Name, n.Pos, SymState) {
				m.syms[n.Name] = Symbol{SymState, len(m.States)}
				m.States = append(m.States, &StateInfo{State: n, Name: n.Name})
			}
		case *Let:
			if mc.name(n.Name, n.Pos, SymLet) {
				m.syms[n.Name] = Symbol{SymLet, -1} // index into m.Lets, set by lets()
				mc.letIdx[n.Name] = len(mc.allLets)
				mc.allLets = append(mc.allLets, n)
			}
		case *Spike:
			if m.Spike != nil {
				mc.errorf(n.Pos, msgSpikeTwice, m.Spike.Pos)
				continue
			}
			m.Spike = n
		case *Refractory:
			if m.Refractory != nil {
				mc.errorf(n.Pos, msgRefrTwice, m.Refractory.Pos)
				continue
			}
			m.Refractory = n
		case *Assert:
			m.Asserts = append(m.Asserts, n)
		case *Pop, *Layer, *Proj, *Source, *Drive, *Record, *Trace, *On:
			mc.errorf(n.GetPos(), msgItemInModel, itemName(n))
		}
	}
	mc.paramSt = make([]uint8, len(m.Params))
	mc.paramBad = make([]bool, len(m.Params))
	mc.letSt = make([]uint8, len(mc.allLets))
	mc.letBad = make([]bool, len(mc.allLets))
	mc.letDims = make([]Dim, len(mc.allLets))
	mc.pending = make([]bool, len(m.States))
	mc.noise()
}

// noise collects the noise terms (xi, xi_<suffix>) the ODEs read, in
// source order: each is a Symbol of kind SymNoise. Reads elsewhere are
// errors where dim meets them.
func (mc *modelChecker) noise() {
	m := mc.m
	for _, it := range m.Model.Items {
		ode, ok := it.(*ODE)
		if !ok {
			continue
		}
		mc.collectNoise(ode.RHS, map[string]bool{})
	}
}

// collectNoise adds the noise terms e reads, also through the lets it
// reads (Brian2 lets a subexpression read xi_<suffix>, not xi), to Noise.
func (mc *modelChecker) collectNoise(e Expr, seen map[string]bool) {
	m := mc.m
	walk(e, func(x Expr) {
		id, ok := x.(*Ident)
		if !ok {
			return
		}
		if i, isLet := mc.letIdx[id.Name]; isLet && !seen[id.Name] {
			seen[id.Name] = true
			mc.collectNoise(mc.allLets[i].Value, seen)
			return
		}
		if !IsNoiseName(id.Name) {
			return
		}
		if _, declared := m.syms[id.Name]; !declared {
			m.syms[id.Name] = Symbol{SymNoise, len(m.Noise)}
			m.Noise = append(m.Noise, id.Name)
		}
	})
}

// noisyLet reports whether let i reads a noise term, also through other
// lets (memoized in noisy: 1 no, 2 yes).
func (mc *modelChecker) noisyLet(i int) bool {
	if mc.noisy == nil {
		mc.noisy = make([]uint8, len(mc.allLets))
	}
	switch mc.noisy[i] {
	case 1:
		return false
	case 2:
		return true
	}
	mc.noisy[i] = 1 // also breaks cycles (reported elsewhere)
	found := false
	walk(mc.allLets[i].Value, func(x Expr) {
		if id, ok := x.(*Ident); ok {
			if j, isLet := mc.letIdx[id.Name]; isLet && mc.noisyLet(j) || mc.m.Lookup(id.Name).Kind == SymNoise {
				found = true
			}
		}
	})
	if found {
		mc.noisy[i] = 2
	}
	return found
}

// name checks a new declaration's name; false means it must be dropped.
func (mc *modelChecker) name(name string, pos Pos, k SymKind) bool {
	if p, ok := mc.declPos[name]; ok {
		mc.errorf(pos, msgDuplicate, name, p)
		return false
	}
	mc.declPos[name] = pos
	// A unit or constant name (V, e) may name a declaration: the model's
	// names shadow them (ModelInfo.Lookup).
	if IsNoiseName(name) {
		mc.errorf(pos, msgNameIsNoise, name, k)
		return false
	}
	if fixed.LookupBuiltin(name) != nil || name == "timestep" {
		mc.errorf(pos, msgNameIsFunc, name, k)
		return false
	}
	if name == "t" || name == "dt" {
		mc.errorf(pos, msgNameIsBuiltin, name, k)
		return false
	}
	return true
}

// option checks one option item and sets it in p (DESIGN §3: the format
// word is parsed by fixed.ParseProfile, rounding and overflow by fixed's
// parsers). ev evaluates the value of dt.
func (c *checker) option(o *Option, seen map[string]Pos, ev *evaluator, p *Profile) {
	if first, dup := seen[o.Key]; dup {
		c.errs.Add(o.Pos, msgOptionTwice, o.Key, first)
		return
	}
	seen[o.Key] = o.Pos
	switch o.Key {
	case "dt":
		if dt, ok := c.dtOption(o, ev); ok {
			p.Dt = dt
		}
	case "format":
		if o.Word == "auto" {
			// `format auto`: search the formats (scc build --budget's
			// search, default budget 0.95); auto:16 wherever a concrete
			// profile is needed (Profile.StateFormat).
			p.Format, p.Auto = AutoSearchProfile.Format, -1
			break
		}
		if sf, ok := parseWord(c, o, fixed.ParseProfile); ok {
			p.Format, p.Auto = sf.Format, sf.Auto
		}
	case "rounding":
		if r, ok := parseWord(c, o, fixed.ParseRound); ok {
			p.Round = r
		}
	case "overflow":
		if ov, ok := parseWord(c, o, fixed.ParseOverflow); ok {
			p.Overflow = ov
		}
	case "method":
		if m, ok := parseWord(c, o, parseMethod); ok {
			p.Method = m
		}
	default:
		c.errs.Add(o.Pos, msgOptionUnknown, o.Key)
	}
}

// parseWord parses an option's word with parse (fixed's parsers for
// format, rounding and overflow), reporting its error at the option.
func parseWord[T any](c *checker, o *Option, parse func(string) (T, error)) (T, bool) {
	v, err := parse(o.Word)
	if err != nil {
		c.errs.Add(o.Pos, msgOptionFixed, err)
		return v, false
	}
	return v, true
}

// parseMethod parses a method word.
func parseMethod(s string) (Method, error) {
	if i := slices.Index(methodNames[:], s); i >= 0 {
		return Method(i), nil
	}
	w := methodNames[:len(methodNames)-1]
	return 0, fmt.Errorf(msgOptionValue, strings.Join(w, ", ")+" or "+methodNames[len(methodNames)-1], s)
}

// dtOption checks the value of a dt option: a positive, finite time (ms).
func (c *checker) dtOption(o *Option, ev *evaluator) (float64, bool) {
	if o.Value == nil {
		c.errs.Add(o.Pos, msgOptionNoValue, o.Key)
		return 0, false
	}
	if d := c.constDim(o.Value, ev.m); !d.bad && !d.free && d.d != dimTime {
		c.errs.Add(o.Value.GetPos(), msgDtNotTime, d.d)
		return 0, false
	}
	v, err := ev.eval(o.Value)
	if err != nil {
		c.errs.Append(err)
		return 0, false
	}
	if !(v > 0) || math.IsInf(v, 0) {
		c.errs.Add(o.Value.GetPos(), msgDtPositive, numStr(v))
		return 0, false
	}
	return v, true
}

func (mc *modelChecker) options() {
	m := mc.m
	seen := map[string]Pos{}
	for _, it := range m.Model.Items {
		if o, ok := it.(*Option); ok {
			mc.c.option(o, seen, newEvaluator(m, nil, math.NaN()), &m.Profile)
		}
	}
}

// constDim is the dimension of a constant expression outside a model
// checker (options, networks): nothing is recorded, and errors are left
// to the evaluator (quiet).
func (c *checker) constDim(e Expr, m *ModelInfo) tval {
	mc := &modelChecker{c: c, m: m, declPos: map[string]Pos{}}
	mc.paramSt = make([]uint8, len(m.Params))
	mc.paramBad = make([]bool, len(m.Params))
	mc.quiet = true
	return mc.dim(e)
}

// netDim is constDim for network values, which no evaluator error covers
// when the dimension is bad: the reason (an unknown name or function, a
// unit mismatch) is reported at its position.
func (c *checker) netDim(e Expr, m *ModelInfo) tval {
	t := c.constDim(e, m)
	if t.bad {
		// Loud, on a scratch Dims table: network values are no model's.
		tmp := &checker{info: &Info{Models: c.info.Models, Dims: map[Expr]Dim{}}}
		mc := &modelChecker{c: tmp, m: m, declPos: map[string]Pos{}}
		mc.paramSt = make([]uint8, len(m.Params))
		mc.paramBad = make([]bool, len(m.Params))
		mc.dim(e)
		c.errs = append(c.errs, tmp.errs...)
	}
	return t
}

func (mc *modelChecker) params() {
	for i, p := range mc.m.Params {
		mc.resolveParam(i)
		if mc.paramBad[i] {
			continue
		}
		v, err := mc.ev.param(i)
		if err != nil {
			mc.paramBad[i] = true
			mc.c.errs.Append(err)
			continue
		}
		if math.IsInf(v, 0) {
			mc.errorf(p.Param.Value.GetPos(), msgConstEval, strconv.Quote(FormatExpr(p.Param.Value)), msgNonFinite)
			mc.paramBad[i] = true
			continue
		}
		p.Value = v
		p.Range = mc.bounds(p.Name, p.Param.Range, p.Dim, true)
		mc.c.errs.Append(paramInRange(p, p.Param.Value.GetPos()))
	}
}

// resolveParam computes the dimension of parameter i, checking that its
// value is a constant expression and that parameters do not form a cycle.
func (mc *modelChecker) resolveParam(i int) tval {
	p := mc.m.Params[i]
	switch mc.paramSt[i] {
	case 1:
		mc.cycle(p.Name, p.Param.Pos, msgParamCycle)
		mc.paramBad[i] = true
		return tBad
	case 2:
		if mc.paramBad[i] {
			return tBad
		}
		return num(p.Dim)
	}
	mc.paramSt[i] = 1
	mc.stack = append(mc.stack, p.Name)
	quiet := mc.quiet
	mc.quiet = false
	what := "value of parameter " + strconv.Quote(p.Name)
	ok := mc.constant(p.Param.Value, what)
	vc := mc.valueCtx
	mc.valueCtx = true
	t := mc.dim(p.Param.Value)
	mc.valueCtx = vc
	mc.quiet = quiet
	mc.stack = mc.stack[:len(mc.stack)-1]
	mc.paramSt[i] = 2
	if !ok || t.bad || mc.paramBad[i] {
		mc.paramBad[i] = true
		return tBad
	}
	if t.boolean {
		mc.errorf(p.Param.Value.GetPos(), msgBoolArith)
		mc.paramBad[i] = true
		return tBad
	}
	p.Dim = t.d
	return num(p.Dim)
}

// cycle reports the cycle that closes at name (on mc.stack).
func (mc *modelChecker) cycle(name string, pos Pos, format string) {
	start := 0
	for j, s := range mc.stack {
		if s == name {
			start = j
			break
		}
	}
	path := append(append([]string(nil), mc.stack[start:]...), name)
	for j := range path {
		path[j] = strconv.Quote(path[j])
	}
	q := mc.quiet
	mc.quiet = false
	mc.errorf(pos, format, strings.Join(path, " -> "))
	mc.quiet = q
}

// constant reports reads of non-constant names in e.
func (mc *modelChecker) constant(e Expr, what string) bool {
	ok := true
	walk(e, func(x Expr) {
		id, isIdent := x.(*Ident)
		if !isIdent {
			return
		}
		s := mc.m.Lookup(id.Name)
		switch s.Kind {
		case SymInput, SymState, SymLet, SymNoise:
			mc.errorf(id.Pos, msgNotConst, what, s.Kind, id.Name)
			ok = false
		case SymTime:
			mc.errorf(id.Pos, msgNotConstTime, what)
			ok = false
		}
	})
	return ok
}

// isConst reports whether e reads only constant names (silently).
func isConst(m *ModelInfo, e Expr) bool {
	ok := true
	walk(e, func(x Expr) {
		if id, isIdent := x.(*Ident); isIdent {
			switch m.Lookup(id.Name).Kind {
			case SymInput, SymState, SymLet, SymTime, SymNoise:
				ok = false
			}
		}
	})
	return ok
}

func walk(e Expr, f func(Expr)) {
	if e == nil {
		return
	}
	f(e)
	switch e := e.(type) {
	case *Unary:
		walk(e.X, f)
	case *Binary:
		walk(e.X, f)
		walk(e.Y, f)
	case *Call:
		for _, a := range e.Args {
			walk(a, f)
		}
	}
}

// unitDim is the dimension of a unit expression (`mV / ms`).
func (mc *modelChecker) unitDim(e Expr) (Dim, bool) {
	ok := true
	walk(e, func(x Expr) {
		if id, isIdent := x.(*Ident); isIdent {
			if _, isUnit := LookupUnit(id.Name); !isUnit {
				mc.errorf(id.Pos, msgUnitExpr, id.Name)
				ok = false
			}
		}
	})
	if !ok {
		return Dim{}, false
	}
	mc.unitCtx = true
	t := mc.dim(e)
	mc.unitCtx = false
	if t.bad || t.boolean {
		return Dim{}, false
	}
	return t.d, true
}

// bounds checks a declared range against dimension d.
func (mc *modelChecker) bounds(name string, r *Range, d Dim, ok bool) *Bounds {
	if r == nil {
		return nil
	}
	what := "range of " + strconv.Quote(name)
	good := true
	for _, e := range []Expr{r.Lo, r.Hi} {
		if !mc.constant(e, what) {
			good = false
			continue
		}
		mc.valueCtx = true
		t := mc.dim(e)
		mc.valueCtx = false
		if t.bad {
			good = false
		} else if ok && !t.free && (t.boolean || t.d != d) {
			mc.errorf(e.GetPos(), msgRangeDim, name, t.d, d)
			good = false
		}
	}
	if !good {
		return nil
	}
	var errs ErrorList
	b := mc.ev.bounds(r, &errs)
	if len(errs) > 0 {
		mc.c.errs = append(mc.c.errs, errs...)
		return nil
	}
	if b.Lo > b.Hi {
		mc.errorf(r.Pos, msgRangeOrder, name, numStr(b.Lo), numStr(b.Hi))
		return nil
	}
	return b
}

func (mc *modelChecker) inputs() {
	for _, in := range mc.m.Inputs {
		ok := true
		if in.Input.Unit != nil {
			in.Dim, ok = mc.unitDim(in.Input.Unit)
		}
		in.Range = mc.bounds(in.Name, in.Input.Range, in.Dim, ok)
	}
}

func isBareZero(e Expr) bool {
	n, ok := e.(*Number)
	return ok && n.Unit == "" && n.Value == 0
}

func (mc *modelChecker) states() {
	m := mc.m
	// Equations, first: state dimension inference needs them.
	for _, it := range m.Model.Items {
		var v string
		var pos Pos
		switch n := it.(type) {
		case *ODE:
			v, pos = n.Var, n.VarPos
		case *Map:
			v, pos = n.Var, n.VarPos
		default:
			continue
		}
		s := m.Lookup(v)
		switch s.Kind {
		case SymState:
			st := m.States[s.Index]
			if st.Eq != nil {
				mc.errorf(it.GetPos(), msgEqTwice, v, st.Eq.GetPos())
				continue
			}
			st.Eq = it
		case SymNone:
			mc.errorf(pos, msgEqUndeclared, v, v)
		default:
			mc.errorf(pos, msgEqNotState, s.Kind, v)
		}
	}
	mc.dimOK = make([]bool, len(m.States))
	mc.stSt = make([]uint8, len(m.States))
	for i, s := range m.States {
		n := s.State
		switch {
		case n.Unit != nil:
			s.Dim, mc.dimOK[i] = mc.unitDim(n.Unit)
			mc.stSt[i] = 2
		case isBareZero(n.Init):
			mc.pending[i] = true
			mc.dimOK[i] = true
			mc.stSt[i] = 2
		}
	}
	for i := range m.States {
		mc.resolveStateDim(i)
	}
	mc.inferStates()
}

// resolveStateDim gives state i without a unit the dimension of its
// initial value, which may read other states (resolved first, on demand)
// and subexpressions; quiet: initValues reports the errors.
func (mc *modelChecker) resolveStateDim(i int) tval {
	s := mc.m.States[i]
	switch mc.stSt[i] {
	case 1:
		return tBad // a cycle: initValues reports it
	case 2:
		if mc.pending[i] {
			return tval{free: true}
		}
		if !mc.dimOK[i] {
			return tBad
		}
		return num(s.Dim)
	}
	mc.stSt[i] = 1
	q, vc := mc.quiet, mc.valueCtx
	mc.quiet, mc.valueCtx, mc.quietLets = true, true, map[int]tval{}
	t := mc.dim(s.State.Init)
	mc.quiet, mc.valueCtx = q, vc
	mc.stSt[i] = 2
	s.Dim, mc.dimOK[i] = t.d, !t.bad && !t.boolean
	if !mc.dimOK[i] {
		return tBad
	}
	return num(s.Dim)
}

// initValues checks and evaluates the initial values, after the lets: an
// initial value may read parameters, other states' initial values (in
// dependency order; a cycle is an error) and subexpressions evaluated at
// the initial state, but no input, the time or a noise term.
func (mc *modelChecker) initValues() {
	m := mc.m
	reported := map[string]bool{}
	for i, s := range m.States {
		n := s.State
		what := "initial value of " + strconv.Quote(s.Name)
		ok := mc.initReads(n.Init, what, map[string]bool{})
		t := tBad
		if ok {
			mc.valueCtx = true
			t = mc.dim(n.Init)
			mc.valueCtx = false
		}
		if !t.bad && mc.dimOK[i] && !t.free && (t.boolean || t.d != s.Dim) {
			mc.errorf(n.Init.GetPos(), msgInitDim, s.Name, t.d, s.Dim)
			ok = false
		}
		if t.bad {
			ok = false
		}
		v, err := mc.ev.stateInit(i)
		if err == nil {
			s.Init = v
			if math.IsInf(v, 0) {
				mc.errorf(n.Init.GetPos(), msgConstEval, strconv.Quote(FormatExpr(n.Init)), msgNonFinite)
			}
		} else if ok && mc.dimOK[i] && !reported[err.Error()] {
			reported[err.Error()] = true
			mc.c.errs.Append(err)
		}
		s.Range = mc.bounds(s.Name, n.Range, s.Dim, mc.dimOK[i])
		if err == nil {
			mc.c.errs.Append(initInRange(s))
		}
	}
}

// initReads reports reads of inputs, the time and noise terms in an
// initial value, also through the subexpressions it reads.
func (mc *modelChecker) initReads(e Expr, what string, seen map[string]bool) bool {
	ok := true
	walk(e, func(x Expr) {
		id, isIdent := x.(*Ident)
		if !isIdent {
			return
		}
		s := mc.m.Lookup(id.Name)
		switch s.Kind {
		case SymInput, SymNoise:
			mc.errorf(id.Pos, msgNotConst, what, s.Kind, id.Name)
			ok = false
		case SymTime:
			mc.errorf(id.Pos, msgNotConstTime, what)
			ok = false
		case SymLet:
			if !seen[id.Name] {
				seen[id.Name] = true
				if i, found := mc.letIdx[id.Name]; found && !mc.initReads(mc.allLets[i].Value, what, seen) {
					ok = false
				}
			}
		}
	})
	return ok
}

// inferStates gives each pending state (no unit, initial value a bare 0)
// the dimension its equation implies, iterating while that changes
// anything (one pending state may depend on another).
func (mc *modelChecker) inferStates() {
	m := mc.m
	for round := 0; round <= len(m.States); round++ {
		changed := false
		for i, s := range m.States {
			if !mc.pending[i] || s.Eq == nil {
				continue
			}
			mc.quiet = true
			mc.quietLets = map[int]tval{} // pending flags changed: forget
			var t tval
			switch eq := s.Eq.(type) {
			case *ODE:
				t = mc.odeDim(eq.RHS)
				t.d = t.d.Mul(dimTime)
			case *Map:
				t = mc.dim(eq.RHS)
			}
			mc.quiet = false
			if !t.free && !t.bad && !t.boolean {
				s.Dim, mc.pending[i], changed = t.d, false, true
			}
		}
		if !changed {
			break
		}
	}
	for i := range mc.pending {
		mc.pending[i] = false // undetermined: dimensionless
	}
}

func (mc *modelChecker) lets() {
	for i := range mc.allLets {
		mc.resolveLet(i)
	}
	for i, l := range mc.m.Lets {
		mc.m.syms[l.Name] = Symbol{SymLet, i}
	}
}

// resolveLet computes the dimension of let i and appends it to m.Lets after
// every let it reads (a topological order).
func (mc *modelChecker) resolveLet(i int) tval {
	ode := mc.ode
	mc.ode, mc.inLet = false, mc.inLet+1 // only xi_<suffix> may appear in a let
	defer func() { mc.ode, mc.inLet = ode, mc.inLet-1 }()
	l := mc.allLets[i]
	if mc.quiet {
		// Inference mode: look through the let without recording anything.
		if mc.letSt[i] == 2 {
			if mc.letBad[i] {
				return tBad
			}
			return num(mc.letDims[i])
		}
		if mc.letSt[i] == 1 {
			return tBad
		}
		if t, ok := mc.quietLets[i]; ok {
			return t
		}
		mc.letSt[i] = 1
		t := mc.dim(l.Value)
		mc.letSt[i] = 0
		mc.quietLets[i] = t
		return t
	}
	switch mc.letSt[i] {
	case 1:
		mc.cycle(l.Name, l.Pos, msgCycle)
		mc.letBad[i] = true
		return tBad
	case 2:
		if mc.letBad[i] {
			return tBad
		}
		return num(mc.letDims[i])
	}
	mc.letSt[i] = 1
	mc.stack = append(mc.stack, l.Name)
	t := mc.dim(l.Value)
	mc.stack = mc.stack[:len(mc.stack)-1]
	mc.letSt[i] = 2
	if t.boolean {
		mc.errorf(l.Value.GetPos(), msgBoolArith)
		t = tBad
	}
	if t.bad || mc.letBad[i] {
		mc.letBad[i] = true
		return tBad
	}
	mc.letDims[i] = t.d
	mc.m.Lets = append(mc.m.Lets, &LetInfo{Let: l, Name: l.Name, Dim: t.d})
	return num(t.d)
}

func (mc *modelChecker) equations() {
	m := mc.m
	for _, s := range m.States {
		switch eq := s.Eq.(type) {
		case *ODE:
			t := mc.odeDim(eq.RHS)
			want := s.Dim.Div(dimTime)
			if t.boolean {
				mc.errorf(eq.RHS.GetPos(), msgBoolArith)
			} else if !t.bad && !t.free && t.d != want {
				mc.errorf(eq.RHS.GetPos(), msgODEDim, s.Name, t.d, want, s.Name)
			}
			if !t.bad {
				mc.noiseLinear(eq)
			}
			mc.unless(eq.UnlessRefractory, s.Name, eq.Pos)
		case *Map:
			t := mc.dim(eq.RHS)
			if t.boolean {
				mc.errorf(eq.RHS.GetPos(), msgBoolArith)
			} else if !t.bad && !t.free && t.d != s.Dim {
				mc.errorf(eq.RHS.GetPos(), msgMapDim, s.Name, t.d, s.Dim, s.Name)
			}
			mc.unless(eq.UnlessRefractory, s.Name, eq.Pos)
		}
	}
	// Equations for undeclared names: still check their right sides.
	for _, it := range m.Model.Items {
		switch n := it.(type) {
		case *ODE:
			if m.StateIndex(n.Var) < 0 {
				mc.odeDim(n.RHS)
			}
		case *Map:
			if m.StateIndex(n.Var) < 0 {
				mc.dim(n.RHS)
			}
		}
	}
}

// odeDim is dim of the right side of an ODE, where noise terms may appear.
func (mc *modelChecker) odeDim(e Expr) tval {
	mc.ode = true
	t := mc.dim(e)
	mc.ode = false
	return t
}

// noiseLinear checks that the right side of an ODE is f + Σ g_k·xi_k with
// f and every g_k free of noise terms (Brian2's split into a
// deterministic and a stochastic part), and that xi itself appears in one
// ODE only (Brian2: the same name twice would be one realization; name
// them xi_1, xi_2, or xi_<x> on purpose).
func (mc *modelChecker) noiseLinear(eq *ODE) {
	if bad := noiseNonlinear(mc.m, eq.RHS); bad != nil {
		mc.errorf(bad.GetPos(), msgNoiseNonlinear, eq.Var, FormatExpr(bad))
		return
	}
	if mc.m.Lookup("xi").Kind != SymNoise || !reads(eq.RHS, "xi") {
		return
	}
	for _, it := range mc.m.Model.Items {
		if o, ok := it.(*ODE); ok && o != eq && reads(o.RHS, "xi") && before(o.Pos, eq.Pos) {
			mc.errorf(eq.Pos, msgNoiseTwice, eq.Var, o.Var)
			return
		}
	}
}

func before(a, b Pos) bool { return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col }

// reads reports whether e reads the name.
func reads(e Expr, name string) bool {
	found := false
	walk(e, func(x Expr) {
		if id, ok := x.(*Ident); ok && id.Name == name {
			found = true
		}
	})
	return found
}

// noiseNonlinear returns the first subexpression of e (left to right)
// that makes it not affine in the noise terms of m, or nil.
func noiseNonlinear(m *ModelInfo, e Expr) Expr {
	letOf := func(id *Ident) Expr {
		if s := m.Lookup(id.Name); s.Kind == SymLet && s.Index >= 0 {
			return m.Lets[s.Index].Let.Value
		}
		return nil
	}
	if len(m.Noise) == 0 {
		return nil
	}
	memo := map[Expr]bool{} // per let value: a chain of lets stays linear
	seen := map[Expr]Expr{}
	var noisy func(x Expr) bool
	noisy = func(x Expr) bool {
		found := false
		walk(x, func(y Expr) {
			if id, ok := y.(*Ident); ok && !found {
				if m.Lookup(id.Name).Kind == SymNoise {
					found = true
				} else if v := letOf(id); v != nil {
					n, known := memo[v]
					if !known {
						memo[v] = false // a cycle (reported elsewhere)
						n = noisy(v)
						memo[v] = n
					}
					found = found || n
				}
			}
		})
		return found
	}
	var visit func(e Expr) Expr
	visit = func(e Expr) Expr {
		if !noisy(e) {
			return nil
		}
		switch e := e.(type) {
		case *Ident:
			if v := letOf(e); v != nil {
				// A let reading xi_<suffix>, expanded (once per let).
				b, known := seen[v]
				if !known {
					seen[v] = nil
					b = visit(v)
					seen[v] = b
				}
				return b
			}
			return nil
		case *Unary:
			if e.Op == "!" {
				return e
			}
			return visit(e.X)
		case *Binary:
			switch e.Op {
			case "+", "-":
				if b := visit(e.X); b != nil {
					return b
				}
				return visit(e.Y)
			case "*":
				if noisy(e.X) && noisy(e.Y) {
					return e
				}
				if b := visit(e.X); b != nil {
					return b
				}
				return visit(e.Y)
			case "/":
				if noisy(e.Y) {
					return e
				}
				return visit(e.X)
			}
			return e
		}
		return e
	}
	return visit(e)
}

func (mc *modelChecker) unless(on bool, name string, pos Pos) {
	if on && mc.m.Refractory == nil {
		mc.c.info.Warnings.Add(pos, msgUnlessNoRefr, name)
	}
}

// cond checks a condition (threshold, assertion).
func (mc *modelChecker) cond(e Expr, what string) {
	t := mc.dim(e)
	if !t.bad && !t.boolean {
		mc.errorf(e.GetPos(), msgNumberCond)
	}
}

// assigns checks reset or refractory statements.
func (mc *modelChecker) assigns(as []*Assign, what string) {
	seen := map[string]bool{}
	for _, a := range as {
		t := mc.dim(a.Value)
		s := mc.m.Lookup(a.Name)
		switch s.Kind {
		case SymState:
		case SymNone:
			mc.errorf(a.Pos, msgAssignUnknown, what, a.Name)
			continue
		default:
			mc.errorf(a.Pos, msgAssignNotState, what, s.Kind, a.Name)
			continue
		}
		if seen[a.Name] {
			mc.errorf(a.Pos, msgAssignTwice, what, a.Name)
		}
		seen[a.Name] = true
		d := mc.m.States[s.Index].Dim
		if t.boolean {
			mc.errorf(a.Value.GetPos(), msgBoolArith)
		} else if !t.bad && !t.free && t.d != d {
			mc.errorf(a.Value.GetPos(), msgAssignDim, what, t.d, a.Name, d)
		}
	}
}

func (mc *modelChecker) spike() {
	m := mc.m
	if m.Spike != nil {
		mc.cond(m.Spike.Cond, msgSpikeCond)
		mc.assigns(m.Spike.Reset, "reset")
	}
	r := m.Refractory
	if r == nil {
		return
	}
	if m.Spike == nil {
		mc.errorf(r.Pos, msgRefrNoSpike)
	}
	mc.assigns(r.Body, "refractory body")
	mc.quiet, mc.valueCtx, mc.quietLets = true, true, map[int]tval{}
	t0 := mc.dim(r.Period)
	mc.quiet, mc.valueCtx = false, false
	if t0.boolean {
		if t := mc.dim(r.Period); !t.boolean {
			return // reported
		}
		// A condition (Brian2's refractory='v > -20*mV'): refractory
		// after a spike until it first fails on the pre-step values.
		if r.Steps {
			mc.errorf(r.Period.GetPos(), msgRefrCondSteps)
			return
		}
		m.RefractoryCond = r.Period
		return
	}
	if !mc.constant(r.Period, "refractory period") {
		return
	}
	mc.valueCtx = true
	t := mc.dim(r.Period)
	mc.valueCtx = false
	switch {
	case t.bad:
		return
	case r.Steps && !t.free && !t.d.IsDimensionless():
		mc.errorf(r.Period.GetPos(), msgRefrStepsHasUnit, t.d)
		return
	case !r.Steps && !t.free && t.d != dimTime:
		mc.errorf(r.Period.GetPos(), msgRefrNotTime, FormatExpr(r.Period), t.d)
		return
	}
	n, warn, err := refractorySteps(mc.ev, r, m.Dt)
	if err != nil {
		mc.c.errs.Append(err)
		return
	}
	m.RefractorySteps = n
	if warn {
		v, _ := mc.ev.eval(r.Period)
		mc.c.info.Warnings.Add(r.Period.GetPos(), msgRefrRounded, numStr(v), n, numStr(m.Dt))
	}
}

// dim infers the type of e, reporting errors and recording dimensions.
func (mc *modelChecker) dim(e Expr) tval {
	t := mc.dim1(e)
	if !mc.quiet && !t.bad && !t.boolean && mc.c.info != nil {
		mc.c.info.Dims[e] = t.d
	}
	return t
}

func (mc *modelChecker) dim1(e Expr) tval {
	switch e := e.(type) {
	case *Number:
		if e.Unit == "" {
			return tval{free: e.Value == 0}
		}
		u, ok := LookupUnit(e.Unit)
		if !ok {
			mc.errorf(e.Pos, msgUnknownUnit, e.Unit)
			return tBad
		}
		return num(u.Dim)
	case *Ident:
		return mc.ident(e)
	case *Unary:
		x := mc.dim(e.X)
		if x.bad {
			return x
		}
		if e.Op == "!" {
			if !x.boolean {
				mc.errorf(e.X.GetPos(), msgNumberCond)
				return tBad
			}
			return x
		}
		if x.boolean {
			mc.errorf(e.X.GetPos(), msgBoolArith)
			return tBad
		}
		return x
	case *Binary:
		return mc.binary(e)
	case *Call:
		if len(e.Kw) > 0 {
			mc.errorf(e.Kw[0].Pos, msgNamedArg, e.Fun)
			return tBad
		}
		return mc.call(e)
	case *String:
		mc.errorf(e.Pos, msgStringExpr, FormatExpr(e))
		return tBad
	case *List:
		mc.errorf(e.Pos, msgLayerNotList, FormatExpr(e))
		return tBad
	case nil:
		return tBad
	}
	return tBad
}

func (mc *modelChecker) ident(e *Ident) tval {
	m := mc.m
	if mc.unitCtx {
		// A unit expression names units, whatever the model declares.
		if u, ok := LookupUnit(e.Name); ok {
			return num(u.Dim)
		}
		return tBad // unitDim reported it
	}
	s := m.Lookup(e.Name)
	switch s.Kind {
	case SymParam:
		if mc.paramSt == nil {
			return tBad
		}
		return mc.resolveParam(s.Index)
	case SymInput:
		return num(m.Inputs[s.Index].Dim)
	case SymState:
		if mc.pending == nil {
			// A constant's context (options, networks): the state's
			// dimension is not known yet, and the evaluator reports the
			// read of a state.
			return tval{free: true}
		}
		if mc.pending[s.Index] {
			return tval{free: true}
		}
		if mc.stSt != nil && mc.stSt[s.Index] != 2 {
			return mc.resolveStateDim(s.Index)
		}
		return num(m.States[s.Index].Dim)
	case SymLet:
		if i, ok := mc.letIdx[e.Name]; ok {
			if !mc.ode && mc.inLet == 0 && !mc.quiet && mc.noisyLet(i) {
				mc.errorf(e.Pos, msgNoisyLet, e.Name)
				return tBad
			}
			return mc.resolveLet(i)
		}
		return tBad
	case SymUnit:
		u, _ := LookupUnit(e.Name)
		return num(u.Dim)
	case SymDt:
		return num(dimTime)
	case SymTime:
		if !mc.quiet {
			m.UsesTime = true
		}
		return num(dimTime)
	case SymConst:
		if e.Name == "inf" {
			return tval{free: true} // like a bare 0: inf of any dimension
		}
		return num(Dimensionless)
	case SymNoise:
		if !mc.ode && (mc.inLet == 0 || e.Name == "xi") {
			if mc.inLet > 0 {
				mc.errorf(e.Pos, msgNoiseXiLet)
			} else {
				mc.errorf(e.Pos, msgNoiseOutside, e.Name)
			}
			return tBad
		}
		return num(dimNoise)
	}
	if IsNoiseName(e.Name) {
		mc.errorf(e.Pos, msgNoiseOutside, e.Name)
		return tBad
	}
	mc.errorf(e.Pos, msgUnknownName, e.Name)
	return tBad
}

// same unifies the dimensions of operands that must agree (verb: "add").
func (mc *modelChecker) same(pos Pos, verb string, ts ...tval) tval {
	var out tval
	out.free = true
	for _, t := range ts {
		if t.bad {
			return tBad
		}
		if t.boolean {
			mc.errorf(pos, msgBoolArith)
			return tBad
		}
	}
	for _, t := range ts {
		if t.free {
			continue
		}
		if out.free {
			out = t
			continue
		}
		if t.d != out.d {
			mc.errorf(pos, msgDimMismatch, verb, out.d, t.d)
			return tBad
		}
	}
	return out
}

func (mc *modelChecker) binary(e *Binary) tval {
	x, y := mc.dim(e.X), mc.dim(e.Y)
	switch e.Op {
	case "&&", "||":
		if x.bad || y.bad {
			return tBad
		}
		for _, t := range []struct {
			t tval
			e Expr
		}{{x, e.X}, {y, e.Y}} {
			if !t.t.boolean {
				mc.errorf(t.e.GetPos(), msgNumberCond)
				return tBad
			}
		}
		return tBool
	case "<", "<=", ">", ">=", "==", "!=":
		if t := mc.same(e.Pos, "compare", x, y); t.bad {
			return t
		}
		return tBool
	case "+":
		return mc.same(e.Pos, "add", x, y)
	case "-":
		return mc.same(e.Pos, "subtract", x, y)
	}
	if x.bad || y.bad {
		return tBad
	}
	if x.boolean || y.boolean {
		mc.errorf(e.Pos, msgBoolArith)
		return tBad
	}
	switch e.Op {
	case "*", "/":
		// A bare 0 takes any dimension alone, but in a product or
		// quotient it is a plain number: `0 * nS` is a conductance (as
		// in Brian2), not a number of any dimension.
		if x.free && y.free {
			return tval{free: true}
		}
		if x.free {
			x = num(Dim{})
		}
		if y.free {
			y = num(Dim{})
		}
		if e.Op == "*" {
			return num(x.d.Mul(y.d))
		}
		return num(x.d.Div(y.d))
	case "^":
		if n, ok := e.X.(*Number); ok && n.Unit != "" && !mc.quiet {
			// `20000 umetre**2` is (20000 umetre)^2 in .snn, unlike
			// Python's 20000*umetre**2: say so.
			mc.c.info.Warnings.Add(e.Pos, msgPowSuffix, FormatExpr(e), n.Text, n.Unit, FormatExpr(e.Y))
		}
		return mc.pow(e.Y, x, y)
	}
	mc.errorf(e.Pos, msgConstEval, strconv.Quote(FormatExpr(e)), "unknown operator "+strconv.Quote(e.Op))
	return tBad
}

// pow types base^exp.
func (mc *modelChecker) pow(exp Expr, x, y tval) tval {
	if !y.free && !y.d.IsDimensionless() {
		mc.errorf(exp.GetPos(), msgDimExponent, y.d)
		return tBad
	}
	if x.free || x.d.IsDimensionless() {
		return x
	}
	v, err := mc.constValue(exp)
	if err != nil {
		mc.errorf(exp.GetPos(), msgExponentConst, x.d)
		return tBad
	}
	d, ok := x.d.PowReal(v)
	if !ok {
		mc.errorf(exp.GetPos(), msgExponentHalf, x.d, numStr(v))
		return tBad
	}
	return num(d)
}

// constValue evaluates e if it is constant, silently.
func (mc *modelChecker) constValue(e Expr) (float64, error) {
	if mc.ev == nil {
		return 0, Errorf(e.GetPos(), msgConstEval, "", "")
	}
	return mc.ev.eval(e)
}

func (mc *modelChecker) call(e *Call) tval {
	ts := make([]tval, len(e.Args))
	for i, a := range e.Args {
		ts[i] = mc.dim(a)
	}
	if e.Fun == "timestep" {
		return mc.timestep(e, ts)
	}
	b := fixed.LookupBuiltin(e.Fun)
	if b == nil {
		mc.errorf(e.Pos, msgUnknownFunc, e.Fun, builtinList())
		return tBad
	}
	if n := b.Arity; n != len(e.Args) {
		s := "s"
		if n == 1 {
			s = ""
		}
		mc.errorf(e.Pos, msgArity, e.Fun, n, s, len(e.Args))
		return tBad
	}
	for i, t := range ts {
		if t.bad {
			return tBad
		}
		if t.boolean {
			mc.errorf(e.Args[i].GetPos(), msgBoolArith)
			return tBad
		}
	}
	switch e.Fun {
	case "abs", "floor", "ceil":
		return ts[0] // Brian2: the unit of the argument
	case "sign":
		return num(Dimensionless) // of any argument
	case "min", "max", "clip":
		return mc.same(e.Pos, "compare", ts...)
	case "pow":
		return mc.pow(e.Args[1], ts[0], ts[1])
	case "sqrt":
		x := ts[0]
		if x.free {
			return x
		}
		d, ok := x.d.PowReal(0.5)
		if !ok {
			mc.errorf(e.Args[0].GetPos(), msgSqrtDim, x.d)
			return tBad
		}
		return num(d)
	}
	// exp log sin cos tanh sigmoid, and every other function: arguments
	// and result dimensionless (Brian2's exprel, cosh, arcsin, int, ...).
	for i, x := range ts {
		if !x.free && !x.d.IsDimensionless() {
			mc.errorf(e.Args[i].GetPos(), msgDimArg, e.Fun, x.d)
			return tBad
		}
	}
	return num(Dimensionless)
}

// timestep types Brian2's timestep(t, dt) = int((t + 1e-3*dt)/dt): two
// times, a whole number of steps. The checker evaluates it, so it is
// allowed only in the constant values it evaluates (parameters, initial
// values, ranges, the refractory period).
func (mc *modelChecker) timestep(e *Call, ts []tval) tval {
	if len(e.Args) != 2 {
		mc.errorf(e.Pos, msgArity, e.Fun, 2, "s", len(e.Args))
		return tBad
	}
	if !mc.valueCtx {
		mc.errorf(e.Pos, msgTimestepCtx)
		return tBad
	}
	for i, x := range ts {
		if x.bad {
			return tBad
		}
		if x.boolean || !x.free && x.d != dimTime {
			mc.errorf(e.Args[i].GetPos(), msgTimestepArg, i+1, x.d)
			return tBad
		}
	}
	return num(Dimensionless)
}
