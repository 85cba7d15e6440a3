package nir_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"scc/ir"
	"scc/nir"
)

// exportNet is a network of the library's NIR models: a source, LIF with
// per-neuron tau and a bias drive, CubaLIF behind a 3-step projection, LI
// recorded as v.
const exportNet = `
network exp {
    dt 0.1 ms
    source inp = poisson(rate = 100 Hz, seed = 5)[3]
    pop a = NIR_LIF[4] {
        tau = uniform(0.01, 0.03, seed = 3)
        v_threshold = 0.5
    }
    pop b = NIR_CubaLIF[2] {
        tau_syn = 0.002
    }
    pop c = NIR_LI[2]
    proj p1 = inp -> a.x dense(w = [[0.5, 0, 1], [0, 0.25, 0], [1, 1, 1], [0, 0, -0.5]])
    proj p2 = a -> b.x all_to_all {
        w = 0.125
        delay 3 steps
    }
    proj p3 = b -> c.x one_to_one {
        w = 2
    }
    drive bias = current(0.25) -> a.x
    record a spikes
    record c v
}
`

// lowerSource compiles src (a network using library models) to its
// real-phase module, as cmd/scc does before the passes.
func lowerSource(t *testing.T, src string) *ir.Module {
	t.Helper()
	return lower(t, &nir.Imported{Source: []byte(src), Files: map[string][]byte{}})
}

func xparam(t *testing.T, f *nir.File, node, name string) *nir.Dataset {
	t.Helper()
	n := f.Root.Graph.Node(node)
	if n == nil {
		t.Fatalf("no node %s", node)
	}
	d := n.Params[name]
	if d == nil {
		t.Fatalf("node %s has no %s", node, name)
	}
	return d
}

func f32s(v ...float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(float32(x))
	}
	return out
}

func repeat(x float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = x
	}
	return out
}

// TestExportNetwork: the network's nodes, parameters, weights, delays,
// bias, records and metadata; Write then Read gives the same File.
func TestExportNetwork(t *testing.T) {
	m := lowerSource(t, exportNet)
	n := m.Nets[0]
	f, err := nir.Export(m, n, nir.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, c := range f.Root.Graph.Nodes {
		types[c.Name] = c.Type
	}
	want := map[string]string{"inp": "Input", "a": "LIF", "b": "CubaLIF", "c": "LI", "p1": "Affine", "p2": "Linear",
		"p2_delay": "Delay", "p3": "Linear", "output_a": "Output", "output_c": "Output"}
	if !reflect.DeepEqual(types, want) {
		t.Fatalf("nodes %v, want %v", types, want)
	}
	edges := map[nir.Edge]bool{}
	for _, e := range f.Root.Graph.Edges {
		edges[e] = true
	}
	for _, e := range []nir.Edge{{"inp", "p1"}, {"p1", "a"}, {"a", "p2"}, {"p2", "p2_delay"}, {"p2_delay", "b"},
		{"b", "p3"}, {"p3", "c"}, {"a", "output_a"}, {"c", "output_c"}} {
		if !edges[e] {
			t.Errorf("no edge %v in %v", e, f.Root.Graph.Edges)
		}
	}
	if len(edges) != 9 {
		t.Errorf("%d edges, want 9", len(edges))
	}
	// Per-neuron tau: the population's drawn values, as float32.
	tau := xparam(t, f, "a", "tau")
	pa := n.NetPop("a")
	fn := m.Func(pa.Func)
	ti := slices.IndexFunc(fn.Params, func(p *ir.Param) bool { return p.Name == "tau" })
	var drawn []float64
	for _, pp := range pa.Params {
		if pp.Index == ti {
			drawn = pp.Values
		}
	}
	if len(drawn) != 4 || tau.DType != nir.Float32 || !slices.Equal(tau.Shape, []int{4}) || !slices.Equal(tau.Float, f32s(drawn...)) {
		t.Errorf("a.tau %+v, want float32 (4,) of %v", tau, drawn)
	}
	if slices.Equal(drawn, repeat(drawn[0], 4)) {
		t.Errorf("uniform() drew equal values %v", drawn)
	}
	for _, c := range []struct {
		node, name string
		want       []float64
	}{
		{"a", "v_threshold", repeat(0.5, 4)}, {"a", "r", repeat(1, 4)}, {"a", "v_reset", repeat(0, 4)},
		{"b", "tau_syn", f32s(repeat(0.002, 2)...)}, {"b", "w_in", repeat(1, 2)},
		{"p1", "weight", []float64{0.5, 0, 1, 0, 0.25, 0, 1, 1, 1, 0, 0, -0.5}}, {"p1", "bias", repeat(0.25, 4)},
		{"p2", "weight", repeat(0.125, 8)}, {"p2_delay", "delay", f32s(repeat(2e-4, 2)...)},
		{"p3", "weight", []float64{2, 0, 0, 2}},
	} {
		if d := xparam(t, f, c.node, c.name); !slices.Equal(d.Float, c.want) || d.DType != nir.Float32 {
			t.Errorf("%s.%s = %v (%v), want %v", c.node, c.name, d.Float, d.DType, c.want)
		}
	}
	if s := xparam(t, f, "p1", "weight").Shape; !slices.Equal(s, []int{4, 3}) {
		t.Errorf("p1 weight shape %v, want (post, pre) = [4 3]", s)
	}
	if c := f.Root.Graph.Node("c"); c.Params["v_threshold"] != nil || !slices.Equal(c.In, []int{2}) {
		t.Errorf("LI node %+v", c)
	}
	md := f.Root.Metadata
	if md == nil || md.Datasets["dt"] == nil || !slices.Equal(md.Datasets["dt"].Float, []float64{1e-4}) ||
		md.Datasets["method"].Str[0] != "euler" || md.Datasets["reset"].Str[0] != "to value" {
		t.Fatalf("root metadata %+v", md)
	}
	if am := f.Root.Graph.Node("a").Metadata; am == nil || am.Datasets["format"].Str[0] != "auto:32" || am.Datasets["rounding"] == nil {
		t.Errorf("a's metadata %+v", am)
	}
	// Write, Read: the same File.
	b, err := nir.Write(f)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "exp.nir")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := nir.Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, f) {
		t.Errorf("Read(Write(Export)) differs from Export")
	}
	// Float64 keeps the drawn values exactly.
	f64, err := nir.Export(m, n, nir.ExportOptions{Float: nir.Float64})
	if err != nil {
		t.Fatal(err)
	}
	if d := xparam(t, f64, "a", "tau"); d.DType != nir.Float64 || !slices.Equal(d.Float, drawn) {
		t.Errorf("float64 tau %+v, want %v", d, drawn)
	}
}

// TestExportErrors: populations, drives and records NIR cannot express
// are errors naming them.
func TestExportErrors(t *testing.T) {
	cases := []struct{ src, node, msg string }{
		{`model Foo {
    input x
    state v = 0
    v' = v + x
}
network e {
    dt 0.1 ms
    source s = poisson(rate = 100 Hz, seed = 5)[2]
    pop f = Foo[2]
    proj p = s -> f.x one_to_one { w = 1 }
}`, "f", "population of model Foo"},
		{`network e {
    dt 0.1 ms
    source s = poisson(rate = 100 Hz, seed = 5)[2]
    pop a = NIR_LIF[2]
    drive d = poisson_sum(n = 10, rate = 20 Hz, w = 0.1, seed = 7) -> a.x
    proj p = s -> a.x one_to_one { w = 1 }
}`, "d", "only a constant current drive"},
		{`network e {
    dt 0.1 ms
    pop a = NIR_LIF[2]
    drive d = current(0.5) -> a.x
}`, "a", "no projection reaches"},
		{`network e {
    dt 0.1 ms
    source s = poisson(rate = 100 Hz, seed = 5)[4]
    pop a = NIR_LIF[4]
    proj p = s -> a.x one_to_one { w = 1 }
    record a[0:2] spikes
}`, "a", "a NIR Output takes a whole node"},
		{`network e {
    dt 0.1 ms
    source s = poisson(rate = 100 Hz, seed = 5)[2]
    pop a = NIR_LIF[2] {
        v = 0.5
    }
    proj p = s -> a.x one_to_one { w = 1 }
}`, "a", "starts at 0"},
		{`network e {
    dt 0.1 ms
    source s = poisson(rate = 100 Hz, seed = 5)[2]
    pop a = NIR_LIF[2] {
        v = uniform(0, 0.5, seed = 1)
    }
    proj p = s -> a.x one_to_one { w = 1 }
}`, "a", "starts at 0"},
	}
	for i, c := range cases {
		m := lowerSource(t, c.src)
		_, err := nir.Export(m, m.Nets[0], nir.ExportOptions{})
		var e *nir.Error
		if !errors.As(err, &e) || e.Node != c.node || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("case %d: %v, want an error at node %q saying %q", i, err, c.node, c.msg)
		}
	}
}

// TestExportImported: a fixture imported and compiled exports its neuron
// parameters and weights bit for bit (float32 files stay float32).
func TestExportImported(t *testing.T) {
	for _, c := range []struct {
		fixture string
		pairs   [][2]string // exported node, fixture node (same parameters)
	}{
		{"rnn_lif", [][2]string{{"lif", "lif"}, {"input__lif", "fc"}, {"lif_lif", "w_rec"}}},
		{"cubalif", [][2]string{{"cubalif", "cubalif"}}},
		{"ffn_784_128_10", [][2]string{{"lif1", "lif1"}, {"lif2", "lif2"}, {"input__lif1", "fc1"}, {"lif1_lif2", "fc2"}}},
	} {
		t.Run(c.fixture, func(t *testing.T) {
			src := loadFixture(t, c.fixture)
			imp, err := nir.Import(src, nir.ImportOptions{File: c.fixture + ".nir"})
			if err != nil {
				t.Fatal(err)
			}
			m := lower(t, imp)
			f, err := nir.Export(m, m.Nets[0], nir.ExportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range c.pairs {
				got, orig := f.Root.Graph.Node(p[0]), src.Root.Graph.Node(p[1])
				if got == nil || orig == nil {
					t.Fatalf("no node %s (exported) or %s (fixture)", p[0], p[1])
				}
				for k, w := range orig.Params {
					g := got.Params[k]
					if g == nil && k == "bias" && !slices.ContainsFunc(w.Float, func(x float64) bool { return x != 0 }) {
						continue // a zero bias is no drive: the export is a Linear
					}
					if g == nil {
						t.Errorf("%s: no %s", p[0], k)
						continue
					}
					if g.DType != w.DType || !slices.Equal(g.Float, w.Float) || prodInts(g.Shape) != prodInts(w.Shape) {
						t.Errorf("%s.%s: %v %v, fixture %s.%s %v %v", p[0], k, g.DType, g.Shape, p[1], k, w.DType, w.Shape)
					}
				}
			}
		})
	}
}

func prodInts(s []int) int {
	n := 1
	for _, x := range s {
		n *= x
	}
	return n
}

// TestExportImportBack: Import of the exported network rebuilds its
// synapses (pre, post, weight, delay in steps), per-neuron parameters,
// bias drive and records.
func TestExportImportBack(t *testing.T) {
	m := lowerSource(t, exportNet)
	n := m.Nets[0]
	f, err := nir.Export(m, n, nir.ExportOptions{Float: nir.Float64})
	if err != nil {
		t.Fatal(err)
	}
	imp, err := nir.Import(f, nir.ImportOptions{File: "exp.nir"})
	if err != nil {
		t.Fatal(err)
	}
	m2 := lower(t, imp)
	n2 := m2.Nets[0]
	type syn struct {
		pre, post string
		i, j, d   int32
		w         float64
	}
	synapses := func(n *ir.Net, rename map[string]string) []syn {
		var out []syn
		for _, p := range n.Projs {
			for k := range p.PreIdx {
				out = append(out, syn{rename[p.Pre], rename[p.Post], p.PreIdx[k], p.PostIdx[k], p.Delay[k], p.W[k]})
			}
		}
		slices.SortFunc(out, func(a, b syn) int {
			return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
		})
		return out
	}
	same := map[string]string{}
	for _, p := range n.Pops {
		same[p.Name] = p.Name
	}
	back := map[string]string{}
	for pop, node := range imp.Names {
		back[pop] = node
	}
	if want := synapses(n, same); len(want) != 7+8+2 {
		t.Fatalf("the source network has %d synapses, want 17", len(want))
	}
	if got, want := synapses(n2, back), synapses(n, same); !reflect.DeepEqual(got, want) {
		t.Errorf("reimported synapses\n%v\nwant\n%v", got, want)
	}
	// a's per-neuron tau and the bias drive.
	var a2 *ir.Pop
	for _, p := range n2.Pops {
		if back[p.Name] == "a" {
			a2 = p
		}
	}
	if a2 == nil {
		t.Fatalf("no population for node a in %v", imp.Names)
	}
	if got, want := popValues(m2, a2, "tau"), popValues(m, n.NetPop("a"), "tau"); !slices.Equal(got, want) {
		t.Errorf("reimported tau %v, want %v", got, want)
	}
	drive := make([]float64, 4)
	for _, d := range n2.Drives {
		for _, tg := range d.Targets {
			if tg.Pop == a2.Name {
				for k := tg.Lo; k < tg.Hi; k++ {
					drive[k] += d.Value
				}
			}
		}
	}
	if !slices.Equal(drive, repeat(0.25, 4)) {
		t.Errorf("reimported drive into a %v, want 0.25 each", drive)
	}
	var recs []string
	for _, r := range n2.Records {
		recs = append(recs, fmt.Sprintf("%s %d", back[r.Pop], r.Kind))
	}
	slices.Sort(recs)
	if want := []string{fmt.Sprintf("a %d", ir.RecordSpikes), fmt.Sprintf("c %d", ir.RecordState)}; !slices.Equal(recs, want) {
		t.Errorf("reimported records %v, want %v", recs, want)
	}
}

// popValues is parameter name of population p per neuron.
func popValues(m *ir.Module, p *ir.Pop, name string) []float64 {
	fn := m.Func(p.Func)
	i := slices.IndexFunc(fn.Params, func(q *ir.Param) bool { return q.Name == name })
	if i < 0 {
		return nil
	}
	out := repeat(fn.Params[i].Value, p.Size)
	for _, pp := range p.Params {
		if pp.Index == i {
			copy(out, pp.Values)
		}
	}
	return out
}
