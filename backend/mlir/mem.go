package mlir

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Memories and array constants (the folded network architecture,
// net_folded.go):
//
//	%m = seq.firmem 1, 1, undefined, undefined : <D x W>
//	%r = seq.firmem.read_port %m[%addr], clock %clk enable %en : <D x W>
//	seq.firmem.write_port %m[%addr] = %data, clock %clk enable %en : <D x W>
//	%a = hw.aggregate_constant [x_{N-1} : iW, …, x_0 : iW] : !hw.array<NxiW>
//	%v = hw.array_get %a[%i] : !hw.array<NxiW>, iK
//
// seq.firmem (CIRCT's FIRRTL-flavoured memory, syntax of firtool-1.57 and
// later) is declared with read latency 1 and write latency 1 (one block-RAM
// port each: the read port's data is the word at the address of the
// previous edge; a write lands at the edge) and undefined read-under-write
// and write-under-write: a read of the address written at the same edge
// returns an undefined word, which the evaluator of the tests tracks. The
// address of every port is clog2(D) bits (at least 1), as CIRCT's verifier
// requires; its data is W bits.
//
// hw.aggregate_constant lists an array's elements from the highest index
// down (CIRCT's order, the same as hw.array_create's operands: element 0
// is the last and occupies the low bits of the array's bit pattern);
// hw.array_get's index is clog2(N) bits (at least 1).

// addrWidth is the address width of a memory or array of depth d.
func addrWidth(d int) int { return max(1, bits.Len(uint(max(d-1, 0)))) }

// aggregates returns the memories and array constants of m by SSA name.
func (m *hwModule) aggregates() map[string]*op {
	aggs := map[string]*op{}
	for _, o := range m.ops {
		if o.kind == kMem || o.kind == kArray {
			aggs[o.name] = o
		}
	}
	return aggs
}

func memTypeBody(o *op) string { return fmt.Sprintf("<%d x %d>", o.depth, o.width) }

func arrayType(o *op) string { return fmt.Sprintf("!hw.array<%dxi%d>", o.depth, o.width) }

// aggType is the MLIR type of a memory or array constant.
func aggType(o *op) string {
	if o.kind == kMem {
		return "!seq.firmem" + memTypeBody(o)
	}
	return arrayType(o)
}

// checkAggregateUse reports whether operand j of o may be def (a memory or
// array, or nil for an integer or clock): memories are only the first
// operand of their ports, arrays only the first of hw.array_get.
func checkAggregateUse(o *op, j int, def *op) error {
	wantMem := (o.kind == kMemRead || o.kind == kMemWrite) && j == 0
	wantArr := o.kind == kArrayGet && j == 0
	switch {
	case def == nil && (wantMem || wantArr):
		return fmt.Errorf("is not a %s", map[bool]string{true: "seq.firmem", false: "!hw.array"}[wantMem])
	case def != nil && def.kind == kMem && !wantMem:
		return fmt.Errorf("a seq.firmem used as an integer")
	case def != nil && def.kind == kArray && !wantArr:
		return fmt.Errorf("an !hw.array used as an integer")
	}
	return nil
}

// checkMemOp applies CIRCT's typing rules to the memory and array ops.
func checkMemOp(o *op, aw []int, aggs map[string]*op) error {
	nargs := func(n int) error {
		if len(o.args) != n {
			return fmt.Errorf("%d operands, want %d", len(o.args), n)
		}
		return nil
	}
	switch o.kind {
	case kMem:
		if err := nargs(0); err != nil {
			return err
		}
		if o.depth < 1 {
			return fmt.Errorf("depth %d", o.depth)
		}
	case kArray:
		if err := nargs(0); err != nil {
			return err
		}
		if o.depth < 1 || len(o.values) != o.depth {
			return fmt.Errorf("depth %d with %d elements", o.depth, len(o.values))
		}
		for i, v := range o.values {
			if o.width < 64 && (v < -(1<<(o.width-1)) || v >= 1<<(o.width-1)) {
				return fmt.Errorf("element %d (%d) is not a sign-extended %d-bit value", i, v, o.width)
			}
		}
	case kMemRead, kMemWrite:
		n := 4
		if o.kind == kMemWrite {
			n = 5
		}
		if err := nargs(n); err != nil {
			return err
		}
		m := aggs[o.args[0]]
		if aw[1] != addrWidth(m.depth) {
			return fmt.Errorf("address i%d for a memory of depth %d (want i%d)", aw[1], m.depth, addrWidth(m.depth))
		}
		if aw[2] != clockWidth || aw[3] != 1 {
			return fmt.Errorf("clock %s, enable %s", typeString(aw[2]), typeString(aw[3]))
		}
		dw := o.width
		if o.kind == kMemWrite {
			dw = aw[4]
		}
		if dw != m.width {
			return fmt.Errorf("data i%d for a memory of i%d words", dw, m.width)
		}
	case kArrayGet:
		if err := nargs(2); err != nil {
			return err
		}
		a := aggs[o.args[0]]
		if aw[1] != addrWidth(a.depth) {
			return fmt.Errorf("index i%d for an array of %d (want i%d)", aw[1], a.depth, addrWidth(a.depth))
		}
		if o.width != a.width {
			return fmt.Errorf("result i%d from an array of i%d", o.width, a.width)
		}
	}
	return nil
}

// elements writes an array constant's elements, highest index first.
func elements(sb *strings.Builder, o *op) {
	sb.WriteByte('[')
	var buf []byte
	for i := len(o.values) - 1; i >= 0; i-- {
		buf = buf[:0]
		if i < len(o.values)-1 {
			buf = append(buf, ", "...)
		}
		v := o.values[i]
		switch {
		case o.width == 1 && v != 0:
			buf = append(buf, "true"...)
		case o.width == 1:
			buf = append(buf, "false"...)
		default:
			buf = strconv.AppendInt(buf, v, 10)
			buf = append(buf, " : i"...)
			buf = strconv.AppendInt(buf, int64(o.width), 10)
		}
		sb.Write(buf)
	}
	sb.WriteByte(']')
}

// prettyMem writes the part of a memory or array op after its mnemonic in
// the custom assembly.
func prettyMem(sb *strings.Builder, o *op, aggs map[string]*op, widths map[string]int) {
	switch o.kind {
	case kMem:
		fmt.Fprintf(sb, " 1, 1, undefined, undefined : %s", memTypeBody(o))
	case kMemRead:
		fmt.Fprintf(sb, " %%%s[%%%s], clock %%%s enable %%%s : %s", o.args[0], o.args[1], o.args[2], o.args[3], memTypeBody(aggs[o.args[0]]))
	case kMemWrite:
		fmt.Fprintf(sb, " %%%s[%%%s] = %%%s, clock %%%s enable %%%s : %s", o.args[0], o.args[1], o.args[4], o.args[2], o.args[3], memTypeBody(aggs[o.args[0]]))
	case kArray:
		sb.WriteByte(' ')
		elements(sb, o)
		fmt.Fprintf(sb, " : %s", arrayType(o))
	case kArrayGet:
		fmt.Fprintf(sb, " %%%s[%%%s] : %s, i%d", o.args[0], o.args[1], arrayType(aggs[o.args[0]]), widths[o.args[1]])
	}
}

// genericMem writes a memory or array op in the generic form (after the
// result name), with CIRCT's attribute names: seq.firmem's RUW and WUW
// enums are I32EnumAttrs (undefined = 0), write_port has optional enable
// and mask operands, hence operandSegmentSizes.
func genericMem(sb *strings.Builder, o *op, aggs map[string]*op, widths map[string]int) {
	ts := make([]string, len(o.args))
	for i, a := range o.args {
		if d := aggs[a]; d != nil {
			ts[i] = aggType(d)
		} else {
			ts[i] = typeString(widths[a])
		}
	}
	operands := ""
	if len(o.args) > 0 {
		operands = "%" + strings.Join(o.args, ", %")
	}
	fmt.Fprintf(sb, "%q(%s)", o.kind.String(), operands)
	result := typeString(o.width)
	switch o.kind {
	case kMem:
		sb.WriteString(" {readLatency = 1 : i32, ruw = 0 : i32, writeLatency = 1 : i32, wuw = 0 : i32}")
		result = aggType(o)
	case kMemWrite:
		sb.WriteString(" {operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0>}")
		result = "()"
	case kArray:
		sb.WriteString(" {fields = ")
		elements(sb, o)
		sb.WriteString("}")
		result = aggType(o)
	}
	fmt.Fprintf(sb, " : (%s) -> %s", strings.Join(ts, ", "), result)
}

// appendOp appends o as it is (named by the caller, or resultless) with
// the builder's position and pending note.
func (b *builder) appendOp(o *op) {
	o.pos = b.pos
	o.note, b.note = b.note, ""
	b.m.ops = append(b.m.ops, o)
}

// memory declares a seq.firmem of depth words of width bits.
func (b *builder) memory(stem string, depth, width int) *op {
	o := &op{kind: kMem, name: b.fresh(stem), width: width, depth: depth}
	b.appendOp(o)
	return o
}

// readPort returns the read port of m at addr (enable en): the word at the
// address of the previous edge.
func (b *builder) readPort(m *op, addr, en, tag string) string {
	stem := b.base
	if tag != "" {
		stem += "_" + tag
	}
	o := &op{kind: kMemRead, name: b.fresh(stem), width: m.width, args: []string{m.name, addr, "clk", en}}
	b.appendOp(o)
	return o.name
}

// writePort writes data to m at addr at the edge when en is high.
func (b *builder) writePort(m *op, addr, en, data string) {
	b.appendOp(&op{kind: kMemWrite, args: []string{m.name, addr, "clk", en, data}})
}

// array declares an array constant of values (width bits each); an empty
// list becomes one zero element.
func (b *builder) array(stem string, width int, values []int64) *op {
	vs := make([]int64, max(len(values), 1))
	for i, v := range values {
		if width < 64 {
			v = v << (64 - width) >> (64 - width)
		}
		vs[i] = v
	}
	o := &op{kind: kArray, name: b.fresh(stem), width: width, depth: len(vs), values: vs}
	b.appendOp(o)
	return o
}

// arrayGet returns element idx of a.
func (b *builder) arrayGet(a *op, idx, tag string) string {
	return b.add(&op{kind: kArrayGet, width: a.width, args: []string{a.name, idx}}, tag)
}
