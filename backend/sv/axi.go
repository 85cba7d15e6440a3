package sv

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"scc/ir"
)

// The AXI wrapper (--wrap axi): the network's top n.ModuleName() around
// its core (the same architecture, its module named with suffix _core),
// with an AXI4-Lite slave register file for control and status and
// AXI4-Stream ports for the core's AER-in, AER-out and probe streams, so
// the network drops into a vendor block design.
//
// Register map (AXI4-Lite, 32-bit data, byte addresses, ADDR_W bits;
// BRESP/RRESP always OKAY, WSTRB ignored, unmapped addresses read 0 and
// ignore writes):
//
//	0x00 CTRL      W  bit0 STEP: run one more step (remaining += 1)
//	                  bit1 RESET: soft reset (the core's rst_n low for
//	                       4 cycles: state, rings, step_q and sat_q
//	                       cleared, init sweep again; remaining and DONE
//	                       cleared)
//	                  bit2 STOP: remaining := 0 (a running step finishes)
//	                  reads 0
//	0x04 STATUS    R  bit0 READY (core ready, not in reset)
//	                  bit1 BUSY (a step is running or steps remain)
//	                  bit2 DONE (sticky: the last run finished; cleared by
//	                       the next STEP, RUN or RESET)
//	                  bit3 SAT (some sat_q flag is set)
//	0x08 RUN       RW write N: run N steps (remaining := N, DONE cleared);
//	                  reads the last N written
//	0x0C STEP      R  step_q: the number of the last committed step
//	0x10 REMAIN    R  steps still to start
//	0x14 NSAT      R  the number of sat_q flags
//	0x20+4k SAT_k  R  sat_q[32k +: 32] (flag k per ir.NetHW.Sat)
//
// A step is started (the core's step strobe) whenever steps remain and the
// core is ready and idle. DONE is set by the core's done pulse that ends
// the last step of a run. The streams pass straight through (tdata is the
// core's word zero-extended to a multiple of 8 bits; probe words are
// sign-extended): s_axis_* is AER-in, m_axis_* AER-out, m_axis_probe_* the
// probe stream, with the core's word layouts and order (ir.NetHW).
//
// hdl/'s sc_axil_cfg is not reused: its register map is the SC dense
// layer's (three X and W words, Y range, stream length, seven read-only
// rate words at fixed addresses, a STATUS of {done, busy} without ready,
// a start bit that stays high until the B handshake, no soft reset), and
// its address space cannot hold a large network's sat_q; its handshake
// scheme (AW and W taken together, one transaction per channel) is the
// one used here.

// axiReg is one register of the map, for the emitted comment.
type axiReg struct {
	addr int
	name string
	acc  string
	text string
}

// emitAXI writes n's core (architecture opt.Arch, module
// n.ModuleName()+"_core") followed by the wrapper, the top.
func emitAXI(w io.Writer, m *ir.Module, n *ir.Net, opt NetOptions) error {
	core := *n
	core.Name = n.Name + "_core"
	copt := opt
	copt.Wrap = ""
	if copt.Top != "" {
		copt.Top = core.Name
	}
	if err := emitNetCore(w, m, &core, copt); err != nil {
		return err
	}
	return writeAXIWrapper(w, n, n.HW(m), core.ModuleName())
}

// axiBytes is w rounded up to whole bytes (AXI4-Stream tdata).
func axiBytes(w int) int { return max(8, (w+7)/8*8) }

// writeAXIWrapper writes the wrapper module n.ModuleName() around the core
// module coreName, whose ports are hw's (ir.NetHW).
func writeAXIWrapper(w io.Writer, n *ir.Net, hw ir.NetHW, coreName string) error {
	bw := bufio.NewWriter(w)
	nsat := len(hw.Sat)
	satWords := (nsat + 31) / 32
	addrW := 8
	for 0x20+4*satWords > 1<<addrW {
		addrW++
	}
	aw, pw := hw.AERWidth, hw.ProbeWidth
	aw8, pw8 := axiBytes(aw), axiBytes(pw)
	regs := []axiReg{
		{0x00, "CTRL", "W", "bit0 STEP (one more step), bit1 RESET (soft reset), bit2 STOP; reads 0"},
		{0x04, "STATUS", "R", "bit0 READY, bit1 BUSY, bit2 DONE (sticky), bit3 SAT"},
		{0x08, "RUN", "RW", "write N: run N steps; reads the last N written"},
		{0x0C, "STEP", "R", "step_q, the last committed step"},
		{0x10, "REMAIN", "R", "steps still to start"},
		{0x14, "NSAT", "R", fmt.Sprintf("number of sat_q flags (%d)", nsat)},
	}
	for k := range satWords {
		var names []string
		for b := 32 * k; b < min(nsat, 32*k+32); b++ {
			s := hw.Sat[b]
			names = append(names, fmt.Sprintf("%d %s.%s", b-32*k, s.Pop, s.PortName))
		}
		regs = append(regs, axiReg{0x20 + 4*k, fmt.Sprintf("SAT%d", k), "R", "bits: " + strings.Join(names, ", ")})
	}

	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	top := n.ModuleName()
	p("\n// %s: AXI wrapper of network %s (%v), core %s.\n", top, n.Name, n.Pos, coreName)
	p("// AXI4-Lite register map (32-bit data, %d-bit byte address):\n", addrW)
	for _, r := range regs {
		p("//   0x%02X %-7s %-2s %s\n", r.addr, r.name, r.acc, r.text)
	}
	p("// Streams: s_axis_* AER-in, m_axis_* AER-out ({pop, index} in the low %d bits), m_axis_probe_* probe words\n", aw)
	p("// (sign-extended from %d bits). A step starts whenever steps remain and the core is ready and idle.\n", pw)
	p("module %s (\n", top)
	ports := []string{
		"input  wire clk",
		"input  wire rst_n",
		fmt.Sprintf("input  wire [%d:0] s_axi_awaddr", addrW-1),
		"input  wire s_axi_awvalid",
		"output reg  s_axi_awready",
		"input  wire [31:0] s_axi_wdata",
		"input  wire [3:0] s_axi_wstrb",
		"input  wire s_axi_wvalid",
		"output reg  s_axi_wready",
		"output wire [1:0] s_axi_bresp",
		"output reg  s_axi_bvalid",
		"input  wire s_axi_bready",
		fmt.Sprintf("input  wire [%d:0] s_axi_araddr", addrW-1),
		"input  wire s_axi_arvalid",
		"output reg  s_axi_arready",
		"output reg  [31:0] s_axi_rdata",
		"output wire [1:0] s_axi_rresp",
		"output reg  s_axi_rvalid",
		"input  wire s_axi_rready",
		fmt.Sprintf("input  wire [%d:0] s_axis_tdata", aw8-1),
		"input  wire s_axis_tvalid",
		"output wire s_axis_tready",
		"input  wire s_axis_tlast",
		fmt.Sprintf("output wire [%d:0] m_axis_tdata", aw8-1),
		"output wire m_axis_tvalid",
		"input  wire m_axis_tready",
		"output wire m_axis_tlast",
		fmt.Sprintf("output wire [%d:0] m_axis_probe_tdata", pw8-1),
		"output wire m_axis_probe_tvalid",
		"input  wire m_axis_probe_tready",
		"output wire m_axis_probe_tlast",
	}
	p("    %s\n);\n", strings.Join(ports, ",\n    "))
	satDecl := ""
	if nsat > 0 {
		satDecl = fmt.Sprintf("    wire [%d:0] core_sat_q;\n", nsat-1)
	}
	p(`    wire core_ready, core_busy, core_done;
    wire [31:0] core_step_q;
%s    wire [%d:0] core_aer_out_data;
    wire [%d:0] core_probe_data;
    reg  core_rst_n;
    reg  [1:0] rst_cnt;
    reg  [31:0] remaining, run_n;
    reg  done_q;
    wire core_step = (remaining != 32'd0) && core_ready && !core_busy;
    wire wr_start = s_axi_awvalid && s_axi_wvalid && !s_axi_awready && !s_axi_bvalid;
    wire wr_fire  = s_axi_awready && s_axi_awvalid && s_axi_wready && s_axi_wvalid;
    wire rd_start = s_axi_arvalid && !s_axi_arready && !s_axi_rvalid;
    wire rd_fire  = s_axi_arready && s_axi_arvalid;
    wire wr_ctrl  = wr_fire && s_axi_awaddr == %d'h00;
    wire wr_run   = wr_fire && s_axi_awaddr == %d'h08;
    wire soft_rst = wr_ctrl && s_axi_wdata[1];
    wire unused_axi = ^s_axi_wstrb ^ s_axis_tlast`, satDecl, aw-1, pw-1, addrW, addrW)
	if aw8 > aw {
		p(" ^ (^s_axis_tdata[%d:%d])", aw8-1, aw)
	}
	p(";\n")
	p("    reg  [31:0] rdata;\n")
	p("    assign s_axi_bresp = 2'b00;\n    assign s_axi_rresp = 2'b00;\n")
	p("    assign m_axis_tdata = %s;\n", zext("core_aer_out_data", aw, aw8))
	p("    assign m_axis_probe_tdata = %s;\n", sext("core_probe_data", pw, pw8))
	satAny := "1'b0"
	if nsat > 0 {
		satAny = "|core_sat_q"
	}
	p("    always @* begin\n        case (s_axi_araddr)\n")
	p("            %d'h04: rdata = {28'd0, %s, done_q, core_busy || remaining != 32'd0, core_ready && core_rst_n};\n", addrW, satAny)
	p("            %d'h08: rdata = run_n;\n", addrW)
	p("            %d'h0C: rdata = core_step_q;\n", addrW)
	p("            %d'h10: rdata = remaining;\n", addrW)
	p("            %d'h14: rdata = 32'd%d;\n", addrW, nsat)
	for k := range satWords {
		hi := min(nsat, 32*k+32)
		word := fmt.Sprintf("core_sat_q[%d:%d]", hi-1, 32*k)
		if hi-32*k < 32 {
			word = fmt.Sprintf("{%d'd0, %s}", 32-(hi-32*k), word)
		}
		p("            %d'h%02X: rdata = %s;\n", addrW, 0x20+4*k, word)
	}
	p("            default: rdata = 32'd0;\n        endcase\n    end\n")
	p(`    // Soft reset: the core's rst_n, a register (asynchronously cleared by
    // rst_n), is low for 4 cycles after a CTRL write with bit1 set.
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            core_rst_n <= 1'b0;
            rst_cnt <= 2'd0;
        end else if (soft_rst) begin
            core_rst_n <= 1'b0;
            rst_cnt <= 2'd0;
        end else if (rst_cnt != 2'd3) begin
            rst_cnt <= rst_cnt + 2'd1;
        end else begin
            core_rst_n <= 1'b1;
        end
    end
    // Run control: remaining steps, the sticky DONE.
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            remaining <= 32'd0;
            run_n <= 32'd0;
            done_q <= 1'b0;
        end else if (soft_rst) begin
            remaining <= 32'd0;
            done_q <= 1'b0;
        end else begin
            if (core_done && remaining == 32'd0) done_q <= 1'b1;
            if (wr_run) begin
                remaining <= s_axi_wdata;
                run_n <= s_axi_wdata;
                done_q <= 1'b0;
            end else if (wr_ctrl && s_axi_wdata[2]) begin
                remaining <= 32'd0;
            end else if (wr_ctrl && s_axi_wdata[0]) begin
                remaining <= remaining + (core_step ? 32'd0 : 32'd1);
                done_q <= 1'b0;
            end else if (core_step) begin
                remaining <= remaining - 32'd1;
            end
        end
    end
    // AXI4-Lite handshakes: AW and W together, one transaction per channel.
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            s_axi_awready <= 1'b0;
            s_axi_wready <= 1'b0;
            s_axi_bvalid <= 1'b0;
            s_axi_arready <= 1'b0;
            s_axi_rvalid <= 1'b0;
            s_axi_rdata <= 32'd0;
        end else begin
            s_axi_awready <= wr_start;
            s_axi_wready <= wr_start;
            if (s_axi_bvalid && s_axi_bready) s_axi_bvalid <= 1'b0;
            if (wr_fire) s_axi_bvalid <= 1'b1;
            s_axi_arready <= rd_start;
            if (s_axi_rvalid && s_axi_rready) s_axi_rvalid <= 1'b0;
            if (rd_fire) begin
                s_axi_rvalid <= 1'b1;
                s_axi_rdata <= rdata;
            end
        end
    end
`)
	satConn := ""
	if nsat > 0 {
		satConn = ".sat_q(core_sat_q), "
	}
	p("    %s core (.clk(clk), .rst_n(core_rst_n), .ready(core_ready), .step(core_step), .busy(core_busy), .done(core_done),\n", coreName)
	p("        .step_q(core_step_q), %s.aer_in_valid(s_axis_tvalid), .aer_in_ready(s_axis_tready),\n", satConn)
	p("        .aer_in_data(s_axis_tdata[%d:0]), .aer_in_last(s_axis_tlast),\n", aw-1)
	p("        .aer_out_valid(m_axis_tvalid), .aer_out_ready(m_axis_tready), .aer_out_data(core_aer_out_data), .aer_out_last(m_axis_tlast),\n")
	p("        .probe_valid(m_axis_probe_tvalid), .probe_ready(m_axis_probe_tready), .probe_data(core_probe_data), .probe_last(m_axis_probe_tlast));\n")
	p("endmodule\n")
	return bw.Flush()
}

// zext is x (w bits) zero-extended to n bits.
func zext(x string, w, n int) string {
	if n == w {
		return x
	}
	return fmt.Sprintf("{%d'd0, %s}", n-w, x)
}

// sext is x (w bits) sign-extended to n bits.
func sext(x string, w, n int) string {
	if n == w {
		return x
	}
	return fmt.Sprintf("{{%d{%s[%d]}}, %s}", n-w, x, w-1, x)
}
