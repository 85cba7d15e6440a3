package mlir

// A test-only reader and cycle evaluator of the pretty hw/comb/seq text that
// Emit writes. It is what shows, until CIRCT can run here, that the MLIR
// means what the golden model computes: every model is run through it and
// through sim.Fixed, bit for bit.

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"scc/lang"
)

var (
	reModule = regexp.MustCompile(`^hw\.module @([A-Za-z_][\w$.]*)\((.*)\) \{$`)
	reLoc    = regexp.MustCompile(` loc\(("(?:[^"\\]|\\.)*"):(\d+):(\d+)\)$`)
	reOp     = regexp.MustCompile(`^(?:%([\w$.\-]+) = )?([a-z]+\.[a-z_.]+)(?: (.*))?$`)
	reType   = regexp.MustCompile(`^i(\d+)$`)
)

// parsePretty reads the pretty form back into netlists. It accepts exactly
// the shapes printPretty writes and fails on anything else, and it checks
// every type the text states against the definition of the value.
func parsePretty(src string) ([]*hwModule, error) {
	var mods []*hwModule
	var cur *hwModule
	var stated []statedType // operand types written in the text
	note := ""
	for i, line := range strings.Split(src, "\n") {
		ln := i + 1
		fail := func(format string, args ...any) error {
			return fmt.Errorf("line %d: %s: %q", ln, fmt.Sprintf(format, args...), line)
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			note = ""
			continue
		case strings.HasPrefix(t, "//"):
			note = strings.TrimPrefix(t, "// ")
			continue
		}
		pos, t := cutLoc(t)
		if cur == nil {
			mm := reModule.FindStringSubmatch(t)
			if mm == nil {
				return nil, fail("expected hw.module")
			}
			cur = &hwModule{name: mm[1], note: note}
			for _, p := range strings.Split(mm[2], ", ") {
				dir, rest, _ := strings.Cut(p, " ")
				name, ty, ok := strings.Cut(rest, " : ")
				w, err := parseType(ty)
				if !ok || err != nil {
					return nil, fail("bad port %q", p)
				}
				switch {
				case dir == "in" && strings.HasPrefix(name, "%"):
					cur.ins = append(cur.ins, port{name: name[1:], width: w})
				case dir == "out" && !strings.HasPrefix(name, "%"):
					cur.outs = append(cur.outs, port{name: name, width: w})
				default:
					return nil, fail("bad port %q", p)
				}
			}
			note = ""
			continue
		}
		if t == "}" {
			cur.pos = pos
			if err := checkStated(cur, stated); err != nil {
				return nil, err
			}
			mods = append(mods, cur)
			cur, stated = nil, nil
			continue
		}
		o, st, err := parseOp(t)
		if err != nil {
			return nil, fail("%v", err)
		}
		o.pos, o.note, note = pos, note, ""
		for _, s := range st {
			s.line = ln
			stated = append(stated, s)
		}
		if o.kind == kOutput {
			for k := range cur.outs {
				if k < len(o.args) {
					cur.outs[k].value = o.args[k]
				}
			}
		}
		cur.ops = append(cur.ops, o)
	}
	if cur != nil {
		return nil, fmt.Errorf("module @%s is not closed", cur.name)
	}
	return mods, nil
}

type statedType struct {
	line  int
	name  string
	width int
}

func checkStated(m *hwModule, stated []statedType) error {
	w, err := m.widths()
	if err != nil {
		return err
	}
	for _, s := range stated {
		if got, ok := w[s.name]; !ok || got != s.width {
			return fmt.Errorf("line %d: %%%s is written as %s but defined as %s", s.line, s.name, typeString(s.width), typeString(got))
		}
	}
	return nil
}

func cutLoc(t string) (lang.Pos, string) {
	mm := reLoc.FindStringSubmatchIndex(t)
	if mm == nil {
		return lang.Pos{}, t
	}
	file, _ := strconv.Unquote(t[mm[2]:mm[3]])
	line, _ := strconv.Atoi(t[mm[4]:mm[5]])
	col, _ := strconv.Atoi(t[mm[6]:mm[7]])
	return lang.Pos{File: file, Line: line, Col: col}, t[:mm[0]]
}

func parseType(s string) (int, error) {
	if s == "!seq.clock" {
		return clockWidth, nil
	}
	m := reType.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("bad type %q", s)
	}
	w, err := strconv.Atoi(m[1])
	if err != nil || w < 1 {
		return 0, fmt.Errorf("bad type %q", s)
	}
	return w, nil
}

func parseValues(s string) ([]string, error) {
	var names []string
	for _, a := range strings.Split(s, ", ") {
		if !strings.HasPrefix(a, "%") || len(a) < 2 || strings.ContainsAny(a, " ,:") {
			return nil, fmt.Errorf("bad operand %q", a)
		}
		names = append(names, a[1:])
	}
	return names, nil
}

func kindOf(mnemonic string) (kind, bool) {
	for k := kind(0); k < kindCount; k++ {
		if kindNames[k] == mnemonic {
			return k, true
		}
	}
	return 0, false
}

// parseOp reads one op line (location already removed).
func parseOp(t string) (*op, []statedType, error) {
	mm := reOp.FindStringSubmatch(t)
	if mm == nil {
		return nil, nil, fmt.Errorf("not an op")
	}
	k, ok := kindOf(mm[2])
	if !ok {
		return nil, nil, fmt.Errorf("unknown op %s", mm[2])
	}
	o := &op{kind: k, name: mm[1]}
	body := mm[3]
	var stated []statedType
	state := func(name string, ty string) error {
		w, err := parseType(ty)
		if err != nil {
			return err
		}
		stated = append(stated, statedType{name: name, width: w})
		return nil
	}
	if k >= kMem && k <= kArrayGet {
		return parseMemOp(o, body)
	}
	operands, ty, _ := strings.Cut(body, " : ")
	var err error
	switch k {
	case kConst:
		switch body {
		case "true", "false":
			o.width = 1
			if body == "true" {
				o.value = -1 // values are kept sign-extended from their width
			}
			return o, nil, nil
		}
		if o.width, err = parseType(ty); err != nil {
			return nil, nil, err
		}
		o.value, err = strconv.ParseInt(operands, 10, 64)
		return o, nil, err
	case kICmp:
		pred, rest, _ := strings.Cut(operands, " ")
		o.pred, o.width = pred, 1
		if o.args, err = parseValues(rest); err != nil {
			return nil, nil, err
		}
		for _, a := range o.args {
			if err := state(a, ty); err != nil {
				return nil, nil, err
			}
		}
		return o, stated, nil
	case kExtract, kReplicate:
		src := operands
		if k == kExtract {
			var low string
			src, low, _ = strings.Cut(operands, " from ")
			if o.low, err = strconv.Atoi(low); err != nil {
				return nil, nil, fmt.Errorf("bad low bit")
			}
		}
		from, to, ok := strings.Cut(ty, " -> ")
		if !ok || !strings.HasPrefix(from, "(") || !strings.HasSuffix(from, ")") {
			return nil, nil, fmt.Errorf("bad function type %q", ty)
		}
		if o.args, err = parseValues(src); err != nil || len(o.args) != 1 {
			return nil, nil, fmt.Errorf("bad operand")
		}
		if err := state(o.args[0], from[1:len(from)-1]); err != nil {
			return nil, nil, err
		}
		o.width, err = parseType(to)
		return o, stated, err
	case kConcat, kOutput:
		if body == "" && k == kOutput {
			return o, nil, nil
		}
		if o.args, err = parseValues(operands); err != nil {
			return nil, nil, err
		}
		tys := strings.Split(ty, ", ")
		if len(tys) != len(o.args) {
			return nil, nil, fmt.Errorf("%d types for %d operands", len(tys), len(o.args))
		}
		for i, a := range o.args {
			if err := state(a, tys[i]); err != nil {
				return nil, nil, err
			}
			if k == kConcat {
				o.width += stated[i].width
			}
		}
		return o, stated, nil
	case kFirReg:
		var d, clk, rst, init string
		n, _ := fmt.Sscanf(operands, "%s clock %s reset async %s %s", &d, &clk, &rst, &init)
		if n != 4 || !strings.HasSuffix(rst, ",") {
			return nil, nil, fmt.Errorf("bad seq.firreg")
		}
		if o.args, err = parseValues(strings.Join([]string{d, clk, strings.TrimSuffix(rst, ","), init}, ", ")); err != nil {
			return nil, nil, err
		}
		o.width, err = parseType(ty)
		if err == nil {
			stated = append(stated, statedType{name: o.args[1], width: clockWidth},
				statedType{name: o.args[2], width: 1}, statedType{name: o.args[3], width: o.width})
		}
		return o, stated, err
	}
	// verif.assert, the binary comb ops and comb.mux: one type, the result's
	// (the operand's for verif.assert).
	if o.args, err = parseValues(operands); err != nil {
		return nil, nil, err
	}
	w, err := parseType(ty)
	if err != nil {
		return nil, nil, err
	}
	if k != kAssert {
		o.width = w
	}
	for i, a := range o.args {
		if k == kMux && i == 0 {
			continue
		}
		stated = append(stated, statedType{name: a, width: w})
	}
	return o, stated, nil
}

// machine evaluates one parsed module cycle by cycle with two-valued logic
// plus an undefined mark for comb.divs by zero, which must never reach a
// register, an output or an assertion.
type machine struct {
	m      *hwModule
	slot   map[string]int // value name → index into val
	val    []*big.Int     // current values, each in [0, 2^width)
	undef  []bool
	width  []int
	argIdx [][]int
	res    []int      // per op: the slot of its result (-1: none)
	resM   []*big.Int // per op: the mask of its result width (nil: none)
	inM    []*big.Int // per input slot: the mask of its width
	state  []*big.Int // register contents, by op index (nil for other ops)
	assert []bool     // per verif.assert op of the last eval: held
	masks  map[int]*big.Int
	// Memories (mem_folded_test.go): words by seq.firmem op index (nil
	// word: undefined), read port registers by op index.
	mems  map[int][]*big.Int
	memOf map[string]int // memory name → op index
	rdUnd []bool         // per op: the read port's register is undefined
	ports []int          // read and write port ops, in order
	// Scratch words of eval for signed operands, concatenations and the
	// inputs: the equivalence runs evaluate millions of ops.
	sx, sy, acc, in *big.Int
}

func newMachine(m *hwModule) (*machine, error) {
	if err := check(m); err != nil {
		return nil, err
	}
	mc := &machine{m: m, slot: map[string]int{}, masks: map[int]*big.Int{},
		sx: new(big.Int), sy: new(big.Int), acc: new(big.Int), in: new(big.Int)}
	def := func(name string, w int) {
		mc.slot[name] = len(mc.val)
		mc.val = append(mc.val, new(big.Int))
		mc.undef = append(mc.undef, false)
		mc.width = append(mc.width, w)
	}
	for _, p := range m.ins {
		def(p.name, p.width)
	}
	for _, o := range m.ops {
		if o.name != "" {
			def(o.name, o.width)
		}
	}
	mc.inM = make([]*big.Int, len(m.ins))
	for s := 1; s < len(m.ins); s++ { // slot 0 is clk
		mc.inM[s] = mc.mask(mc.width[s])
	}
	mc.argIdx = make([][]int, len(m.ops))
	mc.res = make([]int, len(m.ops))
	mc.resM = make([]*big.Int, len(m.ops))
	mc.state = make([]*big.Int, len(m.ops))
	for i, o := range m.ops {
		for _, a := range o.args {
			mc.argIdx[i] = append(mc.argIdx[i], mc.slot[a])
		}
		mc.res[i] = -1
		if o.kind != kAssert && o.kind != kOutput && o.kind != kMemWrite {
			mc.res[i] = mc.slot[o.name]
			mc.resM[i] = mc.mask(o.width)
		}
		if o.kind == kFirReg {
			mc.state[i] = new(big.Int)
		}
	}
	mc.initMems()
	return mc, nil
}

var bigOne = big.NewInt(1)

// mask returns 2^w - 1 (shared; callers must not modify it).
func (mc *machine) mask(w int) *big.Int {
	m, ok := mc.masks[w]
	if !ok {
		m = new(big.Int).Sub(new(big.Int).Lsh(bigOne, uint(w)), bigOne)
		mc.masks[w] = m
	}
	return m
}

// signed reads the w-bit pattern u as a two's complement integer.
func signed(u *big.Int, w int) *big.Int {
	return signedTo(new(big.Int), u, w)
}

// signedTo sets r to the w-bit pattern u read as a two's complement
// integer and returns r.
func signedTo(r, u *big.Int, w int) *big.Int {
	r.Set(u)
	if u.Bit(w-1) == 1 {
		r.Sub(r, new(big.Int).Lsh(bigOne, uint(w)))
	}
	return r
}

// eval computes every value from the inputs (clk excluded: the clock is the
// call to edge) and the register contents.
func (mc *machine) eval(in []int64) error {
	if len(in) != len(mc.m.ins)-1 {
		return fmt.Errorf("%d inputs for %d ports", len(in), len(mc.m.ins)-1)
	}
	for i, x := range in {
		s := i + 1
		mc.val[s].And(mc.in.SetInt64(x), mc.inM[s])
		mc.undef[s] = false
	}
	mc.assert = mc.assert[:0]
	for i, o := range mc.m.ops {
		ai := mc.argIdx[i]
		und := false
		for k, a := range ai {
			if mc.undef[a] && !(o.kind == kMux && k > 0) && !(o.kind == kFirReg && k == 0) {
				und = true
			}
		}
		if o.kind == kAssert || o.kind == kOutput || o.kind == kFirReg && (mc.undef[ai[2]] || mc.undef[ai[3]]) {
			if und {
				return fmt.Errorf("op %d (%v) reads an undefined value", i, o.kind)
			}
		}
		if o.kind == kAssert {
			mc.assert = append(mc.assert, mc.val[ai[0]].Sign() != 0)
			continue
		}
		if o.kind == kOutput || o.kind == kMemWrite {
			continue
		}
		var a, b *big.Int
		if len(ai) > 0 {
			a = mc.val[ai[0]]
		}
		if len(ai) > 1 {
			b = mc.val[ai[1]]
		}
		s := mc.res[i]
		r := mc.val[s]
		w := o.width
		switch o.kind {
		case kConst:
			r.SetInt64(o.value)
		case kAdd:
			r.Add(a, b)
		case kSub:
			r.Sub(a, b)
		case kMul:
			r.Mul(a, b)
		case kDivS:
			if b.Sign() == 0 {
				und = true
				r.SetInt64(0)
				break
			}
			r.Quo(signedTo(mc.sx, a, w), signedTo(mc.sy, b, w)) // truncates toward zero
		case kAnd:
			r.And(a, b)
			// false & x is false for every x: an undefined operand is
			// masked by a defined zero (the gating of unused pipeline data).
			if und && len(ai) == 2 && (!mc.undef[ai[0]] && a.Sign() == 0 || !mc.undef[ai[1]] && b.Sign() == 0) {
				und = false
				r.SetInt64(0)
			}
		case kOr:
			r.Or(a, b)
		case kXor:
			r.Xor(a, b)
		case kICmp:
			aw := mc.width[ai[0]]
			x, y := a, b
			if o.pred[0] == 's' {
				x, y = signedTo(mc.sx, a, aw), signedTo(mc.sy, b, aw)
			}
			c := x.Cmp(y)
			var t bool
			switch o.pred {
			case "eq":
				t = c == 0
			case "ne":
				t = c != 0
			case "slt", "ult":
				t = c < 0
			case "sle", "ule":
				t = c <= 0
			case "sgt", "ugt":
				t = c > 0
			case "sge", "uge":
				t = c >= 0
			default:
				return fmt.Errorf("op %d: predicate %q", i, o.pred)
			}
			r.SetInt64(0)
			if t {
				r.SetInt64(1)
			}
		case kMux:
			pick := ai[2]
			if a.Sign() != 0 {
				pick = ai[1]
			}
			r.Set(mc.val[pick])
			und = mc.undef[ai[0]] || mc.undef[pick]
		case kExtract:
			r.Rsh(a, uint(o.low))
		case kConcat:
			acc := mc.acc.SetInt64(0)
			for k := range ai {
				acc.Lsh(acc, uint(mc.width[ai[k]])).Or(acc, mc.val[ai[k]])
			}
			r.Set(acc)
		case kReplicate:
			aw := mc.width[ai[0]]
			acc := mc.acc.SetInt64(0)
			for n := 0; n < w/aw; n++ {
				acc.Lsh(acc, uint(aw)).Or(acc, a)
			}
			r.Set(acc)
		case kMem, kArray:
			r.SetInt64(0)
			und = false
		case kMemRead: // the register of the read port
			r.Set(mc.state[i])
			und = mc.rdUnd[i]
		case kArrayGet:
			und = mc.undef[ai[1]]
			r.SetInt64(0)
			if !und {
				if b.IsUint64() && b.Uint64() < uint64(mc.arrayOp(ai[0]).depth) {
					r.SetInt64(mc.arrayOp(ai[0]).values[b.Uint64()])
				} else {
					und = true
				}
			}
		case kFirReg: // asynchronous reset: the reset value shows at once
			und = false
			if mc.val[ai[2]].Sign() != 0 {
				r.Set(mc.val[ai[3]])
			} else {
				r.Set(mc.state[i])
			}
		default:
			return fmt.Errorf("op %d: cannot evaluate %v", i, o.kind)
		}
		r.And(r, mc.resM[i])
		mc.undef[s] = und
	}
	return nil
}

// edge is a rising clock edge: every register loads its next value, or its
// reset value while reset is asserted.
func (mc *machine) edge() error {
	if err := mc.memEdge(); err != nil {
		return err
	}
	for i, o := range mc.m.ops {
		if o.kind != kFirReg {
			continue
		}
		ai := mc.argIdx[i]
		src := ai[0]
		if mc.val[ai[2]].Sign() != 0 {
			src = ai[3]
		}
		if mc.undef[src] {
			return fmt.Errorf("register %%%s loads an undefined value", o.name)
		}
		mc.state[i].Set(mc.val[src])
	}
	return nil
}

// output returns the value of output port k after the last eval.
func (mc *machine) output(k int) (*big.Int, error) {
	s := mc.slot[mc.m.outs[k].value]
	if mc.undef[s] {
		return nil, fmt.Errorf("output %s is undefined", mc.m.outs[k].name)
	}
	return mc.val[s], nil
}
