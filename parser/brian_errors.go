package parser

// Diagnostics of the Brian2 front door (ParseBrian, ParseBrianScript). They
// live here, next to the other msgBrian texts of errors.go, because this
// file is the Brian2 parser's own (STYLE S3: one file of texts per area).
const (
	msgBrFlagUnknown     = "unknown flag %q (the flags of neuron equations are unless refractory, constant, shared, linked and constant over dt)"
	msgBrFlagEventDriven = `flag "event-driven" belongs to synaptic equations: scc eq takes the equations of one neuron group (write the plasticity rule as a .snn synapse)`
	msgBrFlagWhere       = "flag %q applies to %s, not to %s %q"
	msgBrFlagsOpen       = `expected ")" closing the flags of %q`
	msgBrSpecial         = "%q has a special meaning in Brian2 equations and cannot name a variable"
	msgBrInitInput       = "%q is an input (%s : unit): give its value with --input, or declare it %s : unit (constant)"
	msgBrInitLet         = "%q is a subexpression and has no initial value"
	msgBrMethod          = "unknown method %q (want euler, euler_maruyama, exact, linear, exponential_euler, rk2, midpoint, rk4, heun or milstein)"
	msgBrFloorDiv        = "floor division %q is not supported: write floor(a/b)"
	msgBrNoUnit          = `expected ": unit" after %q (every Brian2 equation ends with its unit)`
	msgBrInitTwice       = "initial value of %q is given twice (first at %s)"
)
