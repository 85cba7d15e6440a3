package nir_test

// An independent float64 reference of NIR's equations, written from NIR's
// node definitions (shared/reference/nir.md §1, DESIGN §9) and not from
// Import: forward Euler at dt over a NIR graph's nodes, every right-hand
// side reading the pre-step state (DESIGN §4):
//
//	LIF      v ← v + dt/τ·(v_leak − v + r·x); spike when v > v_threshold, then v = v_reset
//	IF       v ← v + dt·r·x; spike and reset as LIF
//	LI       v ← v + dt/τ·(v_leak − v + r·x); the output is v
//	I        v ← v + dt·r·x; the output is v
//	CubaLIF  I ← I + dt/τ_syn·(−I + w_in·x), v ← v + dt/τ_mem·(v_leak − v + r·I) (old I); spikes as LIF
//	CubaLI   CubaLIF without spikes; the output is v
//	Threshold z = H(x − θ) (x > θ)
//	Affine   y = W·x + b; Linear y = W·x; Scale y = s ⊙ x
//
// States start at 0; a node's input x is the sum of its predecessors'
// outputs (NIR sums the edges into a node). Two timings:
//
//   - zero-delay (NIR's and snnTorch's layers): in step t every node sees its
//     predecessors' outputs of step t, in topological order; a recurrent
//     graph has none and is refused.
//   - delayed (scc's network semantics, DESIGN §4.1 rule 3): every edge into
//     a neuron node costs one step: in step t a neuron node sees the outputs
//     of step t−1 of the Input and neuron nodes upstream of it, through the
//     linear nodes in between (evaluated at once). A bias is a constant
//     drive and so is present from step 1.
//
// For a feed-forward graph whose zero-input rest state is a fixed point
// the delayed outputs of a node k neuron layers deep are the zero-delay
// ones shifted by k steps.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"scc/nir"
)

// refGraph simulates one NIR graph.
type refGraph struct {
	dt      float64 // seconds
	delayed bool
	nodes   []*refNode
	byName  map[string]*refNode
	order   []*refNode // Input and neuron nodes; topological for zero-delay
	t       int        // steps taken
}

// refNode is one node of a refGraph.
type refNode struct {
	name, typ string
	size      int
	par       map[string][]float64 // parameters broadcast to size
	w         [][]float64          // Affine/Linear: dense rows, out × in
	preds     []*refNode
	v, i      []float64
	out, prev []float64 // this step's output, the last step's
	// Input: spikes[t-1][k] is input k in step t (steps past the end are
	// silent).
	spikes [][]bool
	// Neuron nodes: spike indices and states per step (hist[t-1]).
	hist  [][]int32
	histV [][]float64
	histI [][]float64
}

func isNeuron(typ string) bool {
	switch typ {
	case "LIF", "IF", "LI", "I", "CubaLIF", "CubaLI", "Threshold":
		return true
	}
	return false
}

func isRefLinear(typ string) bool {
	return typ == "Affine" || typ == "Linear" || typ == "Scale"
}

// newRef builds the reference of f's root graph at step dt (seconds).
func newRef(f *nir.File, dt float64, delayed bool) (*refGraph, error) {
	if f.Root == nil || f.Root.Type != "NIRGraph" || f.Root.Graph == nil {
		return nil, fmt.Errorf("reference: the root is not a NIRGraph")
	}
	g := &refGraph{dt: dt, delayed: delayed, byName: map[string]*refNode{}}
	for _, n := range f.Root.Graph.Nodes {
		rn, err := newRefNode(n)
		if err != nil {
			return nil, err
		}
		g.nodes = append(g.nodes, rn)
		g.byName[n.Name] = rn
	}
	for _, e := range f.Root.Graph.Edges {
		src, dst := g.byName[e.Src], g.byName[e.Dst]
		if src == nil || dst == nil {
			return nil, fmt.Errorf("reference: edge %s -> %s names a missing node", e.Src, e.Dst)
		}
		dst.preds = append(dst.preds, src)
	}
	for _, n := range g.nodes {
		in := 0
		for _, p := range n.preds {
			if in != 0 && p.size != in {
				return nil, fmt.Errorf("reference: node %s: inputs of sizes %d and %d", n.name, in, p.size)
			}
			in = p.size
		}
		want := n.size
		if n.w != nil && len(n.w) > 0 {
			want = len(n.w[0])
		}
		if n.typ != "Input" && len(n.preds) > 0 && in != want {
			return nil, fmt.Errorf("reference: node %s takes %d inputs, its predecessors give %d", n.name, want, in)
		}
	}
	// Stateful nodes: for zero-delay in topological order (DFS through
	// the linear nodes), else in graph order.
	state := map[*refNode]int{} // 1 visiting, 2 done
	var visit func(n *refNode) error
	visit = func(n *refNode) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("reference: node %s is on a cycle: a recurrent graph has no zero-delay order", n.name)
		case 2:
			return nil
		}
		state[n] = 1
		for _, p := range n.preds {
			if err := visit(p); err != nil {
				return err
			}
		}
		state[n] = 2
		if n.typ == "Input" || isNeuron(n.typ) {
			g.order = append(g.order, n)
		}
		return nil
	}
	for _, n := range g.nodes {
		if delayed {
			if n.typ == "Input" || isNeuron(n.typ) {
				g.order = append(g.order, n)
			}
			continue
		}
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// param returns the float parameter name of n broadcast to size (def when
// absent and def is not NaN).
func param(n *nir.Node, name string, size int, def float64) ([]float64, error) {
	d := n.Params[name]
	if d == nil {
		if math.IsNaN(def) {
			return nil, fmt.Errorf("reference: node %s: no %s", n.Name, name)
		}
		out := make([]float64, size)
		for k := range out {
			out[k] = def
		}
		return out, nil
	}
	if d.Float == nil {
		return nil, fmt.Errorf("reference: node %s: %s is not float", n.Name, name)
	}
	switch len(d.Float) {
	case size:
		return slices.Clone(d.Float), nil
	case 1:
		out := make([]float64, size)
		for k := range out {
			out[k] = d.Float[0]
		}
		return out, nil
	}
	return nil, fmt.Errorf("reference: node %s: %s has %d values, want %d", n.Name, name, len(d.Float), size)
}

// neuronParams lists each neuron type's parameters (NaN: required).
var neuronParams = map[string][]struct {
	name string
	def  float64
}{
	"LIF":       {{"tau", math.NaN()}, {"r", math.NaN()}, {"v_leak", math.NaN()}, {"v_threshold", math.NaN()}, {"v_reset", 0}},
	"IF":        {{"r", math.NaN()}, {"v_threshold", math.NaN()}, {"v_reset", 0}},
	"LI":        {{"tau", math.NaN()}, {"r", math.NaN()}, {"v_leak", math.NaN()}},
	"I":         {{"r", math.NaN()}},
	"CubaLIF":   {{"tau_syn", math.NaN()}, {"tau_mem", math.NaN()}, {"r", math.NaN()}, {"v_leak", math.NaN()}, {"v_threshold", math.NaN()}, {"v_reset", 0}, {"w_in", 1}},
	"CubaLI":    {{"tau_syn", math.NaN()}, {"tau_mem", math.NaN()}, {"r", math.NaN()}, {"v_leak", math.NaN()}, {"w_in", 1}},
	"Threshold": {{"threshold", math.NaN()}},
}

func newRefNode(n *nir.Node) (*refNode, error) {
	rn := &refNode{name: n.Name, typ: n.Type, par: map[string][]float64{}}
	switch {
	case n.Type == "Input" || n.Type == "Output":
		d := n.Params["shape"]
		if d == nil || d.Int == nil {
			return nil, fmt.Errorf("reference: node %s: no int shape", n.Name)
		}
		rn.size = 1
		for _, s := range d.Int {
			rn.size *= int(s)
		}
	case n.Type == "Affine" || n.Type == "Linear":
		d := n.Params["weight"]
		if d == nil || len(d.Shape) != 2 || d.Float == nil {
			return nil, fmt.Errorf("reference: node %s: weight is not a float (out, in) matrix", n.Name)
		}
		out, in := d.Shape[0], d.Shape[1]
		rn.size = out
		for o := range out {
			rn.w = append(rn.w, d.Float[o*in:(o+1)*in])
		}
		b, err := param(n, "bias", out, 0)
		if err != nil {
			return nil, err
		}
		if n.Type == "Linear" {
			b = make([]float64, out)
		}
		rn.par["bias"] = b
	case n.Type == "Scale":
		d := n.Params["scale"]
		if d == nil || d.Float == nil {
			return nil, fmt.Errorf("reference: node %s: no float scale", n.Name)
		}
		rn.size = len(d.Float)
		rn.par["scale"] = slices.Clone(d.Float)
	case isNeuron(n.Type):
		first := neuronParams[n.Type][0].name
		if n.Type == "LIF" || n.Type == "IF" || n.Type == "LI" || n.Type == "I" {
			first = "r"
		}
		d := n.Params[first]
		if d == nil || d.Float == nil {
			return nil, fmt.Errorf("reference: node %s: no float %s", n.Name, first)
		}
		rn.size = len(d.Float)
		for _, p := range neuronParams[n.Type] {
			v, err := param(n, p.name, rn.size, p.def)
			if err != nil {
				return nil, err
			}
			rn.par[p.name] = v
		}
	default:
		return nil, fmt.Errorf("reference: node %s: type %s is not modelled", n.Name, n.Type)
	}
	rn.v = make([]float64, rn.size)
	rn.i = make([]float64, rn.size)
	rn.out = make([]float64, rn.size)
	rn.prev = make([]float64, rn.size)
	return rn, nil
}

// value is the output of node n seen by a neuron node this step: an Input
// or neuron node's output of this step (zero-delay) or of the last one
// (delayed); a linear node applied to the sum of its inputs.
func (g *refGraph) value(n *refNode) []float64 {
	if !isRefLinear(n.typ) {
		if g.delayed {
			return n.prev
		}
		return n.out
	}
	x := g.input(n)
	y := make([]float64, n.size)
	switch n.typ {
	case "Affine", "Linear":
		b := n.par["bias"]
		for o, row := range n.w {
			s := 0.0
			for k, w := range row {
				if x[k] != 0 {
					s += w * x[k]
				}
			}
			y[o] = s + b[o]
		}
	case "Scale":
		for k, s := range n.par["scale"] {
			y[k] = s * x[k]
		}
	}
	return y
}

// input is the sum of the outputs of n's predecessors.
func (g *refGraph) input(n *refNode) []float64 {
	var x []float64
	for _, p := range n.preds {
		y := g.value(p)
		if x == nil {
			x = slices.Clone(y)
			continue
		}
		for k := range x {
			x[k] += y[k]
		}
	}
	if x == nil {
		x = make([]float64, n.size)
	}
	return x
}

// step advances the graph one step.
func (g *refGraph) step() {
	g.t++
	for _, n := range g.order {
		copy(n.prev, n.out)
	}
	for _, n := range g.order {
		if n.typ == "Input" {
			clear(n.out)
			if g.t <= len(n.spikes) {
				for k, b := range n.spikes[g.t-1] {
					if b {
						n.out[k] = 1
					}
				}
			}
			continue
		}
		g.update(n, g.input(n))
	}
}

// update is one forward Euler step of neuron node n with input x.
func (g *refGraph) update(n *refNode, x []float64) {
	dt, p := g.dt, n.par
	var spk []int32
	for k := range n.size {
		v, i := n.v[k], n.i[k]
		spiking := false
		switch n.typ {
		case "LIF", "LI":
			v = v + dt/p["tau"][k]*(p["v_leak"][k]-v+p["r"][k]*x[k])
			spiking = n.typ == "LIF" && v > p["v_threshold"][k]
		case "IF", "I":
			v = v + dt*p["r"][k]*x[k]
			spiking = n.typ == "IF" && v > p["v_threshold"][k]
		case "CubaLIF", "CubaLI":
			i = n.i[k] + dt/p["tau_syn"][k]*(-n.i[k]+p["w_in"][k]*x[k])
			v = n.v[k] + dt/p["tau_mem"][k]*(p["v_leak"][k]-n.v[k]+p["r"][k]*n.i[k])
			spiking = n.typ == "CubaLIF" && v > p["v_threshold"][k]
		case "Threshold":
			spiking = x[k] > p["threshold"][k]
		}
		if spiking && n.typ != "Threshold" {
			v = p["v_reset"][k]
		}
		n.v[k], n.i[k] = v, i
		switch {
		case spiking:
			n.out[k] = 1
			spk = append(spk, int32(k))
		case n.typ == "LI" || n.typ == "I" || n.typ == "CubaLI":
			n.out[k] = v
		default:
			n.out[k] = 0
		}
	}
	n.hist = append(n.hist, spk)
	n.histV = append(n.histV, slices.Clone(n.v))
	n.histI = append(n.histI, slices.Clone(n.i))
}

// run takes steps steps.
func (g *refGraph) run(steps int) {
	for range steps {
		g.step()
	}
}

// count is the number of spikes node name emitted.
func (g *refGraph) count(name string) int {
	c := 0
	for _, s := range g.byName[name].hist {
		c += len(s)
	}
	return c
}

// randomSpikes is steps steps of n inputs, each spiking with probability
// p per step, from seed.
func randomSpikes(seed uint64, steps, n int, p float64) [][]bool {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([][]bool, steps)
	for t := range out {
		out[t] = make([]bool, n)
		for k := range out[t] {
			out[t][k] = rng.Float64() < p
		}
	}
	return out
}

// oneNode is Input(n) → node → Output(n).
func oneNode(node *nir.Node, n int) *nir.File {
	shape := &nir.Dataset{DType: nir.Int64, Shape: []int{1}, Int: []int64{int64(n)}}
	node.In, node.Out = []int{n}, []int{n}
	return &nir.File{Version: "1.0.7", Root: &nir.Node{Type: "NIRGraph", Graph: &nir.Graph{
		Nodes: []*nir.Node{
			{Name: "input", Type: "Input", Params: map[string]*nir.Dataset{"shape": shape}, In: []int{n}, Out: []int{n}},
			node,
			{Name: "output", Type: "Output", Params: map[string]*nir.Dataset{"shape": shape}, In: []int{n}, Out: []int{n}},
		},
		Edges: []nir.Edge{{Src: "input", Dst: node.Name}, {Src: node.Name, Dst: "output"}},
	}}}
}

func vec(x ...float64) *nir.Dataset {
	return &nir.Dataset{DType: nir.Float64, Shape: []int{len(x)}, Float: x}
}

// TestReferenceClosedForm holds the reference to closed forms of forward
// Euler under a constant input (an Input spiking every step): LI's
// v_n = (v_leak + r)(1 − (1 − dt/τ)^n); I's v_n = n·dt·r; CubaLI's
// current I_n = w_in(1 − (1 − dt/τ_syn)^n) and v_{n+1} = (1 − dt/τ_mem)v_n
// + dt/τ_mem·r·I_n (the old I); and LIF's first spike at the first n with
// its v_n > v_threshold, then v_reset.
func TestReferenceClosedForm(t *testing.T) {
	const dt, steps = 1e-3, 200
	always := make([][]bool, steps)
	for k := range always {
		always[k] = []bool{true}
	}
	run := func(node *nir.Node) *refNode {
		g, err := newRef(oneNode(node, 1), dt, false)
		if err != nil {
			t.Fatal(err)
		}
		g.byName["input"].spikes = always
		g.run(steps)
		return g.byName[node.Name]
	}
	near := func(what string, n int, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12*max(1, math.Abs(want)) {
			t.Fatalf("%s, step %d: v = %.17g, closed form %.17g", what, n, got, want)
		}
	}
	li := run(&nir.Node{Name: "li", Type: "LI", Params: map[string]*nir.Dataset{"tau": vec(0.02), "r": vec(1.5), "v_leak": vec(0.25)}})
	for n := 1; n <= steps; n++ {
		near("LI", n, li.histV[n-1][0], 1.75*(1-math.Pow(1-dt/0.02, float64(n))))
	}
	in := run(&nir.Node{Name: "i", Type: "I", Params: map[string]*nir.Dataset{"r": vec(3)}})
	for n := 1; n <= steps; n++ {
		near("I", n, in.histV[n-1][0], float64(n)*dt*3)
	}
	cl := run(&nir.Node{Name: "c", Type: "CubaLI", Params: map[string]*nir.Dataset{
		"tau_syn": vec(0.005), "tau_mem": vec(0.01), "r": vec(2), "v_leak": vec(0), "w_in": vec(0.5)}})
	v := 0.0
	for n := 1; n <= steps; n++ {
		iOld := 0.5 * (1 - math.Pow(1-dt/0.005, float64(n-1)))
		near("CubaLI I", n, cl.histI[n-1][0], 0.5*(1-math.Pow(1-dt/0.005, float64(n))))
		v = (1-dt/0.01)*v + dt/0.01*2*iOld
		near("CubaLI v", n, cl.histV[n-1][0], v)
	}
	lif := run(&nir.Node{Name: "lif", Type: "LIF", Params: map[string]*nir.Dataset{
		"tau": vec(0.01), "r": vec(2), "v_leak": vec(0), "v_threshold": vec(1), "v_reset": vec(-0.5)}})
	first := 0
	for n := 1; first == 0 && n <= steps; n++ {
		if 2*(1-math.Pow(1-dt/0.01, float64(n))) > 1 {
			first = n
		}
	}
	if first == 0 || len(lif.hist[first-1]) != 1 || lif.histV[first-1][0] != -0.5 {
		t.Fatalf("LIF: first spike expected at step %d with v = v_reset", first)
	}
	for n := 1; n < first; n++ {
		if len(lif.hist[n-1]) != 0 {
			t.Fatalf("LIF spiked at step %d, before the closed form's first crossing %d", n, first)
		}
		near("LIF", n, lif.histV[n-1][0], 2*(1-math.Pow(1-dt/0.01, float64(n))))
	}
}

// TestReferenceDelayedIsShifted holds the two timings of the reference to
// each other on a 2-layer feed-forward net at rest: the delayed outputs of
// layer k are the zero-delay ones shifted by k steps, and not by k−1.
func TestReferenceDelayedIsShifted(t *testing.T) {
	f := twoLayer(7, 0)
	const steps = 300
	in := randomSpikes(11, steps, 12, 0.3)
	zero, err := newRef(f, 1e-3, false)
	if err != nil {
		t.Fatal(err)
	}
	del, err := newRef(f, 1e-3, true)
	if err != nil {
		t.Fatal(err)
	}
	zero.byName["input"].spikes = in
	del.byName["input"].spikes = in
	zero.run(steps)
	del.run(steps)
	for k, name := range []string{"lif1", "lif2"} {
		if zero.count(name) == 0 {
			t.Fatalf("%s never spikes: the check exercises nothing", name)
		}
		if err := shifted(zero.byName[name].hist, del.byName[name].hist, k+1); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if shifted(zero.byName[name].hist, del.byName[name].hist, k) == nil {
			t.Fatalf("%s: the delayed spikes also match a shift by %d: the check cannot tell shifts apart", name, k)
		}
	}
	// A bias drives the delayed net from step 1, a step before its
	// shifted input: the rest state is no fixed point and the shift breaks
	// (why Import must warn).
	fb := twoLayer(7, 0.3)
	zb, err := newRef(fb, 1e-3, false)
	if err != nil {
		t.Fatal(err)
	}
	db, err := newRef(fb, 1e-3, true)
	if err != nil {
		t.Fatal(err)
	}
	zb.byName["input"].spikes = in
	db.byName["input"].spikes = in
	zb.run(steps)
	db.run(steps)
	if shifted(zb.byName["lif1"].hist, db.byName["lif1"].hist, 1) == nil {
		t.Fatal("bias 0.3: the delayed hidden spikes still match the zero-delay ones shifted by 1")
	}
}

// shifted reports the first step where got is not want shifted by d steps
// (got[t+d] = want[t], got's first d steps silent); nil when it is.
func shifted(want, got [][]int32, d int) error {
	for t := range got {
		var w []int32
		if t-d >= 0 && t-d < len(want) {
			w = want[t-d]
		}
		if !slices.Equal(w, got[t]) {
			return fmt.Errorf("step %d: spikes %v, want %v (the zero-delay spikes of step %d)", t+1, got[t], w, t+1-d)
		}
	}
	return nil
}

// twoLayer is Input(12) → Affine(16×12) → LIF(16) → Affine(5×16) →
// LIF(5) → Output with weights from seed (uniform, mostly excitatory),
// float64 parameters, and bias b on the first Affine.
func twoLayer(seed uint64, b float64) *nir.File {
	rng := rand.New(rand.NewPCG(seed, 2))
	mat := func(out, in int, scale float64) *nir.Dataset {
		d := &nir.Dataset{DType: nir.Float64, Shape: []int{out, in}}
		for range out * in {
			d.Float = append(d.Float, scale*(rng.Float64()-0.25))
		}
		return d
	}
	fill := func(n int, f func() float64) *nir.Dataset {
		d := &nir.Dataset{DType: nir.Float64, Shape: []int{n}}
		for range n {
			d.Float = append(d.Float, f())
		}
		return d
	}
	lif := func(name string, n int) *nir.Node {
		return &nir.Node{Name: name, Type: "LIF", In: []int{n}, Out: []int{n}, Params: map[string]*nir.Dataset{
			"tau":         fill(n, func() float64 { return 0.005 + 0.02*rng.Float64() }),
			"r":           fill(n, func() float64 { return 1 + rng.Float64() }),
			"v_leak":      fill(n, func() float64 { return 0 }),
			"v_threshold": fill(n, func() float64 { return 0.5 + 0.5*rng.Float64() }),
			"v_reset":     fill(n, func() float64 { return 0 }),
		}}
	}
	shape := func(n int) *nir.Dataset {
		return &nir.Dataset{DType: nir.Int64, Shape: []int{1}, Int: []int64{int64(n)}}
	}
	return &nir.File{Version: "1.0.7", Root: &nir.Node{Type: "NIRGraph", Graph: &nir.Graph{
		Nodes: []*nir.Node{
			{Name: "fc1", Type: "Affine", In: []int{12}, Out: []int{16}, Params: map[string]*nir.Dataset{
				"weight": mat(16, 12, 1.2), "bias": fill(16, func() float64 { return b })}},
			{Name: "fc2", Type: "Affine", In: []int{16}, Out: []int{5}, Params: map[string]*nir.Dataset{
				"weight": mat(5, 16, 1.5), "bias": fill(5, func() float64 { return 0 })}},
			{Name: "input", Type: "Input", In: []int{12}, Out: []int{12}, Params: map[string]*nir.Dataset{"shape": shape(12)}},
			lif("lif1", 16),
			lif("lif2", 5),
			{Name: "output", Type: "Output", In: []int{5}, Out: []int{5}, Params: map[string]*nir.Dataset{"shape": shape(5)}},
		},
		Edges: []nir.Edge{{Src: "input", Dst: "fc1"}, {Src: "fc1", Dst: "lif1"}, {Src: "lif1", Dst: "fc2"}, {Src: "fc2", Dst: "lif2"}, {Src: "lif2", Dst: "output"}},
	}}}
}
