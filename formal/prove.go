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
	"sort"
	"strconv"
	"strings"
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
	d := &driver{ctx: ctx, h: h, opt: opt, dir: dir, yosys: yosys, smtbmc: smtbmc, rtl: rtl}
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
	round         int
	tapLines      map[int]string // smtc line -> tap name
	active        int            // properties in the last model
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
	// k-induction over the largest set that closes, each closing set
	// checked from reset to the induction length (the base case).
	for len(active()) > 0 {
		model, err := d.model(without(failed, open))
		if err != nil {
			return d.collect(res), err
		}
		// Short inductions first: most sets close at k ≤ 2, and
		// yosys-smtbmc unrolls every step of -t before its first check,
		// which on a large datapath costs more than the proof.
		ind, err := d.check(model, true, min(d.opt.Depth, shortInduction))
		if err == nil && !ind.timeout && ind.status == "FAILED" && d.opt.Depth > shortInduction {
			ind, err = d.check(model, true, d.opt.Depth)
		}
		if err != nil {
			return d.collect(res), err
		}
		if ind.timeout {
			// The joint search is too slow: many properties are
			// combinational or 1-inductive on their own.
			if err := d.oneByOne(res, active(), failed, open); err != nil {
				return d.collect(res), err
			}
			goto deep
		}
		if ind.status != "PASSED" {
			if ind.status != "FAILED" {
				return d.collect(res), fmt.Errorf("formal: yosys-smtbmc -i ended with status %q; see %s", ind.status, ind.log)
			}
			blocked := ind.failed
			if len(blocked) == 0 {
				blocked = active()
			}
			for _, n := range blocked {
				open[n] = true
			}
			continue
		}
		base, err := d.check(model, false, min(d.opt.Depth, ind.k+resetCycles+2))
		if err != nil {
			return d.collect(res), err
		}
		switch {
		case base.timeout:
			for _, n := range active() {
				open[n] = true
			}
		case base.status == "PREUNSAT":
			return d.collect(res), errors.New("formal: the harness' assumptions are unsatisfiable (PREUNSAT)")
		case base.status == "FAILED" && len(base.failed) > 0:
			d.fail(res, failed, base)
		case base.status == "PASSED":
			for _, n := range active() {
				res[n].Status, res[n].K = Proven, ind.k
			}
			goto deep
		default:
			return d.collect(res), fmt.Errorf("formal: yosys-smtbmc ended with status %q; see %s", base.status, base.log)
		}
	}
deep:
	// BMC to the full depth for what induction could not close: a trace is
	// a failure, else the property holds to the depth reached.
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
		bmc, err := d.check(model, false, d.opt.Depth)
		if err != nil {
			return d.collect(res), err
		}
		switch {
		case bmc.status == "PREUNSAT":
			return d.collect(res), errors.New("formal: the harness' assumptions are unsatisfiable (PREUNSAT)")
		case bmc.status == "FAILED" && len(bmc.failed) > 0:
			d.fail(res, failed, bmc)
			for _, n := range bmc.failed {
				delete(open, n)
			}
			continue
		case bmc.timeout || bmc.status == "PASSED":
			// -t K checks the steps 0..K-1; a clocked assertion is
			// reported one step after the values it checks, so report the
			// cycles 0..K-2 as covered.
			depth := d.opt.Depth - 1
			if bmc.timeout {
				depth = bmc.step - 1 // steps 0..step-1 were checked
			}
			for n := range open {
				r := res[n]
				if depth < 1 {
					r.Status, r.Reason = Unknown, "BMC timed out in the first step"
				} else {
					r.Status, r.Depth = Bounded, depth
				}
			}
			return d.collect(res), nil
		default:
			return d.collect(res), fmt.Errorf("formal: yosys-smtbmc ended with status %q; see %s", bmc.status, bmc.log)
		}
	}
	return d.collect(res), nil
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
		ind, err := d.check(model, true, min(d.opt.Depth, oneByOneDepth))
		if err != nil {
			return err
		}
		if ind.timeout || ind.status != "PASSED" {
			open[n] = true
			continue
		}
		base, err := d.check(model, false, min(d.opt.Depth, ind.k+resetCycles+2))
		if err != nil {
			return err
		}
		switch {
		case base.status == "PASSED":
			res[n].Status, res[n].K = Proven, ind.k
		case base.status == "FAILED" && len(base.failed) > 0:
			d.fail(res, failed, base)
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
func (d *driver) fail(res map[string]*Result, failed map[string]bool, o *outcome) {
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
		r.Status, r.Step, r.VCD, r.Table = Failed, step, o.vcd, table
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
	smt2 := fmt.Sprintf("%s.%d.smt2", d.h.Top, d.round)
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
		flat := fmt.Sprintf("%s.%d.flat.json", d.h.Top, d.round)
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
		merged, _, err := merge(data, d.h.Top, d.h.mergeInst, pairs)
		if err != nil {
			return "", err
		}
		mj := fmt.Sprintf("%s.%d.merged.json", d.h.Top, d.round)
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
}

var (
	reAssert  = regexp.MustCompile(`Assert failed in [^:]*: (\S+)`)
	reTap     = regexp.MustCompile(`Assert (\S+):(\d+) failed`)
	reStep    = regexp.MustCompile(`Checking assertions in step (\d+)`)
	reInd     = regexp.MustCompile(`Trying induction in step (\d+)`)
	reStatus  = regexp.MustCompile(`Status: (\w+)`)
	reSpinner = regexp.MustCompile(`\s*\(\d+ seconds\)[-\\|/ ]*`)
)

func (d *driver) check(model string, induction bool, depth int) (*outcome, error) {
	d.round++
	kind := "bmc"
	// --unroll hands z3 the unrolled formula instead of the transition
	// function: on these datapaths it is faster by orders of magnitude
	// (minutes to under a second for the LIF at depth 12).
	args := []string{"--noprogress", "--unroll", "-s", "z3", "--presat", "-t", strconv.Itoa(depth)}
	if induction {
		kind = "ind"
		args = []string{"--noprogress", "--unroll", "-s", "z3", "-i", "-t", strconv.Itoa(depth)}
	}
	base := fmt.Sprintf("%s.%d.%s", d.h.Top, d.round, kind)
	o := &outcome{log: filepath.Join(d.dir, base+".log")}
	if !induction {
		o.vcd = filepath.Join(d.dir, base+".vcd")
		args = append(args, "--dump-vcd", base+".vcd")
	}
	if len(d.h.Taps) > 0 {
		args = append(args, "--smtc", model+".smtc")
	}
	args = append(args, model)
	ctx := d.ctx
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
