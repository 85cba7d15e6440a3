package fixed

import "math"

// Builtin is one builtin function of the language (DESIGN §2): everything
// the compiler knows about it, in one place. The checker takes its arity
// and domain, every real-phase evaluator its Real meaning, range analysis
// its Image, and the quantize pass tabulates Table.
type Builtin struct {
	Name  string
	Arity int
	// Real is the float64 meaning, the normative real-phase semantics.
	Real func(x []float64) float64
	// In reports whether x lies in the function's domain; nil means every
	// real argument does. A finite argument inside the domain may still
	// give a non-finite result (exp(1000)).
	In func(x []float64) bool
	// Domain describes the domain in words for diagnostics ("x > 0").
	Domain string
	// Image bounds Real over arguments in xs (len(xs) == Arity), without
	// derivatives: monotone pieces map their ends, periodic functions are
	// bounded by their amplitude. NaN ends mean nothing is known.
	Image func(xs []RealInterval) RealInterval
	// Table is the function of one argument the quantize pass tabulates
	// (DESIGN §3), nil when the function is not tabulated on its own (min,
	// max and clip are exact in fixed point; pow of two variables cannot
	// be tabulated, pow of a constant exponent is, as part of a
	// univariate subexpression).
	Table func(float64) float64
	// Exact marks the functions fixed point computes without error and
	// never tabulates: floor, ceil and int drop fraction bits (the
	// quantize pass lowers them to casts with rounding floor, floor of the
	// negation, and zero), sign is two compares and a select (irgen).
	Exact bool
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// unary makes the Real of a function of one argument.
func unary(g func(float64) float64) func([]float64) float64 {
	return func(x []float64) float64 { return g(x[0]) }
}

// increasing is the Image of a nondecreasing function of one argument.
func increasing(g func(float64) float64) func([]RealInterval) RealInterval {
	return func(xs []RealInterval) RealInterval { return Hull(g(xs[0].Lo), g(xs[0].Hi)) }
}

func unitWave([]RealInterval) RealInterval { return RealInterval{-1, 1} }

// exprel is Brian2's (e^x − 1)/x, 1 at 0 (increasing everywhere).
func exprel(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Expm1(x) / x
}

// sign is numpy's sign: -1, 0 or 1 (0 for ±0; NaN stays NaN).
func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	if math.IsNaN(x) {
		return x
	}
	return 0 // also for -0
}

// unitArg clamps an interval to [−1, 1], the domain of arcsin and arccos.
func unitArg(a RealInterval) (lo, hi float64) {
	return math.Max(-1, math.Min(1, a.Lo)), math.Max(-1, math.Min(1, a.Hi))
}

// builtins is the table, in the order diagnostics list the names.
var builtins = []*Builtin{
	{Name: "exp", Arity: 1, Real: unary(math.Exp), Image: increasing(math.Exp), Table: math.Exp},
	{Name: "log", Arity: 1, Real: unary(math.Log), Table: math.Log,
		In: func(x []float64) bool { return x[0] > 0 }, Domain: "x > 0",
		Image: func(xs []RealInterval) RealInterval {
			if xs[0].Lo <= 0 {
				return RealInterval{math.Inf(-1), math.Log(xs[0].Hi)}
			}
			return Hull(math.Log(xs[0].Lo), math.Log(xs[0].Hi))
		}},
	{Name: "sqrt", Arity: 1, Real: unary(math.Sqrt), Table: math.Sqrt,
		In: func(x []float64) bool { return x[0] >= 0 }, Domain: "x ≥ 0",
		Image: func(xs []RealInterval) RealInterval {
			if xs[0].Lo < 0 {
				return RealInterval{0, math.Sqrt(math.Max(xs[0].Hi, 0))}
			}
			return Hull(math.Sqrt(xs[0].Lo), math.Sqrt(xs[0].Hi))
		}},
	{Name: "tanh", Arity: 1, Real: unary(math.Tanh), Image: increasing(math.Tanh), Table: math.Tanh},
	{Name: "sigmoid", Arity: 1, Real: unary(sigmoid), Image: increasing(sigmoid), Table: sigmoid},
	{Name: "sin", Arity: 1, Real: unary(math.Sin), Image: unitWave, Table: math.Sin},
	{Name: "cos", Arity: 1, Real: unary(math.Cos), Image: unitWave, Table: math.Cos},
	// Brian2's DEFAULT_FUNCTIONS beyond the above (issue 16).
	{Name: "exprel", Arity: 1, Real: unary(exprel), Image: increasing(exprel), Table: exprel},
	{Name: "sinh", Arity: 1, Real: unary(math.Sinh), Image: increasing(math.Sinh), Table: math.Sinh},
	{Name: "cosh", Arity: 1, Real: unary(math.Cosh), Table: math.Cosh,
		Image: func(xs []RealInterval) RealInterval {
			a := xs[0]
			if a.Lo <= 0 && a.Hi >= 0 {
				return RealInterval{1, math.Max(math.Cosh(a.Lo), math.Cosh(a.Hi))}
			}
			return Hull(math.Cosh(a.Lo), math.Cosh(a.Hi))
		}},
	{Name: "arctan", Arity: 1, Real: unary(math.Atan), Image: increasing(math.Atan), Table: math.Atan},
	{Name: "arcsin", Arity: 1, Real: unary(math.Asin), Table: math.Asin,
		In: func(x []float64) bool { return x[0] >= -1 && x[0] <= 1 }, Domain: "−1 ≤ x ≤ 1",
		Image: func(xs []RealInterval) RealInterval {
			lo, hi := unitArg(xs[0])
			return Hull(math.Asin(lo), math.Asin(hi))
		}},
	{Name: "arccos", Arity: 1, Real: unary(math.Acos), Table: math.Acos,
		In: func(x []float64) bool { return x[0] >= -1 && x[0] <= 1 }, Domain: "−1 ≤ x ≤ 1",
		Image: func(xs []RealInterval) RealInterval {
			lo, hi := unitArg(xs[0])
			return Hull(math.Acos(lo), math.Acos(hi))
		}},
	{Name: "abs", Arity: 1, Real: unary(math.Abs), Table: math.Abs,
		Image: func(xs []RealInterval) RealInterval {
			a := xs[0]
			switch {
			case a.Lo >= 0:
				return a
			case a.Hi <= 0:
				return RealInterval{-a.Hi, -a.Lo}
			}
			return RealInterval{0, math.Max(-a.Lo, a.Hi)}
		}},
	// Whole numbers (Brian2's floor, ceil, sign, int): exact in fixed point.
	{Name: "sign", Arity: 1, Real: unary(sign), Image: increasing(sign), Exact: true},
	{Name: "floor", Arity: 1, Real: unary(math.Floor), Image: increasing(math.Floor), Exact: true},
	{Name: "ceil", Arity: 1, Real: unary(math.Ceil), Image: increasing(math.Ceil), Exact: true},
	{Name: "int", Arity: 1, Real: unary(math.Trunc), Image: increasing(math.Trunc), Exact: true},
	{Name: "min", Arity: 2, Real: func(x []float64) float64 { return math.Min(x[0], x[1]) },
		Image: func(xs []RealInterval) RealInterval {
			return RealInterval{math.Min(xs[0].Lo, xs[1].Lo), math.Min(xs[0].Hi, xs[1].Hi)}
		}},
	{Name: "max", Arity: 2, Real: func(x []float64) float64 { return math.Max(x[0], x[1]) },
		Image: func(xs []RealInterval) RealInterval {
			return RealInterval{math.Max(xs[0].Lo, xs[1].Lo), math.Max(xs[0].Hi, xs[1].Hi)}
		}},
	{Name: "clip", Arity: 3, Real: func(x []float64) float64 { return math.Min(math.Max(x[0], x[1]), x[2]) },
		Image: func(xs []RealInterval) RealInterval {
			return RealInterval{math.Min(math.Max(xs[0].Lo, xs[1].Lo), xs[2].Lo), math.Min(math.Max(xs[0].Hi, xs[1].Hi), xs[2].Hi)}
		}},
	{Name: "pow", Arity: 2, Real: func(x []float64) float64 { return math.Pow(x[0], x[1]) },
		In:     func(x []float64) bool { return PowDefined(x[0], x[1]) },
		Domain: "x > 0, x = 0 with y ≥ 0, or x < 0 with a whole y",
		Image: func(xs []RealInterval) RealInterval {
			a, b := xs[0], xs[1]
			if a.Lo > 0 {
				// x^y = exp(y·log x) is monotone in each argument for x > 0.
				return Hull(math.Pow(a.Lo, b.Lo), math.Pow(a.Lo, b.Hi), math.Pow(a.Hi, b.Lo), math.Pow(a.Hi, b.Hi))
			}
			return Unbounded
		}},
}

var builtinByName = func() map[string]*Builtin {
	m := make(map[string]*Builtin, len(builtins))
	for _, b := range builtins {
		m[b.Name] = b
	}
	return m
}()

// LookupBuiltin returns the builtin function name, or nil.
func LookupBuiltin(name string) *Builtin { return builtinByName[name] }

// BuiltinNames returns the builtin function names in table order.
func BuiltinNames() []string {
	names := make([]string, len(builtins))
	for i, b := range builtins {
		names[i] = b.Name
	}
	return names
}

// Call applies the builtin function name to args in float64 (Builtin.Real;
// outside the domain the result is NaN or infinite, as math gives). ok is
// false for an unknown function or a wrong number of arguments.
func Call(name string, args []float64) (v float64, ok bool) {
	b := builtinByName[name]
	if b == nil || len(args) != b.Arity {
		return 0, false
	}
	return b.Real(args), true
}

// InDomain reports whether args lie in the domain of the builtin name
// (true for an unknown function or a wrong number of arguments: those are
// other errors).
func InDomain(name string, args []float64) bool {
	b := builtinByName[name]
	return b == nil || len(args) != b.Arity || b.In == nil || b.In(args)
}

// Image bounds the builtin name over arguments in xs; Unbounded for an
// unknown function or a wrong number of arguments.
func Image(name string, xs []RealInterval) RealInterval {
	b := builtinByName[name]
	if b == nil || len(xs) != b.Arity {
		return Unbounded
	}
	return b.Image(xs)
}

// PowDefined reports whether x^y is a real number (or a limit of one, as
// 0^0 = 1): x > 0, x = 0 with y ≥ 0, or x < 0 with a whole y. It is the
// domain of pow and of the ^ operator.
func PowDefined(x, y float64) bool {
	switch {
	case x > 0, math.IsNaN(x), math.IsNaN(y):
		return true
	case x == 0:
		return y >= 0
	}
	return y == math.Trunc(y)
}

// RealFunc returns the float64 definition of a nonlinear function of one
// argument the compiler tabulates (Builtin.Table), or nil.
func RealFunc(name string) func(float64) float64 {
	if b := builtinByName[name]; b != nil {
		return b.Table
	}
	return nil
}

// RealInterval is a closed interval [Lo, Hi] of real values; an infinite
// end means no bound. Range analysis computes these (passes.Interval).
type RealInterval struct {
	Lo, Hi float64
}

// Unbounded is the interval of every real.
var Unbounded = RealInterval{math.Inf(-1), math.Inf(1)}

// Contains reports whether x lies in iv.
func (iv RealInterval) Contains(x float64) bool { return x >= iv.Lo && x <= iv.Hi }

// Hull returns the smallest interval holding every non-NaN x (Unbounded
// when all are NaN, e.g. 0·∞).
func Hull(xs ...float64) RealInterval {
	iv := RealInterval{math.Inf(1), math.Inf(-1)}
	for _, x := range xs {
		if math.IsNaN(x) {
			continue
		}
		iv.Lo = math.Min(iv.Lo, x)
		iv.Hi = math.Max(iv.Hi, x)
	}
	if iv.Lo > iv.Hi {
		return Unbounded
	}
	return iv
}
