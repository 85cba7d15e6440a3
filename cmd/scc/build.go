package main

import (
	"flag"
	"fmt"
	"io"

	"scc/backend/mlir"
	"scc/backend/sv"
	"scc/fixed"
	"scc/ir"
	"scc/lang"
	"scc/passes"
)

// pipelineFlags are the flags every compiling subcommand accepts.
type pipelineFlags struct {
	format string
	dt     string
	params multiFlag
	top    string
	method string
	spikes multiFlag
	ranges multiFlag // --range NAME=LO:HI (ranges.go)
}

func (p *pipelineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.format, "format", "", "fixed-point profile overriding the model's (q8.8, q16.16, ...)")
	fs.StringVar(&p.dt, "dt", "", "step length overriding the model's (e.g. 0.1ms)")
	fs.Var(&p.params, "param", "parameter override NAME=VALUE (repeatable)")
	fs.StringVar(&p.method, "method", "", "a .nir input: integration method of the import (euler)")
	fs.Var(&p.spikes, "spikes", "a .nir input: spike file of an Input source, SOURCE=FILE.csv or FILE.csv (repeatable; default: no input spikes)")
	fs.Var(&p.ranges, "range", "range of a state or input NAME=LO:HI, e.g. v=-90mV:40mV, over a declared one (repeatable; undeclared ranges are otherwise inferred by simulating the float64 model when needed)")
	fs.StringVar(&p.top, "top", "", "model, network or population to build (a population: its model with its parameter overrides; default: the only one)")
}

func (p *pipelineFlags) opts() (compileOpts, error) {
	var o compileOpts
	if p.format != "" {
		f, err := fixed.ParseProfile(p.format)
		if err != nil {
			return o, usagef("--format: %v", err)
		}
		o.Format = &f
	}
	if p.dt != "" {
		dt, err := parseQuantity(p.dt)
		if err != nil || dt <= 0 {
			return o, usagef("--dt %q: expected a positive time such as 0.1ms", p.dt)
		}
		o.Dt = dt
		// A .nir input's step, exact in seconds (a unit parseSeconds does
		// not know is converted from ms).
		o.NIR.Dt = dt / 1000
		if s, err := parseSeconds(p.dt); err == nil {
			o.NIR.Dt = s
		}
	}
	params, err := parseParams(p.params)
	if err != nil {
		return o, err
	}
	o.Params = params
	if o.Ranges, err = parseRanges(p.ranges); err != nil {
		return o, err
	}
	o.Top = p.top
	if o.NIR.Method, err = nirMethod(p.method); err != nil {
		return o, err
	}
	o.Spikes = p.spikes
	return o, nil
}

// oneFile parses flags and returns the single positional FILE.snn.
func oneFile(fs *flag.FlagSet, args []string, stderr io.Writer) (string, error) {
	pos, err := parseFlags(fs, args, stderr)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", usagef("expected one FILE.snn, found %d arguments", len(pos))
	}
	return pos[0], nil
}

func runBuild(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	var pf pipelineFlags
	pf.register(fs)
	out := fs.String("o", "", "output file (default: standard output)")
	emit := fs.String("emit", "", "output kind: sv, mlir, mlir-generic, ir, snn, c, llvm (default: from -o's extension, else sv)")
	rep := fs.Bool("report", false, "also print the quantization report (scc report) to standard error; for a network: synthesize it for --target (yosys) and print its size, cycles per step and real-time factor")
	var nf netFlags
	nf.register(fs)
	var bf budgetFlags // budget.go: the format search
	bf.register(fs)
	path, err := oneFile(fs, args, stderr)
	if err != nil {
		return err
	}
	nf.given(fs)
	if _, err := nf.parse(); err != nil {
		return err
	}
	opt, err := pf.opts()
	if err != nil {
		return err
	}
	kind, err := emitKind(*emit, *out)
	if err != nil {
		return err
	}
	var tables []passes.TableInfo
	if *rep { // the table report samples every table's error: only on request
		opt.Tables = &tables
	}
	u, err := bf.compileFile(path, opt, pf.top, stderr, *rep)
	if err != nil {
		return err
	}
	n := pickNetwork(u.mod, u.resolve(pf.top))
	netFlag := nf.any()
	if n != nil && (netFlag != "" || hasNeurons(n) && (kind == "sv" || kind == "mlir" || kind == "mlir-generic")) {
		return buildNet(u, n, &nf, kind, *out, *rep, stdout, stderr) // netbuild.go
	}
	if netFlag != "" {
		return usagef("--%s applies to networks of populations; %s builds a model (name a network with --top)", netFlag, path)
	}
	if err := emitUnit(u, kind, *out, u.resolve(pf.top), stdout); err != nil || !*rep {
		return err
	}
	return writeReport(stderr, u, u.resolve(pf.top), tables, reportFlags{steps: 10000, seeds: 4})
}

// emitKind picks the output kind from --emit or the output's extension.
func emitKind(emit, out string) (string, error) {
	if emit != "" {
		switch emit {
		case "sv", "mlir", "mlir-generic", "ir", "snn", "c", "llvm":
			return emit, nil
		}
		return "", usagef("--emit %q: expected sv, mlir, mlir-generic, ir, snn, c or llvm", emit)
	}
	switch {
	case hasExt(out, ".mlir"):
		return "mlir", nil
	case hasExt(out, ".ir"):
		return "ir", nil
	case hasExt(out, ".snn"):
		return "snn", nil
	case hasExt(out, ".c"):
		return "c", nil
	case hasExt(out, ".ll"):
		return "llvm", nil
	}
	return "sv", nil
}

func hasExt(path, ext string) bool { return len(path) > len(ext) && path[len(path)-len(ext):] == ext }

func emitUnit(u *unit, emit, out, top string, stdout io.Writer) error {
	kind, err := emitKind(emit, out)
	if err != nil {
		return err
	}
	if kind == "c" || kind == "llvm" {
		return emitNative(u, kind, out, top, stdout) // emitc.go
	}
	n := pickNetwork(u.mod, top)
	if n != nil && hasNeurons(n) && kind != "ir" && kind != "snn" {
		// Say so rather than emit something else (one model's module).
		first := n.Pops[0].Name
		for _, p := range n.Pops {
			if p.Kind == ir.PopNeuron {
				first = p.Name
				break
			}
		}
		return &failure{fmt.Sprintf("%s: network %s: the RTL of networks of populations is not generated yet; "+
			"scc builds one population's neuron module (--top %s), simulates the network (scc sim) and exports it (scc net export)", u.name, n.Name, first)}
	}
	if n != nil && kind != "sv" && kind != "ir" && kind != "snn" {
		return fmt.Errorf("%s: network %s has no %s output (networks build to sv)", u.name, n.Name, kind)
	} else if top != "" && n == nil {
		if _, err := pick(u.mod, top); err != nil {
			return err
		}
	}
	var data []byte
	switch kind {
	case "sv":
		data, err = bufString(func(w io.Writer) error { return sv.Emit(w, u.mod, sv.Options{Top: top, Version: version}) })
	case "mlir", "mlir-generic":
		data, err = bufString(func(w io.Writer) error {
			return mlir.Emit(w, u.mod, mlir.Options{Top: top, Generic: kind == "mlir-generic", Version: version})
		})
	case "ir":
		data = []byte(fmt.Sprintf("// Code generated by scc %s from %s. DO NOT EDIT.\n%s", version, u.name, u.mod.String()))
	case "snn":
		data = lang.Format(u.file)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", u.name, err)
	}
	return writeOutput(out, data, stdout)
}

// runIR prints the IR after a pass (`scc ir --after quantize`).
func runIR(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ir", flag.ContinueOnError)
	var pf pipelineFlags
	pf.register(fs)
	after := fs.String("after", "", "print the IR after this pass ("+passList()+"); default: after the last")
	path, err := oneFile(fs, args, stderr)
	if err != nil {
		return err
	}
	opt, err := pf.opts()
	if err != nil {
		return err
	}
	if *after != "" && !validPass(*after) {
		return usagef("--after %q: unknown pass (passes: %s)", *after, passList())
	}
	opt.StopAfter = *after
	u, err := compileFile(path, opt, stderr)
	if err != nil {
		return err
	}
	m := u.mod
	if *after == "irgen" {
		m = u.real
	}
	_, err = io.WriteString(stdout, m.String())
	return err
}
