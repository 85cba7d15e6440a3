package testbenches

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"scc/ir"
	"scc/sim"
)

// netObsLine is one parsed observation (netrtl_tb.go).
type netObsLine struct {
	kind   byte // 'D', 'A', 'P', 'R', 'X', 'T', 'E'
	strobe int
	f      []string
}

func parseNetObs(obs string) ([]netObsLine, error) {
	var ls []netObsLine
	for i, line := range strings.Split(obs, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		l := netObsLine{kind: f[0][0], f: f[1:]}
		want := map[byte]int{'D': 4, 'A': 2, 'P': 2, 'R': 2, 'X': 2, 'T': 2, 'E': 1}[l.kind]
		if len(f[0]) != 1 || want == 0 || len(l.f) != want {
			return nil, fmt.Errorf("%s:%d: malformed observation %q", netObs, i+1, line)
		}
		switch l.kind {
		case 'D', 'R', 'X', 'T':
			s, err := strconv.Atoi(l.f[0])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: malformed observation %q", netObs, i+1, line)
			}
			l.strobe = s
		}
		ls = append(ls, l)
	}
	return ls, nil
}

// netWant is the golden model's view of one step.
type netWant struct {
	t     int
	aer   []uint64
	probe []uint64
	sat   []bool
}

// netGolden wraps sim.Net with the words the RTL must produce.
type netGolden struct {
	s  *sim.Net
	m  *ir.Module
	n  *ir.Net
	hw ir.NetHW
	// satIdx maps (population, port name) to the port's bit in sat_q.
	satIdx map[[2]string]int
}

func newNetGolden(m *ir.Module, n *ir.Net, hw ir.NetHW) (*netGolden, error) {
	s, err := sim.NewNet(m, n, sim.NetOptions{})
	if err != nil {
		return nil, err
	}
	g := &netGolden{s: s, m: m, n: n, hw: hw, satIdx: map[[2]string]int{}}
	for k, b := range hw.Sat {
		g.satIdx[[2]string{b.Pop, b.PortName}] = k
	}
	return g, nil
}

func (g *netGolden) step() (*netWant, error) {
	var ae *sim.AssertError
	if err := g.s.Step(); err != nil && !errors.As(err, &ae) {
		return nil, err
	}
	w := &netWant{t: g.s.T(), sat: make([]bool, len(g.hw.Sat))}
	for p := range g.n.Pops {
		if !g.hw.AEROut[p] {
			continue
		}
		for _, i := range g.s.Spikes(p) {
			w.aer = append(w.aer, g.hw.AERWord(p, int(i)))
		}
	}
	g.forProbes(w.t, func(p, i, v, width int) {
		word := uint64(g.s.StateWords(p, v)[i])
		w.probe = append(w.probe, signExtend(word, width, g.hw.ProbeWidth))
	})
	for _, f := range g.s.Saturated() {
		if k, ok := g.satIdx[[2]string{f.Pop, f.Port}]; ok {
			w.sat[k] = true
		}
	}
	return w, nil
}

// forProbes calls fn for every probe word of step t in stream order:
// population p, neuron i, state v of width bits.
func (g *netGolden) forProbes(t int, fn func(p, i, v, width int)) {
	for _, r := range g.n.Records {
		if r.Kind != ir.RecordState || t%max(r.Every, 1) != 0 {
			continue
		}
		p := g.s.PopIndex(r.Pop)
		f := g.m.Func(g.n.Pops[p].Func)
		for i := r.Lo; i < r.Hi; i++ {
			for _, v := range r.Vars {
				fn(p, i, v, f.States[v].Type.Width())
			}
		}
	}
}

// probeName returns the population, neuron and signal of probe word k of
// step t.
func (g *netGolden) probeName(t, k int) (string, int, string) {
	pop, neuron, sig := "", -1, fmt.Sprintf("probe word %d", k)
	j := 0
	g.forProbes(t, func(p, i, v, _ int) {
		if j == k {
			pp := g.n.Pops[p]
			pop, neuron, sig = pp.Name, i, pp.Name+"."+g.m.Func(pp.Func).States[v].Name
		}
		j++
	})
	return pop, neuron, sig
}

func signExtend(word uint64, from, to int) uint64 {
	if from < 64 {
		word &= 1<<from - 1
		if word>>(from-1)&1 == 1 {
			word |= ^uint64(0) << from
		}
	}
	if to < 64 {
		word &= 1<<to - 1
	}
	return word
}

// checkNet reads the observations obs of the run of plan pl, runs the
// golden model along them and fills res.
func checkNet(m *ir.Module, n *ir.Net, hw ir.NetHW, pl *netPlan, obs string, res *NetCosimResult) error {
	ls, err := parseNetObs(obs)
	if err != nil {
		return err
	}
	g, err := newNetGolden(m, n, hw)
	if err != nil {
		return err
	}
	cur := NetStep{}
	afterReset := false
	ended, cut := false, 0
	fail := func(mm *NetMismatch) {
		if res.First == nil {
			res.First = mm
		}
	}
	for _, l := range ls {
		if res.First != nil {
			break
		}
		switch l.kind {
		case 'A':
			cur.AER = append(cur.AER, l.f[0])
			cur.AERLast = append(cur.AERLast, l.f[1] == "1")
		case 'P':
			cur.Probe = append(cur.Probe, l.f[0])
			cur.ProbeLast = append(cur.ProbeLast, l.f[1] == "1")
		case 'D':
			cur.Strobe, cur.Reset = l.strobe, afterReset
			cur.StepQ, cur.SatQ = l.f[2], l.f[3]
			cur.Cycles, _ = strconv.Atoi(l.f[1])
			afterReset = false
			w, err := g.step()
			if err != nil {
				return err
			}
			res.Steps++
			res.Trace = append(res.Trace, cur)
			if mm := compareNetStep(g, &cur, w); mm != nil {
				mm.Run, mm.Step, mm.strobe = res.Steps, w.t, l.strobe
				fail(mm)
			}
			res.Spikes += len(w.aer)
			res.ProbeWords += len(w.probe)
			res.AllCycles.add(cur.Cycles)
			if l.strobe >= 1 && l.strobe <= len(pl.modes) && pl.modes[l.strobe-1] == 0 {
				res.Cycles.add(cur.Cycles)
			}
			cur = NetStep{}
		case 'R':
			if l.f[1] == "1" {
				cut++
			}
			res.Resets++
			g.s.Reset()
			afterReset = true
			cur = NetStep{}
		case 'X', 'T':
			sig := "protocol: " + l.f[1]
			if l.kind == 'T' {
				sig = fmt.Sprintf("watchdog: no progress in %d cycles (operation %s)", pl.maxCycles(), l.f[1])
			}
			fail(&NetMismatch{Run: res.Steps + 1, Step: g.s.T() + 1, Neuron: -1, Signal: sig, Want: "-", Got: "-", strobe: l.strobe})
		case 'E':
			ended = true
		}
	}
	if res.First != nil {
		return nil
	}
	if !ended {
		return fmt.Errorf("the testbench ended early; observations:\n%s", tail(obs, 20))
	}
	res.Cut = cut
	if res.Steps+cut != pl.strobes {
		return fmt.Errorf("the testbench completed %d steps and cut %d, want %d strobes", res.Steps, cut, pl.strobes)
	}
	return nil
}

func (pl *netPlan) maxCycles() int { return int(uint32(pl.ops[0])) }

// compareNetStep compares one step; t and the run position are filled in
// by the caller.
func compareNetStep(g *netGolden, got *NetStep, w *netWant) *NetMismatch {
	hw := g.hw
	mm := func(pop string, neuron int, sig, want, got string) *NetMismatch {
		return &NetMismatch{Pop: pop, Neuron: neuron, Signal: sig, Want: want, Got: got}
	}
	if q, err := strconv.ParseUint(got.StepQ, 16, 32); err != nil || int(q) != w.t {
		return mm("", -1, "step_q", strconv.Itoa(w.t), got.StepQ)
	}
	// AER-out: the set first (which spike is missing or extra), then the
	// order and aer_out_last.
	popName := func(p int) string {
		if p < len(g.n.Pops) {
			return g.n.Pops[p].Name
		}
		return fmt.Sprintf("pop#%d", p)
	}
	wantSet := map[uint64]bool{}
	for _, x := range w.aer {
		wantSet[x] = true
	}
	gotWords := make([]uint64, len(got.AER))
	gotSet := map[uint64]bool{}
	for k, s := range got.AER {
		x, err := strconv.ParseUint(s, 16, 64)
		if err != nil {
			return mm("", -1, fmt.Sprintf("aer_out_data (beat %d)", k), "a word", s)
		}
		p, i := hw.SplitAER(x)
		if !wantSet[x] {
			return mm(popName(p), i, "spike", "0", "1")
		}
		if gotSet[x] {
			return mm(popName(p), i, "spike (sent twice)", "1 beat", "2 beats")
		}
		gotSet[x] = true
		gotWords[k] = x
	}
	for _, x := range w.aer {
		if !gotSet[x] {
			p, i := hw.SplitAER(x)
			return mm(popName(p), i, "spike", "1", "0")
		}
	}
	for k, x := range w.aer {
		if gotWords[k] != x {
			p, i := hw.SplitAER(x)
			return mm(popName(p), i, fmt.Sprintf("AER order (beat %d)", k), fmt.Sprintf("%x", x), got.AER[k])
		}
	}
	for k, l := range got.AERLast {
		if want := k == len(got.AERLast)-1; l != want {
			p, i := hw.SplitAER(gotWords[k])
			return mm(popName(p), i, fmt.Sprintf("aer_out_last (beat %d)", k), b01(want), b01(l))
		}
	}
	// Probe words.
	for k := 0; k < max(len(w.probe), len(got.Probe)); k++ {
		pop, neuron, sig := g.probeName(w.t, k)
		switch {
		case k >= len(got.Probe):
			return mm(pop, neuron, sig, probeText(w.probe[k], hw.ProbeWidth), "no beat")
		case k >= len(w.probe):
			return mm("", -1, fmt.Sprintf("probe beat %d", k), "no beat", got.Probe[k])
		}
		x, err := strconv.ParseUint(got.Probe[k], 16, 64)
		if err != nil || x != w.probe[k] {
			return mm(pop, neuron, sig, probeText(w.probe[k], hw.ProbeWidth), probeGot(got.Probe[k], hw.ProbeWidth))
		}
		if want := k == len(got.Probe)-1; got.ProbeLast[k] != want {
			return mm(pop, neuron, "probe_last ("+sig+")", b01(want), b01(got.ProbeLast[k]))
		}
	}
	// sat_q.
	sq, ok := new(big.Int).SetString(got.SatQ, 16)
	for k, want := range w.sat {
		if !ok || (sq.Bit(k) == 1) != want {
			b := hw.Sat[k]
			return mm(b.Pop, -1, fmt.Sprintf("sat_q[%d] (%s.%s)", k, b.Pop, b.PortName), b01(want), satBit(got.SatQ, ok, sq, k))
		}
	}
	return nil
}

func b01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func satBit(text string, ok bool, sq *big.Int, k int) string {
	if !ok {
		return text
	}
	return strconv.Itoa(int(sq.Bit(k)))
}

// probeText prints a probe word as a signed number and in hex.
func probeText(x uint64, width int) string {
	return fmt.Sprintf("%d (0x%x)", int64(signExtend(x, width, 64)), x)
}

func probeGot(s string, width int) string {
	x, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return s
	}
	return probeText(x, width)
}

// CompareNetTraces compares two RTL runs of one network (e.g. parallel
// and folded, or two seeds): segment by segment between resets, the steps
// both committed must be equal (AER words in order, probe words, sat_q,
// step_q; not cycles). A segment that a reset cut may be one step longer
// in one run (the reset came after its done); the last segments must have
// the same length. It returns "" when they agree.
func CompareNetTraces(a, b []NetStep) string {
	sa, sb := netSegments(a), netSegments(b)
	if len(sa) != len(sb) {
		return fmt.Sprintf("%d reset segments vs %d", len(sa), len(sb))
	}
	run := 0
	for k := range sa {
		x, y := sa[k], sb[k]
		last := k == len(sa)-1
		if d := len(x) - len(y); last && d != 0 || d > 1 || d < -1 {
			return fmt.Sprintf("segment %d: %d steps vs %d", k, len(x), len(y))
		}
		for i := 0; i < min(len(x), len(y)); i++ {
			if d := diffNetStep(&x[i], &y[i]); d != "" {
				return fmt.Sprintf("run step %d (t = %d): %s", run+i+1, i+1, d)
			}
		}
		run += max(len(x), len(y))
	}
	return ""
}

func netSegments(tr []NetStep) [][]NetStep {
	var segs [][]NetStep
	start := 0
	for i := range tr {
		if tr[i].Reset && i > start {
			segs = append(segs, tr[start:i])
			start = i
		}
	}
	return append(segs, tr[start:])
}

func diffNetStep(x, y *NetStep) string {
	switch {
	case x.StepQ != y.StepQ:
		return fmt.Sprintf("step_q %s vs %s", x.StepQ, y.StepQ)
	case x.SatQ != y.SatQ:
		return fmt.Sprintf("sat_q %s vs %s", x.SatQ, y.SatQ)
	case strings.Join(x.AER, " ") != strings.Join(y.AER, " "):
		return fmt.Sprintf("AER words [%s] vs [%s]", strings.Join(x.AER, " "), strings.Join(y.AER, " "))
	case strings.Join(x.Probe, " ") != strings.Join(y.Probe, " "):
		return fmt.Sprintf("probe words [%s] vs [%s]", strings.Join(x.Probe, " "), strings.Join(y.Probe, " "))
	}
	return ""
}
