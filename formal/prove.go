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
	Step   int    // Failed: the first failing step (0 is the first cycle)
	VCD    string // Failed: the counterexample trace
	Table  string // Failed: the trace's steps as a table
	Reason string // Unknown: why
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
}

func (d *driver) run() ([]Result, error) {
	res := map[string]*Result{}
	for _, p := range d.h.Props {
		res[p.Name] = &Result{Prop: p}
	}
	for _, t := range d.h.Taps {
		res[t.Name] = &Result{Prop: Property{Name: t.Name, Text: t.Text}}
	}
	settled := map[string]bool{}
	needBMC := true
	for len(settled) < len(res) {
		d.round++
		model, err := d.model(settled)
		if err != nil {
			return d.collect(res), err
		}
		var bmc, ind *outcome
		var berr, ierr error
		var wg sync.WaitGroup
		if needBMC {
			wg.Add(1)
			go func() {
				defer wg.Done()
				bmc, berr = d.check(model, false, settled)
			}()
		}
		ind, ierr = d.check(model, true, settled)
		wg.Wait()
		if berr != nil {
			return d.collect(res), berr
		}
		if ierr != nil {
			return d.collect(res), ierr
		}
		if bmc != nil {
			switch {
			case bmc.timeout:
				d.unknown(res, settled, "BMC timed out")
				return d.collect(res), nil
			case bmc.status == "PREUNSAT":
				return d.collect(res), errors.New("formal: the harness' assumptions are unsatisfiable (PREUNSAT)")
			case bmc.status == "FAILED":
				if len(bmc.failed) == 0 {
					return d.collect(res), fmt.Errorf("formal: BMC failed on no known property; see %s", bmc.log)
				}
				table, _ := traceTable(bmc.vcd, d.h.Trace, bmc.step)
				for _, n := range bmc.failed {
					r := res[n]
					r.Status, r.Step, r.VCD, r.Table = Failed, bmc.step, bmc.vcd, table
					settled[n] = true
				}
				continue // re-run both without the failed properties
			case bmc.status != "PASSED":
				return d.collect(res), fmt.Errorf("formal: yosys-smtbmc ended with status %q; see %s", bmc.status, bmc.log)
			}
			needBMC = false
		}
		switch {
		case ind.timeout:
			d.unknown(res, settled, "induction timed out")
			return d.collect(res), nil
		case ind.status == "PASSED":
			for n, r := range res {
				if !settled[n] {
					r.Status, r.K = Proven, ind.k
					settled[n] = true
				}
			}
		case ind.status == "FAILED" && len(ind.failed) > 0:
			for _, n := range ind.failed {
				res[n].Status = Bounded
				settled[n] = true
			}
		case ind.status == "FAILED":
			for n, r := range res {
				if !settled[n] {
					r.Status = Bounded
					settled[n] = true
				}
			}
		default:
			return d.collect(res), fmt.Errorf("formal: yosys-smtbmc -i ended with status %q; see %s", ind.status, ind.log)
		}
	}
	return d.collect(res), nil
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
	hname := d.h.Top + ".sv"
	if err := os.WriteFile(filepath.Join(d.dir, hname), []byte(d.h.Source(skip)), 0o644); err != nil {
		return "", err
	}
	smt2 := fmt.Sprintf("%s.%d.smt2", d.h.Top, d.round)
	fmt.Fprintf(&script, "read_verilog -formal -sv %s\nprep -flatten -top %s\nasync2sync\ndffunmap\nwrite_smt2 -wires %s\n",
		hname, d.h.Top, smt2)
	ys := filepath.Join(d.dir, d.h.Top+".ys")
	if err := os.WriteFile(ys, []byte(script.String()), 0o644); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(d.ctx, d.yosys, "-q", "-l", d.h.Top+".yosys.log", d.h.Top+".ys")
	cmd.Dir = d.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("formal: yosys failed on %s: %v\n%s", ys, err, lastLines(string(out), 20))
	}
	if len(d.h.Taps) > 0 {
		if err := d.writeTaps(smt2, skip); err != nil {
			return "", err
		}
	}
	return smt2, nil
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

func (d *driver) check(model string, induction bool, skip map[string]bool) (*outcome, error) {
	kind := "bmc"
	// --unroll hands z3 the unrolled formula instead of the transition
	// function: on these datapaths it is faster by orders of magnitude
	// (minutes to under a second for the LIF at depth 12).
	args := []string{"--noprogress", "--unroll", "-s", "z3", "--presat", "-t", strconv.Itoa(d.opt.Depth)}
	if induction {
		kind = "ind"
		args = []string{"--noprogress", "--unroll", "-s", "z3", "-i", "-t", strconv.Itoa(d.opt.Depth)}
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
	cmd := exec.CommandContext(ctx, d.smtbmc, args...)
	cmd.Dir = d.dir
	// yosys-smtbmc runs z3 as a child: kill the whole group on timeout.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	text := reSpinner.ReplaceAllString(string(out), "")
	os.WriteFile(o.log, []byte(text), 0o644)
	if ctx.Err() != nil {
		if d.ctx.Err() != nil {
			return nil, d.ctx.Err()
		}
		o.timeout = true
		return o, nil
	}
	d.parse(o, text, skip)
	if err != nil && o.status == "" {
		return nil, fmt.Errorf("formal: yosys-smtbmc: %v\n%s", err, lastLines(text, 20))
	}
	return o, nil
}

func (d *driver) parse(o *outcome, text string, skip map[string]bool) {
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
			o.k = d.opt.Depth - s
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
		if name != "" && !seen[name] && !skip[name] && d.known(name) {
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
