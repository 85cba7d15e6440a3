package main

import (
	"flag"
	"io"
	"strings"

	"scc/fixed"
	"scc/lang"
	"scc/parser"
	"scc/passes"
)

func runEq(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eq", flag.ContinueOnError)
	var params, inits multiFlag
	fs.Var(&params, "param", "parameter NAME=VALUE, Brian2 style (20ms, -65*mV); repeatable")
	fs.Var(&inits, "init", "initial value of a state NAME=VALUE; repeatable")
	var ranges multiFlag
	fs.Var(&ranges, "range", "range of a state or input NAME=LO:HI, e.g. v=-90mV:40mV (repeatable; undeclared ranges are otherwise inferred by simulating the float64 model when needed)")
	threshold := fs.String("threshold", "", "spike condition, e.g. 'v > -50*mV'")
	reset := fs.String("reset", "", "reset statements, e.g. 'v = -65*mV; w += b'")
	refractory := fs.String("refractory", "", "refractory period (2ms, 5*ms) or condition ('v > -20*mV'), Brian2's timing")
	dt := fs.String("dt", "", "time step, e.g. 0.1ms")
	method := fs.String("method", "", "Brian2 integration method: euler, euler_maruyama, exact, linear, exponential_euler, rk2, midpoint, rk4, heun or milstein")
	script := fs.String("file", "", "a Brian2 script (*.py, *.py.txt) instead of equation strings and flags")
	name := fs.String("name", "Eq", "model name")
	format := fs.String("format", "", "fixed-point profile (default q8.8)")
	rep := fs.Bool("report", false, "also print the quantization report (scc report) to standard error")
	var bf budgetFlags // budget.go: the format search
	bf.register(fs)
	emit := fs.String("emit", "", "output kind: sv, snn, mlir, mlir-generic, ir (default: from -o's extension, else sv)")
	out := fs.String("o", "", "output file (default: standard output)")
	eqs, err := parseFlags(fs, args, stderr)
	if err != nil {
		return err
	}
	if *script != "" {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for _, n := range []string{"param", "init", "threshold", "reset", "refractory", "dt", "method", "name"} {
			if set[n] {
				return usagef("--%s does not apply with --file: the script gives it", n)
			}
		}
		if len(eqs) > 0 {
			return usagef("--file takes no equation strings (found %q)", eqs[0])
		}
	} else if len(eqs) == 0 {
		return usagef("expected at least one equation string (or --file SCRIPT.py)")
	}
	var prof *fixed.Profile
	if *format != "" {
		f, err := fixed.ParseProfile(*format)
		if err != nil {
			return usagef("--format: %v", err)
		}
		prof = &f
	}
	if *script != "" {
		return eqScript(*script, prof, *emit, *out, *rep, stdout, stderr)
	}
	opt := parser.BrianOptions{
		Name: *name, Equations: eqs, Params: params, Init: inits, Threshold: *threshold,
		Reset: *reset, Refractory: *refractory, Dt: *dt, Method: *method,
	}
	u := &unit{name: "eq", lines: map[string][]string{
		"eq":           strings.Split(strings.Join(eqs, "\n"), "\n"),
		"--threshold":  {*threshold},
		"--reset":      {*reset},
		"--refractory": {*refractory},
		"--dt":         {*dt},
	}}
	model, err := parser.ParseBrian(opt)
	if err != nil {
		return u.report(stderr, err)
	}
	file := &lang.File{Name: "eq", Decls: []lang.Decl{model}}
	kind, err := emitKind(*emit, *out)
	if err != nil {
		return err
	}
	if kind == "snn" {
		return writeOutput(*out, lang.Format(file), stdout)
	}
	var tables []passes.TableInfo
	copt := compileOpts{Format: prof, Tables: &tables}
	if copt.Ranges, err = parseRanges(ranges); err != nil { // ranges.go
		return err
	}
	again := func(o compileOpts, w io.Writer) (*unit, error) {
		v := &unit{name: u.name, lines: u.lines}
		return v, v.report(w, v.lower(file, o))
	}
	if u, err = bf.lower(u, u.lower(file, copt), copt, again, stderr, *rep); err != nil {
		return err
	}
	if err := emitUnit(u, kind, *out, "", stdout); err != nil || !*rep {
		return err
	}
	return writeReport(stderr, u, "", tables, reportFlags{steps: 10000, seeds: 4})
}

// eqScript is `scc eq --file SCRIPT`: the script converted, then emitted
// like the equation strings (its stimulus and run() feed --report).
func eqScript(path string, prof *fixed.Profile, emit, out string, rep bool, stdout, stderr io.Writer) error {
	if !isBrianScript(path) {
		return usagef("--file %s: expected a Brian2 script (*.py or *.py.txt)", path)
	}
	src, err := readSource(path)
	if err != nil {
		return err
	}
	u := newUnit(path, src)
	s, err := parser.ParseBrianScript(path, src)
	if err != nil {
		return u.report(stderr, err)
	}
	file := brianFile(path, s)
	kind, err := emitKind(emit, out)
	if err != nil {
		return err
	}
	if kind == "snn" {
		return writeOutput(out, lang.Format(file), stdout)
	}
	var tables []passes.TableInfo
	opt := compileOpts{Format: prof, Tables: &tables}
	if err := u.report(stderr, u.lower(file, opt)); err != nil {
		return err
	}
	if err := u.report(stderr, brianStimulus(u, s, opt)); err != nil {
		return err
	}
	if err := emitUnit(u, kind, out, "", stdout); err != nil || !rep {
		return err
	}
	steps := u.steps
	if steps <= 0 {
		steps = 10000
	}
	return writeReport(stderr, u, "", tables, reportFlags{steps: steps, seeds: 4})
}

func runFmt(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fmt", flag.ContinueOnError)
	write := fs.Bool("w", false, "write the result back to the file")
	path, err := oneFile(fs, args, stderr)
	if err != nil {
		return err
	}
	src, err := readSource(path)
	if err != nil {
		return err
	}
	u := newUnit(path, src)
	f, err := parser.ParseFile(path, src)
	if err != nil {
		return u.report(stderr, err)
	}
	out := lang.Format(f)
	if *write {
		return writeOutput(path, out, stdout)
	}
	_, err = stdout.Write(out)
	return err
}
