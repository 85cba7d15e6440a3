package mlir

import (
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strings"

	"scc/ir"
	"scc/lang"
)

// Networks (DESIGN §4.1, §4.2): EmitNet writes one flat hw.module for a
// network in the parallel architecture, with the top-level interface of
// ir.NetHW (the same ports, AER words, sat_q bits and probe stream as the
// SystemVerilog architectures of backend/sv).
//
// Inside, one network step is one cycle with `take` high (the internal en):
// every neuron is its DESIGN §4 datapath, lowered inline by the neuron
// lowerer of lower.go (so a generic Func's coefficients become each
// neuron's own constants); spikes travel through delay lines of spike
// vectors (s(t-1) is the spike register itself, s(t-d) a seq.firreg chain
// shifted on take); each port of each neuron sums its synapses in a
// balanced comb.add tree of comb.mux(spike bit, w, 0) terms in the port's
// ir.Net.AccWidth (exact: the sum fits), adds the drive term X in a width
// that holds both exactly, and saturates once into the port's format
// (comb.icmp/comb.mux) with a sticky flag per (population, port). Poisson
// sources and poisson_sum drives run one xorshift32 register per stream,
// seeded with the formula of runtime.StreamSeed (streamSeed below; a test
// holds them equal). Spikes sources come from AER-in.
//
// The control around the step (netgen.control): ready is a register set
// one cycle after reset; step is taken when ready is high and busy low;
// that cycle is the step (take), busy rises, and the spikes of the step
// (AER-out) and the probed words (probe stream) are loaded into two
// pending masks, one bit per beat; each stream sends its lowest pending
// beat (a comb.mux priority chain) and clears it when accepted
// (pend & (pend - 1)); last marks the one remaining bit. done pulses in the
// first cycle of busy with both masks empty, and busy falls with it.
// AER-in events are compared with every AER-in neuron's word and set its
// bit in a mask while the core is idle (aer_in_ready = ready & !busy); the
// step taken reads the mask (and an event accepted in the same cycle) as
// the sources' spikes of that step and clears it.
//
// Plasticity rules run in the take cycle (net_plastic.go).
//
// The folded architecture (NetOptions.Arch = ArchFolded) is built by
// net_folded.go: one sequential core over seq.firmem memories.

// Arch is a network architecture (as backend/sv's, which this package
// cannot import).
type Arch uint8

// Architectures.
const (
	ArchParallel Arch = iota + 1 // one datapath per neuron, one step per take cycle
	ArchFolded                   // one sequential core over seq.firmem memories (net_folded.go)
)

func (a Arch) String() string {
	switch a {
	case ArchParallel:
		return "parallel"
	case ArchFolded:
		return "folded"
	}
	return fmt.Sprintf("Arch(%d)", uint8(a))
}

// MaxParallelSynapses is the most synapses EmitNet lays out in the parallel
// architecture: at about 14 LUT per synapse (DESIGN §4.2) more fill no
// FPGA scc targets, and the flat module grows by about 600 bytes of MLIR
// per synapse.
const MaxParallelSynapses = 1 << 16

// NetOptions control EmitNet.
type NetOptions struct {
	Options      // Generic, Version (Top is ignored: the network is given)
	Arch    Arch // 0 means ArchParallel
}

// EmitNet writes network n of module m (fixed phase, verified; generic
// Funcs allowed) as one hw.module named n.ModuleName() with the ports of
// ir.NetHW. The output depends only on m, n and opt, and it passes the
// width and dominance check before anything is written.
func EmitNet(w io.Writer, m *ir.Module, n *ir.Net, opt NetOptions) error {
	hm, err := buildNet(m, n, opt)
	if err != nil {
		return err
	}
	var sb strings.Builder
	netHeader(&sb, m, n, opt)
	sb.WriteString("\n")
	if opt.Generic {
		printGeneric(&sb, hm)
	} else {
		printPretty(&sb, hm)
	}
	_, err = io.WriteString(w, sb.String())
	return err
}

// netTop returns the network of populations top names when no function
// has that name, else nil.
func netTop(m *ir.Module, top string) *ir.Net {
	if top == "" || m == nil || m.Func(top) != nil {
		return nil
	}
	if n := m.Net(top); n != nil && len(n.Pops) > 0 {
		return n
	}
	return nil
}

func buildNet(m *ir.Module, n *ir.Net, opt NetOptions) (*hwModule, error) {
	if m == nil || n == nil {
		return nil, errors.New("mlir: nil module or network")
	}
	if m.Phase != ir.Fixed {
		return nil, fmt.Errorf("mlir: module %q is in the %v phase; the MLIR backend needs fixed-phase IR (run quantize)", m.File, m.Phase)
	}
	if err := ir.Verify(m); err != nil {
		return nil, fmt.Errorf("mlir: %v", err)
	}
	switch opt.Arch {
	case 0, ArchParallel:
	case ArchFolded:
		return buildFolded(m, n) // net_folded.go
	default:
		return nil, fmt.Errorf("mlir: unknown architecture %v", opt.Arch)
	}
	g := &netgen{m: m, n: n, file: m.File, hw: n.HW(m)}
	if err := g.validate(); err != nil {
		return nil, err
	}
	hm := g.build()
	if err := check(hm); err != nil {
		panic(fmt.Sprintf("mlir: internal error: emitted network fails the width/dominance check: %v", err))
	}
	return hm, nil
}

func netHeader(sb *strings.Builder, m *ir.Module, n *ir.Net, opt NetOptions) {
	form := "pretty form"
	if opt.Generic {
		form = "generic op form"
	}
	version := opt.Version
	if version == "" {
		version = "(devel)"
	}
	fmt.Fprintf(sb, "// Code generated by scc %s from %s. DO NOT EDIT.\n", version, m.File)
	fmt.Fprintf(sb, "// CIRCT MLIR (hw, comb, seq, verif), %s, syntax of firtool-%s and later:\n", form, CIRCTVersion)
	sb.WriteString("// in/out module ports (llvm/circt #6205, firtool-1.57.0), !seq.clock (#6139, firtool-1.56.0),\n")
	sb.WriteString("// registers `seq.firreg %next clock %clk reset async %rst, %init : iW` with %rst = ~rst_n.\n")
	if opt.Arch == ArchFolded {
		foldedHeader(sb, n) // net_folded.go
	} else {
		fmt.Fprintf(sb, "// Network %s, parallel architecture (DESIGN §4.2): one flat module, one step per cycle with\n", n.Name)
		sb.WriteString("// %take high; ports of ir.NetHW (ready, step, busy, done, step_q, sat_q, AER-in, AER-out, probe).\n")
	}
	fmt.Fprintf(sb, "// Source: %s\n", m.File)
}

// netgen builds the module of one network.
type netgen struct {
	m    *ir.Module
	n    *ir.Net
	file string
	hw   ir.NetHW
	hm   *hwModule
	b    *builder
	rom  *lowerer // for rom() on the builder

	rst, take, tn string // reset, the step cycle, the number of the step taken
	pops          []*gpop
	traces        []*gtrace // net_plastic.go
	plastic       []*gproj
}

// gpop is one population being built.
type gpop struct {
	p      *ir.Pop
	idx    int
	fn     *ir.Func
	regs   [][]num    // neurons: [neuron][state] register
	rops   [][]*op    // neurons: [neuron][state] the register op
	spq    []string   // neurons: spike register (or false)
	spr    []*op      // neurons: spike register (nil: the model never spikes)
	spike  []string   // this step's spike of each neuron (comb, valid in the take cycle)
	hist   []string   // hist[d-1]: vector register of s(t-d), d ≥ 2 (hist[0] unused for neurons)
	in     [][]string // neurons: [neuron][port] gathered input
	satAny []string   // neurons: [port] any neuron's cast saturated this step
	x      [][]num    // neurons: [port][neuron] drive term X (name "" when none)
	xlo    [][]int64  // bounds of x
	xhi    [][]int64
}

func (g *netgen) validate() error {
	n := g.n
	if len(n.Pops) == 0 {
		return fmt.Errorf("%v: mlir: network %s has no populations", n.Pos, n.Name)
	}
	if !isBareID(n.ModuleName()) {
		return fmt.Errorf("%v: mlir: network name %q is not a valid module name", n.Pos, n.Name)
	}
	for _, p := range n.Pops {
		if !isBareID(p.Name) {
			return fmt.Errorf("%v: mlir: population name %q is not a valid identifier", p.Pos, p.Name)
		}
		switch p.Kind {
		case ir.PopExtern:
			return fmt.Errorf("%v: mlir: network %s: population %s is an SC layer (extern), which the MLIR network emission does not support", p.Pos, n.Name, p.Name)
		case ir.PopSource:
			if p.Source == nil {
				return fmt.Errorf("%v: mlir: source population %s has no source", p.Pos, p.Name)
			}
		case ir.PopNeuron:
			f := g.m.Func(p.Func)
			if f == nil {
				return fmt.Errorf("%v: mlir: population %s runs %q, which the module does not define", p.Pos, p.Name, p.Func)
			}
			for _, in := range f.Inputs {
				if in.Type.Kind != ir.KFixed {
					return fmt.Errorf("%v: mlir: population %s: input %s of %s has type %v; a network port needs a fixed-point format", p.Pos, p.Name, in.Name, f.Name, in.Type)
				}
			}
			for _, s := range f.States {
				if !isBareID(s.Name) {
					return fmt.Errorf("%v: mlir: state %q of %s gives no valid name", p.Pos, s.Name, f.Name)
				}
			}
		}
	}
	for _, pr := range n.Projs {
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
	if err := g.validatePlastic(); err != nil {
		return err
	}
	total := 0
	for _, pr := range n.Projs {
		total += pr.Synapses()
	}
	if total > MaxParallelSynapses {
		return fmt.Errorf("%v: mlir: network %s has %d synapses; the parallel architecture lays out at most %d (one adder-tree term each): use the folded architecture (scc build --arch folded, SystemVerilog)", n.Pos, n.Name, total, MaxParallelSynapses)
	}
	for _, d := range n.Drives {
		for _, tg := range d.Targets {
			p := n.NetPop(tg.Pop)
			if p == nil || p.Kind != ir.PopNeuron || tg.Lo < 0 || tg.Hi > p.Size || tg.Lo > tg.Hi {
				return fmt.Errorf("%v: mlir: drive %s: bad target %s[%d:%d]", d.Pos, d.Name, tg.Pop, tg.Lo, tg.Hi)
			}
			if f := g.m.Func(p.Func); tg.Port < 0 || tg.Port >= len(f.Inputs) {
				return fmt.Errorf("%v: mlir: drive %s: %s has no input %d", d.Pos, d.Name, f.Name, tg.Port)
			}
		}
	}
	return nil
}

func (g *netgen) pos(p lang.Pos) lang.Pos { return withFile(p, g.file) }

// reg creates a register named stem (width w, reset value init) whose next
// value is given later by setNext or commit (a seq.firreg's next value is
// the one operand that may be defined after it).
func (g *netgen) reg(stem string, w int, init int64, note string) (string, *op) {
	b := g.b
	c := b.constant(init, w)
	q := b.fresh(stem)
	b.note = note
	o := &op{kind: kFirReg, name: q, width: w, args: []string{"", "clk", g.rst, c}}
	b.add(o, "")
	return q, o
}

// setNext makes v the next value of register r.
func (g *netgen) setNext(r *op, v string) { r.args[0] = v }

// commit makes the next value of register r v in the take cycle, its own
// value otherwise.
func (g *netgen) commit(r *op, v string) {
	g.setNext(r, g.b.mux(g.take, v, r.name, r.width, "next"))
}

// tree combines xs (each w bits) pairwise with k into one value.
func (g *netgen) tree(k kind, xs []string, w int, tag string) string {
	for len(xs) > 1 {
		var next []string
		for i := 0; i+1 < len(xs); i += 2 {
			next = append(next, g.b.binop(k, xs[i], xs[i+1], w, tag))
		}
		if len(xs)%2 == 1 {
			next = append(next, xs[len(xs)-1])
		}
		xs = next
	}
	return xs[0]
}

// vector concatenates bits (bit k of the result is bits[k]).
func (g *netgen) vector(bits []string, tag string) string {
	if len(bits) == 1 {
		return bits[0]
	}
	rev := make([]string, len(bits))
	for k, x := range bits {
		rev[len(bits)-1-k] = x
	}
	return g.b.concat(len(bits), tag, rev...)
}

func (g *netgen) bit(vec string, w, k int) string {
	if w == 1 {
		return vec
	}
	return g.b.extract(vec, k, 1, "bit")
}

// signedBits is the smallest width holding every integer in [lo, hi] as a
// two's complement word (at least 1).
func signedBits(lo, hi int64) int {
	w := 1
	for lo < -(int64(1)<<(w-1)) || hi > int64(1)<<(w-1)-1 {
		w++
	}
	return w
}

// netHWOutputNames are a network top's outputs (ir.NetHW), in port order.
var netHWOutputNames = []string{"ready", "busy", "done", "step_q", "sat_q", "aer_in_ready", "aer_out_valid",
	"aer_out_data", "aer_out_last", "probe_valid", "probe_data", "probe_last"}

// netHWInputs gives hm the inputs of a network top (ir.NetHW) and reserves
// every port name of the top in b; both architectures share them.
func netHWInputs(b *builder, hm *hwModule, h ir.NetHW) {
	hm.ins = []port{{name: "clk", width: clockWidth}, {name: "rst_n", width: 1}, {name: "step", width: 1},
		{name: "aer_in_valid", width: 1}, {name: "aer_in_data", width: h.AERWidth}, {name: "aer_in_last", width: 1},
		{name: "aer_out_ready", width: 1}, {name: "probe_ready", width: 1}}
	for _, p := range hm.ins {
		if err := b.reserve(p.name); err != nil {
			panic(err)
		}
	}
	for _, o := range netHWOutputNames {
		if err := b.reserve(o); err != nil {
			panic(err)
		}
	}
}

// netHWOutputs appends hm's outputs, vals in netHWOutputNames order, and
// returns the output op that drives them (for the caller to add).
func netHWOutputs(hm *hwModule, h ir.NetHW, vals []string) *op {
	widths := []int{1, 1, 1, 32, max(len(h.Sat), 1), 1, 1, h.AERWidth, 1, 1, h.ProbeWidth, 1}
	out := &op{kind: kOutput}
	for k, name := range netHWOutputNames {
		hm.outs = append(hm.outs, port{name: name, width: widths[k], value: vals[k]})
		out.args = append(out.args, vals[k])
	}
	return out
}

func (g *netgen) build() *hwModule {
	n, h := g.n, g.hw
	g.hm = &hwModule{name: n.ModuleName(), pos: g.pos(n.Pos)}
	g.hm.note = fmt.Sprintf("network %s: %d population(s), %d projection(s), %d drive(s), dt %s ms; AER words {pop:%d, index:%d}",
		n.Name, len(n.Pops), len(n.Projs), len(n.Drives), ir.FormatFloat(n.Dt), h.PopBits, h.IndexBits)
	g.b = newBuilder(g.hm)
	g.rom = &lowerer{builder: g.b}
	b := g.b
	netHWInputs(b, g.hm, h)

	// Control registers.
	b.pos, b.base = g.hm.pos, "rst"
	b.note = "active-low asynchronous reset"
	g.rst = b.binop(kXor, "rst_n", b.constant(1, 1), 1, "")
	b.base = "ctl"
	readyQ, readyR := g.reg("ready_q", 1, 0, "ready: set one cycle after reset (every register holds its reset value then)")
	busyQ, busyR := g.reg("busy_q", 1, 0, "busy: from the step taken until done")
	stepQ, stepR := g.reg("step_r", 32, 0, "step_q: the number of the last committed step")
	idle := b.binop(kAnd, readyQ, b.not(busyQ), 1, "idle")
	b.note = "take: the cycle of one network step (the internal en)"
	g.take = b.binop(kAnd, "step", idle, 1, "take")
	b.note = "tn: the number of the step being taken"
	g.tn = b.binop(kAdd, stepQ, b.constant(1, 32), 32, "tn")

	for i, p := range n.Pops {
		g.pops = append(g.pops, &gpop{p: p, idx: i})
	}
	g.neuronRegs()
	g.sources(idle)
	g.delayLines()
	g.drives()
	g.plasticRegs()
	g.gather()
	g.neurons()
	g.plasticity()

	// Sticky saturation flags, bit k = h.Sat[k].
	b.pos, b.base = g.hm.pos, "sat"
	var satBits []string
	for _, sb := range h.Sat {
		gp := g.popByName(sb.Pop)
		b.pos = g.pos(gp.p.Pos)
		q, r := g.reg(fmt.Sprintf("sat_%s_%s", gp.p.Name, safeName(sb.PortName)), 1, 0,
			fmt.Sprintf("sticky saturation flag of %s.%s (sat_q bit %d), cleared by reset only", sb.Pop, sb.PortName, len(satBits)))
		set := b.binop(kAnd, g.take, gp.satAny[sb.Port], 1, "set")
		g.setNext(r, b.binop(kOr, q, set, 1, "or"))
		satBits = append(satBits, q)
	}
	b.pos = g.hm.pos
	satOut := b.constant(0, 1)
	if len(satBits) > 0 {
		satOut = g.vector(satBits, "sat_q")
	}

	// Streams.
	b.base = "aer_out"
	var outBits []string
	var outWords []string
	for _, gp := range g.pops {
		if !h.AEROut[gp.idx] {
			continue
		}
		for j, s := range gp.spike {
			outBits = append(outBits, s)
			outWords = append(outWords, b.constant(int64(h.AERWord(gp.idx, j)), h.AERWidth))
		}
	}
	aerValid, aerData, aerLast, aerEmpty := g.stream("aer_out", outBits, outWords, h.AERWidth, "aer_out_ready",
		"AER-out: the spikes of the step, populations in order, ascending index")
	probeBits, probeWords := g.probes()
	prValid, prData, prLast, prEmpty := g.stream("probe", probeBits, probeWords, h.ProbeWidth, "probe_ready",
		"probe: each sampled record's words, records in order, neuron then var")

	b.pos, b.base = g.hm.pos, "ctl"
	b.note = "done: the step is committed and every beat of it was accepted"
	done := b.binop(kAnd, busyQ, b.binop(kAnd, aerEmpty, prEmpty, 1, "empty"), 1, "done")
	g.setNext(readyR, b.constant(1, 1))
	busyHold := b.binop(kAnd, busyQ, b.not(done), 1, "hold")
	g.setNext(busyR, b.binop(kOr, g.take, busyHold, 1, "next"))
	g.commit(stepR, g.tn)

	g.hm.outs = nil
	vals := []string{readyQ, busyQ, done, stepQ, satOut, idle, aerValid, aerData, aerLast, prValid, prData, prLast}
	out := netHWOutputs(g.hm, h, vals)
	b.pos = g.hm.pos
	b.add(out, "")
	return g.hm
}

func safeName(s string) string {
	if isBareID(s) {
		return s
	}
	return "port"
}

func (g *netgen) popByName(name string) *gpop {
	for _, gp := range g.pops {
		if gp.p.Name == name {
			return gp
		}
	}
	return nil
}

// neuronRegs creates every neuron's state and spike registers (their next
// values are defined by neurons, after the gather that reads the spikes).
func (g *netgen) neuronRegs() {
	b := g.b
	for _, gp := range g.pops {
		p := gp.p
		if p.Kind != ir.PopNeuron {
			continue
		}
		f := g.m.Func(p.Func)
		gp.fn = f
		init := make([][]int64, len(f.States))
		for s, st := range f.States {
			init[s] = make([]int64, p.Size)
			for i := range init[s] {
				init[s][i] = st.InitRaw
			}
		}
		for _, pi := range p.Init {
			if pi.Index >= 0 && pi.Index < len(f.States) && len(pi.Words) == p.Size {
				copy(init[pi.Index], pi.Words)
			}
		}
		spikeOp := findSpike(f)
		for i := range p.Size {
			var regs []num
			var ros []*op
			for s, st := range f.States {
				b.pos, b.base = g.pos(st.Pos), fmt.Sprintf("%s_%d_%s", p.Name, i, st.Name)
				w, sg := numType(st.Type)
				note := ""
				if i == 0 {
					note = fmt.Sprintf("population %s (%s): state %q : %v", p.Name, f.Name, st.Name, st.Type)
				}
				q, r := g.reg(b.base, w, init[s][i], note)
				regs = append(regs, num{q, w, sg})
				ros = append(ros, r)
			}
			gp.regs = append(gp.regs, regs)
			gp.rops = append(gp.rops, ros)
			if spikeOp != nil {
				b.pos, b.base = g.pos(spikeOp.Pos), fmt.Sprintf("%s_%d_spike", p.Name, i)
				q, r := g.reg(b.base+"_q", 1, 0, "")
				gp.spq = append(gp.spq, q)
				gp.spr = append(gp.spr, r)
			} else {
				b.pos = g.pos(p.Pos)
				gp.spq = append(gp.spq, b.constant(0, 1))
				gp.spr = append(gp.spr, nil)
			}
		}
	}
}

// xorshift32 returns x ^= x<<13; x ^= x>>17; x ^= x<<5 on a 32-bit value.
func (g *netgen) xorshift32(x string) string {
	b := g.b
	shl := func(v string, s int) string {
		return b.concat(32, "shl", b.extract(v, 0, 32-s, "lo"), b.constant(0, s))
	}
	shr := func(v string, s int) string {
		return b.concat(32, "shr", b.constant(0, s), b.extract(v, s, 32-s, "hi"))
	}
	x = b.binop(kXor, x, shl(x, 13), 32, "xs")
	x = b.binop(kXor, x, shr(x, 17), 32, "xs")
	return b.binop(kXor, x, shl(x, 5), 32, "xs")
}

// sources builds the spikes of every source population for the step
// taken: xorshift32 streams for poisson, the AER-in mask for spikes.
func (g *netgen) sources(idle string) {
	b, h := g.b, g.hw
	var inQ string
	var inR *op
	var inHits []string
	inWidth := 0
	for _, gp := range g.pops {
		if h.AERIn[gp.idx] {
			inWidth += gp.p.Size
		}
	}
	if inWidth > 0 {
		b.pos, b.base = g.hm.pos, "aer_in"
		inQ, inR = g.reg("aer_in_q", inWidth, 0, "AER-in: the spikes of the next step, one bit per AER-in neuron")
	}
	b.pos, b.base = g.hm.pos, "aer_in"
	accept := b.binop(kAnd, "aer_in_valid", idle, 1, "accept")
	k := 0
	for _, gp := range g.pops {
		p := gp.p
		if p.Kind != ir.PopSource {
			continue
		}
		src := p.Source
		b.pos = g.pos(p.Pos)
		switch {
		case h.AERIn[gp.idx]:
			b.base = p.Name
			for j := range p.Size {
				w := b.constant(int64(h.AERWord(gp.idx, j)), h.AERWidth)
				hit := b.binop(kAnd, accept, b.icmp("eq", "aer_in_data", w, "is"), 1, "hit")
				inHits = append(inHits, hit)
				gp.spike = append(gp.spike, b.binop(kOr, g.bit(inQ, inWidth, k), hit, 1, "s"))
				k++
			}
		case src.Kind == ir.SourcePoisson:
			b.base = p.Name
			b.note = fmt.Sprintf("poisson source %s: active %d ≤ t < %d (0: forever), spike iff draw < %d", p.Name, src.Start, src.Stop, src.Threshold)
			active := b.constant(1, 1)
			if src.Start > 0 {
				active = b.icmp("uge", g.tn, b.constant(int64(src.Start), 32), "started")
			}
			if src.Stop > 0 {
				active = b.binop(kAnd, active, b.icmp("ult", g.tn, b.constant(int64(src.Stop), 32), "running"), 1, "active")
			}
			th := b.constant(int64(src.Threshold), 32)
			for j := range p.Size {
				b.base = fmt.Sprintf("%s_%d", p.Name, j)
				q, r := g.reg(b.base+"_rng", 32, int64(streamSeed(src.Seed, src.Stream, j)), "")
				u := g.xorshift32(q)
				g.commit(r, u)
				gp.spike = append(gp.spike, b.binop(kAnd, active, b.icmp("ult", u, th, "lt"), 1, "s"))
			}
		default:
			b.base = p.Name
			for range p.Size {
				gp.spike = append(gp.spike, b.constant(0, 1))
			}
		}
	}
	if inWidth > 0 {
		b.pos, b.base = g.hm.pos, "aer_in"
		set := b.binop(kOr, inQ, g.vector(inHits, "hits"), inWidth, "set")
		g.setNext(inR, b.mux(g.take, b.constant(0, inWidth), set, inWidth, "next"))
	}
}

// delayLines builds, per population with outgoing projections of delay
// D ≥ 2, the registers holding its spike vectors of steps t-2 … t-D.
func (g *netgen) delayLines() {
	b := g.b
	for _, gp := range g.pops {
		d := 0
		for _, pr := range g.n.Projs {
			if pr.Pre == gp.p.Name {
				d = max(d, pr.MaxDelay())
			}
		}
		if d == 0 {
			continue
		}
		size := gp.p.Size
		b.pos, b.base = g.pos(gp.p.Pos), gp.p.Name+"_hist"
		var prev string // s(t-1) vector
		if gp.p.Kind == ir.PopNeuron {
			if d >= 2 {
				prev = g.vector(gp.spq, "s1")
			}
		} else {
			q, r := g.reg(gp.p.Name+"_s1", size, 0, fmt.Sprintf("delay line of %s: its spikes of step t-1", gp.p.Name))
			g.commit(r, g.vector(gp.spike, "s0"))
			prev = q
		}
		gp.hist = []string{prev}
		cur := prev
		for k := 2; k <= d; k++ {
			q, r := g.reg(fmt.Sprintf("%s_s%d", gp.p.Name, k), size, 0, fmt.Sprintf("delay line of %s: its spikes of step t-%d", gp.p.Name, k))
			g.commit(r, cur)
			gp.hist = append(gp.hist, q)
			cur = q
		}
	}
}

// spikeBit returns s_j(t-d) of gp, d ≥ 1.
func (g *netgen) spikeBit(gp *gpop, j, d int) string {
	if d == 1 && gp.p.Kind == ir.PopNeuron {
		return gp.spq[j]
	}
	return g.bit(gp.hist[d-1], gp.p.Size, j)
}

// drives builds the drive term X of every driven (population, port,
// neuron) for the step taken, with its bounds.
func (g *netgen) drives() {
	b := g.b
	for _, gp := range g.pops {
		if gp.fn == nil {
			continue
		}
		np := len(gp.fn.Inputs)
		gp.x = make([][]num, np)
		gp.xlo = make([][]int64, np)
		gp.xhi = make([][]int64, np)
		for p := range np {
			gp.x[p] = make([]num, gp.p.Size)
			gp.xlo[p] = make([]int64, gp.p.Size)
			gp.xhi[p] = make([]int64, gp.p.Size)
		}
	}
	type term struct {
		v      num
		lo, hi int64
	}
	terms := map[[3]int][]term{} // (pop, port, neuron); read in order below
	for di, d := range g.n.Drives {
		base := d.Name
		if !isBareID(base) {
			base = fmt.Sprintf("drive%d", di)
		}
		b.pos, b.base = g.pos(d.Pos), base
		switch d.Kind {
		case ir.DriveCurrent:
			var t term
			if len(d.Words) == 0 && len(d.Values) == 0 {
				if d.ValueWord == 0 {
					continue
				}
				w := signedBits(d.ValueWord, d.ValueWord)
				t = term{num{b.constant(d.ValueWord, w), w, true}, d.ValueWord, d.ValueWord}
			} else {
				if len(d.Words) == 0 {
					continue
				}
				lo, hi := int64(0), int64(0)
				for _, x := range d.Words {
					lo, hi = min(lo, x), max(hi, x)
				}
				w := signedBits(lo, hi)
				b.note = fmt.Sprintf("current drive %s: word of step t from a table of %d steps, 0 after", d.Name, len(d.Words))
				idx := b.binop(kSub, g.tn, b.constant(1, 32), 32, "idx")
				in := b.icmp("ult", idx, b.constant(int64(len(d.Words)), 32), "inrange")
				kb := bits.Len(uint(len(d.Words) - 1))
				sel := ""
				if kb > 0 {
					sel = b.extract(idx, 0, kb, "sel")
				}
				v := g.rom.rom(d.Words, sel, kb, w)
				t = term{num{b.mux(in, v, b.constant(0, w), w, "cur"), w, true}, lo, hi}
			}
			for _, tg := range d.Targets {
				gp := g.popByName(tg.Pop)
				for i := tg.Lo; i < tg.Hi; i++ {
					key := [3]int{gp.idx, tg.Port, i}
					terms[key] = append(terms[key], t)
				}
			}
		case ir.DrivePoissonSum:
			nt := len(d.Table)
			if nt == 0 || d.WWord == 0 {
				continue
			}
			lo, hi := min(0, int64(nt)*d.WWord), max(0, int64(nt)*d.WWord)
			w := max(signedBits(lo, hi), bits.Len(uint(nt))+1)
			cw := bits.Len(uint(nt))
			k := 0
			for _, tg := range d.Targets {
				gp := g.popByName(tg.Pop)
				for i := tg.Lo; i < tg.Hi; i++ {
					b.base = fmt.Sprintf("%s_%d", base, k)
					if k == 0 {
						b.note = fmt.Sprintf("poisson_sum drive %s: count = #{k : draw ≥ table[k]} over %d entries, times w (word %d)", d.Name, nt, d.WWord)
					}
					q, r := g.reg(b.base+"_rng", 32, int64(streamSeed(d.Seed, d.Stream, k)), "")
					u := g.xorshift32(q)
					g.commit(r, u)
					var ones []string
					for _, e := range d.Table {
						ge := b.icmp("uge", u, b.constant(int64(e), 32), "ge")
						ones = append(ones, b.resize(num{ge, 1, false}, cw))
					}
					c := g.tree(kAdd, ones, cw, "cnt")
					x := b.binop(kMul, b.resize(num{c, cw, false}, w), b.constant(d.WWord, w), w, "x")
					key := [3]int{gp.idx, tg.Port, i}
					terms[key] = append(terms[key], term{num{x, w, true}, lo, hi})
					k++
				}
			}
		}
	}
	// Sum the terms of each (pop, port, neuron), in that order.
	for _, gp := range g.pops {
		if gp.fn == nil {
			continue
		}
		b.pos = g.pos(gp.p.Pos)
		for p := range gp.fn.Inputs {
			for i := range gp.p.Size {
				ts := terms[[3]int{gp.idx, p, i}]
				if len(ts) == 0 {
					continue
				}
				lo, hi := int64(0), int64(0)
				for _, t := range ts {
					lo += t.lo
					hi += t.hi
				}
				w := signedBits(lo, hi)
				for _, t := range ts {
					w = max(w, t.v.width)
				}
				b.base = fmt.Sprintf("%s_%d_x%d", gp.p.Name, i, p)
				var xs []string
				for _, t := range ts {
					xs = append(xs, b.resize(t.v, w))
				}
				gp.x[p][i] = num{g.tree(kAdd, xs, w, "sum"), w, true}
				gp.xlo[p][i], gp.xhi[p][i] = lo, hi
			}
		}
	}
}

// syn is the merged contribution of one (pre population, pre neuron,
// delay) to one neuron's port.
type syn struct {
	pre  *gpop
	j, d int
	w    int64
}

// gather builds in = sat(A + X) for every port of every neuron.
func (g *netgen) gather() {
	b := g.b
	for _, gp := range g.pops {
		if gp.fn == nil {
			continue
		}
		f, size := gp.fn, gp.p.Size
		gp.in = make([][]string, size)
		for i := range gp.in {
			gp.in[i] = make([]string, len(f.Inputs))
		}
		gp.satAny = make([]string, len(f.Inputs))
		for p, inp := range f.Inputs {
			fm := inp.Type.Fmt
			pw := fm.Width()
			plo, phi := fm.Min(), fm.Max()
			accW := max(g.n.AccWidth(g.m, gp.p.Name, p), pw)
			// Synapses by target neuron, merged per (pre, j, d), in
			// projection then synapse order.
			per := make([][]syn, size)
			at := map[[4]int]int{} // (post, pre population, pre, delay) → index into per[post]; looked up only
			for _, pr := range g.n.ProjsInto(gp.p.Name, p) {
				if pr.Rule != "" {
					continue
				}
				pre := g.popByName(pr.Pre)
				for k := range pr.Synapses() {
					i, j, d, w := int(pr.PostIdx[k]), int(pr.PreIdx[k]), int(pr.Delay[k]), pr.Words[k]
					key := [4]int{i, pre.idx, j, d}
					if q, ok := at[key]; ok {
						per[i][q].w += w
						continue
					}
					at[key] = len(per[i])
					per[i] = append(per[i], syn{pre, j, d, w})
				}
			}
			var plastic [][]num // [neuron] plastic terms (port words)
			qlo, qhi := make([]int64, size), make([]int64, size)
			for _, pr := range g.n.ProjsInto(gp.p.Name, p) {
				if pr.Rule == "" {
					continue
				}
				if plastic == nil {
					plastic = make([][]num, size)
				}
				for k := range pr.Synapses() {
					i := int(pr.PostIdx[k])
					plastic[i] = append(plastic[i], g.plasticTerm(pr, k))
					qlo[i] += min(0, fm.Min())
					qhi[i] += max(0, fm.Max())
				}
			}
			var sats []string
			for i := range size {
				b.pos, b.base = g.pos(gp.p.Pos), fmt.Sprintf("%s_%d_%s", gp.p.Name, i, safeName(inp.PortName()))
				var terms []string
				alo, ahi := int64(0), int64(0)
				for _, s := range per[i] {
					if s.w == 0 {
						continue
					}
					alo, ahi = alo+min(0, s.w), ahi+max(0, s.w)
					bit := g.spikeBit(s.pre, s.j, s.d)
					terms = append(terms, b.mux(bit, b.constant(s.w, accW), b.constant(0, accW), accW, "w"))
				}
				if plastic != nil {
					for _, c := range plastic[i] {
						terms = append(terms, b.resize(c, accW))
					}
					alo, ahi = alo+qlo[i], ahi+qhi[i]
				}
				x := gp.x[p][i]
				if len(terms) == 0 && x.name == "" {
					gp.in[i][p] = b.constant(0, pw)
					continue
				}
				lo, hi := alo+gp.xlo[p][i], ahi+gp.xhi[p][i]
				var sum num
				switch {
				case x.name == "":
					sum = num{g.tree(kAdd, terms, accW, "acc"), accW, true}
				case len(terms) == 0:
					sum = x
				default:
					a := num{g.tree(kAdd, terms, accW, "acc"), accW, true}
					sw := max(accW, x.width) + 1
					sum = num{b.binop(kAdd, b.resize(a, sw), b.resize(x, sw), sw, "ax"), sw, true}
				}
				if i == 0 {
					b.note = fmt.Sprintf("gather %s.%s: A (%d bits, exact) + X, one saturating cast into %v", gp.p.Name, inp.Name, accW, inp.Type)
				}
				gp.in[i][p] = g.satCast(sum, plo, phi, lo, hi, pw, &sats)
			}
			b.pos, b.base = g.pos(gp.p.Pos), fmt.Sprintf("%s_%s", gp.p.Name, safeName(inp.PortName()))
			switch len(sats) {
			case 0:
				gp.satAny[p] = b.constant(0, 1)
			case 1:
				gp.satAny[p] = sats[0]
			default:
				gp.satAny[p] = b.icmp("ne", g.vector(sats, "sats"), b.constant(0, len(sats)), "satany")
			}
		}
	}
}

// satCast returns sum clamped into [plo, phi] as a pw-bit word; lo and hi
// bound the sum exactly, so a bound the sum cannot pass is not compared.
// A comparison that can fire is appended to sats.
func (g *netgen) satCast(sum num, plo, phi, lo, hi int64, pw int, sats *[]string) string {
	b := g.b
	cw := max(sum.width, signedBits(plo, phi))
	s := b.resize(sum, cw)
	r := b.resize(num{s, cw, true}, pw)
	if lo < plo {
		under := b.icmp("slt", s, b.constant(plo, cw), "under")
		r = b.mux(under, b.constant(plo, pw), r, pw, "satlo")
		*sats = append(*sats, under)
	}
	if hi > phi {
		over := b.icmp("sgt", s, b.constant(phi, cw), "over")
		r = b.mux(over, b.constant(phi, pw), r, pw, "sathi")
		*sats = append(*sats, over)
	}
	return r
}

// neurons lowers every neuron's step function inline and commits its
// registers on take.
func (g *netgen) neurons() {
	b := g.b
	for _, gp := range g.pops {
		f := gp.fn
		if f == nil {
			continue
		}
		p := gp.p
		words := g.paramWords(gp)
		for i := range p.Size {
			var wi []int64
			if words != nil {
				wi = words[i]
			}
			ins := make([]num, len(f.Inputs))
			for k, in := range f.Inputs {
				w, sg := numType(in.Type)
				ins[k] = num{gp.in[i][k], w, sg}
			}
			l := g.inline(f, gp.regs[i], ins, wi, fmt.Sprintf("%s_%d", p.Name, i), i == 0)
			for s, st := range f.States {
				b.pos, b.base = g.pos(st.Pos), fmt.Sprintf("%s_%d_%s", p.Name, i, st.Name)
				g.commit(gp.rops[i][s], l.next[s].name)
			}
			if gp.spr[i] != nil {
				b.pos, b.base = g.pos(findSpike(f).Pos), fmt.Sprintf("%s_%d_spike", p.Name, i)
				g.commit(gp.spr[i], l.spike.name)
				gp.spike = append(gp.spike, l.spike.name)
			} else {
				gp.spike = append(gp.spike, gp.spq[i])
			}
			if len(l.checks) > 0 {
				b.pos, b.base = g.pos(p.Pos), fmt.Sprintf("%s_%d_assert", p.Name, i)
				off := b.binop(kOr, g.rst, b.not(g.take), 1, "off")
				for _, c := range l.checks {
					b.pos = c.pos
					ok := b.binop(kOr, off, c.cond, 1, "ok")
					b.add(&op{kind: kAssert, args: []string{ok}}, "")
				}
			}
		}
	}
}

// inline lowers one step of f with state registers regs and inputs ins
// (a generic Func's coefficient words by value ID in words) and returns
// the lowerer holding its next values, spike and assertions. Names start
// with base; note quotes each IR value.
func (g *netgen) inline(f *ir.Func, regs, ins []num, words []int64, base string, note bool) *lowerer {
	b := g.b
	l := &lowerer{builder: b, f: f, vals: make([]num, f.NumValues()), regs: regs, next: make([]num, len(f.States))}
	for _, blk := range f.Blocks {
		for _, v := range blk.Values {
			b.pos, b.base = g.pos(v.Pos), base+"_"+v.String()
			if note {
				b.note = v.LongString()
			}
			switch v.Op {
			case ir.OpInput:
				l.vals[v.ID] = ins[v.AuxInt]
			case ir.OpCoef:
				if words == nil {
					panic(fmt.Sprintf("mlir: %s: coefficient without parameter words", v.LongString()))
				}
				l.set(v, b.constant(words[v.ID], v.Type.Width()))
			default:
				lw, ok := lowerings[v.Op]
				if !ok {
					panic(fmt.Sprintf("mlir: no lowering for %s", v.LongString()))
				}
				lw.fn(l, v)
			}
			b.note = ""
		}
	}
	return l
}

// paramWords returns, per neuron of a generic Func, the coefficient words
// (ir.ParamWords of the defaults with the population's per-neuron values),
// nil for a specialised Func.
func (g *netgen) paramWords(gp *gpop) [][]int64 {
	f, p := gp.fn, gp.p
	if !f.Generic() {
		return nil
	}
	out := make([][]int64, p.Size)
	for i := range p.Size {
		vals := f.ParamDefaults()
		for _, pp := range p.Params {
			if pp.Index >= 0 && pp.Index < len(vals) && i < len(pp.Values) {
				vals[pp.Index] = pp.Values[i]
			}
		}
		w, err := ir.ParamWords(f, vals)
		if err != nil {
			panic(fmt.Sprintf("mlir: population %s neuron %d: %v", p.Name, i, err))
		}
		out[i] = w
	}
	return out
}

// probes returns the probe stream's beats: per state record, a sample bit
// (t % Every == 0) for each (neuron, var) word, and the words.
func (g *netgen) probes() (beats, words []string) {
	b, h := g.b, g.hw
	for ri, r := range g.n.Records {
		if r.Kind != ir.RecordState {
			continue
		}
		gp := g.popByName(r.Pop)
		if gp == nil || gp.fn == nil || r.Lo < 0 || r.Hi > gp.p.Size {
			continue
		}
		b.pos, b.base = g.pos(r.Pos), fmt.Sprintf("rec%d", ri)
		sample := b.constant(1, 1)
		if r.Every > 1 {
			cw := bits.Len(uint(r.Every))
			q, reg := g.reg(b.base+"_phase", cw, 0, fmt.Sprintf("record %d of %s: t mod %d", ri, r.Pop, r.Every))
			c1 := b.binop(kAdd, q, b.constant(1, cw), cw, "inc")
			wrap := b.icmp("eq", c1, b.constant(int64(r.Every), cw), "wrap")
			g.commit(reg, b.mux(wrap, b.constant(0, cw), c1, cw, "next"))
			sample = wrap
		}
		for i := r.Lo; i < r.Hi; i++ {
			for _, v := range r.Vars {
				if v < 0 || v >= len(gp.fn.States) {
					continue
				}
				beats = append(beats, sample)
				words = append(words, b.resize(gp.regs[i][v], h.ProbeWidth))
			}
		}
	}
	return beats, words
}

// stream builds a valid/ready stream of len(bits) beats per step: the
// pending mask is loaded with bits in the take cycle, the lowest pending
// beat is sent (words[k], w bits) and cleared when ready is high. It
// returns valid, data, last and empty (no beat pending).
func (g *netgen) stream(name string, bitsIn, words []string, w int, ready, note string) (valid, data, last, empty string) {
	b := g.b
	b.pos, b.base = g.hm.pos, name
	if len(bitsIn) == 0 {
		f := b.constant(0, 1)
		return f, b.constant(0, w), f, b.constant(1, 1)
	}
	nb := len(bitsIn)
	q, r := g.reg(name+"_pend", nb, 0, note)
	zero := b.constant(0, nb)
	valid = b.icmp("ne", q, zero, "valid")
	empty = b.icmp("eq", q, zero, "empty")
	rest := b.binop(kAnd, q, b.binop(kSub, q, b.constant(1, nb), nb, "dec"), nb, "rest")
	last = b.binop(kAnd, valid, b.icmp("eq", rest, zero, "one"), 1, "last")
	data = words[nb-1]
	for k := nb - 2; k >= 0; k-- {
		data = b.mux(g.bit(q, nb, k), words[k], data, w, "data")
	}
	sent := b.binop(kAnd, valid, ready, 1, "sent")
	after := b.mux(sent, rest, q, nb, "after")
	g.setNext(r, b.mux(g.take, g.vector(bitsIn, "load"), after, nb, "next"))
	return valid, data, last, empty
}

// streamSeed is runtime.StreamSeed (DESIGN §4.1 rule 5), which this
// package cannot import: h = splitmix64(splitmix64(splitmix64(seed) ^
// stream) ^ index), low 32 bits with bit 0 set. A test holds them equal.
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
