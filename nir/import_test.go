package nir_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/models"
	"scc/nir"
	"scc/parser"
	"scc/passes"
	"scc/sim"
)

// built is an Import through the whole pipeline: the real-phase network
// (irgen's, cloned before the passes) and the fixed-phase module.
type built struct {
	real  *ir.Net
	fixed *ir.Module
}

// build compiles imp as `scc build` does: parse, the library models the
// populations name, check, irgen reading imp.Files, every pass.
func build(t *testing.T, imp *nir.Imported) *built {
	t.Helper()
	m := lower(t, imp)
	real := m.Nets[0].Clone()
	if _, err := passes.Run(m, passes.Options{Check: true}); err != nil {
		t.Fatalf("passes: %v\n%s", err, imp.Source)
	}
	if m.Phase != ir.Fixed {
		t.Fatalf("module phase %v after the passes, want fixed", m.Phase)
	}
	return &built{real: real, fixed: m}
}

// lower is build's front half: the real-phase module of imp's network.
func lower(t *testing.T, imp *nir.Imported) *ir.Module {
	t.Helper()
	const name = "imported.snn"
	f, err := parser.ParseFile(name, imp.Source)
	if err != nil {
		t.Fatalf("the imported source does not parse: %v\n%s", err, imp.Source)
	}
	declared := map[string]bool{}
	var wanted []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *lang.Model:
			declared[d.Name] = true
		case *lang.Network:
			for _, it := range d.Items {
				if p, ok := it.(*lang.Pop); ok {
					wanted = append(wanted, p.Model)
				}
			}
		}
	}
	m := lowerImported(t, f, imp, imp.Files, wanted, declared)
	return m
}

// loadFixture reads a fixture with nir.Read, or, while nir.Read cannot,
// from its JSON dump (small fixtures only).
func loadFixture(t *testing.T, name string) *nir.File {
	t.Helper()
	dir := fixtureDir(t)
	f, err := nir.Read(filepath.Join(dir, name+".nir"))
	if err == nil {
		return f
	}
	if !strings.Contains(err.Error(), "not implemented") {
		t.Fatalf("nir.Read %s.nir: %v", name, err)
	}
	return jsonFixture(t, name)
}

// nirNode is a node of a fixture's graph, by its dotted path.
type nirNode struct {
	path string
	n    *nir.Node
}

// walk lists every node of f's root graph, nested graphs flattened.
func walk(f *nir.File) []nirNode {
	var out []nirNode
	var visit func(g *nir.Graph, prefix string)
	visit = func(g *nir.Graph, prefix string) {
		for _, n := range g.Nodes {
			if n.Type == "NIRGraph" && n.Graph != nil {
				visit(n.Graph, prefix+n.Name+".")
				continue
			}
			out = append(out, nirNode{prefix + n.Name, n})
		}
	}
	if f.Root.Type == "NIRGraph" {
		visit(f.Root.Graph, "")
	} else {
		// A bare root is imported as input -> node -> output, the node
		// named after its type.
		out = append(out, nirNode{strings.ToLower(f.Root.Type), f.Root})
	}
	return out
}

var neuronModel = map[string]string{
	"LIF": "NIR_LIF", "IF": "NIR_IF", "LI": "NIR_LI", "I": "NIR_I",
	"CubaLIF": "NIR_CubaLIF", "CubaLI": "NIR_CubaLI", "Threshold": "NIR_Threshold",
}

// nirDefault is NIR's reader's value of an absent parameter.
var nirDefault = map[string]float64{"v_reset": 0, "w_in": 1}

// paramValues are the values the neurons of p run with for parameter name
// (per-neuron data or the Func's default).
func paramValues(t *testing.T, m *ir.Module, p *ir.Pop, name string) []float64 {
	t.Helper()
	fn := m.Func(p.Func)
	k := fn.ParamIndex(name)
	if k < 0 {
		t.Fatalf("population %s: model %s has no parameter %s", p.Name, p.Func, name)
	}
	for _, pp := range p.Params {
		if pp.Index == k {
			return pp.Values
		}
	}
	out := make([]float64, p.Size)
	for i := range out {
		out[i] = fn.Params[k].Value
	}
	return out
}

// checkNet holds the network to the fixture: a population of the node's
// model and size per neuron node with every parameter bit for bit and the
// step h equal to dt, a source per Input node, a record per Output node.
func checkNet(t *testing.T, f *nir.File, imp *nir.Imported, b *built, dt float64) {
	t.Helper()
	byPath := map[string]*ir.Pop{}
	for _, p := range b.real.Pops {
		path, ok := imp.Names[p.Name]
		if !ok {
			t.Fatalf("population %s names no NIR node (Names %v)", p.Name, imp.Names)
		}
		byPath[path] = p
	}
	outputs := 0
	for _, nn := range walk(f) {
		n := nn.n
		switch {
		case neuronModel[n.Type] != "":
			p := byPath[nn.path]
			if p == nil {
				t.Fatalf("no population for %s node %s", n.Type, nn.path)
			}
			if !strings.HasPrefix(p.Func, neuronModel[n.Type]) || p.Kind != ir.PopNeuron {
				t.Errorf("node %s: population %s runs %s, want %s", nn.path, p.Name, p.Func, neuronModel[n.Type])
			}
			size := 0
			for name, d := range n.Params {
				size = max(size, d.Len())
				got := paramValues(t, b.fixed, p, name)
				for k, v := range got {
					want := d.Float[min(k, len(d.Float)-1)]
					if math.Float64bits(v) != math.Float64bits(want) {
						t.Errorf("node %s: %s[%d] = %v in the network, %v in the file", nn.path, name, k, v, want)
						break
					}
				}
			}
			if p.Size != size {
				t.Errorf("node %s: population of %d neurons, want %d", nn.path, p.Size, size)
			}
			for name, def := range nirDefault {
				if _, ok := n.Params[name]; !ok && b.fixed.Func(p.Func).ParamIndex(name) >= 0 {
					for _, v := range paramValues(t, b.fixed, p, name) {
						if v != def {
							t.Errorf("node %s: absent %s = %v, want NIR's default %v", nn.path, name, v, def)
							break
						}
					}
				}
			}
			if n.Type != "Threshold" {
				if h := paramValues(t, b.fixed, p, "h"); h[0] != dt {
					t.Errorf("node %s: step h = %v, want dt = %v exactly", nn.path, h[0], dt)
				}
			}
		case n.Type == "Input" && !strings.Contains(nn.path, "."):
			p := byPath[nn.path]
			size := 1
			for _, s := range n.Params["shape"].Int {
				size *= int(s)
			}
			if p == nil || p.Kind != ir.PopSource || p.Size != size {
				t.Errorf("Input %s: source %+v, want a spike source of %d", nn.path, p, size)
			}
		case n.Type == "Output" && !strings.Contains(nn.path, "."):
			outputs++
		}
	}
	if f.Root.Type != "NIRGraph" {
		outputs = 1 // the Output Import adds to a bare node
	}
	if len(b.real.Records) != outputs {
		t.Errorf("%d records for %d Output nodes", len(b.real.Records), outputs)
	}
}

func synapses(n *ir.Net) int {
	s := 0
	for _, p := range n.Projs {
		s += p.Synapses()
	}
	return s
}

// nonzero counts the nonzero weights of the named nodes' weight (or
// scale) datasets.
func nonzero(f *nir.File, names ...string) int {
	c := 0
	for _, nn := range walk(f) {
		if !slices.Contains(names, nn.path) {
			continue
		}
		d := nn.n.Params["weight"]
		if d == nil {
			d = nn.n.Params["scale"]
		}
		for _, w := range d.Float {
			if w != 0 {
				c++
			}
		}
	}
	return c
}

// TestImportFixtures: every NIR graph fixture imports, compiles through
// the whole pipeline to the fixed phase, and the network holds the file:
// its neuron nodes as populations of their models with every parameter
// bit for bit, its Inputs as sources, its Outputs as records, and the
// synapses its linear nodes imply; importing twice gives the same bytes.
func TestImportFixtures(t *testing.T) {
	for _, tc := range []struct {
		name string
		// synapses: the expected count (the nonzero weights of the
		// weight datasets, or for convolutions as derived here).
		synapses func(f *nir.File) int
		readouts int
		delays   []int32 // the projections' delays in steps, in synapse order
	}{
		{name: "lif", synapses: size(3)},
		{name: "lif_f64", synapses: size(3)},
		{name: "lif_uncompressed", synapses: size(3)},
		{name: "lif_node_only", synapses: size(2)},
		{name: "metadata", synapses: size(2)},
		{name: "cubalif", synapses: size(4)},
		{name: "cubali", synapses: size(2)},
		{name: "if", synapses: size(3)},
		{name: "li", synapses: size(3)},
		{name: "integrator", synapses: size(3)},
		{name: "threshold", synapses: size(3)},
		// Input → Delay(1, 2, 3 ms, float32) → Output: a readout one step
		// after each delay of 10, 20, 30 steps.
		{name: "delay", synapses: size(3), readouts: 1, delays: []int32{11, 21, 31}},
		{name: "scale", synapses: func(f *nir.File) int { return nonzero(f, "scale") }, readouts: 1},
		{name: "ffn_784_128_10", synapses: func(f *nir.File) int { return nonzero(f, "fc1", "fc2") }},
		{name: "rnn_lif", synapses: func(f *nir.File) int { return nonzero(f, "fc", "w_rec") }},
		{name: "nested_subgraph", synapses: func(f *nir.File) int { return nonzero(f, "fc1", "rsnn.w_rec", "fc2") }, readouts: 1},
		// Conv2d 3×3 (padding 1) → SumPool 2 → Flatten → Affine 10×64:
		// every output sees every one of the 2·8·8 inputs.
		{name: "cnn", synapses: size(10 * 128)},
		// Conv2d 3×3 "same" on 6×6: a neuron sees its in-bounds 3×3
		// neighbourhood, (2+3+3+3+3+2)² = 256 inputs per output channel,
		// 2 channels; then AvgPool 3 (stride 3) covers the 6×6 exactly,
		// Flatten, Linear 3×8 → a readout of 3 seeing all 72 IF neurons.
		{name: "cnn_same_avgpool", synapses: size(2*256 + 3*72), readouts: 1},
		// Conv1d 2→3 channels, kernel 3, stride 2, padding 1 on 16:
		// 8 outputs per channel, the first with 2 taps in bounds, the
		// other 7 with 3, over 2 input channels: 3·2·(2 + 7·3).
		{name: "conv1d", synapses: size(3 * 2 * (2 + 7*3)), readouts: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := loadFixture(t, tc.name)
			opt := nir.ImportOptions{Base: tc.name, File: tc.name + ".nir"}
			imp, err := nir.Import(f, opt)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			again, err := nir.Import(loadFixture(t, tc.name), opt)
			if err != nil {
				t.Fatalf("second Import: %v", err)
			}
			if !bytes.Equal(imp.Source, again.Source) || !maps.EqualFunc(imp.Files, again.Files, bytes.Equal) {
				t.Fatal("two imports of the same file differ")
			}
			b := build(t, imp)
			checkNet(t, f, imp, b, nir.DefaultDt)
			if got, want := synapses(b.real), tc.synapses(f); got != want {
				t.Errorf("%d synapses, want %d", got, want)
			}
			readouts := 0
			for _, p := range b.real.Pops {
				if strings.HasPrefix(p.Func, "NIR_LinearReadout") {
					readouts++
				}
			}
			if readouts != tc.readouts {
				t.Errorf("%d readout populations, want %d", readouts, tc.readouts)
			}
			if tc.delays != nil {
				var got []int32
				for _, p := range b.real.Projs {
					got = append(got, p.Delay...)
				}
				if !slices.Equal(got, tc.delays) {
					t.Errorf("delays %v, want %v", got, tc.delays)
				}
			}
			for _, c := range []string{"dt ", "forward Euler", "v_reset", "one step of delay"} {
				if !bytes.Contains(imp.Source, []byte(c)) {
					t.Errorf("the source does not state %q", c)
				}
			}
		})
	}
}

func size(n int) func(*nir.File) int { return func(*nir.File) int { return n } }

// chain is Input(n) → nodes… → Output(n), the nodes connected in order.
func chain(n int, nodes ...*nir.Node) *nir.File {
	shape := &nir.Dataset{DType: nir.Int64, Shape: []int{1}, Int: []int64{int64(n)}}
	g := &nir.Graph{Nodes: []*nir.Node{
		{Name: "input", Type: "Input", Params: map[string]*nir.Dataset{"shape": shape}, In: []int{n}, Out: []int{n}},
		{Name: "output", Type: "Output", Params: map[string]*nir.Dataset{"shape": shape}, In: []int{n}, Out: []int{n}},
	}}
	prev := "input"
	for _, x := range nodes {
		x.In, x.Out = []int{n}, []int{n}
		g.Nodes = append(g.Nodes, x)
		g.Edges = append(g.Edges, nir.Edge{Src: prev, Dst: x.Name})
		prev = x.Name
	}
	g.Edges = append(g.Edges, nir.Edge{Src: prev, Dst: "output"})
	slices.SortFunc(g.Nodes, func(a, b *nir.Node) int { return strings.Compare(a.Name, b.Name) })
	return &nir.File{Version: "1.0.7", Root: &nir.Node{Type: "NIRGraph", Graph: g}}
}

func lifNode(name string, tau ...float64) *nir.Node {
	n := len(tau)
	fill := func(v float64) *nir.Dataset {
		d := &nir.Dataset{DType: nir.Float64, Shape: []int{n}}
		for range n {
			d.Float = append(d.Float, v)
		}
		return d
	}
	return &nir.Node{Name: name, Type: "LIF", Params: map[string]*nir.Dataset{
		"tau": vec(tau...), "r": fill(1), "v_leak": fill(0), "v_threshold": fill(1), "v_reset": fill(0)}}
}

// TestImportErrors: what Import cannot honour is an *Error naming the
// node, the dataset where there is one, and the reason.
func TestImportErrors(t *testing.T) {
	for _, tc := range []struct {
		name          string
		f             *nir.File
		opt           nir.ImportOptions
		node, dataset string
		msg           string
	}{
		{"off-grid delay", chain(1, &nir.Node{Name: "delay", Type: "Delay", Params: map[string]*nir.Dataset{"delay": vec(0.00015)}}, lifNode("lif", 0.01)),
			nir.ImportOptions{}, "delay", "delay", "delay 0.00015 s is not a whole number of steps of dt 0.0001 s"},
		{"negative delay", chain(1, &nir.Node{Name: "d", Type: "Delay", Params: map[string]*nir.Dataset{"delay": vec(-0.001)}}, lifNode("lif", 0.01)),
			nir.ImportOptions{}, "d", "delay", "delay -0.001 s is not a duration"},
		{"LI feeds a projection", chain(1, &nir.Node{Name: "li", Type: "LI", Params: map[string]*nir.Dataset{"tau": vec(0.01), "r": vec(1), "v_leak": vec(0)}}, lifNode("lif", 0.01)),
			nir.ImportOptions{}, "li", "", "a LI node's output is its potential v, not spikes, and it feeds lif through a projection, which carries spikes"},
		{"I feeds a projection", chain(1, &nir.Node{Name: "i", Type: "I", Params: map[string]*nir.Dataset{"r": vec(1)}}, lifNode("lif", 0.01)),
			nir.ImportOptions{}, "i", "", "a I node's output is its potential v, not spikes"},
		{"tau below dt", chain(1, lifNode("lif", 5e-5)), nir.ImportOptions{}, "lif", "tau",
			"the time constant 5e-05 s is shorter than dt 0.0001 s: forward Euler overshoots (dt/tau = 2 > 1)"},
		{"missing parameter", chain(1, &nir.Node{Name: "lif", Type: "LIF", Params: map[string]*nir.Dataset{"tau": vec(0.01), "r": vec(1), "v_leak": vec(0)}}),
			nir.ImportOptions{}, "lif", "v_threshold", "a LIF node needs the parameter v_threshold"},
		{"parameter of the wrong length", chain(2, &nir.Node{Name: "th", Type: "Threshold", Params: map[string]*nir.Dataset{"threshold": vec(0.5, 1, 2)}}),
			nir.ImportOptions{}, "th", "", "its input has 3 elements, but input gives 2"},
		{"method", chain(1, lifNode("lif", 0.01)), nir.ImportOptions{Method: "rk4"}, "", "",
			`method "rk4": the library's NIR models are forward Euler maps (method euler)`},
		{"format", chain(1, lifNode("lif", 0.01)), nir.ImportOptions{Format: "q40.40"}, "", "", `format "q40.40"`},
		{"bare linear root", &nir.File{Root: &nir.Node{Type: "Linear", Params: map[string]*nir.Dataset{"weight": vec(1)}}},
			nir.ImportOptions{}, "", "", "the root is a bare Linear node, not a NIRGraph"},
		{"negative shape", &nir.File{Root: &nir.Node{Type: "NIRGraph", Graph: &nir.Graph{Nodes: []*nir.Node{
			{Name: "input", Type: "Input", Params: map[string]*nir.Dataset{"shape": {DType: nir.Int64, Shape: []int{2}, Int: []int64{4, -3}}}}}}}},
			nir.ImportOptions{}, "input", "", "shape [4 -3]: more than 67108864 elements (or a negative size)"},
		{"edge to nowhere", &nir.File{Root: &nir.Node{Type: "NIRGraph", Graph: &nir.Graph{
			Nodes: []*nir.Node{lifNode("lif", 0.01)}, Edges: []nir.Edge{{Src: "lif", Dst: "nowhere"}}}}},
			nir.ImportOptions{}, "", "edges", `an edge names "nowhere", which is no node of the graph`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.File = "g.nir"
			imp, err := nir.Import(tc.f, tc.opt)
			if err == nil {
				t.Fatalf("Import = nil error, want %q\n%s", tc.msg, imp.Source)
			}
			var ne *nir.Error
			if !errors.As(err, &ne) {
				t.Fatalf("Import error %T %v, want a *nir.Error", err, err)
			}
			if ne.File != "g.nir" || ne.Node != tc.node || ne.Dataset != tc.dataset || !strings.Contains(ne.Msg, tc.msg) {
				t.Errorf("Import error = %q (node %q, dataset %q), want node %q, dataset %q, message containing %q",
					err, ne.Node, ne.Dataset, tc.node, tc.dataset, tc.msg)
			}
		})
	}
}

// TestImportDt: at every dt the models' step h is dt bit for bit (the
// network's dt in ms is chosen so), and a Delay of whole steps becomes
// that many steps after the edge's own.
func TestImportDt(t *testing.T) {
	for _, dt := range []float64{1e-4, 1e-3, 0.0123, 5e-5, 3e-4, 7e-6, 0.1} {
		lif := lifNode("lif", 0.2, 0.3)
		lif.Params["v_leak"] = vec(math.Copysign(0, -1), 0) // -0 and 0 differ: both keep their bits
		f := chain(2, &nir.Node{Name: "delay", Type: "Delay", Params: map[string]*nir.Dataset{"delay": vec(3*dt, 0)}}, lif)
		imp, err := nir.Import(f, nir.ImportOptions{Dt: dt})
		if err != nil {
			t.Fatalf("dt %v: %v", dt, err)
		}
		b := build(t, imp)
		checkNet(t, f, imp, b, dt)
		if got := b.real.Projs[0].Delay; !slices.Equal(got, []int32{4, 1}) {
			t.Errorf("dt %v: delays %v, want [4 1] (3 steps of Delay after the edge's 1; 0 after it)", dt, got)
		}
	}
}

// TestImportWarnings: the feed-forward shift is exact only when the rest
// state is a fixed point; v_leak ≠ 0 (lif_f64) breaks it and is named.
func TestImportWarnings(t *testing.T) {
	for _, tc := range []struct {
		name string
		warn bool
	}{{"lif", false}, {"lif_f64", true}, {"threshold", false}} {
		imp, err := nir.Import(loadFixture(t, tc.name), nir.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var shift []string
		for _, w := range imp.Warnings {
			if strings.Contains(w, "shift") {
				shift = append(shift, w)
			}
		}
		if tc.warn != (len(shift) > 0) {
			t.Errorf("%s: warnings %q, want a warning about the shift: %v", tc.name, imp.Warnings, tc.warn)
		}
		if tc.warn && !strings.Contains(shift[0], "node lif") {
			t.Errorf("%s: warning %q does not name the node", tc.name, shift[0])
		}
		if tc.warn && !bytes.Contains(imp.Source, []byte("// warning: "+shift[0])) {
			t.Errorf("%s: the source does not carry the warning", tc.name)
		}
	}
}

// TestImportFormat: a format option compiles every model of the network
// with it.
func TestImportFormat(t *testing.T) {
	imp, err := nir.Import(loadFixture(t, "cubalif"), nir.ImportOptions{Format: "q8.8"})
	if err != nil {
		t.Fatal(err)
	}
	b := build(t, imp)
	for _, fn := range b.fixed.Funcs {
		if fn.AutoWidth != 0 || fn.Format.String() != "q8.8" {
			t.Errorf("model %s: format %v (auto %d), want q8.8", fn.Name, fn.Format, fn.AutoWidth)
		}
	}
}

// TestImportReadout: Input(3) → Affine(2×3, bias) → Output becomes a
// readout whose v in step t is W·s(t−1) + b (the bias a drive present
// from step 1), run in float64 with seeded input spikes; and the same
// Affine into a LIF takes the bias as a drive too (and warns).
func TestImportReadout(t *testing.T) {
	w := &nir.Dataset{DType: nir.Float32, Shape: []int{2, 3}, Float: []float64{0.5, -0.25, 0, 1.5, 0.125, -2}}
	bias := &nir.Dataset{DType: nir.Float32, Shape: []int{2}, Float: []float64{0.75, 0}}
	f := chain(3, &nir.Node{Name: "fc", Type: "Affine", Params: map[string]*nir.Dataset{"weight": w, "bias": bias}})
	for _, n := range f.Root.Graph.Nodes {
		if n.Name == "output" {
			n.Params["shape"] = &nir.Dataset{DType: nir.Int64, Shape: []int{1}, Int: []int64{2}}
			n.In, n.Out = []int{2}, []int{2}
		}
		if n.Name == "fc" {
			n.Out = []int{2}
		}
	}
	imp, err := nir.Import(f, nir.ImportOptions{Base: "g"})
	if err != nil {
		t.Fatal(err)
	}
	const steps = 200
	in := randomSpikes(5, steps, 3, 0.5)
	var csv strings.Builder
	csv.WriteString("step,index\n")
	for s, row := range in {
		for k, on := range row {
			if on {
				fmt.Fprintf(&csv, "%d,%d\n", s+1, k)
			}
		}
	}
	if _, ok := imp.Files["g_input_.csv"]; !ok {
		t.Fatalf("no spike file g_input_.csv: %v", slices.Sorted(maps.Keys(imp.Files)))
	}
	imp.Files["g_input_.csv"] = []byte(csv.String())
	m := lower(t, imp)
	net := m.Nets[0]
	s, err := sim.NewNet(m, net, sim.NetOptions{Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	ro := slices.IndexFunc(net.Pops, func(p *ir.Pop) bool { return p.Name == "output" })
	if ro < 0 || !strings.HasPrefix(net.Pops[ro].Func, "NIR_LinearReadout") {
		t.Fatalf("no readout population named output:\n%s", imp.Source)
	}
	for step := 1; step <= steps; step++ {
		if err := s.Step(); err != nil {
			t.Fatal(err)
		}
		got := s.StateValues(ro, 0)
		for o := range 2 {
			want := 0.0
			if step > 1 {
				for k, on := range in[step-2] {
					if on {
						want += w.Float[o*3+k]
					}
				}
			}
			want += bias.Float[o]
			if math.Abs(got[o]-want) > 1e-12 {
				t.Fatalf("step %d: readout v[%d] = %v, want W·s(t−1) + b = %v", step, o, got[o], want)
			}
		}
	}
	if len(imp.Warnings) != 0 {
		t.Errorf("a readout's bias is its rest value: warnings %q", imp.Warnings)
	}

	g := chain(3, &nir.Node{Name: "fc", Type: "Affine", Params: map[string]*nir.Dataset{"weight": w, "bias": bias}}, lifNode("lif", 0.01, 0.02))
	for _, n := range g.Root.Graph.Nodes {
		switch n.Name {
		case "output", "lif":
			n.In, n.Out = []int{2}, []int{2}
		case "fc":
			n.In, n.Out = []int{3}, []int{2}
		}
		if n.Name == "output" {
			n.Params["shape"] = &nir.Dataset{DType: nir.Int64, Shape: []int{1}, Int: []int64{2}}
		}
	}
	imp, err = nir.Import(g, nir.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := build(t, imp)
	if len(b.real.Drives) != 1 || b.real.Drives[0].Value != 0.75 || len(b.real.Drives[0].Targets) != 1 ||
		b.real.Drives[0].Targets[0].Lo != 0 || b.real.Drives[0].Targets[0].Hi != 1 {
		t.Errorf("drives %+v, want current 0.75 into lif[0:1]", b.real.Drives)
	}
	if len(imp.Warnings) != 1 || !strings.Contains(imp.Warnings[0], "node fc") && !strings.Contains(imp.Warnings[0], "node lif") {
		t.Errorf("warnings %q, want one naming the node the bias reaches", imp.Warnings)
	}
}

// TestImportRecurrence: recurrence written flat with dotted names
// (rsnn.lif ↔ rsnn.w_rec, as the braille files) and as a nested NIRGraph
// (edges naming the subgraph, or dotted endpoints inside it) imports to
// the same network, byte for byte: the subgraph's Input and Output are
// pass-throughs.
func TestImportRecurrence(t *testing.T) {
	shape := func(n int64) map[string]*nir.Dataset {
		return map[string]*nir.Dataset{"shape": {DType: nir.Int64, Shape: []int{1}, Int: []int64{n}}}
	}
	io := func(name, typ string) *nir.Node {
		return &nir.Node{Name: name, Type: typ, Params: shape(2), In: []int{2}, Out: []int{2}}
	}
	rec := func(name string) []*nir.Node {
		lif := lifNode(name+"lif", 0.01, 0.02)
		lif.In, lif.Out = []int{2}, []int{2}
		w := &nir.Node{Name: name + "w_rec", Type: "Linear", In: []int{2}, Out: []int{2}, Params: map[string]*nir.Dataset{
			"weight": {DType: nir.Float32, Shape: []int{2, 2}, Float: []float64{0.5, -0.25, 0.125, 0.75}}}}
		return []*nir.Node{lif, w}
	}
	graph := func(nodes []*nir.Node, edges ...[2]string) *nir.Graph {
		g := &nir.Graph{Nodes: nodes}
		slices.SortFunc(g.Nodes, func(a, b *nir.Node) int { return strings.Compare(a.Name, b.Name) })
		for _, e := range edges {
			g.Edges = append(g.Edges, nir.Edge{Src: e[0], Dst: e[1]})
		}
		return g
	}
	flat := &nir.File{Root: &nir.Node{Type: "NIRGraph", Graph: graph(append(rec("rsnn."), io("input", "Input"), io("output", "Output")),
		[2]string{"input", "rsnn.lif"}, [2]string{"rsnn.lif", "rsnn.w_rec"}, [2]string{"rsnn.w_rec", "rsnn.lif"}, [2]string{"rsnn.lif", "output"})}}
	nested := func(in, out string) *nir.File {
		sub := &nir.Node{Name: "rsnn", Type: "NIRGraph", In: []int{2}, Out: []int{2}, Graph: graph(append(rec(""), io("input", "Input"), io("output", "Output")),
			[2]string{"input", "lif"}, [2]string{"lif", "w_rec"}, [2]string{"w_rec", "lif"}, [2]string{"lif", "output"})}
		return &nir.File{Root: &nir.Node{Type: "NIRGraph", Graph: graph([]*nir.Node{io("input", "Input"), sub, io("output", "Output")},
			[2]string{"input", in}, [2]string{out, "output"})}}
	}
	want, err := nir.Import(flat, nir.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := build(t, want)
	if got := len(b.real.Projs); got != 2 || synapses(b.real) != 2+4 {
		t.Fatalf("%d projections, %d synapses, want 2 (input, recurrent) and 6\n%s", got, synapses(b.real), want.Source)
	}
	if want.Names["rsnn_lif"] != "rsnn.lif" {
		t.Errorf("Names = %v, want rsnn_lif for rsnn.lif", want.Names)
	}
	for _, f := range []*nir.File{nested("rsnn", "rsnn"), nested("rsnn.input", "rsnn.output")} {
		got, err := nir.Import(f, nir.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Source, want.Source) || !maps.EqualFunc(got.Files, want.Files, bytes.Equal) {
			t.Errorf("nested import differs from the flat one:\n%s\nflat:\n%s", got.Source, want.Source)
		}
	}
}

// TestImportBitTrue: the fixed-point ranges Import sets hold: the
// bit-true run of an imported fixture (r tripled, dt = 1 ms, seeded
// input spikes) saturates no port and spikes as the float64 run does, to
// within 2% per population (quantization may move a spike near the
// threshold); a leaky integrator's v agrees to 1e-3.
func TestImportBitTrue(t *testing.T) {
	const steps = 1000
	for _, name := range []string{"lif", "cubalif", "if", "threshold", "li"} {
		t.Run(name, func(t *testing.T) {
			f := loadFixture(t, name)
			scaleR(f, 3)
			imp, err := nir.Import(f, nir.ImportOptions{Base: "g", Dt: 1e-3})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, nn := range walk(f) {
				if nn.n.Type == "Input" {
					n = int(nn.n.Params["shape"].Int[0])
				}
			}
			var csv strings.Builder
			csv.WriteString("step,index\n")
			for s, row := range randomSpikes(3, steps, n, 0.5) {
				for k, on := range row {
					if on {
						fmt.Fprintf(&csv, "%d,%d\n", s+1, k)
					}
				}
			}
			imp.Files["g_input_.csv"] = []byte(csv.String())
			counts := [2]map[string]int64{}
			var v [2][]float64 // the last v of a non-spiking node
			for k, fixed := range []bool{false, true} {
				m := lower(t, imp)
				if fixed {
					if _, err := passes.Run(m, passes.Options{Check: true}); err != nil {
						t.Fatal(err)
					}
				}
				s, err := sim.NewNet(m, m.Nets[0], sim.NetOptions{Steps: steps})
				if err != nil {
					t.Fatal(err)
				}
				if err := s.Run(steps); err != nil {
					t.Fatal(err)
				}
				if sat := s.Saturated(); len(sat) > 0 {
					t.Errorf("fixed %v: ports saturated: %+v", fixed, sat)
				}
				counts[k] = map[string]int64{}
				for i, p := range m.Nets[0].Pops {
					counts[k][p.Name] = s.Count(i)
					if p.Name == name && name == "li" {
						v[k] = slices.Clone(s.StateValues(i, 0))
						if fixed {
							format := m.Func(p.Func).States[0].Type.Fmt
							for _, w := range s.StateWords(i, 0) {
								v[k] = append(v[k], format.Decode(w))
							}
						}
					}
				}
			}
			for i := range v[0] {
				if math.Abs(v[0][i]-v[1][i]) > 1e-3*max(1, math.Abs(v[0][i])) || v[0][i] == 0 {
					t.Errorf("li: v[%d] = %v bit-true, %v in float64", i, v[1][i], v[0][i])
				}
			}
			for p, c := range counts[0] {
				if d := counts[1][p] - c; d*d*2500 > c*c {
					t.Errorf("population %s: %d spikes bit-true, %d in float64", p, counts[1][p], c)
				}
			}
			t.Logf("spikes: float64 %v, bit-true %v", counts[0], counts[1])
		})
	}
}

// lowerImported adds the library models of wanted that f does not declare
// (as scc does for a source), checks f and lowers it with irgen, serving
// files as the imported source's side files: the real-phase module of its
// one network.
func lowerImported(t *testing.T, f *lang.File, imp *nir.Imported, files map[string][]byte, wanted []string, declared map[string]bool) *ir.Module {
	t.Helper()
	for _, lf := range models.Names() {
		src, err := models.Source(lf)
		if err != nil {
			t.Fatal(err)
		}
		libf, err := parser.ParseFile("models/"+lf, src)
		if err != nil {
			t.Fatalf("models/%s: %v", lf, err)
		}
		for _, d := range libf.Decls {
			if m, ok := d.(*lang.Model); ok && slices.Contains(wanted, m.Name) && !declared[m.Name] {
				declared[m.Name] = true
				f.Decls = append(f.Decls, m)
			}
		}
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatalf("the imported source does not check: %v\n%s", err, imp.Source)
	}
	m, err := irgen.Lower(f, info, irgen.Options{ReadFile: func(n string) ([]byte, error) {
		if b, ok := files[filepath.Clean(n)]; ok {
			return b, nil
		}
		return nil, &fs.PathError{Op: "open", Path: n, Err: fs.ErrNotExist}
	}})
	if err != nil {
		t.Fatalf("irgen: %v\n%s", err, imp.Source)
	}
	if len(m.Nets) != 1 {
		t.Fatalf("irgen made %d networks, want 1", len(m.Nets))
	}
	return m
}
