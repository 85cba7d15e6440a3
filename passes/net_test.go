package passes

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// netFuncsSrc is a real-phase module of a neuron model N (two jump ports,
// a ranged parameter, declared state ranges) and a rule R's two halves
// (state w, inputs the pre and post traces).
const netFuncsSrc = `module "n.snn" real

func N @1:1 {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  param "tau" = 20 in [10, 30] @2:5
  state "v" : f64 = 0 in [-10, 10] @3:5
  input "I" : f64 @5:5
  input "J" : f64 @6:5
b0:
  v0 = state "v" : f64
  v1 = input "I" : f64
  v2 = add v0, v1 : f64
  v3 = input "J" : f64
  v4 = add v2, v3 : f64
  v5 = fit "v", v4 : f64
  v6 = next "v", v5
}

func R__pre @20:1 {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  state "w" : f64 = 0 in [0, 2] @21:5
  input "x" : f64 @22:5
  input "y" : f64 @23:5
b0:
  v0 = state "w" : f64
  v1 = input "y" : f64
  v2 = add v0, v1 : f64
  v3 = fit "w", v2 : f64
  v4 = next "w", v3
}

func R__post @20:1 {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  state "w" : f64 = 0 in [0, 2] @21:5
  input "x" : f64 @22:5
  input "y" : f64 @23:5
b0:
  v0 = state "w" : f64
  v1 = input "x" : f64
  v2 = add v0, v1 : f64
  v3 = fit "w", v2 : f64
  v4 = next "w", v3
}
`

func at(l, c int) lang.Pos { return lang.Pos{File: "n.snn", Line: l, Col: c} }

// netModule returns netFuncsSrc with a real-phase network: a population
// with per-neuron parameters and initial values, a spike source, a
// plastic and a static projection (weights on and between q8.8 words,
// ties included), both drive kinds and a rule with two traces.
func netModule(t *testing.T) *ir.Module {
	t.Helper()
	m, err := ir.Parse(netFuncsSrc)
	if err != nil {
		t.Fatal(err)
	}
	n := &ir.Net{Name: "Net", Pos: at(30, 1), Dt: 0.1}
	n.Pops = []*ir.Pop{
		{Name: "exc", Pos: at(31, 5), Kind: ir.PopNeuron, Size: 4, Func: "N",
			Params: []*ir.PopParam{{Index: 0, Values: []float64{10, 12.5, 30, 20}}},
			Init:   []*ir.PopInit{{Index: 0, Values: []float64{-1.5, 0.1, 9.998046875, 3 * 0.001953125}}}},
		{Name: "pulse", Pos: at(32, 5), Kind: ir.PopSource, Size: 3,
			Source: &ir.Source{Kind: ir.SourceSpikes, Spikes: []ir.SpikeEvent{{Step: 1, Index: 0}, {Step: 2, Index: 2}}}},
	}
	n.Projs = []*ir.Proj{
		{Name: "ee", Pos: at(33, 5), Pre: "exc", Post: "exc", Port: 0, PortName: "I", Rule: "R",
			PreIdx: []int32{0, 0, 1, 3}, PostIdx: []int32{1, 2, 2, 0}, Delay: []int32{1, 2, 1, 15},
			W: []float64{0.5, 1.62, -0.25, 0.001953125}},
		{Name: "pe", Pos: at(34, 5), Pre: "pulse", Post: "exc", Port: 1, PortName: "J",
			PreIdx: []int32{0, 1, 2}, PostIdx: []int32{0, 1, 1}, Delay: []int32{1, 1, 3},
			W: []float64{-128, 127.99609375, -3 * 0.001953125}},
	}
	n.Drives = []*ir.Drive{
		{Name: "i0", Pos: at(35, 5), Kind: ir.DriveCurrent, Targets: []*ir.Target{{Pop: "exc", Lo: 0, Hi: 2, Port: 0, PortName: "I"}},
			Value: 1.5, Values: []float64{1, 0.1, 5 * 0.001953125}},
		{Name: "bg", Pos: at(36, 5), Kind: ir.DrivePoissonSum, Targets: []*ir.Target{{Pop: "exc", Lo: 0, Hi: 4, Port: 1, PortName: "J"}},
			N: 1000, Rate: 0.02, W: 0.1, Table: []uint32{566, 12345, 4294967295}, Seed: 7, Stream: 1},
	}
	n.Rules = []*ir.Rule{{Name: "R", Pos: at(37, 1), OnPre: "R__pre", OnPost: "R__post",
		Pre:  &ir.Trace{Name: "x", Decay: math.Exp(-0.1 / 20), Add: 0.01},
		Post: &ir.Trace{Name: "y", Decay: math.Exp(-0.1 / 1000), Add: -0.0105, Set: true}}}
	m.Nets = []*ir.Net{n}
	if err := ir.Verify(m); err != nil {
		t.Fatal(err)
	}
	return m
}

// word is round_half_even(x·2^frac), computed here from the format alone.
func word(x float64, frac int) int64 { return int64(math.RoundToEven(x * math.Exp2(float64(frac)))) }

func TestQuantizeNetEncodes(t *testing.T) {
	auto, err := fixed.ParseProfile("auto:16")
	if err != nil {
		t.Fatal(err)
	}
	for _, prof := range []*fixed.Profile{nil, &auto} {
		t.Run(fmt.Sprint(prof), func(t *testing.T) { testQuantizeNetEncodes(t, prof) })
	}
}

func testQuantizeNetEncodes(t *testing.T, prof *fixed.Profile) {
	m := netModule(t)
	if prof != nil && prof.Auto != 0 {
		m.Nets[0].Projs[0].Rule = "" // auto gives w its own format (TestQuantizeNetRuleFormat)
	}
	if _, err := Run(m, Options{Check: true, Profile: prof}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	n := m.Nets[0]
	frac := func(pop string, port int) int {
		in := m.Func(n.NetPop(pop).Func).Inputs[port]
		if in.Type.Kind != ir.KFixed {
			t.Fatalf("port %q of %s is %v after quantize", in.Name, pop, in.Type)
		}
		return in.Type.Fmt.Frac
	}
	words := func(xs []float64, f int) []int64 {
		var w []int64
		for _, x := range xs {
			w = append(w, word(x, f))
		}
		return w
	}
	for _, pr := range n.Projs {
		if diff := cmp.Diff(words(pr.W, frac(pr.Post, pr.Port)), pr.Words); diff != "" {
			t.Errorf("proj %s: weight words (-want +got):\n%s", pr.Name, diff)
		}
	}
	// Ties go to even: 2^-9 is half a q8.8 word (0), 3·2^-9 one and a
	// half (2); 1.62·256 = 414.72 (415).
	if got, want := n.Projs[0].Words, []int64{128, 415, -64, 0}; !cmp.Equal(got, want) {
		t.Errorf("ee words = %v, want %v", got, want)
	}
	if got, want := n.Projs[1].Words, []int64{-32768, 32767, -2}; !cmp.Equal(got, want) {
		t.Errorf("pe words = %v, want %v", got, want)
	}
	in := n.Pops[0].Init[0]
	st := m.Func("N").States[0].Type.Fmt
	if diff := cmp.Diff(words(in.Values, st.Frac), in.Words); diff != "" {
		t.Errorf("init words (-want +got):\n%s", diff)
	}
	d := n.Drives[0]
	if d.ValueWord != word(1.5, frac("exc", 0)) {
		t.Errorf("drive value word %d, want %d", d.ValueWord, word(1.5, frac("exc", 0)))
	}
	if diff := cmp.Diff(words(d.Values, frac("exc", 0)), d.Words); diff != "" {
		t.Errorf("drive words (-want +got):\n%s", diff)
	}
	if got, want := n.Drives[1].WWord, word(0.1, frac("exc", 1)); got != want {
		t.Errorf("poisson_sum weight word %d, want %d", got, want)
	}
	for _, tr := range []*ir.Trace{n.Rules[0].Pre, n.Rules[0].Post} {
		if want := ir.Fix(fixed.Q88); tr.Fmt != want {
			t.Errorf("trace %s: format %v, want the rule's input format %v", tr.Name, tr.Fmt, want)
		}
		if got, want := tr.AddWord, word(tr.Add, 8); got != want {
			t.Errorf("trace %s: add word %d, want %d", tr.Name, got, want)
		}
	}
}

// TestQuantizeNetDecay: a trace's decay word is round_half_even(decay·2^F)
// in an unsigned coefficient format of at least 15 fraction bits that
// keeps the time constant within 0.1%, and whose product with a trace
// word fits 64 bits; floor(x·a) has the documented fixed points (0 from
// above, -1 word from below: a negative trace never decays to 0).
func TestQuantizeNetDecay(t *testing.T) {
	for _, tau := range []float64{1, 20, 1000, 1e5} {
		m := netModule(t)
		m.Nets[0].Rules[0].Pre.Decay = math.Exp(-0.1 / tau)
		if _, err := Run(m, Options{Check: true}); err != nil {
			t.Fatal(err)
		}
		tr := m.Nets[0].Rules[0].Pre
		df := tr.DecayFmt.Fmt
		if df.Signed || df.Int != 1 || df.Frac < 15 || df.Width()+tr.Fmt.Fmt.Width() > fixed.MaxWidth {
			t.Errorf("tau %g: decay format %v, want uq1.F, F ≥ 15, product within 64 bits", tau, df)
		}
		if want := word(tr.Decay, df.Frac); tr.DecayWord != want {
			t.Errorf("tau %g: decay word %d, want %d", tau, tr.DecayWord, want)
		}
		a := float64(tr.DecayWord) / math.Exp2(float64(df.Frac))
		if eff := -0.1 / math.Log(a); math.Abs(eff-tau) > 1e-3*tau {
			t.Errorf("tau %g: the decay word %d of %v decays with tau %g", tau, tr.DecayWord, df, eff)
		}
		step := func(x int64) int64 { // floor(x·a) on words
			p := x * tr.DecayWord
			return p >> df.Frac
		}
		if tau <= 20 {
			x := int64(1000)
			for range 100000 {
				x = step(x)
			}
			if x != 0 {
				t.Errorf("tau %g: a positive trace decays to %d, want 0", tau, x)
			}
		}
		if got := step(-1); got != -1 {
			t.Errorf("tau %g: floor(-1·a) = %d, want -1 (the negative fixed point)", tau, got)
		}
	}
}

func TestQuantizeNetErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(n *ir.Net)
		want string
	}{
		{"weight does not fit", func(n *ir.Net) { n.Projs[1].W[1] = 200 },
			`n.snn:34:5: weight 200 of synapse 1 (pulse[1] -> exc[1]) does not fit the format q8.8 of port "J" (range [-128, 127.99609375])`},
		{"weight rounds out", func(n *ir.Net) { n.Projs[1].W[1] = 127.998046875 }, // half a word above the max: even is 32768
			"n.snn:34:5: weight 127.998046875 of synapse 1"},
		{"init does not fit", func(n *ir.Net) { n.Pops[0].Init[0].Values[2] = -300 },
			`n.snn:31:5: initial value -300 of "v" in neuron 2 of "exc" does not fit q8.8`},
		{"param outside range", func(n *ir.Net) { n.Pops[0].Params[0].Values[3] = 31 },
			`n.snn:31:5: parameter "tau" of neuron 3 of "exc" is 31, outside the range [10, 30] model N serves`},
		{"drive value", func(n *ir.Net) { n.Drives[0].Values[1] = 1e3 },
			`n.snn:35:5: the value of step 2, 1000 of drive "i0" does not fit the format q8.8`},
		{"poisson_sum weight", func(n *ir.Net) { n.Drives[1].W = -129 },
			`n.snn:36:5: weight -129 of drive "bg" does not fit`},
		{"trace add", func(n *ir.Net) { n.Rules[0].Post.Add = 500 },
			`n.snn:37:1: trace "y" of rule "R" adds 500, which does not fit its format q8.8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := netModule(t)
			tt.edit(m.Nets[0])
			_, err := Run(m, Options{Check: true})
			var el lang.ErrorList
			if !errors.As(err, &el) || len(el) != 1 || !strings.HasPrefix(el[0].Error(), tt.want) {
				t.Errorf("Run = %v, want one positioned error %q...", err, tt.want)
			}
		})
	}
}

// TestQuantizeNetParamNoRange: per-neuron values of a parameter the model
// serves only at its default are an error; equal to it, they are not.
func TestQuantizeNetParamNoRange(t *testing.T) {
	m := netModule(t)
	m.Func("N").Params[0].Range = nil
	_, err := Run(m, Options{})
	if want := `n.snn:31:5: population "exc" gives parameter "tau" per neuron (10 in neuron 0), but model N serves only its value 20`; err == nil || err.Error() != want {
		t.Errorf("Run = %v, want %q", err, want)
	}
	m = netModule(t)
	m.Func("N").Params[0].Range = nil
	m.Nets[0].Pops[0].Params[0].Values = []float64{20, 20, 20, 20}
	if _, err := Run(m, Options{}); err != nil {
		t.Errorf("Run = %v, want nil for values equal to the default", err)
	}
}

// TestQuantizeNetPhases: before quantize the network stays real (no
// words, as StopAfter leaves it); after it every word is there and the
// module round-trips through the text form.
func TestQuantizeNetPhases(t *testing.T) {
	m := netModule(t)
	if _, err := Run(m, Options{StopAfter: "range", Check: true}); err != nil {
		t.Fatal(err)
	}
	if n := m.Nets[0]; m.Phase != ir.Real || n.Projs[0].Words != nil || n.Pops[0].Init[0].Words != nil || n.Rules[0].Pre.Fmt != (ir.Type{}) {
		t.Errorf("after range: phase %v, words %v: want the real network untouched", m.Phase, n.Projs[0].Words)
	}
	// The pipeline on the parsed text of the real module gives the same
	// fixed module as on the module itself.
	m2, err := ir.Parse(netModule(t).String())
	if err != nil {
		t.Fatal(err)
	}
	m = netModule(t)
	for _, mm := range []*ir.Module{m, m2} {
		if _, err := Run(mm, Options{Check: true}); err != nil {
			t.Fatal(err)
		}
	}
	s := m.String()
	if diff := cmp.Diff(s, m2.String()); diff != "" {
		t.Errorf("pipeline on the parsed real text differs (-want +got):\n%s", diff)
	}
	back, err := ir.Parse(s)
	if err != nil {
		t.Fatalf("Parse(fixed text): %v", err)
	}
	if err := ir.Verify(back); err != nil {
		t.Fatalf("Verify(Parse(fixed text)): %v", err)
	}
	if got := back.String(); got != s {
		t.Errorf("fixed text does not round-trip:\n%s", cmp.Diff(s, got))
	}
	if !strings.Contains(s, "    synapses 4 raw\n    0 1 1 0.5 128\n") {
		t.Errorf("fixed text lacks the weight words:\n%s", s)
	}
}

// TestQuantizeNetInputVerified: a broken network is an internal error of
// the verify pass, before any pass runs.
func TestQuantizeNetInputVerified(t *testing.T) {
	m := netModule(t)
	m.Nets[0].Projs[0].Delay[0] = 0
	_, err := Run(m, Options{})
	var el lang.ErrorList
	if err == nil || errors.As(err, &el) || !strings.Contains(err.Error(), "invalid input IR") || !strings.Contains(err.Error(), "delay 0") {
		t.Errorf("Run = %v, want an internal invalid-input error naming the delay", err)
	}
}

func TestPerNeuron(t *testing.T) {
	m := netModule(t)
	if !perNeuron(m, m.Func("N")) || perNeuron(m, m.Func("R__pre")) {
		t.Errorf("perNeuron(N), perNeuron(R__pre) = %v, %v, want true, false", perNeuron(m, m.Func("N")), perNeuron(m, m.Func("R__pre")))
	}
	m.Nets[0].Pops[0].Params = nil
	if perNeuron(m, m.Func("N")) {
		t.Errorf("perNeuron(N) without per-neuron parameters = true")
	}
}

// TestQuantizeNetRuleFormat: under auto:16 the rule's w gets a format of
// its own (from its range [0, 2]) while the port keeps q8.8; one word
// cannot be both, so a plastic projection is a positioned error there.
func TestQuantizeNetRuleFormat(t *testing.T) {
	auto, err := fixed.ParseProfile("auto:16")
	if err != nil {
		t.Fatal(err)
	}
	m := netModule(t)
	_, err = Run(m, Options{Profile: &auto})
	if want := `n.snn:33:5: rule "R" keeps w as q3.13, but the weights of port "I" are q8.8`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Run = %v, want %q...", err, want)
	}
}
