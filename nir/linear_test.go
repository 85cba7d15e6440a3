package nir_test

// Tests of the linear maps (linear.go) against references written straight
// from PyTorch's definitions (torch.nn.Conv1d/Conv2d/AvgPool2d, sinabs'
// SumPool2d, torch.flatten) over explicitly zero-padded tensors, and of
// OutShape against NIR's own type inference in the fixtures' JSON dumps.

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"scc/nir"
)

const linTol = 1e-12

// tensor is a C-order array with its shape.
type tensor struct {
	shape []int
	v     []float64
}

func newTensor(shape ...int) *tensor {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return &tensor{shape: shape, v: make([]float64, n)}
}

func (t *tensor) idx(i ...int) int {
	k := 0
	for a, x := range i {
		k = k*t.shape[a] + x
	}
	return k
}

func (t *tensor) at(i ...int) float64 { return t.v[t.idx(i...)] }

func randTensor(r *rand.Rand, shape ...int) *tensor {
	t := newTensor(shape...)
	for k := range t.v {
		t.v[k] = r.Float64()*2 - 1
	}
	return t
}

// randWeights is like randTensor with about one value in five exactly zero
// (no synapse).
func randWeights(r *rand.Rand, shape ...int) *tensor {
	t := randTensor(r, shape...)
	for k := range t.v {
		if r.IntN(5) == 0 {
			t.v[k] = 0
		}
	}
	return t
}

// pad2 zero-pads the two last axes of a (C, H, W) tensor.
func pad2(x *tensor, top, bottom, left, right int) *tensor {
	c, h, w := x.shape[0], x.shape[1], x.shape[2]
	p := newTensor(c, h+top+bottom, w+left+right)
	for ci := range c {
		for y := range h {
			for xx := range w {
				p.v[p.idx(ci, y+top, xx+left)] = x.at(ci, y, xx)
			}
		}
	}
	return p
}

// refConv2d is torch.nn.functional.conv2d on one sample: out[j] = bias[j] +
// Σ_k weight[j, k] ⋆ input[g(j)·Cin/groups + k], ⋆ the dilated, strided
// cross-correlation over the padded input (pad = [top, bottom, left, right]).
func refConv2d(x, w *tensor, b []float64, stride, dil [2]int, pad [4]int, groups int) *tensor {
	p := pad2(x, pad[0], pad[1], pad[2], pad[3])
	cout, cpg, kh, kw := w.shape[0], w.shape[1], w.shape[2], w.shape[3]
	ho := (p.shape[1]-dil[0]*(kh-1)-1)/stride[0] + 1
	wo := (p.shape[2]-dil[1]*(kw-1)-1)/stride[1] + 1
	out := newTensor(cout, ho, wo)
	opg := cout / groups
	for j := range cout {
		g := j / opg
		for y := range ho {
			for xx := range wo {
				s := 0.0
				if b != nil {
					s = b[j]
				}
				for k := range cpg {
					for ky := range kh {
						for kx := range kw {
							s += w.at(j, k, ky, kx) * p.at(g*cpg+k, y*stride[0]+ky*dil[0], xx*stride[1]+kx*dil[1])
						}
					}
				}
				out.v[out.idx(j, y, xx)] = s
			}
		}
	}
	return out
}

// refConv1d is torch.nn.functional.conv1d on one sample (pad = [left, right]).
func refConv1d(x, w *tensor, b []float64, stride, dil int, pad [2]int, groups int) *tensor {
	c, n := x.shape[0], x.shape[1]
	p := newTensor(c, n+pad[0]+pad[1])
	for ci := range c {
		for i := range n {
			p.v[p.idx(ci, i+pad[0])] = x.at(ci, i)
		}
	}
	cout, cpg, k := w.shape[0], w.shape[1], w.shape[2]
	no := (p.shape[1]-dil*(k-1)-1)/stride + 1
	out := newTensor(cout, no)
	opg := cout / groups
	for j := range cout {
		for i := range no {
			s := 0.0
			if b != nil {
				s = b[j]
			}
			for ci := range cpg {
				for kk := range k {
					s += w.at(j, ci, kk) * p.at(j/opg*cpg+ci, i*stride+kk*dil)
				}
			}
			out.v[out.idx(j, i)] = s
		}
	}
	return out
}

// refPool2d is avg_pool2d (count_include_pad=True: the sum over the padded
// window divided by kh·kw) or, avg false, the window sum (SumPool2d).
func refPool2d(x *tensor, k, stride, pad [2]int, avg bool) *tensor {
	p := pad2(x, pad[0], pad[0], pad[1], pad[1])
	ho := (p.shape[1]-k[0])/stride[0] + 1
	wo := (p.shape[2]-k[1])/stride[1] + 1
	out := newTensor(x.shape[0], ho, wo)
	for c := range x.shape[0] {
		for y := range ho {
			for xx := range wo {
				s := 0.0
				for ky := range k[0] {
					for kx := range k[1] {
						s += p.at(c, y*stride[0]+ky, xx*stride[1]+kx)
					}
				}
				if avg {
					s /= float64(k[0] * k[1])
				}
				out.v[out.idx(c, y, xx)] = s
			}
		}
	}
	return out
}

// samePad is PyTorch's padding="same": total d·(k−1), the odd extra at the
// end.
func samePad(k, d int) (lo, hi int) {
	t := d * (k - 1)
	return t / 2, t - t/2
}

// apply computes l·x + l.Bias, checking the rows' invariants (ascending
// input indices, no zero weight, in range).
func apply(t *testing.T, l *nir.Linear, x []float64) []float64 {
	t.Helper()
	if l.In != len(x) || len(l.Rows) != l.Out || l.Bias != nil && len(l.Bias) != l.Out {
		t.Fatalf("Linear %d×%d with %d rows, %d biases, applied to %d values", l.Out, l.In, len(l.Rows), len(l.Bias), len(x))
	}
	y := make([]float64, l.Out)
	for o, r := range l.Rows {
		for k, e := range r {
			if e.In < 0 || e.In >= l.In || k > 0 && e.In <= r[k-1].In {
				t.Fatalf("row %d: entries %v not ascending in [0,%d)", o, r, l.In)
			}
			if e.W == 0 {
				t.Fatalf("row %d: a zero weight stored at input %d", o, e.In)
			}
			y[o] += e.W * x[e.In]
		}
		if l.Bias != nil {
			y[o] += l.Bias[o]
		}
	}
	if l.Bias != nil && !slices.ContainsFunc(l.Bias, func(b float64) bool { return b != 0 }) {
		t.Fatalf("an all-zero bias is stored (want nil)")
	}
	return y
}

func assertClose(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for k := range got {
		if math.Abs(got[k]-want[k]) > linTol {
			t.Fatalf("%s: value %d = %v, want %v (|Δ| %g)", what, k, got[k], want[k], math.Abs(got[k]-want[k]))
		}
	}
}

func fl(t *tensor) *nir.Dataset {
	return &nir.Dataset{DType: nir.Float64, Shape: slices.Clone(t.shape), Float: slices.Clone(t.v)}
}

func fvec(v []float64) *nir.Dataset {
	return &nir.Dataset{DType: nir.Float32, Shape: []int{len(v)}, Float: slices.Clone(v)}
}

func ivec(v ...int) *nir.Dataset {
	d := &nir.Dataset{DType: nir.Int64, Shape: []int{len(v)}}
	for _, x := range v {
		d.Int = append(d.Int, int64(x))
	}
	return d
}

func iscalar(x int) *nir.Dataset {
	return &nir.Dataset{DType: nir.Int64, Int: []int64{int64(x)}}
}

func str(s string) *nir.Dataset { return &nir.Dataset{DType: nir.String, Str: []string{s}} }

// conv2dCase is one Conv2d configuration; pad is "same", "valid" or "".
type conv2dCase struct {
	cin, cout, groups, h, w, kh, kw int
	stride, dil, padInt             [2]int
	pad                             string
	bias                            bool
}

func (c conv2dCase) String() string {
	p := c.pad
	if p == "" {
		p = fmt.Sprint(c.padInt)
	}
	return fmt.Sprintf("in%dx%dx%d_w%dx%dx%dx%d_g%d_s%v_d%v_p%s", c.cin, c.h, c.w, c.cout, c.cin/c.groups, c.kh, c.kw, c.groups, c.stride, c.dil, p)
}

func checkConv2d(t *testing.T, r *rand.Rand, c conv2dCase) {
	t.Helper()
	w := randWeights(r, c.cout, c.cin/c.groups, c.kh, c.kw)
	var b []float64
	if c.bias {
		b = randTensor(r, c.cout).v
	}
	x := randTensor(r, c.cin, c.h, c.w)
	n := &nir.Node{Name: "conv", Type: "Conv2d", Params: map[string]*nir.Dataset{
		"weight": fl(w), "stride": ivec(c.stride[:]...), "dilation": ivec(c.dil[:]...),
		"groups": iscalar(c.groups), "input_shape": ivec(c.h, c.w),
		"bias": fvec(make([]float64, c.cout)),
	}}
	if b != nil {
		n.Params["bias"] = fvec(b)
	}
	var pad [4]int
	switch c.pad {
	case "same":
		n.Params["padding"] = str("same")
		pad[0], pad[1] = samePad(c.kh, c.dil[0])
		pad[2], pad[3] = samePad(c.kw, c.dil[1])
	case "valid":
		n.Params["padding"] = str("valid")
	default:
		n.Params["padding"] = ivec(c.padInt[:]...)
		pad = [4]int{c.padInt[0], c.padInt[0], c.padInt[1], c.padInt[1]}
	}
	want := refConv2d(x, w, b, c.stride, c.dil, pad, c.groups)
	in := []int{c.cin, c.h, c.w}
	shape, err := nir.OutShape(n, in)
	if err != nil {
		t.Fatalf("OutShape(%v): %v", c, err)
	}
	if !slices.Equal(shape, want.shape) {
		t.Fatalf("OutShape(%v) = %v, want %v", c, shape, want.shape)
	}
	if c.pad == "same" && !slices.Equal(shape[1:], in[1:]) {
		t.Fatalf("OutShape(%v) = %v: \"same\" changed the spatial size %v", c, shape, in[1:])
	}
	l, err := nir.Unroll(n, in)
	if err != nil {
		t.Fatalf("Unroll(%v): %v", c, err)
	}
	assertClose(t, c.String(), apply(t, l, x.v), want.v)
}

func TestUnrollConv2d(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 12))
	named := []conv2dCase{
		{cin: 2, cout: 3, groups: 1, h: 6, w: 5, kh: 3, kw: 3, stride: [2]int{1, 1}, dil: [2]int{1, 1}, pad: "same", bias: true},
		{cin: 2, cout: 2, groups: 1, h: 6, w: 7, kh: 4, kw: 2, stride: [2]int{1, 1}, dil: [2]int{1, 1}, pad: "same", bias: true}, // odd totals: the extra at the bottom/right
		{cin: 1, cout: 2, groups: 1, h: 7, w: 6, kh: 2, kw: 3, stride: [2]int{1, 1}, dil: [2]int{2, 2}, pad: "same"},
		{cin: 2, cout: 2, groups: 1, h: 9, w: 8, kh: 3, kw: 3, stride: [2]int{1, 1}, dil: [2]int{2, 2}, padInt: [2]int{1, 2}, bias: true},
		{cin: 4, cout: 6, groups: 2, h: 5, w: 5, kh: 3, kw: 2, stride: [2]int{1, 1}, dil: [2]int{1, 1}, padInt: [2]int{1, 0}, bias: true},
		{cin: 2, cout: 3, groups: 1, h: 9, w: 8, kh: 3, kw: 3, stride: [2]int{2, 2}, dil: [2]int{1, 1}, padInt: [2]int{1, 1}},
		{cin: 2, cout: 2, groups: 2, h: 8, w: 9, kh: 2, kw: 3, stride: [2]int{2, 3}, dil: [2]int{1, 2}, pad: "valid", bias: true},
	}
	for _, c := range named {
		t.Run(c.String(), func(t *testing.T) { checkConv2d(t, r, c) })
	}
	for range 150 {
		c := conv2dCase{groups: 1 + r.IntN(2), kh: 1 + r.IntN(4), kw: 1 + r.IntN(4), bias: r.IntN(2) == 0}
		c.cin, c.cout = c.groups*(1+r.IntN(3)), c.groups*(1+r.IntN(3))
		for a := range 2 {
			c.stride[a], c.dil[a], c.padInt[a] = 1+r.IntN(3), 1+r.IntN(2), r.IntN(3)
		}
		switch r.IntN(4) {
		case 0:
			c.pad = "valid"
		case 1:
			c.pad, c.stride = "same", [2]int{1, 1}
			c.padInt = [2]int{}
		}
		ext := func(a, k int) int {
			if c.pad == "same" {
				return 1
			}
			p := c.padInt[a]
			if c.pad == "valid" {
				p = 0
			}
			return max(1, c.dil[a]*(k-1)+1-2*p)
		}
		c.h, c.w = ext(0, c.kh)+r.IntN(5), ext(1, c.kw)+r.IntN(5)
		t.Run(c.String(), func(t *testing.T) { checkConv2d(t, r, c) })
	}
}

func TestUnrollConv1d(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	type tc struct {
		cin, cout, groups, n, k, stride, dil, pad int
		str                                       string
	}
	cases := []tc{
		{cin: 2, cout: 3, groups: 1, n: 16, k: 3, stride: 2, dil: 1, pad: 1}, // conv1d.nir's geometry
		{cin: 2, cout: 2, groups: 1, n: 7, k: 4, stride: 1, dil: 1, str: "same"},
		{cin: 1, cout: 2, groups: 1, n: 9, k: 3, stride: 1, dil: 2, str: "same"},
		{cin: 4, cout: 2, groups: 2, n: 10, k: 2, stride: 3, dil: 2, pad: 2},
		{cin: 2, cout: 4, groups: 2, n: 6, k: 3, stride: 1, dil: 1, str: "valid"},
	}
	for range 60 {
		c := tc{groups: 1 + r.IntN(2), k: 1 + r.IntN(4), stride: 1 + r.IntN(3), dil: 1 + r.IntN(2), pad: r.IntN(3)}
		c.cin, c.cout = c.groups*(1+r.IntN(3)), c.groups*(1+r.IntN(3))
		c.n = max(1, c.dil*(c.k-1)+1-2*c.pad) + r.IntN(6)
		cases = append(cases, c)
	}
	for _, c := range cases {
		name := fmt.Sprintf("%+v", c)
		t.Run(name, func(t *testing.T) {
			w := randWeights(r, c.cout, c.cin/c.groups, c.k)
			b := randTensor(r, c.cout).v
			x := randTensor(r, c.cin, c.n)
			n := &nir.Node{Name: "c1", Type: "Conv1d", Params: map[string]*nir.Dataset{
				"weight": fl(w), "bias": fvec(b), "stride": iscalar(c.stride), "dilation": iscalar(c.dil),
				"groups": iscalar(c.groups), "padding": iscalar(c.pad), "input_shape": iscalar(c.n),
			}}
			pad := [2]int{c.pad, c.pad}
			switch c.str {
			case "same":
				pad[0], pad[1] = samePad(c.k, c.dil)
				n.Params["padding"] = str("same")
			case "valid":
				pad = [2]int{}
				n.Params["padding"] = str("valid")
			}
			want := refConv1d(x, w, b, c.stride, c.dil, pad, c.groups)
			in := []int{c.cin, c.n}
			for _, arg := range [][]int{in, nil} { // nil: the input from weight, groups and input_shape
				shape, err := nir.OutShape(n, arg)
				if err != nil || !slices.Equal(shape, want.shape) {
					t.Fatalf("OutShape(%v) = %v, %v, want %v", arg, shape, err, want.shape)
				}
			}
			l, err := nir.Unroll(n, in)
			if err != nil {
				t.Fatalf("Unroll: %v", err)
			}
			assertClose(t, name, apply(t, l, x.v), want.v)
		})
	}
}

func TestUnrollPool(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	type tc struct {
		typ            string
		c, h, w        int
		k, stride, pad [2]int
	}
	cases := []tc{
		{"SumPool2d", 4, 8, 8, [2]int{2, 2}, [2]int{2, 2}, [2]int{0, 0}}, // cnn.nir's pool
		{"AvgPool2d", 2, 6, 6, [2]int{3, 3}, [2]int{3, 3}, [2]int{0, 0}}, // cnn_same_avgpool.nir's pool
		{"AvgPool2d", 2, 5, 7, [2]int{3, 2}, [2]int{2, 1}, [2]int{1, 1}}, // padding counts in the divisor
		{"AvgPool2d", 1, 4, 4, [2]int{2, 2}, [2]int{1, 1}, [2]int{1, 1}},
		{"SumPool2d", 3, 7, 5, [2]int{3, 3}, [2]int{2, 2}, [2]int{1, 0}},
	}
	for range 80 {
		c := tc{typ: []string{"SumPool2d", "AvgPool2d"}[r.IntN(2)], c: 1 + r.IntN(3)}
		for a := range 2 {
			c.k[a], c.stride[a] = 1+r.IntN(4), 1+r.IntN(3)
			c.pad[a] = r.IntN(c.k[a]/2 + 1)
		}
		c.h, c.w = max(1, c.k[0]-2*c.pad[0])+r.IntN(5), max(1, c.k[1]-2*c.pad[1])+r.IntN(5)
		cases = append(cases, c)
	}
	for _, c := range cases {
		name := fmt.Sprintf("%+v", c)
		t.Run(name, func(t *testing.T) {
			x := randTensor(r, c.c, c.h, c.w)
			n := &nir.Node{Name: "pool", Type: c.typ, Params: map[string]*nir.Dataset{
				"kernel_size": ivec(c.k[:]...), "stride": ivec(c.stride[:]...), "padding": ivec(c.pad[:]...),
			}}
			want := refPool2d(x, c.k, c.stride, c.pad, c.typ == "AvgPool2d")
			in := []int{c.c, c.h, c.w}
			shape, err := nir.OutShape(n, in)
			if err != nil || !slices.Equal(shape, want.shape) {
				t.Fatalf("OutShape = %v, %v, want %v", shape, err, want.shape)
			}
			l, err := nir.Unroll(n, in)
			if err != nil {
				t.Fatalf("Unroll: %v", err)
			}
			if l.Bias != nil {
				t.Fatalf("a pool has a bias %v", l.Bias)
			}
			assertClose(t, name, apply(t, l, x.v), want.v)
		})
	}
}

// refFlattenShape is torch.flatten's shape rule on a shape without batch.
func refFlattenShape(in []int, start, end int) []int {
	if start < 0 {
		start += len(in)
	}
	if end < 0 {
		end += len(in)
	}
	m := 1
	for _, s := range in[start : end+1] {
		m *= s
	}
	return append(append(slices.Clone(in[:start]), m), in[end+1:]...)
}

func TestUnrollFlatten(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	cases := []struct {
		in         []int
		start, end int
	}{
		{[]int{4, 4, 4}, 0, -1},
		{[]int{2, 3, 4, 5}, 1, -2},
		{[]int{2, 3, 4, 5}, 1, -1},
		{[]int{2, 3, 4, 5}, -3, 2},
		{[]int{2, 3, 4, 5}, 0, 1},
		{[]int{2, 3, 4, 5}, 2, 2},
		{[]int{7}, 0, 0},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%v_%d_%d", c.in, c.start, c.end)
		t.Run(name, func(t *testing.T) {
			n := &nir.Node{Name: "flat", Type: "Flatten", Params: map[string]*nir.Dataset{
				"start_dim": iscalar(c.start), "end_dim": iscalar(c.end), "input_type": ivec(c.in...),
			}}
			want := refFlattenShape(c.in, c.start, c.end)
			for _, arg := range [][]int{c.in, nil} {
				got, err := nir.OutShape(n, arg)
				if err != nil || !slices.Equal(got, want) {
					t.Fatalf("OutShape(%v) = %v, %v, want %v", arg, got, err, want)
				}
			}
			l, err := nir.Unroll(n, c.in)
			if err != nil {
				t.Fatalf("Unroll: %v", err)
			}
			x := randTensor(r, c.in...)
			// torch.flatten keeps the C-order data: the map is the identity.
			assertClose(t, name, apply(t, l, x.v), x.v)
		})
	}
}

func TestUnrollAffineScale(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	w := randWeights(r, 4, 6)
	b := randTensor(r, 4).v
	x := randTensor(r, 6).v
	want := make([]float64, 4)
	for o := range 4 {
		want[o] = b[o]
		for i := range 6 {
			want[o] += w.at(o, i) * x[i]
		}
	}
	aff := &nir.Node{Name: "fc", Type: "Affine", Params: map[string]*nir.Dataset{"weight": fl(w), "bias": fvec(b)}}
	l, err := nir.Unroll(aff, []int{6})
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "Affine", apply(t, l, x), want)

	lin := &nir.Node{Name: "fc", Type: "Linear", Params: map[string]*nir.Dataset{"weight": fl(w)}}
	if l, err = nir.Unroll(lin, []int{6}); err != nil {
		t.Fatal(err)
	}
	for o := range want {
		want[o] -= b[o]
	}
	assertClose(t, "Linear", apply(t, l, x), want)
	// A (2,3) input is the same 6 elements in C order.
	if l, err = nir.Unroll(lin, []int{2, 3}); err != nil {
		t.Fatalf("Unroll(Linear, [2 3]): %v", err)
	}
	assertClose(t, "Linear on (2,3)", apply(t, l, x), want)

	s := randWeights(r, 6).v
	sc := &nir.Node{Name: "s", Type: "Scale", Params: map[string]*nir.Dataset{"scale": fvec(s)}}
	if l, err = nir.Unroll(sc, []int{6}); err != nil {
		t.Fatal(err)
	}
	ws := make([]float64, 6)
	for i := range ws {
		ws[i] = s[i] * x[i]
	}
	assertClose(t, "Scale", apply(t, l, x), ws)
}

// randLinear is a random sparse map, a third of its entries present.
func randLinear(r *rand.Rand, out, in int, bias bool) *nir.Linear {
	l := &nir.Linear{In: in, Out: out, Rows: make([][]nir.Entry, out)}
	for o := range out {
		for i := range in {
			if r.IntN(3) == 0 {
				l.Rows[o] = append(l.Rows[o], nir.Entry{In: i, W: r.Float64()*2 - 1})
			}
		}
	}
	if bias {
		l.Bias = make([]float64, out)
		for o := range l.Bias {
			l.Bias[o] = r.Float64()*2 - 1
		}
	}
	return l
}

func dense(l *nir.Linear) [][]float64 {
	m := make([][]float64, l.Out)
	for o, r := range l.Rows {
		m[o] = make([]float64, l.In)
		for _, e := range r {
			m[o][e.In] = e.W
		}
	}
	return m
}

func TestCompose(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for k := range 40 {
		in, mid, out := 1+r.IntN(8), 1+r.IntN(8), 1+r.IntN(8)
		a, b := randLinear(r, mid, in, k%2 == 0), randLinear(r, out, mid, k%3 == 0)
		c, err := nir.Compose(a, b)
		if err != nil {
			t.Fatalf("Compose: %v", err)
		}
		if c.In != in || c.Out != out {
			t.Fatalf("Compose of %d×%d after %d×%d = %d×%d", out, mid, mid, in, c.Out, c.In)
		}
		x := randTensor(r, in).v
		want := apply(t, b, apply(t, a, x))
		assertClose(t, fmt.Sprintf("case %d", k), apply(t, c, x), want)
		// Every entry is the float64 sum in ascending middle index.
		da, db, dc := dense(a), dense(b), dense(c)
		for o := range out {
			for i := range in {
				s := 0.0
				for m := range mid {
					s += db[o][m] * da[m][i]
				}
				if dc[o][i] != s {
					t.Fatalf("case %d: entry (%d,%d) = %v, want %v summed in ascending middle index", k, o, i, dc[o][i], s)
				}
			}
		}
	}
	// Cancelling products leave no entry, and a zero bias is nil.
	a := &nir.Linear{In: 1, Out: 2, Rows: [][]nir.Entry{{{In: 0, W: 1}}, {{In: 0, W: 1}}}, Bias: []float64{1, 1}}
	b := &nir.Linear{In: 2, Out: 1, Rows: [][]nir.Entry{{{In: 0, W: 2}, {In: 1, W: -2}}}}
	c, err := nir.Compose(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rows[0]) != 0 || c.Bias != nil {
		t.Errorf("Compose(cancelling) = rows %v, bias %v, want no entry and a nil bias", c.Rows, c.Bias)
	}
	if _, err := nir.Compose(b, b); err == nil {
		t.Errorf("Compose of a 1×2 map after a 1×2 map: no error")
	}
}

// TestComposeConvPool composes an unrolled convolution with an unrolled
// pool and checks the result (the conv bias mapped through the pool)
// against the two references applied in turn.
func TestComposeConvPool(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	w := randWeights(r, 3, 2, 3, 3)
	b := randTensor(r, 3).v
	x := randTensor(r, 2, 8, 8)
	conv := &nir.Node{Name: "conv", Type: "Conv2d", Params: map[string]*nir.Dataset{
		"weight": fl(w), "bias": fvec(b), "stride": ivec(1, 1), "dilation": ivec(1, 1),
		"padding": ivec(1, 1), "groups": iscalar(1), "input_shape": ivec(8, 8),
	}}
	pool := &nir.Node{Name: "pool", Type: "AvgPool2d", Params: map[string]*nir.Dataset{
		"kernel_size": ivec(2, 2), "stride": ivec(2, 2), "padding": ivec(1, 1),
	}}
	lc, err := nir.Unroll(conv, []int{2, 8, 8})
	if err != nil {
		t.Fatal(err)
	}
	mid, err := nir.OutShape(conv, []int{2, 8, 8})
	if err != nil {
		t.Fatal(err)
	}
	lp, err := nir.Unroll(pool, mid)
	if err != nil {
		t.Fatal(err)
	}
	c, err := nir.Compose(lc, lp)
	if err != nil {
		t.Fatal(err)
	}
	want := refPool2d(refConv2d(x, w, b, [2]int{1, 1}, [2]int{1, 1}, [4]int{1, 1, 1, 1}, 1), [2]int{2, 2}, [2]int{2, 2}, [2]int{1, 1}, true)
	assertClose(t, "pool∘conv", apply(t, c, x.v), want.v)
}

func TestLinearErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 13))
	conv := func(w *tensor, stride []int, pad *nir.Dataset, groups int, hw ...int) *nir.Node {
		return &nir.Node{Name: "conv", Type: "Conv2d", Params: map[string]*nir.Dataset{
			"weight": fl(w), "bias": fvec(make([]float64, w.shape[0])), "stride": ivec(stride...),
			"dilation": ivec(1, 1), "padding": pad, "groups": iscalar(groups), "input_shape": ivec(hw...),
		}}
	}
	cases := []struct {
		name    string
		n       *nir.Node
		in      []int
		dataset string
		msg     string
	}{
		{"same with stride 2", conv(randTensor(r, 2, 1, 3, 3), []int{2, 2}, str("same"), 1, 6, 6), []int{1, 6, 6}, "padding", "stride"},
		{"conv weight rank 3", conv(randTensor(r, 2, 1, 3), []int{1, 1}, ivec(0, 0), 1, 6, 6), []int{1, 6, 6}, "weight", "rank 4"},
		{"affine weight rank 3", &nir.Node{Name: "fc", Type: "Affine", Params: map[string]*nir.Dataset{
			"weight": fl(randTensor(r, 2, 3, 4)), "bias": fvec(make([]float64, 3))}}, []int{4}, "weight", "(out, in)"},
		{"groups not dividing input channels", conv(randTensor(r, 2, 1, 3, 3), []int{1, 1}, ivec(1, 1), 2, 6, 6), []int{3, 6, 6}, "groups", "does not divide"},
		{"groups not dividing output channels", conv(randTensor(r, 3, 1, 3, 3), []int{1, 1}, ivec(1, 1), 2, 6, 6), []int{2, 6, 6}, "groups", "does not divide"},
		{"kernel larger than padded input", conv(randTensor(r, 1, 1, 5, 5), []int{1, 1}, ivec(1, 1), 1, 2, 2), []int{1, 2, 2}, "weight", "larger than the padded input"},
		{"pool kernel larger than input", &nir.Node{Name: "pool", Type: "SumPool2d", Params: map[string]*nir.Dataset{
			"kernel_size": ivec(4, 4), "stride": ivec(1, 1), "padding": ivec(0, 0)}}, []int{1, 3, 3}, "kernel_size", "larger than the padded input"},
		{"avg pool padding beyond half the kernel", &nir.Node{Name: "pool", Type: "AvgPool2d", Params: map[string]*nir.Dataset{
			"kernel_size": ivec(2, 2), "stride": ivec(1, 1), "padding": ivec(2, 0)}}, []int{1, 3, 3}, "padding", "half"},
		{"padding string", conv(randTensor(r, 1, 1, 3, 3), []int{1, 1}, str("full"), 1, 4, 4), []int{1, 4, 4}, "padding", "expected"},
		{"input channels", conv(randTensor(r, 2, 2, 3, 3), []int{1, 1}, ivec(1, 1), 1, 4, 4), []int{3, 4, 4}, "weight", "input channels"},
		{"input_shape mismatch", conv(randTensor(r, 2, 2, 3, 3), []int{1, 1}, ivec(1, 1), 1, 4, 4), []int{2, 5, 4}, "input_shape", "does not match"},
		{"affine input size", &nir.Node{Name: "fc", Type: "Affine", Params: map[string]*nir.Dataset{
			"weight": fl(randTensor(r, 3, 4)), "bias": fvec(make([]float64, 3))}}, []int{5}, "weight", "does not match"},
		{"affine bias size", &nir.Node{Name: "fc", Type: "Affine", Params: map[string]*nir.Dataset{
			"weight": fl(randTensor(r, 3, 4)), "bias": fvec(make([]float64, 2))}}, []int{4}, "bias", "bias"},
		{"flatten start after end", &nir.Node{Name: "flat", Type: "Flatten", Params: map[string]*nir.Dataset{
			"start_dim": iscalar(2), "end_dim": iscalar(1), "input_type": ivec(2, 3, 4)}}, []int{2, 3, 4}, "start_dim", "after"},
		{"flatten dim out of range", &nir.Node{Name: "flat", Type: "Flatten", Params: map[string]*nir.Dataset{
			"start_dim": iscalar(0), "end_dim": iscalar(3), "input_type": ivec(2, 3, 4)}}, []int{2, 3, 4}, "end_dim", "out of range"},
		{"flatten input_type mismatch", &nir.Node{Name: "flat", Type: "Flatten", Params: map[string]*nir.Dataset{
			"start_dim": iscalar(0), "end_dim": iscalar(-1), "input_type": ivec(2, 3, 4)}}, []int{24}, "input_type", "does not match"},
		{"stride float", &nir.Node{Name: "pool", Type: "SumPool2d", Params: map[string]*nir.Dataset{
			"kernel_size": ivec(2, 2), "stride": fvec([]float64{2, 2}), "padding": ivec(0, 0)}}, []int{1, 4, 4}, "stride", "integer"},
		{"oversized input", conv(randTensor(r, 1, 1, 1, 1), []int{1, 1}, ivec(0, 0), 1, 1<<14, 1<<14), []int{1, 1 << 14, 1 << 14}, "input", "more than"},
		{"neuron shape", &nir.Node{Name: "lif", Type: "LIF", Params: map[string]*nir.Dataset{"tau": fvec([]float64{1, 1, 1})}}, []int{4}, "tau", "does not match"},
		{"neuron N-D shape", &nir.Node{Name: "if", Type: "IF", Params: map[string]*nir.Dataset{"r": {DType: nir.Float32, Shape: []int{2, 3}, Float: make([]float64, 6)}}}, []int{3, 2}, "r", "does not match"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := nir.OutShape(c.n, c.in)
			var e *nir.Error
			if !errors.As(err, &e) {
				t.Fatalf("OutShape(%v) error = %v, want a *nir.Error", c.in, err)
			}
			if e.Node != c.n.Name || e.Dataset != c.dataset || !strings.Contains(e.Msg, c.msg) {
				t.Fatalf("OutShape(%v) error = node %q dataset %q msg %q, want node %q dataset %q msg containing %q", c.in, e.Node, e.Dataset, e.Msg, c.n.Name, c.dataset, c.msg)
			}
			if nir.IsLinear(c.n.Type) {
				if _, err := nir.Unroll(c.n, c.in); !errors.As(err, &e) {
					t.Fatalf("Unroll(%v) error = %v, want a *nir.Error", c.in, err)
				}
			}
		})
	}
	// Unroll refuses what is not a linear map.
	lif := &nir.Node{Name: "lif", Type: "LIF", Params: map[string]*nir.Dataset{"tau": fvec([]float64{1})}}
	if _, err := nir.Unroll(lif, []int{1}); err == nil {
		t.Errorf("Unroll(LIF): no error")
	}
}

// dumpNode is a node of a fixture's JSON "graph" section: NIR's read-back
// with the inferred input and output types.
type dumpNode struct {
	Type   string               `json:"type"`
	Params map[string]dumpParam `json:"params"`
	In     map[string][]int     `json:"input_type"`
	Out    map[string][]int     `json:"output_type"`
	Nodes  map[string]dumpNode  `json:"nodes"`
}

type dumpParam struct {
	DType string          `json:"dtype"`
	Shape []int           `json:"shape"`
	Value json.RawMessage `json:"value"`
}

// dataset builds a parameter from the dump: typed arrays with their
// values (zeros of the right size when the dump holds only a hash; shapes
// need no values), untyped scalars as int64 or a string.
func (p dumpParam) dataset(t *testing.T, where string) *nir.Dataset {
	t.Helper()
	var v any
	if p.Value != nil {
		if err := json.Unmarshal(p.Value, &v); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
	}
	if p.DType == "" {
		switch x := v.(type) {
		case string:
			return str(x)
		case float64:
			if x != math.Trunc(x) {
				t.Fatalf("%s: untyped non-integer scalar %v", where, x)
			}
			return iscalar(int(x))
		}
		t.Fatalf("%s: untyped value %v", where, v)
	}
	d := &nir.Dataset{Shape: p.Shape}
	var flat []float64
	var walk func(x any)
	walk = func(x any) {
		switch x := x.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case float64:
			flat = append(flat, x)
		default:
			t.Fatalf("%s: value %v", where, x)
		}
	}
	if v == nil {
		flat = make([]float64, d.Len())
	} else {
		walk(v)
	}
	switch p.DType {
	case "float32":
		d.DType, d.Float = nir.Float32, flat
	case "float64":
		d.DType, d.Float = nir.Float64, flat
	case "int64", "int32":
		d.DType = nir.Int64
		for _, x := range flat {
			d.Int = append(d.Int, int64(x))
		}
	default:
		t.Fatalf("%s: dtype %s", where, p.DType)
	}
	return d
}

// TestOutShapeFixtures checks OutShape against NIR's own type inference:
// for every node of every fixture graph (nested graphs included), OutShape
// of NIR's inferred input type is NIR's inferred output type; for nodes
// whose parameters fix their input, also with no input shape given.
func TestOutShapeFixtures(t *testing.T) {
	dir := fixtureDir(t)
	var man struct {
		Fixtures []struct{ Name, JSON string }
	}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, f := range man.Fixtures {
		data, err := os.ReadFile(filepath.Join(dir, f.JSON))
		if err != nil {
			t.Fatal(err)
		}
		var dump struct {
			Graph *dumpNode `json:"graph"`
		}
		if err := json.Unmarshal(data, &dump); err != nil {
			t.Fatalf("%s: %v", f.JSON, err)
		}
		if dump.Graph == nil {
			continue // NIRData
		}
		var walk func(path string, n *dumpNode)
		walk = func(path string, n *dumpNode) {
			if n.Type == "NIRGraph" {
				names := make([]string, 0, len(n.Nodes))
				for k := range n.Nodes {
					names = append(names, k)
				}
				sort.Strings(names)
				for _, k := range names {
					c := n.Nodes[k]
					walk(strings.TrimPrefix(path+"."+k, "."), &c)
				}
				return
			}
			node := &nir.Node{Name: path, Type: n.Type, Params: map[string]*nir.Dataset{}}
			for k, p := range n.Params {
				node.Params[k] = p.dataset(t, f.JSON+": "+path+"."+k)
			}
			in, want := n.In["input"], n.Out["output"]
			got, err := nir.OutShape(node, in)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("%s: OutShape(%s %s, %v) = %v, %v, want NIR's %v", f.Name, n.Type, path, in, got, err, want)
			}
			if n.Type != "SumPool2d" && n.Type != "AvgPool2d" {
				if got, err := nir.OutShape(node, nil); err != nil || !slices.Equal(got, want) {
					t.Errorf("%s: OutShape(%s %s, nil) = %v, %v, want NIR's %v", f.Name, n.Type, path, got, err, want)
				}
			}
			seen[n.Type]++
		}
		walk("", dump.Graph)
	}
	for _, typ := range []string{"Conv2d", "Conv1d", "SumPool2d", "AvgPool2d", "Flatten", "Affine", "Linear", "Scale", "Delay", "LIF", "IF", "Input", "Output"} {
		if seen[typ] == 0 {
			t.Errorf("no %s node in the fixtures", typ)
		}
	}
}
