package lang

import (
	"fmt"
	"math"
)

// ruleParts are the items of a synapse rule, sorted by kind.
type ruleParts struct {
	params []Item
	opts   []Item            // format, rounding, overflow
	states []*State          // w first
	traces [2]*Trace         // pre, post
	ons    [2]*On            // pre, post
	kinds  map[string]string // declared name → "parameter", "state", "trace"
}

// synapse checks a plasticity rule and synthesises its event models
// (netinfo.go, SynapseInfo): "<Rule>__pre" and "<Rule>__post", whose
// states are the synapse states (w first), inputs the pre trace then the
// post trace, parameters the rule's, and whose maps are the body's
// assignments. They are checked as models, so dimensions and constants of
// the bodies get the model checker's diagnostics. The rule's profile
// options (format, rounding, overflow) are the event models' options, so
// w and the traces get the rule's number format.
// noPreTrace names the input that stands for a missing pre trace in the
// event models of a rule that has only a post trace.
const noPreTrace = "__no_pre_trace"

func (c *checker) synapse(s *Synapse) *SynapseInfo {
	si := &SynapseInfo{Pos: s.Pos, Name: s.Name}
	r := c.ruleItems(s)
	if len(r.states) == 0 || r.states[0].Name != "w" {
		c.errs.Add(s.Pos, msgSynNoW, s.Name)
		return nil
	}
	// A parameters-only model evaluates the traces' constants.
	pm := c.model(&Model{Pos: s.Pos, Name: s.Name, Items: r.params})
	ok := true
	var inputs []Item
	for k, tr := range r.traces {
		if tr == nil {
			if k == 0 && r.traces[1] != nil {
				// The post trace is input 1 whether or not there is a pre
				// trace (ir.Rule): a placeholder, never fed, reads 0.
				inputs = append(inputs, &Input{Pos: s.Pos, Name: noPreTrace})
			}
			continue
		}
		ti, in, okt := c.trace(tr, pm)
		ok = ok && okt
		if k == 0 {
			si.Pre = ti
		} else {
			si.Post = ti
		}
		inputs = append(inputs, in)
	}
	var states []Item
	for _, st := range r.states {
		if st.Init == nil {
			// The projection gives each synapse its value; the event
			// models start from the range's low end (or 0).
			cp := *st
			cp.Init = &Number{Pos: st.Pos, Text: "0"}
			if st.Range != nil {
				cp.Init = st.Range.Lo
			}
			st = &cp
		}
		states = append(states, st)
	}
	for k, on := range r.ons {
		if on == nil {
			continue
		}
		m, okm := c.eventModel(s, on, r, append(append(append(append([]Item(nil), r.opts...), r.params...), inputs...), states...))
		ok = ok && okm
		if k == 0 {
			si.OnPre = m
		} else {
			si.OnPost = m
		}
	}
	// w's dimension, as the event models (or a states-only model) see it.
	wm := si.OnPre
	if wm == nil {
		wm = si.OnPost
	}
	if wm == nil {
		wm = c.model(&Model{Pos: s.Pos, Name: s.Name, Items: append(append(append([]Item(nil), r.opts...), r.params...), states...)})
	}
	c.ruleW[s.Name] = wm.States[0].Dim
	if !ok {
		return nil
	}
	return si
}

// ruleItems sorts a rule's items, reporting duplicates and items that
// have no place in a rule.
func (c *checker) ruleItems(s *Synapse) *ruleParts {
	r := &ruleParts{kinds: map[string]string{}}
	declared := map[string]Pos{}
	name := func(n string, pos Pos, kind string) bool {
		if p, dup := declared[n]; dup {
			c.errs.Add(pos, msgDuplicate, n, p)
			return false
		}
		declared[n], r.kinds[n] = pos, kind
		return true
	}
	for _, it := range s.Items {
		switch n := it.(type) {
		case *Param:
			if name(n.Name, n.Pos, "parameter") {
				r.params = append(r.params, n)
			}
		case *State:
			if name(n.Name, n.Pos, "state") {
				r.states = append(r.states, n)
			}
		case *Trace:
			k := b2i(n.Post)
			if r.traces[k] != nil {
				c.errs.Add(n.Pos, msgSynTraceTwice, side(n.Post), r.traces[k].Pos)
				continue
			}
			if name(n.Name, n.Pos, "trace") {
				r.traces[k] = n
			}
		case *Option:
			switch n.Key {
			case "format", "rounding", "overflow":
				r.opts = append(r.opts, n)
			default:
				c.errs.Add(n.Pos, msgSynOption, n.Key)
			}
		case *On:
			k := b2i(n.Post)
			if r.ons[k] != nil {
				c.errs.Add(n.Pos, msgSynOnTwice, side(n.Post), r.ons[k].Pos)
				continue
			}
			r.ons[k] = n
		default:
			c.errs.Add(it.GetPos(), msgItemInSynapse, itemName(it))
		}
	}
	for i, st := range r.states {
		if st.Name == "w" && i > 0 {
			r.states = append([]*State{st}, append(r.states[:i:i], r.states[i+1:]...)...)
			break
		}
	}
	return r
}

// trace checks a trace against the rule's parameters (pm) and returns it
// with the input that stands for it in the event models: the unit of its
// add (or set) value, as a canonical unit name.
func (c *checker) trace(tr *Trace, pm *ModelInfo) (*TraceInfo, *Input, bool) {
	ti := &TraceInfo{Pos: tr.Pos, Name: tr.Name, Set: tr.Set}
	ev := newEvaluator(pm, nil, pm.Dt)
	ok := true
	d := c.netDim(tr.Decay, pm)
	tau, err := ev.eval(tr.Decay)
	switch {
	case d.bad:
		ok = false
	case d.boolean || !d.free && d.d != dimTime:
		c.errs.Add(tr.Decay.GetPos(), msgSynDecay, tr.Name, FormatExpr(tr.Decay))
		ok = false
	case err != nil:
		c.errs.Append(err)
		ok = false
	case !(tau > 0) || math.IsInf(tau, 0):
		c.errs.Add(tr.Decay.GetPos(), msgSynDecay, tr.Name, FormatExpr(tr.Decay))
		ok = false
	}
	ti.Tau = tau
	vd := c.netDim(tr.Value, pm)
	v, err := ev.eval(tr.Value)
	var unit Expr
	switch {
	case vd.bad:
		ok = false
	case vd.boolean:
		c.errs.Add(tr.Value.GetPos(), msgBoolArith)
		ok = false
	case err != nil:
		c.errs.Append(err)
		ok = false
	case !vd.free && !vd.d.IsDimensionless():
		u, found := canonicalUnit(vd.d)
		if !found {
			c.errs.Add(tr.Value.GetPos(), msgSynTraceDim, tr.Name, vd.d)
			ok = false
		}
		unit = &Ident{Pos: tr.Value.GetPos(), Name: u}
	}
	ti.Add = v
	return ti, &Input{Pos: tr.Pos, Name: tr.Name, Unit: unit}, ok
}

// eventModel checks an `on` body (only synapse states may be assigned)
// and synthesises its model from the rule's declarations (decls) and the
// body's maps.
func (c *checker) eventModel(s *Synapse, on *On, r *ruleParts, decls []Item) (*ModelInfo, bool) {
	what := "on " + side(on.Post)
	ok := true
	var maps []Item
	seen := map[string]bool{}
	for _, a := range on.Body {
		switch kind := r.kinds[a.Name]; {
		case kind == "":
			c.errs.Add(a.Pos, msgAssignUnknown, what, a.Name)
			ok = false
			continue
		case kind != "state":
			c.errs.Add(a.Pos, msgSynWrite, what, kind, a.Name)
			ok = false
			continue
		case seen[a.Name]:
			c.errs.Add(a.Pos, msgAssignTwice, what, a.Name)
			ok = false
			continue
		}
		seen[a.Name] = true
		maps = append(maps, &Map{Pos: a.Pos, Var: a.Name, VarPos: a.Pos, RHS: a.Value})
	}
	name := s.Name + "__" + side(on.Post)
	if other, clash := c.info.Models[name]; clash {
		c.errs.Add(on.Pos, msgDuplicateModel, name, other.Model.Pos)
		return nil, false
	}
	nerr := len(c.errs)
	m := c.model(&Model{Pos: on.Pos, Name: name, Items: append(decls, maps...)})
	c.info.Models[name] = m
	c.events[name] = true
	return m, ok && len(c.errs) == nerr
}

// negativeTraces warns at each trace of rule that adds (or is set to) a
// negative value. DESIGN §4.1 rule 7 decays a trace word x to
// floor(x·a): for x = −k LSB that is −ceil(k·a), which stays −k while
// k·(1 − a) < 1. A negative trace therefore sticks at the largest such k,
// ceil(1/(1 − a)) − 1 LSB (about τ/dt), instead of decaying to 0. a is the
// exact decay e^(−dt/τ); the quantized decay word keeps ten significant
// bits of 1 − a (passes/net.go), so the bound is that close. The network's
// dt decides a, so the warning is made per network using the rule.
func (c *checker) negativeTraces(rule string, dt float64) {
	var si *SynapseInfo
	for _, s := range c.info.Synapses {
		if s.Name == rule {
			si = s
		}
	}
	if si == nil {
		return
	}
	m := si.OnPre
	if m == nil {
		m = si.OnPost
	}
	for _, tr := range []*TraceInfo{si.Pre, si.Post} {
		if tr == nil || !(tr.Add < 0) || !(dt > 0) {
			continue
		}
		a := math.Exp(-dt / tr.Tau)
		if !(a > 0 && a < 1) {
			continue
		}
		k := math.Ceil(1/(1-a)) - 1
		verb := "adds"
		if tr.Set {
			verb = "is set to"
		}
		// The magnitude in the trace's unit when the rule's format is
		// fixed; an auto format is chosen at quantization.
		mag := ""
		if m != nil && m.Profile.Auto == 0 {
			f := m.Profile.Format
			unit := ""
			for _, in := range m.Inputs {
				if in.Name == tr.Name && !in.Dim.IsDimensionless() {
					unit, _ = canonicalUnit(in.Dim)
					unit = " " + unit
				}
			}
			mag = fmt.Sprintf(" (%s%s in %s)", numStr(math.Ldexp(k, -f.Frac)), unit, f)
		}
		c.info.Warnings.Add(tr.Pos, msgSynNegTrace, tr.Name, rule, verb, a, numStr(dt), int64(k), mag)
	}
}

// canonicalUnit returns the name of the unit of dimension d worth one
// canonical unit (mV for a voltage), the shortest such name.
func canonicalUnit(d Dim) (string, bool) {
	best := ""
	for _, n := range UnitNames() {
		u, _ := LookupUnit(n)
		if u.Dim == d && u.Factor == 1 && (best == "" || len(n) < len(best) || len(n) == len(best) && n < best) {
			best = n
		}
	}
	return best, best != ""
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
