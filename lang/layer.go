package lang

import (
	"fmt"
	"math"
	"strings"

	"scc/fixed"
)

// Layer kinds and their settings (spec.md, Layers). sc_dense is the only
// kind: the hand-written sc_dense_matrix_layer, a stochastic-computing dense
// layer whose outputs drive one Q8.8 LIF neuron each.
var (
	layerKinds   = []string{"sc_dense"}
	layerArgs    = []string{"inputs", "neurons", "length"}
	layerSetting = []string{"x", "w", "y", "leak", "gain", "input_seed", "weight_seed"}
)

// Default seed bases of sc_dense (DESIGN §5): input i uses InputSeed+7i,
// the weight of neuron j, input i uses WeightSeed+13(j·inputs+i), mod 2^16.
const (
	DefaultInputSeed  = 0xACE1
	DefaultWeightSeed = 0xBEEF
)

// Limits of a layer's shape: stream_len is a 32-bit port, and the layer is
// unrolled in hardware, so the synapse count is kept within what a design
// (and the golden model) can hold.
const (
	maxLayerLength   = 1<<32 - 1
	maxLayerSynapses = 1 << 20
)

// LayerInfo is a checked layer. Values are raw Q8.8 words (1.0 = 256),
// encoded with round half to even: X and W unsigned (uq8.8: the encoders
// compare them unsigned, so a stream's density is word/65536 = value/256),
// YMin, YMax, Leak and Gain signed (q8.8).
type LayerInfo struct {
	Layer                  *Layer
	Kind                   string
	Inputs, Neurons        int
	Length                 int64
	X                      []int64 // Inputs words
	W                      []int64 // Neurons·Inputs words, neuron-major
	YMin, YMax, Leak, Gain int64
	InputSeed, WeightSeed  uint16
}

// layerChecker checks one layer, using the network's empty model for
// constant evaluation.
type layerChecker struct {
	c     *checker
	empty *ModelInfo
	li    *LayerInfo
}

func (c *checker) layer(l *Layer, empty *ModelInfo) *LayerInfo {
	lc := &layerChecker{c: c, empty: empty, li: &LayerInfo{Layer: l, Kind: l.Kind,
		InputSeed: DefaultInputSeed, WeightSeed: DefaultWeightSeed}}
	if !contains(layerKinds, l.Kind) {
		c.errs.Add(l.KindPos, msgLayerKind, l.Kind, strings.Join(layerKinds, ", "))
		return nil
	}
	ok := lc.args()
	return lc.settings(ok)
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// args checks the shape arguments; ok is false when any is missing or bad.
func (lc *layerChecker) args() bool {
	l, li := lc.li.Layer, lc.li
	seen := map[string]Pos{}
	ok := true
	for _, a := range l.Args {
		if !contains(layerArgs, a.Name) {
			lc.c.errs.Add(a.Pos, msgLayerArg, a.Name, l.Kind, orList(layerArgs))
			ok = false
			continue
		}
		if p, dup := seen[a.Name]; dup {
			lc.c.errs.Add(a.Pos, msgLayerDup, a.Name, p)
			continue
		}
		seen[a.Name] = a.Pos
		v, good := lc.scalar(a.Value)
		hi := float64(maxLayerSynapses)
		if a.Name == "length" {
			hi = maxLayerLength
		}
		if good && (v < 1 || v != math.Trunc(v) || v > hi) {
			lc.c.errs.Add(a.Value.GetPos(), msgLayerCount, a.Name, int64(hi), FormatExpr(a.Value))
			good = false
		}
		if !good {
			ok = false
			continue
		}
		switch a.Name {
		case "inputs":
			li.Inputs = int(v)
		case "neurons":
			li.Neurons = int(v)
		case "length":
			li.Length = int64(v)
		}
	}
	for _, name := range layerArgs {
		if _, found := seen[name]; !found {
			lc.c.errs.Add(l.Pos, msgLayerMissing, "argument", name, l.Name)
			ok = false
		}
	}
	if ok && li.Inputs*li.Neurons > maxLayerSynapses {
		lc.c.errs.Add(l.Pos, msgLayerSize, li.Inputs, li.Neurons, maxLayerSynapses)
		ok = false
	}
	return ok
}

// settings checks the settings; shaped tells whether the arguments are
// known, without which list lengths cannot be checked. It returns nil when
// anything is wrong.
func (lc *layerChecker) settings(shaped bool) *LayerInfo {
	l, li := lc.li.Layer, lc.li
	seen := map[string]Pos{}
	good := map[string]bool{}
	ok := shaped
	for _, a := range l.Settings {
		if !contains(layerSetting, a.Name) {
			lc.c.errs.Add(a.Pos, msgLayerSetting, a.Name, l.Kind, orList(layerSetting))
			ok = false
			continue
		}
		if p, dup := seen[a.Name]; dup {
			lc.c.errs.Add(a.Pos, msgLayerDup, a.Name, p)
			continue
		}
		seen[a.Name] = a.Pos
		if !lc.setting(a, shaped) {
			ok = false
		} else {
			good[a.Name] = true
		}
	}
	for _, name := range layerSetting[:5] { // seeds are optional
		if _, found := seen[name]; !found {
			lc.c.errs.Add(l.Pos, msgLayerMissing, "setting", name, l.Name)
			ok = false
		}
	}
	if good["y"] && li.YMin > li.YMax {
		lc.c.errs.Add(seen["y"], msgLayerYOrder, fixed.Q88.Decode(li.YMin), fixed.Q88.Decode(li.YMax))
		ok = false
	}
	badSeed := !good["input_seed"] && seen["input_seed"].IsValid() ||
		!good["weight_seed"] && seen["weight_seed"].IsValid() // already reported
	if shaped && !badSeed && !lc.seedsNonZero(seen) {
		ok = false
	}
	if !ok {
		return nil
	}
	return li
}

// setting checks one setting; shaped tells whether Inputs and Neurons are
// known.
func (lc *layerChecker) setting(a *Assign, shaped bool) bool {
	li := lc.li
	switch a.Name {
	case "x":
		if !shaped {
			return false
		}
		li.X = make([]int64, 0, li.Inputs)
		return lc.vector(a.Value, li.Inputs, "inputs", false, &li.X)
	case "w":
		l, isList := a.Value.(*List)
		if !isList {
			lc.c.errs.Add(a.Value.GetPos(), msgLayerNeedList, "a list of lists", FormatExpr(a.Value))
			return false
		}
		if !shaped {
			return false
		}
		if len(l.Elems) != li.Neurons {
			lc.c.errs.Add(l.Pos, msgLayerLen, "w", len(l.Elems), li.Neurons, "neurons")
			return false
		}
		ok := true
		li.W = make([]int64, 0, li.Neurons*li.Inputs)
		for _, row := range l.Elems {
			ok = lc.vector(row, li.Inputs, "inputs", false, &li.W) && ok
		}
		return ok
	case "y":
		var y []int64
		if !lc.vector(a.Value, 2, "y_min and y_max", true, &y) {
			return false
		}
		li.YMin, li.YMax = y[0], y[1]
	case "leak", "gain":
		raw, ok := lc.word(a.Value, true)
		if !ok {
			return false
		}
		if a.Name == "leak" {
			li.Leak = raw
		} else {
			li.Gain = raw
		}
	case "input_seed", "weight_seed":
		v, ok := lc.scalar(a.Value)
		if !ok {
			return false
		}
		if v < 1 || v > 0xFFFF || v != math.Trunc(v) {
			lc.c.errs.Add(a.Value.GetPos(), msgLayerSeed, a.Name, FormatExpr(a.Value))
			return false
		}
		if a.Name == "input_seed" {
			li.InputSeed = uint16(v)
		} else {
			li.WeightSeed = uint16(v)
		}
	}
	return true
}

// seedsNonZero reports a seed base that makes some encoder's seed 0 (an
// LFSR seeded with 0 stays 0; the hardware does not guard against it).
func (lc *layerChecker) seedsNonZero(seen map[string]Pos) bool {
	li := lc.li
	ok := true
	for i := 0; i < li.Inputs; i++ {
		if uint16(uint32(li.InputSeed)+7*uint32(i)) == 0 {
			lc.c.errs.Add(seedPos(seen, "input_seed", li.Layer), msgLayerSeedZero, "input", i, li.InputSeed)
			ok = false
			break
		}
	}
	for k := 0; k < li.Inputs*li.Neurons; k++ {
		if uint16(uint32(li.WeightSeed)+13*uint32(k)) == 0 {
			lc.c.errs.Add(seedPos(seen, "weight_seed", li.Layer), msgLayerSeedZero,
				"weight", fmt.Sprintf("(%d, %d)", k/li.Inputs, k%li.Inputs), li.WeightSeed)
			ok = false
			break
		}
	}
	return ok
}

func seedPos(seen map[string]Pos, name string, l *Layer) Pos {
	if p, ok := seen[name]; ok {
		return p
	}
	return l.Pos
}

// vector checks that e is a list of n scalars and appends their words to
// out; what names n in the message.
func (lc *layerChecker) vector(e Expr, n int, what string, signed bool, out *[]int64) bool {
	l, isList := e.(*List)
	if !isList {
		lc.c.errs.Add(e.GetPos(), msgLayerNeedList, "a list", FormatExpr(e))
		return false
	}
	if len(l.Elems) != n {
		lc.c.errs.Add(l.Pos, msgLayerLen, "list", len(l.Elems), n, what)
		return false
	}
	ok := true
	for _, x := range l.Elems {
		raw, good := lc.word(x, signed)
		ok = ok && good
		*out = append(*out, raw)
	}
	return ok
}

// word evaluates e and encodes it as a Q8.8 word, uq8.8 unless signed
// (fixed.Encode, DESIGN §3: round half to even of v·256; a value that does
// not fit is an error, never a clamp).
func (lc *layerChecker) word(e Expr, signed bool) (int64, bool) {
	v, ok := lc.scalar(e)
	if !ok {
		return 0, false
	}
	f := fixed.Q88
	if !signed {
		f = fixed.UQ(8, 8)
	}
	raw, err := fixed.Encode(v, f)
	if err != nil {
		lc.c.errs.Add(e.GetPos(), msgLayerFit, FormatExpr(e), f, f.Decode(f.Min()), f.Decode(f.Max()))
		return 0, false
	}
	return raw, true
}

// scalar evaluates a dimensionless constant.
func (lc *layerChecker) scalar(e Expr) (float64, bool) {
	if _, isList := e.(*List); isList {
		lc.c.errs.Add(e.GetPos(), msgLayerNotList, FormatExpr(e))
		return 0, false
	}
	d := lc.c.constDim(e, lc.empty)
	if d.bad || d.boolean || !d.free && !d.d.IsDimensionless() {
		lc.c.errs.Add(e.GetPos(), msgLayerNumber, FormatExpr(e))
		return 0, false
	}
	v, err := newEvaluator(lc.empty, nil, lc.empty.Dt).eval(e)
	if err != nil {
		lc.c.errs.Append(err)
		return 0, false
	}
	return v, true
}

// orList joins names as `"a", "b" or "c"`.
func orList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
