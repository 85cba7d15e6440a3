package irgen

import (
	"fmt"
	"math"
	"sort"

	"scc/ir"
	"scc/lang"
)

// Options select what Lower produces.
type Options struct {
	// Dt overrides every model's step (ms); 0 keeps each model's own.
	Dt float64
	// Params overrides parameter defaults (canonical units). A name applies
	// to every lowered model that declares it; a name no lowered model
	// declares is an error.
	Params map[string]float64
	// Models lists the models to lower, in output order; nil lowers every
	// model in source order, and only then are networks of populations
	// lowered (networks of SC layers always are).
	Models []string
	// Dir is the directory the data files a network names (CSV) are
	// relative to; "" means the directory of the source file that names
	// them (lang.Pos.File).
	Dir string
	// ReadFile reads a data file by the name Dir gives it; nil is
	// os.ReadFile.
	ReadFile func(name string) ([]byte, error)
}

// Lower turns the checked file f (info from lang.Check) into a real-phase
// module with one Func per model and one ir.Net per network that declares
// populations, sources or layers (network.go), instantiated: connectivity
// and per-neuron values drawn, data files read. Errors are positioned (a
// lang.ErrorList).
func Lower(f *lang.File, info *lang.Info, opt Options) (*ir.Module, error) {
	var errs lang.ErrorList
	names := opt.Models
	if names == nil {
		names = info.Order
	}
	mod := &ir.Module{File: f.Name, Phase: ir.Real}
	used := map[string]bool{}
	for _, name := range names {
		m := info.Models[name]
		if m == nil {
			errs.Add(lang.Pos{File: f.Name}, msgUnknownModel, name)
			continue
		}
		over := map[string]float64{}
		for _, p := range m.Params {
			if v, ok := opt.Params[p.Name]; ok {
				over[p.Name] = v
				used[p.Name] = true
			}
		}
		if len(over) > 0 || opt.Dt != 0 {
			if opt.Dt < 0 || math.IsNaN(opt.Dt) {
				errs.Add(m.Model.Pos, msgBadDt, opt.Dt)
				continue
			}
			var err error
			if m, err = m.Override(over, opt.Dt); err != nil {
				errs.Append(err)
				continue
			}
		}
		fn, err := lowerModel(m)
		if err != nil {
			errs.Append(err)
			continue
		}
		mod.Funcs = append(mod.Funcs, fn)
	}
	var unused []string
	for name := range opt.Params {
		if !used[name] {
			unused = append(unused, name)
		}
	}
	sort.Strings(unused)
	for _, name := range unused {
		errs.Add(lang.Pos{File: f.Name}, msgUnknownParam, name)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if err := lowerNetworks(mod, info, &opt); err != nil {
		return nil, err
	}
	if err := ir.Verify(mod); err != nil {
		panic(fmt.Sprintf("irgen: invalid IR: %v\n%s", err, mod))
	}
	return mod, nil
}

// lowerModel builds the step function of one model (DESIGN §4).
func lowerModel(m *lang.ModelInfo) (*ir.Func, error) {
	fn := ir.NewFunc(m.Model.Name, m.Model.Pos)
	fn.Dt = m.Dt
	fn.Format, fn.AutoWidth, fn.Round, fn.Overflow = m.Format, m.StateFormat().Auto, m.Round, m.Overflow // format auto (Auto < 0): auto:16
	for _, p := range m.Params {
		fn.Params = append(fn.Params, &ir.Param{Name: p.Name, Pos: p.Param.Pos, Value: p.Value, Range: irRange(p.Range)})
	}
	for _, s := range m.States {
		fn.States = append(fn.States, &ir.State{Name: s.Name, Pos: s.State.Pos, Type: ir.F64,
			Init: s.Init, Range: irRange(s.Range)})
	}
	for _, in := range m.Inputs {
		fn.Inputs = append(fn.Inputs, &ir.Input{Name: in.Name, Pos: in.Input.Pos, Type: ir.F64,
			Range: irRange(in.Range)})
	}
	// Each noise term is an input of N(0, 1) samples (clamped to ±6σ by
	// the generator); the method scales it by √dt.
	var noiseIn []int
	for _, name := range m.Noise {
		noiseIn = append(noiseIn, len(fn.Inputs))
		fn.Inputs = append(fn.Inputs, &ir.Input{Name: name, Pos: m.Model.Pos, Type: ir.F64,
			Range: &ir.Range{Lo: -6, Hi: 6}, Noise: true})
	}
	nrefr := 0
	cond := m.RefractoryCond != nil && m.Refractory != nil && m.Spike != nil
	if m.Refractory != nil && m.Spike != nil && !cond {
		nrefr = m.RefractorySteps
	}
	refrIdx := -1
	if nrefr > 0 || cond {
		// The counter of refractory steps, or under a condition the flag
		// "spiked and not yet released" (Brian2's not not_refractory).
		refrIdx = len(fn.States)
		fn.States = append(fn.States, &ir.State{Name: refrName(fn), Pos: m.Refractory.Pos, Type: ir.F64,
			Refractory: true})
	}
	clock := -1
	if m.UsesTime {
		clock = len(fn.States)
		fn.States = append(fn.States, &ir.State{Name: clockName(fn), Pos: m.Model.Pos, Type: ir.F64, Clock: true})
	}
	b := newBuilder(m, fn, clock, noiseIn)
	b.lower(refrIdx, nrefr)
	if err := b.errs.Err(); err != nil {
		return nil, err
	}
	// Constants are emitted as ops for const-fold; those the lowering
	// tried and did not use go.
	fn.DeleteDead()
	return fn, nil
}

func refrName(fn *ir.Func) string {
	name := "_refr"
	for i := 2; fn.StateIndex(name) >= 0; i++ {
		name = fmt.Sprintf("_refr%d", i)
	}
	return name
}

// clockName is the hidden time state's name: t, or _t when a state has
// that name.
func clockName(fn *ir.Func) string {
	name := "t"
	for i := 2; fn.StateIndex(name) >= 0; i++ {
		name = "_t"
		if i > 2 {
			name = fmt.Sprintf("_t%d", i-1)
		}
	}
	return name
}

func irRange(b *lang.Bounds) *ir.Range {
	if b == nil {
		return nil
	}
	return &ir.Range{Lo: b.Lo, Hi: b.Hi}
}

// lower emits the whole step: refractory flag, candidates, threshold,
// resets, refractory body, commits, counter, spike, clock, assertions.
// Refractoriness is a counter of nrefr steps, or (nrefr 0) Brian2's
// condition: refractory while the flag is set (a spike sets it) and the
// condition holds on the pre-step values; the first step it fails
// releases the neuron (not_refractory = not_refractory or not cond).
func (b *builder) lower(refrIdx, nrefr int) {
	m := b.m
	var refr, counter, zero *ir.Value
	if refrIdx >= 0 {
		pos := m.Refractory.Pos
		counter = b.blk.NewValue(pos, ir.OpState, ir.F64)
		counter.AuxInt = int64(refrIdx)
		zero = b.konst(0, pos)
		refr = b.blk.NewValue(pos, ir.OpNe, ir.Bool, counter, zero)
		if nrefr == 0 {
			c := b.emit(m.RefractoryCond, b.root)
			refr = b.blk.NewValue(pos, ir.OpAnd, ir.Bool, refr, c)
		}
	}
	cand := b.candidates()
	fitted := make([]*ir.Value, len(m.States))
	thr := b.root.child()
	for i, s := range m.States {
		pos := s.State.Pos
		if s.Eq != nil {
			pos = s.Eq.GetPos()
		}
		fitted[i] = b.fit(i, cand[i], pos)
		thr.bind[i] = fitted[i]
	}
	var spikeRaw *ir.Value
	reset := make([]*ir.Value, len(m.States))
	if m.Spike != nil {
		spikeRaw = b.emit(m.Spike.Cond, thr)
		for _, a := range m.Spike.Reset {
			i := m.StateIndex(a.Name)
			reset[i] = b.fit(i, b.emit(a.Value, thr), a.Value.GetPos())
		}
	}
	body := make([]*ir.Value, len(m.States))
	if refrIdx >= 0 {
		for _, a := range m.Refractory.Body {
			i := m.StateIndex(a.Name)
			body[i] = b.fit(i, b.emit(a.Value, b.root), a.Value.GetPos())
		}
	}
	for i, s := range m.States {
		next := fitted[i]
		if reset[i] != nil {
			next = b.blk.NewValue(m.Spike.Pos, ir.OpSelect, ir.F64, spikeRaw, reset[i], fitted[i])
		}
		if refrIdx >= 0 {
			held := fitted[i]
			switch {
			case body[i] != nil:
				held = body[i]
			case unless(s.Eq):
				held = b.root.state(i, s.Eq.GetPos())
			}
			if held != next {
				next = b.blk.NewValue(m.Refractory.Pos, ir.OpSelect, ir.F64, refr, held, next)
			}
		}
		b.commit(i, next, s.State.Pos)
	}
	spikeOut := func() *ir.Value {
		if refr == nil {
			return spikeRaw
		}
		pos := m.Refractory.Pos
		return b.blk.NewValue(pos, ir.OpAnd, ir.Bool, b.blk.NewValue(pos, ir.OpNot, ir.Bool, refr), spikeRaw)
	}
	var out *ir.Value
	if refrIdx >= 0 {
		pos := m.Refractory.Pos
		var next *ir.Value
		if nrefr > 0 {
			dec := b.blk.NewValue(pos, ir.OpSub, ir.F64, counter, b.konst(1, pos))
			load := b.blk.NewValue(pos, ir.OpSelect, ir.F64, spikeRaw, b.konst(float64(nrefr), pos), zero)
			next = b.blk.NewValue(pos, ir.OpSelect, ir.F64, refr, dec, load)
		} else {
			out = spikeOut()
			set := b.blk.NewValue(pos, ir.OpOr, ir.Bool, out, refr)
			next = b.blk.NewValue(pos, ir.OpSelect, ir.F64, set, b.konst(1, pos), zero)
		}
		b.commit(refrIdx, b.fit(refrIdx, next, pos), pos)
	}
	if b.clock >= 0 {
		pos := m.Model.Pos
		t := b.root.state(b.timeSlot(), pos)
		next := b.blk.NewValue(pos, ir.OpAdd, ir.F64, t, b.konst(m.Dt, pos))
		b.commit(b.clock, b.fit(b.clock, next, pos), pos)
	}
	if spikeRaw != nil {
		if out == nil {
			out = spikeOut()
		}
		b.blk.NewValue(m.Spike.Pos, ir.OpSpike, ir.Void, out)
	}
	for _, a := range m.Asserts {
		b.blk.NewValue(a.Pos, ir.OpAssert, ir.Void, b.emit(a.Cond, b.root))
	}
}

func unless(eq lang.Item) bool {
	switch eq := eq.(type) {
	case *lang.ODE:
		return eq.UnlessRefractory
	case *lang.Map:
		return eq.UnlessRefractory
	}
	return false
}

func (b *builder) fit(i int, v *ir.Value, pos lang.Pos) *ir.Value {
	f := b.blk.NewValue(pos, ir.OpFit, ir.F64, v)
	f.AuxInt = int64(i)
	return f
}

func (b *builder) commit(i int, v *ir.Value, pos lang.Pos) {
	n := b.blk.NewValue(pos, ir.OpNext, ir.Void, v)
	n.AuxInt = int64(i)
}
