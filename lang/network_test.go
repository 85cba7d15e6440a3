package lang_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/tools/txtar"

	"scc/internal/golden"
	"scc/lang"
	"scc/parser"
)

// cubaSrc is the CUBA sketch of networks.md §5.b with its model, plus a
// plastic projection, per-neuron parameters, every connector and drives.
const cubaSrc = `
model CubaLIF {
    param tau_m = 20 ms
    param tau_e = 5 ms
    param tau_i = 10 ms
    param e_l = -49 mV
    param v_th = -50 mV
    param v_reset = -60 mV
    input je : mV
    input ji : mV
    input I_ext : nA
    state v : mV = -60 mV in [-80 mV, -40 mV]
    state ge : mV = 0 mV
    state gi : mV = 0 mV
    dv/dt = (ge + gi - (v - e_l)) / tau_m + I_ext * 1 Mohm / tau_m (unless refractory)
    next ge = ge * exp(-dt / tau_e) + je
    next gi = gi * exp(-dt / tau_i) + ji
    spike when v > v_th { v = v_reset }
    refractory 5 ms
    method exact
}

synapse STDP {
    param gmax = 2 mV; param a_pre = 0.01 mV; param a_post = -0.0105 mV
    state w : mV in [0 mV, gmax]
    trace pre x decay 20 ms add a_pre
    trace post y decay 20 ms add a_post
    on pre { w = clip(w + y, 0 mV, gmax) }
    on post { w = clip(w + x, 0 mV, gmax) }
}

network CUBA {
    dt 0.1 ms
    format q8.8
    pop exc = CubaLIF[3200] { v = uniform(-60 mV, -50 mV, seed = 1); tau_m = 10 ms }
    pop inh = CubaLIF[800]  { v = normal(-55 mV, 2 mV, seed = 2); v_th = file("th.csv", column = "th") }
    proj ee = exc -> exc.je random(p = 0.02, seed = 11) { w = 1.62 mV; delay 1 steps }
    proj ei = exc -> inh.je random(p = 0.02, seed = 12) { w = 1.62 mV; delay 0.3 ms }
    proj ie = inh -> exc.ji fixed_indegree(k = 20, seed = 13) { w = -9 mV; delay uniform(1, 15, seed = 3) steps }
    proj ii = inh -> inh.ji all_to_all { w = uniform(-9 mV, -8 mV, seed = 4) }
    source kick = poisson(rate = 300 Hz, seed = 5, start = 1 ms, stop = 51 ms)[50]
    source pulse = spikes(file = "pulse.csv")[2]
    proj k = kick -> exc[0:50].je one_to_one with STDP { w = 1.62 mV }
    proj d = pulse -> inh[10:13].je dense(w = [[1 mV, 0 mV], [0, 2 mV], [0.5 mV, 0]])
    proj sp = pulse -> exc.je sparse(file = "c.csv")
    proj l = pulse -> inh[0:4].ji list(pairs = [[0, 3], [1, 0]]) { w = -1 mV; delay 0.2 ms }
    drive bg = poisson_sum(n = 1000, rate = 20 Hz, w = 0.1 mV, seed = 7) -> exc.je, inh[0:100].je
    drive I0 = current(150 pA) -> exc.I_ext
    drive I1 = current(file = "i.csv") -> inh.I_ext
    record exc spikes
    record exc[0:10] v, ge every 1 steps
    record inh rate every 10 steps
}
`

// TestNetworkInfo checks every field the checker derives from cubaSrc
// against values worked out by hand from the source (kHz, ms, steps of
// 0.1 ms).
func TestNetworkInfo(t *testing.T) {
	info := check(t, cubaSrc)
	if len(info.Networks) != 1 {
		t.Fatalf("%d networks, want 1", len(info.Networks))
	}
	n := info.Networks[0]
	opts := cmp.Options{cmpopts.IgnoreTypes(lang.Pos{}), cmpopts.IgnoreFields(lang.PopInfo{}, "Pop"), cmpopts.EquateEmpty()}
	if n.Profile.Dt != 0.1 {
		t.Errorf("dt = %g, want 0.1", n.Profile.Dt)
	}
	all := func(pop string, size int) lang.Slice { return lang.Slice{Pop: pop, Hi: size} }
	wantPops := []*lang.PopInfo{
		{Model: "CubaLIF", Size: 3200, Overrides: []lang.ParamValue{{Name: "tau_m", Value: 10}},
			PerNeuron: []*lang.PerNeuron{{Name: "v", State: true, Index: 0,
				Value: lang.Dist{Kind: lang.DistUniform, A: -60, B: -50, Seed: 1, Dim: voltage}}}},
		{Model: "CubaLIF", Size: 800, PerNeuron: []*lang.PerNeuron{
			{Name: "v", State: true, Index: 0, Value: lang.Dist{Kind: lang.DistNormal, A: -55, B: 2, Seed: 2, Dim: voltage}},
			{Name: "v_th", State: false, Index: 4, Value: lang.Dist{Kind: lang.DistFile, File: "th.csv", Column: "th", Dim: voltage}}}},
	}
	if diff := cmp.Diff(wantPops, n.Pops, opts); diff != "" {
		t.Errorf("Pops (-want +got):\n%s", diff)
	}
	wantSources := []*lang.SourceInfo{
		{Name: "kick", Size: 50, Kind: lang.SourcePoisson, Rate: 0.3, Start: 10, Stop: 510, Seed: 5},
		{Name: "pulse", Size: 2, Kind: lang.SourceSpikes, File: "pulse.csv"},
	}
	if diff := cmp.Diff(wantSources, n.Sources, opts); diff != "" {
		t.Errorf("Sources (-want +got):\n%s", diff)
	}
	one := lang.Dist{Value: 1}
	mv := func(v float64) lang.Dist { return lang.Dist{Value: v, Dim: voltage} }
	wantProjs := []*lang.ProjInfo{
		{Name: "ee", Pre: all("exc", 3200), Post: all("exc", 3200), Port: "je", PortIndex: 0, PortDim: voltage,
			Conn: lang.Conn{Kind: lang.ConnRandom, P: 0.02, Seed: 11, AllowSelf: true}, W: mv(1.62), Delay: one},
		{Name: "ei", Pre: all("exc", 3200), Post: all("inh", 800), Port: "je", PortIndex: 0, PortDim: voltage,
			Conn: lang.Conn{Kind: lang.ConnRandom, P: 0.02, Seed: 12, AllowSelf: true}, W: mv(1.62), Delay: lang.Dist{Value: 3}},
		{Name: "ie", Pre: all("inh", 800), Post: all("exc", 3200), Port: "ji", PortIndex: 1, PortDim: voltage,
			Conn: lang.Conn{Kind: lang.ConnFixedIndegree, K: 20, Seed: 13, AllowSelf: true}, W: mv(-9),
			Delay: lang.Dist{Kind: lang.DistUniform, A: 1, B: 15, Seed: 3}},
		{Name: "ii", Pre: all("inh", 800), Post: all("inh", 800), Port: "ji", PortIndex: 1, PortDim: voltage,
			Conn: lang.Conn{Kind: lang.ConnAllToAll, AllowSelf: true},
			W:    lang.Dist{Kind: lang.DistUniform, A: -9, B: -8, Seed: 4, Dim: voltage}, Delay: one},
		{Name: "k", Pre: all("kick", 50), Post: lang.Slice{Pop: "exc", Lo: 0, Hi: 50}, Port: "je", PortDim: voltage,
			Conn: lang.Conn{Kind: lang.ConnOneToOne, AllowSelf: true}, W: mv(1.62), Delay: one, Rule: "STDP"},
		{Name: "d", Pre: all("pulse", 2), Post: lang.Slice{Pop: "inh", Lo: 10, Hi: 13}, Port: "je", PortDim: voltage,
			Conn: lang.Conn{Kind: lang.ConnDense, AllowSelf: true, Matrix: [][]float64{{1, 0}, {0, 2}, {0.5, 0}}},
			W:    lang.Dist{Dim: voltage}, Delay: one},
		{Name: "sp", Pre: all("pulse", 2), Post: all("exc", 3200), Port: "je", PortDim: voltage,
			Conn:  lang.Conn{Kind: lang.ConnSparse, File: "c.csv", AllowSelf: true},
			W:     lang.Dist{Kind: lang.DistColumn, Column: "w", Dim: voltage},
			Delay: lang.Dist{Kind: lang.DistColumn, Column: "delay", Value: 1}},
		{Name: "l", Pre: all("pulse", 2), Post: lang.Slice{Pop: "inh", Hi: 4}, Port: "ji", PortIndex: 1, PortDim: voltage,
			Conn: lang.Conn{Kind: lang.ConnList, AllowSelf: true, Pairs: [][2]int{{0, 3}, {1, 0}}}, W: mv(-1), Delay: lang.Dist{Value: 2}},
	}
	if diff := cmp.Diff(wantProjs, n.Projs, opts); diff != "" {
		t.Errorf("Projs (-want +got):\n%s", diff)
	}
	wantDrives := []*lang.DriveInfo{
		{Name: "bg", Kind: lang.DrivePoissonSum, N: 1000, Rate: 0.02, W: 0.1, Seed: 7, Targets: []lang.DriveTarget{
			{Slice: all("exc", 3200), Port: "je"}, {Slice: lang.Slice{Pop: "inh", Hi: 100}, Port: "je"}}},
		{Name: "I0", Kind: lang.DriveCurrent, Value: 0.15, Targets: []lang.DriveTarget{{Slice: all("exc", 3200), Port: "I_ext", PortIndex: 2}}},
		{Name: "I1", Kind: lang.DriveCurrent, File: "i.csv", Targets: []lang.DriveTarget{{Slice: all("inh", 800), Port: "I_ext", PortIndex: 2}}},
	}
	if diff := cmp.Diff(wantDrives, n.Drives, opts, cmpopts.EquateApprox(0, 1e-15)); diff != "" {
		t.Errorf("Drives (-want +got):\n%s", diff)
	}
	wantRecords := []*lang.RecordInfo{
		{Target: all("exc", 3200), Kind: lang.RecordSpikes, Every: 1},
		{Target: lang.Slice{Pop: "exc", Hi: 10}, Kind: lang.RecordState, Vars: []int{0, 1}, Every: 1},
		{Target: all("inh", 800), Kind: lang.RecordRate, Every: 10},
	}
	if diff := cmp.Diff(wantRecords, n.Records, opts); diff != "" {
		t.Errorf("Records (-want +got):\n%s", diff)
	}
	// Positions point at the source text of each item.
	if p := n.Projs[1].Delay.Pos; p.Line != 38 || p.Col != 78 {
		t.Errorf("delay of ei at %d:%d, want 38:78 (its value)", p.Line, p.Col)
	}
	if p := n.Projs[4].Post.Pos; p.Line != 43 || p.Col != 22 {
		t.Errorf("target exc[0:50] at %d:%d, want 43:22", p.Line, p.Col)
	}
}

// TestSynapseInfo checks the STDP rule and its synthesised event models.
func TestSynapseInfo(t *testing.T) {
	info := check(t, cubaSrc)
	if len(info.Synapses) != 1 {
		t.Fatalf("%d synapses, want 1", len(info.Synapses))
	}
	s := info.Synapses[0]
	opts := cmp.Options{cmpopts.IgnoreTypes(lang.Pos{})}
	if diff := cmp.Diff(&lang.TraceInfo{Name: "x", Tau: 20, Add: 0.01}, s.Pre, opts); diff != "" {
		t.Errorf("pre trace (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&lang.TraceInfo{Name: "y", Tau: 20, Add: -0.0105}, s.Post, opts); diff != "" {
		t.Errorf("post trace (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		m      *lang.ModelInfo
		name   string
		reads  string // the trace the body reads
		mapRHS string
	}{{s.OnPre, "STDP__pre", "y", "clip(w + y, 0 mV, gmax)"}, {s.OnPost, "STDP__post", "x", "clip(w + x, 0 mV, gmax)"}} {
		m := tc.m
		if m == nil || m.Model.Name != tc.name || info.Models[tc.name] != m {
			t.Fatalf("event model %s missing from SynapseInfo or Info.Models", tc.name)
		}
		for _, o := range info.Order {
			if o == tc.name {
				t.Errorf("event model %s is in Info.Order (only source models are)", tc.name)
			}
		}
		var params, inputs []string
		for _, p := range m.Params {
			params = append(params, p.Name)
		}
		for _, in := range m.Inputs {
			inputs = append(inputs, in.Name)
			if in.Dim != voltage {
				t.Errorf("%s: trace %s has dimension %v, want voltage", tc.name, in.Name, in.Dim)
			}
		}
		if got := strings.Join(params, ","); got != "gmax,a_pre,a_post" {
			t.Errorf("%s params %s, want gmax,a_pre,a_post", tc.name, got)
		}
		if got := strings.Join(inputs, ","); got != "x,y" {
			t.Errorf("%s inputs %s, want x,y (pre trace, then post trace)", tc.name, got)
		}
		if len(m.States) != 1 || m.States[0].Name != "w" || m.States[0].Dim != voltage ||
			m.States[0].Range == nil || *m.States[0].Range != (lang.Bounds{Lo: 0, Hi: 2}) {
			t.Fatalf("%s states: want w : mV in [0, 2]", tc.name)
		}
		mp, ok := m.States[0].Eq.(*lang.Map)
		if !ok || lang.FormatExpr(mp.RHS) != tc.mapRHS {
			t.Errorf("%s: w's equation is %v, want the map w' = %s", tc.name, m.States[0].Eq, tc.mapRHS)
		}
		if m.Spike != nil {
			t.Errorf("%s spikes", tc.name)
		}
	}
}

// TestMultiplicativeSTDP: a rule whose update scales with the distance to
// the bound (w dimensionless, port dimensionless) and one event side only.
func TestMultiplicativeSTDP(t *testing.T) {
	info := check(t, `
model M {
    input g
    state v = 0
    v' = v * 0.5 + g
}
synapse Mult {
    param gmax = 1; param eta = 0.5
    state w = 0.5 in [0, gmax]
    trace pre x decay 10 ms set 1
    on post { w = clip(w + eta * x * (gmax - w), 0, gmax) }
}
network N {
    pop p = M[4]
    proj q = p -> p.g all_to_all with Mult { w = uniform(0, 1, seed = 9) }
}
`)
	s := info.Synapses[0]
	if s.Pre == nil || !s.Pre.Set || s.Pre.Add != 1 || s.Pre.Tau != 10 || s.Post != nil {
		t.Errorf("traces: pre %+v post %+v, want pre x decay 10 set 1 and no post trace", s.Pre, s.Post)
	}
	if s.OnPre != nil || s.OnPost == nil {
		t.Fatalf("want only the on post event model")
	}
	if m := s.OnPost; len(m.Inputs) != 1 || m.Inputs[0].Name != "x" || m.States[0].Init != 0.5 {
		t.Errorf("Mult__post: inputs %d, w init %g; want the one pre trace x and w = 0.5", len(m.Inputs), m.States[0].Init)
	}
	if r := info.Networks[0].Projs[0]; r.Rule != "Mult" || r.W.Kind != lang.DistUniform || r.PortDim != lang.Dimensionless {
		t.Errorf("proj: %+v", r)
	}
}

// TestNetworkDt: times become steps of the network's dt, not the model's;
// file delays keep their unit for irgen.
func TestNetworkDt(t *testing.T) {
	info := check(t, `
model M {
    input g
    state v = 0
    v' = v * 0.5 + g
    dt 0.1 ms
}
network N {
    dt 0.5 ms
    pop p = M[4]
    source s = poisson(rate = 1 kHz, seed = 1, stop = 2 ms)[2]
    proj a = p -> p.g all_to_all { w = 1; delay 1 ms }
    proj b = p -> p.g all_to_all { w = 1; delay file("d.csv") }
    proj c = p -> p.g all_to_all { w = 1; delay file("d.csv") steps }
    proj d = p -> p.g all_to_all { w = 1; delay uniform(0.5 ms, 1.5 ms, seed = 2) }
}
`)
	n := info.Networks[0]
	if got := n.Sources[0]; got.Rate != 1 || got.Stop != 4 {
		t.Errorf("source rate %g kHz stop %d, want 1 kHz, stop step 4", got.Rate, got.Stop)
	}
	if d := n.Projs[0].Delay; d.Kind != lang.DistConst || d.Value != 2 {
		t.Errorf("delay 1 ms at dt 0.5 ms = %+v, want 2 steps", d)
	}
	if d := n.Projs[1].Delay; d.Kind != lang.DistFile || d.Dim != time || d.File != "d.csv" {
		t.Errorf("time delays from a file: %+v, want DistFile d.csv of dimension time", d)
	}
	if d := n.Projs[2].Delay; d.Kind != lang.DistFile || d.Dim != lang.Dimensionless {
		t.Errorf("step delays from a file: %+v, want DistFile, dimensionless", d)
	}
	if d := n.Projs[3].Delay; d.Kind != lang.DistUniform || d.A != 1 || d.B != 3 || d.Seed != 2 {
		t.Errorf("uniform time delay: %+v, want uniform steps 1..3", d)
	}
	// rate·dt = 1 at dt 0.5 ms is an error, though 1 kHz·0.1 ms is not.
	f := `model M {
    input g
    state v = 0
    v' = v + g
}
network N {
    dt 0.5 ms
    source s = poisson(rate = 2 kHz, seed = 1)[2]
}
`
	if _, err := checkErr(f); err == nil || !strings.Contains(err.Error(), "8:31: rate 2 kHz times dt = 0.5 ms is 1") {
		t.Errorf("rate·dt = 1: got %v", err)
	}
}

func checkErr(src string) (*lang.Info, error) {
	f, err := parser.ParseFile("t.snn", []byte(src))
	if err != nil {
		return nil, err
	}
	return lang.Check(f)
}

// TestParserNetworkGoldenChecks: the parser's golden network source (every
// network item) is also a valid program.
func TestParserNetworkGoldenChecks(t *testing.T) {
	ar, err := txtar.ParseFile("../parser/testdata/network.txtar")
	if err != nil {
		t.Fatal(err)
	}
	src, ok := golden.Section(ar, "in.snn")
	if !ok {
		t.Fatal("no in.snn section")
	}
	check(t, string(src))
}

// TestSynapseProfile: a rule's format, rounding and overflow options are
// its event models' profile (w and the traces in the rule's format);
// without them the event models keep DefaultProfile.
func TestSynapseProfile(t *testing.T) {
	const rule = `
model M { format auto:32
    input je : mV in [0 mV, 8 mV]
    state v : mV = 0 mV in [-10 mV, 10 mV]
    v' = je
    spike when v > 1 mV { v = 0 mV } }
synapse S { %s
    param gmax = 1 mV; state w : mV in [0 mV, gmax]
    trace pre x decay 20 ms add 0.01 mV
    on pre { w = clip(w + x, 0 mV, gmax) } }
network N { source s = poisson(rate = 10 Hz, seed = 1)[2]; pop p = M[1]
    proj a = s -> p.je all_to_all with S { w = 0.5 mV } }
`
	for _, tc := range []struct{ opts, format, round, overflow string }{
		{"", "q8.8", "floor", "sat"},
		{"format q16.16", "q16.16", "floor", "sat"},
		{"format q16.16; rounding half_even; overflow wrap", "q16.16", "half_even", "wrap"},
	} {
		t.Run(tc.opts, func(t *testing.T) {
			info := check(t, strings.Replace(rule, "%s", tc.opts, 1))
			m := info.Synapses[0].OnPre
			p := m.Profile
			if got := p.StateFormat().String(); got != tc.format || p.Round.String() != tc.round || p.Overflow.String() != tc.overflow {
				t.Errorf("S__pre profile = %s %s %s, want %s %s %s", got, p.Round, p.Overflow, tc.format, tc.round, tc.overflow)
			}
		})
	}
}

// TestNegativeTraceWarning: a trace with a negative add (or set) sticks
// in bit-true at ceil(1/(1 − e^(−dt/τ))) − 1 LSB; the checker warns at the
// trace with that magnitude, computed here by hand: τ = 20 ms, dt = 0.1 ms
// gives 1/(1 − a) = 200.5 → 200 LSB (200/256 mV in q8.8, 200/65536 mV in
// q16.16); dt = 1 ms gives 20.504 → 20 LSB (20/256 mV).
func TestNegativeTraceWarning(t *testing.T) {
	const src = `
model M {
    input je : mV
    state v : mV = 0 mV
    v' = je
}
synapse S { %s
    state w : mV in [0 mV, 1 mV]
    trace post y decay 20 ms %s
    on pre { w = clip(w + y, 0 mV, 1 mV) }
}
network N { dt %s; pop p = M[2]
    proj a = p -> p.je all_to_all with S { w = 0.5 mV } }
`
	for _, tc := range []struct {
		name, opts, trace, dt string
		want                  string // "" for no warning
	}{
		{"q8.8", "", "add -0.01 mV", "0.1 ms", `t.snn:9:5: trace "y" of rule "S" adds a negative value: bit-true decay floor(x·0.995012) moves a negative word toward −∞, so at dt = 0.1 ms it never decays below 200 LSB (0.78125 mV in q8.8); keep the trace positive and subtract it in the body`},
		{"q16.16", "format q16.16", "add -0.01 mV", "0.1 ms", `never decays below 200 LSB (0.0030517578125 mV in q16.16)`},
		{"dt 1 ms", "", "add -0.01 mV", "1 ms", `at dt = 1 ms it never decays below 20 LSB (0.078125 mV in q8.8)`},
		{"set, auto", "format auto:16", "set -0.5 mV", "0.1 ms", `trace "y" of rule "S" is set to a negative value: bit-true decay floor(x·0.995012) moves a negative word toward −∞, so at dt = 0.1 ms it never decays below 200 LSB; keep`},
		{"positive", "", "add 0.01 mV", "0.1 ms", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := strings.Replace(strings.Replace(strings.Replace(src, "%s", tc.opts, 1), "%s", tc.trace, 1), "%s", tc.dt, 1)
			info, err := checkErr(s)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range info.Warnings {
				got = append(got, w.Error())
			}
			switch {
			case tc.want == "" && len(got) != 0:
				t.Errorf("Warnings = %q, want none", got)
			case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
				t.Errorf("Warnings = %q, want one containing %q", got, tc.want)
			}
		})
	}
}
