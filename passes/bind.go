package passes

import (
	"scc/ir"
	"scc/lang"
)

// bind specialises a generic fixed-phase function to its parameters'
// values: every coef op becomes the constant word ir.ParamWords computes,
// and the parameter block goes. Formats, widths and tables stay those
// quantize chose for the parameters' whole ranges, so the module computes
// exactly what a neuron of the generic module with these values computes.
// With Options.KeepParams the module stays generic, and so does a function
// whose network population gives its neurons their own parameter values
// (the golden model computes each neuron's words, ir.ParamWords).
func bind(f *ir.Func, c *Context) error {
	if c.KeepParams || !f.Generic() || perNeuron(c.Module, f) {
		return nil
	}
	words, err := ir.ParamWords(f, f.ParamDefaults())
	if err != nil {
		return lang.ErrorList{c.errorf(f.Pos, "%v", err)}.Err()
	}
	for _, v := range f.Entry().Values {
		if v.Op == ir.OpCoef {
			v.Op, v.Args, v.AuxInt = ir.OpConst, nil, words[v.ID]
		}
	}
	f.ParamBlock = nil
	f.Renumber()
	return nil
}
