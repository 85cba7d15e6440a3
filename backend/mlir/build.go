package mlir

import (
	"fmt"
	"strconv"

	"scc/lang"
)

// num is an SSA value read as a two's complement (signed) or plain binary
// (unsigned) integer of its width. CIRCT integers are signless, so the
// signedness lives here and in the ops chosen from it.
type num struct {
	name   string
	width  int
	signed bool
}

// builder appends ops to one module, hands out unique SSA names and shares
// constants. Its maps are looked up, never ranged over, so the output
// depends only on the order of the calls.
type builder struct {
	m      *hwModule
	used   map[string]bool
	next   map[string]int // per stem: every stem_i below it is used
	consts map[[2]int64]string
	known  map[string]int64  // value of each constant, by SSA name
	pure   map[string]string // structural key of a comb op → its result
	pos    lang.Pos          // position given to the ops being built
	base   string            // name stem of the helper values being built
	note   string            // comment for the next op built
}

func newBuilder(m *hwModule) *builder {
	return &builder{m: m, used: map[string]bool{}, next: map[string]int{}, consts: map[[2]int64]string{},
		known: map[string]int64{}, pure: map[string]string{}}
}

// reserve claims name exactly (ports, registers); it reports a clash.
func (b *builder) reserve(name string) error {
	if b.used[name] {
		return fmt.Errorf("name %q is used twice in module %s", name, b.m.name)
	}
	b.used[name] = true
	return nil
}

// fresh returns an unused SSA name derived from stem.
func (b *builder) fresh(stem string) string {
	if !b.used[stem] {
		b.used[stem] = true
		return stem
	}
	// Names are never released, so the search resumes where the last one
	// for this stem stopped: the same names, without quadratic time on
	// large ROMs.
	for i := max(b.next[stem], 1); ; i++ {
		n := stem + "_" + strconv.Itoa(i)
		if !b.used[n] {
			b.used[n] = true
			b.next[stem] = i + 1
			return n
		}
	}
}

// add appends o, naming its result from tag unless it is already named.
// An unnamed comb op identical to an earlier one is not repeated: the
// earlier result is returned.
func (b *builder) add(o *op, tag string) string {
	key := ""
	if o.name == "" && o.kind != kConst && o.kind != kFirReg && o.kind != kAssert && o.kind != kOutput {
		key = fmt.Sprintf("%v %d %s %d %v", o.kind, o.width, o.pred, o.low, o.args)
		if n, ok := b.pure[key]; ok {
			return n
		}
	}
	if o.name == "" && o.kind != kAssert && o.kind != kOutput {
		stem := b.base
		if tag != "" {
			stem += "_" + tag
		}
		o.name = b.fresh(stem)
	}
	o.pos = b.pos
	o.note, b.note = b.note, ""
	b.m.ops = append(b.m.ops, o)
	if key != "" {
		b.pure[key] = o.name
	}
	return o.name
}

// constant returns a shared hw.constant of v (wrapped to w bits). Constants
// keep the position of their first use.
func (b *builder) constant(v int64, w int) string {
	if w < 64 {
		v = v << (64 - w) >> (64 - w) // sign-extend the low w bits
	}
	key := [2]int64{v, int64(w)}
	if n, ok := b.consts[key]; ok {
		return n
	}
	var name string
	switch {
	case w == 1 && v != 0:
		name = b.fresh("true")
	case w == 1:
		name = b.fresh("false")
	default:
		name = b.fresh("c" + strconv.FormatInt(v, 10) + "_i" + strconv.Itoa(w))
	}
	b.add(&op{kind: kConst, name: name, width: w, value: v}, "")
	b.consts[key] = name
	b.known[name] = v
	return name
}

func (b *builder) binop(k kind, x, y string, w int, tag string) string {
	return b.add(&op{kind: k, width: w, args: []string{x, y}}, tag)
}

func (b *builder) icmp(pred string, x, y string, tag string) string {
	return b.add(&op{kind: kICmp, width: 1, pred: pred, args: []string{x, y}}, tag)
}

func (b *builder) mux(c, t, f string, w int, tag string) string {
	return b.add(&op{kind: kMux, width: w, args: []string{c, t, f}}, tag)
}

func (b *builder) extract(x string, low, w int, tag string) string {
	return b.add(&op{kind: kExtract, width: w, low: low, args: []string{x}}, tag)
}

func (b *builder) concat(w int, tag string, args ...string) string {
	return b.add(&op{kind: kConcat, width: w, args: args}, tag)
}

func (b *builder) not(x string) string {
	return b.binop(kXor, x, b.constant(1, 1), 1, "not")
}

// resize returns x as a w-bit value: its low w bits when x is wider (which
// is exact modulo 2^w), otherwise x sign- or zero-extended. CIRCT has no
// sext: sign extension is comb.replicate of the sign bit plus comb.concat.
func (b *builder) resize(x num, w int) string {
	if v, ok := b.constValue(x); ok && w < 64 {
		return b.constant(v, w)
	}
	switch {
	case x.width == w:
		return x.name
	case x.width > w:
		return b.extract(x.name, 0, w, "lo")
	case !x.signed:
		return b.concat(w, "zx", b.constant(0, w-x.width), x.name)
	}
	sign := b.extract(x.name, x.width-1, 1, "sign")
	if k := w - x.width; k > 1 {
		sign = b.add(&op{kind: kReplicate, width: k, args: []string{sign}}, "ext")
	}
	return b.concat(w, "sx", sign, x.name)
}

// shiftLeft returns x·2^s exactly (s ≥ 0), one bit wider per shift.
func (b *builder) shiftLeft(x num, s int) num {
	if s == 0 {
		return x
	}
	w := x.width + s
	if v, ok := b.constValue(x); ok && w < 63 {
		return num{b.constant(v<<s, w), w, x.signed}
	}
	return num{b.concat(w, "shl", x.name, b.constant(0, s)), w, x.signed}
}

// scaleMod returns x·2^s modulo 2^w as a w-bit value (s ≥ 0): the aligned
// operand of a wrapping add or sub.
func (b *builder) scaleMod(x num, s, w int) string {
	if s >= w {
		return b.constant(0, w)
	}
	if s == 0 {
		return b.resize(x, w)
	}
	lo := b.resize(x, w-s)
	return b.concat(w, "shl", lo, b.constant(0, s))
}

// constValue returns the value of x when x is a constant narrower than 64
// bits, read with x's signedness.
func (b *builder) constValue(x num) (int64, bool) {
	v, ok := b.known[x.name]
	if !ok || x.width >= 64 {
		return 0, false
	}
	if !x.signed {
		v &= 1<<x.width - 1
	}
	return v, true
}

// signedWidth is the width x needs to be read as a signed value.
func signedWidth(x num) int {
	if x.signed {
		return x.width
	}
	return x.width + 1
}
