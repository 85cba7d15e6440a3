package ir

import (
	"fmt"
	"strconv"
	"strings"

	"scc/fixed"
	"scc/lang"
)

// Phase is the number domain of a module: real (float64) before quantize,
// fixed after.
type Phase uint8

// Phases.
const (
	Real Phase = iota
	Fixed
)

// String returns "real" or "fixed".
func (p Phase) String() string {
	if p == Fixed {
		return "fixed"
	}
	return "real"
}

// Kind classifies a Type.
type Kind uint8

// Kinds.
const (
	KVoid Kind = iota
	KFloat
	KFixed
	KBool
)

// Type is the type of a value: f64, bool, void or a fixed-point format.
// Types are comparable values.
type Type struct {
	Kind Kind
	Fmt  fixed.Format // KFixed only
}

// Common types.
var (
	Void = Type{Kind: KVoid}
	F64  = Type{Kind: KFloat}
	Bool = Type{Kind: KBool}
)

// Fix returns the fixed-point type of format f.
func Fix(f fixed.Format) Type { return Type{Kind: KFixed, Fmt: f} }

// Width returns the number of bits of a value of t in hardware (bool 1,
// f64 64, void 0).
func (t Type) Width() int {
	switch t.Kind {
	case KBool:
		return 1
	case KFixed:
		return t.Fmt.Width()
	case KFloat:
		return 64
	}
	return 0
}

// String prints t as in the text form: f64, bool, void, q8.8.
func (t Type) String() string {
	switch t.Kind {
	case KFloat:
		return "f64"
	case KBool:
		return "bool"
	case KFixed:
		return t.Fmt.String()
	}
	return "void"
}

// Module is one compilation unit: the step functions of every model of a
// source file, and its networks of hdl/ layers (network.go).
type Module struct {
	File  string // source file name; positions in the text form omit it
	Phase Phase
	Funcs []*Func
	Nets  []*Net // printed after the funcs
}

// Func is the step function of one neuron model: from the pre-step state
// and this step's inputs to the post-step state and the spike bit. It has a
// single block: control flow is expressed with select, as in hardware.
type Func struct {
	Name   string
	Pos    lang.Pos
	Dt     float64      // step length in ms (canonical time unit)
	Format fixed.Format // the profile's state word format (q8.8)
	// AutoWidth, when not 0, is the word budget of an auto:<W> profile:
	// quantize gives each state its own binary point in a W-bit word and
	// sizes coefficients, tables and product narrowing within W bits.
	// Format is then the format of inputs and of unproven states.
	AutoWidth int
	Round     fixed.Round    // rounding of narrowed products and commits
	Overflow  fixed.Overflow // overflow mode of commits
	Params    []*Param       // read by OpParam; source order
	// ParamBlock, in a generic fixed-phase module, holds the real-phase
	// values computed from parameters alone (once per neuron, not per
	// step) that coef ops encode; nil otherwise. Its values share the
	// function's ID space and precede the entry block's.
	ParamBlock *Block
	States     []*State
	Inputs     []*Input
	Blocks     []*Block

	nextID int
}

// State is a state variable: a register in hardware.
type State struct {
	Name       string
	Pos        lang.Pos
	Type       Type
	Init       float64 // initial value (real units)
	InitRaw    int64   // initial raw word (fixed phase)
	Range      *Range  // declared range, real units; nil when undeclared
	Refractory bool    // the refractory step counter scc adds
	// Clock marks the simulation time t (ms) scc adds when a model reads
	// t: initial value 0, advanced by dt every step.
	Clock bool
	// Reach is the range pass's fact: every value the state can hold lies
	// in it; Proven when the analysis found it inductive (a step from it
	// stays in it) rather than assumed at a bound. nil before range.
	Reach  *Range
	Proven bool
}

// Param is a named parameter of a model: IR data that OpParam reads, so a
// population can override it (or give each neuron its own value) without
// recompiling the Func. Value is the default, in real (canonical) units.
type Param struct {
	Name  string
	Pos   lang.Pos
	Value float64
	// Range is the set of values the module serves (declared, or the span
	// of a population's per-neuron values); nil: the value alone. A
	// ranged parameter stays data through range and quantize, so formats,
	// widths and tables hold for the whole range and every value in it
	// computes exactly what a module specialised to it computes.
	Range *Range
}

// Input is a per-step input word of a model.
type Input struct {
	Name  string
	Pos   lang.Pos
	Type  Type
	Range *Range // declared range, real units; nil when undeclared
	// Noise marks a white-noise input: a standard normal sample N(0, 1)
	// per step (dimensionless; irgen scales a model's xi by √dt into it).
	// Stimuli draw it from a seeded generator unless given one.
	Noise bool
}

// Range is a closed interval [Lo, Hi] in real units.
type Range struct {
	Lo, Hi float64
}

// Block is a straight-line list of values in dependency order.
type Block struct {
	ID     int
	Func   *Func
	Values []*Value
}

// Value is one SSA value: the result of Op applied to Args.
type Value struct {
	ID       int
	Op       Op
	Type     Type
	Args     []*Value
	AuxInt   int64          // const raw word, state, input or param index
	AuxFloat float64        // const value in the real phase
	AuxName  string         // call: function name
	Round    fixed.Round    // cast: rounding mode
	Overflow fixed.Overflow // cast: overflow mode
	Table    *fixed.Table   // table: the breakpoint table
	// Range is the range pass's fact in the real phase: every value v can
	// take lies in it (infinite ends: unbounded). nil before range.
	Range *Range
	Pos   lang.Pos
	Block *Block
}

// String returns the short name "v7".
func (v *Value) String() string { return fmt.Sprintf("v%d", v.ID) }

// LongString returns the value as one line of the text form.
func (v *Value) LongString() string {
	var p printer
	p.value(v)
	return p.String()
}

// NewFunc returns a function with one empty block.
func NewFunc(name string, pos lang.Pos) *Func {
	f := &Func{Name: name, Pos: pos, Format: fixed.Q88, Round: fixed.Floor, Overflow: fixed.Sat}
	f.Blocks = []*Block{{ID: 0, Func: f}}
	return f
}

// AllBlocks returns the parameter block (when there is one) followed by
// the step's blocks, in value order.
func (f *Func) AllBlocks() []*Block {
	if f.ParamBlock == nil {
		return f.Blocks
	}
	return append([]*Block{f.ParamBlock}, f.Blocks...)
}

// Generic reports whether f is a generic fixed-phase module: parameter
// words (coef ops) computed per neuron from a parameter block, rather than
// constants. Backends need specialised modules (the bind pass).
func (f *Func) Generic() bool { return f.ParamBlock != nil }

// CheckSpecialised returns an error naming the first generic function of
// m, for backends.
func (m *Module) CheckSpecialised() error {
	for _, f := range m.Funcs {
		if f.Generic() {
			return fmt.Errorf("func %s is a generic module (parameters %s are data); hardware needs it specialised to one parameter set", f.Name, paramNames(f))
		}
	}
	return nil
}

func paramNames(f *Func) string {
	var names []string
	for _, p := range f.Params {
		if p.Range != nil {
			names = append(names, strconv.Quote(p.Name))
		}
	}
	return strings.Join(names, ", ")
}

// NewParamBlock gives f an empty parameter block and returns it.
func (f *Func) NewParamBlock() *Block {
	f.ParamBlock = &Block{ID: -1, Func: f}
	return f.ParamBlock
}

// Entry returns the function's (only) block.
func (f *Func) Entry() *Block { return f.Blocks[0] }

// NumValues returns one more than the largest value ID: analyses index
// slices by ID.
func (f *Func) NumValues() int { return f.nextID }

// NewValue appends a new value to b and returns it.
func (b *Block) NewValue(pos lang.Pos, op Op, t Type, args ...*Value) *Value {
	v := &Value{ID: b.Func.nextID, Op: op, Type: t, Args: args, Pos: pos, Block: b}
	b.Func.nextID++
	b.Values = append(b.Values, v)
	return v
}

// NewValueAt is NewValue with an explicit ID (the text parser uses it).
func (b *Block) newValueID(id int, pos lang.Pos, op Op, t Type, args ...*Value) *Value {
	v := &Value{ID: id, Op: op, Type: t, Args: args, Pos: pos, Block: b}
	if id >= b.Func.nextID {
		b.Func.nextID = id + 1
	}
	b.Values = append(b.Values, v)
	return v
}

// StateIndex returns the index of the named state, or -1.
func (f *Func) StateIndex(name string) int {
	for i, s := range f.States {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// ParamIndex returns the index of the named parameter, or -1.
func (f *Func) ParamIndex(name string) int {
	for i, p := range f.Params {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// ParamDefaults returns every parameter's default value, indexed like
// f.Params (the values ParamWords takes).
func (f *Func) ParamDefaults() []float64 {
	vals := make([]float64, len(f.Params))
	for i, p := range f.Params {
		vals[i] = p.Value
	}
	return vals
}

// InputIndex returns the index of the named input, or -1.
func (f *Func) InputIndex(name string) int {
	for i, in := range f.Inputs {
		if in.Name == name {
			return i
		}
	}
	return -1
}

// Func returns the named function, or nil.
func (m *Module) Func(name string) *Func {
	for _, f := range m.Funcs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Renumber gives values consecutive IDs in block order (after passes that
// delete values) so printed IR stays compact and deterministic.
func (f *Func) Renumber() {
	id := 0
	for _, b := range f.AllBlocks() {
		for _, v := range b.Values {
			v.ID = id
			id++
		}
	}
	f.nextID = id
}

// Uses returns, indexed by value ID, how many args refer to each value.
func (f *Func) Uses() []int {
	n := make([]int, f.nextID)
	for _, b := range f.AllBlocks() {
		for _, v := range b.Values {
			for _, a := range v.Args {
				n[a.ID]++
			}
		}
	}
	return n
}

// DeleteDead removes values without uses whose op has a result (void ops
// are the function's effects: next, spike, assert), then renumbers. One
// backward sweep reaches the fixed point: args precede their users, so by
// the time a value is visited every user that will die is already gone.
func (f *Func) DeleteDead() {
	uses := f.Uses()
	blocks := f.AllBlocks()
	for j := len(blocks) - 1; j >= 0; j-- {
		b := blocks[j]
		dead := make([]bool, len(b.Values))
		for i := len(b.Values) - 1; i >= 0; i-- {
			v := b.Values[i]
			if v.Op.Info().Void || uses[v.ID] > 0 {
				continue
			}
			dead[i] = true
			for _, a := range v.Args {
				uses[a.ID]--
			}
		}
		out := b.Values[:0]
		for i, v := range b.Values {
			if !dead[i] {
				out = append(out, v)
			}
		}
		clear(b.Values[len(out):])
		b.Values = out
	}
	f.Renumber()
}
