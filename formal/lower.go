package formal

import (
	"fmt"
	"math/big"
	"strings"

	"scc/fixed"
	"scc/ir"
)

// The harness evaluates the step function a second time, from the DUT's
// ports, with its own lowering of the op table (ir/op.go). It shares no code
// with backend/sv, so a property relating the two compares independent
// implementations of the same semantics.
//
// Every value becomes an unsigned vector of its type's width holding the raw
// word; signedness appears only in extensions and in $signed comparisons.
// Arithmetic is done modulo 2^W of the result width, which is the IR's wrap
// rule.

// lowerer writes the harness copy of a function's datapath.
type lowerer struct {
	f      *ir.Func
	prefix string
	ports  []string // by state: the port wire; by input: likewise
	inputs []string
	lines  []string
}

func (l *lowerer) name(v *ir.Value) string { return fmt.Sprintf("%s%d", l.prefix, v.ID) }

// width returns the hardware width of a value (bool: 1).
func width(v *ir.Value) int {
	if v.Type.Kind == ir.KBool {
		return 1
	}
	return v.Type.Width()
}

func signed(v *ir.Value) bool { return v.Type.Kind == ir.KFixed && v.Type.Fmt.Signed }

// ext returns the expression of x (width w, signedness s) extended or
// truncated to n bits.
func ext(x string, w int, s bool, n int) string {
	switch {
	case n == w:
		return x
	case n < w:
		return fmt.Sprintf("%s[%d:0]", x, n-1)
	case s:
		return fmt.Sprintf("{{%d{%s[%d]}}, %s}", n-w, x, w-1, x)
	}
	return fmt.Sprintf("{%d'b0, %s}", n-w, x)
}

func (l *lowerer) ext(v *ir.Value, n int) string { return ext(l.name(v), width(v), signed(v), n) }

// lit returns an n-bit literal of the raw value r (two's complement).
func lit(n int, r *big.Int) string {
	m := new(big.Int).Lsh(big.NewInt(1), uint(n))
	x := new(big.Int).Mod(r, m)
	return fmt.Sprintf("%d'h%s", n, x.Text(16))
}

func lit64(n int, r int64) string { return lit(n, big.NewInt(r)) }

func (l *lowerer) wire(name string, w int, expr string) {
	l.lines = append(l.lines, fmt.Sprintf("  wire [%d:0] %s = %s;", w-1, name, expr))
}

// lower emits a wire for every non-void value of the function. Casts also
// get <name>_q, the rounded value before the overflow mode, in a wider
// vector (the nosat properties read it).
func (l *lowerer) lower() error {
	for _, v := range l.f.Entry().Values {
		if v.Op.Info().Void {
			continue
		}
		expr, err := l.expr(v)
		if err != nil {
			return err
		}
		l.wire(l.name(v), width(v), expr)
	}
	return nil
}

// castWidth is the width of a cast's pre-overflow vector.
func castWidth(v *ir.Value) int {
	a := v.Args[0]
	s := a.Type.Fmt.Frac - v.Type.Fmt.Frac
	return max(width(a)+max(-s, 0), width(v)) + 2
}

func (l *lowerer) expr(v *ir.Value) (string, error) {
	w := width(v)
	arg := func(i int) *ir.Value { return v.Args[i] }
	frac := func(x *ir.Value) int { return x.Type.Fmt.Frac }
	switch v.Op {
	case ir.OpConst:
		return lit64(w, v.AuxInt), nil
	case ir.OpState:
		return l.ports[v.AuxInt], nil
	case ir.OpInput:
		return l.inputs[v.AuxInt], nil
	case ir.OpAdd, ir.OpSub:
		fr := frac(v)
		a := fmt.Sprintf("(%s << %d)", l.ext(arg(0), w), fr-frac(arg(0)))
		b := fmt.Sprintf("(%s << %d)", l.ext(arg(1), w), fr-frac(arg(1)))
		op := "+"
		if v.Op == ir.OpSub {
			op = "-"
		}
		return a + " " + op + " " + b, nil
	case ir.OpMul:
		return l.ext(arg(0), w) + " * " + l.ext(arg(1), w), nil
	case ir.OpNeg:
		return "-" + l.ext(arg(0), w), nil
	case ir.OpDiv:
		return l.div(v), nil
	case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
		a, b := arg(0), arg(1)
		m := max(frac(a), frac(b))
		cw := max(width(a)+m-frac(a), width(b)+m-frac(b)) + 1
		ops := map[ir.Op]string{ir.OpLt: "<", ir.OpLe: "<=", ir.OpGt: ">", ir.OpGe: ">=", ir.OpEq: "==", ir.OpNe: "!="}
		return fmt.Sprintf("$signed(%s << %d) %s $signed(%s << %d)",
			l.ext(a, cw), m-frac(a), ops[v.Op], l.ext(b, cw), m-frac(b)), nil
	case ir.OpAnd:
		return l.name(arg(0)) + " & " + l.name(arg(1)), nil
	case ir.OpOr:
		return l.name(arg(0)) + " | " + l.name(arg(1)), nil
	case ir.OpNot:
		return "~" + l.name(arg(0)), nil
	case ir.OpSelect:
		return fmt.Sprintf("%s ? %s : %s", l.name(arg(0)), l.name(arg(1)), l.name(arg(2))), nil
	case ir.OpCast:
		return l.cast(v), nil
	case ir.OpTable:
		if v.Table == nil {
			return "", fmt.Errorf("formal: func %s: table without entries: %s", l.f.Name, v.LongString())
		}
		return l.table(v), nil
	}
	return "", fmt.Errorf("formal: func %s: op %v has no harness lowering: %s", l.f.Name, v.Op, v.LongString())
}

// cast mirrors fixed.Cast: drop fraction bits with the rounding mode (or add
// them exactly), then apply the overflow mode.
func (l *lowerer) cast(v *ir.Value) string {
	a := v.Args[0]
	from, to := a.Type.Fmt, v.Type.Fmt
	s := from.Frac - to.Frac
	cw := castWidth(v)
	x := l.name(v) + "_x"
	l.wire(x, cw, l.ext(a, cw))
	q := l.name(v) + "_q"
	switch {
	case s <= 0:
		l.wire(q, cw, fmt.Sprintf("%s << %d", x, -s))
	default:
		// The arithmetic shift gets its own wire: inside a sum with an
		// unsigned operand it would become a logical shift.
		fl := l.name(v) + "_f"
		l.wire(fl, cw, fmt.Sprintf("$signed(%s) >>> %d", x, s))
		rem := fmt.Sprintf("%s[%d:0]", x, s-1)
		var inc string
		switch v.Round {
		case fixed.Floor:
			inc = "1'b0"
		case fixed.Zero:
			inc = fmt.Sprintf("%s[%d] & (|%s)", x, cw-1, rem)
		case fixed.HalfUp:
			inc = fmt.Sprintf("%s[%d]", x, s-1)
		case fixed.HalfEven:
			if s == 1 {
				inc = fmt.Sprintf("%s[0] & %s[1]", x, x)
			} else {
				inc = fmt.Sprintf("%s[%d] & ((|%s[%d:0]) | %s[%d])", x, s-1, x, s-2, x, s)
			}
		}
		l.wire(q, cw, fmt.Sprintf("(%s) + {%d'b0, %s}", fl, cw-1, inc))
	}
	if v.Overflow == fixed.Sat {
		lo, hi := lit64(cw, to.Min()), lit64(cw, to.Max())
		return fmt.Sprintf("$signed(%s) < $signed(%s) ? %s : $signed(%s) > $signed(%s) ? %s : %s[%d:0]",
			q, lo, lit64(width(v), to.Min()), q, hi, lit64(width(v), to.Max()), q, width(v)-1)
	}
	return fmt.Sprintf("%s[%d:0]", q, width(v)-1)
}

// div mirrors fixed.Div: (num·2^(df+to-nf)) / den truncated toward zero,
// wrapped to the result; den == 0 gives the result's max or min.
func (l *lowerer) div(v *ir.Value) string {
	a, b := v.Args[0], v.Args[1]
	nf, df, to := a.Type.Fmt, b.Type.Fmt, v.Type.Fmt
	sh := df.Frac + to.Frac - nf.Frac
	dw := width(a) + width(b) + abs(sh) + 2
	n := fmt.Sprintf("(%s << %d)", l.ext(a, dw), max(sh, 0))
	d := fmt.Sprintf("(%s << %d)", l.ext(b, dw), max(-sh, 0))
	qn := l.name(v) + "_d"
	l.wire(qn, dw, fmt.Sprintf("$signed(%s) / $signed(%s)", n, d))
	neg := "1'b0"
	if signed(a) {
		neg = fmt.Sprintf("%s[%d]", l.name(a), width(a)-1)
	}
	w := width(v)
	return fmt.Sprintf("%s == %d'h0 ? (%s ? %s : %s) : %s[%d:0]", l.name(b), width(b), neg,
		lit64(w, to.Min()), lit64(w, to.Max()), qn, w-1)
}

// table mirrors fixed.Table.Eval: clamp below the first and above the last
// breakpoint, else interpolate between entries i and i+1 with floor.
func (l *lowerer) table(v *ir.Value) string {
	t, a := v.Table, v.Args[0]
	w := width(v)
	n := len(t.Y) - 1
	dw := max(width(a), bitLen(t.Lo)) + 2
	base := l.name(v)
	l.wire(base+"_d", dw, fmt.Sprintf("%s - %s", l.ext(a, dw), lit64(dw, t.Lo)))
	l.wire(base+"_i", dw, fmt.Sprintf("$signed(%s_d) >>> %d", base, t.Shift))
	// entry(off) is entry i+off of the table at index i, the last entry
	// past the end: a case ROM (a chain of ?: over thousands of entries
	// takes yosys' front end minutes to read).
	entry := func(off int) string {
		fn := fmt.Sprintf("%s_rom%d", base, off)
		l.lines = append(l.lines, fmt.Sprintf("  function [%d:0] %s(input [%d:0] k);", w-1, fn, dw-1), "    case (k)")
		for k := 0; k+off <= n && k < n; k++ {
			l.lines = append(l.lines, fmt.Sprintf("      %s: %s = %s;", lit64(dw, int64(k)), fn, lit64(w, t.Y[k+off])))
		}
		l.lines = append(l.lines, fmt.Sprintf("      default: %s = %s;", fn, lit64(w, t.Y[n])), "    endcase", "  endfunction")
		return fmt.Sprintf("%s(%s_i)", fn, base)
	}
	l.wire(base+"_y0", w, entry(0))
	l.wire(base+"_y1", w, entry(1))
	pw := w + t.Shift + 3
	r := "1'b0"
	if t.Shift > 0 {
		r = fmt.Sprintf("%s_d[%d:0]", base, t.Shift-1)
	}
	l.wire(base+"_p", pw, fmt.Sprintf("(%s - %s) * {%d'b0, %s}", ext(base+"_y1", w, true, pw), ext(base+"_y0", w, true, pw), pw-max(t.Shift, 1), r))
	l.wire(base+"_s", pw, fmt.Sprintf("$signed(%s_p) >>> %d", base, t.Shift))
	return fmt.Sprintf("%s_d[%d] ? %s : $signed(%s_i) >= $signed(%s) ? %s : %s_y0 + %s_s[%d:0]",
		base, dw-1, lit64(w, t.Y[0]), base, lit64(dw, int64(n)), lit64(w, t.Y[n]), base, base, w-1)
}

func bitLen(x int64) int {
	if x < 0 {
		x = -x
	}
	return big.NewInt(x).BitLen() + 1
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// safePrefix returns a wire prefix no port name can be confused with.
func safePrefix(base string, names []string) string {
	p := base
	for clash(p, names) {
		p = "_" + p
	}
	return p
}

func clash(p string, names []string) bool {
	for _, n := range names {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}
