package sv

import (
	"bufio"
	"fmt"
	"strings"

	"scc/ir"
)

// Plasticity in the parallel architecture (§4.1 rule 7, sim/netplastic.go),
// all in the en cycle of step t after the neurons' update:
//
//  1. every trace decays, x ← clamp(floor(x·a)) (one register per neuron);
//  2. the pre traces of spiking neurons get their add (saturating, or set),
//     then on pre runs (a step module instance per synapse) on the
//     synapses of spiking pre neurons, reading the pre trace after its add
//     and the post trace after its decay;
//  3. the post traces of spiking neurons get their add, then on post runs
//     on the synapses of spiking post neurons, from the state on pre left,
//     reading both traces after their adds;
//  4. the synapse states and traces commit on the edge.
//
// A spike of step t propagates with the weight after step t's plasticity:
// with delay 1 that is the weight register in step t+1, so plastic
// projections need delay 1 (other delays are an error).

// parTrace is one rule trace on one population (shared by the projections
// of that rule from or into it, as sim does).
type parTrace struct {
	tr   *ir.Trace
	pop  *parPop
	pre  bool
	name string
	w    int
}

// dec and add name the trace after its decay and after its spike update.
func (x *parTrace) dec() string { return x.name + "_dec" }
func (x *parTrace) add() string { return x.name + "_add" }

// parPlastic is one plastic projection.
type parPlastic struct {
	k             int
	pr            *ir.Proj
	rule          *ir.Rule
	onPre, onPost *ir.Func
	states        []*ir.State
	pre, post     *parPop
	preTr, postTr *parTrace
}

func (pa *parPlastic) state(s int) string { return fmt.Sprintf("q%d_s%d", pa.k, s) }

func (pl *parallel) trace(tr *ir.Trace, pp *parPop, pre bool) *parTrace {
	if tr == nil {
		return nil
	}
	for _, x := range pl.traces {
		if x.tr == tr && x.pop == pp {
			return x
		}
	}
	x := &parTrace{tr: tr, pop: pp, pre: pre, name: fmt.Sprintf("x%d", len(pl.traces)), w: tr.Fmt.Width()}
	pl.traces = append(pl.traces, x)
	return x
}

func (pl *parallel) planPlastic(k int, pr *ir.Proj, pre, post *parPop) (*parPlastic, error) {
	n, m := pl.n, pl.m
	r := n.NetRule(pr.Rule)
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%v: network %s: projection %s (rule %s): %s", pr.Pos, n.Name, pr.Name, pr.Rule, fmt.Sprintf(format, a...))
	}
	if r == nil {
		return nil, bad("the net defines no such rule")
	}
	pa := &parPlastic{k: k, pr: pr, rule: r, pre: pre, post: post}
	for i, name := range []string{r.OnPre, r.OnPost} {
		if name == "" {
			continue
		}
		f := m.Func(name)
		if f == nil {
			return nil, bad("the module defines no func %q", name)
		}
		if f.Generic() {
			return nil, bad("%s is a generic module; --arch parallel needs rule funcs specialised", f.Name)
		}
		if len(f.States) == 0 || len(f.Inputs) > 2 {
			return nil, bad("%s has %d states and %d inputs; want the synapse state (w first) and at most the two traces", f.Name, len(f.States), len(f.Inputs))
		}
		if err := checkStep(f); err != nil {
			return nil, bad("%v", err)
		}
		for q, in := range f.Inputs {
			tr := r.Pre
			if q == 1 {
				tr = r.Post
			}
			if tr != nil && in.Type != tr.Fmt {
				return nil, bad("input %s of %s has type %v, but its trace %s is %v", in.Name, f.Name, in.Type, tr.Name, tr.Fmt)
			}
		}
		if pa.states == nil {
			pa.states = f.States
		} else if len(f.States) != len(pa.states) {
			return nil, bad("on pre and on post have different synapse states")
		} else {
			for s := range f.States {
				if f.States[s].Type != pa.states[s].Type {
					return nil, bad("state %d of on pre and on post differ in type", s)
				}
			}
		}
		if i == 0 {
			pa.onPre = f
		} else {
			pa.onPost = f
		}
	}
	if pa.states == nil {
		return nil, bad("the rule has neither on pre nor on post")
	}
	if pt := post.ports[pr.Port].in.Type; pa.states[0].Type != pt {
		return nil, bad("the plastic weight %s is %v, but the port is %v", pa.states[0].Name, pa.states[0].Type, pt)
	}
	for s, d := range pr.Delay {
		if d != 1 {
			return nil, bad("synapse %d has delay %d: --arch parallel propagates plastic weights with delay 1 step only; use --arch folded", s, d)
		}
	}
	for _, tr := range []*ir.Trace{r.Pre, r.Post} {
		if tr != nil && (tr.Fmt.Kind != ir.KFixed || tr.DecayFmt.Kind != ir.KFixed) {
			return nil, bad("trace %s has no fixed-point format", tr.Name)
		}
	}
	pa.preTr = pl.trace(r.Pre, pre, true)
	pa.postTr = pl.trace(r.Post, post, false)
	// Reset: w from the projection's words, other states their initial word.
	ns := pr.Synapses()
	for s, st := range pa.states {
		words := make([]int64, ns)
		for q := range words {
			if s == 0 {
				words[q] = pr.Words[q]
			} else {
				words[q] = st.InitRaw
			}
		}
		pl.resets = append(pl.resets, fmt.Sprintf("%s <= %s;", pa.state(s), parPack(st.Type.Width(), words)))
		pl.drvC = append(pl.drvC, fmt.Sprintf("%s <= %s_n;", pa.state(s), pa.state(s)))
	}
	return pa, nil
}

// writePlasticRegs declares the synapse state and trace registers.
func (pl *parallel) writePlasticRegs(w *bufio.Writer) {
	for _, x := range pl.traces {
		fmt.Fprintf(w, "    reg [%d:0] %s; // trace %s of population %s\n", x.pop.p.Size*x.w-1, x.name, x.tr.Name, x.pop.p.Name)
		pl.resets = append(pl.resets, fmt.Sprintf("%s <= %s;", x.name, lit(x.pop.p.Size*x.w, 0)))
		pl.drvC = append(pl.drvC, fmt.Sprintf("%s <= %s;", x.name, x.add()))
	}
	for _, pa := range pl.plastic {
		ns := pa.pr.Synapses()
		for s, st := range pa.states {
			fmt.Fprintf(w, "    reg [%d:0] %s; // projection %s: synapse state %s  // %s\n", max(ns, 1)*st.Type.Width()-1, pa.state(s), pa.pr.Name, st.Name, srcPos(pl.m, pa.pr.Pos))
		}
	}
}

// writePlastic writes the traces' decay and add and the rule instances.
func (pl *parallel) writePlastic(w *bufio.Writer) {
	for _, x := range pl.traces {
		pl.writeTrace(w, x)
	}
	for _, pa := range pl.plastic {
		pl.writeSynapses(w, pa)
	}
}

func (pl *parallel) writeTrace(w *bufio.Writer, x *parTrace) {
	tr, wd, size := x.tr, x.w, x.pop.p.Size
	f := tr.Fmt.Fmt
	lo, hi := f.Min(), f.Max()
	dw, fr := tr.DecayFmt.Width(), tr.DecayFmt.Fmt.Frac
	k := wd + dw + 1
	g := x.name + "_g"
	sign := func(v string) string {
		if f.Signed {
			return fmt.Sprintf("%s[%s*%d + %d]", v, g, wd, wd-1)
		}
		return "1'b0"
	}
	slice := func(v string) string { return fmt.Sprintf("%s[%s*%d +: %d]", v, g, wd, wd) }
	clamp := func(v string, n int) string {
		return fmt.Sprintf("$signed(%[1]s) > $signed(%[2]s) ? %[3]s : $signed(%[1]s) < $signed(%[4]s) ? %[5]s : %[1]s[%[6]d:0]",
			v, lit(n, hi), lit(wd, hi), lit(n, lo), lit(wd, lo), wd-1)
	}
	fmt.Fprintf(w, "\n    // trace %s on %s: x <- clamp(floor(x * %d / 2^%d)), then on a spike ", tr.Name, x.pop.p.Name, tr.DecayWord, fr)
	if tr.Set {
		fmt.Fprintf(w, "x = %d\n", tr.AddWord)
	} else {
		fmt.Fprintf(w, "x <- sat(x + %d)\n", tr.AddWord)
	}
	fmt.Fprintf(w, "    wire [%d:0] %s;\n    wire [%d:0] %s;\n", size*wd-1, x.dec(), size*wd-1, x.add())
	fmt.Fprintf(w, "    genvar %s;\n    for (%s = 0; %s < %d; %s = %s + 1) begin : gen_%s\n", g, g, g, size, g, g, x.name)
	w.WriteString("        " + lintOff + "\n")
	fmt.Fprintf(w, "        wire [%d:0] m = {{%d{%s}}, %s} * %s;\n", k-1, k-wd, sign(x.name), slice(x.name), lit(k, tr.DecayWord))
	w.WriteString("        " + lintOn + "\n")
	fmt.Fprintf(w, "        wire [%d:0] q = m[%d:%d];\n", k-fr-1, k-1, fr)
	fmt.Fprintf(w, "        assign %s = %s;\n", slice(x.dec()), clamp("q", k-fr))
	spk := fmt.Sprintf("%s[%s]", pl.spikesNext(x.pop), g)
	if tr.Set {
		fmt.Fprintf(w, "        assign %s = %s ? %s : %s;\n", slice(x.add()), spk, lit(wd, tr.AddWord), slice(x.dec()))
	} else {
		fmt.Fprintf(w, "        wire [%d:0] s = {{2{%s}}, %s} + %s;\n", wd+1, sign(x.dec()), slice(x.dec()), lit(wd+2, tr.AddWord))
		fmt.Fprintf(w, "        assign %s = %s ? (%s) : %s;\n", slice(x.add()), spk, clamp("s", wd+2), slice(x.dec()))
	}
	w.WriteString("    end\n")
}

// writeSynapses writes the on pre and on post instances of every synapse
// of pa and its next state.
func (pl *parallel) writeSynapses(w *bufio.Writer, pa *parPlastic) {
	pr := pa.pr
	ns := pr.Synapses()
	fmt.Fprintf(w, "\n    // projection %s: rule %s, %d synapses  // %s\n", pr.Name, pa.rule.Name, ns, srcPos(pl.m, pr.Pos))
	if ns == 0 {
		for s, st := range pa.states {
			fmt.Fprintf(w, "    wire [%d:0] %s_n = %s;\n", st.Type.Width()-1, pa.state(s), pa.state(s))
		}
		return
	}
	preSpk, postSpk := pl.spikesNext(pa.pre), pl.spikesNext(pa.post)
	trWord := func(x *parTrace, after bool, nrn int) string {
		if x == nil {
			return ""
		}
		v := x.dec()
		if after {
			v = x.add()
		}
		return fmt.Sprintf("%s[%d:%d]", v, (nrn+1)*x.w-1, nrn*x.w)
	}
	for s, st := range pa.states {
		wd := st.Type.Width()
		fmt.Fprintf(w, "    wire [%d:0] %s_mid; // after on pre\n    wire [%d:0] %s_n;\n", ns*wd-1, pa.state(s), ns*wd-1, pa.state(s))
		if pa.onPre != nil {
			fmt.Fprintf(w, "    wire [%d:0] %s_pre;\n", ns*wd-1, pa.state(s))
		}
		if pa.onPost != nil {
			fmt.Fprintf(w, "    wire [%d:0] %s_post;\n", ns*wd-1, pa.state(s))
		}
	}
	fmt.Fprintf(w, "    wire [%d:0] q%d_unused_spk;\n", 2*ns-1, pa.k)
	for q := 0; q < ns; q++ {
		j, i := int(pr.PreIdx[q]), int(pr.PostIdx[q])
		sl := func(v string, s int) string {
			wd := pa.states[s].Type.Width()
			return fmt.Sprintf("%s[%d:%d]", v, (q+1)*wd-1, q*wd)
		}
		// inst instantiates f from the state vectors q<k>_s<s><from> to
		// q<k>_s<s><to>.
		inst := func(f *ir.Func, from, to, pre, post string, spk int) {
			var cs []string
			for _, sp := range StepPorts(f) {
				var x string
				switch {
				case sp.Name == "spike_n":
					x = fmt.Sprintf("q%d_unused_spk[%d]", pa.k, spk)
				case sp.State >= 0 && sp.Output:
					x = sl(pa.state(sp.State)+to, sp.State)
				case sp.State >= 0:
					x = sl(pa.state(sp.State)+from, sp.State)
				case sp.Input == 0 && pre != "":
					x = pre
				case sp.Input == 1 && post != "":
					x = post
				default:
					x = lit(sp.Width, 0) // a trace the rule does not have reads 0
				}
				cs = append(cs, fmt.Sprintf(".%s(%s)", sp.Name, x))
			}
			fmt.Fprintf(w, "    %s u_q%d_%d_%d (%s);\n", StepModuleName(f), pa.k, q, spk%2, strings.Join(cs, ", "))
		}
		for s := range pa.states {
			cur := pa.state(s)
			if pa.onPre != nil {
				fmt.Fprintf(w, "    assign %s = %s[%d] ? %s : %s;\n", sl(cur+"_mid", s), preSpk, j, sl(cur+"_pre", s), sl(cur, s))
			} else {
				fmt.Fprintf(w, "    assign %s = %s;\n", sl(cur+"_mid", s), sl(cur, s))
			}
			if pa.onPost != nil {
				fmt.Fprintf(w, "    assign %s = %s[%d] ? %s : %s;\n", sl(cur+"_n", s), postSpk, i, sl(cur+"_post", s), sl(cur+"_mid", s))
			} else {
				fmt.Fprintf(w, "    assign %s = %s;\n", sl(cur+"_n", s), sl(cur+"_mid", s))
			}
		}
		if pa.onPre != nil {
			inst(pa.onPre, "", "_pre", trWord(pa.preTr, true, j), trWord(pa.postTr, false, i), 2*q)
		} else {
			fmt.Fprintf(w, "    assign q%d_unused_spk[%d] = 1'b0;\n", pa.k, 2*q)
		}
		if pa.onPost != nil {
			inst(pa.onPost, "_mid", "_post", trWord(pa.preTr, true, j), trWord(pa.postTr, true, i), 2*q+1)
		} else {
			fmt.Fprintf(w, "    assign q%d_unused_spk[%d] = 1'b0;\n", pa.k, 2*q+1)
		}
	}
}
