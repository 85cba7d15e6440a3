package parser

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"scc/lang"
)

// The Brian2 script form: a restricted Python file that Brian2 itself runs
// unchanged (lang/spec.md §7.2). It is read by a small hand-written
// tokenizer and statement parser rather than by participle: Python's
// newlines end a statement only outside brackets, its string literals
// (triple-quoted, escaped, implicitly concatenated) must be decoded with
// the file position of every byte so that a diagnostic inside an equation
// string points into the file, and every statement the subset does not
// know must be named in its error — none of which a participle grammar
// expresses well. Quantity expressions and every Brian2 string are parsed
// by the participle expression grammar of ParseBrian.

// BrianScript is a converted Brian2 script.
type BrianScript struct {
	Model *lang.Model
	// Inputs are the constant values the script gives the model's inputs
	// (`G.I = 1*nA`), in order: the default stimulus.
	Inputs []*lang.Assign
	// Duration is run()'s duration (nil: the script has no run()).
	Duration lang.Expr
	// Group is the NeuronGroup's variable; Size its number of neurons
	// (scc models one neuron: every neuron of the group is the same).
	Group string
	Size  lang.Expr
}

// Diagnostics of scripts.
const (
	msgPyStatement = "unsupported Python statement %s: a Brian2 script for scc holds assignments, one NeuronGroup, G.x = value and run()"
	msgPyUnclosed  = "unterminated %s"
	msgPyExpected  = "expected %s, found %s"
	msgPyCall      = "unsupported call %s: a Brian2 script for scc creates one NeuronGroup and calls run() (monitors, print and plotting are ignored)"
	msgPyArg       = "unsupported NeuronGroup argument %q (scc reads N, model, threshold, reset, refractory, method, namespace, dt and name)"
	msgPyArgTwice  = "NeuronGroup argument %q is given twice"
	msgPyNoGroup   = "no NeuronGroup(...) in the script"
	msgPyTwoGroups = "a second NeuronGroup: scc eq converts one group (the first is at %s)"
	msgPyNotGroup  = "%q is not the NeuronGroup of the script (%q)"
	msgPyStringVar = "%q is not a string: %s takes a string or the name of one"
	msgPyNotString = "%s is a string here; Brian2 takes a quantity"
	msgPyFString   = "f-strings are not supported: write the string out"
	msgPyBadEscape = "unknown escape %q in a string"
	msgPyIndexed   = "indexed assignment %s is not supported: scc models one neuron (assign the whole group)"
)

// pyTok is a token of the script.
type pyTok struct {
	kind       pyKind
	val        string    // name, number or operator text
	start, end int       // byte offsets in the file
	str        brianText // a string's decoded value
}

type pyKind uint8

const (
	pyEOF pyKind = iota
	pyNewline
	pyName
	pyNumber
	pyString
	pyOp
)

func (t pyTok) describe() string {
	switch t.kind {
	case pyEOF:
		return "end of file"
	case pyNewline:
		return "end of line"
	case pyString:
		return "a string"
	}
	return fmt.Sprintf("%q", t.val)
}

// pyLexer splits a script into tokens.
type pyLexer struct {
	src   brianText
	errs  *lang.ErrorList
	toks  []pyTok
	depth int
}

func (l *pyLexer) run() {
	s := l.src.text
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\n':
			if l.depth == 0 {
				l.emit(pyNewline, "\n", i, i+1)
			}
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i += 2
		case c == '\\' && i+2 < len(s) && s[i+1] == '\r' && s[i+2] == '\n':
			i += 3
		case isIdentStart(c):
			j := i
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			if j < len(s) && (s[j] == '\'' || s[j] == '"') && isStringPrefix(s[i:j]) {
				i = l.str(i, j)
				continue
			}
			l.emit(pyName, s[i:j], i, j)
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i
			for j < len(s) && (isIdentChar(s[j]) || s[j] == '.' ||
				(s[j] == '+' || s[j] == '-') && (s[j-1] == 'e' || s[j-1] == 'E')) {
				j++
			}
			l.emit(pyNumber, s[i:j], i, j)
			i = j
		case c == '\'' || c == '"':
			i = l.str(i, i)
		default:
			op := string(c)
			for _, o := range []string{"**=", "//=", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "->"} {
				if strings.HasPrefix(s[i:], o) {
					op = o
					break
				}
			}
			switch op {
			case "(", "[", "{":
				l.depth++
			case ")", "]", "}":
				l.depth = max(0, l.depth-1)
			}
			l.emit(pyOp, op, i, i+len(op))
			i += len(op)
		}
	}
	l.emit(pyNewline, "", len(s), len(s))
	l.emit(pyEOF, "", len(s), len(s))
}

func (l *pyLexer) emit(k pyKind, v string, start, end int) {
	l.toks = append(l.toks, pyTok{kind: k, val: v, start: start, end: end})
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || c >= '0' && c <= '9' }

func isStringPrefix(p string) bool {
	switch strings.ToLower(p) {
	case "r", "u", "b", "f", "rb", "br", "fr", "rf":
		return true
	}
	return false
}

// str lexes a string literal whose prefix starts at start and whose quote
// is at q, and returns the offset after it. The decoded value keeps the
// file position of every byte (an escape maps to its backslash).
func (l *pyLexer) str(start, q int) int {
	s := l.src.text
	prefix := strings.ToLower(s[start:q])
	if strings.Contains(prefix, "f") {
		l.errs.Add(l.src.at(start), msgPyFString)
	}
	raw := strings.Contains(prefix, "r")
	quote := s[q : q+1]
	triple := strings.HasPrefix(s[q:], strings.Repeat(quote, 3))
	if triple {
		quote = strings.Repeat(quote, 3)
	}
	var text []byte
	var pos []lang.Pos
	i := q + len(quote)
	for {
		if i >= len(s) || !triple && s[i] == '\n' {
			what := "string"
			if triple {
				what = "triple-quoted string"
			}
			l.errs.Add(l.src.at(q), msgPyUnclosed, what)
			i = len(s)
			break
		}
		if strings.HasPrefix(s[i:], quote) {
			i += len(quote)
			break
		}
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			if raw {
				text, pos = append(text, c, s[i+1]), append(pos, l.src.at(i), l.src.at(i+1))
				i += 2
				continue
			}
			var v byte
			switch d := s[i+1]; d {
			case '\n':
				i += 2
				continue
			case 'n':
				v = '\n'
			case 't':
				v = '\t'
			case '\\', '\'', '"':
				v = d
			default:
				l.errs.Add(l.src.at(i), msgPyBadEscape, s[i:i+2])
				v = d
			}
			text, pos = append(text, v), append(pos, l.src.at(i))
			i += 2
			continue
		}
		text, pos = append(text, c), append(pos, l.src.at(i))
		i++
	}
	end := l.src.at(i)
	if i-len(quote) >= 0 && i <= len(s) {
		end = l.src.at(max(q, i-len(quote)))
	}
	t := pyTok{kind: pyString, start: start, end: i, str: brianText{text: string(text), pos: append(pos, end)}}
	l.toks = append(l.toks, t)
	return i
}

// pyValue is the value of a top-level name of the script.
type pyValue struct {
	str   *brianText // a string (equations, conditions)
	expr  lang.Expr  // a quantity expression
	group bool       // the NeuronGroup
	other string     // a monitor or other ignored object: its callee
	pos   lang.Pos
}

// script parses the statements of a script.
type script struct {
	name   string
	src    brianText
	toks   []pyTok
	k      int
	b      *brian
	sp     *brianSpec
	vars   map[string]*pyValue
	count  map[string]int // assignments per top-level name
	order  []string       // quantity names in order of (last) assignment
	group  string
	gpos   lang.Pos
	out    *BrianScript
	nsDict bool // namespace= given: the top-level names are not read
}

// pyIgnoredCalls are statements (calls) a script may hold that do not
// change the model: scope, seeds, output and plotting.
var pyIgnoredCalls = []string{"start_scope", "seed", "print", "show", "plot", "figure", "subplot", "subplots",
	"xlabel", "ylabel", "title", "legend", "xlim", "ylim", "axhline", "axvline", "tight_layout", "savefig",
	"hist", "scatter", "grid", "text", "suptitle", "brian_plot", "plot_raster", "plot_state", "set_device",
	"device", "prefs", "BrianLogger", "np", "numpy", "plt", "pyplot", "matplotlib", "mpl", "ax", "fig", "axes",
	"sys", "os", "time"}

// ParseBrianScript converts a Brian2 script (see BrianScript). Every
// position is name's line:col, including those inside string arguments.
// The error, when not nil, is a lang.ErrorList.
func ParseBrianScript(name string, src []byte) (*BrianScript, error) {
	sp := &brianSpec{script: true, pos: lang.Pos{File: name, Line: 1, Col: 1}}
	sc := &script{name: name, src: newBrianText(name, string(src), 1, 1), b: &brian{errs: &sp.errs}, sp: sp,
		vars: map[string]*pyValue{}, count: map[string]int{}, out: &BrianScript{}}
	lx := &pyLexer{src: sc.src, errs: &sp.errs}
	lx.run()
	sc.toks = lx.toks
	sc.countAssignments()
	for sc.tok().kind != pyEOF {
		sc.statement()
	}
	if sc.group == "" {
		sp.errs.Add(sp.pos, msgPyNoGroup)
		return nil, sp.errs.Err()
	}
	if !sc.nsDict {
		for _, n := range sc.order {
			if v := sc.vars[n]; v != nil && v.expr != nil {
				sp.params = append(sp.params, brianDef{name: n, pos: v.pos, expr: v.expr})
			}
		}
	}
	sp.name = modelName(name)
	m, _ := buildBrian(sp)
	sc.out.Model = m
	sc.out.Inputs = sp.inputs
	if len(sp.errs) > 0 {
		return nil, sp.errs.Err()
	}
	return sc.out, nil
}

// modelName is the model's name: the file's base name as an identifier.
func modelName(path string) string {
	base := filepath.Base(path)
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".txt"), ".py")
	var b strings.Builder
	for i := 0; i < len(base); i++ {
		if isIdentChar(base[i]) {
			b.WriteByte(base[i])
		} else {
			b.WriteByte('_')
		}
	}
	n := b.String()
	if n == "" || n[0] >= '0' && n[0] <= '9' {
		n = "M_" + n
	}
	if slices.Contains(keywords, n) || slices.Contains(contextual, n) {
		n += "_"
	}
	return n
}

func (sc *script) tok() pyTok       { return sc.toks[sc.k] }
func (sc *script) peek(n int) pyTok { return sc.toks[min(sc.k+n, len(sc.toks)-1)] }
func (sc *script) next() pyTok {
	t := sc.toks[sc.k]
	if sc.k < len(sc.toks)-1 {
		sc.k++
	}
	return t
}
func (sc *script) at(t pyTok) lang.Pos { return sc.src.at(t.start) }
func (sc *script) isOp(t pyTok, op string) bool {
	return t.kind == pyOp && t.val == op
}

// skipLine drops the rest of the statement.
func (sc *script) skipLine() {
	for {
		t := sc.next()
		if t.kind == pyNewline || t.kind == pyEOF || sc.isOp(t, ";") {
			return
		}
	}
}

// endStatement expects the end of a statement.
func (sc *script) endStatement() {
	t := sc.tok()
	if t.kind == pyNewline || t.kind == pyEOF || sc.isOp(t, ";") {
		sc.next()
		return
	}
	sc.sp.errs.Add(sc.at(t), msgPyExpected, "end of statement", t.describe())
	sc.skipLine()
}

// countAssignments counts the assignments of each top-level name, so that
// a name assigned more than once is read by value where Python reads it.
func (sc *script) countAssignments() {
	first := true
	for k, t := range sc.toks {
		if first && t.kind == pyName && k+1 < len(sc.toks) && sc.isOp(sc.toks[k+1], "=") {
			sc.count[t.val]++
		}
		first = t.kind == pyNewline || sc.isOp(t, ";")
	}
}

// statement parses one statement.
func (sc *script) statement() {
	t := sc.tok()
	switch {
	case t.kind == pyNewline || sc.isOp(t, ";"):
		sc.next()
		return
	case t.kind == pyName && (t.val == "import" || t.val == "from"):
		sc.skipLine()
		return
	case t.kind == pyName && slices.Contains(pyKeywords, t.val):
		sc.sp.errs.Add(sc.at(t), msgPyStatement, strconvQuote(t.val))
		sc.skipBlock()
		return
	case t.kind != pyName:
		sc.sp.errs.Add(sc.at(t), msgPyStatement, "starting with "+t.describe())
		sc.skipLine()
		return
	}
	// name [. attr]* ( = value | (args) )
	n1 := sc.peek(1)
	switch {
	case sc.isOp(n1, "="):
		sc.next()
		sc.next()
		sc.assign(t)
	case sc.isOp(n1, "(") && t.val == "run":
		sc.next()
		sc.run(t)
	case sc.isOp(n1, "(") || sc.isOp(n1, "."):
		sc.dotted(t)
	case sc.isOp(n1, ","):
		// fig, ax = subplots(...): plotting.
		if sc.ignoredLine() {
			return
		}
		sc.sp.errs.Add(sc.at(t), msgPyStatement, "with several targets")
		sc.skipLine()
	default:
		sc.sp.errs.Add(sc.at(n1), msgPyExpected, `"=" or a call after `+strconvQuote(t.val), n1.describe())
		sc.skipLine()
	}
}

var pyKeywords = []string{"for", "while", "if", "elif", "else", "def", "class", "with", "try", "except",
	"finally", "return", "lambda", "global", "nonlocal", "del", "pass", "assert", "raise", "yield", "async", "await"}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

// skipBlock drops a compound statement: its line and the indented lines
// after it.
func (sc *script) skipBlock() {
	sc.skipLine()
	for {
		t := sc.tok()
		if t.kind == pyEOF {
			return
		}
		if p := sc.at(t); p.Col == 1 {
			return
		}
		sc.skipLine()
	}
}

// ignoredLine reports (and skips) a statement that calls an ignored
// function anywhere at its top: plotting, printing, monitors.
func (sc *script) ignoredLine() bool {
	for j := sc.k; j < len(sc.toks); j++ {
		t := sc.toks[j]
		if t.kind == pyNewline || t.kind == pyEOF || sc.isOp(t, ";") {
			return false
		}
		if t.kind == pyName && (slices.Contains(pyIgnoredCalls, t.val) || isMonitor(t.val)) {
			sc.skipLine()
			return true
		}
	}
	return false
}

func isMonitor(name string) bool { return strings.HasSuffix(name, "Monitor") }

// dotted parses a statement starting with `name.` or `name(`: a call, or
// an assignment to an attribute (`G.v = …`, `defaultclock.dt = …`).
func (sc *script) dotted(first pyTok) {
	// Find `=` at depth 0 before the end of the statement.
	depth, eq := 0, -1
	for j := sc.k; j < len(sc.toks); j++ {
		t := sc.toks[j]
		if t.kind == pyNewline || t.kind == pyEOF || depth == 0 && sc.isOp(t, ";") {
			break
		}
		switch {
		case t.kind == pyOp && strings.Contains("([{", t.val):
			depth++
		case t.kind == pyOp && strings.Contains(")]}", t.val):
			depth--
		case depth == 0 && t.kind == pyOp && (t.val == "=" || strings.HasSuffix(t.val, "=") && len(t.val) == 2 && t.val != "==" && t.val != "!=" && t.val != "<=" && t.val != ">="):
			if eq < 0 {
				eq = j
			}
		}
	}
	if eq < 0 {
		if slices.Contains(pyIgnoredCalls, first.val) || isMonitor(first.val) {
			sc.skipLine()
			return
		}
		if first.val == sc.group || sc.vars[first.val] != nil && sc.vars[first.val].other != "" {
			// G.method(...) or M.method(...): not modelled.
			sc.sp.errs.Add(sc.at(first), msgPyCall, strconvQuote(sc.text(sc.k, sc.callEnd())))
			sc.skipLine()
			return
		}
		sc.sp.errs.Add(sc.at(first), msgPyCall, strconvQuote(sc.text(sc.k, sc.callEnd())))
		sc.skipLine()
		return
	}
	// target = attribute chain
	if slices.Contains(pyIgnoredCalls, first.val) {
		sc.skipLine()
		return
	}
	if sc.isOp(sc.toks[eq], "=") && eq == sc.k+3 && sc.isOp(sc.peek(1), ".") && sc.peek(2).kind == pyName {
		attr := sc.peek(2)
		sc.k = eq + 1
		switch {
		case first.val == "defaultclock" && attr.val == "dt":
			sc.sp.dt = sc.quantityText()
			if !sc.sp.dt.blank() {
				sc.sp.dtExpr = sc.resolve(sc.b.expr(sc.sp.dt, "time step"))
			}
			if sc.sp.dtExpr == nil {
				sc.sp.dt = brianText{} // reported
			}
			return
		case first.val == sc.group && sc.group != "":
			sc.initValue(attr)
			return
		case sc.group == "" && sc.vars[first.val] == nil:
			sc.sp.errs.Add(sc.at(first), msgPyNoGroup+" before this assignment")
		default:
			sc.sp.errs.Add(sc.at(first), msgPyNotGroup, first.val, sc.group)
		}
		sc.skipLine()
		return
	}
	if sc.isOp(sc.toks[eq-1], "]") {
		sc.sp.errs.Add(sc.at(first), msgPyIndexed, strconvQuote(sc.text(sc.k, eq)))
	} else {
		sc.sp.errs.Add(sc.at(first), msgPyStatement, strconvQuote(sc.text(sc.k, eq+1)))
	}
	sc.skipLine()
}

// text returns the source of tokens [i, j).
func (sc *script) text(i, j int) string {
	if j <= i {
		return ""
	}
	return strings.TrimSpace(sc.src.text[sc.toks[i].start:sc.toks[j-1].end])
}

// callEnd returns the index after the statement's last token.
func (sc *script) callEnd() int {
	depth := 0
	for j := sc.k; j < len(sc.toks); j++ {
		t := sc.toks[j]
		if t.kind == pyNewline || t.kind == pyEOF || depth == 0 && sc.isOp(t, ";") {
			return j
		}
		if t.kind == pyOp && strings.Contains("([{", t.val) {
			depth++
		}
		if t.kind == pyOp && strings.Contains(")]}", t.val) {
			depth--
		}
	}
	return len(sc.toks)
}

// assign parses `name = value` at top level.
func (sc *script) assign(name pyTok) {
	t := sc.tok()
	pos := sc.at(name)
	switch {
	case t.kind == pyString:
		s := sc.strings()
		sc.set(name.val, &pyValue{str: &s, pos: pos})
		sc.endStatement()
	case t.kind == pyName && t.val == "Equations" && sc.isOp(sc.peek(1), "("):
		sc.next()
		sc.next()
		s, ok := sc.stringArg("Equations")
		if ok && sc.isOp(sc.tok(), ")") {
			sc.next()
			sc.set(name.val, &pyValue{str: &s, pos: pos})
			sc.endStatement()
			return
		}
		if ok {
			sc.sp.errs.Add(sc.at(sc.tok()), msgPyExpected, `")" (Equations takes one string)`, sc.tok().describe())
		}
		sc.skipLine()
	case t.kind == pyName && t.val == "NeuronGroup" && sc.isOp(sc.peek(1), "("):
		sc.neuronGroup(name)
	case t.kind == pyName && (isMonitor(t.val) || slices.Contains(pyIgnoredCalls, t.val)) && sc.isOp(sc.peek(1), "(") ||
		t.kind == pyName && slices.Contains(pyIgnoredCalls, t.val) && sc.isOp(sc.peek(1), "."):
		sc.set(name.val, &pyValue{other: t.val, pos: pos})
		sc.skipLine()
	case t.kind == pyName && sc.isOp(sc.peek(1), "(") && isCapitalized(t.val):
		// Synapses, PoissonGroup, Network, TimedArray, ...
		sc.sp.errs.Add(sc.at(t), msgPyCall, strconvQuote(t.val+"(...)"))
		sc.skipLine()
	default:
		bt := sc.quantityText()
		if bt.blank() {
			return
		}
		e := sc.b.expr(bt, "value")
		sc.set(name.val, &pyValue{expr: sc.resolve(e), pos: pos})
	}
}

func isCapitalized(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

// set assigns a top-level name.
func (sc *script) set(name string, v *pyValue) {
	sc.vars[name] = v
	sc.order = slices.DeleteFunc(sc.order, func(n string) bool { return n == name })
	sc.order = append(sc.order, name)
}

// resolve replaces the names in a Python-level expression that are
// assigned more than once by their current value (Python evaluates the
// expression now; the namespace of the equations is read at run()).
func (sc *script) resolve(e lang.Expr) lang.Expr {
	return rewrite(e, func(id *lang.Ident) lang.Expr {
		v := sc.vars[id.Name]
		if v == nil || v.expr == nil || sc.count[id.Name] < 2 && !sc.nsDict {
			return nil
		}
		return v.expr
	})
}

// resolveAll replaces every top-level quantity name by its value (the
// values of a namespace= dict, which Brian2 reads instead of the names).
func (sc *script) resolveAll(e lang.Expr) lang.Expr {
	return rewrite(e, func(id *lang.Ident) lang.Expr {
		if v := sc.vars[id.Name]; v != nil && v.expr != nil {
			return v.expr
		}
		return nil
	})
}

// rewrite copies e, replacing each Ident for which f returns an expression.
func rewrite(e lang.Expr, f func(*lang.Ident) lang.Expr) lang.Expr {
	switch e := e.(type) {
	case *lang.Ident:
		if r := f(e); r != nil {
			return r
		}
		return e
	case *lang.Unary:
		c := *e
		c.X = rewrite(e.X, f)
		return &c
	case *lang.Binary:
		c := *e
		c.X, c.Y = rewrite(e.X, f), rewrite(e.Y, f)
		return &c
	case *lang.Call:
		c := *e
		c.Args = make([]lang.Expr, len(e.Args))
		for i, a := range e.Args {
			c.Args[i] = rewrite(a, f)
		}
		return &c
	}
	return e
}

// quantityText returns the rest of the statement as text (a Python
// quantity expression) and moves past it. A string literal there is an
// error (Brian2 takes a quantity).
func (sc *script) quantityText() brianText {
	start := sc.k
	end := sc.callEnd()
	if t := sc.tok(); t.kind == pyString {
		sc.sp.errs.Add(sc.at(t), msgPyNotString, "the value")
		sc.skipLine()
		return brianText{}
	}
	sc.k = end
	sc.endStatement()
	if end == start {
		sc.sp.errs.Add(sc.at(sc.toks[start]), msgPyExpected, "a value", sc.toks[start].describe())
		return brianText{}
	}
	return sc.exprText(start, end)
}

// exprText is the file text of tokens [i, j), comments and line
// continuations blanked.
func (sc *script) exprText(i, j int) brianText {
	t := sc.src.slice(sc.toks[i].start, sc.toks[j-1].end).uncomment()
	if strings.Contains(t.text, "\\") {
		b := []byte(t.text)
		for k := 0; k+1 < len(b); k++ {
			if b[k] == '\\' && (b[k+1] == '\n' || b[k+1] == '\r') {
				b[k] = ' '
			}
		}
		t.text = string(b)
	}
	return t
}

// strings reads adjacent string literals (implicit concatenation).
func (sc *script) strings() brianText {
	var parts []brianText
	for sc.tok().kind == pyString {
		parts = append(parts, sc.next().str)
	}
	return concat(parts)
}

// stringArg reads a string argument: literals or the name of a string.
func (sc *script) stringArg(what string) (brianText, bool) {
	t := sc.tok()
	switch {
	case t.kind == pyString:
		return sc.strings(), true
	case t.kind == pyName:
		if v := sc.vars[t.val]; v != nil && v.str != nil {
			sc.next()
			return *v.str, true
		}
		sc.sp.errs.Add(sc.at(t), msgPyStringVar, t.val, what)
	default:
		sc.sp.errs.Add(sc.at(t), msgPyExpected, "a string for "+what, t.describe())
	}
	return brianText{}, false
}

// argEnd returns the index of the ',' or ')' ending the argument at sc.k.
func (sc *script) argEnd() int {
	depth := 0
	for j := sc.k; j < len(sc.toks); j++ {
		t := sc.toks[j]
		if t.kind == pyEOF {
			return j
		}
		if t.kind == pyOp {
			switch {
			case strings.Contains("([{", t.val):
				depth++
			case depth == 0 && (t.val == "," || strings.Contains(")]}", t.val)):
				return j
			case strings.Contains(")]}", t.val):
				depth--
			}
		}
	}
	return len(sc.toks) - 1
}

// valueArg reads an argument that is a string (Brian2 code) or a Python
// quantity expression; str reports which.
func (sc *script) valueArg(what string) (t brianText, str bool, e lang.Expr) {
	tk := sc.tok()
	end := sc.argEnd()
	if tk.kind == pyString {
		s := sc.strings()
		if sc.k != end {
			sc.sp.errs.Add(sc.at(sc.tok()), msgPyExpected, `"," or ")"`, sc.tok().describe())
			sc.k = end
		}
		return s, true, nil
	}
	if tk.kind == pyName && sc.k+1 == end {
		if v := sc.vars[tk.val]; v != nil && v.str != nil {
			sc.next()
			return *v.str, true, nil
		}
	}
	if end == sc.k {
		sc.sp.errs.Add(sc.at(tk), msgPyExpected, what, tk.describe())
		return brianText{}, false, nil
	}
	bt := sc.exprText(sc.k, end)
	sc.k = end
	return bt, false, sc.resolve(sc.b.expr(bt, what))
}

// neuronGroup parses `name = NeuronGroup(N, model, kw=...)`.
func (sc *script) neuronGroup(name pyTok) {
	call := sc.next()
	sc.next() // (
	if sc.group != "" {
		sc.sp.errs.Add(sc.at(call), msgPyTwoGroups, sc.gpos)
		sc.skipLine()
		return
	}
	sc.group, sc.gpos = name.val, sc.at(name)
	sc.out.Group = name.val
	sc.set(name.val, &pyValue{group: true, pos: sc.at(name)})
	positional := []string{"N", "model", "threshold", "reset", "refractory", "method"}
	seen := map[string]bool{}
	for n := 0; ; n++ {
		t := sc.tok()
		if sc.isOp(t, ")") {
			sc.next()
			break
		}
		if t.kind == pyEOF || t.kind == pyNewline {
			sc.sp.errs.Add(sc.at(call), msgPyUnclosed, "NeuronGroup(...) call")
			return
		}
		key := ""
		keyPos := sc.at(t)
		if t.kind == pyName && sc.isOp(sc.peek(1), "=") {
			key = t.val
			sc.next()
			sc.next()
		} else if n < len(positional) {
			key = positional[n]
		} else {
			sc.sp.errs.Add(sc.at(t), msgPyExpected, "a keyword argument", t.describe())
			sc.k = sc.argEnd()
		}
		if key != "" {
			if seen[key] {
				sc.sp.errs.Add(keyPos, msgPyArgTwice, key)
			}
			seen[key] = true
			sc.groupArg(key, keyPos)
		}
		switch t := sc.tok(); {
		case sc.isOp(t, ","):
			sc.next()
		case sc.isOp(t, ")"):
		default:
			sc.sp.errs.Add(sc.at(t), msgPyExpected, `"," or ")"`, t.describe())
			sc.k = sc.argEnd()
			if !sc.isOp(sc.tok(), ",") && !sc.isOp(sc.tok(), ")") {
				sc.skipLine()
				return
			}
			if sc.isOp(sc.tok(), ",") {
				sc.next()
			}
		}
	}
	if !seen["model"] {
		sc.sp.errs.Add(sc.at(call), msgBrianEmpty, "the model equations of NeuronGroup")
	}
	sc.endStatement()
}

// groupArg reads one NeuronGroup argument.
func (sc *script) groupArg(key string, pos lang.Pos) {
	switch key {
	case "N":
		t, str, e := sc.valueArg("the number of neurons")
		if str {
			sc.sp.errs.Add(t.at(0), msgPyNotString, "N")
		}
		sc.out.Size = e
	case "model":
		s, ok := sc.stringArg("model")
		if ok {
			sc.sp.eqs = s
		}
		sc.k = sc.argEnd()
	case "threshold", "reset", "method":
		s, ok := sc.stringArg(key)
		if ok {
			switch key {
			case "threshold":
				sc.sp.threshold = s
			case "reset":
				sc.sp.reset = s
			default:
				sc.sp.method = s
			}
		}
		sc.k = sc.argEnd()
	case "refractory":
		t, str, e := sc.valueArg("refractory period")
		if str {
			sc.sp.refractory = t
		} else if e != nil {
			sc.sp.refractory = t
			sc.sp.refrExpr = e
		}
	case "dt":
		t, str, e := sc.valueArg("time step")
		if str {
			sc.sp.errs.Add(t.at(0), msgPyNotString, "dt")
		} else if e != nil {
			sc.sp.dt = t
			sc.sp.dtExpr = e
		}
	case "name":
		sc.stringArg("name")
		sc.k = sc.argEnd()
	case "namespace":
		sc.namespace()
	default:
		sc.sp.errs.Add(pos, msgPyArg, key)
		sc.k = sc.argEnd()
	}
}

// namespace reads `namespace=dict(a=…, …)` or `namespace={'a': …, …}`:
// the names the equations read, instead of the script's top level.
func (sc *script) namespace() {
	t := sc.tok()
	end := sc.argEnd()
	dict := t.kind == pyName && t.val == "dict" && sc.isOp(sc.peek(1), "(")
	brace := sc.isOp(t, "{")
	if !dict && !brace {
		sc.sp.errs.Add(sc.at(t), msgPyExpected, "dict(name=value, ...) or {'name': value, ...} for namespace", t.describe())
		sc.k = end
		return
	}
	sc.nsDict = true
	sc.next()
	if dict {
		sc.next()
	}
	closeOp := ")"
	if brace {
		closeOp = "}"
	}
	for !sc.isOp(sc.tok(), closeOp) {
		k := sc.tok()
		var key string
		switch {
		case dict && k.kind == pyName && sc.isOp(sc.peek(1), "="):
			key = k.val
			sc.next()
			sc.next()
		case brace && k.kind == pyString && sc.isOp(sc.peek(1), ":"):
			key = k.str.text
			sc.next()
			sc.next()
		default:
			sc.sp.errs.Add(sc.at(k), msgPyExpected, "name = value in namespace", k.describe())
			sc.k = end
			return
		}
		bt, str, e := sc.valueArg("value of " + strconvQuote(key))
		if str {
			sc.sp.errs.Add(bt.at(0), msgPyNotString, "a namespace value")
		} else if e != nil {
			sc.sp.params = append(sc.sp.params, brianDef{name: key, pos: sc.at(k), expr: sc.resolveAll(e)})
		}
		if sc.isOp(sc.tok(), ",") {
			sc.next()
		} else if !sc.isOp(sc.tok(), closeOp) {
			sc.sp.errs.Add(sc.at(sc.tok()), msgPyExpected, `"," or "`+closeOp+`"`, sc.tok().describe())
			sc.k = end
			return
		}
	}
	sc.next()
}

// initValue reads the value of `G.attr = value`.
func (sc *script) initValue(attr pyTok) {
	start := sc.k
	end := sc.callEnd()
	if start == end {
		sc.sp.errs.Add(sc.at(sc.tok()), msgPyExpected, "a value", sc.tok().describe())
		sc.skipLine()
		return
	}
	d := brianDef{name: attr.val, pos: sc.at(attr)}
	if sc.tok().kind == pyString {
		d.value = sc.strings()
		if sc.k != end {
			sc.sp.errs.Add(sc.at(sc.tok()), msgPyExpected, "end of statement", sc.tok().describe())
		}
	} else {
		d.value = sc.exprText(start, end)
		d.expr = sc.resolve(sc.b.expr(d.value, "value"))
		if d.expr == nil {
			d.expr = &lang.Number{Text: "0"} // reported
		}
	}
	sc.k = end
	sc.endStatement()
	sc.sp.inits = append(sc.sp.inits, d)
}

// run reads `run(duration[, report=...])`.
func (sc *script) run(t pyTok) {
	sc.next() // (
	if sc.isOp(sc.tok(), ")") {
		sc.sp.errs.Add(sc.at(sc.tok()), msgBrianEmpty, "a duration for run()")
		sc.skipLine()
		return
	}
	if sc.tok().kind == pyName && sc.tok().val == "duration" && sc.isOp(sc.peek(1), "=") {
		sc.next()
		sc.next()
	}
	bt, str, e := sc.valueArg("duration")
	if str {
		sc.sp.errs.Add(bt.at(0), msgPyNotString, "run()")
	}
	if sc.out.Duration != nil {
		sc.sp.errs.Add(sc.at(t), msgPyStatement, "run() called twice")
	}
	sc.out.Duration = e
	// Keyword arguments (report=, namespace=...) are ignored.
	depth := 0
	for {
		t := sc.tok()
		if t.kind == pyEOF || t.kind == pyNewline && depth == 0 {
			break
		}
		sc.next()
		if sc.isOp(t, "(") {
			depth++
		}
		if sc.isOp(t, ")") {
			if depth == 0 {
				break
			}
			depth--
		}
	}
	sc.endStatement()
}
