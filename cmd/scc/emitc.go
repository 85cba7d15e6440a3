package main

import (
	"fmt"
	"io"

	"scc/backend/fixedpoint"
	"scc/ir"
	"scc/lang"
)

// emitNative writes one model's C (--emit c) or LLVM IR (--emit llvm):
// its bit-true step function and population loop (backend/fixedpoint).
// A network, or a population that is not a neuron model, has none.
func emitNative(u *unit, kind, out, top string, stdout io.Writer) error {
	if n := pickNetwork(u.mod, top); n != nil {
		return &failure{fmt.Sprintf("%s: network %s has no %s output: --emit %s writes one neuron model's step function and population loop (name a model or a population with --top)",
			posIn(u, n.Pos), n.Name, kindName(kind), kind)}
	}
	for _, n := range u.mod.Nets {
		for _, p := range n.Pops {
			if p.Name == top && p.Kind != ir.PopNeuron {
				what := "a spike source"
				if p.Kind == ir.PopExtern {
					what = "an extern population (a typed hdl/ module)"
				}
				return &failure{fmt.Sprintf("%s: population %s is %s, not a neuron model: it has no %s output", posIn(u, p.Pos), p.Name, what, kindName(kind))}
			}
		}
	}
	f, err := pick(u.mod, top)
	if err != nil {
		return err
	}
	data, err := bufString(func(w io.Writer) error {
		if kind == "c" {
			return fixedpoint.C(w, f, fixedpoint.COptions{})
		}
		return fixedpoint.LLVM(w, f, fixedpoint.COptions{})
	})
	if err != nil {
		return fmt.Errorf("%s: %v", u.name, err)
	}
	return writeOutput(out, data, stdout)
}

func kindName(kind string) string {
	if kind == "c" {
		return "C"
	}
	return "LLVM"
}

// posIn prints pos with u's file name when it has none.
func posIn(u *unit, pos lang.Pos) string {
	if pos.File == "" {
		pos.File = u.name
	}
	return pos.String()
}
