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
// it and the golden model picks the kernel by it. The flags of hidden
// states and inputs (State.Clock, Input.Noise) are part of the text and so
// of the fingerprint: they say how a caller drives the Func (t advanced by
// dt, a fresh N(0, 1) sample per step); a Func without them hashes as
// before.
func (f *Func) Fingerprint() string {
	p := printer{canon: true}
	p.fn(f)
	sum := sha256.Sum256([]byte(p.String()))
	return hex.EncodeToString(sum[:16])
}
