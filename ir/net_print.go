package ir

import (
	"strconv"
)

// The text form of a network (net.go). A network of SC layers alone prints
// as it always has (header, sc_dense blocks, `}`); the other parts follow
// the layers in the order below, each on its own line or block, names
// resolved through the module's Funcs (which print first). Positions end
// a line as everywhere in the IR (`@line:col`, before a `{`). A real
// number prints in its shortest round-trip form; in the fixed phase its
// raw word follows (`raw W`, or `raw [...]` after a list, a last column
// after the synapse rows), so a fixed module still carries the real
// values the words encode.
//
//	network CUBA @1:1 {
//	  dt 0.1
//	  pop exc neuron CubaLIF 4 @3:5 {
//	    param "v_th" [-50, -50, -51, -50]
//	    init "v" [-60, -55.5, -58, -51] raw [-15360, -14208, -14848, -13056]
//	  }
//	  pop kick source 2 @9:5 {
//	    source poisson rate 0.3 start 0 stop 500 threshold 128849019 seed 5 stream 0
//	  }
//	  pop pulse source 3 @10:5 {
//	    source spikes
//	    spikes 2
//	    1 0
//	    4 2
//	  }
//	  pop L extern A 3 @11:5
//	  proj ee exc -> exc "je" with STDP @4:5 {
//	    synapses 2 raw
//	    0 1 1 1.62 415
//	    2 3 15 1.62 415
//	  }
//	  drive bg poisson_sum @7:5 {
//	    target exc 0 4 "je"
//	    poisson_sum n 1000 rate 0.02 w 0.1 raw 26 seed 7 stream 1
//	    table [566, 12345, 4294967295]
//	  }
//	  drive i0 current @8:5 {
//	    target exc 0 2 "I"
//	    value 1.5 raw 384
//	    values [1, 2] raw [256, 512]
//	  }
//	  record spikes exc 0 4 every 1 @12:5
//	  record state exc 0 2 every 1 vars ["v", "ge"] @13:5
//	  rule STDP @20:1 {
//	    on_pre STDP__pre
//	    on_post STDP__post
//	    trace pre "x" decay 0.995 add 0.01 fmt q8.8 decay_fmt uq1.18 decay_raw 260836 add_raw 3
//	  }
//	}
//
// Rows (synapses `pre post delay w [raw]`, spikes `step index`) follow
// their count line, one per line, so a 300k-synapse projection parses
// without the general tokenizer. An extern population names its layer
// (one of the network's sc_dense blocks, which print first).
func (p *printer) network(n *Net) {
	p.f("network %s", n.Name)
	p.pos(n.Pos)
	p.WriteString(" {\n")
	if n.Dt != 0 {
		p.f("  dt %s\n", FormatFloat(n.Dt))
	}
	for _, l := range n.Layers {
		p.scLayer(l)
	}
	for _, pop := range n.Pops {
		p.netPop(pop)
	}
	for _, pr := range n.Projs {
		p.netProj(n, pr)
	}
	for _, d := range n.Drives {
		p.netDrive(n, d)
	}
	for _, r := range n.Records {
		p.netRecord(n, r)
	}
	for _, r := range n.Rules {
		p.netRule(r)
	}
	p.WriteString("}\n")
}

var popKindNames = [...]string{PopNeuron: "neuron", PopSource: "source", PopExtern: "extern"}

// String returns the text form's name of k.
func (k PopKind) String() string {
	if int(k) < len(popKindNames) {
		return popKindNames[k]
	}
	return "kind" + strconv.Itoa(int(k))
}

var sourceKindNames = [...]string{SourcePoisson: "poisson", SourceSpikes: "spikes"}

// String returns the text form's name of k.
func (k SourceKind) String() string {
	if int(k) < len(sourceKindNames) {
		return sourceKindNames[k]
	}
	return "source" + strconv.Itoa(int(k))
}

var driveKindNames = [...]string{DriveCurrent: "current", DrivePoissonSum: "poisson_sum"}

// String returns the text form's name of k.
func (k DriveKind) String() string {
	if int(k) < len(driveKindNames) {
		return driveKindNames[k]
	}
	return "drive" + strconv.Itoa(int(k))
}

var recordKindNames = [...]string{RecordSpikes: "spikes", RecordState: "state", RecordRate: "rate"}

// String returns the text form's name of k.
func (k RecordKind) String() string {
	if int(k) < len(recordKindNames) {
		return recordKindNames[k]
	}
	return "record" + strconv.Itoa(int(k))
}

// popFunc returns the Func of the named population of n, or nil.
func (p *printer) popFunc(n *Net, pop string) *Func {
	if pp := n.NetPop(pop); pp != nil && p.m != nil {
		return p.m.Func(pp.Func)
	}
	return nil
}

func (p *printer) netPop(pop *Pop) {
	p.f("  pop %s %s", pop.Name, pop.Kind)
	var f *Func
	switch pop.Kind {
	case PopNeuron:
		p.f(" %s", pop.Func)
		if p.m != nil {
			f = p.m.Func(pop.Func)
		}
	case PopExtern:
		name := "?"
		if pop.Layer != nil {
			name = pop.Layer.Name
		}
		p.f(" %s", name)
	}
	p.f(" %d", pop.Size)
	p.pos(pop.Pos)
	if len(pop.Params) == 0 && len(pop.Init) == 0 && pop.Source == nil {
		p.WriteString("\n")
		return
	}
	p.WriteString(" {\n")
	for _, q := range pop.Params {
		p.f("    param %s ", strconv.Quote(paramName(f, int64(q.Index))))
		p.floats(q.Values)
		p.WriteString("\n")
	}
	for _, in := range pop.Init {
		p.f("    init %s ", strconv.Quote(stateName(f, int64(in.Index))))
		p.floats(in.Values)
		if in.Words != nil {
			p.WriteString(" raw ")
			p.ints(in.Words)
		}
		p.WriteString("\n")
	}
	if s := pop.Source; s != nil {
		p.f("    source %s", s.Kind)
		all := s.Kind == SourcePoisson // a spike list prints what is set
		if all || s.Rate != 0 {
			p.f(" rate %s", FormatFloat(s.Rate))
		}
		for _, kv := range []struct {
			key string
			v   int64
		}{{"start", int64(s.Start)}, {"stop", int64(s.Stop)}, {"threshold", int64(s.Threshold)}} {
			if all || kv.v != 0 {
				p.f(" %s %d", kv.key, kv.v)
			}
		}
		if all || s.Seed != 0 {
			p.f(" seed %d", s.Seed)
		}
		if all || s.Stream != 0 {
			p.f(" stream %d", s.Stream)
		}
		p.WriteString("\n")
		if len(s.Spikes) > 0 {
			p.f("    spikes %d\n", len(s.Spikes))
			for _, e := range s.Spikes {
				b := append(p.buf[:0], "    "...)
				b = strconv.AppendInt(b, int64(e.Step), 10)
				b = append(b, ' ')
				b = strconv.AppendInt(b, int64(e.Index), 10)
				p.buf = append(b, '\n')
				p.Write(p.buf)
			}
		}
	}
	p.WriteString("  }\n")
}

func (p *printer) netProj(n *Net, pr *Proj) {
	p.f("  proj %s %s -> %s %s", pr.Name, pr.Pre, pr.Post, strconv.Quote(inputName(p.popFunc(n, pr.Post), int64(pr.Port))))
	if pr.Rule != "" {
		p.f(" with %s", pr.Rule)
	}
	p.pos(pr.Pos)
	p.WriteString(" {\n")
	k := len(pr.PreIdx)
	p.f("    synapses %d", k)
	if pr.Words != nil {
		p.WriteString(" raw")
	}
	p.WriteString("\n")
	for i := 0; i < k; i++ {
		b := append(p.buf[:0], "    "...)
		b = strconv.AppendInt(b, int64(pr.PreIdx[i]), 10)
		b = append(b, ' ')
		b = appendAt(b, pr.PostIdx, i, func(b []byte, x int32) []byte { return strconv.AppendInt(b, int64(x), 10) })
		b = append(b, ' ')
		b = appendAt(b, pr.Delay, i, func(b []byte, x int32) []byte { return strconv.AppendInt(b, int64(x), 10) })
		b = append(b, ' ')
		b = appendAt(b, pr.W, i, func(b []byte, x float64) []byte { return strconv.AppendFloat(b, x, 'g', -1, 64) })
		if pr.Words != nil {
			b = append(b, ' ')
			b = appendAt(b, pr.Words, i, func(b []byte, x int64) []byte { return strconv.AppendInt(b, x, 10) })
		}
		p.buf = append(b, '\n')
		p.Write(p.buf)
	}
	p.WriteString("  }\n")
}

// appendAt appends xs[i], or "?" when a broken instance has no such
// entry (the parser rejects it; the printer never fails).
func appendAt[T any](b []byte, xs []T, i int, app func([]byte, T) []byte) []byte {
	if i < len(xs) {
		return app(b, xs[i])
	}
	return append(b, '?')
}

func (p *printer) netDrive(n *Net, d *Drive) {
	p.f("  drive %s %s", d.Name, d.Kind)
	p.pos(d.Pos)
	p.WriteString(" {\n")
	for _, t := range d.Targets {
		p.f("    target %s %d %d %s\n", t.Pop, t.Lo, t.Hi, strconv.Quote(inputName(p.popFunc(n, t.Pop), int64(t.Port))))
	}
	fixedPh := p.phase == Fixed
	if d.Kind == DriveCurrent || d.Value != 0 || d.ValueWord != 0 {
		p.f("    value %s", FormatFloat(d.Value))
		if fixedPh {
			p.f(" raw %d", d.ValueWord)
		}
		p.WriteString("\n")
	}
	if d.Values != nil || d.Words != nil {
		p.WriteString("    values ")
		p.floats(d.Values)
		if d.Words != nil {
			p.WriteString(" raw ")
			p.ints(d.Words)
		}
		p.WriteString("\n")
	}
	if d.Kind == DrivePoissonSum || d.N != 0 || d.Rate != 0 || d.W != 0 || d.WWord != 0 || d.Seed != 0 || d.Stream != 0 {
		p.f("    poisson_sum n %d rate %s w %s", d.N, FormatFloat(d.Rate), FormatFloat(d.W))
		if fixedPh {
			p.f(" raw %d", d.WWord)
		}
		p.f(" seed %d stream %d\n", d.Seed, d.Stream)
	}
	if d.Table != nil {
		b := append(p.buf[:0], "    table ["...)
		for i, x := range d.Table {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = strconv.AppendUint(b, uint64(x), 10)
		}
		p.buf = append(b, "]\n"...)
		p.Write(p.buf)
	}
	p.WriteString("  }\n")
}

func (p *printer) netRecord(n *Net, r *Record) {
	p.f("  record %s %s %d %d every %d", r.Kind, r.Pop, r.Lo, r.Hi, r.Every)
	if r.Vars != nil || r.Kind == RecordState {
		f := p.popFunc(n, r.Pop)
		p.WriteString(" vars [")
		for i, v := range r.Vars {
			if i > 0 {
				p.WriteString(", ")
			}
			p.WriteString(strconv.Quote(stateName(f, int64(v))))
		}
		p.WriteString("]")
	}
	p.pos(r.Pos)
	p.WriteString("\n")
}

func (p *printer) netRule(r *Rule) {
	p.f("  rule %s", r.Name)
	p.pos(r.Pos)
	p.WriteString(" {\n")
	if r.OnPre != "" {
		p.f("    on_pre %s\n", r.OnPre)
	}
	if r.OnPost != "" {
		p.f("    on_post %s\n", r.OnPost)
	}
	for _, t := range []struct {
		side string
		t    *Trace
	}{{"pre", r.Pre}, {"post", r.Post}} {
		if t.t == nil {
			continue
		}
		x := t.t
		p.f("    trace %s %s decay %s add %s", t.side, strconv.Quote(x.Name), FormatFloat(x.Decay), FormatFloat(x.Add))
		if x.Set {
			p.WriteString(" set")
		}
		if p.phase == Fixed {
			p.f(" fmt %s decay_fmt %s decay_raw %d add_raw %d", x.Fmt, x.DecayFmt, x.DecayWord, x.AddWord)
		}
		p.WriteString("\n")
	}
	p.WriteString("  }\n")
}

// floats prints [x0, x1, ...] in shortest round-trip form.
func (p *printer) floats(xs []float64) {
	b := append(p.buf[:0], '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendFloat(b, x, 'g', -1, 64)
	}
	p.buf = append(b, ']')
	p.Write(p.buf)
}

// ints prints [w0, w1, ...].
func (p *printer) ints(xs []int64) {
	b := append(p.buf[:0], '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, x, 10)
	}
	p.buf = append(b, ']')
	p.Write(p.buf)
}
