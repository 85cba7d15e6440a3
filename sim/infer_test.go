package sim

import (
	"math"
	"testing"

	"scc/ir"
)

// TestNoiseStream: the stream repeats for a seed, differs across seeds,
// inputs and neurons, stays within ±NoiseClamp and is standard normal to
// sampling accuracy.
func TestNoiseStream(t *testing.T) {
	const n = 200000
	a, b := NewNoise(3, 0, 0), NewNoise(3, 0, 0)
	others := []*Noise{NewNoise(4, 0, 0), NewNoise(3, 1, 0), NewNoise(3, 0, 1)}
	same := make([]int, len(others))
	var sum, sq float64
	for i := 0; i < n; i++ {
		x := a.Next()
		if y := b.Next(); x != y {
			t.Fatalf("sample %d: %v then %v for the same seed", i, x, y)
		}
		if math.Abs(x) > NoiseClamp || math.IsNaN(x) {
			t.Fatalf("sample %d = %v outside ±%d", i, x, NoiseClamp)
		}
		for k, o := range others {
			if o.Next() == x {
				same[k]++
			}
		}
		sum += x
		sq += x * x
	}
	for k, c := range same {
		if c > 10 {
			t.Errorf("stream %d repeats %d of %d samples of another seed/input/neuron", k, c, n)
		}
	}
	mean, vr := sum/n, sq/n-(sum/n)*(sum/n)
	// Standard errors: 1/√n ≈ 0.0022 for the mean, √(2/n) ≈ 0.0032 for the variance.
	if math.Abs(mean) > 0.01 || math.Abs(vr-1) > 0.015 {
		t.Errorf("mean %.4f variance %.4f, want 0 and 1", mean, vr)
	}
}

func noisyLIF(t *testing.T) *ir.Func {
	f := load(t, "lif_real.ir")
	f.Inputs = append(f.Inputs, &ir.Input{Name: "xi", Type: f.Inputs[0].Type, Noise: true})
	return f
}

// TestParseStimulusNoise: noise inputs draw the seeded stream unless the
// spec sets them; const:VALUE leaves them drawn; the seed follows
// noise:SEED, else random:SEED, else 1.
func TestParseStimulusNoise(t *testing.T) {
	f := noisyLIF(t)
	draw := func(spec string, steps int) [][]float64 {
		st, err := ParseStimulus(f, spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		var out [][]float64
		for s := 0; s < steps; s++ {
			x := make([]float64, 2)
			st.Values(s, x)
			out = append(out, x)
		}
		return out
	}
	ref := NewNoise(7, 0, 0)
	for s, x := range draw("const:I=2.5+noise:7", 50) {
		if z := ref.Next(); x[0] != 2.5 || x[1] != z {
			t.Fatalf("step %d: %v, want [2.5 %v]", s, x, z)
		}
	}
	one := NewNoise(1, 0, 0)
	for s, x := range draw("const:3", 10) {
		if z := one.Next(); x[0] != 3 || x[1] != z {
			t.Fatalf("const:3 step %d: %v, want [3 %v]", s, x, z)
		}
	}
	for s, x := range draw("const:I=1,xi=0.5", 10) {
		if x[0] != 1 || x[1] != 0.5 {
			t.Fatalf("const:I=1,xi=0.5 step %d: %v", s, x)
		}
	}
	r5 := NewNoise(5, 0, 0)
	for s, x := range draw("random:5", 10) {
		if z := r5.Next(); x[1] != z || x[0] < -20 || x[0] > 40 {
			t.Fatalf("random:5 step %d: %v (noise want %v)", s, x, z)
		}
	}
	if _, err := ParseStimulus(f, "const:1+noise:x"); err == nil {
		t.Error("noise:x accepted")
	}
}

// TestParseSpecEncodes: the bit-true source is the real stimulus encoded;
// constants that do not fit the format are errors.
func TestParseSpecEncodes(t *testing.T) {
	f := load(t, "lif_fixed.ir")
	src, err := ParseSpec(f, "const:I=2.3")
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]int64, len(f.Inputs))
	src.Next(0, raw)
	if want := int64(math.RoundToEven(2.3 * 256)); raw[0] != want {
		t.Errorf("const:I=2.3 in q8.8 = %d, want %d", raw[0], want)
	}
	if _, err := ParseSpec(f, "const:I=1000"); err == nil {
		t.Error("const:I=1000 fits q8.8?")
	}
	// random words are the same as Random's.
	a, _ := ParseSpec(f, "random:9")
	b := Random(f, 9)
	x, y := make([]int64, 1), make([]int64, 1)
	for s := 0; s < 100; s++ {
		a.Next(s, x)
		b.Next(s, y)
		if x[0] != y[0] {
			t.Fatalf("step %d: ParseSpec random:9 %d, Random %d", s, x[0], y[0])
		}
	}
}

// TestInferRanges: the inferred range is the simulated one widened by the
// margin; declared ranges and refractory counters are left alone; a clock
// gets [0, duration] and a noise input ±NoiseClamp.
func TestInferRanges(t *testing.T) {
	f := noisyLIF(t)
	f.States[0].Range = nil
	f.Inputs[0].Range = nil
	st, err := ParseStimulus(f, "const:I=30")
	if err != nil {
		t.Fatal(err)
	}
	got, err := InferRanges(f, []Stimulus{st}, 400)
	if err != nil {
		t.Fatal(err)
	}
	// Independent: v' = v + 0.005·(−65 − v + 30) from −65 rises toward
	// −35, resets at −50 and holds 20 steps.
	v, lo, hi := -65.0, -65.0, -65.0
	refr := 0.0
	for s := 0; s < 400; s++ {
		if refr != 0 {
			refr--
			continue
		}
		n := v + (-65-v+30)*0.005
		if n >= -50 {
			n, refr = -65, 20
		}
		v = n
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	m := InferMargin(lo, hi)
	if r := got["v"]; math.Abs(r.Lo-(lo-m)) > 1e-9 || math.Abs(r.Hi-(hi+m)) > 1e-9 {
		t.Errorf("v inferred %v, want [%g, %g] (observed [%g, %g] ± %g)", r, lo-m, hi+m, lo, hi, m)
	}
	if r := got["I"]; r.Lo != 30-1.5 || r.Hi != 30+1.5 {
		t.Errorf("I inferred %v, want [28.5, 31.5] (5%% of 30 each side)", r)
	}
	// A clock (v marked as one here) gets [0, duration] without a run.
	g := load(t, "lif_real.ir")
	g.States[0].Range, g.States[0].Clock = nil, true
	gr, err := InferRanges(g, nil, 400)
	if r := gr["v"]; err != nil || r.Lo != 0 || r.Hi != 400*g.Dt {
		t.Errorf("clock inferred %v (%v), want [0, %g]", r, err, 400*g.Dt)
	}
	if r := got["xi"]; r.Lo != -NoiseClamp || r.Hi != NoiseClamp {
		t.Errorf("xi inferred %v", r)
	}
	if _, ok := got["_refr"]; ok {
		t.Error("refractory counter got a range")
	}
	if _, err := DefaultSweep(f); err == nil {
		t.Error("DefaultSweep without an input range: no error")
	}
}
