package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"scc/backend/sv"
	"scc/formal"
	"scc/ir"
)

// `scc formal NET.snn [--arch parallel|folded[:P]] [--depth K]`: the
// network properties of formal/net.go on each architecture's core (or the
// one --arch names): done within the worst-case cycle count of
// sv.EstimateNet, done ends a taken step, step_q counts, the exact
// accumulators fit AccWidth; and the miter of the parallel core against
// the folded one (BOUNDED: the architectures share no register
// correspondence) for every input spike set of the first netMiterSteps
// steps (formal.BoundCases, one case per input plan), to a depth that
// plan_compared proves covers them. One report, exit statuses as for a
// model.

// netArch is one architecture a network's formal run builds.
type netArch struct {
	label string
	opt   sv.NetOptions
}

// parseFormalArch returns the architectures whose own properties are
// checked (--arch, or both) and the folded one of the miter.
func parseFormalArch(a string) (own []netArch, folded netArch, err error) {
	par := netArch{"parallel", sv.NetOptions{Arch: sv.ArchParallel}}
	folded = netArch{"folded", sv.NetOptions{Arch: sv.ArchFolded, Lanes: 1}}
	switch {
	case a == "":
		return []netArch{par, folded}, folded, nil
	case a == "parallel":
		return []netArch{par}, folded, nil
	case a == "folded":
		return []netArch{folded}, folded, nil
	case strings.HasPrefix(a, "folded:"):
		p, err := strconv.Atoi(strings.TrimPrefix(a, "folded:"))
		if err != nil || p < 1 {
			return nil, folded, usagef("--arch %q: want folded:P with P ≥ 1 update lanes", a)
		}
		folded = netArch{a, sv.NetOptions{Arch: sv.ArchFolded, Lanes: p}}
		return []netArch{folded}, folded, nil
	}
	return nil, folded, usagef("--arch %q: want parallel, folded or folded:P", a)
}

// netCore emits n's core in architecture a and sizes its step.
func netCore(m *ir.Module, n *ir.Net, a netArch) (formal.NetCore, error) {
	opt := a.opt
	opt.Options = sv.Options{Top: n.Name, Version: version}
	rtl, err := bufString(func(w io.Writer) error { return sv.EmitNet(w, m, n, opt) })
	if err != nil {
		return formal.NetCore{}, fmt.Errorf("%s: %v", a.label, err)
	}
	est, err := sv.EstimateNet(m, n, opt)
	if err != nil {
		return formal.NetCore{}, fmt.Errorf("%s: %v", a.label, err)
	}
	name := strings.ReplaceAll(a.label, ":", "_")
	return formal.NetCore{Label: a.label, Top: n.ModuleName(), Cycles: est.CyclesPerStep,
		Files: []formal.File{{Name: n.ModuleName() + "_" + name + ".sv", Text: string(rtl)}}}, nil
}

// runFormalNet proves network n's properties (the CLI's network branch of
// runFormal); depth 0 picks one that covers reset, the init sweep and
// three worst-case steps of the slowest core.
func runFormalNet(path string, m *ir.Module, n *ir.Net, arch string, depth int, opt formal.Options, v verdict, stdout io.Writer) error {
	own, folded, err := parseFormalArch(arch)
	if err != nil {
		return err
	}
	cores := map[string]formal.NetCore{}
	var cycles int64
	for _, a := range append(append([]netArch{}, own...), netArch{"parallel", sv.NetOptions{Arch: sv.ArchParallel}}, folded) {
		if _, ok := cores[a.label]; ok {
			continue
		}
		c, err := netCore(m, n, a)
		if err != nil {
			return err
		}
		cores[a.label] = c
		cycles = max(cycles, c.Cycles)
	}
	explicit := depth != 0
	if depth == 0 {
		depth = formal.NetDepth(n, cycles, netMiterSteps)
	}
	opt.Depth = depth
	ctx := context.Background()
	total := &formal.Report{Top: n.ModuleName(), Depth: depth}
	start := time.Now()
	add := func(label string, h *formal.Harness, files []formal.File) error {
		o := opt
		if o.Dir != "" {
			o.Dir = filepath.Join(o.Dir, strings.ReplaceAll(label, ":", "_"))
		}
		rep, err := formal.Prove(ctx, files, h, o)
		if err != nil {
			return err
		}
		for _, r := range rep.Results {
			r.Prop.Name = label + "." + r.Prop.Name
			total.Results = append(total.Results, r)
		}
		if rep.Dir != "" {
			total.Dir = rep.Dir
		}
		return nil
	}
	for _, a := range own {
		c := cores[a.label]
		h, err := formal.GenerateNet(m, n, c)
		if err != nil {
			return err
		}
		if err := add(a.label, h, c.Files); err != nil {
			return err
		}
	}
	if err := miterNet(ctx, m, n, cores["parallel"], cores[folded.label], depth, explicit, opt, total); err != nil {
		return err
	}
	total.Elapsed = time.Since(start)
	return printReport(stdout, total, "network "+n.Name+" of "+path, v)
}

// netMiterSteps is the number of steps the miter covers, every input of
// each (the 4-neuron network: 64 plans, 195 cycles, about 10 s).
const netMiterSteps = 3

// maxPlanBits bounds the plan bits (steps × AER-in neurons) of the
// miter's cases; a network with more AER-in neurons gets the miter with
// every input free each cycle, proven by formal.Prove's race instead.
const maxPlanBits = 12

// miterNet checks parallel ≡ folded (cores a and b of n) to depth and adds
// the results, named miter.*, to total. The default depth (explicit
// false) is netMiterSteps worst-case steps of b, and plan_compared
// proves it covers them.
func miterNet(ctx context.Context, m *ir.Module, n *ir.Net, a, b formal.NetCore, depth int, explicit bool, opt formal.Options, total *formal.Report) error {
	hw := n.HW(m)
	slots := 0
	for pi, p := range n.Pops {
		if hw.AERIn[pi] {
			slots += p.Size
		}
	}
	o := opt
	o.Depth = depth
	if o.Dir != "" {
		o.Dir = filepath.Join(o.Dir, "miter")
	}
	var rep *formal.Report
	if slots == 0 || slots*netMiterSteps > maxPlanBits {
		h, files, err := formal.MiterNet(m, n, a, b, formal.MiterEnv{Stall: true})
		if err != nil {
			return err
		}
		if rep, err = formal.Prove(ctx, files, h, o); err != nil {
			return err
		}
	} else {
		env := formal.MiterEnv{Spikes: true, Cases: netMiterSteps, Quiet: true}
		if !explicit || depth >= formal.NetDepth(n, b.Cycles, netMiterSteps) {
			env.Within = depth - 1
		}
		h, files, err := formal.MiterNet(m, n, a, b, env)
		if err != nil {
			return err
		}
		if rep, err = formal.BoundCases(ctx, files, h, o, 0); err != nil {
			return err
		}
	}
	for _, r := range rep.Results {
		r.Prop.Name = "miter." + r.Prop.Name
		total.Results = append(total.Results, r)
	}
	if rep.Dir != "" {
		total.Dir = rep.Dir
	}
	return nil
}
