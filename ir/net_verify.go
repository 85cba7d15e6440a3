package ir

import (
	"fmt"
	"math"
	"slices"

	"scc/fixed"
	"scc/lang"
)

// VerifyNet checks the invariants of network n of module m (net.go,
// DESIGN §4.1): names unique; every population's Func a neuron model of
// m with the network's dt, its per-neuron arrays Size values of valid
// states and parameters; sources consistent (Poisson thresholds, spike
// lists sorted, ≤ 1 per index per step, steps ≥ 1, indices in range,
// RNG streams unique); projections from existing populations into an
// input of a neuron population, arrays of equal length, indices in range,
// delays ≥ 1, synapses in (pre, post) order, rules existing; drives'
// targets and records' slices valid; rules' Funcs existing with ≥ 1
// state. In the fixed phase every word is present, of the right length
// and within its format, and every port's exact accumulator (AccWidth)
// fits 64 bits; in the real phase the fixed fields are zero. It returns
// the first violation found, prefixed with the item's position.
func VerifyNet(m *Module, n *Net) error {
	if len(n.Layers) == 0 && len(n.Pops) == 0 {
		return fmt.Errorf("has no populations and no layers")
	}
	if err := verifyLayers(n); err != nil {
		return err
	}
	if len(n.Pops) == 0 && len(n.Projs)+len(n.Drives)+len(n.Records)+len(n.Rules) > 0 {
		return fmt.Errorf("has projections, drives, records or rules but no populations")
	}
	if len(n.Pops) > 0 && !(n.Dt > 0 && !math.IsInf(n.Dt, 1)) {
		return fmt.Errorf("dt %v, want a positive step", n.Dt)
	}
	v := &netVerifier{m: m, n: n, fixed: m.Phase == Fixed, ruleFunc: map[string]bool{}, streams: map[int]string{}}
	for _, r := range n.Rules {
		v.ruleFunc[r.OnPre], v.ruleFunc[r.OnPost] = true, true
	}
	delete(v.ruleFunc, "")
	checks := []func() error{v.pops, v.projs, v.drives, v.records, v.rules, v.accWidths}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

type netVerifier struct {
	m        *Module
	n        *Net
	fixed    bool
	ruleFunc map[string]bool // Funcs that are rules' OnPre/OnPost
	streams  map[int]string  // RNG stream → its owner
}

// at prefixes a violation with the kind, name and position of its item.
func at(kind, name string, pos lang.Pos, err error) error {
	if err == nil {
		return nil
	}
	if pos.IsValid() {
		return fmt.Errorf("%s %s @%d:%d: %w", kind, name, pos.Line, pos.Col, err)
	}
	return fmt.Errorf("%s %s: %w", kind, name, err)
}

func unique[T any](items []T, name func(T) string, kind string) error {
	seen := map[string]bool{}
	for _, it := range items {
		s := name(it)
		if s == "" {
			return fmt.Errorf("a %s without a name", kind)
		}
		if seen[s] {
			return fmt.Errorf("%s %q is declared twice", kind, s)
		}
		seen[s] = true
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func (v *netVerifier) stream(s int, owner string) error {
	if o, dup := v.streams[s]; dup {
		return fmt.Errorf("RNG stream %d is also %s's", s, o)
	}
	v.streams[s] = owner
	return nil
}

func (v *netVerifier) pops() error {
	if err := unique(v.n.Pops, func(p *Pop) string { return p.Name }, "population"); err != nil {
		return err
	}
	for _, p := range v.n.Pops {
		if err := at("pop", p.Name, p.Pos, v.pop(p)); err != nil {
			return err
		}
	}
	return nil
}

func (v *netVerifier) pop(p *Pop) error {
	if p.Size < 1 || p.Size > math.MaxInt32 {
		return fmt.Errorf("size %d outside 1..2^31-1", p.Size)
	}
	if p.Kind != PopNeuron && (p.Func != "" || len(p.Params) > 0 || len(p.Init) > 0) {
		return fmt.Errorf("a %v population with a func, parameters or initial values", p.Kind)
	}
	if (p.Kind == PopSource) != (p.Source != nil) || (p.Kind == PopExtern) != (p.Layer != nil) {
		return fmt.Errorf("a %v population needs a source exactly when it is one and a layer exactly when it is extern", p.Kind)
	}
	switch p.Kind {
	case PopNeuron:
		return v.neuronPop(p)
	case PopSource:
		return v.source(p)
	case PopExtern:
		if !slices.Contains(v.n.Layers, p.Layer) {
			return fmt.Errorf("layer %q is not one of the network's layers", p.Layer.Name)
		}
		if p.Size != p.Layer.Neurons {
			return fmt.Errorf("size %d, layer %s has %d neurons", p.Size, p.Layer.Name, p.Layer.Neurons)
		}
		return nil
	}
	return fmt.Errorf("unknown population kind %d", p.Kind)
}

func (v *netVerifier) neuronPop(p *Pop) error {
	f := v.m.Func(p.Func)
	switch {
	case f == nil:
		return fmt.Errorf("func %q is not in the module", p.Func)
	case v.ruleFunc[p.Func]:
		return fmt.Errorf("func %q is a plasticity rule's, not a neuron model", p.Func)
	case f.Dt != v.n.Dt:
		return fmt.Errorf("func %s has dt %v, the network %v", f.Name, f.Dt, v.n.Dt)
	}
	seen := map[int]bool{}
	for _, q := range p.Params {
		if q.Index < 0 || q.Index >= len(f.Params) {
			return fmt.Errorf("parameter index %d out of range", q.Index)
		}
		name := f.Params[q.Index].Name
		if seen[q.Index] {
			return fmt.Errorf("parameter %q given twice", name)
		}
		seen[q.Index] = true
		if err := perNeuron(q.Values, p.Size); err != nil {
			return fmt.Errorf("parameter %q: %v", name, err)
		}
	}
	clear(seen)
	for _, in := range p.Init {
		if in.Index < 0 || in.Index >= len(f.States) {
			return fmt.Errorf("state index %d out of range", in.Index)
		}
		s := f.States[in.Index]
		if seen[in.Index] {
			return fmt.Errorf("initial values of %q given twice", s.Name)
		}
		seen[in.Index] = true
		if err := perNeuron(in.Values, p.Size); err != nil {
			return fmt.Errorf("initial values of %q: %v", s.Name, err)
		}
		if err := v.words(in.Words, p.Size, s.Type); err != nil {
			return fmt.Errorf("initial words of %q: %v", s.Name, err)
		}
	}
	return nil
}

func perNeuron(xs []float64, size int) error {
	if len(xs) != size {
		return fmt.Errorf("%d values, want %d", len(xs), size)
	}
	for i, x := range xs {
		if !finite(x) {
			return fmt.Errorf("value %v of neuron %d", x, i)
		}
	}
	return nil
}

// words checks a fixed-phase word list: k words of format t (nil in the
// real phase).
func (v *netVerifier) words(w []int64, k int, t Type) error {
	if !v.fixed {
		if w != nil {
			return fmt.Errorf("words in the real phase")
		}
		return nil
	}
	if len(w) != k {
		return fmt.Errorf("%d words, want %d", len(w), k)
	}
	if t.Kind != KFixed {
		return fmt.Errorf("format %v is not fixed point", t)
	}
	for i, x := range w {
		if !t.Fmt.Contains(x) {
			return fmt.Errorf("word %d (%d) outside %v", i, x, t.Fmt)
		}
	}
	return nil
}

// word checks one fixed-phase word of format t (0 in the real phase).
func (v *netVerifier) word(w int64, t Type) error {
	if !v.fixed {
		if w != 0 {
			return fmt.Errorf("word %d in the real phase", w)
		}
		return nil
	}
	if t.Kind != KFixed || !t.Fmt.Contains(w) {
		return fmt.Errorf("word %d outside %v", w, t)
	}
	return nil
}

func (v *netVerifier) source(p *Pop) error {
	s := p.Source
	switch s.Kind {
	case SourcePoisson:
		switch {
		case !finite(s.Rate) || s.Rate < 0 || s.Rate*v.n.Dt >= 1:
			return fmt.Errorf("rate %v kHz, want 0 ≤ rate·dt < 1", s.Rate)
		case math.Abs(float64(s.Threshold)-s.Rate*v.n.Dt*(1<<32)) > 0.5+1e-6:
			return fmt.Errorf("threshold %d, rate·dt·2^32 is %v", s.Threshold, s.Rate*v.n.Dt*(1<<32))
		case s.Start < 0 || s.Stop != 0 && s.Stop < s.Start:
			return fmt.Errorf("active steps %d..%d", s.Start, s.Stop)
		case len(s.Spikes) > 0:
			return fmt.Errorf("a Poisson source with a spike list")
		}
		return v.stream(s.Stream, "source "+p.Name)
	case SourceSpikes:
		for k, e := range s.Spikes {
			switch {
			case e.Step < 1:
				return fmt.Errorf("spike %d in step %d, want ≥ 1", k, e.Step)
			case e.Index < 0 || e.Index >= p.Size:
				return fmt.Errorf("spike %d of neuron %d, outside 0..%d", k, e.Index, p.Size-1)
			case k > 0 && !spikeBefore(s.Spikes[k-1], e):
				return fmt.Errorf("spike %d (step %d, neuron %d) not after spike %d (step %d, neuron %d): the list is sorted by step and neuron, one spike per neuron and step",
					k, e.Step, e.Index, k-1, s.Spikes[k-1].Step, s.Spikes[k-1].Index)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown source kind %d", s.Kind)
}

func spikeBefore(a, b SpikeEvent) bool {
	return a.Step < b.Step || a.Step == b.Step && a.Index < b.Index
}

// port returns the type of input port of population pop, which must be a
// neuron population of the network.
func (v *netVerifier) port(pop string, port int, portName string) (*Pop, Type, error) {
	p := v.n.NetPop(pop)
	switch {
	case p == nil:
		return nil, Type{}, fmt.Errorf("unknown population %q", pop)
	case p.Kind != PopNeuron:
		return nil, Type{}, fmt.Errorf("population %q is a %v population: it has no input ports", pop, p.Kind)
	}
	f := v.m.Func(p.Func)
	if f == nil {
		return nil, Type{}, fmt.Errorf("population %q runs no func of the module", pop)
	}
	if port < 0 || port >= len(f.Inputs) {
		return nil, Type{}, fmt.Errorf("port %d of population %q out of range (func %s has %d inputs)", port, pop, f.Name, len(f.Inputs))
	}
	if in := f.Inputs[port]; portName != "" && portName != in.Name {
		return nil, Type{}, fmt.Errorf("port name %q, input %d of func %s is %q", portName, port, f.Name, in.Name)
	}
	return p, f.Inputs[port].Type, nil
}

func (v *netVerifier) projs() error {
	if err := unique(v.n.Projs, func(p *Proj) string { return p.Name }, "projection"); err != nil {
		return err
	}
	for _, pr := range v.n.Projs {
		if err := at("proj", pr.Name, pr.Pos, v.proj(pr)); err != nil {
			return err
		}
	}
	return nil
}

func (v *netVerifier) proj(pr *Proj) error {
	pre := v.n.NetPop(pr.Pre)
	if pre == nil {
		return fmt.Errorf("unknown population %q", pr.Pre)
	}
	post, t, err := v.port(pr.Post, pr.Port, pr.PortName)
	if err != nil {
		return err
	}
	if pr.Rule != "" && v.n.NetRule(pr.Rule) == nil {
		return fmt.Errorf("unknown rule %q", pr.Rule)
	}
	k := len(pr.PreIdx)
	if len(pr.PostIdx) != k || len(pr.Delay) != k || len(pr.W) != k {
		return fmt.Errorf("%d pre, %d post indices, %d delays and %d weights, want equal lengths", k, len(pr.PostIdx), len(pr.Delay), len(pr.W))
	}
	for i := range k {
		a, b := pr.PreIdx[i], pr.PostIdx[i]
		switch {
		case a < 0 || int(a) >= pre.Size:
			return fmt.Errorf("synapse %d: pre index %d outside 0..%d", i, a, pre.Size-1)
		case b < 0 || int(b) >= post.Size:
			return fmt.Errorf("synapse %d: post index %d outside 0..%d", i, b, post.Size-1)
		case pr.Delay[i] < 1:
			return fmt.Errorf("synapse %d: delay %d, want ≥ 1 step", i, pr.Delay[i])
		case !finite(pr.W[i]):
			return fmt.Errorf("synapse %d: weight %v", i, pr.W[i])
		case i > 0 && (a < pr.PreIdx[i-1] || a == pr.PreIdx[i-1] && b < pr.PostIdx[i-1]):
			return fmt.Errorf("synapse %d (%d → %d) before synapse %d (%d → %d): synapses are in ascending pre, then post order", i, a, b, i-1, pr.PreIdx[i-1], pr.PostIdx[i-1])
		}
	}
	if err := v.words(pr.Words, k, t); err != nil {
		return fmt.Errorf("weights: %v", err)
	}
	if r := v.n.NetRule(pr.Rule); r != nil && v.fixed {
		if err := ruleWeightFormat(v.m, r, t); err != nil {
			return err
		}
	}
	return nil
}

// ruleWeightFormat checks that rule r's synapse state w (state 0 of its
// Funcs) has the port's type t: one word is both the weight propagate
// adds and the state the rule updates.
func ruleWeightFormat(m *Module, r *Rule, t Type) error {
	for _, name := range []string{r.OnPre, r.OnPost} {
		if f := m.Func(name); f != nil && len(f.States) > 0 && f.States[0].Type != t {
			return fmt.Errorf("rule %s keeps w as %v in %s, the port's format is %v", r.Name, f.States[0].Type, f.Name, t)
		}
	}
	return nil
}

func (v *netVerifier) drives() error {
	if err := unique(v.n.Drives, func(d *Drive) string { return d.Name }, "drive"); err != nil {
		return err
	}
	for _, d := range v.n.Drives {
		if err := at("drive", d.Name, d.Pos, v.drive(d)); err != nil {
			return err
		}
	}
	return nil
}

func (v *netVerifier) drive(d *Drive) error {
	if len(d.Targets) == 0 {
		return fmt.Errorf("no targets")
	}
	var t Type
	for i, tg := range d.Targets {
		p, ti, err := v.port(tg.Pop, tg.Port, tg.PortName)
		if err != nil {
			return fmt.Errorf("target %d: %v", i, err)
		}
		if tg.Lo < 0 || tg.Lo >= tg.Hi || tg.Hi > p.Size {
			return fmt.Errorf("target %d: neurons %d..%d of %q, outside 0..%d", i, tg.Lo, tg.Hi-1, tg.Pop, p.Size-1)
		}
		if i > 0 && ti != t {
			return fmt.Errorf("target %d: port format %v, target 0's is %v (the targets of a drive share its words)", i, ti, t)
		}
		t = ti
	}
	switch d.Kind {
	case DriveCurrent:
		if !finite(d.Value) {
			return fmt.Errorf("value %v", d.Value)
		}
		for i, x := range d.Values {
			if !finite(x) {
				return fmt.Errorf("value %v of step %d", x, i+1)
			}
		}
		if err := v.word(d.ValueWord, t); err != nil {
			return fmt.Errorf("value: %v", err)
		}
		if err := v.words(d.Words, len(d.Values), t); err != nil {
			return fmt.Errorf("values: %v", err)
		}
		return nil
	case DrivePoissonSum:
		switch {
		case d.N < 1:
			return fmt.Errorf("n %d, want ≥ 1", d.N)
		case !finite(d.Rate) || d.Rate < 0:
			return fmt.Errorf("rate %v kHz", d.Rate)
		case !finite(d.W):
			return fmt.Errorf("weight %v", d.W)
		case len(d.Table) == 0:
			return fmt.Errorf("no count table")
		case !slices.IsSorted(d.Table):
			return fmt.Errorf("count table not ascending")
		}
		if err := v.word(d.WWord, t); err != nil {
			return fmt.Errorf("weight: %v", err)
		}
		return v.stream(d.Stream, "drive "+d.Name)
	}
	return fmt.Errorf("unknown drive kind %d", d.Kind)
}

func (v *netVerifier) records() error {
	for i, r := range v.n.Records {
		if err := at("record", fmt.Sprint(i), r.Pos, v.record(r)); err != nil {
			return err
		}
	}
	return nil
}

func (v *netVerifier) record(r *Record) error {
	p := v.n.NetPop(r.Pop)
	switch {
	case p == nil:
		return fmt.Errorf("unknown population %q", r.Pop)
	case r.Lo < 0 || r.Lo >= r.Hi || r.Hi > p.Size:
		return fmt.Errorf("neurons %d..%d of %q, outside 0..%d", r.Lo, r.Hi-1, r.Pop, p.Size-1)
	case r.Every < 1:
		return fmt.Errorf("every %d steps, want ≥ 1", r.Every)
	case r.Kind > RecordRate:
		return fmt.Errorf("unknown record kind %d", r.Kind)
	case r.Kind != RecordState:
		if len(r.Vars) > 0 {
			return fmt.Errorf("a %v record with variables", r.Kind)
		}
		return nil
	}
	f := v.m.Func(p.Func)
	if p.Kind != PopNeuron || f == nil {
		return fmt.Errorf("state record of %q, which runs no func of the module", r.Pop)
	}
	if len(r.Vars) == 0 {
		return fmt.Errorf("state record without variables")
	}
	for _, i := range r.Vars {
		if i < 0 || i >= len(f.States) {
			return fmt.Errorf("state index %d out of range", i)
		}
	}
	return nil
}

func (v *netVerifier) rules() error {
	if err := unique(v.n.Rules, func(r *Rule) string { return r.Name }, "rule"); err != nil {
		return err
	}
	for _, r := range v.n.Rules {
		if err := at("rule", r.Name, r.Pos, v.rule(r)); err != nil {
			return err
		}
	}
	return nil
}

func (v *netVerifier) rule(r *Rule) error {
	var fs []*Func
	for _, name := range []string{r.OnPre, r.OnPost} {
		if name == "" {
			continue
		}
		f := v.m.Func(name)
		switch {
		case f == nil:
			return fmt.Errorf("func %q is not in the module", name)
		case len(f.States) == 0:
			return fmt.Errorf("func %s has no state (w is state 0)", name)
		case len(f.Inputs) > 2:
			return fmt.Errorf("func %s has %d inputs, want the pre and post traces at most", name, len(f.Inputs))
		}
		fs = append(fs, f)
	}
	if len(fs) == 2 {
		a, b := fs[0], fs[1]
		if len(a.States) != len(b.States) {
			return fmt.Errorf("funcs %s and %s have %d and %d states, want the same synapse state", a.Name, b.Name, len(a.States), len(b.States))
		}
		for i := range a.States {
			if a.States[i].Name != b.States[i].Name || a.States[i].Type != b.States[i].Type {
				return fmt.Errorf("state %d is %q %v in %s and %q %v in %s", i, a.States[i].Name, a.States[i].Type, a.Name, b.States[i].Name, b.States[i].Type, b.Name)
			}
		}
	}
	for _, t := range []*Trace{r.Pre, r.Post} {
		if t == nil {
			continue
		}
		if err := v.trace(t); err != nil {
			return fmt.Errorf("trace %q: %v", t.Name, err)
		}
	}
	return nil
}

func (v *netVerifier) trace(t *Trace) error {
	switch {
	case t.Name == "":
		return fmt.Errorf("no name")
	case !(t.Decay >= 0 && t.Decay <= 1):
		return fmt.Errorf("decay %v outside [0, 1]", t.Decay)
	case !finite(t.Add):
		return fmt.Errorf("add %v", t.Add)
	}
	if !v.fixed {
		if t.Fmt != (Type{}) || t.DecayFmt != (Type{}) || t.DecayWord != 0 || t.AddWord != 0 {
			return fmt.Errorf("fixed-phase formats or words in the real phase")
		}
		return nil
	}
	if err := checkPhaseType(t.Fmt, Fixed, false); err != nil {
		return err
	}
	if err := checkPhaseType(t.DecayFmt, Fixed, false); err != nil {
		return fmt.Errorf("decay: %v", err)
	}
	if t.DecayWord < 0 || !t.DecayFmt.Fmt.Contains(t.DecayWord) {
		return fmt.Errorf("decay word %d outside %v", t.DecayWord, t.DecayFmt)
	}
	if t.Fmt.Fmt.Width()+t.DecayFmt.Fmt.Width() > fixed.MaxWidth {
		return fmt.Errorf("the decay product of %v and %v exceeds %d bits", t.Fmt, t.DecayFmt, fixed.MaxWidth)
	}
	if !t.Fmt.Fmt.Contains(t.AddWord) {
		return fmt.Errorf("add word %d outside %v", t.AddWord, t.Fmt)
	}
	return nil
}

// accWidths checks, in the fixed phase, that every port's accumulator
// fits the widest word the IR carries.
func (v *netVerifier) accWidths() error {
	if !v.fixed {
		return nil
	}
	type port struct {
		pop  string
		port int
	}
	seen := map[port]bool{}
	for _, pr := range v.n.Projs {
		if seen[port{pr.Post, pr.Port}] {
			continue
		}
		seen[port{pr.Post, pr.Port}] = true
		if w := v.n.AccWidth(v.m, pr.Post, pr.Port); w > fixed.MaxWidth {
			return at("proj", pr.Name, pr.Pos, fmt.Errorf("the accumulator of %s.%s needs %d bits, more than %d", pr.Post, pr.PortName, w, fixed.MaxWidth))
		}
	}
	return nil
}
