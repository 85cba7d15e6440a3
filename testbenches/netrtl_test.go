package testbenches

import (
	"os"
	"strings"
	"testing"

	"scc/internal/tool"
)

// TestCosimNetReplay runs the harness on a core that replays the golden
// run (replayCore) under both simulators: every step matches, the mid-run
// reset happened, and cycles were measured.
func TestNetRTLReplay(t *testing.T) {
	m, n := compileNet(t, writeNet(t, tinyNet))
	if c := goldenSpikes(t, m, n, 40); c < 10 {
		t.Fatalf("the tiny network spikes %d times in 40 steps; the test needs more", c)
	}
	rtl := replayCore(t, m, n, 60, nil)
	for _, simName := range []string{"iverilog", "verilator"} {
		t.Run(simName, func(t *testing.T) {
			t.Parallel()
			tool.Need(t, simName)
			res, err := CosimNet(ctx(t), m, n, rtl, NetCosimOptions{Sim: simName, Steps: 40, Seed: 3, Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			t.Log(res.Summary())
			if res.First != nil {
				t.Fatalf("mismatch: %v", res.First)
			}
			if res.Steps < 40 || res.Steps > 41 || res.Resets != 1 {
				t.Errorf("%d steps, %d resets; want 40 or 41 and 1", res.Steps, res.Resets)
			}
			if res.Spikes == 0 || res.ProbeWords == 0 || res.Events == 0 {
				t.Errorf("compared %d spikes, %d probe words, sent %d events; want some of each", res.Spikes, res.ProbeWords, res.Events)
			}
			if res.Cycles.N == 0 || res.Cycles.Min < 3 || res.AllCycles.Max < res.Cycles.Max {
				t.Errorf("cycles %v (all %v): want clean steps of at least 3 cycles", res.Cycles, res.AllCycles)
			}
		})
	}
}

// TestCosimNetReplayMutated: a replayed word that differs from the golden
// model is reported at its step with population, neuron, signal and a
// VCD; so are a dropped spike and a wrong probe word.
func TestNetRTLReplayMutated(t *testing.T) {
	tool.Need(t, "iverilog")
	m, n := compileNet(t, writeNet(t, tinyNet))
	cases := []struct {
		name   string
		mutate func(s int, aer, probe []uint64) ([]uint64, []uint64)
		step   int
		signal string
	}{
		{"probe", func(s int, aer, probe []uint64) ([]uint64, []uint64) {
			if s == 7 {
				probe = append([]uint64(nil), probe...)
				probe[2] ^= 1
			}
			return aer, probe
		}, 7, "n.v"},
		{"spike", func(s int, aer, probe []uint64) ([]uint64, []uint64) {
			if s >= 4 && len(aer) > 0 {
				aer = aer[1:]
			}
			return aer, probe
		}, 0, "spike"},
		{"order", func(s int, aer, probe []uint64) ([]uint64, []uint64) {
			if s >= 4 && len(aer) > 1 {
				aer = append([]uint64{aer[1], aer[0]}, aer[2:]...)
			}
			return aer, probe
		}, 0, "AER order"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rtl := replayCore(t, m, n, 40, c.mutate)
			res, err := CosimNet(ctx(t), m, n, rtl, NetCosimOptions{Steps: 30, Seed: 5, NoReset: true, Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			f := res.First
			if f == nil {
				t.Fatalf("no mismatch: %s", res.Summary())
			}
			t.Log(f)
			if c.step != 0 && f.Step != c.step || !strings.HasPrefix(f.Signal, c.signal) || f.Pop != "n" {
				t.Errorf("mismatch %v, want step %d signal %s of n", f, c.step, c.signal)
			}
			if c.name == "probe" && f.Neuron != 2 {
				t.Errorf("neuron %d, want 2", f.Neuron)
			}
			if _, err := os.Stat(f.VCD); err != nil || f.VCD == "" {
				t.Errorf("VCD %q: %v", f.VCD, err)
			}
		})
	}
}

// TestCosimNetSeedsAgree: the host's randomisation never changes what
// the RTL computes: two seeds give the same trace.
func TestNetRTLSeedsAgree(t *testing.T) {
	tool.Need(t, "iverilog")
	m, n := compileNet(t, writeNet(t, tinyNet))
	rtl := replayCore(t, m, n, 30, nil)
	var traces [][]NetStep
	for _, seed := range []uint64{1, 2} {
		res, err := CosimNet(ctx(t), m, n, rtl, NetCosimOptions{Steps: 25, Seed: seed, NoReset: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.First != nil {
			t.Fatal(res.First)
		}
		traces = append(traces, res.Trace)
	}
	if d := CompareNetTraces(traces[0], traces[1]); d != "" {
		t.Fatal(d)
	}
	// A test that cannot fail is a defect: a changed word shows.
	traces[1][4].Probe = append([]string{"dead"}, traces[1][4].Probe[1:]...)
	if d := CompareNetTraces(traces[0], traces[1]); !strings.Contains(d, "run step 5") {
		t.Errorf("CompareNetTraces of a changed trace = %q, want a difference at run step 5", d)
	}
}

// TestNetRTLProtocol: a core that breaks the ir.NetHW protocol is reported
// at the step it does so, and a core that hangs is stopped by the
// watchdog, not waited for.
func TestNetRTLProtocol(t *testing.T) {
	tool.Need(t, "iverilog")
	m, n := compileNet(t, writeNet(t, tinyNet))
	rtl := string(replayCore(t, m, n, 30, nil))
	cases := []struct {
		name, old, new, want string
		step                 int
	}{
		{"hang", "if (k == np) begin", "if (k == np && t1 != 32'd5) begin", "watchdog", 5},
		{"aer_in_ready", "assign aer_in_ready = ready_r && st == 3'd0;", "assign aer_in_ready = ready_r;", "protocol: aer_in_ready-while-busy", 1},
		{"done twice", "done <= 1'b0;\n            if (!ready_r)", "done <= st == 3'd0 && done && t1 == 32'd4;\n            if (!ready_r)", "protocol: done-without-step", 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(rtl, c.old) {
				t.Fatalf("the replay core has no %q", c.old)
			}
			bad := strings.Replace(rtl, c.old, c.new, 1)
			res, err := CosimNet(ctx(t), m, n, []byte(bad), NetCosimOptions{Steps: 20, Seed: 2, NoReset: true, MaxCycles: 2000, Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if res.First == nil || !strings.HasPrefix(res.First.Signal, c.want) || res.First.Step != c.step {
				t.Fatalf("first mismatch %v, want %s at step %d", res.First, c.want, c.step)
			}
		})
	}
}
