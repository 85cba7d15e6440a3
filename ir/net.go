package ir

import (
	"math/bits"
	"slices"

	"scc/fixed"
	"scc/lang"
)

// The network instance (DESIGN §4.1, §1): everything a network's execution
// needs, generated at compile time by irgen and read by every consumer (sim,
// backends, `scc net export/info`) without going back to the AST. Random
// connectivity, per-neuron values and delays are already drawn; files are
// already read. A Net lives in a Module next to the Funcs its populations
// run; its numbers follow the module's phase: real values (canonical units,
// ms for time) in the real phase, raw words of the named formats in the
// fixed phase (the quantize pass encodes them; fields marked "fixed" are
// zero before).
//
// Indices: a neuron is (population, index in 0..Size-1). Every slice in the
// source is resolved to absolute indices here.

// PopKind says what produces a population's spikes.
type PopKind uint8

// Population kinds.
const (
	PopNeuron PopKind = iota // neurons running Func (DESIGN §4)
	PopSource                // spikes given: Source
	PopExtern                // a typed hdl/ module (the SC dense layer): Layer
)

// Pop is one population.
type Pop struct {
	Name string
	Pos  lang.Pos
	Kind PopKind
	Size int
	// Func names the module's Func every neuron runs (PopNeuron). Uniform
	// parameter overrides are the Func's parameter defaults (irgen lowers
	// one Func per distinct model+overrides); per-neuron values are Params.
	Func string
	// Params holds per-neuron parameter values (§4.1 rule 8): the Func's
	// parameter Index gets Values[i] in neuron i. The Func's parameter has a
	// Range holding every value, so one compiled Func serves them all.
	Params []*PopParam
	// Init holds per-neuron initial values of states; a state not listed
	// starts at the Func's initial value in every neuron.
	Init   []*PopInit
	Source *Source  // PopSource
	Layer  *SCLayer // PopExtern: one of the Net's Layers (Size = its Neurons)
}

// PopParam is one per-neuron parameter.
type PopParam struct {
	Index  int       // into Func.Params
	Values []float64 // Size values, real units
}

// PopInit is one per-neuron initial state.
type PopInit struct {
	Index  int       // into Func.States
	Values []float64 // Size values, real units
	Words  []int64   // fixed: Size raw words of the state's format
}

// SourceKind is a kind of spike source.
type SourceKind uint8

// Source kinds.
const (
	SourcePoisson SourceKind = iota // spike iff u(t) < Threshold
	SourceSpikes                    // the listed spikes
)

// Source gives a PopSource's spikes (§4.1 rule 5).
type Source struct {
	Kind SourceKind
	// Poisson: Rate in kHz (1/ms, canonical), active in steps
	// Start ≤ t < Stop (Stop 0: forever); neuron i spikes in step t iff
	// draw(t) < Threshold = round_half_even(Rate·dt·2^32), the draw being
	// neuron i's xorshift32 stream (Seed, Stream, i).
	Rate        float64
	Start, Stop int
	Threshold   uint32
	Seed        uint64
	Stream      int // this source's stream number (unique among the net's sources and drives)
	// Spikes: sorted by (Step, Index), at most one per index per step,
	// every Step ≥ 1.
	Spikes []SpikeEvent
}

// SpikeEvent is a spike of neuron Index in step Step.
type SpikeEvent struct {
	Step  int
	Index int
}

// Proj is a projection: the synapses of one source-level `proj`, already
// instantiated. Synapse k connects Pre[k] of population Pre to Post[k] of
// population Post, adds its weight to input Port of the target's Func
// Delay[k] steps after the pre spike (≥ 1). Synapses are in generation
// order: ascending pre, then ascending post (the order a connection list
// export shows).
type Proj struct {
	Name      string
	Pos       lang.Pos
	Pre, Post string // population names
	Port      int    // input index of Post's Func
	PortName  string
	PreIdx    []int32
	PostIdx   []int32
	Delay     []int32   // steps
	W         []float64 // weights, real units of the port
	Words     []int64   // fixed: weights as raw words of the port's format
	// Rule names the Net's plasticity Rule, "" for static synapses.
	Rule string
}

// Synapses returns the number of synapses of p.
func (p *Proj) Synapses() int { return len(p.PreIdx) }

// MaxDelay returns the largest delay of p (0 without synapses).
func (p *Proj) MaxDelay() int {
	d := int32(0)
	for _, x := range p.Delay {
		d = max(d, x)
	}
	return int(d)
}

// DriveKind is a kind of external drive.
type DriveKind uint8

// Drive kinds.
const (
	DriveCurrent    DriveKind = iota // Value every step, or Values[t-1]
	DrivePoissonSum                  // count from Table times W
)

// Drive adds to the external term X of target ports (§4.1 rule 5).
type Drive struct {
	Name    string
	Pos     lang.Pos
	Kind    DriveKind
	Targets []*Target
	// Current: Value every step, or per step Values (len = steps given;
	// after them, 0). Words/ValueWord are fixed-phase words of the target
	// port's format (all targets of one drive share it; quantize checks).
	Value     float64
	Values    []float64
	ValueWord int64
	Words     []int64
	// PoissonSum: N inputs of Rate (kHz) each of weight W; every target
	// neuron draws count c from its own xorshift32 stream (Seed, Stream,
	// target neuron number across Targets in order): c = #{k : draw ≥
	// Table[k]}, Table the Poisson(N·Rate·dt) CDF scaled to 2^32
	// (round_half_even), ascending, cut where the tail is below 2^-32.
	N      int
	Rate   float64
	W      float64
	WWord  int64 // fixed
	Table  []uint32
	Seed   uint64
	Stream int // unique among the net's sources and drives
}

// Target is a slice of a population and one of its ports.
type Target struct {
	Pop      string
	Lo, Hi   int // neurons Lo..Hi-1
	Port     int
	PortName string
}

// RecordKind is what a Record keeps.
type RecordKind uint8

// Record kinds.
const (
	RecordSpikes RecordKind = iota
	RecordState             // the states Vars after commit
	RecordRate              // spike counts of the slice per bin of Every steps
)

// Record probes a slice (§4.1 phase 5).
type Record struct {
	Pos    lang.Pos
	Kind   RecordKind
	Pop    string
	Lo, Hi int
	Vars   []int // RecordState: indices into the Func's States
	Every  int   // steps between samples (state), bin length (rate); ≥ 1 for every kind
}

// Rule is a plasticity rule (§4.1 rule 7), run in phase 3 of each step on
// the synapses of every projection `with` it. Per-synapse state is the
// weight (and any other state of the OnPre/OnPost Funcs, which share their
// state list: index 0 is w). Traces are per neuron.
type Rule struct {
	Name string
	Pos  lang.Pos
	Pre  *Trace // nil: the rule has no pre trace
	Post *Trace
	// OnPre and OnPost name Funcs of the module (either may be ""): their
	// states are the synapse's state (w first), their inputs the traces
	// (the pre trace as input 0, the post trace as input 1, a missing one
	// reading 0); one step of the Func is one event's update, whose commit
	// (with the Func's declared ranges) is the clip.
	OnPre, OnPost string
}

// Trace is a per-neuron trace: each step x ← x·Decay (fixed: floor of the
// product with DecayWord of DecayFmt), then on a spike x += Add (fixed:
// saturating, AddWord), or x = Add when Set.
type Trace struct {
	Name      string
	Decay     float64 // exp(-dt/tau)
	Add       float64
	Set       bool
	Fmt       Type  // fixed: the trace's word format
	DecayFmt  Type  // fixed: the decay coefficient's format
	DecayWord int64 // fixed
	AddWord   int64 // fixed
}

// NetPop returns the population named name, or nil.
func (n *Net) NetPop(name string) *Pop {
	for _, p := range n.Pops {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// NetRule returns the rule named name, or nil.
func (n *Net) NetRule(name string) *Rule {
	for _, r := range n.Rules {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// ProjsInto returns the projections into input port of population pop, in
// declaration order.
func (n *Net) ProjsInto(pop string, port int) []*Proj {
	var ps []*Proj
	for _, p := range n.Projs {
		if p.Post == pop && p.Port == port {
			ps = append(ps, p)
		}
	}
	return ps
}

// InDegrees returns, per neuron of population pop, the number of synapses
// into its input port over every projection (multapses count each), nil
// when pop is not a population of n.
func (n *Net) InDegrees(pop string, port int) []int {
	p := n.NetPop(pop)
	if p == nil {
		return nil
	}
	deg := make([]int, p.Size)
	for _, pr := range n.ProjsInto(pop, port) {
		for _, i := range pr.PostIdx {
			if i >= 0 && int(i) < len(deg) {
				deg[i]++
			}
		}
	}
	return deg
}

// MaxInDegree returns the largest in-degree of a neuron of pop at input
// port (0 without synapses). It counts per target neuron without
// allocating per neuron of the population, so it is cheap for a large
// population with few synapses.
func (n *Net) MaxInDegree(pop string, port int) int {
	projs := n.ProjsInto(pop, port)
	k := 0
	for _, pr := range projs {
		k += len(pr.PostIdx)
	}
	best := 0
	if p := n.NetPop(pop); p != nil && p.Size <= 2*k+1024 { // count per neuron
		deg := make([]int32, p.Size)
		for _, pr := range projs {
			for _, i := range pr.PostIdx {
				if i >= 0 && int(i) < len(deg) {
					deg[i]++
					best = max(best, int(deg[i]))
				}
			}
		}
		return best
	}
	post := make([]int32, 0, k)
	for _, pr := range projs {
		post = append(post, pr.PostIdx...)
	}
	slices.Sort(post)
	for i := 0; i < len(post); {
		j := i
		for j < len(post) && post[j] == post[i] {
			j++
		}
		best = max(best, j-i)
		i = j
	}
	return best
}

// AccFormat returns the format of the exact accumulator A of input port of
// population pop (DESIGN §4.1 rule 2): the port's format widened by
// ⌈log2(1 + max in-degree)⌉ integer bits, so the sum of every weight word
// arriving in one step is exact. It needs a fixed-phase module m holding
// the population's Func; ok is false otherwise.
func (n *Net) AccFormat(m *Module, pop string, port int) (f fixed.Format, ok bool) {
	p := n.NetPop(pop)
	if p == nil || p.Kind != PopNeuron || m.Phase != Fixed {
		return f, false
	}
	fn := m.Func(p.Func)
	if fn == nil || port < 0 || port >= len(fn.Inputs) || fn.Inputs[port].Type.Kind != KFixed {
		return f, false
	}
	f = fn.Inputs[port].Type.Fmt
	f.Int += bits.Len(uint(n.MaxInDegree(pop, port)))
	return f, true
}

// AccWidth returns the width in bits of AccFormat (W_w + ⌈log2(1 + max
// in-degree)⌉), 0 when AccFormat has none.
func (n *Net) AccWidth(m *Module, pop string, port int) int {
	f, ok := n.AccFormat(m, pop, port)
	if !ok {
		return 0
	}
	return f.Width()
}

// RingSize returns the number of slots of population pop's delay ring
// (DESIGN §4.1 rule 3): D_max + 1 over every projection into pop (1
// without projections).
func (n *Net) RingSize(pop string) int {
	d := 0
	for _, p := range n.Projs {
		if p.Post == pop {
			d = max(d, p.MaxDelay())
		}
	}
	return d + 1
}

// Clone returns a copy of n whose structs (populations, sources,
// projections, drives, records, rules, traces, layers) are its own, so a
// pass may set the copy's fixed-phase fields without touching n; the data
// slices (indices, weights, values, spikes, tables) are shared, so they are
// never modified in place after irgen.
func (n *Net) Clone() *Net {
	c := *n
	layers := map[*SCLayer]*SCLayer{}
	c.Layers = make([]*SCLayer, len(n.Layers))
	for i, l := range n.Layers {
		cl := *l
		c.Layers[i], layers[l] = &cl, &cl
	}
	c.Pops = make([]*Pop, len(n.Pops))
	for i, p := range n.Pops {
		cp := *p
		cp.Params = cloneAll(p.Params)
		cp.Init = cloneAll(p.Init)
		if p.Source != nil {
			s := *p.Source
			cp.Source = &s
		}
		if p.Layer != nil {
			cp.Layer = layers[p.Layer]
		}
		c.Pops[i] = &cp
	}
	c.Projs = cloneAll(n.Projs)
	c.Drives = make([]*Drive, len(n.Drives))
	for i, d := range n.Drives {
		cd := *d
		cd.Targets = cloneAll(d.Targets)
		c.Drives[i] = &cd
	}
	c.Records = cloneAll(n.Records)
	c.Rules = make([]*Rule, len(n.Rules))
	for i, r := range n.Rules {
		cr := *r
		for _, t := range []**Trace{&cr.Pre, &cr.Post} {
			if *t != nil {
				ct := **t
				*t = &ct
			}
		}
		c.Rules[i] = &cr
	}
	return &c
}

// cloneAll returns new copies of the structs xs points to.
func cloneAll[T any](xs []*T) []*T {
	if xs == nil {
		return nil
	}
	out := make([]*T, len(xs))
	for i, x := range xs {
		c := *x
		out[i] = &c
	}
	return out
}
