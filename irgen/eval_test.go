package irgen_test

import (
	"math"
	"os"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/irgen"
)

// step evaluates one step of a real-phase function in float64: a tiny
// reference evaluator independent of sim (fit is the identity on reals).
func step(t *testing.T, f *ir.Func, state, in []float64) (next []float64, spike bool) {
	t.Helper()
	vals := make([]float64, f.NumValues())
	next = append([]float64(nil), state...)
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	for _, v := range f.Entry().Values {
		a := func(i int) float64 { return vals[v.Args[i].ID] }
		var r float64
		switch v.Op {
		case ir.OpConst:
			r = v.AuxFloat
			if v.Type == ir.Bool {
				r = float64(v.AuxInt)
			}
		case ir.OpState:
			r = state[v.AuxInt]
		case ir.OpParam:
			r = f.Params[v.AuxInt].Value
		case ir.OpInput:
			r = in[v.AuxInt]
		case ir.OpAdd:
			r = a(0) + a(1)
		case ir.OpSub:
			r = a(0) - a(1)
		case ir.OpMul:
			r = a(0) * a(1)
		case ir.OpDiv:
			r = a(0) / a(1)
		case ir.OpNeg:
			r = -a(0)
		case ir.OpLt:
			r = b2f(a(0) < a(1))
		case ir.OpLe:
			r = b2f(a(0) <= a(1))
		case ir.OpGt:
			r = b2f(a(0) > a(1))
		case ir.OpGe:
			r = b2f(a(0) >= a(1))
		case ir.OpEq:
			r = b2f(a(0) == a(1))
		case ir.OpNe:
			r = b2f(a(0) != a(1))
		case ir.OpAnd:
			r = b2f(a(0) != 0 && a(1) != 0)
		case ir.OpOr:
			r = b2f(a(0) != 0 || a(1) != 0)
		case ir.OpNot:
			r = b2f(a(0) == 0)
		case ir.OpSelect:
			r = a(2)
			if a(0) != 0 {
				r = a(1)
			}
		case ir.OpCall:
			args := make([]float64, len(v.Args))
			for i := range args {
				args[i] = a(i)
			}
			var ok bool
			if r, ok = fixed.Call(v.AuxName, args); !ok {
				t.Fatalf("unknown call %s", v.LongString())
			}
		case ir.OpFit:
			r = a(0)
		case ir.OpNext:
			next[v.AuxInt] = a(0)
		case ir.OpSpike:
			spike = a(0) != 0
		case ir.OpAssert:
			if a(0) == 0 {
				t.Errorf("assertion failed: %s", v.LongString())
			}
		default:
			t.Fatalf("unexpected op %s", v.LongString())
		}
		vals[v.ID] = r
	}
	return next, spike
}

func initial(f *ir.Func) []float64 {
	s := make([]float64, len(f.States))
	for i, st := range f.States {
		s[i] = st.Init
	}
	return s
}

func readModel(t *testing.T, path, extra string) []byte {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if extra == "" {
		return src
	}
	// Insert option lines before the model's closing brace.
	i := len(src) - 1
	for i >= 0 && src[i] != '}' {
		i--
	}
	return append(append(append([]byte(nil), src[:i]...), []byte(extra+"\n")...), src[i:]...)
}

// TestLIFRelaxes: below threshold, exact Euler follows the analytic
// solution v(t) = v_inf + (v0 - v_inf)·e^(-t/tau) with v_inf = v_rest + R·I
// to rounding error; Euler converges to the same v_inf.
func TestLIFRelaxes(t *testing.T) {
	const (
		tau, vRest, R, I, dt = 20.0, -65.0, 1.0, 10.0, 0.1
		vInf                 = vRest + R*I
	)
	for _, method := range []string{"exact", "euler", "rk2", "rk4"} {
		t.Run(method, func(t *testing.T) {
			m := compile(t, "lif.snn", readModel(t, "../models/lif.snn", "    method "+method), irgen.Options{})
			f := m.Funcs[0]
			s := initial(f)
			maxErr := 0.0
			for n := 1; n <= 4000; n++ {
				var spike bool
				s, spike = step(t, f, s, []float64{I})
				if spike {
					t.Fatalf("step %d: spike below threshold (v = %v)", n, s[0])
				}
				want := vInf + (vRest-vInf)*math.Exp(-float64(n)*dt/tau)
				maxErr = math.Max(maxErr, math.Abs(s[0]-want))
			}
			if got := s[0]; math.Abs(got-vInf) > 1e-6 {
				t.Errorf("v after 400 ms = %v, want %v", got, vInf)
			}
			limit := map[string]float64{"exact": 1e-9, "euler": 0.05, "rk2": 1e-4, "rk4": 1e-8}[method]
			if maxErr > limit {
				t.Errorf("max |v - analytic| = %g, want <= %g", maxErr, limit)
			}
		})
	}
}

// TestLIFRefractory: after a spike v is reset, then held for the 20 steps
// of `refractory 2 ms` (unless refractory), silent, then integrates again.
func TestLIFRefractory(t *testing.T) {
	m := compile(t, "lif.snn", readModel(t, "../models/lif.snn", ""), irgen.Options{})
	f := m.Funcs[0]
	s := initial(f)
	first := -1
	var spikes []int
	for n := 0; n < 600; n++ {
		var spike bool
		s, spike = step(t, f, s, []float64{40})
		if spike {
			spikes = append(spikes, n)
			if first < 0 {
				first = n
			}
		}
		if first >= 0 && n > first && n <= first+20 {
			if s[0] != -70 {
				t.Errorf("step %d (refractory): v = %v, want -70", n, s[0])
			}
			if spike {
				t.Errorf("step %d: spike while refractory", n)
			}
		}
	}
	if len(spikes) < 2 || spikes[1]-spikes[0] <= 20 {
		t.Errorf("spikes at %v: want a regular train with gaps > 20 steps", spikes)
	}
}

// TestOverride: Options.Params and Options.Dt re-evaluate everything that
// depends on them (initial values, refractory steps).
func TestOverride(t *testing.T) {
	m := compile(t, "lif.snn", readModel(t, "../models/lif.snn", ""),
		irgen.Options{Dt: 0.5, Params: map[string]float64{"v_rest": -60}})
	f := m.Funcs[0]
	if f.Dt != 0.5 || f.States[0].Init != -60 {
		t.Errorf("dt = %v, v init = %v; want 0.5, -60", f.Dt, f.States[0].Init)
	}
	found := false
	for _, v := range f.Entry().Values {
		if v.Op == ir.OpConst && v.AuxFloat == 4 { // 2 ms / 0.5 ms
			found = true
		}
	}
	if !found {
		t.Errorf("no refractory load of 4 steps in\n%s", f)
	}
}

// TestSeedLIF checks the seed LIF's map, reset and 2-step clamp by hand.
func TestSeedLIF(t *testing.T) {
	m := compile(t, "seed.snn", readModel(t, "../models/seed_lif.snn", ""), irgen.Options{})
	f := m.Funcs[0]
	s := initial(f)
	in := []float64{0.5, 1, 0.75, 0} // leak_k, gain_k, I_t, noise_in
	type want struct {
		v     float64
		spike bool
	}
	// v' = v + (0 - v)·0.5 + 0.75: 0.75, 1.125 → spike, reset 0; then two
	// refractory steps at v_rest = 0; then 0.75 again.
	wants := []want{{0.75, false}, {0, true}, {0, false}, {0, false}, {0.75, false}}
	for n, w := range wants {
		var spike bool
		s, spike = step(t, f, s, in)
		if s[0] != w.v || spike != w.spike {
			t.Errorf("step %d: v = %v spike = %v, want %v %v", n, s[0], spike, w.v, w.spike)
		}
	}
}
