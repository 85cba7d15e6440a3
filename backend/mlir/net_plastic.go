package mlir

import (
	"fmt"
	"math"

	"scc/ir"
)

// Plasticity in the parallel network (DESIGN §4.1 rule 7), as sim.Net's
// phase 3, inside the take cycle: every trace (one register per neuron per
// (rule trace, population)) decays, x ← sat(floor(x·a)); then the pre
// traces of spiking neurons get their add (sat, or set), then on pre runs
// inline on every synapse of a spiking pre neuron (its states are
// registers: w first), reading the pre traces after their add and the post
// traces after decay; then the post traces get their add and on post runs
// on every synapse of a spiking post neuron, reading the pre traces after
// (ii) and the post traces after (iii). Propagation uses the weight after
// phase 3: a plastic synapse of delay d keeps its contribution
// (s_j(t) ? w : 0) in a chain of d registers, whose last one is its adder
// tree term d steps later.

type gtrace struct {
	tr    *ir.Trace
	pop   *gpop
	pre   bool
	q     []num // registers, one per neuron
	r     []*op
	cur   []string // value in the phase being built
	fmtLo int64
	fmtHi int64
}

type gproj struct {
	pr          *ir.Proj
	pre, post   *gpop
	fPre, fPost *ir.Func
	preTr       *gtrace
	postTr      *gtrace
	syn         [][]num // [synapse][state] registers
	synR        [][]*op
	cur         [][]num // [synapse][state] value in the phase being built
	chain       [][]*op // [synapse] contribution registers c_1 … c_d
	pw          int
	psigned     bool
}

// validatePlastic checks the rule Funcs of every plastic projection (the
// conditions sim.Net states).
func (g *netgen) validatePlastic() error {
	n := g.n
	for _, pr := range n.Projs {
		if pr.Rule == "" {
			continue
		}
		r := n.NetRule(pr.Rule)
		if r == nil {
			return fmt.Errorf("%v: mlir: projection %s uses rule %q, which the net does not define", pr.Pos, pr.Name, pr.Rule)
		}
		var fs []*ir.Func
		for _, name := range []string{r.OnPre, r.OnPost} {
			if name == "" {
				continue
			}
			f := g.m.Func(name)
			if f == nil {
				return fmt.Errorf("%v: mlir: rule %s: no func %q", r.Pos, r.Name, name)
			}
			if len(f.States) == 0 || len(f.Inputs) > 2 || f.Generic() {
				return fmt.Errorf("%v: mlir: rule %s: %s is not a synapse update (states w…, at most the two trace inputs, no per-neuron parameters)", r.Pos, r.Name, name)
			}
			for i, in := range f.Inputs {
				tr := r.Pre
				if i == 1 {
					tr = r.Post
				}
				if tr != nil && in.Type != tr.Fmt {
					return fmt.Errorf("%v: mlir: rule %s: input %s of %s has type %v, its trace %v", r.Pos, r.Name, in.Name, name, in.Type, tr.Fmt)
				}
			}
			fs = append(fs, f)
		}
		if len(fs) == 0 {
			return fmt.Errorf("%v: mlir: rule %s has neither on pre nor on post", r.Pos, r.Name)
		}
		for _, f := range fs[1:] {
			if len(f.States) != len(fs[0].States) {
				return fmt.Errorf("%v: mlir: rule %s: on pre and on post have different synapse states", r.Pos, r.Name)
			}
			for k := range f.States {
				if f.States[k].Type != fs[0].States[k].Type {
					return fmt.Errorf("%v: mlir: rule %s: state %d differs in type", r.Pos, r.Name, k)
				}
			}
		}
		post := n.NetPop(pr.Post)
		if pt := g.m.Func(post.Func).Inputs[pr.Port].Type; fs[0].States[0].Type != pt {
			return fmt.Errorf("%v: mlir: projection %s: the plastic weight is %v, port is %v", pr.Pos, pr.Name, fs[0].States[0].Type, pt)
		}
		for _, tr := range []*ir.Trace{r.Pre, r.Post} {
			if tr != nil && (tr.Fmt.Kind != ir.KFixed || tr.DecayFmt.Kind != ir.KFixed) {
				return fmt.Errorf("%v: mlir: rule %s: trace %s has no fixed-point format", r.Pos, r.Name, tr.Name)
			}
		}
	}
	return nil
}

func (g *netgen) trace(tr *ir.Trace, gp *gpop, pre bool) *gtrace {
	if tr == nil {
		return nil
	}
	for _, x := range g.traces {
		if x.tr == tr && x.pop == gp {
			return x
		}
	}
	x := &gtrace{tr: tr, pop: gp, pre: pre, fmtLo: tr.Fmt.Fmt.Min(), fmtHi: tr.Fmt.Fmt.Max()}
	w, sg := numType(tr.Fmt)
	for i := range gp.p.Size {
		stem := fmt.Sprintf("tr_%s_%s_%d", safeName(tr.Name), gp.p.Name, i)
		note := ""
		if i == 0 {
			note = fmt.Sprintf("trace %s of population %s : %v, decay word %d, add word %d (set %v)", tr.Name, gp.p.Name, tr.Fmt, tr.DecayWord, tr.AddWord, tr.Set)
		}
		q, r := g.reg(stem, w, 0, note)
		x.q = append(x.q, num{q, w, sg})
		x.r = append(x.r, r)
	}
	g.traces = append(g.traces, x)
	return x
}

// plasticRegs creates the registers of every plastic projection (synapse
// states, contribution chains) and of its traces.
func (g *netgen) plasticRegs() {
	b := g.b
	for _, pr := range g.n.Projs {
		if pr.Rule == "" {
			continue
		}
		r := g.n.NetRule(pr.Rule)
		gp := &gproj{pr: pr, pre: g.popByName(pr.Pre), post: g.popByName(pr.Post)}
		if r.OnPre != "" {
			gp.fPre = g.m.Func(r.OnPre)
		}
		if r.OnPost != "" {
			gp.fPost = g.m.Func(r.OnPost)
		}
		f0 := gp.fPre
		if f0 == nil {
			f0 = gp.fPost
		}
		b.pos = g.pos(pr.Pos)
		gp.preTr = g.trace(r.Pre, gp.pre, true)
		gp.postTr = g.trace(r.Post, gp.post, false)
		gp.pw, gp.psigned = numType(f0.States[0].Type)
		for k := range pr.Synapses() {
			var regs []num
			var ros []*op
			for s, st := range f0.States {
				init := st.InitRaw
				if s == 0 {
					init = pr.Words[k]
				}
				w, sg := numType(st.Type)
				note := ""
				if k == 0 {
					note = fmt.Sprintf("plastic projection %s (rule %s): synapse state %q : %v", pr.Name, r.Name, st.Name, st.Type)
				}
				q, ro := g.reg(fmt.Sprintf("%s_%d_%s", pr.Name, k, st.Name), w, init, note)
				regs = append(regs, num{q, w, sg})
				ros = append(ros, ro)
			}
			gp.syn = append(gp.syn, regs)
			gp.synR = append(gp.synR, ros)
			var chain []*op
			for d := 1; d <= int(pr.Delay[k]); d++ {
				_, ro := g.reg(fmt.Sprintf("%s_%d_c%d", pr.Name, k, d), gp.pw, 0, "")
				chain = append(chain, ro)
			}
			gp.chain = append(gp.chain, chain)
		}
		g.plastic = append(g.plastic, gp)
	}
}

// plasticTerm returns the adder-tree term of plastic synapse k of pr: its
// contribution of d steps ago.
func (g *netgen) plasticTerm(pr *ir.Proj, k int) num {
	for _, gp := range g.plastic {
		if gp.pr == pr {
			c := gp.chain[k]
			return num{c[len(c)-1].name, gp.pw, gp.psigned}
		}
	}
	panic("mlir: no plastic projection " + pr.Name)
}

// plasticity builds phase 3 and commits its registers (after neurons: it
// reads the step's spikes).
func (g *netgen) plasticity() {
	b := g.b
	if len(g.plastic) == 0 {
		return
	}
	// (i) decay.
	for _, x := range g.traces {
		b.pos = g.pos(x.pop.p.Pos)
		dw, dsg := numType(x.tr.DecayFmt)
		frac := x.tr.DecayFmt.Fmt.Frac
		x.cur = make([]string, len(x.q))
		for i, q := range x.q {
			b.base = fmt.Sprintf("tr_%s_%s_%d", safeName(x.tr.Name), x.pop.p.Name, i)
			pw := q.width + dw + 1
			prod := b.binop(kMul, b.resize(q, pw), b.resize(num{b.constant(x.tr.DecayWord, dw), dw, dsg}, pw), pw, "decay")
			fl := num{b.extract(prod, frac, pw-frac, "floor"), pw - frac, true}
			var sats []string
			x.cur[i] = g.satCast(fl, x.fmtLo, x.fmtHi, math.MinInt64, math.MaxInt64, q.width, &sats)
		}
	}
	for _, pre := range []bool{true, false} {
		// (ii)/(iii) trace adds of this side.
		for _, x := range g.traces {
			if x.pre != pre {
				continue
			}
			b.pos = g.pos(x.pop.p.Pos)
			for i, q := range x.q {
				b.base = fmt.Sprintf("tr_%s_%s_%d", safeName(x.tr.Name), x.pop.p.Name, i)
				var v string
				if x.tr.Set {
					v = b.constant(x.tr.AddWord, q.width)
				} else {
					sw := max(q.width, signedBits(x.tr.AddWord, x.tr.AddWord)) + 1
					cur := num{x.cur[i], q.width, q.signed}
					sum := b.binop(kAdd, b.resize(cur, sw), b.constant(x.tr.AddWord, sw), sw, "add")
					var sats []string
					v = g.satCast(num{sum, sw, true}, x.fmtLo, x.fmtHi, math.MinInt64, math.MaxInt64, q.width, &sats)
				}
				x.cur[i] = b.mux(x.pop.spike[i], v, x.cur[i], q.width, "tr")
			}
		}
		// Events of this side.
		for _, gp := range g.plastic {
			f := gp.fPre
			if !pre {
				f = gp.fPost
			}
			if gp.cur == nil {
				gp.cur = make([][]num, len(gp.syn))
				for k := range gp.syn {
					gp.cur[k] = append([]num(nil), gp.syn[k]...)
				}
			}
			if f == nil {
				continue
			}
			pr := gp.pr
			for k := range pr.Synapses() {
				j, i := int(pr.PreIdx[k]), int(pr.PostIdx[k])
				ins := make([]num, len(f.Inputs))
				for q, in := range f.Inputs {
					w, sg := numType(in.Type)
					tr, idx := gp.preTr, j
					if q == 1 {
						tr, idx = gp.postTr, i
					}
					if tr == nil {
						ins[q] = num{b.constant(0, w), w, sg}
					} else {
						ins[q] = num{tr.cur[idx], w, sg}
					}
				}
				ev := gp.pre.spike[j]
				if !pre {
					ev = gp.post.spike[i]
				}
				side := "pre"
				if !pre {
					side = "post"
				}
				l := g.inline(f, gp.cur[k], ins, nil, fmt.Sprintf("%s_%d_%s", pr.Name, k, side), k == 0)
				b.pos, b.base = g.pos(pr.Pos), fmt.Sprintf("%s_%d_%s", pr.Name, k, side)
				for s := range gp.cur[k] {
					c := gp.cur[k][s]
					gp.cur[k][s] = num{b.mux(ev, l.next[s].name, c.name, c.width, "upd"), c.width, c.signed}
				}
				if len(l.checks) > 0 {
					on := b.binop(kAnd, g.take, ev, 1, "event")
					off := b.binop(kOr, g.rst, b.not(on), 1, "off")
					for _, c := range l.checks {
						b.pos = c.pos
						b.add(&op{kind: kAssert, args: []string{b.binop(kOr, off, c.cond, 1, "ok")}}, "")
					}
				}
			}
		}
	}
	// Commit: traces, synapse states, contribution chains.
	for _, x := range g.traces {
		b.pos = g.pos(x.pop.p.Pos)
		for i := range x.q {
			b.base = fmt.Sprintf("tr_%s_%s_%d", safeName(x.tr.Name), x.pop.p.Name, i)
			g.commit(x.r[i], x.cur[i])
		}
	}
	for _, gp := range g.plastic {
		b.pos = g.pos(gp.pr.Pos)
		for k := range gp.syn {
			b.base = fmt.Sprintf("%s_%d", gp.pr.Name, k)
			for s := range gp.syn[k] {
				g.commit(gp.synR[k][s], gp.cur[k][s].name)
			}
			w := gp.cur[k][0].name
			c := b.mux(gp.pre.spike[gp.pr.PreIdx[k]], w, b.constant(0, gp.pw), gp.pw, "contrib")
			for _, ro := range gp.chain[k] {
				g.commit(ro, c)
				c = ro.name
			}
		}
	}
}
