package sim_test

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
	"scc/passes"
	"scc/sim"
)

// compileModule runs the whole pipeline on src and returns the real-phase
// module (irgen's output) and the fixed-phase one. ranged gives every
// nonzero parameter a range of ±10 % around its value and keeps parameters
// as data (a generic module); when quantize cannot serve the range the
// module is compiled specialised instead (ranged reports which).
func compileModule(t testing.TB, name string, src []byte, ranged bool) (real, fix *ir.Module, generic bool) {
	t.Helper()
	real, fix, generic, err := compileProfile(t, name, src, ranged, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return real, fix, generic
}

// compileProfile is compileModule with a state format profile (nil: the
// model's own); a pipeline error is returned.
func compileProfile(t testing.TB, name string, src []byte, ranged bool, prof *fixed.Profile) (real, fix *ir.Module, generic bool, err error) {
	t.Helper()
	lower := func(rng bool) (*ir.Module, *ir.Module, error) {
		f, err := parser.ParseFile(name, src)
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
		r, err := ir.Parse(m.String())
		if err != nil {
			t.Fatal(err)
		}
		if rng {
			for _, fn := range m.Funcs {
				for _, p := range fn.Params {
					if p.Value != 0 && p.Range == nil {
						lo, hi := 0.9*p.Value, 1.1*p.Value
						p.Range = &ir.Range{Lo: min(lo, hi), Hi: max(lo, hi)}
					}
				}
			}
		}
		_, err = passes.Run(m, passes.Options{Check: true, KeepParams: rng, Profile: prof})
		return r, m, err
	}
	if ranged {
		if r, m, err := lower(true); err == nil {
			return r, m, true, nil
		}
	}
	r, m, err := lower(false)
	return r, m, false, err
}

func libraryModels(t testing.TB) []string {
	files, err := filepath.Glob("../models/*.snn")
	if err != nil || len(files) == 0 {
		t.Fatalf("no library models: %v", err)
	}
	return files
}

// inputWord draws a raw word for input in: mostly inside its declared range
// (in its own format), sometimes anywhere in the format (saturation paths).
func inputWord(rng *rand.Rand, in *ir.Input) int64 {
	fm := in.Type.Fmt
	if in.Type.Kind == ir.KBool {
		return int64(rng.IntN(2))
	}
	lo, hi := fm.Min(), fm.Max()
	if r := in.Range; r != nil && rng.IntN(10) != 0 {
		l, h := math.Ceil(math.Ldexp(r.Lo, fm.Frac)), math.Floor(math.Ldexp(r.Hi, fm.Frac))
		if l > float64(lo) && l < float64(hi) {
			lo = int64(l)
		}
		if h < float64(hi) && h > float64(lo) {
			hi = int64(h)
		}
	}
	return lo + int64(rng.Uint64N(uint64(hi-lo)+1))
}

func inputValue(rng *rand.Rand, in *ir.Input) float64 {
	lo, hi := -10.0, 10.0
	if r := in.Range; r != nil {
		lo, hi = r.Lo, r.Hi
	}
	return lo + (hi-lo)*rng.Float64()
}

// TestBatchMatchesScalar: for every library model, the batched
// interpreters (fixed and float) run 300 neurons (more than one block),
// each with its own parameters where the module is generic and its own
// random inputs, and agree with one scalar interpreter per neuron on every
// state word (float: every bit) and spike at every step of 250.
func TestBatchMatchesScalar(t *testing.T) {
	const n, steps = 300, 250
	for _, file := range libraryModels(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		real, fix, generic := compileModule(t, filepath.Base(file), src, true)
		for fi, f := range fix.Funcs {
			t.Run(filepath.Base(file)+"/"+f.Name, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(fi), 99))
				testBatchFixed(t, f, n, steps, generic, rng)
				testBatchFloat(t, real.Funcs[fi], n, steps, rng)
			})
		}
	}
}

// TestBatchProfiles repeats the fixed-phase comparison with the library
// compiled to other state formats (auto:16 with per-state binary points,
// auto:24, a coarse q12.4 and a 28-bit q16.12), which reach other
// kernels (wide words, other shifts, big compares).
func TestBatchProfiles(t *testing.T) {
	const n, steps = 300, 150
	for _, ps := range []string{"auto:16", "auto:24", "q12.4", "q16.12"} {
		prof, err := fixed.ParseProfile(ps)
		if err != nil {
			t.Fatal(err)
		}
		ran := 0
		for _, file := range libraryModels(t) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, fix, generic, err := compileProfile(t, filepath.Base(file), src, true, &prof)
			if err != nil {
				t.Logf("%s %s: not compiled: %v", ps, filepath.Base(file), err)
				continue
			}
			ran++
			for fi, f := range fix.Funcs {
				t.Run(ps+"/"+filepath.Base(file)+"/"+f.Name, func(t *testing.T) {
					testBatchFixed(t, f, n, steps, generic, rand.New(rand.NewPCG(uint64(fi), 7)))
				})
			}
		}
		if ran == 0 {
			t.Fatalf("%s: no model compiled", ps)
		}
	}
}

func randomParams(rng *rand.Rand, f *ir.Func) []float64 {
	vals := f.ParamDefaults()
	for k, p := range f.Params {
		if r := p.Range; r != nil {
			vals[k] = r.Lo + (r.Hi-r.Lo)*rng.Float64()
		}
	}
	return vals
}

func testBatchFixed(t *testing.T, f *ir.Func, n, steps int, generic bool, rng *rand.Rand) {
	b, err := sim.NewBatchFixed(f, n)
	if err != nil {
		t.Fatal(err)
	}
	ref := make([]*sim.Fixed, n)
	for i := range ref {
		if ref[i], err = sim.NewFixed(f); err != nil {
			t.Fatal(err)
		}
		if generic && i%3 != 0 { // every third neuron keeps the defaults
			vals := randomParams(rng, f)
			if err := ref[i].SetParams(vals); err != nil {
				t.Fatal(err)
			}
			if err := b.SetParams(i, vals); err != nil {
				t.Fatal(err)
			}
		}
	}
	in := make([]int64, len(f.Inputs))
	spikes := 0
	for s := 1; s <= steps; s++ {
		for i := range ref {
			for p := range in {
				in[p] = inputWord(rng, f.Inputs[p])
				b.In[p][i] = in[p]
			}
			ref[i].Step(in) // assertions: compared below through the states
		}
		b.Step()
		for i, r := range ref {
			if r.Spike != b.Spike[i] {
				t.Fatalf("step %d neuron %d: spike batch %v, scalar %v", s, i, b.Spike[i], r.Spike)
			}
			if r.Spike {
				spikes++
			}
			for k, w := range r.State {
				if b.State[k][i] != w {
					t.Fatalf("step %d neuron %d state %s: batch %d, scalar %d", s, i, f.States[k].Name, b.State[k][i], w)
				}
			}
		}
	}
	t.Logf("fixed: %d spikes, generic %v", spikes, generic)
}

func testBatchFloat(t *testing.T, f *ir.Func, n, steps int, rng *rand.Rand) {
	b, err := sim.NewBatchFloat(f, n)
	if err != nil {
		t.Fatal(err)
	}
	ref := make([]*sim.Float, n)
	for i := range ref {
		if ref[i], err = sim.NewFloat(f); err != nil {
			t.Fatal(err)
		}
	}
	// Per-neuron parameters: the even ones from the start, the odd ones
	// from halfway (a parameter BatchFloat hoisted as uniform stops being).
	setParams := func(odd int) {
		for i := range ref {
			if i%3 == 0 {
				continue
			}
			for k, p := range f.Params {
				if k%2 == odd {
					x := p.Value * (0.9 + 0.2*rng.Float64())
					ref[i].Params[k] = x
					b.SetParam(i, k, x)
				}
			}
		}
	}
	setParams(0)
	in := make([]float64, len(f.Inputs))
	spikes := 0
	for s := 1; s <= steps; s++ {
		if s == steps/2+1 {
			setParams(1)
		}
		for i := range ref {
			for p := range in {
				in[p] = inputValue(rng, f.Inputs[p])
				b.In[p][i] = in[p]
			}
			ref[i].Step(in)
		}
		b.Step()
		for i, r := range ref {
			if r.Spike != b.Spike[i] {
				t.Fatalf("step %d neuron %d: spike batch %v, scalar %v", s, i, b.Spike[i], r.Spike)
			}
			if r.Spike {
				spikes++
			}
			for k, x := range r.State {
				if y := b.State[k][i]; math.Float64bits(x) != math.Float64bits(y) {
					t.Fatalf("step %d neuron %d state %s: batch %v, scalar %v", s, i, f.States[k].Name, y, x)
				}
			}
		}
	}
	t.Logf("float: %d spikes", spikes)
}
