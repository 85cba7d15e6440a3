package ir

import (
	"crypto/sha256"
	"encoding/hex"
)

// Fingerprint identifies f's computation: a hash of its text form without
// positions, parameter values and initial state values (per-population and
// per-neuron data, which a generic Func reads at run time and which callers
// load into a kernel's columns). Two Funcs with the same fingerprint
// compute the same step from the same state, inputs and coefficient words,
// so a generated kernel (runtime/kernels) names the Func it implements by
// it and the golden model picks the kernel by it.
func (f *Func) Fingerprint() string {
	p := printer{canon: true}
	p.fn(f)
	sum := sha256.Sum256([]byte(p.String()))
	return hex.EncodeToString(sum[:16])
}
