package ir

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// flagsFunc has a clock state t (t' = t + dt) and a noise input xi.
const flagsFunc = `module "ou.snn" real

func OU @1:1 {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  state "v" : f64 = 0 in [-10, 10] @2:5
  state "t" : f64 = 0 clock @3:5
  state "_refr" : f64 = 0 clock refractory reach [0, 1] proven @4:5
  input "I" : f64 in [-1, 1] @5:5
  input "xi" : f64 in [-6, 6] noise @6:5
  input "xi_1" : f64 noise
b0:
  v0 = state "v" : f64 @7:5
  v1 = input "xi" : f64 @7:9
  v2 = add v0, v1 : f64 @7:5
  v3 = input "I" : f64 @7:9
  v4 = add v2, v3 : f64 @7:5
  v5 = input "xi_1" : f64
  v6 = add v4, v5 : f64 @7:5
  v7 = fit "v", v6 : f64 @7:5
  v8 = next "v", v7 @7:5
  v9 = state "t" : f64 @3:5
  v10 = const 0.1 : f64 @3:5
  v11 = add v9, v10 : f64 @3:5
  v12 = next "t", v11 @3:5
  v13 = state "_refr" : f64 @4:5
  v14 = next "_refr", v13 @4:5
}
`

// TestFlagsRoundTrip: State.Clock and Input.Noise survive Parse(Print),
// alone and next to the other state suffixes, and change the fingerprint
// (a Func without them hashes as if the flags did not exist).
func TestFlagsRoundTrip(t *testing.T) {
	m, err := Parse(flagsFunc)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(m); err != nil {
		t.Fatal(err)
	}
	f := m.Funcs[0]
	var clocks, noises []string
	for _, s := range f.States {
		if s.Clock {
			clocks = append(clocks, s.Name)
		}
	}
	for _, in := range f.Inputs {
		if in.Noise {
			noises = append(noises, in.Name)
		}
	}
	if diff := cmp.Diff([]string{"t", "_refr"}, clocks); diff != "" {
		t.Errorf("clock states (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"xi", "xi_1"}, noises); diff != "" {
		t.Errorf("noise inputs (-want +got):\n%s", diff)
	}
	if r := f.Inputs[1].Range; r == nil || r.Lo != -6 || r.Hi != 6 {
		t.Errorf("xi range = %+v, want [-6, 6]", r)
	}
	if s := f.States[2]; !s.Refractory || s.Reach == nil || !s.Proven {
		t.Errorf("_refr = %+v: lost refractory or reach next to clock", s)
	}
	if f.States[1].Range != nil {
		t.Errorf("t range = %+v, want none", f.States[1].Range)
	}
	got := m.String()
	if diff := cmp.Diff(flagsFunc, got); diff != "" {
		t.Errorf("Print(Parse(src)) differs (-want +got):\n%s", diff)
	}

	fp := f.Fingerprint()
	f.Inputs[1].Noise = false
	noNoise := f.Fingerprint()
	f.States[1].Clock = false
	neither := f.Fingerprint()
	if fp == noNoise || noNoise == neither {
		t.Errorf("fingerprints %s, %s, %s: a flag does not change it", fp, noNoise, neither)
	}
	f.Inputs[1].Noise, f.States[1].Clock = true, true
	if again := f.Fingerprint(); again != fp {
		t.Errorf("fingerprint not a function of the text: %s then %s", fp, again)
	}
	// Without flags, the text has no trace of them.
	f.Inputs[1].Noise, f.Inputs[2].Noise, f.States[1].Clock, f.States[2].Clock = false, false, false, false
	if s := m.String(); strings.Contains(s, "noise") || strings.Contains(s, "clock") {
		t.Errorf("flags printed after clearing:\n%s", s)
	}
}
