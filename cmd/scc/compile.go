package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"scc/fixed"
	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/nir"
	"scc/parser"
	"scc/passes"
)

// compileOpts are the pipeline options shared by every subcommand.
type compileOpts struct {
	Dt        float64             // 0: the model's own
	Params    map[string]float64  // canonical units
	Format    *fixed.Profile      // nil: the model's own
	StopAfter string              // "": run every pass
	Tables    *[]passes.TableInfo // when not nil, receives quantize's tables
	// Top, when it names a population of a network, lowers that
	// population's model with the population's parameter overrides (and
	// Params over them): the population's neuron module.
	Top string
	// Dir and ReadFile serve a network's data files (irgen.Options); a
	// .nir input serves its side files from memory (nir.go).
	Dir      string
	ReadFile func(name string) ([]byte, error)
	// NIR are a .nir input's import choices (--method; --dt and --format
	// go to the import too) and Spikes its --spikes files (nir.go).
	NIR    nir.ImportOptions
	Spikes []string
	// Formats fixes state and input formats per Func (passes.Options).
	Formats map[string]map[string]fixed.Format
	// Ranges set state and input ranges by name in every model that has
	// the name, over declared ones (--range; canonical units).
	Ranges map[string]ir.Range
	// Infer infers every missing range (ranges.go) even under a fixed
	// profile that would compile without them. Stim and Steps are the
	// stimulus (a --input spec) and duration inference simulates; "" and
	// 0: the source's own, else sim.DefaultSweep and inferSteps.
	Infer bool
	Stim  string
	Steps int
	// FloatOnly stops after irgen (u.mod is the real-phase module): the
	// float64 commands never depend on the fixed-point pipeline.
	FloatOnly bool
}

// unit is the product of the pipeline for one source file.
type unit struct {
	name     string
	lines    map[string][]string // source lines by file name, for diagnostics
	file     *lang.File
	info     *lang.Info
	mod      *ir.Module // after the last pass run (fixed unless StopAfter)
	real     *ir.Module // real phase, before passes (for --float)
	warnings lang.ErrorList
	alias    map[string]string // population name → the model it lowered
	// stim and steps are the source's own stimulus (a --input spec) and
	// duration, used when the command line gives none: a Brian2 script's
	// `G.I = 0.5*nA` and `run(500*ms)`.
	stim  string
	steps int
	// inferred holds the ranges range inference gave, by model then
	// variable; setRanges the --range ranges (ranges.go).
	inferred  map[string]map[string]ir.Range
	setRanges map[string]ir.Range
}

// resolve maps a --top that names a population to the model it lowered.
func (u *unit) resolve(top string) string {
	if m, ok := u.alias[top]; ok {
		return m
	}
	return top
}

// population returns the population named name in one of f's networks.
func population(info *lang.Info, name string) *lang.PopInfo {
	for _, n := range info.Networks {
		for _, p := range n.Pops {
			if p != nil && p.Pop.Name == name {
				return p
			}
		}
	}
	return nil
}

func readSource(path string) ([]byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %v", path, pe.Err)
		}
		return nil, err
	}
	return src, nil
}

func newUnit(name string, src []byte) *unit {
	return &unit{name: name, lines: map[string][]string{name: strings.Split(string(src), "\n")}}
}

// compile runs parse, check, irgen and the pass pipeline on src.
func compile(name string, src []byte, opt compileOpts) (*unit, error) {
	u := newUnit(name, src)
	f, err := parser.ParseFile(name, src)
	if err != nil {
		return u, err
	}
	return u, u.lower(f, opt)
}

// compileFile reads and compiles path and prints its diagnostics (and
// warnings) to stderr: the front half of every command on a source file.
func compileFile(path string, opt compileOpts, stderr io.Writer) (*unit, error) {
	if isNIR(path) {
		return compileNIR(path, opt, stderr) // nir.go
	}
	if isBrianScript(path) {
		return compileBrianScript(path, opt, stderr) // brianfile.go
	}
	if opt.NIR.Method != "" || len(opt.Spikes) > 0 {
		return nil, usagef("--method and --spikes apply to .nir inputs; %s is not one", path)
	}
	src, err := readSource(path)
	if err != nil {
		return nil, err
	}
	u, err := compile(path, src, opt)
	if err := u.report(stderr, err); err != nil {
		return nil, err
	}
	return u, nil
}

// lower checks f and runs irgen and the passes.
func (u *unit) lower(f *lang.File, opt compileOpts) error {
	u.file = f
	f, err := u.withLibrary(f)
	if err != nil {
		return err
	}
	info, err := lang.Check(f)
	if info != nil {
		u.warnings = append(u.warnings, info.Warnings...)
	}
	if err != nil {
		return err
	}
	u.info = info
	lopt := irgen.Options{Dt: opt.Dt, Params: opt.Params, Dir: opt.Dir, ReadFile: opt.ReadFile}
	if pop := population(info, opt.Top); pop != nil && opt.Top != "" {
		// The population's overrides are parameter values like --param
		// (which wins): its neuron module is the model with them.
		lopt.Models = []string{pop.Model}
		lopt.Params = map[string]float64{}
		for _, o := range pop.Overrides {
			lopt.Params[o.Name] = o.Value
		}
		for k, v := range opt.Params {
			lopt.Params[k] = v
		}
		u.alias = map[string]string{opt.Top: pop.Model}
	}
	m, err := irgen.Lower(f, info, lopt)
	if err != nil {
		return err
	}
	if err := applyRanges(m, opt.Ranges); err != nil { // ranges.go
		return err
	}
	u.setRanges = opt.Ranges
	// An independent copy for the float model: the Funcs through the text
	// form (a round trip), the networks cloned (their data is shared and
	// read-only; printing a million synapses would cost more than the
	// rest of the compile).
	nets := m.Nets
	m.Nets = nil
	real, err := ir.Parse(m.String())
	m.Nets = nets
	if err != nil {
		panic(fmt.Sprintf("irgen output does not round-trip: %v", err))
	}
	for _, n := range nets {
		real.Nets = append(real.Nets, n.Clone())
	}
	u.real = real
	if p := opt.Format; p != nil {
		// The profile the passes would give (random stimuli draw words of
		// it, also in float64).
		for _, fn := range real.Funcs {
			fn.Format, fn.AutoWidth = p.Format, p.Auto
		}
	}
	if opt.StopAfter == "irgen" || opt.FloatOnly {
		u.mod = m
		return nil
	}
	popt := passes.Options{StopAfter: opt.StopAfter, Check: true, Profile: opt.Format, Tables: opt.Tables, Formats: opt.Formats}
	// Range inference (ranges.go) is all or nothing: when it fails (no
	// stimulus to infer from, a state that diverges), or when the pipeline
	// fails with the inferred ranges too, the unit is as without it.
	inferred := u.wantsInference(m, opt)
	if inferred {
		if ierr := u.inferRanges(m, opt); ierr != nil {
			inferred = false // inferRanges changed nothing
		}
	}
	// Without inference first, a copy to retry from (the passes rewrite
	// m) and the tables kept only if the first run stands.
	var retry *ir.Module
	var tables []passes.TableInfo
	if !inferred && canInfer(m) {
		if retry, err = ir.Parse(m.String()); err != nil {
			panic(fmt.Sprintf("irgen output does not round-trip: %v", err))
		}
		if opt.Tables != nil {
			popt.Tables = &tables
		}
	}
	warns, err := passes.Run(m, popt)
	switch {
	case err != nil && retry != nil:
		// The pipeline fails without the missing ranges: infer them and
		// run it again; that run stands if it succeeds.
		undo := u.snapshot()
		if ierr := u.inferRanges(retry, opt); ierr == nil {
			var rt []passes.TableInfo
			if opt.Tables != nil {
				popt.Tables = &rt
			}
			if w2, err2 := passes.Run(retry, popt); err2 == nil {
				m, warns, err = retry, w2, nil
				if opt.Tables != nil {
					*opt.Tables = append(*opt.Tables, rt...)
				}
				break
			}
		}
		undo()
	case popt.Tables == &tables:
		*opt.Tables = append(*opt.Tables, tables...)
	}
	u.warnings = append(u.warnings, warns...)
	if err != nil {
		return err
	}
	u.mod = m
	return nil
}

// pick returns the function named top, or the only one.
func pick(m *ir.Module, top string) (*ir.Func, error) {
	if top != "" {
		if f := m.Func(top); f != nil {
			return f, nil
		}
		return nil, &failure{fmt.Sprintf("scc: %s defines no model %q (models: %s)", m.File, top, funcNames(m))}
	}
	switch len(m.Funcs) {
	case 0:
		return nil, &failure{fmt.Sprintf("scc: %s defines no model", m.File)}
	case 1:
		return m.Funcs[0], nil
	}
	return nil, &failure{fmt.Sprintf("scc: %s defines %d models (%s); choose one with --top", m.File, len(m.Funcs), funcNames(m))}
}

func funcNames(m *ir.Module) string {
	var n []string
	for _, f := range m.Funcs {
		n = append(n, f.Name)
	}
	return strings.Join(n, ", ")
}

// report prints diagnostics S3-style with the source line and a caret, and
// returns a failure (exit 1) when err is not nil.
func (u *unit) report(w io.Writer, err error) error {
	for _, d := range u.warnings {
		u.printDiag(w, d, "warning: ")
	}
	if err == nil {
		return nil
	}
	var list lang.ErrorList
	var one *lang.Error
	switch {
	case errors.As(err, &list):
		list.Sort()
		for _, d := range list {
			u.printDiag(w, d, "")
		}
	case errors.As(err, &one):
		u.printDiag(w, one, "")
	default:
		fmt.Fprintf(w, "%s: %v\n", u.name, err)
	}
	return &failure{}
}

func (u *unit) printDiag(w io.Writer, d *lang.Error, prefix string) {
	pos := d.Pos
	if pos.File == "" && pos.IsValid() {
		pos.File = u.name
	}
	fmt.Fprintf(w, "%s: %s%s\n", pos, prefix, d.Msg)
	lines := u.lines[pos.File]
	if pos.Line >= 1 && pos.Line <= len(lines) {
		line := strings.TrimRight(lines[pos.Line-1], "\r")
		fmt.Fprintf(w, "\t%s\n\t", strings.ReplaceAll(line, "\t", " "))
		col := min(max(pos.Col-1, 0), len(line))
		fmt.Fprintf(w, "%s^\n", strings.Repeat(" ", col))
	}
}

// parseQuantity reads a number with an optional unit (`20ms`, `20 ms`,
// `-65*mV`, `0.1`) and returns it in canonical units.
func parseQuantity(s string) (float64, error) {
	num, u := splitQuantity(s)
	x, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%q is not a number with an optional unit (e.g. 20ms, -65 mV)", s)
	}
	if u == "" {
		return x, nil
	}
	unit, ok := lang.LookupUnit(u)
	if !ok {
		return 0, fmt.Errorf("%q: unknown unit %q", s, u)
	}
	return x * unit.Factor, nil
}

// splitQuantity splits "20ms", "-65 mV" or "2 * ms" into its number and
// its unit ("" when none).
func splitQuantity(s string) (num, unit string) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && strings.IndexByte("+-.0123456789eE", t[i]) >= 0 {
		if (t[i] == 'e' || t[i] == 'E') && (i+1 >= len(t) || strings.IndexByte("+-0123456789", t[i+1]) < 0) {
			break
		}
		i++
	}
	return t[:i], strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t[i:]), "*"))
}

// parseParams reads NAME=VALUE overrides.
func parseParams(kvs []string) (map[string]float64, error) {
	if len(kvs) == 0 {
		return nil, nil
	}
	m := map[string]float64{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usagef("--param %q: expected NAME=VALUE", kv)
		}
		x, err := parseQuantity(v)
		if err != nil {
			return nil, usagef("--param %s", err)
		}
		m[strings.TrimSpace(k)] = x
	}
	return m, nil
}

func bufString(f func(w io.Writer) error) ([]byte, error) {
	var b bytes.Buffer
	err := f(&b)
	return b.Bytes(), err
}
