package sim

import (
	"fmt"

	"scc/fixed"
	"scc/ir"
)

// BlockSize is the number of neurons the batched interpreters run each op
// on at a time: the op dispatch is paid once per op per block, and a
// block's columns (one per value) stay in cache.
const BlockSize = 512

// BatchFixed runs one fixed-phase Func for N neurons at once, column-wise
// (DESIGN §1: the batched interpreter for models without a generated
// kernel). Neuron i computes exactly what a Fixed with the same state,
// parameters and inputs computes, word for word (the tests compare them).
type BatchFixed struct {
	F     *ir.Func
	N     int
	State [][]int64 // State[s][i]: committed raw word of state s in neuron i
	In    [][]int64 // In[p][i]: the raw input word of port p for the next Step, a word of the input's format
	Spike []bool    // Spike[i]: spike output of neuron i in the last step
	Steps int

	prog   []bop
	cols   [][]int64 // per value ID: the current block's column
	own    [][]int64 // per value ID: the value's own buffer (BlockSize)
	coef   [][]int64 // per value ID of a coef op: per-neuron words, or nil (uniform)
	commit []bcommit
	fail   *BatchAssertError
}

// bop is one compiled op: its kind, its value, its args and the
// parameters the kind needs, computed once.
type bop struct {
	k       bkind
	v       *ir.Value
	dst     int // value ID
	a, b, c int // arg value IDs
	sa, sb  uint
	wsh     uint  // signed wrap: shift left then arithmetic right by wsh
	wmask   int64 // unsigned wrap mask (wsh == 0 and wmask != 0)
	wrap    bool
	lo, hi  int64 // sat bounds
	round   fixed.Round
	cmp     ir.Op
	idx     int
	// constant operands (the column's word), folded into the kernel
	ka, kb bool
	Ka, Kb int64
	sb2    uint // bMulKFloorWrap: the product's own wrap shift (0: none)
}

type bkind uint8

const (
	bNop    bkind = iota
	bState        // alias of State[idx]
	bInput        // alias of In[idx]
	bCoef         // alias of a per-neuron coef column, or the own constant column
	bConst        // the own column, filled once
	bAdd          // (a<<sa) + (b<<sb), wrapped
	bSub          // (a<<sa) - (b<<sb), wrapped
	bMul          // a*b, wrapped
	bNeg          // -a, wrapped
	bDiv          // fixed.Div
	bCmp          // (a<<sa) cmp (b<<sb), operands known to fit
	bCmpBig       // fixed.Compare per element
	bAnd
	bOr
	bNot
	bSelect
	bMaxK   // max(a, Kb): select(a < K or a <= K, K, a)
	bMinK   // min(a, Kb): select(a > K or a >= K, K, a)
	bClampK // min(max(a, lo), hi)
	// a·Kb wrapped (sb2), then a floor cast's shift right by sa and wrap
	// (wsh): a product by a constant used only by that cast.
	bMulKFloorWrap
	bCastR   // shift right by sa with round, then sat/wrap
	bCastL   // shift left by sa (known to fit), then sat/wrap
	bCastBig // fixed.Cast per element
	bTable   // fixed.Table.Eval
	bCopy    // next: nothing to compute
	bSpike   // Spike[i] = a != 0
	bAssert  // the first failing neuron is kept
)

type bcommit struct {
	state int
	arg   int
	stage []int64 // non-nil when the arg is another state's column
}

// BatchAssertError reports the first neuron whose assertion failed in a
// step of a batched interpreter.
type BatchAssertError struct {
	Step   int
	Neuron int
	Value  *ir.Value
}

func (e *BatchAssertError) Error() string {
	return fmt.Sprintf("%v: assertion failed at step %d in neuron %d", e.Value.Pos, e.Step, e.Neuron)
}

func wrapParams(t ir.Type) (wsh uint, mask int64, wrap bool) {
	if t.Kind != ir.KFixed {
		return 0, 0, false // bool results of and/or/not stay 0/1
	}
	w := t.Fmt.Width()
	if w >= 64 {
		return 0, 0, false
	}
	if t.Fmt.Signed {
		return uint(64 - w), 0, true
	}
	return 0, int64(1)<<uint(w) - 1, true
}

// fitsShift reports whether every word of type t shifted left by s stays
// within ±2^62 (so aligned compares and left casts cannot overflow).
func fitsShift(t ir.Type, s int) bool {
	w := 1 // bool
	if t.Kind == ir.KFixed {
		w = t.Fmt.Width()
		if !t.Fmt.Signed {
			w++
		}
	}
	return w-1+s <= 61
}

// exact reports whether v's type holds every result of add, sub, mul or
// neg of operands in their own formats (the IR's width growth), so the
// wrap to the type can never change a word. In words must lie in their
// input's format (Gather guarantees it), as every other word does.
func exact(v *ir.Value) bool {
	if v.Type.Kind != ir.KFixed {
		return false
	}
	for _, a := range v.Args {
		if a.Type.Kind != ir.KFixed {
			return false
		}
	}
	to := v.Type.Fmt
	var need fixed.Format
	switch v.Op {
	case ir.OpAdd, ir.OpSub:
		need = fixed.AddFormat(v.Args[0].Type.Fmt, v.Args[1].Type.Fmt)
		if v.Op == ir.OpSub && !need.Signed {
			return false
		}
	case ir.OpMul:
		need = fixed.MulFormat(v.Args[0].Type.Fmt, v.Args[1].Type.Fmt)
	case ir.OpNeg:
		a := v.Args[0].Type.Fmt
		need = fixed.Format{Signed: true, Int: a.Int + 1, Frac: a.Frac}
		if !a.Signed {
			need.Int++
		}
	default:
		return false
	}
	if !to.Signed || !need.Signed {
		return false
	}
	return to.Frac == need.Frac && to.Int >= need.Int && to.Width() <= 64
}

// NewBatchFixed prepares f (fixed phase, verified) for n neurons, every
// neuron with f's default parameters, and resets it.
func NewBatchFixed(f *ir.Func, n int) (*BatchFixed, error) {
	if err := ir.VerifyFunc(f, ir.Fixed); err != nil {
		return nil, fmt.Errorf("sim: %v", err)
	}
	m := &BatchFixed{F: f, N: n, Spike: make([]bool, n)}
	for range f.States {
		m.State = append(m.State, make([]int64, n))
	}
	for range f.Inputs {
		m.In = append(m.In, make([]int64, n))
	}
	nv := f.NumValues()
	m.cols = make([][]int64, nv)
	m.own = make([][]int64, nv)
	m.coef = make([][]int64, nv)
	var defWords []int64
	if f.Generic() {
		w, err := ir.ParamWords(f, f.ParamDefaults())
		if err != nil {
			return nil, fmt.Errorf("sim: %v", err)
		}
		defWords = w
	}
	for _, blk := range f.Blocks {
		for _, v := range blk.Values {
			o := bop{v: v, dst: v.ID}
			arg := func(i int) int { return v.Args[i].ID }
			if len(v.Args) > 0 {
				o.a = arg(0)
			}
			if len(v.Args) > 1 {
				o.b = arg(1)
			}
			if len(v.Args) > 2 {
				o.c = arg(2)
			}
			o.wsh, o.wmask, o.wrap = wrapParams(v.Type)
			if !v.Op.Info().Void && v.Op != ir.OpState && v.Op != ir.OpInput {
				m.own[v.ID] = make([]int64, BlockSize)
			}
			switch v.Op {
			case ir.OpConst:
				o.k = bConst
				for i := range m.own[v.ID] {
					m.own[v.ID][i] = v.AuxInt
				}
			case ir.OpState:
				o.k, o.idx = bState, int(v.AuxInt)
			case ir.OpInput:
				o.k, o.idx = bInput, int(v.AuxInt)
			case ir.OpCoef:
				o.k = bCoef
				for i := range m.own[v.ID] {
					m.own[v.ID][i] = defWords[v.ID]
				}
			case ir.OpAdd, ir.OpSub:
				o.k = bAdd
				if v.Op == ir.OpSub {
					o.k = bSub
				}
				o.sa = uint(v.Type.Fmt.Frac - v.Args[0].Type.Fmt.Frac)
				o.sb = uint(v.Type.Fmt.Frac - v.Args[1].Type.Fmt.Frac)
			case ir.OpMul:
				o.k = bMul
			case ir.OpNeg:
				o.k = bNeg
			case ir.OpDiv:
				o.k = bDiv
			case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
				o.k, o.cmp = bCmp, v.Op
				x, y := v.Args[0].Type, v.Args[1].Type
				if x.Kind == ir.KFixed && y.Kind == ir.KFixed {
					fr := max(x.Fmt.Frac, y.Fmt.Frac)
					sx, sy := fr-x.Fmt.Frac, fr-y.Fmt.Frac
					o.sa, o.sb = uint(sx), uint(sy)
					if !fitsShift(x, sx) || !fitsShift(y, sy) {
						o.k = bCmpBig
					}
				}
			case ir.OpAnd:
				o.k = bAnd
			case ir.OpOr:
				o.k = bOr
			case ir.OpNot:
				o.k = bNot
			case ir.OpSelect:
				o.k = bSelect
			case ir.OpCast:
				from, to := v.Args[0].Type.Fmt, v.Type.Fmt
				o.round = v.Round
				o.lo, o.hi = to.Min(), to.Max()
				if v.Overflow != fixed.Sat {
					o.lo, o.hi = 0, -1 // no clamp
				} else {
					o.wrap = false
				}
				s := from.Frac - to.Frac
				switch {
				case s >= 0 && s < 62:
					o.k, o.sa = bCastR, uint(s)
				case s < 0 && fitsShift(v.Args[0].Type, -s):
					o.k, o.sa = bCastL, uint(-s)
				default:
					o.k = bCastBig
				}
				if o.k != bCastBig && castInRange(from, to, s) {
					o.lo, o.hi, o.wrap = 0, -1, false // the word always fits
				}
			case ir.OpTable:
				o.k = bTable
			case ir.OpNext:
				o.k = bCopy
				c := bcommit{state: int(v.AuxInt), arg: o.a}
				if a := v.Args[0]; a.Op == ir.OpState && a.AuxInt != v.AuxInt {
					c.stage = make([]int64, BlockSize)
				}
				if a := v.Args[0]; !(a.Op == ir.OpState && a.AuxInt == v.AuxInt) {
					m.commit = append(m.commit, c)
				}
			case ir.OpSpike:
				o.k = bSpike
			case ir.OpAssert:
				o.k = bAssert
			default:
				return nil, fmt.Errorf("%v: sim: op %v in fixed phase", v.Pos, v.Op)
			}
			switch o.k {
			case bAdd, bSub, bMul, bNeg:
				if exact(v) {
					o.wrap = false
				}
			}
			switch o.k {
			case bAdd, bSub, bMul, bCmp:
				if a := v.Args[0]; a.Op == ir.OpConst {
					o.ka, o.Ka = true, a.AuxInt<<o.sa
				}
				if b := v.Args[1]; b.Op == ir.OpConst {
					o.kb, o.Kb = true, b.AuxInt<<o.sb
				}
				if o.k == bMul {
					o.Ka, o.Kb = v.Args[0].AuxInt, v.Args[1].AuxInt
				}
				if o.ka && o.kb {
					o.ka, o.kb = false, false // both constant: the general kernel
				}
			}
			if o.k != bCopy {
				m.prog = append(m.prog, o)
			}
		}
	}
	m.fuseClamps(f)
	m.Reset()
	return m, nil
}

// fuseClamps rewrites select(x < K, K, x) as max(x, K) and select(x > K,
// K, x) as min(x, K) (also for ≤, ≥: equal words select the same word),
// the clamps of declared ranges: the compare's words are x's own (no
// shift) and K is a constant word of the select. A compare used by that
// select alone is dropped.
func (m *BatchFixed) fuseClamps(f *ir.Func) {
	uses := make([]int, len(m.cols))
	at := make([]int, len(m.cols))
	for i := range at {
		at[i] = -1
	}
	for _, blk := range f.Blocks {
		for _, v := range blk.Values {
			for _, a := range v.Args {
				uses[a.ID]++
			}
		}
	}
	for pi, o := range m.prog {
		at[o.dst] = pi
	}
	dead := make([]bool, len(m.prog))
	for pi := range m.prog {
		o := &m.prog[pi]
		if o.k != bSelect {
			continue
		}
		v := o.v
		c := v.Args[0]
		ci := at[c.ID]
		if ci < 0 {
			continue
		}
		co := &m.prog[ci]
		if co.k != bCmp || !co.kb || co.sa != 0 || co.sb != 0 {
			continue
		}
		x := c.Args[0]
		if v.Args[2] != x || v.Args[1].Op != ir.OpConst || v.Args[1].AuxInt != co.Kb {
			continue
		}
		switch c.Op {
		case ir.OpLt, ir.OpLe:
			o.k = bMaxK
		case ir.OpGt, ir.OpGe:
			o.k = bMinK
		default:
			continue
		}
		o.a, o.Kb = x.ID, co.Kb
		if uses[c.ID] == 1 {
			dead[ci] = true
			for _, a := range c.Args {
				uses[a.ID]--
			}
		}
	}
	// A floor-wrap cast of a product by a constant used by it alone: one
	// pass.
	for pi := range m.prog {
		o := &m.prog[pi]
		if o.k != bCastR || o.round != fixed.Floor || o.lo <= o.hi || !o.wrap || o.wsh == 0 {
			continue
		}
		ai := at[o.a]
		if ai < 0 || dead[ai] || uses[o.a] != 1 {
			continue
		}
		mo := &m.prog[ai]
		if mo.k != bMul || !mo.kb || mo.wrap && mo.wsh == 0 {
			continue
		}
		o.k, o.a, o.Kb, o.sb2 = bMulKFloorWrap, mo.a, mo.Kb, 0
		if mo.wrap {
			o.sb2 = mo.wsh
		}
		dead[ai] = true
	}
	// min(max(x, lo), hi), the max used by the min alone: one clamp.
	for pi := range m.prog {
		o := &m.prog[pi]
		if o.k != bMinK {
			continue
		}
		if ai := at[o.a]; ai >= 0 && !dead[ai] && m.prog[ai].k == bMaxK && uses[o.a] == 1 {
			o.k, o.lo, o.hi, o.a = bClampK, m.prog[ai].Kb, o.Kb, m.prog[ai].a
			dead[ai] = true
		}
	}
	prog := m.prog[:0]
	for pi, o := range m.prog {
		if !dead[pi] {
			prog = append(prog, o)
		}
	}
	m.prog = prog
}

// SetParams gives neuron i its own parameter values (indexed like
// F.Params) of a generic Func, as Fixed.SetParams does.
func (m *BatchFixed) SetParams(i int, vals []float64) error {
	words, err := ir.ParamWords(m.F, vals)
	if err != nil {
		return err
	}
	for _, o := range m.prog {
		if o.k != bCoef {
			continue
		}
		c := m.coef[o.dst]
		if c == nil {
			c = make([]int64, m.N)
			for j := range c {
				c[j] = m.own[o.dst][0]
			}
			m.coef[o.dst] = c
		}
		c[i] = words[o.dst]
	}
	return nil
}

// Reset loads every neuron's states with their initial words and clears
// the spikes.
func (m *BatchFixed) Reset() {
	for s, st := range m.F.States {
		col := m.State[s]
		for i := range col {
			col[i] = st.InitRaw
		}
	}
	clear(m.Spike)
	m.Steps = 0
}

// Step advances every neuron one step with the inputs in In. States and
// spikes are committed even when an assertion fails; the first failing
// neuron is returned as *BatchAssertError.
func (m *BatchFixed) Step() error { return m.stepN(m.N) }

// stepN is Step on neurons 0..n-1 only (n ≤ N): the rest keep their
// states and spikes.
func (m *BatchFixed) stepN(n int) error {
	m.Steps++
	m.fail = nil
	for lo := 0; lo < n; lo += BlockSize {
		m.block(lo, min(lo+BlockSize, n))
	}
	if m.fail != nil {
		return m.fail
	}
	return nil
}

func (m *BatchFixed) block(lo, hi int) {
	n := hi - lo
	cols := m.cols
	for pi := range m.prog {
		o := &m.prog[pi]
		switch o.k {
		case bState:
			cols[o.dst] = m.State[o.idx][lo:hi]
			continue
		case bInput:
			cols[o.dst] = m.In[o.idx][lo:hi]
			continue
		case bCoef:
			if c := m.coef[o.dst]; c != nil {
				cols[o.dst] = c[lo:hi]
			} else {
				cols[o.dst] = m.own[o.dst][:n]
			}
			continue
		case bConst:
			cols[o.dst] = m.own[o.dst][:n]
			continue
		}
		r := m.own[o.dst]
		if r != nil {
			r = r[:n]
			cols[o.dst] = r
		}
		a := cols[o.a][:n]
		// Two's complement wrap of add, sub, mul and neg happens in their
		// kernel's loop (w = 0: none); an unsigned wrap (mask) after it.
		w := uint(0)
		if o.wrap {
			w = o.wsh & 63
		}
		switch o.k {
		case bAdd:
			switch {
			case o.kb:
				addK(r, a, o.sa&63, o.Kb, w)
			case o.ka:
				addK(r, cols[o.b][:n], o.sb&63, o.Ka, w)
			default:
				add2(r, a, cols[o.b][:n], o.sa&63, o.sb&63, w)
			}
		case bSub:
			switch {
			case o.kb:
				addK(r, a, o.sa&63, -o.Kb, w)
			case o.ka:
				kSub(r, cols[o.b][:n], o.sb&63, o.Ka, w)
			default:
				sub2(r, a, cols[o.b][:n], o.sa&63, o.sb&63, w)
			}
		case bMul:
			switch {
			case o.kb:
				mulK(r, a, o.Kb, w)
			case o.ka:
				mulK(r, cols[o.b][:n], o.Ka, w)
			default:
				mul2(r, a, cols[o.b][:n], w)
			}
		case bNeg:
			neg(r, a, w)
		case bDiv:
			b := cols[o.b][:n]
			nf, df, to := o.v.Args[0].Type.Fmt, o.v.Args[1].Type.Fmt, o.v.Type.Fmt
			sh := df.Frac + to.Frac - nf.Frac
			for i := range r {
				r[i] = divWord(a[i], nf, b[i], df, to, sh)
			}
			continue // already wrapped
		case bCmp:
			if o.kb {
				cmpK(o.cmp, r, a, o.sa&63, o.Kb)
			} else {
				cmpCols(o.cmp, r, a, cols[o.b][:n], o.sa&63, o.sb&63)
			}
			continue
		case bCmpBig:
			b := cols[o.b][:n]
			x, y := o.v.Args[0].Type.Fmt, o.v.Args[1].Type.Fmt
			for i := range r {
				r[i] = b2i(compare(o.cmp, fixed.Compare(a[i], x, b[i], y)))
			}
			continue
		case bAnd:
			b := cols[o.b][:n]
			for i := range r {
				r[i] = a[i] & b[i]
			}
		case bOr:
			b := cols[o.b][:n]
			for i := range r {
				r[i] = a[i] | b[i]
			}
		case bNot:
			for i := range r {
				r[i] = 1 - a[i]
			}
		case bSelect:
			selectCol(r, a, cols[o.b][:n], cols[o.c][:n])
			continue
		case bMaxK:
			maxK(r, a, o.Kb)
			continue
		case bMinK:
			minK(r, a, o.Kb)
			continue
		case bClampK:
			clampK(r, a, o.lo, o.hi)
			continue
		case bMulKFloorWrap:
			mulKFloorWrap(r, a, o.Kb, o.sb2, o.sa, o.wsh)
			continue
		case bCastR:
			if o.round == fixed.Floor && o.lo <= o.hi {
				floorSat(r, a, o.sa&63, o.lo, o.hi)
				continue
			}
			if o.round == fixed.Floor && o.wrap && o.wsh != 0 {
				floorWrap(r, a, o.sa&63, o.wsh&63)
				continue
			}
			shiftCol(r, a, o.sa, o.round)
			if o.lo <= o.hi {
				satCol(r, o.lo, o.hi)
				continue
			}
		case bCastL:
			for i := range r {
				r[i] = a[i] << o.sa
			}
			if o.lo <= o.hi {
				satCol(r, o.lo, o.hi)
				continue
			}
		case bCastBig:
			from, to := o.v.Args[0].Type.Fmt, o.v.Type.Fmt
			for i := range r {
				r[i] = fixed.Cast(a[i], from, to, o.v.Round, o.v.Overflow)
			}
			continue
		case bTable:
			t := o.v.Table
			for i := range r {
				r[i] = t.Eval(a[i])
			}
			continue
		case bSpike:
			sp := m.Spike[lo:hi]
			for i := range sp {
				sp[i] = a[i] != 0
			}
			continue
		case bAssert:
			if m.fail == nil {
				for i := range a {
					if a[i] == 0 {
						m.fail = &BatchAssertError{Step: m.Steps, Neuron: lo + i, Value: o.v}
						break
					}
				}
			}
			continue
		}
		if o.wrap {
			switch {
			case o.wsh == 0:
				maskCol(r, o.wmask)
			case o.k != bAdd && o.k != bSub && o.k != bMul && o.k != bNeg: // those wrapped already
				wrapCol(r, o.wsh&63)
			}
		}
	}
	for _, c := range m.commit {
		if c.stage != nil {
			copy(c.stage[:n], cols[c.arg][:n])
		}
	}
	for _, c := range m.commit {
		src := cols[c.arg][:n]
		if c.stage != nil {
			src = c.stage[:n]
		}
		copy(m.State[c.state][lo:hi], src)
	}
}

func cmpCols(op ir.Op, r, a, b []int64, sa, sb uint) {
	b = b[:len(r)]
	a = a[:len(r)]
	sa, sb = sa&63, sb&63
	switch op {
	case ir.OpLt:
		for i := range r {
			r[i] = b2i(a[i]<<sa < b[i]<<sb)
		}
	case ir.OpLe:
		for i := range r {
			r[i] = b2i(a[i]<<sa <= b[i]<<sb)
		}
	case ir.OpGt:
		for i := range r {
			r[i] = b2i(a[i]<<sa > b[i]<<sb)
		}
	case ir.OpGe:
		for i := range r {
			r[i] = b2i(a[i]<<sa >= b[i]<<sb)
		}
	case ir.OpEq:
		for i := range r {
			r[i] = b2i(a[i]<<sa == b[i]<<sb)
		}
	default:
		for i := range r {
			r[i] = b2i(a[i]<<sa != b[i]<<sb)
		}
	}
}

// shiftCol is fixed.ShiftRight on a column, for shifts below 62.
func shiftCol(r, a []int64, s uint, m fixed.Round) {
	a = a[:len(r)]
	if s == 0 {
		copy(r, a)
		return
	}
	switch m {
	case fixed.Floor:
		for i := range r {
			r[i] = a[i] >> s
		}
	case fixed.HalfEven:
		half := int64(1) << (s - 1)
		mask := int64(1)<<s - 1
		for i := range r {
			q := a[i] >> s
			rem := a[i] & mask
			if rem > half || (rem == half && q&1 != 0) {
				q++
			}
			r[i] = q
		}
	case fixed.HalfUp:
		half := int64(1) << (s - 1)
		mask := int64(1)<<s - 1
		for i := range r {
			q := a[i] >> s
			if a[i]&mask >= half {
				q++
			}
			r[i] = q
		}
	default: // Zero
		mask := int64(1)<<s - 1
		for i := range r {
			q := a[i] >> s
			if a[i] < 0 && a[i]&mask != 0 {
				q++
			}
			r[i] = q
		}
	}
}

func satCol(r []int64, lo, hi int64) {
	for i, x := range r {
		r[i] = min(max(x, lo), hi)
	}
}

// divWord is fixed.Div without big integers when the aligned operands fit
// in int64 (Go's / truncates toward zero, as fixed.Div does); otherwise it
// calls fixed.Div.
func divWord(num int64, nf fixed.Format, den int64, df fixed.Format, to fixed.Format, sh int) int64 {
	if den != 0 && sh >= 0 && sh < 62 && num > -(1<<(62-sh)) && num < 1<<(62-sh) {
		return fixed.WrapTo((num<<uint(sh))/den, to)
	}
	if den != 0 && sh < 0 && -sh < 62 && den > -(1<<(62+sh)) && den < 1<<(62+sh) {
		return fixed.WrapTo(num/(den<<uint(-sh)), to)
	}
	return fixed.Div(num, nf, den, df, to)
}

// selectCol is r = a ? b : c, branch free (a holds bools, 0/1).
func selectCol(r, a, b, c []int64) {
	a, b, c = a[:len(r)], b[:len(r)], c[:len(r)]
	for i := range r {
		m := -a[i] // all ones when the condition holds
		r[i] = b[i]&m | c[i]&^m
	}
}

func maxK(r, a []int64, k int64) {
	a = a[:len(r)]
	for i := range r {
		r[i] = max(a[i], k)
	}
}

// mulKFloorWrap is mulK(a, k, w1) then floorWrap(s, w2) in one pass.
func mulKFloorWrap(r, a []int64, k int64, w1, s, w2 uint) {
	a = a[:len(r)]
	w1, s, w2 = w1&63, s&63, w2&63
	for i := range r {
		r[i] = a[i] * k << w1 >> w1 >> s << w2 >> w2
	}
}

func clampK(r, a []int64, lo, hi int64) {
	a = a[:len(r)]
	for i := range r {
		r[i] = min(max(a[i], lo), hi)
	}
}

func minK(r, a []int64, k int64) {
	a = a[:len(r)]
	for i := range r {
		r[i] = min(a[i], k)
	}
}

// wrapCol sign-extends r from its low 64-sh bits (two's complement wrap).
func wrapCol(r []int64, sh uint) {
	sh &= 63
	for i := range r {
		r[i] = r[i] << sh >> sh
	}
}

// maskCol keeps the bits m of r (unsigned wrap).
func maskCol(r []int64, m int64) {
	for i := range r {
		r[i] &= m
	}
}

// The arithmetic kernels wrap their result to its low 64-w bits (sign
// extended; w = 0: no wrap). Shifts are < 64.

func add2(r, a, b []int64, sa, sb, w uint) {
	a, b = a[:len(r)], b[:len(r)]
	sa, sb, w = sa&63, sb&63, w&63
	for i := range r {
		r[i] = (a[i]<<sa + b[i]<<sb) << w >> w
	}
}

func sub2(r, a, b []int64, sa, sb, w uint) {
	a, b = a[:len(r)], b[:len(r)]
	sa, sb, w = sa&63, sb&63, w&63
	for i := range r {
		r[i] = (a[i]<<sa - b[i]<<sb) << w >> w
	}
}

func addK(r, a []int64, sa uint, k int64, w uint) {
	a = a[:len(r)]
	sa, w = sa&63, w&63
	for i := range r {
		r[i] = (a[i]<<sa + k) << w >> w
	}
}

func kSub(r, b []int64, sb uint, k int64, w uint) {
	b = b[:len(r)]
	sb, w = sb&63, w&63
	for i := range r {
		r[i] = (k - b[i]<<sb) << w >> w
	}
}

func mulK(r, a []int64, k int64, w uint) {
	a = a[:len(r)]
	w &= 63
	for i := range r {
		r[i] = a[i] * k << w >> w
	}
}

func mul2(r, a, b []int64, w uint) {
	a, b = a[:len(r)], b[:len(r)]
	w &= 63
	for i := range r {
		r[i] = a[i] * b[i] << w >> w
	}
}

func neg(r, a []int64, w uint) {
	a = a[:len(r)]
	w &= 63
	for i := range r {
		r[i] = -a[i] << w >> w
	}
}

func cmpK(op ir.Op, r, a []int64, sa uint, k int64) {
	a = a[:len(r)]
	sa &= 63 // the callers' shifts are < 64: no shift guard in the loops
	switch op {
	case ir.OpLt:
		for i := range r {
			r[i] = b2i(a[i]<<sa < k)
		}
	case ir.OpLe:
		for i := range r {
			r[i] = b2i(a[i]<<sa <= k)
		}
	case ir.OpGt:
		for i := range r {
			r[i] = b2i(a[i]<<sa > k)
		}
	case ir.OpGe:
		for i := range r {
			r[i] = b2i(a[i]<<sa >= k)
		}
	case ir.OpEq:
		for i := range r {
			r[i] = b2i(a[i]<<sa == k)
		}
	default:
		for i := range r {
			r[i] = b2i(a[i]<<sa != k)
		}
	}
}

// castInRange reports whether every word of from, shifted right by s ≥ 0
// with any rounding (at most one more than floor) or left by −s, lies in
// to: the cast's overflow step can never act.
func castInRange(from, to fixed.Format, s int) bool {
	lo, hi := from.Min(), from.Max()
	if s >= 0 {
		lo, hi = lo>>uint(s), hi>>uint(s)+1
		if s == 0 {
			hi--
		}
	} else {
		if from.Width()-s > 62 {
			return false
		}
		lo, hi = lo<<uint(-s), hi<<uint(-s)
	}
	return lo >= to.Min() && hi <= to.Max()
}

func floorSat(r, a []int64, s uint, lo, hi int64) {
	a = a[:len(r)]
	for i := range r {
		r[i] = min(max(a[i]>>s, lo), hi)
	}
}

func floorWrap(r, a []int64, s, w uint) {
	a = a[:len(r)]
	for i := range r {
		r[i] = a[i] >> s << w >> w
	}
}
