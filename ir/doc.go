// Package ir is scc's SSA intermediate representation (STYLE S7): a Module
// holds one Func per neuron model; a Func is the step function of the model,
// from its pre-step state and this step's inputs to its post-step state and
// its spike bit, as one block of Values in dependency order. Ops live in one
// table (op.go) whose comments are the normative op semantics; Print and
// Parse round-trip the text form; Verify checks SSA, arity, phase and typing
// invariants and runs after every pass.
//
// Imports: lang (positions) and fixed (formats).
//
// Phases: a module is real (every number f64) until the quantize pass makes
// it fixed (every number a fixed.Format word, casts explicit). Refractoriness
// is ordinary dataflow on an extra state marked refractory.
//
// Parameters are data: Func.Params lists them (a default, optionally the
// range the module serves) and the param op reads one. A generic fixed
// Func keeps a parameter block (`params:`) of real values computed from
// parameters once per neuron; coef ops read them as words. The range pass's
// facts are IR data too: `in [lo, hi]` after a real value's type, `reach
// [lo, hi] proven` on a state.
//
// The text form of a leaky integrate-and-fire model after quantize:
//
//	module "lif.snn" fixed
//
//	func LIF @2:1 {
//	  dt 0.1
//	  format q8.8
//	  round floor
//	  overflow sat
//	  state "v" : q8.8 = -65 raw -16640 in [-90, 0] @8:5
//	  state "_refr" : q6.0 = 0 raw 0 refractory @10:5
//	  input "I" : q8.8 in [-20, 40] @7:5
//	b0:
//	  v0 = state "v" : q8.8 @9:5
//	  v1 = input "I" : q8.8 @9:25
//	  v2 = state "_refr" : q6.0 @10:5
//	  v3 = const 0 : q6.0 @10:5
//	  v4 = ne v2, v3 : bool @10:5
//	  v5 = const -16640 : q8.8 @9:14
//	  v6 = sub v5, v0 : q9.8 @9:14
//	  v7 = add v6, v1 : q10.8 @9:14
//	  v8 = const 20972 : q-6.22 @9:10
//	  v9 = mul v7, v8 : q4.30 @9:10
//	  v10 = cast v9 floor sat : q4.8 @9:10
//	  v11 = add v0, v10 : q9.8 @9:5
//	  v12 = cast v11 floor sat : q8.8 @9:5
//	  v13 = const -12800 : q8.8 @10:20
//	  v14 = ge v12, v13 : bool @10:15
//	  v15 = select v14, v5, v12 : q8.8 @10:5
//	  v16 = select v4, v0, v15 : q8.8 @10:5
//	  v17 = next "v", v16 @8:5
//	  ...
//	  v27 = spike v26 @10:5
//	}
package ir
