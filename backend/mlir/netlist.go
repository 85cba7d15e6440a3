package mlir

import (
	"fmt"
	"strconv"

	"scc/lang"
)

// kind is a hw/comb/seq/verif operation of the emitted subset. The netlist
// is the single representation both printers read, so the pretty and the
// generic form cannot disagree.
type kind uint8

const (
	kConst     kind = iota // hw.constant
	kAdd                   // comb.add
	kSub                   // comb.sub
	kMul                   // comb.mul
	kDivS                  // comb.divs
	kAnd                   // comb.and
	kOr                    // comb.or
	kXor                   // comb.xor
	kICmp                  // comb.icmp
	kMux                   // comb.mux
	kExtract               // comb.extract
	kConcat                // comb.concat
	kReplicate             // comb.replicate
	kFirReg                // seq.firreg … reset async
	kAssert                // verif.assert
	kOutput                // hw.output
	kMem                   // seq.firmem (mem.go)
	kMemRead               // seq.firmem.read_port
	kMemWrite              // seq.firmem.write_port
	kArray                 // hw.aggregate_constant of an !hw.array
	kArrayGet              // hw.array_get
	kindCount
)

var kindNames = [kindCount]string{
	kConst: "hw.constant", kAdd: "comb.add", kSub: "comb.sub", kMul: "comb.mul",
	kDivS: "comb.divs", kAnd: "comb.and", kOr: "comb.or", kXor: "comb.xor",
	kICmp: "comb.icmp", kMux: "comb.mux", kExtract: "comb.extract",
	kConcat: "comb.concat", kReplicate: "comb.replicate", kFirReg: "seq.firreg",
	kAssert: "verif.assert", kOutput: "hw.output",
	kMem: "seq.firmem", kMemRead: "seq.firmem.read_port", kMemWrite: "seq.firmem.write_port",
	kArray: "hw.aggregate_constant", kArrayGet: "hw.array_get",
}

func (k kind) String() string {
	if k < kindCount {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// binary reports whether k is a two-operand comb op whose operands and
// result share one width.
func (k kind) binary() bool { return k >= kAdd && k <= kXor }

// clockWidth is the width recorded for a !seq.clock value; every integer
// width is ≥ 1.
const clockWidth = 0

// icmp predicates and their CIRCT enum values (Comb ICmpPredicate).
var predicates = []string{"eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"}

func predicateCode(p string) int {
	for i, q := range predicates {
		if q == p {
			return i
		}
	}
	return -1
}

// op is one operation of a module body.
type op struct {
	kind  kind
	name  string   // result SSA name without '%'; "" when there is no result
	width int      // result width
	args  []string // operand SSA names without '%'
	value int64    // hw.constant: the value, sign-extended from width
	pred  string   // comb.icmp predicate
	low   int      // comb.extract low bit
	pos   lang.Pos // source position, printed as loc(...)
	note  string   // comment printed before the op (not part of the meaning)
	// Memories and arrays (mem.go): depth is the number of words of a
	// seq.firmem or elements of an array constant (width is the word's);
	// values are an array constant's elements by index, sign-extended.
	depth  int
	values []int64
}

// port is a module port. Input ports are also the block arguments of the
// body, named like the port.
type port struct {
	name  string
	width int    // clockWidth for !seq.clock
	value string // output ports: the SSA value driven out
}

// hwModule is one hw.module.
type hwModule struct {
	name string
	pos  lang.Pos
	note string // comment printed before the module
	ins  []port
	outs []port
	ops  []*op
}

func typeString(w int) string {
	if w == clockWidth {
		return "!seq.clock"
	}
	return "i" + strconv.Itoa(w)
}

// isBareID reports whether s can be written unquoted as an MLIR suffix id
// (SSA names) and as a bare port or symbol name.
func isBareID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if !letter && !(i > 0 && (c >= '0' && c <= '9' || c == '$' || c == '.')) {
			return false
		}
	}
	return true
}

// widths returns the width of every SSA value defined in m, and an error
// naming a value defined twice.
func (m *hwModule) widths() (map[string]int, error) {
	w := make(map[string]int, len(m.ins)+len(m.ops))
	def := func(name string, width int) error {
		if _, dup := w[name]; dup {
			return fmt.Errorf("%%%s defined twice", name)
		}
		w[name] = width
		return nil
	}
	for _, p := range m.ins {
		if err := def(p.name, p.width); err != nil {
			return nil, err
		}
	}
	for _, o := range m.ops {
		if o.name != "" {
			if err := def(o.name, o.width); err != nil {
				return nil, err
			}
		}
	}
	return w, nil
}
