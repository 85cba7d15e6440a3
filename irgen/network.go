package irgen

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"scc/ir"
	"scc/lang"
)

// Network lowering (DESIGN §4.1): every checked network with populations,
// sources or layers becomes one ir.Net, fully instantiated. Random values
// (connectivity, per-neuron and per-synapse values, delays) are drawn here,
// by one documented generator (network_rand.go), and data files are read here
// (csv.go), so every consumer of the module sees the same instance.
//
// Populations and sources are Pops in declaration order. A population's
// neurons run a Func of the module: the model's own Func when its parameter
// values are the population's (no override, or only ones that Options.Params
// overrides again), no per-neuron parameter widens a range and the network's
// dt is the model's; otherwise a Func "<Model>_<pop>" lowered from the model
// with the population's overrides as parameter defaults (then
// Options.Params, which win, as in `scc build --top POP`), the network's dt,
// and each per-neuron parameter without a declared range given the hull of
// its default and its values as Range (a declared range must hold them, and
// then the Func is unchanged). Two populations with the same model,
// overrides, dt and ranges share one Func (the first population's name).

// netLowerer lowers the networks of one module.
type netLowerer struct {
	mod   *ir.Module
	info  *lang.Info
	opt   *Options
	errs  lang.ErrorList
	files files
	funcs map[string]string // funcKey → the Func lowered for it
	// failed holds the populations and sources that could not be lowered
	// (already reported): what refers to them is skipped silently.
	failed map[string]bool
}

// lowerNetworks adds the networks of info to mod. Networks with
// populations or sources are lowered only when every model is (opt.Models
// nil): their Funcs are named after the models.
func lowerNetworks(mod *ir.Module, info *lang.Info, opt *Options) error {
	l := &netLowerer{mod: mod, info: info, opt: opt, files: files{opt: opt}, funcs: map[string]string{}, failed: map[string]bool{}}
	for _, ni := range info.Networks {
		pops := (len(ni.Pops) > 0 || len(ni.Sources) > 0) && opt.Models == nil
		if len(ni.Layers) == 0 && !pops {
			continue
		}
		n := &ir.Net{Name: ni.Network.Name, Pos: ni.Network.Pos, Dt: ni.Profile.Dt}
		if opt.Dt > 0 {
			n.Dt = opt.Dt
		}
		n.Layers = lowerLayers(ni)
		// Each SC layer is an extern population of its neurons (DESIGN
		// §4.2): sources of spikes like any population, in declaration
		// order among the others.
		for _, layer := range n.Layers {
			n.Pops = append(n.Pops, &ir.Pop{Name: layer.Name, Pos: layer.Pos, Kind: ir.PopExtern, Size: layer.Neurons, Layer: layer})
		}
		if pops {
			l.net(ni, n)
		}
		slices.SortStableFunc(n.Pops, func(a, b *ir.Pop) int {
			switch {
			case a.Pos.Before(b.Pos):
				return -1
			case b.Pos.Before(a.Pos):
				return 1
			}
			return 0
		})
		mod.Nets = append(mod.Nets, n)
	}
	return l.errs.Err()
}

// lowerLayers copies the checked SC layers. The checker already encoded
// each value as its raw Q8.8 word, so lowering is a change of
// representation.
func lowerLayers(ni *lang.NetworkInfo) []*ir.SCLayer {
	var out []*ir.SCLayer
	for _, li := range ni.Layers {
		out = append(out, &ir.SCLayer{
			Name: li.Layer.Name, Pos: li.Layer.Pos,
			Inputs: li.Inputs, Neurons: li.Neurons, Length: li.Length,
			InputSeed: li.InputSeed, WeightSeed: li.WeightSeed,
			X: append([]int64(nil), li.X...), W: append([]int64(nil), li.W...),
			YMin: li.YMin, YMax: li.YMax, Leak: li.Leak, Gain: li.Gain,
		})
	}
	return out
}

// net instantiates the populations, sources, projections, drives, records
// and rules of ni into n.
func (l *netLowerer) net(ni *lang.NetworkInfo, n *ir.Net) {
	streams := l.streams(ni)
	i, j := 0, 0
	for i < len(ni.Pops) || j < len(ni.Sources) {
		if j == len(ni.Sources) || i < len(ni.Pops) && !ni.Sources[j].Pos.Before(ni.Pops[i].Pop.Pos) {
			if p := l.pop(ni.Pops[i], n.Dt); p != nil {
				n.Pops = append(n.Pops, p)
			} else {
				l.failed[ni.Pops[i].Pop.Name] = true
			}
			i++
			continue
		}
		if p := l.source(ni.Sources[j], n.Dt, streams[ni.Sources[j]]); p != nil {
			n.Pops = append(n.Pops, p)
		} else {
			l.failed[ni.Sources[j].Name] = true
		}
		j++
	}
	for _, pi := range ni.Projs {
		if p := l.proj(pi, n); p != nil {
			n.Projs = append(n.Projs, p)
		}
	}
	for _, di := range ni.Drives {
		if d := l.drive(di, n, streams[di]); d != nil {
			n.Drives = append(n.Drives, d)
		}
	}
	for _, ri := range ni.Records {
		if l.slice(ri.Target, n) {
			n.Records = append(n.Records, &ir.Record{Pos: ri.Pos, Kind: ir.RecordKind(ri.Kind),
				Pop: ri.Target.Pop, Lo: ri.Target.Lo, Hi: ri.Target.Hi,
				Vars: slices.Clone(ri.Vars), Every: max(ri.Every, 1)})
		}
	}
	n.Rules = l.rules(ni, n.Dt)
}

// streams numbers the random streams of a network: its Poisson sources and
// poisson_sum drives in declaration order, 0, 1, 2, … (spike-file sources
// and current drives draw nothing and have none).
func (l *netLowerer) streams(ni *lang.NetworkInfo) map[any]int {
	type item struct {
		pos lang.Pos
		key any
	}
	var items []item
	for _, s := range ni.Sources {
		if s.Kind == lang.SourcePoisson {
			items = append(items, item{s.Pos, s})
		}
	}
	for _, d := range ni.Drives {
		if d.Kind == lang.DrivePoissonSum {
			items = append(items, item{d.Pos, d})
		}
	}
	slices.SortStableFunc(items, func(a, b item) int {
		switch {
		case a.pos.Before(b.pos):
			return -1
		case b.pos.Before(a.pos):
			return 1
		}
		return 0
	})
	m := map[any]int{}
	for k, it := range items {
		m[it.key] = k
	}
	return m
}

// pop lowers a population of neurons.
func (l *netLowerer) pop(pi *lang.PopInfo, dt float64) *ir.Pop {
	m := l.info.Models[pi.Model]
	if m == nil {
		l.errs.Add(pi.Pop.Pos, msgNoModel, pi.Pop.Name, pi.Model)
		return nil
	}
	p := &ir.Pop{Name: pi.Pop.Name, Pos: pi.Pop.Pos, Kind: ir.PopNeuron, Size: pi.Size}
	over := map[string]float64{}
	for _, o := range pi.Overrides {
		over[o.Name] = o.Value
	}
	for _, q := range m.Params {
		if v, ok := l.opt.Params[q.Name]; ok {
			over[q.Name] = v
		}
	}
	mm, err := m.Override(over, dt)
	if err != nil {
		l.errs.Append(err)
		return nil
	}
	if pi.Size > maxNeurons {
		l.errs.Add(pi.Pop.Pos, msgTooManyNeurons, pi.Pop.Name, pi.Size, maxNeurons)
		return nil
	}
	ok := true
	for _, pn := range pi.PerNeuron {
		vals, at, err := l.neuronValues(pn.Value, pn.Pos, pi.Size, "neuron")
		if err == nil && pn.State {
			if err = inBounds(vals, mm.States[pn.Index].Range, pn.Name, at, msgInitOutOfRange); err == nil {
				p.Init = append(p.Init, &ir.PopInit{Index: pn.Index, Values: vals})
			}
		} else if err == nil {
			if err = inBounds(vals, mm.Params[pn.Index].Range, pn.Name, at, msgParamOutOfRange); err == nil {
				p.Params = append(p.Params, &ir.PopParam{Index: pn.Index, Values: vals})
			}
		}
		if err != nil {
			l.errs.Append(err)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	if err := derived(mm, p, over); err != nil {
		l.errs.Append(err)
		return nil
	}
	ranges := map[int]*ir.Range{}
	for _, pp := range p.Params {
		if q := mm.Params[pp.Index]; q.Range == nil { // a declared range serves the values already
			r := &ir.Range{Lo: q.Value, Hi: q.Value}
			for _, v := range pp.Values {
				r.Lo, r.Hi = min(r.Lo, v), max(r.Hi, v)
			}
			ranges[pp.Index] = r
		}
	}
	if p.Func = l.popFunc(m, mm, pi, ranges); p.Func == "" {
		return nil
	}
	return p
}

// derived gives each neuron of p the values its own parameters imply: a
// parameter the population neither gives per neuron nor overrides, and a
// state it gives no initial value, whose source expression reads a
// per-neuron parameter (`param v_th = v_rest + 15 mV`, `state v = v_rest`)
// is per neuron too: that expression over the neuron's values. Each is
// checked against its declared range (an error at the population).
func derived(mm *lang.ModelInfo, p *ir.Pop, over map[string]float64) error {
	if len(p.Params) == 0 {
		return nil
	}
	given := map[int]bool{}
	for _, pp := range p.Params {
		given[pp.Index] = true
	}
	// A copy whose given parameters are plain values and whose others keep
	// their source, so the evaluator derives them from the neuron's values.
	cp := *mm
	cp.Params = make([]*lang.ParamInfo, len(mm.Params))
	var params []int // derivable parameters
	for i, q := range mm.Params {
		c := *q
		if _, o := over[q.Name]; o || given[i] || c.Param == nil || c.Param.Value == nil {
			c.Param = nil
		} else {
			params = append(params, i)
		}
		cp.Params[i] = &c
	}
	explicit := slices.Clone(p.Params)
	perNeuron := func(e lang.Expr, name string, def float64, b *lang.Bounds, msg string) ([]float64, error) {
		vals := make([]float64, p.Size)
		varies := false
		for n := range vals {
			for _, pp := range explicit {
				cp.Params[pp.Index].Value = pp.Values[n]
			}
			v, err := lang.EvalConst(e, &cp)
			if err != nil {
				return nil, err
			}
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, lang.Errorf(p.Pos, msgNotFinite, strconv.Quote(name)+" = "+fmtNum(v))
			}
			vals[n] = v
			varies = varies || v != def
		}
		if !varies {
			return nil, nil
		}
		return vals, inBounds(vals, b, name, func(int) lang.Pos { return p.Pos }, msg)
	}
	for _, i := range params {
		q := mm.Params[i]
		vals, err := perNeuron(q.Param.Value, q.Name, q.Value, q.Range, msgParamOutOfRange)
		if err != nil {
			return err
		}
		if vals != nil {
			p.Params = append(p.Params, &ir.PopParam{Index: i, Values: vals})
		}
	}
	initial := map[int]bool{}
	for _, in := range p.Init {
		initial[in.Index] = true
	}
	for si, s := range mm.States {
		if initial[si] || s.State == nil || s.State.Init == nil {
			continue
		}
		vals, err := perNeuron(s.State.Init, s.Name, s.Init, s.Range, msgInitOutOfRange)
		if err != nil {
			return err
		}
		if vals != nil {
			p.Init = append(p.Init, &ir.PopInit{Index: si, Values: vals})
		}
	}
	return nil
}

// inBounds checks per-neuron values against a declared range.
func inBounds(vals []float64, b *lang.Bounds, name string, at func(int) lang.Pos, msg string) error {
	if b == nil {
		return nil
	}
	for i, v := range vals {
		if v < b.Lo || v > b.Hi {
			return lang.Errorf(at(i), msg, name, fmtNum(v), fmtNum(b.Lo), fmtNum(b.Hi))
		}
	}
	return nil
}

// popFunc returns the name of the Func the neurons of pi run, lowering it
// when no earlier population or model has the same one.
func (l *netLowerer) popFunc(m, mm *lang.ModelInfo, pi *lang.PopInfo, ranges map[int]*ir.Range) string {
	plain := len(ranges) == 0 && mm.Dt == l.modelDt(m)
	if own := l.funcNamed(m.Model.Name); plain && own != nil {
		same := len(own.Params) == len(mm.Params)
		for i := 0; same && i < len(mm.Params); i++ {
			same = own.Params[i].Value == mm.Params[i].Value
		}
		if same { // the overrides change nothing (or --param overrode them)
			return own.Name
		}
	}
	plain = plain && len(pi.Overrides) == 0
	var key strings.Builder
	fmt.Fprintf(&key, "%s|dt=%v", m.Model.Name, mm.Dt)
	for i, q := range mm.Params {
		fmt.Fprintf(&key, "|%s=%v", q.Name, q.Value)
		if r := ranges[i]; r != nil {
			fmt.Fprintf(&key, "[%v,%v]", r.Lo, r.Hi)
		}
	}
	if name, ok := l.funcs[key.String()]; ok {
		return name
	}
	fn, err := lowerModel(mm)
	if err != nil {
		l.errs.Append(err)
		return ""
	}
	fn.Name = m.Model.Name
	if !plain {
		fn.Name = l.freshName(m.Model.Name + "_" + pi.Pop.Name)
	}
	for i, r := range ranges {
		fn.Params[i].Range = r
	}
	l.mod.Funcs = append(l.mod.Funcs, fn)
	l.funcs[key.String()] = fn.Name
	return fn.Name
}

// modelDt is the dt the model's own Func was lowered with.
func (l *netLowerer) modelDt(m *lang.ModelInfo) float64 {
	if l.opt.Dt > 0 {
		return l.opt.Dt
	}
	return m.Dt
}

func (l *netLowerer) funcNamed(name string) *ir.Func {
	if i := slices.IndexFunc(l.mod.Funcs, func(f *ir.Func) bool { return f.Name == name }); i >= 0 {
		return l.mod.Funcs[i]
	}
	return nil
}

func (l *netLowerer) hasFunc(name string) bool { return l.funcNamed(name) != nil }

// freshName returns name, or name_2, name_3, … when a Func has it.
func (l *netLowerer) freshName(name string) string {
	for i, n := 2, name; ; i++ {
		if !l.hasFunc(n) {
			return n
		}
		n = name + "_" + strconv.Itoa(i)
	}
}

// slice checks that s names a population of n and lies inside it (the
// checker's guarantee; a miss is reported, not assumed).
func (l *netLowerer) slice(s lang.Slice, n *ir.Net) bool {
	p := n.NetPop(s.Pop)
	if p == nil {
		if !l.failed[s.Pop] {
			l.errs.Add(s.Pos, msgBadPopRef, s.Pop)
		}
		return false
	}
	if s.Lo < 0 || s.Hi > p.Size || s.Lo >= s.Hi {
		l.errs.Add(s.Pos, msgSliceRange, s.Lo, s.Hi, s.Pop, p.Size)
		return false
	}
	return true
}

// rules lowers the plasticity rules the projections of ni name, in the
// order of their declarations, and makes sure their event Funcs are in the
// module.
func (l *netLowerer) rules(ni *lang.NetworkInfo, dt float64) []*ir.Rule {
	used := map[string]lang.Pos{}
	for _, p := range ni.Projs {
		if _, ok := used[p.Rule]; p.Rule != "" && !ok {
			used[p.Rule] = p.Pos
		}
	}
	var out []*ir.Rule
	for _, si := range l.info.Synapses {
		if _, ok := used[si.Name]; !ok {
			continue
		}
		delete(used, si.Name)
		r := &ir.Rule{Name: si.Name, Pos: si.Pos, Pre: trace(si.Pre, dt), Post: trace(si.Post, dt)}
		if si.OnPre != nil {
			r.OnPre = l.eventFunc(si.OnPre, dt)
		}
		if si.OnPost != nil {
			r.OnPost = l.eventFunc(si.OnPost, dt)
		}
		out = append(out, r)
	}
	for _, p := range ni.Projs {
		if _, ok := used[p.Rule]; ok {
			l.errs.Add(p.Pos, msgUnknownRule, p.Rule)
			delete(used, p.Rule)
		}
	}
	return out
}

// trace lowers a trace: its per-step decay is exp(-dt/tau).
func trace(t *lang.TraceInfo, dt float64) *ir.Trace {
	if t == nil {
		return nil
	}
	return &ir.Trace{Name: t.Name, Decay: math.Exp(-dt / t.Tau), Add: t.Add, Set: t.Set}
}

// eventFunc returns the name of a rule's event Func, lowering it unless
// the module has it already (the checker lists it among the models).
func (l *netLowerer) eventFunc(m *lang.ModelInfo, dt float64) string {
	name := m.Model.Name
	if l.hasFunc(name) {
		return name
	}
	mm, err := m.Override(nil, dt)
	if err == nil {
		var fn *ir.Func
		if fn, err = lowerModel(mm); err == nil {
			l.mod.Funcs = append(l.mod.Funcs, fn)
		}
	}
	l.errs.Append(err)
	return name
}
