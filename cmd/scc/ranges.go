package main

// Ranges of states and inputs the model does not declare (issue 16 item 3).
//
// `--range NAME=LO:HI` (repeatable; eq, build, sim, report) sets a state's
// or an input's range in every model that has the name, over a declared
// one. A range the analysis needs and nobody declared is inferred: the
// float64 model (the real IR, unquantized) is simulated over the stimulus
// — the user's --input, else the source's own (a Brian2 script's constant
// inputs), else sim.DefaultSweep (constant inputs at 5 levels over their
// declared ranges, then random:1) — for --steps (else the source's run
// duration, else inferSteps) steps, and each variable's [min, max] is
// widened by sim.InferMargin on each side (25% of the span, at least 5% of
// the magnitude). A clock state gets [0, duration], a noise input [−6, 6].
// One warning line names the variables and their ranges.
//
// When: always under an auto profile (formats come from ranges), for a
// Brian2 script (*.py) or with compileOpts.Infer; under a fixed profile
// only when the pipeline fails without them (then it runs again with
// them, and that run stands if it succeeds). Inference is all or nothing: when it cannot run (no stimulus
// and an input without a range, a state that diverges) or the retry fails
// too, the model compiles, or fails, exactly as without it. Models that
// declare every range, and networks, are never touched.

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"scc/ir"
	"scc/lang"
	"scc/sim"
)

// inferSteps is the duration of range inference without --steps or a
// source duration.
const inferSteps = 10000

// parseRanges reads --range NAME=LO:HI values (quantities with optional
// units, canonical after parsing).
func parseRanges(kvs []string) (map[string]ir.Range, error) {
	if len(kvs) == 0 {
		return nil, nil
	}
	m := map[string]ir.Range{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		lo, hi, ok2 := strings.Cut(v, ":")
		k = strings.TrimSpace(k)
		if !ok || !ok2 || k == "" {
			return nil, usagef("--range %q: expected NAME=LO:HI, e.g. v=-90mV:40mV", kv)
		}
		l, err := parseQuantity(lo)
		if err != nil {
			return nil, usagef("--range %s: %v", k, err)
		}
		h, err := parseQuantity(hi)
		if err != nil {
			return nil, usagef("--range %s: %v", k, err)
		}
		if !(l <= h) {
			return nil, usagef("--range %s: the low end %s is above the high end %s", k, lo, hi)
		}
		m[k] = ir.Range{Lo: l, Hi: h}
	}
	return m, nil
}

// applyRanges sets the --range ranges in every Func of m that has the
// name; a name no Func has is an error.
func applyRanges(m *ir.Module, ranges map[string]ir.Range) error {
	used := map[string]bool{}
	for _, f := range m.Funcs {
		for _, s := range f.States {
			if r, ok := ranges[s.Name]; ok && !s.Refractory {
				s.Range, used[s.Name] = &r, true
			}
		}
		for _, in := range f.Inputs {
			if r, ok := ranges[in.Name]; ok {
				in.Range, used[in.Name] = &r, true
			}
		}
	}
	var bad []string
	for k := range ranges {
		if !used[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return usagef("--range %s: no state or input of that name (in %s)", strings.Join(bad, ", "), funcNames(m))
	}
	return nil
}

// missingRanges reports whether f has a state or input without a range
// that inference would give one.
func missingRanges(f *ir.Func) bool {
	for _, s := range f.States {
		if s.Range == nil && !s.Refractory {
			return true
		}
	}
	for _, in := range f.Inputs {
		if in.Range == nil {
			return true
		}
	}
	return false
}

// wantsInference reports whether m gets inferred ranges before its first
// pipeline run: a module without networks with a Func that misses a range
// and either opt.Infer, a Brian2 script (which never declares ranges) or
// an auto profile.
func (u *unit) wantsInference(m *ir.Module, opt compileOpts) bool {
	if len(m.Nets) > 0 {
		return false
	}
	if isBrianScript(u.name) {
		opt.Infer = true
	}
	for _, f := range m.Funcs {
		auto := f.AutoWidth != 0
		if opt.Format != nil {
			auto = opt.Format.Auto != 0
		}
		if missingRanges(f) && (opt.Infer || auto) {
			return true
		}
	}
	return false
}

// canInfer reports whether a failed pipeline on m may be retried with
// inferred ranges.
func canInfer(m *ir.Module) bool {
	if len(m.Nets) > 0 {
		return false
	}
	for _, f := range m.Funcs {
		if missingRanges(f) {
			return true
		}
	}
	return false
}

// inferStimuli returns the stimuli and a description of them that range
// inference simulates for the real-phase f.
func (u *unit) inferStimuli(f *ir.Func, opt compileOpts) ([]sim.Stimulus, string, error) {
	spec := opt.Stim
	if spec == "" {
		spec = u.stim
	}
	if spec == "" || strings.HasPrefix(spec, "random:") && !inputsRanged(f) {
		st, err := sim.DefaultSweep(f)
		if err != nil {
			return nil, "", err
		}
		return st, fmt.Sprintf("the default sweep (every input constant at %d levels over its range, then random:1)", sim.SweepLevels), nil
	}
	st, err := sim.ParseStimulus(f, spec)
	if err != nil {
		return nil, "", usagef("%v", err)
	}
	return []sim.Stimulus{st}, spec, nil
}

func inputsRanged(f *ir.Func) bool {
	for _, in := range f.Inputs {
		if in.Range == nil && !in.Noise {
			return false
		}
	}
	return true
}

// snapshot returns a function that puts back what inferRanges changes:
// u.real (a module without networks here), u.inferred and u.warnings.
func (u *unit) snapshot() (undo func()) {
	text, inferred, nw := u.real.String(), u.inferred, len(u.warnings)
	return func() {
		real, err := ir.Parse(text)
		if err != nil {
			panic(fmt.Sprintf("real module does not round-trip: %v", err))
		}
		u.real, u.inferred, u.warnings = real, inferred, u.warnings[:nw]
	}
}

// inferRanges gives every Func of m (a real-phase module whose twin is
// u.real) its inferred ranges, also in u.real, records them in u.inferred
// and adds the warning line.
func (u *unit) inferRanges(m *ir.Module, opt compileOpts) error {
	steps := opt.Steps
	if steps <= 0 {
		steps = u.steps
	}
	if steps <= 0 {
		steps = inferSteps
	}
	// All Funcs first, so that an error leaves everything as it was.
	type result struct {
		got  map[string]ir.Range
		desc string
		n    int
	}
	res := map[string]result{}
	for _, f := range m.Funcs {
		rf := u.real.Func(f.Name)
		if rf == nil || !missingRanges(f) {
			continue
		}
		stims, desc, err := u.inferStimuli(rf, opt)
		if err != nil {
			return err
		}
		got, err := inferCached(rf, stims, desc, steps)
		if err != nil {
			return err
		}
		res[f.Name] = result{got, desc, len(stims)}
	}
	for _, f := range m.Funcs {
		r, ok := res[f.Name]
		if !ok || len(r.got) == 0 {
			continue
		}
		rf, got, desc := u.real.Func(f.Name), r.got, r.desc
		if u.inferred == nil {
			u.inferred = map[string]map[string]ir.Range{}
		}
		u.inferred[f.Name] = got
		var names, parts []string
		set := func(name string, r **ir.Range) {
			if g, ok := got[name]; ok && *r == nil {
				*r = &g
				names = append(names, name)
				parts = append(parts, fmt.Sprintf("%s in [%s, %s]", name, u.quantity(f.Name, name, g.Lo), u.quantity(f.Name, name, g.Hi)))
			}
		}
		for _, g := range []*ir.Func{f, rf} {
			names, parts = nil, nil
			for _, s := range g.States {
				set(s.Name, &s.Range)
			}
			for _, in := range g.Inputs {
				set(in.Name, &in.Range)
			}
		}
		dur := fmt.Sprintf("%d steps", steps)
		if r.n > 1 {
			dur += " each"
		}
		u.warnings = append(u.warnings, &lang.Error{Pos: lang.Pos{File: u.name}, Msg: fmt.Sprintf(
			"no declared range for %s; inferred by simulating the float64 model of %s on %s for %s, widened by max(25%% of the span, 5%% of the magnitude) each side: %s (declare them with `in [lo, hi]` or --range NAME=LO:HI)",
			strings.Join(names, ", "), f.Name, desc, dur, strings.Join(parts, ", "))})
	}
	return nil
}

// inferCache memoizes inference by the real Func's text, the stimulus and
// the duration (the format search compiles one model many times; the
// result depends on nothing else).
var inferCache sync.Map

type inferResult struct {
	r   map[string]ir.Range
	err error
}

func inferCached(f *ir.Func, stims []sim.Stimulus, desc string, steps int) (map[string]ir.Range, error) {
	key := fmt.Sprintf("%s\x00%s\x00%d", f.String(), desc, steps)
	if v, ok := inferCache.Load(key); ok {
		res := v.(inferResult)
		return res.r, res.err
	}
	r, err := sim.InferRanges(f, stims, steps)
	inferCache.Store(key, inferResult{r, err})
	return r, err
}

// quantity prints the canonical value x of variable name of model fn with
// its canonical unit when the checker knows it (4 significant digits).
func (u *unit) quantity(fn, name string, x float64) string {
	s := fmt.Sprintf("%.4g", x)
	if u.info == nil {
		return s
	}
	mi := u.info.Models[fn]
	if mi == nil {
		return s
	}
	var d lang.Dim
	found := false
	for _, st := range mi.States {
		if st.Name == name {
			d, found = st.Dim, true
		}
	}
	for _, in := range mi.Inputs {
		if in.Name == name {
			d, found = in.Dim, true
		}
	}
	if !found || d.IsDimensionless() {
		return s
	}
	if n := canonicalUnit(d); n != "" {
		return s + " " + n
	}
	return s
}

// canonicalUnit is the shortest unit name of dimension d whose factor is 1
// (scc's canonical unit of d: mV, ms, ...); "" when none.
func canonicalUnit(d lang.Dim) string {
	best := ""
	for _, n := range lang.UnitNames() {
		un, ok := lang.LookupUnit(n)
		if !ok || un.Dim != d || math.Abs(un.Factor-1) > 1e-12 {
			continue
		}
		if best == "" || len(n) < len(best) || len(n) == len(best) && n < best {
			best = n
		}
	}
	return best
}

// rangeSource names where the range of variable name of model fn comes
// from: "--range", "inferred", "declared" (has is whether it has one) or
// "none".
func (u *unit) rangeSource(fn, name string, has bool) string {
	if _, ok := u.setRanges[name]; ok {
		return "--range"
	}
	if _, ok := u.inferred[fn][name]; ok {
		return "inferred"
	}
	if has {
		return "declared"
	}
	return "none"
}
