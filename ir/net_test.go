package ir

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"scc/fixed"
	"scc/lang"
)

var (
	fixedQ88 = fixed.Q88
	uq118    = fixed.UQ(1, 18)
)

// netFuncs is the text of the Funcs a test network runs: a neuron model N
// with two inputs and a ranged parameter, and the two halves of a
// plasticity rule R (state w, inputs the pre and post traces). T is the
// type of every state and input: f64 in the real phase, q8.8 in the
// fixed.
func netFuncs(ph Phase) string { return netFuncsW(ph, "q8.8", "q9.8") }

// netFuncsW is netFuncs with the rule's synapse state and trace inputs of
// type wt in the fixed phase (wsum the type of their sum).
func netFuncsW(ph Phase, wt, wsum string) string {
	t, sum := "f64", "f64"
	init := func(x string) string { return x }
	commit := func(state string, arg int) string { return fmt.Sprintf("fit %q, v%d : f64", state, arg) }
	if ph == Fixed {
		t, sum = "q8.8", "q9.8"
		init = func(x string) string { return x + " raw 0" }
	}
	step := func(b int, state, input string) string {
		if ph == Fixed {
			commit = func(_ string, arg int) string { return fmt.Sprintf("cast v%d floor sat : %s", arg, t) }
		}
		l := 10 + b // every value has a position, as irgen's do
		return fmt.Sprintf("  v%d = state %q : %s @%d:9\n  v%d = input %q : %s @%d:13\n  v%d = add v%d, v%d : %s @%d:11\n  v%d = %s @%d:5\n  v%d = next %q, v%d @%d:5\n",
			b, state, t, l, b+1, input, t, l, b+2, b, b+1, sum, l, b+3, commit(state, b+2), l, b+4, state, b+3, l)
	}
	head := "  dt 0.1\n  format q8.8\n  round floor\n  overflow sat\n"
	var s strings.Builder
	fmt.Fprintf(&s, "module \"n.snn\" %v\n\nfunc N @1:1 {\n%s", ph, head)
	fmt.Fprintf(&s, "  param \"tau\" = 20 in [10, 30] @2:5\n")
	fmt.Fprintf(&s, "  state \"v\" : %s = %s @3:5\n  state \"ge\" : %s = %s @4:5\n", t, init("0"), t, init("0"))
	fmt.Fprintf(&s, "  input \"I\" : %s @5:5\n  input \"J\" : %s @6:5\nb0:\n", t, t)
	s.WriteString(step(0, "v", "I") + step(5, "ge", "J") + "}\n")
	if ph == Fixed {
		t, sum = wt, wsum
	}
	for _, r := range []struct{ name, in string }{{"R__pre", "y"}, {"R__post", "x"}} {
		fmt.Fprintf(&s, "\nfunc %s @20:1 {\n%s", r.name, head)
		fmt.Fprintf(&s, "  state \"w\" : %s = %s in [0, 2] @21:5\n", t, init("0"))
		fmt.Fprintf(&s, "  input \"x\" : %s @22:5\n  input \"y\" : %s @23:5\nb0:\n", t, t)
		s.WriteString(step(0, "w", r.in) + "}\n")
	}
	return s.String()
}

func pos(l, c int) lang.Pos { return lang.Pos{File: "n.snn", Line: l, Col: c} }

// testNet builds a module whose network has an item of every kind: SC
// layer, neuron population with per-neuron parameters and initial values,
// Poisson and spike-list sources, an extern population, a plastic and a
// static projection, current and poisson_sum drives, records of every
// kind and a rule with both traces; in the fixed phase with every word.
func testNet(t testing.TB, ph Phase) *Module { return testNetFuncs(t, ph, netFuncs(ph)) }

func testNetFuncs(t testing.TB, ph Phase, funcs string) *Module {
	t.Helper()
	m, err := Parse(funcs)
	if err != nil {
		t.Fatalf("Parse(funcs): %v", err)
	}
	layer := &SCLayer{Name: "A", Pos: pos(30, 5), Inputs: 2, Neurons: 2, Length: 16, InputSeed: 0xace1, WeightSeed: 0xbeef,
		X: []int64{128, 256}, W: []int64{1, 2, 3, 4}, YMin: -256, YMax: 256, Leak: 20, Gain: 384}
	n := &Net{Name: "Net", Pos: pos(31, 1), Dt: 0.1, Layers: []*SCLayer{layer}}
	exc := &Pop{Name: "exc", Pos: pos(32, 5), Kind: PopNeuron, Size: 4, Func: "N",
		Params: []*PopParam{{Index: 0, Values: []float64{10, 12.5, 30, 20}}},
		Init:   []*PopInit{{Index: 0, Values: []float64{-1.5, 0.1, 2, 0}}}}
	kick := &Pop{Name: "kick", Pos: pos(33, 5), Kind: PopSource, Size: 2,
		Source: &Source{Kind: SourcePoisson, Rate: 0.3, Start: 1, Stop: 500, Threshold: 128849019, Seed: 5, Stream: 0}}
	pulse := &Pop{Name: "pulse", Pos: pos(34, 5), Kind: PopSource, Size: 3,
		Source: &Source{Kind: SourceSpikes, Spikes: []SpikeEvent{{1, 0}, {1, 2}, {4, 1}}}}
	ext := &Pop{Name: "L", Pos: pos(35, 5), Kind: PopExtern, Size: 2, Layer: layer}
	n.Pops = []*Pop{exc, kick, pulse, ext}
	n.Projs = []*Proj{
		{Name: "ee", Pos: pos(36, 5), Pre: "exc", Post: "exc", Port: 0, PortName: "I", Rule: "R",
			PreIdx: []int32{0, 0, 1, 3}, PostIdx: []int32{1, 2, 2, 0}, Delay: []int32{1, 2, 1, 15}, W: []float64{0.5, 1.62, -0.25, 0.1}},
		{Name: "pe", Pos: pos(37, 5), Pre: "pulse", Post: "exc", Port: 1, PortName: "J",
			PreIdx: []int32{0, 1, 2}, PostIdx: []int32{0, 1, 1}, Delay: []int32{1, 1, 3}, W: []float64{2, 2, 1e-3}},
	}
	n.Drives = []*Drive{
		{Name: "i0", Pos: pos(38, 5), Kind: DriveCurrent, Targets: []*Target{{Pop: "exc", Lo: 0, Hi: 2, Port: 0, PortName: "I"}},
			Value: 1.5, Values: []float64{1, 2, 0.75}},
		{Name: "bg", Pos: pos(39, 5), Kind: DrivePoissonSum,
			Targets: []*Target{{Pop: "exc", Lo: 0, Hi: 4, Port: 1, PortName: "J"}, {Pop: "exc", Lo: 1, Hi: 3, Port: 1, PortName: "J"}},
			N:       1000, Rate: 0.02, W: 0.1, Table: []uint32{566, 12345, 4294967295}, Seed: 7, Stream: 1},
	}
	n.Records = []*Record{
		{Pos: pos(40, 5), Kind: RecordSpikes, Pop: "exc", Lo: 0, Hi: 4, Every: 1},
		{Pos: pos(41, 5), Kind: RecordState, Pop: "exc", Lo: 1, Hi: 3, Vars: []int{1, 0}, Every: 2},
		{Pos: pos(42, 5), Kind: RecordRate, Pop: "pulse", Lo: 0, Hi: 3, Every: 10},
	}
	n.Rules = []*Rule{{Name: "R", Pos: pos(43, 1), OnPre: "R__pre", OnPost: "R__post",
		Pre:  &Trace{Name: "x", Decay: 0.9950124791926823, Add: 0.01},
		Post: &Trace{Name: "y", Decay: 0.99, Add: -0.0105, Set: true}}}
	if ph == Fixed {
		exc.Init[0].Words = []int64{-384, 26, 512, 0}
		n.Projs[0].Words = []int64{128, 415, -64, 26}
		n.Projs[1].Words = []int64{512, 512, 0}
		d := n.Drives[0]
		d.ValueWord, d.Words = 384, []int64{256, 512, 192}
		n.Drives[1].WWord = 26
		q88, dec := Fix(fixedQ88), Fix(uq118)
		*n.Rules[0].Pre = Trace{Name: "x", Decay: 0.9950124791926823, Add: 0.01, Fmt: q88, DecayFmt: dec, DecayWord: 260835, AddWord: 3}
		*n.Rules[0].Post = Trace{Name: "y", Decay: 0.99, Add: -0.0105, Set: true, Fmt: q88, DecayFmt: dec, DecayWord: 259523, AddWord: -3}
	}
	m.Nets = []*Net{n}
	if err := Verify(m); err != nil {
		t.Fatalf("Verify(test net, %v): %v", ph, err)
	}
	return m
}

// netRealText is the text form of testNet(Real)'s network: readable as it
// stands (this is the form users see in `scc ir`).
const netRealText = `network Net @31:1 {
  dt 0.1
  sc_dense A @30:5 {
    inputs 2
    neurons 2
    length 16
    input_seed 0xace1
    weight_seed 0xbeef
    x [128, 256]
    w [[1, 2], [3, 4]]
    y [-256, 256]
    leak 20
    gain 384
  }
  pop exc neuron N 4 @32:5 {
    param "tau" [10, 12.5, 30, 20]
    init "v" [-1.5, 0.1, 2, 0]
  }
  pop kick source 2 @33:5 {
    source poisson rate 0.3 start 1 stop 500 threshold 128849019 seed 5 stream 0
  }
  pop pulse source 3 @34:5 {
    source spikes
    spikes 3
    1 0
    1 2
    4 1
  }
  pop L extern A 2 @35:5
  proj ee exc -> exc "I" with R @36:5 {
    synapses 4
    0 1 1 0.5
    0 2 2 1.62
    1 2 1 -0.25
    3 0 15 0.1
  }
  proj pe pulse -> exc "J" @37:5 {
    synapses 3
    0 0 1 2
    1 1 1 2
    2 1 3 0.001
  }
  drive i0 current @38:5 {
    target exc 0 2 "I"
    value 1.5
    values [1, 2, 0.75]
  }
  drive bg poisson_sum @39:5 {
    target exc 0 4 "J"
    target exc 1 3 "J"
    poisson_sum n 1000 rate 0.02 w 0.1 seed 7 stream 1
    table [566, 12345, 4294967295]
  }
  record spikes exc 0 4 every 1 @40:5
  record state exc 1 3 every 2 vars ["ge", "v"] @41:5
  record rate pulse 0 3 every 10 @42:5
  rule R @43:1 {
    on_pre R__pre
    on_post R__post
    trace pre "x" decay 0.9950124791926823 add 0.01
    trace post "y" decay 0.99 add -0.0105 set
  }
}
`

func TestNetText(t *testing.T) {
	m := testNet(t, Real)
	s := m.String()
	i := strings.Index(s, "network ")
	if i < 0 {
		t.Fatalf("no network in\n%s", s)
	}
	if diff := cmp.Diff(netRealText, s[i:]); diff != "" {
		t.Errorf("network text (-want +got):\n%s", diff)
	}
	fx := testNet(t, Fixed).String()
	for _, want := range []string{
		`    init "v" [-1.5, 0.1, 2, 0] raw [-384, 26, 512, 0]`,
		"    synapses 4 raw\n    0 1 1 0.5 128\n",
		"    value 1.5 raw 384\n    values [1, 2, 0.75] raw [256, 512, 192]\n",
		"    poisson_sum n 1000 rate 0.02 w 0.1 raw 26 seed 7 stream 1\n",
		`    trace post "y" decay 0.99 add -0.0105 set fmt q8.8 decay_fmt uq1.18 decay_raw 259523 add_raw -3`,
	} {
		if !strings.Contains(fx, want) {
			t.Errorf("fixed-phase text lacks %q:\n%s", want, fx)
		}
	}
}

// TestNetRoundTrip: print∘parse∘print is the identity on the text, and
// parsing gives back the same network, field for field.
func TestNetRoundTrip(t *testing.T) {
	for _, ph := range []Phase{Real, Fixed} {
		t.Run(ph.String(), func(t *testing.T) {
			m := testNet(t, ph)
			s := m.String()
			m2, err := Parse(s)
			if err != nil {
				t.Fatalf("Parse: %v\n%s", err, s)
			}
			if err := Verify(m2); err != nil {
				t.Fatalf("Verify(Parse(Print)): %v", err)
			}
			if diff := cmp.Diff(m.Nets, m2.Nets); diff != "" {
				t.Errorf("Parse(Print(net)) differs (-want +got):\n%s", diff)
			}
			if got := m2.String(); got != s {
				t.Errorf("Print(Parse(Print)) differs:\n%s", cmp.Diff(s, got))
			}
		})
	}
}

// TestNetFiles: the network files of testdata (TestRoundTrip's inputs and
// FuzzParse's seeds) are testNet's text.
func TestNetFiles(t *testing.T) {
	for _, ph := range []Phase{Real, Fixed} {
		name := "testdata/net_" + ph.String() + ".ir"
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(testNet(t, ph).String(), string(src)); diff != "" {
			t.Errorf("%s is not testNet(%v)'s text (-want +got):\n%s", name, ph, diff)
		}
	}
}

// TestNetRoundTripMinimal: a network of one population without per-neuron
// data prints without a body; one of SC layers alone prints as it always
// has (no dt line).
func TestNetRoundTripMinimal(t *testing.T) {
	m, err := Parse(netFuncs(Real))
	if err != nil {
		t.Fatal(err)
	}
	m.Nets = []*Net{{Name: "One", Dt: 0.1, Pops: []*Pop{{Name: "p", Kind: PopNeuron, Func: "N", Size: 1}}}}
	if err := Verify(m); err != nil {
		t.Fatal(err)
	}
	s := m.String()
	if want := "network One {\n  dt 0.1\n  pop p neuron N 1\n}\n"; !strings.HasSuffix(s, want) {
		t.Errorf("text ends\n%s\nwant\n%s", s[strings.Index(s, "network"):], want)
	}
	m2, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m.Nets, m2.Nets); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestNetVerifyRejects(t *testing.T) {
	tests := []struct {
		name string
		ph   Phase
		edit func(m *Module, n *Net)
		want string
	}{
		{"unknown func", Real, func(m *Module, n *Net) { n.Pops[0].Func = "Nope" }, `func "Nope" is not in the module`},
		{"rule func as model", Real, func(m *Module, n *Net) { n.Pops[0].Func = "R__pre" }, "not a neuron model"},
		{"func dt", Real, func(m *Module, n *Net) { m.Func("N").Dt = 0.2 }, "has dt 0.2"},
		{"duplicate pop", Real, func(m *Module, n *Net) { n.Pops[1].Name = "exc" }, `population "exc" is declared twice`},
		{"size 0", Real, func(m *Module, n *Net) { n.Pops[0].Size = 0 }, "size 0"},
		{"param length", Real, func(m *Module, n *Net) { n.Pops[0].Params[0].Values = []float64{1} }, `parameter "tau": 1 values, want 4`},
		{"param index", Real, func(m *Module, n *Net) { n.Pops[0].Params[0].Index = 3 }, "parameter index 3"},
		{"init index", Real, func(m *Module, n *Net) { n.Pops[0].Init[0].Index = -1 }, "state index -1"},
		{"init NaN", Real, func(m *Module, n *Net) { n.Pops[0].Init[0].Values[2] = math.NaN() }, "value NaN of neuron 2"},
		{"init twice", Real, func(m *Module, n *Net) { n.Pops[0].Init = append(n.Pops[0].Init, n.Pops[0].Init[0]) }, "given twice"},
		{"words in real", Real, func(m *Module, n *Net) { n.Projs[0].Words = []int64{1, 2, 3, 4} }, "words in the real phase"},
		{"unknown pre", Real, func(m *Module, n *Net) { n.Projs[0].Pre = "zz" }, `unknown population "zz"`},
		{"post is a source", Real, func(m *Module, n *Net) { n.Projs[1].Post = "kick" }, "source population"},
		{"post is extern", Real, func(m *Module, n *Net) { n.Projs[1].Post = "L" }, "extern population"},
		{"port range", Real, func(m *Module, n *Net) { n.Projs[0].Port = 2 }, "port 2 of population \"exc\" out of range"},
		{"port name", Real, func(m *Module, n *Net) { n.Projs[0].PortName = "J" }, `port name "J"`},
		{"lengths", Real, func(m *Module, n *Net) { n.Projs[0].Delay = n.Projs[0].Delay[:3] }, "want equal lengths"},
		{"pre index", Real, func(m *Module, n *Net) { n.Projs[1].PreIdx[2] = 3 }, "pre index 3 outside 0..2"},
		{"post index", Real, func(m *Module, n *Net) { n.Projs[0].PostIdx[3] = 4 }, "post index 4 outside 0..3"},
		{"delay 0", Real, func(m *Module, n *Net) { n.Projs[0].Delay[1] = 0 }, "delay 0, want ≥ 1"},
		{"order", Real, func(m *Module, n *Net) { n.Projs[0].PostIdx[1] = 0 }, "ascending pre, then post"},
		{"unknown rule", Real, func(m *Module, n *Net) { n.Projs[0].Rule = "S" }, `unknown rule "S"`},
		{"rule on_pre missing", Real, func(m *Module, n *Net) { n.Rules[0].OnPre = "Q" }, `func "Q" is not in the module`},
		{"rule without state", Real, func(m *Module, n *Net) {
			f := m.Func("R__post")
			f.States, f.Blocks[0].Values = nil, nil
		}, "has no state"},
		{"decay > 1", Real, func(m *Module, n *Net) { n.Rules[0].Pre.Decay = 1.5 }, "decay 1.5 outside [0, 1]"},
		{"duplicate rule", Real, func(m *Module, n *Net) { n.Rules = append(n.Rules, n.Rules[0]) }, `rule "R" is declared twice`},
		{"drive target range", Real, func(m *Module, n *Net) { n.Drives[0].Targets[0].Hi = 5 }, "neurons 0..4 of \"exc\", outside 0..3"},
		{"drive target source", Real, func(m *Module, n *Net) { n.Drives[0].Targets[0].Pop = "pulse" }, "no input ports"},
		{"drive no targets", Real, func(m *Module, n *Net) { n.Drives[1].Targets = nil }, "no targets"},
		{"drive table", Real, func(m *Module, n *Net) { n.Drives[1].Table = []uint32{5, 4} }, "not ascending"},
		{"drive n", Real, func(m *Module, n *Net) { n.Drives[1].N = 0 }, "n 0"},
		{"record vars", Real, func(m *Module, n *Net) { n.Records[1].Vars = []int{2} }, "state index 2"},
		{"record no vars", Real, func(m *Module, n *Net) { n.Records[1].Vars = nil }, "without variables"},
		{"record every", Real, func(m *Module, n *Net) { n.Records[0].Every = 0 }, "every 0 steps"},
		{"record slice", Real, func(m *Module, n *Net) { n.Records[2].Hi = 4 }, "outside 0..2"},
		{"spike step 0", Real, func(m *Module, n *Net) { n.Pops[2].Source.Spikes[0].Step = 0 }, "step 0, want ≥ 1"},
		{"spike index", Real, func(m *Module, n *Net) { n.Pops[2].Source.Spikes[2].Index = 3 }, "neuron 3, outside 0..2"},
		{"spike twice", Real, func(m *Module, n *Net) { n.Pops[2].Source.Spikes[1] = SpikeEvent{1, 0} }, "one spike per neuron and step"},
		{"spikes unsorted", Real, func(m *Module, n *Net) { n.Pops[2].Source.Spikes[2].Step = 1 }, "not after spike 1"},
		{"poisson threshold", Real, func(m *Module, n *Net) { n.Pops[1].Source.Threshold++ }, "threshold 128849020"},
		{"poisson rate", Real, func(m *Module, n *Net) { n.Pops[1].Source.Rate = 10 }, "rate·dt < 1"},
		{"shared stream", Real, func(m *Module, n *Net) { n.Drives[1].Stream = 0 }, "RNG stream 0 is also source kick's"},
		{"extern layer", Real, func(m *Module, n *Net) { n.Pops[3].Layer = &SCLayer{Name: "B", Neurons: 2} }, "not one of the network's layers"},
		{"extern size", Real, func(m *Module, n *Net) { n.Pops[3].Size = 3 }, "layer A has 2 neurons"},
		{"no dt", Real, func(m *Module, n *Net) { n.Dt = 0 }, "dt 0"},
		{"fixed: weight words", Fixed, func(m *Module, n *Net) { n.Projs[0].Words = n.Projs[0].Words[:2] }, "2 words, want 4"},
		{"fixed: weight format", Fixed, func(m *Module, n *Net) { n.Projs[0].Words[1] = 1 << 15 }, "word 1 (32768) outside q8.8"},
		{"fixed: init words", Fixed, func(m *Module, n *Net) { n.Pops[0].Init[0].Words = nil }, "0 words, want 4"},
		{"fixed: init format", Fixed, func(m *Module, n *Net) { n.Pops[0].Init[0].Words[0] = -1<<15 - 1 }, "outside q8.8"},
		{"fixed: drive word", Fixed, func(m *Module, n *Net) { n.Drives[0].ValueWord = 1 << 20 }, "word 1048576 outside q8.8"},
		{"fixed: drive words", Fixed, func(m *Module, n *Net) { n.Drives[0].Words = []int64{1} }, "1 words, want 3"},
		{"fixed: poisson_sum word", Fixed, func(m *Module, n *Net) { n.Drives[1].WWord = 1 << 16 }, "outside q8.8"},
		{"fixed: trace format", Fixed, func(m *Module, n *Net) { n.Rules[0].Pre.Fmt = Type{} }, "not allowed in the fixed phase"},
		{"fixed: decay word", Fixed, func(m *Module, n *Net) { n.Rules[0].Pre.DecayWord = -1 }, "decay word -1"},
		{"fixed: add word", Fixed, func(m *Module, n *Net) { n.Rules[0].Post.AddWord = 1 << 15 }, "add word 32768"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testNet(t, tt.ph)
			tt.edit(m, m.Nets[0])
			err := Verify(m)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestNetVerifyRuleFormat: one word is the weight propagate adds and the
// state w the rule updates, so their formats agree.
func TestNetVerifyRuleFormat(t *testing.T) {
	m, err := Parse(netFuncsW(Fixed, "q4.12", "q5.12"))
	if err != nil {
		t.Fatal(err)
	}
	good := testNet(t, Fixed)
	good.Funcs = m.Funcs
	err = Verify(good)
	if want := "proj ee @36:5: rule R keeps w as q4.12 in R__pre, the port's format is q8.8"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Verify = %v, want %q", err, want)
	}
}

// TestNetVerifyPositions: a violation names its item and position.
func TestNetVerifyPositions(t *testing.T) {
	m := testNet(t, Real)
	m.Nets[0].Projs[1].Delay[0] = 0
	err := Verify(m)
	if want := "network Net: proj pe @37:5: synapse 0: delay 0"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Verify = %v, want %q...", err, want)
	}
}

func TestNetParseErrors(t *testing.T) {
	base := testNet(t, Fixed).String()
	line := func(s string) int { // 1-based line of s in base
		i := strings.Index(base, s)
		if i < 0 {
			t.Fatalf("%q not in the test net", s)
		}
		return strings.Count(base[:i], "\n") + 1
	}
	tests := []struct {
		name, old, new, want string
		at                   string // the line (of base) the error names
	}{
		{"row fields", "    0 2 2 1.62 415\n", "    0 2 2 1.62\n", "row has 4 fields, want 5", "    0 2 2 1.62 415"},
		{"row number", "    1 2 1 -0.25 -64\n", "    1 x 1 -0.25 -64\n", `expected a 32-bit integer, found "x"`, "    1 2 1 -0.25 -64"},
		{"row too wide", "    3 0 15 0.1 26\n", "    3 0 15 0.1 26 7\n", "more than 5 fields", "    3 0 15 0.1 26"},
		{"too few rows", "    synapses 4 raw\n", "    synapses 5 raw\n", "row has 1 fields", "  }\n  proj pe"},
		{"negative rows", "    synapses 4 raw\n", "    synapses -1 raw\n", "negative row count", "    synapses 4 raw"},
		{"unknown port", `proj pe pulse -> exc "J"`, `proj pe pulse -> exc "K"`, `unknown input "K" of func N`, "  proj pe"},
		{"unknown param", `param "tau" [`, `param "tu" [`, `unknown parameter "tu"`, `    param "tau"`},
		{"unknown var", `vars ["ge", "v"]`, `vars ["ge", "w"]`, `unknown state "w"`, "  record state"},
		{"unknown layer", "pop L extern A 2", "pop L extern B 2", `unknown layer "B"`, "  pop L extern"},
		{"unknown pop kind", "pop L extern A 2", "pop L alien A 2", `unknown population kind "alien"`, "  pop L extern"},
		{"unknown item", "  record rate", "  recrod rate", `unknown network item "recrod"`, "  record rate"},
		{"spike fields", "    4 1\n", "    4\n", "row has 1 fields, want 2", "    4 1\n"},
		{"threshold range", "threshold 128849019", "threshold 4294967296", "unsigned 32-bit", "    source poisson"},
		{"trace fmt", "fmt q8.8 decay_fmt uq1.18 decay_raw 259523", "fmt q8.8 decay_fmt uq99.18 decay_raw 259523", "bad format", `    trace post "y"`},
		{"two pre traces", `trace post "y"`, `trace pre "y"`, "another \"pre\"", `    trace post "y"`},
		{"unterminated", "  }\n}\n", "  }\n", "unexpected end of input in network Net", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(base, tt.old, tt.new, 1)
			if src == base {
				t.Fatalf("edit %q not applied", tt.old)
			}
			_, err := Parse(src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse = %v, want an error containing %q", err, tt.want)
			}
			if tt.at == "" {
				return
			}
			if want := fmt.Sprintf("ir:%d:1: ", line(tt.at)); !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Parse = %v, want it at %q", err, want)
			}
		})
	}
}

// randomNet returns a net of a 40-neuron population N with k random
// projections into its two ports (several into one port), and the
// in-degree and largest delay of each (pop, port) counted independently of
// the Net's methods.
func randomNet(t *testing.T, seed uint64) (*Module, map[int]map[int32]int, int) {
	m, err := Parse(netFuncs(Fixed))
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 1))
	n := &Net{Name: "R", Dt: 0.1, Pops: []*Pop{{Name: "p", Kind: PopNeuron, Func: "N", Size: 40}}}
	deg := map[int]map[int32]int{0: {}, 1: {}}
	dmax := 0
	for k := range 5 {
		pr := &Proj{Name: fmt.Sprint("p", k), Pre: "p", Post: "p", Port: k % 2}
		for pre := range int32(40) {
			for post := range int32(40) {
				for r.IntN(6) == 0 { // multapses too
					d := 1 + r.IntN(20)
					pr.PreIdx, pr.PostIdx = append(pr.PreIdx, pre), append(pr.PostIdx, post)
					pr.Delay, pr.W, pr.Words = append(pr.Delay, int32(d)), append(pr.W, 0.5), append(pr.Words, 128)
					deg[pr.Port][post]++
					dmax = max(dmax, d)
				}
			}
		}
		n.Projs = append(n.Projs, pr)
	}
	m.Nets = []*Net{n}
	if err := Verify(m); err != nil {
		t.Fatal(err)
	}
	return m, deg, dmax
}

func TestNetDegreesAndWidths(t *testing.T) {
	for seed := range uint64(4) {
		m, deg, dmax := randomNet(t, seed)
		n := m.Nets[0]
		for port := range 2 {
			got := n.InDegrees("p", port)
			best := 0
			for i := range 40 {
				if got[i] != deg[port][int32(i)] {
					t.Errorf("seed %d: InDegrees(p, %d)[%d] = %d, want %d", seed, port, i, got[i], deg[port][int32(i)])
				}
				best = max(best, deg[port][int32(i)])
			}
			if md := n.MaxInDegree("p", port); md != best {
				t.Errorf("seed %d: MaxInDegree(p, %d) = %d, want %d", seed, port, md, best)
			}
			want := 16 + int(math.Ceil(math.Log2(float64(1+best))))
			if w := n.AccWidth(m, "p", port); w != want {
				t.Errorf("seed %d: AccWidth(p, %d) = %d, want %d (max in-degree %d)", seed, port, w, want, best)
			}
			if f, ok := n.AccFormat(m, "p", port); !ok || f.Frac != 8 || !f.Signed {
				t.Errorf("seed %d: AccFormat(p, %d) = %v, %v, want q?.8", seed, port, f, ok)
			}
		}
		if rs := n.RingSize("p"); rs != dmax+1 {
			t.Errorf("seed %d: RingSize(p) = %d, want %d", seed, rs, dmax+1)
		}
	}
}

// TestAccWidthEdges: ⌈log2(1 + D)⌉ at powers of two, and the width is
// enough for D words of the port's most negative value (and not one bit
// more).
func TestAccWidthEdges(t *testing.T) {
	m, err := Parse(netFuncs(Fixed))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []int{0, 1, 2, 3, 4, 7, 8, 9, 255, 256} {
		pr := &Proj{Name: "p", Pre: "p", Post: "p"}
		for range d {
			pr.PreIdx, pr.PostIdx, pr.Delay, pr.W, pr.Words = append(pr.PreIdx, 0), append(pr.PostIdx, 1), append(pr.Delay, 1), append(pr.W, -128), append(pr.Words, -1<<15)
		}
		n := &Net{Name: "E", Dt: 0.1, Pops: []*Pop{{Name: "p", Kind: PopNeuron, Func: "N", Size: 2}}, Projs: []*Proj{pr}}
		m.Nets = []*Net{n}
		if err := Verify(m); err != nil {
			t.Fatal(err)
		}
		w := n.AccWidth(m, "p", 0)
		if want := 16 + int(math.Ceil(math.Log2(float64(1+d)))); w != want {
			t.Errorf("in-degree %d: AccWidth = %d, want %d", d, w, want)
		}
		lo, hi := int64(d)*(-1<<15), int64(d)*(1<<15-1) // the extreme sums
		if lo < -(int64(1)<<(w-1)) || hi > int64(1)<<(w-1)-1 {
			t.Errorf("in-degree %d: AccWidth %d cannot hold the sums %d..%d", d, w, lo, hi)
		}
	}
}

// largeNet builds a network of k synapses between two 1000-neuron
// populations (fixed phase, with words).
func largeNet(tb testing.TB, k int) *Module {
	m, err := Parse(netFuncs(Fixed))
	if err != nil {
		tb.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	pr := &Proj{Name: "big", Pre: "a", Post: "b", PortName: "I"}
	for i := range k {
		pr.PreIdx = append(pr.PreIdx, int32(i*1000/k))
		pr.PostIdx = append(pr.PostIdx, int32(i%1000))
		pr.Delay = append(pr.Delay, int32(1+r.IntN(15)))
		w := r.IntN(1<<16) - 1<<15
		pr.W, pr.Words = append(pr.W, float64(w)/256), append(pr.Words, int64(w))
	}
	for i := 0; i < k; { // ascending post within a pre
		j := i
		for j < k && pr.PreIdx[j] == pr.PreIdx[i] {
			j++
		}
		slices.Sort(pr.PostIdx[i:j])
		i = j
	}
	n := &Net{Name: "Big", Dt: 0.1, Pops: []*Pop{
		{Name: "a", Kind: PopNeuron, Func: "N", Size: 1000},
		{Name: "b", Kind: PopNeuron, Func: "N", Size: 1000}}, Projs: []*Proj{pr}}
	m.Nets = []*Net{n}
	return m
}

func TestNetLargeRoundTrip(t *testing.T) {
	m := largeNet(t, 20000)
	if err := Verify(m); err != nil {
		t.Fatal(err)
	}
	s := m.String()
	m2, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Nets, m2.Nets) { // cmp.Diff takes seconds here
		t.Errorf("round trip differs")
	}
}

// BenchmarkNetParse parses a 300k-synapse projection (the size the text
// form is meant to carry).
func BenchmarkNetParse(b *testing.B) {
	s := largeNet(b, 300000).String()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, err := Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSCLayerTextUnchanged: a network of SC layers alone prints as before
// networks had populations (backend/sv and cmd/scc goldens hold it).
func TestSCLayerTextUnchanged(t *testing.T) {
	m := &Module{File: "s.snn", Nets: []*Net{{Name: "SC", Pos: pos(1, 1), Layers: []*SCLayer{{Name: "B", Pos: pos(2, 5),
		Inputs: 1, Neurons: 2, Length: 1, InputSeed: 0xace1, WeightSeed: 0xbeef, X: []int64{256}, W: []int64{256, 0}, YMax: 1, Leak: -256, Gain: 32767}}}}}
	want := `module "s.snn" real

network SC @1:1 {
  sc_dense B @2:5 {
    inputs 1
    neurons 2
    length 1
    input_seed 0xace1
    weight_seed 0xbeef
    x [256]
    w [[256], [0]]
    y [0, 1]
    leak -256
    gain 32767
  }
}
`
	if err := Verify(m); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, m.String()); diff != "" {
		t.Errorf("SC network text (-want +got):\n%s", diff)
	}
	m2, err := Parse(want)
	if err != nil || m2.String() != want {
		t.Errorf("Parse = %v, round trip %v", err, err == nil && m2.String() == want)
	}
}

// TestMaxInDegreeSparse: a large population with few synapses takes the
// sorting path of MaxInDegree; it counts as the per-neuron path does.
func TestMaxInDegreeSparse(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 20 {
		pr := &Proj{Name: "s", Pre: "p", Post: "p"}
		deg := map[int32]int{}
		for range 1 + r.IntN(50) {
			post := int32(r.IntN(8)) * 100000 // few targets, far apart
			pr.PreIdx, pr.PostIdx = append(pr.PreIdx, 0), append(pr.PostIdx, post)
			deg[post]++
		}
		n := &Net{Pops: []*Pop{{Name: "p", Kind: PopNeuron, Size: 1 << 20}}, Projs: []*Proj{pr}}
		best := 0
		for _, d := range deg {
			best = max(best, d)
		}
		if got := n.MaxInDegree("p", 0); got != best {
			t.Errorf("trial %d: MaxInDegree = %d, want %d", trial, got, best)
		}
		if got := slices.Max(n.InDegrees("p", 0)); got != best {
			t.Errorf("trial %d: max of InDegrees = %d, want %d", trial, got, best)
		}
	}
}

// TestNetClone: a clone prints like the original, and setting every
// fixed-phase field of the clone's structs (what quantize does) leaves the
// original's text unchanged.
func TestNetClone(t *testing.T) {
	m := testNet(t, Real)
	before := m.String()
	c := m.Nets[0].Clone()
	cm := &Module{File: m.File, Phase: m.Phase, Funcs: m.Funcs, Nets: []*Net{c}}
	if cm.String() != before {
		t.Fatal("the clone prints differently")
	}
	for _, p := range c.Pops {
		for _, in := range p.Init {
			in.Words = make([]int64, len(in.Values))
		}
		if p.Source != nil {
			p.Source.Threshold++
		}
		if p.Layer != nil {
			p.Layer.Gain++
		}
	}
	for _, p := range c.Projs {
		p.Words = make([]int64, len(p.W))
		p.Rule = "changed"
	}
	for _, d := range c.Drives {
		d.ValueWord, d.WWord = 7, 7
		for _, tg := range d.Targets {
			tg.Hi--
		}
	}
	for _, r := range c.Records {
		r.Every++
	}
	for _, r := range c.Rules {
		if r.Pre != nil {
			r.Pre.DecayWord = 9
		}
		if r.Post != nil {
			r.Post.AddWord = 9
		}
	}
	if m.String() != before {
		t.Error("changing the clone changed the original")
	}
	if cm.String() == before {
		t.Error("the changes show in neither: the test changes nothing printed")
	}
}
