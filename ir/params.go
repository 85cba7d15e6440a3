package ir

import (
	"fmt"

	"scc/fixed"
)

// ParamWords evaluates f's parameter block (DESIGN §1: parameters are IR
// data) with the parameter values params, indexed like f.Params, and
// returns the word of every coef op indexed by value ID (0 elsewhere): the
// per-neuron data of a generic module, and what the bind pass substitutes
// to specialise one. A parameter outside its range, or a derived value
// outside the range fact the module was sized for, is an error.
func ParamWords(f *Func, params []float64) ([]int64, error) {
	if len(params) != len(f.Params) {
		return nil, fmt.Errorf("%s: %d parameter values, want %d", f.Name, len(params), len(f.Params))
	}
	for i, p := range f.Params {
		if r := p.Range; r != nil && !(params[i] >= r.Lo && params[i] <= r.Hi) {
			return nil, fmt.Errorf("%s: parameter %q = %v lies outside its range [%v, %v]", f.Name, p.Name, params[i], r.Lo, r.Hi)
		}
	}
	x := make([]float64, f.NumValues())
	if pb := f.ParamBlock; pb != nil {
		for _, v := range pb.Values {
			if v.Op == OpParam {
				x[v.ID] = params[v.AuxInt]
				continue
			}
			r, ok := EvalReal(v, func(i int) float64 { return x[v.Args[i].ID] })
			if !ok {
				return nil, fmt.Errorf("%s: %s cannot be evaluated in a parameter block", f.Name, v.LongString())
			}
			x[v.ID] = r
		}
	}
	words := make([]int64, f.NumValues())
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op != OpCoef {
				continue
			}
			a := v.Args[0]
			y := x[a.ID]
			if v.Type == Bool {
				if y != 0 {
					words[v.ID] = 1
				}
				continue
			}
			if r := a.Range; r != nil && !(y >= r.Lo && y <= r.Hi) {
				return nil, fmt.Errorf("%v: the parameters give %v here, outside the range [%v, %v] the module was sized for", v.Pos, y, r.Lo, r.Hi)
			}
			w, err := fixed.Encode(y, v.Type.Fmt)
			if err != nil {
				return nil, fmt.Errorf("%v: %v", v.Pos, err)
			}
			words[v.ID] = w
		}
	}
	return words, nil
}
