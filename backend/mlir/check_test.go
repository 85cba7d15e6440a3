package mlir

import (
	"strings"
	"testing"
)

// TestCheckRejects: the width and dominance check fails on each rule it
// enforces (a check that cannot fail would prove nothing).
func TestCheckRejects(t *testing.T) {
	ins := func() []port {
		return []port{{name: "clk", width: clockWidth}, {name: "rst_n", width: 1}, {name: "en", width: 1}, {name: "a", width: 8}}
	}
	out := func(args ...string) *op { return &op{kind: kOutput, args: args} }
	mod := func(ops ...*op) *hwModule {
		m := &hwModule{name: "M", ins: ins(), ops: ops}
		last := ops[len(ops)-1]
		for _, a := range last.args {
			m.outs = append(m.outs, port{name: "o_" + a, width: 8, value: a})
		}
		return m
	}
	c8 := &op{kind: kConst, name: "c", width: 8, value: 3}
	for _, tc := range []struct {
		name string
		m    *hwModule
		want string
	}{
		{"undefined operand", mod(&op{kind: kAdd, name: "x", width: 8, args: []string{"a", "nope"}}, out("x")),
			"%nope is never defined"},
		{"use before definition", mod(&op{kind: kAdd, name: "x", width: 8, args: []string{"a", "c"}}, c8, out("x")),
			"%c is used before its definition"},
		{"combinational cycle", mod(&op{kind: kAdd, name: "x", width: 8, args: []string{"a", "y"}},
			&op{kind: kAdd, name: "y", width: 8, args: []string{"a", "x"}}, out("y")), "%y is used before its definition"},
		{"operand width", mod(&op{kind: kConst, name: "c", width: 9, value: 3},
			&op{kind: kAdd, name: "x", width: 8, args: []string{"a", "c"}}, out("x")), "operands i8, i9 and result i8 differ"},
		{"mul widens", mod(&op{kind: kMul, name: "x", width: 16, args: []string{"a", "a"}}, out("x")), "operands i8, i8 and result i16"},
		{"icmp result", mod(&op{kind: kICmp, name: "x", width: 8, pred: "slt", args: []string{"a", "a"}}, out("x")), "with result i8"},
		{"icmp predicate", mod(&op{kind: kICmp, name: "x", width: 1, pred: "lt", args: []string{"a", "a"}}, out("a")), `unknown predicate "lt"`},
		{"mux condition", mod(&op{kind: kMux, name: "x", width: 8, args: []string{"a", "a", "a"}}, out("x")), "mux (i8, i8, i8)"},
		{"extract range", mod(&op{kind: kExtract, name: "x", width: 4, low: 5, args: []string{"a"}}, out("a")), "bits [5, 9) of i8"},
		{"concat width", mod(&op{kind: kConcat, name: "x", width: 8, args: []string{"a", "rst_n"}}, out("x")), "total 9 bits"},
		{"replicate width", mod(&op{kind: kReplicate, name: "x", width: 12, args: []string{"a"}}, out("a")), "i12 is not a multiple of i8"},
		{"constant range", mod(&op{kind: kConst, name: "x", width: 8, value: 200}, out("x")), "not a sign-extended 8-bit value"},
		{"register clock", mod(&op{kind: kFirReg, name: "r", width: 8, args: []string{"a", "rst_n", "rst_n", "a"}}, out("r")), "firreg (i8, i1, i1, i8)"},
		{"register reset value", mod(c8, &op{kind: kFirReg, name: "r", width: 8, args: []string{"a", "clk", "rst_n", "d"}},
			&op{kind: kConst, name: "d", width: 8}, out("r")), "%d is used before its definition"},
		{"assert width", mod(&op{kind: kAssert, args: []string{"a"}}, out("a")), "property of type i8"},
		{"defined twice", mod(&op{kind: kConst, name: "a", width: 8}, out("a")), "%a defined twice"},
		{"output not last", mod(out("a"), c8), "hw.output is not the last op"},
		{"no output", mod(c8), "0 hw.output ops"},
		{"clock as data", mod(&op{kind: kAdd, name: "x", width: 8, args: []string{"a", "clk"}}, out("x")), "operand 1 has type !seq.clock"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := check(tc.m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("check = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if err := check(mod(c8, &op{kind: kFirReg, name: "r", width: 8, args: []string{"x", "clk", "rst_n", "c"}},
		&op{kind: kAdd, name: "x", width: 8, args: []string{"r", "a"}}, out("r"))); err != nil {
		t.Errorf("check(register loop) = %v, want nil: a register's next value may be defined later", err)
	}
}
