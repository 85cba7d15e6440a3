package irgen

import (
	"math"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// builder emits one Func.
type builder struct {
	m    *lang.ModelInfo
	fn   *ir.Func
	blk  *ir.Block
	errs lang.ErrorList
	root *ctx

	reads   []*ir.Value // pre-step state reads (by slot), made on first use
	inputs  []*ir.Value // input reads, made on first use
	params  []*ir.Value // parameter reads, made on first use
	consts  map[constKey]*ir.Value
	letDeps [][]bool // per let (index into m.Lets): which slots it reads, transitively
	// clock is the index in fn.States of the hidden time state (-1: the
	// model does not read t); noiseIn the index in fn.Inputs of each noise
	// term's input (m.Noise order).
	clock     int
	noiseIn   []int
	readsMemo map[readsKey]bool // readsSlot's memo
	letIdx    map[*lang.Let]int
	lin       map[lang.Expr]linResult // linear's memo
}

type constKey struct {
	bits    uint64
	boolean bool
}

// Slots are what a context binds: the model's states (0..len(States)-1),
// then the time t (timeSlot), then the noise terms (noiseSlot).
func (b *builder) nSlots() int         { return len(b.m.States) + 1 + len(b.m.Noise) }
func (b *builder) timeSlot() int       { return len(b.m.States) }
func (b *builder) noiseSlot(k int) int { return len(b.m.States) + 1 + k }

// newBuilder prepares the lowering of m into fn; clock and noiseIn are
// the hidden time state and the noise inputs lowerModel added to fn.
func newBuilder(m *lang.ModelInfo, fn *ir.Func, clock int, noiseIn []int) *builder {
	b := &builder{m: m, fn: fn, blk: fn.Entry(), consts: map[constKey]*ir.Value{},
		inputs: make([]*ir.Value, len(fn.Inputs)),
		params: make([]*ir.Value, len(m.Params)),
		letIdx: map[*lang.Let]int{}, lin: map[lang.Expr]linResult{},
		clock: clock, noiseIn: noiseIn}
	b.reads = make([]*ir.Value, b.nSlots())
	b.root = &ctx{b: b}
	b.root.init()
	for i, l := range m.Lets {
		b.letIdx[l.Let] = i
		deps := make([]bool, b.nSlots())
		if !l.Let.StepConstant { // a step-constant let is a value of the step: it reads no slot
			walk(l.Let.Value, func(e lang.Expr) {
				id, ok := e.(*lang.Ident)
				if !ok {
					return
				}
				for j, d := range b.deps(id.Name) { // lets: earlier in topological order
					deps[j] = deps[j] || d
				}
			})
		}
		b.letDeps = append(b.letDeps, deps)
	}
	return b
}

func walk(e lang.Expr, f func(lang.Expr)) {
	f(e)
	switch e := e.(type) {
	case *lang.Unary:
		walk(e.X, f)
	case *lang.Binary:
		walk(e.X, f)
		walk(e.Y, f)
	case *lang.Call:
		for _, a := range e.Args {
			walk(a, f)
		}
	}
}

// ctx is an evaluation context: which value each state reads. The root
// reads the pre-step state; a child binds some states to other values
// (stage values, candidates) and inherits the rest. Lets are computed once
// per context, and a let that reads no bound state is taken from the parent.
type ctx struct {
	b      *builder
	parent *ctx
	bind   map[int]*ir.Value
	lets   map[int]*ir.Value
	folds  map[lang.Expr]folded
	emits  map[lang.Expr]*ir.Value // emit's memo: an expression is lowered once per context
}

type folded struct {
	s  sym
	ok bool
}

func (c *ctx) init() {
	c.bind = map[int]*ir.Value{}
	c.lets = map[int]*ir.Value{}
	c.folds = map[lang.Expr]folded{}
	c.emits = map[lang.Expr]*ir.Value{}
}

func (c *ctx) child() *ctx {
	k := &ctx{b: c.b, parent: c}
	k.init()
	return k
}

// bound returns the value state i is bound to in c, nil for the pre-step
// state.
func (c *ctx) bound(i int) *ir.Value {
	for k := c; k != nil; k = k.parent {
		if v, ok := k.bind[i]; ok {
			return v
		}
	}
	return nil
}

// state returns the value of slot i in c: a bound value, else the
// pre-step state (the clock state for the time). A noise term has no
// pre-step value: only the stochastic methods bind it.
func (c *ctx) state(i int, pos lang.Pos) *ir.Value {
	if v := c.bound(i); v != nil {
		return v
	}
	b := c.b
	if b.reads[i] != nil {
		return b.reads[i]
	}
	idx := i
	switch {
	case i == b.timeSlot():
		if b.clock < 0 {
			b.errs.Add(pos, msgTime)
			return b.konst(0, pos)
		}
		idx = b.clock
	case i > b.timeSlot():
		b.errs.Add(pos, msgNoiseOutside, b.m.Noise[i-b.timeSlot()-1])
		return b.konst(0, pos)
	}
	v := b.blk.NewValue(pos, ir.OpState, ir.F64)
	v.AuxInt = int64(idx)
	b.reads[i] = v
	return v
}

// let returns let i's value in c. A step-constant let (Brian2's
// `(constant over dt)`) is the pre-step value in every context.
func (c *ctx) let(i int) *ir.Value {
	if c != c.b.root && c.b.m.Lets[i].Let.StepConstant {
		return c.b.root.let(i)
	}
	if v, ok := c.lets[i]; ok {
		return v
	}
	if c.parent != nil && !c.bindsHere(c.b.letDeps[i]) {
		return c.parent.let(i)
	}
	v := c.b.emit(c.b.m.Lets[i].Let.Value, c)
	c.lets[i] = v
	return v
}

// bindsHere reports whether c itself (not its ancestors) binds a state in
// deps: only then can a let differ from the parent's.
func (c *ctx) bindsHere(deps []bool) bool {
	for i := 0; i < len(deps); i++ {
		if deps[i] {
			if _, ok := c.bind[i]; ok {
				return true
			}
		}
	}
	return false
}

func (b *builder) input(i int, pos lang.Pos) *ir.Value { return b.read(b.inputs, ir.OpInput, i, pos) }

// read returns reads[i], made on first use as op i (an input or a
// parameter read: one value each).
func (b *builder) read(reads []*ir.Value, op ir.Op, i int, pos lang.Pos) *ir.Value {
	if reads[i] == nil {
		v := b.blk.NewValue(pos, op, ir.F64)
		v.AuxInt = int64(i)
		reads[i] = v
	}
	return reads[i]
}

// konst returns a number constant (one value per distinct number).
func (b *builder) konst(x float64, pos lang.Pos) *ir.Value {
	k := constKey{bits: math.Float64bits(x)}
	if v, ok := b.consts[k]; ok {
		return v
	}
	v := b.blk.NewValue(pos, ir.OpConst, ir.F64)
	v.AuxFloat = x
	b.consts[k] = v
	return v
}

func (b *builder) boolConst(x bool, pos lang.Pos) *ir.Value {
	k := constKey{boolean: true}
	if x {
		k.bits = 1
	}
	if v, ok := b.consts[k]; ok {
		return v
	}
	v := b.blk.NewValue(pos, ir.OpConst, ir.Bool)
	v.AuxInt = int64(k.bits)
	b.consts[k] = v
	return v
}

func isBool(e lang.Expr) bool {
	switch e := e.(type) {
	case *lang.Unary:
		return e.Op == "!"
	case *lang.Binary:
		switch e.Op {
		case "<", "<=", ">", ">=", "==", "!=", "&&", "||":
			return true
		}
	}
	return false
}

// sym is a compile-time constant of the model: an IR value computed from
// numbers and parameters only (v), and its value under the parameter
// values being lowered (x), which decides structure (integer exponents,
// division by zero, the exact scheme's range) but is never emitted:
// folding is const-fold's (DESIGN §1), which computes the same float
// operations in the same order. pure marks a value that reads no
// parameter, so identities (k = 1) may be applied here.
type sym struct {
	x    float64
	v    *ir.Value
	pure bool
}

// num is a number constant as a sym.
func (b *builder) num(x float64, pos lang.Pos) sym { return sym{x, b.konst(x, pos), true} }

// symOp applies a real op to constant operands: the IR value and its
// float64 value under the current parameters (ir.EvalReal, the meaning
// const-fold will give it).
func (b *builder) symOp(pos lang.Pos, op ir.Op, t ir.Type, name string, args ...sym) sym {
	vs := make([]*ir.Value, len(args))
	pure := true
	for i, a := range args {
		vs[i] = a.v
		pure = pure && a.pure
	}
	v := b.blk.NewValue(pos, op, t, vs...)
	v.AuxName = name
	x, _ := ir.EvalReal(v, func(i int) float64 { return args[i].x })
	return sym{x, v, pure}
}

func (b *builder) symMul(pos lang.Pos, x, y sym) sym { return b.symOp(pos, ir.OpMul, ir.F64, "", x, y) }
func (b *builder) symDiv(pos lang.Pos, x, y sym) sym { return b.symOp(pos, ir.OpDiv, ir.F64, "", x, y) }
func (b *builder) symNeg(pos lang.Pos, x sym) sym    { return b.symOp(pos, ir.OpNeg, ir.F64, "", x) }

// param returns the read of parameter i (one value per parameter).
func (b *builder) param(i int, pos lang.Pos) *ir.Value { return b.read(b.params, ir.OpParam, i, pos) }

// fold returns e as a compile-time constant when it is one in c: numbers,
// units, parameters, dt, lets of those, and states c binds to constants.
// Non-finite values are not constants.
func (b *builder) fold(e lang.Expr, c *ctx) (sym, bool) {
	if r, ok := c.folds[e]; ok {
		return r.s, r.ok
	}
	v, ok := b.fold1(e, c)
	if ok && (math.IsNaN(v.x) || math.IsInf(v.x, 0)) {
		ok = false
	}
	c.folds[e] = folded{v, ok}
	return v, ok
}

func (b *builder) fold1(e lang.Expr, c *ctx) (sym, bool) {
	pos := e.GetPos()
	switch e := e.(type) {
	case *lang.Number:
		if e.Unit == "" {
			return b.num(e.Value, pos), true
		}
		u, _ := lang.LookupUnit(e.Unit)
		return b.num(e.Value*u.Factor, pos), true
	case *lang.Ident:
		s := b.m.Lookup(e.Name)
		switch s.Kind {
		case lang.SymParam:
			return sym{b.m.Params[s.Index].Value, b.param(s.Index, pos), false}, true
		case lang.SymUnit:
			u, _ := lang.LookupUnit(e.Name)
			return b.num(u.Factor, pos), true
		case lang.SymConst: // pi, e, inf (lang.LookupConstant)
			v, _ := lang.LookupConstant(e.Name)
			return b.num(v, pos), true
		case lang.SymDt:
			return b.num(b.m.Dt, pos), true
		case lang.SymLet:
			return b.fold(b.m.Lets[s.Index].Let.Value, c)
		case lang.SymState:
			if v := c.bound(s.Index); v != nil && v.Op == ir.OpConst && v.Type == ir.F64 {
				return sym{v.AuxFloat, v, true}, true
			}
		}
		return sym{}, false
	case *lang.Unary:
		x, ok := b.fold(e.X, c)
		if !ok {
			return sym{}, false
		}
		switch e.Op {
		case "-":
			return b.symNeg(pos, x), true
		case "!":
			return b.symOp(pos, ir.OpNot, ir.Bool, "", x), true
		}
		return x, true
	case *lang.Binary:
		x, ok := b.fold(e.X, c)
		if !ok {
			return sym{}, false
		}
		y, ok := b.fold(e.Y, c)
		if !ok || e.Op == "/" && y.x == 0 {
			return sym{}, false
		}
		if e.Op == "^" {
			return b.symOp(pos, ir.OpCall, ir.F64, "pow", x, y), true
		}
		op, known := binOps[e.Op]
		if !known {
			return sym{}, false
		}
		return b.symOp(pos, op, binType(op), "", x, y), true
	case *lang.Call:
		args := make([]sym, len(e.Args))
		for i, a := range e.Args {
			v, ok := b.fold(a, c)
			if !ok {
				return sym{}, false
			}
			args[i] = v
		}
		if fixed.LookupBuiltin(e.Fun) == nil {
			return sym{}, false
		}
		return b.symOp(pos, ir.OpCall, ir.F64, e.Fun, args...), true
	}
	return sym{}, false
}

// emit lowers e in context c (once per context and expression).
func (b *builder) emit(e lang.Expr, c *ctx) *ir.Value {
	if v, ok := c.emits[e]; ok {
		return v
	}
	v := b.emit1(e, c)
	c.emits[e] = v
	return v
}

func (b *builder) emit1(e lang.Expr, c *ctx) *ir.Value {
	pos := e.GetPos()
	if v, ok := b.fold(e, c); ok {
		return v.v
	}
	switch e := e.(type) {
	case *lang.Ident:
		s := b.m.Lookup(e.Name)
		switch s.Kind {
		case lang.SymState:
			return c.state(s.Index, pos)
		case lang.SymInput:
			return b.input(s.Index, pos)
		case lang.SymLet:
			return c.let(s.Index)
		case lang.SymTime:
			return c.state(b.timeSlot(), pos)
		case lang.SymNoise:
			return c.state(b.noiseSlot(s.Index), pos)
		default:
			b.errs.Add(pos, msgUnresolved, e.Name)
		}
		return b.konst(0, pos)
	case *lang.Unary:
		x := b.emit(e.X, c)
		switch e.Op {
		case "-":
			return b.blk.NewValue(pos, ir.OpNeg, ir.F64, x)
		case "!":
			return b.blk.NewValue(pos, ir.OpNot, ir.Bool, x)
		}
		return x
	case *lang.Binary:
		return b.binary(e, c)
	case *lang.Call:
		return b.call(e, c)
	}
	b.errs.Add(pos, msgUnresolved, lang.FormatExpr(e))
	return b.konst(0, pos)
}

// binOps maps the language's binary operators but ^ to ops.
var binOps = map[string]ir.Op{
	"+": ir.OpAdd, "-": ir.OpSub, "*": ir.OpMul, "/": ir.OpDiv,
	"<": ir.OpLt, "<=": ir.OpLe, ">": ir.OpGt, ">=": ir.OpGe, "==": ir.OpEq, "!=": ir.OpNe,
	"&&": ir.OpAnd, "||": ir.OpOr,
}

func (b *builder) binary(e *lang.Binary, c *ctx) *ir.Value {
	pos := e.Pos
	switch e.Op {
	case "/":
		if y, ok := b.fold(e.Y, c); ok {
			return b.scaled(e.X, b.symDiv(pos, b.num(1, pos), y), c, pos)
		}
		return b.blk.NewValue(pos, ir.OpDiv, ir.F64, b.emit(e.X, c), b.emit(e.Y, c))
	case "*":
		if y, ok := b.fold(e.Y, c); ok {
			return b.scaled(e.X, y, c, pos)
		}
		if x, ok := b.fold(e.X, c); ok {
			return b.scaled(e.Y, x, c, pos)
		}
	case "^":
		return b.pow(e.X, e.Y, c, pos)
	}
	op := binOps[e.Op]
	return b.blk.NewValue(pos, op, binType(op), b.emit(e.X, c), b.emit(e.Y, c))
}

// binType is the result type of a binary op: bool for comparisons and
// connectives, f64 otherwise.
func binType(op ir.Op) ir.Type {
	if op.IsCompare() || op == ir.OpAnd || op == ir.OpOr {
		return ir.Bool
	}
	return ir.F64
}

// scaled emits k·e, pushing the constant factor into products and
// quotients by constants so that chains of constants fold into one.
func (b *builder) scaled(e lang.Expr, k sym, c *ctx, pos lang.Pos) *ir.Value {
	if math.IsInf(k.x, 0) || math.IsNaN(k.x) {
		b.errs.Add(pos, msgDivZero)
		return b.konst(0, pos)
	}
	if v, ok := b.fold(e, c); ok {
		return b.symMul(pos, k, v).v
	}
	switch x := e.(type) {
	case *lang.Binary:
		switch x.Op {
		case "*":
			if y, ok := b.fold(x.Y, c); ok {
				return b.scaled(x.X, b.symMul(pos, k, y), c, pos)
			}
			if y, ok := b.fold(x.X, c); ok {
				return b.scaled(x.Y, b.symMul(pos, k, y), c, pos)
			}
		case "/":
			if y, ok := b.fold(x.Y, c); ok && y.x != 0 {
				return b.scaled(x.X, b.symDiv(pos, k, y), c, pos)
			}
		}
	case *lang.Unary:
		if x.Op == "-" {
			return b.scaled(x.X, b.symNeg(pos, k), c, pos)
		}
		if x.Op == "+" {
			return b.scaled(x.X, k, c, pos)
		}
	}
	v := b.emit(e, c)
	if k.pure && k.x == 1 {
		return v
	}
	if k.pure && k.x == -1 {
		return b.blk.NewValue(pos, ir.OpNeg, ir.F64, v)
	}
	return b.blk.NewValue(pos, ir.OpMul, ir.F64, v, k.v)
}

// pow emits x^y: a constant integer exponent 0..±8 as repeated
// multiplication (negative: 1 divided by it), anything else as call pow.
func (b *builder) pow(xe, ye lang.Expr, c *ctx, pos lang.Pos) *ir.Value {
	if s, ok := b.fold(ye, c); ok && s.x == math.Trunc(s.x) && math.Abs(s.x) <= 8 {
		n := s.x
		if n == 0 {
			return b.konst(1, pos)
		}
		x := b.emit(xe, c)
		p := x
		for i := 1; i < int(math.Abs(n)); i++ {
			p = b.blk.NewValue(pos, ir.OpMul, ir.F64, p, x)
		}
		if n < 0 {
			p = b.blk.NewValue(pos, ir.OpDiv, ir.F64, b.konst(1, pos), p)
		}
		return p
	}
	v := b.blk.NewValue(pos, ir.OpCall, ir.F64, b.emit(xe, c), b.emit(ye, c))
	v.AuxName = "pow"
	return v
}

func (b *builder) call(e *lang.Call, c *ctx) *ir.Value {
	pos := e.Pos
	if e.Fun == "pow" {
		return b.pow(e.Args[0], e.Args[1], c, pos)
	}
	args := make([]*ir.Value, len(e.Args))
	for i, a := range e.Args {
		args[i] = b.emit(a, c)
	}
	sel := func(cond *ir.Value, x, y *ir.Value) *ir.Value {
		return b.blk.NewValue(pos, ir.OpSelect, ir.F64, cond, x, y)
	}
	switch e.Fun {
	case "abs":
		x := args[0]
		neg := b.blk.NewValue(pos, ir.OpLt, ir.Bool, x, b.konst(0, pos))
		return sel(neg, b.blk.NewValue(pos, ir.OpNeg, ir.F64, x), x)
	case "min":
		return sel(b.blk.NewValue(pos, ir.OpLt, ir.Bool, args[0], args[1]), args[0], args[1])
	case "max":
		return sel(b.blk.NewValue(pos, ir.OpGt, ir.Bool, args[0], args[1]), args[0], args[1])
	case "clip":
		x, lo, hi := args[0], args[1], args[2]
		m := sel(b.blk.NewValue(pos, ir.OpLt, ir.Bool, x, lo), lo, x)
		return sel(b.blk.NewValue(pos, ir.OpGt, ir.Bool, m, hi), hi, m)
	}
	v := b.blk.NewValue(pos, ir.OpCall, ir.F64, args...)
	v.AuxName = e.Fun
	return v
}
