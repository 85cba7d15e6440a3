package passes

import (
	"math"

	"scc/fixed"
	"scc/ir"
)

// Interval is a closed interval [Lo, Hi] of real values; infinite ends mean
// no bound was found. Bool values get [0, 1].
type Interval struct {
	Lo, Hi float64
}

// Contains reports whether x lies in iv.
func (iv Interval) Contains(x float64) bool { return x >= iv.Lo && x <= iv.Hi }

func point(x float64) Interval { return Interval{x, x} }

var unbounded = Interval{math.Inf(-1), math.Inf(1)}

// hull returns the smallest interval holding every non-NaN x (unbounded
// when all are NaN, e.g. 0·∞).
func hull(xs ...float64) Interval {
	iv := Interval{math.Inf(1), math.Inf(-1)}
	for _, x := range xs {
		if math.IsNaN(x) {
			continue
		}
		iv.Lo = math.Min(iv.Lo, x)
		iv.Hi = math.Max(iv.Hi, x)
	}
	if iv.Lo > iv.Hi {
		return unbounded
	}
	return iv
}

// formatRange is the real range representable in f.
func formatRange(f fixed.Format) Interval {
	return Interval{f.Decode(f.Min()), f.Decode(f.Max())}
}

// declared returns a state's or input's interval: its declared range, else
// the state format's range.
func declared(r *ir.Range, f fixed.Format) Interval {
	if r != nil {
		return Interval{r.Lo, r.Hi}
	}
	return formatRange(f)
}

// rangePass computes the real intervals of every value of f for later
// passes (the tables of nonlinear functions need their argument's proven
// range) and warns about declared ranges the state format cannot hold and
// initial values outside their declared range.
func rangePass(f *ir.Func, c *Context) error {
	fr := formatRange(f.Format)
	for _, s := range f.States {
		if s.Range == nil {
			continue
		}
		if s.Range.Lo < fr.Lo || s.Range.Hi > fr.Hi {
			c.Warnf(s.Pos, msgRangeUnrepresentable, s.Range.Lo, s.Range.Hi, s.Name, f.Format, fr.Lo, fr.Hi)
		}
		if s.Init < s.Range.Lo || s.Init > s.Range.Hi {
			c.Warnf(s.Pos, msgInitOutside, s.Init, s.Name, s.Range.Lo, s.Range.Hi)
		}
	}
	for _, in := range f.Inputs {
		if in.Range != nil && (in.Range.Lo < fr.Lo || in.Range.Hi > fr.Hi) {
			c.Warnf(in.Pos, msgRangeUnrepresentable, in.Range.Lo, in.Range.Hi, in.Name, f.Format, fr.Lo, fr.Hi)
		}
	}
	c.ranges[f] = Intervals(f)
	return nil
}

// Intervals returns, indexed by value ID, an interval holding every real
// value each value of f can take when states and inputs lie in their
// declared ranges (or, undeclared, the state format's range). Void values
// get the zero Interval.
func Intervals(f *ir.Func) []Interval {
	ivs := make([]Interval, f.NumValues())
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			ivs[v.ID] = valueInterval(f, v, ivs)
		}
	}
	return ivs
}

func valueInterval(f *ir.Func, v *ir.Value, ivs []Interval) Interval {
	if v.Op.Info().Void {
		return Interval{}
	}
	if v.Type == ir.Bool {
		if v.Op == ir.OpConst {
			return point(float64(v.AuxInt))
		}
		return Interval{0, 1}
	}
	arg := func(i int) Interval { return ivs[v.Args[i].ID] }
	switch v.Op {
	case ir.OpConst:
		return point(v.AuxFloat)
	case ir.OpState:
		s := f.States[v.AuxInt]
		return declared(s.Range, f.Format)
	case ir.OpInput:
		return declared(f.Inputs[v.AuxInt].Range, f.Format)
	case ir.OpAdd:
		a, b := arg(0), arg(1)
		return hull(a.Lo+b.Lo, a.Hi+b.Hi)
	case ir.OpSub:
		a, b := arg(0), arg(1)
		return hull(a.Lo-b.Hi, a.Hi-b.Lo)
	case ir.OpNeg:
		a := arg(0)
		return Interval{-a.Hi, -a.Lo}
	case ir.OpMul:
		a, b := arg(0), arg(1)
		return hull(a.Lo*b.Lo, a.Lo*b.Hi, a.Hi*b.Lo, a.Hi*b.Hi)
	case ir.OpDiv:
		a, b := arg(0), arg(1)
		if b.Contains(0) {
			return unbounded
		}
		return hull(a.Lo/b.Lo, a.Lo/b.Hi, a.Hi/b.Lo, a.Hi/b.Hi)
	case ir.OpSelect:
		a, b := arg(1), arg(2)
		return Interval{math.Min(a.Lo, b.Lo), math.Max(a.Hi, b.Hi)}
	case ir.OpFit:
		// The commit: sat clamps into the format, wrap may land anywhere.
		a, fr := arg(0), formatRange(f.Format)
		if s := f.States[v.AuxInt]; s.Type.Kind == ir.KFixed {
			fr = formatRange(s.Type.Fmt)
		}
		if f.Overflow == fixed.Sat {
			return Interval{clamp(a.Lo, fr), clamp(a.Hi, fr)}
		}
		if a.Lo >= fr.Lo && a.Hi <= fr.Hi {
			return a
		}
		return fr
	case ir.OpCall:
		xs := make([]Interval, len(v.Args))
		for i := range v.Args {
			xs[i] = arg(i)
		}
		return callInterval(v.AuxName, xs)
	}
	return unbounded
}

func clamp(x float64, r Interval) float64 { return math.Max(r.Lo, math.Min(r.Hi, x)) }

// callInterval bounds the nonlinear functions: monotone ones map their
// ends, the periodic ones are bounded by ±1, anything else is unbounded.
func callInterval(name string, xs []Interval) Interval {
	mono := func(g func(float64) float64) Interval {
		if len(xs) != 1 {
			return unbounded
		}
		return hull(g(xs[0].Lo), g(xs[0].Hi))
	}
	switch name {
	case "exp", "tanh":
		if name == "exp" {
			return mono(math.Exp)
		}
		return mono(math.Tanh)
	case "sigmoid":
		return mono(func(x float64) float64 { return 1 / (1 + math.Exp(-x)) })
	case "log":
		if len(xs) == 1 && xs[0].Lo <= 0 {
			return Interval{math.Inf(-1), math.Log(xs[0].Hi)}
		}
		return mono(math.Log)
	case "sqrt":
		if len(xs) == 1 && xs[0].Lo < 0 {
			return Interval{0, math.Sqrt(math.Max(xs[0].Hi, 0))}
		}
		return mono(math.Sqrt)
	case "sin", "cos":
		return Interval{-1, 1}
	case "abs":
		if len(xs) != 1 {
			return unbounded
		}
		a := xs[0]
		if a.Lo >= 0 {
			return a
		}
		if a.Hi <= 0 {
			return Interval{-a.Hi, -a.Lo}
		}
		return Interval{0, math.Max(-a.Lo, a.Hi)}
	case "min", "max":
		if len(xs) != 2 {
			return unbounded
		}
		g := math.Min
		if name == "max" {
			g = math.Max
		}
		return Interval{g(xs[0].Lo, xs[1].Lo), g(xs[0].Hi, xs[1].Hi)}
	case "clip":
		if len(xs) != 3 {
			return unbounded
		}
		return Interval{math.Min(math.Max(xs[0].Lo, xs[1].Lo), xs[2].Lo), math.Min(math.Max(xs[0].Hi, xs[1].Hi), xs[2].Hi)}
	case "pow":
		if len(xs) == 2 && xs[0].Lo > 0 {
			// x^y = exp(y·log x) is monotone in each argument for x > 0.
			a, b := xs[0], xs[1]
			return hull(math.Pow(a.Lo, b.Lo), math.Pow(a.Lo, b.Hi), math.Pow(a.Hi, b.Lo), math.Pow(a.Hi, b.Hi))
		}
	}
	return unbounded
}
