package nir

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// What reaches a node's input: for every source (an Input or neuron node),
// linear maps from its spikes, each with a delay in steps (NIR's Delay
// nodes on the way), plus a constant bias. Chains of linear nodes compose
// (Unroll, Compose); a Delay node splits a map by its elements' delays.

// term is one linear map from a source with one delay.
type term struct {
	src   *gnode
	delay int // steps added by Delay nodes (the edge's own step is not counted)
	lin   *Linear
	via   []string // the linear and Delay nodes on the way
}

// flow is what a node outputs (or a consumer receives) as maps of sources.
type flow struct {
	terms []term
	bias  []float64 // nil: zero
	size  int
}

func identity(n int) *Linear {
	l := &Linear{In: n, Out: n, Rows: make([][]Entry, n)}
	for k := range l.Rows {
		l.Rows[k] = []Entry{{In: k, W: 1}}
	}
	return l
}

// addLinear returns a + b (same shape); entries of equal input index add.
func addLinear(a, b *Linear) *Linear {
	out := &Linear{In: a.In, Out: a.Out, Rows: make([][]Entry, a.Out)}
	for o := range a.Out {
		ra, rb := a.Rows[o], b.Rows[o]
		var row []Entry
		i, j := 0, 0
		for i < len(ra) || j < len(rb) {
			switch {
			case j == len(rb) || i < len(ra) && ra[i].In < rb[j].In:
				row = append(row, ra[i])
				i++
			case i == len(ra) || rb[j].In < ra[i].In:
				row = append(row, rb[j])
				j++
			default:
				if w := ra[i].W + rb[j].W; w != 0 {
					row = append(row, Entry{In: ra[i].In, W: w})
				}
				i++
				j++
			}
		}
		out.Rows[o] = row
	}
	return out
}

// add merges g into f (terms of one source and delay summed).
func (f *flow) add(g *flow) {
	for _, t := range g.terms {
		k := slices.IndexFunc(f.terms, func(u term) bool { return u.src == t.src && u.delay == t.delay })
		if k < 0 {
			f.terms = append(f.terms, t)
			continue
		}
		f.terms[k].lin = addLinear(f.terms[k].lin, t.lin)
		for _, v := range t.via {
			if !slices.Contains(f.terms[k].via, v) {
				f.terms[k].via = append(f.terms[k].via, v)
			}
		}
	}
	if g.bias != nil {
		if f.bias == nil {
			f.bias = make([]float64, f.size)
		}
		for k, b := range g.bias {
			f.bias[k] += b
		}
	}
}

// flows computes what every node outputs, memoized.
type flows struct {
	fl   *flat
	dt   float64
	memo map[*gnode]*flow
	busy map[*gnode]bool
}

// input is the sum of what g's predecessors output.
func (fs *flows) input(g *gnode, size int) (*flow, error) {
	f := &flow{size: size}
	for _, p := range g.preds {
		pf, err := fs.output(p)
		if err != nil {
			return nil, err
		}
		if pf.size != size {
			return nil, fs.fl.errorf(g.path, "", "its input has %d elements, but %s gives %d", size, p.path, pf.size)
		}
		f.add(pf)
	}
	return f, nil
}

// output is what node g outputs.
func (fs *flows) output(g *gnode) (*flow, error) {
	if f := fs.memo[g]; f != nil {
		return f, nil
	}
	if fs.busy[g] {
		return nil, fs.fl.errorf(g.path, "", "a cycle of linear nodes without a neuron node (an algebraic loop)")
	}
	fs.busy[g] = true
	defer delete(fs.busy, g)
	var f *flow
	switch {
	case g.typ == "Input" || isNeuronType(g.typ):
		f = &flow{size: g.size, terms: []term{{src: g, lin: identity(g.size)}}}
	case g.typ == "pass":
		in, err := fs.input(g, g.size)
		if err != nil {
			return nil, err
		}
		f = in
	case g.typ == "Delay":
		in, err := fs.input(g, g.size)
		if err != nil {
			return nil, err
		}
		if f, err = fs.delay(g, in); err != nil {
			return nil, err
		}
	case IsLinear(g.typ):
		in, err := fs.input(g, prod(g.in))
		if err != nil {
			return nil, err
		}
		if f, err = fs.linear(g, in); err != nil {
			return nil, err
		}
	case g.typ == "Output":
		return nil, fs.fl.errorf(g.path, "", "an Output node feeds another node")
	default:
		return nil, fs.fl.errorf(g.path, "type", "node type %q cannot be imported", g.typ)
	}
	fs.memo[g] = f
	return f, nil
}

// linear applies g's map to in.
func (fs *flows) linear(g *gnode, in *flow) (*flow, error) {
	l, err := Unroll(g.n, g.in)
	if err != nil {
		return nil, err
	}
	if l.In != in.size || l.Out != g.size {
		return nil, fs.fl.errorf(g.path, "", "the unrolled map is %d×%d, the node's shapes give %d×%d", l.Out, l.In, g.size, in.size)
	}
	out := &flow{size: g.size}
	for _, t := range in.terms {
		c, err := Compose(t.lin, l)
		if err != nil {
			return nil, err
		}
		out.terms = append(out.terms, term{src: t.src, delay: t.delay, lin: c, via: append(slices.Clip(t.via), g.path)})
	}
	if in.bias != nil || l.Bias != nil {
		out.bias = make([]float64, g.size)
		for o, row := range l.Rows {
			s := 0.0
			if in.bias != nil {
				for _, e := range row {
					s += e.W * in.bias[e.In]
				}
			}
			if l.Bias != nil {
				s += l.Bias[o]
			}
			out.bias[o] = s
		}
	}
	return out, nil
}

// delay applies a Delay node: element k of its input arrives steps(k)
// later. A constant (a bias) is the same delayed.
func (fs *flows) delay(g *gnode, in *flow) (*flow, error) {
	d := g.n.Params["delay"]
	if d == nil || d.Float == nil {
		return nil, fs.fl.errorf(g.path, "delay", "no float delay")
	}
	if len(d.Float) != 1 && len(d.Float) != g.size {
		return nil, fs.fl.errorf(g.path, "delay", "%d delays for %d elements", len(d.Float), g.size)
	}
	steps := make([]int, g.size)
	for k := range steps {
		x := d.Float[0]
		if len(d.Float) > 1 {
			x = d.Float[k]
		}
		n, err := delaySteps(x, fs.dt, d.DType)
		if err != nil {
			return nil, fs.fl.errorf(g.path, "delay", "%v", err)
		}
		steps[k] = n
	}
	out := &flow{size: g.size, bias: in.bias}
	for _, t := range in.terms {
		var ds []int
		for _, s := range steps {
			if !slices.Contains(ds, s) {
				ds = append(ds, s)
			}
		}
		slices.Sort(ds)
		for _, s := range ds {
			part := &Linear{In: t.lin.In, Out: t.lin.Out, Rows: make([][]Entry, t.lin.Out)}
			for o := range part.Rows {
				if steps[o] == s {
					part.Rows[o] = t.lin.Rows[o]
				}
			}
			out.add(&flow{size: g.size, terms: []term{{src: t.src, delay: t.delay + s, lin: part, via: append(slices.Clip(t.via), g.path)}}})
		}
	}
	return out, nil
}

// delaySteps converts a delay in seconds to whole steps of dt: exact
// within a relative 1e-9, or (a float32 dataset) when n·dt rounds to the
// stored float32.
func delaySteps(x, dt float64, dtype DType) (int, error) {
	if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("delay %s s is not a duration", strconv.FormatFloat(x, 'g', -1, 64))
	}
	n := math.Round(x / dt)
	if math.Abs(x-n*dt) <= 1e-9*math.Abs(x) || dtype == Float32 && float32(n*dt) == float32(x) {
		if n > math.MaxInt32/2 {
			return 0, fmt.Errorf("delay %s s is %g steps of dt %s s: too long", strconv.FormatFloat(x, 'g', -1, 64), n, strconv.FormatFloat(dt, 'g', -1, 64))
		}
		return int(n), nil
	}
	return 0, fmt.Errorf("delay %s s is not a whole number of steps of dt %s s", strconv.FormatFloat(x, 'g', -1, 64), strconv.FormatFloat(dt, 'g', -1, 64))
}
