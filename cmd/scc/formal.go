package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"scc/backend/sv"
	"scc/formal"
)

// runFormal proves the generated properties of a model's RTL (`scc formal
// FILE.snn`) or the equivalence of two designs (`scc formal --equiv A.sv
// B.sv --top NAME`), DESIGN §6.
func runFormal(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("formal", flag.ContinueOnError)
	var pf pipelineFlags
	pf.register(fs)
	depth := fs.Int("depth", formal.DefaultDepth, "BMC depth from reset and longest induction tried")
	timeout := fs.Float64("timeout", 120, "seconds allowed per solver run (0: no limit); a run that times out leaves its properties bounded")
	keep := fs.String("keep", "", "keep the harness, model, logs and traces in this directory")
	verbose := fs.Bool("v", false, "report every solver run on stderr as it ends, and the engine that decided each property")
	acceptBounded := fs.Bool("accept-bounded", false, "exit 0 when no property failed or is unknown, even if some hold only to the BMC depth (without it: exit 4, not proven)")
	arch := fs.String("arch", "", "a network: the architecture whose core is checked, parallel or folded[:P] (default: both); the parallel ≡ folded miter runs in any case")
	equiv := fs.Bool("equiv", false, "prove two designs equivalent: scc formal --equiv A.sv B.sv --top NAME")
	refTop := fs.String("ref-top", "", "--equiv: the module of B (default: --top)")
	var maps, taps, dutParams, refParams multiFlag
	fs.Var(&maps, "map", "--equiv: pair port A_PORT=B_PORT when names differ (repeatable)")
	fs.Var(&taps, "tap", "--equiv: internal state correspondence A_SIGNAL=B_SIGNAL for induction (repeatable)")
	fs.Var(&dutParams, "dut-param", "--equiv: parameter NAME=INT of A (repeatable)")
	fs.Var(&refParams, "ref-param", "--equiv: parameter NAME=INT of B (repeatable)")
	pos, err := parseFlags(fs, args, stderr)
	if err != nil {
		return err
	}
	if *depth < 1 {
		return usagef("--depth must be ≥ 1")
	}
	if *timeout < 0 {
		return usagef("--timeout must be ≥ 0")
	}
	opt := formal.Options{Depth: *depth, Timeout: time.Duration(*timeout * float64(time.Second)), Dir: *keep}
	if *verbose {
		opt.Log = func(s string) { fmt.Fprintln(stderr, s) }
	}
	ctx := context.Background()
	if *equiv {
		if len(pos) != 2 {
			return usagef("--equiv expects two files A.sv B.sv, found %d arguments", len(pos))
		}
		if pf.top == "" {
			return usagef("--equiv needs --top NAME")
		}
		mo := formal.MiterOptions{Top: pf.top, RefTop: *refTop, Map: map[string]string{}}
		for _, m := range maps {
			a, b, ok := strings.Cut(m, "=")
			if !ok {
				return usagef("--map %q: expected A_PORT=B_PORT", m)
			}
			mo.Map[a] = b
		}
		for _, m := range taps {
			a, b, ok := strings.Cut(m, "=")
			if !ok {
				return usagef("--tap %q: expected A_SIGNAL=B_SIGNAL", m)
			}
			mo.Taps = append(mo.Taps, [2]string{a, b})
		}
		if mo.Params, err = intParams("--dut-param", dutParams); err != nil {
			return err
		}
		if mo.RefParams, err = intParams("--ref-param", refParams); err != nil {
			return err
		}
		a, err := readFile(pos[0])
		if err != nil {
			return err
		}
		b, err := readFile(pos[1])
		if err != nil {
			return err
		}
		h, files, err := formal.Miter(ctx, []formal.File{a}, []formal.File{b}, mo)
		if err != nil {
			return err
		}
		rep, err := formal.Prove(ctx, files, h, opt)
		if err != nil {
			return err
		}
		return printReport(stdout, rep, "equivalence of "+pos[0]+" and "+pos[1], verdict{*acceptBounded, *verbose})
	}
	if len(pos) != 1 {
		return usagef("expected one FILE.snn, found %d arguments", len(pos))
	}
	copt, err := pf.opts()
	if err != nil {
		return err
	}
	src, err := readSource(pos[0])
	if err != nil {
		return err
	}
	u, err := compile(pos[0], src, copt)
	if err := u.report(stderr, err); err != nil {
		return err
	}
	if n := pickNetwork(u.mod, pf.top); n != nil && len(n.Pops) > 0 {
		netDepth := 0 // formalnet.go picks one that covers a few steps
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "depth" {
				netDepth = *depth
			}
		})
		return runFormalNet(pos[0], u.mod, n, *arch, netDepth, opt, verdict{*acceptBounded, *verbose}, stdout)
	}
	if *arch != "" {
		return usagef("--arch applies to a network; %s has none", pos[0])
	}
	f, err := pick(u.mod, u.resolve(pf.top))
	if err != nil {
		return err
	}
	rtl, err := bufString(func(w io.Writer) error {
		return sv.Emit(w, u.mod, sv.Options{Top: f.Name, Version: version})
	})
	if err != nil {
		return fmt.Errorf("%s: %v", u.name, err)
	}
	h, err := formal.Generate(f)
	if err != nil {
		return err
	}
	rep, err := formal.Prove(ctx, []formal.File{{Name: f.ModuleName() + ".sv", Text: string(rtl)}}, h, opt)
	if err != nil {
		return err
	}
	return printReport(stdout, rep, "model "+f.Name+" of "+pos[0], verdict{*acceptBounded, *verbose})
}

func readFile(path string) (formal.File, error) {
	src, err := readSource(path)
	if err != nil {
		return formal.File{}, err
	}
	return formal.File{Name: filepath.Base(path), Text: string(src)}, nil
}

func intParams(flagName string, kvs []string) (map[string]int64, error) {
	m := map[string]int64{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		x, err := strconv.ParseInt(strings.TrimSpace(v), 0, 64)
		if !ok || err != nil {
			return nil, usagef("%s %q: expected NAME=INTEGER", flagName, kv)
		}
		m[strings.TrimSpace(k)] = x
	}
	return m, nil
}

// verdict says how printReport judges and prints a report.
type verdict struct {
	acceptBounded bool // BOUNDED is accepted (exit 0)
	engines       bool // each result line names its engine
}

// printReport prints one line per property and a summary, and returns the
// job's verdict: a failed property fails it (exit 1); otherwise a bounded
// (unless accepted) or unknown property leaves it not proven (exit 4).
// Only a report whose every property is PROVEN, or PROVEN and accepted
// BOUNDED, passes.
func printReport(w io.Writer, rep *formal.Report, what string, v verdict) error {
	engine := func(r formal.Result, detail string) string {
		if v.engines && r.Engine != "" {
			if detail == "" {
				return " (" + r.Engine + ")"
			}
			return " (" + detail + "; " + r.Engine + ")"
		}
		if detail == "" {
			return ""
		}
		return " (" + detail + ")"
	}
	for _, r := range rep.Results {
		switch r.Status {
		case formal.Proven:
			k := ""
			if r.K > 0 {
				k = fmt.Sprintf("k=%d", r.K)
			}
			fmt.Fprintf(w, "PROVEN %s%s -- %s\n", r.Prop.Name, engine(r, k), r.Prop.Text)
		case formal.Bounded:
			fmt.Fprintf(w, "BOUNDED %s%s -- %s\n", r.Prop.Name, engine(r, fmt.Sprintf("depth %d", r.Depth)), r.Prop.Text)
		case formal.Failed:
			fmt.Fprintf(w, "FAILED %s at step %d%s: counterexample %s -- %s\n", r.Prop.Name, r.Step, engine(r, ""), r.VCD, r.Prop.Text)
			for _, line := range strings.Split(strings.TrimRight(r.Table, "\n"), "\n") {
				fmt.Fprintf(w, "    %s\n", line)
			}
		default:
			fmt.Fprintf(w, "UNKNOWN %s%s: %s -- %s\n", r.Prop.Name, engine(r, ""), r.Reason, r.Prop.Text)
		}
	}
	bounded, unknown, failed := rep.Count(formal.Bounded), rep.Count(formal.Unknown), rep.Count(formal.Failed)
	fmt.Fprintf(w, "formal: %s: %d properties: %d proven, %d bounded (BMC depth %d), %d failed, %d unknown in %.1fs\n",
		what, len(rep.Results), rep.Count(formal.Proven), bounded, rep.Depth, failed, unknown, rep.Elapsed.Seconds())
	if bounded+unknown > 0 {
		fmt.Fprintf(w, "NOT PROVEN: %s\n", notProvenText(rep, v.acceptBounded))
	}
	switch {
	case failed > 0:
		return &failure{fmt.Sprintf("scc formal: %d %s failed; traces in %s", failed, plural(failed, "property", "properties"), rep.Dir)}
	case unknown > 0 || bounded > 0 && !v.acceptBounded:
		msg := "scc formal: not proven (exit status 4)"
		if unknown == 0 {
			msg += ": a deeper --depth or a longer --timeout may prove or refute them; --accept-bounded accepts bounded properties"
		} else {
			msg += ": a longer --timeout may decide the unknown ones"
		}
		return &notProven{msg}
	}
	return nil
}

// notProvenText says how far the bounded and unknown properties of rep
// are from proven: "3 properties hold only to depth 11, 1 property is
// unknown (...)".
func notProvenText(rep *formal.Report, accepted bool) string {
	var parts []string
	if n := rep.Count(formal.Bounded); n > 0 {
		lo, hi := -1, -1
		for _, r := range rep.Results {
			if r.Status == formal.Bounded {
				if lo < 0 || r.Depth < lo {
					lo = r.Depth
				}
				hi = max(hi, r.Depth)
			}
		}
		depth := fmt.Sprintf("depth %d", lo)
		if hi != lo {
			depth = fmt.Sprintf("depths %d to %d", lo, hi)
		}
		s := fmt.Sprintf("%d %s only to %s", n, plural(n, "property holds", "properties hold"), depth)
		if accepted {
			s += " (accepted: --accept-bounded)"
		}
		parts = append(parts, s)
	}
	if n := rep.Count(formal.Unknown); n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s unknown (the solver did not finish)", n, plural(n, "property is", "properties are")))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
