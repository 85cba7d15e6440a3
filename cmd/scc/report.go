package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"scc/fixed"
	"scc/ir"
	"scc/passes"
	"scc/sim"
)

// reportFlags are the flags of `scc report` and of `--report` on build
// and eq.
type reportFlags struct {
	steps  int
	seeds  int
	budget float64
	input  string // "": the source's stimulus, else random:1..seeds
}

func (r *reportFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&r.steps, "steps", 10000, "steps per stimulus")
	fs.IntVar(&r.seeds, "seeds", 4, "number of seeded stimuli (random:1 … random:K)")
	fs.Float64Var(&r.budget, "budget", 0, "exit 1 when the spike-time agreement falls below this fraction (e.g. 0.95)")
	fs.StringVar(&r.input, "input", "", "stimulus as scc sim --input takes it, run with noise seeds 1..--seeds when the model has noise inputs (default: the source's own stimulus, else random:1 … random:K)")
}

func (r *reportFlags) check() error {
	if r.steps < 1 || r.seeds < 1 {
		return usagef("--steps and --seeds must be positive")
	}
	if r.budget < 0 || r.budget > 1 || math.IsNaN(r.budget) {
		return usagef("--budget %g: expected a fraction in [0, 1]", r.budget)
	}
	return nil
}

func runReport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	var pf pipelineFlags
	pf.register(fs)
	var rf reportFlags
	rf.register(fs)
	path, err := oneFile(fs, args, stderr)
	if err != nil {
		return err
	}
	if err := rf.check(); err != nil {
		return err
	}
	opt, err := pf.opts()
	if err != nil {
		return err
	}
	given := flagsGiven(fs)
	opt.Stim = rf.input // what range inference simulates (ranges.go)
	if given["steps"] {
		opt.Steps = rf.steps
	}
	var tables []passes.TableInfo
	opt.Tables = &tables
	u, err := compileFile(path, opt, stderr)
	if err != nil {
		return err
	}
	if !given["steps"] && u.steps > 0 {
		rf.steps = u.steps
	}
	if n := pickNetwork(u.mod, pf.top); n != nil && len(n.Pops) > 0 {
		return writeNetReport(stdout, u, n, rf)
	}
	return writeReport(stdout, u, pf.top, tables, rf)
}

// stateStats accumulates the quantization error of one state variable.
type stateStats struct {
	maxAbs, sumSq float64
	n             int
}

// quality is the measured faithfulness of the bit-true model to float64.
type quality struct {
	states               []stateStats
	floatSpikes, fixSpk  int
	floatMatched, fixMat int
}

// agreement is the spike-time agreement: the smaller of the fraction of
// float spikes the bit-true model matches within ±1 step and vice versa
// (1 when neither spikes).
func (q *quality) agreement() float64 {
	frac := func(m, n int) float64 {
		if n == 0 {
			return 1
		}
		return float64(m) / float64(n)
	}
	return math.Min(frac(q.floatMatched, q.floatSpikes), frac(q.fixMat, q.fixSpk))
}

// measure runs the float64 model (real-phase IR) and the bit-true model
// (fixed IR) on the same seeded stimuli: random:1 … random:seeds, the
// default stimulus (each input uniform over its declared range, one draw
// per step, on the grid of the format).
func measure(real, fx *ir.Func, steps, seeds int) (*quality, error) {
	return measureOn(real, fx, randomSpecs(seeds), steps)
}

func randomSpecs(seeds int) []string {
	var specs []string
	for seed := 1; seed <= seeds; seed++ {
		specs = append(specs, fmt.Sprintf("random:%d", seed))
	}
	return specs
}

// reportSpecs returns the stimuli of the report of fx and their
// description: --input, else the source's stimulus, else random:1..K.
// A given stimulus runs once, or with noise seeds 1..K when fx has noise
// inputs.
func reportSpecs(u *unit, fx *ir.Func, rf reportFlags) ([]string, string) {
	spec := rf.input
	if spec == "" {
		spec = u.stim
	}
	if spec == "" {
		return randomSpecs(rf.seeds), fmt.Sprintf("random:1..%d (inputs uniform over their declared ranges)", rf.seeds)
	}
	noisy := false
	for _, in := range fx.Inputs {
		noisy = noisy || in.Noise
	}
	if !noisy || strings.Contains(spec, "noise:") {
		return []string{spec}, spec
	}
	var specs []string
	for seed := 1; seed <= rf.seeds; seed++ {
		specs = append(specs, fmt.Sprintf("%s+noise:%d", spec, seed))
	}
	return specs, fmt.Sprintf("%s, noise seeds 1..%d", spec, rf.seeds)
}

// measureOn runs the float64 model (real-phase IR, parameters and inputs
// unquantized) and the bit-true model (fixed IR) on each stimulus (a
// --input spec): the float model reads the real values, the bit-true one
// the same values encoded (sim.EncodeValue).
func measureOn(real, fx *ir.Func, specs []string, steps int) (*quality, error) {
	q := &quality{states: make([]stateStats, len(fx.States))}
	for _, spec := range specs {
		fm, err := sim.NewFixed(fx)
		if err != nil {
			return nil, err
		}
		rm, err := sim.NewFloat(real)
		if err != nil {
			return nil, err
		}
		st, err := sim.ParseStimulus(fx, spec)
		if err != nil {
			return nil, usagef("%v", err)
		}
		raw := make([]int64, len(fx.Inputs))
		in := make([]float64, len(fx.Inputs))
		var fs, xs []int
		for step := 0; step < steps; step++ {
			st.Values(step, in)
			for i, x := range in {
				raw[i] = sim.EncodeValue(fx, i, x)
			}
			// Assertion failures are reported by sim and formal; here
			// both models keep running.
			_ = fm.Step(raw)
			_ = rm.Step(in)
			for i, s := range fx.States {
				e := math.Abs(s.Type.Fmt.Decode(fm.State[i]) - rm.State[i])
				if math.IsNaN(e) {
					e = math.Inf(1)
				}
				st := &q.states[i]
				st.maxAbs = math.Max(st.maxAbs, e)
				st.sumSq += e * e
				st.n++
			}
			if rm.Spike {
				fs = append(fs, step)
			}
			if fm.Spike {
				xs = append(xs, step)
			}
		}
		q.floatSpikes += len(fs)
		q.fixSpk += len(xs)
		q.floatMatched += sim.Matched(fs, xs)
		q.fixMat += sim.Matched(xs, fs)
	}
	return q, nil
}

// writeReport prints, for the chosen model: per state its format, proven
// range and quantization error against float64; every table with its
// stated maximum error; spike counts and spike-time agreement. It fails
// (exit 1) when a budget is set and the agreement is below it.
func writeReport(w io.Writer, u *unit, top string, tables []passes.TableInfo, rf reportFlags) error {
	fx, err := pick(u.mod, u.resolve(top))
	if err != nil {
		return err
	}
	real := u.real.Func(fx.Name)
	if real == nil {
		return fmt.Errorf("no real-phase model %q", fx.Name)
	}
	real.Format, real.AutoWidth = fx.Format, fx.AutoWidth
	ranges := passes.StateRanges(real)
	specs, desc := reportSpecs(u, fx, rf)
	q, err := measureOn(real, fx, specs, rf.steps)
	if err != nil {
		return err
	}
	profile := fx.Format.String()
	if fx.AutoWidth != 0 {
		profile = fmt.Sprintf("auto:%d (inputs %v)", fx.AutoWidth, fx.Format)
	}
	fmt.Fprintf(w, "model %s: profile %s, round %v, overflow %v, dt %s ms\n", fx.Name, profile, fx.Round, fx.Overflow, ir.FormatFloat(fx.Dt))
	fmt.Fprintf(w, "stimulus: %s, %d steps each\n\n", desc, rf.steps)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "state\tformat\tproven range\tmax |err|\tRMS err\trange given\treach\t")
	for i, s := range fx.States {
		r := ranges[i]
		rs := fmt.Sprintf("[%.4g, %.4g]", r.Lo, r.Hi)
		switch {
		case r.Proven || s.Refractory:
		case s.Range != nil && fx.Overflow == fixed.Sat:
			rs += " assumed, clamped" // passes/quantize.go clampToRange
		default:
			rs += " assumed, sat"
		}
		st := q.states[i]
		fmt.Fprintf(tw, "%s\t%v\t%s\t%.4g\t%.4g\t%s\t%s\t\n", s.Name, s.Type, rs, st.maxAbs, math.Sqrt(st.sumSq/float64(max(st.n, 1))), givenRange(u, fx.Name, s), reachOf(s))
	}
	tw.Flush()
	// Inputs whose range was not declared: where it came from.
	var ins []string
	for _, in := range fx.Inputs {
		src := u.rangeSource(fx.Name, in.Name, in.Range != nil) // ranges.go
		switch {
		case src == "declared":
		case in.Range == nil:
			ins = append(ins, in.Name+" "+src)
		default:
			ins = append(ins, fmt.Sprintf("%s %s [%.4g, %.4g]", in.Name, src, in.Range.Lo, in.Range.Hi))
		}
	}
	if len(ins) > 0 {
		fmt.Fprintf(w, "input ranges: %s\n", strings.Join(ins, ", "))
	}
	var mine []passes.TableInfo
	for _, t := range tables {
		if t.Func == fx.Name {
			mine = append(mine, t)
		}
	}
	if len(mine) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "table\tat\targument\trange\tresult\tentries\tmax error\t")
		for _, t := range mine {
			fmt.Fprintf(tw, "%s\t%v\t%v\t[%.4g, %.4g]\t%v\t%d\t%.3g\t\n", t.What, t.Pos, t.Arg, t.Lo, t.Hi, t.Out, t.Size, t.MaxErr)
		}
		tw.Flush()
	}
	a := q.agreement()
	fmt.Fprintf(w, "\nspikes: float64 %d, bit-true %d; within ±1 step: %d/%d float spikes matched, %d/%d bit-true spikes matched\n",
		q.floatSpikes, q.fixSpk, q.floatMatched, q.floatSpikes, q.fixMat, q.fixSpk)
	fmt.Fprintf(w, "spike-time agreement: %.4f\n", a)
	if rf.budget > 0 && a < rf.budget {
		return &failure{fmt.Sprintf("scc: %s: spike-time agreement %.4f is below the budget %s", fx.Name, a, strings.TrimRight(fmt.Sprintf("%.4f", rf.budget), "0"))}
	}
	return nil
}

// givenRange prints where a state's range comes from (declared, inferred
// by simulating the float64 model, --range, or none) and the range.
func givenRange(u *unit, fn string, s *ir.State) string {
	if s.Refractory {
		return "-"
	}
	src := u.rangeSource(fn, s.Name, s.Range != nil) // ranges.go
	if s.Range == nil {
		return src
	}
	return fmt.Sprintf("%s [%.4g, %.4g]", src, s.Range.Lo, s.Range.Hi)
}

// reachOf prints the range pass's reach of s: proven (inductive) or
// assumed at a bound.
func reachOf(s *ir.State) string {
	if s.Reach == nil {
		return "-"
	}
	how := "assumed"
	if s.Proven {
		how = "proven"
	}
	return fmt.Sprintf("%s [%.4g, %.4g]", how, s.Reach.Lo, s.Reach.Hi)
}
