package mlir

import (
	"math/bits"

	"scc/ir"
)

func init() {
	lowerings[ir.OpTable] = struct {
		fn   lowerFn
		desc string
	}{(*lowerer).lowerTable, "comb.mux trees over the breakpoint index (ROMs of entries and slopes), comb.mul interpolation"}
}

// lowerTable mirrors fixed.Table.Eval: d = x - Lo in a width one bit wider
// than x; below the table (d < 0) the first entry, at or past its end
// (d ≥ n·2^s) the last; otherwise the index d>>s selects Y[i] and the slope
// Y[i+1]-Y[i] from two ROMs (balanced comb.mux trees over the index bits,
// which synthesis maps to LUTs or block ROM), and the result is
// Y[i] + ((slope·r) >> s) with r the low s bits of d: the product is
// formed exactly in W+1+s bits and the shift is a comb.extract, so the
// floor matches the arithmetic shift of Eval.
func (l *lowerer) lowerTable(v *ir.Value) {
	t := v.Table
	x := l.val(v.Args[0])
	wy := v.Type.Width()
	s := t.Shift
	n := len(t.Y) - 1
	wd := signedWidth(x) + 1
	d := l.binop(kSub, l.resize(x, wd), l.constant(t.Lo, wd), wd, "tbl_d")
	neg := l.icmp("slt", d, l.constant(0, wd), "tbl_below")
	over := l.constant(0, 1)
	if end := int64(n) << uint(s); wd >= 63 || end < int64(1)<<uint(wd-1) {
		over = l.icmp("sge", d, l.constant(end, wd), "tbl_above")
	}
	k := bits.Len(uint(n - 1))
	idx := ""
	if k > 0 {
		avail := wd - s
		if avail <= 0 {
			idx = l.constant(0, k)
		} else {
			part := num{l.extract(d, s, min(k, avail), "tbl_i"), min(k, avail), false}
			idx = l.resize(part, k)
		}
	}
	slopes := make([]int64, n)
	for i := range slopes {
		slopes[i] = t.Y[i+1] - t.Y[i]
	}
	y0 := l.rom(t.Y[:n], idx, k, wy)
	interp := y0
	if s > 0 {
		pw := wy + 1 + s
		dy := num{l.rom(slopes, idx, k, wy+1), wy + 1, true}
		r := num{l.extract(d, 0, s, "tbl_r"), s, false}
		p := l.binop(kMul, l.resize(dy, pw), l.resize(r, pw), pw, "tbl_p")
		step := l.extract(p, s, wy+1, "tbl_step")
		sum := l.binop(kAdd, l.resize(num{y0, wy, true}, wy+1), step, wy+1, "tbl_sum")
		interp = l.extract(sum, 0, wy, "tbl_y")
	}
	hi := l.mux(over, l.constant(t.Y[n], wy), interp, wy, "tbl_hi")
	l.set(v, l.mux(neg, l.constant(t.Y[0], wy), hi, wy, ""))
}

// rom returns entry idx of vals (w bits each) as a balanced comb.mux tree
// over the k index bits; indices past the end read the last entry.
func (l *lowerer) rom(vals []int64, idx string, k, w int) string {
	bit := make(map[int]string)
	var tree func(lo, b int) string
	tree = func(lo, b int) string {
		if b < 0 {
			return l.constant(vals[min(lo, len(vals)-1)], w)
		}
		f := tree(lo, b-1)
		if lo+1<<uint(b) >= len(vals) {
			// Every index with bit b set is past the end: same entry.
			if lo >= len(vals)-1 {
				return f
			}
		}
		t := tree(lo+1<<uint(b), b-1)
		if t == f {
			return f
		}
		if bit[b] == "" {
			bit[b] = l.extract(idx, b, 1, "tbl_b")
		}
		return l.mux(bit[b], t, f, w, "tbl_rom")
	}
	return tree(0, k-1)
}
