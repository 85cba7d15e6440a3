package formal_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"scc/formal"
	"scc/internal/tool"
	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
	"scc/passes"
)

// fourNet is the 4-neuron network of the network properties: an AER-in
// source of 2 (a spike file) into 2 neurons with delay 1, and recurrent
// inhibition with delay 2.
const fourNet = `model Leaky {
    dt 1 ms
    input J : mV in [-16 mV, 16 mV]
    state v : mV = 0 mV in [-40 mV, 40 mV]
    v' = v * 0.5 + J
    spike when v >= 4 mV { v = 0 mV }
}
network Four {
    dt 1 ms
    pop n = Leaky[2]
    source s = spikes(file = "in.csv")[2]
    proj a = s -> n.J one_to_one { w = 5 mV; delay 1 steps }
    proj c = n -> n.J all_to_all { w = -1 mV; delay 2 steps }
    record n v
}
`

// compileFour compiles fourNet and returns the fixed module and network.
func compileFour(t testing.TB) (*ir.Module, *ir.Net) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.csv"), []byte("step,index\n1,0\n2,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "four.snn")
	f, err := parser.ParseFile(name, []byte(fourNet))
	if err != nil {
		t.Fatal(err)
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := irgen.Lower(f, info, irgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := passes.Run(m, passes.Options{Check: true}); err != nil {
		t.Fatal(err)
	}
	if len(m.Nets) != 1 {
		t.Fatalf("%d networks, want 1", len(m.Nets))
	}
	return m, m.Nets[0]
}

// fakeFour is a stand-in core of fourNet with the ports of ir.NetHW: a
// source spike of step t makes neuron n[i] spike in step t+1 (mutant:
// and n[0] spikes in step 1 without one); each step sends its spikes, then two probe words (the step
// number), then pulses done. It is no network, but it has the protocol,
// which is what the harnesses bind to.
func fakeFour(name string, hw ir.NetHW, mutant bool) string {
	src := "prev"
	if mutant {
		src = "prev | {1'b0, step_q == 32'd0}"
	}
	aw, ib, pw := hw.AERWidth, hw.IndexBits, hw.ProbeWidth
	return fmt.Sprintf(`module %[1]s (input wire clk, input wire rst_n, output reg ready, input wire step, output reg busy,
    output reg done, output reg [31:0] step_q, output reg [%[6]d:0] sat_q,
    input wire aer_in_valid, output wire aer_in_ready, input wire [%[2]d:0] aer_in_data, input wire aer_in_last,
    output reg aer_out_valid, input wire aer_out_ready, output reg [%[2]d:0] aer_out_data, output reg aer_out_last,
    output reg probe_valid, input wire probe_ready, output reg [%[4]d:0] probe_data, output reg probe_last);
    reg [1:0] init, cur, prev, k, ph;
    assign aer_in_ready = ready && !busy;
    wire [1:0] src = %[5]s;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            ready <= 1'b0; busy <= 1'b0; done <= 1'b0; step_q <= 32'd0; sat_q <= 0;
            init <= 2'd0; cur <= 2'd0; prev <= 2'd0; k <= 2'd0; ph <= 2'd0;
            aer_out_valid <= 1'b0; aer_out_data <= 0; aer_out_last <= 1'b0;
            probe_valid <= 1'b0; probe_data <= 0; probe_last <= 1'b0;
        end else begin
            done <= 1'b0;
            if (!ready) begin
                init <= init + 2'd1;
                if (init == 2'd1) ready <= 1'b1;
            end else if (!busy) begin
                if (aer_in_valid && aer_in_data[%[2]d:%[3]d] == 1 && aer_in_data[%[3]d-1:0] < 2) cur[aer_in_data[0]] <= 1'b1;
                if (step) begin busy <= 1'b1; ph <= 2'd0; k <= 2'd0; end
            end else if (ph == 2'd0) begin
                if (aer_out_valid) begin
                    if (aer_out_ready) begin aer_out_valid <= 1'b0; k <= k + 2'd1; end
                end else if (k == 2'd2) begin
                    ph <= 2'd1; k <= 2'd0;
                end else if (src[k[0]]) begin
                    aer_out_valid <= 1'b1; aer_out_data <= {%[7]d'd0, k[0]}; aer_out_last <= k[0] || !src[1];
                end else k <= k + 2'd1;
            end else if (ph == 2'd1) begin
                if (probe_valid) begin
                    if (probe_ready) begin probe_valid <= 1'b0; k <= k + 2'd1; end
                end else if (k == 2'd2) begin
                    ph <= 2'd2;
                end else begin
                    probe_valid <= 1'b1; probe_data <= step_q[%[4]d:0]; probe_last <= k[0];
                end
            end else begin
                busy <= 1'b0; done <= 1'b1; step_q <= step_q + 32'd1; prev <= cur; cur <= 2'd0;
            end
        end
    end
endmodule
`, name, aw-1, ib, pw-1, src, max(len(hw.Sat), 1)-1, aw-1)
}

// netTimeout bounds each solver run of the network tests: a BOUNDED
// verdict costs a few of them (the engines race until they time out).
const netTimeout = 15 * time.Second

func proveNet(t *testing.T, h *formal.Harness, files []formal.File, depth int) *formal.Report {
	t.Helper()
	return proveNetWithin(t, h, files, depth, netTimeout)
}

func proveNetWithin(t *testing.T, h *formal.Harness, files []formal.File, depth int, timeout time.Duration) *formal.Report {
	t.Helper()
	tool.Need(t, "yosys", "yosys-smtbmc", "z3")
	rep, err := formal.Prove(context.Background(), files, h, formal.Options{Depth: depth, Dir: t.TempDir(), Timeout: timeout,
		Log: func(s string) { t.Log(s) }})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func statuses(rep *formal.Report) map[string]formal.Status {
	st := map[string]formal.Status{}
	for _, r := range rep.Results {
		st[r.Prop.Name] = r.Status
	}
	return st
}

func reportText(rep *formal.Report) string {
	var b strings.Builder
	for _, r := range rep.Results {
		fmt.Fprintf(&b, "  %v %s (k=%d depth=%d step=%d %s) -- %s\n", r.Status, r.Prop.Name, r.K, r.Depth, r.Step, r.Engine, r.Prop.Text)
	}
	return b.String()
}

// TestNetPropsFake: on a stand-in core, the accumulator fit (with its
// bound) is proven and, with the core's worst step (12 cycles), nothing
// fails (done within, done ends a step, step_q counts: proven by the joint
// k-induction when it finishes in time, else bounded); with a cycle count
// below the core's shortest step (8 cycles: two probe words), done_within
// fails.
func TestNetPropsFake(t *testing.T) {
	t.Parallel()
	m, n := compileFour(t)
	hw := n.HW(m)
	files := []formal.File{{Name: "fake.sv", Text: fakeFour("Four", hw, false)}}
	// The fake's worst step: 1 + 2·2 + 1 (beats) + 2·2 + 1 (probes) + 1 cycles.
	const worst = 12
	for _, tc := range []struct {
		cycles int64
		want   map[string]formal.Status
	}{
		{worst, map[string]formal.Status{"acc_fits_n_J": formal.Proven}},
		{5, map[string]formal.Status{"done_within": formal.Failed}},
	} {
		t.Run(fmt.Sprint(tc.cycles), func(t *testing.T) {
			t.Parallel()
			h, err := formal.GenerateNet(m, n, formal.NetCore{Label: "fake", Top: "Four", Files: files, Cycles: tc.cycles})
			if err != nil {
				t.Fatal(err)
			}
			if tc.cycles < worst {
				// Only the property under test: after a failure the
				// driver races again on the rest.
				h.Props = slices.DeleteFunc(h.Props, func(p formal.Property) bool { return p.Name != "done_within" })
			}
			rep := proveNet(t, h, files, 40)
			st := statuses(rep)
			for name, want := range tc.want {
				if st[name] != want {
					t.Errorf("%s: %v, want %v\n%s", name, st[name], want, reportText(rep))
				}
			}
			if tc.cycles < worst {
				return
			}
			for _, r := range rep.Results {
				if strings.HasPrefix(r.Prop.Name, "update_") {
					continue // the stand-in computes no neurons
				}
				if r.Status == formal.Failed || r.Status == formal.Unknown {
					t.Errorf("%s: %v with the core's worst-case cycle count\n%s", r.Prop.Name, r.Status, reportText(rep))
				}
			}
		})
	}
}

// TestNetMiterFake: the miter of a stand-in core with itself holds to its
// depth (BOUNDED, never FAILED); against a mutant with an extra spike in
// step 1 it FAILS.
func TestNetMiterFake(t *testing.T) {
	t.Parallel()
	m, n := compileFour(t)
	hw := n.HW(m)
	a := formal.NetCore{Label: "fake", Top: "Four", Files: []formal.File{{Name: "a.sv", Text: fakeFour("Four", hw, false)}}}
	for _, mutant := range []bool{false, true} {
		t.Run(fmt.Sprint("mutant=", mutant), func(t *testing.T) {
			t.Parallel()
			b := formal.NetCore{Label: "fake2", Top: "Four", Files: []formal.File{{Name: "b.sv", Text: fakeFour("Four", hw, mutant)}}}
			h, files, err := formal.MiterNet(m, n, a, b, formal.MiterEnv{Stall: true})
			if err != nil {
				t.Fatal(err)
			}
			// The mutant's first difference is 16 cycles from reset (its
			// harness keeps the one property it fails: after a failure the
			// driver would race again on the rest); the equal cores hold to
			// what BMC reaches in a short timeout.
			timeout := 10 * time.Second
			if mutant {
				timeout = 90 * time.Second
				h.Props = slices.DeleteFunc(h.Props, func(p formal.Property) bool { return p.Name != "miter_aer_out" })
			}
			rep := proveNetWithin(t, h, files, 20, timeout)
			st := statuses(rep)
			if mutant {
				if st["miter_aer_out"] != formal.Failed {
					t.Errorf("mutant: miter_aer_out %v, want FAILED\n%s", st["miter_aer_out"], reportText(rep))
				}
				return
			}
			for _, r := range rep.Results {
				if r.Status == formal.Failed || r.Status == formal.Unknown {
					t.Errorf("%s: %v on equal cores\n%s", r.Prop.Name, r.Status, reportText(rep))
				}
			}
		})
	}
}
