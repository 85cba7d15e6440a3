package passes

import (
	"fmt"
	"math"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// quantizeNet encodes network n in the formats the quantized Funcs give
// its numbers (DESIGN §3: round half to even; a value that does not fit
// is a positioned error, never a clamp), after quantize has run on every
// Func:
//
//   - a weight in the format of its target port (the post Func's input);
//     a plastic projection's port format must be its rule's w format;
//   - a per-neuron initial value in its state's format (a value outside
//     the state's declared range is a warning, as for a model's own);
//   - a per-neuron parameter must lie in the range the model serves (irgen
//     gives the Func's parameter a Range covering every neuron's value);
//   - a drive's value(s) or poisson_sum weight in its targets' port format;
//   - a trace in the rule Func's input format for it (pre trace input 0,
//     post trace input 1; without one, the Func's state format), its
//     decay in DecayFmt = uq1.F, F ≥ 15 and enough fraction bits that
//     1 − decay keeps 10 significant bits, bounded so the decay product fits
//     64 bits; DecayWord = round_half_even(decay·2^F).
func quantizeNet(n *ir.Net, c *Context) error {
	q := &netQuantizer{c: c, m: c.Module, n: n}
	for _, p := range n.Pops {
		if p.Kind == ir.PopNeuron {
			q.pop(p)
		}
	}
	for _, pr := range n.Projs {
		q.proj(pr)
	}
	for _, d := range n.Drives {
		q.drive(d)
	}
	for _, r := range n.Rules {
		q.rule(r)
	}
	if q.bug != nil {
		return q.bug
	}
	return q.errs.Err()
}

type netQuantizer struct {
	c    *Context
	m    *ir.Module
	n    *ir.Net
	errs lang.ErrorList
	bug  error // an invariant the verify pass should have caught
}

func (q *netQuantizer) errorf(pos lang.Pos, format string, args ...any) {
	q.errs = append(q.errs, q.c.errorf(pos, format, args...))
}

// fn returns the Func of a neuron population.
func (q *netQuantizer) fn(pop string) *ir.Func {
	if p := q.n.NetPop(pop); p != nil && p.Kind == ir.PopNeuron {
		if f := q.m.Func(p.Func); f != nil {
			return f
		}
	}
	if q.bug == nil {
		q.bug = fmt.Errorf("network %s: population %q runs no func of the module", q.n.Name, pop)
	}
	return nil
}

// portFmt returns the fixed format of input port of pop's Func.
func (q *netQuantizer) portFmt(pop string, port int) (fixed.Format, string, bool) {
	f := q.fn(pop)
	if f == nil {
		return fixed.Format{}, "", false
	}
	if port < 0 || port >= len(f.Inputs) || f.Inputs[port].Type.Kind != ir.KFixed {
		if q.bug == nil {
			q.bug = fmt.Errorf("network %s: port %d of %q has no fixed format", q.n.Name, port, pop)
		}
		return fixed.Format{}, "", false
	}
	return f.Inputs[port].Type.Fmt, f.Inputs[port].Name, true
}

func rangeOf(f fixed.Format) (lo, hi float64) { return f.Decode(f.Min()), f.Decode(f.Max()) }

func (q *netQuantizer) pop(p *ir.Pop) {
	f := q.fn(p.Name)
	if f == nil {
		return
	}
	for _, pp := range p.Params {
		if pp.Index < 0 || pp.Index >= len(f.Params) {
			continue // the verifier rejects it
		}
		fp := f.Params[pp.Index]
		for i, x := range pp.Values {
			if r := fp.Range; r == nil && x != fp.Value {
				q.errorf(p.Pos, msgNetParamNoRange, p.Name, fp.Name, x, i, f.Name, fp.Value)
				break
			} else if r != nil && !(x >= r.Lo && x <= r.Hi) {
				q.errorf(p.Pos, msgNetParamOutside, fp.Name, i, p.Name, x, r.Lo, r.Hi, f.Name)
				break
			}
		}
	}
	for _, in := range p.Init {
		if in.Index < 0 || in.Index >= len(f.States) {
			continue
		}
		s := f.States[in.Index]
		ft := s.Type.Fmt
		in.Words = make([]int64, len(in.Values))
		warned := false
		for i, x := range in.Values {
			w, err := fixed.Encode(x, ft)
			if err != nil {
				lo, hi := rangeOf(ft)
				q.errorf(p.Pos, msgNetInitNotFit, x, s.Name, i, p.Name, ft, lo, hi)
				break
			}
			in.Words[i] = w
			if r := s.Range; r != nil && !warned && !(x >= r.Lo && x <= r.Hi) {
				q.c.Warnf(p.Pos, msgNetInitOutside, x, s.Name, i, p.Name, r.Lo, r.Hi)
				warned = true
			}
		}
	}
}

func (q *netQuantizer) proj(pr *ir.Proj) {
	ft, port, ok := q.portFmt(pr.Post, pr.Port)
	if !ok {
		return
	}
	if r := q.n.NetRule(pr.Rule); r != nil {
		for _, name := range []string{r.OnPre, r.OnPost} {
			if f := q.m.Func(name); f != nil && len(f.States) > 0 && f.States[0].Type != ir.Fix(ft) {
				q.errorf(pr.Pos, msgNetRuleFormat, r.Name, f.States[0].Type, port, ft)
				break
			}
		}
	}
	pr.Words = make([]int64, len(pr.W))
	prev, word := uint64(0), int64(0) // the last weight encoded (bits) and its word
	for i, w := range pr.W {
		if b := math.Float64bits(w); i > 0 && b == prev {
			pr.Words[i] = word // a repeated weight (often all of them): its word again
			continue
		}
		x, err := fixed.Encode(w, ft)
		if err != nil {
			lo, hi := rangeOf(ft)
			pre, post := int32(-1), int32(-1)
			if i < len(pr.PreIdx) && i < len(pr.PostIdx) {
				pre, post = pr.PreIdx[i], pr.PostIdx[i]
			}
			q.errorf(pr.Pos, msgNetWeightNotFit, w, i, pr.Pre, pre, pr.Post, post, ft, port, lo, hi)
			return
		}
		pr.Words[i] = x
		prev, word = math.Float64bits(w), x
	}
}

func (q *netQuantizer) drive(d *ir.Drive) {
	var ft fixed.Format
	var port string
	for i, t := range d.Targets {
		f, name, ok := q.portFmt(t.Pop, t.Port)
		if !ok {
			return
		}
		if i > 0 && f != ft {
			q.errorf(d.Pos, msgNetDriveFormats, d.Name, ft, f)
			return
		}
		ft, port = f, name
	}
	if len(d.Targets) == 0 {
		return
	}
	enc := func(what string, x float64) (int64, bool) {
		w, err := fixed.Encode(x, ft)
		if err != nil {
			lo, hi := rangeOf(ft)
			q.errorf(d.Pos, msgNetDriveNotFit, what, x, d.Name, ft, port, lo, hi)
		}
		return w, err == nil
	}
	switch d.Kind {
	case ir.DriveCurrent:
		d.ValueWord, _ = enc("value", d.Value)
		if d.Values != nil {
			d.Words = make([]int64, len(d.Values))
			for i, x := range d.Values {
				var ok bool
				if d.Words[i], ok = enc(fmt.Sprintf("the value of step %d,", i+1), x); !ok {
					break
				}
			}
		}
	case ir.DrivePoissonSum:
		d.WWord, _ = enc("weight", d.W)
	}
}

// traceDecayFrac is the number of fraction bits of a trace's decay word:
// at least 15 (q1.15's resolution), and enough that 1 − decay keeps 10
// significant bits (a long time constant must not round to "no decay"
// or to a visibly different τ), within maxFrac.
func traceDecayFrac(decay float64, maxFrac int) int {
	f := 15
	if gap := 1 - decay; gap > 0 && decay > 0 {
		f = max(f, int(math.Ceil(-math.Log2(gap)))+10)
	}
	return min(f, maxFrac)
}

func (q *netQuantizer) rule(r *ir.Rule) {
	var f *ir.Func
	for _, name := range []string{r.OnPre, r.OnPost} {
		if g := q.m.Func(name); g != nil && f == nil {
			f = g
		}
	}
	for k, t := range []*ir.Trace{r.Pre, r.Post} {
		if t == nil {
			continue
		}
		typ := ir.Fix(fixed.DefaultProfile.Format)
		switch {
		case f != nil && k < len(f.Inputs) && f.Inputs[k].Type.Kind == ir.KFixed:
			typ = f.Inputs[k].Type
		case f != nil:
			typ = ir.Fix(f.Format)
		case q.c.Profile != nil:
			typ = ir.Fix(q.c.Profile.Format)
		}
		t.Fmt = typ
		frac := traceDecayFrac(t.Decay, fixed.MaxWidth-typ.Fmt.Width()-1)
		t.DecayFmt = ir.Fix(fixed.UQ(1, frac))
		w, err := fixed.Encode(t.Decay, t.DecayFmt.Fmt)
		if err != nil && q.bug == nil { // the verifier holds decay in [0, 1]
			q.bug = fmt.Errorf("rule %s: trace %q: %v", r.Name, t.Name, err)
		}
		t.DecayWord = w
		if t.AddWord, err = fixed.Encode(t.Add, typ.Fmt); err != nil {
			lo, hi := rangeOf(typ.Fmt)
			q.errorf(r.Pos, msgNetTraceAddNotFit, t.Name, r.Name, t.Add, typ, lo, hi)
		}
	}
}

// perNeuron reports whether a population of one of m's networks gives f's
// parameters per neuron: f must then stay a generic module (the bind pass
// must not specialise it to its defaults; sim evaluates its parameter
// block per neuron).
func perNeuron(m *ir.Module, f *ir.Func) bool {
	for _, n := range m.Nets {
		for _, p := range n.Pops {
			if p.Kind == ir.PopNeuron && p.Func == f.Name && len(p.Params) > 0 {
				return true
			}
		}
	}
	return false
}
