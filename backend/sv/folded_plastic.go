package sv

import (
	"fmt"
	"strings"

	"scc/ir"
)

// Plasticity in the folded architecture (DESIGN §4.1 rule 7, as
// sim/netplastic.go defines it). A plastic projection is stored as CSR
// whose per-synapse state (w first, then the rule's other states) lives
// in a RAM indexed like the CSR entries (loaded by the init sweep), plus
// a column index (per post neuron its synapses' entry and pre neuron) for
// the post side. Traces are per-neuron RAMs on their population's banks.
// The phase S_PLAS runs between Update and Propagate in three modes
// (register qm):
//
//	0  on pre: for each plastic projection with an on-pre Func, each pre
//	   spike j (x_j read at the row start), each row entry: E stage reads
//	   y_i and the synapse state, F stage runs the Func and writes back
//	1  post adds: for each post trace, each spike of its population,
//	   y ← sat(y + A) (or A)
//	2  on post: for each plastic projection with an on-post Func, each
//	   post spike i (y_i read at the column start), each column entry
//	   (k, j): E stage reads x_j and state k, F stage runs and writes
//
// Trace decay, and the pre traces' adds, happen in the Update sweep
// (every neuron's trace decays once per step before any rule reads it).

// ftrace is one rule trace on one population.
type ftrace struct {
	idx    int
	tr     *ir.Trace
	pop    *fpop
	pre    bool
	name   string
	w      int
	signed bool
}

// frule is the plasticity of one projection.
type frule struct {
	r              *ir.Rule
	onPre, onPost  *ir.Func
	states         []*ir.State
	synW           int
	synOff         []int
	preTr, postTr  *ftrace
	colPtr, colEnt []string // ROMs (emitter only)
	cpW, ceW       int
	entryOf        []int // synapse (in CSR order) → entry index
	colLen         []int // synapses per post neuron (emitter only)
}

// plasticPlan gives every projection with a rule its synapse state and
// traces.
func (pl *fplan) plasticPlan(full bool) error {
	for _, pr := range pl.projs {
		p := pr.p
		if p.Rule == "" {
			continue
		}
		r := pl.n.NetRule(p.Rule)
		if r == nil {
			return fmt.Errorf("%v: network %s: projection %s uses rule %q, which the net does not define", p.Pos, pl.n.Name, p.Name, p.Rule)
		}
		fr := &frule{r: r}
		for k, name := range []string{r.OnPre, r.OnPost} {
			if name == "" {
				continue
			}
			f := pl.m.Func(name)
			if f == nil || len(f.States) == 0 || len(f.Inputs) > 2 {
				return fmt.Errorf("%v: network %s: rule %s: bad func %q", r.Pos, pl.n.Name, r.Name, name)
			}
			if err := checkStep(f); err != nil {
				return err
			}
			if k == 0 {
				fr.onPre = f
			} else {
				fr.onPost = f
			}
		}
		f := fr.onPre
		if f == nil {
			f = fr.onPost
		}
		if f == nil {
			return fmt.Errorf("%v: network %s: rule %s has neither on pre nor on post", r.Pos, pl.n.Name, r.Name)
		}
		if g := fr.onPost; g != nil && len(g.States) != len(f.States) {
			return fmt.Errorf("%v: network %s: rule %s: on pre and on post have different synapse states", r.Pos, pl.n.Name, r.Name)
		}
		fr.states = f.States
		for _, s := range f.States {
			fr.synOff = append(fr.synOff, fr.synW)
			fr.synW += s.Type.Width()
		}
		pt := pr.post.ports[pr.port]
		if f.States[0].Type != pt.t {
			return fmt.Errorf("%v: network %s: projection %s: the plastic weight of rule %s is %v, but the port is %v", p.Pos, pl.n.Name, p.Name, r.Name, f.States[0].Type, pt.t)
		}
		fr.preTr = pl.trace(r.Pre, pr.pre, true)
		fr.postTr = pl.trace(r.Post, pr.post, false)
		pr.rule = fr
		// The weight comes from the state RAM, not the entry.
		pr.wConst, pr.ww = false, 0
		pr.csrLayout(fSynOrder(p, pl.sorted(p)), full)
		if full {
			pl.columns(pr)
		}
	}
	return nil
}

func (pl *fplan) trace(tr *ir.Trace, fp *fpop, pre bool) *ftrace {
	if tr == nil {
		return nil
	}
	for _, x := range pl.traces {
		if x.tr == tr && x.pop == fp {
			return x
		}
	}
	x := &ftrace{idx: len(pl.traces), tr: tr, pop: fp, pre: pre, name: fmt.Sprintf("x%d", len(pl.traces)),
		w: tr.Fmt.Width(), signed: tr.Fmt.Kind == ir.KFixed && tr.Fmt.Fmt.Signed}
	pl.traces = append(pl.traces, x)
	return x
}

// columns builds pr's column index: per post neuron, ascending CSR
// position, its synapses' entry index and pre neuron.
func (pl *fplan) columns(pr *fproj) {
	p := pr.p
	fr := pr.rule
	order := fSynOrder(p, pl.sorted(p))
	ns := p.Synapses()
	esc := int64(1)<<pr.gb - 1
	fr.entryOf = make([]int, ns)
	e := 0
	prev, cur := int32(-1), int32(0)
	for k := range ns {
		s := fAt(order, k)
		j, q := p.PreIdx[s], p.PostIdx[s]
		if j != prev {
			prev, cur = j, 0
		}
		e += int(int64(q-cur) / esc)
		cur = q
		fr.entryOf[k] = e
		e++
	}
	np := pr.post.size
	start := make([]int, np+1)
	for k := range ns {
		start[p.PostIdx[fAt(order, k)]+1]++
	}
	for i := range np {
		start[i+1] += start[i]
	}
	fr.colLen = make([]int, np)
	for i := range np {
		fr.colLen[i] = start[i+1] - start[i]
	}
	fr.cpW = fBits(ns + 1)
	kb := fBits(max(pr.entries, 1))
	fr.ceW = kb + pr.pre.iw
	fr.colPtr = make([]string, np+1)
	for i := range start {
		fr.colPtr[i] = flit(fr.cpW, start[i])
	}
	fr.colEnt = make([]string, max(ns, 1))
	fr.colEnt[0] = flit(fr.ceW, 0)
	next := append([]int(nil), start[:np]...)
	for k := range ns { // CSR order: ascending position within each column
		s := fAt(order, k)
		i := p.PostIdx[s]
		fr.colEnt[next[i]] = fmt.Sprintf("{%s, %s}", flit(pr.pre.iw, int(p.PreIdx[s])), flit(kb, fr.entryOf[k]))
		next[i]++
	}
}

// plastic reports whether n has plasticity.
func (pl *fplan) plastic() bool { return len(pl.traces) > 0 || pl.anyRule() }

func (pl *fplan) anyRule() bool {
	for _, pr := range pl.projs {
		if pr.rule != nil {
			return true
		}
	}
	return false
}

// postTraces returns the traces whose adds run in mode 1.
func (pl *fplan) postTraces() []*ftrace {
	var ts []*ftrace
	for _, x := range pl.traces {
		if !x.pre {
			ts = append(ts, x)
		}
	}
	return ts
}

// traceLane emits the decay (and the pre add) of every trace of fp in
// lane l of the Update sweep, and the trace RAMs.
func (pl *fplan) traceLanes(r *frtl, fp *fpop, l int) {
	for _, x := range pl.traces {
		if x.pop != fp {
			continue
		}
		lx := fmt.Sprintf("%s_%d", fp.pre, l)
		nm := fmt.Sprintf("%s_%s", x.name, lx)
		tr := x.tr
		w, dw := x.w, tr.DecayFmt.Width()
		pw := w + dw + 1
		q := nm + "_q"
		r.wire(pw, nm+"_p", fmt.Sprintf("%s * %s", fext(q, w, pw, x.signed), fext(lit(dw, tr.DecayWord), dw, pw, tr.DecayFmt.Kind == ir.KFixed && tr.DecayFmt.Fmt.Signed)))
		frac := tr.DecayFmt.Fmt.Frac
		sh := pw - frac
		r.wire(sh, nm+"_h", fsl(nm+"_p", frac, sh))
		lo, hi := tr.Fmt.Fmt.Min(), tr.Fmt.Fmt.Max()
		r.wire(w, nm+"_dc", pl.clamp(nm+"_h", sh, lo, hi, w))
		data := nm + "_dc"
		if x.pre {
			r.wire(w, nm+"_ad", pl.traceAdd(r, x, nm+"_dc", nm))
			data = fmt.Sprintf("(%s_ok && %s_sp) ? %s_ad : %s_dc", lx, lx, nm, nm)
		}
		kb := fp.ab
		lw := max(pl.lb, 1)
		wr := []fwrite{
			{cond: fmt.Sprintf("iv && ia < %s", flit(pl.cntW(), fp.nb)), addr: fp.pre + "_ik", data: flit(w, 0)},
			{cond: lx + "_ok", addr: fp.pre + "_ck", data: data},
		}
		if !x.pre {
			wr = append(wr, fwrite{cond: fmt.Sprintf("ph == S_PLAS && qm == 2'd1 && ps == 3'd%d && pj == %s && %s == %s", psRP1, flit(pl.pjW(), pl.postIndex(x)), pl.laneOf("rj", pl.jW()), flit(lw, l)),
				addr: fz(pl.addrOf("rj", pl.jW(), fp), fp.iw-pl.lb, kb), data: x.name + "_" + fp.pre + "_pa"})
		}
		r.mem(&fmem{name: nm, w: w, depth: fp.nb,
			ra: fmt.Sprintf("(ph == S_PLAS) ? %s : %s_k", fz(x.name+"_ra", fp.iw-pl.lb, kb), fp.pre), writes: wr})
	}
}

// traceAdd returns the expression of trace x's spike update of word v.
func (pl *fplan) traceAdd(r *frtl, x *ftrace, v, nm string) string {
	tr := x.tr
	if tr.Set {
		return lit(x.w, tr.AddWord)
	}
	sw := x.w + 2
	r.wire(sw, nm+"_as", fmt.Sprintf("%s + %s", fext(v, x.w, sw, x.signed), lit(sw, tr.AddWord)))
	return pl.clamp(nm+"_as", sw, tr.Fmt.Fmt.Min(), tr.Fmt.Fmt.Max(), x.w)
}

// clamp returns the identifier v (signed, vw bits) clamped to [lo, hi]
// as w bits.
func (pl *fplan) clamp(v string, vw int, lo, hi int64, w int) string {
	if vw <= w {
		return fs(v, vw, w)
	}
	return fmt.Sprintf("($signed(%s) > $signed(%s)) ? %s : ($signed(%s) < $signed(%s)) ? %s : %s",
		v, lit(vw, hi), lit(w, hi), v, lit(vw, lo), lit(w, lo), fsl(v, 0, w))
}

func (pl *fplan) jW() int { return pl.maxOf(func(p *fpop) int { return p.iw }) }

// laneOf / addrOf split an index register idx (iw bits) for fp.
func (pl *fplan) laneOf(idx string, w int) string {
	if pl.lb == 0 {
		return "1'b0"
	}
	return fmt.Sprintf("%s[%d:0]", idx, pl.lb-1)
}

func (pl *fplan) addrOf(idx string, w int, fp *fpop) string {
	return fsl(idx, pl.lb, fp.iw-pl.lb)
}

// postIndex returns x's job number in mode 1.
func (pl *fplan) postIndex(x *ftrace) int {
	for k, y := range pl.postTraces() {
		if y == x {
			return k
		}
	}
	return -1
}

// plasticity emits the S_PLAS datapath: per trace its S_PLAS read
// address and bank mux, per plastic projection the state RAM, the column
// ROMs, the E/F stages and the rule Funcs.
func (pl *fplan) plasticity(r *frtl) {
	if !pl.plastic() {
		return
	}
	r.body.WriteString("\n  // Plasticity\n")
	r.reg(2, "qm")
	pjw, pw := pl.pjW(), pl.ptrW()
	lw := max(pl.lb, 1)
	jw := pl.jW()
	// E-stage registers shared by the modes: the entry index ek (mode 0),
	// F-stage valid, entry and lane.
	r.reg(pw, "ek")
	r.reg(0, "fv")
	r.reg(pw, "fk")
	r.reg(lw, "fl")
	r.reg(64, "xl") // the trace word latched at a row or column start
	// Trace read addresses in S_PLAS: at psBit the spike's own index,
	// else the E-stage index of the active projection.
	for _, x := range pl.traces {
		fp := x.pop
		var eidx []string
		for _, pr := range pl.projs {
			if pr.rule == nil {
				continue
			}
			if pr.rule.postTr == x {
				eidx = append(eidx, fmt.Sprintf("(qm == 2'd0 && pj == %s) ? %s", flit(pjw, pr.idx), fz(pr.pfx+"_pi", pr.post.iw, fp.iw)))
			}
			if pr.rule.preTr == x {
				eidx = append(eidx, fmt.Sprintf("(qm == 2'd2 && pj == %s) ? %s", flit(pjw, pr.idx), fz(pr.pfx+"_cj", pr.pre.iw, fp.iw)))
			}
		}
		e := flit(fp.iw, 0)
		for k := len(eidx) - 1; k >= 0; k-- {
			e = eidx[k] + " : " + e
		}
		gi := fp.pre + "_gi"
		if !strings.Contains(r.decl.String(), " "+gi+";") {
			r.wire(fp.iw, gi, pl.gidx(fp))
		}
		r.wire(fp.iw, x.name+"_ri", fmt.Sprintf("(ps == 3'd%d) ? %s : %s", psBit, gi, e))
		r.wire(fp.iw-pl.lb, x.name+"_ra", fsl(x.name+"_ri", pl.lb, fp.iw-pl.lb))
		// The registered lane of the read (one cycle later).
		r.reg(lw, x.name+"_rl")
		lane := "1'b0"
		if pl.lb > 0 {
			lane = fmt.Sprintf("%s_ri[%d:0]", x.name, pl.lb-1)
		}
		r.b("  always @(posedge clk) %s_rl <= %s;", x.name, lane)
		q := fmt.Sprintf("%s_%s_0_q", x.name, fp.pre)
		for l := 1; l < pl.lanes; l++ {
			q = fmt.Sprintf("(%s_rl == %s) ? %s_%s_%d_q : %s", x.name, flit(lw, l), x.name, fp.pre, l, q)
		}
		r.wire(x.w, x.name+"_rq", q)
		if !x.pre {
			r.wire(x.w, x.name+"_"+fp.pre+"_pa", pl.traceAdd(r, x, x.name+"_rq", x.name+"_"+fp.pre+"_m1"))
		}
	}
	_ = jw
	for _, fp := range pl.pops {
		if gi := fp.pre + "_gi"; !strings.Contains(r.decl.String(), " "+gi+";") {
			r.wire(fp.iw, gi, pl.gidx(fp))
		}
	}
	var fvs []string
	fk := flit(pw, 0)
	for _, pr := range pl.projs {
		if pr.rule != nil {
			pl.plasticProj(r, pr)
			fvs = append(fvs, pr.pfx+"_pv", pr.pfx+"_cv2")
			kb := fBits(max(pr.entries, 1))
			fk = fmt.Sprintf("(pj == %s) ? %s : %s", flit(pjw, pr.idx), fz(pr.pfx+"_ck2", kb, pw), fk)
		}
	}
	if len(fvs) == 0 {
		fvs = []string{"1'b0"}
	}
	r.b("  always @(posedge clk or negedge rst_n)")
	r.b("    if (!rst_n) fv <= 1'b0;")
	r.b("    else fv <= ph == S_PLAS && (%s);", strings.Join(fvs, " || "))
	r.b("  always @(posedge clk) fk <= (qm == 2'd0) ? ek : %s;", fk)
}

// plasticProj emits projection pr's synapse state RAM, column ROMs and
// rule datapath.
func (pl *fplan) plasticProj(r *frtl, pr *fproj) {
	fr := pr.rule
	x := pr.pfx
	pjw, pw := pl.pjW(), pl.ptrW()
	kb := fBits(max(pr.entries, 1))
	post, pre := pr.post, pr.pre
	r.wire(0, x+"_p0", fmt.Sprintf("ph == S_PLAS && qm == 2'd0 && pj == %s", flit(pjw, pr.idx)))
	r.wire(0, x+"_p2", fmt.Sprintf("ph == S_PLAS && qm == 2'd2 && pj == %s", flit(pjw, pr.idx)))
	// Mode 0 E stage: the post index of the entry (the CSR decode of
	// propagate, x_nc), valid unless an escape.
	esc := int64(1)<<pr.gb - 1
	r.wire(post.iw, x+"_pi", fz(x+"_nc", pl.curW(), post.iw))
	r.wire(0, x+"_pv", fmt.Sprintf("ev && %s_p0 && %s_gap != %s", x, x, lit(pr.gb, esc)))
	// Column ROMs (mode 2): pointer by post neuron, entries {pre, k}.
	cpa := fBits(post.size + 1)
	r.wire(post.iw, x+"_ci", pl.gidx(post))
	r.mem(&fmem{name: x + "_cp", w: fr.cpW, depth: post.size + 1, rom: fr.colPtr,
		ra: fmt.Sprintf("(ps == 3'd%d) ? %s : %s", psRP1, fz("rj_1", pl.jW()+1, cpa), fz(x+"_ci", post.iw, cpa))})
	ns := max(pr.p.Synapses(), 1)
	r.mem(&fmem{name: x + "_ce", w: fr.ceW, depth: ns, rom: fr.colEnt, ra: fz("rp", pw, fBits(ns))})
	r.wire(kb, x+"_ck2", fsl(x+"_ce_q", 0, kb))
	r.wire(pre.iw, x+"_cj", fsl(x+"_ce_q", kb, pre.iw))
	r.wire(0, x+"_cv2", fmt.Sprintf("ev && %s_p2", x))
	// Synapse state RAM: read in S_PROP at rp (with the entry ROM), in
	// S_PLAS at the E-stage entry; written in the F stage.
	var init []string
	order := fSynOrder(pr.p, pl.sorted(pr.p))
	words := make([]int64, max(pr.entries, 1))
	for k := range pr.p.Synapses() {
		words[fr.entryOf[k]] = pr.p.Words[fAt(order, k)]
	}
	for e := range words {
		var fs []string
		for s, st := range fr.states {
			v := st.InitRaw
			if s == 0 {
				v = words[e]
			}
			fs = append(fs, lit(st.Type.Width(), v))
		}
		init = append(init, fcat(fs))
	}
	r.mem(&fmem{name: x + "_wi", w: fr.synW, depth: len(init), rom: init, ra: fz("cnt", pl.cntW(), kb)})
	ea := fmt.Sprintf("(qm == 2'd0) ? %s : %s", fz("ek", pw, kb), x+"_ck2")
	r.mem(&fmem{name: x + "_sy", w: fr.synW, depth: len(init),
		ra: fmt.Sprintf("(ph == S_PROP) ? %s : %s", fz("rp", pw, kb), ea),
		writes: []fwrite{
			{cond: fmt.Sprintf("iv && ia < %s", flit(pl.cntW(), len(init))), addr: fz("ia", pl.cntW(), kb), data: x + "_wi_q"},
			{cond: fmt.Sprintf("fv && ph == S_PLAS && pj == %s", flit(pjw, pr.idx)), addr: fz("fk", pw, kb), data: x + "_fn"},
		}})
	// F stage: run the Func of the mode.
	lw := max(pl.lb, 1)
	_ = lw
	var fns []string
	for k, f := range []*ir.Func{fr.onPre, fr.onPost} {
		if f == nil {
			fns = append(fns, x+"_sy_q")
			continue
		}
		var pc []string
		for s, st := range f.States {
			pc = append(pc, fmt.Sprintf(".%s(%s)", stepStateIn(st), fsl(x+"_sy_q", fr.synOff[s], st.Type.Width())))
		}
		for i, in := range f.Inputs {
			tr := fr.preTr
			if i == 1 {
				tr = fr.postTr
			}
			var src string
			switch {
			case tr == nil:
				src = flit(in.Type.Width(), 0)
			case k == 0 && i == 0 || k == 1 && i == 1: // the latched trace of the row or column
				src = fsl("xl", 0, in.Type.Width())
			default:
				src = tr.name + "_rq"
			}
			pc = append(pc, fmt.Sprintf(".%s(%s)", in.PortName(), src))
		}
		nm := fmt.Sprintf("%s_f%d", x, k)
		r.d("  wire %s%s;", vec(fr.synW), nm)
		for s, st := range f.States {
			pc = append(pc, fmt.Sprintf(".%s(%s)", stepStateOut(st), fsl(nm, fr.synOff[s], st.Type.Width())))
		}
		r.d("  wire %s_sp;", nm)
		pc = append(pc, fmt.Sprintf(".spike_n(%s_sp)", nm))
		r.b("  %s u_%s (\n    %s\n  );", StepModuleName(f), nm, strings.Join(pc, ",\n    "))
		fns = append(fns, nm)
	}
	r.wire(fr.synW, x+"_fn", fmt.Sprintf("(qm == 2'd0) ? %s : %s", fns[0], fns[1]))
}
