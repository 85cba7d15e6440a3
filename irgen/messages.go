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

	// Brian2's methods and builtins (brian.go).
	msgNoiseOutside   = "the noise term %q is only available in a differential equation"
	msgNoiseMethod    = "method %s cannot integrate stochastic equations (d%s/dt reads %s): use euler, heun or milstein"
	msgNoiseNonLin    = "d%s/dt must be linear in the noise term %s (f + g*%[2]s with f and g free of it): found %s"
	msgNoiseMult      = "method euler cannot integrate multiplicative noise: the factor of %[2]s in d%[1]s/dt reads %[3]s; use heun or milstein"
	msgNoiseDiag      = "method milstein needs diagonal noise (each equation its own noise term): d%s/dt %s; use heun"
	msgExpEulerNonLin = "method exponential_euler needs d%s/dt = A*%s + B with A and B free of powers of it: the term %s has %s to the power %s"
	msgExpEulerNoLin  = "method exponential_euler needs d%s/dt = A*%s + B: no term is linear in it (Brian2 integrates only conditionally linear systems)"
	msgExpEulerRange  = "method exponential_euler: e^(A*dt) for %s = e^(%g*%g) is out of float64 range"
)

// Network lowering and its data files (network*.go, csv.go): positions
// are the source item's, or file:line:col inside a data file.
const (
	msgFileRead         = "cannot read %q: %v"
	msgCSVMalformed     = "malformed CSV: %v"
	msgCSVNumber        = "expected a number, found %q"
	msgCSVColumns       = "expected %[2]d %[3]s, found %[1]d"
	msgCSVCount         = "the file has %d values, want %d (one per %s)"
	msgCSVNoColumn      = "no column %q in the header %q"
	msgCSVNoHeader      = "column %q needs a header row naming the columns"
	msgCSVRows          = "the matrix has %d rows, want %d (N_post×N_pre = %[2]d×%[3]d)"
	msgCSVIndex         = "%s %s is outside 0..%d"
	msgCSVSparseColumns = "expected rows pre,post,w[,delay], found %d columns"
	msgDelaySteps       = "a delay must be a whole number of steps ≥ 1, found %s"
	msgSpikeHeader      = "the first column of a spike file is \"step\" or \"time_ms\", found %q"
	msgSpikeGrid        = "spike time %s ms is not a multiple of dt = %s ms"
	msgSpikeStep        = "spike at %s is before step 1 (steps are numbered from 1)"
	msgSpikeTwice       = "neuron %d spikes twice in step %d (also on line %d)"
	msgMatrixShape      = "the dense matrix is %d×%d, want N_post×N_pre = %d×%d"
	msgOneToOne         = "one_to_one needs slices of one size, found %d and %d"
	msgIndegree         = "fixed_indegree(k = %d) needs at least k distinct pre neurons, found %d"
	msgDelayTooLong     = "projection %q has a delay of %d steps: at most %d, and (delay + 1)·(target neurons) at most %d ring words"
	msgTooMany          = "projection %q has %d synapses or candidate pairs, more than the %d scc instantiates"
	msgTooManyNeurons   = "population %q of %d neurons is larger than the %d scc instantiates"
	msgListIndex        = "list pair (%d, %d) is outside the slices (sizes %d and %d)"
	msgDelayValue       = "delay %s is not a whole number of steps ≥ 1 (nor a time that is a multiple of dt = %s ms)"
	msgNotFinite        = "%s: the distribution overflows float64"
	msgDelayDist        = "a delay is drawn only as a constant, uniform(a, b) steps, a file or a column"
	msgDistColumn       = "column(%q) is only available in a sparse file's projection"
	msgParamOutOfRange  = "per-neuron %q = %s is outside its declared range [%s, %s]"
	msgInitOutOfRange   = "per-neuron initial %q = %s is outside its declared range [%s, %s]"
	msgPoissonRate      = "rate·dt = %s rounds to 2^32: not a probability per step"
	msgPoissonLambda    = "poisson_sum mean count per step n·rate·dt = %s is outside 0..%s"
	msgUnknownRule      = "unknown synapse rule %q"
	msgNoModel          = "population %q runs unknown model %q"
	msgBadPopRef        = "no population or source %q in the network"
	msgSliceRange       = "slice %d:%d of %q is outside 0..%d"
)
