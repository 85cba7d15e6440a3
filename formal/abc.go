package formal

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"scc/internal/tool"
)

// The abc engines (issue 15): IC3/PDR, which proves what k-induction
// cannot close, and bmc3, which reaches deep counterexamples fast. Both run
// yosys-abc on an AIGER model made from the RTLIL that model writes beside
// each SMT2 model; a counterexample is replayed on the SMT2 model with
// yosys-smtbmc, so its trace, step and failing properties are those a BMC
// run of check would report.

// aigerScript turns the RTLIL of an SMT2 model into an AIGER model with the
// same semantics (the flow SymbiYosys uses for its abc engines):
//   - x constants become 0 first, as write_smt2 reads them; every opt runs
//     with -keepdc, so no don't-care is exploited (opt_dff would otherwise
//     turn a register without init that holds its value into a constant x);
//   - memory_map lowers the table ROMs to logic;
//   - (* anyseq *) wires and undriven wires are free inputs every cycle,
//     made top-level ports so that the map names them and the replay
//     binds them to the witness (an unnamed AIGER input is free in the
//     replay, which then searches instead of simulating: minutes on the
//     LIF miter);
//   - -zinit makes every latch start at 0: a register with an init value
//     starts at it (inverted latch bits), one without starts at a free
//     input, as yosys-smtbmc leaves it;
//   - $assert cells are the bad-state properties, $assume cells the
//     invariant constraints (folded into the properties by abc's fold).
const aigerScript = `read_rtlil %s
hierarchy -top %s
flatten
setundef -zero
delete t:$anyseq
opt_clean
setundef -undriven -expose
setattr -unset keep
delete -output
opt -full -keepdc
memory_map
opt -fast -keepdc
techmap
opt -fast -keepdc
dffunmap
abc -g AND -fast
opt_clean
write_aiger -I -B -zinit -no-startoffset -map %s %s
`

// aigerModel is one AIGER model made by aiger.
type aigerModel struct {
	done     chan struct{}
	aig, aim string
	err      error
}

// aigers caches the AIGER models by the RTLIL they come from (its path and
// a hash of its text: a work directory may be reused by a later Prove, whose
// model names repeat). Two engines racing on one model build it once.
var aigers struct {
	sync.Mutex
	m map[string]*aigerModel
}

// aiger returns the AIGER model (aig) and its yosys-smtbmc map (aim) of the
// SMT2 model named model, both relative to d.dir, built from its RTLIL
// (rtlilName) with the active taps added as assertions. It is built once
// per model.
func (d *driver) aiger(ctx context.Context, model string) (aig, aim string, err error) {
	il := rtlilName(model)
	text, err := os.ReadFile(filepath.Join(d.dir, il))
	if err != nil {
		return "", "", err
	}
	key := fmt.Sprintf("%s\x00%x", filepath.Join(d.dir, il), sha256.Sum256(text))
	aigers.Lock()
	if aigers.m == nil {
		aigers.m = map[string]*aigerModel{}
	}
	m, ok := aigers.m[key]
	if !ok {
		m = &aigerModel{done: make(chan struct{})}
		aigers.m[key] = m
	}
	aigers.Unlock()
	if ok {
		<-m.done
		return m.aig, m.aim, m.err
	}
	m.aig, m.aim, m.err = d.buildAiger(ctx, model, string(text))
	if m.err != nil {
		// A failure (a cancelled yosys, say) is not cached.
		aigers.Lock()
		delete(aigers.m, key)
		aigers.Unlock()
	}
	close(m.done)
	return m.aig, m.aim, m.err
}

func (d *driver) buildAiger(parent context.Context, model, il string) (aig, aim string, err error) {
	base := strings.TrimSuffix(model, ".smt2")
	aig, aim = base+".aig", base+".aim"
	src := rtlilName(model)
	if len(d.h.Taps) > 0 {
		// The taps live in the model's constraint file: assert them in
		// the RTLIL, so the AIGER model has them as properties too.
		taps, err := d.tapAsserts(model)
		if err != nil {
			return "", "", err
		}
		if taps != "" {
			if il, err = insertCells(il, d.h.Top, taps); err != nil {
				return "", "", err
			}
			src = base + ".taps.il"
			if err := os.WriteFile(filepath.Join(d.dir, src), []byte(il), 0o644); err != nil {
				return "", "", err
			}
		}
	}
	ys := base + ".aig.ys"
	script := fmt.Sprintf(aigerScript, src, d.h.Top, aim, aig)
	if err := os.WriteFile(filepath.Join(d.dir, ys), []byte(script), 0o644); err != nil {
		return "", "", err
	}
	// The build is shared by the engines of a race (they wait for it), so
	// it runs under the race's context, bounded like a solver run (a large
	// table-heavy model can take yosys minutes); a cancelled build is not
	// cached.
	ctx := parent
	if d.opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.opt.Timeout)
		defer cancel()
	}
	out, err := d.runGroup(ctx, d.yosys, []string{"-q", "-l", base + ".aig.log", ys})
	if ctx.Err() != nil && d.ctx.Err() == nil {
		return "", "", errAigerTimeout
	}
	if err != nil {
		return "", "", fmt.Errorf("formal: yosys cannot make the AIGER model of %s: %v\n%s", model, err, lastLines(out, 20))
	}
	return aig, aim, nil
}

// errAigerTimeout: yosys did not make the AIGER model within the solver
// timeout; the abc engines then decide nothing.
var errAigerTimeout = errors.New("formal: the AIGER model took longer than the solver timeout")

// tapAsserts returns RTLIL cells asserting the taps of the model's
// constraint file (those the model keeps), with the semantics writeTaps
// gives them: both sides zero-extended to the wider width and compared on
// every step.
func (d *driver) tapAsserts(model string) (string, error) {
	smtc, err := os.ReadFile(filepath.Join(d.dir, model+".smtc"))
	if err != nil {
		return "", err
	}
	keep := map[string]bool{}
	for _, line := range strings.Split(string(smtc), "\n") {
		if strings.HasPrefix(line, "assert ") {
			keep[line] = true
		}
	}
	var b strings.Builder
	n := 0
	for _, t := range d.h.Taps {
		// writeTaps' line for t, whatever the widths: the tap is in the
		// model when the file compares its two signals.
		if !tapKept(keep, t) {
			continue
		}
		fmt.Fprintf(&b, "  wire $scc_tap_eq_%d\n", n)
		fmt.Fprintf(&b, "  cell $eq $scc_tap_cmp_%d\n    parameter \\A_SIGNED 0\n    parameter \\A_WIDTH @%s@\n    parameter \\B_SIGNED 0\n    parameter \\B_WIDTH @%s@\n    parameter \\Y_WIDTH 1\n", n, t.A, t.B)
		fmt.Fprintf(&b, "    connect \\A \\%s\n    connect \\B \\%s\n    connect \\Y $scc_tap_eq_%d\n  end\n", t.A, t.B, n)
		fmt.Fprintf(&b, "  cell $assert \\%s\n    connect \\A $scc_tap_eq_%d\n    connect \\EN 1'1\n  end\n", t.Name, n)
		n++
	}
	return b.String(), nil
}

// tapKept reports whether the constraint file lines keep hold an assertion
// comparing tap t's signals.
func tapKept(keep map[string]bool, t Tap) bool {
	for line := range keep {
		if strings.Contains(line, "["+t.A+"]") && strings.Contains(line, "["+t.B+"]") {
			return true
		}
	}
	return false
}

var reRTLILWire = regexp.MustCompile(`^  wire (.*?)(\S+)$`)

// insertCells adds cells (RTLIL text whose @name@ are the widths of the
// module's wires) at the end of module top of the RTLIL il.
func insertCells(il, top, cells string) (string, error) {
	head := "module \\" + top + "\n"
	i := strings.Index(il, head)
	if i < 0 {
		return "", fmt.Errorf("formal: no module %s in the RTLIL", top)
	}
	j := strings.Index(il[i:], "\nend\n")
	if j < 0 {
		return "", fmt.Errorf("formal: module %s of the RTLIL has no end", top)
	}
	j += i + 1
	widths := map[string]int{}
	for _, line := range strings.Split(il[i:j], "\n") {
		m := reRTLILWire.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		w := 1
		f := strings.Fields(m[1])
		for k := 0; k+1 < len(f); k++ {
			if f[k] == "width" {
				w, _ = strconv.Atoi(f[k+1])
			}
		}
		widths[strings.TrimPrefix(m[2], "\\")] = w
	}
	var err error
	cells = regexp.MustCompile(`@([^@]+)@`).ReplaceAllStringFunc(cells, func(s string) string {
		name := s[1 : len(s)-1]
		w, ok := widths[name]
		if !ok {
			err = fmt.Errorf("formal: tap signal %q is not in the flattened design", name)
		}
		return strconv.Itoa(w)
	})
	if err != nil {
		return "", err
	}
	return il[:j] + cells + il[j:], nil
}

var (
	reAbcCex     = regexp.MustCompile(`Output (\d+) of miter .* was asserted in frame (\d+)`)
	reAbcProved  = regexp.MustCompile(`(?m)^Property proved\.|^Networks are equivalent|Stopping BMC because all 2\^\d+ reachable states are visited`)
	reAbcBounded = regexp.MustCompile(`No output asserted in (\d+) frames`)
	reAbcFrame   = regexp.MustCompile(`(?m)^\s*(\d+) [+:-]? *: `)
	reAbcLimit   = regexp.MustCompile(`\(timeout \d+ sec\)|Reached timeout|Timeout reached|Timeout after|Timeout!|timeout \(\d+ sec\) is reached`)
)

// abcGrace is how long past d.opt.Timeout (abc's -T) yosys-abc runs before
// it is killed.
const abcGrace = 30 * time.Second

// abc runs engine "pdr" or "bmc3" (to depth frames: the steps 0..depth-1,
// as check's BMC to depth) of yosys-abc on the AIGER model of model. The
// outcome's status is
//   - PASSED: every property of the model holds in every reachable state
//     (pdr; bmc3 only when it visited every reachable state);
//   - FAILED: a counterexample, replayed on the SMT2 model with
//     yosys-smtbmc: failed, step and vcd are those check's BMC would give
//     (one run names the properties the trace violates, not every property
//     that can fail);
//   - BOUNDED (bmc3): no counterexample in the steps 0..step-1 (step = the
//     frames checked);
//   - UNKNOWN: abc gave up.
//
// A run cancelled through ctx or stopped by d.opt.Timeout returns timeout
// and no error, unless d.ctx is done; its status is UNKNOWN, or BOUNDED
// with step = the frames completed when bmc3 stopped at its time limit.
// A counterexample that does not replay on the SMT2 model is an error: the
// two models differ.
func (d *driver) abc(ctx context.Context, model, engine string, depth int) (*outcome, error) {
	return d.abcWithin(ctx, model, engine, depth, d.opt.Timeout)
}

// abcWithin is abc with limit (0: none) in place of d.opt.Timeout for the
// search; a counterexample's replay is bounded by ctx only.
func (d *driver) abcWithin(ctx context.Context, model, engine string, depth int, limit time.Duration) (*outcome, error) {
	var cmdline string
	switch engine {
	case "pdr":
		cmdline = "pdr"
	case "dprove":
		// abc's sequential prover: BMC, signal correspondence (which
		// closes the step properties, whose two datapaths are structurally
		// close), induction, interpolation, then PDR.
		cmdline = "dprove"
	case "bmc3":
		if depth < 1 {
			return nil, fmt.Errorf("formal: bmc3 needs a depth, not %d", depth)
		}
		cmdline = fmt.Sprintf("bmc3 -F %d -v", depth)
	default:
		return nil, fmt.Errorf("formal: unknown abc engine %q", engine)
	}
	abcPath, err := tool.Path("yosys-abc")
	if err != nil {
		return nil, err
	}
	aig, aim, err := d.aiger(ctx, model)
	if err != nil {
		if d.ctx.Err() != nil {
			return nil, d.ctx.Err()
		}
		if ctx.Err() != nil || errors.Is(err, errAigerTimeout) {
			return &outcome{status: "UNKNOWN", timeout: true}, nil
		}
		return nil, err
	}
	base := strings.TrimSuffix(model, ".smt2") + "." + engine
	if engine == "bmc3" {
		base += "-" + strconv.Itoa(depth)
	}
	aiw := base + ".aiw"
	o := &outcome{log: filepath.Join(d.dir, base+".log")}
	os.Remove(filepath.Join(d.dir, aiw))
	if d.opt.Log != nil {
		start := time.Now()
		n := d.assertCount(model)
		defer func() {
			what := engine
			if engine == "bmc3" {
				what = fmt.Sprintf("bmc3 to depth %d", depth)
			}
			res := o.status
			if o.timeout {
				res = "timed out"
			}
			if o.status == "FAILED" {
				res += fmt.Sprintf(" at step %d", o.step)
			}
			d.opt.Log(fmt.Sprintf("formal: %s of %d properties: %s in %.1fs (%s)", what, n, res,
				time.Since(start).Seconds(), filepath.Base(o.log)))
		}()
	}
	runCtx := ctx
	if limit > 0 {
		// abc's own limit (-T, whole seconds) stops it with what it
		// reached (bmc3: the frames); killing it loses its buffered
		// output, so that is only the backstop.
		cmdline += fmt.Sprintf(" -T %d", int(math.Ceil(limit.Seconds())))
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, limit+abcGrace)
		defer cancel()
	}
	script := fmt.Sprintf("read_aiger %s; fold; strash; %s; write_cex -a %s", aig, cmdline, aiw)
	text, err := d.runGroup(runCtx, abcPath, []string{"-c", script})
	os.WriteFile(o.log, []byte(text), 0o644)
	if runCtx.Err() != nil {
		if d.ctx.Err() != nil {
			return nil, d.ctx.Err()
		}
		o.status, o.timeout = "UNKNOWN", true
		if engine == "bmc3" {
			o.step = bmc3Frames(text)
		}
		return o, nil
	}
	if err != nil {
		return nil, fmt.Errorf("formal: yosys-abc %s: %v\n%s", engine, err, lastLines(text, 20))
	}
	switch {
	case reAbcCex.MatchString(text):
		// below: replay the witness
	case reAbcProved.MatchString(text):
		o.status = "PASSED"
		return o, nil
	case engine == "bmc3" && reAbcBounded.MatchString(text):
		o.status = "BOUNDED"
		o.step, _ = strconv.Atoi(reAbcBounded.FindStringSubmatch(text)[1])
		o.timeout = reAbcLimit.MatchString(text)
		return o, nil
	default:
		o.status = "UNKNOWN"
		o.timeout = reAbcLimit.MatchString(text)
		return o, nil
	}
	frame, _ := strconv.Atoi(reAbcCex.FindStringSubmatch(text)[2])
	if o, ok, err := d.confirmShallow(ctx, o, model, frame, d.opt.Depth); ok || err != nil {
		return o, err
	}
	rep, err := d.replay(ctx, model, aim, aiw, base)
	if err != nil {
		// A witness yosys-smtbmc cannot read (an AIGER input the SMT2
		// model lacks, such as a free wire aliased through a merged
		// netlist): BMC from reset to its frame confirms it, however
		// deep, within the solver timeout.
		if d.ctx.Err() != nil {
			return nil, d.ctx.Err()
		}
		if d.opt.Log != nil {
			d.opt.Log(fmt.Sprintf("formal: the %s counterexample does not replay (%v); BMC to frame %d instead", engine, firstLine(err.Error()), frame))
		}
		if o, ok, err := d.confirmShallow(ctx, o, model, frame, frame+2); ok || err != nil {
			return o, err
		}
		o.status = "UNKNOWN"
		return o, nil
	}
	return d.replayed(o, rep, engine, frame)
}

// confirmShallow confirms a counterexample at frame by BMC from reset to
// frame+2 when that is at most limit: the earliest failure, its
// properties and its trace. ok reports a failure found; a cancelled or
// timed-out run returns UNKNOWN.
func (d *driver) confirmShallow(ctx context.Context, o *outcome, model string, frame, limit int) (*outcome, bool, error) {
	if frame+2 > limit {
		return o, false, nil
	}
	// BMC from reset to the frame: quick when shallow, and it gives the
	// earliest failure directly. (A replay fixes only the witness' inputs,
	// which yosys may have named after aliased internal wires: z3 then
	// searches.)
	b, err := d.check(ctx, model, false, frame+2)
	switch {
	case err != nil:
		return nil, false, err
	case b.timeout:
		o.status, o.timeout = "UNKNOWN", true
		return o, true, nil
	case b.status == "FAILED" && len(b.failed) > 0:
		o.status, o.failed, o.step, o.vcd = b.status, b.failed, b.step, b.vcd
		return o, true, nil
	}
	return o, false, nil
}

// replayed is the outcome of an abc counterexample that replayed.
func (d *driver) replayed(o, rep *outcome, engine string, frame int) (*outcome, error) {
	if rep.timeout {
		o.status, o.timeout = "UNKNOWN", true
		return o, nil
	}
	if rep.status != "FAILED" || len(rep.failed) == 0 {
		return nil, fmt.Errorf("formal: the %s counterexample (frame %d) does not fail on the SMT2 model (status %q); see %s", engine, frame, rep.status, rep.log)
	}
	o.status, o.failed, o.step, o.vcd = rep.status, rep.failed, rep.step, rep.vcd
	return o, nil
}

// replay runs the abc witness aiw (map aim) on the SMT2 model and parses
// the run as check parses a BMC run.
func (d *driver) replay(ctx context.Context, model, aim, aiw, base string) (*outcome, error) {
	smtbmc := d.smtbmc
	if smtbmc == "" {
		var err error
		if smtbmc, err = tool.Path("yosys-smtbmc"); err != nil {
			return nil, err
		}
	}
	o := &outcome{log: filepath.Join(d.dir, base+".replay.log"), vcd: filepath.Join(d.dir, base+".vcd")}
	args := []string{"--noprogress", "-s", "z3", "--aig", aim + ":" + aiw, "--aig-noheader", "--dump-vcd", base + ".vcd"}
	if len(d.h.Taps) > 0 {
		args = append(args, "--smtc", model+".smtc")
	}
	args = append(args, model)
	text, err := d.runGroup(ctx, smtbmc, args)
	os.WriteFile(o.log, []byte(text), 0o644)
	if ctx.Err() != nil {
		if d.ctx.Err() != nil {
			return nil, d.ctx.Err()
		}
		o.timeout = true
		return o, nil
	}
	d.parse(o, text, 0)
	if err != nil && o.status == "" {
		return nil, fmt.Errorf("formal: yosys-smtbmc replay: %v\n%s", err, lastLines(text, 20))
	}
	return o, nil
}

// runGroup runs a tool in d.dir in its own process group, killed as a
// whole when ctx ends; it returns the combined output.
func (d *driver) runGroup(ctx context.Context, path string, args []string) (string, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = d.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	return reSpinner.ReplaceAllString(string(out), ""), err
}

// bmc3Frames returns the frames bmc3 -v reported complete in text.
func bmc3Frames(text string) int {
	n := 0
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if m := reAbcFrame.FindStringSubmatch(sc.Text()); m != nil {
			if f, err := strconv.Atoi(m[1]); err == nil && f+1 > n {
				n = f + 1
			}
		}
	}
	return n
}

// assertCount is the number of properties of model: its RTLIL's $assert
// cells, and its taps.
func (d *driver) assertCount(model string) int {
	text, err := os.ReadFile(filepath.Join(d.dir, rtlilName(model)))
	if err != nil {
		return 0
	}
	n := strings.Count(string(text), "\n  cell $assert ")
	if smtc, err := os.ReadFile(filepath.Join(d.dir, model+".smtc")); err == nil {
		n += strings.Count(string(smtc), "\nassert ")
	}
	return n
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
