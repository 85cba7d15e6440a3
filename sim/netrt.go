package sim

import (
	"fmt"
	goruntime "runtime"
	"strings"

	"scc/ir"
	rt "scc/runtime"
	"scc/runtime/kernels"
)

// The runtime engine of Net: NetOptions.Engine selects whether Step runs
// the interpreter of net.go or runtime's network runner (rt.Net) over the
// same data. NewNet builds everything it always builds; useEngine then
// hands the runner a spec of plain data (rt.NetSpec) whose slices are the
// Net's own (rings, drive terms, CSR arrays, plastic synapse states,
// traces), so Weights, TraceWords and the records read the same slices
// whichever engine runs. A neuron population runs its generated kernel
// (runtime/kernels, found by its Func's fingerprint) or, without one, its
// BatchFixed inside the runner; an SC layer runs its SCLayer.

// Engines.
const (
	EngineInterp  = "interp"
	EngineRuntime = "runtime"
)

// netEngine is the runner and what Net keeps to serve its results.
type netEngine struct {
	r      *rt.Net
	kpops  []kernels.Pop   // per population: its kernel, or nil
	kspecs []*kernels.Spec // per population: its kernel's spec, or nil
	kstate [][]any         // per population: its kernel's state columns (boxed once: no allocation per read)
	// umask: per population and state, the mask that reads an unsigned
	// word as wide as its lane (0: the lane's sign extension is the word).
	umask  [][]int64
	detail string
}

// Engine returns the engine Step runs: EngineInterp or EngineRuntime.
func (s *Net) Engine() string {
	if s.eng != nil {
		return EngineRuntime
	}
	return EngineInterp
}

// EngineDetail describes the engine: for the runtime its workers and, per
// neuron population, the kernel and path it runs (or "interpreted").
func (s *Net) EngineDetail() string {
	if s.eng != nil {
		return s.eng.detail
	}
	return EngineInterp
}

// Close stops the runtime engine's workers (a no-op for the
// interpreter). The Net must not step afterwards.
func (s *Net) Close() {
	if s.eng != nil {
		s.eng.r.Close()
	}
}

// KernelFor returns the generated kernel of f (nil: none).
func KernelFor(f *ir.Func) *kernels.Spec { return kernels.Lookup(f.Fingerprint()) }

// useEngine selects the engine of opt.Engine and, for the runtime, builds
// the runner.
func (s *Net) useEngine(opt NetOptions) error {
	switch opt.Engine {
	case "", "auto":
		if s.Phase != ir.Fixed {
			return nil
		}
		for _, np := range s.pops {
			if np.p.Kind == ir.PopExtern || np.fn != nil && KernelFor(np.fn) == nil {
				return nil
			}
		}
	case EngineInterp:
		return nil
	case EngineRuntime:
		if s.Phase != ir.Fixed {
			return fmt.Errorf("sim: the runtime engine runs bit-true networks; %s is in the %s phase", s.N.Name, s.Phase)
		}
	default:
		return fmt.Errorf("sim: unknown engine %q (want auto, interp or runtime)", opt.Engine)
	}
	isa := -1
	if opt.ISA != "" {
		for i := kernels.ISA(0); i < kernels.NumISA; i++ {
			if i.String() == opt.ISA {
				isa = int(i)
			}
		}
		if isa < 0 {
			return fmt.Errorf("sim: unknown ISA %q (want portable, avx2 or avx512)", opt.ISA)
		}
	}
	e := &netEngine{kpops: make([]kernels.Pop, len(s.pops)), kspecs: make([]*kernels.Spec, len(s.pops)),
		kstate: make([][]any, len(s.pops)), umask: make([][]int64, len(s.pops))}
	spec := &rt.NetSpec{RingSize: s.RingSize}
	var desc []string
	span := 0
	for i, np := range s.pops {
		ps := rt.PopSpec{Name: np.p.Name, Size: np.p.Size}
		switch {
		case np.layer != nil:
			a := &layerPop{l: np.layer, n: np.p.Size, spk: make([]uint64, rt.Words(np.p.Size))}
			ps.Pop, ps.Serial, ps.Reset = a, true, a.reset
			desc = append(desc, np.p.Name+" SC layer")
		case np.fn != nil:
			for p := range np.fn.Inputs {
				var ring [][]int64
				if np.acc[p] != nil {
					ring = np.acc[p]
				}
				ps.Ports = append(ps.Ports, rt.PortSpec{Lo: np.lo[p], Hi: np.hi[p], Ring: ring, X: np.x[p]})
			}
			ks := KernelFor(np.fn)
			var kp kernels.Pop
			if ks != nil {
				var err error
				if kp, err = newKernelPop(ks, np, isa); err != nil {
					return err
				}
			}
			if kp != nil {
				e.kpops[i], e.kspecs[i] = kp, ks
				for k, st := range np.fn.States {
					e.kstate[i] = append(e.kstate[i], kp.State(k))
					m := int64(0)
					if c := ks.States[k]; st.Type.Kind == ir.KFixed && !st.Type.Fmt.Signed && c.Width >= c.Lane.Bits() && c.Lane < kernels.Int64 {
						m = 1<<c.Lane.Bits() - 1
					}
					e.umask[i] = append(e.umask[i], m)
				}
				init := np.initW
				f := np.fn
				ps.Pop = kp
				ps.Reset = func() {
					kp.Reset()
					for k, st := range f.States {
						fillCol(kp.State(k), st.InitRaw)
					}
					for _, in := range init {
						loadCol(kp.State(in.Index), in.Words)
					}
				}
				span += np.p.Size
				desc = append(desc, fmt.Sprintf("%s %s/%s %v", np.p.Name, ks.Model, ks.Variant, kp.ISA()))
			} else {
				a := &batchPop{bf: np.bf, init: np.initW, spk: make([]uint64, rt.Words(np.p.Size))}
				ps.Pop, ps.Serial, ps.Reset, ps.Err = a, true, a.reset, a.error
				desc = append(desc, np.p.Name+" "+np.fn.Name+" interpreted")
			}
		default:
			src := np.p.Source
			ps.Threshold, ps.Start, ps.Stop = src.Threshold, src.Start, src.Stop
			if src.Kind == ir.SourcePoisson {
				ps.Seeds = np.seed
			} else {
				ps.SpikeList = make([]rt.SpikeAt, 0, len(src.Spikes))
				for _, ev := range src.Spikes {
					ps.SpikeList = append(ps.SpikeList, rt.SpikeAt{Step: ev.Step, Index: ev.Index})
				}
			}
		}
		spec.Pops = append(spec.Pops, ps)
	}
	traceIdx := map[*netTrace]int{}
	for k, x := range s.traces {
		traceIdx[x] = k
		tr := x.tr
		spec.Traces = append(spec.Traces, rt.TraceSpec{Pop: s.popIdx[x.pop.p.Name], X: x.x,
			Decay: tr.DecayWord, Frac: uint(x.frac), Lo: x.lo, Hi: x.hi, Add: tr.AddWord, Set: tr.Set, Pre: x.pre})
	}
	ruleIdx := map[*netRule]int{}
	for k, r := range s.rules {
		ruleIdx[r] = k
		spec.Rules = append(spec.Rules, rt.RuleSpec{OnPre: eventFunc(r.onPre, r.bPre), OnPost: eventFunc(r.onPost, r.bPost)})
	}
	for _, p := range s.projs {
		ps := rt.ProjSpec{Name: p.p.Name, Pre: s.popIdx[p.pre.p.Name], Post: s.popIdx[p.post.p.Name], Port: p.port,
			RowStart: p.rowStart, Dst: p.dst, Delay: p.delay, W: p.w, D0: p.d0, Rule: -1, PreTrace: -1, PostTrace: -1}
		if p.rule != nil {
			ps.Rule = ruleIdx[p.rule]
			ps.W0, ps.Syn = p.w0, p.syn
			fs := s.ruleFuncs(p.rule.r)
			ps.SynInit = make([]int64, len(p.syn))
			for k := 1; k < len(p.syn); k++ {
				ps.SynInit[k] = fs[0].States[k].InitRaw
			}
			ps.ColStart, ps.ColSyn, ps.ColPre = p.colStart, p.colSyn, p.colPre
			if p.preTr != nil {
				ps.PreTrace = traceIdx[p.preTr]
			}
			if p.postTr != nil {
				ps.PostTrace = traceIdx[p.postTr]
			}
		}
		spec.Projs = append(spec.Projs, ps)
	}
	for _, d := range s.drives {
		ds := rt.DriveSpec{Word: d.d.ValueWord, Seeds: d.seed, Table: d.d.Table, WWord: d.d.WWord}
		switch d.d.Kind {
		case ir.DriveCurrent:
			ds.Kind = rt.DriveCurrent
			ds.PerStep = d.d.Words != nil || d.d.Values != nil
			ds.Words = d.d.Words
		case ir.DrivePoissonSum:
			ds.Kind = rt.DrivePoissonSum
		}
		for _, tg := range d.targets {
			ds.Targets = append(ds.Targets, rt.DriveTarget{Pop: s.popIdx[tg.pop.p.Name], Port: tg.port, Lo: tg.lo, Hi: tg.hi})
		}
		spec.Drives = append(spec.Drives, ds)
	}
	workers := opt.Workers
	if workers < 1 {
		// Dispatch costs microseconds: a worker pays for itself from
		// several thousand kernel neurons on.
		workers = min(goruntime.GOMAXPROCS(0), max(1, span/8192))
	}
	r, err := rt.NewNet(spec, workers)
	if err != nil {
		return fmt.Errorf("%v: sim: network %s: %v", s.N.Pos, s.N.Name, err)
	}
	e.r = r
	e.detail = fmt.Sprintf("runtime, %d worker", workers)
	if workers != 1 {
		e.detail += "s"
	}
	if len(desc) > 0 {
		e.detail += ": " + strings.Join(desc, ", ")
	}
	s.eng = e
	goruntime.AddCleanup(s, func(r *rt.Net) { r.Close() }, r)
	return nil
}

// newKernelPop returns a kernel population for np: its coefficient words
// (generic variants) loaded, the path isa (-1: the best) selected. A
// kernel whose columns do not match np's Func is an error.
func newKernelPop(ks *kernels.Spec, np *netPop, isa int) (kernels.Pop, error) {
	f, p := np.fn, np.p
	cs := coefValues(f)
	if len(ks.States) != len(f.States) || len(ks.Inputs) != len(f.Inputs) || len(ks.Coefs) != len(cs) {
		return nil, fmt.Errorf("%v: sim: population %s: kernel %s/%s has %d states, %d inputs, %d coefficients; %s has %d, %d, %d",
			p.Pos, p.Name, ks.Model, ks.Variant, len(ks.States), len(ks.Inputs), len(ks.Coefs), f.Name, len(f.States), len(f.Inputs), len(cs))
	}
	kp := ks.New(p.Size)
	want := kernels.Best(ks)
	if isa >= 0 { // the fastest path at most isa
		want = kernels.Portable
		for _, i := range ks.ISAs {
			if kernels.Available(i) && i <= kernels.ISA(isa) && i > want {
				want = i
			}
		}
	}
	if err := kp.SetISA(want); err != nil {
		return nil, fmt.Errorf("%v: sim: population %s: %v", p.Pos, p.Name, err)
	}
	if len(cs) > 0 {
		vals := f.ParamDefaults()
		cols := make([][]int64, len(cs))
		for k := range cols {
			cols[k] = make([]int64, p.Size)
		}
		for i := range p.Size {
			if i > 0 && len(p.Params) == 0 {
				for k := range cols {
					cols[k][i] = cols[k][0]
				}
				continue
			}
			for _, pp := range p.Params {
				vals[pp.Index] = pp.Values[i]
			}
			words, err := ir.ParamWords(f, vals)
			if err != nil {
				return nil, fmt.Errorf("%v: sim: population %s neuron %d: %v", p.Pos, p.Name, i, err)
			}
			for k, v := range cs {
				cols[k][i] = words[v.ID]
			}
		}
		for k := range cols {
			loadCol(kp.Coef(k), cols[k])
		}
	}
	return kp, nil
}

// coefValues returns f's coef ops in block order: coef k is a kernel's
// coefficient column k (backend/fixedpoint's layout).
func coefValues(f *ir.Func) []*ir.Value {
	var out []*ir.Value
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ir.OpCoef {
				out = append(out, v)
			}
		}
	}
	return out
}

// stepRT is Step on the runtime engine: the runner's step, then the
// statistics, flags and records the interpreter keeps.
func (s *Net) stepRT() error {
	err := s.eng.r.Step()
	s.t = s.eng.r.T()
	t := s.t
	for k, np := range s.pops {
		np.list = s.eng.r.Spikes(k)
		np.count += int64(len(np.list))
		for _, i := range np.list {
			if l := np.last[i]; l != 0 {
				d := float64(int32(t) - l)
				np.isiN[i]++
				np.isiS[i] += d
				np.isiS2[i] += d * d
			}
			np.last[i] = int32(t)
		}
		for p := range np.sat {
			np.sat[p] = s.eng.r.Saturated(k, p)
		}
	}
	for _, r := range s.records {
		if rec := r.Rec; rec.Kind == ir.RecordState && t%rec.Every == 0 {
			k := s.popIdx[rec.Pop]
			if cols := s.eng.kstate[k]; cols != nil {
				for _, v := range rec.Vars {
					readCol(s.pops[k].bf.State[v][rec.Lo:rec.Hi], cols[v], rec.Lo, s.eng.umask[k][v])
				}
			}
		}
		s.record(r, t)
	}
	return err
}

// syncState copies state st of population p from its kernel into the
// BatchFixed columns StateWords returns.
func (s *Net) syncState(p, st int) {
	if s.eng != nil && s.eng.kstate[p] != nil {
		readCol(s.pops[p].bf.State[st], s.eng.kstate[p][st], 0, s.eng.umask[p][st])
	}
}

// batchPop runs a population's BatchFixed inside the runner (a model
// without a generated kernel).
type batchPop struct {
	bf   *BatchFixed
	init []*ir.PopInit
	spk  []uint64
	err  error
}

func (a *batchPop) Len() int         { return a.bf.N }
func (a *batchPop) Input(k int) any  { return a.bf.In[k] }
func (a *batchPop) Spikes() []uint64 { return a.spk }
func (a *batchPop) error() error     { return a.err }
func (a *batchPop) Range(lo, hi int) { // the whole population (Serial)
	a.err = a.bf.Step()
	packBits(a.spk, a.bf.Spike)
}

func (a *batchPop) reset() {
	a.bf.Reset()
	for _, in := range a.init {
		copy(a.bf.State[in.Index], in.Words)
	}
	clear(a.spk)
	a.err = nil
}

// layerPop runs an SC layer inside the runner.
type layerPop struct {
	l   *SCLayer
	n   int
	spk []uint64
}

func (a *layerPop) Len() int         { return a.n }
func (a *layerPop) Input(k int) any  { return nil }
func (a *layerPop) Spikes() []uint64 { return a.spk }
func (a *layerPop) Range(lo, hi int) {
	a.l.Step(false, true)
	clear(a.spk)
	for j := range a.n {
		if a.l.Spike(j) {
			a.spk[j/64] |= 1 << (j % 64)
		}
	}
}
func (a *layerPop) reset() { a.l.Step(true, false); clear(a.spk) }

func packBits(w []uint64, b []bool) {
	clear(w)
	for i, x := range b {
		if x {
			w[i/64] |= 1 << (i % 64)
		}
	}
}

// eventFunc returns a rule Func's event runner: its BatchFixed (nil
// scalar), or its Fixed one event at a time (a Func with assertions:
// errors name the event as the interpreter's do). nil when the rule has
// no such Func.
func eventFunc(m *Fixed, b *BatchFixed) rt.EventFunc {
	switch {
	case b != nil:
		return batchEvents{b}
	case m != nil:
		e := &scalarEvents{m: m, in: make([]int64, len(m.F.Inputs))}
		e.st = make([][]int64, len(m.F.States))
		for k := range e.st {
			e.st[k] = make([]int64, eventChunk)
		}
		e.ins = make([][]int64, len(m.F.Inputs))
		for k := range e.ins {
			e.ins[k] = make([]int64, eventChunk)
		}
		return e
	}
	return nil
}

type batchEvents struct{ b *BatchFixed }

func (e batchEvents) Buffers() (state, in [][]int64) { return e.b.State, e.b.In }
func (e batchEvents) Run(n int) error                { return e.b.stepN(n) }

type scalarEvents struct {
	m       *Fixed
	st, ins [][]int64
	in      []int64
}

func (e *scalarEvents) Buffers() (state, in [][]int64) { return e.st, e.ins }
func (e *scalarEvents) Run(n int) error {
	var err error
	for q := range n {
		for k := range e.st {
			e.m.State[k] = e.st[k][q]
		}
		for k := range e.ins {
			e.in[k] = e.ins[k][q]
		}
		if x := e.m.Step(e.in); x != nil && err == nil {
			err = x
		}
		for k := range e.st {
			e.st[k][q] = e.m.State[k]
		}
	}
	return err
}

// Column conversions between int64 words and a kernel's lane-typed
// columns.

func fillCol(col any, w int64) {
	switch c := col.(type) {
	case []int8:
		for i := range c {
			c[i] = int8(w)
		}
	case []int16:
		for i := range c {
			c[i] = int16(w)
		}
	case []int32:
		for i := range c {
			c[i] = int32(w)
		}
	case []int64:
		for i := range c {
			c[i] = w
		}
	default:
		panic(fmt.Sprintf("sim: kernel column of type %T", col))
	}
}

func loadCol(col any, src []int64) {
	switch c := col.(type) {
	case []int8:
		for i, w := range src {
			c[i] = int8(w)
		}
	case []int16:
		for i, w := range src {
			c[i] = int16(w)
		}
	case []int32:
		for i, w := range src {
			c[i] = int32(w)
		}
	case []int64:
		copy(c, src)
	default:
		panic(fmt.Sprintf("sim: kernel column of type %T", col))
	}
}

// readCol copies col[lo : lo+len(dst)] into dst, masked with umask when
// it is not 0 (an unsigned word as wide as its lane).
func readCol(dst []int64, col any, lo int, umask int64) {
	switch c := col.(type) {
	case []int8:
		for i := range dst {
			dst[i] = int64(c[lo+i])
		}
	case []int16:
		for i := range dst {
			dst[i] = int64(c[lo+i])
		}
	case []int32:
		for i := range dst {
			dst[i] = int64(c[lo+i])
		}
	case []int64:
		copy(dst, c[lo:])
	default:
		panic(fmt.Sprintf("sim: kernel column of type %T", col))
	}
	if umask != 0 {
		for i := range dst {
			dst[i] &= umask
		}
	}
}
