package passes

import (
	"errors"
	"fmt"
	"strings"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// Options control a pipeline run.
type Options struct {
	// StopAfter names the last pass to run; "" runs them all.
	StopAfter string
	// Check runs ir.Verify after every pass; a violation is a compiler bug
	// and panics with the offending value's long form (STYLE S4, S8).
	Check bool
	// Profile, when not nil, overrides the state format of every function
	// (a fixed.ParseProfile result: the CLI's --format); nil keeps each
	// function's own.
	Profile *fixed.Profile
	// KeepParams keeps parameters as IR data through const-fold (a generic
	// module, one Func for every parameter set); by default const-fold
	// specialises the module to the parameters' values.
	KeepParams bool
	// Tables, when not nil, receives a description of every breakpoint
	// table quantize builds (`scc report` prints them).
	Tables *[]TableInfo
	// Formats, when not nil, fixes the word format of named states and
	// inputs, by Func name then variable name, over the profile (scc
	// build --budget's format search); quantize honours every entry.
	Formats map[string]map[string]fixed.Format
}

// Context is what a pass sees besides the function it transforms: the
// module, the options, the warnings collected so far and side tables that
// analyses leave for later passes (go/types style, STYLE S6).
type Context struct {
	Options
	Module *ir.Module

	warnings lang.ErrorList
	raw      map[*ir.Func][]rawInterval // quantize: raw intervals by final value ID
}

// Warnf records a positioned warning. A position without a file gets the
// module's file name.
func (c *Context) Warnf(pos lang.Pos, format string, args ...any) {
	c.warnings.Add(c.pos(pos), format, args...)
}

// pos completes pos with the module's file name.
func (c *Context) pos(pos lang.Pos) lang.Pos {
	if pos.File == "" && c.Module != nil {
		pos.File = c.Module.File
	}
	return pos
}

// errorf builds a positioned user error.
func (c *Context) errorf(pos lang.Pos, format string, args ...any) *lang.Error {
	return lang.Errorf(c.pos(pos), format, args...)
}

// phases is a set of phases a pass accepts.
type phases uint8

const (
	realPhase  phases = 1 << ir.Real
	fixedPhase phases = 1 << ir.Fixed
	anyPhase          = realPhase | fixedPhase
)

func (s phases) has(p ir.Phase) bool { return s&(1<<p) != 0 }

// pass is one entry of the pipeline table.
type pass struct {
	name  string
	fn    func(f *ir.Func, c *Context) error
	in    phases   // phases the pass accepts
	out   ir.Phase // phase after the pass (when it changes it)
	sets  bool     // the pass sets the module phase to out
	after []string // passes that must run earlier
	// net, when not nil, runs on every network of the module after fn
	// has run on every function (net.go).
	net func(n *ir.Net, c *Context) error
}

// pipeline is the ordered pass table (STYLE S9). checkOrder holds its
// ordering constraints at init.
var pipeline = []pass{
	{name: "verify", fn: verifyPass, net: verifyNetPass, in: anyPhase},
	{name: "const-fold", fn: constFold, in: realPhase, after: []string{"verify"}},
	{name: "range", fn: rangePass, in: realPhase, after: []string{"const-fold"}},
	{name: "quantize", fn: quantize, net: quantizeNet, in: realPhase, out: ir.Fixed, sets: true, after: []string{"const-fold", "range"}},
	{name: "bind", fn: bind, in: fixedPhase, after: []string{"quantize"}},
	{name: "dce", fn: dce, in: anyPhase, after: []string{"verify"}},
}

func init() {
	if err := checkOrder(pipeline); err != nil {
		panic("passes: " + err.Error())
	}
}

// checkOrder checks that pass names are unique kebab-case words, that every
// pass runs after the passes it names, and that the phases chain from a
// real-phase module.
func checkOrder(table []pass) error {
	seen := map[string]bool{}
	ph := ir.Real
	for _, p := range table {
		if p.name == "" || strings.Trim(p.name, "abcdefghijklmnopqrstuvwxyz-") != "" {
			return fmt.Errorf("pass name %q is not kebab-case", p.name)
		}
		if seen[p.name] {
			return fmt.Errorf("pass %q registered twice", p.name)
		}
		for _, a := range p.after {
			if !seen[a] {
				return fmt.Errorf("pass %q must run after %q", p.name, a)
			}
		}
		if !p.in.has(ph) {
			return fmt.Errorf("pass %q does not accept %v-phase input", p.name, ph)
		}
		if p.sets {
			ph = p.out
		}
		seen[p.name] = true
	}
	return nil
}

// Names returns the pass names in pipeline order (for `scc ir --after`).
func Names() []string {
	names := make([]string, len(pipeline))
	for i, p := range pipeline {
		names[i] = p.name
	}
	return names
}

// Run runs the pipeline on m, in place, up to and including
// opt.StopAfter. It returns the warnings of every pass that ran and, on
// failure, either a lang.ErrorList of positioned user errors (a constant
// that does not fit its format, a function fixed point cannot compute) or
// an internal error. After quantize m.Phase is ir.Fixed.
func Run(m *ir.Module, opt Options) (warnings lang.ErrorList, err error) {
	list := pipeline
	if opt.StopAfter != "" {
		i := passIndex(opt.StopAfter)
		if i < 0 {
			return nil, fmt.Errorf("unknown pass %q (passes: %s)", opt.StopAfter, strings.Join(Names(), ", "))
		}
		list = pipeline[:i+1]
	}
	return newContext(m, opt).run(list)
}

func passIndex(name string) int {
	for i, p := range pipeline {
		if p.name == name {
			return i
		}
	}
	return -1
}

func newContext(m *ir.Module, opt Options) *Context {
	return &Context{
		Options: opt,
		Module:  m,
		raw:     map[*ir.Func][]rawInterval{},
	}
}

// run runs the passes of list in order on every function of c.Module.
func (c *Context) run(list []pass) (lang.ErrorList, error) {
	m, opt := c.Module, c.Options
	if p := opt.Profile; p != nil {
		for _, fn := range m.Funcs {
			fn.Format, fn.AutoWidth = p.Format, p.Auto
		}
	}
	for _, p := range list {
		if !p.in.has(m.Phase) {
			return c.sortedWarnings(), fmt.Errorf("pass %q needs %s-phase input, module is %v", p.name, phaseNames(p.in), m.Phase)
		}
		var errs lang.ErrorList
		for _, f := range m.Funcs {
			if err := runPass(p, f, c); err != nil {
				var el lang.ErrorList
				if !errors.As(err, &el) {
					return c.sortedWarnings(), fmt.Errorf("pass %q on %s: %w", p.name, f.Name, err)
				}
				errs = append(errs, el...)
			}
		}
		for _, n := range m.Nets {
			if p.net == nil || len(errs) > 0 {
				break
			}
			if err := runNetPass(p, n, c); err != nil {
				var el lang.ErrorList
				if !errors.As(err, &el) {
					return c.sortedWarnings(), fmt.Errorf("pass %q on network %s: %w", p.name, n.Name, err)
				}
				errs = append(errs, el...)
			}
		}
		if len(errs) > 0 {
			return c.sortedWarnings(), errs.Err()
		}
		if p.sets {
			m.Phase = p.out
		}
		if opt.Check {
			for _, f := range m.Funcs {
				if err := ir.VerifyFunc(f, m.Phase); err != nil {
					panic(fmt.Sprintf("internal compiler error: IR invalid after pass %q on model %s: %v", p.name, f.Name, err))
				}
			}
			for _, n := range m.Nets {
				if err := ir.VerifyNet(m, n); err != nil {
					panic(fmt.Sprintf("internal compiler error: IR invalid after pass %q on network %s: %v", p.name, n.Name, err))
				}
			}
		}
	}
	return c.sortedWarnings(), nil
}

// runPass runs one pass on f, naming the pass and model in any panic so a
// crash report says where the compiler broke (STYLE S4).
func runPass(p pass, f *ir.Func, c *Context) error {
	defer func() {
		if r := recover(); r != nil {
			if s, ok := r.(string); ok && strings.HasPrefix(s, "internal compiler error") {
				panic(r)
			}
			panic(fmt.Sprintf("internal compiler error in pass %q on model %s: %v", p.name, f.Name, r))
		}
	}()
	return p.fn(f, c)
}

// runNetPass runs p's network step on n, naming the pass and network in
// any panic, as runPass does.
func runNetPass(p pass, n *ir.Net, c *Context) error {
	defer func() {
		if r := recover(); r != nil {
			panic(fmt.Sprintf("internal compiler error in pass %q on network %s: %v", p.name, n.Name, r))
		}
	}()
	return p.net(n, c)
}

func (c *Context) sortedWarnings() lang.ErrorList {
	if len(c.warnings) == 0 {
		return nil
	}
	w := append(lang.ErrorList(nil), c.warnings...)
	w.Sort()
	return w
}

func phaseNames(s phases) string {
	switch s {
	case realPhase:
		return "real"
	case fixedPhase:
		return "fixed"
	}
	return "real- or fixed"
}

// verifyNetPass checks a network of the pipeline's input, as verifyPass
// does a function.
func verifyNetPass(n *ir.Net, c *Context) error {
	if err := ir.VerifyNet(c.Module, n); err != nil {
		return fmt.Errorf("invalid input IR: %w", err)
	}
	return nil
}

// verifyPass checks the pipeline's input. An invalid input is a bug of
// whoever built it (irgen, a test), reported as an internal error.
func verifyPass(f *ir.Func, c *Context) error {
	if err := ir.VerifyFunc(f, c.Module.Phase); err != nil {
		return fmt.Errorf("invalid input IR: %w", err)
	}
	return nil
}
