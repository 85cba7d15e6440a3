package irgen

import (
	"scc/ir"
	"scc/lang"
)

// lowerNetworks copies the checked layers of every network that has any
// into the module. The checker already encoded each value as its raw Q8.8
// word, so lowering is a change of representation; networks without layers
// (populations only) are not lowered.
func lowerNetworks(mod *ir.Module, info *lang.Info) {
	for _, ni := range info.Networks {
		if len(ni.Layers) == 0 {
			continue
		}
		n := &ir.Net{Name: ni.Network.Name, Pos: ni.Network.Pos}
		for _, li := range ni.Layers {
			n.Layers = append(n.Layers, &ir.SCLayer{
				Name: li.Layer.Name, Pos: li.Layer.Pos,
				Inputs: li.Inputs, Neurons: li.Neurons, Length: li.Length,
				InputSeed: li.InputSeed, WeightSeed: li.WeightSeed,
				X: append([]int64(nil), li.X...), W: append([]int64(nil), li.W...),
				YMin: li.YMin, YMax: li.YMax, Leak: li.Leak, Gain: li.Gain,
			})
		}
		mod.Nets = append(mod.Nets, n)
	}
}
