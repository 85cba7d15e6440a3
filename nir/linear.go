package nir

import (
	"fmt"
	"slices"
)

// Shapes here are NIR's: without a batch dimension, so a Conv2d input is
// (Cin, H, W) and PyTorch's (N, Cin, H, W) formulas apply to the last
// three axes. Flattened indices are C order (channel-major, then row,
// then column), exactly what torch.flatten and NIR's arrays use.
//
// Where NIR's own type inference and PyTorch disagree, PyTorch wins,
// because the parameters come from PyTorch modules and NIR's semantics
// are "what the framework computed":
//   - a grouped convolution's input has groups·weight.shape[1] channels
//     (NIR's Conv2d.__post_init__ writes weight.shape[1]);
//   - a Conv2d kernel is (Kh, Kw) (NIR's calculate_conv_output uses
//     weight.shape[2] for both axes).
//
// Shape matching: where a node's parameters fix its input shape (a neuron
// node's parameter arrays, an Affine weight's columns, a Scale or Delay
// vector, a Conv's input_shape, a Flatten's input_type), the given input
// shape must equal it, or have the same number of elements when either
// side is 1-D (a flat vector and an N-D layer of the same size share the
// C-order index space, so nothing is reinterpreted). NIR's reader compares
// shapes exactly; the one relaxation accepts files whose exporters kept a
// layer flat on one side of an edge and N-D on the other.

// Linear is a linear map y = M·x + Bias from a flattened input of In
// elements to a flattened output of Out elements (C order of the NIR
// shapes). Rows[o] lists the nonzero entries of output o in ascending
// input index. Bias is nil when zero.
//
// Exact zeros are never stored: a zero weight is no synapse, as the
// language's dense connector defines it, so Unroll and Compose drop them.
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

// Size limits keep a malformed file from exhausting memory: no shape has
// more than maxElems elements and no unrolled map more than maxEntries
// nonzero entries (16 Mi synapses is far beyond any target's memory).
const (
	maxElems   = 1 << 26
	maxEntries = 1 << 24
)

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
//
// in may be nil when the node's parameters fix its input (every type but
// SumPool2d and AvgPool2d; a Conv needs its input_shape); the input shape
// is then the one the parameters give. Input and Output nodes return
// their shape dataset. A Delay whose delay has one element applies it to
// every input element and returns in. Matching rules: see the comment at
// the top of linear.go.
func OutShape(n *Node, in []int) ([]int, error) {
	if in != nil {
		if err := sizeOK(n, "input", in); err != nil {
			return nil, err
		}
	}
	switch n.Type {
	case "Affine", "Linear":
		w, err := matrix(n)
		if err != nil {
			return nil, err
		}
		if err := matchShape(n, "weight", in, []int{w.Shape[1]}); err != nil {
			return nil, err
		}
		if n.Type == "Affine" {
			if _, err := bias(n, w.Shape[0]); err != nil {
				return nil, err
			}
		}
		return []int{w.Shape[0]}, nil
	case "Scale":
		s, err := floats(n, "scale")
		if err != nil {
			return nil, err
		}
		return vectorShape(n, "scale", s, in)
	case "Delay":
		d, err := floats(n, "delay")
		if err != nil {
			return nil, err
		}
		if d.Len() == 1 && in != nil {
			return slices.Clone(in), nil
		}
		return vectorShape(n, "delay", d, in)
	case "Conv1d", "Conv2d":
		c, err := conv(n, in)
		if err != nil {
			return nil, err
		}
		return c.outShape(), nil
	case "SumPool2d", "AvgPool2d":
		p, err := pool(n, in)
		if err != nil {
			return nil, err
		}
		return p.outShape(), nil
	case "Flatten":
		f, err := flattenSpec(n, in)
		if err != nil {
			return nil, err
		}
		return f.out, nil
	case "Input", "Output":
		d := n.Params["shape"]
		if d == nil || d.Int == nil {
			return nil, linErr(n, "shape", "no integer shape")
		}
		s, err := intsAsShape(n, "shape", d)
		if err != nil {
			return nil, err
		}
		if err := matchShape(n, "shape", in, s); err != nil {
			return nil, err
		}
		return s, nil
	}
	if isNeuronType(n.Type) {
		s := paramShape(n)
		if s == nil {
			return nil, linErr(n, "", "no parameter gives the %s node's shape", n.Type)
		}
		s = slices.Clone(s)
		if len(s) == 0 {
			s = []int{1} // a scalar parameter: one neuron
		}
		if err := sizeOK(n, "", s); err != nil {
			return nil, err
		}
		if err := matchShape(n, firstParam[n.Type], in, s); err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, linErr(n, "type", "no output shape for node type %q", n.Type)
}

// Unroll returns node n, a linear node with input shape in, as a Linear.
//
// Affine and Linear take (out, in) weight matrices (NIR allows leading
// batch axes "(…, out, in)"; those are refused). AvgPool2d divides every
// window's sum by the kernel area: PyTorch's default count_include_pad=True
// (NIR stores no such flag), so zero padding counts in the divisor;
// SumPool2d sums. Pool padding is zeros.
func Unroll(n *Node, in []int) (*Linear, error) {
	if !IsLinear(n.Type) {
		return nil, linErr(n, "type", "node type %q is not a linear map", n.Type)
	}
	out, err := OutShape(n, in)
	if err != nil {
		return nil, err
	}
	if in == nil {
		return nil, linErr(n, "", "unroll needs the input shape")
	}
	nin, nout := prod(in), prod(out)
	l := &Linear{In: nin, Out: nout, Rows: make([][]Entry, nout)}
	switch n.Type {
	case "Affine", "Linear":
		err = unrollMatrix(n, l)
	case "Scale":
		s := n.Params["scale"].Float
		for o := range l.Rows {
			w := s[0]
			if len(s) > 1 {
				w = s[o]
			}
			if w != 0 {
				l.Rows[o] = []Entry{{In: o, W: w}}
			}
		}
	case "Conv1d", "Conv2d":
		c, _ := conv(n, in) // OutShape checked it
		err = c.unroll(n, l)
	case "SumPool2d", "AvgPool2d":
		p, _ := pool(n, in)
		p.unrollPool(l)
	case "Flatten":
		for o := range l.Rows {
			l.Rows[o] = []Entry{{In: o, W: 1}}
		}
	}
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Compose returns b∘a (first a, then b): b.In must equal a.Out.
//
// Entry (o, i) of the product is Σ_m b[o,m]·a[m,i], summed in float64 in
// ascending middle index m (b's row order), so the result is
// deterministic; sums that are exactly zero are dropped. The bias is
// b.M·a.Bias + b.Bias, summed the same way before adding b.Bias[o].
func Compose(a, b *Linear) (*Linear, error) {
	if a == nil || b == nil {
		return nil, &Error{Msg: "compose: a nil linear map"}
	}
	if b.In != a.Out {
		return nil, &Error{Msg: fmt.Sprintf("compose: a %d×%d map after a %d×%d one (%d outputs feed %d inputs)", b.Out, b.In, a.Out, a.In, a.Out, b.In)}
	}
	if err := a.check(); err != nil {
		return nil, err
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	c := &Linear{In: a.In, Out: b.Out, Rows: make([][]Entry, b.Out)}
	acc := make([]float64, a.In)
	mark := make([]int, a.In) // o+1 when acc[i] belongs to row o
	var touched []int
	total := 0
	for o, row := range b.Rows {
		touched = touched[:0]
		for _, eb := range row {
			for _, ea := range a.Rows[eb.In] {
				if mark[ea.In] != o+1 {
					mark[ea.In] = o + 1
					acc[ea.In] = 0
					touched = append(touched, ea.In)
				}
				acc[ea.In] += eb.W * ea.W
			}
		}
		slices.Sort(touched)
		var r []Entry
		for _, i := range touched {
			if acc[i] != 0 {
				r = append(r, Entry{In: i, W: acc[i]})
			}
		}
		total += len(r)
		if total > maxEntries {
			return nil, &Error{Msg: fmt.Sprintf("compose: more than %d nonzero weights", maxEntries)}
		}
		c.Rows[o] = r
	}
	if a.Bias != nil || b.Bias != nil {
		bias := make([]float64, b.Out)
		nonzero := false
		for o, row := range b.Rows {
			s := 0.0
			if a.Bias != nil {
				for _, e := range row {
					s += e.W * a.Bias[e.In]
				}
			}
			if b.Bias != nil {
				s += b.Bias[o]
			}
			bias[o] = s
			nonzero = nonzero || s != 0
		}
		if nonzero {
			c.Bias = bias
		}
	}
	return c, nil
}

// check reports a Linear whose rows, entries or bias disagree with its
// sizes (Compose indexes by them).
func (l *Linear) check() error {
	if len(l.Rows) != l.Out || l.Bias != nil && len(l.Bias) != l.Out {
		return &Error{Msg: fmt.Sprintf("compose: a %d×%d map with %d rows and %d biases", l.Out, l.In, len(l.Rows), len(l.Bias))}
	}
	for o, r := range l.Rows {
		for _, e := range r {
			if e.In < 0 || e.In >= l.In {
				return &Error{Msg: fmt.Sprintf("compose: row %d has input %d of %d", o, e.In, l.In)}
			}
		}
	}
	return nil
}

func linErr(n *Node, dataset, format string, args ...any) error {
	return &Error{Node: n.Name, Dataset: dataset, Msg: fmt.Sprintf(format, args...)}
}

// sizeOK refuses empty, non-positive and oversized shapes.
func sizeOK(n *Node, dataset string, s []int) error {
	size := 1
	for _, x := range s {
		if x < 1 {
			return linErr(n, dataset, "shape %v has a dimension < 1", s)
		}
		if size > maxElems/x {
			return linErr(n, dataset, "shape %v has more than %d elements", s, maxElems)
		}
		size *= x
	}
	return nil
}

// matchShape checks in (nil: not given) against the shape want that a
// node's dataset fixes: equal, or equal sizes with either side 1-D.
func matchShape(n *Node, dataset string, in, want []int) error {
	if in == nil || slices.Equal(in, want) {
		return nil
	}
	if (len(in) == 1 || len(want) == 1) && prod(in) == prod(want) {
		return nil
	}
	return linErr(n, dataset, "input shape %v does not match %v", in, want)
}

// floats returns a float dataset whose values match its shape.
func floats(n *Node, name string) (*Dataset, error) {
	d := n.Params[name]
	if d == nil {
		return nil, linErr(n, name, "missing")
	}
	if d.DType != Float32 && d.DType != Float64 || len(d.Float) != d.Len() {
		return nil, linErr(n, name, "expected %d float values, found dtype %v", d.Len(), d.DType)
	}
	return d, nil
}

// vectorShape is the shape of a Scale or Delay: its parameter's, checked
// against in.
func vectorShape(n *Node, name string, d *Dataset, in []int) ([]int, error) {
	s := slices.Clone(d.Shape)
	if len(s) == 0 {
		s = []int{1}
	}
	if err := sizeOK(n, name, s); err != nil {
		return nil, err
	}
	if err := matchShape(n, name, in, s); err != nil {
		return nil, err
	}
	return s, nil
}

// matrix returns an Affine or Linear weight, a 2-D (out, in) matrix.
func matrix(n *Node) (*Dataset, error) {
	w, err := floats(n, "weight")
	if err != nil {
		return nil, err
	}
	if len(w.Shape) != 2 {
		return nil, linErr(n, "weight", "weight of shape %v: only (out, in) matrices are supported (NIR's leading axes \"(…, out, in)\" are not)", w.Shape)
	}
	if err := sizeOK(n, "weight", w.Shape); err != nil {
		return nil, err
	}
	return w, nil
}

func unrollMatrix(n *Node, l *Linear) error {
	w := n.Params["weight"]
	cols := w.Shape[1]
	total := 0
	for o := range l.Rows {
		var r []Entry
		for i, x := range w.Float[o*cols : (o+1)*cols] {
			if x != 0 {
				r = append(r, Entry{In: i, W: x})
			}
		}
		l.Rows[o] = r
		total += len(r)
	}
	if total > maxEntries {
		return linErr(n, "weight", "more than %d nonzero weights", maxEntries)
	}
	if n.Type != "Affine" {
		return nil
	}
	b, err := bias(n, l.Out)
	if err != nil {
		return err
	}
	l.Bias = b
	return nil
}

// bias returns n's bias of m elements, or nil when absent or all zero.
func bias(n *Node, m int) ([]float64, error) {
	if n.Params["bias"] == nil {
		return nil, nil
	}
	b, err := floats(n, "bias")
	if err != nil {
		return nil, err
	}
	if len(b.Shape) > 1 || len(b.Float) != m {
		return nil, linErr(n, "bias", "bias of shape %v for %d outputs", b.Shape, m)
	}
	for _, x := range b.Float {
		if x != 0 {
			return slices.Clone(b.Float), nil
		}
	}
	return nil, nil
}

// ints returns an integer parameter as k values: k stored values, or one
// (a scalar or a (1,) array) repeated k times.
func ints(n *Node, name string, k int) ([]int, error) {
	d := n.Params[name]
	if d == nil {
		return nil, linErr(n, name, "missing")
	}
	if d.DType != Int64 && d.DType != Int32 || len(d.Int) != d.Len() || len(d.Shape) > 1 {
		return nil, linErr(n, name, "expected an integer scalar or vector, found dtype %v shape %v", d.DType, d.Shape)
	}
	if len(d.Int) != 1 && len(d.Int) != k {
		return nil, linErr(n, name, "%d values for %d spatial dimensions", len(d.Int), k)
	}
	out := make([]int, k)
	for i := range out {
		x := d.Int[0]
		if len(d.Int) > 1 {
			x = d.Int[i]
		}
		if x < -maxElems || x > maxElems {
			return nil, linErr(n, name, "value %d out of range", x)
		}
		out[i] = int(x)
	}
	return out, nil
}

// positive returns ints(n, name, k), each ≥ min.
func positive(n *Node, name string, k, min int) ([]int, error) {
	v, err := ints(n, name, k)
	if err != nil {
		return nil, err
	}
	for _, x := range v {
		if x < min {
			return nil, linErr(n, name, "%v: must be ≥ %d", v, min)
		}
	}
	return v, nil
}

// intsAsShape returns an integer vector dataset as a shape.
func intsAsShape(n *Node, name string, d *Dataset) ([]int, error) {
	if len(d.Shape) > 1 || len(d.Int) != d.Len() {
		return nil, linErr(n, name, "a shape must be an integer vector, found shape %v", d.Shape)
	}
	s := make([]int, len(d.Int))
	for i, x := range d.Int {
		if x < 1 || x > maxElems {
			return nil, linErr(n, name, "shape %v has a dimension out of range", d.Int)
		}
		s[i] = int(x)
	}
	if err := sizeOK(n, name, s); err != nil {
		return nil, err
	}
	return s, nil
}

// window is the geometry a convolution or pool shares, as 2-D (a Conv1d
// is 1×N with a 1×K kernel): input (C, H, W), kernel (Kh, Kw), stride,
// dilation, padding before each axis (top, left; PyTorch pads "same"'s
// odd extra at the end), output (Ho, Wo).
type window struct {
	c, h, w   int
	kh, kw    int
	sh, sw    int
	dh, dw    int
	ph, pw    int
	ho, wo    int
	oneD      bool
	cout, grp int       // convolution only
	weight    []float64 // (Cout, C/grp, Kh, Kw), convolution only
	avg       bool      // AvgPool2d
}

func (g *window) outShape() []int {
	c := g.c
	if g.weight != nil {
		c = g.cout
	}
	if g.oneD {
		return []int{c, g.wo}
	}
	return []int{c, g.ho, g.wo}
}

// outSize is PyTorch's floor((n + lo + hi − d(k−1) − 1)/s) + 1, or an
// error when the dilated kernel is larger than the padded input.
func outSize(n *Node, dataset string, size, lo, hi, k, s, d int) (int, error) {
	span := d*(k-1) + 1
	if size+lo+hi < span {
		return 0, linErr(n, dataset, "kernel of extent %d is larger than the padded input (%d + %d padding)", span, size, lo+hi)
	}
	return (size+lo+hi-span)/s + 1, nil
}

// conv parses a Conv1d or Conv2d node for input shape in (nil: from the
// weight, groups and input_shape).
func conv(n *Node, in []int) (*window, error) {
	k := 2
	if n.Type == "Conv1d" {
		k = 1
	}
	w, err := floats(n, "weight")
	if err != nil {
		return nil, err
	}
	if len(w.Shape) != k+2 {
		return nil, linErr(n, "weight", "a %s weight must have rank %d (Cout, Cin/groups, kernel…), found shape %v", n.Type, k+2, w.Shape)
	}
	if err := sizeOK(n, "weight", w.Shape); err != nil {
		return nil, err
	}
	stride, err := positive(n, "stride", k, 1)
	if err != nil {
		return nil, err
	}
	dil, err := positive(n, "dilation", k, 1)
	if err != nil {
		return nil, err
	}
	grp, err := positive(n, "groups", 1, 1)
	if err != nil {
		return nil, err
	}
	g := &window{oneD: k == 1, cout: w.Shape[0], grp: grp[0], weight: w.Float}
	cin := g.grp * w.Shape[1]
	var spatial []int
	if d := n.Params["input_shape"]; d != nil {
		if d.Int == nil {
			return nil, linErr(n, "input_shape", "expected integers, found dtype %v", d.DType)
		}
		if spatial, err = intsAsShape(n, "input_shape", d); err != nil {
			return nil, err
		}
		if len(spatial) != k {
			return nil, linErr(n, "input_shape", "%d values for %d spatial dimensions", len(spatial), k)
		}
	}
	switch {
	case in != nil:
		if len(in) != k+1 {
			axes := "(C, H, W)"
			if k == 1 {
				axes = "(C, N)"
			}
			return nil, linErr(n, "", "input shape %v: a %s takes %s", in, n.Type, axes)
		}
		if in[0]%g.grp != 0 {
			return nil, linErr(n, "groups", "groups %d does not divide the %d input channels", g.grp, in[0])
		}
		if in[0] != cin {
			return nil, linErr(n, "weight", "weight of shape %v with groups %d takes %d input channels, the input %v has %d", w.Shape, g.grp, cin, in, in[0])
		}
		if spatial != nil && !slices.Equal(spatial, in[1:]) {
			return nil, linErr(n, "input_shape", "input_shape %v does not match the input %v", spatial, in)
		}
		spatial = in[1:]
	case spatial == nil:
		return nil, linErr(n, "input_shape", "missing, and no input shape given")
	}
	if g.cout%g.grp != 0 {
		return nil, linErr(n, "groups", "groups %d does not divide the %d output channels", g.grp, g.cout)
	}
	if _, err := bias(n, g.cout); err != nil {
		return nil, err
	}
	if err := sizeOK(n, "input", append([]int{cin}, spatial...)); err != nil {
		return nil, err
	}
	g.c = cin
	g.h, g.kh, g.sh, g.dh = 1, 1, 1, 1
	g.w, g.kw, g.sw, g.dw = spatial[k-1], w.Shape[k+1], stride[k-1], dil[k-1]
	if k == 2 {
		g.h, g.kh, g.sh, g.dh = spatial[0], w.Shape[2], stride[0], dil[0]
	}
	var lo, hi [2]int // per axis (h, w)
	if d := n.Params["padding"]; d != nil && d.DType == String {
		if len(d.Str) != 1 {
			return nil, linErr(n, "padding", "expected one string, found %d", len(d.Str))
		}
		switch d.Str[0] {
		case "valid":
		case "same":
			if slices.ContainsFunc(stride, func(s int) bool { return s != 1 }) {
				return nil, linErr(n, "padding", "padding \"same\" with stride %v: PyTorch supports \"same\" only for stride 1", stride)
			}
			for a, ext := range [2]int{g.dh * (g.kh - 1), g.dw * (g.kw - 1)} {
				lo[a], hi[a] = ext/2, ext-ext/2
			}
		default:
			return nil, linErr(n, "padding", "padding %q: expected \"same\", \"valid\" or integers", d.Str[0])
		}
	} else {
		p, err := positive(n, "padding", k, 0)
		if err != nil {
			return nil, err
		}
		lo[1], hi[1] = p[k-1], p[k-1]
		if k == 2 {
			lo[0], hi[0] = p[0], p[0]
		}
	}
	g.ph, g.pw = lo[0], lo[1]
	if g.ho, err = outSize(n, "weight", g.h, lo[0], hi[0], g.kh, g.sh, g.dh); err != nil {
		return nil, err
	}
	if g.wo, err = outSize(n, "weight", g.w, lo[1], hi[1], g.kw, g.sw, g.dw); err != nil {
		return nil, err
	}
	if err := sizeOK(n, "", g.outShape()); err != nil {
		return nil, err
	}
	return g, nil
}

// pool parses a SumPool2d or AvgPool2d node for input shape in (C, H, W).
func pool(n *Node, in []int) (*window, error) {
	if in == nil {
		return nil, linErr(n, "", "a %s's output shape needs its input shape", n.Type)
	}
	if len(in) != 3 {
		return nil, linErr(n, "", "input shape %v: a %s takes (C, H, W)", in, n.Type)
	}
	ks, err := positive(n, "kernel_size", 2, 1)
	if err != nil {
		return nil, err
	}
	st, err := positive(n, "stride", 2, 1)
	if err != nil {
		return nil, err
	}
	pd, err := positive(n, "padding", 2, 0)
	if err != nil {
		return nil, err
	}
	g := &window{c: in[0], h: in[1], w: in[2], kh: ks[0], kw: ks[1], sh: st[0], sw: st[1], dh: 1, dw: 1, ph: pd[0], pw: pd[1]}
	g.avg = n.Type == "AvgPool2d"
	// SumPool2d's zero padding is well defined at any width (a padded tap
	// adds nothing), so only AvgPool2d takes PyTorch's limit.
	if g.avg && (2*pd[0] > ks[0] || 2*pd[1] > ks[1]) {
		// Beyond half the kernel a window may hold padding only, and
		// PyTorch refuses it ("pad should be at most half of kernel size").
		return nil, linErr(n, "padding", "padding %v exceeds half the kernel %v (PyTorch refuses it)", pd, ks)
	}
	if g.ho, err = outSize(n, "kernel_size", g.h, g.ph, g.ph, g.kh, g.sh, 1); err != nil {
		return nil, err
	}
	if g.wo, err = outSize(n, "kernel_size", g.w, g.pw, g.pw, g.kw, g.sw, 1); err != nil {
		return nil, err
	}
	return g, nil
}

// taps calls f for every kernel tap (ky, kx) of output (y, x) that lands
// inside the input, at input position (iy, ix), in ascending iy, ix.
func (g *window) taps(y, x int, f func(ky, kx, iy, ix int)) {
	for ky := range g.kh {
		iy := y*g.sh - g.ph + ky*g.dh
		if iy < 0 || iy >= g.h {
			continue
		}
		for kx := range g.kw {
			ix := x*g.sw - g.pw + kx*g.dw
			if ix >= 0 && ix < g.w {
				f(ky, kx, iy, ix)
			}
		}
	}
}

// unroll fills l with the convolution: output (co, y, x) sums, over the
// input channels of co's group (ascending) and the kernel taps inside the
// input, weight[co, ci−group base, ky, kx]·x[ci, iy, ix]; indices grow
// with (ci, iy, ix), so every row is in ascending input order.
func (g *window) unroll(n *Node, l *Linear) error {
	cpg := g.c / g.grp    // input channels per group
	opg := g.cout / g.grp // output channels per group
	hw := g.h * g.w
	total := 0
	for co := range g.cout {
		base := co / opg * cpg
		for y := range g.ho {
			for x := range g.wo {
				var r []Entry
				for c := range cpg {
					wk := g.weight[(co*cpg+c)*g.kh*g.kw:]
					g.taps(y, x, func(ky, kx, iy, ix int) {
						if w := wk[ky*g.kw+kx]; w != 0 {
							r = append(r, Entry{In: (base+c)*hw + iy*g.w + ix, W: w})
						}
					})
				}
				total += len(r)
				if total > maxEntries {
					return linErr(n, "weight", "more than %d nonzero weights", maxEntries)
				}
				l.Rows[(co*g.ho+y)*g.wo+x] = r
			}
		}
	}
	b, err := bias(n, g.cout)
	if err != nil || b == nil {
		return err
	}
	l.Bias = make([]float64, l.Out)
	per := g.ho * g.wo
	for o := range l.Bias {
		l.Bias[o] = b[o/per]
	}
	return nil
}

// unrollPool fills l with a pool: output (c, y, x) sums x[c, iy, ix] over
// the window's taps inside the input, times 1/(Kh·Kw) for AvgPool2d.
func (g *window) unrollPool(l *Linear) {
	w := 1.0
	if g.avg {
		w = 1 / float64(g.kh*g.kw)
	}
	hw := g.h * g.w
	for c := range g.c {
		for y := range g.ho {
			for x := range g.wo {
				var r []Entry
				g.taps(y, x, func(_, _, iy, ix int) {
					r = append(r, Entry{In: c*hw + iy*g.w + ix, W: w})
				})
				l.Rows[(c*g.ho+y)*g.wo+x] = r
			}
		}
	}
}

// flatSpec is a parsed Flatten node.
type flatSpec struct{ out []int }

// flattenSpec parses a Flatten node: start_dim and end_dim (NIR's defaults 1
// and −1 when absent; negative counts from the end, as in PyTorch) over
// the input shape (in, or the input_type dataset when in is nil), which
// has no batch axis.
func flattenSpec(n *Node, in []int) (*flatSpec, error) {
	if d := n.Params["input_type"]; d != nil {
		if d.Int == nil {
			return nil, linErr(n, "input_type", "expected integers, found dtype %v", d.DType)
		}
		s, err := intsAsShape(n, "input_type", d)
		if err != nil {
			return nil, err
		}
		if in != nil && !slices.Equal(in, s) {
			return nil, linErr(n, "input_type", "input_type %v does not match the input %v", s, in)
		}
		in = s
	}
	if in == nil {
		return nil, linErr(n, "input_type", "missing, and no input shape given")
	}
	dims := [2]int{1, -1}
	for k, name := range [2]string{"start_dim", "end_dim"} {
		if n.Params[name] == nil {
			continue
		}
		v, err := ints(n, name, 1)
		if err != nil {
			return nil, err
		}
		d := v[0]
		if d < 0 {
			d += len(in)
		}
		if d < 0 || d >= len(in) {
			return nil, linErr(n, name, "dimension %d out of range for the input %v (no batch axis)", v[0], in)
		}
		dims[k] = d
	}
	if dims[1] < 0 {
		dims[1] += len(in)
	}
	if dims[0] > dims[1] {
		return nil, linErr(n, "start_dim", "start_dim %d comes after end_dim %d for the input %v", dims[0], dims[1], in)
	}
	out := slices.Clone(in[:dims[0]])
	out = append(out, prod(in[dims[0]:dims[1]+1]))
	out = append(out, in[dims[1]+1:]...)
	return &flatSpec{out: out}, nil
}
