package sv

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"scc/internal/tool"
	"scc/ir"
	"scc/sim"
)

// tinyAXINet is a 4-neuron network driven by Poisson sources (no AER-in:
// a RUN of N steps has no idle cycles to send events in), with delays 1
// and 2 and a recurrent projection.
const tinyAXINet = `model Leaky {
    dt 1 ms
    input J : mV in [-16 mV, 16 mV]
    state v : mV = 0 mV in [-40 mV, 40 mV]
    v' = v * 0.5 + J
    spike when v >= 4 mV { v = 0 mV }
}
network Tiny {
    dt 1 ms
    pop n = Leaky[4]
    source s = poisson(rate = 400 Hz, seed = 3)[2]
    source k = poisson(rate = 300 Hz, seed = 5)[2]
    proj a = s -> n.J all_to_all { w = 5 mV; delay 1 steps }
    proj b = k -> n[0:2].J one_to_one { w = 3 mV; delay 2 steps }
    proj c = n -> n.J all_to_all { w = -1 mV; delay 1 steps }
    record n v
}
`

// compileTinyAXI compiles tinyAXINet.
func compileTinyAXI(t *testing.T) (*ir.Module, *ir.Net) {
	t.Helper()
	m := compileSNN(t, "tiny.snn", []byte(tinyAXINet), false)
	if len(m.Nets) != 1 {
		t.Fatalf("%d networks, want 1", len(m.Nets))
	}
	return m, m.Nets[0]
}

// fakeCore is a stand-in core with the ports of hw (ir.NetHW): ready two
// cycles after reset; a step is busy for 3 cycles, then sends t mod 3
// AER-out beats (word t+i) and one probe word (t), then pulses done;
// sat_q bit 0 sets at step 3. It checks the wrapper's protocol, not a
// network.
func fakeCore(name string, hw ir.NetHW) string {
	aw, pw, ns := hw.AERWidth, hw.ProbeWidth, max(len(hw.Sat), 1)
	return fmt.Sprintf(`module %[1]s (
    input wire clk, input wire rst_n, output reg ready, input wire step, output reg busy, output reg done,
    output reg [31:0] step_q, output reg [%[4]d:0] sat_q,
    input wire aer_in_valid, output wire aer_in_ready, input wire [%[2]d:0] aer_in_data, input wire aer_in_last,
    output reg aer_out_valid, input wire aer_out_ready, output reg [%[2]d:0] aer_out_data, output reg aer_out_last,
    output reg probe_valid, input wire probe_ready, output reg [%[3]d:0] probe_data, output reg probe_last);
    reg [1:0] init;
    reg [2:0] phase;
    reg [1:0] sent;
    wire [31:0] t1 = step_q + 32'd1;
    wire [1:0] beats = 2'(t1 %% 32'd3);
    wire unused_in = aer_in_valid ^ aer_in_last ^ (^aer_in_data);
    assign aer_in_ready = ready && !busy;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            ready <= 1'b0; busy <= 1'b0; done <= 1'b0; step_q <= 32'd0; sat_q <= 0;
            init <= 2'd0; phase <= 3'd0; sent <= 2'd0;
            aer_out_valid <= 1'b0; aer_out_data <= 0; aer_out_last <= 1'b0;
            probe_valid <= 1'b0; probe_data <= 0; probe_last <= 1'b0;
        end else begin
            done <= 1'b0;
            if (!ready) begin
                init <= init + 2'd1;
                if (init == 2'd1) ready <= 1'b1;
            end else if (!busy) begin
                if (step) begin busy <= 1'b1; phase <= 3'd0; sent <= 2'd0; end
            end else if (phase < 3'd3) begin
                phase <= phase + 3'd1;
            end else if (phase == 3'd3) begin
                if (aer_out_valid && aer_out_ready) begin
                    aer_out_valid <= 1'b0;
                    sent <= sent + 2'd1;
                end else if (!aer_out_valid && sent < beats) begin
                    aer_out_valid <= 1'b1;
                    aer_out_data <= t1[%[2]d:0] + {%[5]d'd0, sent};
                    aer_out_last <= sent + 2'd1 == beats;
                end else if (!aer_out_valid) begin
                    phase <= 3'd4;
                    probe_valid <= 1'b1; probe_data <= t1[%[3]d:0]; probe_last <= 1'b1;
                end
            end else if (probe_valid) begin
                if (probe_ready) probe_valid <= 1'b0;
            end else begin
                busy <= 1'b0; done <= 1'b1; step_q <= t1;
                if (t1 == 32'd3) sat_q[0] <= 1'b1;
            end
        end
    end
endmodule
`, name, aw-1, pw-1, ns-1, aw-2)
}

// axiBench is a testbench for wrapper top (register file of hw): it
// writes RUN = steps over AXI4-Lite with random AER-out and probe
// backpressure, waits for DONE, prints every AER-out beat and the
// registers, then soft-resets the core and prints STEP and STATUS again.
func axiBench(top string, hw ir.NetHW, steps int) string {
	aw8, pw8 := axiBytes(hw.AERWidth), axiBytes(hw.ProbeWidth)
	addrW := 8
	for 0x20+4*((len(hw.Sat)+31)/32) > 1<<addrW {
		addrW++
	}
	return fmt.Sprintf(`module tb;
    reg clk = 1'b0, rst_n = 1'b0;
    always #5 clk = ~clk;
    reg [%[2]d:0] awaddr = 0, araddr = 0;
    reg awvalid = 0, wvalid = 0, bready = 0, arvalid = 0, rready = 0;
    reg [31:0] wdata = 0;
    wire awready, wready, bvalid, arready, rvalid;
    wire [1:0] bresp, rresp;
    wire [31:0] rdata;
    reg [%[3]d:0] s_tdata = 0;
    reg s_tvalid = 0, s_tlast = 0;
    wire s_tready;
    wire [%[3]d:0] m_tdata;
    wire m_tvalid, m_tlast;
    reg m_tready = 0, p_tready = 0;
    wire [%[4]d:0] p_tdata;
    wire p_tvalid, p_tlast;
    %[1]s dut (.clk(clk), .rst_n(rst_n),
        .s_axi_awaddr(awaddr), .s_axi_awvalid(awvalid), .s_axi_awready(awready), .s_axi_wdata(wdata), .s_axi_wstrb(4'hF),
        .s_axi_wvalid(wvalid), .s_axi_wready(wready), .s_axi_bresp(bresp), .s_axi_bvalid(bvalid), .s_axi_bready(bready),
        .s_axi_araddr(araddr), .s_axi_arvalid(arvalid), .s_axi_arready(arready), .s_axi_rdata(rdata), .s_axi_rresp(rresp),
        .s_axi_rvalid(rvalid), .s_axi_rready(rready),
        .s_axis_tdata(s_tdata), .s_axis_tvalid(s_tvalid), .s_axis_tready(s_tready), .s_axis_tlast(s_tlast),
        .m_axis_tdata(m_tdata), .m_axis_tvalid(m_tvalid), .m_axis_tready(m_tready), .m_axis_tlast(m_tlast),
        .m_axis_probe_tdata(p_tdata), .m_axis_probe_tvalid(p_tvalid), .m_axis_probe_tready(p_tready), .m_axis_probe_tlast(p_tlast));
    integer seed = 7;
    always @(negedge clk) begin
        m_tready <= ($random(seed) & 3) != 0;
        p_tready <= ($random(seed) & 1) != 0;
    end
    always @(posedge clk) if (m_tvalid && m_tready) $display("BEAT %%0d %%0d", m_tdata, m_tlast);
    task axi_write(input [%[2]d:0] a, input [31:0] d);
        begin
            @(negedge clk);
            awaddr = a; wdata = d; awvalid = 1; wvalid = 1; bready = 1;
            @(posedge clk);
            while (!(awready && wready)) @(posedge clk);
            @(negedge clk);
            awvalid = 0; wvalid = 0;
            while (!bvalid) @(negedge clk);
            @(negedge clk);
            bready = 0;
        end
    endtask
    task axi_read(input [%[2]d:0] a, output [31:0] d);
        begin
            @(negedge clk);
            araddr = a; arvalid = 1; rready = 1;
            @(posedge clk);
            while (!arready) @(posedge clk);
            @(negedge clk);
            arvalid = 0;
            while (!rvalid) @(negedge clk);
            d = rdata;
            @(negedge clk);
            rready = 0;
        end
    endtask
    reg [31:0] r;
    integer n;
    initial begin
        repeat (3) @(negedge clk);
        rst_n = 1;
        r = 0;
        n = 0;
        while (!r[0] && n < 1000) begin axi_read(8'h04, r); n = n + 1; end
        $display("READY %%0d", r[0]);
        axi_write(8'h08, %[5]d);
        r = 0;
        n = 0;
        while (!r[2] && n < 100000) begin axi_read(8'h04, r); n = n + 1; end
        $display("STATUS %%0d", r);
        axi_read(8'h0C, r); $display("STEP %%0d", r);
        axi_read(8'h10, r); $display("REMAIN %%0d", r);
        axi_read(8'h08, r); $display("RUN %%0d", r);
        axi_read(8'h14, r); $display("NSAT %%0d", r);
        axi_read(8'h20, r); $display("SAT0 %%0d", r);
        axi_write(8'h00, 32'd2);
        repeat (20) @(negedge clk);
        axi_read(8'h0C, r); $display("RSTEP %%0d", r);
        axi_read(8'h04, r); $display("RSTATUS %%0d", r);
        $display("END");
        $finish;
    end
    initial begin
        #100000000;
        $display("TIMEOUT");
        $finish;
    end
endmodule
`, top, addrW-1, aw8-1, pw8-1, steps)
}

// axiRun is what axiBench printed.
type axiRun struct {
	beats [][2]uint64 // data, last
	regs  map[string]uint64
}

// runAXIBench simulates bench with src under Icarus and parses its output.
func runAXIBench(t *testing.T, src, bench string) axiRun {
	t.Helper()
	tool.Need(t, "iverilog", "vvp")
	dir := t.TempDir()
	for name, text := range map[string]string{"dut.sv": src, "tb.sv": bench} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := func(name string, args ...string) []byte {
		t.Helper()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return out
	}
	run("iverilog", "-g2012", "-s", "tb", "-o", "tb.vvp", "tb.sv", "dut.sv")
	out := run("vvp", "-n", "tb.vvp")
	r := axiRun{regs: map[string]uint64{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	ended := false
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 3 && f[0] == "BEAT":
			d, _ := strconv.ParseUint(f[1], 10, 64)
			l, _ := strconv.ParseUint(f[2], 10, 64)
			r.beats = append(r.beats, [2]uint64{d, l})
		case len(f) == 2:
			v, err := strconv.ParseUint(f[1], 10, 64)
			if err == nil {
				r.regs[f[0]] = v
			}
		case len(f) == 1 && f[0] == "END":
			ended = true
		}
	}
	if !ended {
		t.Fatalf("testbench did not finish:\n%s", out)
	}
	return r
}

// TestAXIWrapperFakeCore: the wrapper's register file and streams around a
// stand-in core: RUN 5 runs five steps (STEP 5, REMAIN 0, DONE, READY),
// the AER-out beats pass through under backpressure, SAT0 and STATUS.SAT
// show sat_q, a soft reset clears STEP; the three tools accept it.
func TestAXIWrapperFakeCore(t *testing.T) {
	t.Parallel()
	m, n := compileTinyAXI(t)
	hw := n.HW(m)
	var b bytes.Buffer
	b.WriteString("// Code generated by scc test. DO NOT EDIT.\n/* verilator lint_off DECLFILENAME */\n")
	b.WriteString(fakeCore("Tiny_core", hw))
	if err := writeAXIWrapper(&b, n, hw, "Tiny_core"); err != nil {
		t.Fatal(err)
	}
	lintAll(t, b.Bytes(), []string{"Tiny"}, false)
	r := runAXIBench(t, b.String(), axiBench("Tiny", hw, 5))
	var want [][2]uint64
	mask := uint64(1)<<hw.AERWidth - 1
	for step := uint64(1); step <= 5; step++ {
		k := step % 3
		for i := range k {
			last := uint64(0)
			if i == k-1 {
				last = 1
			}
			want = append(want, [2]uint64{(step + i) & mask, last})
		}
	}
	if fmt.Sprint(r.beats) != fmt.Sprint(want) {
		t.Errorf("AER-out beats %v, want %v", r.beats, want)
	}
	for reg, v := range map[string]uint64{"READY": 1, "STATUS": 0b1101, "STEP": 5, "REMAIN": 0, "RUN": 5,
		"NSAT": uint64(len(hw.Sat)), "SAT0": 1, "RSTEP": 0, "RSTATUS": 1} {
		if got, ok := r.regs[reg]; !ok || got != v {
			t.Errorf("register %s = %d (read %v), want %d", reg, got, ok, v)
		}
	}
}

// TestAXIWrapperNet: the wrapped network (each architecture that is
// implemented) runs 5 steps over AXI4-Lite and streams the spikes sim.Net
// computes, in AER order; the three tools accept the wrapped design.
func TestAXIWrapperNet(t *testing.T) {
	t.Parallel()
	m, n := compileTinyAXI(t)
	hw := n.HW(m)
	const steps = 5
	s, err := sim.NewNet(m, n, sim.NetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var want [][2]uint64
	for range steps {
		if err := s.Step(); err != nil {
			t.Fatal(err)
		}
		var words []uint64
		for p := range n.Pops {
			if !hw.AEROut[p] {
				continue
			}
			for _, i := range s.Spikes(p) {
				words = append(words, hw.AERWord(p, int(i)))
			}
		}
		for k, w := range words {
			last := uint64(0)
			if k == len(words)-1 {
				last = 1
			}
			want = append(want, [2]uint64{w, last})
		}
	}
	if len(want) == 0 {
		t.Fatal("the test network does not spike in its first steps: the stream comparison would be empty")
	}
	for _, arch := range []Arch{ArchParallel, ArchFolded} {
		t.Run(arch.String(), func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			err := EmitNet(&b, m, n, NetOptions{Arch: arch, Wrap: "axi"})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "\nmodule Tiny_core") {
				t.Fatalf("no module Tiny_core in the wrapped output")
			}
			lintAll(t, b.Bytes(), []string{"Tiny"}, false)
			r := runAXIBench(t, b.String(), axiBench("Tiny", hw, steps))
			if fmt.Sprint(r.beats) != fmt.Sprint(want) {
				t.Errorf("AER-out beats (word, last) %v, want (sim.Net) %v", r.beats, want)
			}
			if r.regs["STEP"] != steps || r.regs["REMAIN"] != 0 || r.regs["STATUS"]&0b111 != 0b101 {
				t.Errorf("registers after RUN %d: %v", steps, r.regs)
			}
		})
	}
}
