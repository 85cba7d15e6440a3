package lang

import (
	"math"
	"strconv"
)

// netChecker checks one network (spec.md §3.2): its options first (the
// network's dt converts every time to steps), then the populations,
// sources and layers (the names a target may use), then projections,
// drives and records.
type netChecker struct {
	c     *checker
	ni    *NetworkInfo
	empty *ModelInfo // no symbols: constants, units, dt
	ev    *evaluator
	names map[string]Pos // pops, sources, layers, projs, drives
	pops  map[string]*PopInfo
	srcs  map[string]*SourceInfo
	lays  map[string]*LayerInfo
	kinds map[string]string // name → "pop", "source", "layer", "proj", "drive"
}

// network checks a network: its options, populations, layers, sources,
// projections, drives and records.
func (c *checker) network(n *Network) *NetworkInfo {
	ni := &NetworkInfo{Network: n, Profile: DefaultProfile()}
	empty := &ModelInfo{Model: &Model{Pos: n.Pos, Name: n.Name}, Profile: DefaultProfile(), syms: map[string]Symbol{}}
	seen := map[string]Pos{}
	for _, it := range n.Items {
		if o, ok := it.(*Option); ok {
			c.option(o, seen, newEvaluator(empty, nil, math.NaN()), &ni.Profile)
		}
	}
	empty.Dt = ni.Profile.Dt
	nc := &netChecker{c: c, ni: ni, empty: empty, ev: newEvaluator(empty, nil, empty.Dt),
		names: map[string]Pos{}, pops: map[string]*PopInfo{}, srcs: map[string]*SourceInfo{},
		lays: map[string]*LayerInfo{}, kinds: map[string]string{}}
	// One namespace, declared in source order: a target may name a
	// population declared further down.
	skip := map[Item]bool{}
	for _, it := range n.Items {
		var name, kind string
		switch it := it.(type) {
		case *Pop:
			name, kind = it.Name, "pop"
		case *Layer:
			name, kind = it.Name, "layer"
		case *Source:
			name, kind = it.Name, "source"
		case *Proj:
			name, kind = it.Name, "proj"
		case *Drive:
			name, kind = it.Name, "drive"
		default:
			continue
		}
		skip[it] = !nc.declare(name, it.GetPos(), kind)
	}
	for _, it := range n.Items {
		if skip[it] {
			continue
		}
		switch it := it.(type) {
		case *Option:
		case *Pop:
			if pi := c.pop(it, empty, nc); pi != nil {
				ni.Pops = append(ni.Pops, pi)
				nc.pops[it.Name] = pi
			}
		case *Layer:
			if li := c.layer(it, empty); li != nil {
				ni.Layers = append(ni.Layers, li)
				nc.lays[it.Name] = li
			}
		case *Source:
			if si := nc.source(it); si != nil {
				ni.Sources = append(ni.Sources, si)
				nc.srcs[it.Name] = si
			}
		case *Proj, *Drive, *Record:
		default:
			c.errs.Add(it.GetPos(), msgItemInNetwork, itemName(it))
		}
	}
	for _, it := range n.Items {
		if skip[it] {
			continue
		}
		switch it := it.(type) {
		case *Proj:
			if pi := nc.proj(it); pi != nil {
				ni.Projs = append(ni.Projs, pi)
			}
		case *Drive:
			if di := nc.drive(it); di != nil {
				ni.Drives = append(ni.Drives, di)
			}
		case *Record:
			if ri := nc.record(it); ri != nil {
				ni.Records = append(ni.Records, ri)
			}
		}
	}
	return ni
}

// declare enters a name into the network's one namespace.
func (nc *netChecker) declare(name string, pos Pos, kind string) bool {
	if p, dup := nc.names[name]; dup {
		if kind == "pop" && nc.kinds[name] == "pop" {
			nc.c.errs.Add(pos, msgPopDuplicate, name, p)
		} else {
			nc.c.errs.Add(pos, msgLayerName, name, p)
		}
		return false
	}
	nc.names[name] = pos
	nc.kinds[name] = kind
	return true
}

// size checks a population or source size: a positive whole number.
func (c *checker) size(e Expr, empty *ModelInfo) (int, bool) {
	d := c.netDim(e, empty)
	if d.bad {
		return 0, false
	}
	v, err := newEvaluator(empty, nil, empty.Dt).eval(e)
	switch {
	case err != nil:
		c.errs.Append(err)
	case d.boolean || !d.free && !d.d.IsDimensionless() || v < 1 || v != math.Trunc(v) || v > 1<<31:
		c.errs.Add(e.GetPos(), msgPopSize, FormatExpr(e))
	default:
		return int(v), true
	}
	return 0, false
}

func (c *checker) pop(p *Pop, empty *ModelInfo, nc *netChecker) *PopInfo {
	pi := &PopInfo{Pop: p, Model: p.Model}
	pi.Size, _ = c.size(p.Size, empty)
	m := c.info.Models[p.Model]
	if m == nil || c.events[p.Model] {
		c.errs.Add(p.ModelPos, msgPopModel, p.Model, p.Name)
		return nil
	}
	mev := newEvaluator(m, nil, m.Dt)
	done := map[string]Pos{}
	for _, a := range p.Overrides {
		if first, dup := done[a.Name]; dup {
			c.errs.Add(a.Pos, msgLayerDup, a.Name, first)
			continue
		}
		done[a.Name] = a.Pos
		i, state := m.ParamIndex(a.Name), false
		var want Dim
		switch {
		case i >= 0:
			want = m.Params[i].Dim
		case m.StateIndex(a.Name) >= 0:
			i, state = m.StateIndex(a.Name), true
			want = m.States[i].Dim
		default:
			c.errs.Add(a.Pos, msgPopParam, m.Model.Name, a.Name)
			continue
		}
		if isDist(a.Value) || state {
			d, ok := nc.dist(a.Value, want, a.Name, false)
			if ok {
				pi.PerNeuron = append(pi.PerNeuron, &PerNeuron{Pos: a.Pos, Name: a.Name, State: state, Index: i, Value: d})
			}
			continue
		}
		d := c.netDim(a.Value, m)
		if d.bad {
			continue
		}
		if !d.free && (d.boolean || d.d != want) {
			c.errs.Add(a.Value.GetPos(), msgPopOverrideDim, a.Name, d.d, want)
			continue
		}
		v, err := mev.eval(a.Value)
		if err != nil {
			c.errs.Append(err)
			continue
		}
		pi.Overrides = append(pi.Overrides, ParamValue{Name: a.Name, Value: v})
	}
	return pi
}

// isDist reports whether e is a distribution or file call.
func isDist(e Expr) bool {
	call, ok := e.(*Call)
	return ok && (call.Fun == "uniform" || call.Fun == "normal" || call.Fun == "file" || call.Fun == "column")
}

// slice resolves a target's population, source or layer and its slice
// (the port is the caller's).
func (nc *netChecker) slice(t *Target) (Slice, bool) {
	s := Slice{Pos: t.Pos, Pop: t.Pop}
	n := 0
	switch nc.kinds[t.Pop] {
	case "pop":
		pi := nc.pops[t.Pop]
		if pi == nil || pi.Size == 0 {
			return s, false
		}
		n = pi.Size
	case "source":
		si := nc.srcs[t.Pop]
		if si == nil || si.Size == 0 {
			return s, false
		}
		n = si.Size
	case "layer":
		li := nc.lays[t.Pop]
		if li == nil {
			return s, false
		}
		n = li.Neurons
	case "":
		nc.c.errs.Add(t.Pos, msgNetUnknown, t.Pop)
		return s, false
	default:
		nc.c.errs.Add(t.Pos, msgNetNotPop, t.Pop, nc.kinds[t.Pop])
		return s, false
	}
	s.Hi = n
	if t.Lo == nil {
		return s, true
	}
	lo, ok1 := nc.index(t.Lo)
	hi, ok2 := nc.index(t.Hi)
	if !ok1 || !ok2 {
		return s, false
	}
	if !(0 <= lo && lo < hi && hi <= n) {
		nc.c.errs.Add(t.SlicePos, msgSliceRange, FormatExpr(t.Lo), FormatExpr(t.Hi), t.Pop, n)
		return s, false
	}
	s.Lo, s.Hi = lo, hi
	return s, true
}

// index evaluates a slice bound: a dimensionless whole number.
func (nc *netChecker) index(e Expr) (int, bool) {
	v, ok := nc.scalar(e)
	if !ok {
		return 0, false
	}
	if v != math.Trunc(v) || math.Abs(v) > 1<<31 {
		nc.c.errs.Add(e.GetPos(), msgSliceBound, FormatExpr(e))
		return 0, false
	}
	return int(v), true
}

// constant evaluates a constant of dimension want (a bare 0 fits any);
// what names it in diagnostics.
func (nc *netChecker) constant(e Expr, want Dim, what string) (float64, bool) {
	switch e.(type) {
	case *List:
		nc.c.errs.Add(e.GetPos(), msgLayerNotList, FormatExpr(e))
		return 0, false
	case *String:
		nc.c.errs.Add(e.GetPos(), msgNetString, what, FormatExpr(e))
		return 0, false
	}
	if call, ok := e.(*Call); ok && len(call.Kw) > 0 || isDist(e) {
		nc.c.errs.Add(e.GetPos(), msgNetNotConst, what, FormatExpr(e))
		return 0, false
	}
	d := nc.c.netDim(e, nc.empty)
	if d.bad {
		return 0, false
	}
	if d.boolean || !d.free && d.d != want {
		got := "a condition"
		if !d.boolean {
			got = d.d.String()
		}
		nc.c.errs.Add(e.GetPos(), msgNetDim, what, got, want)
		return 0, false
	}
	v, err := nc.ev.eval(e)
	if err != nil {
		nc.c.errs.Append(err)
		return 0, false
	}
	return v, true
}

// scalar evaluates a dimensionless constant.
func (nc *netChecker) scalar(e Expr) (float64, bool) {
	return nc.constant(e, Dimensionless, FormatExpr(e))
}

// whole evaluates a dimensionless whole number in lo..hi.
func (nc *netChecker) whole(e Expr, what string, lo, hi float64) (int, bool) {
	v, ok := nc.constant(e, Dimensionless, what)
	if !ok {
		return 0, false
	}
	if v != math.Trunc(v) || v < lo || v > hi {
		nc.c.errs.Add(e.GetPos(), msgNetWhole, what, wholeStr(lo), wholeStr(hi), FormatExpr(e))
		return 0, false
	}
	return int(v), true
}

// seed evaluates a seed: a whole number in 0..2^53.
func (nc *netChecker) seed(e Expr) (uint64, bool) {
	v, ok := nc.constant(e, Dimensionless, "seed")
	if !ok {
		return 0, false
	}
	if v != math.Trunc(v) || v < 0 || v > 1<<53 {
		nc.c.errs.Add(e.GetPos(), msgNetWhole, "seed", "0", wholeStr(1<<53), FormatExpr(e))
		return 0, false
	}
	return uint64(v), true
}

// file evaluates a file name setting: a string.
func (nc *netChecker) file(e Expr, what string) (string, bool) {
	s, ok := e.(*String)
	if !ok {
		nc.c.errs.Add(e.GetPos(), msgNetFile, what, FormatExpr(e))
		return "", false
	}
	if s.Value == "" {
		nc.c.errs.Add(e.GetPos(), msgNetFile, what, FormatExpr(e))
		return "", false
	}
	return s.Value, true
}

// steps converts a time (ms) at pos to whole steps of the network's dt:
// it must be an exact multiple (relative 1e-9).
func (nc *netChecker) steps(e Expr, v float64, what string) (int, bool) {
	dt := nc.ni.Profile.Dt
	n := math.Round(v / dt)
	if math.Abs(v-n*dt) > 1e-9*math.Abs(v) || n > 1<<31 {
		nc.c.errs.Add(e.GetPos(), msgNetNotMultiple, what, numStr(v), numStr(dt))
		return 0, false
	}
	return int(n), true
}

func wholeStr(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func itemName(it Item) string {
	switch it.(type) {
	case *Param:
		return "a parameter"
	case *Input:
		return "an input"
	case *State:
		return "a state"
	case *Let:
		return "a subexpression"
	case *ODE, *Map:
		return "an equation"
	case *Spike:
		return "a spike condition"
	case *Refractory:
		return "a refractory period"
	case *Assert:
		return "an assertion"
	case *Option:
		return "an option"
	case *Pop:
		return "a population"
	case *Layer:
		return "a layer"
	case *Proj:
		return "a projection"
	case *Source:
		return "a source"
	case *Drive:
		return "a drive"
	case *Record:
		return "a record"
	case *Trace:
		return "a trace"
	case *On:
		return "an event body"
	}
	return strconv.Quote("item")
}
