package mlir

import (
	"fmt"
	"math"

	"scc/ir"
)

// Plasticity in the folded core (DESIGN §4.1 rule 7, as sim.Net's phase
// 3): every trace is a memory of one word per neuron; the update sweep
// decays it (x ← sat(floor(x·a))) and, for a pre trace, adds the spike of
// the neuron it just updated. The PROP phase then walks, in order: on pre
// for every plastic projection (the CSR rows of the spiking pre neurons:
// read the synapse word, the pre trace of j and the post trace of its
// target, write the rule's step back), the add of every post trace (one
// item per spike), on post (rows by post neuron: a ROM of each synapse's
// CSR position and pre neuron), and finally the propagation, whose
// plastic weights are read from the synapse memories (the weight after
// phase 3, as sim.Net propagates). Synapse states live in one memory per
// projection, CSR order, the states packed (w in the low bits), loaded by
// the init sweep with the projection's initial words.

// ftrace is one trace of one population.
type ftrace struct {
	tr     *ir.Trace
	fp     *fpop
	pre    bool
	mem    *fmem
	rd     string
	w      int
	sg     bool
	lo, hi int64
}

// fplastic is the plasticity of one projection.
type fplastic struct {
	rule          *ir.Rule
	fPre, fPost   *ir.Func
	f0            *ir.Func
	preTr, postTr *ftrace
	syn           *fmem
	stW, stOff    []int
	init          [][]int64 // [state] CSR order, ns+1
	colStart      []int64   // by post neuron
	col, colPre   []int64   // by post order: CSR position, pre neuron
	synRd         string
	synAddrPost   string // the CSR position of on post's item
}

// states returns synapse state s of the word read.
func (pl *fplastic) states(g *foldgen, s int) num {
	w, sg := numType(pl.f0.States[s].Type)
	x := pl.synRd
	if pl.stW[s] != pl.syn.m.width {
		x = g.b.extract(pl.synRd, pl.stOff[s], pl.stW[s], "syn")
	}
	return num{x, w, sg}
}

func (g *foldgen) ftraceOf(tr *ir.Trace, fp *fpop, pre bool) *ftrace {
	if tr == nil {
		return nil
	}
	for _, x := range g.traces {
		if x.tr == tr && x.fp == fp {
			return x
		}
	}
	w, sg := numType(tr.Fmt)
	x := &ftrace{tr: tr, fp: fp, pre: pre, w: w, sg: sg, lo: tr.Fmt.Fmt.Min(), hi: tr.Fmt.Fmt.Max()}
	g.traces = append(g.traces, x)
	g.initN = max(g.initN, fp.n)
	return x
}

// planPlastic lays out the plastic projections and adds the event jobs.
func (g *foldgen) planPlastic() {
	var pres, posts []*fjob
	for _, fq := range g.projs {
		pr := fq.pr
		if pr.Rule == "" {
			continue
		}
		r := g.n.NetRule(pr.Rule)
		pl := &fplastic{rule: r}
		if r.OnPre != "" {
			pl.fPre = g.m.Func(r.OnPre)
		}
		if r.OnPost != "" {
			pl.fPost = g.m.Func(r.OnPost)
		}
		pl.f0 = pl.fPre
		if pl.f0 == nil {
			pl.f0 = pl.fPost
		}
		pl.preTr = g.ftraceOf(r.Pre, fq.pre, true)
		pl.postTr = g.ftraceOf(r.Post, fq.post, false)
		off := 0
		for s, st := range pl.f0.States {
			pl.stOff = append(pl.stOff, off)
			pl.stW = append(pl.stW, st.Type.Width())
			off += st.Type.Width()
			v := make([]int64, fq.ns+1)
			for k := range v {
				v[k] = st.InitRaw
			}
			if s == 0 {
				copy(v, fq.words)
			}
			pl.init = append(pl.init, v)
		}
		// By post neuron: the CSR positions, in CSR order within a post.
		preOf := make([]int64, fq.ns+1)
		for j := range fq.pre.n {
			for s := fq.rowStart[j]; s < fq.rowStart[j+1]; s++ {
				preOf[s] = int64(j)
			}
		}
		pl.colStart = make([]int64, fq.post.n+1)
		for s := range fq.ns {
			pl.colStart[fq.dst[s]+1]++
		}
		for i := range fq.post.n {
			pl.colStart[i+1] += pl.colStart[i]
		}
		at := append([]int64(nil), pl.colStart[:fq.post.n]...)
		pl.col, pl.colPre = make([]int64, fq.ns+1), make([]int64, fq.ns+1)
		for s := range fq.ns {
			i := fq.dst[s]
			pl.col[at[i]], pl.colPre[at[i]] = int64(s), preOf[s]
			at[i]++
		}
		fq.pl = pl
		g.initN = max(g.initN, fq.ns+1)
		if pl.fPre != nil {
			pres = append(pres, &fjob{kind: jobPre, name: pr.Name + "_onpre", list: fq.pre, rowStart: fq.rowStart, kw: fq.kw, fq: fq})
		}
		if pl.fPost != nil {
			posts = append(posts, &fjob{kind: jobPost, name: pr.Name + "_onpost", list: fq.post, rowStart: pl.colStart, kw: fq.kw, fq: fq})
		}
	}
	g.jobs = append(g.jobs, pres...)
	for _, x := range g.traces {
		if x.pre {
			continue
		}
		id := make([]int64, x.fp.n+1)
		for i := range id {
			id[i] = int64(i)
		}
		g.jobs = append(g.jobs, &fjob{kind: jobAdd, name: fmt.Sprintf("tr_%s_%s_add", safeName(x.tr.Name), x.fp.gp.p.Name), list: x.fp, rowStart: id, kw: addrWidth(x.fp.n + 1), tr: x})
	}
	g.jobs = append(g.jobs, posts...)
}

// plasticReadPorts declares the trace and synapse memories and their read
// ports.
func (g *foldgen) plasticReadPorts() {
	b := g.b
	tr := b.constant(1, 1)
	for _, x := range g.traces {
		b.pos, b.base = g.pos(x.fp.gp.p.Pos), fmt.Sprintf("tr_%s_%s", safeName(x.tr.Name), x.fp.gp.p.Name)
		b.note = fmt.Sprintf("trace %s of population %s : %v, decay word %d, add word %d (set %v)", x.tr.Name, x.fp.gp.p.Name, x.tr.Fmt, x.tr.DecayWord, x.tr.AddWord, x.tr.Set)
		x.mem = g.newMem(b.base, x.fp.n, x.w)
		x.mem.init = b.constant(0, x.w)
	}
	for _, fq := range g.projs {
		pl := fq.pl
		if pl == nil {
			continue
		}
		b.pos, b.base = g.pos(fq.pr.Pos), fq.pr.Name
		w := pl.stOff[len(pl.stOff)-1] + pl.stW[len(pl.stW)-1]
		b.note = fmt.Sprintf("plastic projection %s (rule %s): synapse states, CSR order, packed from bit 0 (w first)", fq.pr.Name, pl.rule.Name)
		pl.syn = g.newMem(fq.pr.Name+"_syn", fq.ns+1, w)
		var parts []string
		for s := len(pl.init) - 1; s >= 0; s-- {
			parts = append(parts, g.valueOf(fmt.Sprintf("%s_%s_init", fq.pr.Name, pl.f0.States[s].Name), pl.init[s], pl.stW[s], g.ic, g.icw))
		}
		pl.syn.init = parts[0]
		if len(parts) > 1 {
			pl.syn.init = b.concat(w, "init", parts...)
		}
	}
	// Addresses by job.
	synAddr := map[*fplastic]string{}
	trAddr := map[*ftrace]string{}
	for _, x := range g.traces {
		trAddr[x] = x.fp.addr
	}
	for _, jb := range g.jobs {
		fq := jb.fq
		b.pos, b.base = g.hm.pos, jb.name
		set := func(x *ftrace, a string) {
			if x != nil {
				trAddr[x] = b.mux(jb.on, a, trAddr[x], x.fp.ab, "traddr")
			}
		}
		switch jb.kind {
		case jobAdd:
			set(jb.tr, g.uz(jb.kk, jb.kw, jb.tr.fp.ab))
			continue
		case jobPre:
			set(fq.pl.preTr, fq.pre.listRd)
			set(fq.pl.postTr, g.valueOf(fq.pr.Name+"_dst", fq.dst, fq.post.ab, jb.kk, fq.kw))
		case jobPost:
			fq.pl.synAddrPost = g.valueOf(fq.pr.Name+"_col", fq.pl.col, fq.kw, jb.kk, fq.kw)
			set(fq.pl.preTr, g.valueOf(fq.pr.Name+"_colpre", fq.pl.colPre, fq.pre.ab, jb.kk, fq.kw))
			set(fq.pl.postTr, fq.post.listRd)
		}
		if fq == nil || fq.pl == nil {
			continue
		}
		a := jb.kk
		if jb.kind == jobPost {
			a = fq.pl.synAddrPost
		}
		if prev, ok := synAddr[fq.pl]; ok {
			a = b.mux(jb.on, a, prev, fq.kw, "synaddr")
		}
		synAddr[fq.pl] = a
	}
	for _, x := range g.traces {
		b.pos, b.base = g.pos(x.fp.gp.p.Pos), fmt.Sprintf("tr_%s_%s", safeName(x.tr.Name), x.fp.gp.p.Name)
		x.rd = b.readPort(x.mem.m, trAddr[x], tr, "rd")
	}
	for _, fq := range g.projs {
		if pl := fq.pl; pl != nil {
			b.pos, b.base = g.pos(fq.pr.Pos), fq.pr.Name
			pl.synRd = b.readPort(pl.syn.m, synAddr[pl], tr, "synrd")
		}
	}
}

// traceDecay is sat(floor(x·a)) of trace word x.
func (g *foldgen) traceDecay(x *ftrace, q num) string {
	b := g.b
	dw, dsg := numType(x.tr.DecayFmt)
	frac := x.tr.DecayFmt.Fmt.Frac
	pw := q.width + dw + 1
	prod := b.binop(kMul, b.resize(q, pw), b.resize(num{b.constant(x.tr.DecayWord, dw), dw, dsg}, pw), pw, "decay")
	fl := num{b.extract(prod, frac, pw-frac, "floor"), pw - frac, true}
	var sats []string
	return g.satCast(fl, x.lo, x.hi, math.MinInt64, math.MaxInt64, q.width, &sats)
}

// traceAdd is the spike update of trace word q: x + add (sat), or add.
func (g *foldgen) traceAdd(x *ftrace, q num) string {
	b := g.b
	if x.tr.Set {
		return b.constant(x.tr.AddWord, q.width)
	}
	sw := max(q.width, signedBits(x.tr.AddWord, x.tr.AddWord)) + 1
	sum := b.binop(kAdd, b.resize(q, sw), b.constant(x.tr.AddWord, sw), sw, "add")
	var sats []string
	return g.satCast(num{sum, sw, true}, x.lo, x.hi, math.MinInt64, math.MaxInt64, q.width, &sats)
}

// traceSweep decays the traces of fp's neuron ui (and adds its spike to a
// pre trace).
func (g *foldgen) traceSweep(fp *fpop) {
	b := g.b
	for _, x := range g.traces {
		if x.fp != fp {
			continue
		}
		b.pos, b.base = g.pos(fp.gp.p.Pos), fmt.Sprintf("tr_%s_%s", safeName(x.tr.Name), fp.gp.p.Name)
		v := g.traceDecay(x, num{x.rd, x.w, x.sg})
		if x.pre {
			v = b.mux(fp.fire, g.traceAdd(x, num{v, x.w, x.sg}), v, x.w, "tr")
		}
		x.mem.writes = append(x.mem.writes, [3]string{fp.act, fp.uiA, v})
	}
}

// plasticJob builds the write of an event or trace-add job.
func (g *foldgen) plasticJob(jb *fjob) {
	b := g.b
	if jb.kind == jobAdd {
		x := jb.tr
		b.pos, b.base = g.pos(x.fp.gp.p.Pos), jb.name
		v := g.traceAdd(x, num{x.rd, x.w, x.sg})
		x.mem.writes = append(x.mem.writes, [3]string{jb.wr, g.uz(jb.kk, jb.kw, x.fp.ab), v})
		return
	}
	fq := jb.fq
	pl := fq.pl
	f, addr, side := pl.fPre, jb.kk, "pre"
	if jb.kind == jobPost {
		f, addr, side = pl.fPost, pl.synAddrPost, "post"
	}
	b.pos, b.base = g.pos(fq.pr.Pos), fq.pr.Name+"_"+side
	regs := make([]num, len(pl.f0.States))
	for s := range regs {
		regs[s] = pl.states(g, s)
	}
	ins := make([]num, len(f.Inputs))
	for q, in := range f.Inputs {
		w, sg := numType(in.Type)
		x := pl.preTr
		if q == 1 {
			x = pl.postTr
		}
		if x == nil {
			ins[q] = num{b.constant(0, w), w, sg}
		} else {
			ins[q] = num{x.rd, w, sg}
		}
	}
	l := g.foldInline(f, regs, ins, nil, fq.pr.Name+"_"+side)
	b.pos, b.base = g.pos(fq.pr.Pos), fq.pr.Name+"_"+side
	var parts []string
	for s := len(regs) - 1; s >= 0; s-- {
		parts = append(parts, l.next[s].name)
	}
	next := parts[0]
	if len(parts) > 1 {
		next = b.concat(pl.syn.m.width, "next", parts...)
	}
	pl.syn.writes = append(pl.syn.writes, [3]string{jb.wr, addr, next})
	if len(l.checks) > 0 {
		off := g.or(g.rst, b.not(jb.wr))
		for _, c := range l.checks {
			b.pos = c.pos
			b.add(&op{kind: kAssert, args: []string{g.or(off, c.cond)}}, "")
		}
	}
}
