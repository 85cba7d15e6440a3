package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"scc/ir"
	"scc/sim"
)

// writeNetReport prints, for network n, the bit-true model against the
// float64 model over rf.steps steps: per population spikes, rates, ISI CVs
// and the spike-time agreement (the smaller of the fractions of either
// run's spikes matched by a spike of the same neuron within ±1 step),
// then the saturated ports. A budget applies to the lowest agreement.
// A recurrent network amplifies the smallest difference (quantization
// moves one spike by a step, and the rest of the run diverges), so
// agreement measures how long the runs stay together; rates and CVs
// measure whether the dynamics agree.
func writeNetReport(w io.Writer, u *unit, n *ir.Net, rf reportFlags) error {
	type run struct {
		s     *sim.Net
		times [][][]int // per population, per neuron: spike steps
	}
	runs := make([]run, 2)
	for k, m := range []*ir.Module{u.real, u.mod} {
		net := m.Net(n.Name)
		s, err := sim.NewNet(m, net, sim.NetOptions{Steps: rf.steps})
		if err != nil {
			return err
		}
		times := make([][][]int, len(net.Pops))
		for p, pop := range net.Pops {
			times[p] = make([][]int, pop.Size)
		}
		for t := 1; t <= rf.steps; t++ {
			if err := s.Step(); err != nil {
				var ae *sim.AssertError
				if !errors.As(err, &ae) {
					return err
				}
			}
			for p := range net.Pops {
				for _, i := range s.Spikes(p) {
					times[p][i] = append(times[p][i], t)
				}
			}
		}
		runs[k] = run{s, times}
	}
	fl, fx := runs[0], runs[1]
	fmt.Fprintf(w, "network %s: bit-true vs float64, %d steps of %s ms\n\n", n.Name, rf.steps, ir.FormatFloat(n.Dt))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "population\tsize\tspikes float\tspikes bit-true\trate float (Hz)\trate bit-true (Hz)\tCV float\tCV bit-true\tagreement\t")
	worst := 1.0
	for p, pop := range n.Pops {
		var nf, nx, mf, mx int
		for i := range fl.times[p] {
			a, b := fl.times[p][i], fx.times[p][i]
			nf, nx = nf+len(a), nx+len(b)
			mf, mx = mf+sim.Matched(a, b), mx+sim.Matched(b, a)
		}
		q := quality{floatSpikes: nf, fixSpk: nx, floatMatched: mf, fixMat: mx}
		a := q.agreement()
		worst = math.Min(worst, a)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t%.3f\t%s\t%s\t%.4f\t\n", pop.Name, pop.Size, nf, nx,
			fl.s.Rate(p), fx.s.Rate(p), fmtCV(fl.s.CV(p)), fmtCV(fx.s.CV(p)), a)
	}
	tw.Flush()
	if sat := fx.s.Saturated(); len(sat) > 0 {
		var names []string
		for _, f := range sat {
			names = append(names, f.Pop+"."+f.Port)
		}
		fmt.Fprintf(w, "\nsaturated ports (bit-true, sticky): %s\n", strings.Join(names, ", "))
	} else {
		fmt.Fprintln(w, "\nno port saturated")
	}
	fmt.Fprintf(w, "spike-time agreement (lowest population): %.4f\n", worst)
	if rf.budget > 0 && worst < rf.budget {
		return &failure{fmt.Sprintf("scc: %s: spike-time agreement %.4f is below the budget %s", n.Name, worst, strings.TrimRight(fmt.Sprintf("%.4f", rf.budget), "0"))}
	}
	return nil
}

func fmtCV(cv float64) string {
	if math.IsNaN(cv) {
		return "-"
	}
	return fmt.Sprintf("%.3f", cv)
}
