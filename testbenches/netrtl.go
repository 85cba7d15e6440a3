package testbenches

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"scc/internal/tool"
	"scc/ir"
)

// Network RTL co-simulation (DESIGN §4.2): the RTL of a network in either
// architecture (sv.EmitNet; both have the ports ir.NetHW documents) under a
// randomised host — AER-in gaps, step timing, AER-out and probe
// backpressure, a reset in the middle of the run — against the golden model
// sim.Net, every step, zero tolerance: the AER-out words in order, the probe
// words, sat_q and step_q. The testbench only drives and logs
// (netrtl_tb.go); the comparison happens here (netrtl_check.go), against a
// golden run that follows what the RTL did (a step the reset cut short is
// not committed; a reset restarts the golden model at t = 0 too).

// NetCosimOptions configure CosimNet.
type NetCosimOptions struct {
	// Sim is the RTL simulator: "iverilog" (default) or "verilator".
	Sim string
	// Steps is the number of steps the host strobes (default 200), not
	// counting the one the mid-run reset cuts.
	Steps int
	// Seed seeds the host's randomisation; it never changes a result.
	Seed uint64
	// NoReset leaves out the mid-run reset.
	NoReset bool
	// MaxCycles is the watchdog: the cycles one host operation (a step
	// until done, an event until accepted, ready after reset) may take
	// (default 1,000,000).
	MaxCycles int
	// Dir is the work directory (RTL, testbench, stimulus, observations,
	// VCD); "" uses a temporary directory, removed afterwards unless the
	// run found a mismatch (its VCD is then kept there).
	Dir string
	// Version is the scc version written into generated headers.
	Version string
}

// CycleStats are cycles per step over some steps.
type CycleStats struct {
	N        int // steps measured
	Min, Max int
	Mean     float64
}

func (c *CycleStats) add(v int) {
	if c.N == 0 || v < c.Min {
		c.Min = v
	}
	c.Max = max(c.Max, v)
	c.Mean += (float64(v) - c.Mean) / float64(c.N+1)
	c.N++
}

func (c CycleStats) String() string {
	if c.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%.1f/%d", c.Min, c.Mean, c.Max)
}

// NetStep is what the RTL did in one committed step.
type NetStep struct {
	Strobe    int      // the host's strobe number (1, 2, …, over the whole run)
	StepQ     string   // step_q, hex as the testbench printed it
	SatQ      string   // sat_q, hex
	AER       []string // AER-out words in arrival order, hex
	AERLast   []bool
	Probe     []string // probe words, hex
	ProbeLast []bool
	Cycles    int
	// Reset is true for the first step after a reset (t = 1 again).
	Reset bool
}

// NetMismatch is the first difference between the RTL and the golden
// model (or a protocol violation).
type NetMismatch struct {
	Run    int    // committed steps of the run until this one (1-based)
	Step   int    // t, the step number (restarts at 1 after the reset)
	Pop    string // "" when the signal belongs to no population
	Neuron int    // -1 when the signal belongs to no neuron
	Signal string // "spike", "<pop>.<state>", "sat_q[k]", "step_q", …
	Want   string
	Got    string
	VCD    string // waveform around the mismatch ("" when none was written)
	strobe int    // the host's strobe number
}

func (m *NetMismatch) String() string {
	s := fmt.Sprintf("step %d (run step %d): %s", m.Step, m.Run, m.Signal)
	if m.Pop != "" {
		s += " of " + m.Pop
		if m.Neuron >= 0 {
			s += fmt.Sprintf("[%d]", m.Neuron)
		}
	}
	return s + fmt.Sprintf(": want %s, got %s", m.Want, m.Got)
}

// NetCosimResult is the outcome of CosimNet.
type NetCosimResult struct {
	Net, Sim string
	// Steps is the number of committed steps compared; Resets the resets
	// after the first, Cut the steps a reset stopped before their done.
	Steps, Resets, Cut int
	// Spikes, ProbeWords: AER-out and probe words compared; Events: AER-in
	// beats sent (with the repeated and out-of-range ones).
	Spikes, ProbeWords, Events int
	// Cycles: cycles per step of the steps without backpressure (the
	// hardware's own); AllCycles: every committed step.
	Cycles, AllCycles CycleStats
	// Seconds is the simulator's wall time (without the build).
	Seconds float64
	Trace   []NetStep // the RTL's steps, in run order
	First   *NetMismatch
	VCD     string // the waveform of the first mismatch, or ""
	Dir     string // the work directory ("" when it was removed)
}

// StepsPerSecond is the simulator's speed.
func (r *NetCosimResult) StepsPerSecond() float64 {
	if r.Seconds <= 0 {
		return 0
	}
	return float64(r.Steps) / r.Seconds
}

// Summary is a one-line report.
func (r *NetCosimResult) Summary() string {
	s := fmt.Sprintf("cosim network %s (%s): %d steps (%d resets, %d mid-step), %d spikes, %d probe words, %d AER-in events; cycles/step %s (min/mean/max without backpressure), %.0f steps/s",
		r.Net, r.Sim, r.Steps, r.Resets, r.Cut, r.Spikes, r.ProbeWords, r.Events, r.Cycles, r.StepsPerSecond())
	if r.First != nil {
		s += "; MISMATCH at " + r.First.String()
	} else {
		s += "; 0 mismatches"
	}
	return s
}

// CosimNet co-simulates rtl, the SystemVerilog of network n of the
// fixed-phase module m (sv.EmitNet in any architecture; top
// n.ModuleName()), against sim.Net. A mismatch is reported in the result;
// errors are for runs that could not be checked (a missing tool, a build
// failure, a testbench that did not run to its end).
func CosimNet(ctx context.Context, m *ir.Module, n *ir.Net, rtl []byte, opt NetCosimOptions) (*NetCosimResult, error) {
	if m == nil || n == nil || m.Net(n.Name) != n {
		return nil, fmt.Errorf("cosim: network is not in the module")
	}
	if m.Phase != ir.Fixed {
		return nil, fmt.Errorf("cosim %s: module is in the %v phase, want fixed", n.Name, m.Phase)
	}
	simName := or(opt.Sim, "iverilog")
	if simName != "iverilog" && simName != "verilator" {
		return nil, fmt.Errorf("cosim: unknown simulator %q: expected iverilog or verilator", simName)
	}
	opt.Sim = simName
	if opt.Steps == 0 {
		opt.Steps = 200
	}
	if opt.Steps < 0 || opt.MaxCycles < 0 {
		return nil, fmt.Errorf("cosim %s: %d steps, watchdog %d cycles", n.Name, opt.Steps, opt.MaxCycles)
	}
	if opt.MaxCycles == 0 {
		opt.MaxCycles = 1_000_000
	}
	opt.MaxCycles = min(opt.MaxCycles, 1<<31-1) // the testbench's integer
	hw := n.HW(m)
	dir := opt.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "scc-netcosim-")
		if err != nil {
			return nil, err
		}
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	res, err := cosimNet(ctx, m, n, hw, rtl, dir, opt)
	if opt.Dir == "" && (err != nil || res.First == nil) {
		os.RemoveAll(dir)
		if res != nil {
			res.Dir = ""
		}
	}
	return res, err
}

func cosimNet(ctx context.Context, m *ir.Module, n *ir.Net, hw ir.NetHW, rtl []byte, dir string, opt NetCosimOptions) (*NetCosimResult, error) {
	mod, top := n.ModuleName(), NetRTLTop(n)
	pl := planNet(n, hw, opt)
	files := []struct {
		name string
		data []byte
	}{
		{mod + ".sv", rtl},
		{top + ".sv", GenerateNetRTL(n, hw, opt.Version)},
		{netStim, pl.stim()},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return nil, err
		}
	}
	srcs := []string{mod + ".sv", top + ".sv"}
	exe, err := buildNet(ctx, opt.Sim, dir, srcs, top, false)
	if err != nil {
		return nil, fmt.Errorf("cosim %s (%s): %v", n.Name, opt.Sim, err)
	}
	start := time.Now()
	if out, err := run(ctx, dir, exe[0], exe[1:]...); err != nil {
		return nil, fmt.Errorf("cosim %s (%s): %v\n%s", n.Name, opt.Sim, err, tail(out, 20))
	}
	secs := time.Since(start).Seconds()
	obs, err := os.ReadFile(filepath.Join(dir, netObs))
	if err != nil {
		return nil, fmt.Errorf("cosim %s (%s): the testbench wrote no observations: %v", n.Name, opt.Sim, err)
	}
	res := &NetCosimResult{Net: n.Name, Sim: opt.Sim, Seconds: secs, Events: pl.events, Dir: dir}
	if opt.Dir == "" {
		res.Dir = ""
	}
	if err := checkNet(m, n, hw, pl, string(obs), res); err != nil {
		return nil, fmt.Errorf("cosim %s (%s): %v", n.Name, opt.Sim, err)
	}
	if res.First != nil {
		// Run again, dumping the strobe before the failing one and the
		// failing one (a seeded run repeats exactly); Verilator builds
		// without --trace for speed, so it builds once more.
		s := res.First.strobe
		if opt.Sim == "verilator" {
			exe, err = buildNet(ctx, opt.Sim, dir, srcs, top, true)
		}
		if err == nil {
			args := append(exe[1:len(exe):len(exe)], fmt.Sprintf("+vcd_from=%d", max(s-1, 0)), fmt.Sprintf("+vcd_to=%d", s))
			if _, err := run(ctx, dir, exe[0], args...); err == nil {
				vcd := filepath.Join(dir, netVCD)
				if _, err := os.Stat(vcd); err == nil {
					res.VCD, res.First.VCD = vcd, vcd
				}
			}
		}
		res.Dir = dir
	}
	return res, nil
}

// buildNet compiles files in dir for simName (through the shared
// BuildCache, or a cache of this run's own) and returns the command that
// runs the simulation in dir. A Verilator build without trace cannot dump
// a VCD (it compiles in half the time).
func buildNet(ctx context.Context, simName, dir string, files []string, top string, trace bool) ([]string, error) {
	c := shared.Load()
	if c == nil {
		bdir := filepath.Join(dir, "build")
		if err := os.MkdirAll(bdir, 0o755); err != nil {
			return nil, err
		}
		c = NewBuildCache(bdir)
	}
	switch simName {
	case "iverilog":
		iverilog, err := tool.Path("iverilog")
		if err != nil {
			return nil, err
		}
		vvp, err := tool.Path("vvp")
		if err != nil {
			return nil, err
		}
		out, log, ok, err := c.icarus(ctx, iverilog, dir, []string{"-g2012", "-Wall", "-s", top}, files)
		if err != nil {
			return nil, fmt.Errorf("iverilog: %v\n%s", err, tail(log, 40))
		}
		if !ok {
			return nil, fmt.Errorf("iverilog: the RTL includes other files")
		}
		return []string{vvp, "-n", out}, nil
	case "verilator":
		verilator, err := tool.Path("verilator")
		if err != nil {
			return nil, err
		}
		mk, err := tool.Path("make")
		if err != nil {
			return nil, err
		}
		flags := []string{"--main", "--exe", "--timing", "-Wall"}
		if trace {
			flags = append(flags, "--trace")
		}
		exe, log, ok, err := c.verilator(ctx, verilator, mk, dir, flags, files, top)
		if err != nil {
			return nil, fmt.Errorf("%v\n%s", err, tail(log, 40))
		}
		if !ok {
			return nil, fmt.Errorf("verilator: the RTL includes other files")
		}
		if !filepath.IsAbs(exe) {
			if abs, err := filepath.Abs(exe); err == nil {
				exe = abs
			}
		}
		return []string{exe}, nil
	}
	return nil, fmt.Errorf("unknown simulator %q", simName)
}

// netPlan is the host's script: the stimulus operations and, per strobe,
// what the checker needs to know about it.
type netPlan struct {
	ops     []uint64
	modes   []uint8 // per strobe (1-based: modes[s-1]): backpressure mode
	events  int
	strobes int
}

func (pl *netPlan) stim() []byte {
	var b strings.Builder
	for _, op := range pl.ops {
		fmt.Fprintf(&b, "%016x\n", op)
	}
	return []byte(b.String())
}

// planNet writes the host's script for opt.Steps steps of n: a reset, then
// per step its spikes-source events (shuffled, some repeated, with junk
// for populations that take no AER-in or out-of-range indices, random
// gaps), a strobe after a random delay with a random backpressure mode;
// one step in the middle third is cut by a reset at a random point (or
// just after its done), after which the script starts again at t = 1.
func planNet(n *ir.Net, hw ir.NetHW, opt NetCosimOptions) *netPlan {
	rng := rand.New(rand.NewPCG(opt.Seed, 0x6e6574))
	pl := &netPlan{}
	seed := uint64(rng.Uint32()&0x0fffffff) | 1
	pl.ops = append(pl.ops, netOpCfg<<60|seed<<32|uint64(uint32(opt.MaxCycles)))
	pl.ops = append(pl.ops, netOpReset<<60|uint64(2+rng.IntN(3)))
	// Events by population and step.
	type popEvents struct {
		pop int
		at  map[int][]int
	}
	var srcs []popEvents
	var others []int // populations whose AER-in events are dropped
	for k, p := range n.Pops {
		if !hw.AERIn[k] {
			others = append(others, k)
			continue
		}
		pe := popEvents{pop: k, at: map[int][]int{}}
		for _, e := range p.Source.Spikes {
			pe.at[e.Step] = append(pe.at[e.Step], e.Index)
		}
		srcs = append(srcs, pe)
	}
	resetAt := -1
	if !opt.NoReset && opt.Steps >= 3 {
		resetAt = opt.Steps/3 + rng.IntN(max(1, opt.Steps/3))
	}
	t := 0
	for j := 0; j < opt.Steps; j++ {
		t++
		var words []uint64
		for _, s := range srcs {
			for _, i := range s.at[t] {
				words = append(words, hw.AERWord(s.pop, i))
			}
		}
		rng.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
		if len(words) > 0 && rng.IntN(4) == 0 { // a repeat counts once
			words = append(words, words[rng.IntN(len(words))])
		}
		if rng.IntN(6) == 0 { // dropped: a population without AER-in, or an index out of range
			switch {
			case len(others) > 0 && rng.IntN(2) == 0:
				words = append(words, hw.AERWord(others[rng.IntN(len(others))], rng.IntN(n.Pops[others[0]].Size)))
			case len(srcs) > 0 && n.Pops[srcs[0].pop].Size < 1<<hw.IndexBits:
				p := srcs[0].pop
				size := n.Pops[p].Size
				words = append(words, hw.AERWord(p, size+rng.IntN(1<<hw.IndexBits-size)))
			case len(n.Pops) < 1<<hw.PopBits:
				words = append(words, uint64(len(n.Pops))<<hw.IndexBits)
			}
		}
		last := rng.IntN(2) == 0
		for e, w := range words {
			gap := 0
			if rng.IntN(2) == 0 {
				gap = 1 + rng.IntN(15)
			}
			var l uint64
			if last && e == len(words)-1 {
				l = 1
			}
			pl.ops = append(pl.ops, netOpEV<<60|uint64(gap)<<56|l<<55|w)
		}
		pl.events += len(words)
		delay := 0
		if rng.IntN(2) == 0 {
			delay = 1 + rng.IntN(20)
		}
		mode := uint8(0)
		if rng.IntN(3) != 0 {
			mode = uint8(rng.IntN(16))
		}
		op := netOpStep<<60 | uint64(delay)<<44 | uint64(mode)<<40
		pl.modes = append(pl.modes, mode)
		if j == resetAt {
			// Cut this step at frac/256 of the last step's cycles; a frac
			// above 255 cannot be coded, so 1 in 8 resets come after the
			// step's done instead (frac 255 on a step that ran shorter).
			frac := uint64(rng.IntN(256))
			op |= 1<<31 | frac<<32
			j-- // the cut step does not count
			resetAt = -1
			t = 0
		}
		pl.ops = append(pl.ops, op)
		pl.strobes++
	}
	pl.ops = append(pl.ops, netOpEnd<<60)
	return pl
}
