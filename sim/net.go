package sim

import (
	"fmt"
	"math"

	"scc/ir"
	rt "scc/runtime"
)

// maxPrealloc bounds the record buffers NewNet sizes from NetOptions.Steps
// (words per buffer).
const maxPrealloc = 1 << 24

// NetOptions tunes a network run.
type NetOptions struct {
	// Steps, when not 0, is the expected run length: record buffers are
	// sized for it up front so Step does not grow them.
	Steps int
	// Engine selects what Step runs (netrt.go): "" or "auto" runtime's
	// network runner when the net is bit-true and every neuron population
	// has a generated kernel, else the interpreter; "interp" the
	// interpreter; "runtime" the runner (bit-true nets only; populations
	// without a kernel run their batched interpreter inside it).
	Engine string
	// Workers is the runner's worker count (0: from the net's size and
	// GOMAXPROCS); ISA caps the kernels' paths ("": the best this CPU
	// runs; "portable", "avx2", "avx512": the fastest path at most that).
	Workers int
	ISA     string
}

// Net runs an ir.Net in its module's phase: float64 (weights W, values)
// for a real-phase module, bit-true (weights Words, raw state words, fixed
// arithmetic) for a fixed-phase one. Step is DESIGN §4.1 to the letter;
// see the package documentation for the choices §4.1 leaves open.
type Net struct {
	M     *ir.Module
	N     *ir.Net
	Phase ir.Phase
	// RingSize is the number of delay slots of every port: D_max + 1.
	RingSize int

	t       int
	pops    []*netPop
	projs   []*netProj
	drives  []*netDrive
	rules   []*netRule
	traces  []*netTrace
	records []*RecordData
	popIdx  map[string]int
	eng     *netEngine // the runtime engine (netrt.go); nil: the interpreter
}

type netPop struct {
	p    *ir.Pop
	fn   *ir.Func
	bf   *BatchFixed
	bl   *BatchFloat
	spk  []bool  // this step's spikes
	list []int32 // this step's spikes, ascending

	// Ports (neuron populations): accumulator rings and the drive term.
	acc    [][][]int64 // [port][slot][neuron]; nil: no projection into port
	accF   [][][]float64
	x      [][]int64 // [port][neuron]; nil: no drive on port
	xF     [][]float64
	lo, hi []int64 // port format bounds
	sat    []bool  // sticky per port

	// SC layers (extern populations).
	layer *SCLayer

	// Sources.
	seed   []uint32
	rng    []uint32
	cursor int

	// Statistics.
	count         int64
	last          []int32 // step of the last spike, 0: none
	isiN          []int32
	isiS, isiS2   []float64
	initW         []*ir.PopInit
	paramsApplied bool
}

type netProj struct {
	p          *ir.Proj
	pre, post  *netPop
	port       int
	rowStart   []int32 // CSR by pre neuron
	dst, delay []int32 // the ir.Proj's own (read only) when it is in pre order
	d0         int32   // the delay of every synapse; 0: delays differ
	w          []int64 // CSR order; plastic: syn[0]
	wf         []float64
	w0         []int64 // initial weights (plastic), CSR order
	wf0        []float64
	colStart   []int32 // plastic: synapses by post neuron (CSR positions)
	colSyn     []int32
	colPre     []int32 // plastic: the pre neuron of colSyn's synapse
	rule       *netRule
	syn        [][]int64 // plastic: [state][synapse], CSR order
	synF       [][]float64
	preTr      *netTrace // nil when the rule has no pre trace
	postTr     *netTrace
}

type netRule struct {
	r              *ir.Rule
	onPre, onPost  *Fixed
	onPreF, onPosF *Float
	inF            []float64
	in             []int64
	// Batched twins of the rule's Funcs (nil: the scalar ones run every
	// event; a Func with assertions keeps the scalar interpreter, whose
	// errors name the event): the events of one phase run eventChunk at
	// a time (netplastic.go).
	bPre, bPost   *BatchFixed
	bPreF, bPostF *BatchFloat
	ev            events // the chunk being loaded (reused)
}

// netTrace is one rule's trace on one population.
type netTrace struct {
	tr     *ir.Trace
	pop    *netPop
	x      []int64
	xf     []float64
	lo, hi int64
	frac   int
	pre    bool // a rule's pre trace (else its post trace)
}

type netDrive struct {
	d       *ir.Drive
	targets []driveTarget
	seed    []uint32 // poisson_sum: one stream per target neuron
	rng     []uint32
}

type driveTarget struct {
	pop    *netPop
	lo, hi int
	port   int
}

// SatFlag names a port whose accumulated input saturated in some step.
type SatFlag struct{ Pop, Port string }

// RecordData is what one ir.Record kept.
type RecordData struct {
	Rec *ir.Record
	// Spikes (RecordSpikes): every spike of the slice, by step then index.
	Spikes []ir.SpikeEvent
	// RecordState: the steps sampled and, per sample, for every neuron of
	// the slice (Lo..Hi-1) every state of Vars: sample k, neuron Lo+i,
	// var v at [k·(Hi-Lo)·len(Vars) + i·len(Vars) + v]. Words in the fixed
	// phase, Values in the real phase.
	Steps  []int
	Words  []int64
	Values []float64
	// RecordRate: spike count of the slice per bin of Every steps (the
	// last bin may be partial).
	Bins []int64
}

// NewNet prepares the net n of module m (which holds its Funcs) and resets
// it. m's phase selects the arithmetic. The Net reads n's synapse arrays
// in place (PostIdx, Delay, W or Words of a projection in pre order): n
// must not change while the Net runs.
func NewNet(m *ir.Module, n *ir.Net, opt NetOptions) (*Net, error) {
	s := &Net{M: m, N: n, Phase: m.Phase, popIdx: map[string]int{}}
	fixedPhase := m.Phase == ir.Fixed
	s.RingSize = 2
	for _, p := range n.Projs {
		s.RingSize = max(s.RingSize, p.MaxDelay()+1)
	}
	for i, p := range n.Pops {
		if _, dup := s.popIdx[p.Name]; dup {
			return nil, fmt.Errorf("%v: sim: duplicate population %q", p.Pos, p.Name)
		}
		s.popIdx[p.Name] = i
		np := &netPop{p: p, spk: make([]bool, p.Size), list: make([]int32, 0, p.Size),
			last: make([]int32, p.Size), isiN: make([]int32, p.Size),
			isiS: make([]float64, p.Size), isiS2: make([]float64, p.Size)}
		switch p.Kind {
		case ir.PopExtern:
			// An SC dense layer advances one clock cycle per network step
			// with start held high (so a run restarts as soon as one ends);
			// its neurons' spike bits are the population's spikes.
			if p.Layer == nil || p.Layer.Neurons != p.Size {
				return nil, fmt.Errorf("%v: sim: extern population %s has no layer of its size", p.Pos, p.Name)
			}
			l, err := NewSCLayer(p.Layer)
			if err != nil {
				return nil, err
			}
			np.layer = l
		case ir.PopSource:
			if p.Source == nil {
				return nil, fmt.Errorf("%v: sim: source population %s has no source", p.Pos, p.Name)
			}
			if p.Source.Kind == ir.SourcePoisson {
				np.seed = make([]uint32, p.Size)
				np.rng = make([]uint32, p.Size)
				for j := range np.seed {
					np.seed[j] = rt.StreamSeed(p.Source.Seed, p.Source.Stream, j)
				}
			}
			for k, e := range p.Source.Spikes {
				if e.Index < 0 || e.Index >= p.Size || e.Step < 1 {
					return nil, fmt.Errorf("%v: sim: source %s: spike (step %d, index %d) out of range", p.Pos, p.Name, e.Step, e.Index)
				}
				if k > 0 {
					if q := p.Source.Spikes[k-1]; q.Step > e.Step || q.Step == e.Step && q.Index >= e.Index {
						return nil, fmt.Errorf("%v: sim: source %s: spikes not sorted by (step, index) or repeated at (step %d, index %d)", p.Pos, p.Name, e.Step, e.Index)
					}
				}
			}
		case ir.PopNeuron:
			if err := s.newNeuronPop(np, fixedPhase); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%v: sim: population %s has unknown kind %d", p.Pos, p.Name, p.Kind)
		}
		s.pops = append(s.pops, np)
	}
	for _, r := range n.Rules {
		nr, err := s.newRule(r, fixedPhase)
		if err != nil {
			return nil, err
		}
		s.rules = append(s.rules, nr)
	}
	for _, p := range n.Projs {
		if err := s.newProj(p, fixedPhase); err != nil {
			return nil, err
		}
	}
	for _, d := range n.Drives {
		if err := s.newDrive(d, fixedPhase); err != nil {
			return nil, err
		}
	}
	for _, r := range n.Records {
		if err := s.newRecord(r, opt); err != nil {
			return nil, err
		}
	}
	if err := s.useEngine(opt); err != nil {
		return nil, err
	}
	s.Reset()
	return s, nil
}

func (s *Net) pop(name string) *netPop {
	if i, ok := s.popIdx[name]; ok {
		return s.pops[i]
	}
	return nil
}

func (s *Net) newNeuronPop(np *netPop, fixedPhase bool) error {
	p := np.p
	f := s.M.Func(p.Func)
	if f == nil {
		return fmt.Errorf("%v: sim: population %s runs %q, which the module does not define", p.Pos, p.Name, p.Func)
	}
	np.fn = f
	var err error
	if fixedPhase {
		if np.bf, err = NewBatchFixed(f, p.Size); err != nil {
			return err
		}
		np.spk = np.bf.Spike
	} else {
		if np.bl, err = NewBatchFloat(f, p.Size); err != nil {
			return err
		}
		np.spk = np.bl.Spike
	}
	np.acc = make([][][]int64, len(f.Inputs))
	np.accF = make([][][]float64, len(f.Inputs))
	np.x = make([][]int64, len(f.Inputs))
	np.xF = make([][]float64, len(f.Inputs))
	np.sat = make([]bool, len(f.Inputs))
	for _, in := range f.Inputs {
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		if fixedPhase {
			if in.Type.Kind != ir.KFixed {
				return fmt.Errorf("%v: sim: population %s: input %s of %s has type %v; a network port needs a fixed-point format", p.Pos, p.Name, in.Name, f.Name, in.Type)
			}
			lo, hi = in.Type.Fmt.Min(), in.Type.Fmt.Max()
		}
		np.lo = append(np.lo, lo)
		np.hi = append(np.hi, hi)
	}
	// Per-neuron parameters (§4.1 rule 8).
	for _, pp := range p.Params {
		if pp.Index < 0 || pp.Index >= len(f.Params) || len(pp.Values) != p.Size {
			return fmt.Errorf("%v: sim: population %s: bad per-neuron parameter (index %d, %d values for %d neurons)", p.Pos, p.Name, pp.Index, len(pp.Values), p.Size)
		}
	}
	if len(p.Params) > 0 {
		if fixedPhase {
			if !f.Generic() {
				return fmt.Errorf("%v: sim: population %s has per-neuron parameters but %s is not a generic module", p.Pos, p.Name, f.Name)
			}
			vals := f.ParamDefaults()
			for i := 0; i < p.Size; i++ {
				for _, pp := range p.Params {
					vals[pp.Index] = pp.Values[i]
				}
				if err := np.bf.SetParams(i, vals); err != nil {
					return fmt.Errorf("%v: sim: population %s neuron %d: %v", p.Pos, p.Name, i, err)
				}
			}
		} else {
			for _, pp := range p.Params {
				for i, x := range pp.Values {
					np.bl.SetParam(i, pp.Index, x)
				}
			}
		}
	}
	for _, in := range p.Init {
		if in.Index < 0 || in.Index >= len(f.States) {
			return fmt.Errorf("%v: sim: population %s: initial value of state %d, which %s does not have", p.Pos, p.Name, in.Index, f.Name)
		}
		if fixedPhase && len(in.Words) != p.Size || !fixedPhase && len(in.Values) != p.Size {
			return fmt.Errorf("%v: sim: population %s: initial values of %s: want %d", p.Pos, p.Name, f.States[in.Index].Name, p.Size)
		}
	}
	np.initW = p.Init
	return nil
}

func (s *Net) newRule(r *ir.Rule, fixedPhase bool) (*netRule, error) {
	nr := &netRule{r: r, in: make([]int64, 2), inF: make([]float64, 2)}
	for k, name := range []string{r.OnPre, r.OnPost} {
		if name == "" {
			continue
		}
		f := s.M.Func(name)
		if f == nil {
			return nil, fmt.Errorf("%v: sim: rule %s: the module defines no func %q", r.Pos, r.Name, name)
		}
		if len(f.States) == 0 {
			return nil, fmt.Errorf("%v: sim: rule %s: %s has no synapse state (w first)", r.Pos, r.Name, name)
		}
		if len(f.Inputs) > 2 {
			return nil, fmt.Errorf("%v: sim: rule %s: %s has %d inputs; want the pre and post traces", r.Pos, r.Name, name, len(f.Inputs))
		}
		if fixedPhase {
			for i, in := range f.Inputs {
				tr := r.Pre
				if i == 1 {
					tr = r.Post
				}
				if tr != nil && in.Type != tr.Fmt {
					return nil, fmt.Errorf("%v: sim: rule %s: input %s of %s has type %v, but its trace %s is %v", r.Pos, r.Name, in.Name, name, in.Type, tr.Name, tr.Fmt)
				}
			}
			m, err := NewFixed(f)
			if err != nil {
				return nil, err
			}
			var b *BatchFixed
			if !hasAssert(f) {
				b, _ = NewBatchFixed(f, eventChunk) // nil on error: the scalar path
			}
			if k == 0 {
				nr.onPre, nr.bPre = m, b
			} else {
				nr.onPost, nr.bPost = m, b
			}
		} else {
			m, err := NewFloat(f)
			if err != nil {
				return nil, err
			}
			var b *BatchFloat
			if !hasAssert(f) {
				b, _ = NewBatchFloat(f, eventChunk)
			}
			if k == 0 {
				nr.onPreF, nr.bPreF = m, b
			} else {
				nr.onPosF, nr.bPostF = m, b
			}
		}
	}
	if fixedPhase {
		for _, tr := range []*ir.Trace{r.Pre, r.Post} {
			if tr != nil && (tr.Fmt.Kind != ir.KFixed || tr.DecayFmt.Kind != ir.KFixed) {
				return nil, fmt.Errorf("%v: sim: rule %s: trace %s has no fixed-point format", r.Pos, r.Name, tr.Name)
			}
		}
	}
	return nr, nil
}

// ruleFuncs returns the Funcs of a rule (OnPre first), skipping missing ones.
func (s *Net) ruleFuncs(r *ir.Rule) []*ir.Func {
	var fs []*ir.Func
	for _, name := range []string{r.OnPre, r.OnPost} {
		if f := s.M.Func(name); f != nil {
			fs = append(fs, f)
		}
	}
	return fs
}

func (s *Net) trace(tr *ir.Trace, np *netPop, pre, fixedPhase bool) *netTrace {
	if tr == nil {
		return nil
	}
	for _, x := range s.traces {
		if x.tr == tr && x.pop == np {
			return x
		}
	}
	x := &netTrace{tr: tr, pop: np, pre: pre}
	if fixedPhase {
		x.x = make([]int64, np.p.Size)
		x.lo, x.hi = tr.Fmt.Fmt.Min(), tr.Fmt.Fmt.Max()
		x.frac = tr.DecayFmt.Fmt.Frac
	} else {
		x.xf = make([]float64, np.p.Size)
	}
	s.traces = append(s.traces, x)
	return x
}

func (s *Net) newProj(p *ir.Proj, fixedPhase bool) error {
	pre, post := s.pop(p.Pre), s.pop(p.Post)
	if pre == nil || post == nil {
		return fmt.Errorf("%v: sim: projection %s: unknown population %q or %q", p.Pos, p.Name, p.Pre, p.Post)
	}
	if post.p.Kind != ir.PopNeuron {
		return fmt.Errorf("%v: sim: projection %s targets %s, which has no input ports", p.Pos, p.Name, p.Post)
	}
	if p.Port < 0 || p.Port >= len(post.fn.Inputs) {
		return fmt.Errorf("%v: sim: projection %s: %s has no input %d", p.Pos, p.Name, post.fn.Name, p.Port)
	}
	ns := p.Synapses()
	if len(p.PostIdx) != ns || len(p.Delay) != ns || (fixedPhase && len(p.Words) != ns) || (!fixedPhase && len(p.W) != ns) {
		return fmt.Errorf("%v: sim: projection %s: synapse arrays of unequal length", p.Pos, p.Name)
	}
	np := &netProj{p: p, pre: pre, post: post, port: p.Port}
	// CSR by pre neuron (a counting sort, stable: synapse order within a
	// row is kept; it does not matter for the result, §4.1 rule 2). The
	// synapses of an instance from irgen are in pre order already: then
	// the CSR arrays are the Proj's own (no copy).
	np.rowStart = make([]int32, pre.p.Size+1)
	sorted := true
	if ns > 0 {
		np.d0 = p.Delay[0]
	}
	for k := range ns {
		j, i, d := p.PreIdx[k], p.PostIdx[k], p.Delay[k]
		if j < 0 || int(j) >= pre.p.Size || i < 0 || int(i) >= post.p.Size {
			return fmt.Errorf("%v: sim: projection %s: synapse %d (%d → %d) out of range", p.Pos, p.Name, k, j, i)
		}
		if d < 1 {
			return fmt.Errorf("%v: sim: projection %s: synapse %d has delay %d (want ≥ 1 step)", p.Pos, p.Name, k, d)
		}
		np.rowStart[j+1]++
		sorted = sorted && (k == 0 || p.PreIdx[k-1] <= j)
		if d != np.d0 {
			np.d0 = 0
		}
	}
	for j := range pre.p.Size {
		np.rowStart[j+1] += np.rowStart[j]
	}
	if fixedPhase {
		lo, hi := post.lo[p.Port], post.hi[p.Port]
		for k, w := range p.Words {
			if w < lo || w > hi {
				return fmt.Errorf("%v: sim: projection %s: weight word %d of synapse %d does not fit the port format %v", p.Pos, p.Name, w, k, post.fn.Inputs[p.Port].Type)
			}
		}
	}
	if sorted {
		np.dst, np.delay = p.PostIdx[:ns:ns], p.Delay[:ns:ns]
		if fixedPhase {
			np.w = p.Words[:ns:ns]
		} else {
			np.wf = p.W[:ns:ns]
		}
	} else {
		pos := make([]int32, ns) // synapse k's CSR position
		next := append([]int32(nil), np.rowStart[:pre.p.Size]...)
		for k := range ns {
			j := p.PreIdx[k]
			pos[k] = next[j]
			next[j]++
		}
		np.dst = make([]int32, ns)
		np.delay = make([]int32, ns)
		for k := range ns {
			np.dst[pos[k]] = p.PostIdx[k]
			np.delay[pos[k]] = p.Delay[k]
		}
		if fixedPhase {
			np.w = make([]int64, ns)
			for k := range ns {
				np.w[pos[k]] = p.Words[k]
			}
		} else {
			np.wf = make([]float64, ns)
			for k := range ns {
				np.wf[pos[k]] = p.W[k]
			}
		}
	}
	if post.acc[p.Port] == nil && post.accF[p.Port] == nil {
		for range s.RingSize {
			if fixedPhase {
				post.acc[p.Port] = append(post.acc[p.Port], make([]int64, post.p.Size))
			} else {
				post.accF[p.Port] = append(post.accF[p.Port], make([]float64, post.p.Size))
			}
		}
	}
	if p.Rule != "" {
		if err := s.plastic(np, fixedPhase); err != nil {
			return err
		}
	}
	s.projs = append(s.projs, np)
	return nil
}

// plastic gives a projection its rule: per-synapse state (w first, in
// the fixed phase the Words entry, whose format must be the rule state's),
// the by-post index and the traces.
func (s *Net) plastic(np *netProj, fixedPhase bool) error {
	p := np.p
	for _, r := range s.rules {
		if r.r.Name == p.Rule {
			np.rule = r
		}
	}
	if np.rule == nil {
		return fmt.Errorf("%v: sim: projection %s uses rule %q, which the net does not define", p.Pos, p.Name, p.Rule)
	}
	fs := s.ruleFuncs(np.rule.r)
	if len(fs) == 0 {
		return fmt.Errorf("%v: sim: rule %s has neither on pre nor on post", np.rule.r.Pos, np.rule.r.Name)
	}
	f := fs[0]
	for _, g := range fs[1:] {
		if len(g.States) != len(f.States) {
			return fmt.Errorf("%v: sim: rule %s: %s and %s have different synapse states", np.rule.r.Pos, np.rule.r.Name, f.Name, g.Name)
		}
		for k := range f.States {
			if f.States[k].Type != g.States[k].Type {
				return fmt.Errorf("%v: sim: rule %s: state %d of %s and %s differ in type", np.rule.r.Pos, np.rule.r.Name, k, f.Name, g.Name)
			}
		}
	}
	portT := np.post.fn.Inputs[p.Port].Type
	if fixedPhase && f.States[0].Type != portT {
		return fmt.Errorf("%v: sim: projection %s: the plastic weight %s of rule %s is %v, but port %s is %v (they must be equal: the weight is the synapse's word)", p.Pos, p.Name, f.States[0].Name, np.rule.r.Name, f.States[0].Type, np.post.fn.Inputs[p.Port].Name, portT)
	}
	ns := p.Synapses()
	if fixedPhase {
		np.w0 = np.w
		np.syn = make([][]int64, len(f.States))
		for k := range f.States {
			np.syn[k] = make([]int64, ns)
		}
		np.w = np.syn[0]
	} else {
		np.wf0 = np.wf
		np.synF = make([][]float64, len(f.States))
		for k := range f.States {
			np.synF[k] = make([]float64, ns)
		}
		np.wf = np.synF[0]
	}
	size := np.post.p.Size
	np.colStart = make([]int32, size+1)
	for _, i := range np.dst {
		np.colStart[i+1]++
	}
	for i := range size {
		np.colStart[i+1] += np.colStart[i]
	}
	np.colSyn = make([]int32, ns)
	np.colPre = make([]int32, ns)
	next := append([]int32(nil), np.colStart[:size]...)
	for j := range np.pre.p.Size { // ascending CSR position within a column
		for k := np.rowStart[j]; k < np.rowStart[j+1]; k++ {
			i := np.dst[k]
			np.colSyn[next[i]], np.colPre[next[i]] = k, int32(j)
			next[i]++
		}
	}
	np.preTr = s.trace(np.rule.r.Pre, np.pre, true, fixedPhase)
	np.postTr = s.trace(np.rule.r.Post, np.post, false, fixedPhase)
	return nil
}

func (s *Net) newDrive(d *ir.Drive, fixedPhase bool) error {
	nd := &netDrive{d: d}
	var fmt0 ir.Type
	total := 0
	for ti, tg := range d.Targets {
		np := s.pop(tg.Pop)
		if np == nil || np.p.Kind != ir.PopNeuron {
			return fmt.Errorf("%v: sim: drive %s targets %q, which is not a neuron population", d.Pos, d.Name, tg.Pop)
		}
		if tg.Port < 0 || tg.Port >= len(np.fn.Inputs) || tg.Lo < 0 || tg.Hi > np.p.Size || tg.Lo > tg.Hi {
			return fmt.Errorf("%v: sim: drive %s: bad target %s[%d:%d] port %d", d.Pos, d.Name, tg.Pop, tg.Lo, tg.Hi, tg.Port)
		}
		t := np.fn.Inputs[tg.Port].Type
		if ti == 0 {
			fmt0 = t
		} else if fixedPhase && t != fmt0 {
			return fmt.Errorf("%v: sim: drive %s: its targets' ports differ in format (%v, %v)", d.Pos, d.Name, fmt0, t)
		}
		if fixedPhase && np.x[tg.Port] == nil {
			np.x[tg.Port] = make([]int64, np.p.Size)
		}
		if !fixedPhase && np.xF[tg.Port] == nil {
			np.xF[tg.Port] = make([]float64, np.p.Size)
		}
		nd.targets = append(nd.targets, driveTarget{pop: np, lo: tg.Lo, hi: tg.Hi, port: tg.Port})
		total += tg.Hi - tg.Lo
	}
	switch d.Kind {
	case ir.DriveCurrent:
	case ir.DrivePoissonSum:
		for k := 1; k < len(d.Table); k++ {
			if d.Table[k] < d.Table[k-1] {
				return fmt.Errorf("%v: sim: drive %s: its Poisson table is not ascending", d.Pos, d.Name)
			}
		}
		nd.seed = make([]uint32, total)
		nd.rng = make([]uint32, total)
		for k := range nd.seed {
			nd.seed[k] = rt.StreamSeed(d.Seed, d.Stream, k)
		}
	default:
		return fmt.Errorf("%v: sim: drive %s has unknown kind %d", d.Pos, d.Name, d.Kind)
	}
	s.drives = append(s.drives, nd)
	return nil
}

func (s *Net) newRecord(r *ir.Record, opt NetOptions) error {
	np := s.pop(r.Pop)
	if np == nil || r.Lo < 0 || r.Hi > np.p.Size || r.Lo > r.Hi {
		return fmt.Errorf("%v: sim: record of %s[%d:%d]: no such slice", r.Pos, r.Pop, r.Lo, r.Hi)
	}
	if r.Every < 1 && r.Kind != ir.RecordSpikes {
		return fmt.Errorf("%v: sim: record of %s: every %d steps", r.Pos, r.Pop, r.Every)
	}
	rd := &RecordData{Rec: r}
	switch r.Kind {
	case ir.RecordState:
		if np.fn == nil {
			return fmt.Errorf("%v: sim: record of %s: a source has no states", r.Pos, r.Pop)
		}
		for _, v := range r.Vars {
			if v < 0 || v >= len(np.fn.States) {
				return fmt.Errorf("%v: sim: record of %s: %s has no state %d", r.Pos, r.Pop, np.fn.Name, v)
			}
		}
		if opt.Steps > 0 {
			// Sized up front for the run, within reason: a longer run's
			// buffers grow as it goes.
			n := min(opt.Steps/r.Every*(r.Hi-r.Lo)*len(r.Vars), maxPrealloc)
			if s.Phase == ir.Fixed {
				rd.Words = make([]int64, 0, n)
			} else {
				rd.Values = make([]float64, 0, n)
			}
			rd.Steps = make([]int, 0, min(opt.Steps/r.Every, maxPrealloc))
		}
	case ir.RecordRate:
		if opt.Steps > 0 {
			rd.Bins = make([]int64, 0, min(opt.Steps/r.Every+1, maxPrealloc))
		}
	case ir.RecordSpikes:
	default:
		return fmt.Errorf("%v: sim: record of %s has unknown kind %d", r.Pos, r.Pop, r.Kind)
	}
	s.records = append(s.records, rd)
	return nil
}

// Reset returns the net to t = 0: initial states (per-neuron ones
// included), plastic weights and traces reloaded, rings and drive terms
// cleared, RNG streams reseeded, statistics, sticky flags and records
// cleared.
func (s *Net) Reset() {
	s.t = 0
	for _, np := range s.pops {
		switch {
		case np.bf != nil:
			np.bf.Reset()
			for _, in := range np.initW {
				copy(np.bf.State[in.Index], in.Words)
			}
		case np.bl != nil:
			np.bl.Reset()
			for _, in := range np.initW {
				copy(np.bl.State[in.Index], in.Values)
			}
		}
		clear(np.spk)
		np.list = np.list[:0]
		for _, r := range np.acc {
			for _, a := range r {
				clear(a)
			}
		}
		for _, r := range np.accF {
			for _, a := range r {
				clear(a)
			}
		}
		for _, x := range np.x {
			clear(x)
		}
		for _, x := range np.xF {
			clear(x)
		}
		clear(np.sat)
		copy(np.rng, np.seed)
		np.cursor = 0
		if np.layer != nil {
			np.layer.Step(true, false) // rst_n low over one edge: the reset state
		}
		np.count = 0
		clear(np.last)
		clear(np.isiN)
		clear(np.isiS)
		clear(np.isiS2)
	}
	for _, p := range s.projs {
		if p.rule == nil {
			continue
		}
		fs := s.ruleFuncs(p.rule.r)
		if s.Phase == ir.Fixed {
			copy(p.syn[0], p.w0)
			for k := 1; k < len(p.syn); k++ {
				for i := range p.syn[k] {
					p.syn[k][i] = fs[0].States[k].InitRaw
				}
			}
		} else {
			copy(p.synF[0], p.wf0)
			for k := 1; k < len(p.synF); k++ {
				for i := range p.synF[k] {
					p.synF[k][i] = fs[0].States[k].Init
				}
			}
		}
	}
	for _, x := range s.traces {
		clear(x.x)
		clear(x.xf)
	}
	for _, d := range s.drives {
		copy(d.rng, d.seed)
	}
	for _, r := range s.records {
		r.Spikes = r.Spikes[:0]
		r.Steps = r.Steps[:0]
		r.Words = r.Words[:0]
		r.Values = r.Values[:0]
		r.Bins = r.Bins[:0]
	}
	if s.eng != nil {
		s.eng.r.Reset()
	}
}

// T returns the number of the last step taken (0 after Reset).
func (s *Net) T() int { return s.t }

// Run takes steps steps, stopping at the first error.
func (s *Net) Run(steps int) error {
	for range steps {
		if err := s.Step(); err != nil {
			return err
		}
	}
	return nil
}

// Step advances the net one step, t → t+1, in the five phases of §4.1
// rule 1. An assertion that fails in a neuron is returned (the step is
// complete nonetheless).
func (s *Net) Step() error {
	if s.eng != nil {
		return s.stepRT()
	}
	s.t++
	t := s.t
	slot := t % s.RingSize
	s.drive(t)
	// 1. Gather.
	for _, np := range s.pops {
		if np.fn == nil {
			continue
		}
		if s.Phase == ir.Fixed {
			for p := range np.fn.Inputs {
				in := np.bf.In[p]
				var a, x []int64
				if np.acc[p] != nil {
					a = np.acc[p][slot]
				}
				x = np.x[p]
				if gatherFixed(in, a, x, np.lo[p], np.hi[p]) {
					np.sat[p] = true
				}
			}
		} else {
			for p := range np.fn.Inputs {
				in := np.bl.In[p]
				clear(in)
				if np.accF[p] != nil {
					a := np.accF[p][slot]
					for i, v := range a {
						in[i] = v
					}
					clear(a)
				}
				if x := np.xF[p]; x != nil {
					for i, v := range x {
						in[i] += v
					}
					clear(x)
				}
			}
		}
	}
	// 2. Update.
	var err error
	for _, np := range s.pops {
		np.list = np.list[:0]
		var e error
		switch {
		case np.bf != nil:
			e = np.bf.Step()
		case np.bl != nil:
			e = np.bl.Step()
		case np.layer != nil:
			np.layer.Step(false, true)
			for j := range np.spk {
				np.spk[j] = np.layer.Spike(j)
			}
		default:
			s.source(np, t)
		}
		if e != nil && err == nil {
			err = fmt.Errorf("population %s: %w", np.p.Name, e)
		}
		for i, b := range np.spk {
			if b {
				np.list = append(np.list, int32(i))
			}
		}
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
	}
	// 3. Plasticity.
	if len(s.traces) > 0 || len(s.rules) > 0 {
		if e := s.plasticity(); e != nil && err == nil {
			err = e
		}
	}
	// 4. Propagate.
	for _, p := range s.projs {
		if p.d0 > 0 { // one delay: one ring slot for the whole projection
			sl := slot + int(p.d0)
			if sl >= s.RingSize {
				sl -= s.RingSize
			}
			if s.Phase == ir.Fixed {
				propagate(p.post.acc[p.port][sl], p.pre.list, p.rowStart, p.dst, p.w)
			} else {
				propagate(p.post.accF[p.port][sl], p.pre.list, p.rowStart, p.dst, p.wf)
			}
			continue
		}
		if s.Phase == ir.Fixed {
			ring := p.post.acc[p.port]
			for _, j := range p.pre.list {
				for k := p.rowStart[j]; k < p.rowStart[j+1]; k++ {
					sl := slot + int(p.delay[k])
					if sl >= s.RingSize {
						sl -= s.RingSize
					}
					ring[sl][p.dst[k]] += p.w[k]
				}
			}
		} else {
			ring := p.post.accF[p.port]
			for _, j := range p.pre.list {
				for k := p.rowStart[j]; k < p.rowStart[j+1]; k++ {
					sl := slot + int(p.delay[k])
					if sl >= s.RingSize {
						sl -= s.RingSize
					}
					ring[sl][p.dst[k]] += p.wf[k]
				}
			}
		}
	}
	// 5. Record.
	for _, r := range s.records {
		s.record(r, t)
	}
	return err
}

// propagate adds the weights w of the CSR rows of the spiking pre neurons
// in list to their targets' accumulators a.
func propagate[T int64 | float64](a []T, list, rowStart, dst []int32, w []T) {
	for _, j := range list {
		lo, hi := rowStart[j], rowStart[j+1]
		ws := w[lo:hi]
		for q, i := range dst[lo:hi] {
			a[i] += ws[q]
		}
	}
}

// gatherFixed computes in = sat(A + X) for one port: A and X are words of
// the port's format (weights and drive words are encoded in it), so the
// cast of §4.1 drops no fraction bit and reduces to the saturation. The
// slot and the drive term are cleared. It reports whether any sum
// saturated.
func gatherFixed(in, a, x []int64, lo, hi int64) bool {
	sat := false
	switch {
	case a != nil && x != nil:
		a, x = a[:len(in)], x[:len(in)]
		for i := range in {
			v := a[i] + x[i]
			if v < lo || v > hi {
				sat = true
				v = min(max(v, lo), hi)
			}
			in[i] = v
		}
		clear(a)
		clear(x)
	case a != nil:
		a = a[:len(in)]
		for i := range in {
			v := a[i]
			if v < lo || v > hi {
				sat = true
				v = min(max(v, lo), hi)
			}
			in[i] = v
		}
		clear(a)
	case x != nil:
		x = x[:len(in)]
		for i := range in {
			v := x[i]
			if v < lo || v > hi {
				sat = true
				v = min(max(v, lo), hi)
			}
			in[i] = v
		}
		clear(x)
	default:
		clear(in)
	}
	return sat
}

// drive adds every drive's term of step t to X.
func (s *Net) drive(t int) {
	fixedPhase := s.Phase == ir.Fixed
	for _, d := range s.drives {
		k := 0
		switch d.d.Kind {
		case ir.DriveCurrent:
			w, v := d.d.ValueWord, d.d.Value
			if d.d.Words != nil || d.d.Values != nil {
				w, v = 0, 0
				if t-1 < len(d.d.Words) {
					w = d.d.Words[t-1]
				}
				if t-1 < len(d.d.Values) {
					v = d.d.Values[t-1]
				}
			}
			for _, tg := range d.targets {
				if fixedPhase {
					x := tg.pop.x[tg.port][tg.lo:tg.hi]
					for i := range x {
						x[i] += w
					}
				} else {
					x := tg.pop.xF[tg.port][tg.lo:tg.hi]
					for i := range x {
						x[i] += v
					}
				}
			}
		case ir.DrivePoissonSum:
			tab := d.d.Table
			for _, tg := range d.targets {
				for i := tg.lo; i < tg.hi; i++ {
					u := rt.Xorshift32(d.rng[k])
					d.rng[k] = u
					k++
					c := poissonCount(tab, u)
					if fixedPhase {
						tg.pop.x[tg.port][i] += int64(c) * d.d.WWord
					} else {
						tg.pop.xF[tg.port][i] += float64(c) * d.d.W
					}
				}
			}
		}
	}
}

// poissonCount is #{k : u ≥ tab[k]} for an ascending table.
func poissonCount(tab []uint32, u uint32) int {
	lo, hi := 0, len(tab) // first index with tab[k] > u
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if tab[m] <= u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// source sets the spikes of a source population for step t.
func (s *Net) source(np *netPop, t int) {
	src := np.p.Source
	clear(np.spk)
	switch src.Kind {
	case ir.SourcePoisson:
		active := t >= src.Start && (src.Stop == 0 || t < src.Stop)
		th := src.Threshold
		for j, x := range np.rng {
			x = rt.Xorshift32(x) // advanced every step, active or not
			np.rng[j] = x
			np.spk[j] = active && x < th
		}
	case ir.SourceSpikes:
		ev := src.Spikes
		for np.cursor < len(ev) && ev[np.cursor].Step < t {
			np.cursor++
		}
		for np.cursor < len(ev) && ev[np.cursor].Step == t {
			np.spk[ev[np.cursor].Index] = true
			np.cursor++
		}
	}
}

func (s *Net) record(r *RecordData, t int) {
	rec := r.Rec
	np := s.pop(rec.Pop)
	switch rec.Kind {
	case ir.RecordSpikes:
		for _, i := range np.list {
			if int(i) >= rec.Lo && int(i) < rec.Hi {
				r.Spikes = append(r.Spikes, ir.SpikeEvent{Step: t, Index: int(i)})
			}
		}
	case ir.RecordState:
		if t%rec.Every != 0 {
			return
		}
		r.Steps = append(r.Steps, t)
		for i := rec.Lo; i < rec.Hi; i++ {
			for _, v := range rec.Vars {
				if np.bf != nil {
					r.Words = append(r.Words, np.bf.State[v][i])
				} else {
					r.Values = append(r.Values, np.bl.State[v][i])
				}
			}
		}
	case ir.RecordRate:
		if (t-1)%rec.Every == 0 {
			r.Bins = append(r.Bins, 0)
		}
		n := int64(0)
		for _, i := range np.list {
			if int(i) >= rec.Lo && int(i) < rec.Hi {
				n++
			}
		}
		r.Bins[len(r.Bins)-1] += n
	}
}
