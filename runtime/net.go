package rt

import (
	"fmt"
	"math/bits"
	"sync/atomic"
)

// The network runner: DESIGN §4.1's step over plain data (NetSpec), built
// by sim from an ir.Net (sim/netrt.go) and bit-exact with sim.Net, the
// network interpreter. Neuron populations are NetPops (a generated kernel
// of runtime/kernels, or an adapter sim provides); the rule Funcs of
// plasticity are EventFuncs sim provides. The runner owns the order of the
// step and its data movement: gather (exact int64 ring sums plus drives,
// one saturating cast per port), update, plasticity, propagate, spike
// lists.

// NetPop is a neuron population the runner steps. kernels.Pop satisfies
// it.
type NetPop interface {
	// Len returns the number of neurons.
	Len() int
	// Input returns input column k ([]int8, []int16, []int32 or []int64,
	// of length Len()): the runner writes the gathered words into it
	// before Range.
	Input(k int) any
	// Spikes returns the spike bits of the last step (neuron i is bit
	// i%64 of word i/64).
	Spikes() []uint64
	// Range advances neurons [lo, hi) one step: lo a multiple of 64, hi a
	// multiple of 64 or Len(); it touches only those neurons' entries.
	Range(lo, hi int)
}

// NetSpec describes a network for NewNet. Slices are used in place: the
// runner reads the synapse arrays and writes the ring, drive, trace and
// plastic synapse slices the spec hands it (so their owner sees the
// results), and never resizes them.
type NetSpec struct {
	// RingSize is the number of delay slots of every ring: D_max + 1.
	RingSize int
	Pops     []PopSpec
	Projs    []ProjSpec
	Traces   []TraceSpec
	Rules    []RuleSpec
	Drives   []DriveSpec
}

// PopSpec is one population: a neuron population (Pop set), a Poisson
// source (Seeds set) or a spike-list source.
type PopSpec struct {
	Name string
	Size int
	// Neuron populations.
	Pop NetPop
	// Serial: Range runs only as Range(0, Size), on the stepping
	// goroutine (an adapter that cannot split a step).
	Serial bool
	// Reset reloads the population's initial state (called by Net.Reset).
	Reset func()
	// Err, when set, returns the failure of the last step (an assertion).
	Err   func() error
	Ports []PortSpec // one per input of Pop
	// Poisson sources: one xorshift32 stream per neuron; neuron j spikes
	// in step t iff its draw < Threshold and Start ≤ t < Stop (Stop 0: no
	// end).
	Seeds       []uint32
	Threshold   uint32
	Start, Stop int
	// Spike-list sources: sorted by (step, index), no repeats.
	SpikeList []SpikeAt
}

// SpikeAt is one given spike of a source.
type SpikeAt struct{ Step, Index int }

// PortSpec is one input port of a neuron population.
type PortSpec struct {
	Lo, Hi int64 // the port format's word bounds: the saturating cast
	// Ring is the port's delay ring ([slot][neuron], RingSize slots), nil
	// when no projection targets the port; X the drive term ([neuron]),
	// nil when no drive does.
	Ring [][]int64
	X    []int64
}

// ProjSpec is one projection, its synapses in CSR order by pre neuron.
type ProjSpec struct {
	Name            string
	Pre, Post, Port int
	RowStart        []int32 // len pre size + 1
	Dst, Delay      []int32 // delays 1 … RingSize-1
	W               []int64 // weight words; plastic: Syn[0]
	D0              int32   // the delay of every synapse (0: they differ)
	// Plastic projections (Rule ≥ 0): the synapse states (Syn[0] is W),
	// their reset values (W0 for Syn[0], SynInit[k] for Syn[k]), the
	// synapses by post neuron (CSR positions ColSyn, pre neurons ColPre)
	// and the traces (indices into NetSpec.Traces, -1: none).
	Rule                     int
	W0                       []int64
	Syn                      [][]int64
	SynInit                  []int64
	ColStart, ColSyn, ColPre []int32
	PreTrace, PostTrace      int
}

// TraceSpec is one rule's trace on one population: every step
// x ← clamp(floor(x·Decay / 2^Frac), Lo, Hi), then, for spiking neurons,
// x ← clamp(x + Add) (Set: x ← Add).
type TraceSpec struct {
	Pop    int
	X      []int64
	Decay  int64
	Frac   uint
	Lo, Hi int64
	Add    int64
	Set    bool
	Pre    bool // a pre trace (updated before on pre); else a post trace
}

// RuleSpec is one plasticity rule: its on pre and on post event
// functions (nil: none).
type RuleSpec struct {
	OnPre, OnPost EventFunc
}

// EventFunc runs a rule's Func on a batch of events.
type EventFunc interface {
	// Buffers returns the event columns: state[k][q] is synapse state k
	// of event q, in[0] and in[1] (when the Func has them) the pre and
	// post trace words. All have the same length, the batch capacity.
	Buffers() (state, in [][]int64)
	// Run steps events 0 … n-1, updating state in place.
	Run(n int) error
}

// Drive kinds.
const (
	DriveCurrent = iota
	DrivePoissonSum
)

// DriveSpec is one drive: a current (Word every step, or Words[t-1] in
// step t, 0 past the end, when PerStep) or a poisson_sum (per target
// neuron a xorshift32 stream, Seeds in target order; count #{k: u ≥
// Table[k]} times WWord).
type DriveSpec struct {
	Kind    int
	Targets []DriveTarget
	Word    int64
	PerStep bool
	Words   []int64
	Seeds   []uint32
	Table   []uint32
	WWord   int64
}

// DriveTarget is a slice [Lo, Hi) of a population's port.
type DriveTarget struct{ Pop, Port, Lo, Hi int }

// Net runs a NetSpec. Step is allocation-free and its results do not
// depend on the worker count.
type Net struct {
	spec   NetSpec
	pool   *Pool
	t      int
	slot   int
	pops   []*netPop
	par    []*netPop // parallel neuron populations, in the index space
	span   int       // the parallel index space: populations at multiples of 64
	drives []*netDrive
	run    parRun
	// preB, postB: per projection the batches of its rule's on pre and
	// on post (nil: static, or the rule has no such Func).
	preB, postB []*batch
	workers     int
	grain       int // the parallel part's chunk: a multiple of 64
	closed      atomic.Bool
}

type netPop struct {
	*PopSpec
	base   int // parallel: offset in the index space
	ports  []*netPort
	list   []int32
	rng    []uint32
	cursor int
}

type netPort struct {
	lo, hi int64
	ring   [][]int64
	x      []int64
	i8     []int8
	i16    []int16
	i32    []int32
	i64    []int64
	drives []portDrive
	sat    atomic.Bool
	// Sparse gather (a ring and no drive): touched[slot] lists the
	// neurons whose slot entry propagate made nonzero, unless it passed
	// limit (dense[slot]: gather the whole slot). nz lists the input
	// entries the last sparse gather wrote (inDense: the last gather was
	// dense, any entry may be nonzero); sparse marks this step's gather
	// done before the parallel part.
	touched [][]int32
	dense   []bool
	limit   int
	nz      []int32
	inDense bool
	sparse  bool
	// Constant fill (no ring, one current drive on every neuron): the
	// input column holds sat(word); filled says it still holds fillWord
	// from the last step, so an unchanged word is not written again.
	constFill bool
	filled    bool
	fillWord  int64
	// fusedPoisson's scratch: draw counts and the table's head.
	cnt  []int32
	head [4]uint32
}

// portDrive is one drive target on a port: neurons [lo, hi), stream k0
// for neuron lo.
type portDrive struct {
	d      *netDrive
	lo, hi int
	k0     int
}

type netDrive struct {
	*DriveSpec
	rng []uint32
	cur int64 // current: this step's word
}

// sparseGather enables the sparse gather of ports without drives (tests
// turn it off to compare).
var sparseGather = true

// NewNet checks spec and returns a reset runner stepping over a pool of
// workers (< 1: 1). Close releases the pool.
func NewNet(spec *NetSpec, workers int) (*Net, error) {
	s := &Net{spec: *spec}
	if s.spec.RingSize < 2 {
		return nil, fmt.Errorf("rt: ring size %d (want ≥ 2)", s.spec.RingSize)
	}
	for i := range s.spec.Pops {
		ps := &s.spec.Pops[i]
		np := &netPop{PopSpec: ps, list: make([]int32, 0, ps.Size)}
		if ps.Pop != nil {
			if ps.Pop.Len() != ps.Size {
				return nil, fmt.Errorf("rt: population %s: %d neurons, its kernel has %d", ps.Name, ps.Size, ps.Pop.Len())
			}
			for k, port := range ps.Ports {
				q := &netPort{lo: port.Lo, hi: port.Hi, ring: port.Ring, x: port.X}
				if q.ring != nil && q.x == nil && sparseGather {
					q.limit = ps.Size / 8
					q.touched = make([][]int32, s.spec.RingSize)
					for k := range q.touched {
						q.touched[k] = make([]int32, 0, q.limit)
					}
					q.dense = make([]bool, s.spec.RingSize)
					q.nz = make([]int32, 0, q.limit)
				}
				if q.ring != nil && len(q.ring) != s.spec.RingSize {
					return nil, fmt.Errorf("rt: population %s port %d: %d ring slots, want %d", ps.Name, k, len(q.ring), s.spec.RingSize)
				}
				switch c := ps.Pop.Input(k).(type) {
				case []int8:
					q.i8 = c
				case []int16:
					q.i16 = c
				case []int32:
					q.i32 = c
				case []int64:
					q.i64 = c
				default:
					return nil, fmt.Errorf("rt: population %s: input %d is %T", ps.Name, k, c)
				}
				np.ports = append(np.ports, q)
			}
			if !ps.Serial {
				np.base = s.span
				s.span += (ps.Size + 63) &^ 63
				s.par = append(s.par, np)
			}
		} else if ps.Seeds != nil {
			if len(ps.Seeds) != ps.Size {
				return nil, fmt.Errorf("rt: source %s: %d seeds for %d neurons", ps.Name, len(ps.Seeds), ps.Size)
			}
			np.rng = make([]uint32, ps.Size)
		}
		s.pops = append(s.pops, np)
	}
	for i := range s.spec.Drives {
		d := &netDrive{DriveSpec: &s.spec.Drives[i]}
		k := 0
		for _, tg := range d.Targets {
			if tg.Pop < 0 || tg.Pop >= len(s.pops) || tg.Lo < 0 || tg.Lo > tg.Hi || tg.Hi > s.pops[tg.Pop].Size {
				return nil, fmt.Errorf("rt: drive %d: bad target (population %d, neurons %d..%d)", i, tg.Pop, tg.Lo, tg.Hi)
			}
			np := s.pops[tg.Pop]
			if np.Pop == nil || tg.Port >= len(np.ports) || np.ports[tg.Port].x == nil {
				return nil, fmt.Errorf("rt: drive %d: target %s port %d has no drive term", i, np.Name, tg.Port)
			}
			q := np.ports[tg.Port]
			q.drives = append(q.drives, portDrive{d: d, lo: tg.Lo, hi: tg.Hi, k0: k})
			k += tg.Hi - tg.Lo
		}
		if d.Kind == DrivePoissonSum {
			if len(d.Seeds) != k {
				return nil, fmt.Errorf("rt: drive %d: %d seeds for %d targets", i, len(d.Seeds), k)
			}
			d.rng = make([]uint32, k)
		}
		s.drives = append(s.drives, d)
	}
	for _, np := range s.pops {
		for _, q := range np.ports {
			q.constFill = q.ring == nil && len(q.drives) == 1 && q.drives[0].d.Kind == DriveCurrent &&
				q.drives[0].lo == 0 && q.drives[0].hi == np.Size
			if len(q.drives) == 1 && q.drives[0].d.Kind == DrivePoissonSum && len(q.drives[0].d.Table) >= 4 {
				q.cnt = make([]int32, np.Size)
				copy(q.head[:], q.drives[0].d.Table)
			}
		}
	}
	for _, p := range s.spec.Projs {
		if p.Pre < 0 || p.Pre >= len(s.pops) || len(p.RowStart) != s.pops[p.Pre].Size+1 {
			return nil, fmt.Errorf("rt: projection %s: bad pre population or row index", p.Name)
		}
		if p.Post < 0 || p.Post >= len(s.pops) || s.pops[p.Post].Pop == nil || p.Port >= len(s.pops[p.Post].ports) || s.pops[p.Post].ports[p.Port].ring == nil {
			return nil, fmt.Errorf("rt: projection %s: its target has no ring", p.Name)
		}
		for _, d := range p.Delay {
			if d < 1 || int(d) >= s.spec.RingSize || p.D0 != 0 && d != p.D0 {
				return nil, fmt.Errorf("rt: projection %s: delay %d outside 1..%d", p.Name, d, s.spec.RingSize-1)
			}
		}
	}
	for i := range s.spec.Projs {
		p := &s.spec.Projs[i]
		var a, b *batch
		if p.Rule >= 0 {
			if p.Rule >= len(s.spec.Rules) || len(p.Syn) == 0 || len(p.SynInit) != len(p.Syn) {
				return nil, fmt.Errorf("rt: projection %s: bad plastic spec", p.Name)
			}
			r := s.spec.Rules[p.Rule]
			if r.OnPre != nil {
				a = s.newBatch(r.OnPre, p)
			}
			if r.OnPost != nil {
				b = s.newBatch(r.OnPost, p)
			}
		}
		s.preB = append(s.preB, a)
		s.postB = append(s.postB, b)
	}
	s.workers = max(workers, 1)
	if s.workers > 1 { // one worker: the stepping goroutine, no pool
		s.pool = NewPool(s.workers)
	}
	// One chunk per worker: a step's work is small, each dispatch costs.
	s.grain = max(64, (s.span/s.workers+63)&^63)
	s.run.s = s
	s.Reset()
	return s, nil
}

// Close stops the worker pool (again: a no-op). The Net must not step
// afterwards.
func (s *Net) Close() {
	if s.closed.CompareAndSwap(false, true) {
		s.pool.Close()
	}
}

// Workers returns the number of workers.
func (s *Net) Workers() int { return s.workers }

// T returns the number of the last step taken.
func (s *Net) T() int { return s.t }

// Spikes returns the neurons of population p that spiked in the last
// step, ascending (reused by the next step).
func (s *Net) Spikes(p int) []int32 { return s.pops[p].list }

// Saturated reports whether port k of population p saturated in some
// step since Reset.
func (s *Net) Saturated(p, k int) bool { return s.pops[p].ports[k].sat.Load() }

// Reset returns the net to t = 0: populations reset (PopSpec.Reset),
// rings, drive terms, inputs and traces cleared, plastic synapses
// reloaded, streams reseeded, flags cleared.
func (s *Net) Reset() {
	s.t = 0
	for _, np := range s.pops {
		if np.PopSpec.Reset != nil {
			np.PopSpec.Reset()
		}
		np.list = np.list[:0]
		copy(np.rng, np.Seeds)
		np.cursor = 0
		for _, q := range np.ports {
			for _, a := range q.ring {
				clear(a)
			}
			clear(q.x)
			clear(q.i8)
			clear(q.i16)
			clear(q.i32)
			clear(q.i64)
			q.sat.Store(false)
			for k := range q.touched {
				q.touched[k] = q.touched[k][:0]
			}
			clear(q.dense)
			q.nz, q.inDense, q.sparse = q.nz[:0], false, false
			q.filled = false
		}
	}
	for _, d := range s.drives {
		copy(d.rng, d.Seeds)
	}
	for _, x := range s.spec.Traces {
		clear(x.X)
	}
	for _, p := range s.spec.Projs {
		if p.Rule < 0 {
			continue
		}
		copy(p.Syn[0], p.W0)
		for k := 1; k < len(p.Syn); k++ {
			for i := range p.Syn[k] {
				p.Syn[k][i] = p.SynInit[k]
			}
		}
	}
}

// parRun is the parallel part of a step: gather and update of every
// parallel population, over the index space.
type parRun struct{ s *Net }

func (r *parRun) Range(lo, hi int) {
	for _, np := range r.s.par {
		a, b := max(lo, np.base), min(hi, np.base+np.Size)
		if a < b {
			np.gather(a-np.base, b-np.base, r.s.slot)
			np.Pop.Range(a-np.base, b-np.base)
		}
	}
}

// Step advances the net one step (DESIGN §4.1 rule 1). A population's or
// rule's failure (an assertion) is returned; the step completes anyway.
func (s *Net) Step() error {
	s.t++
	t := s.t
	s.slot = t % s.spec.RingSize
	for _, d := range s.drives {
		if d.Kind == DriveCurrent {
			d.cur = d.Word
			if d.PerStep {
				d.cur = 0
				if t-1 < len(d.Words) {
					d.cur = d.Words[t-1]
				}
			}
		}
	}
	// 1-2. Gather and update: sparse ports first, the rest in the
	// parallel part.
	for _, np := range s.pops {
		for _, q := range np.ports {
			q.sparse = q.touched != nil && !q.dense[s.slot]
			if q.sparse {
				q.gatherSparse(s.slot)
			}
		}
	}
	if s.span > 0 {
		s.pool.Run(&s.run, s.span, s.grain)
	}
	for _, np := range s.pops {
		for _, q := range np.ports {
			if !q.sparse {
				q.denseDone(s.slot)
			}
			if q.constFill {
				q.filled, q.fillWord = true, q.drives[0].d.cur
			}
		}
	}
	var err error
	for _, np := range s.pops {
		switch {
		case np.Pop != nil:
			if np.Serial {
				np.gather(0, np.Size, s.slot)
				np.Pop.Range(0, np.Size)
			}
			np.list = spikeList(np.list[:0], np.Pop.Spikes(), np.Size)
			if np.Err != nil {
				if e := np.Err(); e != nil && err == nil {
					err = fmt.Errorf("population %s: %w", np.Name, e)
				}
			}
		case np.Seeds != nil:
			active := t >= np.Start && (np.Stop == 0 || t < np.Stop)
			np.list = np.list[:0]
			for j, x := range np.rng {
				x = Xorshift32(x)
				np.rng[j] = x
				if active && x < np.Threshold {
					np.list = append(np.list, int32(j))
				}
			}
		default:
			np.list = np.list[:0]
			ev := np.SpikeList
			for np.cursor < len(ev) && ev[np.cursor].Step < t {
				np.cursor++
			}
			for np.cursor < len(ev) && ev[np.cursor].Step == t {
				np.list = append(np.list, int32(ev[np.cursor].Index))
				np.cursor++
			}
		}
	}
	// 3. Plasticity.
	if len(s.spec.Traces) > 0 || len(s.spec.Rules) > 0 {
		if e := s.plasticity(); e != nil && err == nil {
			err = e
		}
	}
	// 4. Propagate.
	for i := range s.spec.Projs {
		p := &s.spec.Projs[i]
		q := s.pops[p.Post].ports[p.Port]
		list := s.pops[p.Pre].list
		if len(list) == 0 {
			continue
		}
		if p.D0 > 0 { // one delay: one slot
			sl := s.slot + int(p.D0)
			if sl >= s.spec.RingSize {
				sl -= s.spec.RingSize
			}
			a := q.ring[sl]
			if q.touched == nil || q.dense[sl] {
				for _, j := range list {
					lo, hi := p.RowStart[j], p.RowStart[j+1]
					ws := p.W[lo:hi]
					for k, i := range p.Dst[lo:hi] {
						a[i] += ws[k]
					}
				}
				continue
			}
			t, dense := q.touched[sl], false
			for _, j := range list {
				lo, hi := p.RowStart[j], p.RowStart[j+1]
				ws := p.W[lo:hi]
				for k, i := range p.Dst[lo:hi] {
					if a[i] == 0 && !dense {
						if len(t) == q.limit {
							dense = true
						} else {
							t = append(t, i)
						}
					}
					a[i] += ws[k]
				}
			}
			q.touched[sl], q.dense[sl] = t, dense
			continue
		}
		for _, j := range list {
			lo, hi := p.RowStart[j], p.RowStart[j+1]
			ws, ds := p.W[lo:hi], p.Delay[lo:hi]
			for k, i := range p.Dst[lo:hi] {
				sl := s.slot + int(ds[k])
				if sl >= s.spec.RingSize {
					sl -= s.spec.RingSize
				}
				a := q.ring[sl]
				if q.touched != nil && a[i] == 0 && !q.dense[sl] {
					if len(q.touched[sl]) == q.limit {
						q.dense[sl] = true
					} else {
						q.touched[sl] = append(q.touched[sl], i)
					}
				}
				a[i] += ws[k]
			}
		}
	}
	return err
}

// spikeList appends the indices of the set bits of w (below n) to list.
func spikeList(list []int32, w []uint64, n int) []int32 {
	for k, x := range w {
		for x != 0 {
			i := k*64 + bits.TrailingZeros64(x)
			if i >= n {
				break
			}
			list = append(list, int32(i))
			x &= x - 1
		}
	}
	return list
}

// gather writes in = sat(A[slot] + X) into every input column of neurons
// [lo, hi), adding this step's drive terms to X first; the slot and X are
// cleared.
func (np *netPop) gather(lo, hi, slot int) {
	for _, q := range np.ports {
		if q.sparse {
			continue
		}
		if q.constFill {
			q.fill(lo, hi)
			continue
		}
		if len(q.drives) == 1 && q.ring != nil && q.fusedPoisson(lo, hi, slot) {
			continue
		}
		for _, pd := range q.drives {
			a, b := max(lo, pd.lo), min(hi, pd.hi)
			if a >= b {
				continue
			}
			x := q.x[a:b]
			d := pd.d
			if d.Kind == DriveCurrent {
				for i := range x {
					x[i] += d.cur
				}
				continue
			}
			rng := d.rng[pd.k0+a-pd.lo : pd.k0+b-pd.lo]
			rng = rng[:len(x)]
			tab, w := d.Table, d.WWord
			if len(tab) < 4 {
				for i := range x {
					u := Xorshift32(rng[i])
					rng[i] = u
					x[i] += int64(poissonCount(tab, u)) * w
				}
				continue
			}
			t0, t1, t2, t3 := tab[0], tab[1], tab[2], tab[3] // poissonCount's head, hoisted
			for i := range x {
				u := Xorshift32(rng[i])
				rng[i] = u
				c := boolInt(u >= t0) + boolInt(u >= t1) + boolInt(u >= t2) + boolInt(u >= t3)
				if c == 4 {
					c = poissonTail(tab, u)
				}
				x[i] += int64(c) * w
			}
		}
		var a, x []int64
		if q.ring != nil {
			a = q.ring[slot][lo:hi]
		}
		if q.x != nil {
			x = q.x[lo:hi]
		}
		sat := false
		switch {
		case q.i16 != nil:
			sat = gatherCol(q.i16[lo:hi], a, x, q.lo, q.hi)
		case q.i32 != nil:
			sat = gatherCol(q.i32[lo:hi], a, x, q.lo, q.hi)
		case q.i8 != nil:
			sat = gatherCol(q.i8[lo:hi], a, x, q.lo, q.hi)
		default:
			sat = gatherCol(q.i64[lo:hi], a, x, q.lo, q.hi)
		}
		if sat {
			q.sat.Store(true)
		}
	}
}

// fill is gather of neurons [lo, hi) of a constFill port: every input
// word is sat(the drive's word of this step), written only when it is not
// the last step's.
func (q *netPort) fill(lo, hi int) {
	w := q.drives[0].d.cur
	v := min(max(w, q.lo), q.hi)
	if v != w {
		q.sat.Store(true)
	}
	if q.filled && q.fillWord == w {
		return
	}
	switch {
	case q.i16 != nil:
		fillWords(q.i16[lo:hi], v)
	case q.i32 != nil:
		fillWords(q.i32[lo:hi], v)
	case q.i8 != nil:
		fillWords(q.i8[lo:hi], v)
	default:
		fillWords(q.i64[lo:hi], v)
	}
}

func fillWords[T int8 | int16 | int32 | int64](in []T, v int64) {
	for i := range in {
		in[i] = T(v)
	}
}

// fusedPoisson is gather of neurons [lo, hi) of a port with a ring and
// one poisson_sum drive covering them (Brunel's external input): in =
// sat(A + count·w) in one pass, X untouched (zero). It reports false,
// doing nothing, for any other port.
func (q *netPort) fusedPoisson(lo, hi, slot int) bool {
	pd := q.drives[0]
	d := pd.d
	if q.cnt == nil || lo < pd.lo || hi > pd.hi {
		return false
	}
	a := q.ring[slot][lo:hi]
	rng := d.rng[pd.k0+lo-pd.lo : pd.k0+hi-pd.lo]
	var sat bool
	switch {
	case q.i16 != nil:
		sat = poissonGather(q.i16[lo:hi], a, rng, q.cnt[lo:hi], &q.head, d.Table, d.WWord, q.lo, q.hi)
	case q.i32 != nil:
		sat = poissonGather(q.i32[lo:hi], a, rng, q.cnt[lo:hi], &q.head, d.Table, d.WWord, q.lo, q.hi)
	case q.i8 != nil:
		sat = poissonGather(q.i8[lo:hi], a, rng, q.cnt[lo:hi], &q.head, d.Table, d.WWord, q.lo, q.hi)
	default:
		sat = poissonGather(q.i64[lo:hi], a, rng, q.cnt[lo:hi], &q.head, d.Table, d.WWord, q.lo, q.hi)
	}
	if sat {
		q.sat.Store(true)
	}
	return true
}

// drawPoisson, when set (net_simd_amd64.go), advances the streams of a
// prefix of rng (the lanes it returns) and stores per lane the count of
// t's entries the draw reaches: the vector form of poissonGather's head.
var drawPoisson func(rng []uint32, cnt []int32, t *[4]uint32) int

// poissonGather's cnt is scratch of len(in) counts for drawPoisson, head
// the table's first four entries.
func poissonGather[T int8 | int16 | int32 | int64](in []T, a []int64, rng []uint32, cnt []int32, head *[4]uint32, tab []uint32, w, lo, hi int64) bool {
	a, rng = a[:len(in)], rng[:len(in)]
	t0, t1, t2, t3 := tab[0], tab[1], tab[2], tab[3] // poissonCount's head, hoisted
	sat := false
	done := 0
	if drawPoisson != nil {
		for done < len(in) { // vector chunks of up to 512 lanes; the tail below
			m := min(512, len(in)-done)
			k := drawPoisson(rng[done:done+m], cnt[done:done+m], head)
			for q, c := range cnt[done : done+k] {
				i := done + q
				if c == 4 {
					c = int32(poissonTail(tab, rng[i]))
				}
				v := a[i] + int64(c)*w
				if v < lo || v > hi {
					sat = true
					v = min(max(v, lo), hi)
				}
				in[i] = T(v)
			}
			done += k
			if k < m {
				break
			}
		}
	}
	for i := done; i < len(in); i++ {
		u := Xorshift32(rng[i])
		rng[i] = u
		c := boolInt(u >= t0) + boolInt(u >= t1) + boolInt(u >= t2) + boolInt(u >= t3)
		if c == 4 {
			c = poissonTail(tab, u)
		}
		v := a[i] + int64(c)*w
		if v < lo || v > hi {
			sat = true
			v = min(max(v, lo), hi)
		}
		in[i] = T(v)
	}
	clear(a)
	return sat
}

// dense marks a dense gather of neurons [lo, hi) of a sparse-capable port
// (called from gather's callers once per step): its slot's list is reset.
func (q *netPort) denseDone(slot int) {
	if q.touched != nil {
		q.touched[slot] = q.touched[slot][:0]
		q.dense[slot] = false
		q.inDense = true
	}
}

// gatherSparse is gather of a port whose slot holds few nonzero entries:
// the input entries the last gather set are cleared, the touched ones
// written (sat(A)) and their slot entries cleared.
func (q *netPort) gatherSparse(slot int) {
	a := q.ring[slot]
	t := q.touched[slot]
	var sat bool
	switch {
	case q.i16 != nil:
		sat = sparseCol(q.i16, a, t, q)
	case q.i32 != nil:
		sat = sparseCol(q.i32, a, t, q)
	case q.i8 != nil:
		sat = sparseCol(q.i8, a, t, q)
	default:
		sat = sparseCol(q.i64, a, t, q)
	}
	for _, i := range t {
		a[i] = 0
	}
	q.touched[slot] = t[:0]
	if sat {
		q.sat.Store(true)
	}
}

func sparseCol[T int8 | int16 | int32 | int64](in []T, a []int64, t []int32, q *netPort) bool {
	if q.inDense {
		clear(in)
		q.inDense = false
	} else {
		for _, i := range q.nz {
			in[i] = 0
		}
	}
	q.nz = q.nz[:0]
	sat := false
	for _, i := range t { // a repeated index writes the same word
		v := a[i]
		if v < q.lo || v > q.hi {
			sat = true
			v = min(max(v, q.lo), q.hi)
		}
		in[i] = T(v)
	}
	q.nz = append(q.nz, t...)
	return sat
}

// gatherCol computes in = sat(a + x) (nil: 0), clears a and x and reports
// whether any sum saturated.
func gatherCol[T int8 | int16 | int32 | int64](in []T, a, x []int64, lo, hi int64) bool {
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
			in[i] = T(v)
		}
		clear(a)
		clear(x)
	case a != nil || x != nil:
		if a == nil {
			a = x
		}
		a = a[:len(in)]
		for i, v := range a {
			if v < lo || v > hi {
				sat = true
				v = min(max(v, lo), hi)
			}
			in[i] = T(v)
		}
		clear(a)
	default:
		clear(in)
	}
	return sat
}

// poissonCount is #{k : u ≥ tab[k]} for an ascending table. The first
// four entries are compared without branches (a small mean's draws stop
// there: an unpredictable branch per draw costs more), the rest searched.
func poissonCount(tab []uint32, u uint32) int {
	if len(tab) >= 4 {
		t := tab[:4]
		if c := boolInt(u >= t[0]) + boolInt(u >= t[1]) + boolInt(u >= t[2]) + boolInt(u >= t[3]); c < 4 {
			return c
		}
	}
	return poissonTail(tab, u)
}

// poissonTail is poissonCount of a short table or a draw past its fourth
// entry.
func poissonTail(tab []uint32, u uint32) int {
	if len(tab) < 4 {
		c := 0
		for _, x := range tab {
			c += boolInt(u >= x)
		}
		return c
	}
	lo, hi := 4, len(tab) // first index with tab[k] > u
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

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// plasticity is phase 3 (§4.1 rule 7): traces decay; pre traces of
// spiking neurons get their add, then on pre runs on their rows; post
// traces likewise, then on post on their columns.
func (s *Net) plasticity() error {
	for _, x := range s.spec.Traces {
		for i, v := range x.X {
			x.X[i] = min(max((v*x.Decay)>>x.Frac, x.Lo), x.Hi)
		}
	}
	var err error
	for _, side := range []bool{true, false} {
		for _, x := range s.spec.Traces {
			if x.Pre != side {
				continue
			}
			for _, i := range s.pops[x.Pop].list {
				if x.Set {
					x.X[i] = x.Add
				} else {
					x.X[i] = min(max(x.X[i]+x.Add, x.Lo), x.Hi)
				}
			}
		}
		for i := range s.spec.Projs {
			p := &s.spec.Projs[i]
			if p.Rule < 0 {
				continue
			}
			var e error
			if side {
				e = s.onPre(i)
			} else {
				e = s.onPost(i)
			}
			if e != nil && err == nil {
				err = fmt.Errorf("projection %s: %w", p.Name, e)
			}
		}
	}
	return err
}

// batch loads a phase's events into an EventFunc's buffers and runs them
// a buffer at a time.
type batch struct {
	f      EventFunc
	p      *ProjSpec
	st, in [][]int64
	pre    []int64 // trace words (nil: none)
	post   []int64
	ev     []int32
	n      int
	err    error
}

func (b *batch) add(k, j, i int32) {
	n := b.n
	for s, col := range b.st {
		col[n] = b.p.Syn[s][k]
	}
	if len(b.in) > 0 {
		b.in[0][n] = trWord(b.pre, j)
	}
	if len(b.in) > 1 {
		b.in[1][n] = trWord(b.post, i)
	}
	b.ev[n] = k
	if b.n++; b.n == len(b.ev) {
		b.flush()
	}
}

func trWord(x []int64, i int32) int64 {
	if x == nil {
		return 0
	}
	return x[i]
}

func (b *batch) flush() {
	n := b.n
	if n == 0 {
		return
	}
	b.n = 0
	if e := b.f.Run(n); e != nil && b.err == nil {
		b.err = e
	}
	for s, col := range b.st {
		syn := b.p.Syn[s]
		for q, k := range b.ev[:n] {
			syn[k] = col[q]
		}
	}
}

func (s *Net) newBatch(f EventFunc, p *ProjSpec) *batch {
	st, in := f.Buffers()
	b := &batch{f: f, p: p, st: st, in: in}
	b.ev = make([]int32, len(st[0]))
	if p.PreTrace >= 0 {
		b.pre = s.spec.Traces[p.PreTrace].X
	}
	if p.PostTrace >= 0 {
		b.post = s.spec.Traces[p.PostTrace].X
	}
	return b
}

func (s *Net) onPre(k int) error {
	p := &s.spec.Projs[k]
	f := s.spec.Rules[p.Rule].OnPre
	if f == nil {
		return nil
	}
	b := s.preB[k]
	for _, j := range s.pops[p.Pre].list {
		for k := p.RowStart[j]; k < p.RowStart[j+1]; k++ {
			b.add(k, j, p.Dst[k])
		}
	}
	b.flush()
	err := b.err
	b.err = nil
	return err
}

func (s *Net) onPost(k int) error {
	p := &s.spec.Projs[k]
	f := s.spec.Rules[p.Rule].OnPost
	if f == nil {
		return nil
	}
	b := s.postB[k]
	for _, i := range s.pops[p.Post].list {
		for c := p.ColStart[i]; c < p.ColStart[i+1]; c++ {
			b.add(p.ColSyn[c], p.ColPre[c], i)
		}
	}
	b.flush()
	err := b.err
	b.err = nil
	return err
}
