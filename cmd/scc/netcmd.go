package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"text/tabwriter"

	"scc/ir"
)

// `scc net export` and `scc net info`: the compiled network instance
// (ir.Net) as files other simulators load, and its sizes.

func runNet(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("want a subcommand: export or info")
	}
	switch args[0] {
	case "export":
		return runNetExport(args[1:], stdout, stderr)
	case "info":
		return runNetInfo(args[1:], stdout, stderr)
	}
	return usagef("unknown subcommand %q (want export or info)", args[0])
}

// compileNet compiles path and returns the unit and the network --top
// names (or the only one).
func compileNet(fs *flag.FlagSet, pf *pipelineFlags, args []string, stderr io.Writer) (*unit, *ir.Net, *ir.Net, error) {
	path, err := oneFile(fs, args, stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	opt, err := pf.opts()
	if err != nil {
		return nil, nil, nil, err
	}
	u, err := compileFile(path, opt, stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	n := pickNetwork(u.mod, pf.top)
	if n == nil || len(n.Pops) == 0 {
		if pf.top != "" {
			return nil, nil, nil, &failure{fmt.Sprintf("%s: no network %q with populations", path, pf.top)}
		}
		return nil, nil, nil, &failure{fmt.Sprintf("%s: no network with populations (name one with --top)", path)}
	}
	return u, u.real.Net(n.Name), n, nil
}

// exportManifest is DIR/network.json: what the CSV files hold, in the
// units they hold it (scc's canonical units: ms, mV, nA, uS, nF, Mohm; rates
// in Hz).
type exportManifest struct {
	Network     string         `json:"network"`
	DtMs        float64        `json:"dt_ms"`
	Steps       int            `json:"steps"`
	Populations []exportPop    `json:"populations"`
	Projections []exportProj   `json:"projections"`
	Drives      []exportDrive  `json:"drives,omitempty"`
	Records     []exportRecord `json:"records,omitempty"`
}

type exportPop struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // neuron, source, extern
	Size int    `json:"size"`
	// Func is the neuron model as compiled: the model with the
	// population's uniform overrides (irgen names it "<Model>_<pop>" when
	// there are any); Params are all its parameter values, canonical units.
	Func   string             `json:"func,omitempty"`
	Params map[string]float64 `json:"params,omitempty"`
	Values string             `json:"values,omitempty"` // CSV of per-neuron parameters and initial states
	Spikes string             `json:"spikes,omitempty"` // CSV of a source's spikes: step,index
	// RateHz, StartStep, StopStep describe a Poisson source (its spikes
	// for the exported steps are in Spikes).
	RateHz    float64 `json:"rate_hz,omitempty"`
	StartStep int     `json:"start_step,omitempty"`
	StopStep  int     `json:"stop_step,omitempty"`
}

type exportProj struct {
	Name     string `json:"name"`
	Pre      string `json:"pre"`
	Post     string `json:"post"`
	Port     string `json:"port"`
	Synapses int    `json:"synapses"`
	File     string `json:"file"` // pre,post,weight,delay (ms)
	Rule     string `json:"rule,omitempty"`
}

type exportDrive struct {
	Name    string         `json:"name"`
	Kind    string         `json:"kind"` // current, poisson_sum
	Targets []exportTarget `json:"targets"`
	Value   float64        `json:"value,omitempty"`
	Values  string         `json:"values,omitempty"` // CSV step,value
	N       int            `json:"n,omitempty"`
	RateHz  float64        `json:"rate_hz,omitempty"`
	W       float64        `json:"w,omitempty"`
}

type exportTarget struct {
	Pop  string `json:"pop"`
	Lo   int    `json:"lo"`
	Hi   int    `json:"hi"`
	Port string `json:"port"`
}

type exportRecord struct {
	Pop   string   `json:"pop"`
	Lo    int      `json:"lo"`
	Hi    int      `json:"hi"`
	Kind  string   `json:"kind"`
	Vars  []string `json:"vars,omitempty"`
	Every int      `json:"every"`
}

func runNetExport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("net export", flag.ContinueOnError)
	var pf pipelineFlags
	pf.register(fs)
	out := fs.String("o", "", "output directory (created)")
	steps := fs.Int("steps", 1000, "steps of Poisson source spikes to export")
	u, real, _, err := compileNet(fs, &pf, args, stderr)
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("want -o DIR")
	}
	if *steps < 0 {
		return usagef("--steps must be ≥ 0")
	}
	files, err := exportNet(u.real, real, *steps)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := writeOutput(filepath.Join(*out, f.name), f.data, stdout); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "exported network %s to %s: %d files\n", real.Name, *out, len(files))
	return nil
}

type namedFile struct {
	name string
	data []byte
}

// exportNet renders the real-phase instance n of module m: the manifest,
// one connection list per projection, per-neuron values and source spikes.
func exportNet(m *ir.Module, n *ir.Net, steps int) ([]namedFile, error) {
	man := exportManifest{Network: n.Name, DtMs: n.Dt, Steps: steps}
	var files []namedFile
	spikes, err := sourceSpikes(m, n, steps)
	if err != nil {
		return nil, err
	}
	for _, p := range n.Pops {
		ep := exportPop{Name: p.Name, Size: p.Size}
		switch p.Kind {
		case ir.PopNeuron:
			ep.Kind, ep.Func = "neuron", p.Func
			if f := m.Func(p.Func); f != nil {
				ep.Params = map[string]float64{}
				for _, par := range f.Params {
					ep.Params[par.Name] = par.Value
				}
				if len(p.Params) > 0 || len(p.Init) > 0 {
					ep.Values = "pop_" + p.Name + ".csv"
					files = append(files, namedFile{ep.Values, perNeuronCSV(f, p)})
				}
			}
		case ir.PopSource:
			ep.Kind = "source"
			ep.Spikes = "source_" + p.Name + ".csv"
			var b bytes.Buffer
			b.WriteString("step,index\n")
			for _, s := range spikes[p.Name] {
				fmt.Fprintf(&b, "%d,%d\n", s.Step, s.Index)
			}
			files = append(files, namedFile{ep.Spikes, b.Bytes()})
			if s := p.Source; s != nil && s.Kind == ir.SourcePoisson {
				ep.RateHz, ep.StartStep, ep.StopStep = s.Rate*1000, s.Start, s.Stop
			}
		case ir.PopExtern:
			ep.Kind = "extern"
		}
		man.Populations = append(man.Populations, ep)
	}
	for _, pr := range n.Projs {
		ep := exportProj{Name: pr.Name, Pre: pr.Pre, Post: pr.Post, Port: pr.PortName, Synapses: pr.Synapses(), File: "proj_" + pr.Name + ".csv", Rule: pr.Rule}
		var b bytes.Buffer
		b.Grow(24 * pr.Synapses())
		b.WriteString("pre,post,weight,delay\n")
		var buf []byte
		for k := range pr.PreIdx {
			buf = strconv.AppendInt(buf[:0], int64(pr.PreIdx[k]), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(pr.PostIdx[k]), 10)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, pr.W[k], 'g', -1, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, float64(pr.Delay[k])*n.Dt, 'g', -1, 64)
			buf = append(buf, '\n')
			b.Write(buf)
		}
		files = append(files, namedFile{ep.File, b.Bytes()})
		man.Projections = append(man.Projections, ep)
	}
	for _, d := range n.Drives {
		ed := exportDrive{Name: d.Name}
		for _, t := range d.Targets {
			ed.Targets = append(ed.Targets, exportTarget{t.Pop, t.Lo, t.Hi, t.PortName})
		}
		switch d.Kind {
		case ir.DriveCurrent:
			ed.Kind, ed.Value = "current", d.Value
			if len(d.Values) > 0 {
				ed.Values = "drive_" + d.Name + ".csv"
				var b bytes.Buffer
				b.WriteString("step,value\n")
				for i, v := range d.Values {
					fmt.Fprintf(&b, "%d,%s\n", i+1, strconv.FormatFloat(v, 'g', -1, 64))
				}
				files = append(files, namedFile{ed.Values, b.Bytes()})
			}
		case ir.DrivePoissonSum:
			ed.Kind, ed.N, ed.RateHz, ed.W = "poisson_sum", d.N, d.Rate*1000, d.W
		}
		man.Drives = append(man.Drives, ed)
	}
	for _, r := range n.Records {
		er := exportRecord{Pop: r.Pop, Lo: r.Lo, Hi: r.Hi, Every: r.Every}
		switch r.Kind {
		case ir.RecordSpikes:
			er.Kind = "spikes"
		case ir.RecordState:
			er.Kind = "state"
			if p := n.NetPop(r.Pop); p != nil {
				if f := m.Func(p.Func); f != nil {
					for _, v := range r.Vars {
						er.Vars = append(er.Vars, f.States[v].Name)
					}
				}
			}
		case ir.RecordRate:
			er.Kind = "rate"
		}
		man.Records = append(man.Records, er)
	}
	js, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, err
	}
	files = append([]namedFile{{"network.json", append(js, '\n')}}, files...)
	return files, nil
}

// perNeuronCSV lists population p's per-neuron values: index, then each
// per-neuron parameter and initial state by name.
func perNeuronCSV(f *ir.Func, p *ir.Pop) []byte {
	var b bytes.Buffer
	b.WriteString("index")
	for _, pp := range p.Params {
		b.WriteString("," + f.Params[pp.Index].Name)
	}
	for _, in := range p.Init {
		b.WriteString("," + f.States[in.Index].Name)
	}
	b.WriteByte('\n')
	for i := 0; i < p.Size; i++ {
		b.WriteString(strconv.Itoa(i))
		for _, pp := range p.Params {
			b.WriteString("," + strconv.FormatFloat(pp.Values[i], 'g', -1, 64))
		}
		for _, in := range p.Init {
			b.WriteString("," + strconv.FormatFloat(in.Values[i], 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func runNetInfo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("net info", flag.ContinueOnError)
	var pf pipelineFlags
	pf.register(fs)
	u, _, n, err := compileNet(fs, &pf, args, stderr)
	if err != nil {
		return err
	}
	writeNetInfo(stdout, u.mod, n)
	return nil
}

// writeNetInfo prints the sizes of the fixed-phase instance n: neurons and
// synapses per population and projection, each port's in-degree,
// accumulator width (DESIGN §4.1 rule 2) and delay ring.
func writeNetInfo(w io.Writer, m *ir.Module, n *ir.Net) {
	neurons, sources, synapses := 0, 0, 0
	for _, p := range n.Pops {
		if p.Kind == ir.PopSource {
			sources += p.Size
		} else {
			neurons += p.Size
		}
	}
	for _, p := range n.Projs {
		synapses += p.Synapses()
	}
	fmt.Fprintf(w, "network %s: dt %s ms, %d neurons and %d source neurons in %d populations, %d synapses in %d projections\n",
		n.Name, ir.FormatFloat(n.Dt), neurons, sources, len(n.Pops), synapses, len(n.Projs))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "population\tkind\tsize\tmodel\tring slots\t")
	for _, p := range n.Pops {
		kind, model := "neuron", p.Func
		switch p.Kind {
		case ir.PopSource:
			kind, model = "source", "poisson"
			if p.Source != nil && p.Source.Kind == ir.SourceSpikes {
				model = fmt.Sprintf("spikes (%d)", len(p.Source.Spikes))
			}
		case ir.PopExtern:
			kind, model = "extern", "sc_dense"
		}
		ring := "-"
		if p.Kind == ir.PopNeuron {
			ring = strconv.Itoa(n.RingSize(p.Name))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t\n", p.Name, kind, p.Size, model, ring)
	}
	tw.Flush()
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "port\tformat\tprojections\tsynapses\tmax in-degree\taccumulator\t")
	for _, p := range n.Pops {
		f := m.Func(p.Func)
		if p.Kind != ir.PopNeuron || f == nil {
			continue
		}
		for k, in := range f.Inputs {
			projs := n.ProjsInto(p.Name, k)
			syn := 0
			for _, pr := range projs {
				syn += pr.Synapses()
			}
			acc := "-"
			if af, ok := n.AccFormat(m, p.Name, k); ok && len(projs) > 0 {
				acc = fmt.Sprintf("%s (%d bits)", af, af.Width())
			}
			fmt.Fprintf(tw, "%s.%s\t%s\t%d\t%d\t%d\t%s\t\n", p.Name, in.Name, in.Type, len(projs), syn, n.MaxInDegree(p.Name, k), acc)
		}
	}
	tw.Flush()
	if len(n.Projs) > 0 {
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "projection\tpre -> post.port\tsynapses\tdelays (steps)\trule\t")
		for _, p := range n.Projs {
			lo := int32(0)
			if len(p.Delay) > 0 {
				lo = slices.Min(p.Delay)
			}
			rule := p.Rule
			if rule == "" {
				rule = "-"
			}
			fmt.Fprintf(tw, "%s\t%s -> %s.%s\t%d\t%d..%d\t%s\t\n", p.Name, p.Pre, p.Post, p.PortName, p.Synapses(), lo, p.MaxDelay(), rule)
		}
		tw.Flush()
	}
}
