package formal

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"scc/internal/tool"
)

// BoundCases is Bound split into cases on a miter whose first steps'
// input spikes come from the free vector f_plan (MiterNet with
// MiterEnv.Cases): the AIGER model is built once, then, for every value
// of f_plan, a copy with those inputs replaced by the value's constants
// is checked by bmc3 to opt.Depth, jobs at a time
// (0: one per CPU). The cases' union is every input of the plan's steps,
// and later steps stay free, so every property is Bounded to the depth
// when every case completed its frames within opt.Timeout: the same
// verdict as Bound on the whole model, but each case runs concretely until
// the plan runs out, where the whole model's search is symbolic from the
// first offer (the 4-neuron network's three worst-case folded steps, 195
// cycles: 115 s by Bound with every step free; 64 cases of 0.1 s each
// with the steps after the plan quiet). A counterexample (of the first
// failing case in f_plan order) has its f_plan bits set to the case and
// is replayed by yosys' simulator on the model as built, as Bound does.
func BoundCases(ctx context.Context, rtl []File, h *Harness, opt Options, jobs int) (*Report, error) {
	start := time.Now()
	if opt.Depth <= 0 {
		opt.Depth = DefaultDepth
	}
	if jobs <= 0 {
		jobs = runtime.NumCPU()
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
		res[p.Name] = &Result{Prop: p, Status: Unknown, Reason: "bmc3 did not complete its frames in every case"}
	}
	model, err := d.rtlilModel()
	if err != nil {
		return rep, err
	}
	aig, aim, err := d.aiger(ctx, model)
	if err != nil {
		return rep, err
	}
	plan, err := aimInputs(filepath.Join(dir, aim), "f_plan")
	if err != nil {
		return rep, err
	}
	if len(plan) == 0 || len(plan) > 16 {
		return rep, fmt.Errorf("formal: the miter has %d f_plan inputs, want 1 to 16 (MiterEnv.Cases)", len(plan))
	}
	g, err := readAIG(filepath.Join(dir, aig))
	if err != nil {
		return rep, err
	}
	base := strings.TrimSuffix(model, ".smt2") + ".case"
	limit := ""
	if opt.Timeout > 0 {
		limit = fmt.Sprintf(" -T %d", int(math.Ceil(opt.Timeout.Seconds())))
	}
	type caseOut struct {
		frames int
		cex    int // the failing frame, or -1
		done   bool
		err    error
	}
	n := 1 << len(plan)
	outs := make([]caseOut, n)
	for v := range outs {
		outs[v].cex = -1
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var failMu sync.Mutex
	firstFail := n
	next := make(chan int)
	t0 := time.Now()
	for range min(jobs, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range next {
				failMu.Lock()
				skip := v > firstFail
				failMu.Unlock()
				if skip {
					continue
				}
				o := &outs[v]
				name := fmt.Sprintf("%s%d.aig", base, v)
				if o.err = os.WriteFile(filepath.Join(dir, name), g.cofactor(plan, uint64(v)), 0o644); o.err != nil {
					cancel()
					continue
				}
				// No scorr: the case's model is concrete up to the end of
				// the plan, and bmc3 alone takes 0.1 s where scorr's
				// sweep takes 0.8; the witness is then the model's own.
				text, err := d.runGroup(cctx, abcPath, []string{"-c", fmt.Sprintf("read_aiger %s; fold; strash; bmc3 -F %d -v%s; write_cex -a %s%d.aiw", name, opt.Depth, limit, base, v)})
				os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s%d.log", base, v)), []byte(text), 0o644)
				if cctx.Err() != nil {
					continue
				}
				if err != nil {
					o.err = fmt.Errorf("formal: yosys-abc bmc3 (case %d): %v\n%s", v, err, lastLines(text, 20))
					cancel()
					continue
				}
				switch m := reAbcCex.FindStringSubmatch(text); {
				case m != nil:
					o.cex, _ = strconv.Atoi(m[2])
					o.done = true
					// The first failing case in f_plan order is the
					// verdict: later cases are not started, earlier ones
					// finish (the verdict does not depend on timing).
					failMu.Lock()
					firstFail = min(firstFail, v)
					failMu.Unlock()
				case reAbcBounded.MatchString(text):
					o.frames, _ = strconv.Atoi(reAbcBounded.FindStringSubmatch(text)[1])
					o.done = o.frames >= opt.Depth && !reAbcLimit.MatchString(text)
				}
			}
		}()
	}
feed:
	for v := range n {
		failMu.Lock()
		stop := v > firstFail
		failMu.Unlock()
		if stop {
			break
		}
		select {
		case next <- v:
		case <-cctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	log := func(s string) {
		if opt.Log != nil {
			opt.Log(fmt.Sprintf("formal: bmc3 to depth %d of %d properties in %d cases of %d plan bits: %s in %.1fs", opt.Depth, len(h.Props), n, len(plan), s, time.Since(t0).Seconds()))
		}
	}
	for v := range n {
		if outs[v].err != nil {
			return rep, outs[v].err
		}
	}
	for v := range n {
		o := outs[v]
		if o.cex < 0 {
			continue
		}
		log(fmt.Sprintf("FAILED at step %d in case %d", o.cex, v))
		name := fmt.Sprintf("%s%d", base, v)
		aiw := name + ".aiw"
		if err := setWitness(filepath.Join(dir, aiw), plan, uint64(v)); err != nil {
			return rep, err
		}
		failed, vcd, err := d.simReplay(model, aim, aiw, name)
		if err != nil {
			return rep, err
		}
		d.fail(res, map[string]bool{}, &outcome{status: "FAILED", failed: failed, step: o.cex, vcd: filepath.Join(dir, vcd)}, "bmc3")
		for _, f := range failed {
			res[f].Step = o.cex
			res[f].Reason = fmt.Sprintf("case %d of f_plan", v)
		}
		rep.Results = d.collect(res)
		return rep, nil
	}
	done := 0
	for _, o := range outs {
		if o.done {
			done++
		}
	}
	if done == n && ctx.Err() == nil {
		log("BOUNDED")
		for _, r := range res {
			r.Status, r.Depth, r.Engine, r.Reason = Bounded, opt.Depth-1, "bmc3", ""
		}
	} else {
		log(fmt.Sprintf("%d of %d cases completed", done, n))
	}
	rep.Results = d.collect(res)
	return rep, nil
}

// rtlilModel is model without the SMT2 model (write_smt2 of yosys 0.23
// fails an assertion, smt2.cc:429, on the folded core of 2 lanes): the
// flattened RTLIL alone, from which aiger makes the AIGER model and which
// simReplay replays on. It returns the SMT2 file's name (not written),
// whose rtlilName is the RTLIL.
func (d *driver) rtlilModel() (string, error) {
	if len(d.h.Taps) > 0 || len(d.h.Merge) > 0 {
		return "", fmt.Errorf("formal: BoundCases takes no taps or correspondences")
	}
	var script strings.Builder
	for _, f := range d.rtl {
		if err := os.WriteFile(filepath.Join(d.dir, f.Name), []byte(f.Text), 0o644); err != nil {
			return "", err
		}
		fmt.Fprintf(&script, "read_verilog -sv %s\n", f.Name)
	}
	hname := d.h.Top + ".sv"
	if err := os.WriteFile(filepath.Join(d.dir, hname), []byte(d.h.Source(nil)), 0o644); err != nil {
		return "", err
	}
	smt2 := fmt.Sprintf("%s.%d.smt2", d.h.Top, d.nextRound())
	fmt.Fprintf(&script, "read_verilog -formal -sv %s\nprep -flatten -top %s\nasync2sync\ndffunmap\nwrite_rtlil %s\n", hname, d.h.Top, rtlilName(smt2))
	if err := d.yosysRun(script.String()); err != nil {
		return "", err
	}
	return smt2, nil
}

// aimInputs returns the AIGER input indices of the bits of wire name, by
// bit, from a yosys write_aiger map.
func aimInputs(path, name string) ([]int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var idx []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "input" || f[3] != name {
			continue
		}
		i, err1 := strconv.Atoi(f[1])
		b, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("formal: bad AIGER map line %q", sc.Text())
		}
		for len(idx) <= b {
			idx = append(idx, -1)
		}
		idx[b] = i
	}
	for b, i := range idx {
		if i < 0 {
			return nil, fmt.Errorf("formal: bit %d of %s is no AIGER input", b, name)
		}
	}
	return idx, nil
}

// aigFile is a binary AIGER file: its header fields, the text between the
// header and the AND gates (latches, outputs, bad states, constraints:
// literals, one a line), the gates, and the rest (symbols, comments).
type aigFile struct {
	m, i, l, o, a int
	extra         []int // B C J F
	lines         [][]uint64
	ands          [][2]uint64 // rhs0, rhs1 of gate k (lhs 2(i+l+k+1))
	rest          []byte
}

// readAIG parses a binary AIGER file (yosys write_aiger, without -ascii).
func readAIG(path string) (*aigFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	bad := func(why string) error {
		return fmt.Errorf("formal: %s is no binary AIGER file I can read: %s", path, why)
	}
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		return nil, bad("no header")
	}
	hdr := strings.Fields(string(data[:nl]))
	if len(hdr) < 6 || hdr[0] != "aig" {
		return nil, bad("header " + string(data[:nl]))
	}
	nums := make([]int, len(hdr)-1)
	for k, s := range hdr[1:] {
		if nums[k], err = strconv.Atoi(s); err != nil {
			return nil, bad("header " + string(data[:nl]))
		}
	}
	g := &aigFile{m: nums[0], i: nums[1], l: nums[2], o: nums[3], a: nums[4], extra: nums[5:]}
	pos := nl + 1
	count := g.l + g.o
	for _, x := range g.extra {
		count += x
	}
	if len(g.extra) > 2 && g.extra[2] > 0 || len(g.extra) > 3 && g.extra[3] > 0 {
		return nil, bad("justice or fairness properties")
	}
	for range count {
		e := bytes.IndexByte(data[pos:], '\n')
		if e < 0 {
			return nil, bad("short")
		}
		var lits []uint64
		for _, s := range strings.Fields(string(data[pos : pos+e])) {
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return nil, bad("literal " + s)
			}
			lits = append(lits, v)
		}
		g.lines = append(g.lines, lits)
		pos += e + 1
	}
	delta := func() (uint64, error) {
		var x uint64
		for sh := 0; ; sh += 7 {
			if pos >= len(data) || sh > 63 {
				return 0, bad("truncated gates")
			}
			c := data[pos]
			pos++
			x |= uint64(c&0x7f) << sh
			if c&0x80 == 0 {
				return x, nil
			}
		}
	}
	for k := range g.a {
		lhs := uint64(2 * (g.i + g.l + k + 1))
		d0, err := delta()
		if err != nil {
			return nil, err
		}
		d1, err := delta()
		if err != nil {
			return nil, err
		}
		r0 := lhs - d0
		g.ands = append(g.ands, [2]uint64{r0, r0 - d1})
	}
	g.rest = data[pos:]
	return g, nil
}

// cofactor returns the file with input inputs[b] replaced, wherever it is
// read, by bit b of v (the input itself stays, read by nothing, so a
// witness keeps its layout).
func (g *aigFile) cofactor(inputs []int, v uint64) []byte {
	sub := map[uint64]uint64{}
	for b, in := range inputs {
		lit := uint64(2 * (in + 1))
		c := v >> b & 1
		sub[lit], sub[lit+1] = c, c^1
	}
	f := func(x uint64) uint64 {
		if y, ok := sub[x]; ok {
			return y
		}
		return x
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "aig %d %d %d %d %d", g.m, g.i, g.l, g.o, g.a)
	for _, x := range g.extra {
		fmt.Fprintf(&b, " %d", x)
	}
	b.WriteByte('\n')
	for k, lits := range g.lines {
		for j, x := range lits {
			if j > 0 {
				b.WriteByte(' ')
			}
			// A latch's reset value (its second field) is no literal
			// read: it stays.
			if k < g.l && j > 0 {
				b.WriteString(strconv.FormatUint(x, 10))
				continue
			}
			b.WriteString(strconv.FormatUint(f(x), 10))
		}
		b.WriteByte('\n')
	}
	put := func(x uint64) {
		for x >= 0x80 {
			b.WriteByte(byte(x&0x7f | 0x80))
			x >>= 7
		}
		b.WriteByte(byte(x))
	}
	for k, r := range g.ands {
		lhs := uint64(2 * (g.i + g.l + k + 1))
		r0, r1 := f(r[0]), f(r[1])
		if r0 < r1 {
			r0, r1 = r1, r0
		}
		put(lhs - r0)
		put(r0 - r1)
	}
	b.Write(g.rest)
	return b.Bytes()
}

// setWitness sets, in every frame of the abc witness (write_cex -a: a
// line of latch values, then a line of input values per frame), input
// inputs[b] to bit b of v: the cofactored model's counterexample, on the
// model as built.
func setWitness(path string, inputs []int, v uint64) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.Split(string(data), "\n")
	for k := 1; k < len(lines); k++ {
		row := []byte(lines[k])
		if len(row) == 0 || row[0] == '.' {
			continue
		}
		for b, in := range inputs {
			if in >= len(row) {
				return fmt.Errorf("formal: witness %s: frame %d has %d inputs, want more than %d", path, k-1, len(row), in)
			}
			row[in] = byte('0' + v>>b&1)
		}
		lines[k] = string(row)
	}
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
}
