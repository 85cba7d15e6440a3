package ir

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"scc/lang"
)

// Print writes the text form of m. Parse(Print(m)) prints identically
// (STYLE S7); positions print as @line:col (the file is the module's).
func Print(w io.Writer, m *Module) error {
	var p printer
	p.module(m)
	_, err := io.WriteString(w, p.String())
	return err
}

// String returns the text form of m.
func (m *Module) String() string {
	var p printer
	p.module(m)
	return p.String()
}

// String returns the text form of f alone.
func (f *Func) String() string {
	var p printer
	p.fn(f)
	return p.String()
}

type printer struct {
	strings.Builder
	phase Phase
	m     *Module // resolves a network's state, parameter and input names
	buf   []byte  // scratch for numbers (net_print.go)
	// canon prints the canonical form Fingerprint hashes: no positions,
	// no parameter values, no initial state values.
	canon bool
}

func (p *printer) f(format string, args ...any) { fmt.Fprintf(p, format, args...) }

func (p *printer) module(m *Module) {
	p.phase, p.m = m.Phase, m
	p.f("module %s %s\n", strconv.Quote(m.File), m.Phase)
	for _, f := range m.Funcs {
		p.WriteString("\n")
		p.fn(f)
	}
	for _, n := range m.Nets {
		p.WriteString("\n")
		p.network(n)
	}
}

// FormatFloat prints x so that strconv.ParseFloat reads back the same bits.
func FormatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func (p *printer) pos(pos lang.Pos) {
	if pos.IsValid() && !p.canon {
		p.f(" @%d:%d", pos.Line, pos.Col)
	}
}

func (p *printer) rng(r *Range) {
	if r != nil {
		p.f(" in [%s, %s]", FormatFloat(r.Lo), FormatFloat(r.Hi))
	}
}

func (p *printer) fn(f *Func) {
	p.f("func %s", f.Name)
	p.pos(f.Pos)
	p.f(" {\n")
	p.f("  dt %s\n  format %s\n", FormatFloat(f.Dt), f.Format)
	if f.AutoWidth != 0 {
		p.f("  auto %d\n", f.AutoWidth)
	}
	p.f("  round %s\n  overflow %s\n", f.Round, f.Overflow)
	for _, q := range f.Params {
		p.f("  param %s", strconv.Quote(q.Name))
		if !p.canon {
			p.f(" = %s", FormatFloat(q.Value))
		}
		p.rng(q.Range)
		p.pos(q.Pos)
		p.f("\n")
	}
	for _, s := range f.States {
		p.f("  state %s : %s", strconv.Quote(s.Name), s.Type)
		if !p.canon {
			p.f(" = %s", FormatFloat(s.Init))
		}
		if s.Type.Kind == KFixed && !p.canon {
			p.f(" raw %d", s.InitRaw)
		}
		p.rng(s.Range)
		if s.Clock {
			p.f(" clock")
		}
		if s.Refractory {
			p.f(" refractory")
		}
		if s.Reach != nil {
			p.f(" reach [%s, %s]", FormatFloat(s.Reach.Lo), FormatFloat(s.Reach.Hi))
			if s.Proven {
				p.f(" proven")
			}
		}
		p.pos(s.Pos)
		p.f("\n")
	}
	for _, in := range f.Inputs {
		p.f("  input %s : %s", strconv.Quote(in.Name), in.Type)
		p.rng(in.Range)
		if in.Noise {
			p.f(" noise")
		}
		p.pos(in.Pos)
		p.f("\n")
	}
	if pb := f.ParamBlock; pb != nil {
		p.f("params:\n")
		for _, v := range pb.Values {
			p.f("  ")
			p.value(v)
			p.f("\n")
		}
	}
	for _, b := range f.Blocks {
		p.f("b%d:\n", b.ID)
		for _, v := range b.Values {
			p.f("  ")
			p.value(v)
			p.f("\n")
		}
	}
	p.f("}\n")
}

func (p *printer) value(v *Value) {
	p.f("%s = %s", v, v.Op)
	f := v.Block.Func
	switch v.Op {
	case OpConst:
		switch {
		case v.Type.Kind == KBool:
			p.f(" %t", v.AuxInt != 0)
		case v.Type.Kind == KFloat:
			p.f(" %s", FormatFloat(v.AuxFloat))
		default:
			p.f(" %d", v.AuxInt)
		}
	case OpState, OpFit, OpNext:
		p.f(" %s", strconv.Quote(stateName(f, v.AuxInt)))
	case OpInput:
		p.f(" %s", strconv.Quote(inputName(f, v.AuxInt)))
	case OpParam:
		p.f(" %s", strconv.Quote(paramName(f, v.AuxInt)))
	case OpCall:
		p.f(" %s", v.AuxName)
	}
	for i, a := range v.Args {
		if i > 0 || v.Op == OpFit || v.Op == OpNext {
			p.f(",")
		}
		p.f(" %s", a)
	}
	if v.Op == OpCast {
		p.f(" %s %s", v.Round, v.Overflow)
	}
	if v.Op == OpTable && v.Table != nil {
		p.f(" lo %d shift %d [", v.Table.Lo, v.Table.Shift)
		for i, y := range v.Table.Y {
			if i > 0 {
				p.f(",")
			}
			p.f(" %d", y)
		}
		p.f(" ]")
	}
	if !v.Op.Info().Void {
		p.f(" : %s", v.Type)
	}
	p.rng(v.Range)
	p.pos(v.Pos)
}

func stateName(f *Func, i int64) string {
	if f != nil && i >= 0 && int(i) < len(f.States) {
		return f.States[i].Name
	}
	return fmt.Sprintf("?state%d", i)
}

func inputName(f *Func, i int64) string {
	if f != nil && i >= 0 && int(i) < len(f.Inputs) {
		return f.Inputs[i].Name
	}
	return fmt.Sprintf("?input%d", i)
}

func paramName(f *Func, i int64) string {
	if f != nil && i >= 0 && int(i) < len(f.Params) {
		return f.Params[i].Name
	}
	return fmt.Sprintf("?param%d", i)
}
