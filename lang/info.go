package lang

import (
	"fmt"
	"math"
	"strings"

	"scc/fixed"
)

// Info holds the facts the checker found about a file (STYLE S6): the AST
// stays plain data and every derived fact lives here.
type Info struct {
	Models   map[string]*ModelInfo
	Order    []string // model names in source order
	Networks []*NetworkInfo
	// Synapses are the plasticity rules (`synapse` declarations), source
	// order; their event models are in Models (netinfo.go).
	Synapses []*SynapseInfo
	Warnings ErrorList
	// Dims is the dimension of every numeric expression of every model
	// (boolean expressions are absent). A bare 0 that could take any
	// dimension is recorded as dimensionless.
	Dims map[Expr]Dim
}

// ModelInfo is the checked form of one model. Every number is in scc's
// canonical units (mV, ms, nA, uS, nF, Mohm; see Unit).
type ModelInfo struct {
	Model  *Model
	Params []*ParamInfo // source order
	Inputs []*InputInfo // source order
	States []*StateInfo // source order
	Lets   []*LetInfo   // dependency order: a let comes after every let it reads

	Spike           *Spike      // nil: the model never spikes
	Refractory      *Refractory // nil: no refractory period
	RefractorySteps int         // refractory period in steps (0 when none)
	// RefractoryCond, when not nil, makes the neuron refractory while it
	// holds on the pre-step values (Brian2's refractory='v > -20*mV'); a
	// Refractory whose Period is boolean gives it, and RefractorySteps is
	// then 0.
	RefractoryCond Expr

	// Noise names the white-noise terms the ODEs read (Brian2's xi,
	// xi_1, …), in order of first use: each is a standard normal sample
	// per step of unit second^-1/2, which the method scales by √dt.
	Noise []string
	// UsesTime reports whether an expression reads the builtin t.
	UsesTime bool

	// Profile holds the model's options, typed (DefaultProfile where the
	// model sets none): m.Method, m.Format, m.Dt, ...
	Profile

	Asserts []*Assert

	syms map[string]Symbol
}

// Method is an integration method (DESIGN §2): the `method` option.
type Method uint8

// Integration methods.
const (
	Euler Method = iota // the default
	Exact               // exponential Euler, exact for linear ODEs
	RK2                 // explicit midpoint
	RK4                 // classical Runge–Kutta
	// ExpEuler is Brian2's exponential_euler: for each ODE state x,
	// dx/dt = A·x + B with A and B any expressions that do not read x
	// (they may read other states: HH gating), stepped from pre-step
	// values as x ← −B/A + (x + B/A)·e^{A·dt} (Brian2's derivation).
	ExpEuler
	// Heun is Brian2's stochastic Heun method (Stratonovich); without
	// noise terms it is Heun's (trapezoidal) RK2.
	Heun
	// Milstein is Brian2's derivative-free Milstein method; without noise
	// terms it is Euler.
	Milstein
)

// methodNames are the option words of the methods, in the order
// diagnostics name them.
var methodNames = [...]string{Euler: "euler", Exact: "exact", RK2: "rk2", RK4: "rk4",
	ExpEuler: "exponential_euler", Heun: "heun", Milstein: "milstein"}

// String returns the method's option word.
func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("method(%d)", uint8(m))
}

// Profile is the checked fixed-point profile (DESIGN §3) and integration
// options of a model or network. Every option is parsed once, by the
// checker (the format by fixed.ParseProfile), so none travels past lang as
// a string.
type Profile struct {
	Format fixed.Format // state word format; under auto, that of inputs and unproven states
	// Auto is 0, the word width W of `format auto:<W>`, or -1 for
	// `format auto`: search per-variable formats (scc build --budget,
	// default budget 0.95), and AutoSearchProfile (auto:16) wherever a
	// concrete profile is needed (StateFormat).
	Auto     int
	Round    fixed.Round    // `rounding`: narrowing of products (floor)
	Overflow fixed.Overflow // `overflow`: state commits (sat)
	Method   Method         // `method` (euler)
	Dt       float64        // `dt`: step length in ms (0.1)
}

// DefaultProfile returns the profile of a model that sets no option:
// q8.8, floor, sat, euler, dt 0.1 ms.
func DefaultProfile() Profile {
	return Profile{Format: fixed.Q88, Round: fixed.Floor, Overflow: fixed.Sat, Method: Euler, Dt: 0.1}
}

// AutoSearchProfile is the concrete profile of `format auto` (Auto < 0)
// until a search chooses formats: auto:16.
var AutoSearchProfile = fixed.Profile{Format: fixed.Q(8, 8), Auto: 16}

// StateFormat returns the format option of p as fixed.ParseProfile gives
// it; `format auto` (Auto < 0) gives AutoSearchProfile.
func (p Profile) StateFormat() fixed.Profile {
	if p.Auto < 0 {
		return AutoSearchProfile
	}
	return fixed.Profile{Format: p.Format, Auto: p.Auto}
}

// SymKind classifies what a name in a model refers to.
type SymKind uint8

// Symbol kinds.
const (
	SymNone SymKind = iota
	SymParam
	SymInput
	SymState
	SymLet
	SymUnit  // a unit name used as a constant (`mV`)
	SymDt    // the builtin `dt`: the step length, a constant
	SymTime  // the builtin `t`: simulation time
	SymNoise // a white-noise term (xi, xi_1, …); Index into ModelInfo.Noise
	SymConst // a named constant of Brian2's DEFAULT_CONSTANTS (pi, e, inf): LookupConstant
)

var symKindNames = [...]string{"nothing", "parameter", "input", "state", "subexpression", "unit", "builtin", "builtin", "noise term", "constant"}

// constants are Brian2's DEFAULT_CONSTANTS, dimensionless; inf takes any
// dimension, like a bare 0 (`v < inf`, `clip(x, 0 mV, inf)`).
var constants = map[string]float64{"pi": math.Pi, "e": math.E, "inf": math.Inf(1)}

// LookupConstant returns the value of a named constant (pi, e, inf). A
// model's own names shadow them: resolve names with ModelInfo.Lookup.
func LookupConstant(name string) (float64, bool) {
	v, ok := constants[name]
	return v, ok
}

// IsNoiseName reports whether name has the form of a Brian2 white-noise
// term: xi, or xi_ followed by a suffix (xi_1, xi_e). Such names are
// reserved, as in Brian2.
func IsNoiseName(name string) bool {
	return name == "xi" || strings.HasPrefix(name, "xi_") && len(name) > 3
}

// String names the kind as diagnostics do ("parameter", "state").
func (k SymKind) String() string {
	if int(k) < len(symKindNames) {
		return symKindNames[k]
	}
	return "symbol"
}

// Symbol is a resolved name: its kind and its index in the ModelInfo slice
// of that kind (Params, Inputs, States, Lets; -1 for a let the checker
// rejected).
type Symbol struct {
	Kind  SymKind
	Index int
}

// Lookup resolves a name used in the model's expressions. The model's own
// declarations come first (they shadow constants and units: a state may be
// called V or e), then the noise terms its ODEs read, then dt and t, the
// constants pi, e and inf, and unit names.
func (m *ModelInfo) Lookup(name string) Symbol {
	if s, ok := m.syms[name]; ok {
		return s
	}
	switch name {
	case "dt":
		return Symbol{Kind: SymDt}
	case "t":
		return Symbol{Kind: SymTime}
	}
	if _, ok := constants[name]; ok {
		return Symbol{Kind: SymConst}
	}
	if _, ok := LookupUnit(name); ok {
		return Symbol{Kind: SymUnit}
	}
	return Symbol{}
}

// ParamInfo is a checked parameter.
type ParamInfo struct {
	Param *Param
	Name  string
	Value float64 // canonical units
	Dim   Dim
	// Range is the declared range (nil when undeclared): the values the
	// compiled module serves, so formats, widths and tables are sized for
	// all of them and a population may give each neuron its own.
	Range *Bounds
	// fixed marks a Value set by Override: evaluation reads it, never
	// the source expression (which holds the default).
	fixed bool
}

// InputInfo is a checked input.
type InputInfo struct {
	Input *Input
	Name  string
	Dim   Dim
	Range *Bounds // nil when undeclared
}

// StateInfo is a checked state variable.
type StateInfo struct {
	State *State
	Name  string
	Dim   Dim
	Init  float64 // canonical units
	Range *Bounds // nil when undeclared
	// Eq is the *ODE or *Map that updates the state; nil when the state is
	// held (only resets or the refractory body change it).
	Eq Item
}

// LetInfo is a checked subexpression.
type LetInfo struct {
	Let  *Let
	Name string
	Dim  Dim
}

// Bounds is a checked range [Lo, Hi] in canonical units.
type Bounds struct {
	Lo, Hi float64
}

// NetworkInfo is a checked network.
type NetworkInfo struct {
	Network *Network
	// Profile holds the network's options over DefaultProfile (DESIGN
	// §4.1: a network has one dt and one fixed-point profile).
	Profile Profile
	Pops    []*PopInfo
	Layers  []*LayerInfo // source order
	// Sources, Projs, Drives and Records in source order (netinfo.go).
	// Populations, sources, layers, projections and drives share one
	// namespace; Dt is Profile.Dt. Items with errors are left out.
	Sources []*SourceInfo
	Projs   []*ProjInfo
	Drives  []*DriveInfo
	Records []*RecordInfo
}

// PopInfo is a checked population.
type PopInfo struct {
	Pop       *Pop
	Model     string
	Size      int
	Overrides []ParamValue // uniform parameter overrides, source order
	// PerNeuron holds the values given per neuron (a distribution or a
	// file): parameters and initial states, source order.
	PerNeuron []*PerNeuron
}

// ParamValue is a parameter override in canonical units.
type ParamValue struct {
	Name  string
	Value float64
}

// ParamIndex returns the index of the named parameter, or -1.
func (m *ModelInfo) ParamIndex(name string) int {
	if s, ok := m.syms[name]; ok && s.Kind == SymParam {
		return s.Index
	}
	return -1
}

// StateIndex returns the index of the named state, or -1.
func (m *ModelInfo) StateIndex(name string) int {
	if s, ok := m.syms[name]; ok && s.Kind == SymState {
		return s.Index
	}
	return -1
}
