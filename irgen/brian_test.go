package irgen_test

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
)

// Brian2's methods against float64 implementations of Brian2's formulas
// (brian2/stateupdaters/explicit.py, exponential_euler.py) written here
// independently of irgen. Every lowered Func goes through the IR text
// first, as cmd/scc does, so the flags it carries must survive it.

// roundTrip prints and parses m, failing when the text changes.
func roundTrip(t *testing.T, m *ir.Module) *ir.Func {
	t.Helper()
	text := m.String()
	back, err := ir.Parse(text)
	if err != nil {
		t.Fatalf("ir.Parse(m.String()): %v\n%s", err, text)
	}
	if again := back.String(); again != text {
		t.Fatalf("IR text round trip changed the module")
	}
	return back.Funcs[0]
}

// lowerBrian parses Brian2 equations (parser.ParseBrian), checks and lowers
// them.
func lowerBrian(t *testing.T, opt parser.BrianOptions) (*ir.Module, error) {
	t.Helper()
	model, err := parser.ParseBrian(opt)
	if err != nil {
		t.Fatalf("ParseBrian: %v", err)
	}
	f := &lang.File{Name: "eq", Decls: []lang.Decl{model}}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return irgen.Lower(f, info, irgen.Options{})
}

func mustLowerBrian(t *testing.T, opt parser.BrianOptions) *ir.Func {
	t.Helper()
	m, err := lowerBrian(t, opt)
	if err != nil {
		t.Fatalf("Lower: %v", err)
	}
	return roundTrip(t, m)
}

func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

// TestExpEulerHH: Hodgkin–Huxley under exponential_euler (gating rates
// depend on v, the v equation's coefficient on m, h, n) follows Brian2's
// x' = −B/A + (x + B/A)·e^(A·dt) per state from pre-step values, state by
// state for 100 ms, and fires.
func TestExpEulerHH(t *testing.T) {
	m := compile(t, "hh.snn", readModel(t, "../models/hodgkin_huxley.snn", "    method exponential_euler"), irgen.Options{})
	f := roundTrip(t, m)
	const (
		gNa, gK, gL   = 120.0, 36.0, 0.3
		ENa, EK, EL   = 50.0, -77.0, -54.4
		I, dt, nsteps = 10.0, 0.02, 5000
	)
	ee := func(x, A, B float64) float64 { return -B/A + (x+B/A)*math.Exp(A*dt) }
	ref := []float64{-65, -65, 0.05, 0.6, 0.32} // v, v_prev, m, h, n
	s := initial(f)
	var got, want int
	for n := 0; n < nsteps; n++ {
		v, m, h, nn := ref[0], ref[2], ref[3], ref[4]
		am := 0.1 * (v + 40) / (1 - math.Exp(-(v+40)/10))
		bm := 4 * math.Exp(-(v+65)/18)
		ah := 0.07 * math.Exp(-(v+65)/20)
		bh := 1 / (1 + math.Exp(-(v+35)/10))
		an := 0.01 * (v + 55) / (1 - math.Exp(-(v+55)/10))
		bn := 0.125 * math.Exp(-(v+65)/80)
		gna, gk := gNa*m*m*m*h, gK*nn*nn*nn*nn
		next := []float64{
			ee(v, -(gna + gk + gL), gna*ENa+gk*EK+gL*EL+I),
			v,
			ee(m, -(am + bm), am),
			ee(h, -(ah + bh), ah),
			ee(nn, -(an + bn), an),
		}
		if next[0] >= 0 && v < 0 {
			want++
		}
		ref = next
		var spike bool
		s, spike = step(t, f, s, []float64{I})
		if spike {
			got++
		}
		for i := range ref {
			if !near(s[i], ref[i]) {
				t.Fatalf("step %d: %s = %.15g, Brian2's exponential_euler gives %.15g", n, f.States[i].Name, s[i], ref[i])
			}
		}
	}
	if got != want || want < 5 {
		t.Errorf("%d spikes, reference %d (want several)", got, want)
	}
}

// TestExpEulerExpTerm: Brian2 collects the AdEx exponential, which reads
// v, into B (sympy's collect keeps exp(v) as a coefficient of v^0): A is
// −1/tau, and the step is −B/A + (v + B/A)·e^(−dt/tau) with B from the
// pre-step v.
func TestExpEulerExpTerm(t *testing.T) {
	m := compile(t, "adex.snn", readModel(t, "../models/adex.snn", "    method exponential_euler"), irgen.Options{})
	f := roundTrip(t, m)
	const (
		vRest, vReset, vTh, vRh, DT = -65.0, -68.0, -45.0, -55.0, 2.0
		tau, tauW, a, b, C, I, dt   = 20.0, 100.0, 0.5e-3, 7e-3, 0.2, 0.3, 0.1 // uS, nA, nF, nA
	)
	ee := func(x, A, B float64) float64 { return -B/A + (x+B/A)*math.Exp(A*dt) }
	v, w := vRest, 0.0
	s := initial(f)
	spikes := 0
	for n := 0; n < 3000; n++ {
		nv := ee(v, -1/tau, (vRest+DT*math.Exp((v-vRh)/DT))/tau+(I-w)/C)
		nw := ee(w, -1/tauW, a*(v-vRest)/tauW)
		spike := nv >= vTh
		if spike {
			nv, nw = vReset, nw+b
			spikes++
		}
		v, w = nv, nw
		var got bool
		s, got = step(t, f, s, []float64{I})
		if got != spike || !near(s[0], v) || !near(s[1], w) {
			t.Fatalf("step %d: v = %.15g w = %.15g spike %v, reference %.15g %.15g %v", n, s[0], s[1], got, v, w, spike)
		}
	}
	if spikes < 3 {
		t.Errorf("%d spikes in 300 ms, want several", spikes)
	}
}

// TestExpEulerErrors: a right side that is not A·x + B (a power of x
// other than 1, or no linear term at all) is a positioned error naming
// the state and the term; so are noise terms under exponential_euler.
func TestExpEulerErrors(t *testing.T) {
	for _, tt := range []struct {
		name, eq string
		want     []string
	}{
		{"square", "dv/dt = (v^2 / mV - v) / tau", []string{"in.snn:5:", "dv/dt = A*v + B", "v^2", "power 2"}},
		{"izhikevich", "dv/dt = (0.04 / mV * v * v + 5 * v + 140 mV) / ms", []string{"in.snn:5:", "to the power 2"}},
		{"inverse", "dv/dt = -v / tau + mV * mV / v / ms", []string{"in.snn:5:", "power -1"}},
		{"nolinear", "dv/dt = mV * exp(v / mV) / tau", []string{"in.snn:5:", "no term is linear"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "model M {\n    method exponential_euler\n    param tau = 10 ms\n    state v = -60 mV\n    " + tt.eq + "\n}\n"
			_, err := lowerText(t, "in.snn", []byte(src), irgen.Options{})
			if err == nil {
				t.Fatalf("no error for %s", tt.eq)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	// Accepted: linear in v with coefficients reading other states and v
	// inside a function (Brian2's conditionally linear systems).
	src := "model M {\n    method exponential_euler\n    param tau = 10 ms\n    state v = -60 mV\n    state u = 1\n" +
		"    dv/dt = (-v * u * exp(v / mV / 100) + u * 3 mV) / tau\n    du/dt = (1 - u) / tau + v * u / mV / tau / 1000\n}\n"
	if _, err := lowerText(t, "in.snn", []byte(src), irgen.Options{}); err != nil {
		t.Errorf("conditionally linear model rejected: %v", err)
	}
}

// normals returns n standard normal samples clamped to ±6, seeded.
func normals(seed int64, n int) []float64 {
	r := rand.New(rand.NewSource(seed))
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Max(-6, math.Min(6, r.NormFloat64()))
	}
	return x
}

// lowerBrianErr returns the first error of parsing, checking or lowering
// (a refusal may come from the checker or from irgen).
func lowerBrianErr(t *testing.T, opt parser.BrianOptions) (*ir.Module, error) {
	t.Helper()
	model, err := parser.ParseBrian(opt)
	if err != nil {
		return nil, err
	}
	f := &lang.File{Name: "eq", Decls: []lang.Decl{model}}
	info, err := lang.Check(f)
	if err != nil {
		return nil, err
	}
	return irgen.Lower(f, info, irgen.Options{})
}

// TestBrianStepConstant: a `(constant over dt)` subexpression is computed
// once from the pre-step values and every rk4 stage reads it; an ordinary
// one is re-evaluated at each stage's values.
func TestBrianStepConstant(t *testing.T) {
	const tau, k, dt = 10.0, 0.5, 0.1
	f0 := func(v, s float64) float64 { return (s + 10 - v) / tau }
	rk4 := func(v float64, sub func(float64) float64, frozen bool) float64 {
		s0 := sub(v)
		at := func(x float64) float64 {
			if frozen {
				return f0(x, s0)
			}
			return f0(x, sub(x))
		}
		k1 := dt * at(v)
		k2 := dt * at(v+k1/2)
		k3 := dt * at(v+k2/2)
		k4 := dt * at(v+k3)
		return v + (k1+2*k2+2*k3+k4)/6
	}
	sub := func(v float64) float64 { return k * math.Sin(v/3) } // mV
	for _, frozen := range []bool{true, false} {
		flag := ""
		if frozen {
			flag = " (constant over dt)"
		}
		f := mustLowerBrian(t, parser.BrianOptions{
			Equations: []string{"dv/dt = (I_s + 10*mV - v)/tau : volt", "I_s = k*sin(v/(3*mV))*mV : volt" + flag},
			Params:    []string{"tau=10*ms", "k=0.5"}, Method: "rk4", Init: []string{"v=-5*mV"}})
		s := initial(f)
		v := -5.0
		for n := 0; n < 300; n++ {
			v = rk4(v, sub, frozen)
			s, _ = step(t, f, s, nil)
			if !near(s[0], v) {
				t.Fatalf("%s step %d: v = %.15g, reference %.15g", flag, n, s[0], v)
			}
		}
	}
}

// TestBrianNoNoise: Brian2's heun and milstein without noise terms are
// Euler (explicit.py: the g terms vanish), as is euler_maruyama.
func TestBrianNoNoise(t *testing.T) {
	const tau, dt = 10.0, 0.1
	for _, method := range []string{"heun", "milstein", "euler_maruyama"} {
		f := mustLowerBrian(t, parser.BrianOptions{
			Equations: []string{"dv/dt = (20*mV - v)/tau + w/tau : volt", "dw/dt = -w*v/(tau*mV) : volt"},
			Params:    []string{"tau=10*ms"}, Method: method, Init: []string{"v=-5*mV", "w=1*mV"}})
		s := initial(f)
		v, w := -5.0, 1.0
		for n := 0; n < 300; n++ {
			v, w = v+dt*((20-v)/tau+w/tau), w+dt*(-w*v/tau)
			s, _ = step(t, f, s, nil)
			if !near(s[0], v) || !near(s[1], w) {
				t.Fatalf("%s step %d: v, w = %.15g, %.15g, Euler gives %.15g, %.15g", method, n, s[0], s[1], v, w)
			}
		}
	}
}

// inputsByName builds an input vector for f from named values.
func inputsByName(t *testing.T, f *ir.Func, vals map[string]float64) []float64 {
	t.Helper()
	in := make([]float64, len(f.Inputs))
	for name, x := range vals {
		i := f.InputIndex(name)
		if i < 0 {
			t.Fatalf("no input %q in %s", name, f)
		}
		in[i] = x
	}
	return in
}

// TestBrianTime: t is a hidden clock state (0, then +dt a step, not a
// model state) and every method reads it as Brian2 does: pre-step t, and
// t + c·dt in the stages of rk2 (c = ½) and rk4 (½, ½, 1).
func TestBrianTime(t *testing.T) {
	const tau, k, dt = 10.0, 2.0, 0.1 // k in mV/ms
	rhs := func(v, tm float64) float64 { return (-v + k*tm*math.Cos(tm/7)) / tau }
	refs := map[string]func(v, tm float64) float64{
		"euler": func(v, tm float64) float64 { return v + dt*rhs(v, tm) },
		"rk2": func(v, tm float64) float64 {
			k1 := dt * rhs(v, tm)
			return v + dt*rhs(v+k1/2, tm+dt/2)
		},
		"rk4": func(v, tm float64) float64 {
			k1 := dt * rhs(v, tm)
			k2 := dt * rhs(v+k1/2, tm+dt/2)
			k3 := dt * rhs(v+k2/2, tm+dt/2)
			k4 := dt * rhs(v+k3, tm+dt)
			return v + (k1+2*k2+2*k3+k4)/6
		},
		"exponential_euler": func(v, tm float64) float64 {
			A, B := -1/tau, k*tm*math.Cos(tm/7)/tau
			return -B/A + (v+B/A)*math.Exp(A*dt)
		},
	}
	for method, ref := range refs {
		t.Run(method, func(t *testing.T) {
			m, err := lowerBrian(t, parser.BrianOptions{
				Equations: []string{"dv/dt = (-v + k*t*cos(t/(7*ms)))/tau : volt"},
				Params:    []string{"tau=10*ms", "k=2*mV/ms"}, Method: method, Dt: "0.1*ms"})
			if err != nil {
				t.Fatal(err)
			}
			f := roundTrip(t, m)
			ci := f.StateIndex("t")
			if ci < 0 || !f.States[ci].Clock || f.States[ci].Init != 0 || f.States[ci].Range != nil {
				t.Fatalf("no clock state t (init 0, no range) in\n%s", f)
			}
			s := initial(f)
			v, tm := 0.0, 0.0
			for n := 0; n < 500; n++ {
				v = ref(v, tm)
				tm += dt
				s, _ = step(t, f, s, nil)
				if !near(s[0], v) || s[ci] != tm {
					t.Fatalf("step %d: v = %.15g t = %.15g, reference %.15g %.15g", n, s[0], s[ci], v, tm)
				}
			}
		})
	}
}

// TestBrianSDE: euler (additive), heun and milstein (multiplicative; heun
// with two noise terms sharing their samples) against Brian2's formulas
// with the same N(0, 1) samples n, dW = √dt·n (ms units: the checker's xi
// is 1/√ms).
func TestBrianSDE(t *testing.T) {
	const tau, dt, mu, sig = 10.0, 0.1, 5.0, 0.3
	sq := math.Sqrt(dt)
	type model struct {
		opt   parser.BrianOptions
		noise []string
		ref   func(x []float64, n []float64) []float64
		n     int // states compared (the model's, in order)
	}
	ou := func(x, n []float64) []float64 { // additive
		g := 2 * math.Sqrt(2/tau)
		return []float64{x[0] + dt*(mu-x[0])/tau + g*sq*n[0]}
	}
	gm := func(v float64) float64 { return sig * v / math.Sqrt(tau) }
	fm := func(v float64) float64 { return (mu - v) / tau }
	heun := func(x, n []float64) []float64 {
		v, dW := x[0], sq*n[0]
		xs := v + gm(v)*dW
		return []float64{v + dt*fm(v) + 0.5*dW*(gm(v)+gm(xs))}
	}
	milstein := func(x, n []float64) []float64 {
		v, dW := x[0], sq*n[0]
		xs := v + dt*fm(v) + sq*gm(v)
		return []float64{v + dt*fm(v) + gm(v)*dW + (gm(xs)-gm(v))*dW*dW/(2*sq)}
	}
	heun2 := func(x, n []float64) []float64 {
		v, w := x[0], x[1]
		r := math.Sqrt(tau)
		gv := [2]func(v, w float64) float64{func(v, w float64) float64 { return w / r }, func(v, w float64) float64 { return 0.5 / r }}
		gw := [2]func(v, w float64) float64{func(v, w float64) float64 { return v / r }, func(v, w float64) float64 { return 0 }}
		nv, nw := v-dt*v/tau, w-dt*w/tau
		for k := 0; k < 2; k++ {
			dW := sq * n[k]
			vs, ws := v+gv[k](v, w)*dW, w+gw[k](v, w)*dW
			nv += 0.5 * dW * (gv[k](v, w) + gv[k](vs, ws))
			nw += 0.5 * dW * (gw[k](v, w) + gw[k](vs, ws))
		}
		return []float64{nv, nw}
	}
	// heun's support point reads g at t + dt: g(v, t) = s·(v + k·t)/√tau.
	tm := 0.0
	gt := func(v, tm float64) float64 { return sig * (v + 0.5*tm) / math.Sqrt(tau) }
	heunT := func(x, n []float64) []float64 {
		v, dW := x[0], sq*n[0]
		xs := v + gt(v, tm)*dW
		next := v + dt*fm(v) + 0.5*dW*(gt(v, tm)+gt(xs, tm+dt))
		tm += dt
		return []float64{next}
	}
	mult := []string{"dv/dt = (mu - v)/tau + s*v*xi/sqrt(tau) : volt"}
	par := []string{"tau=10*ms", "mu=5*mV", "s=0.3"}
	for name, tt := range map[string]model{
		"euler": {parser.BrianOptions{Equations: []string{"dv/dt = (mu - v)/tau + sigma*sqrt(2/tau)*xi : volt"},
			Params: []string{"tau=10*ms", "mu=5*mV", "sigma=2*mV"}, Method: "euler"}, []string{"xi"}, ou, 1},
		"heun": {parser.BrianOptions{Equations: mult, Params: par, Method: "heun"}, []string{"xi"}, heun, 1},
		"heun_let": {parser.BrianOptions{Equations: []string{"dv/dt = (mu - v)/tau + s*v*eta : volt", "eta = xi_1/sqrt(tau) : 1/second"},
			Params: par, Method: "heun"}, []string{"xi_1"}, heun, 1},
		"heun_t": {parser.BrianOptions{Equations: []string{"dv/dt = (mu - v)/tau + s*(v + 0.5*mV/ms*t)*xi/sqrt(tau) : volt"},
			Params: par, Method: "heun"}, []string{"xi"}, heunT, 1},
		"milstein": {parser.BrianOptions{Equations: mult, Params: par, Method: "milstein"}, []string{"xi"}, milstein, 1},
		"heun2": {parser.BrianOptions{Equations: []string{
			"dv/dt = -v/tau + w*xi_1/sqrt(tau) + 0.5*xi_2/sqrt(tau) : 1", "dw/dt = -w/tau + v*xi_1/sqrt(tau) : 1"},
			Params: []string{"tau=10*ms"}, Method: "heun", Init: []string{"v=0.5", "w=-0.2"}}, []string{"xi_1", "xi_2"}, heun2, 2},
	} {
		t.Run(name, func(t *testing.T) {
			m, err := lowerBrian(t, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			f := roundTrip(t, m)
			for _, nm := range tt.noise {
				i := f.InputIndex(nm)
				if i < 0 || !f.Inputs[i].Noise || f.Inputs[i].Range == nil || f.Inputs[i].Range.Lo != -6 || f.Inputs[i].Range.Hi != 6 {
					t.Fatalf("no noise input %s in [-6, 6] in\n%s", nm, f)
				}
			}
			s := initial(f)
			x := append([]float64(nil), s[:tt.n]...)
			samples := normals(int64(len(name)), 1000*len(tt.noise))
			for n := 0; n < 1000; n++ {
				ns := samples[n*len(tt.noise) : (n+1)*len(tt.noise)]
				vals := map[string]float64{}
				for k, nm := range tt.noise {
					vals[nm] = ns[k]
				}
				x = tt.ref(x, ns)
				s, _ = step(t, f, s, inputsByName(t, f, vals))
				for i := range x {
					if !near(s[i], x[i]) {
						t.Fatalf("step %d: %s = %.15g, reference %.15g", n, f.States[i].Name, s[i], x[i])
					}
				}
			}
		})
	}
}

// TestBrianSDEErrors: the refusals of Brian2 (explicit.py,
// exponential_euler.py), positioned on the equation.
func TestBrianSDEErrors(t *testing.T) {
	for _, tt := range []struct {
		method string
		eqs    []string
		want   string
	}{
		{"rk4", []string{"dv/dt = -v/tau + xi/sqrt(tau)*mV : volt"}, "method rk4 cannot integrate stochastic equations"},
		{"rk2", []string{"dv/dt = -v/tau + xi/sqrt(tau)*mV : volt"}, "method rk2 cannot integrate stochastic equations"},
		{"exact", []string{"dv/dt = -v/tau + xi/sqrt(tau)*mV : volt"}, "method exact cannot integrate stochastic equations"},
		{"exponential_euler", []string{"dv/dt = -v/tau + xi/sqrt(tau)*mV : volt"}, "method exponential_euler cannot integrate stochastic equations"},
		{"euler", []string{"dv/dt = -v/tau + v*xi/sqrt(tau) : volt"}, "multiplicative noise"},
		{"milstein", []string{"dv/dt = -v/tau + v*xi_1/sqrt(tau) + v*xi_2/sqrt(tau) : volt"}, "diagonal noise"},
		{"heun", []string{"dv/dt = -v/tau + v*xi*xi*sqrt(ms)/sqrt(tau) : volt"}, "linear in the noise term"}, // the checker's or irgen's
	} {
		t.Run(tt.method+"_"+tt.want, func(t *testing.T) {
			_, err := lowerBrianErr(t, parser.BrianOptions{Equations: tt.eqs, Params: []string{"tau=10*ms"}, Method: tt.method})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "eq:1:") {
				t.Errorf("error %v, want eq:1:…: %s", err, tt.want)
			}
		})
	}
}

// TestBrianRefractoryTiming: with Brian2's refractory=2*ms at dt 0.1 ms
// (R = timestep(2 ms, dt) = 20), a neuron spiking at step s is refractory
// while n − s < R (Brian2's timestep(t − lastspike, dt) >= R) and resumes
// integration at step s + R: compared with a hand-stepped reference.
func TestBrianRefractoryTiming(t *testing.T) {
	opt := parser.BrianOptions{
		Equations: []string{"dv/dt = (25*mV - v)/tau : volt (unless refractory)"},
		Params:    []string{"tau=10*ms"}, Threshold: "v > 10*mV", Reset: "v = 0*mV", Refractory: "2*ms", Dt: "0.1*ms"}
	model, err := parser.ParseBrian(opt)
	if err != nil {
		t.Fatal(err)
	}
	file := &lang.File{Name: "eq", Decls: []lang.Decl{model}}
	info, err := lang.Check(file)
	if err != nil {
		t.Fatal(err)
	}
	const tau, dt, R = 10.0, 0.1, 20
	if got := info.Models[model.Name].RefractorySteps; got != R-1 {
		t.Errorf("checker gives %d refractory steps for Brian2's 2 ms, want R−1 = %d", got, R-1)
	}
	m, err := irgen.Lower(file, info, irgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := roundTrip(t, m)
	s := initial(f)
	v, last := 0.0, -1<<30
	var spikes []int
	for n := 0; n < 600; n++ {
		nr := n-last >= R
		if nr {
			v += dt * (25 - v) / tau
		}
		spike := nr && v > 10
		if spike {
			v, last = 0, n
			spikes = append(spikes, n)
		}
		var got bool
		s, got = step(t, f, s, nil)
		if got != spike || !near(s[0], v) {
			t.Fatalf("step %d: v = %.15g spike %v, Brian2 %.15g %v (spikes so far %v)", n, s[0], got, v, spike, spikes)
		}
	}
	if len(spikes) < 3 {
		t.Errorf("spikes at %v, want a train", spikes)
	}
}

// TestBrianRefractoryCond: refractory='u > 0.3' is Brian2's
// not_refractory = not_refractory or not (u > 0.3) on the pre-step values:
// before the first spike the neuron is never refractory (u starts above
// 0.3), after a spike it stays refractory until the condition first fails,
// (unless refractory) v is held meanwhile and the threshold is gated.
func TestBrianRefractoryCond(t *testing.T) {
	m, err := lowerBrian(t, parser.BrianOptions{
		Equations: []string{"dv/dt = (25*mV - v)/tau : volt (unless refractory)", "du/dt = -u/tau_u : 1"},
		Params:    []string{"tau=10*ms", "tau_u=3*ms"}, Threshold: "v > 10*mV", Reset: "v = 0*mV; u = 1",
		Refractory: "u > 0.3", Init: []string{"u=0.9"}, Dt: "0.1*ms"})
	if err != nil {
		t.Fatal(err)
	}
	f := roundTrip(t, m)
	const tau, tauU, dt = 10.0, 3.0, 0.1
	s := initial(f)
	v, u, nr := 0.0, 0.9, true
	var spikes []int
	held := 0
	for n := 0; n < 800; n++ {
		nr = nr || !(u > 0.3)
		if nr {
			v += dt * (25 - v) / tau
		} else {
			held++
		}
		u -= dt * u / tauU
		spike := nr && v > 10
		if spike {
			v, u, nr = 0, 1, false
			spikes = append(spikes, n)
		}
		var got bool
		s, got = step(t, f, s, nil)
		if got != spike || !near(s[0], v) || !near(s[1], u) {
			t.Fatalf("step %d: v = %.15g u = %.15g spike %v, Brian2 %.15g %.15g %v", n, s[0], s[1], got, v, u, spike)
		}
	}
	if len(spikes) < 3 || held < 2*len(spikes) {
		t.Errorf("spikes at %v, %d held steps: want a train with refractory holds", spikes, held)
	}
}
