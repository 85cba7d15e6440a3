package nir

import "errors"

// Linear is a linear map y = M·x + Bias from a flattened input of In
// elements to a flattened output of Out elements (C order of the NIR
// shapes). Rows[o] lists the nonzero entries of output o in ascending
// input index. Bias is nil when zero.
type Linear struct {
	In, Out int
	Rows    [][]Entry
	Bias    []float64
}

// Entry is one nonzero coefficient of a Linear row.
type Entry struct {
	In int
	W  float64
}

// IsLinear reports whether a node type is a stateless linear map that
// Unroll handles (Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d,
// AvgPool2d, Flatten; Delay is not: it is a projection delay).
func IsLinear(typ string) bool {
	switch typ {
	case "Affine", "Linear", "Scale", "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d", "Flatten":
		return true
	}
	return false
}

// OutShape returns the output shape of node n for input shape in (NIR's
// and PyTorch's rules: padding "same"/"valid" or integers, stride,
// dilation, groups, pooling floor division, Flatten's start/end dims), or
// an error naming the node and the dataset. Neuron nodes and Delay keep
// their parameter shape and require in to match it.
func OutShape(n *Node, in []int) ([]int, error) {
	return nil, errors.New("nir: OutShape not implemented")
}

// Unroll returns node n, a linear node with input shape in, as a Linear.
func Unroll(n *Node, in []int) (*Linear, error) {
	return nil, errors.New("nir: Unroll not implemented")
}

// Compose returns b∘a (first a, then b): b.In must equal a.Out.
func Compose(a, b *Linear) (*Linear, error) {
	return nil, errors.New("nir: Compose not implemented")
}
