package passes

// Every diagnostic text of the passes lives in this file (STYLE S3): lower
// case, no full stop, names quoted with %q.
const (
	// network quantization (net.go)
	msgNetParamNoRange   = "population %q gives parameter %q per neuron (%g in neuron %d), but model %s serves only its value %g"
	msgNetParamOutside   = "parameter %q of neuron %d of %q is %g, outside the range [%g, %g] model %s serves"
	msgNetInitNotFit     = "initial value %g of %q in neuron %d of %q does not fit %v (range [%g, %g])"
	msgNetInitOutside    = "initial value %g of %q in neuron %d of %q lies outside its declared range [%g, %g]"
	msgNetWeightNotFit   = "weight %g of synapse %d (%s[%d] -> %s[%d]) does not fit the format %v of port %q (range [%g, %g])"
	msgNetRuleFormat     = "rule %q keeps w as %v, but the weights of port %q are %v: one word cannot be both"
	msgNetDriveFormats   = "the targets of drive %q have ports of formats %v and %v: one word cannot serve both"
	msgNetDriveNotFit    = "%s %g of drive %q does not fit the format %v of port %q (range [%g, %g])"
	msgNetTraceAddNotFit = "trace %q of rule %q adds %g, which does not fit its format %v (range [%g, %g])"

	// range (warnings)
	msgRangeUnrepresentable = "declared range [%g, %g] of %q is not representable in %v (range [%g, %g])"
	msgRangeNoWords         = "declared range [%g, %g] of %q holds no word of %v (range [%g, %g])"
	msgInitOutside          = "initial value %g of %q lies outside its declared range [%g, %g]"
	msgUnproven             = "no bound proven for %q beyond the assumed range [%g, %g]: its commits saturate to its format"
	msgUnprovenClamped      = "no bound proven for %q beyond the assumed range [%g, %g]: its commits are clamped to its declared range [%g, %g]"
	msgTableClamped         = "%s: no bound proven for its argument; the table covers [%g, %g] and clamps outside"
	msgTableSat             = "%s: %d table entries saturate to %v"
	msgTableCapped          = "%s: its results leave %v beyond the argument range [%g, %g]; the table covers that range and clamps outside"
	msgStageSat             = "the stage values of %q (rk2/rk4) are not proven to stay in its format %v (range [%g, %g]): they saturate there"

	// quantize (errors)
	msgInitNotFit     = "initial value %g of %q does not fit %v (range [%g, %g])"
	msgConstNotFit    = "constant %g does not fit %v (range [%g, %g])"
	msgNotFinite      = "constant %g is not a finite number"
	msgTooWide        = "intermediate of %d bits exceeds 64 bits"
	msgCallNotInFixed = "function %q of %d variables cannot be tabulated in fixed point"
	msgRefrTooLong    = "refractory count %g of %q needs more than 64 bits"
	msgTableTooWide   = "%s: its argument spans [%g, %g], too wide for a table of %d segments: declare ranges for what it reads"
	msgParamNotFit    = "a parameter value in [%g, %g] does not fit %v (range [%g, %g])"

	// per-variable formats (Options.Formats; formats.go)
	msgFormatUnknown    = "format %v given for %q, which is no state or input of model %s"
	msgFormatInvalid    = "format %v given for %q has a width outside 1..%d"
	msgFormatRefractory = "format %v given for %q: the refractory counter's width follows from its count"
)
