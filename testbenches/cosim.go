package testbenches

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"scc/backend/sv"
	"scc/fixed"
	"scc/ir"
	"scc/sim"
)

// CosimOptions configure Cosim.
type CosimOptions struct {
	// Sim is the RTL simulator: "iverilog" (default) or "verilator".
	Sim string
	// Steps is the number of steps to run (default 1000).
	Steps int
	// Seed seeds the random stimulus (sim.Random).
	Seed uint64
	// Dir is the work directory for the RTL, testbench, stimulus, build and
	// VCD; "" uses a temporary directory that is removed afterwards (and
	// CosimResult.VCD is then empty).
	Dir string
	// Version is the scc version written into generated headers.
	Version string
}

// Mismatch is the first difference between the golden model and the RTL.
type Mismatch struct {
	Step   int    // trace row (0-based step)
	Signal string // "spike" or a state port; "<port>@hold" while en was low
	Want   int64  // the golden raw word (sign-extended from the port width)
	Got    int64  // the RTL word; 0 when it had X or Z bits (see GotText)
	// GotText is the RTL word as the testbench printed it, in hex.
	GotText string
}

// CosimResult is the outcome of one co-simulation.
type CosimResult struct {
	Model string // the func's name
	Sim   string // "iverilog" or "verilator"
	Steps int    // steps the testbench ran
	// Signals is the number of signals compared after every step (spike
	// and every state word).
	Signals int
	// Mismatches is 0 or 1: the testbench stops at the first mismatch.
	Mismatches int
	First      *Mismatch
	// Spikes is the number of spikes in the golden trace (a run without
	// spikes leaves the reset and refractory logic unexercised).
	Spikes int
	VCD    string // path of the testbench's dump ("" with a temporary Dir)
	Output string // the simulator's output
}

// Summary returns a one-line report, e.g. "cosim LIF: 10000 steps, 3
// signals per step, 0 mismatches (verilator)".
func (r *CosimResult) Summary() string {
	s := fmt.Sprintf("cosim %s: %d steps, %d signals per step, %d mismatches (%s)",
		r.Model, r.Steps, r.Signals, r.Mismatches, r.Sim)
	if r.First != nil {
		got := strconv.FormatInt(r.First.Got, 10)
		if strings.ContainsAny(r.First.GotText, "xXzZ") {
			got = r.First.GotText
		}
		s += fmt.Sprintf(": first at step %d, %s want %d got %s", r.First.Step, r.First.Signal, r.First.Want, got)
	}
	return s
}

// Cosim runs f (a func of the fixed-phase module m) for opt.Steps steps in
// the bit-true golden model with seeded random inputs within each input's
// declared range (sim.Random; words are wrapped to the input's own format
// when it differs from f.Format), emits its RTL with sv.Emit, and compares
// every output of every step in the RTL simulator opt.Sim. A mismatch is
// reported in the result, not as an error; errors are for runs that could
// not be checked (a missing tool, a build failure, a testbench that printed
// neither PASS nor FAIL or ran a different number of steps).
func Cosim(ctx context.Context, m *ir.Module, f *ir.Func, opt CosimOptions) (*CosimResult, error) {
	if err := checkModule(m, f); err != nil {
		return nil, err
	}
	if opt.Steps == 0 {
		opt.Steps = 1000
	}
	tr, err := sim.RunFixed(f, Stimulus(f, opt.Seed), opt.Steps)
	var ae *sim.AssertError
	if err != nil && !errors.As(err, &ae) {
		return nil, fmt.Errorf("cosim %s: golden model: %v", f.Name, err)
	}
	return CosimTrace(ctx, m, f, tr, opt)
}

func checkModule(m *ir.Module, f *ir.Func) error {
	if m == nil || f == nil {
		return errors.New("cosim: nil module or func")
	}
	if m.Phase != ir.Fixed {
		return fmt.Errorf("cosim: module %q is in the %v phase, want fixed", m.File, m.Phase)
	}
	if m.Func(f.Name) != f {
		return fmt.Errorf("cosim: func %s is not in module %q", f.Name, m.File)
	}
	return nil
}

// CosimTrace is Cosim against a given golden trace tr of f (its Inputs
// drive the RTL, its Raw and Spikes are expected); opt.Steps and opt.Seed
// are ignored.
func CosimTrace(ctx context.Context, m *ir.Module, f *ir.Func, tr *sim.Trace, opt CosimOptions) (*CosimResult, error) {
	if err := checkModule(m, f); err != nil {
		return nil, err
	}
	simName := or(opt.Sim, "iverilog")
	runner := map[string]func(context.Context, string, []string, string) (string, error){
		"iverilog": RunIcarus, "verilator": RunVerilator,
	}[simName]
	if runner == nil {
		return nil, fmt.Errorf("cosim: unknown simulator %q: expected iverilog or verilator", simName)
	}
	steps := len(tr.Spikes)
	if steps == 0 {
		return nil, fmt.Errorf("cosim %s: empty golden trace", f.Name)
	}
	dir := opt.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "scc-cosim-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}

	var rtl, stim, want bytes.Buffer
	if err := sv.Emit(&rtl, m, sv.Options{Top: f.Name, Version: opt.Version}); err != nil {
		return nil, fmt.Errorf("cosim %s: %v", f.Name, err)
	}
	if err := WriteStimulus(&stim, f, tr.Inputs); err != nil {
		return nil, err
	}
	if err := WriteExpected(&want, f, tr); err != nil {
		return nil, err
	}
	topt := Options{Steps: steps, HoldEvery: 7, Version: opt.Version}
	tb, err := Generate(f, topt)
	if err != nil {
		return nil, err
	}
	dut := f.ModuleName() + ".sv"
	tbFile := TopName(f) + ".sv"
	files := []struct {
		name string
		data []byte
	}{{dut, rtl.Bytes()}, {tbFile, tb}, {topt.stimulus(f), stim.Bytes()}, {topt.expected(f), want.Bytes()}}
	for _, fl := range files {
		if err := os.WriteFile(filepath.Join(dir, fl.name), fl.data, 0o644); err != nil {
			return nil, err
		}
	}
	out, err := runner(ctx, dir, []string{dut, tbFile}, TopName(f))
	if err != nil {
		return nil, fmt.Errorf("cosim %s (%s): %v", f.Name, simName, err)
	}
	res := &CosimResult{Model: f.Name, Sim: simName, Output: out, Spikes: tr.SpikeCount()}
	if opt.Dir != "" {
		res.VCD = filepath.Join(dir, topt.vcd(f))
	}
	if err := parseOutput(out, f, res); err != nil {
		return nil, fmt.Errorf("cosim %s (%s): %v", f.Name, simName, err)
	}
	if res.First == nil && res.Steps != steps {
		return nil, fmt.Errorf("cosim %s (%s): testbench ran %d steps, want %d", f.Name, simName, res.Steps, steps)
	}
	return res, nil
}

// parseOutput reads the testbench's final PASS or FAIL line into res.
func parseOutput(out string, f *ir.Func, res *CosimResult) error {
	var last string
	n := 0
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "PASS ") || strings.HasPrefix(l, "FAIL ") {
			last = l
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("testbench printed %d PASS/FAIL lines, want exactly 1; output:\n%s", n, tail(out, 20))
	}
	kv := map[string]string{}
	for _, field := range strings.Fields(last)[1:] {
		k, v, _ := strings.Cut(field, "=")
		kv[k] = v
	}
	res.Signals = len(f.States) + 1
	if strings.HasPrefix(last, "PASS") {
		steps, err1 := strconv.Atoi(kv["steps"])
		sigs, err2 := strconv.Atoi(kv["signals"])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("malformed result line %q", last)
		}
		if sigs != res.Signals {
			return fmt.Errorf("testbench compared %d signals per step, want %d", sigs, res.Signals)
		}
		res.Steps = steps
		return nil
	}
	step, err := strconv.Atoi(kv["step"])
	if err != nil {
		return fmt.Errorf("malformed result line %q", last)
	}
	mm := &Mismatch{Step: step, Signal: kv["signal"], GotText: kv["got"]}
	port, _, _ := strings.Cut(mm.Signal, "@")
	w, sgn := 1, false
	if i := indexOf(Signals(f), port); i > 0 {
		w, sgn = f.States[i-1].Type.Width(), f.States[i-1].Type.Fmt.Signed
	} else if i < 0 {
		return fmt.Errorf("result line %q names an unknown signal", last)
	}
	if mm.Want, err = parseWord(kv["want"], w, sgn); err != nil {
		return fmt.Errorf("malformed result line %q: %v", last, err)
	}
	mm.Got, _ = parseWord(kv["got"], w, sgn) // X or Z bits leave Got 0
	res.Steps = step + 1
	res.Mismatches = 1
	res.First = mm
	return nil
}

func indexOf(names []string, s string) int {
	for i, n := range names {
		if n == s {
			return i
		}
	}
	return -1
}

// parseWord reads a hex word of width w as the raw value of a signed or
// unsigned format.
func parseWord(s string, w int, signed bool) (int64, error) {
	u, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, err
	}
	if signed {
		return fixed.WrapTo(int64(u), fixed.Q(w, 0)), nil
	}
	return fixed.WrapTo(int64(u), fixed.UQ(w, 0)), nil
}

// Stimulus returns the random source Cosim drives f with: sim.Random(f,
// seed), with each word wrapped to its input's own format (the identity when
// the input has f.Format, as after quantize). sim.Random cannot draw from a
// range of 2^64 words (rand.Int64N(hi-lo+1) overflows), so an input whose
// range is the whole of a 64-bit format is drawn from its own seeded uniform
// 64-bit stream instead.
func Stimulus(f *ir.Func, seed uint64) sim.Source {
	full := false
	for i := range f.Inputs {
		lo, hi := sim.InputRange(f, i)
		full = full || uint64(hi-lo) == math.MaxUint64
	}
	if full {
		return wrapSource{src: &full64{rng: rand.New(rand.NewPCG(seed, 0x5cc5cc))}, f: f}
	}
	return wrapSource{src: sim.Random(f, seed), f: f}
}

// full64 draws every word uniformly from all 2^64 patterns.
type full64 struct{ rng *rand.Rand }

func (s *full64) Next(step int, raw []int64) {
	for i := range raw {
		raw[i] = int64(s.rng.Uint64())
	}
}

// wrapSource reinterprets each input word in the input's own format (the
// identity when the input has f.Format, as after quantize).
type wrapSource struct {
	src sim.Source
	f   *ir.Func
}

func (w wrapSource) Next(step int, raw []int64) {
	w.src.Next(step, raw)
	for i, in := range w.f.Inputs {
		if in.Type.Kind == ir.KFixed {
			raw[i] = fixed.WrapTo(raw[i], in.Type.Fmt)
		}
	}
}
