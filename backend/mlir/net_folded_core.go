package mlir

import (
	"fmt"
	"math/bits"

	"scc/ir"
)

// The phases of the folded core (net_folded.go describes the schedule).

// plan lays out the populations, projections and records, and the length
// of the init sweep.
func (g *foldgen) plan() {
	n := g.n
	g.initN = 1
	for _, gp := range g.pops {
		fp := &fpop{gp: gp, n: gp.p.Size, ab: addrWidth(gp.p.Size)}
		g.fpops = append(g.fpops, fp)
		switch {
		case gp.fn != nil:
			g.initN = max(g.initN, fp.n)
			np := len(gp.fn.Inputs)
			fp.rings = make([]*fring, np)
			fp.satAny = make([]string, np)
			fp.ringN = n.RingSize(gp.p.Name)
			for p := range np {
				for _, pr := range n.ProjsInto(gp.p.Name, p) {
					if pr.Synapses() > 0 && fp.rings[p] == nil {
						fp.rings[p] = &fring{accW: max(n.AccWidth(g.m, gp.p.Name, p), gp.fn.Inputs[p].Type.Fmt.Width())}
						g.initN = max(g.initN, fp.ringN*fp.n)
					}
				}
			}
		case gp.p.Source != nil && (gp.p.Source.Kind == ir.SourcePoisson || g.hw.AERIn[gp.idx]):
			g.initN = max(g.initN, fp.n)
		}
	}
	for _, d := range n.Drives {
		if d.Kind == ir.DrivePoissonSum {
			for _, tg := range d.Targets {
				g.initN = max(g.initN, tg.Hi-tg.Lo)
			}
		}
	}
	for _, pr := range n.Projs {
		ns := pr.Synapses()
		if ns == 0 {
			continue
		}
		fq := &fproj{pr: pr, pre: g.fpops[g.popByName(pr.Pre).idx], post: g.fpops[g.popByName(pr.Post).idx], ns: ns, kw: addrWidth(ns + 1)}
		// CSR in pre order (a counting sort; order within a row is the
		// synapse order, which the exact sums do not depend on).
		pre := fq.pre.n
		fq.rowStart = make([]int64, pre+1)
		for _, j := range pr.PreIdx {
			fq.rowStart[j+1]++
		}
		for j := range pre {
			fq.rowStart[j+1] += fq.rowStart[j]
		}
		at := append([]int64(nil), fq.rowStart[:pre]...)
		fq.dst, fq.del, fq.words = make([]int64, ns+1), make([]int64, ns+1), make([]int64, ns+1)
		for k := range ns {
			j := pr.PreIdx[k]
			s := at[j]
			at[j]++
			fq.dst[s], fq.del[s], fq.words[s] = int64(pr.PostIdx[k]), int64(pr.Delay[k]), pr.Words[k]
		}
		fq.dst[ns], fq.del[ns], fq.words[ns] = fq.dst[0], fq.del[0], 0 // the pad entry
		g.projs = append(g.projs, fq)
	}
	g.planPlastic() // net_folded_plastic.go: traces, synapse memories, event jobs
	for _, fq := range g.projs {
		g.jobs = append(g.jobs, &fjob{kind: jobProp, name: fq.pr.Name, list: fq.pre, rowStart: fq.rowStart, kw: fq.kw, fq: fq})
	}
	for _, r := range n.Records {
		if r.Kind != ir.RecordState {
			continue
		}
		gp := g.popByName(r.Pop)
		if gp == nil || gp.fn == nil || r.Lo < 0 || r.Hi > gp.p.Size || r.Lo >= r.Hi {
			continue
		}
		fr := &frec{r: r, fp: g.fpops[gp.idx]}
		for _, v := range r.Vars {
			if v >= 0 && v < len(gp.fn.States) {
				fr.vars = append(fr.vars, v)
			}
		}
		if len(fr.vars) > 0 {
			g.recs = append(g.recs, fr)
		}
	}
}

// clampc is the sweep address c of a population of size n (the last
// neuron once c passed it).
func (g *foldgen) clampc(fp *fpop) string {
	b := g.b
	in := b.icmp("ult", g.c, b.constant(int64(fp.n), g.cw), "inpop")
	return b.mux(in, g.uz(g.c, g.cw, fp.ab), b.constant(int64(fp.n-1), fp.ab), fp.ab, "addr")
}

// ringAddr is s·N + i in the ring's address width.
func (g *foldgen) ringAddr(fp *fpop, fr *fring, slot string, slw int, i string, iw int) string {
	b := g.b
	s := g.uz(slot, slw, fr.aw)
	base := b.binop(kMul, s, b.constant(int64(fp.n), fr.aw), fr.aw, "base")
	return b.binop(kAdd, base, g.uz(i, iw, fr.aw), fr.aw, "raddr")
}

func (g *foldgen) isQ(i int) string { return g.eqc(g.q, g.qw, int64(i)) }

// popRegs declares every population's memories and registers.
func (g *foldgen) popRegs() {
	b := g.b
	for _, fp := range g.fpops {
		p := fp.gp.p
		b.pos, b.base = g.pos(p.Pos), p.Name
		b.note = fmt.Sprintf("population %s: spike list (this step's spikes, ascending) and its count", p.Name)
		fp.list = g.newMem(p.Name+"_list", fp.n, fp.ab)
		fp.cntw = bits.Len(uint(fp.n))
		fp.cnt, fp.cntR = g.reg(p.Name+"_cnt", fp.cntw, 0, "")
		if f := fp.gp.fn; f != nil {
			init := make([][]int64, len(f.States))
			w := 0
			for s, st := range f.States {
				init[s] = make([]int64, p.Size)
				for i := range init[s] {
					init[s][i] = st.InitRaw
				}
				fp.stOff = append(fp.stOff, w)
				fp.stW = append(fp.stW, st.Type.Width())
				w += st.Type.Width()
			}
			for _, pi := range p.Init {
				if pi.Index >= 0 && pi.Index < len(f.States) && len(pi.Words) == p.Size {
					copy(init[pi.Index], pi.Words)
				}
			}
			b.note = fmt.Sprintf("population %s (%s): state memory, one word per neuron, states packed from bit 0 in order", p.Name, f.Name)
			fp.state = g.newMem(p.Name+"_state", fp.n, w)
			var parts []string
			for s := len(f.States) - 1; s >= 0; s-- {
				parts = append(parts, g.valueOf(fmt.Sprintf("%s_%s_init", p.Name, f.States[s].Name), init[s], fp.stW[s], g.ic, g.icw))
			}
			fp.state.init = parts[0]
			if len(parts) > 1 {
				fp.state.init = b.concat(w, "init", parts...)
			}
			if fp.ringN > 0 {
				fp.slw = addrWidth(fp.ringN)
				var slR *op
				fp.sl, slR = g.reg(p.Name+"_slot", fp.slw, 0, fmt.Sprintf("ring slot of the step: t mod %d", fp.ringN))
				s1 := g.inc(fp.sl, fp.slw)
				wrap := g.eqc(s1, fp.slw, int64(fp.ringN))
				g.assign(slR, [2]string{g.take, b.mux(wrap, b.constant(0, fp.slw), s1, fp.slw, "slot")})
			}
			for port, fr := range fp.rings {
				if fr == nil {
					continue
				}
				fr.aw = addrWidth(fp.ringN * fp.n)
				b.note = fmt.Sprintf("accumulator ring of %s.%s: %d slots of %d words (i%d, exact)", p.Name, f.Inputs[port].Name, fp.ringN, fp.n, fr.accW)
				fr.mem = g.newMem(fmt.Sprintf("%s_%s_ring", p.Name, safeName(f.Inputs[port].PortName())), fp.ringN*fp.n, fr.accW)
				fr.mem.init = b.constant(0, fr.accW)
			}
		}
		if src := p.Source; src != nil {
			switch {
			case g.hw.AERIn[fp.gp.idx]:
				b.note = fmt.Sprintf("spikes source %s: its AER-in events of the next step, one bit per neuron", p.Name)
				fp.state = g.newMem(p.Name+"_aer", fp.n, 1)
				fp.state.init = b.constant(0, 1)
			case src.Kind == ir.SourcePoisson:
				seeds := make([]int64, p.Size)
				for j := range seeds {
					seeds[j] = int64(streamSeed(src.Seed, src.Stream, j))
				}
				b.note = fmt.Sprintf("poisson source %s: xorshift32 state of each neuron's stream", p.Name)
				fp.state = g.newMem(p.Name+"_rng", fp.n, 32)
				fp.state.init = g.valueOf(p.Name+"_seed", seeds, 32, g.ic, g.icw)
			}
		}
	}
	for _, r := range g.recs {
		b.pos, b.base = g.pos(r.r.Pos), "rec"
		r.sampled = b.constant(1, 1)
		if r.r.Every > 1 {
			cw := bits.Len(uint(r.r.Every))
			q, reg := g.reg("rec_phase", cw, 0, fmt.Sprintf("record of %s: t mod %d", r.r.Pop, r.r.Every))
			c1 := g.inc(q, cw)
			wrap := g.eqc(c1, cw, int64(r.r.Every))
			g.assign(reg, [2]string{g.take, b.mux(wrap, b.constant(0, cw), c1, cw, "next")})
			r.sampled = g.eqc(q, cw, 0)
		}
	}
}

// readPorts computes every memory's read address and declares its port.
func (g *foldgen) readPorts() {
	b := g.b
	tr := b.constant(1, 1)
	for _, fp := range g.fpops {
		b.pos, b.base = g.pos(fp.gp.p.Pos), fp.gp.p.Name
		fp.addr = g.clampc(fp)
		fp.listRd = b.readPort(fp.list.m, g.uz(g.e, g.ew, fp.ab), tr, "listrd")
	}
	for qi, jb := range g.jobs {
		b.pos, b.base = g.hm.pos, jb.name
		jb.on = g.and(g.in[phProp], g.isQ(qi))
		jb.wr = g.and(jb.on, g.eqc(g.ps, 2, 3))
		jb.kk = g.uz(g.k, g.kw, jb.kw)
		if jb.kind != jobProp {
			continue
		}
		// Propagate: the ring address of synapse k.
		fq := jb.fq
		b.pos, b.base = g.pos(fq.pr.Pos), fq.pr.Name
		post := fq.post
		fr := post.rings[fq.pr.Port]
		dst := g.valueOf(fq.pr.Name+"_dst", fq.dst, post.ab, jb.kk, fq.kw)
		tw := bits.Len(uint(2 * post.ringN))
		d := g.valueOf(fq.pr.Name+"_delay", fq.del, tw, jb.kk, fq.kw)
		sum := b.binop(kAdd, g.uz(post.sl, post.slw, tw), d, tw, "ts")
		over := b.icmp("uge", sum, b.constant(int64(post.ringN), tw), "wrap")
		slot := b.mux(over, b.binop(kSub, sum, b.constant(int64(post.ringN), tw), tw, "ts"), sum, tw, "slot")
		fq.addr = g.ringAddr(post, fr, slot, tw, dst, post.ab)
	}
	g.plasticReadPorts() // net_folded_plastic.go
	for _, fp := range g.fpops {
		p := fp.gp.p
		b.pos, b.base = g.pos(p.Pos), p.Name
		if fp.state != nil {
			addr := fp.addr
			for ri, r := range g.recs {
				if r.fp != fp {
					continue
				}
				at := b.binop(kAdd, g.uz(g.ri, g.riw, fp.ab), b.constant(int64(r.r.Lo), fp.ab), fp.ab, "probeaddr")
				addr = b.mux(g.and(g.in[phProbe], g.isQ(ri)), at, addr, fp.ab, "addr")
			}
			fp.stateRd = b.readPort(fp.state.m, addr, tr, "rd")
		}
		for _, fr := range fp.rings {
			if fr == nil {
				continue
			}
			addr := g.ringAddr(fp, fr, fp.sl, fp.slw, fp.addr, fp.ab)
			for _, jb := range g.jobs {
				if jb.kind == jobProp && jb.fq.post == fp && fp.rings[jb.fq.pr.Port] == fr {
					addr = b.mux(jb.on, jb.fq.addr, addr, fr.aw, "addr")
				}
			}
			fr.rd = b.readPort(fr.mem.m, addr, tr, "ringrd")
		}
	}
}

type fterm struct {
	v      num
	lo, hi int64
	in     string // the neuron ui is a target
}

// inRange is Lo ≤ ui < Hi for a population of size n.
func (g *foldgen) inRange(lo, hi, n int) string {
	b := g.b
	c := b.constant(1, 1)
	if lo > 0 {
		c = b.icmp("uge", g.ui, b.constant(int64(lo), g.cw), "ge")
	}
	if hi < n {
		c = g.and(c, b.icmp("ult", g.ui, b.constant(int64(hi), g.cw), "lt"))
	}
	return c
}

// drives returns the drive terms of each (population, port) for neuron
// ui, and declares the poisson_sum streams' memories.
func (g *foldgen) foldDrives() map[[2]int][]fterm {
	b := g.b
	terms := map[[2]int][]fterm{}
	tr := b.constant(1, 1)
	for di, d := range g.n.Drives {
		base := d.Name
		if !isBareID(base) {
			base = fmt.Sprintf("drive%d", di)
		}
		b.pos, b.base = g.pos(d.Pos), base
		switch d.Kind {
		case ir.DriveCurrent:
			var v num
			var lo, hi int64
			if len(d.Words) == 0 && len(d.Values) == 0 {
				if d.ValueWord == 0 {
					continue
				}
				w := signedBits(d.ValueWord, d.ValueWord)
				v, lo, hi = num{b.constant(d.ValueWord, w), w, true}, d.ValueWord, d.ValueWord
			} else {
				if len(d.Words) == 0 {
					continue
				}
				for _, x := range d.Words {
					lo, hi = min(lo, x), max(hi, x)
				}
				w := signedBits(lo, hi)
				b.note = fmt.Sprintf("current drive %s: word of step t from a table of %d steps, 0 after", d.Name, len(d.Words))
				idx := b.binop(kSub, g.cur, b.constant(1, 32), 32, "idx")
				in := b.icmp("ult", idx, b.constant(int64(len(d.Words)), 32), "inrange")
				kb := bits.Len(uint(len(d.Words) - 1))
				sel := ""
				if kb > 0 {
					sel = b.extract(idx, 0, kb, "sel")
				}
				v = num{b.mux(in, g.rom.rom(d.Words, sel, kb, w), b.constant(0, w), w, "cur"), w, true}
			}
			for _, tg := range d.Targets {
				gp := g.popByName(tg.Pop)
				key := [2]int{gp.idx, tg.Port}
				terms[key] = append(terms[key], fterm{v, lo, hi, g.inRange(tg.Lo, tg.Hi, gp.p.Size)})
			}
		case ir.DrivePoissonSum:
			nt := len(d.Table)
			if nt == 0 || d.WWord == 0 {
				continue
			}
			lo, hi := min(0, int64(nt)*d.WWord), max(0, int64(nt)*d.WWord)
			w := max(signedBits(lo, hi), bits.Len(uint(nt))+1)
			cw := bits.Len(uint(nt))
			k := 0
			for ti, tg := range d.Targets {
				gp := g.popByName(tg.Pop)
				fp := g.fpops[gp.idx]
				size := tg.Hi - tg.Lo
				if size <= 0 {
					continue
				}
				b.base = fmt.Sprintf("%s_%d", base, ti)
				seeds := make([]int64, size)
				for i := range seeds {
					seeds[i] = int64(streamSeed(d.Seed, d.Stream, k+i))
				}
				k += size
				b.note = fmt.Sprintf("poisson_sum drive %s → %s[%d:%d]: xorshift32 state of each target's stream; count = #{k : draw ≥ table[k]} over %d entries, times w (word %d)", d.Name, tg.Pop, tg.Lo, tg.Hi, nt, d.WWord)
				fm := g.newMem(b.base+"_rng", size, 32)
				fm.init = g.valueOf(b.base+"_seed", seeds, 32, g.ic, g.icw)
				aw := addrWidth(size)
				// Read at the sweep address c, update at ui.
				inC := b.constant(1, 1)
				if tg.Lo > 0 {
					inC = b.icmp("uge", g.c, b.constant(int64(tg.Lo), g.cw), "ge")
				}
				inC = g.and(inC, b.icmp("ult", g.c, b.constant(int64(tg.Hi), g.cw), "lt"))
				rdA := b.mux(inC, g.uz(b.binop(kSub, g.c, b.constant(int64(tg.Lo), g.cw), g.cw, "off"), g.cw, aw), b.constant(0, aw), aw, "addr")
				rd := b.readPort(fm.m, rdA, tr, "rd")
				u := g.xorshift32(rd)
				in := g.inRange(tg.Lo, tg.Hi, gp.p.Size)
				wrA := g.uz(b.binop(kSub, g.ui, b.constant(int64(tg.Lo), g.cw), g.cw, "off"), g.cw, aw)
				fp.actWrites = append(fp.actWrites, actWrite{fm, in, wrA, u})
				var ones []string
				for _, e := range d.Table {
					ge := b.icmp("uge", u, b.constant(int64(e), 32), "ge")
					ones = append(ones, b.resize(num{ge, 1, false}, cw))
				}
				c := g.tree(kAdd, ones, cw, "cnt")
				x := b.binop(kMul, b.resize(num{c, cw, false}, w), b.constant(d.WWord, w), w, "x")
				key := [2]int{gp.idx, tg.Port}
				terms[key] = append(terms[key], fterm{num{x, w, true}, lo, hi, in})
			}
		}
	}
	return terms
}

// actWrite is a write of a population's sweep, enabled with its act.
type actWrite struct {
	m              *fmem
	en, addr, data string
}

// update builds the gather and update of every population for neuron ui.
func (g *foldgen) update() {
	b := g.b
	L := 1
	for _, fp := range g.fpops {
		L = max(L, fp.n)
	}
	for _, fp := range g.fpops {
		b.pos, b.base = g.pos(fp.gp.p.Pos), fp.gp.p.Name
		fp.uiA = g.uz(g.ui, g.cw, fp.ab)
		fp.act = g.uv
		if fp.n < L {
			fp.act = g.and(g.uv, b.icmp("ult", g.ui, b.constant(int64(fp.n), g.cw), "inpop"))
		}
	}
	terms := g.foldDrives()
	for _, fp := range g.fpops {
		p := fp.gp.p
		b.pos, b.base = g.pos(p.Pos), p.Name
		fp.fire = b.constant(0, 1)
		switch {
		case fp.gp.fn != nil:
			g.updateNeurons(fp, terms)
		case g.hw.AERIn[fp.gp.idx]:
			fp.fire = g.and(fp.act, fp.stateRd)
			fp.state.writes = append(fp.state.writes, [3]string{fp.act, fp.uiA, b.constant(0, 1)})
		case p.Source != nil && p.Source.Kind == ir.SourcePoisson:
			src := p.Source
			b.note = fmt.Sprintf("poisson source %s: active %d ≤ t < %d (0: forever), spike iff draw < %d", p.Name, src.Start, src.Stop, src.Threshold)
			active := b.constant(1, 1)
			if src.Start > 0 {
				active = b.icmp("uge", g.cur, b.constant(int64(src.Start), 32), "started")
			}
			if src.Stop > 0 {
				active = g.and(active, b.icmp("ult", g.cur, b.constant(int64(src.Stop), 32), "running"))
			}
			u := g.xorshift32(fp.stateRd)
			fp.fire = g.and(fp.act, active, b.icmp("ult", u, b.constant(int64(src.Threshold), 32), "lt"))
			fp.state.writes = append(fp.state.writes, [3]string{fp.act, fp.uiA, u})
		}
		g.traceSweep(fp) // net_folded_plastic.go
		for _, w := range fp.actWrites {
			w.m.writes = append(w.m.writes, [3]string{g.and(fp.act, w.en), w.addr, w.data})
		}
		// The spike list: append ui.
		b.pos, b.base = g.pos(p.Pos), p.Name
		fp.list.writes = append(fp.list.writes, [3]string{fp.fire, g.uz(fp.cnt, fp.cntw, fp.ab), fp.uiA})
		g.assign(fp.cntR, [2]string{g.take, b.constant(0, fp.cntw)}, [2]string{fp.fire, g.inc(fp.cnt, fp.cntw)})
	}
	// The AER-in events while idle (aer_in_ready = the idle phase).
	b.pos, b.base = g.hm.pos, "aer_in"
	h := g.hw
	for _, fp := range g.fpops {
		if !h.AERIn[fp.gp.idx] {
			continue
		}
		pop := b.extract("aer_in_data", h.IndexBits, h.PopBits, "pop")
		idx := b.extract("aer_in_data", 0, h.IndexBits, "idx")
		hit := g.and("aer_in_valid", g.in[phIdle], g.eqc(pop, h.PopBits, int64(fp.gp.idx)))
		if fp.n < 1<<h.IndexBits {
			hit = g.and(hit, b.icmp("ult", idx, b.constant(int64(fp.n), h.IndexBits), "inrange"))
		}
		fp.state.writes = append(fp.state.writes, [3]string{hit, g.uz(idx, h.IndexBits, fp.ab), b.constant(1, 1)})
	}
}

// updateNeurons is the gather and the step of neuron ui of a neuron
// population.
func (g *foldgen) updateNeurons(fp *fpop, terms map[[2]int][]fterm) {
	b := g.b
	p, f := fp.gp.p, fp.gp.fn
	regs := make([]num, len(f.States))
	for s, st := range f.States {
		b.pos, b.base = g.pos(st.Pos), fmt.Sprintf("%s_%s", p.Name, st.Name)
		w, sg := numType(st.Type)
		q := fp.stateRd
		if fp.stW[s] != fp.state.m.width {
			q = b.extract(fp.stateRd, fp.stOff[s], fp.stW[s], "q")
		}
		regs[s] = num{q, w, sg}
	}
	ins := make([]num, len(f.Inputs))
	for port, inp := range f.Inputs {
		b.pos, b.base = g.pos(p.Pos), fmt.Sprintf("%s_%s", p.Name, safeName(inp.PortName()))
		fm := inp.Type.Fmt
		pw := fm.Width()
		w, sg := numType(inp.Type)
		ts := terms[[2]int{fp.gp.idx, port}]
		fr := fp.rings[port]
		if fr == nil && len(ts) == 0 {
			ins[port] = num{b.constant(0, pw), w, sg}
			fp.satAny[port] = b.constant(0, 1)
			continue
		}
		b.note = fmt.Sprintf("gather %s.%s: A (ring word) + X (drives), one saturating cast into %v", p.Name, inp.Name, inp.Type)
		var x num
		var xlo, xhi int64
		if len(ts) > 0 {
			for _, t := range ts {
				xlo += min(t.lo, 0)
				xhi += max(t.hi, 0)
			}
			xw := signedBits(xlo, xhi)
			for _, t := range ts {
				xw = max(xw, t.v.width)
			}
			var xs []string
			for _, t := range ts {
				xs = append(xs, b.mux(t.in, b.resize(t.v, xw), b.constant(0, xw), xw, "term"))
			}
			x = num{g.tree(kAdd, xs, xw, "x"), xw, true}
		}
		var sum num
		var lo, hi int64
		switch {
		case fr == nil:
			sum, lo, hi = x, xlo, xhi
		default:
			a := num{fr.rd, fr.accW, true}
			alo, ahi := -(int64(1) << (fr.accW - 1)), int64(1)<<(fr.accW-1)-1
			if len(ts) == 0 {
				sum, lo, hi = a, alo, ahi
			} else {
				sw := max(fr.accW, x.width) + 1
				sum = num{b.binop(kAdd, b.resize(a, sw), b.resize(x, sw), sw, "ax"), sw, true}
				lo, hi = alo+xlo, ahi+xhi
			}
			// The slot of the step is cleared behind the gather.
			fr.mem.writes = append(fr.mem.writes, [3]string{fp.act, g.ringAddr(fp, fr, fp.sl, fp.slw, fp.uiA, fp.ab), b.constant(0, fr.accW)})
		}
		var sats []string
		in := g.satCast(sum, fm.Min(), fm.Max(), lo, hi, pw, &sats)
		ins[port] = num{in, w, sg}
		switch len(sats) {
		case 0:
			fp.satAny[port] = b.constant(0, 1)
		case 1:
			fp.satAny[port] = g.and(fp.act, sats[0])
		default:
			fp.satAny[port] = g.and(fp.act, g.or(sats...))
		}
	}
	// Coefficients of a generic Func: per-neuron words from ROMs.
	var coef map[int]string
	if words := g.paramWords(fp.gp); words != nil {
		coef = map[int]string{}
		for _, blk := range f.Blocks {
			for _, v := range blk.Values {
				if v.Op != ir.OpCoef {
					continue
				}
				b.pos, b.base = g.pos(v.Pos), fmt.Sprintf("%s_%s", p.Name, v.String())
				vals := make([]int64, p.Size)
				for i := range vals {
					vals[i] = words[i][v.ID]
				}
				coef[v.ID] = g.valueOf(b.base+"_coef", vals, v.Type.Width(), g.ui, g.cw)
			}
		}
	}
	l := g.foldInline(f, regs, ins, coef, p.Name)
	b.pos, b.base = g.pos(p.Pos), p.Name
	var parts []string
	for s := len(f.States) - 1; s >= 0; s-- {
		parts = append(parts, l.next[s].name)
	}
	next := parts[0]
	if len(parts) > 1 {
		next = b.concat(fp.state.m.width, "next", parts...)
	}
	fp.state.writes = append(fp.state.writes, [3]string{fp.act, fp.uiA, next})
	if l.spike != nil {
		fp.fire = g.and(fp.act, l.spike.name)
	}
	if len(l.checks) > 0 {
		b.base = p.Name + "_assert"
		off := g.or(g.rst, b.not(fp.act))
		for _, c := range l.checks {
			b.pos = c.pos
			b.add(&op{kind: kAssert, args: []string{g.or(off, c.cond)}}, "")
		}
	}
}

// foldInline is netgen.inline with coefficients given as SSA values (nil:
// a specialised Func).
func (g *foldgen) foldInline(f *ir.Func, regs, ins []num, coef map[int]string, base string) *lowerer {
	b := g.b
	l := &lowerer{builder: b, f: f, vals: make([]num, f.NumValues()), regs: regs, next: make([]num, len(f.States))}
	for _, blk := range f.Blocks {
		for _, v := range blk.Values {
			b.pos, b.base = g.pos(v.Pos), base+"_"+v.String()
			b.note = v.LongString()
			switch v.Op {
			case ir.OpInput:
				l.vals[v.ID] = ins[v.AuxInt]
			case ir.OpCoef:
				if coef == nil {
					panic(fmt.Sprintf("mlir: %s: coefficient without parameter words", v.LongString()))
				}
				l.set(v, coef[v.ID])
			default:
				lw, ok := lowerings[v.Op]
				if !ok {
					panic(fmt.Sprintf("mlir: no lowering for %s", v.LongString()))
				}
				lw.fn(l, v)
			}
			b.note = ""
		}
	}
	return l
}

// when adds a case to a sequencing register (in priority order).
func (g *foldgen) when(r *op, cond, v string) {
	if g.cases == nil {
		g.cases = map[*op][][2]string{}
	}
	g.cases[r] = append(g.cases[r], [2]string{cond, v})
}

// muxQ selects vals[q] (w bits), the last for any larger q.
func (g *foldgen) muxQ(vals []string, w int) string {
	r := vals[len(vals)-1]
	for i := len(vals) - 2; i >= 0; i-- {
		r = g.b.mux(g.isQ(i), vals[i], r, w, "sel")
	}
	return r
}

// propagate builds the PROP phase's sequencing (the jobs in order) and
// their writes.
func (g *foldgen) propagate() {
	b := g.b
	b.pos, b.base = g.hm.pos, "prop"
	in := g.in[phProp]
	if len(g.jobs) == 0 {
		g.propEnd = in
		return
	}
	var limits, rss, res []string
	for _, jb := range g.jobs {
		b.pos, b.base = g.hm.pos, jb.name
		lp := jb.list
		limits = append(limits, g.uz(lp.cnt, lp.cntw, g.ew))
		rw := addrWidth(lp.n + 1)
		row := g.b.array(jb.name+"_row", jb.kw, jb.rowStart)
		j := g.uz(lp.listRd, lp.ab, rw)
		rs := b.arrayGet(row, j, "rs")
		re := b.arrayGet(row, g.inc(j, rw), "re")
		rss = append(rss, g.uz(rs, jb.kw, g.kw))
		res = append(res, g.uz(re, jb.kw, g.kw))
		if jb.kind != jobProp {
			g.plasticJob(jb) // net_folded_plastic.go
			continue
		}
		fq := jb.fq
		b.pos, b.base = g.pos(fq.pr.Pos), fq.pr.Name
		fr := fq.post.rings[fq.pr.Port]
		var data string
		if fq.pl != nil {
			data = b.resize(fq.pl.states(g, 0), fr.accW)
		} else {
			ws := 1
			for _, w := range fq.words {
				ws = max(ws, signedBits(w, w))
			}
			data = b.resize(num{g.valueOf(fq.pr.Name+"_w", fq.words, ws, jb.kk, fq.kw), ws, true}, fr.accW)
		}
		fr.mem.writes = append(fr.mem.writes, [3]string{jb.wr, fq.addr, b.binop(kAdd, fr.rd, data, fr.accW, "acc")})
	}
	b.pos, b.base = g.hm.pos, "prop"
	limit := g.muxQ(limits, g.ew)
	rs, re := g.muxQ(rss, g.kw), g.muxQ(res, g.kw)
	lastQ := g.isQ(len(g.jobs) - 1)
	s := func(k int64) string { return g.and(in, g.eqc(g.ps, 2, k)) }
	exhausted := b.icmp("uge", g.e, limit, "exhausted")
	s0x := g.and(s(0), exhausted)
	g.propEnd = g.and(s0x, lastQ)
	g.when(g.qR, s0x, g.inc(g.q, g.qw))
	g.when(g.eR, s0x, b.constant(0, g.ew))
	g.when(g.psR, g.and(s(0), b.not(exhausted)), b.constant(1, 2))
	empty := b.icmp("eq", rs, re, "emptyrow")
	g.when(g.kR, s(1), rs)
	g.when(g.kendR, s(1), re)
	g.when(g.psR, g.and(s(1), empty), b.constant(0, 2))
	g.when(g.eR, g.and(s(1), empty), g.inc(g.e, g.ew))
	g.when(g.psR, s(1), b.constant(2, 2))
	g.when(g.psR, s(2), b.constant(3, 2))
	k1 := g.inc(g.k, g.kw)
	rowEnd := b.icmp("eq", k1, g.kend, "rowend")
	g.when(g.kR, s(3), k1)
	g.when(g.psR, g.and(s(3), rowEnd), b.constant(0, 2))
	g.when(g.eR, g.and(s(3), rowEnd), g.inc(g.e, g.ew))
	g.when(g.psR, s(3), b.constant(2, 2))
}

// aerOut builds the AER-out stream of the AER phase.
func (g *foldgen) aerOut() (valid, data, last, end string) {
	b, h := g.b, g.hw
	b.pos, b.base = g.hm.pos, "aer_out"
	in := g.in[phAER]
	var pops []*fpop
	for _, fp := range g.fpops {
		if h.AEROut[fp.gp.idx] {
			pops = append(pops, fp)
		}
	}
	f := b.constant(0, 1)
	if len(pops) == 0 {
		return f, b.constant(0, h.AERWidth), f, in
	}
	var limits, words, later []string
	for k, fp := range pops {
		limits = append(limits, g.uz(fp.cnt, fp.cntw, g.ew))
		words = append(words, b.concat(h.AERWidth, "word", b.constant(int64(fp.gp.idx), h.PopBits), g.uz(fp.listRd, fp.ab, h.IndexBits)))
		empty := b.constant(1, 1)
		for _, o := range pops[k+1:] {
			empty = g.and(empty, g.eqc(o.cnt, o.cntw, 0))
		}
		later = append(later, empty)
	}
	limit := g.muxQ(limits, g.ew)
	s := func(k int64) string { return g.and(in, g.eqc(g.ps, 2, k)) }
	exhausted := b.icmp("uge", g.e, limit, "exhausted")
	s0x := g.and(s(0), exhausted)
	end = g.and(s0x, g.isQ(len(pops)-1))
	g.when(g.qR, s0x, g.inc(g.q, g.qw))
	g.when(g.eR, s0x, b.constant(0, g.ew))
	g.when(g.psR, g.and(s(0), b.not(exhausted)), b.constant(1, 2))
	valid = s(1)
	sent := g.and(valid, "aer_out_ready")
	g.when(g.eR, sent, g.inc(g.e, g.ew))
	g.when(g.psR, sent, b.constant(0, 2))
	data = b.mux(valid, g.muxQ(words, h.AERWidth), b.constant(0, h.AERWidth), h.AERWidth, "data")
	last = g.and(valid, g.eqc(b.binop(kSub, limit, g.e, g.ew, "left"), g.ew, 1), g.muxQ(later, 1))
	return valid, data, last, end
}

// probe builds the probe stream of the PROBE phase.
func (g *foldgen) probe() (valid, data, last, end string) {
	b, h := g.b, g.hw
	b.pos, b.base = g.hm.pos, "probe"
	in := g.in[phProbe]
	f := b.constant(0, 1)
	if len(g.recs) == 0 {
		return f, b.constant(0, h.ProbeWidth), f, in
	}
	var sampled, lastV, lastI, words, later []string
	for k, r := range g.recs {
		b.pos = g.pos(r.r.Pos)
		fp := r.fp
		sampled = append(sampled, r.sampled)
		lastV = append(lastV, g.eqc(g.rv, g.rvw, int64(len(r.vars)-1)))
		lastI = append(lastI, g.eqc(g.ri, g.riw, int64(r.r.Hi-r.r.Lo-1)))
		var vw []string
		for _, v := range r.vars {
			st := fp.gp.fn.States[v]
			w, sg := numType(st.Type)
			x := fp.stateRd
			if fp.stW[v] != fp.state.m.width {
				x = b.extract(fp.stateRd, fp.stOff[v], fp.stW[v], "var")
			}
			vw = append(vw, b.resize(num{x, w, sg}, h.ProbeWidth))
		}
		word := vw[len(vw)-1]
		for i := len(vw) - 2; i >= 0; i-- {
			word = b.mux(g.eqc(g.rv, g.rvw, int64(i)), vw[i], word, h.ProbeWidth, "var")
		}
		words = append(words, word)
		none := b.constant(1, 1)
		for _, o := range g.recs[k+1:] {
			none = g.and(none, b.not(o.sampled))
		}
		later = append(later, none)
	}
	b.pos = g.hm.pos
	s := func(k int64) string { return g.and(in, g.eqc(g.ps, 2, k)) }
	smp := g.muxQ(sampled, 1)
	lastQ := g.isQ(len(g.recs) - 1)
	skip := g.and(s(0), b.not(smp))
	valid = s(1)
	sent := g.and(valid, "probe_ready")
	lv, li := g.muxQ(lastV, 1), g.muxQ(lastI, 1)
	recDone := g.and(sent, lv, li)
	next := g.or(skip, recDone)
	end = g.and(next, lastQ)
	g.when(g.qR, next, g.inc(g.q, g.qw))
	g.when(g.psR, next, b.constant(0, 2))
	g.when(g.riR, recDone, b.constant(0, g.riw))
	g.when(g.rR, recDone, b.constant(0, g.rvw))
	g.when(g.psR, g.and(s(0), smp), b.constant(1, 2))
	g.when(g.rR, g.and(sent, lv), b.constant(0, g.rvw))
	g.when(g.riR, g.and(sent, lv), g.inc(g.ri, g.riw))
	g.when(g.psR, g.and(sent, lv), b.constant(0, 2))
	g.when(g.rR, sent, g.inc(g.rv, g.rvw))
	data = b.mux(valid, g.muxQ(words, h.ProbeWidth), b.constant(0, h.ProbeWidth), h.ProbeWidth, "data")
	last = g.and(recDone, g.muxQ(later, 1))
	return valid, data, last, end
}

// sequencing gives the shared sequencing registers their next values: the
// phase ends reset them, then the cases of each phase.
func (g *foldgen) sequencing(updEnd, propEnd, aerEnd string) {
	b := g.b
	b.pos, b.base = g.hm.pos, "seq"
	reset := g.or(updEnd, propEnd, aerEnd)
	pre := map[*op]string{g.qR: reset, g.eR: reset, g.psR: reset, g.riR: aerEnd, g.rR: aerEnd}
	for _, r := range []*op{g.qR, g.eR, g.psR, g.kR, g.kendR, g.riR, g.rR} {
		var cases [][2]string
		if c, ok := pre[r]; ok {
			cases = append(cases, [2]string{c, b.constant(0, r.width)})
		}
		cases = append(cases, g.cases[r]...)
		g.assign(r, cases...)
	}
}

// writePorts declares every memory's write port: the init sweep, then its
// writers (whose phases exclude each other).
func (g *foldgen) writePorts() {
	b := g.b
	for _, fm := range g.mems {
		b.pos, b.base = fm.m.pos, fm.m.name
		var en, addr, data string
		for i := len(fm.writes) - 1; i >= 0; i-- {
			w := fm.writes[i]
			if en == "" {
				en, addr, data = w[0], w[1], w[2]
				continue
			}
			en = g.or(w[0], en)
			addr = b.mux(w[0], w[1], addr, addrWidth(fm.m.depth), "waddr")
			data = b.mux(w[0], w[2], data, fm.m.width, "wdata")
		}
		if fm.init != "" {
			initEn := g.and(g.in[phInit], b.icmp("ult", g.ic, b.constant(int64(fm.m.depth), g.icw), "ininit"))
			ia := g.initAddr(fm)
			if en == "" {
				en, addr, data = initEn, ia, fm.init
			} else {
				en = g.or(initEn, en)
				addr = b.mux(g.in[phInit], ia, addr, addrWidth(fm.m.depth), "waddr")
				data = b.mux(g.in[phInit], fm.init, data, fm.m.width, "wdata")
			}
		}
		if en == "" {
			continue
		}
		b.writePort(fm.m, addr, en, data)
	}
}
