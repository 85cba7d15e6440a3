package parser

import (
	"regexp"
	"slices"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"scc/lang"
)

// keywords are reserved in .snn sources: the lexer never returns them as
// Ident, so an expression cannot swallow the next statement's keyword. `dt`
// is deliberately not reserved: it is both an option key and a builtin name.
var keywords = []string{
	"model", "network", "param", "input", "state", "spike", "when",
	"refractory", "steps", "method", "format", "overflow", "rounding",
	"assert", "pop", "next", "in", "and", "or", "not", "layer",
}

// contextual are the words of network items and synapse rules. They are
// keywords only where a statement (or, `synapse`, a declaration) starts and
// a name follows them: `proj p = …`, `trace pre x …`, `synapse S {`.
// Elsewhere they are ordinary names, so that models (and Brian2 equations,
// which have no network items) keep `source`, `trace` or `record` as
// variable names. No other statement starts with two names in a row, and no
// statement continues after `;`, `{` or `}` with two names, so the rule is
// unambiguous; markContextual applies it.
var contextual = []string{"proj", "source", "drive", "record", "synapse", "trace"}

// markContextual retypes as Keyword each contextual word that starts a
// statement: first on its line or after `;`, `{` or `}`, and followed by a
// name. Marking them in the token stream (not in the grammar) makes a
// broken statement stop before the next line's `proj p`, as it stops
// before a reserved word, and lets the keyword's own production report
// `trace mid x` ("expected \"pre\" or \"post\"").
func markContextual(toks []lexer.Token) {
	syms := snnLexer.Symbols()
	kw, ident, punct := syms["Keyword"], syms["Ident"], syms["Punct"]
	for k := range toks {
		t := &toks[k]
		if t.Type != ident || !slices.Contains(contextual, t.Value) ||
			k+1 >= len(toks) || toks[k+1].Type != ident {
			continue
		}
		if k == 0 || toks[k-1].Pos.Line < t.Pos.Line ||
			toks[k-1].Type == punct && strings.Contains(";{}", toks[k-1].Value) {
			t.Type = kw
		}
	}
}

// numberRe is a numeric literal without sign: decimal, or a hexadecimal
// integer (`0xACE1`, for seeds); a unit suffix on the same line is part of
// the token so that `20 ms` never depends on newlines elsewhere.
const numberRe = `(?:0[xX][0-9A-Fa-f]+\b|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)`

// unitSuffixRe matches any known unit name as a whole word, longest first.
func unitSuffixRe() string {
	names := lang.UnitNames()
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	return `(?:[ \t]*(?:` + strings.Join(quoted, "|") + `)\b)?`
}

// lexRules are the lexer rules in the order they are tried. The first two
// and the last one exist only so that lexing never fails: bad input becomes a
// token the driver reports and drops.
func lexRules(reserve bool) []lexer.SimpleRule {
	rules := []lexer.SimpleRule{
		{Name: "Comment", Pattern: `//[^\n]*|/\*(?s:.*?)\*/`},
		{Name: "BadComment", Pattern: `/\*(?s:.*)`},
		{Name: "Whitespace", Pattern: `\s+`},
		// `(unless refractory)` is one token so it never reads as a call.
		{Name: "Unless", Pattern: `\(\s*unless\s+refractory\s*\)`},
		// `(constant over dt)` on a let (Brian2's flag) likewise.
		{Name: "StepConstant", Pattern: `\(\s*constant\s+over\s+dt\s*\)`},
		{Name: "Number", Pattern: numberRe + unitSuffixRe()},
		// Format words of option values: q8.8, uq0.16, auto:16.
		{Name: "Word", Pattern: `(?:u?q[0-9]+\.[0-9]+|auto:[0-9]+)\b`},
		// File names of network settings: "w.csv" (Go escapes).
		{Name: "String", Pattern: `"(?:[^"\\\n]|\\.)*"`},
	}
	if reserve {
		rules = append(rules, lexer.SimpleRule{Name: "Keyword", Pattern: `(?:` + strings.Join(keywords, "|") + `)\b`})
	}
	return append(rules,
		lexer.SimpleRule{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
		lexer.SimpleRule{Name: "Punct", Pattern: `\*\*|->|<=|>=|==|!=|&&|\|\||[-+*/^<>!=(){}\[\],;:'.]`},
		lexer.SimpleRule{Name: "Invalid", Pattern: `(?s:.)`},
	)
}

var (
	snnLexer   = lexer.MustSimple(lexRules(true))
	brianLexer = lexer.MustSimple(lexRules(false))
)

// elided token types never reach the grammar.
var elided = []string{"Comment", "Whitespace"}

// significant lexes text and returns the tokens the grammar sees, ending
// with EOF.
func significant(def *lexer.StatefulDefinition, text string) []lexer.Token {
	names := lexer.SymbolsByRune(def)
	l, err := def.LexString("", text)
	if err != nil {
		panic(err) // the Invalid rule matches anything
	}
	var out []lexer.Token
	for {
		t, err := l.Next()
		if err != nil {
			panic(err)
		}
		if n := names[t.Type]; n == "Comment" || n == "Whitespace" {
			continue
		}
		out = append(out, t)
		if t.EOF() {
			return out
		}
	}
}
