package testbenches

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"scc/backend/sv"
	"scc/fixed"
	"scc/internal/tool"
	"scc/ir"
	"scc/sim"
)

func loadIR(t *testing.T, path string) *ir.Module {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ir.Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// lif returns ir/testdata/lif_fixed.ir with the input range raised so the
// neuron spikes often: the run then covers threshold, reset and the
// refractory counter, not only the leak.
func lif(t *testing.T) *ir.Module {
	m := loadIR(t, "../ir/testdata/lif_fixed.ir")
	m.Funcs[0].Inputs[0].Range = &ir.Range{Lo: 0, Hi: 40}
	return m
}

// zoo returns the op zoo of backend/sv (every fixed op, every cast mode).
func zoo(t *testing.T) *ir.Module {
	t.Helper()
	a, err := txtar.ParseFile("../backend/sv/testdata/zoo.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Files {
		if f.Name == "in.ir" {
			m, err := ir.Parse(string(f.Data))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	t.Fatal("zoo.txtar has no in.ir section")
	return nil
}

// TestMain shares the simulator builds of the test binary (BuildCache).
func TestMain(m *testing.M) { os.Exit(RunSharingBuilds(m)) }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return c
}

// TestCosim co-simulates the LIF for 10,000 steps and both op-zoo funcs for
// 2,000 steps under each simulator, bit for bit, all six runs in parallel.
func TestCosim(t *testing.T) {
	lifM, zooM := lif(t), zoo(t)
	cases := []struct {
		m     *ir.Module
		f     string
		steps int
	}{
		{lifM, "LIF", 10000},
		{zooM, "Zoo", 2000},
		{zooM, "Wide", 2000},
	}
	for _, simName := range []string{"iverilog", "verilator"} {
		t.Run(simName, func(t *testing.T) {
			tool.Need(t, simName)
			for _, tc := range cases {
				t.Run(tc.f, func(t *testing.T) {
					t.Parallel()
					dir := t.TempDir()
					f := tc.m.Func(tc.f)
					res, err := Cosim(ctx(t), tc.m, f, CosimOptions{Sim: simName, Steps: tc.steps, Seed: 1, Dir: dir, Version: "test"})
					if err != nil {
						t.Fatal(err)
					}
					t.Log(res.Summary())
					if res.Mismatches != 0 || res.Steps != tc.steps || res.Signals != len(f.States)+1 {
						t.Errorf("Cosim(%s) = %q, want %d steps, %d signals, 0 mismatches", tc.f, res.Summary(), tc.steps, len(f.States)+1)
					}
					if res.Spikes == 0 || res.Spikes == tc.steps {
						t.Errorf("Cosim(%s): %d spikes in %d steps; the stimulus leaves the spike logic unexercised", tc.f, res.Spikes, tc.steps)
					}
					if fi, err := os.Stat(res.VCD); err != nil || fi.Size() == 0 {
						t.Errorf("Cosim(%s).VCD = %q: %v, want a non-empty dump", tc.f, res.VCD, err)
					}
				})
			}
		})
	}
}

// TestZooStimulusSpansFormats: the zoo's inputs must cover each input's
// whole format (so sat, wrap and sign cases all occur) and the 2-bit
// denominator must be zero often.
func TestZooStimulusSpansFormats(t *testing.T) {
	for _, f := range zoo(t).Funcs {
		tr, err := sim.RunFixed(f, Stimulus(f, 1), 2000)
		if err != nil {
			t.Fatal(err)
		}
		for i, in := range f.Inputs {
			fm := in.Type.Fmt
			lo, hi := tr.Inputs[0][i], tr.Inputs[0][i]
			zeros := 0
			for _, row := range tr.Inputs {
				lo, hi = min(lo, row[i]), max(hi, row[i])
				if row[i] == 0 {
					zeros++
				}
			}
			slack := uint64(fm.Max()-fm.Min()) / 32
			if uint64(lo-fm.Min()) > slack || uint64(fm.Max()-hi) > slack {
				t.Errorf("%s input %s (%v): stimulus spans [%d, %d], want close to [%d, %d]", f.Name, in.Name, fm, lo, hi, fm.Min(), fm.Max())
			}
			if in.Name == "d" && zeros < 100 {
				t.Errorf("%s input d: %d zero denominators in 2000 steps, want many", f.Name, zeros)
			}
		}
	}
}

// TestCosimCatchesWrongGolden corrupts one word of the golden trace and
// expects the testbench to report exactly that step and signal.
func TestCosimCatchesWrongGolden(t *testing.T) {
	tool.Need(t, "iverilog", "vvp")
	m := lif(t)
	f := m.Funcs[0]
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		step   int
		mutate func(tr *sim.Trace, s int)
		signal string
	}{
		{"state word", 1234, func(tr *sim.Trace, s int) { tr.Raw[s][0]++ }, "v_q"},
		{"spike", 77, func(tr *sim.Trace, s int) { tr.Spikes[s] = !tr.Spikes[s] }, "spike"},
		{"refractory counter", 1999, func(tr *sim.Trace, s int) { tr.Raw[s][1] ^= 0x20 }, "_refr_q"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := sim.RunFixed(f, Stimulus(f, 5), 2000)
			if err != nil {
				t.Fatal(err)
			}
			tc.mutate(tr, tc.step)
			var want int64
			switch tc.signal {
			case "spike":
				if tr.Spikes[tc.step] {
					want = 1
				}
			default:
				i := f.StateIndex(strings.TrimSuffix(tc.signal, "_q"))
				want = fixed.WrapTo(tr.Raw[tc.step][i], f.States[i].Type.Fmt) // as the port shows it
			}
			res, err := CosimTrace(ctx(t), m, f, tr, CosimOptions{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if res.Mismatches != 1 || res.First == nil || res.First.Step != tc.step || res.First.Signal != tc.signal || res.First.Want != want {
				t.Fatalf("CosimTrace(corrupted %s at step %d) = %q, want the mismatch at step %d signal %s want %d", tc.signal, tc.step, res.Summary(), tc.step, tc.signal, want)
			}
			if res.First.Got == res.First.Want {
				t.Errorf("mismatch reports got == want = %d", res.First.Got)
			}
		})
	}
}

// TestMutatedRTLFails changes the threshold constant in the emitted RTL;
// the generated testbench must fail at the first step where it matters.
func TestMutatedRTLFails(t *testing.T) {
	tool.Need(t, "iverilog", "vvp")
	m := lif(t)
	f := m.Funcs[0]
	tr, err := sim.RunFixed(f, Stimulus(f, 9), 3000)
	if err != nil {
		t.Fatal(err)
	}
	var rtl, stim, want bytes.Buffer
	if err := sv.Emit(&rtl, m, sv.Options{}); err != nil {
		t.Fatal(err)
	}
	const th = "16'hce00" // v_th = -50 mV
	if !strings.Contains(rtl.String(), th) {
		t.Fatalf("emitted LIF has no threshold constant %s", th)
	}
	bad := strings.Replace(rtl.String(), th, "16'hce80", 1) // -49.5 mV
	tb, err := Generate(f, Options{Steps: len(tr.Spikes)})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteStimulus(&stim, f, tr.Inputs); err != nil {
		t.Fatal(err)
	}
	if err := WriteExpected(&want, f, tr); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"LIF.sv": []byte(bad), "tb.sv": tb, "LIF.stim.hex": stim.Bytes(), "LIF.expect.hex": want.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := RunIcarus(ctx(t), dir, []string{"LIF.sv", "tb.sv"}, TopName(f))
	if err != nil {
		t.Fatal(err)
	}
	res := &CosimResult{}
	if err := parseOutput(out, f, res); err != nil {
		t.Fatal(err)
	}
	if res.First == nil {
		t.Fatalf("mutated RTL passed: %s", out)
	}
	// The same mutation in the IR, run by the golden model, must diverge
	// at the same step and signal.
	mm := lif(t)
	for _, v := range mm.Funcs[0].Entry().Values {
		if v.Op == ir.OpConst && v.AuxInt == -12800 {
			v.AuxInt = -12672
		}
	}
	tr2, err := sim.RunFixed(mm.Funcs[0], rows(tr.Inputs), len(tr.Inputs))
	if err != nil {
		t.Fatal(err)
	}
	step, signal := firstDiff(f, tr, tr2)
	if step < 0 {
		t.Fatal("the mutated threshold never changes the golden trace; pick another seed")
	}
	if res.First.Step != step || res.First.Signal != signal {
		t.Errorf("mutated RTL failed at step %d signal %s, want step %d signal %s (where the mutated IR diverges)", res.First.Step, res.First.Signal, step, signal)
	}
}

type rows [][]int64

func (r rows) Next(step int, raw []int64) { copy(raw, r[step]) }

// firstDiff returns the first step and signal (in testbench order) where
// two traces of f differ, or -1.
func firstDiff(f *ir.Func, a, b *sim.Trace) (int, string) {
	for s := range a.Spikes {
		if a.Spikes[s] != b.Spikes[s] {
			return s, "spike"
		}
		for i, st := range f.States {
			if a.Raw[s][i] != b.Raw[s][i] {
				return s, st.PortName()
			}
		}
	}
	return -1, ""
}

// TestMissingSimulator: with an empty PATH every driver names the install
// command.
func TestMissingSimulator(t *testing.T) {
	m := lif(t)
	t.Setenv("PATH", "")
	for _, tc := range []struct{ sim, want string }{
		{"iverilog", "apt-get install -y iverilog"},
		{"verilator", "apt-get install -y verilator"},
	} {
		_, err := Cosim(context.Background(), m, m.Funcs[0], CosimOptions{Sim: tc.sim, Steps: 10})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Cosim(Sim: %s) with empty PATH: error = %v, want one containing %q", tc.sim, err, tc.want)
		}
	}
}

func TestCosimRejects(t *testing.T) {
	m := lif(t)
	other := lif(t)
	real := loadIR(t, "../ir/testdata/lif_real.ir")
	for _, tc := range []struct {
		name string
		m    *ir.Module
		f    *ir.Func
		opt  CosimOptions
		want string
	}{
		{"unknown simulator", m, m.Funcs[0], CosimOptions{Sim: "vcs"}, `unknown simulator "vcs"`},
		{"real phase", real, real.Funcs[0], CosimOptions{}, "real phase"},
		{"func of another module", m, other.Funcs[0], CosimOptions{}, "not in module"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Cosim(context.Background(), tc.m, tc.f, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Cosim() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := Generate(m.Funcs[0], Options{}); err == nil {
		t.Errorf("Generate(Steps: 0) succeeded, want an error")
	}
}

// TestParseOutput: a run never passes silently.
func TestParseOutput(t *testing.T) {
	f := lif(t).Funcs[0]
	for _, tc := range []struct {
		name, out string
		want      *Mismatch
		steps     int
		err       string
	}{
		{"pass", "VCD info: dumpfile\nPASS steps=10 signals=3\n", nil, 10, ""},
		{"fail", "FAIL step=4 signal=v_q want=ce00 got=cdff\n", &Mismatch{Step: 4, Signal: "v_q", Want: -12800, Got: -12801, GotText: "cdff"}, 5, ""},
		{"fail x", "FAIL step=0 signal=_refr_q@hold want=3f got=xx\n", &Mismatch{Step: 0, Signal: "_refr_q@hold", Want: -1, GotText: "xx"}, 1, ""},
		{"silent", "VCD info: dumpfile\n", nil, 0, "printed 0 PASS/FAIL lines"},
		{"twice", "PASS steps=1 signals=3\nPASS steps=1 signals=3\n", nil, 0, "printed 2"},
		{"wrong signals", "PASS steps=10 signals=2\n", nil, 0, "compared 2 signals"},
		{"unknown signal", "FAIL step=1 signal=w_q want=0 got=1\n", nil, 0, "unknown signal"},
		{"malformed", "PASS steps=ten signals=3\n", nil, 0, "malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := &CosimResult{}
			err := parseOutput(tc.out, f, res)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("parseOutput(%q) error = %v, want %q", tc.out, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Steps != tc.steps {
				t.Errorf("parseOutput(%q).Steps = %d, want %d", tc.out, res.Steps, tc.steps)
			}
			if (res.First == nil) != (tc.want == nil) || (tc.want != nil && *res.First != *tc.want) {
				t.Errorf("parseOutput(%q).First = %+v, want %+v", tc.out, res.First, tc.want)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	r := &CosimResult{Model: "LIF", Sim: "verilator", Steps: 10000, Signals: 3}
	if got, want := r.Summary(), "cosim LIF: 10000 steps, 3 signals per step, 0 mismatches (verilator)"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	r.Mismatches, r.First = 1, &Mismatch{Step: 4, Signal: "v_q", Want: -12800, Got: -12801}
	if got, want := r.Summary(), "cosim LIF: 10000 steps, 3 signals per step, 1 mismatches (verilator): first at step 4, v_q want -12800 got -12801"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
}

// TestGenerateDeterministic: the testbench is a function of f and opt.
func TestGenerateDeterministic(t *testing.T) {
	f := zoo(t).Funcs[0]
	a, err := Generate(f, Options{Steps: 5, HoldEvery: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(f, Options{Steps: 5, HoldEvery: 3})
	if !bytes.Equal(a, b) {
		t.Errorf("Generate is not deterministic")
	}
	for _, want := range []string{"module tb_Zoo;", "$dumpfile(\"tb_Zoo.vcd\")", "$readmemh(\"Zoo.stim.hex\", stim)", "repeat (3) @(negedge clk);\n    rst_n = 1'b1;"} {
		if !bytes.Contains(a, []byte(want)) {
			t.Errorf("Generate(Zoo) lacks %q", want)
		}
	}
}
