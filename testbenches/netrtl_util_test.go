package testbenches

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/models"
	"scc/parser"
	"scc/passes"
	"scc/sim"
)

// compileNet runs the whole pipeline on the source file path (its data
// files next to it) and returns the fixed module and its network.
func compileNet(t testing.TB, path string) (*ir.Module, *ir.Net) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(path, src)
	if err != nil {
		t.Fatal(err)
	}
	withLibrary(t, f)
	info, err := lang.Check(f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := irgen.Lower(f, info, irgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := passes.Run(m, passes.Options{Check: true}); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(m.Nets) != 1 {
		t.Fatalf("%s: %d networks, want 1", path, len(m.Nets))
	}
	return m, m.Nets[0]
}

// withLibrary appends to f the models/ declarations of the models its
// populations name but f does not declare (as cmd/scc does).
func withLibrary(t testing.TB, f *lang.File) {
	t.Helper()
	declared := map[string]bool{}
	var wanted []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *lang.Model:
			declared[d.Name] = true
		case *lang.Network:
			for _, it := range d.Items {
				if p, ok := it.(*lang.Pop); ok {
					wanted = append(wanted, p.Model)
				}
			}
		}
	}
	for _, name := range models.Names() {
		src, err := models.Source(name)
		if err != nil {
			t.Fatal(err)
		}
		lf, err := parser.ParseFile("models/"+name, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range lf.Decls {
			if m, ok := d.(*lang.Model); ok && slices.Contains(wanted, m.Name) && !declared[m.Name] {
				declared[m.Name] = true
				f.Decls = append(f.Decls, m)
			}
		}
	}
}

// writeNet writes files (name → text) into a fresh temp dir and returns
// the path of the first .snn.
func writeNet(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	snn := ""
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".snn") {
			snn = filepath.Join(dir, name)
		}
	}
	return snn
}

// tinyNet has an AER-in source (with a step of three events and a repeat
// of the pattern), a Poisson source, delays 1 and 2, a recurrent
// projection, inputs that saturate, and two state records (one every 2
// steps).
var tinyNet = map[string]string{
	"tiny.snn": `model Leaky {
    dt 1 ms
    input J : mV in [-16 mV, 16 mV]
    state v : mV = 0 mV in [-40 mV, 40 mV]
    v' = v * 0.5 + J
    spike when v >= 4 mV { v = 0 mV }
}
network Tiny {
    dt 1 ms
    source s = spikes(file = "s.csv")[3]
    pop n = Leaky[4]
    source k = poisson(rate = 300 Hz, seed = 5)[2]
    proj a = s -> n.J all_to_all { w = 50 mV; delay 1 steps }
    proj b = k -> n[0:2].J one_to_one { w = 3 mV; delay 2 steps }
    proj c = n -> n.J all_to_all { w = -1 mV; delay 1 steps }
    record n v
    record n[1:3] v every 2 steps
}
`,
	"s.csv": "step,index\n2,0\n3,1\n5,0\n5,1\n5,2\n9,2\n12,0\n13,1\n20,0\n20,2\n",
}

// replayCore returns a stand-in for a network's RTL with n's ports that
// replays the golden run of steps 1..steps (sim.Net) instead of computing
// it: it tests the harness (handshakes, backpressure, the reset, parsing
// and comparing), not a network. A step takes 1 to 5 latency cycles, then
// sends its AER-out words and its probe words; mutate, when not nil, may
// change step t's words before they are written.
func replayCore(t testing.TB, m *ir.Module, n *ir.Net, steps int, mutate func(t int, aer, probe []uint64) ([]uint64, []uint64)) []byte {
	t.Helper()
	hw := n.HW(m)
	g, err := newNetGolden(m, n, hw)
	if err != nil {
		t.Fatal(err)
	}
	var aerW, prW []uint64
	aerBase, aerN, prBase, prN := []int{0}, []int{0}, []int{0}, []int{0}
	sats := []string{"0"}
	for s := 1; s <= steps; s++ {
		w, err := g.step()
		if err != nil {
			t.Fatal(err)
		}
		aer, probe := w.aer, w.probe
		if mutate != nil {
			aer, probe = mutate(s, aer, probe)
		}
		aerBase, aerN = append(aerBase, len(aerW)), append(aerN, len(aer))
		prBase, prN = append(prBase, len(prW)), append(prN, len(probe))
		aerW, prW = append(aerW, aer...), append(prW, probe...)
		var sat uint64
		for k, b := range w.sat {
			if b {
				sat |= 1 << k
			}
		}
		sats = append(sats, fmt.Sprintf("%d'h%x", max(1, len(hw.Sat)), sat))
	}
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	aw, pw, ns := hw.AERWidth, hw.ProbeWidth, max(1, len(hw.Sat))
	p("/* verilator lint_off DECLFILENAME */\n/* verilator lint_off UNUSEDSIGNAL */\n")
	p("module %s (\n    input wire clk, input wire rst_n, output wire ready, input wire step, output wire busy, output reg done,\n", n.ModuleName())
	p("    output reg [31:0] step_q, output reg [%d:0] sat_q,\n", ns-1)
	p("    input wire aer_in_valid, output wire aer_in_ready, input wire [%d:0] aer_in_data, input wire aer_in_last,\n", aw-1)
	p("    output wire aer_out_valid, input wire aer_out_ready, output reg [%d:0] aer_out_data, output wire aer_out_last,\n", aw-1)
	p("    output wire probe_valid, input wire probe_ready, output reg [%d:0] probe_data, output wire probe_last);\n", pw-1)
	p("    reg [1:0] init;\n    reg ready_r;\n    reg [2:0] st;\n    reg [31:0] t1;\n    reg [15:0] k;\n    reg [2:0] lat;\n")
	p("    reg [15:0] na, np, ba, bp;\n    reg [%d:0] sat_t;\n", ns-1)
	p("    assign ready = ready_r;\n    assign busy = st != 3'd0;\n    assign aer_in_ready = ready_r && st == 3'd0;\n")
	p("    assign aer_out_valid = st == 3'd2 && k < na;\n    assign aer_out_last = k + 16'd1 == na;\n")
	p("    assign probe_valid = st == 3'd3 && k < np;\n    assign probe_last = k + 16'd1 == np;\n")
	p("    wire unused = &{1'b0, aer_in_valid, aer_in_data, aer_in_last};\n")
	p("    always @* begin\n        case (t1)\n")
	for s := 1; s <= steps; s++ {
		p("            32'd%d: begin na = 16'd%d; ba = 16'd%d; np = 16'd%d; bp = 16'd%d; sat_t = %s; end\n", s, aerN[s], aerBase[s], prN[s], prBase[s], sats[s])
	}
	p("            default: begin na = 16'd0; ba = 16'd0; np = 16'd0; bp = 16'd0; sat_t = %d'd0; end\n        endcase\n    end\n", ns)
	p("    always @* begin\n        case (ba + k)\n")
	for i, x := range aerW {
		p("            16'd%d: aer_out_data = %d'h%x;\n", i, aw, x)
	}
	p("            default: aer_out_data = %d'h0;\n        endcase\n    end\n", aw)
	p("    always @* begin\n        case (bp + k)\n")
	for i, x := range prW {
		p("            16'd%d: probe_data = %d'h%x;\n", i, pw, x)
	}
	p("            default: probe_data = %d'h0;\n        endcase\n    end\n", pw)
	p(`    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            init <= 2'd0; ready_r <= 1'b0; st <= 3'd0; t1 <= 32'd0; k <= 16'd0; lat <= 3'd0;
            done <= 1'b0; step_q <= 32'd0; sat_q <= 0;
        end else begin
            done <= 1'b0;
            if (!ready_r) begin
                init <= init + 2'd1;
                if (init == 2'd2) ready_r <= 1'b1;
            end
            case (st)
                3'd0: if (step && ready_r) begin st <= 3'd1; t1 <= step_q + 32'd1; lat <= 3'(step_q %% 32'd5); k <= 16'd0; end
                3'd1: if (lat == 3'd0) st <= 3'd2; else lat <= lat - 3'd1;
                3'd2: if (k == na) begin st <= 3'd3; k <= 16'd0; end else if (aer_out_ready) k <= k + 16'd1;
                3'd3: if (k == np) begin st <= 3'd0; done <= 1'b1; step_q <= t1; sat_q <= sat_t; end else if (probe_ready) k <= k + 16'd1;
                default: st <= 3'd0;
            endcase
        end
    end
endmodule
`)
	return b.Bytes()
}

// goldenSpikes counts the spikes of n's first steps (a harness test whose
// network never spikes checks little).
func goldenSpikes(t testing.TB, m *ir.Module, n *ir.Net, steps int) int64 {
	s, err := sim.NewNet(m, n, sim.NetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(steps); err != nil {
		t.Fatal(err)
	}
	var c int64
	for p := range n.Pops {
		c += s.Count(p)
	}
	return c
}
