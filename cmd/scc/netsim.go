package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"scc/fixed"
	"scc/ir"
	"scc/sim"
)

// maxRecordWords bounds the words a run's state records may keep (8 GB).
const maxRecordWords = 1 << 30

// netRunOpts are the outputs `scc sim` writes for a network run.
type netRunOpts struct {
	steps          int
	float          bool
	csvDir, vcd    string
	plot           string
	engine         string // auto, interp or runtime
	workers        int
	stdout, stderr io.Writer
	path           string
}

// simNetwork runs network n (of the fixed module; --float: its real twin)
// for o.steps steps and prints, per population, spikes, mean rate and ISI
// CV, then every port whose accumulated input saturated.
func simNetwork(u *unit, n *ir.Net, o netRunOpts) error {
	m, mode := u.mod, "bit-true"
	if o.float {
		m, n, mode = u.real, u.real.Net(n.Name), "float64"
	}
	// The records and the spike log stay in memory for the outputs: refuse
	// a run whose records alone could not.
	words := 0.0
	for _, r := range n.Records {
		if r.Kind == ir.RecordState {
			words += float64(o.steps/max(r.Every, 1)) * float64((r.Hi-r.Lo)*len(r.Vars))
		}
	}
	if words > maxRecordWords {
		return usagef("%d steps: the state records of %s would hold %.3g words (at most %d); record fewer neurons, every more steps or run fewer steps", o.steps, n.Name, words, maxRecordWords)
	}
	s, err := sim.NewNet(m, n, sim.NetOptions{Steps: o.steps, Engine: o.engine, Workers: o.workers})
	if err != nil {
		return err
	}
	defer s.Close()
	log := sim.NewNetLog(s)
	keep := o.csvDir != "" || o.vcd != "" || o.plot != ""
	add, finish := progress(o.stderr, o.steps, "sim "+n.Name)
	var ae *sim.AssertError
	for t := 0; t < o.steps; t++ {
		if err := s.Step(); err != nil {
			if !errors.As(err, &ae) {
				finish()
				return err
			}
		}
		if keep {
			log.Add()
		}
		if t%1024 == 1023 {
			add(1024)
		}
	}
	finish()
	if err := writeNetOutputs(u, s, log, o); err != nil {
		return err
	}
	printNetSummary(o.stdout, s, mode, o.steps)
	if ae != nil {
		return &failure{fmt.Sprintf("%s: %v", o.path, ae)}
	}
	return nil
}

func printNetSummary(w io.Writer, s *sim.Net, mode string, steps int) {
	n := s.N
	neurons, sources := 0, 0
	for _, p := range n.Pops {
		if p.Kind == ir.PopSource {
			sources += p.Size
		} else {
			neurons += p.Size
		}
	}
	src := ""
	if sources > 0 {
		src = fmt.Sprintf(" and %d source neurons", sources)
	}
	detail, kernels, _ := strings.Cut(s.EngineDetail(), ": ")
	fmt.Fprintf(w, "sim network %s: %d steps of %s ms (%s, %s), %d neurons%s\n", n.Name, steps, ir.FormatFloat(n.Dt), mode, detail, neurons, src)
	if kernels != "" {
		fmt.Fprintf(w, "kernels: %s\n", kernels)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "population\tsize\tspikes\trate (Hz)\tISI CV\t")
	for p, pop := range n.Pops {
		cv := s.CV(p)
		cvs := "-"
		if !math.IsNaN(cv) {
			cvs = fmt.Sprintf("%.3f", cv)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%s\t\n", pop.Name, pop.Size, s.Count(p), s.Rate(p), cvs)
	}
	tw.Flush()
	sat := s.Saturated()
	if len(sat) == 0 {
		if mode != "float64" {
			fmt.Fprintln(w, "no port saturated")
		}
		return
	}
	var names []string
	for _, f := range sat {
		names = append(names, f.Pop+"."+f.Port)
	}
	fmt.Fprintf(w, "saturated ports (sticky): %s\n", strings.Join(names, ", "))
}

// writeNetOutputs writes --csv DIR (spikes.csv of every population, one
// CSV per record: its slice's spikes, its state samples or its rate bins; the final weights of each plastic projection as
// weights_<proj>.csv), --vcd and --plot.
func writeNetOutputs(u *unit, s *sim.Net, log *sim.NetLog, o netRunOpts) error {
	if o.csvDir != "" {
		if err := os.MkdirAll(o.csvDir, 0o755); err != nil {
			return err
		}
		var b bytes.Buffer
		if err := log.WriteSpikesCSV(&b); err != nil {
			return err
		}
		if err := writeOutput(filepath.Join(o.csvDir, "spikes.csv"), b.Bytes(), o.stdout); err != nil {
			return err
		}
		for k, r := range s.Records() {
			b.Reset()
			var name string
			switch r.Rec.Kind {
			case ir.RecordState:
				name = fmt.Sprintf("record%d_%s_state.csv", k, r.Rec.Pop)
				if err := log.WriteStateCSV(&b, r); err != nil {
					return err
				}
			case ir.RecordSpikes:
				name = fmt.Sprintf("record%d_%s_spikes.csv", k, r.Rec.Pop)
				b.WriteString("step,index\n")
				for _, e := range r.Spikes {
					fmt.Fprintf(&b, "%d,%d\n", e.Step, e.Index)
				}
			case ir.RecordRate:
				name = fmt.Sprintf("record%d_%s_rate.csv", k, r.Rec.Pop)
				b.WriteString("first_step,spikes,rate_hz\n")
				for i, c := range r.Bins {
					fmt.Fprintf(&b, "%d,%d,%s\n", i*r.Rec.Every+1, c, ir.FormatFloat(binRate(s, r, i, c)))
				}
			default:
				continue
			}
			if err := writeOutput(filepath.Join(o.csvDir, name), b.Bytes(), o.stdout); err != nil {
				return err
			}
		}
		// The final weights of every plastic projection.
		for k, pr := range s.N.Projs {
			if pr.Rule == "" {
				continue
			}
			b.Reset()
			b.WriteString("pre,post,w\n")
			words, values := s.Weights(k)
			var port fixed.Format
			if len(words) > 0 {
				port = s.M.Func(s.N.NetPop(pr.Post).Func).Inputs[pr.Port].Type.Fmt
			}
			for i := range pr.PreIdx {
				w := 0.0
				if words != nil {
					w = port.Decode(words[i])
				} else {
					w = values[i]
				}
				fmt.Fprintf(&b, "%d,%d,%s\n", pr.PreIdx[i], pr.PostIdx[i], ir.FormatFloat(w))
			}
			if err := writeOutput(filepath.Join(o.csvDir, "weights_"+pr.Name+".csv"), b.Bytes(), o.stdout); err != nil {
				return err
			}
		}
	}
	if o.vcd != "" {
		var b bytes.Buffer
		if err := log.WriteVCD(&b); err != nil {
			return err
		}
		if err := writeOutput(o.vcd, b.Bytes(), o.stdout); err != nil {
			return err
		}
	}
	if o.plot != "" {
		data, err := renderPlot(o.plot, netFigure(s, log))
		if err != nil {
			return err
		}
		if err := writeOutput(o.plot, data, o.stdout); err != nil {
			return err
		}
	}
	return nil
}

// binRate is the mean rate in Hz of rate record r's bin i holding c spikes
// (the last bin may be shorter).
func binRate(s *sim.Net, r *sim.RecordData, i int, c int64) float64 {
	steps := min(r.Rec.Every, s.T()-i*r.Rec.Every)
	if steps <= 0 {
		return 0
	}
	return float64(c) / float64(r.Rec.Hi-r.Rec.Lo) / (float64(steps) * s.N.Dt) * 1000
}

// netFigure gathers the raster, the state records' traces (at most 16) and
// the rate records (or, without any, every population's rate in bins of
// about a hundredth of the run).
func netFigure(s *sim.Net, log *sim.NetLog) *netPlot {
	p := &netPlot{Title: "network " + s.N.Name, Steps: log.Steps, Dt: s.N.Dt}
	for k, pop := range s.N.Pops {
		rp := rasterPop{Name: pop.Name, Size: pop.Size}
		for _, e := range log.Spikes[k] {
			rp.Spikes = append(rp.Spikes, [2]int{e.Step, e.Index})
		}
		p.Raster = append(p.Raster, rp)
	}
	for _, r := range s.Records() {
		switch r.Rec.Kind {
		case ir.RecordState:
			cols := (r.Rec.Hi - r.Rec.Lo) * len(r.Rec.Vars)
			for c := 0; c < cols && len(p.Traces) < 16; c++ {
				label, vals := log.StateSeries(r, c)
				p.Traces = append(p.Traces, plotTrace{Label: label, Every: r.Rec.Every, Values: vals})
			}
		case ir.RecordRate:
			pr := plotRate{Name: r.Rec.Pop, Bin: r.Rec.Every}
			for i, c := range r.Bins {
				pr.Hz = append(pr.Hz, binRate(s, r, i, c))
			}
			p.Rates = append(p.Rates, pr)
		}
	}
	if len(p.Rates) == 0 && log.Steps > 0 {
		bin := max(1, log.Steps/100)
		for k, pop := range s.N.Pops {
			hz := make([]float64, (log.Steps+bin-1)/bin)
			for _, e := range log.Spikes[k] {
				hz[(e.Step-1)/bin]++
			}
			for i := range hz {
				steps := min(bin, log.Steps-i*bin)
				hz[i] = hz[i] / float64(pop.Size) / (float64(steps) * s.N.Dt) * 1000
			}
			p.Rates = append(p.Rates, plotRate{Name: pop.Name, Bin: bin, Hz: hz})
		}
	}
	return p
}

// sourceSpikes runs the real-phase net n for steps steps and returns the
// spikes of every source population (sim owns their semantics: the
// exported trains are the ones the golden model uses).
func sourceSpikes(m *ir.Module, n *ir.Net, steps int) (map[string][]ir.SpikeEvent, error) {
	out := map[string][]ir.SpikeEvent{}
	hasSource := false
	for _, p := range n.Pops {
		hasSource = hasSource || p.Kind == ir.PopSource
	}
	if !hasSource {
		return out, nil
	}
	s, err := sim.NewNet(m, n, sim.NetOptions{})
	if err != nil {
		return nil, err
	}
	for t := 1; t <= steps; t++ {
		if err := s.Step(); err != nil {
			var ae *sim.AssertError
			if !errors.As(err, &ae) {
				return nil, err
			}
		}
		for k, p := range n.Pops {
			if p.Kind != ir.PopSource {
				continue
			}
			for _, i := range s.Spikes(k) {
				out[p.Name] = append(out[p.Name], ir.SpikeEvent{Step: t, Index: int(i)})
			}
		}
	}
	return out, nil
}
