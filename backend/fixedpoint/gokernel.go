package fixedpoint

import (
	"bytes"
	"fmt"
	"go/format"
	"math"
	"math/big"
	"strings"

	"scc/fixed"
	"scc/ir"
)

// goKernel emits the portable population kernel of f (see GoKernel).
//
// Every IR value becomes an int64 local of the fused per-neuron loop, and
// every op the Go expression that computes, on the raw words, exactly what
// sim.Fixed computes (ir/op.go, fixed/arith.go, fixed/table.go). The
// generator knows each value's raw interval (from the types of states,
// inputs and coefficients, which hold words of their formats, and the
// ops' exact arithmetic), so it leaves out a wrap or a clamp only where the
// interval proves it the identity; values of constants alone are folded
// with the fixed package itself. A Func with an assertion is rejected (a
// population cannot report a failed one), and so is an op whose exact
// result the generator does not express (a division scaled by 2^64 or
// more, a comparison across more than 62 fraction bits): the error says
// which.
func goKernel(f *ir.Func, opt GoOptions) ([]byte, error) {
	if err := ir.VerifyFunc(f, ir.Fixed); err != nil {
		return nil, fmt.Errorf("fixedpoint: %v", err)
	}
	if opt.Type == "" {
		return nil, fmt.Errorf("fixedpoint: %s: GoOptions.Type is empty", f.Name)
	}
	if opt.Package == "" {
		opt.Package = "kernels"
	}
	g := &kgen{f: f, opt: opt, T: opt.Type}
	if err := g.analyse(); err != nil {
		return nil, fmt.Errorf("fixedpoint: %s: %v", f.Name, err)
	}
	if err := g.loop(); err != nil {
		return nil, fmt.Errorf("fixedpoint: %s: %v", f.Name, err)
	}
	g.file()
	out, err := format.Source(g.out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("fixedpoint: %s: generated Go does not parse: %v", f.Name, err)
	}
	return out, nil
}

// interval is a closed interval of raw words, exact (big).
type interval struct{ lo, hi *big.Int }

func pt(x int64) interval { return interval{big.NewInt(x), big.NewInt(x)} }

func span(lo, hi int64) interval { return interval{big.NewInt(lo), big.NewInt(hi)} }

func (a interval) add(b interval) interval {
	return interval{new(big.Int).Add(a.lo, b.lo), new(big.Int).Add(a.hi, b.hi)}
}

func (a interval) sub(b interval) interval {
	return interval{new(big.Int).Sub(a.lo, b.hi), new(big.Int).Sub(a.hi, b.lo)}
}

func (a interval) neg() interval {
	return interval{new(big.Int).Neg(a.hi), new(big.Int).Neg(a.lo)}
}

func (a interval) mul(b interval) interval {
	ps := []*big.Int{
		new(big.Int).Mul(a.lo, b.lo), new(big.Int).Mul(a.lo, b.hi),
		new(big.Int).Mul(a.hi, b.lo), new(big.Int).Mul(a.hi, b.hi),
	}
	lo, hi := ps[0], ps[0]
	for _, p := range ps[1:] {
		if p.Cmp(lo) < 0 {
			lo = p
		}
		if p.Cmp(hi) > 0 {
			hi = p
		}
	}
	return interval{lo, hi}
}

// shl multiplies by 2^k (k ≥ 0).
func (a interval) shl(k int) interval {
	return interval{new(big.Int).Lsh(a.lo, uint(k)), new(big.Int).Lsh(a.hi, uint(k))}
}

func (a interval) union(b interval) interval {
	lo, hi := a.lo, a.hi
	if b.lo.Cmp(lo) < 0 {
		lo = b.lo
	}
	if b.hi.Cmp(hi) > 0 {
		hi = b.hi
	}
	return interval{lo, hi}
}

// within reports whether a ⊆ [lo, hi].
func (a interval) within(lo, hi int64) bool {
	return a.lo.Cmp(big.NewInt(lo)) >= 0 && a.hi.Cmp(big.NewInt(hi)) <= 0
}

func (a interval) fits64() bool { return a.within(math.MinInt64, math.MaxInt64) }

// typeRange is the raw interval of a word of type t.
func typeRange(t ir.Type) interval {
	if t.Kind == ir.KBool {
		return span(0, 1)
	}
	return span(t.Fmt.Min(), t.Fmt.Max())
}

// kgen generates one kernel.
type kgen struct {
	f   *ir.Func
	opt GoOptions
	T   string // the kernel's type name

	order  []*ir.Value
	live   []bool
	isK    []bool  // value is a constant (folded)
	k      []int64 // its word
	rng    []interval
	coefs  []*ir.Value
	coefIx map[int]int // value ID → coef column

	body   bytes.Buffer // the loop body
	tables bytes.Buffer // package-level table data
	ntab   int
	spike  *ir.Value
	next   []*ir.Value // per state: its next op's arg
	out    bytes.Buffer
	bits   bool // the loop uses math/bits
}

func (g *kgen) analyse() error {
	f := g.f
	n := f.NumValues()
	g.live = make([]bool, n)
	g.isK = make([]bool, n)
	g.k = make([]int64, n)
	g.rng = make([]interval, n)
	g.coefIx = map[int]int{}
	g.next = make([]*ir.Value, len(f.States))
	for _, b := range f.Blocks {
		g.order = append(g.order, b.Values...)
	}
	g.coefs = coefs(f)
	for k, v := range g.coefs {
		g.coefIx[v.ID] = k
	}
	for _, v := range g.order {
		switch v.Op {
		case ir.OpNext:
			g.next[v.AuxInt] = v.Args[0]
		case ir.OpSpike:
			g.spike = v.Args[0]
		}
	}
	for i, a := range g.next {
		if a == nil {
			return fmt.Errorf("state %q has no next", f.States[i].Name)
		}
	}
	for _, v := range g.order {
		if v.Op == ir.OpAssert {
			// A population has no way to report a failed assertion, so a
			// Func with one runs on the interpreter, which does.
			return fmt.Errorf("%v: the kernel of a model with an assertion cannot report it (the interpreter does)", v.Pos)
		}
	}
	// Liveness: what next and spike need.
	for i := len(g.order) - 1; i >= 0; i-- {
		v := g.order[i]
		if v.Op == ir.OpNext || v.Op == ir.OpSpike {
			g.live[v.ID] = true
		}
		if !g.live[v.ID] {
			continue
		}
		for _, a := range v.Args {
			g.live[a.ID] = true
		}
	}
	return nil
}

// lit returns the Go expression of value a's word: its literal when it is
// a constant, else its local.
func (g *kgen) lit(a *ir.Value) string {
	if g.isK[a.ID] {
		return fmt.Sprint(g.k[a.ID])
	}
	return fmt.Sprintf("v%d", a.ID)
}

// term is a's word times 2^s (s may be any int: Go's r << uint(s) is 0 for
// s ≥ 64 and for negative s, as fixed.Align computes it), as an expression,
// and the interval of the exact product (wrapped when the shift loses bits:
// then exact is false).
func (g *kgen) term(a *ir.Value, s int) (string, interval, bool) {
	if g.isK[a.ID] {
		w := g.k[a.ID] << uint(s)
		return fmt.Sprint(w), pt(w), true
	}
	r := g.rng[a.ID]
	switch {
	case s == 0:
		return g.lit(a), r, true
	case s > 0 && s < 64:
		return fmt.Sprintf("(%s << %d)", g.lit(a), s), r.shl(s), true
	}
	return "0", pt(0), false
}

func (g *kgen) emit(format string, args ...any) {
	fmt.Fprintf(&g.body, format, args...)
	g.body.WriteByte('\n')
}

// wrap emits the statement that wraps local name (whose exact value lies
// in r, or anywhere in int64 when !exact) to t's width, unless r proves
// it is already there, and returns the interval of the result.
func (g *kgen) wrap(name string, t ir.Type, r interval, exact bool) interval {
	tr := typeRange(t)
	if exact && r.within(t.Fmt.Min(), t.Fmt.Max()) {
		return r
	}
	w := t.Fmt.Width()
	switch {
	case w >= 64:
		if exact && r.fits64() {
			return r
		}
		return tr
	case t.Fmt.Signed:
		g.emit("%s = %s << %d >> %d", name, name, 64-w, 64-w)
	default:
		g.emit("%s &= %d", name, uint64(1)<<uint(w)-1)
	}
	return tr
}

// fold computes a value of constant args exactly as sim.Fixed does.
func (g *kgen) fold(v *ir.Value) (int64, bool) {
	if len(v.Args) == 0 {
		return 0, false
	}
	for _, a := range v.Args {
		if !g.isK[a.ID] {
			return 0, false
		}
	}
	a := func(i int) int64 { return g.k[v.Args[i].ID] }
	af := func(i int) fixed.Format { return v.Args[i].Type.Fmt }
	switch v.Op {
	case ir.OpAdd:
		return fixed.Add(a(0), af(0), a(1), af(1), v.Type.Fmt), true
	case ir.OpSub:
		return fixed.Sub(a(0), af(0), a(1), af(1), v.Type.Fmt), true
	case ir.OpMul:
		return fixed.WrapTo(int64(uint64(a(0))*uint64(a(1))), v.Type.Fmt), true
	case ir.OpNeg:
		return fixed.WrapTo(int64(-uint64(a(0))), v.Type.Fmt), true
	case ir.OpDiv:
		return fixed.Div(a(0), af(0), a(1), af(1), v.Type.Fmt), true
	case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
		var c int
		x, y := v.Args[0], v.Args[1]
		if x.Type.Kind == ir.KFixed && y.Type.Kind == ir.KFixed {
			c = fixed.Compare(a(0), af(0), a(1), af(1))
		} else {
			c = cmpInt(a(0), a(1))
		}
		if cmpHolds(v.Op, c) {
			return 1, true
		}
		return 0, true
	case ir.OpAnd:
		return a(0) & a(1), true
	case ir.OpOr:
		return a(0) | a(1), true
	case ir.OpNot:
		return 1 - a(0), true
	case ir.OpSelect:
		if a(0) != 0 {
			return a(1), true
		}
		return a(2), true
	case ir.OpCast:
		return fixed.Cast(a(0), af(0), v.Type.Fmt, v.Round, v.Overflow), true
	case ir.OpTable:
		return v.Table.Eval(a(0)), true
	}
	return 0, false
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func cmpHolds(op ir.Op, c int) bool {
	switch op {
	case ir.OpLt:
		return c < 0
	case ir.OpLe:
		return c <= 0
	case ir.OpGt:
		return c > 0
	case ir.OpGe:
		return c >= 0
	case ir.OpEq:
		return c == 0
	}
	return c != 0
}

var cmpOps = map[ir.Op]string{ir.OpLt: "<", ir.OpLe: "<=", ir.OpGt: ">", ir.OpGe: ">=", ir.OpEq: "==", ir.OpNe: "!="}

// loop emits the body of the per-neuron loop.
func (g *kgen) loop() error {
	for _, v := range g.order {
		if !g.live[v.ID] || v.Op.Info().Void {
			continue
		}
		if v.Op == ir.OpConst {
			g.isK[v.ID], g.k[v.ID], g.rng[v.ID] = true, v.AuxInt, pt(v.AuxInt)
			continue
		}
		if w, ok := g.fold(v); ok {
			g.isK[v.ID], g.k[v.ID], g.rng[v.ID] = true, w, pt(w)
			continue
		}
		r, err := g.value(v)
		if err != nil {
			return fmt.Errorf("%v: %s: %v", v.Pos, v.LongString(), err)
		}
		g.rng[v.ID] = r
	}
	return nil
}

// load is the expression reading column entry col[j] of a word of type t.
func load(col string, t ir.Type) string {
	if t.Kind == ir.KFixed && !t.Fmt.Signed {
		return fmt.Sprintf("int64(uint%d(%s[j]))", laneBits(t), col)
	}
	return fmt.Sprintf("int64(%s[j])", col)
}

// value emits v (not constant) and returns its interval.
func (g *kgen) value(v *ir.Value) (interval, error) {
	name := fmt.Sprintf("v%d", v.ID)
	t := v.Type
	arg := func(i int) *ir.Value { return v.Args[i] }
	switch v.Op {
	case ir.OpState:
		g.emit("%s := %s", name, load(fmt.Sprintf("s%d", v.AuxInt), t))
		return typeRange(t), nil
	case ir.OpInput:
		g.emit("%s := %s", name, load(fmt.Sprintf("i%d", v.AuxInt), t))
		return typeRange(t), nil
	case ir.OpCoef:
		g.emit("%s := %s", name, load(fmt.Sprintf("c%d", g.coefIx[v.ID]), t))
		return typeRange(t), nil

	case ir.OpAdd, ir.OpSub:
		x, xr, xe := g.term(arg(0), t.Fmt.Frac-arg(0).Type.Fmt.Frac)
		y, yr, ye := g.term(arg(1), t.Fmt.Frac-arg(1).Type.Fmt.Frac)
		var r interval
		if v.Op == ir.OpAdd {
			g.emit("%s := %s + %s", name, x, y)
			r = xr.add(yr)
		} else {
			g.emit("%s := %s - %s", name, x, y)
			r = xr.sub(yr)
		}
		return g.wrap(name, t, r, xe && ye), nil

	case ir.OpMul:
		g.emit("%s := %s * %s", name, g.lit(arg(0)), g.lit(arg(1)))
		return g.wrap(name, t, g.rng[arg(0).ID].mul(g.rng[arg(1).ID]), true), nil

	case ir.OpNeg:
		g.emit("%s := -%s", name, g.lit(arg(0)))
		return g.wrap(name, t, g.rng[arg(0).ID].neg(), true), nil

	case ir.OpDiv:
		return g.div(v, name)

	case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
		x, y := arg(0), arg(1)
		var xs, ys string
		if x.Type.Kind == ir.KFixed && y.Type.Kind == ir.KFixed {
			m := max(x.Type.Fmt.Frac, y.Type.Fmt.Frac)
			var xr, yr interval
			var xe, ye bool
			xs, xr, xe = g.term(x, m-x.Type.Fmt.Frac)
			ys, yr, ye = g.term(y, m-y.Type.Fmt.Frac)
			if !xe || !ye || !xr.fits64() || !yr.fits64() {
				return g.bigCompare(v, name)
			}
		} else {
			xs, ys = g.lit(x), g.lit(y)
		}
		g.emit("%s := int64(0)", name)
		g.emit("if %s %s %s {\n%s = 1\n}", xs, cmpOps[v.Op], ys, name)
		return span(0, 1), nil

	case ir.OpAnd:
		g.emit("%s := %s & %s", name, g.lit(arg(0)), g.lit(arg(1)))
		return span(0, 1), nil
	case ir.OpOr:
		g.emit("%s := %s | %s", name, g.lit(arg(0)), g.lit(arg(1)))
		return span(0, 1), nil
	case ir.OpNot:
		g.emit("%s := 1 - %s", name, g.lit(arg(0)))
		return span(0, 1), nil

	case ir.OpSelect:
		c, a, b := arg(0), arg(1), arg(2)
		if g.isK[c.ID] { // a constant condition (the fold needs all three)
			if g.k[c.ID] != 0 {
				g.emit("%s := int64(%s)", name, g.lit(a))
				return g.rng[a.ID], nil
			}
			g.emit("%s := int64(%s)", name, g.lit(b))
			return g.rng[b.ID], nil
		}
		g.emit("%s := int64(%s)", name, g.lit(b))
		g.emit("if %s != 0 {\n%s = %s\n}", g.lit(c), name, g.lit(a))
		return g.rng[a.ID].union(g.rng[b.ID]), nil

	case ir.OpCast:
		return g.cast(v, name)

	case ir.OpTable:
		return g.table(v, name)
	}
	return interval{}, fmt.Errorf("op %v is not supported by the Go kernel generator", v.Op)
}

// cast emits fixed.Cast(x, from, to, round, overflow).
func (g *kgen) cast(v *ir.Value, name string) (interval, error) {
	a := v.Args[0]
	x := g.lit(a)
	xr := g.rng[a.ID]
	from, to := a.Type.Fmt, v.Type.Fmt
	s := from.Frac - to.Frac
	var r interval
	switch {
	case s == 0:
		g.emit("%s := %s", name, x)
		r = xr
	case s >= 64:
		// |x / 2^s| ≤ 1/2: floor gives -1 for a negative word, every
		// other mode 0 (-1/2, from MinInt64 at s = 64, rounds half up and
		// half to even to 0).
		if v.Round == fixed.Floor {
			g.emit("%s := %s >> 63", name, x)
		} else {
			g.emit("%s := int64(0)", name)
		}
		lo := fixed.ShiftRight(xr.lo.Int64(), s, v.Round)
		hi := fixed.ShiftRight(xr.hi.Int64(), s, v.Round)
		r = span(lo, hi)
	case s > 0:
		m := int64(1)<<uint(s) - 1 // 2^63-1 at s = 63
		switch v.Round {
		case fixed.Floor:
			g.emit("%s := %s >> %d", name, x, s)
		case fixed.Zero:
			// Add 2^s-1 to a negative word first: truncation toward zero.
			g.emit("%s := (%s + (%s>>63)&%d) >> %d", name, x, x, m, s)
		case fixed.HalfUp:
			// Round up when the dropped bits are at least one half: bit s-1.
			g.emit("%s := %s>>%d + (%s>>%d)&1", name, x, s, x, s-1)
		case fixed.HalfEven:
			// floor + (rem + half - 1 + (floor&1)) >> s: up when rem >
			// half, or rem == half and floor is odd.
			g.emit("%s := %s >> %d", name, x, s)
			if s < 62 {
				g.emit("%s += (%s&%d + %d + %s&1) >> %d", name, x, m, int64(1)<<uint(s-1)-1, name, s)
			} else { // the sum needs 64 bits unsigned
				g.emit("%s += int64((uint64(%s&%d) + %d + uint64(%s&1)) >> %d)", name, x, m, int64(1)<<uint(s-1)-1, name, s)
			}
		default:
			return interval{}, fmt.Errorf("rounding mode %v is not supported", v.Round)
		}
		lo := fixed.ShiftRight(xr.lo.Int64(), s, v.Round)
		hi := fixed.ShiftRight(xr.hi.Int64(), s, v.Round)
		r = span(lo, hi)
	case s < 0:
		k := -s
		sh := xr.shl(k)
		if sh.fits64() && k < 64 {
			g.emit("%s := %s << %d", name, x, k)
			r = sh
			break
		}
		// The exact x·2^k leaves int64: decide saturation on x itself
		// (castBig), or keep the low 64 bits for a wrap.
		if v.Overflow == fixed.Sat {
			hiX := to.Max() >> uint(min(k, 63))
			// ceil(Min / 2^k)
			loX := new(big.Int).Neg(new(big.Int).Rsh(new(big.Int).Neg(big.NewInt(to.Min())), uint(k))).Int64()
			g.emit("%s := %s", name, g.shlExpr(x, k))
			g.emit("if %s > %d {\n%s = %d\n}", x, hiX, name, to.Max())
			g.emit("if %s < %d {\n%s = %d\n}", x, loX, name, to.Min())
			return typeRange(v.Type), nil
		}
		g.emit("%s := %s", name, g.shlExpr(x, k))
		return g.wrap(name, v.Type, interval{}, false), nil
	}
	if v.Overflow == fixed.Sat {
		lo, hi := to.Min(), to.Max()
		needLo := r.lo.Cmp(big.NewInt(lo)) < 0
		needHi := r.hi.Cmp(big.NewInt(hi)) > 0
		// The min and max builtins: Go compiles them to CMOVs or to
		// branches as it sees fit (measured: arithmetic branch-free
		// clamps were slower on the library models, even on random
		// inputs, as saturation is rare).
		switch {
		case needLo && needHi:
			g.emit("%s = min(max(%s, %d), %d)", name, name, lo, hi)
		case needLo:
			g.emit("%s = max(%s, %d)", name, name, lo)
		case needHi:
			g.emit("%s = min(%s, %d)", name, name, hi)
		}
		if !r.fits64() {
			return interval{}, fmt.Errorf("internal: cast interval leaves int64")
		}
		rl, rh := max(r.lo.Int64(), lo), min(r.hi.Int64(), hi)
		if rl > rh { // r lies wholly outside: the clamp gives one end
			if r.hi.Cmp(big.NewInt(lo)) < 0 {
				return pt(lo), nil
			}
			return pt(hi), nil
		}
		return span(rl, rh), nil
	}
	return g.wrap(name, v.Type, r, true), nil
}

// shlExpr is x << k as Go evaluates r << uint(k) (0 for k ≥ 64).
func (g *kgen) shlExpr(x string, k int) string {
	if k >= 64 {
		return "0"
	}
	return fmt.Sprintf("%s << %d", x, k)
}

// div emits fixed.Div for the operand intervals where int64 arithmetic is
// exact; others are reported as unsupported.
func (g *kgen) div(v *ir.Value, name string) (interval, error) {
	a, b := v.Args[0], v.Args[1]
	nf, df, to := a.Type.Fmt, b.Type.Fmt, v.Type.Fmt
	sh := df.Frac + to.Frac - nf.Frac
	nr, dr := g.rng[a.ID], g.rng[b.ID]
	num, den := g.lit(a), g.lit(b)
	var ns, ds string
	switch {
	case sh >= 0 && sh < 63 && nr.shl(sh).fits64():
		ns, ds = fmt.Sprintf("(%s << %d)", num, sh), "d"
	case sh < 0 && -sh < 63 && dr.shl(-sh).fits64():
		ns, ds = num, fmt.Sprintf("(d << %d)", -sh)
	case sh > -64 && sh < 64:
		return g.wideDiv(v, name, sh)
	default:
		return interval{}, fmt.Errorf("a division scaled by 2^%d is not supported", sh)
	}
	// A zero denominator gives max (num ≥ 0) or min; d is never 0 so the
	// division does not trap. Go's int64 quotient truncates toward zero
	// and keeps the low 64 bits (MinInt64 / -1), as fixed.Div does.
	g.emit("var %s int64", name)
	g.emit("{\nd := int64(%s)\nif d == 0 {\nd = 1\n}", den)
	g.emit("%s = %s / %s", name, ns, ds)
	g.emit("if %s == 0 {\n%s = %d\nif %s < 0 {\n%s = %d\n}\n}\n}", den, name, to.Max(), num, name, to.Min())
	// The quotient wraps to the result type.
	return g.wrap(name, v.Type, interval{}, false), nil
}

// wideDiv emits fixed.Div through 128-bit unsigned arithmetic (math/bits):
// |q| = ⌊|num|·2^sh / |den|⌋ (or ⌊|num| / (|den|·2^-sh)⌋), whose low 64
// bits, signed, are the quotient fixed.Div wraps.
func (g *kgen) wideDiv(v *ir.Value, name string, sh int) (interval, error) {
	to := v.Type.Fmt
	num, den := g.lit(v.Args[0]), g.lit(v.Args[1])
	g.bits = true
	g.emit("var %s int64", name)
	g.emit("{\nn, d := int64(%s), int64(%s)", num, den)
	g.emit("un, ud := uint64(n), uint64(d)\nif n < 0 {\nun = -un\n}\nif d < 0 {\nud = -ud\n}")
	g.emit("var q uint64")
	switch {
	case sh == 0:
		g.emit("if d != 0 {\nq = un / ud\n}")
	case sh > 0:
		g.emit("if d != 0 {\nhi, lo := un>>%d, un<<%d\nq, _ = bits.Div64(hi%%ud, lo, ud)\n}", 64-sh, sh)
	default:
		k := -sh
		g.emit("if d != 0 && bits.Len64(ud)+%d <= 64 {\nq = un / (ud << %d)\n}", k, k)
	}
	g.emit("%s = int64(q)\nif (n < 0) != (d < 0) {\n%s = -%s\n}", name, name, name)
	g.emit("if d == 0 {\n%s = %d\nif n < 0 {\n%s = %d\n}\n}\n}", name, to.Max(), name, to.Min())
	return g.wrap(name, v.Type, interval{}, false), nil
}

// bigCompare emits a comparison of x·2^sx with y·2^sy (one shift is 0)
// whose shifted operand leaves int64, exactly: with a = ⌊y / 2^s⌋ and
// rem = y mod 2^s, x·2^s < y iff x < a or (x == a and rem != 0), and
// x·2^s ≤ y iff x ≤ a (mirrored when y is the shifted one).
func (g *kgen) bigCompare(v *ir.Value, name string) (interval, error) {
	x, y := v.Args[0], v.Args[1]
	op := v.Op
	s := y.Type.Fmt.Frac - x.Type.Fmt.Frac // x is shifted by s
	if s < 0 {
		x, y, s = y, x, -s
		op = map[ir.Op]ir.Op{ir.OpLt: ir.OpGt, ir.OpLe: ir.OpGe, ir.OpGt: ir.OpLt, ir.OpGe: ir.OpLe, ir.OpEq: ir.OpEq, ir.OpNe: ir.OpNe}[op]
	}
	if s > 62 {
		return interval{}, fmt.Errorf("a comparison across %d fraction bits is not supported", s)
	}
	xs, ys := g.lit(x), g.lit(y)
	g.emit("%s := int64(0)", name)
	g.emit("{\na := int64(%s) >> %d", ys, s)
	if op != ir.OpLe && op != ir.OpGt {
		g.emit("rem := int64(%s) & %d", ys, int64(1)<<uint(s)-1)
	}
	var cond string
	switch op {
	case ir.OpLt: // x·2^s < y
		cond = fmt.Sprintf("%s < a || (%s == a && rem != 0)", xs, xs)
	case ir.OpLe:
		cond = fmt.Sprintf("%s <= a", xs)
	case ir.OpGt:
		cond = fmt.Sprintf("%s > a", xs)
	case ir.OpGe:
		cond = fmt.Sprintf("%s > a || (%s == a && rem == 0)", xs, xs)
	case ir.OpEq:
		cond = fmt.Sprintf("%s == a && rem == 0", xs)
	default:
		cond = fmt.Sprintf("%s != a || rem != 0", xs)
	}
	g.emit("if %s {\n%s = 1\n}\n}", cond, name)
	return span(0, 1), nil
}

// table emits fixed.Table.Eval with the table data as a package-level
// array of (Y[i], Y[i+1]-Y[i]) pairs, padded to a power of two so the
// index needs no bounds check: the argument is clamped into [0, n·2^Shift]
// first (below gives Y[0], above Y[n], with the pair (Y[n], 0)).
func (g *kgen) table(v *ir.Value, name string) (interval, error) {
	t := v.Table
	x := g.lit(v.Args[0])
	n := len(t.Y) - 1
	p := 1
	for p < n+1 {
		p <<= 1
	}
	tab := fmt.Sprintf("tab%s%d", g.T, g.ntab)
	g.ntab++
	fmt.Fprintf(&g.tables, "// %s is the table of %v (%s): Lo %d, Shift %d.\n", tab, v, v.Pos, t.Lo, t.Shift)
	fmt.Fprintf(&g.tables, "var %s = [%d][2]int64{", tab, p)
	lo, hi := t.Y[0], t.Y[0]
	for i, y := range t.Y {
		dy := int64(0)
		if i < n {
			dy = t.Y[i+1] - y
		}
		if i%4 == 0 {
			g.tables.WriteString("\n")
		}
		fmt.Fprintf(&g.tables, "{%d, %d}, ", y, dy)
		lo, hi = min(lo, y), max(hi, y)
	}
	g.tables.WriteString("\n}\n\n")
	top := int64(n) << uint(t.Shift)
	g.emit("var %s int64", name)
	g.emit("{\nd := min(max(%s - %d, 0), %d)", x, t.Lo, top)
	g.emit("e := &%s[(d>>%d)&%d]", tab, t.Shift, p-1)
	g.emit("%s = e[0] + (e[1]*(d&%d))>>%d\n}", name, int64(1)<<uint(t.Shift)-1, t.Shift)
	return span(lo, hi), nil
}

// laneType is the Go element type of a column of type t.
func laneType(t ir.Type) string { return fmt.Sprintf("int%d", laneBits(t)) }

// laneName is the kernels.Lane constant of a column of type t.
func laneName(t ir.Type) string { return fmt.Sprintf("Int%d", laneBits(t)) }

func (g *kgen) file() {
	f, T := g.f, g.T
	w := &bytes.Buffer{}
	pr := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	pr("// Code generated by scc (backend/fixedpoint) from models/%s; DO NOT EDIT.\n\n", g.opt.Source)
	pr("// %s is the %s population kernel of model %s (%s, variant %s):\n", T, "portable", f.Name, posString(f, g.opt.Source), g.opt.Variant)
	pr("// fixed IR fingerprint %s.\n\n", f.Fingerprint())
	if g.bits {
		pr("package %s\n\nimport (\n\t\"fmt\"\n\t\"math/bits\"\n)\n\n", g.opt.Package)
	} else {
		pr("package %s\n\nimport \"fmt\"\n\n", g.opt.Package)
	}

	pr("// %s is a population of %s neurons: one column per state, input and\n// coefficient (see the Spec registered below).\n", T, f.Name)
	pr("type %s struct {\n\tn int\n\tisa ISA\n", T)
	for k, s := range f.States {
		pr("\tS%d []%s // state %q: %v\n", k, laneType(s.Type), s.Name, s.Type)
	}
	for k, in := range f.Inputs {
		pr("\tI%d []%s // input %q: %v\n", k, laneType(in.Type), in.Name, in.Type)
	}
	for k, c := range g.coefs {
		pr("\tC%d []%s // coef %d (%v): %v\n", k, laneType(c.Type), k, c, c.Type)
	}
	pr("\tSpk []uint64\n}\n\n")
	pr("// vec%s holds the vector paths (filled by the simd file's init).\n", T)
	pr("var vec%s [NumISA]func(p *%s, lo, hi int) int\n\n", T, T)

	// Default coefficient words (a new population has default parameters).
	var coefInit []int64
	if len(g.coefs) > 0 {
		words, err := ir.ParamWords(f, f.ParamDefaults())
		if err == nil {
			for _, c := range g.coefs {
				coefInit = append(coefInit, words[c.ID])
			}
		} else {
			coefInit = make([]int64, len(g.coefs))
		}
	}

	pr("func new%s(n int) Pop {\n\tp := &%s{n: n}\n", T, T)
	for k, s := range f.States {
		pr("\tp.S%d = make([]%s, n)\n", k, laneType(s.Type))
	}
	for k, in := range f.Inputs {
		pr("\tp.I%d = make([]%s, n)\n", k, laneType(in.Type))
	}
	for k, c := range g.coefs {
		pr("\tp.C%d = make([]%s, n)\n", k, laneType(c.Type))
		if coefInit[k] != 0 {
			pr("\tfor i := range p.C%d {\n\t\tp.C%d[i] = %d\n\t}\n", k, k, coefInit[k])
		}
	}
	pr("\tp.Spk = make([]uint64, (n+63)/64)\n\tp.Reset()\n\treturn p\n}\n\n")

	pr("// Len returns the number of neurons.\nfunc (p *%s) Len() int { return p.n }\n\n", T)
	pr("// Reset loads every state with its initial word and clears the spikes.\nfunc (p *%s) Reset() {\n", T)
	for k, s := range f.States {
		if s.InitRaw == 0 {
			pr("\tclear(p.S%d)\n", k)
			continue
		}
		pr("\tfor i := range p.S%d {\n\t\tp.S%d[i] = %d\n\t}\n", k, k, s.InitRaw)
	}
	pr("\tclear(p.Spk)\n}\n\n")
	cols := func(method, prefix string, n int) {
		if n == 0 {
			pr("// %s returns nil: the kernel has no such column.\nfunc (p *%s) %s(k int) any { return nil }\n\n", method, T, method)
			return
		}
		pr("// %s returns column k.\nfunc (p *%s) %s(k int) any {\n\tswitch k {\n", method, T, method)
		for k := 0; k < n; k++ {
			pr("\tcase %d:\n\t\treturn p.%s%d\n", k, prefix, k)
		}
		pr("\t}\n\treturn nil\n}\n\n")
	}
	cols("State", "S", len(f.States))
	cols("Input", "I", len(f.Inputs))
	cols("Coef", "C", len(g.coefs))
	pr("// Spikes returns the spike bits of the last step.\nfunc (p *%s) Spikes() []uint64 { return p.Spk }\n\n", T)
	pr("// ISA returns the path Range runs.\nfunc (p *%s) ISA() ISA { return p.isa }\n\n", T)
	pr(`// SetISA selects path i when the kernel has it and the CPU runs it.
func (p *%s) SetISA(i ISA) error {
	if i != Portable && (i >= NumISA || vec%s[i] == nil || !Available(i)) {
		return fmt.Errorf("kernels: %s has no %%v path on this machine", i)
	}
	p.isa = i
	return nil
}

`, T, T, T)

	pr("// Range advances neurons [lo, hi) by one step.\nfunc (p *%s) Range(lo, hi int) {\n", T)
	pr("\tif f := vec%s[p.isa]; f != nil {\n\t\tlo = f(p, lo, hi)\n\t}\n", T)
	pr("\tfor w := lo; w < hi; w += 64 {\n\t\te := min(w+64, hi)\n")
	for k := range f.States {
		pr("\t\ts%d := p.S%d[w:e]\n", k, k)
	}
	for k := range f.Inputs {
		pr("\t\ti%d := p.I%d[w:e]\n", k, k)
	}
	for k := range g.coefs {
		pr("\t\tc%d := p.C%d[w:e]\n", k, k)
	}
	pr("\t\tvar spk uint64\n")
	pr("\t\tfor j := 0; j < e-w; j++ {\n")
	w.Write(g.body.Bytes())
	for k, s := range f.States {
		pr("s%d[j] = %s(%s)\n", k, laneType(s.Type), g.lit(g.next[k]))
	}
	if g.spike != nil {
		if g.isK[g.spike.ID] {
			if g.k[g.spike.ID] != 0 {
				pr("spk |= 1 << (uint(j) & 63)\n")
			}
		} else {
			pr("spk |= uint64(%s) << (uint(j) & 63)\n", g.lit(g.spike))
		}
	}
	pr("\t\t}\n\t\tp.Spk[w>>6] = spk\n\t}\n}\n\n")
	if g.spike == nil || (g.isK[g.spike.ID] && g.k[g.spike.ID] == 0) {
		// Keep spk used when the model never spikes.
		s := w.String()
		s = strings.Replace(s, "\t\tvar spk uint64\n", "\t\tvar spk uint64 // the model never spikes\n", 1)
		w.Reset()
		w.WriteString(s)
	}

	w.Write(g.tables.Bytes())

	col := func(name string, t ir.Type, init int64) string {
		return fmt.Sprintf("{Name: %q, Lane: %s, Width: %d, Init: %d}", name, laneName(t), t.Width(), init)
	}
	pr("func init() {\n\tRegister(&Spec{\n")
	pr("\t\tModel: %q,\n\t\tVariant: %q,\n\t\tFingerprint: %q,\n\t\tSource: %q,\n", f.Name, g.opt.Variant, f.Fingerprint(), g.opt.Source)
	pr("\t\tStates: []Column{\n")
	for _, s := range f.States {
		pr("\t\t\t%s,\n", col(s.Name, s.Type, s.InitRaw))
	}
	pr("\t\t},\n")
	if len(f.Inputs) > 0 {
		pr("\t\tInputs: []Column{\n")
		for _, in := range f.Inputs {
			pr("\t\t\t%s,\n", col(in.Name, in.Type, 0))
		}
		pr("\t\t},\n")
	}
	if len(g.coefs) > 0 {
		pr("\t\tCoefs: []Column{\n")
		for k, c := range g.coefs {
			pr("\t\t\t%s,\n", col(fmt.Sprintf("coef%d", k), c.Type, coefInit[k]))
		}
		pr("\t\t},\n")
	}
	if g.opt.SIMD {
		pr("\t\tISAs: []ISA{Portable, AVX2, AVX512},\n")
	} else {
		pr("\t\tISAs: []ISA{Portable},\n")
	}
	pr("\t\tNew: new%s,\n\t})\n}\n", T)
	g.out = *w
}

func posString(f *ir.Func, source string) string {
	p := f.Pos
	if !p.IsValid() {
		return "models/" + source
	}
	return fmt.Sprintf("models/%s:%d:%d", source, p.Line, p.Col)
}
