package formal

import (
	"fmt"
	"strings"

	"scc/ir"
)

// stepChecker adds, per neuron population whose every state is probed
// every step (a state record of the whole population, every 1 step) and
// that has no drive, the property update_<pop>: at each done, the probe
// words and the AER-out spikes of the step are the step function (the
// harness' own lowering, lower.go) applied to the previous step's probe
// words (the initial values after reset) and to the cast of the exact sum
// the checker's ring holds for this step (accRing's slot 1). The ring
// clears a consumed slot (it shifts it out) and adds each spike d steps
// ahead, so a core whose consumed ring slot does not read 0 next time
// round, or whose delay line is off by a step, fails it (DESIGN §4.1
// rules 1–3). Populations it cannot check are listed in the harness as a
// comment.
func stepChecker(b *strings.Builder, h *Harness, m *ir.Module, n *ir.Net, hw ir.NetHW) {
	// The probe words of the step in flight, in stream order.
	words := 0
	for _, r := range n.Records {
		if r.Kind == ir.RecordState {
			words += (r.Hi - r.Lo) * len(r.Vars)
		}
	}
	driven := map[string]bool{}
	for _, d := range n.Drives {
		for _, t := range d.Targets {
			driven[t.Pop] = true
		}
	}
	pw := hw.ProbeWidth
	if words > 0 {
		cw := bitsFor(int64(words) + 1)
		fmt.Fprintf(b, "  // The probe words of the step in flight (probe_ready is held high).\n")
		for k := range words {
			fmt.Fprintf(b, "  reg [%d:0] f_pr_%d = %d'd0;\n", pw-1, k, pw)
		}
		fmt.Fprintf(b, "  reg [%d:0] f_pr_cnt = %d'd0;\n", cw-1, cw)
		fmt.Fprintf(b, "  always @(posedge clk) begin\n    if (!rst_n || done) f_pr_cnt <= %d'd0;\n", cw)
		fmt.Fprintf(b, "    else if (probe_valid && f_pr_cnt != %s) f_pr_cnt <= f_pr_cnt + %d'd1;\n", lit64(cw, int64(words)+1), cw)
		fmt.Fprintf(b, "    if (rst_n && probe_valid) begin\n")
		for k := range words {
			fmt.Fprintf(b, "      if (f_pr_cnt == %s) f_pr_%d <= probe_data;\n", lit64(cw, int64(k)), k)
		}
		fmt.Fprintf(b, "    end\n  end\n")
	}
	for pi, p := range n.Pops {
		if p.Kind != ir.PopNeuron {
			continue
		}
		f := m.Func(p.Func)
		why := ""
		offset := map[[2]int]int{} // (neuron, state) -> probe word
		k := 0
		for _, r := range n.Records {
			if r.Kind != ir.RecordState {
				continue
			}
			for i := r.Lo; i < r.Hi; i++ {
				for _, v := range r.Vars {
					if r.Pop == p.Name && r.Every == 1 {
						offset[[2]int{i, v}] = k
					}
					k++
				}
			}
		}
		switch {
		case f == nil || f.Generic():
			why = "its step function has per-neuron parameters"
		case driven[p.Name]:
			why = "a drive adds to its input"
		case !hw.AEROut[pi]:
			why = "its spikes are not on AER-out"
		}
		for i := 0; i < p.Size && why == ""; i++ {
			for s := range f.States {
				if _, ok := offset[[2]int{i, s}]; !ok {
					why = fmt.Sprintf("state %s of neuron %d is not probed every step", f.States[s].Name, i)
					break
				}
			}
		}
		if why == "" {
			why = popStep(b, h, n, p, f, offset, words, pw)
		}
		if why != "" {
			fmt.Fprintf(b, "  // update_%s not checked: %s.\n", ident(p.Name), why)
		}
	}
}

// popStep writes the step check of neuron population p (see stepChecker);
// it returns why it cannot, or "".
func popStep(b *strings.Builder, h *Harness, n *ir.Net, p *ir.Pop, f *ir.Func, offset map[[2]int]int, words, pw int) string {
	var nextV []*ir.Value
	var spikeV *ir.Value
	nextV = make([]*ir.Value, len(f.States))
	for _, v := range f.Entry().Values {
		switch v.Op {
		case ir.OpNext:
			nextV[v.AuxInt] = v.Args[0]
		case ir.OpSpike:
			spikeV = v.Args[0]
		}
	}
	init := func(i, s int) int64 {
		for _, pi := range p.Init {
			if pi.Index == s && i < len(pi.Words) {
				return pi.Words[i]
			}
		}
		return f.States[s].InitRaw
	}
	pn := ident(p.Name)
	var conds []string
	for i := range p.Size {
		var ports, inputs []string
		for s, st := range f.States {
			w := st.Type.Width()
			name := fmt.Sprintf("f_st_%s_%d_%d", pn, s, i)
			fmt.Fprintf(b, "  reg [%d:0] %s = %s;\n", w-1, name, lit64(w, init(i, s)))
			ports = append(ports, name)
			fmt.Fprintf(b, "  always @(posedge clk)\n    if (!rst_n) %s <= %s;\n    else if (done) %s <= f_pr_%d[%d:0];\n",
				name, lit64(w, init(i, s)), name, offset[[2]int{i, s}], w-1)
		}
		for port, in := range f.Inputs {
			w := in.Type.Width()
			name := fmt.Sprintf("f_in_%s_%d_%d", pn, port, i)
			total, dmax, ww := accSize(n, p, port, w)
			if total == 0 || dmax == 0 {
				fmt.Fprintf(b, "  wire [%d:0] %s = %d'd0;\n", w-1, name, w)
			} else {
				// cast_p: the sum has the port's fraction bits; saturate.
				e := fmt.Sprintf("f_acc_%s_%s_1_%d", pn, ident(f0(n, p, port)), i)
				lo, hi := in.Type.Fmt.Min(), in.Type.Fmt.Max()
				fmt.Fprintf(b, "  wire [%d:0] %s = %s < $signed(%s) ? %s : %s > $signed(%s) ? %s : %s[%d:0];\n", w-1, name,
					e, lit64(ww, lo), lit64(w, lo), e, lit64(ww, hi), lit64(w, hi), e, w-1)
			}
			inputs = append(inputs, name)
		}
		l := &lowerer{f: f, prefix: fmt.Sprintf("f_fn_%s_%d_v", pn, i), ports: ports, inputs: inputs}
		if err := l.lower(); err != nil {
			return err.Error()
		}
		b.WriteString(strings.Join(l.lines, "\n"))
		b.WriteString("\n")
		for s, st := range f.States {
			w := st.Type.Width()
			k := offset[[2]int{i, s}]
			conds = append(conds, fmt.Sprintf("f_pr_%d == %s", k, ext(l.name(nextV[s]), w, st.Type.Fmt.Signed, pw)))
		}
		spike := "1'b0"
		if spikeV != nil {
			spike = l.name(spikeV)
		}
		conds = append(conds, fmt.Sprintf("f_sp_%s[%d] == %s", pn, i, spike))
	}
	conds = append(conds, fmt.Sprintf("f_pr_cnt == %s", lit64(bitsFor(int64(words)+1), int64(words))))
	h.Props = append(h.Props, property("update_"+pn,
		fmt.Sprintf("each step of %s commits the step function of the previous probed state and the cast of the exact sum due (a consumed ring slot reads 0, spikes arrive after their delay)", p.Name),
		p.Pos, "rst_n && done", strings.Join(conds, " && ")))
	return ""
}

// accSize returns the synapse count, the largest delay and the checker's
// sum width of port of population p (portW: the port's width).
func accSize(n *ir.Net, p *ir.Pop, port, portW int) (total, dmax, ww int) {
	for _, pr := range n.ProjsInto(p.Name, port) {
		total += len(pr.PostIdx)
		dmax = max(dmax, pr.MaxDelay())
	}
	return total, dmax, portW + bitsFor(int64(total)) + 1
}
