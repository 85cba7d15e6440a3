package lang

import "math"

// synapse checks a plasticity rule and synthesises its event models
// (netinfo.go, SynapseInfo): "<Rule>__pre" and "<Rule>__post", whose
// states are the synapse states (w first), inputs the pre trace then the
// post trace, parameters the rule's, and whose maps are the body's
// assignments. They are checked as models, so dimensions and constants of
// the bodies get the model checker's diagnostics.
func (c *checker) synapse(s *Synapse) *SynapseInfo {
	si := &SynapseInfo{Pos: s.Pos, Name: s.Name}
	declared := map[string]Pos{}
	kinds := map[string]string{}
	var params []Item
	var states []*State
	var traces [2]*Trace
	var ons [2]*On
	name := func(n string, pos Pos, kind string) bool {
		if p, dup := declared[n]; dup {
			c.errs.Add(pos, msgDuplicate, n, p)
			return false
		}
		declared[n], kinds[n] = pos, kind
		return true
	}
	for _, it := range s.Items {
		switch n := it.(type) {
		case *Param:
			if name(n.Name, n.Pos, "parameter") {
				params = append(params, n)
			}
		case *State:
			if name(n.Name, n.Pos, "state") {
				states = append(states, n)
			}
		case *Trace:
			k := b2i(n.Post)
			if traces[k] != nil {
				c.errs.Add(n.Pos, msgSynTraceTwice, side(n.Post), traces[k].Pos)
				continue
			}
			if name(n.Name, n.Pos, "trace") {
				traces[k] = n
			}
		case *On:
			k := b2i(n.Post)
			if ons[k] != nil {
				c.errs.Add(n.Pos, msgSynOnTwice, side(n.Post), ons[k].Pos)
				continue
			}
			ons[k] = n
		default:
			c.errs.Add(it.GetPos(), msgItemInSynapse, itemName(it))
		}
	}
	// w first.
	for i, st := range states {
		if st.Name == "w" && i > 0 {
			states = append([]*State{st}, append(states[:i:i], states[i+1:]...)...)
			break
		}
	}
	if len(states) == 0 || states[0].Name != "w" {
		c.errs.Add(s.Pos, msgSynNoW, s.Name)
		return nil
	}
	// A params-only model evaluates the traces' constants.
	pm := c.model(&Model{Pos: s.Pos, Name: s.Name, Items: params})
	ev := newEvaluator(pm, nil, pm.Dt)
	ok := true
	var inputs []Item
	for k, tr := range traces {
		if tr == nil {
			continue
		}
		ti := &TraceInfo{Pos: tr.Pos, Name: tr.Name, Set: tr.Set}
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
		if k == 0 {
			si.Pre = ti
		} else {
			si.Post = ti
		}
		inputs = append(inputs, &Input{Pos: tr.Pos, Name: tr.Name, Unit: unit})
	}
	var stItems []Item
	for _, st := range states {
		if st.Init == nil {
			cp := *st
			cp.Init = &Number{Pos: st.Pos, Text: "0"}
			if st.Range != nil {
				cp.Init = st.Range.Lo
			}
			st = &cp
		}
		stItems = append(stItems, st)
	}
	for k, on := range ons {
		if on == nil {
			continue
		}
		what := "on " + side(k == 1)
		var maps []Item
		seen := map[string]Pos{}
		for _, a := range on.Body {
			switch kind := kinds[a.Name]; {
			case kind == "":
				c.errs.Add(a.Pos, msgAssignUnknown, what, a.Name)
				ok = false
				continue
			case kind != "state":
				c.errs.Add(a.Pos, msgSynWrite, what, kind, a.Name)
				ok = false
				continue
			}
			if _, dup := seen[a.Name]; dup {
				c.errs.Add(a.Pos, msgAssignTwice, what, a.Name)
				ok = false
				continue
			}
			seen[a.Name] = a.Pos
			maps = append(maps, &Map{Pos: a.Pos, Var: a.Name, VarPos: a.Pos, RHS: a.Value})
		}
		items := append(append(append(append([]Item(nil), params...), inputs...), stItems...), maps...)
		mname := s.Name + "__" + side(k == 1)
		if _, clash := c.info.Models[mname]; clash {
			c.errs.Add(on.Pos, msgDuplicateModel, mname, c.info.Models[mname].Model.Pos)
			ok = false
			continue
		}
		nerr := len(c.errs)
		m := c.model(&Model{Pos: on.Pos, Name: mname, Items: items})
		if len(c.errs) > nerr {
			ok = false
		}
		c.info.Models[mname] = m
		c.events[mname] = true
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
		wm = c.model(&Model{Pos: s.Pos, Name: s.Name, Items: append(append([]Item(nil), params...), stItems...)})
	}
	c.ruleW[s.Name] = wm.States[0].Dim
	if !ok {
		return nil
	}
	return si
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
