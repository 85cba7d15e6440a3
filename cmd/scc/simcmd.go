package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"scc/ir"
	"scc/sim"
	"scc/testbenches"
)

func runSim(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	var pf pipelineFlags
	pf.register(fs)
	steps := fs.Int("steps", 1000, "number of steps (when not given: the source's own duration, e.g. a Brian2 script's run(), if it has one)")
	input := fs.String("input", "random:1", "stimulus (real units): const:VALUE, const:NAME=VALUE,..., random:SEED, file:PATH (CSV), noise:SEED, or SPEC+noise:SEED; noise inputs (Brian2's xi) draw seeded N(0,1) samples, clamped to ±6, the same in float64 and bit-true (sim.Noise); when not given: the source's own stimulus (a Brian2 script's constant inputs), if it has one")
	float := fs.Bool("float", false, "run the float64 model instead of the bit-true one")
	vcd := fs.String("vcd", "", "write a VCD trace to this file")
	csvOut := fs.String("csv", "", "write a CSV trace to this file (- for standard output); for a network, a directory: spikes.csv (step,pop,index) and one CSV per record")
	plot := fs.String("plot", "", "network: draw spike raster, recorded traces and rates to this .svg or .png")
	engine := fs.String("engine", "auto", "network: auto (the runtime when every population has a generated kernel), interp or runtime")
	workers := fs.Int("workers", 0, "network, runtime engine: worker goroutines (0: from the network's size)")
	path, err := oneFile(fs, args, stderr)
	if err != nil {
		return err
	}
	if *steps < 0 {
		return usagef("--steps must be ≥ 0")
	}
	switch *engine {
	case "auto", sim.EngineInterp, sim.EngineRuntime:
	default:
		return usagef("--engine %q: expected auto, interp or runtime", *engine)
	}
	if *workers < 0 {
		return usagef("--workers must be ≥ 0")
	}
	if *workers != 0 && (*engine == sim.EngineInterp || *float) {
		return usagef("--workers applies to the runtime engine")
	}
	if *float && *engine == sim.EngineRuntime {
		return usagef("--engine runtime runs the bit-true model; --float runs the interpreter")
	}
	opt, err := pf.opts()
	if err != nil {
		return err
	}
	given := flagsGiven(fs)
	if given["input"] {
		opt.Stim = *input // what range inference simulates (ranges.go)
	}
	if given["steps"] {
		opt.Steps = *steps
	}
	opt.FloatOnly = *float
	u, err := compileFile(path, opt, stderr)
	if err != nil {
		return err
	}
	// The source's own stimulus and duration (a Brian2 script's constant
	// inputs and run()) stand in for flags not given.
	if !given["input"] && u.stim != "" {
		*input = u.stim
	}
	if !given["steps"] && u.steps > 0 {
		*steps = u.steps
	}
	if n := pickNetwork(u.mod, pf.top); n != nil && len(n.Pops) > 0 {
		return simNetwork(u, n, netRunOpts{steps: *steps, float: *float, csvDir: *csvOut, vcd: *vcd, plot: *plot,
			engine: *engine, workers: *workers, stdout: stdout, stderr: stderr, path: path})
	}
	if *engine == sim.EngineRuntime || *workers != 0 {
		return usagef("--engine runtime and --workers run networks; %s has none (name one with --top)", path)
	}
	if *plot != "" {
		return usagef("--plot draws networks; %s has none (name one with --top)", path)
	}
	f, err := pick(u.mod, u.resolve(pf.top))
	if err != nil {
		return err
	}
	var tr *sim.Trace
	mode := "bit-true " + f.Format.String()
	if *float {
		// The real IR with its parameters and inputs unquantized.
		rf := u.real.Func(f.Name)
		stim, serr := sim.ParseStimulus(rf, *input)
		if serr != nil {
			return usagef("%v", serr)
		}
		tr, err = sim.RunStimulus(rf, stim, *steps)
		mode = "float64"
	} else {
		stim, serr := sim.ParseSpec(f, *input)
		if serr != nil {
			return usagef("%v", serr)
		}
		tr, err = sim.RunFixed(f, stim, *steps)
	}
	var ae *sim.AssertError
	if err != nil && !errors.As(err, &ae) {
		return err
	}
	if *csvOut != "" {
		var b bytes.Buffer
		if err := tr.WriteCSV(&b); err != nil {
			return err
		}
		if err := writeOutput(*csvOut, b.Bytes(), stdout); err != nil {
			return err
		}
	}
	if *vcd != "" {
		var b bytes.Buffer
		if err := tr.WriteVCD(&b); err != nil {
			return err
		}
		if err := writeOutput(*vcd, b.Bytes(), stdout); err != nil {
			return err
		}
	}
	w := stdout
	if *csvOut == "-" {
		w = stderr
	}
	var final []string
	if n := len(tr.Real); n > 0 {
		for i, s := range f.States {
			final = append(final, fmt.Sprintf("%s=%s", s.Name, ir.FormatFloat(tr.Real[n-1][i])))
		}
	}
	fmt.Fprintf(w, "sim %s: %d steps, %d spikes (%s); final %s\n", f.Name, *steps, tr.SpikeCount(), mode, strings.Join(final, " "))
	if ae != nil {
		return &failure{fmt.Sprintf("%s: %v", path, ae)}
	}
	return nil
}

// flagsGiven returns the names of the flags set on the command line.
func flagsGiven(fs *flag.FlagSet) map[string]bool {
	m := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { m[f.Name] = true })
	return m
}

func runCosim(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cosim", flag.ContinueOnError)
	var pf pipelineFlags
	pf.register(fs)
	simName := fs.String("sim", "iverilog", "RTL simulator: iverilog or verilator")
	steps := fs.Int("steps", 1000, "number of steps")
	seed := fs.Uint64("seed", 1, "seed of the random input stream")
	keep := fs.String("keep", "", "keep the RTL, testbench, stimulus and VCD in this directory")
	var nf netCosimFlags // netcosim.go
	nf.register(fs)
	path, err := oneFile(fs, args, stderr)
	if err != nil {
		return err
	}
	if *simName != "iverilog" && *simName != "verilator" {
		return usagef("--sim %q: expected iverilog or verilator", *simName)
	}
	if *steps < 1 {
		return usagef("--steps must be ≥ 1")
	}
	opt, err := pf.opts()
	if err != nil {
		return err
	}
	u, err := compileFile(path, opt, stderr)
	if err != nil {
		return err
	}
	n := pickNetwork(u.mod, pf.top)
	if n != nil && hasNeurons(n) { // netcosim.go
		r := &netCosimRun{path: path, sim: *simName, steps: *steps, seed: *seed, keep: *keep, flags: &nf, stdout: stdout, version: version}
		return r.cosimNeurons(u, n)
	}
	if nf.given() {
		return usagef("--arch and --storage apply to networks of neuron populations; %s has none", path)
	}
	var f *ir.Func
	if n == nil {
		if f, err = pick(u.mod, u.resolve(pf.top)); err != nil {
			return err
		}
	}
	dir := *keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "scc-cosim-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if n != nil { // network.go
		return cosimNetwork(path, u.mod, n, testbenches.CosimOptions{
			Sim: *simName, Steps: *steps, Seed: *seed, Dir: dir, Version: version,
		}, *keep != "", stdout)
	}
	res, err := testbenches.Cosim(context.Background(), u.mod, f, testbenches.CosimOptions{
		Sim: *simName, Steps: *steps, Seed: *seed, Dir: dir, Version: version,
	})
	if err != nil {
		if *keep == "" {
			os.RemoveAll(dir)
		}
		return err
	}
	fmt.Fprintln(stdout, res.Summary())
	if res.Mismatches > 0 || res.First != nil {
		m := res.First
		msg := fmt.Sprintf("%s: co-simulation mismatch in %s at step %d: signal %s want %d got %d\nwaveform: %s",
			path, f.Name, m.Step, m.Signal, m.Want, m.Got, res.VCD)
		return &failure{msg}
	}
	if *keep == "" {
		os.RemoveAll(dir)
	}
	return nil
}
