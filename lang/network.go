package lang

import (
	"math"
	"strconv"
)

// network checks a network: its options, populations and layers.
func (c *checker) network(n *Network) *NetworkInfo {
	ni := &NetworkInfo{Network: n, Profile: DefaultProfile()}
	empty := &ModelInfo{Model: &Model{Pos: n.Pos, Name: n.Name}, Profile: DefaultProfile(), syms: map[string]Symbol{}}
	seen := map[string]Pos{}
	pops := map[string]Pos{}
	for _, it := range n.Items {
		switch it := it.(type) {
		case *Option:
			c.option(it, seen, newEvaluator(empty, nil, math.NaN()), &ni.Profile)
		case *Pop:
			if p, dup := pops[it.Name]; dup {
				c.errs.Add(it.Pos, msgPopDuplicate, it.Name, p)
				continue
			}
			pops[it.Name] = it.Pos
			if pi := c.pop(it, empty); pi != nil {
				ni.Pops = append(ni.Pops, pi)
			}
		case *Layer:
			if p, dup := pops[it.Name]; dup {
				c.errs.Add(it.Pos, msgLayerName, it.Name, p)
				continue
			}
			pops[it.Name] = it.Pos
			if li := c.layer(it, empty); li != nil {
				ni.Layers = append(ni.Layers, li)
			}
		default:
			c.errs.Add(it.GetPos(), msgItemInNetwork, itemName(it))
		}
	}
	return ni
}

func (c *checker) pop(p *Pop, empty *ModelInfo) *PopInfo {
	pi := &PopInfo{Pop: p, Model: p.Model}
	ev := newEvaluator(empty, nil, empty.Dt)
	if d := c.constDim(p.Size, empty); !d.bad {
		v, err := ev.eval(p.Size)
		switch {
		case err != nil:
			c.errs.Append(err)
		case d.boolean || !d.free && !d.d.IsDimensionless() || v < 1 || v != math.Trunc(v) || v > 1<<31:
			c.errs.Add(p.Size.GetPos(), msgPopSize, FormatExpr(p.Size))
		default:
			pi.Size = int(v)
		}
	}
	m := c.info.Models[p.Model]
	if m == nil {
		c.errs.Add(p.ModelPos, msgPopModel, p.Model, p.Name)
		return nil
	}
	mev := newEvaluator(m, nil, m.Dt)
	for _, a := range p.Overrides {
		i := m.ParamIndex(a.Name)
		if i < 0 {
			c.errs.Add(a.Pos, msgPopParam, m.Model.Name, a.Name)
			continue
		}
		d := c.constDim(a.Value, m)
		if d.bad {
			continue
		}
		if want := m.Params[i].Dim; !d.free && (d.boolean || d.d != want) {
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
	}
	return strconv.Quote("item")
}
