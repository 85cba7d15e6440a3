package parser

import (
	"fmt"
	"sort"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"scc/lang"
)

var (
	headerParser = participle.MustBuild[header](participle.Lexer(snnLexer), participle.Elide(elided...))
	itemParser   = participle.MustBuild[item](participle.Lexer(snnLexer), participle.Elide(elided...))
)

// token types of the .snn lexer, by rule name.
var tokType = lexer.SymbolsByRune(snnLexer)

func isType(t lexer.Token, name string) bool { return tokType[t.Type] == name }

// ParseFile parses one .snn source. The error, when not nil, is a sorted
// lang.ErrorList with one diagnostic per broken statement; the returned file
// then holds every declaration and statement that did parse.
func ParseFile(name string, src []byte) (*lang.File, error) {
	p := &fileParser{pm: newPosMap(name, string(src), 1, 1), f: &lang.File{Name: name}}
	p.lex(name, src)
	p.file()
	return p.f, p.errs.Err()
}

// fileParser is the recovering driver: it walks declarations by hand and
// asks participle for one header or item at a time.
type fileParser struct {
	pm   *posMap
	toks []lexer.Token // significant tokens, ending with EOF
	i    int           // next token
	peek *lexer.PeekingLexer
	errs lang.ErrorList
	f    *lang.File
	cv   converter
}

// lex splits src into significant tokens; bad characters and unterminated
// comments are reported here and dropped.
func (p *fileParser) lex(name string, src []byte) {
	l, err := snnLexer.LexString(name, string(src))
	if err != nil {
		panic(err) // the Invalid rule matches anything
	}
	for {
		t, err := l.Next()
		if err != nil {
			panic(err)
		}
		switch tokType[t.Type] {
		case "Comment", "Whitespace":
			continue
		case "BadComment":
			p.errs.Add(p.pm.pos(t.Pos), msgBadComment)
			continue
		case "Invalid":
			p.errs.Add(p.pm.pos(t.Pos), msgBadChar, t.Value)
			continue
		}
		p.toks = append(p.toks, t)
		if t.EOF() {
			break
		}
	}
	markContextual(p.toks)
	p.peek, err = lexer.Upgrade(&sliceLexer{toks: p.toks})
	if err != nil {
		panic(err)
	}
	p.cv = converter{pm: p.pm, errs: &p.errs}
}

func (p *fileParser) tok() lexer.Token { return p.toks[p.i] }

func (p *fileParser) errorf(t lexer.Token, format string, args ...any) {
	p.errs.Add(p.pm.pos(t.Pos), format, args...)
}

// lineStart reports whether token k is the first on its line.
func (p *fileParser) lineStart(k int) bool {
	return k == 0 || p.toks[k].Pos.Line > p.toks[k-1].Pos.Line
}

func (p *fileParser) isKeyword(k int, words ...string) bool {
	t := p.toks[k]
	if !isType(t, "Keyword") {
		return false
	}
	for _, w := range words {
		if t.Value == w {
			return true
		}
	}
	return false
}

func (p *fileParser) isDeclStart(k int) bool { return p.isKeyword(k, "model", "network", "synapse") }

func (p *fileParser) isPunct(k int, v string) bool {
	return isType(p.toks[k], "Punct") && p.toks[k].Value == v
}

// isStmtStart reports whether token k can begin a statement: a statement
// keyword, `dt`, or a name followed by `=`, `'` or `/`.
func (p *fileParser) isStmtStart(k int) bool {
	if p.isKeyword(k, "param", "input", "state", "spike", "refractory", "method", "format",
		"overflow", "rounding", "assert", "pop", "layer", "next", "model", "network",
		"proj", "source", "drive", "record", "synapse", "trace") {
		return true
	}
	if !isType(p.toks[k], "Ident") || k+1 >= len(p.toks) {
		return false
	}
	if p.toks[k].Value == "on" && isType(p.toks[k+1], "Ident") {
		return true // `on pre { … }` (and a misspelt `on both`)
	}
	return p.toks[k].Value == "dt" || p.isPunct(k+1, "=") || p.isPunct(k+1, "'") || p.isPunct(k+1, "/")
}

// seek moves the participle lexer to token k (forward only).
func (p *fileParser) seek(k int) {
	for p.peek.Cursor() < k {
		p.peek.Next()
	}
	p.i = k
}

func (p *fileParser) file() {
	for !p.tok().EOF() {
		if !p.isDeclStart(p.i) {
			p.errorf(p.tok(), msgExpectedDecl, describe(p.tok()))
			k := p.i + 1
			for !p.toks[k].EOF() && !(p.isDeclStart(k) && p.lineStart(k)) {
				k++
			}
			p.seek(k)
			continue
		}
		p.decl()
	}
}

// decl parses one declaration. A broken header still has its body parsed
// for diagnostics, but the declaration is dropped.
func (p *fileParser) decl() {
	start := p.peek.MakeCheckpoint()
	h, err := headerParser.ParseFromLexer(p.peek, participle.AllowTrailing(true))
	var items *[]lang.Item
	var keep []lang.Item
	if err != nil {
		p.syntax(err)
		p.peek.LoadCheckpoint(start)
		k := p.i + 1
		for !p.toks[k].EOF() && !p.isPunct(k, "{") && !(p.isDeclStart(k) && p.lineStart(k)) {
			k++
		}
		if !p.isPunct(k, "{") {
			p.seek(k)
			return
		}
		p.seek(k + 1)
		items = &keep
	} else {
		p.i = p.peek.Cursor()
		pos := p.pm.pos(h.Pos)
		switch h.Kind {
		case "model":
			m := &lang.Model{Pos: pos, Name: h.Name}
			p.f.Decls = append(p.f.Decls, m)
			items = &m.Items
		case "synapse":
			s := &lang.Synapse{Pos: pos, Name: h.Name}
			p.f.Decls = append(p.f.Decls, s)
			items = &s.Items
		default:
			n := &lang.Network{Pos: pos, Name: h.Name}
			p.f.Decls = append(p.f.Decls, n)
			items = &n.Items
		}
	}
	p.body(items)
}

// body parses items up to the closing brace.
func (p *fileParser) body(items *[]lang.Item) {
	for {
		switch {
		case p.tok().EOF(), p.isDeclStart(p.i) && p.lineStart(p.i):
			p.errorf(p.tok(), msgExpectedClose, describe(p.tok()))
			return
		case p.isPunct(p.i, "}"):
			p.seek(p.i + 1)
			return
		}
		if it := p.item(); it != nil {
			*items = append(*items, it)
		}
	}
}

// item parses one statement; on a syntax error it reports it, skips to the
// next statement and returns nil.
func (p *fileParser) item() lang.Item {
	startIdx := p.i
	start := p.peek.MakeCheckpoint()
	g, err := itemParser.ParseFromLexer(p.peek, participle.AllowTrailing(true))
	if err == nil && p.peek.Cursor() == startIdx {
		err = &participle.UnexpectedTokenError{Unexpected: p.tok()}
	}
	if err == nil {
		p.i = p.peek.Cursor()
		for p.isPunct(p.i, ";") {
			p.seek(p.i + 1) // `param a = 1; param b = 2`
		}
		if p.trailing() {
			p.recover(p.i - 1)
			return nil
		}
		return p.cv.item(g)
	}
	p.syntax(err)
	p.peek.LoadCheckpoint(start)
	p.recover(startIdx)
	return nil
}

// trailing reports (and diagnoses) a statement followed on its line by
// something that is neither a statement nor the end of the body, e.g. the
// `*` in `x = a + * b`.
func (p *fileParser) trailing() bool {
	k := p.i
	t := p.toks[k]
	if t.EOF() || p.lineStart(k) || p.isPunct(k, "}") || p.isStmtStart(k) {
		return false
	}
	if isBinaryOp(t) && !startsExpr(p.toks[k+1], tokType) {
		p.errorf(p.toks[k+1], msgExpectedExpr, describe(p.toks[k+1]))
		return true
	}
	p.errorf(t, msgExpectedStmt, describe(t))
	return true
}

func isBinaryOp(t lexer.Token) bool {
	switch t.Value {
	case "+", "-", "*", "/", "^", "**", "<", "<=", ">", ">=", "==", "!=", "&&", "||", "and", "or":
		return true
	}
	return false
}

// recover skips from a broken statement at token start to the next line
// that starts a statement or closes the body. Braces opened by the broken
// statement are skipped with it, unless a statement keyword starts a line
// first (the brace was never closed).
func (p *fileParser) recover(start int) {
	depth := 0
	k := start
	for ; !p.toks[k].EOF(); k++ {
		if k > start && p.lineStart(k) {
			if depth == 0 && (p.isStmtStart(k) || p.isPunct(k, "}")) {
				break
			}
			if p.isStmtStart(k) && isType(p.toks[k], "Keyword") {
				break
			}
		}
		switch {
		case p.isPunct(k, "{"):
			depth++
		case p.isPunct(k, "}"):
			if depth == 0 {
				p.seek(k)
				return
			}
			depth--
		}
	}
	p.seek(k)
}

// syntax reports a participle error.
func (p *fileParser) syntax(err error) {
	t, msg := syntaxError(err, "statement")
	t, msg = blameOperand(p.toks, tokType, t, msg)
	p.errs.Add(p.pm.pos(t.Pos), "%s", msg)
}

// blameOperand moves an error from an operator to its missing right
// operand. Participle stops before an operator whose operand is missing, so
// `(v +)` first reads as "expected \")\", found \"+\""; the operand is the
// real culprit.
func blameOperand(toks []lexer.Token, names map[lexer.TokenType]string, t lexer.Token, msg string) (lexer.Token, string) {
	if t.EOF() || !isBinaryOp(t) {
		return t, msg
	}
	k := sort.Search(len(toks), func(k int) bool { return toks[k].Pos.Offset >= t.Pos.Offset })
	if k+1 < len(toks) && toks[k].Pos.Offset == t.Pos.Offset && !startsExpr(toks[k+1], names) {
		return toks[k+1], fmt.Sprintf(msgExpectedExpr, describe(toks[k+1]))
	}
	return t, msg
}

// startsExpr reports whether t can begin an expression.
func startsExpr(t lexer.Token, names map[lexer.TokenType]string) bool {
	switch names[t.Type] {
	case "Number", "Ident":
		return t.Value != "and" && t.Value != "or"
	case "Keyword":
		return t.Value == "not"
	case "Punct":
		return t.Value == "(" || t.Value == "-" || t.Value == "+" || t.Value == "!"
	}
	return false
}

// sliceLexer replays already lexed tokens to participle.
type sliceLexer struct {
	toks []lexer.Token
	i    int
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	if l.i >= len(l.toks) {
		return lexer.Token{}, fmt.Errorf("read past end of file")
	}
	l.i++
	return l.toks[l.i-1], nil
}
