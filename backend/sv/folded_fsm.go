package sv

import (
	"fmt"
	"strings"
)

// fsm emits the step FSM of the folded top: one always block holding the
// phase register, the counters of every phase and the per-population
// step registers (spike list length, spike count, ring slot, sat flags).
func (pl *fplan) fsm(r *frtl) {
	cw, pjw, pw, cwr := pl.cntW(), pl.pjW(), pl.ptrW(), pl.curW()
	lew, P := pl.leW(), pl.lanes
	gkw := pl.maxOf(func(p *fpop) int { return p.ab })
	jw := pl.maxOf(func(p *fpop) int { return p.iw })
	outs := pl.outPops()
	ow := fBits(len(outs) + 1)
	rw := fBits(len(pl.recs) + 1)
	b := &strings.Builder{}
	p := func(ind int, format string, a ...any) {
		b.WriteString(strings.Repeat("  ", ind))
		fmt.Fprintf(b, format+"\n", a...)
	}
	p(1, "\n  // step FSM")
	p(1, "always @(posedge clk or negedge rst_n) begin")
	p(2, "if (!rst_n) begin")
	for _, x := range []struct {
		n string
		w int
	}{{"ph", 3}, {"cnt", cw}, {"tq", 32}, {"sat_r", max(len(pl.hw.Sat), 1)}, {"ps", 3}, {"le", lew}, {"gm", P}, {"gk", gkw},
		{"pj", pjw}, {"rp", pw}, {"rh", pw}, {"rc", cwr}, {"ec", cwr}, {"cc", cwr}, {"rj", jw}, {"op", ow}, {"osent", pl.totW()},
		{"pr", rw}, {"pn", pl.pnW()}, {"pv", pl.pvW()}, {"pw", pl.pwW()}} {
		v := flit(x.w, 0)
		if x.n == "ph" {
			v = "S_INIT"
		}
		p(3, "%s <= %s;", x.n, v)
	}
	p(3, "ev <= 1'b0;")
	if pl.plastic() {
		p(3, "qm <= 2'd0; ek <= %s; xl <= 64'd0;", flit(pw, 0))
	}
	for _, fp := range pl.pops {
		p(3, "%s_lc <= %s; %s_ns <= %s;", fp.pre, flit(fBits(fp.nb+2), 0), fp.pre, flit(fBits(fp.size+2), 0))
		if fp.ring > 0 {
			s := 1 % fp.ring
			p(3, "%s_sl <= %s; %s_sb <= %s;", fp.pre, flit(fBits(fp.ring), s), fp.pre, flit(fp.aw, s*fp.nb))
		}
	}
	for k, rc := range pl.recs {
		if rc.every > 1 {
			p(3, "r%d_e <= %s;", k, flit(fBits(rc.every), 1%rc.every))
		}
	}
	p(2, "end else begin")
	p(3, "ev <= 1'b0;")
	p(3, "case (ph)")
	p(3, "S_INIT: begin")
	p(4, "cnt <= cnt + %s;", flit(cw, 1))
	p(4, "if (cnt == %s) ph <= S_IDLE;", flit(cw, pl.initN))
	p(3, "end")
	p(3, "S_IDLE, S_DONE: if (step) begin")
	p(4, "ph <= S_UPD; cnt <= %s;", flit(cw, 0))
	for _, fp := range pl.pops {
		p(4, "%s_lc <= %s; %s_ns <= %s;", fp.pre, flit(fBits(fp.nb+2), 0), fp.pre, flit(fBits(fp.size+2), 0))
	}
	p(3, "end else ph <= S_IDLE;")
	p(3, "S_UPD: begin")
	p(4, "cnt <= cnt + %s;", flit(cw, 1))
	next := "S_PROP"
	if pl.plastic() {
		next = "S_PLAS; qm <= 2'd0"
	}
	p(4, "if (cnt == %s) begin ph <= %s; ps <= 3'd%d; pj <= %s; end", flit(cw, pl.nbMax), next, psProj, flit(pjw, 0))
	p(3, "end")
	p(3, "S_PROP: case (ps)")
	p(4, "3'd%d: if (pj == %s) begin ph <= S_OUT; ps <= 3'd%d; op <= %s; osent <= %s; end", psProj, flit(pjw, len(pl.projs)), osPop, flit(ow, 0), flit(pl.totW(), 0))
	p(5, "else begin le <= %s; ps <= 3'd%d; end", flit(lew, 0), psList)
	// psList / psLGot per projection's pre population.
	p(4, "3'd%d: case (pj)", psList)
	for _, pr := range pl.projs {
		p(5, "%s: if (le == %s) begin pj <= pj + %s; ps <= 3'd%d; end else ps <= 3'd%d;", flit(pjw, pr.idx),
			fz(pr.pre.pre+"_lc", fBits(pr.pre.nb+2), lew), flit(pjw, 1), psProj, psLGot)
	}
	p(5, "default: ps <= 3'd%d;", psProj)
	p(4, "endcase")
	p(4, "3'd%d: begin", psLGot)
	p(5, "le <= le + %s; ps <= 3'd%d;", flit(lew, 1), psBit)
	p(5, "case (pj)")
	for _, pr := range pl.projs {
		p(6, "%s: begin gm <= %s; gk <= %s; end", flit(pjw, pr.idx), fsl(pr.pre.pre+"_ls_q", 0, P), pl.lsK(pr.pre, gkw))
	}
	p(6, "default: ;")
	p(5, "endcase")
	p(4, "end")
	p(4, "3'd%d: if (gm == %s) ps <= 3'd%d; else begin", psBit, flit(P, 0), psList)
	p(5, "gm <= gm & (gm - %s);", flit(P, 1))
	p(5, "case (pj)")
	for _, pr := range pl.projs {
		x := pr.pfx
		j := x + "_j"
		iw := pr.pre.iw
		p(6, "%s: begin", flit(pjw, pr.idx))
		p(7, "rj <= %s;", fz(j, iw, jw))
		switch pr.kind {
		case StorageCSR:
			p(7, "ps <= 3'd%d;", psRP1)
		case StorageDense:
			np := pr.post.size
			base := fmt.Sprintf("%s * %s", fz(j, iw, pw), flit(pw, np))
			p(7, "rp <= %s; rh <= %s + %s; rc <= %s; ps <= 3'd%d;", base, base, flit(pw, np), flit(cwr, 0), psRow)
		default:
			in := pl.inRange(pr.pre, j, pr.preLo, pr.preHi)
			if in == "" {
				in = "1'b1"
			}
			n := pr.postHi - pr.postLo
			if pr.proc == procOneToOne {
				n = 1
				p(7, "rc <= %s - %s + %s;", fz(j, iw, cwr), flit(cwr, pr.preLo), flit(cwr, pr.postLo))
			} else {
				p(7, "rc <= %s;", flit(cwr, pr.postLo))
			}
			p(7, "rp <= %s; rh <= (%s) ? %s : %s; ps <= 3'd%d;", flit(pw, 0), in, flit(pw, n), flit(pw, 0), psRow)
		}
		p(6, "end")
	}
	p(6, "default: ;")
	p(5, "endcase")
	p(4, "end")
	p(4, "3'd%d: begin ps <= 3'd%d; case (pj)", psRP1, psRP2)
	for _, pr := range pl.projs {
		if pr.kind == StorageCSR {
			p(5, "%s: rp <= %s;", flit(pjw, pr.idx), fz(pr.pfx+"_rp_q", pr.rpW, pw))
		}
	}
	p(5, "default: ;")
	p(4, "endcase end")
	p(4, "3'd%d: begin ps <= 3'd%d; cc <= %s; case (pj)", psRP2, psRow, flit(cwr, 0))
	for _, pr := range pl.projs {
		if pr.kind == StorageCSR {
			p(5, "%s: rh <= %s;", flit(pjw, pr.idx), fz(pr.pfx+"_rp_q", pr.rpW, pw))
		}
	}
	p(5, "default: ;")
	p(4, "endcase end")
	p(4, "3'd%d: if (rp == rh) ps <= 3'd%d;", psRow, psBit)
	p(5, "else begin ev <= 1'b1; ec <= rc; rc <= rc + %s; rp <= rp + %s; end", flit(cwr, 1), pl.rpStep(pw, pjw))
	p(4, "default: ps <= 3'd%d;", psProj)
	p(3, "endcase")
	// AER-out.
	p(3, "S_OUT: case (ps)")
	p(4, "3'd%d: if (op == %s) begin ph <= S_PRB; ps <= 3'd%d; pr <= %s; end", osPop, flit(ow, len(outs)), prRec, flit(rw, 0))
	p(5, "else begin le <= %s; ps <= 3'd%d; end", flit(lew, 0), osList)
	p(4, "3'd%d: case (op)", osList)
	for k, fp := range outs {
		p(5, "%s: if (le == %s) begin op <= op + %s; ps <= 3'd%d; end else ps <= 3'd%d;", flit(ow, k),
			fz(fp.pre+"_lc", fBits(fp.nb+2), lew), flit(ow, 1), osPop, osLGot)
	}
	p(5, "default: ps <= 3'd%d;", osPop)
	p(4, "endcase")
	p(4, "3'd%d: begin", osLGot)
	p(5, "le <= le + %s; ps <= 3'd%d;", flit(lew, 1), osBit)
	p(5, "case (op)")
	for k, fp := range outs {
		p(6, "%s: begin gm <= %s; gk <= %s; end", flit(ow, k), fsl(fp.pre+"_ls_q", 0, P), pl.lsK(fp, gkw))
	}
	p(6, "default: ;")
	p(5, "endcase")
	p(4, "end")
	p(4, "3'd%d: if (gm == %s) ps <= 3'd%d;", osBit, flit(P, 0), osList)
	p(5, "else if (aer_out_ready) begin gm <= gm & (gm - %s); osent <= osent + %s; end", flit(P, 1), flit(pl.totW(), 1))
	p(4, "default: ps <= 3'd%d;", osPop)
	p(3, "endcase")
	// Probes.
	pnw, vw := pl.pnW(), pl.pvW()
	p(3, "S_PRB: case (ps)")
	p(4, "3'd%d: if (pr == %s) begin", prRec, flit(rw, len(pl.recs)))
	p(5, "ph <= S_DONE; tq <= tq + 32'd1;")
	for _, fp := range pl.pops {
		if fp.ring > 0 {
			last := flit(fBits(fp.ring), fp.ring-1)
			p(5, "%s_sl <= (%s_sl == %s) ? %s : %s_sl + %s;", fp.pre, fp.pre, last, flit(fBits(fp.ring), 0), fp.pre, flit(fBits(fp.ring), 1))
			p(5, "%s_sb <= (%s_sl == %s) ? %s : %s_sb + %s;", fp.pre, fp.pre, last, flit(fp.aw, 0), fp.pre, flit(fp.aw, fp.nb))
		}
	}
	for k, rc := range pl.recs {
		if rc.every > 1 {
			ew := fBits(rc.every)
			p(5, "r%d_e <= (r%d_e == %s) ? %s : r%d_e + %s;", k, k, flit(ew, rc.every-1), flit(ew, 0), k, flit(ew, 1))
		}
	}
	p(4, "end else if (!pdue) pr <= pr + %s;", flit(rw, 1))
	p(4, "else begin pn <= plo; ps <= 3'd%d; end", prRead)
	p(4, "3'd%d: if (pn == phi) begin pr <= pr + %s; ps <= 3'd%d; end else ps <= 3'd%d;", prRead, flit(rw, 1), prRec, prGot)
	p(4, "3'd%d: begin pw <= pword; pv <= %s; ps <= 3'd%d; end", prGot, flit(vw, 0), prBeat)
	p(4, "3'd%d: if (probe_ready) begin", prBeat)
	p(5, "if (pv == plv) begin pn <= pn + %s; ps <= 3'd%d; end else pv <= pv + %s;", flit(pnw, 1), prRead, flit(vw, 1))
	p(4, "end")
	p(4, "default: ps <= 3'd%d;", prRec)
	p(3, "endcase")
	if pl.plastic() {
		pl.plasFSM(p)
	}

	p(3, "default: ph <= S_INIT;")
	p(3, "endcase")
	// Per-population step registers.
	for _, fp := range pl.pops {
		x := fp.pre
		p(3, "if (%s_cv && |%s_mk) %s_lc <= %s_lc + %s;", x, x, x, x, flit(fBits(fp.nb+2), 1))
		p(3, "if (%s_cv) %s_ns <= %s_ns + %s_mc;", x, x, x, x)
		if fp.kind == fNeuron {
			for q := range fp.ports {
				var c []string
				for l := range P {
					c = append(c, fmt.Sprintf("(%s_%d_ok && %s_%d_sat%d)", x, l, x, l, q))
				}
				p(3, "if (%s) sat_r[%d] <= 1'b1;", strings.Join(c, " || "), fp.satBase+q)
			}
		}
	}
	// CSR cursors advance in the E stage.
	for _, pr := range pl.projs {
		if pr.kind == StorageCSR {
			on := pr.pfx + "_on"
			if pr.rule != nil {
				on = fmt.Sprintf("(%s_on || %s_p0)", pr.pfx, pr.pfx)
			}
			p(3, "if (ev && %s) cc <= %s_nc;", on, pr.pfx)
		}
	}
	p(2, "end")
	p(1, "end")
	r.body.WriteString(b.String())
}

// lsK returns the group address field of fp's spike list word, resized to
// w bits.
func (pl *fplan) lsK(fp *fpop, w int) string {
	nm := fp.pre + "_lsk"
	return fz(nm, fp.ab, w)
}

func (pl *fplan) pvW() int {
	vw := 1
	for _, rc := range pl.recs {
		vw = max(vw, fBits(len(rc.vars)+1))
	}
	return vw
}

func (pl *fplan) pwW() int {
	return pl.maxOf(func(p *fpop) int {
		if p.kind == fNeuron {
			return p.stW
		}
		return 1
	})
}

// plasFSM writes the S_PLAS case of the step FSM (folded_plastic.go
// describes the modes).
func (pl *fplan) plasFSM(p func(int, string, ...any)) {
	pjw, pw, cwr := pl.pjW(), pl.ptrW(), pl.curW()
	lew, P, jw := pl.leW(), pl.lanes, pl.jW()
	gkw := pl.maxOf(func(p *fpop) int { return p.ab })
	pts := pl.postTraces()
	active := func(pr *fproj, mode int) bool {
		return pr.rule != nil && (mode == 0 && pr.rule.onPre != nil || mode == 2 && pr.rule.onPost != nil)
	}
	// The population of job pj in mode m.
	jobs := func(mode int) []*fpop {
		var ps []*fpop
		if mode == 1 {
			for _, x := range pts {
				ps = append(ps, x.pop)
			}
			return ps
		}
		for _, pr := range pl.projs {
			if mode == 0 {
				ps = append(ps, pr.pre)
			} else {
				ps = append(ps, pr.post)
			}
		}
		return ps
	}
	p(3, "S_PLAS: case (ps)")
	p(4, "3'd%d: case (qm)", psProj)
	for mode := 0; mode < 3; mode++ {
		n := len(pl.projs)
		if mode == 1 {
			n = len(pts)
		}
		p(5, "2'd%d: if (pj == %s) begin", mode, flit(pjw, n))
		switch mode {
		case 0, 1:
			p(6, "qm <= 2'd%d; pj <= %s;", mode+1, flit(pjw, 0))
		case 2:
			p(6, "ph <= S_PROP; pj <= %s;", flit(pjw, 0))
		}
		p(5, "end else begin")
		if mode != 1 {
			var on []string
			for _, pr := range pl.projs {
				if active(pr, mode) {
					on = append(on, "pj == "+flit(pjw, pr.idx))
				}
			}
			if len(on) == 0 {
				on = []string{"1'b0"}
			}
			p(6, "if (%s) begin le <= %s; ps <= 3'd%d; end else pj <= pj + %s;", strings.Join(on, " || "), flit(lew, 0), psList, flit(pjw, 1))
		} else {
			p(6, "le <= %s; ps <= 3'd%d;", flit(lew, 0), psList)
		}
		p(5, "end")
	}
	p(5, "default: ;")
	p(4, "endcase")
	// psList, psLGot, psBit per mode and job.
	p(4, "3'd%d: case ({qm, pj})", psList)
	for mode := 0; mode < 3; mode++ {
		for k, fp := range jobs(mode) {
			p(5, "{2'd%d, %s}: if (le == %s) begin pj <= pj + %s; ps <= 3'd%d; end else ps <= 3'd%d;", mode, flit(pjw, k),
				fz(fp.pre+"_lc", fBits(fp.nb+2), lew), flit(pjw, 1), psProj, psLGot)
		}
	}
	p(5, "default: ps <= 3'd%d;", psProj)
	p(4, "endcase")
	p(4, "3'd%d: begin", psLGot)
	p(5, "le <= le + %s; ps <= 3'd%d;", flit(lew, 1), psBit)
	p(5, "case ({qm, pj})")
	for mode := 0; mode < 3; mode++ {
		for k, fp := range jobs(mode) {
			p(6, "{2'd%d, %s}: begin gm <= %s; gk <= %s; end", mode, flit(pjw, k), fsl(fp.pre+"_ls_q", 0, P), pl.lsK(fp, gkw))
		}
	}
	p(6, "default: ;")
	p(5, "endcase")
	p(4, "end")
	p(4, "3'd%d: if (gm == %s) ps <= 3'd%d; else begin", psBit, flit(P, 0), psList)
	p(5, "gm <= gm & (gm - %s); ps <= 3'd%d;", flit(P, 1), psRP1)
	p(5, "case ({qm, pj})")
	for mode := 0; mode < 3; mode++ {
		for k, fp := range jobs(mode) {
			p(6, "{2'd%d, %s}: rj <= %s;", mode, flit(pjw, k), fz(fp.pre+"_gi", fp.iw, jw))
		}
	}
	p(6, "default: ;")
	p(5, "endcase")
	p(4, "end")
	// psRP1: mode 1 writes the trace (combinationally) and returns; modes
	// 0 and 2 take the row or column start and latch the trace.
	p(4, "3'd%d: if (qm == 2'd1) ps <= 3'd%d; else begin", psRP1, psBit)
	p(5, "ps <= 3'd%d;", psRP2)
	p(5, "case ({qm, pj})")
	for _, pr := range pl.projs {
		if pr.rule == nil {
			continue
		}
		if pr.rule.onPre != nil {
			tr := "64'd0"
			if x := pr.rule.preTr; x != nil {
				tr = fz(x.name+"_rq", x.w, 64)
			}
			p(6, "{2'd0, %s}: begin rp <= %s; xl <= %s; end", flit(pjw, pr.idx), fz(pr.pfx+"_rp_q", pr.rpW, pw), tr)
		}
		if pr.rule.onPost != nil {
			tr := "64'd0"
			if x := pr.rule.postTr; x != nil {
				tr = fz(x.name+"_rq", x.w, 64)
			}
			p(6, "{2'd2, %s}: begin rp <= %s; xl <= %s; end", flit(pjw, pr.idx), fz(pr.pfx+"_cp_q", pr.rule.cpW, pw), tr)
		}
	}
	p(6, "default: ;")
	p(5, "endcase")
	p(4, "end")
	p(4, "3'd%d: begin ps <= 3'd%d; cc <= %s; case ({qm, pj})", psRP2, psRow, flit(cwr, 0))
	for _, pr := range pl.projs {
		if pr.rule == nil {
			continue
		}
		if pr.rule.onPre != nil {
			p(5, "{2'd0, %s}: rh <= %s;", flit(pjw, pr.idx), fz(pr.pfx+"_rp_q", pr.rpW, pw))
		}
		if pr.rule.onPost != nil {
			p(5, "{2'd2, %s}: rh <= %s;", flit(pjw, pr.idx), fz(pr.pfx+"_cp_q", pr.rule.cpW, pw))
		}
	}
	p(5, "default: ;")
	p(4, "endcase end")
	p(4, "3'd%d: if (rp == rh) ps <= 3'd%d;", psRow, psBit)
	p(5, "else begin ev <= 1'b1; ek <= rp; rp <= rp + %s; end", flit(pw, 1))
	p(4, "default: ps <= 3'd%d;", psProj)
	p(3, "endcase")
}

// rpStep is the increment of the entry pointer rp in a row: 1, except
// at the last slot of a packed word whose pk is not a power of two,
// where the pointer {word, slot} moves to {word + 1, 0}.
func (pl *fplan) rpStep(pw, pjw int) string {
	step := flit(pw, 1)
	for i := len(pl.projs) - 1; i >= 0; i-- {
		pr := pl.projs[i]
		if pr.kind != StorageCSR || pr.pk <= 1 || pr.pk == 1<<pr.sb {
			continue
		}
		step = fmt.Sprintf("(pj == %s && %s == %s) ? %s : %s", flit(pjw, pr.idx), fsl("rp", 0, pr.sb), flit(pr.sb, pr.pk-1),
			flit(pw, 1<<pr.sb-pr.pk+1), step)
	}
	if step == flit(pw, 1) {
		return step
	}
	return "(" + step + ")"
}
