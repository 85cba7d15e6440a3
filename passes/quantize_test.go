package passes

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// randomBytes returns n reproducible pseudo-random bytes for case seed.
func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 0x5cc))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// upTo returns the pipeline prefix ending with the named pass.
func upTo(name string) []pass { return pipeline[:passIndex(name)+1] }

// TestQuantizeIntervalsBruteForce quantizes random q4.4 functions of one
// state and one input and evaluates them exactly for every pair of raw
// words: every raw result must lie in the interval quantize computed,
// every add/sub/mul/neg result must fit its type, and no cast marked wrap
// may wrap except the commit of a model that chose wrap (DESIGN §3: exact arithmetic, losses only where a cast says so).
func TestQuantizeIntervalsBruteForce(t *testing.T) {
	ft := fixed.Q(4, 4)
	cfg := genConfig{states: 1, inputs: 1, depth: 3, divs: true}
	checked := 0
	for seed := uint64(0); seed < 150; seed++ {
		m := genModule(randomBytes(seed, 64), ft, cfg)
		src := m.String()
		c := newContext(m, Options{Check: true})
		if _, err := c.run(upTo("quantize")); err != nil {
			var el lang.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("seed %d: internal error %v\n%s", seed, err, src)
			}
			continue // a user error (a constant that does not fit q4.4)
		}
		checked++
		f := m.Funcs[0]
		ivs := c.raw[f]
		nIn := len(f.Inputs)
		failures := 0
		for s := ft.Min(); s <= ft.Max() && failures < 3; s++ {
			for in := ft.Min(); in <= ft.Max() && failures < 3; in++ {
				states, inputs := []int64{s}, []int64{}
				if nIn > 0 {
					inputs = []int64{in}
				} else if in > ft.Min() {
					break
				}
				raw := evalFixed(f, states, inputs, func(v *ir.Value, exact *big.Int) {
					if v.Op == ir.OpCast && f.Overflow == fixed.Wrap && v.Type == f.States[0].Type {
						return // the commit of a model that chose overflow wrap
					}
					failures++
					t.Errorf("seed %d: state %d input %v: %s computes %v, which does not fit", seed, s, inputs, v.LongString(), exact)
				})
				for _, v := range f.Entry().Values {
					if v.Op.Info().Void || v.Type == ir.Bool {
						continue
					}
					if iv := ivs[v.ID]; !iv.Contains(raw[v.ID]) {
						failures++
						t.Errorf("seed %d: state %d input %v: %s = %d, outside its interval [%d, %d]", seed, s, inputs, v.LongString(), raw[v.ID], iv.Lo, iv.Hi)
					}
				}
			}
		}
		if failures > 0 {
			t.Logf("real IR:\n%s\nfixed IR:\n%s", src, m)
		}
	}
	if checked < 50 {
		t.Errorf("only %d of 150 random functions quantized; the generator is too hostile", checked)
	}
}

// TestRangeIntervalsBruteForce checks the real interval analysis the same
// way: every real value of the function at every q4.4 state and input
// (restricted to the state's range from StateRanges, which the fixed-point
// test below checks) lies in its interval.
func TestRangeIntervalsBruteForce(t *testing.T) {
	ft := fixed.Q(4, 4)
	cfg := genConfig{states: 1, inputs: 1, depth: 3, divs: true, calls: true}
	for seed := uint64(0); seed < 150; seed++ {
		m := genModule(randomBytes(seed, 64), ft, cfg)
		c := newContext(m, Options{Check: true})
		if _, err := c.run(upTo("range")); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		f := m.Funcs[0]
		sr, ok := reachOf(f.States[0])
		if !ok {
			t.Fatalf("seed %d: range left no fact on state %s", seed, f.States[0].Name)
		}
		fails := 0
		for s := ft.Min(); s <= ft.Max() && fails < 3; s++ {
			sx := ft.Decode(s)
			if !sr.Contains(sx) {
				continue
			}
			for in := ft.Min(); in <= ft.Max() && fails < 3; in += 3 {
				x := evalRealFunc(f, []float64{sx}, []float64{ft.Decode(in)})
				for _, v := range f.Entry().Values {
					if v.Op.Info().Void || math.IsNaN(x[v.ID]) {
						continue
					}
					if iv := factOf(v); v.Type == ir.F64 && !iv.Contains(x[v.ID]) {
						fails++
						t.Errorf("seed %d: s=%g: %s = %g outside [%g, %g]\n%s", seed, sx, v.LongString(), x[v.ID], iv.Lo, iv.Hi, m)
					}
				}
			}
		}
	}
}

// lifStep is an independent Q8.8 model of the quantized LIF of
// ir/testdata/lif_real.ir, written from DESIGN §3 with fixed's primitives:
// v' = sat(v + floor((v_rest - v + I)·c / 2^22)) with c = 0.005 in
// q-6.22, spike when v' ≥ -50 and not refractory, then reset and a
// 20-step refractory count.
func lifStep(v, refr, in int64) (nv, nrefr int64, spike bool) {
	const vRest, vTh = -65 * 256, -50 * 256
	coef, _ := fixed.Encode(0.005, fixed.Q(-6, 22))
	e := vRest - v + in
	cand := fixed.SatTo(v+fixed.ShiftRight(e*coef, 22, fixed.Floor), fixed.Q88)
	if refr != 0 {
		return v, fixed.SatTo(refr-1, fixed.Q(6, 0)), false
	}
	if cand >= vTh {
		return vRest, 20, true
	}
	return cand, 0, false
}

// TestQuantizedLIFMatchesModel runs the quantized LIF from every kind of
// state for many inputs and compares state words and spikes with lifStep,
// and bounds the quantization error against the real IR: two LSB (the
// product's floor, the commit's floor and the coefficient's rounding).
func TestQuantizedLIFMatchesModel(t *testing.T) {
	src, err := os.ReadFile("../ir/testdata/lif_real.ir")
	if err != nil {
		t.Fatal(err)
	}
	real, err := ir.Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := ir.Parse(string(src))
	if _, err := Run(m, Options{Check: true}); err != nil {
		t.Fatal(err)
	}
	f, rf := m.Funcs[0], real.Funcs[0]
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		v := int64(r.IntN(1<<16)) - 1<<15
		if i%2 == 0 {
			v = int64(r.IntN(90*256)) - 90*256 // the declared range
		}
		refr := int64(0)
		if i%5 == 0 {
			refr = int64(r.IntN(21))
		}
		in := int64(r.IntN(60*256)) - 20*256
		raw := evalFixed(f, []int64{v, refr}, []int64{in}, func(v *ir.Value, exact *big.Int) {
			t.Fatalf("%s computes %v, which does not fit", v.LongString(), exact)
		})
		wantV, wantR, wantS := lifStep(v, refr, in)
		gotV, gotS := committed(f, raw)
		if gotV[0] != wantV || gotV[1] != wantR || gotS != wantS {
			t.Fatalf("LIF(v=%d, refr=%d, I=%d) = v %d, refr %d, spike %v; want %d, %d, %v", v, refr, in, gotV[0], gotV[1], gotS, wantV, wantR, wantS)
		}
		x := evalRealFunc(rf, []float64{fixed.Q88.Decode(v), float64(refr)}, []float64{fixed.Q88.Decode(in)})
		rv, _ := committedReal(rf, x)
		if d := math.Abs(fixed.Q88.Decode(gotV[0]) - rv[0]); refr == 0 && !gotS && d > 2.0/256 {
			t.Fatalf("LIF(v=%d, I=%d): quantized %g, real %g: error %g > 2 LSB", v, in, fixed.Q88.Decode(gotV[0]), rv[0], d)
		}
	}
}

// committed returns the raw words next commits, by state, and the spike.
func committed(f *ir.Func, raw []int64) (next []int64, spike bool) {
	next = make([]int64, len(f.States))
	for _, v := range f.Entry().Values {
		switch v.Op {
		case ir.OpNext:
			next[v.AuxInt] = raw[v.Args[0].ID]
		case ir.OpSpike:
			spike = raw[v.Args[0].ID] != 0
		}
	}
	return next, spike
}

func committedReal(f *ir.Func, x []float64) (next []float64, spike bool) {
	next = make([]float64, len(f.States))
	for _, v := range f.Entry().Values {
		switch v.Op {
		case ir.OpNext:
			next[v.AuxInt] = x[v.Args[0].ID]
		case ir.OpSpike:
			spike = x[v.Args[0].ID] != 0
		}
	}
	return next, spike
}

// TestQuantizeErrors checks the exact positioned messages of user errors.
func TestQuantizeErrors(t *testing.T) {
	const head = "module \"m.snn\" real\n\nfunc M @1:1 {\n  dt 0.1\n  format q8.8\n  round floor\n  overflow sat\n"
	tests := []struct {
		name, decls, body, want string
	}{
		{
			name:  "init does not fit",
			decls: `  state "v" : f64 = 1000 @2:5` + "\n",
			body:  "  v0 = state \"v\" : f64 @3:1\n  v1 = next \"v\", v0 @3:1\n",
			want:  `m.snn:2:5: initial value 1000 of "v" does not fit q8.8 (range [-128, 127.99609375])`,
		},
		{
			name:  "negative init does not fit",
			decls: `  state "v" : f64 = -200 @2:5` + "\n",
			body:  "  v0 = state \"v\" : f64 @3:1\n  v1 = next \"v\", v0 @3:1\n",
			want:  `m.snn:2:5: initial value -200 of "v" does not fit q8.8 (range [-128, 127.99609375])`,
		},
		{
			// An addend widens (see TestQuantizeWideAddend); a constant
			// committed to a state (a reset value) must fit its format.
			name:  "constant does not fit",
			decls: `  state "v" : f64 = 0 @2:5` + "\n",
			body: "  v0 = state \"v\" : f64 @3:1\n  v1 = const 300 : f64 @3:9\n  v2 = gt v0, v1 : bool @3:7\n" +
				"  v3 = fit \"v\", v1 : f64 @3:1\n  v4 = select v2, v3, v0 : f64 @3:1\n  v5 = next \"v\", v4 @3:1\n",
			want: `m.snn:3:9: constant 300 does not fit q8.8 (range [-128, 127.99609375])`,
		},
		{
			name:  "call",
			decls: `  state "v" : f64 = 1 @2:5` + "\n" + `  input "I" : f64 @2:7` + "\n",
			body: "  v0 = state \"v\" : f64 @3:1\n  v1 = input \"I\" : f64 @3:3\n  v2 = call pow v0, v1 : f64 @3:5\n" +
				"  v3 = fit \"v\", v2 : f64 @3:1\n  v4 = next \"v\", v3 @3:1\n",
			want: `m.snn:3:5: function "pow" of 2 variables cannot be tabulated in fixed point`,
		},
		{
			name:  "too wide",
			decls: `  state "v" : f64 = 0 @2:5` + "\n",
			body: "  v0 = state \"v\" : f64 @3:1\n  v1 = mul v0, v0 : f64 @4:1\n  v2 = mul v1, v1 : f64 @5:1\n" +
				"  v3 = mul v2, v2 : f64 @6:1\n  v4 = fit \"v\", v3 : f64 @3:1\n  v5 = next \"v\", v4 @3:1\n",
			want: `m.snn:6:1: intermediate of 76 bits exceeds 64 bits`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := head + tt.decls + "b0:\n" + tt.body + "}\n"
			m, err := ir.Parse(src)
			if err != nil {
				t.Fatalf("ir.Parse: %v\n%s", err, src)
			}
			_, err = Run(m, Options{Check: true})
			var el lang.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("Run = %v, want a lang.ErrorList", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Run error = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestQuantizeFormats runs the LIF under each format override: the result
// verifies, states and inputs take the format, and the coefficient keeps
// the word width (or less, so products stay within 64 bits).
func TestQuantizeFormats(t *testing.T) {
	src, err := os.ReadFile("../ir/testdata/lif_real.ir")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"q8.8", "q16.16", "q10.6", "q12.20"} {
		t.Run(format, func(t *testing.T) {
			m, _ := ir.Parse(string(src))
			p, err := fixed.ParseProfile(format)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Run(m, Options{Check: true, Profile: &p}); err != nil {
				t.Fatalf("Run(format %s) = %v", format, err)
			}
			ft := p.Format
			f := m.Funcs[0]
			if f.States[0].Type != ir.Fix(ft) || f.Inputs[0].Type != ir.Fix(ft) {
				t.Errorf("state %v, input %v; want %v", f.States[0].Type, f.Inputs[0].Type, ft)
			}
			if !strings.Contains(m.String(), "mul") {
				t.Errorf("no mul in\n%s", m)
			}
		})
	}
}

func TestQuantizeWideAddend(t *testing.T) {
	src := "module \"m.snn\" real\n\nfunc F @1:1 {\n  dt 1\n  format q8.8\n  round floor\n  overflow sat\n" +
		"  state \"v\" : f64 = 0 @2:5\nb0:\n  v0 = state \"v\" : f64 @3:1\n  v1 = const 140 : f64 @3:9\n" +
		"  v2 = add v0, v1 : f64 @3:7\n  v3 = fit \"v\", v2 : f64 @3:1\n  v4 = next \"v\", v3 @3:1\n}\n"
	m, err := ir.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(m, Options{Check: true}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := m.String(); !strings.Contains(got, "const 35840 : q9.8") {
		t.Errorf("140 as an addend should widen to q9.8 with raw 35840:\n%s", got)
	}
}
