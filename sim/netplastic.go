package sim

import (
	"fmt"

	"scc/ir"
)

// plasticity is phase 3 of a step (§4.1 rule 7): (i) every trace decays;
// (ii) every pre trace of a spiking neuron j gets its add, then on pre
// runs on every synapse of row j of every projection with the rule,
// reading the post traces as (i) left them; (iii) every post trace of a
// spiking neuron i gets its add, then on post runs on every synapse of
// column i, reading the pre traces as (ii) left them. Within (ii) and
// (iii) every event touches only its own synapse, so their order does not
// matter.
func (s *Net) plasticity() error {
	fixedPhase := s.Phase == ir.Fixed
	for _, x := range s.traces {
		if fixedPhase {
			d := x.tr.DecayWord
			for i, v := range x.x {
				x.x[i] = min(max((v*d)>>uint(x.frac), x.lo), x.hi) // floor(x·a)
			}
		} else {
			for i := range x.xf {
				x.xf[i] *= x.tr.Decay
			}
		}
	}
	var err error
	for _, side := range []bool{true, false} {
		for _, x := range s.traces {
			if x.pre == side {
				x.add(fixedPhase)
			}
		}
		for _, p := range s.projs {
			if p.rule == nil {
				continue
			}
			var e error
			if side {
				e = s.onPre(p, fixedPhase)
			} else {
				e = s.onPost(p, fixedPhase)
			}
			if e != nil && err == nil {
				err = fmt.Errorf("projection %s: %w", p.p.Name, e)
			}
		}
	}
	return err
}

// add applies the trace's spike update to the spiking neurons of its
// population: x += Add (sat), or x = Add when Set.
func (x *netTrace) add(fixedPhase bool) {
	tr := x.tr
	for _, i := range x.pop.list {
		switch {
		case fixedPhase && tr.Set:
			x.x[i] = tr.AddWord
		case fixedPhase:
			x.x[i] = min(max(x.x[i]+tr.AddWord, x.lo), x.hi)
		case tr.Set:
			x.xf[i] = tr.Add
		default:
			x.xf[i] += tr.Add
		}
	}
}

func (x *netTrace) word(i int32) int64 {
	if x == nil {
		return 0
	}
	return x.x[i]
}

func (x *netTrace) value(i int32) float64 {
	if x == nil {
		return 0
	}
	return x.xf[i]
}

// eventChunk is the number of plasticity events a batched rule Func runs
// at once.
const eventChunk = 4 * BlockSize

func hasAssert(f *ir.Func) bool {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ir.OpAssert {
				return true
			}
		}
	}
	return false
}

// events runs one phase's events through a batched rule Func: add loads
// an event (synapse k, pre neuron j, post neuron i) into the next column
// row, flush runs the rows loaded and stores their synapse states back.
// Every event of a phase touches only its own synapse and reads traces
// the phase does not change, so running them in chunks is running them
// one by one.
type events struct {
	p  *netProj
	bf *BatchFixed
	bl *BatchFloat
	ev []int32
	n  int
}

func (e *events) add(k, j, i int32) {
	n, p := e.n, e.p
	if e.bf != nil {
		for st, col := range e.bf.State {
			col[n] = p.syn[st][k]
		}
		if len(e.bf.In) > 0 {
			e.bf.In[0][n] = p.preTr.word(j)
		}
		if len(e.bf.In) > 1 {
			e.bf.In[1][n] = p.postTr.word(i)
		}
	} else {
		for st, col := range e.bl.State {
			col[n] = p.synF[st][k]
		}
		if len(e.bl.In) > 0 {
			e.bl.In[0][n] = p.preTr.value(j)
		}
		if len(e.bl.In) > 1 {
			e.bl.In[1][n] = p.postTr.value(i)
		}
	}
	e.ev[n] = k
	if e.n++; e.n == len(e.ev) {
		e.flush()
	}
}

func (e *events) flush() {
	n, p := e.n, e.p
	if n == 0 {
		return
	}
	e.n = 0
	if e.bf != nil {
		e.bf.stepN(n) // no assertions: no error
		for st, col := range e.bf.State {
			syn := p.syn[st]
			for q, k := range e.ev[:n] {
				syn[k] = col[q]
			}
		}
		return
	}
	e.bl.stepN(n)
	for st, col := range e.bl.State {
		syn := p.synF[st]
		for q, k := range e.ev[:n] {
			syn[k] = col[q]
		}
	}
}

func (r *netRule) events(p *netProj, bf *BatchFixed, bl *BatchFloat) *events {
	if bf == nil && bl == nil {
		return nil
	}
	if r.ev.ev == nil {
		r.ev.ev = make([]int32, eventChunk)
	}
	r.ev.p, r.ev.bf, r.ev.bl, r.ev.n = p, bf, bl, 0
	return &r.ev
}

func (s *Net) onPre(p *netProj, fixedPhase bool) error {
	r := p.rule
	if r.onPre == nil && r.onPreF == nil {
		return nil
	}
	if e := r.events(p, r.bPre, r.bPreF); e != nil {
		for _, j := range p.pre.list {
			for k := p.rowStart[j]; k < p.rowStart[j+1]; k++ {
				e.add(k, j, p.dst[k])
			}
		}
		e.flush()
		return nil
	}
	var err error
	for _, j := range p.pre.list {
		for k := p.rowStart[j]; k < p.rowStart[j+1]; k++ {
			var e error
			if fixedPhase {
				e = s.eventFixed(r.onPre, p, k, p.preTr.word(j), p.postTr.word(p.dst[k]))
			} else {
				e = s.eventFloat(r.onPreF, p, k, p.preTr.value(j), p.postTr.value(p.dst[k]))
			}
			if e != nil && err == nil {
				err = e
			}
		}
	}
	return err
}

func (s *Net) onPost(p *netProj, fixedPhase bool) error {
	r := p.rule
	if r.onPost == nil && r.onPosF == nil {
		return nil
	}
	if e := r.events(p, r.bPost, r.bPostF); e != nil {
		for _, i := range p.post.list {
			for c := p.colStart[i]; c < p.colStart[i+1]; c++ {
				e.add(p.colSyn[c], p.colPre[c], i)
			}
		}
		e.flush()
		return nil
	}
	var err error
	for _, i := range p.post.list {
		for c := p.colStart[i]; c < p.colStart[i+1]; c++ {
			k, j := p.colSyn[c], p.colPre[c]
			var e error
			if fixedPhase {
				e = s.eventFixed(r.onPost, p, k, p.preTr.word(j), p.postTr.word(i))
			} else {
				e = s.eventFloat(r.onPosF, p, k, p.preTr.value(j), p.postTr.value(i))
			}
			if e != nil && err == nil {
				err = e
			}
		}
	}
	return err
}

func (s *Net) eventFixed(m *Fixed, p *netProj, k int32, pre, post int64) error {
	for st := range p.syn {
		m.State[st] = p.syn[st][k]
	}
	in := p.rule.in[:len(m.F.Inputs)]
	if len(in) > 0 {
		in[0] = pre
	}
	if len(in) > 1 {
		in[1] = post
	}
	err := m.Step(in)
	for st := range p.syn {
		p.syn[st][k] = m.State[st]
	}
	return err
}

func (s *Net) eventFloat(m *Float, p *netProj, k int32, pre, post float64) error {
	for st := range p.synF {
		m.State[st] = p.synF[st][k]
	}
	in := p.rule.inF[:len(m.F.Inputs)]
	if len(in) > 0 {
		in[0] = pre
	}
	if len(in) > 1 {
		in[1] = post
	}
	err := m.Step(in)
	for st := range p.synF {
		p.synF[st][k] = m.State[st]
	}
	return err
}
