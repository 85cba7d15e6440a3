package nir

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"scc/ir"
)

// ExportOptions control Export.
type ExportOptions struct {
	Version string // the /version string written ("" = DefaultVersion)
	// Float is the dtype of every float parameter: Float32 (the default,
	// what the torch exporters write) or Float64 (to keep float64 values
	// exactly).
	Float DType
}

// DefaultVersion is the /version Export writes by default: the NIR
// release whose layout it follows, tagged as scc's (a PEP 440 local
// version, so tools parsing it still can; NIR's reader ignores it).
const DefaultVersion = "1.0.7+scc"

// readoutModel is Import's model for an Output fed by a linear map.
const readoutModel = "NIR_LinearReadout"

// Export maps network n of module m (the real phase: float64 values) to a
// NIR File: populations of the library's NIR models become neuron nodes
// (per-neuron data as arrays, uniform parameters as arrays of the
// population's shape, as NIR requires), projections Affine/Linear (and
// Delay nodes for delays above one step), spike sources Input, records
// Output; metadata carries scc's hardware semantics (dt, method, reset
// kind, Q-formats, rounding). A population NIR cannot express is an error
// naming it.
//
// The mapping is Import's inverse (DESIGN §9):
//   - a population of NIR_LIF, NIR_CubaLIF, NIR_IF, NIR_LI, NIR_CubaLI,
//     NIR_I or NIR_Threshold becomes the node of that type named after the
//     population, its NIR parameters of shape (Size,) (NIR node shapes are
//     not kept by scc, so an N-D layer comes back flat; its C order is
//     the same); scc's own parameters (h, the ranges) are not written;
//   - a spike source becomes an Input of shape (Size,);
//   - a NIR_LinearReadout population becomes an Output named after it, fed
//     by its projections' linear maps (its v is their sum);
//   - a record of another population becomes an Output "output" (one
//     recorded population) or "output_<pop>";
//   - a projection becomes a Linear (post × pre, multapses summed) named
//     after it, or an Affine carrying the constant current drives into
//     the target (the first projection into it takes them); its synapses
//     of delay d > 1 steps go through a Delay node of (d − 1)·dt seconds,
//     since every edge into a neuron costs one step (§4.1 rule 3); a
//     projection with several delays is split per delay ("<proj>_d<k>").
//
// Refused, each an *Error naming the population, projection or drive:
// other models and kinds, states that do not start at 0, plastic
// projections, projections from a
// readout, Poisson or time-varying drives, drives into a population with
// no projection, records of a slice of a population.
func Export(m *ir.Module, n *ir.Net, opt ExportOptions) (*File, error) {
	if m == nil || n == nil {
		return nil, &Error{Msg: "export: no network"}
	}
	if opt.Float == 0 {
		opt.Float = Float32
	}
	if opt.Float != Float32 && opt.Float != Float64 {
		return nil, &Error{Msg: fmt.Sprintf("export: float dtype %v (want float32 or float64)", opt.Float)}
	}
	if opt.Version == "" {
		opt.Version = DefaultVersion
	}
	x := &exporter{m: m, n: n, opt: opt, kinds: map[string]string{}, names: map[string]bool{}, g: &Graph{}}
	if err := x.run(); err != nil {
		return nil, err
	}
	slices.SortFunc(x.g.Nodes, func(a, b *Node) int { return strings.Compare(a.Name, b.Name) })
	root := &Node{Type: "NIRGraph", Params: map[string]*Dataset{}, Graph: x.g, Metadata: x.rootMeta()}
	f := &File{Version: opt.Version, Root: root}
	// Decode's validation and shape inference, on the encoded tree: what
	// Export writes is what Read gives back.
	return Decode("export", Encode(f))
}

type exporter struct {
	m     *ir.Module
	n     *ir.Net
	opt   ExportOptions
	kinds map[string]string // population → NIR type, "Input" or "readout"
	names map[string]bool
	g     *Graph
}

func (x *exporter) errorf(node, format string, args ...any) error {
	return &Error{File: "export", Node: node, Msg: fmt.Sprintf(format, args...)}
}

// modelType returns the NIR type a Func of a library NIR model runs
// (irgen names it after the model, or model_pop for overrides), "" if none.
func modelType(fn string) string {
	best, bestLen := "", 0
	for typ, s := range specs {
		if (fn == s.model || strings.HasPrefix(fn, s.model+"_")) && len(s.model) > bestLen {
			best, bestLen = typ, len(s.model)
		}
	}
	return best
}

func (x *exporter) add(n *Node) {
	x.names[n.Name] = true
	x.g.Nodes = append(x.g.Nodes, n)
}

// fresh returns name, or name_2, name_3, … when taken.
func (x *exporter) fresh(name string) string {
	s := name
	for k := 2; x.names[s]; k++ {
		s = fmt.Sprintf("%s_%d", name, k)
	}
	return s
}

func (x *exporter) floats(shape []int, v []float64) *Dataset {
	d := &Dataset{DType: x.opt.Float, Shape: shape, Float: slices.Clone(v)}
	if x.opt.Float == Float32 {
		for i, f := range d.Float {
			d.Float[i] = float64(float32(f))
		}
	}
	return d
}

func intVec(v ...int) *Dataset {
	d := &Dataset{DType: Int64, Shape: []int{len(v)}}
	for _, s := range v {
		d.Int = append(d.Int, int64(s))
	}
	return d
}

func (x *exporter) run() error {
	for _, p := range x.n.Pops {
		x.names[p.Name] = true
	}
	for _, p := range x.n.Pops {
		switch p.Kind {
		case ir.PopSource:
			x.kinds[p.Name] = "Input"
			x.g.Nodes = append(x.g.Nodes, &Node{Name: p.Name, Type: "Input", Params: map[string]*Dataset{"shape": intVec(p.Size)}})
		case ir.PopNeuron:
			typ := modelType(p.Func)
			fn := x.m.Func(p.Func)
			if typ == "" || fn == nil {
				return x.errorf(p.Name, "population of model %s: NIR expresses only populations of the library's NIR models (NIR_LIF, NIR_CubaLIF, NIR_IF, NIR_LI, NIR_CubaLI, NIR_I, NIR_Threshold, NIR_LinearReadout)", p.Func)
			}
			if len(fn.Inputs) != 1 {
				return x.errorf(p.Name, "model %s has %d inputs, a NIR node one", p.Func, len(fn.Inputs))
			}
			x.kinds[p.Name] = typ
			if typ == "readout" {
				x.g.Nodes = append(x.g.Nodes, &Node{Name: p.Name, Type: "Output", Params: map[string]*Dataset{"shape": intVec(p.Size)}})
				continue
			}
			node, err := x.neuron(p, fn, typ)
			if err != nil {
				return err
			}
			x.g.Nodes = append(x.g.Nodes, node)
		default:
			return x.errorf(p.Name, "an extern (hdl) population has no NIR node")
		}
	}
	if err := x.records(); err != nil {
		return err
	}
	bias, err := x.drives()
	if err != nil {
		return err
	}
	for _, pr := range x.n.Projs {
		if err := x.proj(pr, bias); err != nil {
			return err
		}
	}
	for post, b := range bias {
		if b != nil {
			return x.errorf(post, "a constant drive into a population no projection reaches: NIR has no bias without a linear map")
		}
	}
	return nil
}

// neuron builds the neuron node of population p.
func (x *exporter) neuron(p *ir.Pop, fn *ir.Func, typ string) (*Node, error) {
	node := &Node{Name: p.Name, Type: typ, Params: map[string]*Dataset{}, Metadata: x.popMeta(fn)}
	// NIR stores no initial state: its neurons start at 0.
	for _, st := range fn.States {
		if st.Init != 0 && !st.Refractory {
			return nil, x.errorf(p.Name, "state %s starts at %v: a NIR node's state starts at 0", st.Name, st.Init)
		}
	}
	for _, in := range p.Init {
		if slices.ContainsFunc(in.Values, func(v float64) bool { return v != 0 }) {
			return nil, x.errorf(p.Name, "state %s has per-neuron initial values: a NIR node's state starts at 0", fn.States[in.Index].Name)
		}
	}
	for _, ps := range specs[typ].params {
		i := slices.IndexFunc(fn.Params, func(q *ir.Param) bool { return q.Name == ps.name })
		if i < 0 {
			return nil, x.errorf(p.Name, "model %s has no parameter %s", p.Func, ps.name)
		}
		vals := make([]float64, p.Size)
		for k := range vals {
			vals[k] = fn.Params[i].Value
		}
		for _, pp := range p.Params {
			if pp.Index == i {
				copy(vals, pp.Values)
			}
		}
		for _, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, x.errorf(p.Name, "parameter %s is %v", ps.name, v)
			}
		}
		node.Params[ps.name] = x.floats([]int{p.Size}, vals)
	}
	return node, nil
}

// records adds an Output per recorded population (readouts are Outputs
// already).
func (x *exporter) records() error {
	var pops []string
	for _, r := range x.n.Records {
		p := x.n.NetPop(r.Pop)
		if p == nil {
			return x.errorf(r.Pop, "a record of no population")
		}
		if r.Lo != 0 || r.Hi != p.Size {
			return x.errorf(r.Pop, "records neurons %d..%d of %d: a NIR Output takes a whole node", r.Lo, r.Hi-1, p.Size)
		}
		if x.kinds[r.Pop] != "readout" && !slices.Contains(pops, r.Pop) {
			pops = append(pops, r.Pop)
		}
	}
	for _, pop := range pops {
		name := "output"
		if len(pops) > 1 {
			name = "output_" + pop
		}
		name = x.fresh(name)
		x.add(&Node{Name: name, Type: "Output", Params: map[string]*Dataset{"shape": intVec(x.n.NetPop(pop).Size)}})
		x.g.Edges = append(x.g.Edges, Edge{Src: pop, Dst: name})
	}
	return nil
}

// drives returns the constant current drives as a bias per population.
func (x *exporter) drives() (map[string][]float64, error) {
	bias := map[string][]float64{}
	for _, d := range x.n.Drives {
		if d.Kind != ir.DriveCurrent || d.Values != nil {
			return nil, x.errorf(d.Name, "drive %s: only a constant current drive maps to NIR (an Affine bias)", d.Name)
		}
		for _, t := range d.Targets {
			p := x.n.NetPop(t.Pop)
			if p == nil || x.kinds[t.Pop] == "" || x.kinds[t.Pop] == "Input" {
				return nil, x.errorf(d.Name, "drive %s targets %s, which is no NIR neuron node", d.Name, t.Pop)
			}
			if bias[t.Pop] == nil {
				bias[t.Pop] = make([]float64, p.Size)
			}
			for k := t.Lo; k < t.Hi; k++ {
				bias[t.Pop][k] += d.Value
			}
		}
	}
	return bias, nil
}

// proj adds projection pr: a Linear or Affine per distinct delay, each
// through a Delay node when the delay exceeds one step.
func (x *exporter) proj(pr *ir.Proj, bias map[string][]float64) error {
	pre, post := x.n.NetPop(pr.Pre), x.n.NetPop(pr.Post)
	if pre == nil || post == nil {
		return x.errorf(pr.Name, "projection between unknown populations %s and %s", pr.Pre, pr.Post)
	}
	if pr.Rule != "" {
		return x.errorf(pr.Name, "projection %s is plastic (rule %s): NIR has no plasticity", pr.Name, pr.Rule)
	}
	if k := x.kinds[pr.Pre]; k == "" || k == "readout" {
		return x.errorf(pr.Name, "projection %s from %s: a NIR edge starts at an Input or neuron node", pr.Name, pr.Pre)
	}
	if k := x.kinds[pr.Post]; k == "" || k == "Input" {
		return x.errorf(pr.Name, "projection %s into %s, which is no NIR neuron node", pr.Name, pr.Post)
	}
	var delays []int32
	for _, d := range pr.Delay {
		if d < 1 {
			return x.errorf(pr.Name, "projection %s has a synapse of delay %d steps", pr.Name, d)
		}
		if !slices.Contains(delays, d) {
			delays = append(delays, d)
		}
	}
	slices.Sort(delays)
	if len(delays) == 0 {
		delays = []int32{1}
	}
	dtS := x.n.Dt / 1000 // ms → s
	for _, d := range delays {
		w := make([]float64, post.Size*pre.Size)
		for k := range pr.PreIdx {
			if len(pr.Delay) == 0 || pr.Delay[k] == d {
				w[int(pr.PostIdx[k])*pre.Size+int(pr.PreIdx[k])] += pr.W[k]
			}
		}
		name := pr.Name
		if len(delays) > 1 {
			name = fmt.Sprintf("%s_d%d", pr.Name, d)
		}
		if name == "" {
			name = "proj"
		}
		name = x.fresh(name)
		lin := &Node{Name: name, Type: "Linear", Params: map[string]*Dataset{"weight": x.floats([]int{post.Size, pre.Size}, w)}}
		if b := bias[pr.Post]; b != nil {
			lin.Type = "Affine"
			lin.Params["bias"] = x.floats([]int{post.Size}, b)
			bias[pr.Post] = nil
		}
		x.add(lin)
		x.g.Edges = append(x.g.Edges, Edge{Src: pr.Pre, Dst: name})
		last := name
		if d > 1 {
			dn := x.fresh(name + "_delay")
			dv := make([]float64, post.Size)
			for k := range dv {
				dv[k] = float64(d-1) * dtS
			}
			x.add(&Node{Name: dn, Type: "Delay", Params: map[string]*Dataset{"delay": x.floats([]int{post.Size}, dv)}})
			x.g.Edges = append(x.g.Edges, Edge{Src: name, Dst: dn})
			last = dn
		}
		x.g.Edges = append(x.g.Edges, Edge{Src: last, Dst: pr.Post})
	}
	return nil
}

func metaStr(s string) *Dataset    { return &Dataset{DType: String, Str: []string{s}} }
func metaFloat(v float64) *Dataset { return &Dataset{DType: Float64, Float: []float64{v}} }

// rootMeta is scc's semantics of the whole graph.
func (x *exporter) rootMeta() *Group {
	g := newGroup()
	g.Datasets["generator"] = metaStr("scc")
	g.Datasets["network"] = metaStr(x.n.Name)
	g.Datasets["dt"] = metaFloat(x.n.Dt / 1000)
	g.Datasets["method"] = metaStr("euler")
	g.Datasets["reset"] = metaStr("to value")
	g.Datasets["edge_delay"] = metaStr("every edge into a neuron node costs one step of dt")
	return g
}

// popMeta is a neuron node's fixed-point semantics in scc.
func (x *exporter) popMeta(fn *ir.Func) *Group {
	g := newGroup()
	f := fn.Format.String()
	if fn.AutoWidth != 0 {
		f = fmt.Sprintf("auto:%d", fn.AutoWidth)
	}
	g.Datasets["format"] = metaStr(f)
	g.Datasets["rounding"] = metaStr(fn.Round.String())
	g.Datasets["overflow"] = metaStr(fn.Overflow.String())
	g.Datasets["model"] = metaStr(fn.Name)
	return g
}
