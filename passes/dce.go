package passes

import "scc/ir"

// dce removes values without uses (ir.Func.DeleteDead) and renumbers.
func dce(f *ir.Func, c *Context) error {
	f.DeleteDead()
	return nil
}
