package ir

import (
	"strconv"
	"strings"

	"scc/lang"
)

// network parses a network printed by printer.network (net_print.go);
// p.toks holds its header line. Names of states, parameters and inputs
// resolve through the Funcs parsed before it.
func (p *irParser) network() *Net {
	toks, pos := p.cut(trimBrace(p.toks))
	if len(toks) != 2 || toks[0] != "network" {
		p.failf("expected `network Name {`, found %q", strings.Join(p.toks, " "))
	}
	n := &Net{Name: toks[1], Pos: pos}
	p.advance()
	for {
		if !p.next() {
			p.failf("unexpected end of input in network %s", n.Name)
		}
		switch p.toks[0] {
		case "}":
			if len(p.toks) != 1 {
				p.failf("unexpected %q after `}`", strings.Join(p.toks[1:], " "))
			}
			p.advance()
			return n
		case "sc_dense":
			n.Layers = append(n.Layers, p.layer())
			continue
		case "dt":
			c := p.line(p.toks[1:])
			n.Dt = c.float()
			c.done()
		case "pop":
			n.Pops = append(n.Pops, p.netPop(n))
			continue
		case "proj":
			n.Projs = append(n.Projs, p.netProj(n))
			continue
		case "drive":
			n.Drives = append(n.Drives, p.netDrive(n))
			continue
		case "record":
			n.Records = append(n.Records, p.netRecord(n))
		case "rule":
			n.Rules = append(n.Rules, p.netRule())
			continue
		default:
			p.failf("unknown network item %q", p.toks[0])
		}
		p.advance()
	}
}

// cursor reads the tokens of one line.
type cursor struct {
	p *irParser
	t []string
}

func (p *irParser) line(t []string) *cursor { return &cursor{p: p, t: t} }

func (c *cursor) more() bool { return len(c.t) > 0 }

func (c *cursor) peek() string {
	if len(c.t) == 0 {
		return ""
	}
	return c.t[0]
}

func (c *cursor) word() string {
	if len(c.t) == 0 {
		c.p.failf("unexpected end of line")
	}
	w := c.t[0]
	c.t = c.t[1:]
	return w
}

func (c *cursor) expect(s string) {
	if w := c.word(); w != s {
		c.p.failf("expected %q, found %q", s, w)
	}
}

func (c *cursor) done() {
	if len(c.t) > 0 {
		c.p.failf("unexpected %q at the end of the line", strings.Join(c.t, " "))
	}
}

func (c *cursor) int() int       { return c.p.atoi(c.word()) }
func (c *cursor) float() float64 { return c.p.float(c.word()) }
func (c *cursor) str() string    { return c.p.unquote(c.word()) }

func (c *cursor) uint(bits int) uint64 {
	w := c.word()
	x, err := strconv.ParseUint(w, 10, bits)
	if err != nil {
		c.p.failf("expected an unsigned %d-bit integer, found %q", bits, w)
	}
	return x
}

// list reads `[ a, b, ... ]`, calling item on each element's token.
func (c *cursor) list(item func(string)) {
	c.expect("[")
	for i := 0; ; i++ {
		w := c.word()
		if w == "]" {
			return
		}
		if i > 0 {
			if w != "," {
				c.p.failf("expected `,` or `]`, found %q", w)
			}
			w = c.word()
		}
		item(w)
	}
}

func (c *cursor) floats() []float64 {
	xs := []float64{}
	c.list(func(w string) { xs = append(xs, c.p.float(w)) })
	return xs
}

func (c *cursor) ints() []int64 {
	xs := []int64{}
	c.list(func(w string) { xs = append(xs, c.p.int64(w)) })
	return xs
}

// header cuts a block's header line: its tokens without the position and
// the `{`, the position, and whether a `{` opened a body.
func (p *irParser) header() (*cursor, bool, lang.Pos) {
	t := p.toks
	body := len(t) > 0 && t[len(t)-1] == "{"
	toks, pos := p.cut(trimBrace(t))
	return p.line(toks), body, pos
}

// body calls item for each line of a block until its `}`, which it
// consumes; item consumes its own lines.
func (p *irParser) body(what string, item func()) {
	for {
		if !p.next() {
			p.failf("unexpected end of input in %s", what)
		}
		if p.toks[0] == "}" {
			if len(p.toks) != 1 {
				p.failf("unexpected %q after `}`", strings.Join(p.toks[1:], " "))
			}
			p.advance()
			return
		}
		item()
	}
}

func (p *irParser) funcOf(n *Net, pop string) *Func {
	pp := n.NetPop(pop)
	if pp == nil {
		p.failf("unknown population %q", pop)
	}
	if pp.Kind != PopNeuron {
		p.failf("population %q is a %v population: it has no model", pop, pp.Kind)
	}
	f := p.m.Func(pp.Func)
	if f == nil {
		p.failf("unknown func %q of population %q", pp.Func, pop)
	}
	return f
}

func (p *irParser) kind(w string, names []string, what string) int {
	for i, s := range names {
		if s == w {
			return i
		}
	}
	p.failf("unknown %s kind %q", what, w)
	return 0
}

func (p *irParser) netPop(n *Net) *Pop {
	c, hasBody, pos := p.header()
	c.expect("pop")
	pop := &Pop{Name: c.word(), Pos: pos}
	pop.Kind = PopKind(p.kind(c.word(), popKindNames[:], "population"))
	switch pop.Kind {
	case PopNeuron:
		pop.Func = c.word()
	case PopExtern:
		name := c.word()
		for _, l := range n.Layers {
			if l.Name == name {
				pop.Layer = l
			}
		}
		if pop.Layer == nil {
			p.failf("unknown layer %q", name)
		}
	}
	pop.Size = c.int()
	c.done()
	p.advance()
	if !hasBody {
		return pop
	}
	p.body("population "+pop.Name, func() { p.popItem(pop) })
	return pop
}

// popItem parses one line (or, for spikes, one row block) of a
// population's body.
func (p *irParser) popItem(pop *Pop) {
	c := p.line(p.toks)
	switch key := c.word(); key {
	case "param", "init":
		f := p.m.Func(pop.Func)
		if pop.Kind != PopNeuron || f == nil {
			p.failf("%s of population %q, which runs no known func", key, pop.Name)
		}
		name := c.str()
		if key == "param" {
			i := f.ParamIndex(name)
			if i < 0 {
				p.failf("unknown parameter %q of func %s", name, f.Name)
			}
			pop.Params = append(pop.Params, &PopParam{Index: i, Values: c.floats()})
			break
		}
		i := f.StateIndex(name)
		if i < 0 {
			p.failf("unknown state %q of func %s", name, f.Name)
		}
		in := &PopInit{Index: i, Values: c.floats()}
		if c.more() {
			c.expect("raw")
			in.Words = c.ints()
		}
		pop.Init = append(pop.Init, in)
	case "source":
		if pop.Source != nil {
			p.failf("population %q has two sources", pop.Name)
		}
		s := &Source{Kind: SourceKind(p.kind(c.word(), sourceKindNames[:], "source"))}
		for c.more() {
			switch k := c.word(); k {
			case "rate":
				s.Rate = c.float()
			case "start":
				s.Start = c.int()
			case "stop":
				s.Stop = c.int()
			case "threshold":
				s.Threshold = uint32(c.uint(32))
			case "seed":
				s.Seed = c.uint(64)
			case "stream":
				s.Stream = c.int()
			default:
				p.failf("unknown source field %q", k)
			}
		}
		pop.Source = s
	case "spikes":
		if pop.Source == nil {
			p.failf("spikes before the source line of population %q", pop.Name)
		}
		k := c.int()
		c.done()
		m := p.rowCap(k)
		p.advance()
		var f [2]string
		s := make([]SpikeEvent, 0, m)
		for range k {
			p.row(f[:])
			s = append(s, SpikeEvent{Step: p.atoi(f[0]), Index: p.atoi(f[1])})
			p.advance()
		}
		pop.Source.Spikes = s
		return
	default:
		p.failf("unknown population field %q", key)
	}
	c.done()
	p.advance()
}

// rowCap bounds the capacity of k rows by the lines left (a count in a
// broken text must not allocate beyond its input).
func (p *irParser) rowCap(k int) int {
	if k < 0 {
		p.failf("negative row count %d", k)
	}
	return min(k, len(p.lines)-p.ln)
}

// row splits the next non-empty line into exactly len(f) space-separated
// fields, without the general tokenizer (rows are most of a large
// network's text); the caller converts them and advances.
func (p *irParser) row(f []string) {
	for ; p.ln < len(p.lines); p.ln++ {
		if strings.TrimSpace(p.lines[p.ln]) != "" {
			break
		}
	}
	if p.ln >= len(p.lines) {
		p.failf("unexpected end of input in a row list")
	}
	s := p.lines[p.ln]
	n := 0
	for i := 0; i < len(s); {
		if s[i] == ' ' || s[i] == '\t' || s[i] == '\r' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '\r' {
			j++
		}
		if n == len(f) {
			p.failf("row has more than %d fields", len(f))
		}
		f[n] = s[i:j]
		n++
		i = j
	}
	if n != len(f) {
		p.failf("row has %d fields, want %d", n, len(f))
	}
}

func (p *irParser) int32(s string) int32 {
	x, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		p.failf("expected a 32-bit integer, found %q", s)
	}
	return int32(x)
}

func (p *irParser) netProj(n *Net) *Proj {
	c, hasBody, pos := p.header()
	c.expect("proj")
	pr := &Proj{Name: c.word(), Pos: pos, Pre: c.word()}
	c.expect("->")
	pr.Post = c.word()
	port := c.str()
	if c.more() {
		c.expect("with")
		pr.Rule = c.word()
	}
	c.done()
	if !hasBody {
		p.failf("expected `{` after the projection header")
	}
	if n.NetPop(pr.Pre) == nil {
		p.failf("unknown population %q", pr.Pre)
	}
	f := p.funcOf(n, pr.Post)
	if pr.Port = f.InputIndex(port); pr.Port < 0 {
		p.failf("unknown input %q of func %s", port, f.Name)
	}
	pr.PortName = port
	p.advance()
	if !p.next() {
		p.failf("unexpected end of input in projection %s", pr.Name)
	}
	c = p.line(p.toks)
	c.expect("synapses")
	k := c.int()
	raw := c.more()
	if raw {
		c.expect("raw")
	}
	c.done()
	m := p.rowCap(k)
	p.advance()
	pr.PreIdx, pr.PostIdx, pr.Delay, pr.W = make([]int32, 0, m), make([]int32, 0, m), make([]int32, 0, m), make([]float64, 0, m)
	f5 := make([]string, 5)
	fs := f5[:4]
	if raw {
		pr.Words = make([]int64, 0, m)
		fs = f5
	}
	for range k {
		p.row(fs)
		pr.PreIdx = append(pr.PreIdx, p.int32(fs[0]))
		pr.PostIdx = append(pr.PostIdx, p.int32(fs[1]))
		pr.Delay = append(pr.Delay, p.int32(fs[2]))
		pr.W = append(pr.W, p.float(fs[3]))
		if raw {
			pr.Words = append(pr.Words, p.int64(fs[4]))
		}
		p.advance()
	}
	p.body("projection "+pr.Name, func() { p.failf("unexpected line %q in projection %s", strings.Join(p.toks, " "), pr.Name) })
	return pr
}

func (p *irParser) netDrive(n *Net) *Drive {
	c, hasBody, pos := p.header()
	c.expect("drive")
	d := &Drive{Name: c.word(), Pos: pos}
	d.Kind = DriveKind(p.kind(c.word(), driveKindNames[:], "drive"))
	c.done()
	if !hasBody {
		p.failf("expected `{` after the drive header")
	}
	p.advance()
	p.body("drive "+d.Name, func() {
		c := p.line(p.toks)
		switch key := c.word(); key {
		case "target":
			t := &Target{Pop: c.word(), Lo: c.int(), Hi: c.int()}
			f := p.funcOf(n, t.Pop)
			t.PortName = c.str()
			if t.Port = f.InputIndex(t.PortName); t.Port < 0 {
				p.failf("unknown input %q of func %s", t.PortName, f.Name)
			}
			d.Targets = append(d.Targets, t)
		case "value":
			d.Value = c.float()
			if c.more() {
				c.expect("raw")
				d.ValueWord = p.int64(c.word())
			}
		case "values":
			d.Values = c.floats()
			if c.more() {
				c.expect("raw")
				d.Words = c.ints()
			}
		case "poisson_sum":
			c.expect("n")
			d.N = c.int()
			c.expect("rate")
			d.Rate = c.float()
			c.expect("w")
			d.W = c.float()
			if c.peek() == "raw" {
				c.word()
				d.WWord = p.int64(c.word())
			}
			c.expect("seed")
			d.Seed = c.uint(64)
			c.expect("stream")
			d.Stream = c.int()
		case "table":
			d.Table = []uint32{}
			c.list(func(w string) {
				x, err := strconv.ParseUint(w, 10, 32)
				if err != nil {
					p.failf("expected an unsigned 32-bit integer, found %q", w)
				}
				d.Table = append(d.Table, uint32(x))
			})
		default:
			p.failf("unknown drive field %q", key)
		}
		c.done()
		p.advance()
	})
	return d
}

func (p *irParser) netRecord(n *Net) *Record {
	toks, pos := p.cut(p.toks)
	c := p.line(toks)
	c.expect("record")
	r := &Record{Pos: pos}
	r.Kind = RecordKind(p.kind(c.word(), recordKindNames[:], "record"))
	r.Pop, r.Lo, r.Hi = c.word(), c.int(), c.int()
	c.expect("every")
	r.Every = c.int()
	if c.more() {
		c.expect("vars")
		f := p.funcOf(n, r.Pop)
		r.Vars = []int{}
		c.list(func(w string) {
			name := p.unquote(w)
			i := f.StateIndex(name)
			if i < 0 {
				p.failf("unknown state %q of func %s", name, f.Name)
			}
			r.Vars = append(r.Vars, i)
		})
	}
	c.done()
	return r
}

func (p *irParser) netRule() *Rule {
	c, hasBody, pos := p.header()
	c.expect("rule")
	r := &Rule{Name: c.word(), Pos: pos}
	c.done()
	if !hasBody {
		p.failf("expected `{` after the rule header")
	}
	p.advance()
	p.body("rule "+r.Name, func() {
		c := p.line(p.toks)
		switch key := c.word(); key {
		case "on_pre":
			r.OnPre = c.word()
		case "on_post":
			r.OnPost = c.word()
		case "trace":
			side := c.word()
			t := p.trace(c)
			switch {
			case side == "pre" && r.Pre == nil:
				r.Pre = t
			case side == "post" && r.Post == nil:
				r.Post = t
			default:
				p.failf("expected one `trace pre` and one `trace post`, found another %q", side)
			}
		default:
			p.failf("unknown rule field %q", key)
		}
		c.done()
		p.advance()
	})
	return r
}

// trace reads `"name" decay D add A [set] [fmt T decay_fmt T decay_raw N
// add_raw N]`.
func (p *irParser) trace(c *cursor) *Trace {
	t := &Trace{Name: c.str()}
	c.expect("decay")
	t.Decay = c.float()
	c.expect("add")
	t.Add = c.float()
	if c.peek() == "set" {
		c.word()
		t.Set = true
	}
	if c.more() {
		c.expect("fmt")
		t.Fmt = p.typ(c.word())
		c.expect("decay_fmt")
		t.DecayFmt = p.typ(c.word())
		c.expect("decay_raw")
		t.DecayWord = p.int64(c.word())
		c.expect("add_raw")
		t.AddWord = p.int64(c.word())
	}
	return t
}
