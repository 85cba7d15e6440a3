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
		p.WriteString(" = ")
		p.expr(n.Init)
		p.rng(n.Range)
	case *Let:
		p.WriteString(n.Name + " = ")
		p.expr(n.Value)
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
		p.expr(n.Period)
		if n.Steps {
			p.WriteString(" steps")
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
	}
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
	case *Call:
		p.WriteString(e.Fun + "(")
		for i, a := range e.Args {
			if i > 0 {
				p.WriteString(", ")
			}
			p.expr(a)
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
