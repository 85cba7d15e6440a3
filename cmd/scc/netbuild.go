package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"scc/backend/mlir"
	"scc/backend/sv"
	"scc/ir"
	"scc/sim"
	"scc/synth"
	"scc/testbenches"
)

// `scc build NET.snn` for a network of populations (DESIGN §4.2): the
// architecture (--arch, or the one that fits --target), synapse storage,
// the AXI wrapper, and --report's synthesis.

// netFlags are build's network flags.
type netFlags struct {
	arch    string
	target  string
	storage string
	wrap    string
	lanes   int
	measure int
	set     map[string]bool // the network flags given on the command line
}

func (nf *netFlags) register(fs *flag.FlagSet) {
	nf.registerArch(fs)
	fs.StringVar(&nf.target, "target", "", "target device: "+strings.Join(synth.DeviceNames(), ", ")+" (default "+synth.DefaultDevice+")")
	fs.StringVar(&nf.wrap, "wrap", "", "wrapper around the network core: axi (AXI4-Lite registers, AXI4-Stream AER)")
	fs.IntVar(&nf.measure, "measure", 0, "with --report: co-simulate N steps (Icarus) and print the measured cycles per step")
}

// registerArch registers the architecture flags build and cosim share.
func (nf *netFlags) registerArch(fs *flag.FlagSet) {
	fs.StringVar(&nf.arch, "arch", "", "network architecture: parallel or folded[:P] (P update lanes); default: parallel when its LUT estimate fits the target device (build's --target, default "+synth.DefaultDevice+"), else folded:1")
	fs.StringVar(&nf.storage, "storage", "", "folded synapse storage: auto, dense, csr or procedural, or PROJ=KIND,... per projection")
	fs.IntVar(&nf.lanes, "lanes", 0, "folded update lanes P (same as --arch folded:P)")
}

// netFlagNames are the flags that only networks take.
var netFlagNames = []string{"arch", "target", "storage", "wrap", "lanes", "measure"}

// given records which network flags fs parsed (none when fs is nil).
func (nf *netFlags) given(fs *flag.FlagSet) {
	nf.set = map[string]bool{}
	if fs == nil {
		return
	}
	fs.Visit(func(f *flag.Flag) {
		for _, n := range netFlagNames {
			if f.Name == n {
				nf.set[n] = true
			}
		}
	})
}

// any returns the first network flag given, or "".
func (nf *netFlags) any() string {
	for _, n := range netFlagNames {
		if nf.set[n] {
			return n
		}
	}
	return ""
}

// netChoice is the parsed network flags.
type netChoice struct {
	arch    sv.Arch // 0: choose
	lanes   int     // 0: not given
	device  synth.Device
	storage sv.Storage
	byProj  map[string]sv.Storage
}

// parse checks the network flags on their own (before compiling): bad
// values are usage errors.
func (nf *netFlags) parse() (netChoice, error) {
	var c netChoice
	switch a := nf.arch; {
	case a == "":
	case a == "parallel":
		c.arch = sv.ArchParallel
	case a == "folded":
		c.arch = sv.ArchFolded
	case strings.HasPrefix(a, "folded:"):
		p, err := strconv.Atoi(strings.TrimPrefix(a, "folded:"))
		if err != nil || p < 1 {
			return c, usagef("--arch %q: want folded:P with P ≥ 1 update lanes", a)
		}
		c.arch, c.lanes = sv.ArchFolded, p
	default:
		return c, usagef("--arch %q: want parallel, folded or folded:P", a)
	}
	if nf.set["lanes"] {
		if nf.lanes < 1 {
			return c, usagef("--lanes %d: want at least 1 update lane", nf.lanes)
		}
		if c.arch == sv.ArchParallel {
			return c, usagef("--lanes applies to --arch folded, not parallel")
		}
		if c.lanes != 0 && c.lanes != nf.lanes {
			return c, usagef("--lanes %d conflicts with --arch %s", nf.lanes, nf.arch)
		}
		c.lanes = nf.lanes
	}
	name := nf.target
	if name == "" {
		name = synth.DefaultDevice
	}
	d, ok := synth.Lookup(name)
	if !ok {
		return c, usagef("--target %q: unknown device (known: %s)", nf.target, strings.Join(synth.DeviceNames(), ", "))
	}
	c.device = d
	if nf.set["storage"] {
		if c.arch == sv.ArchParallel {
			return c, usagef("--storage applies to --arch folded (the parallel architecture holds synapses in adder trees)")
		}
		for _, item := range strings.Split(nf.storage, ",") {
			proj, kind, per := strings.Cut(item, "=")
			if !per {
				kind = proj
			}
			s, err := sv.ParseStorage(strings.TrimSpace(kind))
			if err != nil {
				return c, usagef("--storage %q: %v", nf.storage, err)
			}
			if !per {
				c.storage = s
				continue
			}
			if c.byProj == nil {
				c.byProj = map[string]sv.Storage{}
			}
			c.byProj[strings.TrimSpace(proj)] = s
		}
	}
	switch nf.wrap {
	case "", "axi":
	default:
		return c, usagef("--wrap %q: want axi", nf.wrap)
	}
	if nf.set["measure"] && nf.measure < 1 {
		return c, usagef("--measure %d: want at least 1 step", nf.measure)
	}
	return c, nil
}

// buildNet is `scc build` of network n (one with populations, or any
// network with a network flag): check the flags against the output kind,
// pick the architecture, emit, and with --report synthesize.
func buildNet(u *unit, n *ir.Net, nf *netFlags, kind, out string, report bool, stdout, stderr io.Writer) error {
	c, err := nf.parse()
	if err != nil {
		return err
	}
	switch kind {
	case "ir", "snn":
		if f := nf.any(); f != "" {
			return usagef("--%s applies to sv and mlir output, not --emit %s", f, kind)
		}
		return emitUnit(u, kind, out, n.Name, stdout)
	case "mlir", "mlir-generic":
		return buildNetMLIR(u, n, nf, c, kind, out, report, stdout, stderr)
	}
	for _, p := range n.Pops {
		if p.Kind == ir.PopExtern { // EmitNet's positioned refusal
			if err := sv.EmitNet(io.Discard, u.mod, n, sv.NetOptions{Arch: sv.ArchParallel}); err != nil {
				return netError(u, err)
			}
		}
	}
	if nf.set["measure"] && !report {
		return usagef("--measure applies with --report")
	}
	if nf.set["measure"] && nf.wrap != "" {
		return usagef("--measure co-simulates the bare core: it does not apply with --wrap %s", nf.wrap)
	}
	opt, est, line, err := nf.resolveArch(u, n, c, true)
	if err != nil {
		return err
	}
	if line != "" {
		fmt.Fprintln(stderr, line)
	}
	if c.arch != 0 && nf.set["target"] {
		if err := checkFit(u, n, opt, est, c.device); err != nil {
			if !report {
				return err
			}
			// The synthesized numbers decide (below).
			fmt.Fprintf(stderr, "scc: estimate: %v; synthesizing anyway (--report)\n", err)
		}
	}
	data, err := bufString(func(w io.Writer) error { return sv.EmitNet(w, u.mod, n, opt) })
	if err != nil {
		return netError(u, err)
	}
	if err := writeOutput(out, data, stdout); err != nil || !report {
		return err
	}
	if err := synthReport(stderr, u, n, opt, est, c.device, string(data)); err != nil || nf.measure == 0 {
		return err
	}
	return measureCycles(stderr, u, n, data, nf.measure)
}

// buildNetMLIR is buildNet for --emit mlir and mlir-generic: parallel, or
// folded (one lane) when --arch says so or the network is beyond the MLIR
// parallel limit.
func buildNetMLIR(u *unit, n *ir.Net, nf *netFlags, c netChoice, kind, out string, report bool, stdout, stderr io.Writer) error {
	for _, f := range []string{"wrap", "storage", "target", "lanes", "measure"} {
		if nf.set[f] {
			return usagef("--%s applies to sv output, not --emit %s", f, kind)
		}
	}
	if report {
		return usagef("--report of a network synthesizes its sv: it does not apply to --emit %s", kind)
	}
	if c.lanes > 1 {
		return usagef("--emit %s: the MLIR folded architecture has one lane (want --arch folded or folded:1)", kind)
	}
	a := mlir.ArchParallel
	switch syn := netSynapses(n); {
	case c.arch == sv.ArchFolded:
		a = mlir.ArchFolded
	case c.arch == 0 && syn > mlir.MaxParallelSynapses:
		a = mlir.ArchFolded
		fmt.Fprintf(stderr, "scc: --arch folded:1 (the MLIR parallel architecture holds at most %s synapses; %s has %s)\n",
			synth.Group(mlir.MaxParallelSynapses), n.Name, synth.Group(int64(syn)))
	}
	data, err := bufString(func(w io.Writer) error {
		return mlir.EmitNet(w, u.mod, n, mlir.NetOptions{Options: mlir.Options{Generic: kind == "mlir-generic", Version: version}, Arch: a})
	})
	if err != nil {
		return netError(u, err)
	}
	return writeOutput(out, data, stdout)
}

// keptModules are the modules --report's synthesis keeps as a level of
// hierarchy, each a row of the table: the step module of every
// population's Func (a neuron datapath: one instance per neuron in
// parallel, per lane in folded) unless the Func is generic (its per-neuron
// coefficients are constants flattening folds into each instance), and
// with --wrap axi the core the wrapper instantiates.
func keptModules(m *ir.Module, n *ir.Net, opt sv.NetOptions) []string {
	var keep []string
	for _, p := range n.Pops {
		if p.Kind != ir.PopNeuron {
			continue
		}
		if f := m.Func(p.Func); f != nil && !f.Generic() {
			keep = append(keep, sv.StepModuleName(f))
		}
	}
	if opt.Wrap == "axi" {
		keep = append(keep, n.ModuleName()+"_core")
	}
	return keep
}

// measureCycles co-simulates the emitted RTL for steps steps against the
// golden model (testbenches.CosimNet) and prints the cycles per step it
// took and the real-time factor at 100 MHz of their mean.
func measureCycles(w io.Writer, u *unit, n *ir.Net, rtl []byte, steps int) error {
	res, err := testbenches.CosimNet(context.Background(), u.mod, n, rtl, testbenches.NetCosimOptions{Steps: steps, Version: version})
	if err != nil {
		return netError(u, err)
	}
	if res.First != nil {
		return &failure{fmt.Sprintf("%s: co-simulation mismatch in %s: %s", u.name, n.Name, res.First)}
	}
	c := res.Cycles
	fmt.Fprintf(w, "cycles per step (measured, %d steps, min/mean/max): %s\n", c.N, c)
	if c.Mean > 0 {
		sps := clockHz / c.Mean
		fmt.Fprintf(w, "at 100 MHz (measured mean): %s steps/s; dt %g ms: %s × real time\n", synth.Group(int64(sps)), n.Dt, factor(sps*n.Dt/1000))
	}
	return nil
}

// netError words an emitter's error as a failure: positioned errors keep
// their position, the others get the file's name.
func netError(u *unit, err error) error {
	msg := strings.TrimPrefix(err.Error(), "sv: ")
	if !strings.HasPrefix(msg, u.name+":") {
		msg = u.name + ": " + msg
	}
	return &failure{msg}
}

// netSynapses is the number of synapses of n.
func netSynapses(n *ir.Net) int64 {
	var s int64
	for _, p := range n.Projs {
		s += int64(p.Synapses())
	}
	return s
}

func hasProj(n *ir.Net, name string) bool {
	for _, p := range n.Projs {
		if p.Name == name {
			return true
		}
	}
	return false
}

func archName(opt sv.NetOptions) string {
	if opt.Arch == sv.ArchFolded {
		return fmt.Sprintf("folded:%d", max(opt.Lanes, 1))
	}
	return opt.Arch.String()
}

// resolveArch is the architecture choice of `scc build` and `scc cosim`:
// the EmitNet options the parsed flags c ask for (Top, Version, Arch,
// Lanes, storage, Wrap) and their estimate. Without --arch it picks
// the architecture for c.device (chooseArch) and returns the one line
// saying which and why, "scc: --arch parallel (~448 LUT for 32 synapses
// fits xc7a100t's 63,400)"; fit says whether a folded network whose
// memories do not fit c.device is a failure (build) or still folded:1
// (cosim, which simulates it anyway).
func (nf *netFlags) resolveArch(u *unit, n *ir.Net, c netChoice, fit bool) (sv.NetOptions, sv.Estimate, string, error) {
	opt := sv.NetOptions{Options: sv.Options{Top: n.Name, Version: version}, Arch: c.arch, Lanes: c.lanes,
		Storage: c.byProj, Default: c.storage, Wrap: nf.wrap}
	for p := range c.byProj {
		if !hasProj(n, p) {
			return opt, sv.Estimate{}, "", usagef("--storage %s=...: network %s has no projection %q", p, n.Name, p)
		}
	}
	if c.arch == 0 {
		opt, est, why, err := chooseArch(u, n, opt, c.device, nf.set["storage"], fit)
		if err != nil {
			return opt, est, "", err
		}
		return opt, est, fmt.Sprintf("scc: --arch %s (%s)", archName(opt), why), nil
	}
	est, err := sv.EstimateNet(u.mod, n, opt)
	if err != nil {
		return opt, est, "", netError(u, err)
	}
	return opt, est, "", nil
}

// chooseArch picks the architecture of n for device d: parallel when its
// LUT estimate fits d (and it emits: no plastic projections, within the
// parallel synapse limit) and no folded-only option was given, else
// folded with one lane when its memories fit d, else a failure naming the
// resource that does not fit (unless !fit: then folded with one lane
// anyway). It returns the options, the estimate and the reason for the
// one-line message.
func chooseArch(u *unit, n *ir.Net, opt sv.NetOptions, d synth.Device, foldedOnly, fit bool) (sv.NetOptions, sv.Estimate, string, error) {
	var why string
	if opt.Lanes > 0 || foldedOnly {
		why = "--storage applies to folded"
		if opt.Lanes > 0 {
			why = "--lanes applies to folded"
		}
	} else {
		par := opt
		par.Arch = sv.ArchParallel
		est, err := sv.EstimateNet(u.mod, n, par)
		switch {
		case err != nil:
			why = "parallel: " + err.Error()
		case est.LUTs > int64(d.LUT):
			why = fmt.Sprintf("parallel needs ~%s LUT for %s synapses; %s has %s", approx(est.LUTs), synth.Group(int64(est.Synapses)), d.Name, synth.Group(int64(d.LUT)))
		default:
			// The estimate fits; the emitter has the last word (plastic
			// projections, the synapse limit).
			if err := sv.EmitNet(io.Discard, u.mod, n, par); err != nil {
				why = "parallel: " + strings.TrimPrefix(err.Error(), "sv: ")
				break
			}
			return par, est, fmt.Sprintf("~%s LUT for %s synapses fits %s's %s", approx(est.LUTs), synth.Group(int64(est.Synapses)), d.Name, synth.Group(int64(d.LUT))), nil
		}
	}
	fold := opt
	fold.Arch = sv.ArchFolded
	if fold.Lanes == 0 {
		fold.Lanes = 1
	}
	est, err := sv.EstimateNet(u.mod, n, fold)
	if err != nil {
		return fold, est, "", netError(u, err)
	}
	if err := checkFit(u, n, fold, est, d); err != nil {
		if !fit {
			return fold, est, why + "; its memories do not fit " + d.Name, nil
		}
		f := err.(*failure)
		f.msg += fmt.Sprintf("\n(block RAM from the estimate's memories; --arch %s --target %s --report synthesizes it anyway)", archName(fold), d.Name)
		return fold, est, "", f
	}
	return fold, est, why, nil
}

// checkFit fails when est does not fit d: parallel by its LUT estimate,
// folded by its memories (Pack), naming the resource, the shortfall and
// the largest memories that take it.
func checkFit(u *unit, n *ir.Net, opt sv.NetOptions, est sv.Estimate, d synth.Device) error {
	if opt.Arch == sv.ArchParallel {
		if est.LUTs > int64(d.LUT) {
			return &failure{fmt.Sprintf("%s: network %s does not fit %s in --arch parallel: ~%s LUT for %s synapses, %s has %s (%s short); use --arch folded",
				u.name, n.Name, d.Name, approx(est.LUTs), synth.Group(int64(est.Synapses)), d.Name, synth.Group(int64(d.LUT)), approx(est.LUTs-int64(d.LUT)))}
		}
		return nil
	}
	use, placed := d.Pack(memories(est))
	short := d.Fit(use)
	if len(short) == 0 {
		return nil
	}
	var parts []string
	for _, s := range short {
		parts = append(parts, fmt.Sprintf("%s (%s)", s, largest(placed, s.Resource, d.Family)))
	}
	hint := ""
	for _, m := range est.Memories {
		if strings.HasSuffix(m.Name, ".syn") && m.Bits > 12 {
			hint = fmt.Sprintf("; the synapse memories hold weights in their ports' format (%s: %d bits): a narrower --format (auto:N, N < %d) shrinks them", m.Name, m.Bits, m.Bits)
			break
		}
	}
	return &failure{fmt.Sprintf("%s: network %s does not fit %s in --arch %s: %s%s",
		u.name, n.Name, d.Name, archName(opt), strings.Join(parts, "; "), hint)}
}

// memories converts the estimate's memories for synth.Pack.
func memories(est sv.Estimate) []synth.Memory {
	ms := make([]synth.Memory, len(est.Memories))
	for i, m := range est.Memories {
		ms[i] = synth.Memory{Name: m.Name, Depth: m.Depth, Bits: m.Bits, Banks: m.Banks, ROM: m.ROM}
	}
	return ms
}

// largest names the (up to three) memories that take the most of
// resource: "ee.syn 320,000×16: 156.5 BRAM36, ...".
func largest(placed []synth.Placed, resource string, f synth.Family) string {
	amount := func(p synth.Placed) float64 {
		switch resource {
		case f.BlockName():
			return p.Block
		case "SPRAM":
			return float64(p.SPRAM)
		case "LUT":
			return float64(p.LUTRAM)
		case "FF":
			return float64(p.FF)
		}
		return 0
	}
	ps := append([]synth.Placed(nil), placed...)
	sort.SliceStable(ps, func(a, b int) bool { return amount(ps[a]) > amount(ps[b]) })
	var names []string
	for _, p := range ps {
		if amount(p) == 0 || len(names) == 3 {
			break
		}
		banks := ""
		if p.Banks > 1 {
			banks = fmt.Sprintf(" ×%d banks", p.Banks)
		}
		names = append(names, fmt.Sprintf("%s %s×%d%s: %s", p.Name, synth.Group(int64(p.Depth)), p.Bits, banks, p.Where(f)))
	}
	if len(names) == 0 {
		if resource == "LUT" || resource == "FF" || resource == "DSP" {
			return "logic"
		}
		return "no memory"
	}
	return strings.Join(names, ", ")
}

// approx formats a large count roughly: 4,480,000 → "4.5M", 63,400 →
// "63,400".
func approx(n int64) string {
	if n >= 1_000_000 {
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
	}
	return synth.Group(n)
}

// factor formats a real-time factor: 10,000, 81.3, 0.0123.
func factor(x float64) string {
	if x >= 1000 {
		return synth.Group(int64(x + 0.5))
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

// reportSteps is how many steps of the golden model --report runs.
const reportSteps = 1000

// goldenSpikes runs the golden model (sim.Net) of n for steps steps and
// prints the spikes per step (min/mean/max, every population), the load
// the cycles of a step depend on, beside the worst case's every neuron
// spiking.
func goldenSpikes(w io.Writer, u *unit, n *ir.Net, opt sv.NetOptions, steps int) error {
	s, err := sim.NewNet(u.mod, n, sim.NetOptions{})
	if err != nil {
		return netError(u, err)
	}
	model, err := sv.CycleModel(u.mod, n, opt)
	if err != nil {
		return netError(u, err)
	}
	var cyc []int64
	spk := make([][]int32, len(n.Pops))
	total := 0
	for _, p := range n.Pops {
		total += p.Size
	}
	lo, hi, sum := -1, 0, 0
	for range steps {
		if err := s.Step(); err != nil {
			return netError(u, err)
		}
		k := 0
		for pi := range n.Pops {
			k += len(s.Spikes(pi))
			spk[pi] = s.Spikes(pi)
		}
		cyc = append(cyc, model(spk, s.T()))
		if lo < 0 || k < lo {
			lo = k
		}
		hi, sum = max(hi, k), sum+k
	}
	fmt.Fprintf(w, "golden model over %s steps: spikes per step %d/%.1f/%d (min/mean/max) of %s neurons and sources\n",
		synth.Group(int64(steps)), lo, float64(sum)/float64(steps), hi, synth.Group(int64(total)))
	if len(cyc) == 0 {
		return nil
	}
	cmin, cmax, csum := cyc[0], cyc[0], int64(0)
	for _, c := range cyc {
		cmin, cmax, csum = min(cmin, c), max(cmax, c), csum+c
	}
	mean := float64(csum) / float64(len(cyc))
	rate := clockHz / mean
	fmt.Fprintf(w, "cycles per step at these spikes (schedule model, --arch %s): %s/%s/%s (min/mean/max); at 100 MHz %s steps/s, dt %g ms: %s × real time\n",
		archName(opt), synth.Group(cmin), synth.Group(int64(mean+0.5)), synth.Group(cmax), synth.Group(int64(rate)), n.Dt, factor(rate*n.Dt/1000))
	return nil
}

// synthTimeout bounds --report's synthesis.
var synthTimeout = 2 * time.Hour

// clockHz is the clock --report's real-time factor assumes.
const clockHz = 100e6

// synthReport synthesizes the emitted src for d's family and prints the
// table, the cycles per step and the real-time factor at 100 MHz; the
// synthesized design must fit d.
func synthReport(w io.Writer, u *unit, n *ir.Net, opt sv.NetOptions, est sv.Estimate, d synth.Device, src string) error {
	top := n.ModuleName()
	keep := keptModules(u.mod, n, opt)
	// ^C stops yosys (its process group) and removes its work directory.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r, err := synth.Run(ctx, src, synth.Options{Top: top, Family: d.Family, Keep: keep, Timeout: synthTimeout})
	if err != nil {
		return fmt.Errorf("%s: %v", u.name, err)
	}
	script := "synth_xilinx -family xc7"
	if d.Family == synth.ICE40 {
		script = "synth_ice40 -device u"
	}
	fmt.Fprintf(w, "synthesis of network %s, --arch %s, for %s (yosys %s):\n", n.Name, archName(opt), d.Name, script)
	if err := synth.WriteTable(w, r, d); err != nil {
		return err
	}
	fmt.Fprintf(w, "neurons %s, synapses %s\n", synth.Group(int64(est.Neurons)), synth.Group(int64(est.Synapses)))
	if err := goldenSpikes(w, u, n, opt, reportSteps); err != nil {
		return err
	}
	if est.CyclesPerStep > 0 {
		fmt.Fprintf(w, "cycles per step, worst case (every neuron spikes every step): %s; formula: %s\n", synth.Group(est.CyclesPerStep), est.Formula)
		steps := clockHz / float64(est.CyclesPerStep)
		fmt.Fprintf(w, "at 100 MHz, worst case: %s steps/s; dt %g ms: %s × real time (a bound: typical steps are shorter; --measure N co-simulates N steps)\n",
			synth.Group(int64(steps)), n.Dt, factor(steps*n.Dt/1000))
	}
	if s := d.Fit(r.Total); len(s) > 0 {
		var parts []string
		for _, x := range s {
			parts = append(parts, x.String())
		}
		return &failure{fmt.Sprintf("%s: network %s synthesized does not fit %s: %s", u.name, n.Name, d.Name, strings.Join(parts, "; "))}
	}
	fmt.Fprintf(w, "fits %s\n", d.Name)
	return nil
}
