package formal

import (
	"fmt"
	"strings"

	"scc/ir"
)

// MiterEnv is the environment a network miter drives both cores with.
type MiterEnv struct {
	// Spikes sequences the harness: whenever both cores are ready and
	// idle it offers one slot per neuron of the AER-in populations (in
	// population and index order), each that neuron's event or none (a
	// free bit), then gives the step strobe at once. Every spike set of
	// the inputs reaches the cores, one event per neuron; AER-in words of
	// no such neuron, and events at other times, are not offered. Without
	// Stall the cores' schedules then depend on the spikes alone, and
	// bmc3 reaches about twice as deep (the 4-neuron network of the tests:
	// 127 cycles in 120 s, against 49 with free timing). Otherwise the timing is free: an event (any word) or the
	// step strobe at any idle cycle, any number of events per step.
	Spikes bool
	// Stall makes AER-out and probe backpressure free on each side; else
	// both are always ready.
	Stall bool
	// Plan (with Spikes) fixes the input spikes of the first len(Plan)
	// steps: bit k of Plan[t] offers the k-th AER-in neuron's event (in
	// Spikes' slot order) before step t+1; later steps are free. Cases
	// whose plans are every prefix of a length cover every input (see
	// NetPlans): each case's model then runs concretely up to the first
	// free step, so BMC reaches deeper (netdeep.go).
	Plan []uint64
	// Cases (with Spikes, without Plan) reads the offers of the first
	// Cases steps from f_plan, a free input of Cases × (AER-in neurons)
	// bits (bit t·slots + k: step t+1, slot k), later steps' from
	// f_ev_req. BoundCases fixes f_plan to each value in turn.
	Cases int
	// Quiet (with Plan or Cases) offers no event after the plan's steps:
	// a bound then covers every input of the plan's steps (and compares
	// the later steps too, without input spikes), where free later steps
	// would make each case's search symbolic again.
	Quiet bool
	// Within (with Plan or Cases, > 0) adds the property plan_compared:
	// by cycle Within every step of the plan has been compared. Bounded
	// to a depth past Within, it proves that the depth covers the plan's
	// steps, whatever their inputs, rather than estimating it.
	Within int
}

// MiterNet returns the miter of two cores a and b of network n (parallel
// and folded: the same ports, ir.NetHW), named miter_net_<a.Top>, and the
// files it reads (b's modules renamed with prefix ref_, since both
// architectures name their top n.ModuleName()). The harness drives both
// with the same AER-in events (an event is offered to both and held until
// each has taken it) and the same step strobe, given when both cores are
// ready and idle and no event is pending, as env says. It records each
// side's AER-out beats and probe words of the step in flight and, one
// cycle after both have pulsed done, asserts them equal (count, words,
// last flags), and sat_q and step_q equal. Reset is low for the first
// cycles, then high.
func MiterNet(m *ir.Module, n *ir.Net, a, b NetCore, env MiterEnv) (*Harness, []File, error) {
	hw, err := checkNet(m, n)
	if err != nil {
		return nil, nil, err
	}
	bfiles, btop := renameModules(b.Files, b.Top)
	h := &Harness{Top: "miter_net_" + a.Top, DUT: a.Top}
	var s strings.Builder
	netHeader(&s, fmt.Sprintf("Miter of network %s (%v): %s (%s) against %s (%s)", n.Name, n.Pos, a.Top, a.Label, b.Top, b.Label), h.Top)
	aw, pw := hw.AERWidth, hw.ProbeWidth
	fmt.Fprintf(&s, "  (* anyseq *) wire f_step_req;\n  (* anyseq *) wire f_ev_req;\n  (* anyseq *) wire f_ev_last;\n")
	fmt.Fprintf(&s, "  (* anyseq *) wire [%d:0] f_ev_data;\n", aw-1)
	for _, x := range []string{"a", "b"} {
		for _, port := range []string{"aer_out_ready", "probe_ready"} {
			if env.Stall {
				fmt.Fprintf(&s, "  (* anyseq *) wire %s_%s;\n", x, port)
			} else {
				fmt.Fprintf(&s, "  wire %s_%s = 1'b1;\n", x, port)
			}
		}
	}
	fmt.Fprintf(&s, "  reg f_ev = 1'b0;\n  reg [%d:0] f_ev_word = %d'd0;\n  reg f_ev_lastr = 1'b0;\n", aw-1, aw)
	fmt.Fprintf(&s, "  reg f_a_got = 1'b0;\n  reg f_b_got = 1'b0;\n  reg f_in_step = 1'b0;\n  reg f_a_seen = 1'b0;\n  reg f_b_seen = 1'b0;\n")
	fmt.Fprintf(&s, "  wire a_aer_in_valid = f_ev && !f_a_got;\n  wire b_aer_in_valid = f_ev && !f_b_got;\n")
	var insts []string
	for _, x := range []string{"a", "b"} {
		top := a.Top
		if x == "b" {
			top = btop
		}
		in := map[string]string{"step": "f_go", "aer_in_valid": x + "_aer_in_valid", "aer_in_data": "f_ev_word",
			"aer_in_last": "f_ev_lastr", "aer_out_ready": x + "_aer_out_ready", "probe_ready": x + "_probe_ready"}
		insts = append(insts, fmt.Sprintf("  %s %s (%s);\n", top, x, netPorts(&s, hw, x+"_", in)))
	}
	fmt.Fprintf(&s, "  wire f_both_idle = a_ready && !a_busy && b_ready && !b_busy;\n")
	// When the harness offers an event (f_offer) and when it steps (f_go).
	word := "f_ev_data"
	if env.Spikes {
		var words []uint64
		for pi, p := range n.Pops {
			if hw.AERIn[pi] {
				for i := range p.Size {
					words = append(words, hw.AERWord(pi, i))
				}
			}
		}
		sw := bitsFor(int64(len(words)))
		last := lit64(sw, int64(len(words)))
		fmt.Fprintf(&s, "  reg [%d:0] f_slot = %d'd0;\n", sw-1, sw)
		fmt.Fprintf(&s, "  wire f_idle = rst_n && !f_in_step && !f_ev && f_both_idle;\n")
		req := "f_ev_req"
		switch {
		case len(env.Plan) > 0:
			req = planReq(&s, len(env.Plan), sw, func(t, k int) bool { return env.Plan[t]>>k&1 == 1 }, "", env.Quiet)
		case env.Cases > 0:
			fmt.Fprintf(&s, "  (* anyseq *) wire [%d:0] f_plan;\n", env.Cases*len(words)-1)
			req = planReq(&s, env.Cases, sw, nil, fmt.Sprintf("f_plan[f_plan_t * %d + f_slot]", len(words)), env.Quiet)
		}
		fmt.Fprintf(&s, "  wire f_offer = f_idle && f_slot != %s && %s;\n  wire f_go = f_idle && f_slot == %s;\n", last, req, last)
		fmt.Fprintf(&s, "  always @(posedge clk)\n    if (!rst_n || f_go) f_slot <= %d'd0;\n    else if (f_idle) f_slot <= f_slot + %d'd1;\n", sw, sw)
		fmt.Fprintf(&s, "  reg [%d:0] f_slot_word;\n  always @* begin\n    f_slot_word = %d'd0;\n    case (f_slot)\n", aw-1, aw)
		for k, w := range words {
			fmt.Fprintf(&s, "      %s: f_slot_word = %s;\n", lit64(sw, int64(k)), lit64(aw, int64(w)))
		}
		fmt.Fprintf(&s, "      default: f_slot_word = %d'd0;\n    endcase\n  end\n", aw)
		word = "f_slot_word"
	} else {
		fmt.Fprintf(&s, "  wire f_go = rst_n && !f_in_step && !f_ev && f_both_idle && f_step_req;\n")
		fmt.Fprintf(&s, "  wire f_offer = !f_in_step && f_both_idle && f_ev_req && !f_step_req;\n")
	}
	fmt.Fprintf(&s, "  wire f_a_in = a_aer_in_valid && a_aer_in_ready;\n  wire f_b_in = b_aer_in_valid && b_aer_in_ready;\n")
	s.WriteString(strings.Join(insts, ""))
	fmt.Fprintf(&s, "  wire f_cmp = f_in_step && f_a_seen && f_b_seen;\n")
	fmt.Fprintf(&s, `  always @(posedge clk) begin
    if (!rst_n) begin
      f_ev <= 1'b0;
      f_a_got <= 1'b0;
      f_b_got <= 1'b0;
      f_in_step <= 1'b0;
      f_a_seen <= 1'b0;
      f_b_seen <= 1'b0;
    end else begin
      if (f_ev) begin
        if (f_a_in) f_a_got <= 1'b1;
        if (f_b_in) f_b_got <= 1'b1;
        if ((f_a_got || f_a_in) && (f_b_got || f_b_in)) f_ev <= 1'b0;
      end else if (f_offer) begin
        f_ev <= 1'b1;
        f_ev_word <= %[1]s;
        f_ev_lastr <= f_ev_last;
        f_a_got <= 1'b0;
        f_b_got <= 1'b0;
      end
      if (f_go) f_in_step <= 1'b1;
      if (f_in_step && a_done) f_a_seen <= 1'b1;
      if (f_in_step && b_done) f_b_seen <= 1'b1;
      if (f_cmp) begin
        f_in_step <= 1'b0;
        f_a_seen <= 1'b0;
        f_b_seen <= 1'b0;
      end
    end
  end
`, word)
	nOut := 0
	for pi, p := range n.Pops {
		if hw.AEROut[pi] {
			nOut += p.Size
		}
	}
	nProbe := 0
	for _, r := range n.Records {
		if r.Kind == ir.RecordState {
			nProbe += (r.Hi - r.Lo) * len(r.Vars)
		}
	}
	streamLog(&s, "aer_out", "aer", aw, nOut)
	streamLog(&s, "probe", "probe", pw, nProbe)
	h.Trace = append(h.Trace, Signal{Name: "rst_n"}, Signal{Name: "f_go"}, Signal{Name: "f_ev"}, Signal{Name: "f_ev_word"},
		Signal{Name: "a_done"}, Signal{Name: "b_done"}, Signal{Name: "a_step_q"}, Signal{Name: "b_step_q"},
		Signal{Name: "a_aer_out_valid"}, Signal{Name: "a_aer_out_ready"}, Signal{Name: "a_aer_out_data"},
		Signal{Name: "b_aer_out_valid"}, Signal{Name: "b_aer_out_ready"}, Signal{Name: "b_aer_out_data"})
	what := fmt.Sprintf("%s and %s", a.Label, b.Label)
	if steps := max(len(env.Plan), env.Cases); env.Spikes && steps > 0 && env.Within > 0 {
		cw, tw := bitsFor(int64(env.Within)), bitsFor(int64(steps))
		fmt.Fprintf(&s, "  reg [%d:0] f_cycle = %d'd0;\n  reg [%d:0] f_ncmp = %d'd0;\n", cw-1, cw, tw-1, tw)
		fmt.Fprintf(&s, "  always @(posedge clk) begin\n    if (f_cycle != %s) f_cycle <= f_cycle + %d'd1;\n", lit64(cw, int64(env.Within)), cw)
		fmt.Fprintf(&s, "    if (!rst_n) f_ncmp <= %d'd0;\n    else if (f_cmp && f_ncmp != %s) f_ncmp <= f_ncmp + %d'd1;\n  end\n", tw, lit64(tw, int64(steps)), tw)
		h.Props = append(h.Props, property("plan_compared", fmt.Sprintf("by cycle %d the %d planned steps have all been compared", env.Within, steps), n.Pos,
			fmt.Sprintf("f_cycle == %s", lit64(cw, int64(env.Within))), fmt.Sprintf("f_ncmp == %s", lit64(tw, int64(steps)))))
	}
	h.Props = append(h.Props,
		property("miter_aer_out", fmt.Sprintf("%s send the same AER-out beats (words, order, last) in every step", what), n.Pos, "f_cmp",
			"f_a_aer_cnt == f_b_aer_cnt && f_a_aer_buf == f_b_aer_buf && f_a_aer_last == f_b_aer_last"),
		property("miter_probe", fmt.Sprintf("%s send the same probe words in every step", what), n.Pos, "f_cmp",
			"f_a_probe_cnt == f_b_probe_cnt && f_a_probe_buf == f_b_probe_buf && f_a_probe_last == f_b_probe_last"),
		property("miter_step_q", fmt.Sprintf("%s agree on step_q at the end of every step", what), n.Pos, "f_cmp", "a_step_q == b_step_q"))
	if len(hw.Sat) > 0 {
		h.Props = append(h.Props, property("miter_sat_q", fmt.Sprintf("%s agree on sat_q at the end of every step", what), n.Pos, "f_cmp", "a_sat_q == b_sat_q"))
	}
	h.Props = append(h.Props,
		property("beats_bound", fmt.Sprintf("no step sends more than %d AER-out beats or %d probe words", nOut, nProbe), n.Pos, "",
			fmt.Sprintf("f_a_aer_cnt <= %[1]s && f_b_aer_cnt <= %[1]s && f_a_probe_cnt <= %[2]s && f_b_probe_cnt <= %[2]s",
				lit64(bitsFor(int64(nOut)+1), int64(nOut)), lit64(bitsFor(int64(nProbe)+1), int64(nProbe)))))
	h.head = s.String()
	h.tail = "endmodule\n`endif\n"
	files := append(append([]File{}, a.Files...), bfiles...)
	return h, files, nil
}

// streamLog records, per side, the beats of stream port (width w, at most
// max per step) of the step in flight: f_<x>_<tag>_buf (beat k at
// [k*w +: w]), f_<x>_<tag>_last (bit k: beat k had last) and
// f_<x>_<tag>_cnt (saturating one past max), cleared by the comparison.
func streamLog(s *strings.Builder, port, tag string, w, max int) {
	cw := bitsFor(int64(max) + 1)
	slots := max
	if slots < 1 {
		slots = 1
	}
	for _, x := range []string{"a", "b"} {
		p := fmt.Sprintf("f_%s_%s", x, tag)
		fire := fmt.Sprintf("%s_%s_valid && %s_%s_ready", x, port, x, port)
		fmt.Fprintf(s, "  reg [%d:0] %s_buf = %d'd0;\n  reg [%d:0] %s_last = %d'd0;\n  reg [%d:0] %s_cnt = %d'd0;\n",
			slots*w-1, p, slots*w, slots-1, p, slots, cw-1, p, cw)
		fmt.Fprintf(s, "  always @(posedge clk) begin\n    if (!rst_n || f_cmp) begin\n")
		fmt.Fprintf(s, "      %s_buf <= %d'd0;\n      %s_last <= %d'd0;\n      %s_cnt <= %d'd0;\n", p, slots*w, p, slots, p, cw)
		fmt.Fprintf(s, "    end else if (%s) begin\n", fire)
		fmt.Fprintf(s, "      if (%s_cnt != %s) %s_cnt <= %s_cnt + %d'd1;\n", p, lit64(cw, int64(max)+1), p, p, cw)
		for k := range max {
			fmt.Fprintf(s, "      if (%s_cnt == %s) begin\n        %s_buf[%d +: %d] <= %s_%s_data;\n        %s_last[%d] <= %s_%s_last;\n      end\n",
				p, lit64(cw, int64(k)), p, k*w, w, x, port, p, k, x, port)
		}
		fmt.Fprintf(s, "    end\n  end\n")
	}
}

// planReq writes the planned offers of the first steps steps: a count
// of the steps taken (f_plan_t, saturating at steps) and f_plan_req, the
// request for slot f_slot (sw bits) of the step in flight: on(t, k) for
// step t+1 (or the expression bit, when on is nil), or the free f_ev_req
// once the plan has run out (1'b0 if quiet). It returns the request's
// name.
func planReq(s *strings.Builder, steps, sw int, on func(t, k int) bool, bit string, quiet bool) string {
	after := "f_ev_req"
	if quiet {
		after = "1'b0"
	}
	tw := bitsFor(int64(steps))
	end := lit64(tw, int64(steps))
	fmt.Fprintf(s, "  reg [%d:0] f_plan_t = %d'd0;\n", tw-1, tw)
	fmt.Fprintf(s, "  always @(posedge clk)\n    if (!rst_n) f_plan_t <= %d'd0;\n    else if (f_go && f_plan_t != %s) f_plan_t <= f_plan_t + %d'd1;\n", tw, end, tw)
	if on == nil {
		fmt.Fprintf(s, "  wire f_plan_req = f_plan_t == %s ? %s : %s;\n", end, after, bit)
		return "f_plan_req"
	}
	fmt.Fprintf(s, "  reg f_plan_req;\n  always @* begin\n    f_plan_req = %s;\n    case (f_plan_t)\n", after)
	for t := range steps {
		var ks []string
		for k := range 1 << sw {
			if on(t, k) {
				ks = append(ks, lit64(sw, int64(k)))
			}
		}
		cond := "1'b0"
		if len(ks) > 0 {
			cond = "f_slot == " + strings.Join(ks, " || f_slot == ")
		}
		fmt.Fprintf(s, "      %s: f_plan_req = %s;\n", lit64(tw, int64(t)), cond)
	}
	fmt.Fprintf(s, "      default: f_plan_req = %s;\n    endcase\n  end\n", after)
	return "f_plan_req"
}
