package mlir

import (
	"fmt"
)

// check verifies what mlir-opt cannot (DESIGN §6): the CIRCT width rules of
// every op and the dominance discipline scc keeps in its graph regions. Each
// operand is defined by a port or by an earlier op; the one exception is the
// next-value operand of seq.firreg, which closes a loop through a register.
// So a module that passes has no combinational cycle.
func check(m *hwModule) error {
	if !isBareID(m.name) {
		return fmt.Errorf("module name %q is not a bare identifier", m.name)
	}
	widths, err := m.widths()
	if err != nil {
		return fmt.Errorf("module @%s: %v", m.name, err)
	}
	defined := make(map[string]bool, len(widths))
	for _, p := range m.ins {
		defined[p.name] = true
		if p.width < 1 && !(p.width == clockWidth && p.name == "clk") {
			return fmt.Errorf("module @%s: input %q has type %s", m.name, p.name, typeString(p.width))
		}
	}
	aggs := m.aggregates()
	outputs := 0
	for i, o := range m.ops {
		for j, a := range o.args {
			if _, ok := widths[a]; !ok {
				return fmt.Errorf("module @%s: op %d (%v): operand %%%s is never defined", m.name, i, o.kind, a)
			}
			if err := checkAggregateUse(o, j, aggs[a]); err != nil {
				return fmt.Errorf("module @%s: op %d (%v): operand %%%s: %v", m.name, i, o.kind, a, err)
			}
			if !defined[a] && !(o.kind == kFirReg && j == 0) {
				return fmt.Errorf("module @%s: op %d (%v): operand %%%s is used before its definition outside a register loop", m.name, i, o.kind, a)
			}
		}
		if err := checkOp(o, widths, aggs); err != nil {
			return fmt.Errorf("module @%s: op %d (%v %%%s): %v", m.name, i, o.kind, o.name, err)
		}
		if o.kind == kOutput {
			outputs++
			if i != len(m.ops)-1 {
				return fmt.Errorf("module @%s: hw.output is not the last op", m.name)
			}
			if len(o.args) != len(m.outs) {
				return fmt.Errorf("module @%s: hw.output has %d operands for %d output ports", m.name, len(o.args), len(m.outs))
			}
			for k, a := range o.args {
				if widths[a] != m.outs[k].width || a != m.outs[k].value {
					return fmt.Errorf("module @%s: output %q is %s %%%s, port wants %s %%%s", m.name, m.outs[k].name, typeString(widths[a]), a, typeString(m.outs[k].width), m.outs[k].value)
				}
			}
		}
		if o.name != "" {
			defined[o.name] = true
		}
	}
	if outputs != 1 {
		return fmt.Errorf("module @%s: %d hw.output ops, want 1", m.name, outputs)
	}
	return nil
}

// checkOp applies CIRCT's typing rules to one op.
func checkOp(o *op, widths map[string]int, aggs map[string]*op) error {
	aw := make([]int, len(o.args))
	for i, a := range o.args {
		aw[i] = widths[a]
		if aw[i] < 1 && !(o.kind == kFirReg && i == 1) && !((o.kind == kMemRead || o.kind == kMemWrite) && i == 2) {
			return fmt.Errorf("operand %d has type %s", i, typeString(aw[i]))
		}
	}
	nargs := func(n int) error {
		if len(o.args) != n {
			return fmt.Errorf("%d operands, want %d", len(o.args), n)
		}
		return nil
	}
	hasResult := o.kind != kAssert && o.kind != kOutput && o.kind != kMemWrite
	if hasResult && (o.name == "" || o.width < 1) {
		return fmt.Errorf("result missing or of width %d", o.width)
	}
	if !hasResult && o.name != "" {
		return fmt.Errorf("op has no result but is named")
	}
	switch {
	case o.kind == kConst:
		if err := nargs(0); err != nil {
			return err
		}
		if o.width < 64 && (o.value < -(1<<(o.width-1)) || o.value >= 1<<(o.width-1)) {
			return fmt.Errorf("constant %d is not a sign-extended %d-bit value", o.value, o.width)
		}
	case o.kind.binary():
		if err := nargs(2); err != nil {
			return err
		}
		if aw[0] != o.width || aw[1] != o.width {
			return fmt.Errorf("operands i%d, i%d and result i%d differ", aw[0], aw[1], o.width)
		}
	case o.kind == kICmp:
		if err := nargs(2); err != nil {
			return err
		}
		if predicateCode(o.pred) < 0 {
			return fmt.Errorf("unknown predicate %q", o.pred)
		}
		if aw[0] != aw[1] || o.width != 1 {
			return fmt.Errorf("operands i%d, i%d with result i%d", aw[0], aw[1], o.width)
		}
	case o.kind == kMux:
		if err := nargs(3); err != nil {
			return err
		}
		if aw[0] != 1 || aw[1] != o.width || aw[2] != o.width {
			return fmt.Errorf("mux (i%d, i%d, i%d) -> i%d", aw[0], aw[1], aw[2], o.width)
		}
	case o.kind == kExtract:
		if err := nargs(1); err != nil {
			return err
		}
		if o.low < 0 || o.low+o.width > aw[0] {
			return fmt.Errorf("bits [%d, %d) of i%d", o.low, o.low+o.width, aw[0])
		}
	case o.kind == kConcat:
		if len(o.args) < 1 {
			return fmt.Errorf("no operands")
		}
		sum := 0
		for _, w := range aw {
			sum += w
		}
		if sum != o.width {
			return fmt.Errorf("operands total %d bits, result i%d", sum, o.width)
		}
	case o.kind == kReplicate:
		if err := nargs(1); err != nil {
			return err
		}
		if o.width%aw[0] != 0 {
			return fmt.Errorf("i%d is not a multiple of i%d", o.width, aw[0])
		}
	case o.kind == kFirReg:
		if err := nargs(4); err != nil {
			return err
		}
		if aw[0] != o.width || aw[1] != clockWidth || aw[2] != 1 || aw[3] != o.width {
			return fmt.Errorf("firreg (%s, %s, %s, %s) -> i%d", typeString(aw[0]), typeString(aw[1]), typeString(aw[2]), typeString(aw[3]), o.width)
		}
	case o.kind == kAssert:
		if err := nargs(1); err != nil {
			return err
		}
		if aw[0] != 1 {
			return fmt.Errorf("property of type i%d", aw[0])
		}
	case o.kind == kOutput:
	case o.kind >= kMem && o.kind <= kArrayGet:
		return checkMemOp(o, aw, aggs)
	default:
		return fmt.Errorf("unknown op kind")
	}
	return nil
}
