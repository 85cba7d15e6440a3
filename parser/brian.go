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
	Init       []string // "v=-65mV": initial values of states (default 0 in the state's unit)
	Threshold  string   // "v > -50*mV"
	Reset      string   // "v = -65*mV; w += b" (+=, -=, *=, /= are desugared)
	Refractory string   // "2ms", "5*ms" or ""
	Dt         string   // "0.1ms" or ""
	Method     string   // "euler", "exact", "rk2", "rk4" or ""
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
	brianODELHS  = regexp.MustCompile(`^\s*d([A-Za-z_]\w*)\s*/\s*dt\s*$`)
	brianNameLHS = regexp.MustCompile(`^\s*([A-Za-z_]\w*)\s*$`)
	brianFlags   = regexp.MustCompile(`\(([\s\w,-]*)\)\s*$`)
	brianAssign  = regexp.MustCompile(`^\s*([A-Za-z_]\w*)\s*(\+=|-=|\*=|/=|=)`)
)

// brianMethods maps Brian2 method names to scc's.
var brianMethods = map[string]string{
	"euler": "euler", "exact": "exact", "rk2": "rk2", "rk4": "rk4",
	"exponential_euler": "exact", "linear": "exact", "midpoint": "rk2",
}

// ParseBrian builds a model from Brian2 equations: `dx/dt = e : unit`
// declares state x and its ODE, `x = e : unit` a subexpression, `x : unit`
// an input. The error, when not nil, is a lang.ErrorList.
func ParseBrian(opt BrianOptions) (*lang.Model, error) {
	b := &brian{defined: map[string]bool{}}
	name := opt.Name
	if name == "" {
		name = "Eq"
	}
	m := &lang.Model{Pos: lang.Pos{File: brianEqFile, Line: 1, Col: 1}, Name: name}
	for i, p := range opt.Params {
		b.param(i+1, p)
	}
	line := 0
	for _, eqs := range opt.Equations {
		for _, l := range strings.Split(eqs, "\n") {
			line++
			b.equation(line, l)
		}
	}
	for i, s := range opt.Init {
		b.init(i+1, s)
	}
	m.Items = append(m.Items, b.params...)
	m.Items = append(m.Items, b.inputs...)
	m.Items = append(m.Items, b.states...)
	m.Items = append(m.Items, b.lets...)
	m.Items = append(m.Items, b.odes...)
	if strings.TrimSpace(opt.Threshold) != "" {
		pos := lang.Pos{File: "--threshold", Line: 1, Col: 1}
		m.Items = append(m.Items, &lang.Spike{Pos: pos, Cond: b.expr("--threshold", 1, 1, opt.Threshold),
			Reset: b.reset(opt.Reset)})
	} else if strings.TrimSpace(opt.Reset) != "" {
		b.errs.Add(lang.Pos{File: "--reset", Line: 1, Col: 1}, msgBrianEmpty, "--threshold for --reset")
	}
	if strings.TrimSpace(opt.Refractory) != "" {
		pos := lang.Pos{File: "--refractory", Line: 1, Col: 1}
		m.Items = append(m.Items, &lang.Refractory{Pos: pos, Period: b.expr("--refractory", 1, 1, opt.Refractory)})
	}
	if meth := strings.TrimSpace(opt.Method); meth != "" {
		pos := lang.Pos{File: "--method", Line: 1, Col: 1}
		if w, ok := brianMethods[meth]; ok {
			m.Items = append(m.Items, &lang.Option{Pos: pos, Key: "method", Word: w})
		} else {
			b.errs.Add(pos, msgBrianMethod, meth)
		}
	}
	if strings.TrimSpace(opt.Dt) != "" {
		pos := lang.Pos{File: "--dt", Line: 1, Col: 1}
		m.Items = append(m.Items, &lang.Option{Pos: pos, Key: "dt", Value: b.expr("--dt", 1, 1, opt.Dt)})
	}
	return m, b.errs.Err()
}

// brian collects the items of a Brian2 model by kind, in source order.
type brian struct {
	errs                               lang.ErrorList
	params, inputs, states, lets, odes []lang.Item
	defined                            map[string]bool
	stateByName                        map[string]*lang.State
}

// equation parses one line of the equations.
func (b *brian) equation(line int, text string) {
	if i := strings.IndexByte(text, '#'); i >= 0 {
		text = text[:i]
	}
	if strings.TrimSpace(text) == "" {
		return
	}
	pos := func(off int) lang.Pos { return lang.Pos{File: brianEqFile, Line: line, Col: off + 1} }
	defn, annot, annotOff := text, "", -1
	if i := strings.IndexByte(text, ':'); i >= 0 {
		defn, annot, annotOff = text[:i], text[i+1:], i+1
	}
	var unit lang.Expr
	unless := false
	if annotOff >= 0 {
		if m := brianFlags.FindStringSubmatchIndex(annot); m != nil {
			off := m[2]
			for _, flag := range strings.Split(annot[m[2]:m[3]], ",") {
				f := strings.TrimSpace(flag)
				switch {
				case strings.Join(strings.Fields(f), " ") == "unless refractory":
					unless = true
				case f != "":
					b.errs.Add(pos(annotOff+off+strings.Index(flag, f)), msgBrianFlag, f)
				}
				off += len(flag) + 1
			}
			annot = annot[:m[0]]
		}
		unit = b.unit(line, annotOff+1, annot)
	}
	lhs, rhs, rhsOff := defn, "", -1
	if i := strings.IndexByte(defn, '='); i >= 0 {
		lhs, rhs, rhsOff = defn[:i], defn[i+1:], i+1
	}
	lhsPos := pos(len(lhs) - len(strings.TrimLeft(lhs, " \t")))
	var value lang.Expr
	if rhsOff >= 0 {
		value = b.expr(brianEqFile, line, rhsOff+1, rhs)
	}
	switch m := brianODELHS.FindStringSubmatch(lhs); {
	case m != nil && rhsOff >= 0:
		v := m[1]
		varPos := lhsPos
		varPos.Col++
		if !b.define(varPos, v) {
			return
		}
		st := &lang.State{Pos: lhsPos, Name: v, Unit: unit, Init: zero(unit)}
		b.states = append(b.states, st)
		if b.stateByName == nil {
			b.stateByName = map[string]*lang.State{}
		}
		b.stateByName[v] = st
		b.odes = append(b.odes, &lang.ODE{Pos: lhsPos, Var: v, VarPos: varPos, RHS: value, UnlessRefractory: unless})
	case brianNameLHS.MatchString(lhs):
		n := strings.TrimSpace(lhs)
		if !b.define(lhsPos, n) {
			return
		}
		if unless {
			b.errs.Add(lhsPos, msgUnlessOnLet, n)
		}
		if rhsOff >= 0 {
			b.lets = append(b.lets, &lang.Let{Pos: lhsPos, Name: n, Value: value})
		} else {
			b.inputs = append(b.inputs, &lang.Input{Pos: lhsPos, Name: n, Unit: unit})
		}
	default:
		b.errs.Add(lhsPos, msgBrianLHS, strings.TrimSpace(lhs))
	}
}

// define records a new name, reporting names scc cannot use.
func (b *brian) define(pos lang.Pos, name string) bool {
	switch {
	case strings.HasSuffix(name, "_pre") || strings.HasSuffix(name, "_post"):
		b.errs.Add(pos, msgBrianSynaptic, name)
		return false
	case slices.Contains(keywords, name):
		b.errs.Add(pos, msgBrianReserved, name)
		return false
	case b.defined[name]:
		b.errs.Add(pos, msgBrianDuplicate, name)
		return false
	}
	b.defined[name] = true
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

// unit parses a unit annotation and checks its names against the unit table.
func (b *brian) unit(line, col int, text string) lang.Expr {
	u := b.expr(brianEqFile, line, col, text)
	walk(u, func(e lang.Expr) {
		if id, ok := e.(*lang.Ident); ok {
			if _, known := lang.LookupUnit(id.Name); !known {
				b.errs.Add(id.Pos, msgBrianUnit, id.Name)
			}
		}
	})
	return u
}

// param parses "name=value".
func (b *brian) param(n int, s string) {
	m := brianAssign.FindStringSubmatchIndex(s)
	if m == nil || s[m[4]:m[5]] != "=" {
		b.errs.Add(lang.Pos{File: "--param", Line: n, Col: 1}, msgBrianParam, s)
		return
	}
	pos := lang.Pos{File: "--param", Line: n, Col: m[2] + 1}
	name := s[m[2]:m[3]]
	if b.define(pos, name) {
		b.params = append(b.params, &lang.Param{Pos: pos, Name: name, Value: b.expr("--param", n, m[1]+1, s[m[1]:])})
	}
}

// init parses "name=value" for a state's initial value.
func (b *brian) init(n int, s string) {
	m := brianAssign.FindStringSubmatchIndex(s)
	if m == nil || s[m[4]:m[5]] != "=" {
		b.errs.Add(lang.Pos{File: "--init", Line: n, Col: 1}, msgBrianParam, s)
		return
	}
	name := s[m[2]:m[3]]
	st := b.stateByName[name]
	if st == nil {
		b.errs.Add(lang.Pos{File: "--init", Line: n, Col: m[2] + 1}, msgBrianInitUnknown, name)
		return
	}
	st.Init = b.expr("--init", n, m[1]+1, s[m[1]:])
}

// reset parses Brian2 reset statements separated by ';' or newlines.
func (b *brian) reset(s string) []*lang.Assign {
	var out []*lang.Assign
	for li, line := range strings.Split(s, "\n") {
		off := 0
		for _, stmt := range strings.Split(line, ";") {
			col := off + 1
			off += len(stmt) + 1
			if i := strings.IndexByte(stmt, '#'); i >= 0 {
				stmt = stmt[:i]
			}
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			m := brianAssign.FindStringSubmatchIndex(stmt)
			if m == nil {
				b.errs.Add(lang.Pos{File: "--reset", Line: li + 1, Col: col}, msgBrianAssign, strings.TrimSpace(stmt))
				continue
			}
			pos := lang.Pos{File: "--reset", Line: li + 1, Col: col + m[2]}
			name := stmt[m[2]:m[3]]
			value := b.expr("--reset", li+1, col+m[1], stmt[m[1]:])
			if op := stmt[m[4]:m[5]]; op != "=" {
				value = &lang.Binary{Pos: pos, Op: op[:1], X: &lang.Ident{Pos: pos, Name: name}, Y: value}
			}
			out = append(out, &lang.Assign{Pos: pos, Name: name, Value: value})
		}
	}
	return out
}

// expr parses a Brian2 expression found at (line, col) of file.
func (b *brian) expr(file string, line, col int, text string) lang.Expr {
	pm := newPosMap(file, text, line, col)
	g, err := brianExprParser.ParseString(file, text)
	if err != nil {
		t, msg := syntaxError(err, "end of expression")
		t, msg = blameOperand(significant(brianLexer, text), brianTokType, t, msg)
		b.errs.Add(pm.pos(t.Pos), "%s", msg)
		return nil
	}
	cv := converter{pm: pm, errs: &b.errs}
	e := cv.expr(g)
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
	}
}
