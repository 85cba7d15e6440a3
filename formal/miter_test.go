package formal_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"scc/formal"
	"scc/internal/tool"
)

// satSrc counts enabled cycles up to MAX, then stops and raises sat.
const satSrc = `// Sat counts enabled cycles up to MAX, then stops and raises sat.
module Sat #(parameter MAX = 100) (input wire clk, input wire rst_n, input wire en, output reg sat, output wire odd);
  reg [7:0] cnt;
  assign odd = cnt[0];
  always @(posedge clk or negedge rst_n)
    if (!rst_n) begin
      cnt <= 8'd0;
      sat <= 1'b0;
    end else if (en && !sat) begin
      cnt <= cnt + 8'd1;
      sat <= cnt + 8'd1 == MAX;
    end
endmodule
`

// limitSrc is Sat written another way (LIMIT for MAX, done for sat, count
// for cnt); FREE = 1 plants a difference: the counter runs on after done.
const limitSrc = `// Limit is Sat written another way; FREE = 1 lets the counter run on after done.
module Limit #(parameter LIMIT = 100, parameter FREE = 0) (input wire clk, input wire rst_n, input wire en, output reg done, output wire odd);
  reg [7:0] count;
  assign odd = count[0];
  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      count <= 8'd0;
      done <= 1'b0;
    end else if (en) begin
      if (!done || FREE != 0)
        count <= count + 1'b1;
      if (!done && count == LIMIT - 1)
        done <= 1'b1;
    end
  end
endmodule
`

// satMax is Sat's MAX in every case. The miter holds reset for two cycles
// (steps 0 and 1) and a counter moves at most once per step from step 2,
// so it holds at most s-2 at step s: A's sat rises at step satMax+2 at the
// earliest, and the counters can part one step later.
const satMax = 100

// needEngines skips the test outside CI when the unbounded engines are
// missing: IC3/PDR and bmc3 run in yosys-abc, and without them a
// difference deeper than the BMC depth can only be BOUNDED.
func needEngines(t *testing.T) {
	t.Helper()
	tool.Need(t, "yosys", "yosys-smtbmc", "z3", "yosys-abc")
}

// TestEquivDeepDifference compares Sat with Limit by register
// correspondence: the outputs sat/done and odd (done a register that
// Limit's logic reads: a correspondence the miter infers) and the tap
// cnt = count. When Limit differs, both correspondences hold for 100 steps
// and then break, and a merged pair that was not checked would hide the
// difference (B would read A's counter, so odd would agree). No property
// that is false may be PROVEN, no property that holds may be FAILED, a
// counterexample must be a trace of the miter (no shallower than the
// first step at which its property can fail), and the difference must be
// FAILED; the equal pair must be PROVEN throughout, so refusing
// everything does not pass.
func TestEquivDeepDifference(t *testing.T) {
	needEngines(t)
	for _, c := range []struct {
		name         string
		limit, free  int64
		firstFailure map[string]int // the false properties: the first step each can fail at
		found        string         // the property whose failure is the difference
	}{
		{"equal", satMax, 0, nil, ""},
		{"LIMIT=MAX+50", satMax + 50, 0, map[string]int{"equal_sat": satMax + 2, "equal_odd": satMax + 3, "tap_cnt__count": satMax + 3}, "equal_sat"},
		// Only the tapped counter differs: sat and done still rise
		// together, odd parts when Limit's counter runs on.
		{"FREE=1", satMax, 1, map[string]int{"equal_odd": satMax + 3, "tap_cnt__count": satMax + 3}, "equal_odd"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h, files, err := formal.Miter(context.Background(),
				[]formal.File{{Name: "Sat.v", Text: satSrc}}, []formal.File{{Name: "Limit.v", Text: limitSrc}},
				formal.MiterOptions{Top: "Sat", RefTop: "Limit", Map: map[string]string{"sat": "done"},
					Params:    map[string]int64{"MAX": satMax},
					RefParams: map[string]int64{"LIMIT": c.limit, "FREE": c.free},
					Taps:      [][2]string{{"cnt", "count"}}})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			rep, err := formal.Prove(context.Background(), files, h, formal.Options{Dir: dir, Timeout: 20 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]formal.Result{}
			for _, r := range rep.Results {
				got[r.Prop.Name] = r
				t.Logf("%s: %v (k=%d depth=%d step=%d engine=%q) %s", r.Prop.Name, r.Status, r.K, r.Depth, r.Step, r.Engine, r.Reason)
			}
			for _, name := range []string{"equal_sat", "equal_odd", "tap_cnt__count"} {
				if _, ok := got[name]; !ok {
					t.Fatalf("no result for %s (results %v)", name, rep.Results)
				}
			}
			for name, r := range got {
				first, isFalse := c.firstFailure[name]
				switch {
				case c.firstFailure == nil && r.Status != formal.Proven:
					t.Errorf("%s: %v, want PROVEN (%s)\n%s", name, r.Status, r.Prop.Text, r.Table)
				case isFalse && r.Status == formal.Proven:
					t.Errorf("%s: PROVEN (%s, k=%d), but it fails from step %d", name, r.Engine, r.K, first)
				case !isFalse && r.Status == formal.Failed:
					t.Errorf("%s: FAILED at step %d, but it holds on every trace\n%s", name, r.Step, r.Table)
				case isFalse && r.Status == formal.Failed && r.Step < first:
					t.Errorf("%s: FAILED at step %d, want no step before %d (not a trace of the miter)\n%s", name, r.Step, first, r.Table)
				}
			}
			if c.found == "" {
				if m := firstModel(t, dir); !strings.Contains(m, `cell $assert \tap_cnt__count`) {
					t.Errorf("the first model does not assert the tap itself:\n%s", m)
				}
				return
			}
			r := got[c.found]
			if r.Status != formal.Failed {
				t.Fatalf("%s: %v (depth %d), want FAILED at step %d or later: the designs differ", c.found, r.Status, r.Depth, c.firstFailure[c.found])
			}
			if _, err := os.Stat(r.VCD); err != nil {
				t.Errorf("%s: counterexample VCD: %v", c.found, err)
			}
			if !strings.Contains(r.Table, strconv.Itoa(r.Step)) {
				t.Errorf("%s: the counterexample table does not reach step %d:\n%s", c.found, r.Step, r.Table)
			}
		})
	}
}

// firstModel returns the RTLIL of the first model Prove wrote in dir (the
// one with every property), from which the abc engines' AIGER is made.
func firstModel(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.il"))
	re := regexp.MustCompile(`\.(\d+)\.il$`)
	type model struct {
		round int
		path  string
	}
	var ms []model
	for _, f := range files {
		if m := re.FindStringSubmatch(f); m != nil {
			n, _ := strconv.Atoi(m[1])
			ms = append(ms, model{n, f})
		}
	}
	if len(ms) == 0 {
		t.Fatalf("no RTLIL model in %s (%v)", dir, files)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].round < ms[j].round })
	data, err := os.ReadFile(ms[0].path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
