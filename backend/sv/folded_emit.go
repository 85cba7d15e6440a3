package sv

import (
	"bufio"
	"fmt"
	"math/big"
	"strings"

	"scc/ir"
)

// The folded top (DESIGN §4.2): one module n.ModuleName() with the
// ir.NetHW ports. Per population a core of inferred block memories
// (synchronous read, no reset: an init sweep after rst_n loads them), per
// projection a synapse memory, one FSM running the phases of a step with
// a barrier between them:
//
//	S_INIT  init sweep: cnt = 0..initN, write stage one cycle behind (ROMs)
//	S_IDLE  ready, AER-in accepted into the spikes sources' bitmaps
//	S_UPD   Gather+Update: cnt = 0..nbMax, lane l of pop p handles neuron
//	        cnt·P + l; read stage (state, acc slot t, coef, RNG), compute
//	        stage (cast with sticky sat, step module, spike list push)
//	S_PROP  Propagate: for each projection, each spike list entry, each
//	        spike, each row word: issue (memory read), E (decode; acc read),
//	        B (add, write; one-entry forwarding for back-to-back RMW)
//	S_OUT   AER-out of every non-AER-in population's spike list
//	S_PRB   probe stream of the due state records
//	S_DONE  done pulse; step_q, slots and record counters advance
//
// Only the emitter's names live here; the layout is folded_plan.go, the
// cycle counts folded_sched.go.

const (
	fsInit = iota
	fsIdle
	fsUpd
	fsProp
	fsOut
	fsPrb
	fsDone
	fsPlas
)

// Propagate, output and probe sub-states (register ps).
const (
	psProj = iota
	psList
	psLGot
	psBit
	psRP1
	psRP2
	psRow
)

const (
	osPop = iota
	osList
	osLGot
	osBit
)

const (
	prRec = iota
	prRead
	prGot
	prBeat
)

// fmem is one inferred memory.
type fmem struct {
	name     string
	w, depth int
	rom      []string // initial words (ROM); nil: RAM
	ra       string   // read address expression (aw bits)
	writes   []fwrite // first matching wins
}

type fwrite struct{ cond, addr, data string }

func (m *fmem) aw() int { return fBits(m.depth) }

// frtl collects declarations (written first) and logic.
type frtl struct {
	decl, body strings.Builder
	mems       []*fmem
}

func (r *frtl) d(format string, a ...any) { fmt.Fprintf(&r.decl, format+"\n", a...) }
func (r *frtl) b(format string, a ...any) { fmt.Fprintf(&r.body, format+"\n", a...) }

// wire declares a wire of w bits (0: scalar) driven by expr.
func (r *frtl) wire(w int, name, expr string) {
	r.d("  wire %s%s;", vec(w), name)
	r.b("  assign %s = %s;", name, expr)
}

func (r *frtl) reg(w int, name string) { r.d("  reg %s%s;", vec(w), name) }

func (r *frtl) mem(m *fmem) *fmem { r.mems = append(r.mems, m); return m }

// fz resizes the identifier x of w bits to n bits (zero-extend or drop
// high bits).
func fz(x string, w, n int) string {
	switch {
	case n == w:
		return x
	case n > w:
		return fmt.Sprintf("{%d'd0, %s}", n-w, x)
	case n == 1:
		return fmt.Sprintf("%s[0]", x)
	}
	return fmt.Sprintf("%s[%d:0]", x, n-1)
}

// fs sign-extends the identifier x of w bits to n ≥ w bits.
func fs(x string, w, n int) string {
	if n == w {
		return x
	}
	return fmt.Sprintf("{{%d{%s[%d]}}, %s}", n-w, x, w-1, x)
}

// fext extends x by signedness.
func fext(x string, w, n int, signed bool) string {
	if signed {
		return fs(x, w, n)
	}
	return fz(x, w, n)
}

// fsl returns bits [off, off+w) of identifier x.
func fsl(x string, off, w int) string {
	if w == 1 {
		return fmt.Sprintf("%s[%d]", x, off)
	}
	return fmt.Sprintf("%s[%d:%d]", x, off+w-1, off)
}

// flit is an unsigned sized literal of a non-negative value.
func flit(w int, x int) string { return lit(w, int64(x)) }

// fcat concatenates fields given low first.
func fcat(lowFirst []string) string {
	if len(lowFirst) == 1 {
		return lowFirst[0]
	}
	hi := make([]string, len(lowFirst))
	for i, s := range lowFirst {
		hi[len(lowFirst)-1-i] = s
	}
	return "{" + strings.Join(hi, ", ") + "}"
}

// write emits the top module.
func (pl *fplan) write(w *bufio.Writer) {
	r := &frtl{}
	pl.globals(r)
	for _, fp := range pl.pops {
		pl.core(r, fp)
	}
	for _, d := range pl.drives {
		pl.driveLogic(r, d)
	}
	pl.propagate(r)
	pl.plasticity(r)
	pl.output(r)
	pl.probe(r)
	pl.fsm(r)
	pl.header(w)
	w.WriteString("  /* verilator lint_off UNUSEDSIGNAL */\n")
	w.WriteString(r.decl.String())
	for _, m := range r.mems {
		pl.writeMem(w, m)
	}
	w.WriteString("  /* verilator lint_on UNUSEDSIGNAL */\n")
	w.WriteString(r.body.String())
	w.WriteString("endmodule\n`default_nettype wire\n")
}

func (pl *fplan) header(w *bufio.Writer) {
	n, hw := pl.n, pl.hw
	fmt.Fprintf(w, "// %s: network %s, folded over block RAM, %d lane(s) (%s).\n", n.ModuleName(), n.Name, pl.lanes, srcPos(pl.m, n.Pos))
	for _, fp := range pl.pops {
		fmt.Fprintf(w, "//   pop %d %s: %d neurons, %d words per bank", fp.idx, fp.p.Name, fp.size, fp.nb)
		if fp.ring > 0 {
			fmt.Fprintf(w, ", ring %d slots × %d bits", fp.ring, fp.accW)
		}
		w.WriteString("\n")
	}
	for _, pr := range pl.projs {
		csr := ""
		if pr.kind == StorageCSR {
			csr = fmt.Sprintf(", %d-bit gaps, %d entries per word", pr.gb, max(pr.pk, 1))
		}
		fmt.Fprintf(w, "//   proj %d %s: %s → %s port %d, %d synapses, %v%s (%s)\n", pr.idx, pr.p.Name, pr.p.Pre, pr.p.Post, pr.port, pr.p.Synapses(), pr.kind, csr, srcPos(pl.m, pr.p.Pos))
	}
	w.WriteString("`default_nettype none\n")
	fmt.Fprintf(w, "module %s (\n", n.ModuleName())
	nsat := max(len(hw.Sat), 1)
	ports := []string{
		"input  wire clk", "input  wire rst_n", "output wire ready", "input  wire step",
		"output wire busy", "output wire done", "output wire [31:0] step_q",
		fmt.Sprintf("output wire [%d:0] sat_q", nsat-1),
		"/* verilator lint_off UNUSEDSIGNAL */\n    input  wire aer_in_valid",
		"output wire aer_in_ready",
		fmt.Sprintf("input  wire [%d:0] aer_in_data", hw.AERWidth-1),
		"input  wire aer_in_last\n    /* verilator lint_on UNUSEDSIGNAL */",
		"output wire aer_out_valid", "input  wire aer_out_ready",
		fmt.Sprintf("output wire [%d:0] aer_out_data", hw.AERWidth-1),
		"output wire aer_out_last",
		"output wire probe_valid", "input  wire probe_ready",
		fmt.Sprintf("output wire [%d:0] probe_data", hw.ProbeWidth-1),
		"output wire probe_last",
	}
	w.WriteString("    " + strings.Join(ports, ",\n    ") + "\n);\n")
	fmt.Fprintf(w, "  localparam [2:0] S_INIT = 3'd%d, S_IDLE = 3'd%d, S_UPD = 3'd%d, S_PROP = 3'd%d, S_OUT = 3'd%d, S_PRB = 3'd%d, S_DONE = 3'd%d",
		fsInit, fsIdle, fsUpd, fsProp, fsOut, fsPrb, fsDone)
	if pl.plastic() {
		fmt.Fprintf(w, ", S_PLAS = 3'd%d", fsPlas)
	}
	w.WriteString(";\n")
}

func (pl *fplan) writeMem(w *bufio.Writer, m *fmem) {
	aw := m.aw()
	fmt.Fprintf(w, "  reg %s%s [0:%d];\n", vec(m.w), m.name, m.depth-1)
	fmt.Fprintf(w, "  reg %s%s_q;\n", vec(m.w), m.name)
	fmt.Fprintf(w, "  wire %s%s_ra = %s;\n", vec(aw), m.name, m.ra)
	if m.rom != nil {
		w.WriteString("  initial begin\n")
		for k, x := range m.rom {
			fmt.Fprintf(w, "    %s[%d] = %s;\n", m.name, k, x)
		}
		w.WriteString("  end\n")
		fmt.Fprintf(w, "  always @(posedge clk) %s_q <= %s[%s_ra];\n", m.name, m.name, m.name)
		return
	}
	var we []string
	wa, wd := flit(aw, 0), flit(m.w, 0)
	for i := len(m.writes) - 1; i >= 0; i-- {
		x := m.writes[i]
		we = append(we, "("+x.cond+")")
		if i == len(m.writes)-1 {
			wa, wd = x.addr, x.data
			continue
		}
		wa = fmt.Sprintf("(%s) ? %s : %s", x.cond, x.addr, wa)
		wd = fmt.Sprintf("(%s) ? %s : %s", x.cond, x.data, wd)
	}
	fmt.Fprintf(w, "  wire %s_we = %s;\n", m.name, strings.Join(we, " | "))
	fmt.Fprintf(w, "  wire %s%s_wa = %s;\n", vec(aw), m.name, wa)
	fmt.Fprintf(w, "  wire %s%s_wd = %s;\n", vec(m.w), m.name, wd)
	fmt.Fprintf(w, "  always @(posedge clk) begin\n    if (%s_we) %s[%s_wa] <= %s_wd;\n    %s_q <= %s[%s_ra];\n  end\n",
		m.name, m.name, m.name, m.name, m.name, m.name, m.name)
}

// Widths of the global counters.
func (pl *fplan) cntW() int { return fBits(max(pl.initN, pl.nbMax)+2) + 1 }
func (pl *fplan) leW() int  { return fBits(pl.nbMax + 2) }

// maxOf returns the largest f(pop) over the populations (at least 1).
func (pl *fplan) maxOf(f func(*fpop) int) int {
	m := 1
	for _, fp := range pl.pops {
		m = max(m, f(fp))
	}
	return m
}

func (pl *fplan) globals(r *frtl) {
	cw := pl.cntW()
	r.reg(3, "ph")
	r.reg(cw, "cnt")
	r.reg(32, "tq")
	r.wire(32, "tn", "tq + 32'd1")
	r.reg(0, "iv")
	r.reg(cw, "ia")
	nsat := max(len(pl.hw.Sat), 1)
	r.reg(nsat, "sat_r")
	r.reg(3, "ps")
	r.reg(pl.leW(), "le")
	r.reg(pl.lanes, "gm")
	r.reg(pl.maxOf(func(p *fpop) int { return p.ab }), "gk")
	r.b("  assign ready = ph != S_INIT;")
	// As the parallel shell: busy is low in the done cycle, which takes a
	// step strobe like S_IDLE.
	r.b("  assign busy = ph != S_INIT && ph != S_IDLE && ph != S_DONE;")
	r.b("  assign done = ph == S_DONE;")
	r.b("  assign step_q = tq;")
	r.b("  assign sat_q = sat_r;")
	r.b("  assign aer_in_ready = ph == S_IDLE;")
	r.b("  always @(posedge clk or negedge rst_n)")
	r.b("    if (!rst_n) iv <= 1'b0;")
	r.b("    else iv <= ph == S_INIT && cnt < %s;", flit(cw, pl.initN))
	r.b("  always @(posedge clk) ia <= cnt;")
	// The lowest set bit of gm, and the neuron index {gk, low(gm)}.
	lw := max(pl.lb, 1)
	low := flit(lw, 0)
	for l := pl.lanes - 1; l >= 0; l-- {
		low = fmt.Sprintf("gm[%d] ? %s : %s", l, flit(lw, l), low)
	}
	r.wire(lw, "glow", low)
	r.wire(pl.hw.IndexBits, "ain", fmt.Sprintf("aer_in_data[%d:0]", pl.hw.IndexBits-1))
}

// gidx returns the index {gk, glow} of a spike of fp, iw bits.
func (pl *fplan) gidx(fp *fpop) string {
	k := fz("gk", pl.maxOf(func(p *fpop) int { return p.ab }), fp.ab)
	if pl.lb == 0 {
		return k
	}
	return fmt.Sprintf("{%s, glow}", k)
}

// core emits population fp's memories and its Gather+Update lanes.
func (pl *fplan) core(r *frtl, fp *fpop) {
	P, cw, x := pl.lanes, pl.cntW(), fp.pre
	fmt.Fprintf(&r.body, "\n  // population %d %s (%s)\n", fp.idx, fp.p.Name, srcPos(pl.m, fp.p.Pos))
	r.wire(fp.ab, x+"_k", fz("cnt", cw, fp.ab))
	r.wire(fp.ab, x+"_ik", fz("ia", cw, fp.ab))
	r.reg(0, x+"_cv")
	r.reg(fp.ab, x+"_ck")
	r.b("  always @(posedge clk or negedge rst_n)")
	r.b("    if (!rst_n) %s_cv <= 1'b0;", x)
	r.b("    else %s_cv <= ph == S_UPD && cnt < %s;", x, flit(cw, fp.nb))
	r.b("  always @(posedge clk) %s_ck <= %s_k;", x, x)
	initOK := fmt.Sprintf("iv && ia < %s", flit(cw, fp.nb))
	nsw := fBits(fp.size + 2)
	r.reg(fBits(fp.nb+2), x+"_lc")
	r.reg(nsw, x+"_ns")
	// Spike list.
	r.mem(&fmem{name: x + "_ls", w: fp.ab + P, depth: fp.nb, ra: fz("le", pl.leW(), fBits(fp.nb)),
		writes: []fwrite{{cond: fmt.Sprintf("%s_cv && |%s_mk", x, x), addr: fz(x+"_lc", fBits(fp.nb+2), fBits(fp.nb)), data: fmt.Sprintf("{%s_ck, %s_mk}", x, x)}}})
	r.wire(fp.ab, x+"_lsk", fsl(x+"_ls_q", P, fp.ab))
	var mk []string
	for l := range P {
		lx := fmt.Sprintf("%s_%d", x, l)
		idx := x + "_ck"
		if pl.lb > 0 {
			idx = fmt.Sprintf("{%s_ck, %s}", x, flit(pl.lb, l))
		}
		r.wire(fp.iw, lx+"_i", idx)
		if fp.nb*P == fp.size || l < fp.size-(fp.nb-1)*P {
			r.wire(0, lx+"_ok", x+"_cv")
		} else if fp.nb == 1 {
			r.wire(0, lx+"_ok", "1'b0") // beyond the population
		} else {
			r.wire(0, lx+"_ok", fmt.Sprintf("%s_cv && %s_ck < %s", x, x, flit(fp.ab, fp.nb-1)))
		}
		switch fp.kind {
		case fNeuron:
			pl.neuronLane(r, fp, l, initOK)
		case fPoisson:
			pl.poissonLane(r, fp, l, initOK)
		case fSpikes:
			pl.spikesLane(r, fp, l, initOK)
		}
		pl.traceLanes(r, fp, l)
		mk = append(mk, fmt.Sprintf("(%s_ok & %s_sp)", lx, lx))
	}
	r.wire(P, x+"_mk", fcat(mk))
	var pc []string
	for l := range P {
		pc = append(pc, fz(fmt.Sprintf("%s_mk[%d]", x, l), 1, nsw))
	}
	r.wire(nsw, x+"_mc", strings.Join(pc, " + "))
}

// laneAddr returns the (bank address) part of an index held in identifier
// idx of iw bits.
func (pl *fplan) laneAddr(idx string, fp *fpop) string {
	if pl.lb == 0 {
		return idx
	}
	return fmt.Sprintf("%s[%d:%d]", idx, fp.iw-1, pl.lb)
}

func (pl *fplan) neuronLane(r *frtl, fp *fpop, l int, initOK string) {
	x := fp.pre
	lx := fmt.Sprintf("%s_%d", x, l)
	f := fp.f
	// Initial word: the states with per-neuron values come from a ROM
	// holding just their fields, the others are constants.
	init := pl.initWord(fp, 0)
	if fp.hasInitROM() {
		rom := make([]string, fp.nb)
		for k := range fp.nb {
			rom[k] = pl.initROMWord(fp, k*pl.lanes+l)
		}
		r.mem(&fmem{name: lx + "_in", w: fp.initROMW(), depth: fp.nb, rom: rom, ra: x + "_k"})
		var fs []string
		off := 0
		for s, st := range f.States {
			w := st.Type.Width()
			if fp.initWords[s] != nil {
				fs = append(fs, fsl(lx+"_in_q", off, w))
				off += w
			} else {
				fs = append(fs, lit(w, st.InitRaw))
			}
		}
		init = fcat(fs)
	}
	prbAddr := x + "_k"
	if pl.probed(fp) {
		prbAddr = fmt.Sprintf("(ph == S_PRB) ? %s : %s_k", fz(pl.laneAddrPn(fp), fp.iw-pl.lb, fp.ab), x)
	}
	r.mem(&fmem{name: lx + "_st", w: fp.stW, depth: fp.nb, ra: prbAddr, writes: []fwrite{
		{cond: initOK, addr: x + "_ik", data: init},
		{cond: lx + "_ok", addr: x + "_ck", data: lx + "_nx"},
	}})
	if len(fp.coefs) > 0 && !fp.cfUniform {
		rom := make([]string, fp.nb)
		for k := range fp.nb {
			i := min(k*pl.lanes+l, fp.size-1)
			var fs []string
			for c, v := range fp.coefs {
				fs = append(fs, lit(v.Type.Width(), fp.cfWords[i][c]))
			}
			rom[k] = fcat(fs)
		}
		r.mem(&fmem{name: lx + "_cf", w: fp.cfW, depth: fp.nb, rom: rom, ra: x + "_k"})
	}
	if fp.ring > 0 {
		wr := []fwrite{
			{cond: fmt.Sprintf("iv && ia < %s", flit(pl.cntW(), fp.ring*fp.nb)), addr: fz("ia", pl.cntW(), fp.aw), data: flit(fp.accW, 0)},
			{cond: x + "_cv", addr: fmt.Sprintf("%s_sb + %s", x, fz(x+"_ck", fp.ab, fp.aw)), data: flit(fp.accW, 0)},
			{cond: fmt.Sprintf("%s_bv && %s_bl == %s", x, x, flit(max(pl.lb, 1), l)), addr: x + "_ba", data: x + "_bn"},
		}
		r.mem(&fmem{name: lx + "_ac", w: fp.accW, depth: fp.ring * fp.nb,
			ra: fmt.Sprintf("(ph == S_PROP) ? %s_ea : %s_sb + %s", x, x, fz(x+"_k", fp.ab, fp.aw)), writes: wr})
	}
	// Ports: A + X, cast with sticky saturation.
	var conns []string
	for q, pt := range fp.ports {
		in := fmt.Sprintf("%s_x%d", lx, q)
		if !pt.acc && len(pt.terms) == 0 {
			r.wire(pt.w, in, flit(pt.w, 0))
			r.wire(0, fmt.Sprintf("%s_sat%d", lx, q), "1'b0")
		} else {
			S := pt.sumW
			var terms []string
			if pt.acc {
				f := fmt.Sprintf("%s_a%d", lx, q)
				r.wire(pt.accW, f, fsl(lx+"_ac_q", pt.accOff, pt.accW))
				terms = append(terms, fs(f, pt.accW, S))
			}
			for _, tm := range pt.terms {
				terms = append(terms, pl.termExpr(r, fp, lx, tm, S))
			}
			sum := fmt.Sprintf("%s_s%d", lx, q)
			r.wire(S, sum, strings.Join(terms, " + "))
			hi := fmt.Sprintf("$signed(%s) > $signed(%s)", sum, lit(S, pt.max))
			lo := fmt.Sprintf("$signed(%s) < $signed(%s)", sum, lit(S, pt.min))
			r.wire(0, fmt.Sprintf("%s_sat%d", lx, q), fmt.Sprintf("(%s) || (%s)", hi, lo))
			val := fsl(sum, 0, pt.w)
			if pl.mutate == MutateNoSat {
				r.wire(pt.w, in, val)
			} else {
				r.wire(pt.w, in, fmt.Sprintf("(%s) ? %s : (%s) ? %s : %s", hi, lit(pt.w, pt.max), lo, lit(pt.w, pt.min), val))
			}
		}
		conns = append(conns, fmt.Sprintf(".%s(%s)", f.Inputs[q].PortName(), in))
	}
	r.d("  wire %s%s_nx;", vec(fp.stW), lx)
	r.d("  wire %s_sp;", lx)
	var pc []string
	for s, st := range f.States {
		pc = append(pc, fmt.Sprintf(".%s(%s)", stepStateIn(st), fsl(lx+"_st_q", fp.stOff[s], st.Type.Width())))
	}
	pc = append(pc, conns...)
	for c, v := range fp.coefs {
		var src string
		if fp.cfUniform {
			var wv int64
			if fp.cfWords != nil {
				wv = fp.cfWords[0][c]
			}
			src = lit(v.Type.Width(), wv)
		} else {
			src = fsl(lx+"_cf_q", fp.cfOff[c], v.Type.Width())
		}
		pc = append(pc, fmt.Sprintf(".coef_%d(%s)", c, src))
	}
	for s, st := range f.States {
		pc = append(pc, fmt.Sprintf(".%s(%s)", stepStateOut(st), fsl(lx+"_nx", fp.stOff[s], st.Type.Width())))
	}
	pc = append(pc, fmt.Sprintf(".spike_n(%s_sp)", lx))
	r.b("  %s u_%s (\n    %s\n  );", StepModuleName(f), lx, strings.Join(pc, ",\n    "))
}

// initWord returns the initial state word of neuron i of fp.
func (pl *fplan) initWord(fp *fpop, i int) string {
	var fs []string
	for s, st := range fp.f.States {
		v := st.InitRaw
		if ws := fp.initWords[s]; ws != nil && i < len(ws) {
			v = ws[i]
		}
		fs = append(fs, lit(st.Type.Width(), v))
	}
	return fcat(fs)
}

// initROMW returns the width of fp's init ROM word: the states with
// per-neuron initial values.
func (fp *fpop) initROMW() int {
	w := 0
	for s, st := range fp.f.States {
		if fp.initWords[s] != nil {
			w += st.Type.Width()
		}
	}
	return w
}

// initROMWord returns neuron i's init ROM word (0 beyond the population).
func (pl *fplan) initROMWord(fp *fpop, i int) string {
	var fs []string
	for s, st := range fp.f.States {
		if ws := fp.initWords[s]; ws != nil {
			v := int64(0)
			if i < len(ws) {
				v = ws[i]
			}
			fs = append(fs, lit(st.Type.Width(), v))
		}
	}
	return fcat(fs)
}

// termExpr returns drive term tm on neuron lane lx, S bits.
func (pl *fplan) termExpr(r *frtl, fp *fpop, lx string, tm *fterm, S int) string {
	d := tm.d
	var v string
	switch d.d.Kind {
	case ir.DriveCurrent:
		if d.d.Words == nil && d.d.Values == nil {
			v = lit(S, d.d.ValueWord)
		} else {
			v = fs(d.pre+"_v", d.w, S)
		}
	case ir.DrivePoissonSum:
		c := fmt.Sprintf("%s_t%d_%s_c", d.pre, tm.tgt, lx)
		cb := fBits(len(d.d.Table) + 1)
		u := fmt.Sprintf("%s_t%d_%s_u", d.pre, tm.tgt, lx)
		var cs []string
		for _, th := range d.d.Table {
			cs = append(cs, fz(fmt.Sprintf("(%s >= %s)", u, lit(32, int64(th))), 1, cb))
		}
		if len(cs) == 0 {
			cs = []string{flit(cb, 0)}
		}
		r.wire(cb, c, strings.Join(cs, " + "))
		v = fmt.Sprintf("(%s * %s)", fz(c, cb, S), lit(S, d.d.WWord))
	}
	in := pl.inRange(fp, lx+"_i", tm.lo, tm.hi)
	if in == "" {
		return v
	}
	return fmt.Sprintf("((%s) ? %s : %s)", in, v, flit(S, 0))
}

// inRange returns the condition lo ≤ idx < hi for an index of fp ("" when
// it always holds).
func (pl *fplan) inRange(fp *fpop, idx string, lo, hi int) string {
	var c []string
	if lo > 0 {
		c = append(c, fmt.Sprintf("%s >= %s", fz(idx, fp.iw, fp.iw+1), flit(fp.iw+1, lo)))
	}
	if hi < fp.size {
		c = append(c, fmt.Sprintf("%s < %s", fz(idx, fp.iw, fp.iw+1), flit(fp.iw+1, hi)))
	}
	return strings.Join(c, " && ")
}

// xorshift declares the xorshift32 successor of the 32-bit identifier q.
func xorshift(r *frtl, q, name string) {
	r.wire(32, name+"_a", fmt.Sprintf("%s ^ {%s[18:0], 13'd0}", q, q))
	r.wire(32, name+"_b", fmt.Sprintf("%s_a ^ {17'd0, %s_a[31:17]}", name, name))
	r.wire(32, name, fmt.Sprintf("%s_b ^ {%s_b[26:0], 5'd0}", name, name))
}

func (pl *fplan) poissonLane(r *frtl, fp *fpop, l int, initOK string) {
	x := fp.pre
	lx := fmt.Sprintf("%s_%d", x, l)
	src := fp.p.Source
	rom := make([]string, fp.nb)
	for k := range fp.nb {
		s := uint32(1)
		if i := k*pl.lanes + l; i < fp.size && fp.seeds != nil {
			s = fp.seeds[i]
		}
		rom[k] = lit(32, int64(s))
	}
	r.mem(&fmem{name: lx + "_sd", w: 32, depth: fp.nb, rom: rom, ra: x + "_k"})
	r.mem(&fmem{name: lx + "_rn", w: 32, depth: fp.nb, ra: x + "_k", writes: []fwrite{
		{cond: initOK, addr: x + "_ik", data: lx + "_sd_q"},
		{cond: lx + "_ok", addr: x + "_ck", data: lx + "_u"},
	}})
	xorshift(r, lx+"_rn_q", lx+"_u")
	if l == 0 {
		var act []string
		if src.Start > 1 {
			act = append(act, fmt.Sprintf("tn >= %s", lit(32, int64(src.Start))))
		}
		if src.Stop > 0 {
			act = append(act, fmt.Sprintf("tn < %s", lit(32, int64(src.Stop))))
		}
		if len(act) == 0 {
			act = []string{"1'b1"}
		}
		r.wire(0, x+"_act", strings.Join(act, " && "))
	}
	if src.Threshold == 0 {
		r.wire(0, lx+"_sp", "1'b0")
	} else {
		r.wire(0, lx+"_sp", fmt.Sprintf("%s_act && %s_u < %s", x, lx, lit(32, int64(src.Threshold))))
	}
}

func (pl *fplan) spikesLane(r *frtl, fp *fpop, l int, initOK string) {
	x := fp.pre
	lx := fmt.Sprintf("%s_%d", x, l)
	hw := pl.hw
	ib := hw.IndexBits
	if l == 0 {
		r.wire(fp.iw, x+"_ai", fz("ain", ib, fp.iw))
		popOK := "1'b1"
		if hw.PopBits > 0 {
			popOK = fmt.Sprintf("aer_in_data[%d:%d] == %s", hw.AERWidth-1, ib, flit(hw.PopBits, fp.idx))
		}
		r.wire(0, x+"_aok", fmt.Sprintf("ph == S_IDLE && aer_in_valid && %s && %s < %s", popOK,
			fz("ain", ib, ib+1), flit(ib+1, fp.size)))
	}
	laneOK := ""
	if pl.lb > 0 {
		laneOK = fmt.Sprintf(" && %s_ai[%d:0] == %s", x, pl.lb-1, flit(pl.lb, l))
	}
	r.mem(&fmem{name: lx + "_ib", w: 1, depth: fp.nb, ra: x + "_k", writes: []fwrite{
		{cond: initOK, addr: x + "_ik", data: "1'b0"},
		{cond: x + "_cv", addr: x + "_ck", data: "1'b0"},
		{cond: x + "_aok" + laneOK, addr: pl.laneAddr(x+"_ai", fp), data: "1'b1"},
	}})
	r.wire(0, lx+"_sp", lx+"_ib_q")
}

// driveLogic emits a drive's per-step value (current from a file) or its
// per-target RNG memories (poisson_sum).
func (pl *fplan) driveLogic(r *frtl, d *fdrive) {
	x := d.pre
	fmt.Fprintf(&r.body, "\n  // drive %s (%s)\n", d.d.Name, srcPos(pl.m, d.d.Pos))
	switch d.d.Kind {
	case ir.DriveCurrent:
		if d.d.Words == nil && d.d.Values == nil {
			return
		}
		L := len(d.d.Words)
		if L == 0 {
			r.wire(d.w, x+"_v", flit(d.w, 0))
			return
		}
		rom := make([]string, L)
		for k, wd := range d.d.Words {
			rom[k] = lit(d.w, wd)
		}
		ab := fBits(L)
		inr := fmt.Sprintf("tq < %s", lit(32, int64(L)))
		r.mem(&fmem{name: x + "_rom", w: d.w, depth: L, rom: rom, ra: fmt.Sprintf("(%s) ? %s : %s", inr, fz("tq", 32, ab), flit(ab, 0))})
		r.reg(0, x+"_rv")
		r.b("  always @(posedge clk) %s_rv <= %s;", x, inr)
		r.wire(d.w, x+"_v", fmt.Sprintf("%s_rv ? %s_rom_q : %s", x, x, flit(d.w, 0)))
	case ir.DrivePoissonSum:
		for k, tg := range d.d.Targets {
			fp := pl.pop(tg.Pop)
			for l := range pl.lanes {
				lx := fmt.Sprintf("%s_%d", fp.pre, l)
				name := fmt.Sprintf("%s_t%d_%s", x, k, lx)
				rom := make([]string, fp.nb)
				for a := range fp.nb {
					s := uint32(1)
					if i := a*pl.lanes + l; i >= tg.Lo && i < tg.Hi {
						s = d.seeds[k][i-tg.Lo]
					}
					rom[a] = lit(32, int64(s))
				}
				r.mem(&fmem{name: name + "_sd", w: 32, depth: fp.nb, rom: rom, ra: fp.pre + "_k"})
				ok := lx + "_ok"
				if in := pl.inRange(fp, lx+"_i", tg.Lo, tg.Hi); in != "" {
					ok += " && " + in
				}
				r.mem(&fmem{name: name + "_rn", w: 32, depth: fp.nb, ra: fp.pre + "_k", writes: []fwrite{
					{cond: fmt.Sprintf("iv && ia < %s", flit(pl.cntW(), fp.nb)), addr: fp.pre + "_ik", data: name + "_sd_q"},
					{cond: ok, addr: fp.pre + "_ck", data: name + "_u"},
				}})
				xorshift(r, name+"_rn_q", name+"_u")
			}
		}
	}
}

// probed reports whether a state record reads fp.
func (pl *fplan) probed(fp *fpop) bool {
	for _, rc := range pl.recs {
		if rc.pop == fp {
			return true
		}
	}
	return false
}

func (pl *fplan) pnW() int {
	w := 1
	for _, rc := range pl.recs {
		w = max(w, rc.pop.iw+1)
	}
	return w
}

// laneAddrPn is the bank address of the probe's neuron counter pn for fp
// (iw-lb bits).
func (pl *fplan) laneAddrPn(fp *fpop) string { return fp.pre + "_pa" }

// nprojW etc.: counter widths.
func (pl *fplan) pjW() int { return fBits(max(len(pl.projs), len(pl.postTraces())) + 1) }
func (pl *fplan) ptrW() int {
	w := 1
	for _, pr := range pl.projs {
		switch pr.kind {
		case StorageCSR:
			w = max(w, fBits(pr.ptr(pr.entries)+2))
		case StorageDense:
			w = max(w, fBits(pr.pre.size*pr.post.size+2))
		default:
			w = max(w, fBits(pr.postHi-pr.postLo+2))
		}
	}
	return w
}
func (pl *fplan) curW() int { return pl.maxOf(func(p *fpop) int { return p.iw }) + 1 }

// propagate emits the synapse pipeline: per projection its memories and
// E-stage decode, per target population the acc RMW stage.
func (pl *fplan) propagate(r *frtl) {
	pjw, pw, cwr := pl.pjW(), pl.ptrW(), pl.curW()
	r.body.WriteString("\n  // Propagate\n")
	r.reg(pjw, "pj")
	r.reg(pw, "rp")
	r.reg(pw, "rh")
	r.reg(cwr, "rc")
	r.reg(cwr, "ec")
	r.reg(cwr, "cc")
	r.reg(0, "ev")
	jw := pl.maxOf(func(p *fpop) int { return p.iw })
	r.reg(jw, "rj")
	r.wire(jw+1, "rj_1", fmt.Sprintf("%s + %s", fz("rj", jw, jw+1), flit(jw+1, 1)))
	for _, pr := range pl.projs {
		x, pre := pr.pfx, pr.pre
		fmt.Fprintf(&r.body, "  // projection %s: %s → %s.%s, %v (%s)\n", pr.p.Name, pr.p.Pre, pr.p.Post, pr.p.PortName, pr.kind, srcPos(pl.m, pr.p.Pos))
		r.wire(0, x+"_on", fmt.Sprintf("ph == S_PROP && pj == %s", flit(pjw, pr.idx)))
		r.wire(pre.iw, x+"_j", pl.gidx(pre))
		ew := pr.entryW()
		var q string
		switch pr.kind {
		case StorageCSR:
			rpa := fBits(pre.size + 1)
			rom := pl.rowPointers(pr)
			r.mem(&fmem{name: x + "_rp", w: pr.rpW, depth: pre.size + 1, rom: rom,
				ra: fmt.Sprintf("(ps == 3'd%d) ? %s : %s", psRP1, fz("rj_1", pl.maxOf(func(p *fpop) int { return p.iw })+1, rpa), fz(x+"_j", pre.iw, rpa))})
			nw := pr.synWords()
			if pr.pk <= 1 {
				r.mem(&fmem{name: x + "_en", w: ew, depth: nw, rom: pl.csrEntries(pr), ra: fz("rp", pw, fBits(nw))})
				q = x + "_en_q"
				break
			}
			// Packed: word rp/pk (the high bits of rp), slot rp%pk (its
			// low sb bits, registered with the read).
			ra := fmt.Sprintf("rp[%d:%d]", pr.sb+fBits(nw)-1, pr.sb)
			if pr.sb+fBits(nw) > pw {
				ra = fz(fmt.Sprintf("rp[%d:%d]", pw-1, pr.sb), pw-pr.sb, fBits(nw))
			}
			r.mem(&fmem{name: x + "_en", w: pr.pk * ew, depth: nw, rom: pl.csrEntries(pr), ra: ra})
			r.reg(pr.sb, x+"_sl")
			r.b("  always @(posedge clk) %s_sl <= %s;", x, fsl("rp", 0, pr.sb))
			sel := fsl(x+"_en_q", (pr.pk-1)*ew, ew)
			for k := pr.pk - 2; k >= 0; k-- {
				sel = fmt.Sprintf("(%s_sl == %s) ? %s : %s", x, flit(pr.sb, k), fsl(x+"_en_q", k*ew, ew), sel)
			}
			r.wire(ew, x+"_ent", sel)
			q = x + "_ent"
		case StorageDense:
			depth := pre.size * pr.post.size
			r.mem(&fmem{name: x + "_dn", w: ew, depth: depth, rom: pl.denseEntries(pr), ra: fz("rp", pw, fBits(depth))})
			q = x + "_dn_q"
		}
		post := pr.post
		piw := post.iw
		// E stage: valid, post index, weight, delay.
		var valid, idx, wt, dl string
		pt := post.ports[pr.port]
		switch pr.kind {
		case StorageCSR:
			esc := int64(1)<<pr.gb - 1
			r.wire(pr.gb, x+"_gap", fsl(q, 0, pr.gb))
			r.wire(cwr, x+"_nc", fmt.Sprintf("cc + %s", fz(x+"_gap", pr.gb, cwr)))
			valid = fmt.Sprintf("ev && %s_on && %s_gap != %s", x, x, lit(pr.gb, esc))
			idx = fz(x+"_nc", cwr, piw)
			if !pr.wConst {
				wt = fsl(q, pr.gb, pr.ww)
			}
			if !pr.dConst {
				dl = fsl(q, pr.gb+pr.ww, pr.dw)
			}
		case StorageDense:
			if pr.wConst {
				valid = fmt.Sprintf("ev && %s_on && %s[0]", x, q)
			} else {
				wt = fsl(q, 0, pr.ww)
				valid = fmt.Sprintf("ev && %s_on && %s != %s", x, wt, flit(pr.ww, 0))
			}
			if !pr.dConst {
				off := pr.ww
				if pr.wConst {
					off = 1
				}
				dl = fsl(q, off, pr.dw)
			}
			idx = fz("ec", cwr, piw)
		default:
			valid = fmt.Sprintf("ev && %s_on", x)
			idx = fz("ec", cwr, piw)
		}
		if pr.rule != nil {
			wt = fsl(x+"_sy_q", 0, pt.w)
		}
		if wt == "" {
			wt = lit(pt.w, pr.w0)
		}
		dw := pr.dw
		if dl == "" {
			dw = fBits(pr.d0 + 1)
			dl = flit(dw, pr.d0)
		}
		r.wire(0, x+"_sv", valid)
		r.wire(piw, x+"_si", idx)
		r.wire(pt.w, x+"_sw", wt)
		r.wire(dw, x+"_sd", dl)
	}
	for _, fp := range pl.pops {
		if fp.ring > 0 {
			pl.rmw(r, fp)
		}
	}
}

// rowPointers returns the CSR row pointer ROM of pr (with MutateCSRRow's
// off-by-one row).
func (pl *fplan) rowPointers(pr *fproj) []string {
	rom := make([]string, pr.pre.size+1)
	s := 0
	for j := 0; j <= pr.pre.size; j++ {
		v := s
		if j == pr.rowMut {
			v++
		}
		rom[j] = flit(pr.rpW, pr.ptr(v))
		if j < pr.pre.size {
			s += pr.rowLen[j]
		}
	}
	return rom
}

// csrEntries returns pr's CSR words: gap, then weight, then delay fields
// (pk entries per word, the first in the low bits), each one literal (so
// synth turns the ROM into a $readmemh file).
func (pl *fplan) csrEntries(pr *fproj) []string {
	p := pr.p
	order := fSynOrder(p, pl.sorted(p))
	esc := int64(1)<<pr.gb - 1
	ew := pr.entryW()
	pk := max(pr.pk, 1)
	out := make([]string, 0, pr.synWords())
	acc, n := new(big.Int), 0 // the word being filled, its entries
	field := new(big.Int)
	put := func(v int64, w, off int) {
		field.SetUint64(uint64(v) & mask(w))
		acc.Or(acc, field.Lsh(field, uint(off)))
	}
	flush := func() {
		out = append(out, litBig(pk*ew, acc))
		acc.SetInt64(0)
		n = 0
	}
	word := func(gap, w int64, d int) {
		off := n * ew
		put(gap, pr.gb, off)
		if pr.ww > 0 {
			put(w, pr.ww, off+pr.gb)
		}
		if pr.dw > 0 {
			put(int64(d), pr.dw, off+pr.gb+pr.ww)
		}
		if n++; n == pk {
			flush()
		}
	}
	prev, cur := int32(-1), int32(0)
	for k := range p.Synapses() {
		s := fAt(order, k)
		j, q := p.PreIdx[s], p.PostIdx[s]
		if j != prev {
			prev, cur = j, 0
		}
		gap := int64(q - cur)
		cur = q
		for gap >= esc {
			word(esc, 0, 0)
			gap -= esc
		}
		word(gap, p.Words[s], int(p.Delay[s]))
	}
	if n > 0 || len(out) == 0 {
		flush()
	}
	return out
}

func (pl *fplan) sorted(p *ir.Proj) bool {
	for k := 1; k < p.Synapses(); k++ {
		pj, pq, j, q := p.PreIdx[k-1], p.PostIdx[k-1], p.PreIdx[k], p.PostIdx[k]
		if pj > j || pj == j && pq > q {
			return false
		}
	}
	return true
}

// denseEntries returns pr's dense words, row-major by pre: weight (or a
// presence bit), then delay.
func (pl *fplan) denseEntries(pr *fproj) []string {
	p := pr.p
	np := pr.post.size
	ws := make([]int64, pr.pre.size*np)
	ds := make([]int, len(ws))
	has := make([]bool, len(ws))
	for k := range p.Synapses() {
		a := int(p.PreIdx[k])*np + int(p.PostIdx[k])
		ws[a], ds[a], has[a] = p.Words[k], int(p.Delay[k]), true
	}
	out := make([]string, len(ws))
	for a := range ws {
		var v []string
		if pr.wConst {
			b := 0
			if has[a] {
				b = 1
			}
			v = append(v, flit(1, b))
		} else {
			v = append(v, lit(pr.ww, ws[a]))
		}
		if pr.dw > 0 {
			v = append(v, flit(pr.dw, ds[a]))
		}
		out[a] = fcat(v)
	}
	return out
}

// rmw emits population fp's accumulator read-modify-write stage: the E
// stage of the active projection into fp presents the address, the B
// stage adds the weight to its port's field and writes, forwarding the
// previous cycle's write (the only one the read may have missed).
func (pl *fplan) rmw(r *frtl, fp *fpop) {
	x := fp.pre
	lw := max(pl.lb, 1)
	slw := fBits(fp.ring)
	smw := fBits(2*fp.ring+2) + 1
	pw := 1 // widest weight of a port with projections
	npw := fBits(len(fp.ports))
	for _, pt := range fp.ports {
		if pt.acc {
			pw = max(pw, pt.w)
		}
	}
	r.reg(slw, x+"_sl")
	r.reg(fp.aw, x+"_sb")
	var v, i, w, d, port []string
	var ins []*fproj
	for _, pr := range pl.projs {
		if pr.post == fp {
			ins = append(ins, pr)
		}
	}
	for _, pr := range ins {
		v = append(v, pr.pfx+"_sv")
	}
	sel := func(field func(*fproj) string, dflt string) string {
		e := dflt
		for k := len(ins) - 1; k >= 0; k-- {
			e = fmt.Sprintf("%s_on ? %s : %s", ins[k].pfx, field(ins[k]), e)
		}
		return e
	}
	dmax := 1
	for _, pr := range ins {
		dmax = max(dmax, pr.p.MaxDelay()+1)
	}
	dw := fBits(dmax + 1)
	i = append(i, sel(func(pr *fproj) string { return pr.pfx + "_si" }, flit(fp.iw, 0)))
	w = append(w, sel(func(pr *fproj) string {
		pt := fp.ports[pr.port]
		return fext(pr.pfx+"_sw", pt.w, pw, pt.signed)
	}, flit(pw, 0)))
	d = append(d, sel(func(pr *fproj) string {
		dd := pr.pfx + "_sd"
		sdw := pr.dw
		if pr.dConst {
			sdw = fBits(pr.d0 + 1)
		}
		e := fz(dd, sdw, dw)
		if pr.delayMut {
			e = fmt.Sprintf("(%s + %s)", e, flit(dw, 1))
		}
		return e
	}, flit(dw, 1)))
	port = append(port, sel(func(pr *fproj) string { return flit(npw, pr.port) }, flit(npw, 0)))
	r.wire(0, x+"_ev", strings.Join(v, " | "))
	r.wire(fp.iw, x+"_ei", i[0])
	r.wire(pw, x+"_ew", w[0])
	r.wire(dw, x+"_ed", d[0])
	r.wire(npw, x+"_ep", port[0])
	// Target slot (sl + d) mod ring, d ≤ 2·ring.
	r.wire(smw, x+"_es0", fmt.Sprintf("%s + %s", fz(x+"_sl", slw, smw), fz(x+"_ed", dw, smw)))
	r.wire(smw, x+"_es1", fmt.Sprintf("(%s_es0 >= %s) ? %s_es0 - %s : %s_es0", x, flit(smw, fp.ring), x, flit(smw, fp.ring), x))
	r.wire(smw, x+"_es", fmt.Sprintf("(%s_es1 >= %s) ? %s_es1 - %s : %s_es1", x, flit(smw, fp.ring), x, flit(smw, fp.ring), x))
	r.wire(fp.aw, x+"_ea", fmt.Sprintf("%s * %s + %s", fz(x+"_es", smw, fp.aw), flit(fp.aw, fp.nb), fz(pl.laneAddr(x+"_ei", fp), fp.iw-pl.lb, fp.aw)))
	el := flit(lw, 0)
	if pl.lb > 0 {
		el = fmt.Sprintf("%s_ei[%d:0]", x, pl.lb-1)
	}
	r.wire(lw, x+"_el", el)
	// B stage.
	r.reg(0, x+"_bv")
	r.reg(fp.aw, x+"_ba")
	r.reg(lw, x+"_bl")
	r.reg(pw, x+"_bw")
	r.reg(npw, x+"_bp")
	r.reg(0, x+"_wv")
	r.reg(fp.aw, x+"_wa")
	r.reg(lw, x+"_wl")
	r.reg(fp.accW, x+"_wd")
	r.b("  always @(posedge clk or negedge rst_n)")
	r.b("    if (!rst_n) begin %s_bv <= 1'b0; %s_wv <= 1'b0; end", x, x)
	r.b("    else begin %s_bv <= %s_ev; %s_wv <= %s_bv; end", x, x, x, x)
	r.b("  always @(posedge clk) begin")
	r.b("    %s_ba <= %s_ea; %s_bl <= %s_el; %s_bw <= %s_ew; %s_bp <= %s_ep;", x, x, x, x, x, x, x, x)
	r.b("    %s_wa <= %s_ba; %s_wl <= %s_bl; %s_wd <= %s_bn;", x, x, x, x, x, x)
	r.b("  end")
	bo := fmt.Sprintf("%s_0_ac_q", x)
	for l := 1; l < pl.lanes; l++ {
		bo = fmt.Sprintf("(%s_bl == %s) ? %s_%d_ac_q : %s", x, flit(lw, l), x, l, bo)
	}
	r.wire(fp.accW, x+"_bo", bo)
	r.wire(fp.accW, x+"_bf", fmt.Sprintf("(%s_wv && %s_wa == %s_ba && %s_wl == %s_bl) ? %s_wd : %s_bo", x, x, x, x, x, x, x))
	var fields []string
	for q, pt := range fp.ports {
		if !pt.acc {
			continue
		}
		f := fmt.Sprintf("%s_bf%d", x, q)
		r.wire(pt.accW, f, fsl(x+"_bf", pt.accOff, pt.accW))
		wx := fmt.Sprintf("%s_bw%d", x, q)
		r.wire(pt.w, wx, fsl(x+"_bw", 0, pt.w))
		// A field narrower than the port (the Σ|w| bound) holds every
		// weight word, so its low bits are the word.
		wt := fsl(wx, 0, pt.accW)
		if pt.accW >= pt.w {
			wt = fext(wx, pt.w, pt.accW, pt.signed)
		}
		fields = append(fields, fmt.Sprintf("(%s_bp == %s) ? %s + %s : %s", x, flit(npw, q), f, wt, f))
	}
	var named []string
	for k, e := range fields {
		nm := fmt.Sprintf("%s_bn%d", x, k)
		pt := fp.accPort(k)
		r.wire(pt.accW, nm, e)
		named = append(named, nm)
	}
	r.wire(fp.accW, x+"_bn", fcat(named))
}

// accPort returns the k-th port of fp with an accumulator.
func (fp *fpop) accPort(k int) *fport {
	for _, pt := range fp.ports {
		if pt.acc {
			if k == 0 {
				return pt
			}
			k--
		}
	}
	return nil
}

// outPops returns the populations whose spikes go out on AER-out.
func (pl *fplan) outPops() []*fpop {
	var ps []*fpop
	for _, fp := range pl.pops {
		if pl.hw.AEROut[fp.idx] {
			ps = append(ps, fp)
		}
	}
	return ps
}

func (pl *fplan) totW() int {
	t := 0
	for _, fp := range pl.pops {
		t += fp.size
	}
	return fBits(t + 2)
}

func (pl *fplan) output(r *frtl) {
	hw := pl.hw
	outs := pl.outPops()
	ow := fBits(len(outs) + 1)
	tw := pl.totW()
	r.body.WriteString("\n  // AER-out\n")
	r.reg(ow, "op")
	r.reg(tw, "osent")
	var tot []string
	for _, fp := range outs {
		tot = append(tot, fz(fp.pre+"_ns", fBits(fp.size+2), tw))
	}
	if len(tot) == 0 {
		tot = []string{flit(tw, 0)}
	}
	r.wire(tw, "ototal", strings.Join(tot, " + "))
	data := flit(hw.AERWidth, 0)
	for k := len(outs) - 1; k >= 0; k-- {
		fp := outs[k]
		idx := fp.pre + "_oj"
		r.wire(fp.iw, idx, pl.gidx(fp))
		word := fz(idx, fp.iw, hw.IndexBits)
		if fp.iw > hw.IndexBits {
			word = fsl(idx, 0, hw.IndexBits)
		}
		if hw.PopBits > 0 {
			word = fmt.Sprintf("{%s, %s}", flit(hw.PopBits, fp.idx), word)
		}
		data = fmt.Sprintf("(op == %s) ? %s : %s", flit(ow, k), word, data)
	}
	r.wire(hw.AERWidth, "odata", data)
	r.b("  assign aer_out_valid = ph == S_OUT && ps == 3'd%d && gm != %s;", osBit, flit(pl.lanes, 0))
	r.b("  assign aer_out_data = odata;")
	r.b("  assign aer_out_last = osent + %s == ototal;", flit(tw, 1))
}

func (pl *fplan) probe(r *frtl) {
	hw := pl.hw
	nr := len(pl.recs)
	rw := fBits(nr + 1)
	pnw := pl.pnW()
	r.body.WriteString("\n  // probe stream\n")
	r.reg(rw, "pr")
	r.reg(pnw, "pn")
	vw := 1
	for _, rc := range pl.recs {
		vw = max(vw, fBits(len(rc.vars)+1))
	}
	r.reg(vw, "pv")
	sw := pl.maxOf(func(p *fpop) int {
		if p.kind == fNeuron {
			return p.stW
		}
		return 1
	})
	r.reg(sw, "pw")
	for _, fp := range pl.pops {
		if pl.probed(fp) {
			r.wire(fp.iw-pl.lb, fp.pre+"_pa", fsl("pn", pl.lb, fp.iw-pl.lb))
		}
	}
	// due: record k's counter is 0.
	var due, lastv, data, hiE, loE []string
	for k, rc := range pl.recs {
		if rc.every > 1 {
			r.reg(fBits(rc.every), fmt.Sprintf("r%d_e", k))
			due = append(due, fmt.Sprintf("r%d_e == %s", k, flit(fBits(rc.every), 0)))
		} else {
			due = append(due, "1'b1")
		}
		r.wire(0, fmt.Sprintf("r%d_due", k), due[k])
		lastv = append(lastv, flit(vw, len(rc.vars)-1))
		hiE = append(hiE, flit(pnw, rc.hi))
		loE = append(loE, flit(pnw, rc.lo))
		_ = data
	}
	mux := func(vals []string, w int) string {
		e := flit(w, 0)
		for k := len(vals) - 1; k >= 0; k-- {
			e = fmt.Sprintf("(pr == %s) ? %s : %s", flit(rw, k), vals[k], e)
		}
		return e
	}
	r.wire(vw, "plv", mux(lastv, vw))
	r.wire(pnw, "phi", mux(hiE, pnw))
	r.wire(pnw, "plo", mux(loE, pnw))
	var later []string
	for k := range pl.recs {
		var l []string
		for q := k + 1; q < nr; q++ {
			l = append(l, fmt.Sprintf("r%d_due", q))
		}
		if len(l) == 0 {
			l = []string{"1'b0"}
		}
		later = append(later, "("+strings.Join(l, " | ")+")")
	}
	var dues []string
	for k := range pl.recs {
		dues = append(dues, fmt.Sprintf("r%d_due", k))
	}
	if nr == 0 {
		r.wire(0, "pdue", "1'b0")
		r.wire(0, "plater", "1'b0")
	} else {
		r.wire(0, "pdue", mux1(dues, rw))
		r.wire(0, "plater", mux1(later, rw))
	}
	// The latched word: the bank of pn's lane of the record's population.
	var words []string
	for _, rc := range pl.recs {
		fp := rc.pop
		q := fp.pre + "_0_st_q"
		for l := 1; l < pl.lanes; l++ {
			q = fmt.Sprintf("(pn[%d:0] == %s) ? %s_%d_st_q : %s", pl.lb-1, flit(pl.lb, l), fp.pre, l, q)
		}
		if fp.stW < sw {
			nm := fmt.Sprintf("%s_pq", fp.pre)
			if !strings.Contains(r.decl.String(), " "+nm+";") {
				r.wire(fp.stW, nm, q)
			}
			q = fz(nm, fp.stW, sw)
		}
		words = append(words, q)
	}
	r.wire(sw, "pword", mux(words, sw))
	// probe_data: field of var pv of record pr.
	pd := flit(hw.ProbeWidth, 0)
	for k := nr - 1; k >= 0; k-- {
		rc := pl.recs[k]
		fe := flit(hw.ProbeWidth, 0)
		for vi := len(rc.vars) - 1; vi >= 0; vi-- {
			st := rc.pop.f.States[rc.vars[vi]]
			sw0 := st.Type.Width()
			nm := fmt.Sprintf("r%d_f%d", k, vi)
			r.wire(sw0, nm, fsl("pw", rc.pop.stOff[rc.vars[vi]], sw0))
			ext := fext(nm, sw0, hw.ProbeWidth, st.Type.Kind == ir.KFixed && st.Type.Fmt.Signed)
			fe = fmt.Sprintf("(pv == %s) ? %s : %s", flit(vw, vi), ext, fe)
		}
		pd = fmt.Sprintf("(pr == %s) ? (%s) : %s", flit(rw, k), fe, pd)
	}
	r.wire(hw.ProbeWidth, "pdata", pd)
	r.b("  assign probe_valid = ph == S_PRB && ps == 3'd%d;", prBeat)
	r.b("  assign probe_data = pdata;")
	r.b("  assign probe_last = pv == plv && pn + %s == phi && !plater;", flit(pnw, 1))
}

// mux1 selects one of the 1-bit expressions by pr.
func mux1(vals []string, rw int) string {
	e := "1'b0"
	for k := len(vals) - 1; k >= 0; k-- {
		e = fmt.Sprintf("(pr == %s) ? %s : %s", flit(rw, k), vals[k], e)
	}
	return e
}
