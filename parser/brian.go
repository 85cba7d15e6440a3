package parser

import (
	"regexp"
	"slices"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"scc/lang"
)

// BrianOptions is the input of `scc eq`: Brian2 model equations and the
// keyword arguments of Brian2's NeuronGroup, as strings.
type BrianOptions struct {
	Name       string   // model name, default "Eq"
	Equations  []string // each may hold several lines, e.g. "dv/dt = (v_rest - v)/tau : volt (unless refractory)"
	Params     []string // "tau=20ms", "v_rest=-65mV", "R=1", in order
	Init       []string // "v=-65mV", "u=b*v": initial values of states and values of (constant) parameters
	Threshold  string   // "v > -50*mV"
	Reset      string   // "v = -65*mV; w += b" (+=, -=, *=, /= are desugared)
	Refractory string   // "2ms", "5*ms", a condition "v > -20*mV", or ""
	Dt         string   // "0.1ms" or ""
	Method     string   // a Brian2 method name (brianMethods) or ""
}

// Diagnostic files of ParseBrian: equations count lines across all of
// BrianOptions.Equations; each option string is its own file whose line is
// the 1-based index of the repeated flag (--param).
const (
	brianEqFile = "eq"
)

var brianTokType = lexer.SymbolsByRune(brianLexer)

var brianExprParser = participle.MustBuild[expr](participle.Lexer(brianLexer), participle.Elide(elided...))

var (
	brianODELHS  = regexp.MustCompile(`^\s*d\s*([A-Za-z_]\w*)\s*/\s*dt\s*$`)
	brianNameLHS = regexp.MustCompile(`^\s*([A-Za-z_]\w*)\s*$`)
	brianAssign  = regexp.MustCompile(`^\s*([A-Za-z_]\w*)\s*(\+=|-=|\*=|/=|=)`)
)

// brianMethods maps Brian2's method names to scc's method words
// (lang.Method): euler_maruyama is Brian2's euler for additive noise,
// linear its exact, midpoint its rk2.
var brianMethods = map[string]string{
	"euler": "euler", "euler_maruyama": "euler", "exact": "exact", "linear": "exact",
	"exponential_euler": "exponential_euler", "rk2": "rk2", "midpoint": "rk2", "rk4": "rk4",
	"heun": "heun", "milstein": "milstein",
}

// brianReservedNames have a special meaning in Brian2 equations
// (brian2.equations.equations.check_identifier_reserved); xi_* too.
var brianReservedNames = []string{"t", "dt", "t_in_timesteps", "xi", "i", "N"}

// ParseBrian builds a model from Brian2 equations: `dx/dt = e : unit`
// declares state x and its ODE, `x = e : unit` a subexpression, `x : unit`
// an input (a parameter when flagged constant or shared). An equation runs
// over several lines up to the ':' of its unit, as in Brian2. The error,
// when not nil, is a lang.ErrorList.
func ParseBrian(opt BrianOptions) (*lang.Model, error) {
	sp := &brianSpec{name: opt.Name, pos: lang.Pos{File: brianEqFile, Line: 1, Col: 1}}
	sp.eqs = newBrianText(brianEqFile, strings.Join(opt.Equations, "\n"), 1, 1)
	for i, p := range opt.Params {
		if d, ok := optionDef("--param", i+1, p, &sp.errs); ok {
			sp.params = append(sp.params, d)
		}
	}
	for i, p := range opt.Init {
		if d, ok := optionDef("--init", i+1, p, &sp.errs); ok {
			sp.inits = append(sp.inits, d)
		}
	}
	sp.threshold = newBrianText("--threshold", opt.Threshold, 1, 1)
	sp.reset = newBrianText("--reset", opt.Reset, 1, 1)
	sp.refractory = newBrianText("--refractory", opt.Refractory, 1, 1)
	sp.dt = newBrianText("--dt", opt.Dt, 1, 1)
	sp.method = newBrianText("--method", opt.Method, 1, 1)
	m, _ := buildBrian(sp)
	return m, sp.errs.Err()
}

// optionDef parses "name=value" of the n-th --param or --init.
func optionDef(file string, n int, s string, errs *lang.ErrorList) (brianDef, bool) {
	t := newBrianText(file, s, n, 1)
	m := brianAssign.FindStringSubmatchIndex(s)
	if m == nil || s[m[4]:m[5]] != "=" {
		errs.Add(t.at(0), msgBrianParam, s)
		return brianDef{}, false
	}
	return brianDef{name: s[m[2]:m[3]], pos: t.at(m[2]), value: t.from(m[1])}, true
}

// brianSpec is what both Brian2 forms give: the equations and the
// NeuronGroup arguments as positioned texts, the namespace and the initial
// values.
type brianSpec struct {
	name   string
	pos    lang.Pos
	eqs    brianText
	params []brianDef // the namespace: --param, or a script's assignments
	inits  []brianDef // --init, or a script's G.x = value
	// threshold, reset, refractory, dt and method are blank when not given.
	threshold, reset, refractory, dt, method brianText
	// script: a Brian2 script, whose namespace holds every top-level
	// assignment; only the names the model reads become parameters, and
	// an initial value of an input is its constant stimulus (inputs).
	script bool
	inputs []*lang.Assign
	// refrExpr and dtExpr are a script's refractory= and dt given as
	// Python quantities (already parsed; nil: parse the text).
	refrExpr, dtExpr lang.Expr
	errs             lang.ErrorList
}

// brianDef is `name = value`: a parameter or an initial value.
type brianDef struct {
	name  string
	pos   lang.Pos
	value brianText
	expr  lang.Expr // parsed value (set by buildBrian; a script sets it when the value is Python)
}

// brianEq is one parsed equation.
type brianEq struct {
	kind   brianKind
	name   string
	pos    lang.Pos // first byte of the left side
	varPos lang.Pos // the name (after d of an ODE)
	value  lang.Expr
	unit   lang.Expr
	flags  []string
	unless bool // (unless refractory)
	stepC  bool // (constant over dt)
	param  bool // (constant) or (shared) on x : unit
}

type brianKind uint8

const (
	brianODE brianKind = iota
	brianSub
	brianPar
)

func (k brianKind) String() string {
	return [...]string{"the differential equation of", "the subexpression", "the parameter"}[k]
}

// brian collects diagnostics of one conversion.
type brian struct {
	errs *lang.ErrorList
}

// buildBrian converts sp into a model; sp.errs gets every diagnostic.
func buildBrian(sp *brianSpec) (*lang.Model, bool) {
	b := &brian{errs: &sp.errs}
	name := sp.name
	if name == "" {
		name = "Eq"
	}
	m := &lang.Model{Pos: sp.pos, Name: name}
	eqs := b.equations(sp.eqs)
	byName := map[string]*brianEq{}
	for _, e := range eqs {
		if p, dup := byName[e.name]; dup {
			b.errs.Add(e.varPos, msgBrianDuplicate, e.name)
			_ = p
			continue
		}
		byName[e.name] = e
	}
	for i := range sp.params {
		d := &sp.params[i]
		if d.expr == nil {
			d.expr = b.expr(d.value, "parameter value")
		}
	}
	for i := range sp.inits {
		d := &sp.inits[i]
		if d.expr == nil {
			d.expr = b.expr(d.value, "initial value")
		}
	}

	// The NeuronGroup arguments.
	var spike *lang.Spike
	if !sp.threshold.blank() {
		spike = &lang.Spike{Pos: sp.threshold.trim().at(0), Cond: b.expr(sp.threshold, "threshold condition"),
			Reset: b.reset(sp.reset)}
	} else if !sp.reset.blank() {
		b.errs.Add(sp.reset.trim().at(0), msgBrianEmpty, "a threshold for the reset")
	}
	var refr *lang.Refractory
	if !sp.refractory.blank() {
		period := sp.refrExpr
		if period == nil {
			period = b.expr(sp.refractory, "refractory period")
		}
		refr = &lang.Refractory{Pos: sp.refractory.trim().at(0), Period: period, Brian: true}
	}
	var opts []lang.Item
	if !sp.method.blank() {
		t := sp.method.trim()
		if w, ok := brianMethods[t.text]; ok {
			opts = append(opts, &lang.Option{Pos: t.at(0), Key: "method", Word: w})
		} else {
			b.errs.Add(t.at(0), msgBrMethod, t.text)
		}
	}
	if !sp.dt.blank() {
		dt := sp.dtExpr
		if dt == nil {
			dt = b.expr(sp.dt, "time step")
		}
		opts = append(opts, &lang.Option{Pos: sp.dt.trim().at(0), Key: "dt", Value: dt})
	}

	// A plain `x : unit` that the reset (or the refractory body) assigns
	// is a state without an equation, as Brian2 lets a reset change a
	// parameter.
	assigned := map[string]bool{}
	if spike != nil {
		for _, a := range spike.Reset {
			assigned[a.Name] = true
		}
	}

	// Items by kind, in equation order.
	var params, inputs, states, lets, odes []lang.Item
	paramByName := map[string]*lang.Param{}
	stateByName := map[string]*lang.State{}
	inputByName := map[string]*lang.Input{}
	letNames := map[string]bool{}
	for _, e := range eqs {
		if byName[e.name] != e {
			continue
		}
		switch {
		case e.kind == brianODE:
			st := &lang.State{Pos: e.pos, Name: e.name, Unit: e.unit, Init: zero(e.unit)}
			states = append(states, st)
			stateByName[e.name] = st
			odes = append(odes, &lang.ODE{Pos: e.pos, Var: e.name, VarPos: e.varPos, RHS: e.value, UnlessRefractory: e.unless})
		case e.kind == brianSub:
			lets = append(lets, &lang.Let{Pos: e.pos, Name: e.name, Value: e.value, StepConstant: e.stepC})
			letNames[e.name] = true
		case e.param:
			p := &lang.Param{Pos: e.pos, Name: e.name, Value: zero(e.unit)}
			paramByName[e.name] = p
			params = append(params, p)
		case assigned[e.name]:
			st := &lang.State{Pos: e.pos, Name: e.name, Unit: e.unit, Init: zero(e.unit)}
			states = append(states, st)
			stateByName[e.name] = st
		default:
			in := &lang.Input{Pos: e.pos, Name: e.name, Unit: e.unit}
			inputs = append(inputs, in)
			inputByName[e.name] = in
		}
	}

	// Initial values: of states, of flagged parameters, and (scripts) of
	// inputs, whose value is the constant stimulus.
	initPos := map[string]lang.Pos{}
	for _, d := range sp.inits {
		if p, twice := initPos[d.name]; twice && !sp.script {
			b.errs.Add(d.pos, msgBrInitTwice, d.name, p)
			continue
		}
		initPos[d.name] = d.pos
		switch {
		case stateByName[d.name] != nil:
			stateByName[d.name].Init = d.expr
		case paramByName[d.name] != nil:
			paramByName[d.name].Value = d.expr
		case inputByName[d.name] != nil && sp.script:
			sp.inputs = slices.DeleteFunc(sp.inputs, func(a *lang.Assign) bool { return a.Name == d.name })
			sp.inputs = append(sp.inputs, &lang.Assign{Pos: d.pos, Name: d.name, Value: d.expr})
		case inputByName[d.name] != nil:
			b.errs.Add(d.pos, msgBrInitInput, d.name, d.name, d.name)
		case letNames[d.name]:
			b.errs.Add(d.pos, msgBrInitLet, d.name)
		default:
			b.errs.Add(d.pos, msgBrianInitUnknown, d.name)
		}
	}

	// The namespace. Names the equations define shadow it (Brian2 reads
	// a group's own variables first); `scc eq --param` naming one of them
	// gives the value of a flagged parameter and is an error otherwise.
	var nsParams []lang.Item
	for _, d := range sp.params {
		if e := byName[d.name]; e != nil {
			switch {
			case sp.script:
			case paramByName[d.name] != nil && initPos[d.name] == (lang.Pos{}):
				paramByName[d.name].Value = d.expr
			default:
				b.errs.Add(e.varPos, msgBrianDuplicate, d.name)
			}
			continue
		}
		if !b.define(d.pos, d.name) {
			continue
		}
		nsParams = append(nsParams, &lang.Param{Pos: d.pos, Name: d.name, Value: d.expr})
	}
	if sp.script {
		nsParams = usedParams(nsParams, append(append(append(append(append([]lang.Item{}, params...), states...),
			lets...), odes...), append(opts, spikeItems(spike, refr)...)...), sp.inputs)
	}
	m.Items = append(m.Items, nsParams...)
	m.Items = append(m.Items, params...)
	m.Items = append(m.Items, inputs...)
	m.Items = append(m.Items, states...)
	m.Items = append(m.Items, lets...)
	m.Items = append(m.Items, odes...)
	m.Items = append(m.Items, spikeItems(spike, refr)...)
	m.Items = append(m.Items, opts...)
	return m, len(sp.errs) == 0
}

func spikeItems(spike *lang.Spike, refr *lang.Refractory) []lang.Item {
	var out []lang.Item
	if spike != nil {
		out = append(out, spike)
	}
	if refr != nil {
		out = append(out, refr)
	}
	return out
}

// usedParams keeps the parameters that items (or the inputs' values) read,
// directly or through other parameters, in their order.
func usedParams(params, items []lang.Item, inputs []*lang.Assign) []lang.Item {
	byName := map[string]*lang.Param{}
	for _, it := range params {
		p := it.(*lang.Param)
		byName[p.Name] = p
	}
	used := map[string]bool{}
	var mark func(e lang.Expr)
	mark = func(e lang.Expr) {
		walk(e, func(e lang.Expr) {
			if id, ok := e.(*lang.Ident); ok && !used[id.Name] && byName[id.Name] != nil {
				used[id.Name] = true
				mark(byName[id.Name].Value)
			}
		})
	}
	for _, it := range items {
		for _, e := range itemExprs(it) {
			mark(e)
		}
	}
	for _, a := range inputs {
		mark(a.Value)
	}
	var out []lang.Item
	for _, it := range params {
		if used[it.(*lang.Param).Name] {
			out = append(out, it)
		}
	}
	return out
}

// itemExprs lists the expressions of a model item.
func itemExprs(it lang.Item) []lang.Expr {
	switch n := it.(type) {
	case *lang.Param:
		return []lang.Expr{n.Value}
	case *lang.State:
		return []lang.Expr{n.Init}
	case *lang.Let:
		return []lang.Expr{n.Value}
	case *lang.ODE:
		return []lang.Expr{n.RHS}
	case *lang.Spike:
		out := []lang.Expr{n.Cond}
		for _, a := range n.Reset {
			out = append(out, a.Value)
		}
		return out
	case *lang.Refractory:
		out := []lang.Expr{n.Period}
		for _, a := range n.Body {
			out = append(out, a.Value)
		}
		return out
	case *lang.Option:
		return []lang.Expr{n.Value}
	}
	return nil
}

// equations splits Brian2 equations as Brian2's grammar does
// (brian2/equations/equations.py): `dx/dt = expr : unit (flags)`,
// `x = expr : unit (flags)` and `x : unit (flags)`, where an expression
// runs over lines up to the ':' of its unit, the unit ends at the end of
// its line or at the '(' of the flags, and '#' starts a comment.
func (b *brian) equations(all brianText) []*brianEq {
	t := all.uncomment()
	s := t.text
	var out []*brianEq
	i := 0
	for {
		for i < len(s) && isBlank(s[i]) {
			i++
		}
		if i >= len(s) {
			return out
		}
		start := i
		j := strings.IndexAny(s[i:], ":=")
		if j < 0 {
			lhs := t.from(start)
			b.errs.Add(lhs.at(0), msgBrNoUnit, lhs.firstLine())
			return out
		}
		j += i
		lhs := t.slice(start, j)
		var rhs brianText
		hasRHS := false
		colon := j
		if s[j] == '=' {
			k := strings.IndexByte(s[j+1:], ':')
			if k < 0 {
				rest := t.slice(start, len(s))
				b.errs.Add(rest.at(0), msgBrNoUnit, rest.firstLine())
				return out
			}
			colon = j + 1 + k
			rhs, hasRHS = t.slice(j+1, colon), true
		}
		// The unit: to the end of the line or the '(' of the flags; the
		// annotation may start on the next line (Brian2 skips white
		// space before it).
		u := colon + 1
		for u < len(s) && isBlank(s[u]) {
			u++
		}
		ue := u
		for ue < len(s) && s[ue] != '\n' && s[ue] != '(' {
			ue++
		}
		unitText := t.slice(u, ue)
		i = ue
		var flags []brianText
		f := i
		for f < len(s) && isBlank(s[f]) {
			f++
		}
		if f < len(s) && s[f] == '(' {
			k := strings.IndexByte(s[f:], ')')
			if k < 0 {
				b.errs.Add(t.at(f), msgBrFlagsOpen, lhs.firstLine())
				return out
			}
			flags = t.slice(f+1, f+k).split(",")
			i = f + k + 1
		}
		if e := b.equation(lhs, rhs, hasRHS, unitText, colon, t, flags); e != nil {
			out = append(out, e)
		}
	}
}

// equation builds one equation from its pieces.
func (b *brian) equation(lhs, rhs brianText, hasRHS bool, unitText brianText, colon int, t brianText, flags []brianText) *brianEq {
	lt := lhs.trim()
	e := &brianEq{pos: lt.at(0), varPos: lt.at(0)}
	switch m := brianODELHS.FindStringSubmatchIndex(lhs.text); {
	case m != nil && hasRHS:
		e.kind, e.name, e.varPos = brianODE, lhs.text[m[2]:m[3]], lhs.at(m[2])
	case brianNameLHS.MatchString(lhs.text):
		e.name = lt.text
		e.kind = brianPar
		if hasRHS {
			e.kind = brianSub
		}
	default:
		b.errs.Add(lt.at(0), msgBrianLHS, lt.firstLine())
		return nil
	}
	if hasRHS {
		e.value = b.expr(rhs, "right-hand side")
	}
	if unitText.blank() {
		b.errs.Add(t.at(colon+1), msgBrianEmpty, "a unit after \":\"")
	} else {
		e.unit = b.unit(unitText)
	}
	ok := b.define(e.varPos, e.name)
	for _, ft := range flags {
		f := strings.Join(strings.Fields(ft.text), " ")
		pos := ft.trim().at(0)
		where := func(allowed string) {
			b.errs.Add(pos, msgBrFlagWhere, f, allowed, e.kind.String(), e.name)
		}
		switch f {
		case "unless refractory":
			if e.kind == brianSub {
				b.errs.Add(pos, msgUnlessOnLet, e.name)
			} else if e.kind != brianODE {
				where("differential equations")
			}
			e.unless = true
		case "constant", "shared":
			switch {
			case e.kind == brianPar:
				e.param = true
			case f == "constant":
				where("parameters (x : unit)")
			case e.kind == brianODE:
				where("parameters and subexpressions")
			}
		case "linked":
			if e.kind != brianPar {
				where("parameters (x : unit)")
			}
		case "constant over dt":
			if e.kind != brianSub {
				where("subexpressions (x = expr : unit)")
			}
			e.stepC = true
		case "event-driven":
			b.errs.Add(pos, msgBrFlagEventDriven)
		default:
			b.errs.Add(pos, msgBrFlagUnknown, f)
		}
	}
	if !ok {
		return nil
	}
	return e
}

// define checks a new name, reporting names scc cannot use.
func (b *brian) define(pos lang.Pos, name string) bool {
	switch {
	case strings.HasSuffix(name, "_pre") || strings.HasSuffix(name, "_post"):
		b.errs.Add(pos, msgBrianSynaptic, name)
		return false
	case slices.Contains(keywords, name):
		b.errs.Add(pos, msgBrianReserved, name)
		return false
	case slices.Contains(brianReservedNames, name) || strings.HasPrefix(name, "xi_"):
		b.errs.Add(pos, msgBrSpecial, name)
		return false
	}
	return true
}

// zero is the default initial value: 0 in the state's unit.
func zero(unit lang.Expr) lang.Expr {
	switch u := unit.(type) {
	case nil, *lang.Number:
		return &lang.Number{Value: 0, Text: "0"}
	case *lang.Ident:
		return &lang.Number{Value: 0, Text: "0", Unit: u.Name}
	}
	return &lang.Binary{Op: "*", X: &lang.Number{Value: 0, Text: "0"}, Y: unit}
}

// unit parses a unit annotation and checks its names against the unit
// table. Brian2's types `boolean` and `integer` are dimensionless (nil).
func (b *brian) unit(t brianText) lang.Expr {
	switch strings.TrimSpace(t.text) {
	case "boolean", "integer":
		return nil
	}
	u := b.expr(t, "unit")
	walk(u, func(e lang.Expr) {
		if id, ok := e.(*lang.Ident); ok {
			if _, known := lang.LookupUnit(id.Name); !known {
				b.errs.Add(id.Pos, msgBrianUnit, id.Name)
			}
		}
	})
	return u
}

// reset parses Brian2 reset statements separated by ';' or newlines.
func (b *brian) reset(t brianText) []*lang.Assign {
	var out []*lang.Assign
	for _, stmt := range t.uncomment().split(";\n") {
		if stmt.blank() {
			continue
		}
		st := stmt.trim()
		m := brianAssign.FindStringSubmatchIndex(st.text)
		if m == nil {
			b.errs.Add(st.at(0), msgBrianAssign, st.text)
			continue
		}
		pos := st.at(m[2])
		name := st.text[m[2]:m[3]]
		value := b.expr(st.from(m[1]), "reset statement")
		if op := st.text[m[4]:m[5]]; op != "=" {
			value = &lang.Binary{Pos: pos, Op: op[:1], X: &lang.Ident{Pos: pos, Name: name}, Y: value}
		}
		out = append(out, &lang.Assign{Pos: pos, Name: name, Value: value})
	}
	return out
}

// expr parses a Brian2 expression; what names it when it is missing.
// Every position of the result and of its diagnostics is t's.
func (b *brian) expr(t brianText, what string) lang.Expr {
	if t.blank() {
		b.errs.Add(t.trim().at(0), msgBrianEmpty, what)
		return nil
	}
	text := t.text
	// The lexer reads // and /* as comments of .snn; Python's // is
	// floor division.
	if i := strings.Index(text, "//"); i >= 0 {
		b.errs.Add(t.at(i), msgBrFloorDiv, "//")
		return nil
	}
	if i := strings.Index(text, "/*"); i >= 0 {
		b.errs.Add(t.at(i+1), msgExpectedExpr, `"*"`)
		return nil
	}
	pm := newPosMap("", text, 1, 1)
	remap := func(p lang.Pos) lang.Pos {
		if p.Line < 1 || p.Line > len(pm.lineStarts) {
			return t.at(0)
		}
		return t.at(pm.lineStarts[p.Line-1] + p.Col - 1)
	}
	g, err := brianExprParser.ParseString("", text)
	if err != nil {
		tok, msg := syntaxError(err, "end of expression")
		tok, msg = blameOperand(significant(brianLexer, text), brianTokType, tok, msg)
		if tok.EOF() {
			msg = strings.Replace(msg, "found end of file", "found the end of the "+what, 1)
		}
		b.errs.Add(t.at(tok.Pos.Offset), "%s", msg)
		return nil
	}
	var errs lang.ErrorList
	cv := converter{pm: pm, errs: &errs}
	e := cv.expr(g)
	for _, err := range errs {
		b.errs.Add(remap(err.Pos), "%s", err.Msg)
	}
	remapExpr(e, remap)
	walk(e, func(e lang.Expr) {
		var name string
		switch e := e.(type) {
		case *lang.Ident:
			name = e.Name
		case *lang.Call:
			name = e.Fun
		}
		if slices.Contains(keywords, name) {
			b.errs.Add(e.GetPos(), msgBrianReserved, name)
		}
	})
	return e
}

// remapExpr moves every position of e through f.
func remapExpr(e lang.Expr, f func(lang.Pos) lang.Pos) {
	switch e := e.(type) {
	case *lang.Number:
		e.Pos = f(e.Pos)
	case *lang.String:
		e.Pos = f(e.Pos)
	case *lang.Ident:
		e.Pos = f(e.Pos)
	case *lang.Unary:
		e.Pos = f(e.Pos)
		remapExpr(e.X, f)
	case *lang.Binary:
		e.Pos = f(e.Pos)
		remapExpr(e.X, f)
		remapExpr(e.Y, f)
	case *lang.Call:
		e.Pos = f(e.Pos)
		for _, a := range e.Args {
			remapExpr(a, f)
		}
		for _, a := range e.Kw {
			a.Pos = f(a.Pos)
			remapExpr(a.Value, f)
		}
	case *lang.List:
		e.Pos = f(e.Pos)
		for _, x := range e.Elems {
			remapExpr(x, f)
		}
	}
}

// walk calls fn on e and every subexpression.
func walk(e lang.Expr, fn func(lang.Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch e := e.(type) {
	case *lang.Unary:
		walk(e.X, fn)
	case *lang.Binary:
		walk(e.X, fn)
		walk(e.Y, fn)
	case *lang.Call:
		for _, a := range e.Args {
			walk(a, fn)
		}
		for _, a := range e.Kw {
			walk(a.Value, fn)
		}
	case *lang.List:
		for _, x := range e.Elems {
			walk(x, fn)
		}
	}
}
