package nir

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The network Import builds: populations (with their parameters and
// fixed-point ranges), projections, drives and records, before printing.

// modelSpec is one library model of a NIR neuron node type.
type modelSpec struct {
	model, file string
	params      []paramSpec
}

type paramSpec struct {
	name string
	def  float64 // NaN: required
}

var nan = math.NaN()

// specs are the library models (models/nir_*.snn) by NIR type; their
// parameters are NIR's datasets with NIR's reader's defaults.
var specs = map[string]modelSpec{
	"LIF": {"NIR_LIF", "nir_lif.snn", []paramSpec{{"tau", nan}, {"r", nan}, {"v_leak", nan}, {"v_threshold", nan}, {"v_reset", 0}}},
	"IF":  {"NIR_IF", "nir_if.snn", []paramSpec{{"r", nan}, {"v_threshold", nan}, {"v_reset", 0}}},
	"LI":  {"NIR_LI", "nir_li.snn", []paramSpec{{"tau", nan}, {"r", nan}, {"v_leak", nan}}},
	"I":   {"NIR_I", "nir_i.snn", []paramSpec{{"r", nan}}},
	"CubaLIF": {"NIR_CubaLIF", "nir_cubalif.snn", []paramSpec{{"tau_syn", nan}, {"tau_mem", nan}, {"r", nan},
		{"v_leak", nan}, {"v_threshold", nan}, {"v_reset", 0}, {"w_in", 1}}},
	"CubaLI": {"NIR_CubaLI", "nir_cubali.snn", []paramSpec{{"tau_syn", nan}, {"tau_mem", nan}, {"r", nan},
		{"v_leak", nan}, {"w_in", 1}}},
	"Threshold": {"NIR_Threshold", "nir_threshold.snn", []paramSpec{{"threshold", nan}}},
	"readout":   {"NIR_LinearReadout", "nir_linear_readout.snn", nil},
}

// pop is a population or source of the network.
type pop struct {
	name   string
	g      *gnode // the neuron or Input node; for a readout, the Output node
	typ    string // NIR type, "Input" or "readout"
	size   int
	params map[string][]float64 // per neuron (NIR's parameters)
	dflt   []string             // parameters the file leaves out (defaulted)
	ranges []rangeParam
	in     *flow // what reaches the input port
	depth  int
}

type rangeParam struct {
	name  string
	value float64
}

// proj is one projection.
type proj struct {
	name      string
	pre, post *pop
	terms     []term
	comment   string
}

type importer struct {
	fl      *flat
	opt     ImportOptions
	file    string
	version string
	dtMS    float64
	fs      *flows
	names   map[string]bool
	out     *Imported
	pops    []*pop // sources, then populations, then readouts
	byNode  map[*gnode]*pop
	projs   []*proj
	records []string
	recur   bool
}

func (im *importer) errorf(g *gnode, dataset, format string, args ...any) error {
	return im.fl.errorf(g.path, dataset, format, args...)
}

func (im *importer) warnf(format string, args ...any) {
	im.out.Warnings = append(im.out.Warnings, fmt.Sprintf(format, args...))
}

// build maps the flat graph to pops, projections, drives and records.
func (im *importer) build() error {
	im.byNode = map[*gnode]*pop{}
	add := func(g *gnode, typ string) *pop {
		p := &pop{name: im.unique(g.path), g: g, typ: typ, size: g.size}
		im.pops = append(im.pops, p)
		im.byNode[g] = p
		im.out.Names[p.name] = g.path
		return p
	}
	for _, g := range im.fl.nodes {
		if g.typ == "Input" {
			add(g, "Input")
		}
	}
	for _, g := range im.fl.nodes {
		if isNeuronType(g.typ) {
			p := add(g, g.typ)
			if err := im.params(p); err != nil {
				return err
			}
		}
	}
	for _, g := range im.fl.nodes {
		if g.typ != "Output" {
			continue
		}
		// A single source through pass-throughs (a nested graph's Output)
		// is recorded as it is.
		pred := (*gnode)(nil)
		if len(g.preds) == 1 {
			pred = g.preds[0]
			for pred.typ == "pass" && len(pred.preds) == 1 {
				pred = pred.preds[0]
			}
		}
		if pred != nil && im.byNode[pred] != nil && pred.size == g.size {
			src := im.byNode[pred]
			kind := "spikes"
			if !spiking(src.typ) {
				kind = "v"
			}
			im.records = append(im.records, fmt.Sprintf("record %s %s", src.name, kind))
			continue
		}
		p := add(g, "readout")
		im.records = append(im.records, fmt.Sprintf("record %s v", p.name))
	}
	for _, p := range im.pops {
		if p.typ == "Input" {
			continue
		}
		in, err := im.fs.input(p.g, p.size)
		if err != nil {
			return err
		}
		p.in = in
		if err := im.connect(p); err != nil {
			return err
		}
		if err := im.setRanges(p); err != nil {
			return err
		}
	}
	im.depths()
	im.restWarnings()
	return nil
}

// params reads a neuron node's parameters: per neuron, broadcast from a
// single value, NIR's default when absent (v_reset 0, w_in 1).
func (im *importer) params(p *pop) error {
	spec := specs[p.typ]
	p.params = map[string][]float64{}
	for _, ps := range spec.params {
		d := p.g.n.Params[ps.name]
		vals := make([]float64, p.size)
		switch {
		case d == nil && math.IsNaN(ps.def):
			return im.errorf(p.g, ps.name, "a %s node needs the parameter %s", p.typ, ps.name)
		case d == nil:
			for k := range vals {
				vals[k] = ps.def
			}
			p.dflt = append(p.dflt, ps.name)
		case d.Float == nil:
			return im.errorf(p.g, ps.name, "%s is %s, not a float array", ps.name, d.DType)
		case slices.Contains(p.g.n.Defaulted, ps.name) && len(d.Float) == 1:
			for k := range vals {
				vals[k] = d.Float[0]
			}
			p.dflt = append(p.dflt, ps.name)
		case len(d.Float) == 1:
			for k := range vals {
				vals[k] = d.Float[0]
			}
		case len(d.Float) == p.size:
			copy(vals, d.Float)
			if slices.Contains(p.g.n.Defaulted, ps.name) {
				p.dflt = append(p.dflt, ps.name)
			}
		default:
			return im.errorf(p.g, ps.name, "%d values for %d neurons (shape %v)", len(d.Float), p.size, p.g.shape)
		}
		for _, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return im.errorf(p.g, ps.name, "the value %v is not finite", v)
			}
		}
		if strings.HasPrefix(ps.name, "tau") {
			for _, v := range vals {
				if !(v > 0) {
					return im.errorf(p.g, ps.name, "the time constant %s s is not positive", num(v))
				}
				if im.opt.Dt > v {
					return im.errorf(p.g, ps.name, "the time constant %s s is shorter than dt %s s: forward Euler overshoots (dt/%s = %.3g > 1), so the fixed-point model has no bound for its state; import with a smaller dt",
						num(v), num(im.opt.Dt), ps.name, im.opt.Dt/v)
				}
			}
		}
		p.params[ps.name] = vals
	}
	return nil
}

// connect turns what reaches p's input into projections (one per source,
// several delays in one sparse file) and checks that every source spikes.
func (im *importer) connect(p *pop) error {
	bySrc := map[*gnode][]term{}
	var order []*gnode
	for _, t := range p.in.terms {
		if _, ok := bySrc[t.src]; !ok {
			order = append(order, t.src)
		}
		bySrc[t.src] = append(bySrc[t.src], t)
	}
	for _, s := range order {
		src := im.byNode[s]
		if !spiking(src.typ) {
			return im.errorf(s, "", "a %s node's output is its potential v, not spikes, and it feeds %s through a projection, which carries spikes: only an Output node may read a %s node", s.typ, p.g.path, s.typ)
		}
		ts := bySrc[s]
		slices.SortFunc(ts, func(a, b term) int { return a.delay - b.delay })
		nnz := 0
		for _, t := range ts {
			for _, r := range t.lin.Rows {
				nnz += len(r)
			}
		}
		if nnz == 0 {
			continue
		}
		var via []string
		for _, t := range ts {
			for _, v := range t.via {
				if !slices.Contains(via, v) {
					via = append(via, v)
				}
			}
		}
		comment := fmt.Sprintf("NIR %s -> %s directly", s.path, p.g.path)
		if len(via) > 0 {
			comment = fmt.Sprintf("NIR %s -> %s through %s, composed into one map", s.path, p.g.path, strings.Join(via, ", "))
		}
		pr := &proj{name: im.unique(src.name + "_" + p.name), pre: src, post: p, terms: ts, comment: comment}
		im.projs = append(im.projs, pr)
	}
	return nil
}

// xRange is the range of p's input per neuron: the bias plus every
// negative (positive) weight of every source spiking at once.
func xRange(p *pop) (lo, hi []float64) {
	lo, hi = make([]float64, p.size), make([]float64, p.size)
	if p.in == nil {
		return lo, hi
	}
	if p.in.bias != nil {
		copy(lo, p.in.bias)
		copy(hi, p.in.bias)
	}
	for _, t := range p.in.terms {
		for o, row := range t.lin.Rows {
			for _, e := range row {
				if e.W < 0 {
					lo[o] += e.W
				} else {
					hi[o] += e.W
				}
			}
		}
	}
	return lo, hi
}

// setRanges computes p's fixed-point range parameters (conservative: they
// hold every value of a step from within them while h ≤ tau).
func (im *importer) setRanges(p *pop) error {
	xlo, xhi := xRange(p)
	lo, hi := hull(xlo), hull(xhi)
	xl, xh := math.Min(lo.lo, 0), math.Max(hi.hi, 0)
	if xl == xh {
		xl, xh = -1, 1
	}
	p.ranges = append(p.ranges, rangeParam{"x_min", roundOut(xl, false)}, rangeParam{"x_max", roundOut(xh, true)})
	h := im.opt.Dt
	par := p.params
	// span is the hull over neurons of f(k) and the fixed points.
	span := func(f func(k int) (float64, float64)) interval {
		iv := interval{0, 0}
		for k := range p.size {
			a, b := f(k)
			iv.lo, iv.hi = math.Min(iv.lo, a), math.Max(iv.hi, b)
		}
		return iv
	}
	mulRange := func(c, a, b float64) (float64, float64) {
		return math.Min(c*a, c*b), math.Max(c*a, c*b)
	}
	leaky := func(k int, inLo, inHi float64, r []float64) (float64, float64) {
		a, b := mulRange(r[k], inLo, inHi)
		lo, hi := par["v_leak"][k]+a, par["v_leak"][k]+b
		if th := par["v_threshold"]; th != nil {
			lo, hi = math.Min(lo, math.Min(th[k], par["v_reset"][k])), math.Max(hi, math.Max(th[k], par["v_reset"][k]))
		}
		return lo, hi
	}
	switch p.typ {
	case "LIF", "LI":
		v := span(func(k int) (float64, float64) { return leaky(k, xlo[k], xhi[k], par["r"]) })
		p.ranges = append(p.ranges, margin("v", v, 8)...)
	case "CubaLIF", "CubaLI":
		i := span(func(k int) (float64, float64) { return mulRange(par["w_in"][k], xlo[k], xhi[k]) })
		iK := func(k int) (float64, float64) { return mulRange(par["w_in"][k], xlo[k], xhi[k]) }
		v := span(func(k int) (float64, float64) {
			a, b := iK(k)
			return leaky(k, math.Min(a, 0), math.Max(b, 0), par["r"])
		})
		p.ranges = append(p.ranges, margin("i", i, 8)...)
		p.ranges = append(p.ranges, margin("v", v, 8)...)
	case "IF":
		v := span(func(k int) (float64, float64) {
			step := h * math.Abs(par["r"][k]) * math.Max(math.Abs(xlo[k]), math.Abs(xhi[k]))
			return math.Min(0, par["v_reset"][k]), math.Max(par["v_threshold"][k], par["v_reset"][k]) + step
		})
		w := v.hi - v.lo
		if w == 0 {
			w = 1
		}
		p.ranges = append(p.ranges, rangeParam{"v_min", roundOut(v.lo-4*w, false)}, rangeParam{"v_max", roundOut(v.hi+w/8, true)})
	case "I":
		v := span(func(k int) (float64, float64) {
			a, b := mulRange(h*par["r"][k], xlo[k], xhi[k])
			return 1000 * a, 1000 * b
		})
		if v.lo == v.hi {
			v = interval{-1, 1}
		}
		p.ranges = append(p.ranges, rangeParam{"v_min", roundOut(v.lo, false)}, rangeParam{"v_max", roundOut(v.hi, true)})
	case "readout":
		p.ranges = append(p.ranges, margin("v", interval{xl, xh}, 8)...)
	}
	return nil
}

type interval struct{ lo, hi float64 }

func hull(xs []float64) interval {
	iv := interval{math.Inf(1), math.Inf(-1)}
	for _, x := range xs {
		iv.lo, iv.hi = math.Min(iv.lo, x), math.Max(iv.hi, x)
	}
	if len(xs) == 0 {
		iv = interval{0, 0}
	}
	return iv
}

// margin widens iv by 1/div of its width on each side (the range
// analysis proves a leaky state's range inductive only with some room)
// and names the ends <s>_min, <s>_max.
func margin(s string, iv interval, div float64) []rangeParam {
	w := iv.hi - iv.lo
	if w == 0 {
		w = 1
	}
	return []rangeParam{{s + "_min", roundOut(iv.lo-w/div, false)}, {s + "_max", roundOut(iv.hi+w/div, true)}}
}

// roundOut rounds x away from the range's inside to 4 significant digits.
func roundOut(x float64, up bool) float64 {
	if x == 0 {
		return 0
	}
	e := math.Pow(10, math.Floor(math.Log10(math.Abs(x)))-3)
	r := math.Floor(x / e)
	if up {
		r = math.Ceil(x / e)
	}
	// The shortest decimal of r·e, so the source shows 4 digits.
	for ; ; r = map[bool]float64{true: r + 1, false: r - 1}[up] {
		v, _ := strconv.ParseFloat(strconv.FormatFloat(r*e, 'g', 4, 64), 64)
		if up && v >= x || !up && v <= x {
			return v
		}
	}
}

// depths sets each population's depth: the most edges on a path from an
// Input (recurrent edges, those closing a cycle, left out).
func (im *importer) depths() {
	state := map[*pop]int{}
	var visit func(p *pop) int
	visit = func(p *pop) int {
		switch state[p] {
		case 1:
			im.recur = true
			return -1
		case 2:
			return p.depth
		}
		state[p] = 1
		d := 0
		for _, pr := range im.projs {
			if pr.post == p && pr.pre.typ != "Input" {
				if x := visit(pr.pre); x >= 0 {
					d = max(d, x+1)
				}
			} else if pr.post == p {
				d = max(d, 1)
			}
		}
		state[p] = 2
		p.depth = d
		return d
	}
	for _, p := range im.pops {
		visit(p)
	}
}

// restWarnings warns where the zero-input rest state is not a fixed
// point: there scc's one step per edge is not a pure shift of NIR's
// zero-delay timing.
func (im *importer) restWarnings() {
	for _, p := range im.pops {
		if p.typ == "Input" || p.typ == "readout" {
			continue
		}
		if p.in != nil && p.in.bias != nil && slices.ContainsFunc(p.in.bias, func(b float64) bool { return b != 0 }) {
			im.warnf("node %s: a bias reaches it (a constant input from step 1): its zero-input rest state is not a fixed point, so the feed-forward shift of one step per edge is not exact", p.g.path)
		}
		if vl := p.params["v_leak"]; vl != nil && slices.ContainsFunc(vl, func(v float64) bool { return v != 0 }) {
			im.warnf("node %s: v starts at 0 but v_leak ≠ 0: its rest state is not a fixed point, so the feed-forward shift of one step per edge is not exact", p.g.path)
		}
		if th := p.params["threshold"]; th != nil && p.typ == "Threshold" && slices.ContainsFunc(th, func(v float64) bool { return v < 0 }) {
			im.warnf("node %s: a threshold below 0 spikes at rest: its rest state is not a fixed point, so the feed-forward shift of one step per edge is not exact", p.g.path)
		}
	}
}
