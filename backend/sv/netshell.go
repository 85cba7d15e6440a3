package sv

import (
	"bufio"
	"fmt"
	"math/bits"
	"strings"

	"scc/ir"
)

// The network shell: the part of a network top that implements the
// ir.NetHW port interface around a core (parallel.go; folded.go may reuse
// it). The shell owns the top's port list, the step FSM, step_q, the AER-in
// collector and the AER-out and probe serialisers; the core owns the
// network's state and sat_q.
//
// Handshake with the core (signal names inside the top):
//
//	sh_st == S_CORE  shell → core  the core runs step t+1 (entered on the
//	                 edge that takes step); the AER-in vectors hold the
//	                 step's source spikes, step_q is still t
//	sh_fin     core → shell  the core commits step t+1 at the end of this
//	                 S_CORE cycle (a parallel core ties it to 1: its one en
//	                 cycle is the S_CORE cycle); step_q, the probe record
//	                 counters and the AER-in vectors update on that edge
//	sh_out     shell → core  high while the serialisers run (after commit,
//	                 until every beat of the step is accepted): the
//	                 committed spike vectors and state words they read must
//	                 hold still meanwhile
//
// A core fills shell.aerOut (its committed spike vectors, one per AER-out
// population in Net.Pops order) and shell.probes (per state record the
// expressions of its words), then calls writePorts, its own declarations,
// writeLogic, and assigns sh_fin and sat_q.
//
// Cycles of one step, from the edge that takes step: the core's cycles
// until sh_fin (parallel: 1), then the serialisers (in parallel; the step
// ends when both are done): AER-out takes one cycle per chunk of CW bits
// of every AER-out population plus one cycle per spike; the probe stream
// one cycle per probe word of an active record plus one per inactive
// record; then one cycle with done high (busy is already low in it, so
// the host may strobe the next step in the done cycle).
//
// busy is high from the edge that takes step until the done cycle; ready
// rises one cycle after reset is released. AER-in beats are accepted while
// ready and not busy (aer_in_ready); each sets the bit of its neuron in
// the source's vector ain_p<k> (an event for a population that is not an
// AER-in source, or out of range, is dropped); the vectors are cleared on
// the commit edge (the core reads them while sh_st == S_CORE).

// shellAER is one AER-out population: number pop, size neurons, whose
// committed spikes of the last step are the vector vec (bit i: neuron i).
type shellAER struct {
	pop, size int
	vec       string
}

// shellProbe is one state record's probe words: the expressions words
// (each a signed vector of its width Widths[i]) of one step, sent when
// t % every == 0.
type shellProbe struct {
	every  int
	words  []string
	widths []int
	pos    string // source position comment
}

// shell describes a network top's interface logic.
type shell struct {
	hw     ir.NetHW
	aerIn  []shellAER // vec is the ain register the shell declares
	aerOut []shellAER
	probes []shellProbe
	cw     int // AER-out chunk width (a power of two)
}

// newShell returns n's shell layout; aerOut and probes are filled by the
// core.
func newShell(m *ir.Module, n *ir.Net) *shell {
	s := &shell{hw: n.HW(m)}
	s.cw = min(32, 1<<s.hw.IndexBits)
	for k, p := range n.Pops {
		if s.hw.AERIn[k] {
			s.aerIn = append(s.aerIn, shellAER{pop: k, size: p.Size, vec: fmt.Sprintf("ain_p%d", k)})
		}
	}
	return s
}

// nsat returns the width of sat_q (at least 1: a network without ports
// has one constant-zero bit).
func (s *shell) nsat() int { return max(1, len(s.hw.Sat)) }

// writePorts writes the top's module header with the NetHW ports.
func (s *shell) writePorts(w *bufio.Writer, name string) {
	h := s.hw
	ports := []string{
		"input  wire clk",
		"input  wire rst_n",
		"output wire ready",
		"input  wire step",
		"output wire busy",
		"output reg  done",
		"output reg  [31:0] step_q",
		fmt.Sprintf("output reg  [%d:0] sat_q", s.nsat()-1),
		"input  wire aer_in_valid",
		"output wire aer_in_ready",
		fmt.Sprintf("input  wire [%d:0] aer_in_data", h.AERWidth-1),
		"input  wire aer_in_last",
		"output wire aer_out_valid",
		"input  wire aer_out_ready",
		fmt.Sprintf("output wire [%d:0] aer_out_data", h.AERWidth-1),
		"output wire aer_out_last",
		"output wire probe_valid",
		"input  wire probe_ready",
		fmt.Sprintf("output wire [%d:0] probe_data", h.ProbeWidth-1),
		"output wire probe_last",
	}
	fmt.Fprintf(w, "module %s (\n    %s\n);\n", name, strings.Join(ports, ",\n    "))
}

// shCounterBits returns the bits of a counter holding 0..n (at least 1).
func shCounterBits(n int) int { return max(1, bits.Len(uint(n))) }

// shIndexBits returns the bits of an index 0..n-1 (at least 1).
func shIndexBits(n int) int { return max(1, bits.Len(uint(max(n-1, 0)))) }

// writeLogic writes the FSM, the AER-in collector and the serialisers.
// The core drives sh_fin (declared here as a wire the core assigns).
func (s *shell) writeLogic(w *bufio.Writer) {
	h := s.hw
	w.WriteString(`
    // ---- shell: step FSM (netshell.go) ----
    localparam [1:0] S_IDLE = 2'd0, S_CORE = 2'd1, S_OUT = 2'd2;
    reg [1:0] sh_st;
    reg ready_r;
    wire sh_go = step && ready_r && sh_st == S_IDLE;
    wire sh_fin;
    wire sh_out = sh_st == S_OUT;
    wire sh_aer_fin, sh_probe_fin;
    assign ready = ready_r;
    assign busy = sh_st != S_IDLE;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            sh_st <= S_IDLE;
            ready_r <= 1'b0;
            done <= 1'b0;
            step_q <= 32'd0;
        end else begin
            ready_r <= 1'b1;
            done <= 1'b0;
            case (sh_st)
                S_IDLE: if (sh_go) sh_st <= S_CORE;
                S_CORE: if (sh_fin) begin
                    sh_st <= S_OUT;
                    step_q <= step_q + 32'd1;
                end
                S_OUT: if (sh_aer_fin && sh_probe_fin) begin
                    sh_st <= S_IDLE;
                    done <= 1'b1;
                end
                default: sh_st <= S_IDLE;
            endcase
        end
    end
`)
	// AER-in.
	w.WriteString("\n    // ---- shell: AER-in (spikes sources of the next step) ----\n")
	w.WriteString("    assign aer_in_ready = ready_r && sh_st == S_IDLE;\n")
	ib := h.IndexBits
	fmt.Fprintf(w, "    wire [%d:0] ain_pop = aer_in_data[%d:%d];\n", h.PopBits-1, h.AERWidth-1, ib)
	fmt.Fprintf(w, "    wire [%d:0] ain_idx = aer_in_data[%d:0];\n", ib-1, ib-1)
	w.WriteString("    wire ain_take = aer_in_valid && aer_in_ready;\n")
	if len(s.aerIn) == 0 {
		fmt.Fprintf(w, "    wire unused_ain = &{1'b0, ain_take, ain_pop, ain_idx, aer_in_last};\n")
	} else {
		fmt.Fprintf(w, "    wire unused_ain = &{1'b0, aer_in_last};\n")
	}
	for _, a := range s.aerIn {
		fmt.Fprintf(w, "    reg [%d:0] %s;\n", a.size-1, a.vec)
		fmt.Fprintf(w, "    always @(posedge clk or negedge rst_n) begin\n        if (!rst_n) %s <= %s;\n", a.vec, lit(a.size, 0))
		fmt.Fprintf(w, "        else if (sh_st == S_CORE && sh_fin) %s <= %s;\n", a.vec, lit(a.size, 0))
		target := a.vec // the neuron's bit, indexed with exactly the bits its size needs
		if a.size > 1 {
			if b := shIndexBits(a.size); b < ib {
				target = fmt.Sprintf("%s[ain_idx[%d:0]]", a.vec, b-1)
			} else {
				target = a.vec + "[ain_idx]"
			}
		}
		fmt.Fprintf(w, "        else if (ain_take && ain_pop == %s && {1'b0, ain_idx} < %s) %s <= 1'b1;\n    end\n",
			lit(h.PopBits, int64(a.pop)), lit(ib+1, int64(a.size)), target)
	}
	s.writeAEROut(w)
	s.writeProbe(w)
}

// shChunk is one AER-out chunk: bits lo..lo+n-1 of population pop's vector.
type shChunk struct {
	a     shellAER
	lo, n int
}

func (s *shell) chunks() []shChunk {
	var cs []shChunk
	for _, a := range s.aerOut {
		for lo := 0; lo < a.size; lo += s.cw {
			cs = append(cs, shChunk{a, lo, min(s.cw, a.size-lo)})
		}
	}
	return cs
}

// writeAEROut writes the AER-out serialiser: it scans the chunks of every
// AER-out population's committed spike vector, CW bits per cycle, and
// sends the set bits of a chunk lowest first (one beat per cycle with
// aer_out_ready high) with a priority encoder.
func (s *shell) writeAEROut(w *bufio.Writer) {
	h := s.hw
	cs := s.chunks()
	w.WriteString("\n    // ---- shell: AER-out serialiser ----\n")
	if len(cs) == 0 {
		w.WriteString("    assign aer_out_valid = 1'b0;\n")
		fmt.Fprintf(w, "    assign aer_out_data = %s;\n", lit(h.AERWidth, 0))
		w.WriteString("    assign aer_out_last = 1'b0;\n    assign sh_aer_fin = 1'b1;\n")
		w.WriteString("    wire unused_aer = &{1'b0, aer_out_ready};\n")
		return
	}
	cw, ib, pb := s.cw, h.IndexBits, h.PopBits
	cwb := bits.Len(uint(cw - 1)) // bits of a position in a chunk
	nc := len(cs)
	chb := shCounterBits(nc)
	fmt.Fprintf(w, "    reg [%d:0] ao_ch;   // chunks loaded (0..%d)\n", chb-1, nc)
	fmt.Fprintf(w, "    reg [%d:0] ao_rem;  // unsent spikes of the chunk ao_ch-1\n", cw-1)
	fmt.Fprintf(w, "    reg [%d:0] ao_pop;\n    reg [%d:0] ao_base;\n", pb-1, ib-1)
	fmt.Fprintf(w, "    reg [%d:0] ao_ld;\n    reg [%d:0] ao_ld_pop;\n    reg [%d:0] ao_ld_base;\n", cw-1, pb-1, ib-1)
	w.WriteString("    always @* begin\n        case (ao_ch)\n")
	for c, x := range cs {
		bitsExpr := fmt.Sprintf("%s[%d:%d]", x.a.vec, x.lo+x.n-1, x.lo)
		if x.n == 1 {
			bitsExpr = fmt.Sprintf("%s[%d]", x.a.vec, x.lo)
		}
		if x.n < cw {
			bitsExpr = fmt.Sprintf("{%s, %s}", lit(cw-x.n, 0), bitsExpr)
		}
		fmt.Fprintf(w, "            %s: begin ao_ld = %s; ao_ld_pop = %s; ao_ld_base = %s; end\n",
			lit(chb, int64(c)), bitsExpr, lit(pb, int64(x.a.pop)), lit(ib, int64(x.lo)))
	}
	fmt.Fprintf(w, "            default: begin ao_ld = %s; ao_ld_pop = %s; ao_ld_base = %s; end\n        endcase\n    end\n",
		lit(cw, 0), lit(pb, 0), lit(ib, 0))
	// Non-empty flags of every chunk, for aer_out_last.
	fmt.Fprintf(w, "    wire [%d:0] ao_nz = {", nc)
	for c := nc - 1; c >= 0; c-- {
		x := cs[c]
		fmt.Fprintf(w, "|%s[%d:%d], ", x.a.vec, x.lo+x.n-1, x.lo)
	}
	w.WriteString("1'b0}; // bit c+1: chunk c has a spike\n")
	fmt.Fprintf(w, "    wire [%d:0] ao_low = ao_rem & (~ao_rem + %s); // lowest unsent spike, one-hot\n", cw-1, lit(cw, 1))
	fmt.Fprintf(w, "    wire [%d:0] ao_rest = ao_rem & (ao_rem - %s);\n", cw-1, lit(cw, 1))
	fmt.Fprintf(w, "    wire [%d:0] ao_pe;\n", max(cwb, 1)-1)
	if cwb == 0 {
		w.WriteString("    assign ao_pe = 1'b0;\n")
	}
	for b := 0; b < cwb; b++ {
		var m uint64
		for i := 0; i < cw; i++ {
			if i>>b&1 == 1 {
				m |= 1 << i
			}
		}
		fmt.Fprintf(w, "    assign ao_pe[%d] = |(ao_low & %s);\n", b, lit(cw, int64(m)))
	}
	w.WriteString("    assign aer_out_valid = sh_out && ao_rem != 0;\n")
	pe := "ao_pe"
	if ib > cwb {
		pe = fmt.Sprintf("{%s, ao_pe}", lit(ib-cwb, 0))
	} else if ib < cwb {
		pe = fmt.Sprintf("ao_pe[%d:0]", ib-1)
	}
	fmt.Fprintf(w, "    assign aer_out_data = {ao_pop, ao_base + %s};\n", pe)
	// Later chunks: ao_nz bits above ao_ch (chunk ao_ch and on: bits ao_ch+1..).
	fmt.Fprintf(w, "    wire [%d:0] ao_later = ao_nz >> ao_ch;\n", nc)
	fmt.Fprintf(w, "    assign aer_out_last = ao_rest == 0 && ao_later[%d:1] == 0;\n", nc)
	fmt.Fprintf(w, "    assign sh_aer_fin = ao_rem == 0 && ao_ch == %s;\n", lit(chb, int64(nc)))
	w.WriteString("    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_ao = &{1'b0, ao_later[0], ao_low};\n    /* verilator lint_on UNUSEDSIGNAL */\n")
	fmt.Fprintf(w, `    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            ao_ch <= %[1]s;
            ao_rem <= %[2]s;
            ao_pop <= %[3]s;
            ao_base <= %[4]s;
        end else if (!sh_out) begin
            ao_ch <= %[1]s;
            ao_rem <= %[2]s;
        end else if (ao_rem == 0) begin
            if (ao_ch != %[5]s) begin
                ao_rem <= ao_ld;
                ao_pop <= ao_ld_pop;
                ao_base <= ao_ld_base;
                ao_ch <= ao_ch + %[6]s;
            end
        end else if (aer_out_ready) begin
            ao_rem <= ao_rest;
        end
    end
`, lit(chb, 0), lit(cw, 0), lit(pb, 0), lit(ib, 0), lit(chb, int64(nc)), lit(chb, 1))
}

// writeProbe writes the probe serialiser: record r's words in order when
// t % every_r == 0, inactive records skipped (one cycle each).
func (s *shell) writeProbe(w *bufio.Writer) {
	h := s.hw
	pw := h.ProbeWidth
	w.WriteString("\n    // ---- shell: probe serialiser ----\n")
	var recs []shellProbe
	for _, p := range s.probes {
		if len(p.words) > 0 {
			recs = append(recs, p)
		}
	}
	if len(recs) == 0 {
		w.WriteString("    assign probe_valid = 1'b0;\n")
		fmt.Fprintf(w, "    assign probe_data = %s;\n", lit(pw, 0))
		w.WriteString("    assign probe_last = 1'b0;\n    assign sh_probe_fin = 1'b1;\n")
		w.WriteString("    wire unused_probe = &{1'b0, probe_ready};\n")
		return
	}
	nr := len(recs)
	rb := shCounterBits(nr)
	maxLen, total := 0, 0
	for _, r := range recs {
		maxLen = max(maxLen, len(r.words))
		total += len(r.words)
	}
	kb := shCounterBits(maxLen)
	gb := shCounterBits(total)
	// Active flags: record r is active after step t when t % every == 0,
	// counted by a modulo counter beside step_q.
	fmt.Fprintf(w, "    wire [%d:0] pb_act; // bit r: record r samples this step; bit %d: none (the end)\n", nr, nr)
	fmt.Fprintf(w, "    assign pb_act[%d] = 1'b0;\n", nr)
	for r, p := range recs {
		if p.every <= 1 {
			fmt.Fprintf(w, "    assign pb_act[%d] = 1'b1;%s\n", r, p.pos)
			continue
		}
		cb := shCounterBits(p.every - 1)
		fmt.Fprintf(w, "    reg [%d:0] pb_cnt%d; // t %% %d%s\n", cb-1, r, p.every, p.pos)
		fmt.Fprintf(w, "    always @(posedge clk or negedge rst_n)\n        if (!rst_n) pb_cnt%d <= %s;\n", r, lit(cb, 0))
		fmt.Fprintf(w, "        else if (sh_st == S_CORE && sh_fin) pb_cnt%[1]d <= pb_cnt%[1]d == %[2]s ? %[3]s : pb_cnt%[1]d + %[4]s;\n",
			r, lit(cb, int64(p.every-1)), lit(cb, 0), lit(cb, 1))
		fmt.Fprintf(w, "    assign pb_act[%d] = pb_cnt%d == %s;\n", r, r, lit(cb, 0))
	}
	fmt.Fprintf(w, "    reg [%d:0] pb_r;\n    reg [%d:0] pb_k;\n", rb-1, kb-1)
	fmt.Fprintf(w, "    reg [%d:0] pb_len1; // words of record pb_r, minus 1\n    reg [%d:0] pb_base;\n", kb-1, gb-1)
	w.WriteString("    always @* begin\n        case (pb_r)\n")
	base := 0
	for r, p := range recs {
		fmt.Fprintf(w, "            %s: begin pb_len1 = %s; pb_base = %s; end\n", lit(rb, int64(r)), lit(kb, int64(len(p.words)-1)), lit(gb, int64(base)))
		base += len(p.words)
	}
	fmt.Fprintf(w, "            default: begin pb_len1 = %s; pb_base = %s; end\n        endcase\n    end\n", lit(kb, 0), lit(gb, 0))
	k := "pb_k"
	if gb > kb {
		k = fmt.Sprintf("{%s, pb_k}", lit(gb-kb, 0))
	}
	fmt.Fprintf(w, "    wire [%d:0] pb_g = pb_base + %s;\n", gb-1, k)
	fmt.Fprintf(w, "    reg [%d:0] pb_word;\n    always @* begin\n        case (pb_g)\n", pw-1)
	g := 0
	for _, p := range recs {
		for i, x := range p.words {
			wd := p.widths[i]
			ext := x
			if wd < pw {
				ext = fmt.Sprintf("{{%d{%s[%d]}}, %s}", pw-wd, x, wd-1, x)
			}
			fmt.Fprintf(w, "            %s: pb_word = %s;\n", lit(gb, int64(g)), ext)
			g++
		}
	}
	fmt.Fprintf(w, "            default: pb_word = %s;\n        endcase\n    end\n", lit(pw, 0))
	fmt.Fprintf(w, "    wire pb_on = pb_r != %s;\n", lit(rb, int64(nr)))
	fmt.Fprintf(w, "    wire pb_cur = pb_act[pb_r];\n")
	fmt.Fprintf(w, "    wire [%d:0] pb_later = pb_act >> pb_r;\n", nr)
	w.WriteString("    assign probe_valid = sh_out && pb_on && pb_cur;\n")
	w.WriteString("    assign probe_data = pb_word;\n")
	fmt.Fprintf(w, "    assign probe_last = pb_k == pb_len1 && pb_later[%d:1] == 0;\n", nr)
	w.WriteString("    assign sh_probe_fin = !pb_on;\n")
	w.WriteString("    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_pb = &{1'b0, pb_later[0]};\n    /* verilator lint_on UNUSEDSIGNAL */\n")
	fmt.Fprintf(w, `    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            pb_r <= %[1]s;
            pb_k <= %[2]s;
        end else if (!sh_out) begin
            pb_r <= %[1]s;
            pb_k <= %[2]s;
        end else if (pb_on) begin
            if (!pb_cur) begin
                pb_r <= pb_r + %[3]s;
                pb_k <= %[2]s;
            end else if (probe_ready) begin
                if (pb_k == pb_len1) begin
                    pb_r <= pb_r + %[3]s;
                    pb_k <= %[2]s;
                end else begin
                    pb_k <= pb_k + %[4]s;
                end
            end
        end
    end
`, lit(rb, 0), lit(kb, 0), lit(rb, 1), lit(kb, 1))
}
