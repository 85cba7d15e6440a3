package ir

// Op is an IR operation. The table below is the single source of the op
// semantics (STYLE S7); the comment on each op is normative for sim, the
// backends and formal.
//
// Phase rules. In the real phase every number is f64 and ops compute in
// float64. In the fixed phase every number is a fixed.Format word and ops
// compute exactly on the raw integers, then wrap the mathematical result to
// the result type's width (so a too-narrow type would wrap in sim and in
// hardware alike; range analysis makes types wide enough that nothing wraps
// except where a cast says so).
type Op uint8

// Ops. Keep the order: the text form and the op-coverage tests use opTable.
const (
	OpInvalid Op = iota

	// OpConst: no args. Real: AuxFloat is the value. Fixed: AuxInt is the raw
	// word in the result type (bool: 0 or 1).
	OpConst
	// OpState: no args. The pre-step value of state AuxInt.
	OpState
	// OpInput: no args. The value of input AuxInt for this step.
	OpInput
	// OpParam: no args. Real phase only. The value of parameter AuxInt of
	// the function (Func.Params): per population or per neuron data, so one
	// compiled Func serves every parameter set. const-fold replaces it with
	// the parameter's value when the caller asks for a specialised module
	// (which quantize needs).
	OpParam

	// OpAdd, OpSub: a ± b. Fixed: operands aligned to the result's fraction
	// (which is the larger operand fraction), exact, wrapped to the type.
	OpAdd
	OpSub
	// OpMul: a·b. Fixed: result fraction is the sum of the operand fractions.
	OpMul
	// OpNeg: -a. Fixed: result fraction equals the operand's.
	OpNeg
	// OpDiv: a/b by a variable. Real: float division. Fixed (DESIGN §3):
	// fixed.Div(a, b) into the result type: (a·2^(fb+fr-fa)) / b truncated
	// toward zero; b == 0 gives the result type's max when a ≥ 0, else min.
	OpDiv

	// Comparisons: bool result. Fixed: operands aligned to the larger
	// fraction and compared exactly (signed).
	OpLt
	OpLe
	OpGt
	OpGe
	OpEq
	OpNe

	// Boolean connectives on bool operands.
	OpAnd
	OpOr
	OpNot

	// OpSelect: c ? a : b, with a, b and the result of one type.
	OpSelect

	// OpCall: a nonlinear function AuxName of its args (exp, log, sqrt,
	// tanh, sigmoid, sin, cos, pow, ...). Real phase only: quantize replaces
	// it with a table or rejects it.
	OpCall

	// OpFit: real phase only. The value of arg 0 as it will be committed to
	// state AuxInt: quantize lowers it to an OpCast into the state's format
	// with the function's rounding and overflow modes. Every value that
	// reaches OpNext passes through one.
	OpFit

	// OpCast: fixed phase only. Converts arg 0 to the result format:
	// fraction bits dropped with rounding Round (or added exactly), then
	// overflow Overflow. fixed.Cast is the definition.
	OpCast

	// OpTable: fixed phase only. A nonlinear function of arg 0 as a
	// breakpoint table (DESIGN §3): Table holds the first breakpoint's raw
	// argument Lo, the spacing 2^Shift and the raw results Y in the result
	// format. With d = a - Lo: d < 0 gives Y[0]; i = d>>Shift ≥ len(Y)-1
	// gives the last entry; otherwise Y[i] + floor((Y[i+1]-Y[i])·(d mod
	// 2^Shift) / 2^Shift). fixed.Table.Eval is the definition.
	OpTable

	// OpCoef: fixed phase, generic modules only. The word of the real
	// value arg 0, which lives in the function's parameter block
	// (Func.ParamBlock, computed from parameters once per neuron), encoded
	// in the result format with round half to even (fixed.Encode, as every
	// constant is); a bool arg gives a bool (a condition on parameters). The bind pass replaces it by that constant when the
	// module is specialised; backends take only specialised modules.
	OpCoef

	// OpNext: void. Commits arg 0 as the post-step value of state AuxInt.
	// Exactly one per state, of the state's type.
	OpNext
	// OpSpike: void. Arg 0 (bool) is the spike output of this step. At most
	// one per function; none means the model never spikes.
	OpSpike
	// OpAssert: void. Arg 0 (bool) must hold on every step (a user property
	// from the source; formal proves it, sim checks it).
	OpAssert

	opCount
)

// argsVar marks a variadic op.
const argsVar = -1

// AuxKind says which auxiliary fields of a Value an op uses; the verifier
// rejects a value that sets any other (STYLE S8).
type AuxKind uint8

// Aux kinds.
const (
	AuxNone  AuxKind = iota // no aux field
	AuxConst                // AuxInt (fixed or bool word) or AuxFloat (real)
	AuxState                // AuxInt: a state index
	AuxInput                // AuxInt: an input index
	AuxParam                // AuxInt: a parameter index
	AuxFunc                 // AuxName: a builtin function name
	AuxCast                 // Round and Overflow
	AuxTable                // Table
)

var auxNames = [...]string{"none", "const", "state", "input", "param", "func", "cast", "table"}

// String names the kind.
func (k AuxKind) String() string {
	if int(k) < len(auxNames) {
		return auxNames[k]
	}
	return "aux?"
}

// OpInfo describes an op.
type OpInfo struct {
	Name  string
	Args  int     // number of args, or argsVar
	Aux   AuxKind // the aux fields it uses
	Real  bool    // allowed in the real phase
	Fixed bool    // allowed in the fixed phase
	Void  bool    // has no result
	// Generic marks a fixed-phase op of generic modules only: backends
	// need specialised modules, so FixedOps leaves it out.
	Generic bool
}

var opTable = [opCount]OpInfo{
	OpInvalid: {Name: "invalid"},
	OpConst:   {Name: "const", Args: 0, Aux: AuxConst, Real: true, Fixed: true},
	OpState:   {Name: "state", Args: 0, Aux: AuxState, Real: true, Fixed: true},
	OpInput:   {Name: "input", Args: 0, Aux: AuxInput, Real: true, Fixed: true},
	OpParam:   {Name: "param", Args: 0, Aux: AuxParam, Real: true},
	OpAdd:     {Name: "add", Args: 2, Real: true, Fixed: true},
	OpSub:     {Name: "sub", Args: 2, Real: true, Fixed: true},
	OpMul:     {Name: "mul", Args: 2, Real: true, Fixed: true},
	OpNeg:     {Name: "neg", Args: 1, Real: true, Fixed: true},
	OpDiv:     {Name: "div", Args: 2, Real: true, Fixed: true},
	OpLt:      {Name: "lt", Args: 2, Real: true, Fixed: true},
	OpLe:      {Name: "le", Args: 2, Real: true, Fixed: true},
	OpGt:      {Name: "gt", Args: 2, Real: true, Fixed: true},
	OpGe:      {Name: "ge", Args: 2, Real: true, Fixed: true},
	OpEq:      {Name: "eq", Args: 2, Real: true, Fixed: true},
	OpNe:      {Name: "ne", Args: 2, Real: true, Fixed: true},
	OpAnd:     {Name: "and", Args: 2, Real: true, Fixed: true},
	OpOr:      {Name: "or", Args: 2, Real: true, Fixed: true},
	OpNot:     {Name: "not", Args: 1, Real: true, Fixed: true},
	OpSelect:  {Name: "select", Args: 3, Real: true, Fixed: true},
	OpCall:    {Name: "call", Args: argsVar, Aux: AuxFunc, Real: true},
	OpFit:     {Name: "fit", Args: 1, Aux: AuxState, Real: true},
	OpCast:    {Name: "cast", Args: 1, Aux: AuxCast, Fixed: true},
	OpTable:   {Name: "table", Args: 1, Aux: AuxTable, Fixed: true},
	OpCoef:    {Name: "coef", Args: 1, Fixed: true, Generic: true},
	OpNext:    {Name: "next", Args: 1, Aux: AuxState, Real: true, Fixed: true, Void: true},
	OpSpike:   {Name: "spike", Args: 1, Real: true, Fixed: true, Void: true},
	OpAssert:  {Name: "assert", Args: 1, Real: true, Fixed: true, Void: true},
}

// Info returns the table entry of op.
func (op Op) Info() OpInfo {
	if op >= opCount {
		return opTable[OpInvalid]
	}
	return opTable[op]
}

// String returns the op's text name.
func (op Op) String() string { return op.Info().Name }

// Pure reports whether op computes a function of its args alone in the
// real phase (const and param included): no effect, and no read of the
// step's state or inputs. Values of pure ops over constants and
// parameters are per neuron, not per step (const-fold, quantize's
// parameter block).
func (op Op) Pure() bool {
	switch op {
	case OpState, OpInput, OpFit, OpNext, OpSpike, OpAssert:
		return false
	}
	return op.Info().Real
}

// IsCompare reports whether op is one of lt, le, gt, ge, eq, ne.
func (op Op) IsCompare() bool { return op >= OpLt && op <= OpNe }

// Ops returns every valid op in table order (for coverage tests).
func Ops() []Op {
	ops := make([]Op, 0, opCount-1)
	for op := OpConst; op < opCount; op++ {
		ops = append(ops, op)
	}
	return ops
}

// FixedOps returns the ops that may appear after quantize in a
// specialised module: every backend must lower each of them.
func FixedOps() []Op {
	var ops []Op
	for _, op := range Ops() {
		if op.Info().Fixed && !op.Info().Generic {
			ops = append(ops, op)
		}
	}
	return ops
}

var opByName = func() map[string]Op {
	m := map[string]Op{}
	for op := OpConst; op < opCount; op++ {
		m[opTable[op].Name] = op
	}
	return m
}()
