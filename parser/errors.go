package parser

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Every diagnostic text of the package lives in this file (STYLE S3).
const (
	msgExpectedDecl     = `expected "model", "network" or "synapse", found %s`
	msgExpectedClose    = `expected "}", found %s`
	msgExpectedStmt     = "expected statement, found %s"
	msgExpectedExpr     = "expected expression, found %s"
	msgExpectedFound    = "expected %s, found %s"
	msgBadComment       = "unterminated block comment"
	msgBadChar          = "invalid character %q"
	msgBadNumber        = "number %s out of range"
	msgODEName          = "expected %q, found %q: an ODE's left side is d<var>/dt"
	msgODEVar           = "expected d<var>, found %q: an ODE's left side is d<var>/dt"
	msgUnlessOnLet      = "(unless refractory) applies only to ODEs and maps, not to subexpression %q"
	msgStepConstOnEq    = "(constant over dt) applies only to subexpressions, not to the equation of %q"
	msgDelayTwice       = "delay is set twice (first at %s)"
	msgPositionalAfter  = "positional argument after a named one"
	msgArgName          = "expected a name before \"=\", found %s"
	msgBadString        = "malformed string %s"
	msgBrianLHS         = "expected dx/dt, x = expr or x : unit, found %q"
	msgBrianNoUnit      = `expected ": unit" after %q`
	msgBrianFlag        = "unsupported flag %q"
	msgBrianSynaptic    = "unsupported synaptic variable %q"
	msgBrianReserved    = "name %q is a keyword of scc and cannot name a variable"
	msgBrianAssign      = "expected name = expr (or +=, -=, *=, /=), found %q"
	msgBrianParam       = "expected name=value, found %q"
	msgBrianMethod      = "unknown method %q (want euler, exact, rk2 or rk4)"
	msgBrianDuplicate   = "%q is defined twice"
	msgBrianInitUnknown = "initial value for %q, which is not a state variable"
	msgBrianEmpty       = "expected %s, found nothing"
	msgBrianUnit        = "unknown unit %q"
)

// describe names a token the way diagnostics quote it.
func describe(t lexer.Token) string {
	if t.EOF() {
		return "end of file"
	}
	return fmt.Sprintf("%q", t.Value)
}

// friendly turns participle's expectation (an EBNF fragment such as
// `<ident> "=" Expr` or `("method" | "dt")`) into the words of a
// diagnostic: only its first element matters to the reader.
func friendly(ebnf string) string {
	s := strings.TrimSpace(ebnf)
	if s == "" {
		return "statement"
	}
	if s[0] == '(' {
		depth := 0
		for i, c := range s {
			switch c {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					alts := splitAlts(s[1:i])
					for j, a := range alts {
						alts[j] = friendly(a)
					}
					return strings.Join(alts, " or ")
				}
			}
		}
	}
	var first string
	switch s[0] {
	case '"':
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return s
		}
		first = s[:end+2]
	default:
		f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '?' || r == '*' || r == '+' })
		if len(f) == 0 {
			return s
		}
		first = f[0]
	}
	if n, ok := productionNames[first]; ok {
		return n
	}
	return first
}

// splitAlts splits a|b|c at the top nesting level.
func splitAlts(s string) []string {
	var out []string
	depth, start := 0, 0
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// productionNames gives grammar productions and token types their
// diagnostic names.
var productionNames = map[string]string{
	"Expr": "expression", "AndExpr": "expression", "CmpExpr": "expression",
	"SumExpr": "expression", "ProdExpr": "expression", "Unary": "expression",
	"Power": "expression", "Primary": "expression",
	"<ident>": "name", "Name": "name", "<number>": "number", "<word>": "format word",
	"<unless>": "(unless refractory)", "Body": `"{"`, "Bounds": `"in"`, "Assign": "name",
	"Item": "statement", "Target": "name", "Setting": "name", "Arg": "expression",
	"ProjBody": `"{"`, "ProjSetting": "name", "Slice": `"["`, "<string>": "string",
}

// syntaxError converts a participle error into a message at a token.
// what names the thing expected when participle names nothing.
func syntaxError(err error, what string) (lexer.Token, string) {
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		msg := ute.Message()
		want := what
		if i := strings.Index(msg, " (expected "); i >= 0 {
			want = friendly(strings.TrimSuffix(msg[i+len(" (expected "):], ")"))
		}
		if want == "expression" {
			return ute.Unexpected, fmt.Sprintf(msgExpectedExpr, describe(ute.Unexpected))
		}
		return ute.Unexpected, fmt.Sprintf(msgExpectedFound, want, describe(ute.Unexpected))
	}
	var pe participle.Error
	if errors.As(err, &pe) {
		msg := pe.Message()
		if msg != "" {
			msg = strings.ToLower(msg[:1]) + msg[1:]
		}
		return lexer.Token{Pos: pe.Position()}, msg
	}
	return lexer.Token{}, err.Error()
}
