package irgen

// Every diagnostic text of the package lives in this file (STYLE S3).
const (
	msgUnknownModel = "unknown model %q"
	msgUnknownParam = "no lowered model has a parameter %q"
	msgBadDt        = "dt must be positive, found %v ms"
	msgTime         = "the time \"t\" is not available in a step function"
	msgUnresolved   = "cannot lower %q"
	msgDivZero      = "division by zero"
	msgExactForm    = "method exact needs d%s/dt = a + b*%s with b constant: %s"
	msgExactNonLin  = "the right side is not linear in %q"
	msgExactCoef    = "the coefficient of %q is not constant"
	msgExactRange   = "e^(b*dt) = e^(%g*%g) is out of float64 range"
)
