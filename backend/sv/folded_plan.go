package sv

import (
	"fmt"
	"math/bits"
	"slices"

	"scc/ir"
)

// The folded architecture's layout of one network (DESIGN §4.2), computed
// once from (m, n, opt) and read by the emitter (folded_emit.go),
// EstimateNet and the schedule model (folded_sched.go).
//
// Lanes: P = opt.Lanes, a power of two. Neuron i of a population lives in
// bank i mod P at address i / P of every per-neuron memory (state, coef,
// accumulator, RNG), so P lanes read and write P neurons per cycle; i is
// the concatenation {address, lane}.

// fplan is the folded layout of a network.
type fplan struct {
	m      *ir.Module
	n      *ir.Net
	hw     ir.NetHW
	lanes  int // P
	lb     int // log2 P
	mutate Mutation
	pops   []*fpop
	projs  []*fproj
	drives []*fdrive
	recs   []*frec // state records
	traces []*ftrace
	nbMax  int // largest bank depth (update sweep length)
	initN  int // init sweep length
}

// Population kinds of the folded architecture.
const (
	fNeuron = iota
	fPoisson
	fSpikes
)

// fpop is one population's core.
type fpop struct {
	idx  int
	p    *ir.Pop
	kind int
	f    *ir.Func // neuron populations
	pre  string   // RTL name prefix
	size int
	nb   int // words per bank: ⌈N/P⌉
	ab   int // address bits of a bank
	iw   int // neuron index bits: ab + lb
	// State word (neuron): state s in bits [stOff[s], stOff[s]+width).
	stW   int
	stOff []int
	// initWords[s] holds per-neuron initial words of state s (nil: the
	// Func's InitRaw in every neuron).
	initWords [][]int64
	// Coefficients (generic Funcs): coef k in bits [cfOff[k], ...) of the
	// coef word; cfWords[i][k] is neuron i's word; cfUniform when every
	// neuron has the same words (constants, no memory).
	coefs     []*ir.Value
	cfW       int
	cfOff     []int
	cfWords   [][]int64
	cfUniform bool
	// Ports (neuron).
	ports []*fport
	// Accumulator ring: ring slots (D_max over the projections into the
	// population; 0 without any), words of accW bits holding every port
	// with projections.
	ring int
	accW int
	aw   int // accumulator address bits (ring·nb words per bank)
	// Poisson source.
	seeds []uint32
	// The first bit of the population's ports in sat_q.
	satBase int
}

// fport is one input port of a neuron population.
type fport struct {
	t        ir.Type
	w        int
	signed   bool
	min, max int64
	// acc: the port has projections; its accumulator field is
	// [accOff, accOff+accW) of the accumulator word (signed).
	acc          bool
	accW, accOff int
	sumW         int // width of A + X (signed)
	terms        []*fterm
}

// fterm is one drive target on a port.
type fterm struct {
	d      *fdrive
	tgt    int // index into d.d.Targets
	lo, hi int
}

// fdrive is one drive.
type fdrive struct {
	idx int
	d   *ir.Drive
	pre string
	w   int // the targets' port width
	// poisson_sum: one RNG memory per target (on the target population's
	// banks, addressed like its neurons); seeds[tgt][i - lo].
	seeds [][]uint32
}

// Procedural row shapes.
const (
	procAllToAll = iota // every pre of [preLo, preHi) reaches every post of [postLo, postHi)
	procOneToOne        // pre preLo+k reaches post postLo+k
)

// fproj is one projection's synapse memory.
type fproj struct {
	idx       int
	p         *ir.Proj
	pre, post *fpop
	port      int
	pfx       string
	kind      Storage // resolved: dense, csr or procedural
	// Weights and delays: constant (w0, d0) when wConst, dConst;
	// otherwise stored with ww (the port width) and dw bits.
	wConst, dConst bool
	w0             int64
	d0             int
	ww, dw         int
	// CSR: rows sorted by (pre, post); gap coding with gb bits: an entry
	// advances the post cursor by its gap and is a synapse, except the
	// escape gap 2^gb-1, which only advances.
	gb      int
	entries int // CSR entries (synapses plus escapes)
	// Packing: pk entries per memory word (entry k in word k/pk, bits
	// [(k%pk)·entryW, ...)); CSR pointers (row pointers, rp) are coded
	// {k/pk, k%pk} with the slot in the low sb bits (sb = 0 when pk = 1).
	pk, sb int
	rowLen []int // CSR entries per pre row (emitter only)
	rpW    int   // row pointer bits
	// Procedural.
	proc                         int
	preLo, preHi, postLo, postHi int
	delayMut                     bool // MutateDelaySlot lands this projection one slot late
	rowMut                       int  // MutateCSRRow: the row whose pointer is off by one (-1: none)
	rule                         *frule
}

// frec is one state record (probe stream).
type frec struct {
	r      *ir.Record
	pop    *fpop
	lo, hi int
	vars   []int
	every  int
}

// entryW returns the width of one synapse word of p.
func (p *fproj) entryW() int {
	switch p.kind {
	case StorageCSR:
		return p.gb + p.ww + p.dw
	case StorageDense:
		w := p.ww
		if p.wConst {
			w = 1 // a bitmask
		}
		return w + p.dw
	}
	return 0
}

// ptr returns the pointer code of CSR entry k: {k/pk, k%pk}.
func (p *fproj) ptr(k int) int {
	if p.pk <= 1 {
		return k
	}
	return k/p.pk<<p.sb | k%p.pk
}

// synWords returns the words of p's CSR entry memory (at least 1).
func (p *fproj) synWords() int { return max((p.entries+max(p.pk, 1)-1)/max(p.pk, 1), 1) }

// synBits returns the memory bits of p's synapses in storage kind k.
func (p *fproj) memBits() int64 {
	switch p.kind {
	case StorageCSR:
		return int64(p.synWords())*int64(p.pk*p.entryW()) + int64(p.pre.size+1)*int64(p.rpW)
	case StorageDense:
		return int64(p.pre.size) * int64(p.post.size) * int64(p.entryW())
	}
	return 0
}

// newPlan lays n out for the folded architecture. full also computes
// what only the emitter needs (per-neuron coefficient words, CSR row
// lengths).
func newPlan(m *ir.Module, n *ir.Net, opt NetOptions, full bool) (*fplan, error) {
	lanes := max(opt.Lanes, 1)
	if lanes&(lanes-1) != 0 {
		return nil, fmt.Errorf("sv: network %s: folded lanes %d: want a power of two", n.Name, lanes)
	}
	pl := &fplan{m: m, n: n, hw: n.HW(m), lanes: lanes, lb: bits.Len(uint(lanes)) - 1, mutate: opt.Mutate}
	byName := map[string]*fpop{}
	sat := 0
	for i, p := range n.Pops {
		fp := &fpop{idx: i, p: p, pre: fmt.Sprintf("p%d", i), size: p.Size}
		if p.Size < 1 {
			return nil, fmt.Errorf("%v: network %s: population %s has no neurons", p.Pos, n.Name, p.Name)
		}
		fp.nb = (p.Size + lanes - 1) / lanes
		fp.ab = fBits(fp.nb)
		fp.iw = fp.ab + pl.lb
		switch p.Kind {
		case ir.PopNeuron:
			fp.kind = fNeuron
			if err := pl.neuronPop(fp, full); err != nil {
				return nil, err
			}
			fp.satBase = sat
			sat += len(fp.ports)
		case ir.PopSource:
			if p.Source == nil {
				return nil, fmt.Errorf("%v: network %s: source %s has no source", p.Pos, n.Name, p.Name)
			}
			if p.Source.Kind == ir.SourcePoisson {
				fp.kind = fPoisson
				if full {
					fp.seeds = make([]uint32, p.Size)
					for j := range fp.seeds {
						fp.seeds[j] = streamSeed(p.Source.Seed, p.Source.Stream, j)
					}
				}
			} else {
				fp.kind = fSpikes
			}
		default:
			return nil, fmt.Errorf("%v: network %s: population %s: the folded architecture supports neuron and source populations only", p.Pos, n.Name, p.Name)
		}
		pl.pops = append(pl.pops, fp)
		byName[p.Name] = fp
		pl.nbMax = max(pl.nbMax, fp.nb)
	}
	for i, p := range n.Projs {
		pr, err := pl.proj(i, p, byName, opt, full)
		if err != nil {
			return nil, err
		}
		pl.projs = append(pl.projs, pr)
	}
	if err := pl.plasticPlan(full); err != nil {
		return nil, err
	}
	for _, fp := range pl.pops {
		pl.layoutAcc(fp)
	}
	for i, d := range n.Drives {
		if err := pl.drive(i, d, byName, full); err != nil {
			return nil, err
		}
	}
	for _, fp := range pl.pops {
		for _, pt := range fp.ports {
			pt.sumW = fSumWidth(pt)
		}
	}
	for _, r := range n.Records {
		if r.Kind != ir.RecordState {
			continue
		}
		fp := byName[r.Pop]
		if fp == nil || fp.kind != fNeuron || r.Lo < 0 || r.Hi > fp.size || r.Lo >= r.Hi || len(r.Vars) == 0 {
			return nil, fmt.Errorf("%v: network %s: record of %s[%d:%d]: no such neuron slice with states", r.Pos, n.Name, r.Pop, r.Lo, r.Hi)
		}
		for _, v := range r.Vars {
			if v < 0 || v >= len(fp.f.States) {
				return nil, fmt.Errorf("%v: network %s: record of %s: no state %d", r.Pos, n.Name, r.Pop, v)
			}
		}
		pl.recs = append(pl.recs, &frec{r: r, pop: fp, lo: r.Lo, hi: r.Hi, vars: r.Vars, every: max(r.Every, 1)})
	}
	for _, fp := range pl.pops {
		pl.initN = max(pl.initN, fp.nb, fp.ring*fp.nb)
	}
	for _, pr := range pl.projs {
		if pr.rule != nil {
			pl.initN = max(pl.initN, pr.entries)
		}
	}
	return pl, nil
}

// neuronPop lays out a neuron population's state, coefficient and port
// words.
func (pl *fplan) neuronPop(fp *fpop, full bool) error {
	p := fp.p
	f := pl.m.Func(p.Func)
	if f == nil {
		return fmt.Errorf("%v: network %s: population %s runs %q, which the module does not define", p.Pos, pl.n.Name, p.Name, p.Func)
	}
	if err := checkStep(f); err != nil {
		return err
	}
	fp.f = f
	for _, s := range f.States {
		fp.stOff = append(fp.stOff, fp.stW)
		fp.stW += s.Type.Width()
	}
	fp.stW = max(fp.stW, 1)
	fp.initWords = make([][]int64, len(f.States))
	for _, in := range p.Init {
		if in.Index < 0 || in.Index >= len(f.States) || len(in.Words) != p.Size {
			return fmt.Errorf("%v: network %s: population %s: bad initial values", p.Pos, pl.n.Name, p.Name)
		}
		fp.initWords[in.Index] = in.Words
	}
	fp.coefs = StepCoefs(f)
	for _, c := range fp.coefs {
		fp.cfOff = append(fp.cfOff, fp.cfW)
		fp.cfW += c.Type.Width()
	}
	if len(p.Params) > 0 && !f.Generic() {
		return fmt.Errorf("%v: network %s: population %s has per-neuron parameters but %s is not a generic module", p.Pos, pl.n.Name, p.Name, f.Name)
	}
	if len(fp.coefs) > 0 && full {
		vals := f.ParamDefaults()
		fp.cfUniform = true
		fp.cfWords = make([][]int64, p.Size)
		for i := range p.Size {
			for _, pp := range p.Params {
				if pp.Index < 0 || pp.Index >= len(vals) || len(pp.Values) != p.Size {
					return fmt.Errorf("%v: network %s: population %s: bad per-neuron parameter", p.Pos, pl.n.Name, p.Name)
				}
				vals[pp.Index] = pp.Values[i]
			}
			words, err := ir.ParamWords(f, vals)
			if err != nil {
				return fmt.Errorf("%v: network %s: population %s neuron %d: %v", p.Pos, pl.n.Name, p.Name, i, err)
			}
			row := make([]int64, len(fp.coefs))
			for k, c := range fp.coefs {
				row[k] = words[c.ID]
			}
			fp.cfWords[i] = row
			if i > 0 && !slices.Equal(row, fp.cfWords[0]) {
				fp.cfUniform = false
			}
		}
	} else if len(fp.coefs) > 0 {
		fp.cfUniform = len(p.Params) == 0
	}
	for _, in := range f.Inputs {
		if in.Type.Kind != ir.KFixed {
			return fmt.Errorf("%v: network %s: population %s: input %s of %s has type %v; a network port needs a fixed-point format", p.Pos, pl.n.Name, p.Name, in.Name, f.Name, in.Type)
		}
		fp.ports = append(fp.ports, &fport{t: in.Type, w: in.Type.Width(), signed: in.Type.Fmt.Signed,
			min: in.Type.Fmt.Min(), max: in.Type.Fmt.Max()})
	}
	return nil
}

// layoutAcc sizes fp's accumulator ring. With the barrier between Gather
// and Propagate, the slot of step t is read and cleared before any spike
// of step t is propagated, so D_max slots suffice (slot (t+d) mod D_max
// for d = 1..D_max are distinct and none is t's), one fewer than the
// interleaved schedule's D_max + 1 of ir.Net.RingSize.
func (pl *fplan) layoutAcc(fp *fpop) {
	if fp.kind != fNeuron {
		return
	}
	for _, pr := range pl.projs {
		if pr.post != fp {
			continue
		}
		fp.ring = max(fp.ring, pr.p.MaxDelay(), 1)
		pt := fp.ports[pr.port]
		if !pt.acc {
			pt.acc = true
			pt.accW = max(pl.n.AccWidth(pl.m, fp.p.Name, pr.port), pt.w)
			if !pt.signed {
				pt.accW++ // the field is signed
			}
			// The tighter bound (DESIGN §4.1 rule 2): the field holds
			// every sum of a slot, the sums of the negative and of the
			// positive weight words into one neuron.
			pt.accW = min(pt.accW, pl.accBound(fp, pr.port))
		}
	}
	if fp.ring > 0 {
		// The delay-slot mutation may land a spike D_max+1 steps late.
		for _, pt := range fp.ports {
			if pt.acc {
				pt.accOff = fp.accW
				fp.accW += pt.accW
			}
		}
		fp.aw = fBits(fp.ring * fp.nb)
	}
}

// accBound returns the signed width that holds every slot sum of fp's
// port: per post neuron, from the sum of its in-synapses' negative words
// to the sum of their positive words (a plastic projection's words range
// over the port). A slot sees each synapse at most once (a pre neuron
// spikes at most once per step).
func (pl *fplan) accBound(fp *fpop, port int) int {
	pt := fp.ports[port]
	neg := make([]int64, fp.size)
	pos := make([]int64, fp.size)
	for _, pr := range pl.projs {
		if pr.post != fp || pr.port != port {
			continue
		}
		p := pr.p
		for k, q := range p.PostIdx {
			lo, hi := p.Words[k], p.Words[k]
			if p.Rule != "" {
				lo, hi = pt.min, pt.max
			}
			neg[q] += min(lo, 0)
			pos[q] += max(hi, 0)
		}
	}
	lo, hi := slices.Min(neg), slices.Max(pos)
	w := 1
	for w < 63 && (lo < -(int64(1)<<(w-1)) || hi > int64(1)<<(w-1)-1) {
		w++
	}
	return w
}

// sumWidth returns the signed width that holds A + X of pt exactly (and
// the port's bounds, for the saturating compares).
func fSumWidth(pt *fport) int {
	lo, hi := min(pt.min, 0), max(pt.max, 0)
	if pt.acc {
		lo += -(int64(1) << (pt.accW - 1))
		hi += int64(1)<<(pt.accW-1) - 1
	}
	for _, tm := range pt.terms {
		a, b := tm.d.bounds()
		lo += min(a, 0)
		hi += max(b, 0)
	}
	w := 1
	for w < 63 && (lo < -(int64(1)<<(w-1)) || hi > int64(1)<<(w-1)-1) {
		w++
	}
	return max(w, pt.w+1) + 1
}

// bounds returns the smallest and largest term a drive adds to one
// neuron in one step.
func (d *fdrive) bounds() (lo, hi int64) {
	switch d.d.Kind {
	case ir.DriveCurrent:
		if d.d.Words == nil && d.d.Values == nil {
			return d.d.ValueWord, d.d.ValueWord
		}
		for _, w := range d.d.Words {
			lo, hi = min(lo, w), max(hi, w)
		}
		return lo, hi
	}
	c := int64(len(d.d.Table)) * d.d.WWord
	return min(0, c), max(0, c)
}

func (pl *fplan) drive(i int, d *ir.Drive, byName map[string]*fpop, full bool) error {
	fd := &fdrive{idx: i, d: d, pre: fmt.Sprintf("d%d", i)}
	if d.Kind != ir.DriveCurrent && d.Kind != ir.DrivePoissonSum {
		return fmt.Errorf("%v: network %s: drive %s has unknown kind %d", d.Pos, pl.n.Name, d.Name, d.Kind)
	}
	stream := 0
	for k, tg := range d.Targets {
		fp := byName[tg.Pop]
		if fp == nil || fp.kind != fNeuron || tg.Port < 0 || tg.Port >= len(fp.ports) || tg.Lo < 0 || tg.Hi > fp.size || tg.Lo > tg.Hi {
			return fmt.Errorf("%v: network %s: drive %s: bad target %s[%d:%d]", d.Pos, pl.n.Name, d.Name, tg.Pop, tg.Lo, tg.Hi)
		}
		pt := fp.ports[tg.Port]
		if k == 0 {
			fd.w = pt.w
		} else if pt.w != fd.w {
			return fmt.Errorf("%v: network %s: drive %s: its targets' ports differ in width", d.Pos, pl.n.Name, d.Name)
		}
		pt.terms = append(pt.terms, &fterm{d: fd, tgt: k, lo: tg.Lo, hi: tg.Hi})
		if d.Kind == ir.DrivePoissonSum {
			var s []uint32
			if full {
				s = make([]uint32, tg.Hi-tg.Lo)
				for j := range s {
					s[j] = streamSeed(d.Seed, d.Stream, stream+j)
				}
			}
			fd.seeds = append(fd.seeds, s)
		}
		stream += tg.Hi - tg.Lo
	}
	pl.drives = append(pl.drives, fd)
	return nil
}

// proj lays out one projection and picks its storage.
func (pl *fplan) proj(i int, p *ir.Proj, byName map[string]*fpop, opt NetOptions, full bool) (*fproj, error) {
	pre, post := byName[p.Pre], byName[p.Post]
	if pre == nil || post == nil || post.kind != fNeuron || p.Port < 0 || p.Port >= len(post.ports) {
		return nil, fmt.Errorf("%v: network %s: projection %s: bad populations or port", p.Pos, pl.n.Name, p.Name)
	}
	ns := p.Synapses()
	if len(p.PostIdx) != ns || len(p.Delay) != ns || len(p.Words) != ns {
		return nil, fmt.Errorf("%v: network %s: projection %s: synapse arrays of unequal length", p.Pos, pl.n.Name, p.Name)
	}
	pr := &fproj{idx: i, p: p, pre: pre, post: post, port: p.Port, pfx: fmt.Sprintf("j%d", i), rowMut: -1}
	pt := post.ports[p.Port]
	pr.wConst, pr.dConst = true, true
	if ns > 0 {
		pr.w0, pr.d0 = p.Words[0], int(p.Delay[0])
	}
	sorted := true
	dmax := 0
	for k := range ns {
		j, q, d := p.PreIdx[k], p.PostIdx[k], p.Delay[k]
		if j < 0 || int(j) >= pre.size || q < 0 || int(q) >= post.size || d < 1 {
			return nil, fmt.Errorf("%v: network %s: projection %s: synapse %d out of range", p.Pos, pl.n.Name, p.Name, k)
		}
		if p.Words[k] < pt.min || p.Words[k] > pt.max {
			return nil, fmt.Errorf("%v: network %s: projection %s: weight word %d does not fit the port", p.Pos, pl.n.Name, p.Name, p.Words[k])
		}
		pr.wConst = pr.wConst && p.Words[k] == pr.w0
		pr.dConst = pr.dConst && int(d) == pr.d0
		dmax = max(dmax, int(d))
		if k > 0 {
			pj, pq := p.PreIdx[k-1], p.PostIdx[k-1]
			sorted = sorted && (pj < j || pj == j && pq <= q)
		}
	}
	if !pr.wConst {
		pr.ww = pt.w
	}
	if !pr.dConst {
		pr.dw = fBits(dmax + 1)
	}
	order := fSynOrder(p, sorted)
	// Candidates: procedural (no memory) when the rows have a shape the
	// hardware regenerates, dense without repeated pairs, CSR always.
	procOK := pl.procShape(pr, order)
	denseOK := int64(pre.size)*int64(post.size) <= 1<<28 && !fRepeats(p, order)
	pr.csrLayout(order, full)
	want := opt.Default
	if s, ok := opt.Storage[p.Name]; ok {
		want = s
	}
	if p.Rule != "" {
		// Plastic: CSR with the synapse state in its own RAM
		// (folded_plastic.go).
		if want != StorageAuto && want != StorageCSR {
			return nil, fmt.Errorf("%v: network %s: projection %s is plastic: the folded architecture stores it as csr", p.Pos, pl.n.Name, p.Name)
		}
		want = StorageCSR
	}
	switch want {
	case StorageAuto:
		pr.kind = StorageCSR
		best := pr.memBits()
		if denseOK {
			pr.kind = StorageDense
			if b := pr.memBits(); b < best {
				best = b
			} else {
				pr.kind = StorageCSR
			}
		}
		if procOK {
			pr.kind = StorageProcedural
		}
	case StorageDense:
		if !denseOK {
			return nil, fmt.Errorf("%v: network %s: projection %s: dense storage needs at most one synapse per pair and at most 2^28 pairs", p.Pos, pl.n.Name, p.Name)
		}
		pr.kind = StorageDense
	case StorageCSR:
		pr.kind = StorageCSR
	case StorageProcedural:
		if !procOK {
			return nil, fmt.Errorf("%v: network %s: projection %s: procedural storage regenerates one_to_one and all_to_all rows of one weight and one delay only (random and fixed_indegree rows come from math/rand/v2's PCG, whose 128-bit state and multiply per pair draw the hardware does not replay; use csr or dense)", p.Pos, pl.n.Name, p.Name)
		}
		pr.kind = StorageProcedural
	default:
		return nil, fmt.Errorf("sv: projection %s: unknown storage %v", p.Name, want)
	}
	if pl.mutate == MutateDelaySlot && i == 0 {
		pr.delayMut = true
	}
	if pl.mutate == MutateCSRRow && pr.kind == StorageCSR && full {
		for j := 1; j < pre.size; j++ {
			if pr.rowLen[j] > 0 && pr.rowLen[j-1] > 0 {
				pr.rowMut = j
				break
			}
		}
	}
	return pr, nil
}

// synOrder returns the synapse indices of p in (pre, post) order (nil:
// the identity, p is sorted).
func fSynOrder(p *ir.Proj, sorted bool) []int32 {
	if sorted {
		return nil
	}
	o := make([]int32, p.Synapses())
	for k := range o {
		o[k] = int32(k)
	}
	slices.SortStableFunc(o, func(a, b int32) int {
		if p.PreIdx[a] != p.PreIdx[b] {
			return int(p.PreIdx[a] - p.PreIdx[b])
		}
		return int(p.PostIdx[a] - p.PostIdx[b])
	})
	return o
}

// at returns the synapse index of position k in order.
func fAt(order []int32, k int) int {
	if order == nil {
		return k
	}
	return int(order[k])
}

// repeats reports whether p has two synapses of one pair.
func fRepeats(p *ir.Proj, order []int32) bool {
	for k := 1; k < p.Synapses(); k++ {
		a, b := fAt(order, k-1), fAt(order, k)
		if p.PreIdx[a] == p.PreIdx[b] && p.PostIdx[a] == p.PostIdx[b] {
			return true
		}
	}
	return false
}

// procShape reports whether p's rows are all_to_all or one_to_one
// between two slices with one weight and one delay, and records the
// shape.
func (pl *fplan) procShape(pr *fproj, order []int32) bool {
	p := pr.p
	ns := p.Synapses()
	if ns == 0 || !pr.wConst || !pr.dConst {
		return false
	}
	first, last := fAt(order, 0), fAt(order, ns-1)
	pr.preLo, pr.preHi = int(p.PreIdx[first]), int(p.PreIdx[last])+1
	// One to one: synapse k is (preLo+k, postLo+k).
	pr.postLo = int(p.PostIdx[first])
	o2o := true
	for k := range ns {
		s := fAt(order, k)
		if int(p.PreIdx[s]) != pr.preLo+k || int(p.PostIdx[s]) != pr.postLo+k {
			o2o = false
			break
		}
	}
	if o2o {
		pr.proc = procOneToOne
		pr.postHi = pr.postLo + ns
		return true
	}
	rows := pr.preHi - pr.preLo
	if ns%rows != 0 {
		return false
	}
	cols := ns / rows
	pr.postHi = pr.postLo + cols
	for k := range ns {
		s := fAt(order, k)
		if int(p.PreIdx[s]) != pr.preLo+k/cols || int(p.PostIdx[s]) != pr.postLo+k%cols {
			return false
		}
	}
	pr.proc = procAllToAll
	return true
}

// csrLayout picks the gap width of p's CSR entries that needs the fewest
// bits and counts the entries (escapes included).
func (pr *fproj) csrLayout(order []int32, full bool) {
	p := pr.p
	ns := p.Synapses()
	maxG := pr.post.iw + 1
	esc := make([]int64, maxG+1) // escapes per gap width
	prevPre, cur := int32(-1), int32(0)
	if full {
		pr.rowLen = make([]int, pr.pre.size)
	}
	for k := range ns {
		s := fAt(order, k)
		j, q := p.PreIdx[s], p.PostIdx[s]
		if j != prevPre {
			prevPre, cur = j, 0
		}
		gap := int64(q - cur)
		cur = q
		for g := 1; g <= maxG; g++ {
			esc[g] += gap / (int64(1)<<g - 1)
		}
		if full {
			pr.rowLen[j]++
		}
	}
	// Fewest block RAM bits: a word of w bits occupies bramWidth(w) bits
	// of a RAMB36 (its 1, 2, 4, 9, 18 and 36-bit shapes); ties go to the
	// wider gap (fewer escapes, fewer cycles).
	var bestBits int64 = -1
	for g := 1; g <= maxG; g++ {
		b := (int64(ns) + esc[g]) * int64(bramWidth(g+pr.ww+pr.dw))
		if bestBits < 0 || b <= bestBits {
			bestBits, pr.gb, pr.entries = b, g, ns+int(esc[g])
		}
	}
	pr.pk = 1
	// Packing several entries into one word (a static projection's
	// entry memory, when block RAM): the (gap, entries per word) of
	// fewest RAMB18 halves of entries and row pointers (whose code grows
	// by the slot bits), taken when it saves some over one entry per word
	// (csrPackForce: tests force pk).
	if p.Rule == "" && ns > 0 {
		rows := pr.pre.size + 1
		best := bramHalves(pr.entries, pr.gb+pr.ww+pr.dw) + bramHalves(rows, fBits(pr.entries+1))
		bg, bk, be := pr.gb, 1, pr.entries
		for g := maxG; g >= 1; g-- {
			ew := g + pr.ww + pr.dw
			ne := ns + int(esc[g])
			for k := 2; k*ew <= 72; k++ {
				if csrPackForce > 0 && k != csrPackForce {
					continue
				}
				sb := fBits(k)
				h := bramHalves((ne+k-1)/k, k*ew) + bramHalves(rows, fBits((ne/k<<sb|ne%k)+1))
				if h < best || csrPackForce > 0 && bk == 1 {
					best, bg, bk, be = h, g, k, ne
				}
			}
		}
		pr.gb, pr.pk, pr.entries = bg, bk, be
		if bk > 1 {
			pr.sb = fBits(bk)
		}
	}
	if full && pr.gb > 0 {
		// Row lengths in entries: recount with the chosen width.
		clear(pr.rowLen)
		prevPre, cur = -1, 0
		e := int64(1)<<pr.gb - 1
		for k := range ns {
			s := fAt(order, k)
			j, q := p.PreIdx[s], p.PostIdx[s]
			if j != prevPre {
				prevPre, cur = j, 0
			}
			pr.rowLen[j] += 1 + int(int64(q-cur)/e)
			cur = q
		}
	}
	pr.rpW = fBits(pr.ptr(pr.entries) + 1)
}

// csrPackForce, when positive, makes every static CSR projection pack
// that many entries per word (a test hook; 0 in the compiler).
var csrPackForce int

// bramHalves returns the RAMB18 halves of a depth × bits block memory in
// its cheapest 7-series aspect ratio (synth.Device.Pack's model: 16K×1 …
// 512×36 per RAMB18, 32K×1 … 512×72 per RAMB36); a memory of at most 64
// words or 1 Kb (distributed RAM) counts 0.
func bramHalves(depth, bits int) int {
	if depth <= 64 || depth*bits <= 1024 {
		return 0
	}
	cd := func(a, b int) int { return (a + b - 1) / b }
	best := -1
	for _, c := range [][2]int{{16384, 1}, {8192, 2}, {4096, 4}, {2048, 9}, {1024, 18}, {512, 36}} {
		if h := cd(depth, c[0]) * cd(bits, c[1]); best < 0 || h < best {
			best = h
		}
	}
	for _, c := range [][2]int{{32768, 1}, {16384, 2}, {8192, 4}, {4096, 9}, {2048, 18}, {1024, 36}, {512, 72}} {
		if h := 2 * cd(depth, c[0]) * cd(bits, c[1]); h < best {
			best = h
		}
	}
	return best
}

// bramWidth returns the bits a w-bit word takes in a 7-series RAMB36:
// the narrowest of its 1, 2, 4, 9, 18 and 36-bit aspect ratios holding
// it, or whole 36-bit columns.
func bramWidth(w int) int {
	for _, a := range []int{1, 2, 4, 9, 18, 36} {
		if w <= a {
			return a
		}
	}
	return (w + 35) / 36 * 36
}

// streamSeed is runtime.StreamSeed (backend/sv does not import runtime;
// a test holds them equal): the initial xorshift32 state of stream
// (seed, stream, index), three chained splitmix64 mixes with bit 0 set.
// Both architectures seed their xorshift32 registers with it.
func streamSeed(seed uint64, stream, index int) uint32 {
	h := splitMix64(seed)
	h = splitMix64(h ^ uint64(stream))
	h = splitMix64(h ^ uint64(index))
	return uint32(h) | 1
}

func splitMix64(x uint64) uint64 {
	z := x + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// bitsFor returns the number of bits that hold 0..n-1, at least 1.
func fBits(n int) int { return max(1, bits.Len(uint(max(n-1, 0)))) }
