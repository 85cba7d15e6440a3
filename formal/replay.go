package formal

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"scc/internal/tool"
)

// Bound checks every property of h by bmc3 alone (yosys-abc, after
// signal correspondence) to opt.Depth
// steps from reset: for a harness no engine can prove (a miter of two
// architectures), racing k-induction and PDR only spends the budget.
// Every property is Bounded to the depth when bmc3 completed all its frames
// within opt.Timeout (a depth the engine did not complete never counts),
// Unknown when it stopped first; a counterexample is replayed on the
// design with yosys' simulator (sim -r, a fraction of a second where
// yosys-smtbmc's solver takes minutes), which names the assertions it
// violates: those are Failed at abc's frame, with the trace. A
// counterexample no assertion of the replay violates is an error.
func Bound(ctx context.Context, rtl []File, h *Harness, opt Options) (*Report, error) {
	start := time.Now()
	if opt.Depth <= 0 {
		opt.Depth = DefaultDepth
	}
	yosys, err := tool.Path("yosys")
	if err != nil {
		return nil, err
	}
	abcPath, err := tool.Path("yosys-abc")
	if err != nil {
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
	d := &driver{ctx: ctx, h: h, opt: opt, dir: dir, yosys: yosys, rtl: rtl, abcOK: true}
	rep := &Report{Top: h.Top, Depth: opt.Depth, Dir: dir}
	defer func() {
		rep.Elapsed = time.Since(start)
		if !keep && !rep.Failed() {
			os.RemoveAll(dir)
			rep.Dir = ""
		}
	}()
	res := map[string]*Result{}
	for _, p := range h.Props {
		res[p.Name] = &Result{Prop: p, Status: Unknown, Reason: "bmc3 did not complete its frames"}
	}
	model, err := d.model(nil)
	if err != nil {
		return rep, err
	}
	aig, aim, err := d.aiger(ctx, model)
	if err != nil {
		return rep, err
	}
	base := strings.TrimSuffix(model, ".smt2") + ".bound"
	aiw := base + ".aiw"
	cmd := fmt.Sprintf("bmc3 -F %d -v", opt.Depth)
	if opt.Timeout > 0 {
		cmd += fmt.Sprintf(" -T %d", int(math.Ceil(opt.Timeout.Seconds())))
	}
	t0 := time.Now()
	// Signal correspondence first (scorr merges the signals equal in every
	// reachable state: the same traces from reset, half the search); its
	// witness names the reduced model's latches, so a counterexample is
	// found again on the model as built, whose witness the replay reads.
	text, err := d.runGroup(ctx, abcPath, []string{"-c", fmt.Sprintf("read_aiger %s; fold; strash; dc2; scorr; dc2; %s -g", aig, cmd)})
	os.WriteFile(filepath.Join(dir, base+".log"), []byte(text), 0o644)
	if err != nil {
		return rep, fmt.Errorf("formal: yosys-abc bmc3: %v\n%s", err, lastLines(text, 20))
	}
	if m := reAbcCex.FindStringSubmatch(text); m != nil {
		frame, _ := strconv.Atoi(m[2])
		text, err = d.runGroup(ctx, abcPath, []string{"-c", fmt.Sprintf("read_aiger %s; fold; strash; bmc3 -F %d -v; write_cex -a %s", aig, frame+1, aiw)})
		os.WriteFile(filepath.Join(dir, base+".cex.log"), []byte(text), 0o644)
		if err != nil {
			return rep, fmt.Errorf("formal: yosys-abc bmc3: %v\n%s", err, lastLines(text, 20))
		}
		if !reAbcCex.MatchString(text) {
			return rep, fmt.Errorf("formal: bmc3 finds the counterexample of frame %d after scorr only; see %s", frame, filepath.Join(dir, base+".cex.log"))
		}
	}
	log := func(s string) {
		if opt.Log != nil {
			opt.Log(fmt.Sprintf("formal: bmc3 to depth %d of %d properties: %s in %.1fs", opt.Depth, len(h.Props), s, time.Since(t0).Seconds()))
		}
	}
	switch m := reAbcCex.FindStringSubmatch(text); {
	case m != nil:
		frame, _ := strconv.Atoi(m[2])
		log(fmt.Sprintf("FAILED at step %d", frame))
		failed, vcd, err := d.simReplay(model, aim, aiw, base)
		if err != nil {
			return rep, err
		}
		o := &outcome{status: "FAILED", failed: failed, step: frame, vcd: filepath.Join(dir, vcd)}
		d.fail(res, map[string]bool{}, o, "bmc3")
		// fail takes yosys-smtbmc's step (one past a clocked assertion's
		// values); abc's frame is the cycle itself.
		for _, n := range failed {
			res[n].Step = frame
		}
	case reAbcBounded.MatchString(text):
		frames, _ := strconv.Atoi(reAbcBounded.FindStringSubmatch(text)[1])
		if frames >= opt.Depth && !reAbcLimit.MatchString(text) {
			log("BOUNDED")
			for _, r := range res {
				r.Status, r.Depth, r.Engine, r.Reason = Bounded, frames-1, "bmc3", ""
			}
		} else {
			log(fmt.Sprintf("timed out after %d frames", frames))
		}
	default:
		log("UNKNOWN")
	}
	rep.Results = d.collect(res)
	return rep, nil
}

var reSimAssert = regexp.MustCompile(`Assert (\S+) \(.*\) failed`)

// simReplay runs abc's witness aiw (map aim) on the RTLIL of model with
// yosys' simulator and returns the harness properties it violates and
// the trace (a VCD in d.dir).
func (d *driver) simReplay(model, aim, aiw, base string) ([]string, string, error) {
	vcd := base + ".vcd"
	script := fmt.Sprintf("read_rtlil %s\nsim -clock clk -r %s -map %s -vcd %s %s\n", rtlilName(model), aiw, aim, vcd, d.h.Top)
	ys := base + ".sim.ys"
	if err := os.WriteFile(filepath.Join(d.dir, ys), []byte(script), 0o644); err != nil {
		return nil, "", err
	}
	text, err := d.runGroup(d.ctx, d.yosys, []string{"-l", base + ".sim.log", ys})
	if err != nil {
		return nil, "", fmt.Errorf("formal: yosys sim cannot replay the bmc3 witness: %v\n%s", err, lastLines(text, 20))
	}
	seen := map[string]bool{}
	var failed []string
	for _, m := range reSimAssert.FindAllStringSubmatch(text, -1) {
		name := m[1][strings.LastIndex(m[1], ".")+1:]
		if d.known(name) && !seen[name] {
			seen[name] = true
			failed = append(failed, name)
		}
	}
	if len(failed) == 0 {
		return nil, "", fmt.Errorf("formal: the bmc3 counterexample violates no assertion in yosys' simulation; see %s", filepath.Join(d.dir, base+".sim.log"))
	}
	return failed, vcd, nil
}
