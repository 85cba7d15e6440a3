package passes

import (
	"scc/fixed"
	"scc/ir"
)

// findStages returns the stage values of an explicit Runge–Kutta scheme
// among vals, by the state whose estimate each is: irgen's x + c·dt·k, an
// add whose first operand reads a state (not the refractory counter) and
// whose result feeds the next stage's right-hand side rather than only a
// commit. Only a narrowed lowering uses them (quantize's second try).
func findStages(f *ir.Func, vals []*ir.Value) map[*ir.Value]int {
	used := map[*ir.Value]bool{} // used by something other than a fit
	for _, v := range vals {
		if v.Op == ir.OpFit {
			continue
		}
		for _, a := range v.Args {
			used[a] = true
		}
	}
	st := map[*ir.Value]int{}
	for _, v := range vals {
		if v.Op != ir.OpAdd || v.Type != ir.F64 || v.Args[0].Op != ir.OpState || !used[v] {
			continue
		}
		if i := int(v.Args[0].AuxInt); !f.States[i].Refractory && !isRealConst(v.Args[1]) {
			st[v] = i
		}
	}
	return st
}

// keepStage casts nv, the fixed value of stage value v of state i, into
// the state's format with the function's rounding and overflow sat: a
// stage value estimates the state, so the state's word holds it, and the
// next stage's products stay as wide as the Euler step's. Where range
// analysis cannot prove the stage stays in the format, one warning per
// state says that it saturates.
func (q *quantizer) keepStage(v, nv *ir.Value, i int) *ir.Value {
	st := q.f.States[i]
	if nv.Type == st.Type || nv.Type.Kind != ir.KFixed {
		return nv
	}
	fm := st.Type.Fmt
	if r, fr := factOf(v), formatRange(fm); !(r.Lo >= fr.Lo && r.Hi <= fr.Hi) && !q.stageWarned[i] {
		if q.stageWarned == nil {
			q.stageWarned = map[int]bool{}
		}
		q.stageWarned[i] = true
		q.c.Warnf(v.Pos, msgStageSat, st.Name, fm, fr.Lo, fr.Hi)
	}
	iv := castInterval(q.iv[nv], nv.Type.Fmt, fm, q.f.Round, fixed.Sat)
	c := q.emit(v.Pos, ir.OpCast, st.Type, iv, nv)
	c.Round, c.Overflow = q.f.Round, fixed.Sat
	return c
}
