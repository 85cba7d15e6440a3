package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"scc/backend/sv"
	"scc/ir"
	"scc/testbenches"
)

// `scc cosim` on a network of neuron populations: the network's RTL in the
// architecture --arch picks (sv.EmitNet), co-simulated step by step
// against the golden model under a randomised host (testbenches.CosimNet).

// netCosimFlags are the flags `scc cosim` has for networks only.
type netCosimFlags struct {
	arch, storage string
}

func (f *netCosimFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.arch, "arch", "", "network architecture: parallel, folded or folded:P (P update lanes); default: parallel when the network is small, else folded")
	fs.StringVar(&f.storage, "storage", "", "folded: synapse storage of every projection: auto, dense, csr or procedural")
}

// given reports whether a network-only flag was set.
func (f *netCosimFlags) given() bool { return f.arch != "" || f.storage != "" }

// netCosimParallelMax is the most synapses the default architecture
// choice gives the parallel architecture (DESIGN §4.2: good to a few
// thousand synapses).
const netCosimParallelMax = 4096

// netCosimOptions returns the EmitNet options the flags ask for; the line
// saying which architecture was picked when --arch was not given.
func (f *netCosimFlags) options(m *ir.Module, n *ir.Net) (sv.NetOptions, string, error) {
	opt := sv.NetOptions{Options: sv.Options{Top: n.Name, Version: version}}
	why := ""
	switch a, p, hasP := strings.Cut(f.arch, ":"); {
	case f.arch == "":
		syn := 0
		for _, p := range n.Projs {
			syn += p.Synapses()
		}
		if syn <= netCosimParallelMax && f.storage == "" {
			opt.Arch = sv.ArchParallel
			why = fmt.Sprintf("arch parallel: %d synapses (at most %d without --arch)", syn, netCosimParallelMax)
		} else {
			opt.Arch, opt.Lanes = sv.ArchFolded, 1
			why = fmt.Sprintf("arch folded:1: %d synapses (parallel takes at most %d without --arch)", syn, netCosimParallelMax)
			if f.storage != "" {
				why = "arch folded:1: --storage asks for the folded architecture"
			}
		}
	case a == "parallel" && !hasP:
		opt.Arch = sv.ArchParallel
	case a == "folded":
		opt.Arch, opt.Lanes = sv.ArchFolded, 1
		if hasP {
			lanes, err := strconv.Atoi(p)
			if err != nil || lanes < 1 {
				return opt, "", usagef("--arch %q: P must be a positive number of lanes (folded:4)", f.arch)
			}
			opt.Lanes = lanes
		}
	default:
		return opt, "", usagef("--arch %q: expected parallel, folded or folded:P", f.arch)
	}
	if f.storage != "" {
		if opt.Arch != sv.ArchFolded {
			return opt, "", usagef("--storage %s applies to the folded architecture, not --arch %s", f.storage, f.arch)
		}
		s, err := sv.ParseStorage(f.storage)
		if err != nil {
			return opt, "", usagef("--storage: %v", err)
		}
		opt.Default = s
	}
	return opt, why, nil
}

// cosimArchName prints opt's architecture as --arch spells it.
func cosimArchName(opt sv.NetOptions) string {
	if opt.Arch == sv.ArchFolded {
		return fmt.Sprintf("folded:%d", max(opt.Lanes, 1))
	}
	return opt.Arch.String()
}

// netCosimRun is one `scc cosim` of a network of neurons.
type netCosimRun struct {
	path    string
	sim     string
	steps   int
	seed    uint64
	keep    string // --keep DIR, or ""
	flags   *netCosimFlags
	stdout  io.Writer
	version string
	mutate  sv.Mutation // tests only: a planted bug the run must catch
}

// cosimNeurons emits network n of u in the architecture the flags pick,
// co-simulates it and prints the summary; a mismatch is a failure that
// names step, population, neuron, signal, want, got and the waveform.
func (r *netCosimRun) cosimNeurons(u *unit, n *ir.Net) error {
	opt, why, err := r.flags.options(u.mod, n)
	if err != nil {
		return err
	}
	if why != "" {
		fmt.Fprintln(r.stdout, why)
	}
	opt.Mutate = r.mutate
	var rtl bytes.Buffer
	if err := sv.EmitNet(&rtl, u.mod, n, opt); err != nil {
		return fmt.Errorf("%s: %v", r.path, err)
	}
	maxc := 1_000_000
	if est, err := sv.EstimateNet(u.mod, n, opt); err == nil && est.CyclesPerStep > 0 {
		// Heavy backpressure stretches a step's streams eightfold.
		maxc = int(min(int64(1<<31-1), 16*est.CyclesPerStep+100_000))
	}
	res, err := testbenches.CosimNet(context.Background(), u.mod, n, rtl.Bytes(), testbenches.NetCosimOptions{
		Sim: r.sim, Steps: r.steps, Seed: r.seed, MaxCycles: maxc, Dir: r.keep, Version: r.version,
	})
	if err != nil {
		return err
	}
	detail := cosimArchName(opt)
	if opt.Arch == sv.ArchFolded {
		detail += ", storage " + opt.Default.String()
	}
	fmt.Fprintf(r.stdout, "cosim network %s (%s, %s): %d steps (%d mid-run resets, %d of them mid-step), %d spikes and %d probe words compared, %d AER-in events\n",
		n.Name, detail, res.Sim, res.Steps, res.Resets, res.Cut, res.Spikes, res.ProbeWords, res.Events)
	fmt.Fprintf(r.stdout, "cycles/step %s (min/mean/max, %d steps without backpressure; all steps %s); %s %.0f steps/s\n",
		res.Cycles, res.Cycles.N, res.AllCycles, res.Sim, res.StepsPerSecond())
	if f := res.First; f != nil {
		where := f.Signal
		if f.Pop != "" {
			where += " of " + f.Pop
			if f.Neuron >= 0 {
				where += fmt.Sprintf(" neuron %d", f.Neuron)
			}
		}
		msg := fmt.Sprintf("%s: co-simulation mismatch in %s (%s) at step %d (run step %d): %s: want %s, got %s",
			r.path, n.Name, cosimArchName(opt), f.Step, f.Run, where, f.Want, f.Got)
		if f.VCD != "" {
			msg += "\nwaveform: " + f.VCD
		}
		return &failure{msg}
	}
	fmt.Fprintln(r.stdout, "0 mismatches")
	if r.keep == "" && res.Dir != "" {
		os.RemoveAll(res.Dir)
	}
	return nil
}
