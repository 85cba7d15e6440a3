package models_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/models"
	"scc/parser"
	"scc/passes"
	"scc/sim"
)

// The library models with synapse ports (delta_lif, brunel_lif, cuba_lif,
// coba_exp_lif) checked against expectations computed here, independently
// of the compiler: the closed-form solutions of their linear dynamics, the
// exactness of a jump, NEST's discarding of input while refractory, and
// spike-time agreement between bit-true and float64 under the benchmarks'
// own kind of input (Poisson counts of fixed weights per step).

// model is one library model compiled twice: the real-phase (float64) and
// the fixed-phase (bit-true) step function.
type model struct {
	real, fx *ir.Func
}

func compileLib(t *testing.T, name string) model {
	t.Helper()
	src, err := models.Source(name)
	if err != nil {
		t.Fatal(err)
	}
	return compileSrc(t, name, src)
}

func compileSrc(t *testing.T, name string, src []byte) model {
	t.Helper()
	lower := func() *ir.Module {
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
		if len(m.Funcs) != 1 {
			t.Fatalf("%s: %d funcs, want 1", name, len(m.Funcs))
		}
		return m
	}
	real := lower()
	fx := lower()
	if _, err := passes.Run(fx, passes.Options{Check: true}); err != nil {
		t.Fatal(err)
	}
	return model{real: real.Funcs[0], fx: fx.Funcs[0]}
}

func (m model) float(t *testing.T) *sim.Float {
	t.Helper()
	s, err := sim.NewFloat(m.real)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (m model) fixed(t *testing.T) *sim.Fixed {
	t.Helper()
	s, err := sim.NewFixed(m.fx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (m model) state(t *testing.T, name string) int {
	t.Helper()
	i := m.fx.StateIndex(name)
	if i < 0 {
		t.Fatalf("%s has no state %q", m.fx.Name, name)
	}
	return i
}

func (m model) input(t *testing.T, name string) int {
	t.Helper()
	i := m.fx.InputIndex(name)
	if i < 0 {
		t.Fatalf("%s has no input %q", m.fx.Name, name)
	}
	return i
}

// word encodes x (canonical units) as input i's word: round half to even,
// DESIGN §3.
func (m model) word(i int, x float64) int64 {
	return int64(math.RoundToEven(math.Ldexp(x, m.fx.Inputs[i].Type.Fmt.Frac)))
}

// decode returns state i's committed value.
func decode(s *sim.Fixed, i int) float64 { return s.F.States[i].Type.Fmt.Decode(s.State[i]) }

func step(t *testing.T, s *sim.Fixed, in []int64) {
	t.Helper()
	if err := s.Step(in); err != nil {
		t.Fatal(err)
	}
}

func stepF(t *testing.T, s *sim.Float, in []float64) {
	t.Helper()
	if err := s.Step(in); err != nil {
		t.Fatal(err)
	}
}

const dt = 0.1 // ms, every synapse-port model's step

// TestDeltaJumpExact: in the delta-synapse models a jump of w raises the
// bit-true v by exactly w (the step without input is the reference), from
// every sampled state below threshold, and the float model's v by w to
// rounding.
func TestDeltaJumpExact(t *testing.T) {
	for _, c := range []struct {
		file   string
		lo, hi float64 // states sampled (mV), below threshold
		ws     []float64
	}{
		{"delta_lif.snn", -82, -72, []float64{0.1, 1.5, -0.5, 7.25, -16}},
		{"brunel_lif.snn", -80, 3, []float64{0.1, -0.5, 1.6, 16, -16}},
	} {
		t.Run(c.file, func(t *testing.T) {
			m := compileLib(t, c.file)
			v, j := m.state(t, "v"), m.input(t, "J")
			rng := rand.New(rand.NewPCG(1, 2))
			vf := m.fx.States[v].Type.Fmt
			for k := 0; k < 200; k++ {
				x := c.lo + (c.hi-c.lo)*rng.Float64()
				w := c.ws[k%len(c.ws)]
				ww := m.word(j, w)
				base, jump := m.fixed(t), m.fixed(t)
				raw := int64(math.Floor(math.Ldexp(x, vf.Frac)))
				base.State[v], jump.State[v] = raw, raw
				step(t, base, []int64{0})
				step(t, jump, []int64{ww})
				got := decode(jump, v) - decode(base, v)
				want := m.fx.Inputs[j].Type.Fmt.Decode(ww)
				if got != want || jump.Spike || base.Spike {
					t.Fatalf("v = %v mV, J = %v mV: bit-true jump %v mV (spike %v), want exactly %v", vf.Decode(raw), w, got, jump.Spike, want)
				}
				fb, fj := m.float(t), m.float(t)
				fb.State[v], fj.State[v] = x, x
				stepF(t, fb, []float64{0})
				stepF(t, fj, []float64{w})
				if d := fj.State[v] - fb.State[v]; math.Abs(d-w) > 1e-12 {
					t.Fatalf("v = %v mV: float jump %v mV, want %v", x, d, w)
				}
			}
		})
	}
}

// TestRefractoryDiscardsJumps: after a spike v is V_reset for exactly
// t_ref/dt steps whatever arrives (DESIGN §4.1 rule 4: input to a held
// variable is consumed and discarded), and afterwards the neuron is the one
// that received nothing while refractory, bit for bit.
func TestRefractoryDiscardsJumps(t *testing.T) {
	for _, c := range []struct {
		file          string
		kick, during  float64 // mV: the jump that fires, the jumps discarded
		reset, refrMs float64
	}{
		{"delta_lif.snn", 16, 5, -70, 2},
		{"brunel_lif.snn", 16, 5, 10, 2},
	} {
		t.Run(c.file, func(t *testing.T) {
			m := compileLib(t, c.file)
			v, j := m.state(t, "v"), m.input(t, "J")
			a, b := m.fixed(t), m.fixed(t)
			fa, fb := m.float(t), m.float(t)
			// Two kicks from rest: the second crosses threshold.
			for k := 0; ; k++ {
				if k > 10 {
					t.Fatal("no spike after ten kicks of 16 mV")
				}
				in := []int64{m.word(j, c.kick)}
				step(t, a, in)
				step(t, b, in)
				stepF(t, fa, []float64{c.kick})
				stepF(t, fb, []float64{c.kick})
				if a.Spike {
					break
				}
			}
			if !fa.Spike {
				t.Fatal("float model did not spike on the bit-true model's step")
			}
			held := 0
			for a.State[m.state(t, "_refr")] != 0 {
				step(t, a, []int64{m.word(j, c.during)})
				step(t, b, []int64{0})
				stepF(t, fa, []float64{c.during})
				stepF(t, fb, []float64{0})
				held++
				if decode(a, v) != c.reset || fa.State[v] != c.reset || a.Spike {
					t.Fatalf("refractory step %d: v = %v (float %v), spike %v; want held at %v", held, decode(a, v), fa.State[v], a.Spike, c.reset)
				}
			}
			if want := int(math.Round(c.refrMs / dt)); held != want {
				t.Errorf("held for %d steps, want %d (%v ms)", held, want, c.refrMs)
			}
			for k := 0; k < 50; k++ {
				step(t, a, []int64{0})
				step(t, b, []int64{0})
				stepF(t, fa, []float64{0})
				stepF(t, fb, []float64{0})
				if a.State[v] != b.State[v] || fa.State[v] != fb.State[v] {
					t.Fatalf("step %d after refractory: v = %v (float %v), want %v (float %v) as without the discarded input",
						k, decode(a, v), fa.State[v], decode(b, v), fb.State[v])
				}
			}
		})
	}
}

// TestBrunelLeak: without input BrunelLIF's float v is v0·e^(−t/tau)
// (tau 20 ms) to 1e-9 mV.
func TestBrunelLeak(t *testing.T) {
	m := compileLib(t, "brunel_lif.snn")
	v := m.state(t, "v")
	s := m.float(t)
	s.State[v] = 19.5
	for n := 1; n <= 2000; n++ {
		stepF(t, s, []float64{0})
		if want := 19.5 * math.Exp(-float64(n)*dt/20); math.Abs(s.State[v]-want) > 1e-9 {
			t.Fatalf("step %d: v = %v mV, want %v", n, s.State[v], want)
		}
	}
}

// cubaClosedForm is the solution of CUBA's linear ODEs (tau_m dv/dt =
// ge + gi − (v − E_l), tau_x dgx/dt = −gx) from v(0) = v0, ge = gi = 0, with
// jumps je[k], ji[k] entering ge, gi at time k·dt (after step k), at
// time n·dt, by superposition.
func cubaClosedForm(v0 float64, je, ji []float64, n int) float64 {
	const tm, te, ti, el = 20.0, 5.0, 10.0, -49.0
	t := float64(n) * dt
	v := el + (v0-el)*math.Exp(-t/tm)
	kernel := func(tx, s float64) float64 { return tx / (tx - tm) * (math.Exp(-s/tx) - math.Exp(-s/tm)) }
	for k := 1; k < n; k++ {
		s := float64(n-k) * dt
		v += je[k]*kernel(te, s) + ji[k]*kernel(ti, s)
	}
	return v
}

// TestCubaClosedForm: CubaLIF's float v under a constant je and a train of
// ji jumps follows the closed-form solution of the continuous linear ODE
// to 1e-9 mV until the first spike (the step is the exact propagator), and
// ge, gi decay by e^(−dt/tau).
func TestCubaClosedForm(t *testing.T) {
	m := compileLib(t, "cuba_lif.snn")
	v, ge, gi := m.state(t, "v"), m.state(t, "ge"), m.state(t, "gi")
	const steps = 3000
	je, ji := make([]float64, steps+1), make([]float64, steps+1)
	for k := 1; k <= steps; k++ {
		je[k] = 0.05
		if k%60 == 0 {
			ji[k] = -9
		}
	}
	s := m.float(t)
	v0 := s.State[v]
	var wantGe, wantGi float64
	n := 1
	for ; n <= steps; n++ {
		stepF(t, s, []float64{je[n], ji[n]})
		if s.Spike {
			break
		}
		if want := cubaClosedForm(v0, je, ji, n); math.Abs(s.State[v]-want) > 1e-9 {
			t.Fatalf("step %d: v = %.12f mV, want %.12f (closed form)", n, s.State[v], want)
		}
		wantGe = wantGe*math.Exp(-dt/5) + je[n]
		wantGi = wantGi*math.Exp(-dt/10) + ji[n]
		if math.Abs(s.State[ge]-wantGe) > 1e-9 || math.Abs(s.State[gi]-wantGi) > 1e-9 {
			t.Fatalf("step %d: ge, gi = %v, %v mV, want %v, %v", n, s.State[ge], s.State[gi], wantGe, wantGi)
		}
	}
	if n <= 250 {
		t.Fatalf("first spike at step %d, want ≥ 250 checked steps before it", n)
	}
	t.Logf("closed form held for %d steps", n-1)
}

// TestCubaDeadZone states the fixed point of gi's decay that keeps CubaLIF
// off q8.8: floor(gi·a) with a = e^(-dt/tau_i) = 0.99005 stays at gi for
// |gi| ≤ 100 LSB (100·(1−a) < 1), so from −150 LSB gi settles at
// exactly −100 LSB (−0.390625 mV) and stays; at auto:32 it decays as
// e^(−t/tau_i) (below 1e-4 mV after 1,000 steps).
func TestCubaDeadZone(t *testing.T) {
	src, err := models.Source("cuba_lif.snn")
	if err != nil {
		t.Fatal(err)
	}
	q88 := strings.Replace(string(src), "format auto:32", "format q8.8", 1)
	if q88 == string(src) {
		t.Fatal("cuba_lif.snn does not say format auto:32")
	}
	for _, c := range []struct {
		name string
		m    model
		want func(gi float64) bool
	}{
		{"q8.8", compileSrc(t, "cuba_q88.snn", []byte(q88)), func(gi float64) bool { return gi == -100.0/256 }},
		{"auto:32", compileLib(t, "cuba_lif.snn"), func(gi float64) bool { return gi > -1e-4 && gi <= 0 }},
	} {
		m := c.m
		gi := m.state(t, "gi")
		s := m.fixed(t)
		f := m.fx.States[gi].Type.Fmt
		s.State[gi] = int64(math.Round(math.Ldexp(-150.0/256, f.Frac)))
		for n := 0; n < 1000; n++ {
			step(t, s, make([]int64, len(m.fx.Inputs)))
		}
		if g := decode(s, gi); !c.want(g) {
			t.Errorf("%s: gi from -150/256 mV after 1000 steps = %v mV", c.name, g)
		}
	}
}

// TestExpPortDecay: the bit-true conductances and currents decay by
// e^(−dt/tau) within the quantization bound (one LSB of the floor plus the
// coefficient's encoding error, |x|·2^-15), over every sampled word, and a
// jump adds exactly its value.
func TestExpPortDecay(t *testing.T) {
	for _, c := range []struct {
		file, state, port string
		tau, lo, hi, w    float64 // ms; sampled range and one jump, canonical units
	}{
		{"cuba_lif.snn", "ge", "je", 5, 0, 100, 1.62},
		{"cuba_lif.snn", "gi", "ji", 10, -120, 0, -9},
		{"coba_exp_lif.snn", "g_e", "dg_e", 5, 0, 0.4, 0.006},
		{"coba_exp_lif.snn", "g_i", "dg_i", 10, 0, 1.5, 0.067},
	} {
		t.Run(c.file+"/"+c.state, func(t *testing.T) {
			m := compileLib(t, c.file)
			g, p := m.state(t, c.state), m.input(t, c.port)
			f := m.fx.States[g].Type.Fmt
			lsb := math.Ldexp(1, -f.Frac)
			a := math.Exp(-dt / c.tau)
			rng := rand.New(rand.NewPCG(3, 4))
			for k := 0; k < 2000; k++ {
				x := c.lo + (c.hi-c.lo)*rng.Float64()
				raw := int64(math.Floor(math.Ldexp(x, f.Frac)))
				x = f.Decode(raw)
				in := make([]int64, len(m.fx.Inputs))
				s := m.fixed(t)
				s.State[g] = raw
				step(t, s, in)
				want := x * a
				if d := math.Abs(decode(s, g) - want); d > lsb+math.Abs(x)*math.Ldexp(1, -15) {
					t.Fatalf("%s = %v: decays to %v, want %v within the quantization bound (off by %g, LSB %g)", c.state, x, decode(s, g), want, d, lsb)
				}
				in[p] = m.word(p, c.w)
				j := m.fixed(t)
				j.State[g] = raw
				step(t, j, in)
				if got, w := decode(j, g)-decode(s, g), m.fx.Inputs[p].Type.Fmt.Decode(in[p]); got != w && decode(j, g) < c.hi && decode(j, g) > c.lo {
					t.Fatalf("%s = %v: a jump of %v adds %v", c.state, x, w, got)
				}
			}
		})
	}
}

// TestCobaEulerStep: CobaExpLIF's float step is forward Euler of
// C·dv/dt = g_L(E_L − v) + g_e(E_e − v) + g_i(E_i − v) and the exact decay of
// the conductances plus their jumps, from sampled states (canonical units:
// mV, ms, µS, nF).
func TestCobaEulerStep(t *testing.T) {
	m := compileLib(t, "coba_exp_lif.snn")
	v, ge, gi := m.state(t, "v"), m.state(t, "g_e"), m.state(t, "g_i")
	const c, gl, el, ee, ei = 0.2, 0.01, -60.0, 0.0, -80.0
	rng := rand.New(rand.NewPCG(5, 6))
	for k := 0; k < 1000; k++ {
		x, e, i := -80+30*rng.Float64(), 0.4*rng.Float64(), 1.5*rng.Float64()
		de, di := 0.006*float64(rng.IntN(5)), 0.067*float64(rng.IntN(3))
		s := m.float(t)
		s.State[v], s.State[ge], s.State[gi] = x, e, i
		stepF(t, s, []float64{de, di})
		wantV := x + dt*(gl*(el-x)+e*(ee-x)+i*(ei-x))/c
		if wantV >= -50 {
			wantV = -60
		}
		wantE, wantI := e*math.Exp(-dt/5)+de, i*math.Exp(-dt/10)+di
		if math.Abs(s.State[v]-wantV) > 1e-9 || math.Abs(s.State[ge]-wantE) > 1e-12 || math.Abs(s.State[gi]-wantI) > 1e-12 {
			t.Fatalf("from v %v, g_e %v, g_i %v: got %v, %v, %v; want %v, %v, %v", x, e, i,
				s.State[v], s.State[ge], s.State[gi], wantV, wantE, wantI)
		}
	}
}

// port is one input's benchmark-like drive: a Poisson count of spikes of
// weight w per step, mean lambda.
type port struct {
	lambda, w float64
}

// TestSpikeAgreement runs each model bit-true and in float64 on the same
// Poisson jump input (weights and in-degrees of its benchmark, the input
// words the float model reads decoded, as `scc report` does) and requires
// the report's ±1-step spike-time agreement ≥ 0.95. `scc report`'s own
// stimulus, uniform over the port range every step, is not a synaptic
// input for jump ports: it holds the states at their declared bounds.
func TestSpikeAgreement(t *testing.T) {
	for _, c := range []struct {
		file  string
		ports []port
		min   int // spikes the float model must fire over all seeds
	}{
		{"delta_lif.snn", []port{{0.4, 0.5}}, 100},
		{"brunel_lif.snn", []port{{2.2, 0.1}}, 100},
		{"cuba_lif.snn", []port{{0.13, 1.62}, {0.008, -9}}, 100},
		{"coba_exp_lif.snn", []port{{0.2, 0.006}, {0.005, 0.067}}, 100},
	} {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			m := compileLib(t, c.file)
			var fl, fx, flm, fxm int
			for seed := uint64(1); seed <= 4; seed++ {
				a, b := m.fixed(t), m.float(t)
				rng := rand.New(rand.NewPCG(seed, 11))
				raw := make([]int64, len(c.ports))
				in := make([]float64, len(c.ports))
				var fs, xs []int
				for n := 0; n < 10000; n++ {
					for i, p := range c.ports {
						lo, hi := sim.InputRange(m.fx, i)
						raw[i] = min(max(m.word(i, float64(poisson(rng, p.lambda))*p.w), lo), hi)
						in[i] = m.fx.Inputs[i].Type.Fmt.Decode(raw[i])
					}
					step(t, a, raw)
					stepF(t, b, in)
					if a.Spike {
						xs = append(xs, n)
					}
					if b.Spike {
						fs = append(fs, n)
					}
				}
				fl, fx = fl+len(fs), fx+len(xs)
				flm, fxm = flm+sim.Matched(fs, xs), fxm+sim.Matched(xs, fs)
			}
			agree := math.Min(float64(flm)/float64(max(fl, 1)), float64(fxm)/float64(max(fx, 1)))
			t.Logf("float %d spikes, bit-true %d; matched %d/%d, %d/%d: agreement %.4f", fl, fx, flm, fl, fxm, fx, agree)
			if fl < c.min {
				t.Fatalf("float model fired %d spikes, want ≥ %d (the stimulus must drive it)", fl, c.min)
			}
			if agree < 0.95 {
				t.Errorf("spike-time agreement %.4f, want ≥ 0.95", agree)
			}
		})
	}
}

// poisson draws a Poisson(lambda) count by inversion.
func poisson(rng *rand.Rand, lambda float64) int {
	u, p := rng.Float64(), math.Exp(-lambda)
	k, cdf := 0, p
	for u > cdf && k < 100 {
		k++
		p *= lambda / float64(k)
		cdf += p
	}
	return k
}
