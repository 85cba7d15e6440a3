package lang

// The AST is plain data (STYLE S6). Node names follow spec.md. Every node
// records the position of its first token; facts found by the checker
// (units, resolved names) live in the checker's side tables, not here.

// File is one parsed .snn source file.
type File struct {
	Name  string // file name as given to the parser, used in every Pos
	Decls []Decl // models and networks in source order
}

// Decl is a top-level declaration: *Model, *Network or *Synapse.
type Decl interface {
	declNode()
	GetPos() Pos
}

// Model declares a neuron model:
//
//	model LIF { param tau = 20 ms  state v = v_rest  dv/dt = ... }
type Model struct {
	Pos   Pos
	Name  string
	Items []Item
}

// Network declares a network of populations:
//
//	network Net { dt 0.1 ms  pop exc = LIF[800] { tau = 10 ms } }
type Network struct {
	Pos   Pos
	Name  string
	Items []Item // *Option, *Pop, *Layer, *Proj, *Source, *Drive and *Record
}

// Synapse declares a plasticity rule (spec.md §3.2): parameters, synapse
// states, traces and event bodies.
//
//	synapse STDP { param gmax = 1; state w in [0, gmax]; trace pre x decay 20 ms add 0.01; on pre { w = clip(w + y, 0, gmax) } }
type Synapse struct {
	Pos   Pos
	Name  string
	Items []Item // *Param, *State, *Trace and *On
}

func (*Model) declNode()       {}
func (*Network) declNode()     {}
func (*Synapse) declNode()     {}
func (d *Model) GetPos() Pos   { return d.Pos }
func (d *Network) GetPos() Pos { return d.Pos }
func (d *Synapse) GetPos() Pos { return d.Pos }

// Item is one statement inside a model or network body.
type Item interface {
	itemNode()
	GetPos() Pos
}

// Param declares a parameter with a default value:
//
//	param tau = 20 ms
type Param struct {
	Pos   Pos
	Name  string
	Value Expr
	Range *Range // nil: the value alone; else every value a population may give it
}

// Input declares a per-neuron input word, summed synaptic input or current:
//
//	input I : mV in [-20 mV, 20 mV]
//
// Unit is nil for a dimensionless input. Range is nil when undeclared.
type Input struct {
	Pos   Pos
	Name  string
	Unit  Expr
	Range *Range
}

// State declares a state variable with its initial value:
//
//	state v : mV = v_rest in [-90 mV, 0 mV]
//
// Unit is optional (nil: taken from Init). Range is nil when undeclared.
// Init is nil only in a synapse (a synapse state takes its initial value
// per synapse from the projection).
type State struct {
	Pos   Pos
	Name  string
	Unit  Expr
	Init  Expr
	Range *Range
}

// Let declares a named subexpression, evaluated every step:
//
//	I_syn = g * (E - v)
type Let struct {
	Pos   Pos
	Name  string
	Value Expr
	// StepConstant is Brian2's (constant over dt): the value is computed
	// once per step from the pre-step values and every stage of the
	// integration method reads that value.
	StepConstant bool
}

// ODE declares a continuous equation dVar/dt = RHS, discretised by the
// model's integration method.
//
//	dv/dt = (v_rest - v + I) / tau   (unless refractory)
type ODE struct {
	Pos              Pos
	Var              string
	VarPos           Pos
	RHS              Expr
	UnlessRefractory bool
}

// Map declares a discrete update: Var' = RHS (the value after one step).
//
//	v' = v + dv_leak + dv_in
type Map struct {
	Pos              Pos
	Var              string
	VarPos           Pos
	RHS              Expr
	UnlessRefractory bool
}

// Spike declares the threshold condition, evaluated on the candidate next
// state, and the reset statements applied when it holds:
//
//	spike when v >= v_th { v = v_reset; u = u + d }
type Spike struct {
	Pos   Pos
	Cond  Expr
	Reset []*Assign
}

// Refractory declares the refractory period and the statements applied on
// every refractory step (each reads the pre-step state):
//
//	refractory 2 ms
//	refractory 2 steps { v = v_rest }
//
// Steps is true when Period counts steps rather than time.
type Refractory struct {
	Pos    Pos
	Period Expr
	Steps  bool
	Body   []*Assign
	// Brian is Brian2's timing (scc eq): a period of R = timestep(Period,
	// dt) steps holds the neuron for R−1 updates after its spike step
	// (Brian2 resumes integration at step s+R; scc's own count is R). A
	// boolean Period is a condition either way (ModelInfo.RefractoryCond).
	Brian bool
}

// Option sets a per-model or per-network choice:
//
//	method exact      format q8.8      overflow wrap      dt 0.1 ms
//
// Word holds a keyword-like value (euler, q8.8, wrap); Value holds an
// expression value (dt). Exactly one of them is set.
type Option struct {
	Pos   Pos
	Key   string
	Word  string
	Value Expr
}

// Assert states a property that must hold on every committed state; formal
// proves it.
//
//	assert v >= -90 mV
type Assert struct {
	Pos  Pos
	Cond Expr
}

// Pop declares a population inside a network:
//
//	pop exc = LIF[800] { tau = 10 ms }
type Pop struct {
	Pos       Pos
	Name      string
	Model     string
	ModelPos  Pos
	Size      Expr
	Overrides []*Assign
}

// Layer declares a stochastic-computing layer inside a network: a kind, its
// shape arguments and its settings, whose values may be lists:
//
//	layer L = sc_dense(inputs = 2, neurons = 1, length = 256) { x = [128, 64]; w = [[255, 128]] }
type Layer struct {
	Pos      Pos
	Name     string
	Kind     string
	KindPos  Pos
	Args     []*Assign // inside the parentheses
	Settings []*Assign // inside the braces; values may be *List
}

// Proj declares a projection inside a network:
//
//	proj ee = exc[0:50] -> inh.je random(p = 0.02, seed = 11) with STDP { w = 1.62 mV; delay 1 steps }
//
// Conn is the connector and Args its settings (Paren: written with
// parentheses, which a connector without settings may omit). Rule is ""
// for a static projection. Settings are the body's `name = value` items;
// Delay is the body's `delay` item (nil: the default, one step).
type Proj struct {
	Pos       Pos
	Name      string
	Pre, Post *Target
	Conn      string
	ConnPos   Pos
	Args      []*Assign
	Rule      string
	RulePos   Pos
	Settings  []*Assign
	Delay     *Delay
}

// Delay is a projection's `delay Value [steps]`.
type Delay struct {
	Pos   Pos
	Value Expr
	Steps bool
}

// Target names a population (or source or layer), optionally a slice of
// it and an input port: `exc[0:50].je`. Lo and Hi are nil without a slice;
// Port is "" without a port.
type Target struct {
	Pos      Pos
	Pop      string
	SlicePos Pos
	Lo, Hi   Expr
	Port     string
	PortPos  Pos
}

// Source declares a spike source, a population whose spikes are given:
//
//	source kick = poisson(rate = 300 Hz, seed = 5)[50]
type Source struct {
	Pos     Pos
	Name    string
	Kind    string
	KindPos Pos
	Args    []*Assign
	Size    Expr
}

// Drive declares an external input added to ports of populations:
//
//	drive I0 = current(150 pA) -> exc.I_ext
//
// An argument written without a name has Name "".
type Drive struct {
	Pos     Pos
	Name    string
	Kind    string
	KindPos Pos
	Args    []*Assign
	Targets []*Target
}

// Record declares what a run keeps: `record exc[0:10] v, ge every 1 steps`.
// Vars is `spikes`, `rate` or state names; Every is nil for every step.
type Record struct {
	Pos    Pos
	Target *Target
	Vars   []*Ident
	Every  Expr
}

// Trace declares a trace of a synapse rule, per pre or post neuron:
//
//	trace pre x decay 20 ms add a_pre
type Trace struct {
	Pos   Pos
	Post  bool // a trace of the post neuron (else of the pre neuron)
	Name  string
	Decay Expr
	Set   bool // `set` (else `add`)
	Value Expr
}

// On is an event body of a synapse rule: `on pre { w = clip(w + y, 0, gmax) }`.
type On struct {
	Pos  Pos
	Post bool
	Body []*Assign
}

// Assign is `Name = Value`, used in reset and refractory bodies, in
// population parameter overrides and in layer arguments and settings.
type Assign struct {
	Pos   Pos
	Name  string
	Value Expr
}

// Range is `in [Lo, Hi]`.
type Range struct {
	Pos Pos
	Lo  Expr
	Hi  Expr
}

func (*Param) itemNode()      {}
func (*Input) itemNode()      {}
func (*State) itemNode()      {}
func (*Let) itemNode()        {}
func (*ODE) itemNode()        {}
func (*Map) itemNode()        {}
func (*Spike) itemNode()      {}
func (*Refractory) itemNode() {}
func (*Option) itemNode()     {}
func (*Assert) itemNode()     {}
func (*Pop) itemNode()        {}
func (*Layer) itemNode()      {}
func (*Proj) itemNode()       {}
func (*Source) itemNode()     {}
func (*Drive) itemNode()      {}
func (*Record) itemNode()     {}
func (*Trace) itemNode()      {}
func (*On) itemNode()         {}

func (n *Param) GetPos() Pos      { return n.Pos }
func (n *Input) GetPos() Pos      { return n.Pos }
func (n *State) GetPos() Pos      { return n.Pos }
func (n *Let) GetPos() Pos        { return n.Pos }
func (n *ODE) GetPos() Pos        { return n.Pos }
func (n *Map) GetPos() Pos        { return n.Pos }
func (n *Spike) GetPos() Pos      { return n.Pos }
func (n *Refractory) GetPos() Pos { return n.Pos }
func (n *Option) GetPos() Pos     { return n.Pos }
func (n *Assert) GetPos() Pos     { return n.Pos }
func (n *Pop) GetPos() Pos        { return n.Pos }
func (n *Layer) GetPos() Pos      { return n.Pos }
func (n *Proj) GetPos() Pos       { return n.Pos }
func (n *Source) GetPos() Pos     { return n.Pos }
func (n *Drive) GetPos() Pos      { return n.Pos }
func (n *Record) GetPos() Pos     { return n.Pos }
func (n *Trace) GetPos() Pos      { return n.Pos }
func (n *On) GetPos() Pos         { return n.Pos }

// Expr is an expression: *Number, *String, *Ident, *Unary, *Binary, *Call
// or *List. The grammar admits *List only as the value of a setting; the
// checker admits *String and named call arguments only in network values.
type Expr interface {
	exprNode()
	GetPos() Pos
}

// List is a bracketed list `[a, b, ...]`; elements may be lists.
type List struct {
	Pos   Pos
	Elems []Expr
}

// Number is a numeric literal with an optional unit suffix: `20 ms` has
// Value 20, Text "20", Unit "ms". Unit is "" for a plain number.
type Number struct {
	Pos   Pos
	Value float64
	Text  string
	Unit  string
}

// String is a string literal (a file name): `"w.csv"`. Value is unquoted.
type String struct {
	Pos   Pos
	Value string
}

// Ident names a parameter, input, state variable, subexpression, unit
// (`mV` used as a constant) or the builtin `t`/`dt`.
type Ident struct {
	Pos  Pos
	Name string
}

// Unary is Op X with Op one of "-", "+", "!".
type Unary struct {
	Pos Pos
	Op  string
	X   Expr
}

// Binary is X Op Y with Op one of
// "+", "-", "*", "/", "^" (power; `**` is accepted and printed as "^"),
// "<", "<=", ">", ">=", "==", "!=", "&&", "||".
type Binary struct {
	Pos Pos
	Op  string
	X   Expr
	Y   Expr
}

// Call is Fun(Args...), e.g. exp(x), clip(x, lo, hi). Kw holds the named
// arguments, written after the positional ones: uniform(a, b, seed = 1).
type Call struct {
	Pos  Pos
	Fun  string
	Args []Expr
	Kw   []*Assign
}

func (*Number) exprNode() {}
func (*String) exprNode() {}
func (*Ident) exprNode()  {}
func (*Unary) exprNode()  {}
func (*Binary) exprNode() {}
func (*Call) exprNode()   {}
func (*List) exprNode()   {}

func (n *Number) GetPos() Pos { return n.Pos }
func (n *String) GetPos() Pos { return n.Pos }
func (n *Ident) GetPos() Pos  { return n.Pos }
func (n *Unary) GetPos() Pos  { return n.Pos }
func (n *Binary) GetPos() Pos { return n.Pos }
func (n *Call) GetPos() Pos   { return n.Pos }
func (n *List) GetPos() Pos   { return n.Pos }
