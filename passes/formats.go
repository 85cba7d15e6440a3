package passes

import (
	"slices"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// varFormats are the word formats of one function's states and inputs:
// the function's format, unless Options.Formats names the variable (scc
// build --budget's format search). given marks the named ones.
type varFormats struct {
	state, input           []fixed.Format
	givenState, givenInput []bool
}

// any reports whether Options.Formats fixes some variable of the function.
func (vf varFormats) any() bool {
	return slices.Contains(vf.givenState, true) || slices.Contains(vf.givenInput, true)
}

// formatsOf returns f's variable formats and the errors of its entry in
// Options.Formats: a name that is no state or input, a format outside
// 1..64 bits, or the refractory counter (whose width quantize derives
// from the count it is loaded with). Names are checked in sorted order so
// the diagnostics are deterministic.
func (c *Context) formatsOf(f *ir.Func) (varFormats, lang.ErrorList) {
	vf := varFormats{
		state: make([]fixed.Format, len(f.States)), givenState: make([]bool, len(f.States)),
		input: make([]fixed.Format, len(f.Inputs)), givenInput: make([]bool, len(f.Inputs)),
	}
	for i := range vf.state {
		vf.state[i] = f.Format
	}
	for i := range vf.input {
		vf.input[i] = f.Format
	}
	given := c.Formats[f.Name]
	if len(given) == 0 {
		return vf, nil
	}
	var errs lang.ErrorList
	names := make([]string, 0, len(given))
	for n := range given {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		ft := given[n]
		si := slices.IndexFunc(f.States, func(s *ir.State) bool { return s.Name == n })
		ii := slices.IndexFunc(f.Inputs, func(in *ir.Input) bool { return in.Name == n })
		switch {
		case si < 0 && ii < 0:
			errs = append(errs, c.errorf(f.Pos, msgFormatUnknown, ft, n, f.Name))
		case !ft.Valid():
			errs = append(errs, c.errorf(f.Pos, msgFormatInvalid, ft, n, fixed.MaxWidth))
		case si >= 0 && f.States[si].Refractory:
			errs = append(errs, c.errorf(f.States[si].Pos, msgFormatRefractory, ft, n))
		case si >= 0:
			vf.state[si], vf.givenState[si] = ft, true
		default:
			vf.input[ii], vf.givenInput[ii] = ft, true
		}
	}
	return vf, errs
}
