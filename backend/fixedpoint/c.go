package fixedpoint

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/big"
	"strings"

	"scc/fixed"
	"scc/ir"
)

// The C emitter. Every value of the step is an int64_t holding its raw
// word (sign- or zero-extended as sim.Fixed holds it); arithmetic runs on
// uint64_t, where C defines wrap-around, and results are narrowed to their
// type's width with helpers that never rely on implementation-defined
// conversions or on the sign of >> (see the helpers' comments). Shift
// counts and saturation bounds are computed here, so the C only sees
// constant shifts below 64.

// native is what the C and LLVM emitters share: the Func, its coef ops and
// the identifiers of its columns.
type native struct {
	f      *ir.Func
	prefix string
	coefs  []*ir.Value
	coefOf map[int]int // coef value ID → column
	states []string    // state field / column names
	inputs []string    // input parameter / column names
}

func newNative(f *ir.Func, prefix string) (*native, error) {
	if err := ir.VerifyFunc(f, ir.Fixed); err != nil {
		return nil, fmt.Errorf("fixedpoint: %v", err)
	}
	if len(f.Blocks) != 1 {
		return nil, fmt.Errorf("fixedpoint: func %s has %d blocks, want 1", f.Name, len(f.Blocks))
	}
	if prefix == "" {
		prefix = cIdent(strings.ToLower(f.Name), "model")
	}
	if cIdent(prefix, "") != prefix {
		return nil, fmt.Errorf("fixedpoint: prefix %q is not a C identifier", prefix)
	}
	n := &native{f: f, prefix: prefix, coefs: coefs(f), coefOf: map[int]int{}}
	for k, c := range n.coefs {
		n.coefOf[c.ID] = k
	}
	used := map[string]bool{}
	for k, s := range f.States {
		n.states = append(n.states, uniqueIdent("s_"+cIdent(s.Name, ""), fmt.Sprintf("s%d", k), used))
	}
	for k, in := range f.Inputs {
		n.inputs = append(n.inputs, uniqueIdent("in_"+cIdent(in.Name, ""), fmt.Sprintf("in%d", k), used))
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if !v.Op.Info().Fixed {
				return nil, fmt.Errorf("fixedpoint: %v: op %v is not a fixed-phase op", v.Pos, v.Op)
			}
			if v.Type.Kind == ir.KFixed && v.Type.Fmt.Width() > 64 {
				return nil, fmt.Errorf("fixedpoint: %v: %v is wider than 64 bits", v.Pos, v.Type)
			}
		}
	}
	return n, nil
}

// cIdent maps s to a C identifier (letters, digits and _), or fallback
// when it has no usable character.
func cIdent(s, fallback string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return fallback
	}
	return b.String()
}

func uniqueIdent(name, fallback string, used map[string]bool) string {
	if used[name] {
		name = fallback
	}
	for used[name] {
		name += "_"
	}
	used[name] = true
	return name
}

// cLane is the C type of a column of type t: the narrowest intN_t
// (uintN_t for an unsigned format, uint8_t for a bool) holding it.
func cLane(t ir.Type) string {
	b := laneBits(t)
	if t.Kind == ir.KFixed && t.Fmt.Signed {
		return fmt.Sprintf("int%d_t", b)
	}
	return fmt.Sprintf("uint%d_t", b)
}

// cInt is the C literal of x as an int64_t.
func cInt(x int64) string {
	if x == math.MinInt64 {
		return "INT64_MIN"
	}
	return fmt.Sprintf("INT64_C(%d)", x)
}

// cComment makes s safe inside /* */.
func cComment(s string) string { return strings.ReplaceAll(s, "*/", "* /") }

// fmtMin and fmtMax are the raw range of a value of type t (bool: 0..1).
func fmtMin(t ir.Type) int64 {
	if t.Kind == ir.KFixed {
		return t.Fmt.Min()
	}
	return 0
}

func fmtMax(t ir.Type) int64 {
	if t.Kind == ir.KFixed {
		return t.Fmt.Max()
	}
	return 1
}

// floorShift is floor(x / 2^k) and ceilShift ceil(x / 2^k), k ≥ 0.
func floorShift(x int64, k int) int64 {
	q := new(big.Int).Rsh(big.NewInt(x), uint(k)) // Rsh floors
	return q.Int64()
}

func ceilShift(x int64, k int) int64 {
	q := floorShift(x, k)
	if new(big.Int).Lsh(big.NewInt(q), uint(k)).Cmp(big.NewInt(x)) != 0 {
		q++
	}
	return q
}

// within reports whether every raw value in [lo, hi] fits f's range.
func within(lo, hi int64, f fixed.Format) bool { return lo >= f.Min() && hi <= f.Max() }

// castRange is the raw range of cast's result before overflow handling
// for an argument of format from (a conservative bound).
func castRange(from, to fixed.Format) (lo, hi int64, ok bool) {
	s := from.Frac - to.Frac
	if s >= 0 {
		return floorShift(from.Min(), s), ceilShift(from.Max(), s), true
	}
	k := -s
	if from.Width()+k > 62 {
		return 0, 0, false
	}
	return from.Min() << uint(k), from.Max() << uint(k), true
}

type cWriter struct {
	*native
	w     *bufio.Writer
	need  map[string]bool // helpers the step uses
	body  strings.Builder
	table int
	decls strings.Builder // file-scope tables
}

func emitC(w io.Writer, f *ir.Func, opt COptions) error {
	n, err := newNative(f, opt.Prefix)
	if err != nil {
		return err
	}
	c := &cWriter{native: n, w: bufio.NewWriter(w), need: map[string]bool{}}
	if err := c.stepBody(); err != nil {
		return err
	}
	c.file()
	return c.w.Flush()
}

func (c *cWriter) p(format string, args ...any) { fmt.Fprintf(c.w, format, args...) }

// b writes a line of the step's body.
func (c *cWriter) b(format string, args ...any) {
	fmt.Fprintf(&c.body, "\t"+format+"\n", args...)
}

func (c *cWriter) v(x *ir.Value) string { return fmt.Sprintf("v%d", x.ID) }

// wrap returns the C expression narrowing the uint64_t expression u to
// type t's width (fixed.WrapTo).
func (c *cWriter) wrap(u string, t ir.Type) string {
	w := t.Width()
	switch {
	case w >= 64:
		c.need["s64"] = true
		return fmt.Sprintf("%s_s64(%s)", c.prefix, u)
	case t.Kind == ir.KFixed && t.Fmt.Signed:
		c.need["wraps"] = true
		return fmt.Sprintf("%s_wraps(%s, %d)", c.prefix, u, w)
	}
	return fmt.Sprintf("(int64_t)((%s) & UINT64_C(0x%x))", u, uint64(1)<<uint(w)-1)
}

// shl returns (uint64_t)x << k modulo 2^64 as a C expression.
func shl(x string, k int) string {
	switch {
	case k == 0:
		return "(uint64_t)" + x
	case k < 0 || k >= 64: // Go's << of a huge count, as fixed.Align
		return "UINT64_C(0)"
	}
	return fmt.Sprintf("((uint64_t)%s << %d)", x, k)
}

// sar returns floor(x / 2^s) of the int64_t expression x.
func (c *cWriter) sar(x string, s int) string {
	switch {
	case s == 0:
		return x
	case s >= 64:
		return fmt.Sprintf("(%s < 0 ? INT64_C(-1) : INT64_C(0))", x)
	}
	c.need["sar"] = true
	return fmt.Sprintf("%s_sar(%s, %d)", c.prefix, x, s)
}

func (c *cWriter) stepBody() error {
	f := c.f
	line := -1
	var nexts []*ir.Value
	var spike *ir.Value
	uses := f.Uses()
	for _, v := range f.Entry().Values {
		if v.Pos.Line != line && v.Pos.IsValid() {
			line = v.Pos.Line
			c.b("/* %s */", cComment(v.Pos.String()))
		}
		a := func(i int) string { return c.v(v.Args[i]) }
		ft := func(i int) fixed.Format { return v.Args[i].Type.Fmt }
		var e string
		switch v.Op {
		case ir.OpConst:
			e = cInt(v.AuxInt)
		case ir.OpState:
			e = c.load("s->"+c.states[v.AuxInt], f.States[v.AuxInt].Type)
		case ir.OpInput:
			e = c.load(c.inputs[v.AuxInt], f.Inputs[v.AuxInt].Type)
		case ir.OpCoef:
			e = c.load(fmt.Sprintf("c%d", c.coefOf[v.ID]), v.Type)
		case ir.OpAdd, ir.OpSub:
			op := "+"
			if v.Op == ir.OpSub {
				op = "-"
			}
			to := v.Type.Fmt.Frac
			e = c.wrap(fmt.Sprintf("%s %s %s", shl(a(0), to-ft(0).Frac), op, shl(a(1), to-ft(1).Frac)), v.Type)
		case ir.OpMul:
			e = c.wrap(fmt.Sprintf("(uint64_t)%s * (uint64_t)%s", a(0), a(1)), v.Type)
		case ir.OpNeg:
			e = c.wrap(fmt.Sprintf("UINT64_C(0) - (uint64_t)%s", a(0)), v.Type)
		case ir.OpDiv:
			e = c.div(v)
		case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
			e = c.compare(v)
		case ir.OpAnd:
			e = fmt.Sprintf("%s & %s", a(0), a(1))
		case ir.OpOr:
			e = fmt.Sprintf("%s | %s", a(0), a(1))
		case ir.OpNot:
			e = fmt.Sprintf("1 - %s", a(0))
		case ir.OpSelect:
			e = fmt.Sprintf("%s ? %s : %s", a(0), a(1), a(2))
		case ir.OpCast:
			e = c.cast(a(0), ft(0), v.Type.Fmt, v.Round, v.Overflow)
		case ir.OpTable:
			c.tableOp(v)
			if uses[v.ID] == 0 {
				c.b("(void)%s;", c.v(v))
			}
			continue
		case ir.OpNext:
			nexts = append(nexts, v)
			continue
		case ir.OpSpike:
			spike = v
			continue
		case ir.OpAssert:
			c.b("/* assert %s: checked by sim and formal, not here */", a(0))
			continue
		default:
			return fmt.Errorf("fixedpoint: %v: op %v has no C lowering", v.Pos, v.Op)
		}
		c.b("const int64_t %s = %s; /* %s */", c.v(v), e, v.Type)
		if uses[v.ID] == 0 {
			c.b("(void)%s;", c.v(v))
		}
	}
	c.b("/* commit */")
	for _, v := range nexts {
		k := v.AuxInt
		c.b("s->%s = (%s)%s;", c.states[k], cLane(f.States[k].Type), c.v(v.Args[0]))
	}
	if spike != nil {
		c.b("return (int)%s;", c.v(spike.Args[0]))
	} else {
		c.b("return 0; /* the model never spikes */")
	}
	return nil
}

// load converts a column word of type t to int64_t.
func (c *cWriter) load(x string, t ir.Type) string {
	if cLane(t) == "uint64_t" {
		c.need["s64"] = true
		return fmt.Sprintf("%s_s64(%s)", c.prefix, x)
	}
	return "(int64_t)" + x
}

// div lowers fixed.Div.
func (c *cWriter) div(v *ir.Value) string {
	nf, df, to := v.Args[0].Type.Fmt, v.Args[1].Type.Fmt, v.Type.Fmt
	a, b := c.v(v.Args[0]), c.v(v.Args[1])
	sh := df.Frac + to.Frac - nf.Frac
	var q string
	switch {
	case sh >= 0 && nf.Width()+sh <= 62:
		// |a|·2^sh < 2^62: exact in int64_t, and C's / truncates toward
		// zero as fixed.Div does.
		q = fmt.Sprintf("(uint64_t)((%s * %s) / %s)", a, cInt(1<<uint(sh)), b)
	case sh < 0 && df.Width()-sh <= 62:
		q = fmt.Sprintf("(uint64_t)(%s / (%s * %s))", a, b, cInt(1<<uint(-sh)))
	default:
		c.need["divq"] = true
		q = fmt.Sprintf("%s_divq(%s, %s, %d)", c.prefix, a, b, sh)
	}
	return fmt.Sprintf("%s == 0 ? (%s >= 0 ? %s : %s) : %s", b, a, cInt(to.Max()), cInt(to.Min()), c.wrap(q, v.Type))
}

// compare lowers a comparison (fixed.Compare; bools compare as 0/1).
func (c *cWriter) compare(v *ir.Value) string {
	op := map[ir.Op]string{ir.OpLt: "<", ir.OpLe: "<=", ir.OpGt: ">", ir.OpGe: ">=", ir.OpEq: "==", ir.OpNe: "!="}[v.Op]
	x, y := v.Args[0], v.Args[1]
	a, b := c.v(x), c.v(y)
	if x == y { // gcc warns on a self-comparison
		return map[bool]string{true: "1", false: "0"}[v.Op == ir.OpLe || v.Op == ir.OpGe || v.Op == ir.OpEq]
	}
	if x.Type.Kind != ir.KFixed || y.Type.Kind != ir.KFixed {
		return fmt.Sprintf("%s %s %s", a, op, b)
	}
	m := max(x.Type.Fmt.Frac, y.Type.Fmt.Frac)
	sx, sy := m-x.Type.Fmt.Frac, m-y.Type.Fmt.Frac
	if x.Type.Fmt.Width()+sx <= 62 && y.Type.Fmt.Width()+sy <= 62 {
		return fmt.Sprintf("%s %s %s", scaled(a, sx), op, scaled(b, sy))
	}
	c.need["cmpsh"] = true
	if sx == 0 {
		return fmt.Sprintf("%s_cmpsh(%s, %s, %d) %s 0", c.prefix, a, b, sy, op)
	}
	return fmt.Sprintf("0 %s %s_cmpsh(%s, %s, %d)", op, c.prefix, b, a, sx)
}

// scaled is x·2^s for an int64_t x known to stay in range.
func scaled(x string, s int) string {
	if s == 0 {
		return x
	}
	return fmt.Sprintf("%s * %s", x, cInt(1<<uint(s)))
}

// cast lowers fixed.Cast of the int64_t x from format from to format to.
func (c *cWriter) cast(x string, from, to fixed.Format, m fixed.Round, o fixed.Overflow) string {
	s := from.Frac - to.Frac
	lo, hi, known := castRange(from, to)
	exact := known && within(lo, hi, to) // nothing to wrap or clamp
	var q string
	switch {
	case s == 0:
		q = x
	case s > 0 && s >= 64:
		if m == fixed.Floor {
			q = fmt.Sprintf("(%s < 0 ? INT64_C(-1) : INT64_C(0))", x)
		} else {
			q = fmt.Sprintf("(%s & INT64_C(0))", x) // |x| ≤ 2^63 ≤ half: every mode rounds to 0
		}
	case s > 0:
		if m == fixed.Floor {
			q = c.sar(x, s)
		} else {
			name := map[fixed.Round]string{fixed.HalfUp: "rhu", fixed.HalfEven: "rhe", fixed.Zero: "rz"}[m]
			c.need["sar"] = true
			c.need[name] = true
			q = fmt.Sprintf("%s_%s(%s, %d)", c.prefix, name, x, s)
		}
	default: // left shift by k: exact
		k := -s
		if exact {
			return scaled(x, k)
		}
		if o == fixed.Sat {
			// x·2^k > max ⟺ x > floor(max/2^k); below min likewise.
			hiR, loR := floorShift(to.Max(), k), ceilShift(to.Min(), k)
			c.need["s64"] = true
			return fmt.Sprintf("%s > %s ? %s : %s < %s ? %s : %s_s64(%s)", x, cInt(hiR), cInt(to.Max()),
				x, cInt(loR), cInt(to.Min()), c.prefix, shl(x, k))
		}
		return c.wrap(shl(x, k), ir.Fix(to))
	}
	switch {
	case exact:
		return q
	case o == fixed.Sat:
		c.need["sat"] = true
		return fmt.Sprintf("%s_sat(%s, %s, %s)", c.prefix, q, cInt(to.Min()), cInt(to.Max()))
	}
	return c.wrap("(uint64_t)"+q, ir.Fix(to))
}

// tableOp lowers fixed.Table.Eval with a static const array.
func (c *cWriter) tableOp(v *ir.Value) {
	t := v.Table
	name := fmt.Sprintf("%s_tab%d", c.prefix, c.table)
	c.table++
	lane := cLane(v.Type)
	fmt.Fprintf(&c.decls, "/* %s: table of %s (%d entries from raw %d, spacing 2^%d) */\nstatic const %s %s[%d] = {", cComment(v.Pos.String()), c.v(v), len(t.Y), t.Lo, t.Shift, lane, name, len(t.Y))
	for i, y := range t.Y {
		if i%8 == 0 {
			c.decls.WriteString("\n\t")
		} else {
			c.decls.WriteString(" ")
		}
		fmt.Fprintf(&c.decls, "%s,", cInt(y))
	}
	c.decls.WriteString("\n};\n\n")
	c.need["sar"] = true
	c.need["s64"] = true
	x, r := c.v(v.Args[0]), c.v(v)
	n := len(t.Y) - 1
	c.b("int64_t %s; /* %s */", r, v.Type)
	c.b("{")
	c.b("\tconst int64_t d = %s_s64((uint64_t)%s - (uint64_t)%s);", c.prefix, x, cInt(t.Lo))
	c.b("\tif (d < 0) {")
	c.b("\t\t%s = %s[0];", r, name)
	c.b("\t} else if ((d >> %d) >= %d) {", t.Shift, n)
	c.b("\t\t%s = %s[%d];", r, name, n)
	c.b("\t} else {")
	c.b("\t\tconst int64_t i = d >> %d, y0 = %s[i];", t.Shift, name)
	c.b("\t\t%s = y0 + %s_sar(((int64_t)%s[i + 1] - y0) * (d & %s), %d);", r, c.prefix, name, cInt(1<<uint(t.Shift)-1), t.Shift)
	c.b("\t}")
	c.b("}")
}

// helpers are the C helpers by name, in emission order.
var cHelpers = []struct{ name, text string }{
	{"s64", `/* The int64_t whose two's-complement bits are u, without the
   implementation-defined conversion of a uint64_t above INT64_MAX. */
static inline int64_t P_s64(uint64_t u)
{
	return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)~u - 1;
}
`},
	{"wraps", `/* The low w bits of u (1 <= w <= 63) as a signed w-bit word
   (fixed.WrapTo). */
static inline int64_t P_wraps(uint64_t u, int w)
{
	const uint64_t sign = (uint64_t)1 << (w - 1);
	return (int64_t)((u & ((sign << 1) - 1)) ^ sign) - (int64_t)sign;
}
`},
	{"sar", `/* floor(x / 2^s), 1 <= s <= 63: an arithmetic shift right that does
   not depend on how the compiler shifts negative numbers. */
static inline int64_t P_sar(int64_t x, int s)
{
	return x < 0 ? ~(~x >> s) : x >> s;
}
`},
	{"rz", `/* x / 2^s rounded toward zero (fixed.ShiftRight, zero). */
static inline int64_t P_rz(int64_t x, int s)
{
	const int64_t q = P_sar(x, s);
	return q + (x < 0 && ((uint64_t)x & (((uint64_t)1 << s) - 1)) != 0);
}
`},
	{"rhu", `/* x / 2^s rounded to nearest, ties up (fixed.ShiftRight, half_up). */
static inline int64_t P_rhu(int64_t x, int s)
{
	const uint64_t rem = (uint64_t)x & (((uint64_t)1 << s) - 1);
	return P_sar(x, s) + (rem >= (uint64_t)1 << (s - 1));
}
`},
	{"rhe", `/* x / 2^s rounded to nearest, ties to even (fixed.ShiftRight,
   half_even). */
static inline int64_t P_rhe(int64_t x, int s)
{
	const uint64_t rem = (uint64_t)x & (((uint64_t)1 << s) - 1), half = (uint64_t)1 << (s - 1);
	const int64_t q = P_sar(x, s);
	return q + (rem > half || (rem == half && ((uint64_t)q & 1) != 0));
}
`},
	{"sat", `/* x clamped to [lo, hi] (fixed.SatTo). */
static inline int64_t P_sat(int64_t x, int64_t lo, int64_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}
`},
	{"cmpsh", `/* The sign (-1, 0, 1) of x - y*2^s, exactly, s >= 1 (fixed.Compare
   when y*2^s may leave int64_t): x = q*2^s + rem, 0 <= rem < 2^s. */
static inline int P_cmpsh(int64_t x, int64_t y, int s)
{
	const int64_t q = s >= 64 ? (x < 0 ? -1 : 0) : (x < 0 ? ~(~x >> s) : x >> s);
	const int rem = s >= 64 ? x != 0 : ((uint64_t)x & (((uint64_t)1 << s) - 1)) != 0;
	return q < y ? -1 : q > y ? 1 : rem;
}
`},
	{"divq", `/* The low 64 bits of trunc(a*2^sh / b) (sh >= 0) or trunc(a / (b*2^-sh))
   (sh < 0), b != 0, exactly: fixed.Div before its wrap. Long division
   one bit at a time, for quotients whose operands leave 64 bits. */
static uint64_t P_divq(int64_t a, int64_t b, int sh)
{
	const int neg = (a < 0) != (b < 0);
	const uint64_t ua = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
	uint64_t ub = b < 0 ? (uint64_t)0 - (uint64_t)b : (uint64_t)b;
	uint64_t q = 0, r = 0;
	int i;
	if (sh < 0) {
		if (-sh >= 64 || (ub >> (64 + sh)) != 0)
			return 0; /* the divisor exceeds 2^64 > |a| */
		q = ua / (ub << -sh);
	} else {
		/* r < ub <= 2^63, so 2r+1 fits */
		for (i = 63 + sh; i >= 0; i--) {
			r = (r << 1) | (i >= sh ? (ua >> (i - sh)) & 1 : 0);
			q <<= 1;
			if (r >= ub) {
				r -= ub;
				q |= 1;
			}
		}
	}
	return neg ? (uint64_t)0 - q : q;
}
`},
}

func (c *cWriter) file() {
	f := c.f
	pf := c.prefix
	src := f.Pos.File
	if src == "" {
		src = "an unnamed source"
	}
	c.p("/* Code generated by scc from %s (model %s). DO NOT EDIT. */\n\n", cComment(src), cComment(f.Name))
	c.p("/* C99: the bit-true fixed-point step function of %s and a population\n", cComment(f.Name))
	c.p("   loop over structure-of-arrays columns; it computes exactly what the\n")
	c.p("   interpreter (sim.Fixed) computes. dt %g ms. */\n\n", f.Dt)
	c.p("#include <stddef.h>\n#include <stdint.h>\n\n")
	c.p("%s", c.decl())
	c.p("\n")
	for _, h := range cHelpers {
		if c.need[h.name] {
			c.p("%s\n", strings.ReplaceAll(h.text, "P_", pf+"_"))
		}
	}
	c.p("%s", c.decls.String())
	// reset
	c.p("/* Loads every state with its initial word. */\nvoid %s_reset(%s_state *s)\n{\n", pf, pf)
	for k, s := range f.States {
		c.p("\ts->%s = (%s)%s; /* %s = %g */\n", c.states[k], cLane(s.Type), cInt(s.InitRaw), cComment(s.Name), s.Init)
	}
	if len(f.States) == 0 {
		c.p("\t(void)s;\n")
	}
	c.p("}\n\n")
	c.p("/* One step: reads *s and the inputs, commits the next state to *s and\n   returns the spike (0 or 1). */\n")
	c.p("int %s_step(%s)\n{\n", pf, c.stepParams())
	if len(f.States) == 0 {
		c.p("\t(void)s;\n")
	}
	c.p("%s}\n\n", c.body.String())
	c.p("/* One step of neurons 0..n-1, column k of neuron i at index i; spikes[i]\n   gets neuron i's spike. Returns the number of spikes. */\n")
	c.p("size_t %s_pop_step(%s)\n{\n", pf, c.popParams())
	c.p("\tsize_t i, count = 0;\n\tfor (i = 0; i < n; i++) {\n\t\t%s_state s;\n\t\tint spk;\n", pf)
	for _, st := range c.states {
		c.p("\t\ts.%s = %s[i];\n", st, st)
	}
	args := []string{"&s"}
	for _, in := range c.inputs {
		args = append(args, in+"[i]")
	}
	for k := range c.coefs {
		args = append(args, fmt.Sprintf("c%d[i]", k))
	}
	c.p("\t\tspk = %s_step(%s);\n", pf, strings.Join(args, ", "))
	for _, st := range c.states {
		c.p("\t\t%s[i] = s.%s;\n", st, st)
	}
	c.p("\t\tspikes[i] = (uint8_t)spk;\n\t\tcount += (size_t)spk;\n\t}\n\treturn count;\n}\n\n")
	c.p("/* Resets neurons 0..n-1. */\nvoid %s_pop_reset(size_t n", pf)
	for k, st := range c.states {
		c.p(", %s *%s", cLane(f.States[k].Type), st)
	}
	c.p(")\n{\n\tsize_t i;\n\tfor (i = 0; i < n; i++) {\n")
	for k, s := range f.States {
		c.p("\t\t%s[i] = (%s)%s;\n", c.states[k], cLane(s.Type), cInt(s.InitRaw))
	}
	c.p("\t}\n}\n")
}

// decl returns the state struct typedef and the prototypes: the part of
// the translation unit a caller in another file (or of the LLVM output)
// declares.
func (c *cWriter) decl() string {
	var b strings.Builder
	pf := c.prefix
	fmt.Fprintf(&b, "/* The state of one %s neuron: raw fixed-point words. */\ntypedef struct {\n", cComment(c.f.Name))
	for k, s := range c.f.States {
		fmt.Fprintf(&b, "\t%s %s; /* %s : %s */\n", cLane(s.Type), c.states[k], cComment(s.Name), s.Type)
	}
	if len(c.f.States) == 0 {
		b.WriteString("\tuint8_t unused; /* the model has no state */\n")
	}
	fmt.Fprintf(&b, "} %s_state;\n\n", pf)
	fmt.Fprintf(&b, "void %s_reset(%s_state *s);\n", pf, pf)
	fmt.Fprintf(&b, "int %s_step(%s);\n", pf, c.stepParams())
	fmt.Fprintf(&b, "size_t %s_pop_step(%s);\n", pf, c.popParams())
	fmt.Fprintf(&b, "void %s_pop_reset(size_t n", pf)
	for k, st := range c.states {
		fmt.Fprintf(&b, ", %s *%s", cLane(c.f.States[k].Type), st)
	}
	b.WriteString(");\n")
	return b.String()
}

func (c *cWriter) stepParams() string {
	ps := []string{c.prefix + "_state *s"}
	for k, in := range c.inputs {
		ps = append(ps, fmt.Sprintf("%s %s", cLane(c.f.Inputs[k].Type), in))
	}
	for k, v := range c.coefs {
		ps = append(ps, fmt.Sprintf("%s c%d", cLane(v.Type), k))
	}
	return strings.Join(ps, ", ")
}

func (c *cWriter) popParams() string {
	ps := []string{"size_t n"}
	for k, st := range c.states {
		ps = append(ps, fmt.Sprintf("%s *restrict %s", cLane(c.f.States[k].Type), st))
	}
	for k, in := range c.inputs {
		ps = append(ps, fmt.Sprintf("const %s *restrict %s", cLane(c.f.Inputs[k].Type), in))
	}
	for k, v := range c.coefs {
		ps = append(ps, fmt.Sprintf("const %s *restrict c%d", cLane(v.Type), k))
	}
	ps = append(ps, "uint8_t *restrict spikes")
	return strings.Join(ps, ", ")
}

// CDecls returns the state typedef and the prototypes of the C (and LLVM)
// output for f: what a caller in another translation unit declares.
func cDecls(f *ir.Func, opt COptions) (string, error) {
	n, err := newNative(f, opt.Prefix)
	if err != nil {
		return "", err
	}
	c := &cWriter{native: n, need: map[string]bool{}}
	return "#include <stddef.h>\n#include <stdint.h>\n\n" + c.decl(), nil
}
