package main

// The format search of `scc build --budget B` (and `scc eq --budget B`,
// and a model's `format auto` without a width, which asks for B = 0.95):
// per-variable word formats, smallest area first, until the spike-time
// agreement of the bit-true model with the float64 model (the number `scc
// report` prints, quality.agreement) reaches B on the stimulus set.
//
// Knobs. Each state (not the refractory counter or the clock scc adds) and
// each input is one knob: its integer bits are fixed by range analysis (the
// format auto:32 gives the state: the fewest integer bits, sign included,
// holding its proven or declared range; an input: its declared range, else
// the profile's), so a knob's value is its word width W, fraction bits W−I.
// One more knob, the profile's word width auto:W, sizes what the variables
// do not: coefficients, tables and the narrowing of products. When the
// passes do not honour per-variable formats (compileOpts.Formats), the
// profile is the only knob: every word shares auto:W.
//
// Stimulus: each --input, else the source's own (a Brian2 script's
// `G.I = …`), else random:1 … random:K, as `scc report` chooses and runs
// them (reportSpecs, measureOn), for --steps steps (else the source's
// run(), else 10,000); random words are drawn in the start's profile
// format for every candidate (measure).
//
// Algorithm (deterministic; every evaluation compiles and simulates one
// candidate, cached by its formats):
//  1. start: every knob at 32 bits; below the budget there, fail with it.
//  2. lower bounds: per knob, with the others at 32 bits, the narrowest
//     width that reaches the budget (binary search).
//  3. slack: the fewest extra bits s (binary search) such that every knob
//     at min(lower bound + s, 32) reaches the budget together.
//  4. shrink: coordinate descent from there, knobs in order of the area one
//     bit saves (largest first), each narrowed one bit at a time while the
//     budget holds, down to its lower bound, until no knob narrows.
//
// Area is a cost model of the fixed IR (areaOf), in bit-level units:
// register bits (states, the spike) + multiplier bits (wa·wb per mul or
// div) + adder bits (the width of every add, sub, neg and comparison) +
// mux bits (the width of every select and saturating cast) + table bits
// (entries × entry width, plus the interpolation's multiply and add).
// TestBudgetAreaOrder checks that it orders formats as yosys's cell count
// does.

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"scc/backend/sv"
	"scc/fixed"
	"scc/ir"
	"scc/sim"
	"scc/synth"
)

// defaultBudget is the budget of a model whose format is `auto` without a
// width.
const defaultBudget = 0.95

// budgetFlags are the format search's flags on build and eq.
type budgetFlags struct {
	budget float64
	inputs multiFlag
	steps  int
	seeds  int
}

func (b *budgetFlags) register(fs *flag.FlagSet) {
	fs.Float64Var(&b.budget, "budget", 0, "search per-variable formats, smallest area first, until the spike-time agreement with float64 reaches this fraction (e.g. 0.95); README \"Choosing formats\" states the search and its area cost model")
	fs.Var(&b.inputs, "input", "with --budget: a stimulus of the search, as scc sim --input takes it (repeatable; default: the source's own, else random:1 … random:K)")
	fs.IntVar(&b.steps, "steps", 0, "with --budget: steps per stimulus (default: the source's run(), else 10000)")
	fs.IntVar(&b.seeds, "seeds", 4, "with --budget and no --input: the number K of seeded stimuli random:1 … random:K")
}

func (b *budgetFlags) check() error {
	if math.IsNaN(b.budget) || b.budget < 0 || b.budget > 1 {
		return usagef("--budget %g: expected a fraction in [0, 1]", b.budget)
	}
	if b.steps < 0 || b.seeds < 1 {
		return usagef("--steps must be ≥ 0 and --seeds ≥ 1")
	}
	return nil
}

// unused is the usage error of search flags without a search.
func (b *budgetFlags) unused() error {
	if len(b.inputs) > 0 || b.steps != 0 {
		return usagef("--input and --steps apply to the format search (--budget, or a model's `format auto`)")
	}
	return nil
}

// compileFile is build's compileFile with the format search: it runs the
// search when --budget is given or the model's format is `auto` without a
// width, and returns the unit compiled with the chosen formats.
func (b *budgetFlags) compileFile(path string, opt compileOpts, top string, stderr io.Writer, synthReport bool) (*unit, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	again := func(o compileOpts, w io.Writer) (*unit, error) { return compileFile(path, o, w) }
	if b.budget == 0 {
		if isNIR(path) || isBrianScript(path) || opt.NIR.Method != "" || len(opt.Spikes) > 0 {
			if err := b.unused(); err != nil {
				return nil, err
			}
			return compileFile(path, opt, stderr) // no `format auto` there
		}
		src, err := readSource(path)
		if err != nil {
			return nil, err
		}
		u, cerr := compile(path, src, opt)
		if !autoWithoutWidth(u, top) {
			if err := u.report(stderr, cerr); err != nil {
				return nil, err
			}
			return u, b.unused()
		}
	}
	return b.search(opt, top, again, stderr, synthReport)
}

// lower is eq's form of compileFile: u was lowered with opt (err is the
// result); the search, when asked for, lowers again with again (which
// prints its diagnostics to w).
func (b *budgetFlags) lower(u *unit, err error, opt compileOpts, again func(o compileOpts, w io.Writer) (*unit, error), stderr io.Writer, synthReport bool) (*unit, error) {
	if cerr := b.check(); cerr != nil {
		return nil, cerr
	}
	if b.budget == 0 && !autoWithoutWidth(u, "") {
		if err := u.report(stderr, err); err != nil {
			return nil, err
		}
		return u, b.unused()
	}
	return b.search(opt, "", again, stderr, synthReport)
}

// autoWithoutWidth reports whether the model top (or the only one) of u
// says `format auto` without a width (the checker's Profile.Auto < 0).
func autoWithoutWidth(u *unit, top string) bool {
	if u == nil || u.info == nil {
		return false
	}
	for name, m := range u.info.Models {
		if m != nil && m.Auto < 0 && (name == u.resolve(top) || top == "" && len(u.info.Models) == 1) {
			return true
		}
	}
	return false
}

// knob is one searched word: a state, an input, or the profile width
// (state < 0 and input < 0).
type knob struct {
	name  string
	state int // index in Func.States, or -1
	input int // index in Func.Inputs, or -1
	int_  int // integer bits (sign included) of a variable
	lo    int // narrowest width searched
}

func (k knob) kind() string {
	switch {
	case k.state >= 0:
		return "state"
	case k.input >= 0:
		return "input"
	}
	return "profile"
}

func (k knob) format(w int) fixed.Format { return fixed.Q(k.int_, w-k.int_) }

// candidate is one evaluated point of the search.
type candidate struct {
	widths []int
	u      *unit
	fx     *ir.Func
	q      *quality
	agree  float64 // -1: did not compile or simulate
	area   area
	err    error
}

// searcher holds the state of one search.
type searcher struct {
	b        *budgetFlags
	budget   float64
	opt      compileOpts
	top      string
	again    func(compileOpts, io.Writer) (*unit, error)
	stderr   io.Writer
	ref      *ir.Func // the start's Func
	u        *unit    // the start's unit (its stimulus)
	fn       string
	knobs    []knob
	perVar   bool // the passes honour per-variable formats
	steps    int
	mu       sync.Mutex
	cache    map[string]*entry
	maxWidth int
}

const searchWidth = fixed.MaxStateWidth // the widest word searched: 32 bits

// minStart is the narrowest start tried when auto:32 does not compile.
const minStart = 8

// probeNarrower is how much narrower than the start the variables are in
// the probe for per-variable formats.
const probeNarrower = 4

func (b *budgetFlags) search(opt compileOpts, top string, again func(compileOpts, io.Writer) (*unit, error), stderr io.Writer, synthReport bool) (*unit, error) {
	s := &searcher{b: b, budget: b.budget, opt: opt, top: top, again: again, stderr: stderr, cache: map[string]*entry{}, maxWidth: searchWidth}
	if s.budget == 0 {
		s.budget = defaultBudget
	}
	s.opt.Tables = nil // tables are sampled once, for the chosen formats
	if s.opt.Stim == "" && len(b.inputs) > 0 {
		s.opt.Stim = b.inputs[0] // what range inference simulates
	}
	if s.opt.Steps == 0 {
		s.opt.Steps = b.steps
	}
	if err := s.setup(); err != nil {
		return nil, err
	}
	best, ok := s.run()
	s.print(stderr, best, ok)
	if !ok {
		return nil, &failure{fmt.Sprintf("scc: %s: no formats up to %d bits reach the spike-time agreement budget %s; best found: %s (agreement %.4f, area %d)",
			s.fn, s.maxWidth, budgetString(s.budget), s.describe(best), max(best.agree, 0), best.area.total())}
	}
	// The chosen unit, compiled as the build asked (tables for --report).
	final := s.opts(best.widths)
	final.Tables = opt.Tables
	u, err := again(final, stderr)
	if err != nil {
		return nil, err
	}
	if synthReport {
		writeSynthCells(stderr, u, s.fn)
	}
	return u, nil
}

func budgetString(b float64) string { return strings.TrimRight(fmt.Sprintf("%.4f", b), "0") }

// setup compiles the start (auto:32), names the model, fixes each
// variable's integer bits and the stimulus set, and finds whether the
// passes honour per-variable formats.
func (s *searcher) setup() error {
	// The start is the widest auto:W that compiles (a cube of a 32-bit
	// state leaves 64 bits).
	var u *unit
	var err error
	for w := searchWidth; w >= minStart; w -= 4 {
		start := s.opt
		p := fixed.Profile{Format: fixed.Q(w/2, w-w/2), Auto: w}
		start.Format, start.Formats = &p, nil
		if u, err = s.again(start, io.Discard); err == nil {
			s.maxWidth = w
			break
		}
		if w-4 < minStart {
			// Say why, with the diagnostics of the first.
			p.Format, p.Auto = fixed.Q(searchWidth/2, searchWidth/2), searchWidth
			fmt.Fprintf(s.stderr, "scc: the format search starts from auto:%d (or narrower, down to auto:%d), which does not compile:\n", searchWidth, minStart)
			_, err = s.again(start, s.stderr)
			return err
		}
	}
	if n := pickNetwork(u.mod, u.resolve(s.top)); n != nil {
		return usagef("--budget searches the formats of one model; %s is a network (name a model with --top)", n.Name)
	}
	fx, err := pick(u.mod, u.resolve(s.top))
	if err != nil {
		return err
	}
	s.fn = fx.Name
	s.steps = s.b.steps
	if s.steps == 0 {
		s.steps = cmp0(u.steps, 10000)
	}
	s.ref, s.u = fx, u
	for _, spec := range s.b.inputs {
		if _, err := sim.ParseSpec(fx, spec); err != nil {
			return usagef("%v", err)
		}
	}
	prof := knob{name: "profile", state: -1, input: -1, lo: min(minStart, s.maxWidth)}
	s.knobs = []knob{prof}
	for i, st := range fx.States {
		if st.Refractory || st.Clock || st.Type.Kind != ir.KFixed {
			continue
		}
		in := st.Type.Fmt.Int
		s.knobs = append(s.knobs, knob{name: st.Name, state: i, input: -1, int_: in, lo: min(max(fixed.MinStateWidth, in+1), s.maxWidth)})
	}
	for i, x := range fx.Inputs {
		if x.Noise || x.Type.Kind != ir.KFixed {
			continue
		}
		in := inputInt(x, fx.Format)
		s.knobs = append(s.knobs, knob{name: x.Name, state: -1, input: i, int_: in, lo: min(max(fixed.MinStateWidth, in+1), s.maxWidth)})
	}
	// Per-variable formats, when the passes honour them: a probe with the
	// profile at 32 bits and every variable narrower than auto:32 gives it
	// must come out so.
	s.perVar = len(s.knobs) > 1
	if s.perVar {
		w := s.widest()
		for i := 1; i < len(w); i++ {
			w[i] = max(s.knobs[i].lo, s.maxWidth-probeNarrower)
		}
		u, err := s.again(s.opts(w), io.Discard)
		s.perVar = err == nil && u.mod.Func(s.fn) != nil && s.honoured(u.mod.Func(s.fn), w)
		// ... and the widest per-variable point must compile.
		if s.perVar && s.eval(s.widest()).fx == nil {
			s.perVar = false
		}
		if !s.perVar {
			s.cache = map[string]*entry{}
		}
	}
	if !s.perVar {
		s.knobs = s.knobs[:1]
	}
	return nil
}

// firstLine is the first line of a compile's diagnostics, else err's text.
func firstLine(diag string, err error) string {
	if l, _, _ := strings.Cut(strings.TrimSpace(diag), "\n"); l != "" {
		return l
	}
	return err.Error()
}

func cmp0(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}

// inputInt is the integer bits of an input: the fewest holding its
// declared range, else those of the profile's format.
func inputInt(x *ir.Input, def fixed.Format) int {
	if x.Range == nil || math.IsInf(x.Range.Lo, 0) || math.IsInf(x.Range.Hi, 0) {
		return def.Int
	}
	for i := 1; i < searchWidth; i++ {
		f := fixed.Q(i, searchWidth-i)
		_, e1 := fixed.Encode(x.Range.Lo, f)
		_, e2 := fixed.Encode(x.Range.Hi, f)
		if e1 == nil && e2 == nil {
			return i
		}
	}
	return def.Int
}

// honoured reports whether fx has the formats widths asks for.
func (s *searcher) honoured(fx *ir.Func, widths []int) bool {
	for i, k := range s.knobs {
		want := k.format(widths[i])
		switch {
		case k.state >= 0:
			if fx.States[k.state].Type.Fmt != want {
				return false
			}
		case k.input >= 0:
			if fx.Inputs[k.input].Type.Fmt != want {
				return false
			}
		}
	}
	return true
}

func (s *searcher) widest() []int {
	w := make([]int, len(s.knobs))
	for i := range w {
		w[i] = s.maxWidth
	}
	return w
}

// opts is the compile of one point: the profile auto:W and, per variable,
// its format.
func (s *searcher) opts(widths []int) compileOpts {
	o := s.opt
	w := widths[0]
	p := fixed.Profile{Format: fixed.Q(w/2, w-w/2), Auto: w}
	o.Format = &p
	o.Formats = nil
	if len(s.knobs) > 1 {
		vars := map[string]fixed.Format{}
		for i, k := range s.knobs[1:] {
			vars[k.name] = k.format(widths[i+1])
		}
		o.Formats = map[string]map[string]fixed.Format{s.fn: vars}
	}
	return o
}

func key(widths []int) string { return fmt.Sprint(widths) }

// entry is one cached point: computed once, by whichever goroutine asks
// first.
type entry struct {
	once sync.Once
	c    *candidate
}

// eval compiles and measures one point (cached; safe for concurrent use).
func (s *searcher) eval(widths []int) *candidate {
	k := key(widths)
	s.mu.Lock()
	e, ok := s.cache[k]
	if !ok {
		e = &entry{}
		s.cache[k] = e
	}
	s.mu.Unlock()
	e.once.Do(func() { e.c = s.compute(widths) })
	return e.c
}

// evalAll evaluates points concurrently, at most GOMAXPROCS at a time.
func (s *searcher) evalAll(points [][]int) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, p := range points {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			s.eval(p)
		}()
	}
	wg.Wait()
}

// compute compiles and measures one point.
func (s *searcher) compute(widths []int) *candidate {
	c := &candidate{widths: slices.Clone(widths), agree: -1}
	var diag bytes.Buffer
	u, err := s.again(s.opts(widths), &diag)
	if err != nil {
		c.err = errors.New(firstLine(diag.String(), err))
		return c
	}
	fx := u.mod.Func(s.fn)
	real := u.real.Func(s.fn)
	if fx == nil || real == nil {
		c.err = fmt.Errorf("no model %s", s.fn)
		return c
	}
	c.u, c.fx = u, fx
	c.area = areaOf(fx)
	q, err := s.measure(real, fx)
	if err != nil {
		c.err = err
		return c
	}
	c.q, c.agree = q, q.agreement()
	return c
}

// measure runs the float64 and bit-true models on the stimulus set and
// counts their spikes: `scc report`'s measureOn. A random stimulus draws
// words of fx.Format; every candidate draws those of the start's profile
// (the widest), so all see the same input values (a narrow profile would
// otherwise coarsen the stimulus itself, down to one that never fires).
// The interpreters do not read Func.Format, which is restored after.
func (s *searcher) measure(real, fx *ir.Func) (*quality, error) {
	own := fx.Format
	fx.Format = s.ref.Format
	defer func() { fx.Format = own }()
	return measureOn(real, fx, s.stimuli(fx), s.steps) // report.go
}

// stimuli is the stimulus set of fx, as report chooses it (reportSpecs:
// noise seeds for a noisy model): each --input, else the source's own,
// else random:1 … random:K.
func (s *searcher) stimuli(fx *ir.Func) []string {
	if len(s.b.inputs) == 0 {
		specs, _ := reportSpecs(s.u, fx, reportFlags{seeds: s.b.seeds})
		return specs
	}
	var specs []string
	for _, in := range s.b.inputs {
		sp, _ := reportSpecs(s.u, fx, reportFlags{seeds: s.b.seeds, input: in})
		specs = append(specs, sp...)
	}
	return specs
}

func (s *searcher) ok(c *candidate) bool { return c.agree >= s.budget }

// run is the search (the package comment's algorithm). It returns the
// chosen point, or the best found and false.
func (s *searcher) run() (*candidate, bool) {
	top := s.widest()
	if c := s.eval(top); !s.ok(c) {
		return s.best(), false
	}
	n := len(s.knobs)
	lo := make([]int, n)
	// The knobs' bounds are independent searches: run them concurrently.
	var wg sync.WaitGroup
	for i, k := range s.knobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, h := k.lo, s.maxWidth // h reaches the budget
			for l < h {
				m := (l + h) / 2
				w := slices.Clone(top)
				w[i] = m
				if s.ok(s.eval(w)) {
					h = m
				} else {
					l = m + 1
				}
			}
			lo[i] = h
		}()
	}
	wg.Wait()
	at := func(slack int) []int {
		w := make([]int, n)
		for i := range w {
			w[i] = min(lo[i]+slack, s.maxWidth)
		}
		return w
	}
	l, h := 0, 0
	for i := range lo {
		h = max(h, s.maxWidth-lo[i])
	}
	for l < h {
		m := (l + h) / 2
		if s.ok(s.eval(at(m))) {
			h = m
		} else {
			l = m + 1
		}
	}
	x := at(h)
	cur := s.eval(x)
	for moved := true; moved; {
		moved = false
		for _, i := range s.shrinkOrder(cur) {
			for x[i] > lo[i] {
				w := slices.Clone(x)
				w[i]--
				c := s.eval(w)
				if !s.ok(c) || c.area.total() > cur.area.total() {
					break
				}
				x, cur, moved = w, c, true
			}
		}
	}
	return cur, true
}

// shrinkOrder orders the knobs by the area one bit less saves, largest
// first (ties: knob order).
func (s *searcher) shrinkOrder(cur *candidate) []int {
	idx := make([]int, len(s.knobs))
	save := make([]int, len(s.knobs))
	narrower := func(i int) []int {
		w := slices.Clone(cur.widths)
		w[i]--
		return w
	}
	var pts [][]int
	for i := range idx {
		if cur.widths[i] > s.knobs[i].lo {
			pts = append(pts, narrower(i))
		}
	}
	s.evalAll(pts)
	for i := range idx {
		idx[i] = i
		if cur.widths[i] > s.knobs[i].lo {
			if c := s.eval(narrower(i)); c.fx != nil {
				save[i] = cur.area.total() - c.area.total()
			}
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return save[b] - save[a] })
	return idx
}

// best is the evaluated point of the highest agreement, the smallest area
// among equals (the first by formats among equal areas).
func (s *searcher) best() *candidate {
	var b *candidate
	for _, k := range slices.Sorted(maps.Keys(s.cache)) {
		c := s.cache[k].c
		if b == nil || c.agree > b.agree || c.agree == b.agree && c.area.total() < b.area.total() {
			b = c
		}
	}
	return b
}

// describe names a point's formats: "v q8.12, I q7.9 (auto:20)".
func (s *searcher) describe(c *candidate) string {
	var parts []string
	for i, k := range s.knobs {
		if k.kind() == "profile" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %v", k.name, k.format(c.widths[i])))
	}
	p := fmt.Sprintf("auto:%d", c.widths[0])
	if len(parts) == 0 {
		return p
	}
	return strings.Join(parts, ", ") + " (" + p + ")"
}

func (s *searcher) stimulus() string {
	var descs []string
	if len(s.b.inputs) == 0 {
		_, d := reportSpecs(s.u, s.ref, reportFlags{seeds: s.b.seeds})
		descs = append(descs, d)
	}
	for _, in := range s.b.inputs {
		_, d := reportSpecs(s.u, s.ref, reportFlags{seeds: s.b.seeds, input: in})
		descs = append(descs, d)
	}
	return fmt.Sprintf("%s; %d steps each; random words of %v", strings.Join(descs, "; "), s.steps, s.ref.Format)
}

// print writes the search's result: the formats per variable, the
// agreement and the area.
func (s *searcher) print(w io.Writer, c *candidate, ok bool) {
	verdict := "chosen"
	if !ok {
		verdict = "best found (below the budget)"
	}
	mode := "per-variable formats"
	if !s.perVar {
		mode = "one word width auto:W for every variable (per-variable formats did not compile)"
	}
	fmt.Fprintf(w, "format search for %s: budget %s, %s; %d candidates\n", s.fn, budgetString(s.budget), mode, len(s.cache))
	fmt.Fprintf(w, "stimulus: %s\n", s.stimulus())
	fmt.Fprintf(w, "%s:\n", verdict)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  variable\tkind\tformat\t")
	if c.fx != nil {
		for _, st := range c.fx.States {
			if st.Refractory || st.Clock {
				continue
			}
			fmt.Fprintf(tw, "  %s\tstate\t%v\t\n", st.Name, st.Type)
		}
		for _, x := range c.fx.Inputs {
			fmt.Fprintf(tw, "  %s\tinput\t%v\t\n", x.Name, x.Type)
		}
	}
	fmt.Fprintf(tw, "  (coefficients, tables)\tprofile\tauto:%d\t\n", c.widths[0])
	tw.Flush()
	if c.q != nil {
		fmt.Fprintf(w, "spike-time agreement: %.4f (float64 %d spikes, bit-true %d)\n", c.agree, c.q.floatSpikes, c.q.fixSpk)
		if c.q.floatSpikes == 0 {
			fmt.Fprintf(w, "warning: the float64 model does not spike on this stimulus, so any format that does not spike agrees; give a stimulus that makes it spike (--input)\n")
		}
	} else {
		fmt.Fprintf(w, "spike-time agreement: none (%v)\n", c.err)
	}
	a := c.area
	fmt.Fprintf(w, "area: %d units (registers %d, multipliers %d, adders %d, muxes %d, tables %d)\n",
		a.total(), a.reg, a.mul, a.add, a.mux, a.table)
}

// area is the cost model of a fixed Func, in bit-level units.
type area struct {
	reg, mul, add, mux, table int
}

func (a area) total() int { return a.reg + a.mul + a.add + a.mux + a.table }

// areaOf sums the cost model over fx: registers (every state word and the
// spike bit), multipliers and dividers (operand widths' product), adders
// and comparators (result or operand width), muxes (select and saturating
// cast widths) and tables (entries × entry width, plus the interpolation's
// multiply by the spacing's bits and its add).
func areaOf(fx *ir.Func) area {
	var a area
	a.reg = 1
	for _, s := range fx.States {
		a.reg += s.Type.Width()
	}
	width := func(v *ir.Value) int {
		if v.Type.Kind == ir.KFixed {
			return v.Type.Width()
		}
		return 1
	}
	for _, b := range fx.Blocks {
		for _, v := range b.Values {
			switch v.Op {
			case ir.OpMul, ir.OpDiv:
				a.mul += width(v.Args[0]) * width(v.Args[1])
			case ir.OpAdd, ir.OpSub, ir.OpNeg:
				a.add += width(v)
			case ir.OpEq, ir.OpNe, ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe:
				a.add += max(width(v.Args[0]), width(v.Args[1]))
			case ir.OpSelect:
				a.mux += width(v)
			case ir.OpCast:
				if v.Overflow == fixed.Sat && width(v) < width(v.Args[0]) {
					a.mux += width(v)
				}
			case ir.OpTable:
				if t := v.Table; t != nil {
					out := width(v)
					a.table += len(t.Y)*out + out*int(t.Shift) + out
				}
			}
		}
	}
	return a
}

// writeSynthCells synthesizes u's module fn (yosys synth_xilinx) and prints
// its cells: --report with a format search.
func writeSynthCells(w io.Writer, u *unit, fn string) {
	src, err := bufString(func(w io.Writer) error { return sv.Emit(w, u.mod, sv.Options{Top: fn, Version: version}) })
	if err != nil {
		fmt.Fprintf(w, "yosys: %v\n", err)
		return
	}
	r, err := synth.Run(context.Background(), string(src), synth.Options{Top: fn, Timeout: 5 * time.Minute})
	if err != nil {
		fmt.Fprintf(w, "yosys: %v\n", err)
		return
	}
	fmt.Fprintf(w, "yosys (synth_xilinx -family xc7): %d cells: LUT %d, FF %d, CARRY4 %d, DSP %d\n",
		cellCount(r.Total), r.Total.LUT, r.Total.FF, r.Total.Carry, r.Total.DSP)
}

// cellCount is the number of cells of every type.
func cellCount(u synth.Usage) int {
	n := 0
	for _, c := range u.Cells {
		n += c
	}
	return n
}
