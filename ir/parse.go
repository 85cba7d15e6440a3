package ir

import (
	"fmt"
	"strconv"
	"strings"

	"scc/fixed"
	"scc/lang"
)

// Parse reads the text form written by Print. Errors carry the line of the
// IR text (file name "ir").
func Parse(src string) (*Module, error) {
	p := &irParser{lines: strings.Split(src, "\n")}
	m, err := p.module()
	if err != nil {
		return nil, err
	}
	return m, nil
}

type irParser struct {
	lines []string
	ln    int // current line index
	toks  []string
	m     *Module
}

type parseErr struct{ err *lang.Error }

func (p *irParser) failf(format string, args ...any) {
	panic(parseErr{lang.Errorf(lang.Pos{File: "ir", Line: p.ln + 1, Col: 1}, format, args...)})
}

// tokenize splits one line into words, quoted strings and punctuation.
func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case strings.IndexByte(",:=[]{}@", c) >= 0:
			toks = append(toks, s[i:i+1])
			i++
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, s[i:j+1])
			i = j + 1
		default:
			j := i
			for j < len(s) && strings.IndexByte(" \t\r,:=[]{}@\"", s[j]) < 0 {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

// next advances to the next non-empty line and tokenizes it; false at EOF.
func (p *irParser) next() bool {
	for ; p.ln < len(p.lines); p.ln++ {
		line := p.lines[p.ln]
		if k := strings.Index(line, "//"); k >= 0 && !strings.Contains(line[:k], "\"") {
			line = line[:k]
		}
		t, err := tokenize(line)
		if err != nil {
			p.failf("%v", err)
		}
		if len(t) > 0 {
			p.toks = t
			return true
		}
	}
	return false
}

func (p *irParser) advance() { p.ln++ }

func (p *irParser) module() (m *Module, err error) {
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(parseErr)
			if !ok {
				panic(r)
			}
			m, err = nil, pe.err
		}
	}()
	if !p.next() {
		p.failf("expected module header, found end of input")
	}
	t := p.toks
	if len(t) != 3 || t[0] != "module" {
		p.failf("expected `module \"file\" phase`, found %q", strings.Join(t, " "))
	}
	p.m = &Module{File: p.unquote(t[1])}
	switch t[2] {
	case "real":
		p.m.Phase = Real
	case "fixed":
		p.m.Phase = Fixed
	default:
		p.failf("unknown phase %q", t[2])
	}
	p.advance()
	for p.next() {
		if p.toks[0] == "network" {
			p.m.Nets = append(p.m.Nets, p.network())
			continue
		}
		p.m.Funcs = append(p.m.Funcs, p.fn())
	}
	return p.m, nil
}

func (p *irParser) unquote(s string) string {
	u, err := strconv.Unquote(s)
	if err != nil {
		p.failf("bad string %s", s)
	}
	return u
}

// cut splits a trailing "@ line : col" off toks.
func (p *irParser) cut(toks []string) ([]string, lang.Pos) {
	n := len(toks)
	if n >= 4 && toks[n-4] == "@" && toks[n-2] == ":" {
		return toks[:n-4], lang.Pos{File: p.m.File, Line: p.atoi(toks[n-3]), Col: p.atoi(toks[n-1])}
	}
	return toks, lang.Pos{}
}

func (p *irParser) atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		p.failf("expected integer, found %q", s)
	}
	return n
}

func (p *irParser) int64(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.failf("expected integer, found %q", s)
	}
	return n
}

func (p *irParser) float(s string) float64 {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		p.failf("expected number, found %q", s)
	}
	return x
}

func (p *irParser) typ(s string) Type {
	switch s {
	case "f64":
		return F64
	case "bool":
		return Bool
	case "void":
		return Void
	}
	f, err := fixed.ParseFormat(s)
	if err != nil {
		p.failf("%v", err)
	}
	return Fix(f)
}

func (p *irParser) fn() *Func {
	toks := p.toks
	if len(toks) > 0 && toks[len(toks)-1] == "{" {
		toks = toks[:len(toks)-1]
	}
	toks, pos := p.cut(toks)
	if len(toks) != 2 || toks[0] != "func" {
		p.failf("expected `func Name {`, found %q", strings.Join(p.toks, " "))
	}
	f := NewFunc(toks[1], pos)
	f.Blocks = nil
	p.advance()
	vals := map[string]*Value{}
	var b *Block
	for {
		if !p.next() {
			p.failf("unexpected end of input in func %s", f.Name)
		}
		toks, pos := p.cut(p.toks)
		if len(toks) == 0 {
			p.failf("position without a line")
		}
		switch {
		case toks[0] == "}":
			p.advance()
			if len(f.Blocks) == 0 {
				p.failf("func %s has no block", f.Name)
			}
			return f
		case toks[0] == "dt" && len(toks) == 2:
			f.Dt = p.float(toks[1])
		case toks[0] == "format" && len(toks) == 2:
			fm, err := fixed.ParseFormat(toks[1])
			if err != nil {
				p.failf("%v", err)
			}
			f.Format = fm
		case toks[0] == "auto" && len(toks) == 2:
			f.AutoWidth = p.atoi(toks[1])
		case toks[0] == "round" && len(toks) == 2:
			r, err := fixed.ParseRound(toks[1])
			if err != nil {
				p.failf("%v", err)
			}
			f.Round = r
		case toks[0] == "overflow" && len(toks) == 2:
			o, err := fixed.ParseOverflow(toks[1])
			if err != nil {
				p.failf("%v", err)
			}
			f.Overflow = o
		case toks[0] == "param" && len(toks) >= 4 && toks[2] == "=":
			f.Params = append(f.Params, &Param{Name: p.unquote(toks[1]), Pos: pos, Value: p.float(toks[3]),
				Range: p.rangeOpt(toks[4:])})
		case len(toks) == 2 && toks[0] == "params" && toks[1] == ":":
			if f.ParamBlock != nil || len(f.Blocks) > 0 {
				p.failf("the params block comes once, before b0")
			}
			b = f.NewParamBlock()
		case toks[0] == "state" && len(toks) >= 6 && toks[2] == ":" && toks[4] == "=":
			f.States = append(f.States, p.state(toks, pos))
		case toks[0] == "input" && len(toks) >= 4 && toks[2] == ":":
			in := &Input{Name: p.unquote(toks[1]), Pos: pos, Type: p.typ(toks[3])}
			rest := toks[4:]
			if n := len(rest); n > 0 && rest[n-1] == "noise" {
				in.Noise = true
				rest = rest[:n-1]
			}
			in.Range = p.rangeOpt(rest)
			f.Inputs = append(f.Inputs, in)
		case len(toks) == 2 && toks[1] == ":" && strings.HasPrefix(toks[0], "b"):
			b = &Block{ID: p.atoi(toks[0][1:]), Func: f}
			f.Blocks = append(f.Blocks, b)
		case len(toks) >= 3 && toks[1] == "=":
			if b == nil {
				p.failf("value outside a block")
			}
			p.value(b, toks, pos, vals)
		default:
			p.failf("unexpected line %q", strings.Join(p.toks, " "))
		}
		p.advance()
	}
}

func (p *irParser) state(toks []string, pos lang.Pos) *State {
	s := &State{Name: p.unquote(toks[1]), Pos: pos, Type: p.typ(toks[3]), Init: p.float(toks[5])}
	rest := toks[6:]
	if len(rest) >= 2 && rest[0] == "raw" {
		s.InitRaw = p.int64(rest[1])
		rest = rest[2:]
	}
	if n := len(rest); n >= 6 && rest[n-6] == "reach" || n >= 7 && rest[n-7] == "reach" && rest[n-1] == "proven" {
		if rest[n-1] == "proven" {
			s.Proven = true
			rest = rest[:n-1]
			n--
		}
		t := rest[n-6:]
		if t[1] != "[" || t[3] != "," || t[5] != "]" {
			p.failf("expected `reach [lo, hi]`, found %q", strings.Join(t, " "))
		}
		s.Reach = &Range{Lo: p.float(t[2]), Hi: p.float(t[4])}
		rest = rest[:n-6]
	}
	if len(rest) > 0 && rest[len(rest)-1] == "refractory" {
		s.Refractory = true
		rest = rest[:len(rest)-1]
	}
	if len(rest) > 0 && rest[len(rest)-1] == "clock" {
		s.Clock = true
		rest = rest[:len(rest)-1]
	}
	s.Range = p.rangeOpt(rest)
	return s
}

func (p *irParser) rangeOpt(t []string) *Range {
	if len(t) == 0 {
		return nil
	}
	if len(t) != 6 || t[0] != "in" || t[1] != "[" || t[3] != "," || t[5] != "]" {
		p.failf("expected `in [lo, hi]`, found %q", strings.Join(t, " "))
	}
	return &Range{Lo: p.float(t[2]), Hi: p.float(t[4])}
}

func (p *irParser) value(b *Block, toks []string, pos lang.Pos, vals map[string]*Value) {
	name := toks[0]
	if !strings.HasPrefix(name, "v") {
		p.failf("expected value name vN, found %q", name)
	}
	id := p.atoi(name[1:])
	if _, dup := vals[name]; dup {
		p.failf("%s defined twice", name)
	}
	op, ok := opByName[toks[2]]
	if !ok {
		p.failf("unknown op %q", toks[2])
	}
	rest := toks[3:]
	var rng *Range
	if n := len(rest); n >= 8 && rest[n-6] == "in" && rest[n-5] == "[" && rest[n-3] == "," && rest[n-1] == "]" && rest[n-8] == ":" {
		rng = p.rangeOpt(rest[n-6:])
		rest = rest[:n-6]
	}
	typ := Void
	if n := len(rest); n >= 2 && rest[n-2] == ":" {
		typ = p.typ(rest[n-1])
		rest = rest[:n-2]
	} else if !op.Info().Void {
		p.failf("%s: missing result type", name)
	}
	v := b.newValueID(id, pos, op, typ)
	v.Range = rng
	f := b.Func
	switch op {
	case OpConst:
		if len(rest) != 1 {
			p.failf("const takes one literal")
		}
		switch {
		case typ.Kind == KBool:
			bv, err := strconv.ParseBool(rest[0])
			if err != nil {
				p.failf("bad bool %q", rest[0])
			}
			if bv {
				v.AuxInt = 1
			}
		case typ.Kind == KFloat:
			v.AuxFloat = p.float(rest[0])
		default:
			v.AuxInt = p.int64(rest[0])
		}
		rest = nil
	case OpState, OpFit, OpNext:
		if len(rest) == 0 {
			p.failf("%s needs a state name", op)
		}
		i := f.StateIndex(p.unquote(rest[0]))
		if i < 0 {
			p.failf("unknown state %s", rest[0])
		}
		v.AuxInt = int64(i)
		rest = rest[1:]
		if len(rest) > 0 && rest[0] == "," {
			rest = rest[1:]
		}
	case OpInput, OpParam:
		kind, index := "input", f.InputIndex
		if op == OpParam {
			kind, index = "parameter", f.ParamIndex
		}
		if len(rest) != 1 {
			p.failf("%s needs a%s %s name", op, map[bool]string{true: "n", false: ""}[kind == "input"], kind)
		}
		i := index(p.unquote(rest[0]))
		if i < 0 {
			p.failf("unknown %s %s", kind, rest[0])
		}
		v.AuxInt = int64(i)
		rest = nil
	case OpCall:
		if len(rest) == 0 {
			p.failf("call needs a function name")
		}
		v.AuxName = rest[0]
		rest = rest[1:]
	case OpCast:
		n := len(rest)
		if n < 3 {
			p.failf("cast needs an operand, a rounding and an overflow mode")
		}
		r, err := fixed.ParseRound(rest[n-2])
		if err != nil {
			p.failf("%v", err)
		}
		o, err := fixed.ParseOverflow(rest[n-1])
		if err != nil {
			p.failf("%v", err)
		}
		v.Round, v.Overflow = r, o
		rest = rest[:n-2]
	case OpTable:
		rest = p.table(v, rest)
	}
	for i, t := range rest {
		if i%2 == 1 {
			if t != "," {
				p.failf("expected `,` between args, found %q", t)
			}
			continue
		}
		a, ok := vals[t]
		if !ok {
			p.failf("%s: arg %s not defined before use", name, t)
		}
		v.Args = append(v.Args, a)
	}
	vals[name] = v
}

// table reads `ARG lo N shift S [ Y, ... ]` into v.Table and returns the
// operand tokens.
func (p *irParser) table(v *Value, rest []string) []string {
	if len(rest) < 7 || rest[1] != "lo" || rest[3] != "shift" || rest[5] != "[" || rest[len(rest)-1] != "]" {
		p.failf("table needs `ARG lo N shift S [ Y, ... ]`")
	}
	t := &fixed.Table{Lo: p.int64(rest[2]), Shift: p.atoi(rest[4])}
	for i, tok := range rest[6 : len(rest)-1] {
		if i%2 == 1 {
			if tok != "," {
				p.failf("expected `,` between table entries, found %q", tok)
			}
			continue
		}
		t.Y = append(t.Y, p.int64(tok))
	}
	v.Table = t
	return rest[:1]
}
