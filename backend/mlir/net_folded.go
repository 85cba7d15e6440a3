package mlir

import (
	"fmt"
	"math/bits"
	"strings"

	"scc/ir"
)

// The folded network architecture (DESIGN §4.2) in CIRCT MLIR: the same
// top-level interface as the parallel one (ir.NetHW), one sequential core
// over seq.firmem memories (mem.go), so that a network's size is bounded by
// its memory, not by a datapath per neuron and an adder term per synapse.
//
// Memories (every one a seq.firmem, read latency 1, write latency 1, one
// read and one write port):
//
//   - per neuron population: its state memory (one word per neuron, the
//     states packed, state 0 in the low bits) and its spike list (the
//     indices of this step's spikes, ascending, and a count register);
//     every population has a spike list;
//   - per (neuron population, port) with projections into it: the
//     accumulator ring, R·N words of the port's accumulator format (R =
//     ir.Net.RingSize, slot s of neuron i at s·N + i);
//   - per poisson source and per poisson_sum drive target: the xorshift32
//     state of each stream; per spikes source: one bit per neuron, set by
//     AER-in while the core is idle.
//
// Read-only data are array constants read by hw.array_get: per projection
// its CSR rows (row starts, then per synapse its target, delay and weight
// word, in pre order), per generic population each coefficient that
// differs between neurons, per population each initial state that does.
// seq.firmem has no initial contents in the firtool-1.57 syntax (its later
// `init` attribute names an external $readmem file), and the state, ring
// and RNG memories must be reloaded on every reset anyway (sim.Net.Reset),
// so after reset an init sweep writes every writable memory from constants
// and array constants (ready rises when it ends); the ROMs stay array
// constants, which synthesis maps to LUT or block ROM.
//
// One step (ph is the phase register):
//
//	IDLE  ready, not busy: AER-in events set bits of the spikes sources;
//	      step is taken (step_q counts it, the ring slots advance).
//	UPD   one neuron per cycle for every population at once (c counts
//	      the addresses issued, ui the neuron whose words arrive): gather
//	      in = sat(A + X) from the ring slot of the step (cleared behind)
//	      and the drives, the neuron's step function inline (lower.go),
//	      the state written back, a spike appended to the list; sources
//	      draw or read their AER-in bits.
//	PROP  a sequence of jobs, each a walk over a spike list and, per
//	      entry, a row of items, two cycles per item (read, write): the
//	      plasticity events (net_folded_plastic.go), then per projection,
//	      per spike of its pre population, per synapse of the CSR row:
//	      read the target's ring word at the slot of its delay, write it
//	      back plus the weight.
//	AER   the spike lists of the AER-out populations, in order (two
//	      cycles per beat and the handshake).
//	PROBE the sampled records' state words, neuron then var.
//	DONE  done pulses, busy falls.

// Phases of the folded core.
const (
	phInit = iota
	phIdle
	phUpd
	phProp
	phAER
	phProbe
	phDone
	phases
)

// foldgen builds the folded module of one network.
type foldgen struct {
	*netgen
	ph                              string
	phR                             *op
	in                              [phases]string // ph == k
	c, ui, uv                       string         // update sweep
	cw                              int
	q, e, ps, k, kend, ri, rv       string // PROP/AER/PROBE sequencing
	qR, eR, psR, kR, kendR, riR, rR *op
	qw, ew, kw, riw, rvw            int
	ic                              string // init sweep counter
	icw, initN                      int
	cur                             string // the number of the step being run (after take)
	mems                            []*fmem
	fpops                           []*fpop
	projs                           []*fproj
	recs                            []*frec
	jobs                            []*fjob   // PROP phase: plasticity events, then propagation
	traces                          []*ftrace // net_folded_plastic.go
	propEnd                         string
	cases                           map[*op][][2]string // looked up only
}

// fmem is one memory with its write sources (the init sweep first).
type fmem struct {
	m      *op
	init   string // init sweep data ("" when not initialised)
	writes [][3]string
}

type fpop struct {
	gp      *gpop
	n       int
	ab      int    // address bits
	addr    string // clamped sweep address
	act     string // the neuron ui is valid for this population
	uiA     string // ui as an address
	list    *fmem
	cnt     string
	cntR    *op
	cntw    int
	listRd  string
	fire    string // this cycle's spike (UPD)
	state   *fmem
	stW     []int
	stOff   []int
	stateRd string
	rings   []*fring // by port (nil: no projection)
	sl      string   // ring slot of the step
	slw     int
	ringN   int
	satAny  []string
	// actWrites: writes of other memories (poisson_sum streams) enabled
	// with act and their own condition.
	actWrites []actWrite
}

type fring struct {
	mem  *fmem
	accW int
	rd   string
	aw   int
}

type fproj struct {
	pr              *ir.Proj
	pre, post       *fpop
	ns              int
	kw              int
	addr            string // propagate: the ring word of synapse k
	rowStart        []int64
	dst, del, words []int64 // CSR order, one pad entry
	pl              *fplastic
}

// fjob is one walk of the PROP phase: over the spike list of a
// population, per entry over a row of items (rowStart by the entry's
// neuron), two cycles per item (read, write).
type fjob struct {
	kind     int
	name     string
	list     *fpop
	rowStart []int64
	kw       int
	fq       *fproj  // jobProp, jobPre, jobPost
	tr       *ftrace // jobAdd
	kk       string  // the item (kw bits)
	on, wr   string  // the job runs; its write cycle
}

// Kinds of jobs.
const (
	jobPre  = iota // on pre events of a plastic projection (CSR rows)
	jobAdd         // the add of a post trace (one item per spike)
	jobPost        // on post events (rows by post neuron)
	jobProp        // propagation (CSR rows)
)

type frec struct {
	r       *ir.Record
	fp      *fpop
	vars    []int
	sampled string
}

func buildFolded(m *ir.Module, n *ir.Net) (*hwModule, error) {
	g := &foldgen{netgen: &netgen{m: m, n: n, file: m.File, hw: n.HW(m)}}
	if err := g.validateFolded(); err != nil {
		return nil, err
	}
	hm := g.build()
	if err := check(hm); err != nil {
		panic(fmt.Sprintf("mlir: internal error: emitted folded network fails the width/dominance check: %v", err))
	}
	return hm, nil
}

// validateFolded is validate without the parallel architecture's synapse
// limit.
func (g *foldgen) validateFolded() error {
	n := g.n
	for _, p := range n.Pops {
		if f := g.m.Func(p.Func); p.Kind == ir.PopNeuron && f != nil && len(f.States) == 0 {
			return fmt.Errorf("%v: mlir: population %s: %s has no state, which the folded architecture keeps in memory", p.Pos, p.Name, f.Name)
		}
	}
	saved := n.Projs
	// validate's synapse limit is the parallel architecture's: check the
	// rest on a copy without projections, the projections here.
	c := *n
	c.Projs = nil
	g.netgen.n = &c
	err := g.netgen.validate()
	g.netgen.n = n
	if err != nil {
		return err
	}
	if err := g.netgen.validatePlastic(); err != nil {
		return err
	}
	for _, pr := range saved {
		pre, post := n.NetPop(pr.Pre), n.NetPop(pr.Post)
		if pre == nil || post == nil || post.Kind != ir.PopNeuron {
			return fmt.Errorf("%v: mlir: projection %s: bad populations %q → %q", pr.Pos, pr.Name, pr.Pre, pr.Post)
		}
		ns := pr.Synapses()
		if len(pr.PostIdx) != ns || len(pr.Delay) != ns || len(pr.Words) != ns {
			return fmt.Errorf("%v: mlir: projection %s: synapse arrays of unequal length", pr.Pos, pr.Name)
		}
		for k := range ns {
			if j, i := pr.PreIdx[k], pr.PostIdx[k]; j < 0 || int(j) >= pre.Size || i < 0 || int(i) >= post.Size || pr.Delay[k] < 1 {
				return fmt.Errorf("%v: mlir: projection %s: synapse %d (%d → %d, delay %d) out of range", pr.Pos, pr.Name, k, j, i, pr.Delay[k])
			}
		}
	}
	return nil
}

func foldedHeader(sb *strings.Builder, n *ir.Net) {
	fmt.Fprintf(sb, "// Network %s, folded architecture (DESIGN §4.2): one sequential core over seq.firmem memories\n", n.Name)
	sb.WriteString("// (read and write latency 1), ROMs as hw.aggregate_constant + hw.array_get; ports of ir.NetHW.\n")
}

// assign sets r's next value: the value of the first case whose condition
// holds, else r's own.
func (g *foldgen) assign(r *op, cases ...[2]string) {
	next := r.name
	for i := len(cases) - 1; i >= 0; i-- {
		next = g.b.mux(cases[i][0], cases[i][1], next, r.width, "next")
	}
	g.setNext(r, next)
}

func (g *foldgen) and(xs ...string) string {
	r := xs[0]
	for _, x := range xs[1:] {
		r = g.b.binop(kAnd, r, x, 1, "and")
	}
	return r
}

func (g *foldgen) or(xs ...string) string {
	r := xs[0]
	for _, x := range xs[1:] {
		r = g.b.binop(kOr, r, x, 1, "or")
	}
	return r
}

func (g *foldgen) eqc(x string, w int, v int64) string {
	return g.b.icmp("eq", x, g.b.constant(v, w), "is")
}

func (g *foldgen) inc(x string, w int) string {
	return g.b.binop(kAdd, x, g.b.constant(1, w), w, "inc")
}

// uz resizes an unsigned value.
func (g *foldgen) uz(x string, from, to int) string {
	return g.b.resize(num{x, from, false}, to)
}

func (g *foldgen) newMem(stem string, depth, width int) *fmem {
	fm := &fmem{m: g.b.memory(stem, depth, width)}
	g.mems = append(g.mems, fm)
	return fm
}

// initAddr is the init sweep counter as an address of fm.
func (g *foldgen) initAddr(fm *fmem) string {
	return g.uz(g.ic, g.icw, addrWidth(fm.m.depth))
}

// valueOf returns element i's value of vals through an array constant
// indexed by idx (iw bits), or the shared constant when all are equal.
func (g *foldgen) valueOf(stem string, vals []int64, w int, idx string, iw int) string {
	same := true
	for _, v := range vals {
		same = same && v == vals[0]
	}
	if same && len(vals) > 0 {
		return g.b.constant(vals[0], w)
	}
	a := g.b.array(stem, w, vals)
	return g.b.arrayGet(a, g.uz(idx, iw, addrWidth(a.depth)), "rom")
}

func (g *foldgen) build() *hwModule {
	n, h := g.n, g.hw
	g.hm = &hwModule{name: n.ModuleName(), pos: g.pos(n.Pos)}
	g.hm.note = fmt.Sprintf("network %s (folded): %d population(s), %d projection(s), %d drive(s), dt %s ms; AER words {pop:%d, index:%d}",
		n.Name, len(n.Pops), len(n.Projs), len(n.Drives), ir.FormatFloat(n.Dt), h.PopBits, h.IndexBits)
	g.b = newBuilder(g.hm)
	g.rom = &lowerer{builder: g.b}
	b := g.b
	netHWInputs(b, g.hm, h)
	for i, p := range n.Pops {
		gp := &gpop{p: p, idx: i}
		if p.Kind == ir.PopNeuron {
			gp.fn = g.m.Func(p.Func)
		}
		g.pops = append(g.pops, gp)
	}
	g.plan()

	// Control registers.
	b.pos, b.base = g.hm.pos, "rst"
	b.note = "active-low asynchronous reset"
	g.rst = b.binop(kXor, "rst_n", b.constant(1, 1), 1, "")
	b.base = "ctl"
	g.ph, g.phR = g.reg("ph", 3, phInit, "phase: 0 init sweep, 1 idle, 2 update, 3 propagate, 4 AER-out, 5 probe, 6 done")
	for k := range phases {
		g.in[k] = g.eqc(g.ph, 3, int64(k))
	}
	g.icw = bits.Len(uint(g.initN))
	var icR *op
	g.ic, icR = g.reg("ic", g.icw, 0, fmt.Sprintf("init sweep: %d cycles writing every memory's initial words", g.initN))
	stepQ, stepR := g.reg("step_r", 32, 0, "step_q: the number of the last step taken")
	g.take = g.and("step", g.in[phIdle])
	g.cur = stepQ
	g.assign(stepR, [2]string{g.take, g.inc(stepQ, 32)})
	initEnd := g.and(g.in[phInit], g.eqc(g.ic, g.icw, int64(g.initN-1)))
	g.assign(icR, [2]string{g.in[phInit], g.inc(g.ic, g.icw)})

	L := 1
	for _, fp := range g.fpops {
		L = max(L, fp.n)
	}
	g.cw = bits.Len(uint(L))
	b.base = "upd"
	var cR, uiR, uvR *op
	g.c, cR = g.reg("c", g.cw, 0, fmt.Sprintf("update sweep: the address issued (%d neurons)", L))
	g.ui, uiR = g.reg("ui", g.cw, 0, "update sweep: the neuron whose words arrive")
	g.uv, uvR = g.reg("uv", 1, 0, "")
	issuing := g.and(g.in[phUpd], b.icmp("ult", g.c, b.constant(int64(L), g.cw), "issue"))
	g.assign(cR, [2]string{g.take, b.constant(0, g.cw)}, [2]string{issuing, g.inc(g.c, g.cw)})
	g.setNext(uiR, g.c)
	g.setNext(uvR, issuing)
	updEnd := g.and(g.in[phUpd], g.uv, g.eqc(g.ui, g.cw, int64(L-1)))

	maxN := 1
	for _, fp := range g.fpops {
		maxN = max(maxN, fp.n)
	}
	g.qw = bits.Len(uint(max(len(g.jobs), len(g.fpops), len(g.recs), 1)))
	g.ew = bits.Len(uint(maxN))
	g.kw = 1
	for _, jb := range g.jobs {
		g.kw = max(g.kw, jb.kw)
	}
	maxRec, maxVars := 1, 1
	for _, r := range g.recs {
		maxRec = max(maxRec, r.r.Hi-r.r.Lo)
		maxVars = max(maxVars, len(r.vars))
	}
	g.riw, g.rvw = bits.Len(uint(maxRec)), bits.Len(uint(maxVars))
	b.base = "seq"
	g.q, g.qR = g.reg("q", g.qw, 0, "propagate: the projection; AER-out: the population; probe: the record")
	g.e, g.eR = g.reg("e", g.ew, 0, "propagate and AER-out: the spike list entry")
	g.ps, g.psR = g.reg("ps", 2, 0, "sub-phase (propagate: 0 list, 1 row, 2 read, 3 write; streams: 0 fetch, 1 send)")
	g.k, g.kR = g.reg("k", g.kw, 0, "propagate: the synapse")
	g.kend, g.kendR = g.reg("kend", g.kw, 0, "propagate: the end of the row")
	g.ri, g.riR = g.reg("ri", g.riw, 0, "probe: the neuron, from the record's first")
	g.rv, g.rR = g.reg("rv", g.rvw, 0, "probe: the var")

	g.popRegs()
	g.readPorts()
	g.update()
	g.propagate()
	aerV, aerD, aerL, aerEnd := g.aerOut()
	prV, prD, prL, prEnd := g.probe()

	// Phase and sequencing registers.
	b.pos, b.base = g.hm.pos, "ctl"
	propEnd := g.propEnd
	g.assign(g.phR,
		[2]string{initEnd, b.constant(phIdle, 3)},
		[2]string{g.take, b.constant(phUpd, 3)},
		[2]string{updEnd, b.constant(phProp, 3)},
		[2]string{propEnd, b.constant(phAER, 3)},
		[2]string{aerEnd, b.constant(phProbe, 3)},
		[2]string{prEnd, b.constant(phDone, 3)},
		[2]string{g.in[phDone], b.constant(phIdle, 3)})
	g.sequencing(updEnd, propEnd, aerEnd)

	// Sticky saturation flags, bit k = h.Sat[k].
	var satBits []string
	for _, sb := range h.Sat {
		gp := g.popByName(sb.Pop)
		fp := g.fpops[gp.idx]
		b.pos, b.base = g.pos(gp.p.Pos), "sat"
		q, r := g.reg(fmt.Sprintf("sat_%s_%s", gp.p.Name, safeName(sb.PortName)), 1, 0,
			fmt.Sprintf("sticky saturation flag of %s.%s (sat_q bit %d), cleared by reset only", sb.Pop, sb.PortName, len(satBits)))
		g.setNext(r, g.or(q, fp.satAny[sb.Port]))
		satBits = append(satBits, q)
	}
	b.pos = g.hm.pos
	satOut := b.constant(0, 1)
	if len(satBits) > 0 {
		satOut = g.vector(satBits, "sat_q")
	}

	g.writePorts()

	b.base = "ctl"
	ready := b.icmp("ne", g.ph, b.constant(phInit, 3), "ready")
	busy := b.icmp("uge", g.ph, b.constant(phUpd, 3), "busy")
	aerInReady := g.in[phIdle]
	vals := []string{ready, busy, g.in[phDone], stepQ, satOut, aerInReady, aerV, aerD, aerL, prV, prD, prL}
	out := netHWOutputs(g.hm, h, vals)
	b.add(out, "")
	return g.hm
}
