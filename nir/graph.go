package nir

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Read reads and decodes the NIR file at path.
func Read(path string) (*File, error) {
	g, err := ReadHDF5(path)
	if err != nil {
		return nil, err
	}
	return Decode(path, g)
}

// kind is what a parameter dataset holds.
type kind int

const (
	kFloat    kind = iota + 1 // a float array (integers accepted, read as float64)
	kInt                      // an integer scalar or array
	kIntOrStr                 // Conv padding: integers or "same"/"valid"
)

// param describes one parameter of a node type.
type param struct {
	name     string
	kind     kind
	required bool
	// def is the value NIR's reader gives an absent parameter, per element
	// of the node's shape (v_reset = 0, w_in = 1); NaN: no default.
	def float64
}

func req(name string, k kind) param {
	return param{name: name, kind: k, required: true, def: math.NaN()}
}
func opt(name string, k kind) param { return param{name: name, kind: k, def: math.NaN()} }
func dflt(name string, v float64) param {
	return param{name: name, kind: kFloat, def: v}
}

// nodeTypes lists every NIR node type (the classes nir.read knows, NIR HEAD
// 7232ada) and its parameter datasets. NIRGraph's nodes/ and edges are not
// parameters and are handled apart.
var nodeTypes = map[string][]param{
	"NIRGraph":  nil,
	"Input":     {req("shape", kInt)},
	"Output":    {req("shape", kInt)},
	"Affine":    {req("weight", kFloat), req("bias", kFloat)},
	"Linear":    {req("weight", kFloat)},
	"Scale":     {req("scale", kFloat)},
	"Conv1d":    {req("weight", kFloat), req("bias", kFloat), req("stride", kInt), req("padding", kIntOrStr), req("dilation", kInt), req("groups", kInt), opt("input_shape", kInt)},
	"Conv2d":    {req("weight", kFloat), req("bias", kFloat), req("stride", kInt), req("padding", kIntOrStr), req("dilation", kInt), req("groups", kInt), opt("input_shape", kInt)},
	"SumPool2d": {req("kernel_size", kInt), req("stride", kInt), req("padding", kInt)},
	"AvgPool2d": {req("kernel_size", kInt), req("stride", kInt), req("padding", kInt)},
	"Flatten":   {opt("start_dim", kInt), opt("end_dim", kInt), opt("input_type", kInt)},
	"Delay":     {req("delay", kFloat)},
	"Threshold": {req("threshold", kFloat)},
	"I":         {req("r", kFloat)},
	"IF":        {req("r", kFloat), req("v_threshold", kFloat), dflt("v_reset", 0)},
	"LI":        {req("tau", kFloat), req("r", kFloat), req("v_leak", kFloat)},
	"LIF":       {req("tau", kFloat), req("r", kFloat), req("v_leak", kFloat), req("v_threshold", kFloat), dflt("v_reset", 0)},
	"CubaLI":    {req("tau_syn", kFloat), req("tau_mem", kFloat), req("r", kFloat), req("v_leak", kFloat), dflt("w_in", 1)},
	"CubaLIF":   {req("tau_syn", kFloat), req("tau_mem", kFloat), req("r", kFloat), req("v_leak", kFloat), dflt("w_in", 1), req("v_threshold", kFloat), dflt("v_reset", 0)},
}

// KnownTypes returns NIR's node type names, sorted.
func KnownTypes() []string {
	var s []string
	for k := range nodeTypes {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// decoder carries the file name for errors.
type decoder struct{ file string }

func (d *decoder) errorf(node, dataset, format string, args ...any) error {
	return &Error{File: d.file, Node: node, Dataset: dataset, Msg: fmt.Sprintf(format, args...)}
}

// Decode turns a NIR file's root group into a File: /version and /node,
// recursively (nested NIRGraph nodes, metadata groups), validating every
// node (its type known, its parameters present with float/int dtypes and
// shapes as NIR defines them, no NaN or infinity, absent v_reset = 0 as
// NIR's reader does) and every edge (both ends exist, dotted names
// resolved), and inferring every node's input and output shape; a shape
// mismatch between connected nodes is an error naming both. name is the
// file name used in errors (*Error).
//
// Choices where NIR's reader is looser or stricter:
//   - an integer array where NIR expects floats is accepted (numpy
//     computes with it) and decoded as float64, so Encode writes float64;
//   - absent v_reset (IF, LIF, CubaLIF; files before NIR PR #129) becomes
//     zeros and absent w_in (CubaLI, CubaLIF) ones, of the node's shape in
//     the dtype of its other parameters, listed in Node.Defaulted;
//   - every graph is type-checked, the root too (nir.read checks nested
//     graphs only), and connected shapes must be equal or, when either is
//     1-D, of the same size (the rule of OutShape, see linear.go);
//   - a dataset NIR's node class does not take is an error, as it is in
//     NIR (an unexpected keyword argument).
func Decode(name string, root *Group) (*File, error) {
	d := &decoder{file: name}
	if root == nil {
		return nil, d.errorf("", "", "no HDF5 root group")
	}
	ng := root.Groups["node"]
	if ng == nil {
		if t := root.Attrs["__type__"]; t != nil && t.DType == String && len(t.Str) == 1 {
			return nil, d.errorf("", "node", "no /node group: a %s file (NIR data, written by nir.write_data), not a NIR graph", t.Str[0])
		}
		return nil, d.errorf("", "node", "no /node group: not a NIR graph file")
	}
	v := root.Datasets["version"]
	if v == nil {
		return nil, d.errorf("", "version", "missing (NIR's writer always writes /version)")
	}
	if v.DType != String || len(v.Str) != 1 {
		return nil, d.errorf("", "version", "expected one string, found dtype %v shape %v", v.DType, v.Shape)
	}
	n, err := d.node(ng, "", "")
	if err != nil {
		return nil, err
	}
	if err := d.infer(n, ""); err != nil {
		return nil, err
	}
	return &File{Version: v.Str[0], Root: n}, nil
}

// node decodes group g, node name at dotted path.
func (d *decoder) node(g *Group, name, path string) (*Node, error) {
	if g == nil {
		return nil, d.errorf(path, "", "no group")
	}
	td := g.Datasets["type"]
	if td == nil {
		return nil, d.errorf(path, "type", "missing (every NIR node has a type string)")
	}
	if td.DType != String || len(td.Str) != 1 {
		return nil, d.errorf(path, "type", "expected one string, found dtype %v shape %v", td.DType, td.Shape)
	}
	typ := td.Str[0]
	spec, ok := nodeTypes[typ]
	if !ok {
		return nil, d.errorf(path, "type", "unknown node type %q (NIR's types: %s)", typ, strings.Join(KnownTypes(), ", "))
	}
	n := &Node{Name: name, Type: typ, Params: map[string]*Dataset{}, Metadata: g.Groups["metadata"]}
	for gn := range g.Groups {
		if gn != "metadata" && !(typ == "NIRGraph" && gn == "nodes") {
			return nil, d.errorf(path, gn, "unexpected group in a %s node", typ)
		}
	}
	for dn, ds := range g.Datasets {
		if dn == "type" || typ == "NIRGraph" && dn == "edges" {
			continue
		}
		i := slices.IndexFunc(spec, func(p param) bool { return p.name == dn })
		if i < 0 {
			var names []string
			for _, p := range spec {
				names = append(names, p.name)
			}
			return nil, d.errorf(path, dn, "a %s node takes no such parameter (NIR's %s takes: %s)", typ, typ, strings.Join(names, ", "))
		}
		ds, err := d.check(path, dn, spec[i].kind, ds)
		if err != nil {
			return nil, err
		}
		n.Params[dn] = ds
	}
	for _, p := range spec {
		if n.Params[p.name] != nil {
			continue
		}
		if p.required {
			return nil, d.errorf(path, p.name, "missing (a %s node requires it)", typ)
		}
		if !math.IsNaN(p.def) {
			// NIR's reader: v_reset = zeros_like(v_threshold); the
			// dataclass broadcasts w_in = 1 to tau_syn's shape.
			from := "v_threshold"
			if p.name == "w_in" {
				from = "tau_syn"
			}
			ref := n.Params[from]
			if ref == nil {
				return nil, d.errorf(path, p.name, "missing, and no %s to take its shape from", from)
			}
			def := &Dataset{DType: ref.DType, Shape: slices.Clone(ref.Shape), Float: make([]float64, ref.Len())}
			for i := range def.Float {
				def.Float[i] = p.def
			}
			n.Params[p.name] = def
			n.Defaulted = append(n.Defaulted, p.name)
		}
	}
	if isNeuronType(typ) {
		if err := d.neuronShapes(n, path); err != nil {
			return nil, err
		}
	}
	if typ == "NIRGraph" {
		gr, err := d.graph(g, path)
		if err != nil {
			return nil, err
		}
		n.Graph = gr
	}
	return n, nil
}

// check validates a parameter dataset of the given kind; an integer array
// for a float parameter is returned as float64.
func (d *decoder) check(path, name string, k kind, ds *Dataset) (*Dataset, error) {
	isInt := (ds.DType == Int64 || ds.DType == Int32) && len(ds.Int) == ds.Len()
	isFloat := (ds.DType == Float32 || ds.DType == Float64) && len(ds.Float) == ds.Len()
	switch k {
	case kFloat:
		if isInt {
			f := &Dataset{DType: Float64, Shape: slices.Clone(ds.Shape), Float: make([]float64, len(ds.Int))}
			for i, x := range ds.Int {
				f.Float[i] = float64(x)
			}
			return f, nil
		}
		if !isFloat {
			return nil, d.errorf(path, name, "expected a float array, found dtype %v shape %v", ds.DType, ds.Shape)
		}
		for i, x := range ds.Float {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, d.errorf(path, name, "element %d is %v (parameters must be finite)", i, x)
			}
		}
	case kInt:
		if !isInt {
			return nil, d.errorf(path, name, "expected integers, found dtype %v shape %v", ds.DType, ds.Shape)
		}
	case kIntOrStr:
		if ds.DType == String {
			if len(ds.Str) != 1 || ds.Str[0] != "same" && ds.Str[0] != "valid" {
				return nil, d.errorf(path, name, "expected integers or \"same\"/\"valid\", found %q", ds.Str)
			}
		} else if !isInt {
			return nil, d.errorf(path, name, "expected integers or \"same\"/\"valid\", found dtype %v shape %v", ds.DType, ds.Shape)
		}
	}
	return ds, nil
}

// neuronShapes checks that a neuron node's parameters share one shape (a
// single value broadcasts, as NIR's w_in does).
func (d *decoder) neuronShapes(n *Node, path string) error {
	shape := paramShape(n)
	size := prod(shape)
	names := make([]string, 0, len(n.Params))
	for k := range n.Params {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		p := n.Params[k]
		if p.Len() == 1 || slices.Equal(p.Shape, shape) {
			continue
		}
		if p.Len() == size && (len(p.Shape) == 1 || len(shape) == 1) {
			continue
		}
		return d.errorf(path, k, "shape %v does not match the node's shape %v", p.Shape, shape)
	}
	return nil
}

// graph decodes a NIRGraph group's nodes/ and edges.
func (d *decoder) graph(g *Group, path string) (*Graph, error) {
	gr := &Graph{}
	nodes := g.Groups["nodes"]
	if nodes == nil {
		return nil, d.errorf(path, "nodes", "missing (a NIRGraph node has a nodes/ group)")
	}
	if len(nodes.Datasets) > 0 {
		for k := range nodes.Datasets {
			return nil, d.errorf(path, "nodes/"+k, "a dataset in nodes/ (every node is a group)")
		}
	}
	names := make([]string, 0, len(nodes.Groups))
	for k := range nodes.Groups {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		n, err := d.node(nodes.Groups[k], k, join(path, k))
		if err != nil {
			return nil, err
		}
		gr.Nodes = append(gr.Nodes, n)
	}
	e := g.Datasets["edges"]
	if e == nil {
		return nil, d.errorf(path, "edges", "missing (a NIRGraph node has an edges dataset)")
	}
	switch {
	case e.Len() == 0 && len(e.Shape) >= 1:
		// NIR writes an empty edge list as float64 shape (0,).
	case e.DType == String && len(e.Shape) == 2 && e.Shape[1] == 2 && len(e.Str) == e.Len():
		for i := 0; i < len(e.Str); i += 2 {
			gr.Edges = append(gr.Edges, Edge{Src: e.Str[i], Dst: e.Str[i+1]})
		}
	default:
		return nil, d.errorf(path, "edges", "expected an (E, 2) array of node names, found dtype %v shape %v", e.DType, e.Shape)
	}
	for i, ed := range gr.Edges {
		for _, end := range [2]string{ed.Src, ed.Dst} {
			if resolve(gr, end) == nil {
				return nil, d.errorf(path, "edges", "edge %d (%s -> %s) names %q, which is no node of the graph", i, ed.Src, ed.Dst, end)
			}
		}
	}
	return gr, nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// resolve finds the node an edge end names in g: a node of that literal
// name first (the braille files name flat nodes "lif1.lif"), else
// "a.rest" as node rest inside the NIRGraph node a.
func resolve(g *Graph, name string) *Node {
	n, _ := resolvePath(g, name)
	return n
}

// resolvePath is resolve, also returning the node's dotted path within g.
func resolvePath(g *Graph, name string) (*Node, string) {
	if n := g.Node(name); n != nil {
		return n, name
	}
	for i := strings.Index(name, "."); i >= 0; {
		if h := g.Node(name[:i]); h != nil && h.Graph != nil {
			if n, p := resolvePath(h.Graph, name[i+1:]); n != nil {
				return n, name[:i] + "." + p
			}
		}
		j := strings.Index(name[i+1:], ".")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return nil, ""
}

// infer sets n.In and n.Out (recursively for a NIRGraph), as NIR's
// NIRGraph.infer_types does: a node whose parameters fix its input takes
// that shape, others (pools, a Conv without input_shape, a Flatten without
// input_type) their predecessor's output; every edge then connects equal
// shapes (or equal sizes, either 1-D).
func (d *decoder) infer(n *Node, path string) error {
	if n.Type != "NIRGraph" {
		in, err := fixedIn(n)
		if err != nil {
			return d.wrap(err, path)
		}
		if in == nil {
			return d.errorf(path, "", "a %s node's input shape comes from its predecessor, and a bare node has none", n.Type)
		}
		out, err := OutShape(n, in)
		if err != nil {
			return d.wrap(err, path)
		}
		n.In, n.Out = in, out
		return nil
	}
	g := n.Graph
	for _, c := range g.Nodes {
		if c.Type == "NIRGraph" {
			if err := d.infer(c, join(path, c.Name)); err != nil {
				return err
			}
			continue
		}
		c.In, c.Out = nil, nil
		in, err := fixedIn(c)
		if err != nil {
			return d.wrap(err, join(path, c.Name))
		}
		if in != nil {
			out, err := OutShape(c, in)
			if err != nil {
				return d.wrap(err, join(path, c.Name))
			}
			c.In, c.Out = in, out
		}
	}
	// Propagate to nodes whose input only a predecessor gives.
	for changed := true; changed; {
		changed = false
		for _, e := range g.Edges {
			s, _ := resolvePath(g, e.Src)
			t, tp := resolvePath(g, e.Dst)
			if t.In != nil || t.Type == "NIRGraph" || s.Out == nil {
				continue
			}
			out, err := OutShape(t, s.Out)
			if err != nil {
				return d.wrap(err, join(path, tp))
			}
			t.In, t.Out = slices.Clone(s.Out), out
			changed = true
		}
	}
	for _, c := range g.Nodes {
		if c.Type != "NIRGraph" && c.In == nil {
			return d.errorf(join(path, c.Name), "", "cannot infer the input shape of this %s node: no edge brings one", c.Type)
		}
	}
	for i, e := range g.Edges {
		s, sp := resolvePath(g, e.Src)
		t, tp := resolvePath(g, e.Dst)
		for _, end := range []struct {
			n    *Node
			p    string
			s    []int
			what string
		}{{s, sp, s.Out, "Output"}, {t, tp, t.In, "Input"}} {
			if end.n.Type == "NIRGraph" && end.s == nil {
				return d.errorf(join(path, end.p), "edges", "edge %d (%s -> %s) names the nested graph, which has no single %s node to connect", i, e.Src, e.Dst, end.what)
			}
		}
		if !compatible(s.Out, t.In) {
			return d.errorf(join(path, tp), "edges", "edge %d (%s -> %s): %s's output shape %v does not match %s's input shape %v",
				i, e.Src, e.Dst, join(path, sp), s.Out, join(path, tp), t.In)
		}
	}
	n.In, n.Out = endShape(g, "Input"), endShape(g, "Output")
	return nil
}

// endShape is a graph's input (or output) shape: that of its one Input
// (Output) node, nil when it has none or several.
func endShape(g *Graph, typ string) []int {
	var s []int
	k := 0
	for _, c := range g.Nodes {
		if c.Type == typ {
			s = c.Out
			k++
		}
	}
	if k != 1 {
		return nil
	}
	return slices.Clone(s)
}

// compatible reports whether output shape a may feed input shape b.
func compatible(a, b []int) bool {
	return slices.Equal(a, b) || (len(a) == 1 || len(b) == 1) && prod(a) == prod(b)
}

// fixedIn is the input shape a node's parameters fix (nil when only its
// predecessor can give it: pools, a Conv without input_shape, a Flatten
// without input_type).
func fixedIn(n *Node) ([]int, error) {
	shape := func(name string) ([]int, error) {
		d := n.Params[name]
		if d == nil {
			return nil, nil
		}
		return intsAsShape(n, name, d)
	}
	switch n.Type {
	case "Input", "Output":
		return shape("shape")
	case "Affine", "Linear":
		w, err := matrix(n)
		if err != nil {
			return nil, err
		}
		return []int{w.Shape[1]}, nil
	case "Scale", "Delay":
		d := n.Params[strings.ToLower(n.Type)]
		if len(d.Shape) == 0 {
			return []int{1}, nil
		}
		return slices.Clone(d.Shape), nil
	case "Conv1d", "Conv2d":
		s, err := shape("input_shape")
		if s == nil || err != nil {
			return nil, err
		}
		w := n.Params["weight"]
		g := n.Params["groups"]
		if len(w.Shape) < 2 || g.Len() != 1 {
			return convErr(n)
		}
		return append([]int{int(g.Int[0]) * w.Shape[1]}, s...), nil
	case "Flatten":
		return shape("input_type")
	case "SumPool2d", "AvgPool2d":
		return nil, nil
	}
	if isNeuronType(n.Type) {
		s := slices.Clone(paramShape(n))
		if len(s) == 0 {
			s = []int{1}
		}
		return s, nil
	}
	return nil, linErr(n, "type", "no input shape for node type %q", n.Type)
}

// convErr returns OutShape's error for a Conv node whose weight or groups
// are malformed (its input shape cannot be computed).
func convErr(n *Node) ([]int, error) {
	_, err := OutShape(n, nil)
	if err == nil {
		err = linErr(n, "", "cannot compute the input shape")
	}
	return nil, err
}

// wrap positions an error of linear.go (whose Node is the bare name) at
// the dotted path in this file.
func (d *decoder) wrap(err error, path string) error {
	if e, ok := err.(*Error); ok {
		return &Error{File: d.file, Node: path, Dataset: e.Dataset, Msg: e.Msg}
	}
	return d.errorf(path, "", "%v", err)
}

// Encode turns f back into an HDF5 group tree in NIR's layout (what
// nir.write produces, minus compression): /version, /node with type,
// parameters, nodes/, edges (E,2) strings (an empty edge list as float64
// shape (0,), as NIR writes it), metadata/. Parameters Decode defaulted
// are left out, so Decode(Encode(f)) equals f.
func Encode(f *File) *Group {
	root := newGroup()
	if f == nil {
		return root
	}
	root.Datasets["version"] = str(f.Version)
	if f.Root != nil {
		root.Groups["node"] = encodeNode(f.Root)
	}
	return root
}

func newGroup() *Group {
	return &Group{Groups: map[string]*Group{}, Datasets: map[string]*Dataset{}, Attrs: map[string]*Dataset{}}
}

func str(s string) *Dataset { return &Dataset{DType: String, Str: []string{s}} }

func encodeNode(n *Node) *Group {
	g := newGroup()
	g.Datasets["type"] = str(n.Type)
	for k, d := range n.Params {
		if !slices.Contains(n.Defaulted, k) {
			g.Datasets[k] = cloneDataset(d)
		}
	}
	if n.Metadata != nil {
		g.Groups["metadata"] = cloneGroup(n.Metadata)
	}
	if n.Type == "NIRGraph" {
		nodes := newGroup()
		e := &Dataset{DType: Float64, Shape: []int{0}}
		if n.Graph != nil {
			for _, c := range n.Graph.Nodes {
				nodes.Groups[c.Name] = encodeNode(c)
			}
			if len(n.Graph.Edges) > 0 {
				e = &Dataset{DType: String, Shape: []int{len(n.Graph.Edges), 2}}
				for _, ed := range n.Graph.Edges {
					e.Str = append(e.Str, ed.Src, ed.Dst)
				}
			}
		}
		g.Groups["nodes"] = nodes
		g.Datasets["edges"] = e
	}
	return g
}

func cloneDataset(d *Dataset) *Dataset {
	c := *d
	c.Shape = slices.Clone(d.Shape)
	c.Float = slices.Clone(d.Float)
	c.Int = slices.Clone(d.Int)
	c.Str = slices.Clone(d.Str)
	return &c
}

func cloneGroup(g *Group) *Group {
	c := newGroup()
	for k, s := range g.Groups {
		c.Groups[k] = cloneGroup(s)
	}
	for k, d := range g.Datasets {
		c.Datasets[k] = cloneDataset(d)
	}
	for k, d := range g.Attrs {
		c.Attrs[k] = cloneDataset(d)
	}
	return c
}

// Write encodes f and writes it as HDF5 bytes (WriteHDF5(Encode(f))).
func Write(f *File) ([]byte, error) {
	return WriteHDF5(Encode(f))
}
