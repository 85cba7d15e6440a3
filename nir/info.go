package nir

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Describe returns what `scc nir info` prints for f: every node (path,
// type, input and output shape, what it becomes in scc: a population of
// which library model, a projection, an unrolled convolution, a source, a
// record), the edges, the recurrent cycles, and every node scc cannot
// honour with the reason.
//
// The node lines follow Import's mapping (specs in import_net.go; the
// flattened graph of import_graph.go); the "cannot honour" lines are
// Import's own error, and its warnings are listed, so info never promises
// what import refuses.
func Describe(f *File, opt ImportOptions) string {
	var b strings.Builder
	file := opt.File
	if file == "" {
		file = "nir"
	}
	dt := opt.Dt
	if dt == 0 {
		dt = DefaultDt
	}
	version, root := "", "no root node"
	if f != nil {
		version = f.Version
		if f.Root != nil {
			root = "root " + f.Root.Type
			if f.Root.Type != "NIRGraph" {
				root = "root a bare " + f.Root.Type + " node"
			}
		}
	}
	if opt.File != "" {
		fmt.Fprintf(&b, "%s: ", opt.File)
	}
	fmt.Fprintf(&b, "NIR version %s; %s; imported with dt %s s, method euler\n", version, root, strconv.FormatFloat(dt, 'g', -1, 64))
	fl, err := flatten(file, f)
	if err == nil {
		err = fl.shapes()
	}
	if err != nil {
		fmt.Fprintf(&b, "cannot honour: %v\n", err)
		return b.String()
	}
	rows := [][4]string{}
	byPath := map[string]*gnode{}
	for _, g := range fl.nodes {
		byPath[g.path] = g
	}
	row := func(g *gnode) {
		in := g.in
		if in == nil {
			in = g.n.In
		}
		if in == nil {
			in = g.shape
		}
		rows = append(rows, [4]string{g.path, g.n.Type, fmt.Sprintf("%v -> %v", in, g.shape), becomes(g, dt)})
	}
	// The rows follow the file's graphs, a nested NIRGraph's row before
	// its nodes'.
	var walk func(g *Graph, prefix string)
	walk = func(g *Graph, prefix string) {
		for _, n := range g.Nodes {
			path := prefix + n.Name
			if n.Type == "NIRGraph" && n.Graph != nil {
				rows = append(rows, [4]string{path, n.Type, fmt.Sprintf("%v -> %v", n.In, n.Out),
					fmt.Sprintf("nested graph of %d nodes, flattened (its Input and Output pass through)", len(n.Graph.Nodes))})
				walk(n.Graph, path+".")
				continue
			}
			if gn := byPath[path]; gn != nil {
				row(gn)
				delete(byPath, path)
			}
		}
	}
	if f.Root.Type == "NIRGraph" && f.Root.Graph != nil {
		walk(f.Root.Graph, "")
	}
	for _, g := range fl.nodes { // a bare root's Input, node and Output
		if byPath[g.path] != nil {
			row(g)
		}
	}
	w := [3]int{}
	for _, r := range rows {
		for k := range w {
			w[k] = max(w[k], len(r[k]))
		}
	}
	fmt.Fprintf(&b, "nodes (%d):\n", len(rows))
	for _, r := range rows {
		fmt.Fprintf(&b, "  %-*s  %-*s  %-*s  %s\n", w[0], r[0], w[1], r[1], w[2], r[2], r[3])
	}
	var edges []string
	for _, g := range fl.nodes {
		for _, s := range g.succs {
			edges = append(edges, g.path+" -> "+s.path)
		}
	}
	fmt.Fprintf(&b, "edges (%d):\n", len(edges))
	for _, e := range edges {
		fmt.Fprintf(&b, "  %s\n", e)
	}
	cycles := sccs(fl)
	if len(cycles) == 0 {
		b.WriteString("recurrent cycles: none\n")
	} else {
		fmt.Fprintf(&b, "recurrent cycles (%d; every edge into a neuron population costs one step):\n", len(cycles))
		for _, c := range cycles {
			fmt.Fprintf(&b, "  %s\n", strings.Join(c, " <-> "))
		}
	}
	imp, err := Import(f, opt)
	if err != nil {
		fmt.Fprintf(&b, "cannot honour: %v\n", err)
		return b.String()
	}
	for _, w := range imp.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	b.WriteString("every node can be imported\n")
	return b.String()
}

// becomes says what node g turns into in scc.
func becomes(g *gnode, dt float64) string {
	n := g.n
	switch {
	case g.typ == "pass":
		return "pass-through (the nested graph's " + strings.ToLower(n.Type) + ")"
	case n.Type == "Input":
		return fmt.Sprintf("spike source (AER-in, %d channels)", g.size)
	case n.Type == "Output":
		if readout(g) {
			return fmt.Sprintf("record (Output) of a NIR_LinearReadout population (%s values: the linear map's output, no spikes)", commas(g.size))
		}
		return "record (Output)"
	case isNeuronType(n.Type):
		return population(g)
	case n.Type == "Affine" || n.Type == "Linear":
		w, err := matrix(n)
		if err != nil {
			return "cannot honour: " + err.Error()
		}
		s := fmt.Sprintf("dense projection %s→%s", commas(w.Shape[1]), commas(w.Shape[0]))
		if b, _ := bias(n, w.Shape[0]); b != nil {
			s += " (+ bias drive)"
		}
		return s
	case n.Type == "Scale":
		return "scales the projection's weights per output"
	case n.Type == "Flatten":
		return "reshape only (C order kept), composed into the projection"
	case n.Type == "Delay":
		return delayText(g, dt)
	case IsLinear(n.Type):
		l, err := Unroll(n, g.in)
		if err != nil {
			return "cannot honour: " + err.Error()
		}
		syn := 0
		for _, r := range l.Rows {
			syn += len(r)
		}
		s := fmt.Sprintf("unrolled into sparse projection: %s synapses", commas(syn))
		if l.Bias != nil {
			s += " (+ bias drive)"
		}
		return s
	}
	return "cannot honour: node type " + n.Type
}

// population describes a neuron node as a population of its library
// model: per-neuron parameters, uniform ones with their value, defaulted
// ones.
func population(g *gnode) string {
	spec := specs[g.n.Type]
	var per, uni, def []string
	for _, ps := range spec.params {
		d := g.n.Params[ps.name]
		switch {
		case d == nil || slices.Contains(g.n.Defaulted, ps.name):
			v := ps.def
			if d != nil && len(d.Float) > 0 {
				v = d.Float[0]
			}
			def = append(def, fmt.Sprintf("%s=%s", ps.name, numAs(d, v)))
		case len(d.Float) > 1 && !uniform(d.Float):
			per = append(per, ps.name)
		case len(d.Float) > 0:
			uni = append(uni, fmt.Sprintf("%s=%s", ps.name, numAs(d, d.Float[0])))
		}
	}
	word := "neurons"
	if g.size == 1 {
		word = "neuron"
	}
	parts := []string{fmt.Sprintf("%s %s", commas(g.size), word)}
	if len(per) > 0 {
		parts = append(parts, "per-neuron "+strings.Join(per, ", "))
	}
	if len(uni) > 0 {
		parts = append(parts, "uniform "+strings.Join(uni, ", "))
	}
	if len(def) > 0 {
		parts = append(parts, "absent, NIR's default "+strings.Join(def, ", "))
	}
	return fmt.Sprintf("population of %s (%s)", spec.model, strings.Join(parts, "; "))
}

// numAs prints v as the shortest decimal that reads back as the stored
// dtype of d (0.02 for a float32 0.02, not 0.019999999552965164).
func numAs(d *Dataset, v float64) string {
	if d != nil && d.DType == Float32 {
		return strconv.FormatFloat(v, 'g', -1, 32)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// readout reports whether Import makes Output node g a readout
// population (its input is not a single source of its size, reached
// through pass-throughs only), as importer.build decides.
func readout(g *gnode) bool {
	if len(g.preds) != 1 {
		return true
	}
	p := g.preds[0]
	for p.typ == "pass" && len(p.preds) == 1 {
		p = p.preds[0]
	}
	return !(isNeuronType(p.typ) || p.typ == "Input") || p.size != g.size
}

// delayText states a Delay node's projection delay in steps of dt.
func delayText(g *gnode, dt float64) string {
	d := g.n.Params["delay"]
	if d == nil {
		return "cannot honour: no delay dataset"
	}
	var steps []int
	for _, x := range d.Float {
		s, err := delaySteps(x, dt, d.DType)
		if err != nil {
			return "cannot honour: " + err.Error()
		}
		if !slices.Contains(steps, s) {
			steps = append(steps, s)
		}
	}
	slices.Sort(steps)
	if len(steps) == 1 {
		return fmt.Sprintf("projection delay of %d steps", steps[0])
	}
	return fmt.Sprintf("projection delays of %d to %d steps", steps[0], steps[len(steps)-1])
}

// commas prints n with thousands separators (1,152).
func commas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// sccs returns the recurrent cycles of the flattened graph: its strongly
// connected components with more than one node or a self-loop (Tarjan),
// each as its node paths in graph order, components ordered by their
// first node.
func sccs(fl *flat) [][]string {
	index := map[*gnode]int{}
	low := map[*gnode]int{}
	on := map[*gnode]bool{}
	var stack []*gnode
	var out [][]*gnode
	next := 0
	var visit func(v *gnode)
	visit = func(v *gnode) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		on[v] = true
		for _, w := range v.succs {
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if on[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var c []*gnode
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[w] = false
				c = append(c, w)
				if w == v {
					break
				}
			}
			if len(c) > 1 || slices.Contains(v.succs, v) {
				out = append(out, c)
			}
		}
	}
	for _, v := range fl.nodes {
		if _, seen := index[v]; !seen {
			visit(v)
		}
	}
	var res [][]string
	for _, c := range out {
		slices.SortFunc(c, func(a, b *gnode) int { return a.index - b.index })
		var names []string
		for _, g := range c {
			names = append(names, g.path)
		}
		res = append(res, names)
	}
	slices.SortFunc(res, func(a, b []string) int {
		return fl.indexOf(a[0]) - fl.indexOf(b[0])
	})
	return res
}

func (fl *flat) indexOf(path string) int {
	for _, g := range fl.nodes {
		if g.path == path {
			return g.index
		}
	}
	return math.MaxInt
}
