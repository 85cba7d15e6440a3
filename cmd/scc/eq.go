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
	var u *unit
	var file *lang.File
	var bs *parser.BrianScript // --file: the script
	if *script != "" {
		if u, file, bs, err = eqScript(*script, stderr); err != nil {
			return err
		}
	} else {
		opt := parser.BrianOptions{
			Name: *name, Equations: eqs, Params: params, Init: inits, Threshold: *threshold,
			Reset: *reset, Refractory: *refractory, Dt: *dt, Method: *method,
		}
		u = &unit{name: "eq", lines: map[string][]string{
			"eq":           strings.Split(strings.Join(eqs, "\n"), "\n"),
			"--threshold":  strings.Split(*threshold, "\n"),
			"--reset":      strings.Split(*reset, "\n"),
			"--refractory": strings.Split(*refractory, "\n"),
			"--dt":         {*dt},
			"--method":     {*method},
			"--param":      params,
			"--init":       inits,
		}}
		model, err := parser.ParseBrian(opt)
		if err != nil {
			return u.report(stderr, err)
		}
		file = &lang.File{Name: "eq", Decls: []lang.Decl{model}}
	}
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
	if bs != nil {
		if err := u.report(stderr, brianStimulus(u, file, bs, copt)); err != nil {
			return err
		}
	}
	again := func(o compileOpts, w io.Writer) (*unit, error) {
		v := &unit{name: u.name, lines: u.lines, stim: u.stim, steps: u.steps}
		return v, v.report(w, v.lower(file, o))
	}
	if u, err = bf.lower(u, u.lower(file, copt), copt, again, stderr, *rep); err != nil {
		return err
	}
	if err := emitUnit(u, kind, *out, "", stdout); err != nil || !*rep {
		return err
	}
	steps := 10000
	if u.steps > 0 {
		steps = u.steps
	}
	return writeReport(stderr, u, "", tables, reportFlags{steps: steps, seeds: 4})
}

// eqScript reads and converts the Brian2 script of `scc eq --file`.
func eqScript(path string, stderr io.Writer) (*unit, *lang.File, *parser.BrianScript, error) {
	if !isBrianScript(path) {
		return nil, nil, nil, usagef("--file %s: expected a Brian2 script (*.py or *.py.txt)", path)
	}
	src, err := readSource(path)
	if err != nil {
		return nil, nil, nil, err
	}
	u := newUnit(path, src)
	s, err := parser.ParseBrianScript(path, src)
	if err != nil {
		return nil, nil, nil, u.report(stderr, err)
	}
	return u, brianFile(path, s), s, nil
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
