package sv

import (
	"bufio"
	"fmt"
	"strings"

	"scc/ir"
)

// The step module of a Func is its step function without registers: one
// combinational module <ModuleName>_step computing the committed next
// state and the spike from the pre-step state words, the input words and,
// for a generic Func, the coefficient words of one neuron. The network
// architectures (parallel.go, folded.go) instantiate it once per neuron
// or per lane and keep the state themselves. It is the same lowering as
// the registered module (emit.go, lower.go), so both compute the same
// words.
//
// Ports, in this order (StepPorts):
//
//	input  <state>_d   per state, f.States order: the pre-step word
//	input  <input>     per input, f.Inputs order (the registered module's names)
//	input  coef_<k>    generic Funcs: the word of coef value StepCoefs(f)[k]
//	                   (ir.ParamWords(f, params)[StepCoefs(f)[k].ID])
//	output <state>_n   per state: the committed next word
//	output spike_n     the step's spike
//
// Fixed-point ports are signed vectors of the value's width, bool ones
// (a coef of a condition) single bits. Assertions of f are not checked in
// the step module (the registered module checks them under FORMAL).

// StepModuleName returns the name of f's step module.
func StepModuleName(f *ir.Func) string { return f.ModuleName() + "_step" }

// stepStateIn and stepStateOut name the step module's ports of state s.
func stepStateIn(s *ir.State) string  { return s.Name + "_d" }
func stepStateOut(s *ir.State) string { return s.Name + "_n" }

// StepCoefs returns f's coef values in block order (nil for a
// specialised Func): coef_<k> is the word of StepCoefs(f)[k].
func StepCoefs(f *ir.Func) []*ir.Value {
	var cs []*ir.Value
	for _, v := range f.Entry().Values {
		if v.Op == ir.OpCoef {
			cs = append(cs, v)
		}
	}
	return cs
}

// StepPort is one port of a step module.
type StepPort struct {
	Name   string
	Output bool
	Width  int  // bits
	Signed bool // a fixed-point word (else a bool bit)
	// Exactly one of State, Input, Coef is ≥ 0 for a word port; all are
	// -1 for spike_n.
	State, Input, Coef int
}

// StepPorts returns the ports of f's step module in declaration order.
func StepPorts(f *ir.Func) []StepPort {
	var ps []StepPort
	word := func(name string, out bool, t ir.Type, s, in, c int) {
		ps = append(ps, StepPort{Name: name, Output: out, Width: t.Width(), Signed: t.Kind == ir.KFixed, State: s, Input: in, Coef: c})
	}
	for i, s := range f.States {
		word(stepStateIn(s), false, s.Type, i, -1, -1)
	}
	for i, in := range f.Inputs {
		word(in.PortName(), false, in.Type, -1, i, -1)
	}
	for k, v := range StepCoefs(f) {
		word(fmt.Sprintf("coef_%d", k), false, v.Type, -1, -1, k)
	}
	for i, s := range f.States {
		word(stepStateOut(s), true, s.Type, i, -1, -1)
	}
	ps = append(ps, StepPort{Name: "spike_n", Output: true, Width: 1, State: -1, Input: -1, Coef: -1})
	return ps
}

// checkStep reports why f has no step module: an op without lowering or
// two ports of one name.
func checkStep(f *ir.Func) error {
	for _, v := range f.Entry().Values {
		if !Lowers(v.Op) {
			return fmt.Errorf("sv: func %s: no lowering for op %v: %s", f.Name, v.Op, v.LongString())
		}
	}
	seen := map[string]bool{}
	for _, p := range StepPorts(f) {
		if seen[p.Name] {
			return fmt.Errorf("sv: func %s: its step module would have two ports %q (rename a state or input)", f.Name, p.Name)
		}
		seen[p.Name] = true
	}
	return nil
}

// WriteStepModule writes f's step module (StepModuleName) to w. f is a
// verified fixed-phase Func of m, generic or specialised.
func WriteStepModule(w *bufio.Writer, m *ir.Module, f *ir.Func) error {
	if err := checkStep(f); err != nil {
		return err
	}
	e := newEmitterFor(m, f, true)
	e.lower()
	e.writeStep(w)
	return nil
}

func (e *emitter) writeStep(w *bufio.Writer) {
	f := e.f
	fmt.Fprintf(w, "// %s: step function of model %s without registers%s; dt %s ms, state format %v.\n",
		StepModuleName(f), f.Name, strings.Replace(e.pos(f.Pos), " //", " at", 1), ir.FormatFloat(f.Dt), f.Format)
	fmt.Fprintf(w, "module %s (\n", StepModuleName(f))
	var ports []string
	anyUnused := false
	for _, p := range StepPorts(f) {
		dir := "input wire"
		if p.Output {
			dir = "output wire"
		}
		sg := ""
		if p.Signed {
			sg = " signed"
		}
		wd := p.Width
		if !p.Signed {
			wd = 0
		}
		s := fmt.Sprintf("  %s%s %s%s", dir, sg, vec(wd), p.Name)
		unused := p.State >= 0 && !p.Output && !e.stateUsed[p.State] || p.Input >= 0 && !e.inputUsed[p.Input]
		if unused {
			s = "  " + lintOff + "\n" + s
			anyUnused = true
		}
		ports = append(ports, s)
	}
	w.WriteString(strings.Join(ports, ",\n"))
	w.WriteString("\n);\n")
	if anyUnused {
		fmt.Fprintf(w, "  %s // some inputs are not read\n", lintOn)
	}
	e.writeDecls(w)
	for i, s := range f.States {
		fmt.Fprintf(w, "  assign %s = %s;\n", stepStateOut(s), e.name(e.next[i]))
	}
	if e.spike != nil {
		fmt.Fprintf(w, "  assign spike_n = %s;\n", e.name(e.spike))
	} else {
		w.WriteString("  assign spike_n = 1'b0; // the model never spikes\n")
	}
	w.WriteString("endmodule\n")
}

func (e *emitter) lowerCoef(v *ir.Value) string {
	return fmt.Sprintf("coef_%d", e.coefs[v.ID])
}
