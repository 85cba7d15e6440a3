package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"scc/backend/sv"
	"scc/ir"
	"scc/testbenches"
)

// `scc cosim` on a network of neuron populations: the network's RTL in the
// architecture --arch picks (sv.EmitNet), co-simulated step by step
// against the golden model under a randomised host (testbenches.CosimNet).

// netCosimFlags are the flags `scc cosim` has for networks only: build's
// architecture flags (--arch, --storage, --lanes; netbuild.go), parsed and
// chosen by the same functions, against the default device.
type netCosimFlags struct {
	netFlags
	fs *flag.FlagSet // the flag set register added them to; nil in tests
}

func (f *netCosimFlags) register(fs *flag.FlagSet) {
	f.fs = fs
	f.registerArch(fs)
}

// given reports whether a network-only flag was set.
func (f *netCosimFlags) given() bool {
	f.netFlags.given(f.fs)
	return f.any() != ""
}

// options returns the EmitNet options the flags ask for and, when --arch
// was not given, the line saying which architecture was picked and why
// (the one `scc build` prints).
func (f *netCosimFlags) options(u *unit, n *ir.Net) (sv.NetOptions, string, error) {
	f.netFlags.given(f.fs)
	c, err := f.parse()
	if err != nil {
		return sv.NetOptions{}, "", err
	}
	opt, _, line, err := f.resolveArch(u, n, c, false)
	return opt, line, err
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
	opt, why, err := r.flags.options(u, n)
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
	detail := archName(opt)
	if opt.Arch == sv.ArchFolded {
		detail += ", storage " + opt.Default.String()
		for _, p := range n.Projs {
			if s, ok := opt.Storage[p.Name]; ok {
				detail += fmt.Sprintf(", %s=%s", p.Name, s)
			}
		}
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
			r.path, n.Name, archName(opt), f.Step, f.Run, where, f.Want, f.Got)
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
