package ir

import (
	"math"

	"scc/fixed"
)

// EvalReal computes a pure real-phase op in float64 from its arguments
// (arg(i) is the value of v.Args[i]; bools are 0 or 1): the normative
// real-phase meaning of const, arithmetic, comparisons, boolean ops, select
// and call, shared by the float interpreter and compile-time evaluation. A
// call of an unknown function gives NaN. ok is false for ops that are not
// pure functions of their args (state, input, fit, next, spike, assert).
func EvalReal(v *Value, arg func(i int) float64) (r float64, ok bool) {
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	switch v.Op {
	case OpConst:
		if v.Type.Kind == KBool {
			return float64(v.AuxInt), true
		}
		return v.AuxFloat, true
	case OpAdd:
		return arg(0) + arg(1), true
	case OpSub:
		return arg(0) - arg(1), true
	case OpMul:
		return arg(0) * arg(1), true
	case OpNeg:
		return -arg(0), true
	case OpDiv:
		return arg(0) / arg(1), true
	case OpLt:
		return b2f(arg(0) < arg(1)), true
	case OpLe:
		return b2f(arg(0) <= arg(1)), true
	case OpGt:
		return b2f(arg(0) > arg(1)), true
	case OpGe:
		return b2f(arg(0) >= arg(1)), true
	case OpEq:
		return b2f(arg(0) == arg(1)), true
	case OpNe:
		return b2f(arg(0) != arg(1)), true
	case OpAnd:
		return b2f(arg(0) != 0 && arg(1) != 0), true
	case OpOr:
		return b2f(arg(0) != 0 || arg(1) != 0), true
	case OpNot:
		return b2f(arg(0) == 0), true
	case OpSelect:
		if arg(0) != 0 {
			return arg(1), true
		}
		return arg(2), true
	case OpCall:
		var buf [4]float64
		args := buf[:0]
		for i := range v.Args {
			args = append(args, arg(i))
		}
		if r, ok := fixed.Call(v.AuxName, args); ok {
			return r, true
		}
		return math.NaN(), true
	}
	return 0, false
}
