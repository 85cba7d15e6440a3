package sim_test

// Hand-written fixed-phase Funcs for the network tests: a two-port leaky
// integrator and the two event Funcs of an additive STDP rule.

const twoPortIR = `
func TwoPort @1:1 {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  state "v" : q8.8 = 0 raw 0 @1:1
  input "e" : q8.8 @1:1
  input "i" : q8.8 @1:1
b0:
  v0 = state "v" : q8.8 @1:1
  v1 = input "e" : q8.8 @1:1
  v2 = input "i" : q8.8 @1:1
  v3 = const 3 : q8.0 @1:1
  v4 = mul v0, v3 : q16.8 @1:1
  v5 = cast v4 floor sat : q14.6 @1:1
  v6 = cast v5 half_even sat : q14.8 @1:1
  v7 = sub v0, v2 : q9.8 @1:1
  v8 = add v7, v1 : q10.8 @1:1
  v9 = cast v6 floor sat : q10.8 @1:1
  v10 = const 2 : q3.0 @1:1
  v11 = div v8, v10 : q10.8 @1:1
  v12 = sub v11, v9 : q11.8 @1:1
  v13 = add v0, v12 : q12.8 @1:1
  v14 = cast v13 floor sat : q8.8 @1:1
  v15 = const 2560 : q8.8 @1:1
  v16 = ge v14, v15 : bool @1:1
  v17 = const -256 : q8.8 @1:1
  v18 = select v16, v17, v14 : q8.8 @1:1
  v19 = next "v", v18 @1:1
  v20 = spike v16 @1:1
}
`

// stdpIR: on pre w ← clip(w − y, 0, 5), on post w ← clip(w + x, 0, 5),
// x the pre trace and y the post trace (q8.8); a second synapse state c
// counts the events (wrapping), so per-synapse state beyond w is tested.
const stdpIR = `
func OnPre @1:1 {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  state "w" : q8.8 = 0 raw 0 @1:1
  state "c" : q8.0 = 0 raw 0 @1:1
  input "x" : q8.8 @1:1
  input "y" : q8.8 @1:1
b0:
  v0 = state "w" : q8.8 @1:1
  v1 = input "y" : q8.8 @1:1
  v2 = sub v0, v1 : q9.8 @1:1
  v3 = const 0 : q9.8 @1:1
  v4 = lt v2, v3 : bool @1:1
  v5 = select v4, v3, v2 : q9.8 @1:1
  v6 = const 1280 : q9.8 @1:1
  v7 = gt v5, v6 : bool @1:1
  v8 = select v7, v6, v5 : q9.8 @1:1
  v9 = cast v8 floor sat : q8.8 @1:1
  v10 = next "w", v9 @1:1
  v11 = state "c" : q8.0 @1:1
  v12 = const 1 : q8.0 @1:1
  v13 = add v11, v12 : q9.0 @1:1
  v14 = cast v13 floor wrap : q8.0 @1:1
  v15 = next "c", v14 @1:1
}

func OnPost @1:1 {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  state "w" : q8.8 = 0 raw 0 @1:1
  state "c" : q8.0 = 0 raw 0 @1:1
  input "x" : q8.8 @1:1
  input "y" : q8.8 @1:1
b0:
  v0 = state "w" : q8.8 @1:1
  v1 = input "x" : q8.8 @1:1
  v2 = add v0, v1 : q9.8 @1:1
  v3 = const 0 : q9.8 @1:1
  v4 = lt v2, v3 : bool @1:1
  v5 = select v4, v3, v2 : q9.8 @1:1
  v6 = const 1280 : q9.8 @1:1
  v7 = gt v5, v6 : bool @1:1
  v8 = select v7, v6, v5 : q9.8 @1:1
  v9 = cast v8 floor sat : q8.8 @1:1
  v10 = next "w", v9 @1:1
  v11 = state "c" : q8.0 @1:1
  v12 = const 3 : q8.0 @1:1
  v13 = add v11, v12 : q9.0 @1:1
  v14 = cast v13 floor wrap : q8.0 @1:1
  v15 = next "c", v14 @1:1
}
`

// probeIR commits its input: the state shows the gathered word exactly.
const probeIR = `
func Probe @1:1 {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  state "v" : q8.8 = 0 raw 0 @1:1
  input "e" : q8.8 @1:1
b0:
  v0 = input "e" : q8.8 @1:1
  v1 = next "v", v0 @1:1
}
`

// keep412IR keeps a q4.12 synapse state: a rule Func whose weight format
// differs from a q8.8 port.
const keep412IR = `
func Keep412 @1:1 {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  state "w" : q4.12 = 0 raw 0 @1:1
  input "x" : q8.8 @1:1
b0:
  v0 = state "w" : q4.12 @1:1
  v1 = next "w", v0 @1:1
}
`
