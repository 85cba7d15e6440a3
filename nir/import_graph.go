package nir

import (
	"fmt"
	"slices"
	"strings"
)

// Import's view of a NIR graph: nested NIRGraph nodes flattened into one
// graph of dotted paths ("rsnn.lif"), their Input and Output nodes kept as
// pass-through nodes (identity maps), and every edge resolved to two
// flattened nodes.

// gnode is one node of the flattened graph.
type gnode struct {
	path  string // dotted from the root graph: "rsnn.lif"
	n     *Node
	typ   string // n.Type, or "pass" for a nested graph's Input/Output
	preds []*gnode
	succs []*gnode
	shape []int // output shape (neuron nodes: the parameter shape)
	in    []int // input shape (linear nodes)
	size  int   // product of shape
	index int   // position in the flattened graph
}

// isNeuronType reports whether typ is a NIR neuron node type.
func isNeuronType(typ string) bool {
	switch typ {
	case "LIF", "IF", "LI", "I", "CubaLIF", "CubaLI", "Threshold":
		return true
	}
	return false
}

// spiking reports whether a neuron (or Input) node's output is spikes.
func spiking(typ string) bool {
	switch typ {
	case "LI", "I", "CubaLI":
		return false
	}
	return true
}

// flat is a flattened graph.
type flat struct {
	file  string
	nodes []*gnode
	warns []string
	meta  bool // the root graph has metadata
}

func (fl *flat) errorf(node, dataset, format string, args ...any) error {
	return &Error{File: fl.file, Node: node, Dataset: dataset, Msg: fmt.Sprintf(format, args...)}
}

// flatten turns f's root into a flat graph. A bare neuron node is taken as
// Input → node → Output.
func flatten(file string, f *File) (*flat, error) {
	fl := &flat{file: file}
	if f == nil || f.Root == nil {
		return nil, fl.errorf("", "", "no root node")
	}
	root := f.Root
	if root.Type != "NIRGraph" {
		if !isNeuronType(root.Type) {
			return nil, fl.errorf("", "", "the root is a bare %s node, not a NIRGraph: there is nothing to import as a network", root.Type)
		}
		n := *root
		if n.Name == "" {
			n.Name = strings.ToLower(root.Type)
		}
		shape := paramShape(&n)
		ds := &Dataset{DType: Int64, Shape: []int{len(shape)}}
		for _, s := range shape {
			ds.Int = append(ds.Int, int64(s))
		}
		in := &Node{Name: "input", Type: "Input", Params: map[string]*Dataset{"shape": ds}, In: shape, Out: shape}
		out := &Node{Name: "output", Type: "Output", Params: map[string]*Dataset{"shape": ds}, In: shape, Out: shape}
		root = &Node{Type: "NIRGraph", Graph: &Graph{Nodes: []*Node{in, &n, out},
			Edges: []Edge{{Src: "input", Dst: n.Name}, {Src: n.Name, Dst: "output"}}}}
		fl.warns = append(fl.warns, fmt.Sprintf("the root of %s is a bare %s node: imported as input -> %s -> output", file, n.Type, n.Name))
	}
	if root.Graph == nil {
		return nil, fl.errorf("", "", "the root NIRGraph has no nodes")
	}
	fl.meta = root.Metadata != nil
	if _, err := fl.add(root.Graph, "", true); err != nil {
		return nil, err
	}
	for k, g := range fl.nodes {
		g.index = k
	}
	return fl, nil
}

// sub records the pass-through ends of a nested graph.
type sub struct {
	ins, outs []*gnode
}

// add flattens graph g, whose nodes get the path prefix, and returns its
// own Input and Output nodes (pass-throughs unless g is the root).
func (fl *flat) add(g *Graph, prefix string, top bool) (*sub, error) {
	ends := &sub{}
	byName := map[string]*gnode{}
	subs := map[string]*sub{}
	subGraphs := map[string]*Graph{}
	for _, n := range g.Nodes {
		path := prefix + n.Name
		if n.Type == "NIRGraph" {
			if n.Graph == nil {
				return nil, fl.errorf(path, "", "a NIRGraph node without nodes")
			}
			s, err := fl.add(n.Graph, path+".", false)
			if err != nil {
				return nil, err
			}
			subs[n.Name] = s
			subGraphs[n.Name] = n.Graph
			continue
		}
		gn := &gnode{path: path, n: n, typ: n.Type}
		if !top && (n.Type == "Input" || n.Type == "Output") {
			gn.typ = "pass"
		}
		fl.nodes = append(fl.nodes, gn)
		byName[n.Name] = gn
		switch n.Type {
		case "Input":
			ends.ins = append(ends.ins, gn)
		case "Output":
			ends.outs = append(ends.outs, gn)
		}
	}
	resolve := func(name string, src bool) (*gnode, error) {
		if gn := byName[name]; gn != nil {
			return gn, nil
		}
		if s := subs[name]; s != nil {
			ends, what := s.ins, "Input"
			if src {
				ends, what = s.outs, "Output"
			}
			if len(ends) != 1 {
				return nil, fl.errorf(prefix+name, "edges", "an edge names the subgraph, which has %d %s nodes (want 1)", len(ends), what)
			}
			return ends[0], nil
		}
		// "rsnn.lif": a node inside a nested graph.
		for head := range subGraphs {
			if rest, ok := strings.CutPrefix(name, head+"."); ok {
				path := prefix + head + "." + rest
				for _, c := range fl.nodes {
					if c.path == path {
						return c, nil
					}
				}
			}
		}
		return nil, fl.errorf(strings.TrimSuffix(prefix, "."), "edges", "an edge names %q, which is no node of the graph", name)
	}
	for _, e := range g.Edges {
		s, err := resolve(e.Src, true)
		if err != nil {
			return nil, err
		}
		d, err := resolve(e.Dst, false)
		if err != nil {
			return nil, err
		}
		s.succs = append(s.succs, d)
		d.preds = append(d.preds, s)
	}
	return ends, nil
}

// firstParam is the parameter whose shape is a neuron node's shape.
var firstParam = map[string]string{
	"LIF": "tau", "LI": "tau", "IF": "r", "I": "r",
	"CubaLIF": "tau_mem", "CubaLI": "tau_mem", "Threshold": "threshold",
}

// paramShape is a neuron node's shape: that of its parameters (the
// largest, as NIR broadcasts scalars such as w_in).
func paramShape(n *Node) []int {
	best := []int(nil)
	size := 0
	names := make([]string, 0, len(n.Params))
	for k := range n.Params {
		names = append(names, k)
	}
	slices.Sort(names)
	if p := firstParam[n.Type]; n.Params[p] != nil {
		best, size = n.Params[p].Shape, n.Params[p].Len()
	}
	for _, k := range names {
		if d := n.Params[k]; d.Len() > size {
			best, size = d.Shape, d.Len()
		}
	}
	return best
}

// maxElements bounds a node's size (the populations irgen accepts are
// smaller still).
const maxElements = 1 << 26

// sized reports whether shape s has no negative size and at most
// maxElements elements.
func sized(s []int) bool {
	n := 1
	for _, d := range s {
		if d < 0 || d > maxElements {
			return false
		}
		if n *= d; n > maxElements {
			return false
		}
	}
	return true
}

func prod(s []int) int {
	n := 1
	for _, x := range s {
		n *= x
	}
	return n
}

// shapes sets every node's shape: neuron nodes from their parameters,
// Input/Output/pass nodes from shape, linear and Delay nodes from their
// input (the inferred In when Decode set it, else the predecessor's).
func (fl *flat) shapes() error {
	done := map[*gnode]bool{}
	visiting := map[*gnode]bool{}
	var visit func(g *gnode) error
	visit = func(g *gnode) error {
		if done[g] {
			return nil
		}
		if visiting[g] {
			return fl.errorf(g.path, "", "a cycle of linear nodes without a neuron node (an algebraic loop)")
		}
		visiting[g] = true
		defer func() { visiting[g] = false }()
		switch {
		case isNeuronType(g.typ):
			g.shape = paramShape(g.n)
		case g.typ == "Input" || g.typ == "Output" || g.typ == "pass":
			d := g.n.Params["shape"]
			if d == nil || d.Int == nil {
				if g.n.Out == nil {
					return fl.errorf(g.path, "shape", "no integer shape")
				}
				g.shape = g.n.Out
			} else {
				for _, x := range d.Int {
					g.shape = append(g.shape, int(x))
				}
			}
		case g.typ == "Delay" || IsLinear(g.typ):
			in := g.n.In
			if in == nil {
				if len(g.preds) == 0 {
					return fl.errorf(g.path, "", "a %s node without input", g.typ)
				}
				if err := visit(g.preds[0]); err != nil {
					return err
				}
				in = g.preds[0].shape
			}
			if !sized(in) {
				return fl.errorf(g.path, "", "input shape %v: more than %d elements (or a negative size)", in, maxElements)
			}
			g.in = in
			if g.typ == "Delay" {
				g.shape = in
				if d := g.n.Params["delay"]; d != nil && d.Len() != prod(in) && d.Len() != 1 {
					return fl.errorf(g.path, "delay", "%d delays for %d inputs", d.Len(), prod(in))
				}
			} else if g.n.Out != nil {
				g.shape = g.n.Out
			} else {
				out, err := OutShape(g.n, in)
				if err != nil {
					return err
				}
				g.shape = out
			}
		default:
			return fl.errorf(g.path, "type", "node type %q cannot be imported", g.typ)
		}
		if !sized(g.shape) {
			return fl.errorf(g.path, "", "shape %v: more than %d elements (or a negative size)", g.shape, maxElements)
		}
		g.size = prod(g.shape)
		done[g] = true
		return nil
	}
	for _, g := range fl.nodes {
		if err := visit(g); err != nil {
			return err
		}
	}
	return nil
}
