package nir_test

// The independent check that an imported NIR network computes NIR's
// equations: nir.Import's .snn is compiled through the real pipeline
// (parser.ParseFile, lang.Check, irgen.Lower with Imported.Files as the
// data files) and run in sim's float64 network interpreter, against the
// reference of reference_test.go.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"scc/ir"
	"scc/lang"
	"scc/nir"
	"scc/parser"
	"scc/sim"
)

// States are compared bit for bit where the reference and scc round the
// same operations in the same order: the models write NIR's forward Euler
// step in a float64 step's order (models/nir_*.snn: v' = v + h/τ·(…), h =
// dt exactly), and a neuron's input from one edge, directly or through
// one Affine/Linear, is a sum over the spiking inputs in ascending order
// plus the bias, in both. Where the input is formed differently (several
// edges into a node, whose sums scc adds projection by projection, or a
// chain of linear nodes, which Import composes into one matrix) states
// agree to rounding: |got − want| ≤ stateTol·max(1, |want|).
const stateTol = 1e-12

// exactInput reports whether the input of neuron node n is formed in the
// same order by the reference and by scc (see stateTol).
func exactInput(n *refNode) bool {
	if len(n.preds) != 1 {
		return false
	}
	p := n.preds[0]
	if isRefLinear(p.typ) {
		if p.typ == "Scale" || len(p.preds) != 1 {
			return false
		}
		p = p.preds[0]
	}
	return !isRefLinear(p.typ)
}

func fixtureDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "nir-fixtures")
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		t.Skip("no NIR fixtures (../../shared/nir-fixtures)")
	}
	return dir
}

// jsonFixture builds a fixture's graph from its JSON dump (NIR's own
// read-back: types, parameters with dtype, shape and values, edges, the
// inferred input and output types), independent of nir.Read. It fails
// for a dataset the dump holds only as a hash (more than 256 values).
func jsonFixture(t *testing.T, name string) *nir.File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir(t), name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	type param struct {
		DType string          `json:"dtype"`
		Shape []int           `json:"shape"`
		Value json.RawMessage `json:"value"`
	}
	type node struct {
		Type   string              `json:"type"`
		Params map[string]param    `json:"params"`
		In     map[string][]int    `json:"input_type"`
		Out    map[string][]int    `json:"output_type"`
		Nodes  map[string]struct{} `json:"nodes"`
	}
	var dump struct {
		Graph struct {
			Type  string          `json:"type"`
			Nodes map[string]node `json:"nodes"`
			Edges [][2]string     `json:"edges"`
		} `json:"graph"`
	}
	if err := json.Unmarshal(data, &dump); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	g := &nir.Graph{}
	for nn, n := range dump.Graph.Nodes {
		if n.Nodes != nil {
			t.Fatalf("%s.json: node %s: nested graphs are not read here", name, nn)
		}
		node := &nir.Node{Name: nn, Type: n.Type, Params: map[string]*nir.Dataset{}, In: n.In["input"], Out: n.Out["output"]}
		for pn, p := range n.Params {
			if p.Value == nil {
				t.Fatalf("%s.json: %s.%s is stored as a hash only", name, nn, pn)
			}
			var v any
			if err := json.Unmarshal(p.Value, &v); err != nil {
				t.Fatalf("%s.json: %s.%s: %v", name, nn, pn, err)
			}
			d := &nir.Dataset{Shape: p.Shape}
			var flat []any
			var walk func(x any)
			walk = func(x any) {
				if l, ok := x.([]any); ok {
					for _, e := range l {
						walk(e)
					}
					return
				}
				flat = append(flat, x)
			}
			walk(v)
			for _, x := range flat {
				f, ok := x.(float64)
				if !ok {
					t.Fatalf("%s.json: %s.%s: value %v is not a number", name, nn, pn, x)
				}
				switch p.DType {
				case "float32", "float64":
					d.Float = append(d.Float, f)
				case "int64", "int32":
					d.Int = append(d.Int, int64(f))
				default:
					t.Fatalf("%s.json: %s.%s: dtype %s", name, nn, pn, p.DType)
				}
			}
			d.DType = map[string]nir.DType{"float32": nir.Float32, "float64": nir.Float64, "int64": nir.Int64, "int32": nir.Int32}[p.DType]
			node.Params[pn] = d
		}
		g.Nodes = append(g.Nodes, node)
	}
	slices.SortFunc(g.Nodes, func(a, b *nir.Node) int { return strings.Compare(a.Name, b.Name) })
	for _, e := range dump.Graph.Edges {
		g.Edges = append(g.Edges, nir.Edge{Src: e[0], Dst: e[1]})
	}
	return &nir.File{Version: "json", Root: &nir.Node{Type: dump.Graph.Type, Graph: g}}
}

// readFixture reads a fixture with nir.Read.
func readFixture(t *testing.T, name string) *nir.File {
	t.Helper()
	f, err := nir.Read(filepath.Join(fixtureDir(t), name+".nir"))
	if err != nil {
		t.Fatalf("nir.Read %s.nir: %v", name, err)
	}
	return f
}

// compiled is an imported network through the pipeline.
type compiled struct {
	mod *ir.Module
	net *ir.Net
}

// compile compiles imp's source with the library models its populations
// name (as `scc` does), serving imp.Files as data files, the spike file
// of every `spikes` source replaced by spikes[source's NIR node] (rows
// step,index).
func compile(t *testing.T, g *refGraph, imp *nir.Imported, spikes map[string][][]bool) *compiled {
	t.Helper()
	const name = "imported.snn"
	f, err := parser.ParseFile(name, imp.Source)
	if err != nil {
		t.Fatalf("the imported source does not parse: %v\n%s", err, imp.Source)
	}
	files := map[string][]byte{}
	for k, v := range imp.Files {
		files[filepath.Clean(k)] = v
	}
	declared := map[string]bool{}
	var wanted []string
	nets := 0
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *lang.Model:
			declared[d.Name] = true
		case *lang.Network:
			nets++
			for _, it := range d.Items {
				switch it := it.(type) {
				case *lang.Pop:
					wanted = append(wanted, it.Model)
				case *lang.Source:
					if it.Kind != "spikes" {
						continue
					}
					node := matchNode(g, it.Name)
					if node == nil || node.typ != "Input" {
						t.Fatalf("source %s is no Input node of the graph", it.Name)
					}
					file := ""
					for _, a := range it.Args {
						if s, ok := a.Value.(*lang.String); ok && (a.Name == "file" || a.Name == "") {
							file = s.Value
						}
					}
					if file == "" {
						t.Fatalf("source %s names no spike file", it.Name)
					}
					if _, ok := files[filepath.Clean(file)]; !ok {
						t.Fatalf("source %s's spike file %s is not in Imported.Files", it.Name, file)
					}
					var b strings.Builder
					b.WriteString("step,index\n")
					for s, row := range spikes[node.name] {
						for k, on := range row {
							if on {
								fmt.Fprintf(&b, "%d,%d\n", s+1, k)
							}
						}
					}
					files[filepath.Clean(file)] = []byte(b.String())
				}
			}
		}
	}
	if nets != 1 {
		t.Fatalf("the imported source declares %d networks, want 1", nets)
	}
	m := lowerImported(t, f, imp, files, wanted, declared)
	return &compiled{mod: m, net: m.Nets[0]}
}

// matchNode returns the node of g that scc name stands for (the node's
// name, or its name with every character that is no letter, digit or _
// made _, with or without leading and trailing _ added, as for a keyword
// like input), or nil.
func matchNode(g *refGraph, name string) *refNode {
	for _, n := range g.nodes {
		if n.name == name || identName(n.name) == name || identName(n.name) == strings.Trim(name, "_") {
			return n
		}
	}
	return nil
}

func identName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

// trace is what one neuron node did, step by step (index t−1).
type trace struct {
	spikes [][]int32
	states map[string][][]float64 // "v", "i" (CubaLIF/CubaLI's current)
	tol    float64                // the states' tolerance: 0 or stateTol
}

func refTraces(g *refGraph) map[string]*trace {
	out := map[string]*trace{}
	for _, n := range g.nodes {
		if !isNeuron(n.typ) {
			continue
		}
		tr := &trace{spikes: n.hist, states: map[string][][]float64{}, tol: stateTol}
		if exactInput(n) {
			tr.tol = 0
		}
		if n.typ != "Threshold" {
			tr.states["v"] = n.histV
		}
		if n.typ == "CubaLIF" || n.typ == "CubaLI" {
			tr.states["i"] = n.histI
		}
		out[n.name] = tr
	}
	return out
}

// refState names the reference state of a model state name ("" when the
// name is not one of NIR's).
func refState(name string) string {
	switch strings.ToLower(name) {
	case "v", "v_mem", "mem":
		return "v"
	case "i", "i_syn", "isyn", "syn", "current":
		return "i"
	}
	return ""
}

// run runs c for steps steps in float64 and returns every neuron
// population's trace by NIR node name, and the spikes the network's spike
// records kept by NIR node name.
func run(t *testing.T, g *refGraph, c *compiled, steps int) (map[string]*trace, map[string][]ir.SpikeEvent) {
	t.Helper()
	if c.mod.Phase != ir.Real {
		t.Fatalf("module phase %v, want real", c.mod.Phase)
	}
	s, err := sim.NewNet(c.mod, c.net, sim.NetOptions{Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	type pop struct {
		idx  int
		tr   *trace
		vars map[int]string
	}
	var pops []pop
	out := map[string]*trace{}
	for k, p := range c.net.Pops {
		if p.Kind != ir.PopNeuron {
			continue
		}
		n := matchNode(g, p.Name)
		if n == nil || !isNeuron(n.typ) {
			t.Fatalf("population %s (%s) is no neuron node of the graph", p.Name, p.Func)
		}
		if p.Size != n.size {
			t.Fatalf("population %s has %d neurons, node %s %d", p.Name, p.Size, n.name, n.size)
		}
		fn := c.mod.Func(p.Func)
		pp := pop{idx: k, tr: &trace{states: map[string][][]float64{}}, vars: map[int]string{}}
		for st, sv := range fn.States {
			r := refState(sv.Name)
			if r == "" {
				t.Fatalf("population %s: model %s's state %s is none of NIR's", p.Name, p.Func, sv.Name)
			}
			pp.vars[st] = r
		}
		out[n.name] = pp.tr
		pops = append(pops, pp)
	}
	for range steps {
		if err := s.Step(); err != nil {
			t.Fatalf("step %d: %v", s.T(), err)
		}
		for _, p := range pops {
			p.tr.spikes = append(p.tr.spikes, slices.Clone(s.Spikes(p.idx)))
			for st, r := range p.vars {
				p.tr.states[r] = append(p.tr.states[r], slices.Clone(s.StateValues(p.idx, st)))
			}
		}
	}
	recs := map[string][]ir.SpikeEvent{}
	for _, r := range s.Records() {
		if r.Rec.Kind != ir.RecordSpikes {
			continue
		}
		n := matchNode(g, r.Rec.Pop)
		if n == nil {
			t.Fatalf("a spike record of %s, no node of the graph", r.Rec.Pop)
		}
		if r.Rec.Lo != 0 || r.Rec.Hi != n.size {
			t.Fatalf("the spike record of %s keeps %d:%d, not all %d neurons", r.Rec.Pop, r.Rec.Lo, r.Rec.Hi, n.size)
		}
		recs[n.name] = append(recs[n.name], r.Spikes...)
	}
	return out, recs
}

// compareTraces reports the first difference between want (the reference)
// and got (scc) over the nodes names, got being want delayed by shift
// steps (got's first shift steps silent and, for states, not compared);
// states are compared, to want's tolerance, when states is set.
func compareTraces(want, got map[string]*trace, names []string, shift int, states bool) error {
	for _, name := range names {
		w, g := want[name], got[name]
		if w == nil || g == nil {
			return fmt.Errorf("node %s: no trace (reference %v, scc %v)", name, w != nil, g != nil)
		}
		if len(g.spikes) != len(w.spikes) {
			return fmt.Errorf("node %s: %d steps, reference %d", name, len(g.spikes), len(w.spikes))
		}
		for t := range g.spikes {
			var ws []int32
			if t-shift >= 0 {
				ws = w.spikes[t-shift]
			}
			if !slices.Equal(ws, g.spikes[t]) {
				return fmt.Errorf("node %s, step %d: scc spikes %v, reference %v", name, t+1, g.spikes[t], ws)
			}
		}
		if !states {
			continue
		}
		for sv, wv := range w.states {
			gv := g.states[sv]
			if gv == nil {
				return fmt.Errorf("node %s: scc has no state %s", name, sv)
			}
			for t := shift; t < len(gv); t++ {
				for k := range gv[t] {
					e, x := wv[t-shift][k], gv[t][k]
					if !(math.Abs(x-e) <= w.tol*max(1, math.Abs(e))) {
						return fmt.Errorf("node %s, step %d, neuron %d: scc %s = %.17g, reference %.17g", name, t+1, k, sv, x, e)
					}
				}
			}
		}
	}
	return nil
}

// compareRecords reports the first difference between a node's spike
// record and the reference's spikes of that node.
func compareRecords(want map[string]*trace, recs map[string][]ir.SpikeEvent) error {
	for name, evs := range recs {
		w := want[name]
		if w == nil {
			return fmt.Errorf("a spike record of %s, which the reference does not trace", name)
		}
		var ref []ir.SpikeEvent
		for t, s := range w.spikes {
			for _, k := range s {
				ref = append(ref, ir.SpikeEvent{Step: t + 1, Index: int(k)})
			}
		}
		if !slices.Equal(ref, evs) {
			for k := range min(len(ref), len(evs)) {
				if ref[k] != evs[k] {
					return fmt.Errorf("record of %s: event %d is %+v, reference %+v", name, k, evs[k], ref[k])
				}
			}
			return fmt.Errorf("record of %s: %d events, reference %d", name, len(evs), len(ref))
		}
	}
	return nil
}

// outputNodes are the neuron nodes an Output node records.
func outputNodes(g *refGraph) []string {
	var out []string
	for _, n := range g.nodes {
		if n.typ == "Output" {
			for _, p := range n.preds {
				out = append(out, p.name)
			}
		}
	}
	return out
}

func neuronNodes(g *refGraph) []string {
	var out []string
	for _, n := range g.nodes {
		if isNeuron(n.typ) {
			out = append(out, n.name)
		}
	}
	return out
}

// scaleR multiplies every neuron node's r by k (a driven variant of a
// fixture whose stored r cannot reach the threshold from 0/1 inputs).
func scaleR(f *nir.File, k float64) {
	for _, n := range f.Root.Graph.Nodes {
		if d := n.Params["r"]; d != nil && isNeuron(n.Type) {
			c := *d
			c.Float = slices.Clone(d.Float)
			for i := range c.Float {
				c.Float[i] *= k
			}
			n.Params["r"] = &c
		}
	}
}

// inputSpikes draws every Input node's spikes (probability p per input
// per step).
func inputSpikes(g *refGraph, seed uint64, steps int, p float64) map[string][][]bool {
	out := map[string][][]bool{}
	for k, n := range g.nodes {
		if n.typ == "Input" {
			out[n.name] = randomSpikes(seed+uint64(k), steps, n.size, p)
			n.spikes = out[n.name]
		}
	}
	return out
}

// semanticCase is one network run through Import and the reference.
type semanticCase struct {
	name  string
	ref   *nir.File // the graph the reference simulates
	imp   *nir.File // the graph Import maps (the same graph, read independently)
	dt    float64   // seconds
	p     float64   // input spike probability per step
	spike int       // 0; spikesNode: every spiking node spikes; spikesAll: every neuron of one does
}

const (
	spikesNode = 1
	spikesAll  = 2
)

// checkSemantics imports c.imp, runs it steps steps in float64 with seeded
// random input spikes and compares every neuron node's spikes (exactly)
// and states (bit for bit, or to stateTol: see stateTol) with the delayed
// reference, and every spike record with the reference's spikes of its
// node.
func checkSemantics(t *testing.T, c semanticCase, steps int) (*refGraph, map[string]*trace) {
	t.Helper()
	g, err := newRef(c.ref, c.dt, true)
	if err != nil {
		t.Fatal(err)
	}
	in := inputSpikes(g, 1000, steps, c.p)
	g.run(steps)
	imp, err := nir.Import(c.imp, nir.ImportOptions{Dt: c.dt, Name: "semantics", Base: "g"})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	cc := compile(t, g, imp, in)
	got, recs := run(t, g, cc, steps)
	want := refTraces(g)
	if err := compareTraces(want, got, neuronNodes(g), 0, true); err != nil {
		t.Fatalf("%v\n%s", err, imp.Source)
	}
	for _, n := range neuronNodes(g) {
		t.Logf("%s: node %s: states differ by at most %g (tolerance %g)", c.name, n, maxStateDiff(want, got, []string{n}, 0), want[n].tol)
	}
	for _, o := range outputNodes(g) {
		if recs[o] == nil && g.count(o) > 0 {
			t.Fatalf("node %s feeds an Output node but no spike record keeps its spikes", o)
		}
	}
	if err := compareRecords(want, recs); err != nil {
		t.Fatal(err)
	}
	for _, n := range g.nodes {
		switch {
		case !isNeuron(n.typ):
		case n.typ == "LI" || n.typ == "I" || n.typ == "CubaLI":
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range n.histV {
				lo, hi = min(lo, slices.Min(v)), max(hi, slices.Max(v))
			}
			if hi-lo < 1e-3 {
				t.Fatalf("node %s: v stays in [%g, %g]: the comparison exercises nothing", n.name, lo, hi)
			}
		case c.spike > 0:
			per := make([]int, n.size)
			for _, s := range n.hist {
				for _, k := range s {
					per[k]++
				}
			}
			if c.spike == spikesNode && g.count(n.name) == 0 {
				t.Fatalf("node %s never spikes: the comparison exercises nothing", n.name)
			}
			if c.spike == spikesAll && slices.Min(per) == 0 {
				t.Fatalf("node %s: spikes per neuron %v: a silent neuron is compared vacuously", n.name, per)
			}
			t.Logf("%s: node %s spikes per neuron %v", c.name, n.name, per)
		}
	}
	return g, got
}

// TestSemanticsFixtures: the fixtures lif, cubalif, if and li (and cubali,
// integrator, threshold, the recurrent rnn_lif), imported at dt and run
// 1,000 steps with seeded random input spikes, compute the reference's
// spikes exactly and its states bit for bit (rnn_lif, two edges into lif, to stateTol). Each of
// the first four runs as stored at dt = 1e-4 and driven so that every
// neuron spikes: LIF and CubaLIF, whose r = 1 and v_threshold = 1 keep v
// below the threshold under 0/1 inputs, with r tripled at dt = 1 ms; IF at
// dt = 12.3 ms (at 1e-4 it barely moves). rnn_lif (r × 10) spikes in some
// neurons only: the others' net input is negative.
func TestSemanticsFixtures(t *testing.T) {
	const steps = 1000
	for _, fx := range []struct {
		name   string
		dt, p  float64
		rScale float64
		spike  int
	}{
		{"lif", 1e-4, 0.5, 1, 0},
		{"lif", 1e-3, 0.5, 3, spikesAll},
		{"cubalif", 1e-4, 0.5, 1, 0},
		{"cubalif", 1e-3, 0.6, 3, spikesAll},
		{"if", 1e-4, 0.5, 1, 0},
		{"if", 0.0123, 0.8, 1, spikesAll},
		{"li", 1e-4, 0.5, 1, 0},
		{"li", 1e-3, 0.5, 1, 0},
		{"cubali", 1e-3, 0.5, 1, 0},
		{"integrator", 1e-3, 0.5, 1, 0},
		{"threshold", 1e-4, 0.5, 1, spikesNode},
		{"rnn_lif", 1e-3, 0.7, 10, spikesNode},
	} {
		t.Run(fmt.Sprintf("%s/dt=%g/r×%g", fx.name, fx.dt, fx.rScale), func(t *testing.T) {
			ref, imp := jsonFixture(t, fx.name), importFixture(t, fx.name)
			if fx.rScale != 1 {
				scaleR(ref, fx.rScale)
				scaleR(imp, fx.rScale)
			}
			checkSemantics(t, semanticCase{name: fx.name, ref: ref, imp: imp, dt: fx.dt, p: fx.p, spike: fx.spike}, steps)
		})
	}
}

// TestSemanticsHarness holds the harness itself (compile, run, the
// comparisons) to a hand-written network of lif.nir (r tripled, dt = 1 ms:
// NIR's LIF written out as a model, τ in ms from a file, the Input a
// spikes source through a one-to-one projection), so that a failure of
// the Import tests is Import's.
func TestSemanticsHarness(t *testing.T) {
	f := jsonFixture(t, "lif")
	scaleR(f, 3)
	const steps, dt = 1000, 1e-3
	g, err := newRef(f, dt, true)
	if err != nil {
		t.Fatal(err)
	}
	in := inputSpikes(g, 1000, steps, 0.5)
	g.run(steps)
	tau := "tau\n"
	for _, v := range f.Root.Graph.Node("lif").Params["tau"].Float {
		tau += fmt.Sprintf("%v\n", v*1000)
	}
	imp := &nir.Imported{Source: []byte(`model HLIF {
    param tau = 10 ms
    param r = 1
    param v_leak = 0
    param v_threshold = 1
    param v_reset = 0
    input x
    state v = 0
    dv/dt = (v_leak - v + r * x) / tau
    spike when v > v_threshold { v = v_reset }
    dt 1 ms
}
network H {
    dt 1 ms
    source input_ = spikes(file = "in.csv")[3]
    pop lif = HLIF[3] { tau = file("tau.csv"); r = 3 }
    proj p = input_ -> lif.x one_to_one { w = 1 }
    record lif spikes
}
`), Files: map[string][]byte{"in.csv": []byte("step,index\n"), "tau.csv": []byte(tau)}}
	c := compile(t, g, imp, in)
	got, recs := run(t, g, c, steps)
	want := refTraces(g)
	if err := compareTraces(want, got, neuronNodes(g), 0, true); err != nil {
		t.Fatal(err)
	}
	if err := compareRecords(want, recs); err != nil {
		t.Fatal(err)
	}
	if g.count("lif") == 0 || len(recs["lif"]) != g.count("lif") {
		t.Fatalf("%d reference spikes, %d recorded", g.count("lif"), len(recs["lif"]))
	}
	t.Logf("%d spikes; states differ by at most %g", g.count("lif"), maxStateDiff(want, got, neuronNodes(g), 0))
}

// importFixture is the fixture as nir.Read reads it, held to the JSON
// dump's graph (every node, type and parameter value), which the
// reference simulates: Import and the reference see the same numbers by
// two independent readers.
func importFixture(t *testing.T, name string) *nir.File {
	t.Helper()
	f, j := readFixture(t, name), jsonFixture(t, name)
	if f.Root == nil || f.Root.Graph == nil {
		t.Fatalf("nir.Read %s.nir: the root is no graph", name)
	}
	for _, jn := range j.Root.Graph.Nodes {
		rn := f.Root.Graph.Node(jn.Name)
		if rn == nil || rn.Type != jn.Type {
			t.Fatalf("nir.Read %s.nir: node %s (%s) missing or of another type", name, jn.Name, jn.Type)
		}
		for pn, jd := range jn.Params {
			rd := rn.Params[pn]
			if rd == nil || !slices.Equal(rd.Float, jd.Float) || !slices.Equal(rd.Int, jd.Int) {
				t.Fatalf("nir.Read %s.nir: %s.%s differs from the JSON dump's", name, jn.Name, pn)
			}
		}
	}
	if len(f.Root.Graph.Edges) != len(j.Root.Graph.Edges) {
		t.Fatalf("nir.Read %s.nir: %d edges, the JSON dump %d", name, len(f.Root.Graph.Edges), len(j.Root.Graph.Edges))
	}
	return f
}

// TestSemanticsTwoLayer: Affine → LIF → Affine → LIF with seeded random
// weights and per-neuron parameters, imported at dt = 1 ms and run 1,000
// steps: spikes exact, states bit for bit, every neuron of both layers
// spiking; once in memory and once through a .nir file (nir.Write, then
// nir.Read).
func TestSemanticsTwoLayer(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		checkSemantics(t, semanticCase{name: "two-layer", ref: twoLayer(3, 0), imp: twoLayer(3, 0), dt: 1e-3, p: 0.3, spike: spikesAll}, 1000)
	})
	t.Run("file", func(t *testing.T) {
		b, err := nir.Write(twoLayer(3, 0))
		if err != nil {
			t.Fatalf("nir.Write: %v", err)
		}
		path := filepath.Join(t.TempDir(), "two_layer.nir")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := nir.Read(path)
		if err != nil {
			t.Fatalf("nir.Read of nir.Write's file: %v", err)
		}
		checkSemantics(t, semanticCase{name: "two-layer", ref: twoLayer(3, 0), imp: f, dt: 1e-3, p: 0.3, spike: spikesAll}, 1000)
	})
}

// withParam returns a copy of f (nodes and parameter maps copied, the
// other datasets shared) whose parameter param of node node is
// set(k, old) element by element.
func withParam(f *nir.File, node, param string, set func(k int, v float64) float64) *nir.File {
	g := &nir.Graph{Edges: f.Root.Graph.Edges}
	for _, n := range f.Root.Graph.Nodes {
		c := *n
		c.Params = map[string]*nir.Dataset{}
		for k, d := range n.Params {
			c.Params[k] = d
		}
		if n.Name == node {
			d := *n.Params[param]
			d.Float = slices.Clone(d.Float)
			for k, v := range d.Float {
				d.Float[k] = set(k, v)
			}
			c.Params[param] = &d
		}
		g.Nodes = append(g.Nodes, &c)
	}
	root := *f.Root
	root.Graph = g
	return &nir.File{Version: f.Version, Root: &root}
}

// shiftWarnings are the warnings of imp that say the feed-forward shift is
// not exact.
func shiftWarnings(imp *nir.Imported) []string {
	var out []string
	for _, w := range imp.Warnings {
		l := strings.ToLower(w)
		if strings.Contains(l, "fixed point") || strings.Contains(l, "shift") {
			out = append(out, w)
		}
	}
	return out
}

// ffnSteps and ffnDt are the FFN run (dt in seconds): at the stored
// dt = 1e-4 (dt/τ = 0.005) or at 1 ms no input rate makes the output layer
// spike within hundreds of steps; at 5 ms (dt/τ = 0.25) the patterns of
// ffnInputs do.
const (
	ffnSteps = 300
	ffnDt    = 5e-3
)

// ffnInputs are seeded random input spikes for a 784 → 128 → 10 net whose
// weights are fc1 and fc2: in each third of the run a pattern aimed at one
// output neuron o (0, 1, 2): input j spikes with probability 0.9 when its
// weight to o through the hidden neurons that excite o, Σ_i fc2[o][i]·fc1[i][j]
// over fc2[o][i] > 0, is positive, else 0.05. (Uniform rates, even 0.8,
// leave the outputs nearly silent: the output weights are small.)
func ffnInputs(f *nir.File, seed uint64, steps int) [][]bool {
	w1 := f.Root.Graph.Node("fc1").Params["weight"].Float
	w2 := f.Root.Graph.Node("fc2").Params["weight"].Float
	rng := rand.New(rand.NewPCG(seed, 3))
	out := make([][]bool, steps)
	var eff []float64
	for s := range out {
		if o := s * 3 / steps; s == o*steps/3 || eff == nil {
			eff = make([]float64, 784)
			for i := range 128 {
				if w := w2[o*128+i]; w > 0 {
					for j := range eff {
						eff[j] += w * w1[i*784+j]
					}
				}
			}
		}
		out[s] = make([]bool, 784)
		for j := range out[s] {
			p := 0.05
			if eff[j] > 0 {
				p = 0.9
			}
			out[s][j] = rng.Float64() < p
		}
	}
	return out
}

// TestShiftFFN: ffn_784_128_10 with its biases zeroed (the rest state
// then is a fixed point), imported and run with seeded input spikes,
// gives exactly the zero-delay reference's spikes shifted by one step in
// the hidden layer and two in the output layer (states bit for bit), and
// the output spikes. The fixture as stored (nonzero biases) and a variant
// with v_leak ≠ 0 make Import warn that the shift is not exact. Mutations
// of the reference (a shift of 1, one weight one ulp up) are caught.
func TestShiftFFN(t *testing.T) {
	stored := readFixture(t, "ffn_784_128_10")
	zero := withParam(withParam(stored, "fc1", "bias", func(int, float64) float64 { return 0 }),
		"fc2", "bias", func(int, float64) float64 { return 0 })
	g, err := newRef(zero, ffnDt, false)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string][][]bool{"input": ffnInputs(zero, 784, ffnSteps)}
	g.byName["input"].spikes = in["input"]
	g.run(ffnSteps)
	if g.count("lif2") == 0 {
		t.Fatalf("the output layer never spikes in %d steps (hidden: %d spikes)", ffnSteps, g.count("lif1"))
	}
	t.Logf("zero-delay reference: %d hidden spikes, %d output spikes", g.count("lif1"), g.count("lif2"))
	imp, err := nir.Import(zero, nir.ImportOptions{Dt: ffnDt, Name: "ffn", Base: "ffn"})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if w := shiftWarnings(imp); len(w) > 0 {
		t.Errorf("zero biases, v_leak = 0: Import warns %q, but the rest state is a fixed point", w)
	}
	c := compile(t, g, imp, in)
	got, recs := run(t, g, c, ffnSteps)
	want := refTraces(g)
	if err := compareTraces(want, got, []string{"lif1"}, 1, true); err != nil {
		t.Fatal(err)
	}
	if err := compareTraces(want, got, []string{"lif2"}, 2, true); err != nil {
		t.Fatal(err)
	}
	t.Logf("states differ by at most %g (hidden) and %g (output)", maxStateDiff(want, got, []string{"lif1"}, 1), maxStateDiff(want, got, []string{"lif2"}, 2))
	shiftedOut := map[string]*trace{"lif2": {spikes: append([][]int32{nil, nil}, want["lif2"].spikes[:ffnSteps-2]...)}}
	if recs["lif2"] == nil {
		t.Fatal("no spike record of the Output node's lif2")
	}
	if err := compareRecords(shiftedOut, map[string][]ir.SpikeEvent{"lif2": recs["lif2"]}); err != nil {
		t.Fatal(err)
	}

	// Mutations: the comparison must see them.
	if compareTraces(want, got, []string{"lif2"}, 1, false) == nil {
		t.Fatal("the output spikes also match a shift of 1: the comparison cannot tell")
	}
	j := mostActive(want["lif1"], 128)
	i := mostActive(want["lif2"], 10)
	mut := withParam(zero, "fc2", "weight", func(k int, v float64) float64 {
		if k == i*128+j {
			return math.Nextafter(v, math.Inf(1))
		}
		return v
	})
	gm, err := newRef(mut, ffnDt, false)
	if err != nil {
		t.Fatal(err)
	}
	gm.byName["input"].spikes = in["input"]
	gm.run(ffnSteps)
	err = compareTraces(refTraces(gm), got, []string{"lif2"}, 2, true)
	if err == nil {
		t.Fatalf("fc2.weight[%d][%d] one ulp up: the comparison does not see it", i, j)
	}
	t.Logf("mutated reference caught: %v", err)

	// The stored fixture's biases, and v_leak ≠ 0: the rest state is not a
	// fixed point.
	for _, v := range []struct {
		what string
		f    *nir.File
	}{
		{"stored biases", stored},
		{"v_leak = 0.05", withParam(zero, "lif1", "v_leak", func(int, float64) float64 { return 0.05 })},
	} {
		imp, err := nir.Import(v.f, nir.ImportOptions{Dt: ffnDt, Name: "ffn", Base: "ffn"})
		if err != nil {
			t.Fatalf("%s: Import: %v", v.what, err)
		}
		w := shiftWarnings(imp)
		if len(w) == 0 {
			t.Errorf("%s: Import gives no warning that the shift is not exact (warnings %q)", v.what, imp.Warnings)
		}
		t.Logf("%s: %q", v.what, w)
	}
}

// mostActive is the neuron of tr that spiked most.
func mostActive(tr *trace, n int) int {
	per := make([]int, n)
	for _, s := range tr.spikes {
		for _, k := range s {
			per[k]++
		}
	}
	best := 0
	for k, c := range per {
		if c > per[best] {
			best = k
		}
	}
	return best
}

// TestSemanticsMutation: the fixture comparison sees a parameter perturbed
// one ulp up in the reference (one τ of lif.nir) and a reference
// without the edge delay.
func TestSemanticsMutation(t *testing.T) {
	const steps, dt = 1000, 1e-3
	ref := jsonFixture(t, "lif")
	scaleR(ref, 3)
	imp := importFixture(t, "lif")
	scaleR(imp, 3)
	g, err := newRef(ref, dt, true)
	if err != nil {
		t.Fatal(err)
	}
	in := inputSpikes(g, 1000, steps, 0.5)
	g.run(steps)
	im, err := nir.Import(imp, nir.ImportOptions{Dt: dt})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	got, _ := run(t, g, compile(t, g, im, in), steps)
	if err := compareTraces(refTraces(g), got, []string{"lif"}, 0, true); err != nil {
		t.Fatalf("unmutated: %v", err)
	}
	for _, m := range []struct {
		what    string
		f       *nir.File
		delayed bool
	}{
		{"tau[1] one ulp up", withParam(ref, "lif", "tau", func(k int, v float64) float64 {
			if k == 1 {
				return math.Nextafter(v, math.Inf(1))
			}
			return v
		}), true},
		{"zero-delay", ref, false},
	} {
		gm, err := newRef(m.f, dt, m.delayed)
		if err != nil {
			t.Fatal(err)
		}
		inputSpikes(gm, 1000, steps, 0.5)
		gm.run(steps)
		err = compareTraces(refTraces(gm), got, []string{"lif"}, 0, true)
		if err == nil {
			t.Fatalf("mutation %s: the comparison does not see it", m.what)
		}
		t.Logf("mutation %s caught: %v", m.what, err)
	}
}

// maxStateDiff is the largest |got − want| of any state of the nodes
// names (got delayed by shift steps), for the log.
func maxStateDiff(want, got map[string]*trace, names []string, shift int) float64 {
	d := 0.0
	for _, name := range names {
		w, g := want[name], got[name]
		if w == nil || g == nil {
			continue
		}
		for sv, wv := range w.states {
			gv := g.states[sv]
			for t := shift; t < len(gv); t++ {
				for k := range gv[t] {
					d = max(d, math.Abs(gv[t][k]-wv[t-shift][k]))
				}
			}
		}
	}
	return d
}
