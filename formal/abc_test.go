package formal

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"scc/internal/tool"
	"scc/lang"
)

// cntDUT counts while enabled and wraps at 200 (c), holds k at its init
// value and u at whatever it started with (no init, no reset); r samples x.
const cntDUT = `module cnt (input wire clk, input wire rst_n, input wire en, input wire [7:0] x,
    output reg [7:0] c, output reg [7:0] k, output reg [7:0] u, output reg [7:0] r);
  initial k = 8'ha5;
  initial r = 8'd0;
  always @(posedge clk) begin
    if (!rst_n) c <= 8'd0;
    else if (en) c <= (c == 8'd199) ? 8'd0 : c + 8'd1;
    k <= k;
    u <= u;
    r <= x;
  end
endmodule
`

// cntHead is the harness around cnt: reset low for two cycles, then free;
// en and x free. assume is an extra line (an assumption).
func cntHead(assume string) string {
	return "`ifdef FORMAL\nmodule t_cnt (input wire clk);\n" +
		"  reg [1:0] f_rst_cnt = 2'd0;\n  (* anyseq *) wire f_rst_free;\n  (* anyseq *) wire en;\n  (* anyseq *) wire [7:0] x;\n" +
		"  wire rst_n = (f_rst_cnt == 2'd2) & f_rst_free;\n" +
		"  always @(posedge clk) if (f_rst_cnt != 2'd2) f_rst_cnt <= f_rst_cnt + 2'd1;\n" +
		"  wire [7:0] c, k, u, r;\n" +
		"  cnt dut (.clk(clk), .rst_n(rst_n), .en(en), .x(x), .c(c), .k(k), .u(u), .r(r));\n" + assume
}

// abcDriver is a driver for the harness t_cnt with props over cnt.
func abcDriver(t *testing.T, assume string, props ...Property) *driver {
	t.Helper()
	h := &Harness{Top: "t_cnt", DUT: "cnt", Props: props, head: cntHead(assume), tail: "endmodule\n`endif\n",
		Trace: []Signal{{Name: "rst_n"}, {Name: "en"}, {Name: "c"}}}
	return testDriver(t, h, []File{{Name: "cnt.v", Text: cntDUT}})
}

// testDriver is a driver for a hand-written harness h on rtl, in a test
// directory, telling the test log about every solver run.
func testDriver(t *testing.T, h *Harness, rtl []File) *driver {
	t.Helper()
	paths := tool.Need(t, "yosys", "yosys-smtbmc", "yosys-abc", "z3")
	return &driver{ctx: context.Background(), h: h, opt: Options{Timeout: 120 * time.Second, Log: func(s string) { t.Log(s) }},
		dir: t.TempDir(), yosys: paths[0], smtbmc: paths[1], rtl: rtl}
}

// modelCheck writes d's model of every property and runs check on it.
func modelCheck(t *testing.T, d *driver, induction bool, depth int) *outcome {
	t.Helper()
	model, err := d.model(nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := d.check(d.ctx, model, induction, depth)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// afterReset guards a property from the first (free) cycle of c.
const afterReset = "f_rst_cnt != 2'd0"

func runAbc(t *testing.T, d *driver, model, engine string, depth int) *outcome {
	t.Helper()
	o, err := d.abc(context.Background(), model, engine, depth)
	if err != nil {
		t.Fatalf("%s: %v", engine, err)
	}
	if o.timeout {
		t.Fatalf("%s timed out (%s)", engine, o.log)
	}
	return o
}

// TestPDRProvesNonInductive: c != 250 holds (c wraps at 200) but no short
// induction closes it (246..250 is a free 5-step trace); k keeps its
// nonzero init value (the inverted latches of -zinit). PDR proves both.
func TestPDRProvesNonInductive(t *testing.T) {
	d := abcDriver(t, "", property("p_wrap", "", lang.Pos{}, afterReset, "c != 8'd250"),
		property("p_init", "", lang.Pos{}, "", "k == 8'ha5"))
	model, err := d.model(nil)
	if err != nil {
		t.Fatal(err)
	}
	ind, err := d.check(d.ctx, model, true, 4)
	if err != nil {
		t.Fatal(err)
	}
	if ind.status != "FAILED" {
		t.Errorf("k-induction to 4: %s, want FAILED (the test needs a non-inductive property)", ind.status)
	}
	if o := runAbc(t, d, model, "pdr", 0); o.status != "PASSED" {
		t.Errorf("pdr: %s, want PASSED (%s)", o.status, o.log)
	}
	if o := runAbc(t, d, model, "bmc3", 20); o.status != "BOUNDED" || o.step != 20 {
		t.Errorf("bmc3 -F 20: %s at %d, want BOUNDED at 20 (%s)", o.status, o.step, o.log)
	}
}

// TestAbcDeepCounterexample: c != n first fails at step n+2 (two reset
// cycles); pdr and bmc3 report it with the property and at the step BMC
// from reset reports, with a VCD and a table. The clocked property on
// $past(c) is reported two steps later (its $past, and yosys' clocked
// assertion), its table one step later (fail takes the clocking off).
// BMC from reset costs yosys-smtbmc minutes at 150 steps (abc: seconds),
// so it checks n = 30, and the abc engines also n = 150.
func TestAbcDeepCounterexample(t *testing.T) {
	for _, c := range []struct {
		n     int
		name  string
		cond  string
		pred  string
		delay int // the reported step - (n+2)
	}{
		{30, "p_deep", afterReset, "c != 8'd30", 0},
		{30, "p_late", "f_rst_cnt != 2'd0 && $past(f_rst_cnt) != 2'd0", "$past(c) != 8'd30", 2},
		{150, "p_deep", afterReset, "c != 8'd150", 0},
	} {
		t.Run(fmt.Sprintf("%s_%d", c.name, c.n), func(t *testing.T) {
			t.Parallel()
			p := property(c.name, "", lang.Pos{}, c.cond, c.pred)
			d := abcDriver(t, "", p)
			model, err := d.model(nil)
			if err != nil {
				t.Fatal(err)
			}
			want := c.n + 2 + c.delay
			if c.n < 100 {
				bmc, err := d.check(d.ctx, model, false, want+3)
				if err != nil {
					t.Fatal(err)
				}
				if bmc.status != "FAILED" || len(bmc.failed) != 1 || bmc.step != want {
					t.Fatalf("BMC: %s %v at %d, want a failure at %d (%s)", bmc.status, bmc.failed, bmc.step, want, bmc.log)
				}
			}
			for _, e := range []string{"pdr", "bmc3"} {
				o := runAbc(t, d, model, e, want+10)
				if o.status != "FAILED" || strings.Join(o.failed, " ") != p.Name || o.step != want {
					t.Errorf("%s: %s %v at step %d, want FAILED [%s] at step %d (%s)", e, o.status, o.failed, o.step, p.Name, want, o.log)
				}
				if fi, err := os.Stat(o.vcd); err != nil || fi.Size() == 0 {
					t.Errorf("%s: counterexample VCD: %v", e, err)
				}
				res := map[string]*Result{p.Name: {Prop: p}}
				d.fail(res, map[string]bool{}, o, e)
				tableStep := want
				if p.delayed {
					tableStep--
				}
				if r := res[p.Name]; r.Status != Failed || r.Step != tableStep || !strings.Contains(r.Table, "step") {
					t.Errorf("%s: %v at step %d, want FAILED at %d with a table\n%s", e, r.Status, r.Step, tableStep, r.Table)
				}
			}
		})
	}
}

// TestAbcUninitialised: u has no init value; u == 0 fails at step 0
// because the first value is free, in PDR (-zinit's init inputs) as in BMC.
func TestAbcUninitialised(t *testing.T) {
	d := abcDriver(t, "", property("p_u", "", lang.Pos{}, "", "u == 8'd0"))
	model, err := d.model(nil)
	if err != nil {
		t.Fatal(err)
	}
	bmc, err := d.check(d.ctx, model, false, 3)
	if err != nil {
		t.Fatal(err)
	}
	o := runAbc(t, d, model, "pdr", 0)
	if o.status != "FAILED" || len(o.failed) != 1 || o.failed[0] != "p_u" || o.step != bmc.step {
		t.Errorf("pdr: %s %v at %d, want FAILED [p_u] at %d as BMC (%s %v)", o.status, o.failed, o.step, bmc.step, bmc.status, bmc.failed)
	}
}

// TestAbcAssumptions: r samples x, so r < 10 holds exactly when x < 10 is
// assumed on every cycle.
func TestAbcAssumptions(t *testing.T) {
	p := property("p_r", "", lang.Pos{}, "", "r < 8'd10")
	d := abcDriver(t, "  always @* assume (x < 8'd10);\n", p)
	model, err := d.model(nil)
	if err != nil {
		t.Fatal(err)
	}
	if o := runAbc(t, d, model, "pdr", 0); o.status != "PASSED" {
		t.Errorf("pdr under the assumption: %s, want PASSED (%s)", o.status, o.log)
	}
	d = abcDriver(t, "", p)
	if model, err = d.model(nil); err != nil {
		t.Fatal(err)
	}
	if o := runAbc(t, d, model, "pdr", 0); o.status != "FAILED" || o.step != 1 {
		t.Errorf("pdr without the assumption: %s at %d, want FAILED at step 1 (%s)", o.status, o.step, o.log)
	}
}

// TestAbcCancel: a cancelled run is a timeout, not an error.
func TestAbcCancel(t *testing.T) {
	d := abcDriver(t, "", property("p_wrap", "", lang.Pos{}, afterReset, "c != 8'd250"))
	model, err := d.model(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o, err := d.abc(ctx, model, "pdr", 0)
	if err != nil || !o.timeout {
		t.Fatalf("cancelled pdr: %v, %+v; want a timeout", err, o)
	}
	if _, err := os.Stat(filepath.Join(d.dir, strings.TrimSuffix(model, ".smt2")+".aig")); err != nil {
		t.Logf("no AIGER model after the cancel: %v", err)
	}
}

// TestAbcTaps: a tap the model does not assert itself (no register
// correspondence merges it) is in the constraint file only; the AIGER model
// asserts it too. A true tap is proven, a false one fails by its name.
func TestAbcTaps(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want string
	}{{"k", "dut.k", "PASSED"}, {"c", "dut.k", "FAILED"}} {
		d := abcDriver(t, "")
		d.h.Taps = []Tap{{Name: "tap_" + ident(c.a) + "__" + ident(c.b), A: c.a, B: c.b,
			keepA: "t_cnt/w:" + c.a, keepB: "cnt/w:" + strings.TrimPrefix(c.b, "dut.")}}
		model, err := d.model(nil)
		if err != nil {
			t.Fatal(err)
		}
		o := runAbc(t, d, model, "pdr", 0)
		if o.status != c.want || (c.want == "FAILED" && (len(o.failed) != 1 || o.failed[0] != d.h.Taps[0].Name)) {
			t.Errorf("tap %s = %s: pdr %s %v, want %s (%s)", c.a, c.b, o.status, o.failed, c.want, o.log)
		}
	}
}
