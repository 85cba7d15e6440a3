package sv

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"scc/fixed"
	"scc/ir"
)

// lowerings maps every fixed-phase op to its RTL lowering. Void ops (next,
// spike, assert) are handled by the module emitter; their entry only
// records that they are covered. TestEveryFixedOpHasALowering holds this
// table against ir.FixedOps.
var lowerings = map[ir.Op]func(e *emitter, v *ir.Value) string{
	ir.OpConst:  (*emitter).lowerConst,
	ir.OpState:  (*emitter).lowerState,
	ir.OpInput:  (*emitter).lowerInput,
	ir.OpAdd:    (*emitter).lowerAddSub,
	ir.OpSub:    (*emitter).lowerAddSub,
	ir.OpMul:    (*emitter).lowerMul,
	ir.OpNeg:    (*emitter).lowerNeg,
	ir.OpDiv:    (*emitter).lowerDiv,
	ir.OpLt:     (*emitter).lowerCompare,
	ir.OpLe:     (*emitter).lowerCompare,
	ir.OpGt:     (*emitter).lowerCompare,
	ir.OpGe:     (*emitter).lowerCompare,
	ir.OpEq:     (*emitter).lowerCompare,
	ir.OpNe:     (*emitter).lowerCompare,
	ir.OpAnd:    (*emitter).lowerLogic,
	ir.OpOr:     (*emitter).lowerLogic,
	ir.OpNot:    (*emitter).lowerLogic,
	ir.OpSelect: (*emitter).lowerSelect,
	ir.OpCast:   (*emitter).lowerCast,
	ir.OpTable:  (*emitter).lowerTable,
	ir.OpCoef:   (*emitter).lowerCoef, // step modules only (step.go)
	ir.OpNext:   nil,                  // register load, emitted by the module emitter
	ir.OpSpike:  nil,                  // spike register load
	ir.OpAssert: nil,                  // immediate assertion under `ifdef FORMAL
}

// Lowers reports whether the backend has a lowering for op (for the
// op-coverage test and for callers that want to check IR up front).
func Lowers(op ir.Op) bool {
	_, ok := lowerings[op]
	return ok
}

func width(v *ir.Value) int { return v.Type.Width() }

func signed(v *ir.Value) bool { return v.Type.Kind == ir.KFixed && v.Type.Fmt.Signed }

func mask(w int) uint64 {
	if w >= 64 {
		return ^uint64(0)
	}
	return 1<<uint(w) - 1
}

// lit returns x as a w-bit two's-complement hex literal. Every literal is
// sized and unsigned, so the three tools read the same bits.
func lit(w int, x int64) string {
	if w <= 64 {
		return fmt.Sprintf("%d'h%x", w, uint64(x)&mask(w))
	}
	return litBig(w, big.NewInt(x))
}

// litBig is lit for literals wider than 64 bits.
func litBig(w int, x *big.Int) string {
	m := new(big.Int).Lsh(big.NewInt(1), uint(w))
	y := new(big.Int).Mod(x, m) // Euclidean: the two's-complement pattern
	return fmt.Sprintf("%d'h%s", w, y.Text(16))
}

// pow2 returns 2^n.
func pow2(n int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(n)) }

// use records that bits [lo, lo+n) of v are read.
func (e *emitter) use(v *ir.Value, lo, n int) {
	if n <= 0 {
		return
	}
	m := mask(n) << uint(lo)
	e.used[v.ID] |= m & mask(width(v))
}

// bit returns bit i of v.
func (e *emitter) bit(v *ir.Value, i int) string {
	e.use(v, i, 1)
	return fmt.Sprintf("%s[%d]", e.name(v), i)
}

// sign returns the 1-bit expression of v's extension bit: its MSB when
// signed, 0 when unsigned.
func (e *emitter) sign(v *ir.Value) string {
	if signed(v) {
		return e.bit(v, width(v)-1)
	}
	return "1'b0"
}

// fit returns an n-bit expression equal to v's raw word modulo 2^n: v sign-
// or zero-extended by replication, or its low n bits.
func (e *emitter) fit(v *ir.Value, n int) string {
	w := width(v)
	switch {
	case n == w:
		e.use(v, 0, w)
		return e.name(v)
	case n < w:
		e.use(v, 0, n)
		if n == 1 {
			return fmt.Sprintf("%s[0]", e.name(v))
		}
		return fmt.Sprintf("%s[%d:0]", e.name(v), n-1)
	}
	s := e.sign(v)
	e.use(v, 0, w)
	if n == w+1 {
		return fmt.Sprintf("{%s, %s}", s, e.name(v))
	}
	return fmt.Sprintf("{{%d{%s}}, %s}", n-w, s, e.name(v))
}

// shl returns an n-bit expression equal to v·2^s modulo 2^n (aligning a
// fraction by concatenating zeros).
func (e *emitter) shl(v *ir.Value, s, n int) string {
	switch {
	case s >= n:
		return lit(n, 0)
	case s == 0:
		return e.fit(v, n)
	}
	return fmt.Sprintf("{%s, %s}", e.fit(v, n-s), lit(s, 0))
}

// helper declares an internal wire of width w for the value being lowered.
// unused says that some of its bits are deliberately never read.
func (e *emitter) helper(v *ir.Value, suffix string, w int, expr string, unused bool) string {
	n := e.name(v) + "_" + suffix
	e.decls = append(e.decls, decl{width: w, name: n, expr: expr, unused: unused, pos: v.Pos})
	return n
}

func (e *emitter) lowerConst(v *ir.Value) string {
	if v.Type.Kind == ir.KBool {
		if v.AuxInt != 0 {
			return "1'b1"
		}
		return "1'b0"
	}
	return lit(width(v), v.AuxInt)
}

func (e *emitter) lowerState(v *ir.Value) string {
	s := e.f.States[v.AuxInt]
	if e.step {
		e.stateUsed[v.AuxInt] = true
		return stepStateIn(s)
	}
	return s.PortName()
}

func (e *emitter) lowerInput(v *ir.Value) string {
	e.inputUsed[v.AuxInt] = true
	return e.f.Inputs[v.AuxInt].PortName()
}

// lowerAddSub aligns both operands to the result fraction, extends them to
// the result width and adds modulo 2^W: exactly fixed.Add and fixed.Sub
// (Align, then WrapTo), which sim calls.
func (e *emitter) lowerAddSub(v *ir.Value) string {
	w, fr := width(v), v.Type.Fmt.Frac
	a, b := v.Args[0], v.Args[1]
	x := e.shl(a, fr-a.Type.Fmt.Frac, w)
	y := e.shl(b, fr-b.Type.Fmt.Frac, w)
	op := "+"
	if v.Op == ir.OpSub {
		op = "-"
	}
	return fmt.Sprintf("%s %s %s", x, op, y)
}

// lowerMul multiplies the W-bit extensions: the low W bits of the product
// of the extensions equal the exact product modulo 2^W.
func (e *emitter) lowerMul(v *ir.Value) string {
	w := width(v)
	return fmt.Sprintf("%s * %s", e.fit(v.Args[0], w), e.fit(v.Args[1], w))
}

func (e *emitter) lowerNeg(v *ir.Value) string {
	w := width(v)
	return fmt.Sprintf("%s - %s", lit(w, 0), e.fit(v.Args[0], w))
}

// compareOps holds the Verilog operators of lt, le, gt, ge, eq, ne in op
// table order.
var compareOps = [...]string{"<", "<=", ">", ">=", "==", "!="}

// lowerCompare aligns both operands to the larger fraction and compares
// them as signed vectors one bit wider than the wider aligned operand (the
// extra bit keeps unsigned operands non-negative).
func (e *emitter) lowerCompare(v *ir.Value) string {
	a, b := v.Args[0], v.Args[1]
	op := compareOps[v.Op-ir.OpLt]
	if a.Type.Kind == ir.KBool {
		return fmt.Sprintf("%s %s %s", e.fit(a, 1), op, e.fit(b, 1))
	}
	fa, fb := a.Type.Fmt.Frac, b.Type.Fmt.Frac
	fm := max(fa, fb)
	n := max(width(a)+fm-fa, width(b)+fm-fb) + 1
	return fmt.Sprintf("$signed(%s) %s $signed(%s)", e.shl(a, fm-fa, n), op, e.shl(b, fm-fb, n))
}

func (e *emitter) lowerLogic(v *ir.Value) string {
	switch v.Op {
	case ir.OpAnd:
		return fmt.Sprintf("%s & %s", e.fit(v.Args[0], 1), e.fit(v.Args[1], 1))
	case ir.OpOr:
		return fmt.Sprintf("%s | %s", e.fit(v.Args[0], 1), e.fit(v.Args[1], 1))
	}
	return "~" + e.fit(v.Args[0], 1)
}

func (e *emitter) lowerSelect(v *ir.Value) string {
	w := width(v)
	return fmt.Sprintf("%s ? %s : %s", e.fit(v.Args[0], 1), e.fit(v.Args[1], w), e.fit(v.Args[2], w))
}

// lowerDiv mirrors fixed.Div: with sh = fd + ft - fn, the numerator is
// scaled by 2^sh (or the denominator by 2^-sh), both are sign- or
// zero-extended to K bits, one more than any of them needs (so the signed
// quotient never overflows), divided with Verilog's truncating signed `/`,
// and the low W bits kept. A zero denominator is guarded explicitly
// (Verilog's x/0 is X): max when the numerator is ≥ 0, else min.
func (e *emitter) lowerDiv(v *ir.Value) string {
	num, den := v.Args[0], v.Args[1]
	to := v.Type.Fmt
	w := width(v)
	sh := den.Type.Fmt.Frac + to.Frac - num.Type.Fmt.Frac
	shN, shD := max(sh, 0), max(-sh, 0)
	k := max(width(num)+shN, width(den)+shD, w) + 1
	q := e.helper(v, "q", k, fmt.Sprintf("$signed(%s) / $signed(%s)", e.shl(num, shN, k), e.shl(den, shD, k)), k > w)
	zero := fmt.Sprintf("%s == %s", e.fit(den, width(den)), lit(width(den), 0))
	low := q
	if k > w {
		low = fmt.Sprintf("%s[%d:0]", q, w-1)
	}
	if !signed(num) {
		return fmt.Sprintf("(%s) ? %s : %s", zero, lit(w, to.Max()), low)
	}
	return fmt.Sprintf("(%s) ? (%s ? %s : %s) : %s", zero, e.sign(num), lit(w, to.Min()), lit(w, to.Max()), low)
}

// lowerCast mirrors fixed.Cast. With s = from.Frac - to.Frac:
//
//   - s > 0: r = ext(a, K) + C, K = max(wa, s+1) + 2, and the rounded value
//     is r[K-1:s] (an arithmetic shift by slicing). C is 0 (floor),
//     2^(s-1) (half_up), 2^s-1 when a < 0 (zero: ceiling for negatives), or
//     2^(s-1) - 1 + bit s of a (half_even: a tie rounds up exactly when the
//     floor quotient is odd), which is fixed.ShiftRight case by case.
//   - s ≤ 0: r = {ext(a, wa+1), -s zeros}, exact.
//
// Overflow then takes the low W bits (wrap) or clamps to the target's min
// and max with signed compares (sat), compares that range analysis of the
// operand's format proves unnecessary are left out.
func (e *emitter) lowerCast(v *ir.Value) string {
	a := v.Args[0]
	from, to := a.Type.Fmt, v.Type.Fmt
	wa, wt := width(a), width(v)
	s := from.Frac - to.Frac
	var r string
	var kr, lo int // r's width and the index of the rounded value's LSB
	if s > 0 {
		kr, lo = max(wa, s+1)+2, s
		expr := e.fit(a, kr)
		switch v.Round {
		case fixed.HalfUp:
			expr += " + " + litBig(kr, pow2(s-1))
		case fixed.Zero:
			if signed(a) {
				expr += fmt.Sprintf(" + {%s, {%d{%s}}}", lit(kr-s, 0), s, e.sign(a))
			}
		case fixed.HalfEven:
			if s > 1 {
				expr += " + " + litBig(kr, new(big.Int).Sub(pow2(s-1), big.NewInt(1)))
			}
			var b string
			switch {
			case s < wa:
				b = e.bit(a, s)
			case signed(a):
				b = e.sign(a)
			}
			if b != "" {
				expr += fmt.Sprintf(" + {%s, %s}", lit(kr-1, 0), b)
			}
		}
		r = e.helper(v, "r", kr, expr, true) // the low s bits are dropped
	} else {
		kr = wa + 1 - s
		r = e.helper(v, "r", kr, e.shl(a, -s, kr), false)
	}
	kq := kr - lo // width of the rounded value r[kr-1:lo]
	q := fmt.Sprintf("%s[%d:%d]", r, kr-1, lo)
	if lo == 0 {
		q = r
	}
	low := fmt.Sprintf("%s[%d:%d]", r, lo+wt-1, lo)
	if kq < wt {
		low = fmt.Sprintf("{{%d{%s[%d]}}, %s}", wt-kq, r, kr-1, q)
	}
	if wt == 1 && kq >= 1 {
		low = fmt.Sprintf("%s[%d]", r, lo)
	}
	if v.Overflow == fixed.Wrap {
		if kq > wt || lo > 0 {
			e.markUnused()
		}
		return low
	}
	// Bounds of the rounded value, from the operand's format.
	qlo, qhi := big.NewInt(from.Min()), big.NewInt(from.Max())
	if s > 0 {
		qlo.Rsh(qlo, uint(s))
		qhi.Rsh(qhi, uint(s))
		qhi.Add(qhi, big.NewInt(1)) // rounding up
	} else {
		qlo.Lsh(qlo, uint(-s))
		qhi.Lsh(qhi, uint(-s))
	}
	needLo := qlo.Cmp(big.NewInt(to.Min())) < 0
	needHi := qhi.Cmp(big.NewInt(to.Max())) > 0
	if !needLo && !needHi {
		if kq > wt || lo > 0 {
			e.markUnused()
		}
		return low
	}
	kc := max(kq, wt+1)
	qx := q
	if kc > kq {
		qx = fmt.Sprintf("{{%d{%s[%d]}}, %s}", kc-kq, r, kr-1, q)
	}
	out := low
	if needHi {
		out = fmt.Sprintf("$signed(%s) > $signed(%s) ? %s : %s", qx, lit(kc, to.Max()), lit(wt, to.Max()), out)
	}
	if needLo {
		out = fmt.Sprintf("$signed(%s) < $signed(%s) ? %s : %s", qx, lit(kc, to.Min()), lit(wt, to.Min()), out)
	}
	if lo > 0 {
		e.markUnused()
	}
	return out
}

// markUnused flags the most recent helper wire as having unread bits.
func (e *emitter) markUnused() { e.decls[len(e.decls)-1].unused = true }

func (e *emitter) name(v *ir.Value) string { return e.prefix + strconv.Itoa(v.ID) }

// lowerTable mirrors fixed.Table.Eval: d = a - Lo (exact, one bit wider
// than a plus a guard bit), segment i = d >> Shift and offset r = d mod
// 2^Shift by slicing; a case ROM gives the neighbouring entries Y[i],
// Y[i+1]; the result is Y[i] + floor((Y[i+1]-Y[i])·r / 2^Shift), computed
// exactly in W+Shift+2 bits and floored by slicing. d < 0 selects Y[0],
// i ≥ len(Y)-1 the last entry.
func (e *emitter) lowerTable(v *ir.Value) string {
	a, t := v.Args[0], v.Table
	w := width(v)
	n := len(t.Y) - 1
	kd := width(a) + 2
	// Every bit of d is read: the sign, the index and the offset.
	d := e.helper(v, "d", kd, fmt.Sprintf("%s - %s", e.fit(a, kd), lit(kd, t.Lo)), false)
	ki := kd - 1 - t.Shift // width of the segment index d[kd-2:Shift]
	idx := "1'b0"
	if ki >= 1 {
		idx = fmt.Sprintf("%s[%d:%d]", d, kd-2, t.Shift)
	} else {
		ki = 1
	}
	// The ROM is a function of the index (not an always block: a constant
	// index would never trigger one), returning {Y[i+1], Y[i]} when there
	// is something to interpolate and Y[i] otherwise; the last entry is the
	// default.
	interp := t.Shift > 0
	rw := w
	if interp {
		rw = 2 * w
	}
	entry := func(k int) string {
		if !interp {
			return lit(w, t.Y[k])
		}
		return fmt.Sprintf("{%s, %s}", lit(w, t.Y[min(k+1, n)]), lit(w, t.Y[k]))
	}
	fn := e.name(v) + "_rom"
	var rom strings.Builder
	fmt.Fprintf(&rom, "  function %s%s(input %sk);%s\n    case (k)\n", vec(rw), fn, vec(ki), e.pos(v.Pos))
	for k := 0; k < n && (ki >= 63 || k < 1<<uint(ki)); k++ {
		fmt.Fprintf(&rom, "      %d'd%d: %s = %s;\n", ki, k, fn, entry(k))
	}
	fmt.Fprintf(&rom, "      default: %s = %s;\n    endcase\n  endfunction", fn, entry(n))
	e.decls = append(e.decls, decl{raw: rom.String()})
	y := e.helper(v, "y", rw, fmt.Sprintf("%s(%s)", fn, idx), false)
	y0 := fmt.Sprintf("%s[%d:0]", y, w-1)
	y1 := fmt.Sprintf("%s[%d:%d]", y, 2*w-1, w)
	// ext extends the entry x (whose sign bit is y[msb]) to k bits.
	ext := func(x string, msb, k int) string {
		sign := "1'b0"
		if v.Type.Fmt.Signed {
			sign = fmt.Sprintf("%s[%d]", y, msb)
		}
		return fmt.Sprintf("{{%d{%s}}, %s}", k-w, sign, x)
	}
	val := y
	if interp {
		kp := w + t.Shift + 2
		ow := min(t.Shift, kd-1) // d ≥ 0 here, so d mod 2^Shift is d[ow-1:0]
		r := fmt.Sprintf("{%s, %s[%d:0]}", lit(kp-ow, 0), d, ow-1)
		p := e.helper(v, "p", kp, fmt.Sprintf("(%s - %s) * %s", ext(y1, 2*w-1, kp), ext(y0, w-1, kp), r), true)
		s := e.helper(v, "s", w+2, fmt.Sprintf("%s + %s[%d:%d]", ext(y0, w-1, w+2), p, kp-1, t.Shift), true)
		val = fmt.Sprintf("%s[%d:0]", s, w-1)
	}
	out := fmt.Sprintf("%s[%d] ? %s : %s", d, kd-1, lit(w, t.Y[0]), val)
	if ki < 63 && n < 1<<uint(ki) {
		out = fmt.Sprintf("%s[%d] ? %s : (%s >= %s) ? %s : %s", d, kd-1, lit(w, t.Y[0]), idx, lit(ki, int64(n)), lit(w, t.Y[n]), val)
	}
	return out
}
