package passes

import "scc/ir"

// dce removes values without uses whose op has a result (void ops are the
// function's effects: next, spike, assert), then renumbers. One backward
// sweep reaches the fixed point: args precede their users, so by the time
// a value is visited every user that will die is already gone.
func dce(f *ir.Func, c *Context) error {
	uses := f.Uses()
	for _, b := range f.Blocks {
		dead := make([]bool, len(b.Values))
		for i := len(b.Values) - 1; i >= 0; i-- {
			v := b.Values[i]
			if v.Op.Info().Void || uses[v.ID] > 0 {
				continue
			}
			dead[i] = true
			for _, a := range v.Args {
				uses[a.ID]--
			}
		}
		out := b.Values[:0]
		for i, v := range b.Values {
			if !dead[i] {
				out = append(out, v)
			}
		}
		clear(b.Values[len(out):])
		b.Values = out
	}
	f.Renumber()
	return nil
}
