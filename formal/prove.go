package formal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"scc/internal/tool"
)

// File is a Verilog source handed to yosys.
type File struct {
	Name string // base name, e.g. "lif.sv"
	Text string
}

// Options control Prove.
type Options struct {
	// Depth is the BMC depth (steps from reset, reset cycles included) and
	// the longest induction tried; 0 means DefaultDepth.
	Depth int
	// Timeout bounds each solver run; 0 means none. A run that times out
	// leaves its properties Unknown.
	Timeout time.Duration
	// Dir receives the model, the logs and the counterexample VCDs; "" makes
	// a temporary directory (removed unless it holds a counterexample).
	Dir string
	// Log, if set, is told about every solver run as it ends (what was
	// checked, over how many properties, the outcome and the time): proofs
	// of large models take minutes.
	Log func(string)
}

// DefaultDepth is the BMC depth and induction bound when Options.Depth is 0.
const DefaultDepth = 12

// Status is the outcome of one property.
type Status uint8

// Outcomes.
const (
	Unknown Status = iota // the solver did not finish (timeout)
	Proven                // base case and k-induction hold: every reachable step
	Bounded               // holds for every trace up to the BMC depth only
	Failed                // a trace from reset violates it
)

func (s Status) String() string {
	return [...]string{"UNKNOWN", "PROVEN", "BOUNDED", "FAILED"}[s]
}

// Result is the outcome of one property.
type Result struct {
	Prop   Property
	Status Status
	K      int    // Proven: the induction length that closed the proof
	Depth  int    // Bounded: the BMC depth reached (steps from reset)
	Step   int    // Failed: the first failing step (0 is the first cycle)
	VCD    string // Failed: the counterexample trace
	Table  string // Failed: the trace's steps as a table
	Reason string // Unknown: why
	// Engine names what decided the verdict: "k-induction" (yosys-smtbmc),
	// "pdr" or "bmc3" (yosys-abc), "bmc" (yosys-smtbmc from reset).
	Engine string
}

// Report is the outcome of Prove.
type Report struct {
	Top     string
	Depth   int
	Results []Result
	Elapsed time.Duration
	Dir     string // where the model and traces are
}

// Failed reports whether any property failed.
func (r *Report) Failed() bool {
	for _, x := range r.Results {
		if x.Status == Failed {
			return true
		}
	}
	return false
}

// Count returns the number of results with status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, x := range r.Results {
		if x.Status == s {
			n++
		}
	}
	return n
}

// Prove checks every property of h on the RTL in rtl (which must define
// h.DUT and what it instantiates): BMC from reset to opt.Depth for the base
// case (a failure is a counterexample), then k-induction up to opt.Depth.
// A property that fails is reported with its trace and left out of the
// later runs; one that survives BMC but blocks induction is reported
// Bounded and left out until the rest closes. It returns an error when a
// tool is missing or fails (not when a property fails).
func Prove(ctx context.Context, rtl []File, h *Harness, opt Options) (*Report, error) {
	start := time.Now()
	if opt.Depth <= 0 {
		opt.Depth = DefaultDepth
	}
	yosys, err := tool.Path("yosys")
	if err != nil {
		return nil, err
	}
	smtbmc, err := tool.Path("yosys-smtbmc")
	if err != nil {
		return nil, err
	}
	if _, err := tool.Path("z3"); err != nil {
		return nil, err
	}
	dir := opt.Dir
	keep := dir != ""
	if dir == "" {
		if dir, err = os.MkdirTemp("", "scc-formal-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if opt.Log != nil {
		// Racing engines report concurrently.
		var mu sync.Mutex
		log := opt.Log
		opt.Log = func(s string) {
			mu.Lock()
			defer mu.Unlock()
			log(s)
		}
	}
	d := &driver{ctx: ctx, h: h, opt: opt, dir: dir, yosys: yosys, smtbmc: smtbmc, rtl: rtl}
	if _, err := tool.Path("yosys-abc"); err == nil {
		d.abcOK = true
	}
	rep := &Report{Top: h.Top, Depth: opt.Depth, Dir: dir}
	results, err := d.run()
	rep.Results = results
	rep.Elapsed = time.Since(start)
	if !keep && !rep.Failed() {
		os.RemoveAll(dir)
		rep.Dir = ""
	}
	return rep, err
}

type driver struct {
	ctx           context.Context
	h             *Harness
	opt           Options
	dir           string
	yosys, smtbmc string
	rtl           []File
	mu            sync.Mutex // guards round: racing engines name their files by it
	round         int
	tapLines      map[int]string   // smtc line -> tap name
	active        int              // properties in the last model
	merged        []Correspondence // the correspondences merged into the last model
	abcOK         bool             // yosys-abc is installed: its engines race too
}

func (d *driver) run() ([]Result, error) {
	res := map[string]*Result{}
	var names []string
	for _, p := range d.h.Props {
		res[p.Name] = &Result{Prop: p}
		names = append(names, p.Name)
	}
	for _, t := range d.h.Taps {
		res[t.Name] = &Result{Prop: Property{Name: t.Name, Text: t.Text}}
		names = append(names, t.Name)
	}
	failed := map[string]bool{}
	open := map[string]bool{} // not inductive (yet): settled by deep BMC
	without := func(sets ...map[string]bool) map[string]bool {
		skip := map[string]bool{}
		for _, s := range sets {
			for n := range s {
				skip[n] = true
			}
		}
		return skip
	}
	active := func() []string {
		var a []string
		for _, n := range names {
			if !failed[n] && !open[n] {
				a = append(a, n)
			}
		}
		return a
	}
	// The engines race on the largest set not yet settled: a proof of the
	// set (k-induction with its base case, or abc's dprove) settles all of
	// it; a counterexample (any engine) fails the properties it violates,
	// and the rest race again; what k-induction names as blocking is left
	// for deep BMC while the rest race again.
	for len(active()) > 0 {
		act := active()
		model, err := d.model(without(failed, open))
		if err != nil {
			return d.collect(res), err
		}
		v, err := d.race(model)
		if err != nil {
			return d.collect(res), err
		}
		switch {
		case v.proven:
			proven := map[string]bool{}
			for _, n := range act {
				proven[n] = true
			}
			if miss := unjustified(d.merged, proven); len(miss) > 0 {
				// Cannot happen (a merged pair's property is in the
				// model it merges into), and must never pass silently.
				return d.collect(res), fmt.Errorf("formal: internal error: a proof rests on the unproven correspondences %v", miss)
			}
			for _, n := range act {
				res[n].Status, res[n].K, res[n].Engine = Proven, v.k, v.engine
			}
			goto deep
		case v.cex != nil:
			d.fail(res, failed, v.cex, v.engine)
		case v.timeout:
			// The joint search is too slow: many properties are
			// combinational or 1-inductive on their own.
			if err := d.oneByOne(res, act, failed, open); err != nil {
				return d.collect(res), err
			}
			goto deep
		default:
			blocked := v.blocked
			if len(blocked) == 0 {
				blocked = act
			}
			for _, n := range blocked {
				open[n] = true
			}
		}
	}
deep:
	// BMC for what no engine could settle: a trace is a failure, else the
	// property holds to the depth reached.
	for len(open) > 0 {
		skip := map[string]bool{}
		for _, n := range names {
			if !open[n] {
				skip[n] = true
			}
		}
		model, err := d.model(skip)
		if err != nil {
			return d.collect(res), err
		}
		bmc, err := d.deepBMC(model)
		if err != nil {
			return d.collect(res), err
		}
		switch {
		case bmc.status == "PREUNSAT":
			return d.collect(res), errors.New("formal: the harness' assumptions are unsatisfiable (PREUNSAT)")
		case bmc.status == "FAILED" && len(bmc.failed) > 0:
			d.fail(res, failed, bmc, bmc.engine)
			for _, n := range bmc.failed {
				delete(open, n)
			}
			continue
		case bmc.timeout || bmc.status == "PASSED":
			// -t K checks the steps 0..K-1; a clocked assertion is
			// reported one step after the values it checks, so report the
			// cycles 0..K-2 as covered.
			depth := bmc.step - 1
			for n := range open {
				r := res[n]
				if depth < 1 {
					r.Status, r.Reason = Unknown, "BMC timed out in the first step"
				} else {
					r.Status, r.Depth, r.Engine = Bounded, depth, bmc.engine
				}
			}
			return d.collect(res), nil
		default:
			return d.collect(res), fmt.Errorf("formal: yosys-smtbmc ended with status %q; see %s", bmc.status, bmc.log)
		}
	}
	return d.collect(res), nil
}

// verdict is the outcome of one race.
type verdict struct {
	proven  bool     // every property of the model holds in every reachable state
	engine  string   // what decided it
	k       int      // proven by k-induction: its length
	cex     *outcome // a counterexample
	blocked []string // neither: what k-induction names as not inductive
	timeout bool     // neither, and k-induction timed out
}

// engineResult is one engine's answer in a race.
type engineResult struct {
	name string
	v    verdict
	err  error
}

// race runs the engines on one model: k-induction with its base case
// (yosys-smtbmc, z3), abc's dprove (signal correspondence, induction,
// interpolation and PDR on the AIGER model, which holds the table ROMs as
// logic) and abc's bmc3 to deepDepth. The first proof or counterexample
// wins and the others are stopped. Every engine is sound, so which one
// finishes first changes only the Engine named, never a verdict; a
// counterexample's step is the earliest (BMC from reset, bmc3) or made so
// (shortestCex).
func (d *driver) race(model string) (verdict, error) {
	ctx, cancel := context.WithCancel(d.ctx)
	defer cancel()
	engines := []func(context.Context) (verdict, error){d.inductionEngine(model)}
	names := []string{"k-induction"}
	if d.abcOK {
		// bmc3 searches for counterexamples only: it gets a share of the
		// budget, the rest of the race goes on without it.
		limit := raceBMC3
		if d.opt.Timeout > 0 {
			limit = min(limit, d.opt.Timeout)
		}
		engines = append(engines, d.abcEngine(model, "dprove", 0, d.opt.Timeout), d.abcEngine(model, "bmc3", deepDepth(d.opt.Depth), limit))
		names = append(names, "dprove", "bmc3")
	}
	// Engines start in order while a core is free; one that ends without
	// a verdict frees its core for the next.
	ch := make(chan engineResult, len(engines))
	next := 0
	start := func() {
		if next < len(engines) {
			e, name := engines[next], names[next]
			next++
			go func() {
				v, err := e(ctx)
				ch <- engineResult{name, v, err}
			}()
		}
	}
	for range min(raceSlots(), len(engines)) {
		start()
	}
	// stop ends the race: the engines still running are killed and waited
	// for, so none writes into the work directory after Prove returns.
	received := 0
	stop := func() {
		cancel()
		for ; received < next; received++ {
			<-ch
		}
	}
	var ind *verdict
	var firstErr error
	for range engines {
		r := <-ch
		received++
		switch {
		case r.err != nil:
			if firstErr == nil && d.ctx.Err() == nil {
				firstErr = r.err
			}
		case r.v.proven:
			stop()
			return r.v, nil
		case r.v.cex != nil:
			stop()
			if r.name == "dprove" {
				return d.shortestCex(model, r.v)
			}
			return r.v, nil
		case r.name == "k-induction":
			v := r.v
			ind = &v
		}
		start()
	}
	if d.ctx.Err() != nil {
		return verdict{}, d.ctx.Err()
	}
	if firstErr != nil {
		return verdict{}, firstErr
	}
	return *ind, nil
}

// raceSlots is how many engines of a race run at once: the cores, at least
// two (k-induction and dprove), at most all three.
func raceSlots() int { return min(max(runtime.NumCPU(), 2), 3) }

// raceBMC3 bounds bmc3's search in a race (deep BMC has the full timeout).
const raceBMC3 = 45 * time.Second

// deepDepth is how far bmc3 searches for a counterexample in a race: far
// beyond the BMC depth (a threshold compare off by one LSB first differs
// after about 200 steps of the LIF), bounded by the solver timeout.
func deepDepth(depth int) int { return max(depth, 1000) }

// inductionEngine is k-induction (short first, then to the depth) and, when
// it closes, the base case from reset.
func (d *driver) inductionEngine(model string) func(context.Context) (verdict, error) {
	return func(ctx context.Context) (verdict, error) {
		// Short inductions first: most sets close at k ≤ 2, and
		// yosys-smtbmc unrolls every step of -t before its first check,
		// which on a large datapath costs more than the proof.
		ind, err := d.check(ctx, model, true, min(d.opt.Depth, shortInduction))
		if err == nil && !ind.timeout && ind.status == "FAILED" && d.opt.Depth > shortInduction {
			ind, err = d.check(ctx, model, true, d.opt.Depth)
		}
		if err != nil {
			return verdict{}, err
		}
		if ind.timeout {
			return verdict{timeout: true}, nil
		}
		if ind.status != "PASSED" {
			if ind.status != "FAILED" {
				return verdict{}, fmt.Errorf("formal: yosys-smtbmc -i ended with status %q; see %s", ind.status, ind.log)
			}
			return verdict{blocked: ind.failed}, nil
		}
		base, err := d.check(ctx, model, false, min(d.opt.Depth, ind.k+resetCycles+2))
		if err != nil {
			return verdict{}, err
		}
		switch {
		case base.timeout:
			return verdict{timeout: true}, nil
		case base.status == "PREUNSAT":
			return verdict{}, errors.New("formal: the harness' assumptions are unsatisfiable (PREUNSAT)")
		case base.status == "FAILED" && len(base.failed) > 0:
			return verdict{cex: base, engine: "bmc"}, nil
		case base.status == "PASSED":
			return verdict{proven: true, k: ind.k, engine: "k-induction"}, nil
		}
		return verdict{}, fmt.Errorf("formal: yosys-smtbmc ended with status %q; see %s", base.status, base.log)
	}
}

// abcEngine runs one yosys-abc engine as a racer. Only a proof or a
// counterexample counts; abc giving up or timing out decides nothing.
func (d *driver) abcEngine(model, engine string, depth int, limit time.Duration) func(context.Context) (verdict, error) {
	return func(ctx context.Context) (verdict, error) {
		o, err := d.abcWithin(ctx, model, engine, depth, limit)
		if err != nil || o.timeout {
			return verdict{}, err
		}
		switch o.status {
		case "PASSED":
			return verdict{proven: true, engine: engine}, nil
		case "FAILED":
			return verdict{cex: o, engine: engine}, nil
		}
		return verdict{}, nil
	}
}

// shortestCex turns a counterexample of an engine that need not find the
// shortest (dprove's PDR and interpolation) into bmc3's earliest one, so a
// failure's step does not depend on which engine found it.
func (d *driver) shortestCex(model string, v verdict) (verdict, error) {
	if v.cex.step+2 <= d.opt.Depth {
		return v, nil // abc already confirmed it by BMC from reset (confirmShallow)
	}
	o, err := d.abc(d.ctx, model, "bmc3", v.cex.step+2)
	if err != nil {
		return verdict{}, err
	}
	if o.status == "FAILED" {
		return verdict{cex: o, engine: v.engine}, nil
	}
	return v, nil
}

// deepBMC checks the open properties from reset: yosys-smtbmc to the depth
// and bmc3 to deepDepth race; a counterexample from either fails them,
// else they hold to the deeper depth either completed.
func (d *driver) deepBMC(model string) (*outcome, error) {
	if !d.abcOK {
		o, err := d.check(d.ctx, model, false, d.opt.Depth)
		if err == nil {
			o.engine = "bmc"
			if o.status == "PASSED" {
				o.step = d.opt.Depth
			}
		}
		return o, err
	}
	ctx, cancel := context.WithCancel(d.ctx)
	defer cancel()
	type r struct {
		o   *outcome
		err error
	}
	ch := make(chan r, 2)
	go func() {
		o, err := d.check(ctx, model, false, d.opt.Depth)
		if err == nil {
			o.engine = "bmc"
			if o.status == "PASSED" {
				o.step = d.opt.Depth
			}
		}
		ch <- r{o, err}
	}()
	go func() {
		o, err := d.abc(ctx, model, "bmc3", deepDepth(d.opt.Depth))
		if err == nil {
			o.engine = "bmc3"
		}
		ch <- r{o, err}
	}()
	got := 0
	stop := func() {
		cancel()
		for ; got < 2; got++ {
			<-ch
		}
	}
	var smt, abc *outcome
	for got < 2 {
		x := <-ch
		got++
		if x.err != nil {
			stop()
			return nil, x.err
		}
		o := x.o
		if o.status == "FAILED" && len(o.failed) > 0 {
			stop()
			return o, nil
		}
		if o.status == "PREUNSAT" {
			stop()
			return o, nil
		}
		if o.engine == "bmc3" {
			abc = o
		} else {
			smt = o
		}
	}
	// The depth reported is smtbmc's, or bmc3's when it completed all its
	// frames: a bmc3 stopped by its time limit reached a depth that
	// depends on the machine, so it counts only for a counterexample.
	if abc.status == "BOUNDED" && !abc.timeout && (smt.timeout || abc.step > smt.step) {
		abc.status = "PASSED"
		return abc, nil
	}
	return smt, nil
}

// nextRound numbers a solver run or model (file names).
func (d *driver) nextRound() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.round++
	return d.round
}

// oneByOne tries induction on each property alone (short depth), then its
// base case; what does not close is left open for deep BMC.
func (d *driver) oneByOne(res map[string]*Result, names []string, failed, open map[string]bool) error {
	for _, n := range names {
		skip := map[string]bool{}
		for m := range res {
			if m != n {
				skip[m] = true
			}
		}
		model, err := d.model(skip)
		if err != nil {
			return err
		}
		ind, err := d.check(d.ctx, model, true, min(d.opt.Depth, oneByOneDepth))
		if err != nil {
			return err
		}
		if ind.timeout || ind.status != "PASSED" {
			open[n] = true
			continue
		}
		base, err := d.check(d.ctx, model, false, min(d.opt.Depth, ind.k+resetCycles+2))
		if err != nil {
			return err
		}
		switch {
		case base.status == "PASSED":
			res[n].Status, res[n].K, res[n].Engine = Proven, ind.k, "k-induction"
		case base.status == "FAILED" && len(base.failed) > 0:
			d.fail(res, failed, base, "bmc")
		default:
			open[n] = true
		}
	}
	return nil
}

// shortInduction is the induction length tried before the full depth.
const shortInduction = 3

// oneByOneDepth bounds the induction tried on a property alone.
const oneByOneDepth = 4

// fail records the properties a BMC trace violates. Yosys samples a
// clocked immediate assertion at the edge and reports it one step later, so
// the violating cycle of a harness property is the step before the one
// smtbmc names; tap constraints are checked in the step itself.
func (d *driver) fail(res map[string]*Result, failed map[string]bool, o *outcome, engine string) {
	tables := map[int]string{}
	for _, n := range o.failed {
		step := o.step
		if p := d.h.Property(n); p != nil && p.delayed && step > 0 {
			step--
		}
		table, ok := tables[step]
		if !ok {
			var err error
			if table, err = traceTable(o.vcd, d.h.Trace, step); err != nil {
				table = fmt.Sprintf("(no table: %v)", err)
			}
			tables[step] = table
		}
		r := res[n]
		r.Status, r.Step, r.VCD, r.Table, r.Engine = Failed, step, o.vcd, table, engine
		failed[n] = true
	}
}

func (d *driver) unknown(res map[string]*Result, settled map[string]bool, why string) {
	for n, r := range res {
		if !settled[n] {
			r.Status, r.Reason = Unknown, why
		}
	}
}

// collect returns the results in harness order, taps last.
func (d *driver) collect(res map[string]*Result) []Result {
	var out []Result
	for _, p := range d.h.Props {
		out = append(out, *res[p.Name])
	}
	for _, t := range d.h.Taps {
		out = append(out, *res[t.Name])
	}
	return out
}

// model writes the sources and runs yosys; it returns the SMT2 file.
func (d *driver) model(skip map[string]bool) (string, error) {
	var script strings.Builder
	for _, f := range d.rtl {
		if err := os.WriteFile(filepath.Join(d.dir, f.Name), []byte(f.Text), 0o644); err != nil {
			return "", err
		}
		// The DUT is read without -formal: its own `ifdef FORMAL blocks
		// stay out, every property is the harness'.
		fmt.Fprintf(&script, "read_verilog -sv %s\n", f.Name)
	}
	d.active = 0
	d.merged = nil
	for _, p := range d.h.Props {
		if !skip[p.Name] {
			d.active++
		}
	}
	for _, t := range d.h.Taps {
		if !skip[t.Name] {
			d.active++
		}
	}
	hname := d.h.Top + ".sv"
	if err := os.WriteFile(filepath.Join(d.dir, hname), []byte(d.h.Source(skip)), 0o644); err != nil {
		return "", err
	}
	round := d.nextRound()
	smt2 := fmt.Sprintf("%s.%d.smt2", d.h.Top, round)
	fmt.Fprintf(&script, "read_verilog -formal -sv %s\n", hname)
	// Table ROMs become memories (proc_rom), which write_smt2 models as
	// state; constrainROMs (rom.go) fixes their contents in every step of
	// BMC and induction. (`proc -norom` would keep them as logic, but then
	// z3 timed out on every induction of ExpIF, even reset_spike's.)
	if len(d.h.Taps) > 0 {
		// Tapped signals may feed no assertion yosys can see (the taps
		// live in the constraint file): keep them through opt.
		fmt.Fprintf(&script, "hierarchy -top %s\n", d.h.Top)
		for _, t := range d.h.Taps {
			fmt.Fprintf(&script, "setattr -set keep 1 %s\nsetattr -set keep 1 %s\n", t.keepA, t.keepB)
		}
	}
	if len(d.h.Merge) == 0 {
		fmt.Fprintf(&script, "prep -flatten -top %s\nasync2sync\ndffunmap\nwrite_rtlil %s\nwrite_smt2 -wires %s\n", d.h.Top, rtlilName(smt2), smt2)
		if err := d.yosysRun(script.String()); err != nil {
			return "", err
		}
	} else {
		// Register correspondence (merge.go): flatten, rewire B's logic
		// to A's registers in the netlist, then model that.
		flat := fmt.Sprintf("%s.%d.flat.json", d.h.Top, round)
		fmt.Fprintf(&script, "prep -flatten -top %s\nwrite_json %s\n", d.h.Top, flat)
		if err := d.yosysRun(script.String()); err != nil {
			return "", err
		}
		data, err := os.ReadFile(filepath.Join(d.dir, flat))
		if err != nil {
			return "", err
		}
		var pairs []Correspondence
		for _, c := range d.h.Merge {
			if !skip[c.Prop] {
				pairs = append(pairs, c)
			}
		}
		merged, applied, err := merge(data, d.h.Top, d.h.mergeInst, pairs)
		if err != nil {
			return "", err
		}
		d.merged = applied
		mj := fmt.Sprintf("%s.%d.merged.json", d.h.Top, round)
		if err := os.WriteFile(filepath.Join(d.dir, mj), merged, 0o644); err != nil {
			return "", err
		}
		if err := d.yosysRun(fmt.Sprintf("read_json %s\nhierarchy -top %s\nasync2sync\ndffunmap\nwrite_rtlil %s\nwrite_smt2 -wires %s\n", mj, d.h.Top, rtlilName(smt2), smt2)); err != nil {
			return "", err
		}
	}
	if _, err := constrainROMs(filepath.Join(d.dir, smt2)); err != nil {
		return "", err
	}
	if len(d.h.Taps) > 0 {
		if err := d.writeTaps(smt2, skip); err != nil {
			return "", err
		}
	}
	return smt2, nil
}

// rtlilName is the RTLIL file model writes beside the SMT2 model smt2: the
// same flattened design (async2sync, dffunmap, merged), from which the
// AIGER model of the abc engines is made, so their witnesses replay on the
// SMT2 model.
func rtlilName(smt2 string) string { return strings.TrimSuffix(smt2, ".smt2") + ".il" }

// yosysRun runs a yosys script in the work directory.
func (d *driver) yosysRun(script string) error {
	ys := filepath.Join(d.dir, d.h.Top+".ys")
	if err := os.WriteFile(ys, []byte(script), 0o644); err != nil {
		return err
	}
	cmd := exec.CommandContext(d.ctx, d.yosys, "-q", "-l", d.h.Top+".yosys.log", d.h.Top+".ys")
	cmd.Dir = d.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("formal: yosys failed on %s: %v\n%s", ys, err, lastLines(string(out), 20))
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// outcome is one yosys-smtbmc run.
type outcome struct {
	status  string   // PASSED, FAILED, PREUNSAT
	failed  []string // property names reported failing
	step    int      // BMC: the failing step
	k       int      // induction: the length that succeeded
	vcd     string
	log     string
	timeout bool
	engine  string // deep BMC: which engine answered
}

var (
	reAssert  = regexp.MustCompile(`Assert failed in [^:]*: (\S+)`)
	reTap     = regexp.MustCompile(`Assert (\S+):(\d+) failed`)
	reStep    = regexp.MustCompile(`Checking assertions in step (\d+)`)
	reInd     = regexp.MustCompile(`Trying induction in step (\d+)`)
	reStatus  = regexp.MustCompile(`Status: (\w+)`)
	reSpinner = regexp.MustCompile(`\s*\(\d+ seconds\)[-\\|/ ]*`)
)

func (d *driver) check(parent context.Context, model string, induction bool, depth int) (*outcome, error) {
	round := d.nextRound()
	kind := "bmc"
	// --unroll hands z3 the unrolled formula instead of the transition
	// function: on these datapaths it is faster by orders of magnitude
	// (minutes to under a second for the LIF at depth 12).
	args := []string{"--noprogress", "--unroll", "-s", "z3", "--presat", "-t", strconv.Itoa(depth)}
	if induction {
		kind = "ind"
		args = []string{"--noprogress", "--unroll", "-s", "z3", "-i", "-t", strconv.Itoa(depth)}
	}
	base := fmt.Sprintf("%s.%d.%s", d.h.Top, round, kind)
	o := &outcome{log: filepath.Join(d.dir, base+".log")}
	if !induction {
		o.vcd = filepath.Join(d.dir, base+".vcd")
		args = append(args, "--dump-vcd", base+".vcd")
	}
	if len(d.h.Taps) > 0 {
		args = append(args, "--smtc", model+".smtc")
	}
	args = append(args, model)
	ctx := parent
	if d.opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.opt.Timeout)
		defer cancel()
	}
	if d.opt.Log != nil {
		start := time.Now()
		defer func() {
			what := fmt.Sprintf("BMC to depth %d", depth)
			if induction {
				what = fmt.Sprintf("k-induction up to k=%d", depth)
			}
			outcome := o.status
			if o.timeout {
				outcome = "timed out"
			}
			d.opt.Log(fmt.Sprintf("formal: %s of %d properties: %s in %.1fs (%s)", what, d.active, outcome,
				time.Since(start).Seconds(), filepath.Base(o.log)))
		}()
	}
	cmd := exec.CommandContext(ctx, d.smtbmc, args...)
	cmd.Dir = d.dir
	// yosys-smtbmc runs z3 as a child: kill the whole group on timeout.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	text := reSpinner.ReplaceAllString(string(out), "")
	os.WriteFile(o.log, []byte(text), 0o644)
	if ctx.Err() != nil {
		if d.ctx.Err() != nil {
			return nil, d.ctx.Err()
		}
		o.timeout = true
		d.parse(o, text, depth)
		return o, nil
	}
	d.parse(o, text, depth)
	if err != nil && o.status == "" {
		return nil, fmt.Errorf("formal: yosys-smtbmc: %v\n%s", err, lastLines(text, 20))
	}
	return o, nil
}

func (d *driver) parse(o *outcome, text string, depth int) {
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if m := reStep.FindStringSubmatch(line); m != nil {
			o.step, _ = strconv.Atoi(m[1])
		}
		if m := reInd.FindStringSubmatch(line); m != nil {
			s, _ := strconv.Atoi(m[1])
			o.k = depth - s
		}
		if m := reStatus.FindStringSubmatch(line); m != nil {
			o.status = m[1]
		}
		name := ""
		if m := reAssert.FindStringSubmatch(line); m != nil {
			name = m[1]
		} else if m := reTap.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[2])
			name = d.tapAt(n)
		}
		if name != "" && !seen[name] && d.known(name) {
			seen[name] = true
			o.failed = append(o.failed, name)
		}
	}
	sort.Strings(o.failed)
}

func (d *driver) known(name string) bool {
	if d.h.Property(name) != nil {
		return true
	}
	for _, t := range d.h.Taps {
		if t.Name == name {
			return true
		}
	}
	return false
}
