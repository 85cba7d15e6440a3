package lang

// Every diagnostic text of the checker lives in this file (STYLE S3):
// lower case, no full stop, names quoted with %q, "expected X, found Y".
const (
	// names and declarations
	msgUnknownName      = "unknown name %q"
	msgUnknownNameState = "unknown name %q (did you mean to declare %q?)"
	msgDuplicate        = "%q is declared twice (first at %s)"
	msgNameIsUnit       = "%q is a unit name and cannot name a %s"
	msgNameIsFunc       = "%q is a builtin function and cannot name a %s"
	msgNameIsBuiltin    = "%q is a builtin name and cannot name a %s"
	msgDuplicateModel   = "model %q is declared twice (first at %s)"
	msgDuplicateNetwork = "network %q is declared twice (first at %s)"

	// equations
	msgEqUndeclared   = "equation for undeclared state %q: declare it with \"state %s = ...\""
	msgEqNotState     = "equation for %s %q: only state variables have equations"
	msgEqTwice        = "second equation for state %q (first at %s)"
	msgCycle          = "cycle in subexpressions: %s"
	msgParamCycle     = "cycle in parameters: %s"
	msgNotConst       = "%s is not a constant expression: it reads %s %q"
	msgNotConstTime   = "%s is not a constant expression: it reads the time \"t\""
	msgAssignNotState = "%s assigns %s %q: only state variables can be assigned"
	msgAssignUnknown  = "%s assigns unknown name %q"
	msgAssignTwice    = "%s assigns %q twice"
	msgUnlessNoRefr   = "(unless refractory) on %q has no effect: the model has no refractory period"

	// spike and refractory
	msgSpikeTwice       = "second spike condition (first at %s)"
	msgRefrTwice        = "second refractory declaration (first at %s)"
	msgRefrNoSpike      = "refractory period without a spike condition"
	msgRefrZeroSteps    = "refractory period %s ms is shorter than half a step (dt = %s ms)"
	msgRefrRounded      = "refractory period %s ms rounded to %d steps of %s ms"
	msgRefrSteps        = "refractory step count must be a whole number, found %s"
	msgRefrNegative     = "refractory period must not be negative, found %s"
	msgRefrNotTime      = "refractory period must be a time or a step count (\"%s steps\"), found %s"
	msgRefrStepsHasUnit = "refractory step count must be dimensionless, found %s"

	// options
	msgOptionUnknown = "unknown option %q"
	msgOptionTwice   = "option %q set twice (first at %s)"
	msgOptionValue   = "expected %s, found %q"
	msgOptionNoValue = "option %q needs a value"
	msgDtPositive    = "dt must be positive, found %s ms"
	msgDtNotTime     = "dt must be a time, found %s"

	// expressions and dimensions
	msgUnknownFunc    = "unknown function %q (known: exp log sqrt tanh sigmoid sin cos abs min max clip pow)"
	msgArity          = "%s expects %d argument%s, found %d"
	msgDimMismatch    = "cannot %s %s and %s"
	msgDimArg         = "argument of %s must be dimensionless, found %s"
	msgDimExponent    = "exponent must be dimensionless, found %s"
	msgExponentConst  = "exponent of a base with dimension %s must be a constant integer"
	msgSqrtDim        = "cannot take the square root of %s: odd exponent"
	msgBoolArith      = "expected a number, found a condition"
	msgNumberCond     = "expected a condition, found a number"
	msgUnknownUnit    = "unknown unit %q"
	msgUnitExpr       = "unit expression may use only unit names and numbers, found %q"
	msgODEDim         = "right side of d%s/dt has dimension %s, expected %s (dimension of %q per time)"
	msgMapDim         = "right side of %s' has dimension %s, expected %s (dimension of %q)"
	msgAssignDim      = "%s assigns %s to %q of dimension %s"
	msgInitDim        = "initial value of %q has dimension %s, expected %s"
	msgRangeDim       = "range bound of %q has dimension %s, expected %s"
	msgRangeOrder     = "empty range of %q: %s > %s"
	msgConstEval      = "cannot evaluate %s: %s"
	msgDivZero        = "division by zero"
	msgNonFinite      = "value is not finite"
	msgSpikeCond      = "spike condition"
	msgAssertCond     = "assertion"
	msgPopModel       = "unknown model %q in population %q"
	msgPopParam       = "model %q has no parameter %q"
	msgPopSize        = "population size must be a positive whole number, found %s"
	msgPopDuplicate   = "population %q is declared twice (first at %s)"
	msgItemInNetwork  = "%s is not allowed in a network"
	msgItemInModel    = "%s is not allowed in a model"
	msgPopOverrideDim = "override of %q has dimension %s, expected %s"
)
