package ir

import (
	"fmt"
	"strings"

	"scc/fixed"
)

// Verify checks the invariants of m (STYLE S8): SSA (unique IDs, args
// defined before use in the block), argument counts, the phase of every op
// and type, the typing rules of each op, one next per state and at most one
// spike per function, and every network's invariants (VerifyNet). It
// returns the first violation found.
func Verify(m *Module) error {
	for _, f := range m.Funcs {
		if err := VerifyFunc(f, m.Phase); err != nil {
			return fmt.Errorf("func %s: %w", f.Name, err)
		}
	}
	for _, n := range m.Nets {
		if err := VerifyNet(m, n); err != nil {
			return fmt.Errorf("network %s: %w", n.Name, err)
		}
	}
	return nil
}

// VerifyFunc checks one function against the invariants of phase ph.
func VerifyFunc(f *Func, ph Phase) error {
	if len(f.Blocks) != 1 {
		return fmt.Errorf("has %d blocks, want 1", len(f.Blocks))
	}
	if !f.Format.Valid() {
		return fmt.Errorf("invalid state format %v", f.Format)
	}
	for _, s := range f.States {
		if err := checkPhaseType(s.Type, ph, false); err != nil {
			return fmt.Errorf("state %q: %v", s.Name, err)
		}
		if s.Type.Kind == KFixed && !s.Type.Fmt.Contains(s.InitRaw) {
			return fmt.Errorf("state %q: initial word %d does not fit %v", s.Name, s.InitRaw, s.Type)
		}
	}
	pnames := map[string]bool{}
	for _, q := range f.Params {
		if pnames[q.Name] {
			return fmt.Errorf("parameter %q declared twice", q.Name)
		}
		pnames[q.Name] = true
		if r := q.Range; r != nil && !(r.Lo <= q.Value && q.Value <= r.Hi) {
			return fmt.Errorf("parameter %q = %v outside its range [%v, %v]", q.Name, q.Value, r.Lo, r.Hi)
		}
	}
	for _, in := range f.Inputs {
		if err := checkPhaseType(in.Type, ph, false); err != nil {
			return fmt.Errorf("input %q: %v", in.Name, err)
		}
	}
	defined := make(map[*Value]bool)
	ids := make(map[int]bool)
	nexts := make([]int, len(f.States))
	spikes := 0
	// sequence checks one value's block, ID and args, in order.
	sequence := func(b *Block, v *Value) error {
		if v.Block != b {
			return fmt.Errorf("%s: wrong block", v.LongString())
		}
		if ids[v.ID] || v.ID < 0 || v.ID >= f.nextID {
			return fmt.Errorf("%s: duplicate or out-of-range ID", v.LongString())
		}
		ids[v.ID] = true
		for _, a := range v.Args {
			if !defined[a] {
				return fmt.Errorf("%s: arg %s not defined before use", v.LongString(), a)
			}
			if b != f.ParamBlock && (a.Block == f.ParamBlock) != (v.Op == OpCoef) {
				return fmt.Errorf("%s: only coef reads the parameter block, and only it", v.LongString())
			}
		}
		return nil
	}
	if pb := f.ParamBlock; pb != nil {
		if ph != Fixed {
			return fmt.Errorf("a parameter block in the %v phase (quantize makes it)", ph)
		}
		if pb.Func != f {
			return fmt.Errorf("parameter block belongs to another func")
		}
		for _, v := range pb.Values {
			if err := sequence(pb, v); err != nil {
				return err
			}
			if !v.Op.Pure() {
				return fmt.Errorf("%s: op %s in the parameter block", v.LongString(), v.Op)
			}
			if err := verifyValue(f, v, Real); err != nil {
				return fmt.Errorf("%s: %v", v.LongString(), err)
			}
			defined[v] = true
		}
	}
	for _, b := range f.Blocks {
		if b.Func != f {
			return fmt.Errorf("block b%d belongs to another func", b.ID)
		}
		for _, v := range b.Values {
			if err := sequence(b, v); err != nil {
				return err
			}
			if err := verifyValue(f, v, ph); err != nil {
				return fmt.Errorf("%s: %v", v.LongString(), err)
			}
			switch v.Op {
			case OpNext:
				nexts[v.AuxInt]++
			case OpSpike:
				spikes++
			}
			defined[v] = true
		}
	}
	for i, n := range nexts {
		if n != 1 {
			return fmt.Errorf("state %q has %d next ops, want 1", f.States[i].Name, n)
		}
	}
	if spikes > 1 {
		return fmt.Errorf("%d spike ops, want at most 1", spikes)
	}
	return nil
}

func checkPhaseType(t Type, ph Phase, allowBool bool) error {
	switch {
	case t.Kind == KBool && allowBool:
		return nil
	case ph == Real && t.Kind == KFloat:
		return nil
	case ph == Fixed && t.Kind == KFixed:
		if !t.Fmt.Valid() {
			return fmt.Errorf("format %v wider than %d bits or empty", t.Fmt, fixed.MaxWidth)
		}
		return nil
	}
	return fmt.Errorf("type %v not allowed in the %v phase", t, ph)
}

func verifyValue(f *Func, v *Value, ph Phase) error {
	info := v.Op.Info()
	if info.Name == "invalid" {
		return fmt.Errorf("invalid op")
	}
	if (ph == Real && !info.Real) || (ph == Fixed && !info.Fixed) {
		return fmt.Errorf("op %s not allowed in the %v phase", v.Op, ph)
	}
	if info.Args != argsVar && len(v.Args) != info.Args {
		return fmt.Errorf("has %d args, want %d", len(v.Args), info.Args)
	}
	if info.Void {
		if v.Type != Void {
			return fmt.Errorf("void op with type %v", v.Type)
		}
	} else if err := checkPhaseType(v.Type, ph, true); err != nil {
		return err
	}
	if err := verifyAux(v, info.Aux); err != nil {
		return err
	}
	if v.Range != nil && (ph != Real || info.Void) {
		return fmt.Errorf("range fact on a %s", map[bool]string{true: "void op", false: "fixed-phase value"}[info.Void])
	}
	if r := v.Range; r != nil && !(r.Lo <= r.Hi) {
		return fmt.Errorf("empty range fact [%v, %v]", r.Lo, r.Hi)
	}
	num := func(t Type) bool { return t.Kind == KFloat || t.Kind == KFixed }
	args := v.Args
	switch v.Op {
	case OpConst:
		if v.Type.Kind == KBool && v.AuxInt != 0 && v.AuxInt != 1 {
			return fmt.Errorf("bool constant %d", v.AuxInt)
		}
		if v.Type.Kind == KFixed && !v.Type.Fmt.Contains(v.AuxInt) {
			return fmt.Errorf("constant %d does not fit %v", v.AuxInt, v.Type)
		}
	case OpState, OpFit, OpNext:
		if v.AuxInt < 0 || int(v.AuxInt) >= len(f.States) {
			return fmt.Errorf("state index %d out of range", v.AuxInt)
		}
		st := f.States[v.AuxInt].Type
		switch v.Op {
		case OpState:
			if v.Type != st {
				return fmt.Errorf("type %v, state has %v", v.Type, st)
			}
		case OpNext:
			if args[0].Type != st {
				return fmt.Errorf("commits %v to a state of type %v", args[0].Type, st)
			}
		case OpFit:
			if !num(args[0].Type) || v.Type != st {
				return fmt.Errorf("fit of %v into %v", args[0].Type, st)
			}
		}
	case OpParam:
		if v.AuxInt < 0 || int(v.AuxInt) >= len(f.Params) {
			return fmt.Errorf("parameter index %d out of range", v.AuxInt)
		}
		if v.Type != F64 {
			return fmt.Errorf("parameter of type %v", v.Type)
		}
	case OpInput:
		if v.AuxInt < 0 || int(v.AuxInt) >= len(f.Inputs) {
			return fmt.Errorf("input index %d out of range", v.AuxInt)
		}
		if it := f.Inputs[v.AuxInt].Type; v.Type != it {
			return fmt.Errorf("type %v, input has %v", v.Type, it)
		}
	case OpAdd, OpSub, OpMul, OpDiv:
		a, b := args[0].Type, args[1].Type
		if !num(a) || !num(b) || !num(v.Type) {
			return fmt.Errorf("arithmetic on %v, %v", a, b)
		}
		if v.Type.Kind == KFixed {
			want := -1
			switch v.Op {
			case OpAdd, OpSub:
				want = max(a.Fmt.Frac, b.Fmt.Frac)
			case OpMul:
				want = a.Fmt.Frac + b.Fmt.Frac
				if a.Fmt.Width()+b.Fmt.Width() > fixed.MaxWidth {
					return fmt.Errorf("product of %v and %v exceeds %d bits", a, b, fixed.MaxWidth)
				}
			}
			if want >= 0 && v.Type.Fmt.Frac != want {
				return fmt.Errorf("result fraction %d, want %d", v.Type.Fmt.Frac, want)
			}
		}
	case OpNeg:
		if !num(args[0].Type) || !num(v.Type) {
			return fmt.Errorf("neg of %v", args[0].Type)
		}
		if v.Type.Kind == KFixed && v.Type.Fmt.Frac != args[0].Type.Fmt.Frac {
			return fmt.Errorf("result fraction %d, want %d", v.Type.Fmt.Frac, args[0].Type.Fmt.Frac)
		}
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
		if v.Type != Bool {
			return fmt.Errorf("comparison of type %v", v.Type)
		}
		a, b := args[0].Type, args[1].Type
		if !(num(a) && num(b)) && !(a == Bool && b == Bool && (v.Op == OpEq || v.Op == OpNe)) {
			return fmt.Errorf("comparison of %v and %v", a, b)
		}
	case OpAnd, OpOr, OpNot:
		for _, a := range args {
			if a.Type != Bool {
				return fmt.Errorf("boolean op on %v", a.Type)
			}
		}
		if v.Type != Bool {
			return fmt.Errorf("boolean op of type %v", v.Type)
		}
	case OpSelect:
		if args[0].Type != Bool || args[1].Type != v.Type || args[2].Type != v.Type {
			return fmt.Errorf("select(%v, %v, %v) : %v", args[0].Type, args[1].Type, args[2].Type, v.Type)
		}
	case OpCall:
		if v.AuxName == "" || len(args) == 0 {
			return fmt.Errorf("call without function or args")
		}
	case OpCast:
		if args[0].Type.Kind != KFixed || v.Type.Kind != KFixed {
			return fmt.Errorf("cast from %v to %v", args[0].Type, v.Type)
		}
	case OpTable:
		if args[0].Type.Kind != KFixed || v.Type.Kind != KFixed {
			return fmt.Errorf("table from %v to %v", args[0].Type, v.Type)
		}
		if v.Table == nil {
			return fmt.Errorf("table without entries")
		}
		if err := v.Table.Check(args[0].Type.Fmt, v.Type.Fmt); err != nil {
			return err
		}
	case OpCoef:
		if !(args[0].Type == F64 && v.Type.Kind == KFixed || args[0].Type == Bool && v.Type == Bool) {
			return fmt.Errorf("coef of %v as %v", args[0].Type, v.Type)
		}
	case OpSpike, OpAssert:
		if args[0].Type != Bool {
			return fmt.Errorf("condition of type %v", args[0].Type)
		}
	}
	return nil
}

// verifyAux rejects aux fields the op's kind does not use (a stray field
// is a pass that forgot to clear it when rewriting a value in place).
func verifyAux(v *Value, k AuxKind) error {
	var stray []string
	if v.AuxInt != 0 {
		switch {
		case k == AuxState || k == AuxInput || k == AuxParam:
		case k == AuxConst && v.Type.Kind != KFloat:
		default:
			stray = append(stray, "AuxInt")
		}
	}
	if v.AuxFloat != 0 && !(k == AuxConst && v.Type.Kind == KFloat) {
		stray = append(stray, "AuxFloat")
	}
	if v.AuxName != "" && k != AuxFunc {
		stray = append(stray, "AuxName")
	}
	if (v.Round != 0 || v.Overflow != 0) && k != AuxCast {
		stray = append(stray, "Round/Overflow")
	}
	if v.Table != nil && k != AuxTable {
		stray = append(stray, "Table")
	}
	if len(stray) > 0 {
		return fmt.Errorf("stray aux field %s for an op of aux kind %v", strings.Join(stray, ", "), k)
	}
	return nil
}
