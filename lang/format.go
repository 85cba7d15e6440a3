package lang

import (
	"bytes"
	"strconv"
	"strings"
)

// Format prints f as canonical .snn source: one item per line, four-space
// indent, a blank line between declarations, binary operators spaced (except
// ^), the fewest parentheses the precedence rules allow, numbers printed
// from their source text with the unit suffix after one space.
//
// Comments are not part of the AST and are dropped. For any file the parser
// accepts, parsing Format's output yields the same AST up to positions, and
// Format of that is byte-identical (the parser's tests and FuzzParse hold
// this).
func Format(f *File) []byte {
	var p printer
	for i, d := range f.Decls {
		if i > 0 {
			p.WriteByte('\n')
		}
		switch d := d.(type) {
		case *Model:
			p.decl("model", d.Name, d.Items)
		case *Network:
			p.decl("network", d.Name, d.Items)
		case *Synapse:
			p.decl("synapse", d.Name, d.Items)
		}
	}
	return p.Bytes()
}

// FormatExpr prints one expression as Format would.
func FormatExpr(e Expr) string {
	var p printer
	p.expr(e)
	return p.String()
}

type printer struct{ bytes.Buffer }

func (p *printer) decl(kind, name string, items []Item) {
	p.WriteString(kind + " " + name + " {\n")
	for _, it := range items {
		p.WriteString("    ")
		p.item(it)
		p.WriteByte('\n')
	}
	p.WriteString("}\n")
}

func (p *printer) item(it Item) {
	switch n := it.(type) {
	case *Param:
		p.WriteString("param " + n.Name + " = ")
		p.expr(n.Value)
		p.rng(n.Range)
	case *Input:
		p.WriteString("input " + n.Name)
		p.unit(n.Unit)
		p.rng(n.Range)
	case *State:
		p.WriteString("state " + n.Name)
		p.unit(n.Unit)
		if n.Init != nil {
			p.WriteString(" = ")
			p.expr(n.Init)
		}
		p.rng(n.Range)
	case *Let:
		p.WriteString(n.Name + " = ")
		p.expr(n.Value)
		if n.StepConstant {
			p.WriteString(" (constant over dt)")
		}
	case *ODE:
		p.WriteString("d" + n.Var + "/dt = ")
		p.expr(n.RHS)
		p.unless(n.UnlessRefractory)
	case *Map:
		p.WriteString(n.Var + "' = ")
		p.expr(n.RHS)
		p.unless(n.UnlessRefractory)
	case *Spike:
		p.WriteString("spike when ")
		p.expr(n.Cond)
		p.body(n.Reset)
	case *Refractory:
		p.WriteString("refractory ")
		if n.Brian && !n.Steps && !isCondExpr(n.Period) {
			// Brian2's timing in scc's own count, exactly: R − 1 steps
			// of R = timestep(P, dt), at least 0 (spec.md §3).
			p.WriteString("max(timestep(")
			p.expr(n.Period)
			p.WriteString(", dt) - 1, 0) steps")
		} else {
			p.expr(n.Period)
			if n.Steps {
				p.WriteString(" steps")
			}
		}
		p.body(n.Body)
	case *Option:
		p.WriteString(n.Key + " ")
		if n.Value != nil {
			p.expr(n.Value)
		} else {
			p.WriteString(n.Word)
		}
	case *Assert:
		p.WriteString("assert ")
		p.expr(n.Cond)
	case *Pop:
		p.WriteString("pop " + n.Name + " = " + n.Model + "[")
		p.expr(n.Size)
		p.WriteString("]")
		p.body(n.Overrides)
	case *Layer:
		p.WriteString("layer " + n.Name + " = " + n.Kind + "(")
		for i, a := range n.Args {
			if i > 0 {
				p.WriteString(", ")
			}
			p.WriteString(a.Name + " = ")
			p.expr(a.Value)
		}
		p.WriteString(")")
		if len(n.Settings) > 0 {
			p.WriteString(" {\n")
			for _, a := range n.Settings {
				p.WriteString("        " + a.Name + " = ")
				p.expr(a.Value)
				p.WriteByte('\n')
			}
			p.WriteString("    }")
		}
	case *Proj:
		p.WriteString("proj " + n.Name + " = ")
		p.target(n.Pre)
		p.WriteString(" -> ")
		p.target(n.Post)
		p.WriteString(" " + n.Conn)
		if len(n.Args) > 0 {
			p.args(n.Args)
		}
		if n.Rule != "" {
			p.WriteString(" with " + n.Rule)
		}
		if len(n.Settings) > 0 || n.Delay != nil {
			p.WriteString(" { ")
			for i, a := range n.Settings {
				if i > 0 {
					p.WriteString("; ")
				}
				p.WriteString(a.Name + " = ")
				p.expr(a.Value)
			}
			if d := n.Delay; d != nil {
				if len(n.Settings) > 0 {
					p.WriteString("; ")
				}
				p.WriteString("delay ")
				p.expr(d.Value)
				if d.Steps {
					p.WriteString(" steps")
				}
			}
			p.WriteString(" }")
		}
	case *Source:
		p.WriteString("source " + n.Name + " = " + n.Kind)
		p.args(n.Args)
		p.WriteString("[")
		p.expr(n.Size)
		p.WriteString("]")
	case *Drive:
		p.WriteString("drive " + n.Name + " = " + n.Kind)
		p.args(n.Args)
		p.WriteString(" ->")
		for i, t := range n.Targets {
			if i > 0 {
				p.WriteByte(',')
			}
			p.WriteByte(' ')
			p.target(t)
		}
	case *Record:
		p.WriteString("record ")
		p.target(n.Target)
		for i, v := range n.Vars {
			if i > 0 {
				p.WriteByte(',')
			}
			p.WriteString(" " + v.Name)
		}
		if n.Every != nil {
			p.WriteString(" every ")
			p.expr(n.Every)
			p.WriteString(" steps")
		}
	case *Trace:
		p.WriteString("trace " + side(n.Post) + " " + n.Name + " decay ")
		p.expr(n.Decay)
		if n.Set {
			p.WriteString(" set ")
		} else {
			p.WriteString(" add ")
		}
		p.expr(n.Value)
	case *On:
		p.WriteString("on " + side(n.Post))
		if len(n.Body) == 0 {
			p.WriteString(" { }")
		}
		p.body(n.Body)
	}
}

// isCondExpr reports whether e is a condition by its form: a comparison,
// a logical operator or a negation.
func isCondExpr(e Expr) bool {
	switch e := e.(type) {
	case *Binary:
		return binaryPrec(e.Op) <= precCmp
	case *Unary:
		return e.Op == "!"
	}
	return false
}

func side(post bool) string {
	if post {
		return "post"
	}
	return "pre"
}

// target prints pop[lo:hi].port.
func (p *printer) target(t *Target) {
	p.WriteString(t.Pop)
	if t.Lo != nil {
		p.WriteByte('[')
		p.expr(t.Lo)
		p.WriteByte(':')
		p.expr(t.Hi)
		p.WriteByte(']')
	}
	if t.Port != "" {
		p.WriteString("." + t.Port)
	}
}

// args prints (a = 1, b = 2); an argument without a name prints its value.
func (p *printer) args(as []*Assign) {
	p.WriteByte('(')
	for i, a := range as {
		if i > 0 {
			p.WriteString(", ")
		}
		if a.Name != "" {
			p.WriteString(a.Name + " = ")
		}
		p.expr(a.Value)
	}
	p.WriteByte(')')
}

func (p *printer) unit(u Expr) {
	if u != nil {
		p.WriteString(" : ")
		p.expr(u)
	}
}

func (p *printer) rng(r *Range) {
	if r != nil {
		p.WriteString(" in [")
		p.expr(r.Lo)
		p.WriteString(", ")
		p.expr(r.Hi)
		p.WriteString("]")
	}
}

func (p *printer) unless(b bool) {
	if b {
		p.WriteString(" (unless refractory)")
	}
}

func (p *printer) body(as []*Assign) {
	if len(as) == 0 {
		return
	}
	p.WriteString(" { ")
	for i, a := range as {
		if i > 0 {
			p.WriteString("; ")
		}
		p.WriteString(a.Name + " = ")
		p.expr(a.Value)
	}
	p.WriteString(" }")
}

// Binding strength of operators, loosest first (spec.md, Expressions).
const (
	precOr = 1 + iota
	precAnd
	precCmp
	precSum
	precProd
	precUnary
	precPow
	precPrimary
)

func binaryPrec(op string) int {
	switch op {
	case "||":
		return precOr
	case "&&":
		return precAnd
	case "<", "<=", ">", ">=", "==", "!=":
		return precCmp
	case "+", "-":
		return precSum
	case "*", "/":
		return precProd
	case "^":
		return precPow
	}
	return precOr // unknown operators bind loosest: always parenthesised
}

func exprPrec(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		return binaryPrec(e.Op)
	case *Unary:
		return precUnary
	case *Number:
		if strings.HasPrefix(e.Text, "-") || e.Text == "" && e.Value < 0 {
			return precUnary
		}
	}
	return precPrimary
}

// sub prints e, parenthesised when it binds looser than min.
func (p *printer) sub(e Expr, min int) {
	if exprPrec(e) < min {
		p.WriteByte('(')
		p.expr(e)
		p.WriteByte(')')
		return
	}
	p.expr(e)
}

func (p *printer) expr(e Expr) {
	switch e := e.(type) {
	case *Number:
		if e.Text != "" {
			p.WriteString(e.Text)
		} else {
			p.WriteString(strconv.FormatFloat(e.Value, 'g', -1, 64))
		}
		if e.Unit != "" {
			p.WriteString(" " + e.Unit)
		}
	case *Ident:
		p.WriteString(e.Name)
	case *String:
		p.WriteString(strconv.Quote(e.Value))
	case *Call:
		p.WriteString(e.Fun + "(")
		for i, a := range e.Args {
			if i > 0 {
				p.WriteString(", ")
			}
			p.expr(a)
		}
		for i, a := range e.Kw {
			if i > 0 || len(e.Args) > 0 {
				p.WriteString(", ")
			}
			p.WriteString(a.Name + " = ")
			p.expr(a.Value)
		}
		p.WriteByte(')')
	case *Unary:
		p.WriteString(e.Op)
		p.sub(e.X, precUnary)
	case *Binary:
		prec := binaryPrec(e.Op)
		if e.Op == "^" {
			// Right-associative, and the exponent may be a unary: x^-2.
			p.sub(e.X, precPrimary)
			p.WriteString("^")
			p.sub(e.Y, precUnary)
			return
		}
		p.sub(e.X, prec)
		p.WriteString(" " + e.Op + " ")
		p.sub(e.Y, prec+1)
	case *List:
		p.WriteByte('[')
		for i, x := range e.Elems {
			if i > 0 {
				p.WriteString(", ")
			}
			p.expr(x)
		}
		p.WriteByte(']')
	case nil:
		p.WriteString("<nil>")
	}
}
