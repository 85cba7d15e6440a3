package parser

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"scc/lang"
)

// converter turns grammar structs into the lang AST. It reports the errors
// the grammar is too permissive to catch (an ODE written dx/dy).
type converter struct {
	pm   *posMap
	errs *lang.ErrorList
}

func (c *converter) item(g *item) lang.Item {
	switch {
	case g.Param != nil:
		return &lang.Param{Pos: c.pm.pos(g.Param.Pos), Name: g.Param.Name, Value: c.expr(g.Param.Value), Range: c.bounds(g.Param.Range)}
	case g.Input != nil:
		n := g.Input
		return &lang.Input{Pos: c.pm.pos(n.Pos), Name: n.Name, Unit: c.optExpr(n.Unit), Range: c.bounds(n.Range)}
	case g.State != nil:
		n := g.State
		return &lang.State{Pos: c.pm.pos(n.Pos), Name: n.Name, Unit: c.optExpr(n.Unit),
			Init: c.optExpr(n.Init), Range: c.bounds(n.Range)}
	case g.Spike != nil:
		return &lang.Spike{Pos: c.pm.pos(g.Spike.Pos), Cond: c.expr(g.Spike.Cond), Reset: c.body(g.Spike.Body)}
	case g.Refractory != nil:
		n := g.Refractory
		return &lang.Refractory{Pos: c.pm.pos(n.Pos), Period: c.expr(n.Period), Steps: n.Steps, Body: c.body(n.Body)}
	case g.Option != nil:
		n := g.Option
		if n.Dt {
			return &lang.Option{Pos: c.pm.pos(n.Pos), Key: "dt", Value: c.expr(n.Value)}
		}
		return &lang.Option{Pos: c.pm.pos(n.Pos), Key: n.Key, Word: n.Word}
	case g.Assert != nil:
		return &lang.Assert{Pos: c.pm.pos(g.Assert.Pos), Cond: c.expr(g.Assert.Cond)}
	case g.Pop != nil:
		n := g.Pop
		return &lang.Pop{Pos: c.pm.pos(n.Pos), Name: n.Name, Model: n.Model.Name,
			ModelPos: c.pm.pos(n.Model.Pos), Size: c.expr(n.Size), Overrides: c.body(n.Body)}
	case g.Layer != nil:
		return c.layer(g.Layer)
	case g.Proj != nil:
		return c.proj(g.Proj)
	case g.Source != nil:
		n := g.Source
		return &lang.Source{Pos: c.pm.pos(n.Pos), Name: n.Name, Kind: n.Kind.Name, KindPos: c.pm.pos(n.Kind.Pos),
			Args: c.settings(n.Args), Size: c.expr(n.Size)}
	case g.Drive != nil:
		n := g.Drive
		d := &lang.Drive{Pos: c.pm.pos(n.Pos), Name: n.Name, Kind: n.Kind.Name, KindPos: c.pm.pos(n.Kind.Pos)}
		d.Args, _ = c.args(n.Args, true)
		for _, t := range n.Targets {
			d.Targets = append(d.Targets, c.target(t))
		}
		return d
	case g.Record != nil:
		n := g.Record
		r := &lang.Record{Pos: c.pm.pos(n.Pos), Target: c.target(n.Targ), Every: c.optExpr(n.Every)}
		for _, v := range n.Vars {
			r.Vars = append(r.Vars, &lang.Ident{Pos: c.pm.pos(v.Pos), Name: v.Name})
		}
		return r
	case g.Trace != nil:
		n := g.Trace
		return &lang.Trace{Pos: c.pm.pos(n.Pos), Post: n.Side == "post", Name: n.Name, Decay: c.expr(n.Decay),
			Set: n.Op == "set", Value: c.expr(n.Value)}
	case g.On != nil:
		n := g.On
		return &lang.On{Pos: c.pm.pos(n.Pos), Post: n.Side == "post", Body: c.body(n.Body)}
	case g.Next != nil:
		n := g.Next
		return &lang.Map{Pos: c.pm.pos(n.Pos), Var: n.Var.Name, VarPos: c.pm.pos(n.Var.Pos),
			RHS: c.expr(n.Value), UnlessRefractory: n.Unless}
	case g.Equation != nil:
		return c.equation(g.Equation)
	}
	panic("parser: empty item")
}

// equation tells subexpressions, ODEs and maps apart.
func (c *converter) equation(n *equation) lang.Item {
	pos, namePos := c.pm.pos(n.Pos), c.pm.pos(n.Name.Pos)
	if n.StepConst && (n.Over != nil || n.Prime) {
		c.errs.Add(pos, msgStepConstOnEq, strings.TrimPrefix(n.Name.Name, "d"))
	}
	switch {
	case n.Over != nil:
		v := n.Name.Name
		if n.Over.Name != "dt" {
			c.errs.Add(c.pm.pos(n.Over.Pos), msgODEName, "dt", n.Over.Name)
		}
		if len(v) < 2 || v[0] != 'd' {
			c.errs.Add(namePos, msgODEVar, v)
		} else {
			v = v[1:]
			namePos.Col++
		}
		return &lang.ODE{Pos: pos, Var: v, VarPos: namePos, RHS: c.expr(n.Value), UnlessRefractory: n.Unless}
	case n.Prime:
		return &lang.Map{Pos: pos, Var: n.Name.Name, VarPos: namePos, RHS: c.expr(n.Value), UnlessRefractory: n.Unless}
	}
	if n.Unless {
		c.errs.Add(pos, msgUnlessOnLet, n.Name.Name)
	}
	return &lang.Let{Pos: pos, Name: n.Name.Name, Value: c.expr(n.Value), StepConstant: n.StepConst}
}

func (c *converter) layer(n *layer) *lang.Layer {
	l := &lang.Layer{Pos: c.pm.pos(n.Pos), Name: n.Name, Kind: n.Kind.Name, KindPos: c.pm.pos(n.Kind.Pos)}
	l.Args = c.settings(n.Args)
	if n.Body != nil {
		l.Settings = c.settings(n.Body.Items)
	}
	return l
}

func (c *converter) proj(n *proj) *lang.Proj {
	p := &lang.Proj{Pos: c.pm.pos(n.Pos), Name: n.Name, Pre: c.target(n.Pre), Post: c.target(n.Post),
		Conn: n.Conn.Name, ConnPos: c.pm.pos(n.Conn.Pos), Args: c.settings(n.Args)}
	if n.Rule != nil {
		p.Rule, p.RulePos = n.Rule.Name, c.pm.pos(n.Rule.Pos)
	}
	if n.Body != nil {
		for _, s := range n.Body.Items {
			if s.Delay == nil {
				p.Settings = append(p.Settings, c.settings([]*setting{s.Setting})...)
				continue
			}
			if p.Delay != nil {
				c.errs.Add(c.pm.pos(s.Pos), msgDelayTwice, p.Delay.Pos)
				continue
			}
			p.Delay = &lang.Delay{Pos: c.pm.pos(s.Pos), Value: c.expr(s.Delay), Steps: s.Steps}
		}
	}
	return p
}

func (c *converter) target(t *target) *lang.Target {
	out := &lang.Target{Pos: c.pm.pos(t.Pos), Pop: t.Pop}
	if t.Slice != nil {
		out.SlicePos, out.Lo, out.Hi = c.pm.pos(t.Slice.Pos), c.expr(t.Slice.Lo), c.expr(t.Slice.Hi)
	}
	if t.Port != nil {
		out.Port, out.PortPos = t.Port.Name, c.pm.pos(t.Port.Pos)
	}
	return out
}

// args converts call or drive arguments: positional ones (Name "" when
// positional is set, else into pos) then named ones.
func (c *converter) args(as []*arg, positional bool) (named []*lang.Assign, pos []lang.Expr) {
	for _, a := range as {
		if a.Value == nil {
			x := c.expr(a.X)
			if len(named) > 0 {
				c.errs.Add(x.GetPos(), msgPositionalAfter)
			}
			if positional {
				named = append(named, &lang.Assign{Pos: x.GetPos(), Value: x})
			} else {
				pos = append(pos, x)
			}
			continue
		}
		x := c.expr(a.X)
		id, ok := x.(*lang.Ident)
		if !ok {
			c.errs.Add(x.GetPos(), msgArgName, lang.FormatExpr(x))
			continue
		}
		named = append(named, &lang.Assign{Pos: id.Pos, Name: id.Name, Value: c.expr(a.Value)})
	}
	return named, pos
}

func (c *converter) settings(s []*setting) []*lang.Assign {
	var out []*lang.Assign
	for _, a := range s {
		out = append(out, &lang.Assign{Pos: c.pm.pos(a.Pos), Name: a.Name, Value: c.value(a.Value)})
	}
	return out
}

// value converts a setting's value: a list literal or an expression.
func (c *converter) value(v *value) lang.Expr {
	if !v.List {
		return c.expr(v.Expr)
	}
	l := &lang.List{Pos: c.pm.pos(v.Pos)}
	for _, e := range v.Elems {
		l.Elems = append(l.Elems, c.value(e))
	}
	return l
}

func (c *converter) bounds(b *bounds) *lang.Range {
	if b == nil {
		return nil
	}
	return &lang.Range{Pos: c.pm.pos(b.Pos), Lo: c.expr(b.Lo), Hi: c.expr(b.Hi)}
}

func (c *converter) body(b *body) []*lang.Assign {
	if b == nil || len(b.Assigns) == 0 {
		return nil
	}
	out := make([]*lang.Assign, len(b.Assigns))
	for i, a := range b.Assigns {
		out[i] = &lang.Assign{Pos: c.pm.pos(a.Pos), Name: a.Name, Value: c.expr(a.Value)}
	}
	return out
}

func (c *converter) optExpr(e *expr) lang.Expr {
	if e == nil {
		return nil
	}
	return c.expr(e)
}

// The binary levels share one shape: X { Op Y }, folded to the left.

func (c *converter) expr(e *expr) lang.Expr {
	x := c.and(e.X)
	for _, t := range e.Tail {
		x = c.binary(e.Pos, x, normOp(t.Op), c.and(t.Y))
	}
	return x
}

func (c *converter) and(e *andExpr) lang.Expr {
	x := c.cmp(e.X)
	for _, t := range e.Tail {
		x = c.binary(e.Pos, x, normOp(t.Op), c.cmp(t.Y))
	}
	return x
}

func (c *converter) cmp(e *cmpExpr) lang.Expr {
	x := c.sum(e.X)
	for _, t := range e.Tail {
		x = c.binary(e.Pos, x, t.Op, c.sum(t.Y))
	}
	return x
}

func (c *converter) sum(e *sumExpr) lang.Expr {
	x := c.prod(e.X)
	for _, t := range e.Tail {
		x = c.binary(e.Pos, x, t.Op, c.prod(t.Y))
	}
	return x
}

func (c *converter) prod(e *prodExpr) lang.Expr {
	x := c.unary(e.X)
	for _, t := range e.Tail {
		x = c.binary(e.Pos, x, t.Op, c.unary(t.Y))
	}
	return x
}

// binary builds X Op Y at pos, the first token of X including any opening
// parenthesis.
func (c *converter) binary(pos lexer.Position, x lang.Expr, op string, y lang.Expr) lang.Expr {
	return &lang.Binary{Pos: c.pm.pos(pos), Op: op, X: x, Y: y}
}

// normOp maps the word and Python spellings to the AST's operators.
func normOp(op string) string {
	switch op {
	case "or":
		return "||"
	case "and":
		return "&&"
	case "not":
		return "!"
	case "**":
		return "^"
	}
	return op
}

func (c *converter) unary(u *unary) lang.Expr {
	if u.P != nil {
		return c.power(u.P)
	}
	return &lang.Unary{Pos: c.pm.pos(u.Pos), Op: normOp(u.Op), X: c.unary(u.X)}
}

func (c *converter) power(p *power) lang.Expr {
	x := c.primary(p.X)
	if p.Y == nil {
		return x
	}
	return c.binary(p.Pos, x, normOp(p.Op), c.unary(p.Y))
}

func (c *converter) primary(p *primary) lang.Expr {
	pos := c.pm.pos(p.Pos)
	switch {
	case p.Number != nil:
		return c.number(pos, *p.Number)
	case p.String != nil:
		v, err := strconv.Unquote(*p.String)
		if err != nil {
			c.errs.Add(pos, msgBadString, *p.String)
		}
		return &lang.String{Pos: pos, Value: v}
	case p.Name != nil && p.Call:
		call := &lang.Call{Pos: pos, Fun: *p.Name}
		call.Kw, call.Args = c.args(p.Args, false)
		return call
	case p.Name != nil:
		return &lang.Ident{Pos: pos, Name: *p.Name}
	}
	return c.expr(p.Paren)
}

var numberPrefix = regexp.MustCompile(`^` + numberRe)

// number splits a Number token such as "20 ms" or "1e-3" into value, text
// and unit.
func (c *converter) number(pos lang.Pos, tok string) *lang.Number {
	text := numberPrefix.FindString(tok)
	unit := strings.TrimLeft(tok[len(text):], " \t")
	var v float64
	var err error
	if len(text) > 2 && (text[1] == 'x' || text[1] == 'X') {
		var u uint64
		u, err = strconv.ParseUint(text[2:], 16, 64)
		v = float64(u)
	} else {
		v, err = strconv.ParseFloat(text, 64)
	}
	if err != nil {
		c.errs.Add(pos, msgBadNumber, text)
	}
	return &lang.Number{Pos: pos, Value: v, Text: text, Unit: unit}
}
