package mlir

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The evaluator's memories and arrays: parsing the pretty forms of mem.go
// and their cycle semantics (read latency 1, write latency 1, undefined
// read-under-write and write-under-write, words undefined until written).

var (
	reMemType  = regexp.MustCompile(`^<(\d+) x (\d+)>$`)
	reArrType  = regexp.MustCompile(`^!hw\.array<(\d+)xi(\d+)>$`)
	reMemRead  = regexp.MustCompile(`^%([\w$.\-]+)\[%([\w$.\-]+)\], clock %([\w$.\-]+) enable %([\w$.\-]+) : (<.*>)$`)
	reMemWrite = regexp.MustCompile(`^%([\w$.\-]+)\[%([\w$.\-]+)\] = %([\w$.\-]+), clock %([\w$.\-]+) enable %([\w$.\-]+) : (<.*>)$`)
	reArrGet   = regexp.MustCompile(`^%([\w$.\-]+)\[%([\w$.\-]+)\] : (!hw\.array<\d+xi\d+>), i(\d+)$`)
)

func parseDims(re *regexp.Regexp, s string) (depth, width int, err error) {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, fmt.Errorf("bad type %q", s)
	}
	depth, _ = strconv.Atoi(m[1])
	width, _ = strconv.Atoi(m[2])
	return depth, width, nil
}

// parseMemOp reads the operands and type of a memory or array op.
func parseMemOp(o *op, body string) (*op, []statedType, error) {
	var err error
	switch o.kind {
	case kMem:
		ty, ok := strings.CutPrefix(body, "1, 1, undefined, undefined : ")
		if !ok {
			return nil, nil, fmt.Errorf("seq.firmem with other latencies or collision modes")
		}
		o.depth, o.width, err = parseDims(reMemType, ty)
		return o, nil, err
	case kMemRead:
		m := reMemRead.FindStringSubmatch(body)
		if m == nil {
			return nil, nil, fmt.Errorf("bad read port")
		}
		o.args = []string{m[1], m[2], m[3], m[4]}
		_, o.width, err = parseDims(reMemType, m[5])
		return o, []statedType{{name: m[3], width: clockWidth}, {name: m[4], width: 1}}, err
	case kMemWrite:
		m := reMemWrite.FindStringSubmatch(body)
		if m == nil {
			return nil, nil, fmt.Errorf("bad write port")
		}
		o.args = []string{m[1], m[2], m[4], m[5], m[3]}
		_, w, err := parseDims(reMemType, m[6])
		return o, []statedType{{name: m[4], width: clockWidth}, {name: m[5], width: 1}, {name: m[3], width: w}}, err
	case kArray:
		list, ty, ok := strings.Cut(body, "] : ")
		if !ok || !strings.HasPrefix(list, "[") {
			return nil, nil, fmt.Errorf("bad aggregate constant")
		}
		if o.depth, o.width, err = parseDims(reArrType, ty); err != nil {
			return nil, nil, err
		}
		fields := strings.Split(list[1:], ", ")
		if len(fields) != o.depth {
			return nil, nil, fmt.Errorf("%d fields for !hw.array<%d>", len(fields), o.depth)
		}
		o.values = make([]int64, o.depth)
		for k, f := range fields {
			var v int64
			switch {
			case o.width == 1 && f == "true":
				v = -1
			case o.width == 1 && f == "false":
			default:
				num, ty, ok := strings.Cut(f, " : ")
				if !ok || ty != "i"+strconv.Itoa(o.width) {
					return nil, nil, fmt.Errorf("bad field %q", f)
				}
				if v, err = strconv.ParseInt(num, 10, 64); err != nil {
					return nil, nil, err
				}
			}
			o.values[o.depth-1-k] = v // highest index first
		}
		return o, nil, nil
	case kArrayGet:
		m := reArrGet.FindStringSubmatch(body)
		if m == nil {
			return nil, nil, fmt.Errorf("bad hw.array_get")
		}
		o.args = []string{m[1], m[2]}
		if _, o.width, err = parseDims(reArrType, m[3]); err != nil {
			return nil, nil, err
		}
		iw, _ := strconv.Atoi(m[4])
		return o, []statedType{{name: m[2], width: iw}}, nil
	}
	return nil, nil, fmt.Errorf("not a memory op")
}

// initMems gives every seq.firmem its words (all undefined) and every read
// port its register (undefined).
func (mc *machine) initMems() {
	mc.mems = map[int][]*big.Int{}
	mc.memOf = map[string]int{}
	mc.rdUnd = make([]bool, len(mc.m.ops))
	for i, o := range mc.m.ops {
		switch o.kind {
		case kMem:
			mc.mems[i] = make([]*big.Int, o.depth)
			mc.memOf[o.name] = i
		case kArray:
			mc.memOf[o.name] = i
		case kMemRead:
			mc.state[i] = new(big.Int)
			mc.rdUnd[i] = true
			mc.ports = append(mc.ports, i)
		case kMemWrite:
			mc.ports = append(mc.ports, i)
		}
	}
}

// arrayOp returns the array constant whose value is in slot s.
func (mc *machine) arrayOp(s int) *op {
	return mc.m.ops[mc.memOf[mc.m.ops[mc.opOfSlot(s)].name]]
}

func (mc *machine) opOfSlot(s int) int {
	for i, r := range mc.res {
		if r == s {
			return i
		}
	}
	panic("no op defines the slot")
}

// memEdge is the clock edge of the memories: every enabled read port loads
// the word at its address (undefined when the word is, when the address is
// out of range, or when a write port writes that address at this edge),
// then every enabled write port stores its data.
func (mc *machine) memEdge() error {
	type wr struct {
		mem  int
		addr uint64
	}
	writes := map[wr]int{}
	for _, i := range mc.ports {
		o := mc.m.ops[i]
		if o.kind != kMemWrite {
			continue
		}
		ai := mc.argIdx[i]
		if mc.undef[ai[3]] {
			return fmt.Errorf("write port %d of %%%s: enable undefined", i, o.args[0])
		}
		if mc.val[ai[3]].Sign() == 0 {
			continue
		}
		m := mc.memOf[o.args[0]]
		a := mc.val[ai[1]]
		if mc.undef[ai[1]] || !a.IsUint64() || a.Uint64() >= uint64(len(mc.mems[m])) {
			return fmt.Errorf("write port %d of %%%s: address %v undefined or out of range", i, o.args[0], a)
		}
		writes[wr{m, a.Uint64()}]++
	}
	for _, i := range mc.ports {
		o := mc.m.ops[i]
		if o.kind != kMemRead {
			continue
		}
		ai := mc.argIdx[i]
		m := mc.memOf[o.args[0]]
		words := mc.mems[m]
		mc.rdUnd[i] = true
		if mc.undef[ai[3]] || mc.val[ai[3]].Sign() == 0 || mc.undef[ai[1]] {
			continue
		}
		a := mc.val[ai[1]]
		if !a.IsUint64() || a.Uint64() >= uint64(len(words)) || words[a.Uint64()] == nil || writes[wr{m, a.Uint64()}] > 0 {
			continue
		}
		mc.state[i].Set(words[a.Uint64()])
		mc.rdUnd[i] = false
	}
	for _, i := range mc.ports {
		o := mc.m.ops[i]
		if o.kind != kMemWrite {
			continue
		}
		ai := mc.argIdx[i]
		if mc.val[ai[3]].Sign() == 0 {
			continue
		}
		m := mc.memOf[o.args[0]]
		a := mc.val[ai[1]].Uint64()
		if mc.undef[ai[4]] || writes[wr{m, a}] > 1 {
			mc.mems[m][a] = nil
			continue
		}
		mc.mems[m][a] = new(big.Int).Set(mc.val[ai[4]])
	}
	return nil
}

// TestMemOps: a memory and an array constant built, checked, printed in
// both forms, parsed back and evaluated: read latency one, writes at the
// edge, undefined words until written and on read-under-write, array
// elements by index; the checker rejects a wrong address width.
func TestMemOps(t *testing.T) {
	m := &hwModule{name: "M", ins: []port{{name: "clk", width: clockWidth}, {name: "a", width: 2}, {name: "d", width: 8}, {name: "we", width: 1}}}
	b := newBuilder(m)
	for _, p := range m.ins {
		b.reserve(p.name)
	}
	b.base = "m"
	mem := b.memory("mem", 3, 8)
	arr := b.array("tab", 8, []int64{5, -3, 7})
	b.readPort(mem, "a", b.constant(1, 1), "rd")
	b.arrayGet(arr, "a", "get")
	b.writePort(mem, "a", "we", "d")
	b.add(&op{kind: kOutput}, "")
	if err := check(m); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	printPretty(&sb, m)
	pretty := sb.String()
	for _, want := range []string{"seq.firmem 1, 1, undefined, undefined : <3 x 8>", "hw.aggregate_constant [7 : i8, -3 : i8, 5 : i8] : !hw.array<3xi8>",
		"seq.firmem.read_port %mem[%a], clock %clk enable %true : <3 x 8>", "seq.firmem.write_port %mem[%a] = %d, clock %clk enable %we : <3 x 8>",
		"hw.array_get %tab[%a] : !hw.array<3xi8>, i2"} {
		if !strings.Contains(pretty, want) {
			t.Errorf("pretty form lacks %q:\n%s", want, pretty)
		}
	}
	mods, err := parsePretty(pretty)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := newMachine(mods[0])
	if err != nil {
		t.Fatal(err)
	}
	run := func(a, d, we int64) (r, g string) {
		t.Helper()
		if err := mc.eval([]int64{a, d, we}); err != nil {
			t.Fatal(err)
		}
		show := func(name string) string {
			s := mc.slot[name]
			if mc.undef[s] {
				return "X"
			}
			return mc.val[s].String()
		}
		r, g = show("m_rd"), show("m_get")
		if err := mc.edge(); err != nil {
			t.Fatal(err)
		}
		return r, g
	}
	steps := []struct {
		a, d, we int64
		r, g     string
	}{
		{0, 9, 1, "X", "5"},   // write 9 at 0 while reading 0: read undefined
		{1, 4, 1, "X", "253"}, // the read of the last edge was undefined
		{0, 0, 0, "X", "5"},   // read 0 (9 lands next)
		{1, 0, 0, "9", "253"}, // …
		{2, 0, 0, "4", "7"},   // word 2 never written
		{3, 0, 0, "X", "X"},   // out of range
	}
	for k, s := range steps {
		r, g := run(s.a, s.d, s.we)
		if r != s.r || g != s.g {
			t.Errorf("step %d: read %s, array %s; want %s, %s", k, r, g, s.r, s.g)
		}
	}
	sb.Reset()
	printGeneric(&sb, m)
	for _, want := range []string{`"seq.firmem"() {readLatency = 1 : i32, ruw = 0 : i32, writeLatency = 1 : i32, wuw = 0 : i32} : () -> !seq.firmem<3 x 8>`,
		`"seq.firmem.write_port"(%mem, %a, %clk, %we, %d) {operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0>} : (!seq.firmem<3 x 8>, i2, !seq.clock, i1, i8) -> ()`,
		`"hw.array_get"(%tab, %a) : (!hw.array<3xi8>, i2) -> i8`} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("generic form lacks %q:\n%s", want, sb.String())
		}
	}
	m.ins[1].width = 3
	if err := check(m); err == nil || !strings.Contains(err.Error(), "address i3") {
		t.Errorf("a 3-bit address of a 3-word memory: %v", err)
	}
}
