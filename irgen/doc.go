// Package irgen lowers a checked .snn file to real-phase IR: one Func per
// model, with the integration scheme (euler, exact, rk2, rk4, Brian2's
// exponential_euler, heun and milstein) and the cycle
// semantics of DESIGN §4 (candidate state, threshold on the candidate,
// simultaneous reset, refractory counter) expanded into one block of
// dataflow, and one ir.Net per network, fully instantiated (DESIGN §4.1).
//
// Imports: lang, ir and fixed, and of the standard library os,
// path/filepath and encoding/csv for the data files networks name.
//
// Networks (network.go, network_proj.go, network_source.go):
//   - populations and sources become Pops in declaration order; an SC layer
//     is an extern Pop. A population runs its model's Func, or a Func
//     "<Model>_<pop>" lowered with the population's overrides and the
//     network's dt when they differ (two populations with the same model,
//     overrides, dt and ranges share one);
//   - connectivity (every connector), per-neuron values, per-synapse
//     weights and delays are drawn here by one documented generator
//     (network_rand.go: PCG per distribution, seeded from the user's seed
//     and a per-purpose stream), so sim, the exporters and every backend
//     see the same instance; derived per-neuron parameters are recomputed
//     per neuron from the given ones (lang.EvalConst on a copy of the
//     model);
//   - a projection with `with R` refers to an ir.Rule whose event Funcs
//     R__pre and R__post are lowered from the checker's synthesised event
//     models like any model, in the rule's own profile (its format,
//     rounding and overflow options); traces are lowered with their
//     per-step decay e^(−dt/τ) at the network's dt;
//   - the instance is held in memory, so a projection, and a population
//     with per-neuron values, has bounded size (a positioned error beyond).
//
// Data files (csv.go): per-neuron values, dense matrices, sparse connection
// lists, spike trains and drive currents are CSV files read with
// encoding/csv, each once per Lower. A name is opened relative to
// Options.Dir, or else to the directory of the source file that names it
// (lang.Pos.File), through Options.ReadFile (os.ReadFile when nil, so tests
// and the fuzzer serve files from memory). A header row (a first field that
// is not a number) names the columns; blank and '#' lines are skipped.
// Errors inside a file are positioned in it (file:line:col).
//
// Invariants:
//   - the output passes ir.Verify (a failure is a compiler bug and panics);
//   - every value carries the lang.Pos of the source expression it came
//     from, and output is deterministic (nothing ranges over a map while
//     emitting; random draws depend only on the source's seeds);
//   - every right-hand side reads the pre-step state; the threshold and the
//     reset statements read the fitted candidates; every value committed by
//     OpNext passes through exactly one OpFit of its state;
//   - constant subexpressions (numbers, units, parameters after overrides,
//     dt, and lets of those) are folded to one OpConst; division by a
//     constant becomes multiplication by its reciprocal;
//   - every diagnostic is positioned (a lang.ErrorList); its text is in
//     messages.go.
//
// Semantics choices (documented here because the spec leaves them open):
//   - format auto:W is lowered as q(W/2).(W-W/2) (auto:16 → q8.8) until the
//     range pass chooses formats itself;
//   - `exact` is exponential Euler per ODE: dx/dt = a + b·x with b a
//     constant (a may read inputs and other states at their pre-step
//     values) becomes x·e^(b·dt) + a·(e^(b·dt)−1)/b; b = 0 gives Euler;
//     maps are applied as written; anything else is a positioned error;
//   - rk2 is the midpoint method and rk4 the classical one; all ODE states
//     advance together through the stages, maps and held states read
//     pre-step values in every stage, inputs are constant over the step;
//   - Brian2's methods follow brian2/stateupdaters (brian.go, expand.go):
//     exponential_euler expands each right side as sympy's expand and
//     collect(x) do, into A·x + B (A, B may read other states and x inside
//     functions: HH gating, AdEx's exp term goes into B) and steps
//     x' = −B/A + (x + B/A)·e^(A·dt) from pre-step values, emitted as the
//     equal x + dt·f·exprel(A·dt) (no division by a state-dependent A),
//     and x + dt·B where A is 0; a power of x other than 1 is a positioned
//     error (Brian2 would silently drop x² beside x). heun and milstein are
//     Brian2's
//     stochastic schemes and, without noise, Euler (as in Brian2); euler
//     with noise is Euler–Maruyama and refuses multiplicative noise,
//     milstein non-diagonal noise, and rk2/rk4/exact/exponential_euler any
//     noise, as Brian2 does;
//   - a noise term xi_k becomes an input with Noise set, range [−6, 6]
//     (N(0, 1) samples, one per step), and dW_k = √dt·n_k;
//   - the time `t` is a hidden state (Clock, named t or _t, init 0, +dt
//     per step, never held or reset); every context reads its pre-step
//     value except the stages of rk2/rk4 (t + c·dt) and heun's support
//     point (t + dt), as in Brian2;
//   - a refractory condition (ModelInfo.RefractoryCond) is Brian2's
//     not_refractory = not_refractory or not cond: a flag state set by a
//     spike, and the neuron is refractory while it is set and the
//     condition holds on the pre-step values (never before its first
//     spike); the first step it fails clears the flag;
//   - a step-constant let (Brian2's `(constant over dt)`) is computed once
//     from the pre-step values and read by every stage, threshold and
//     reset.
package irgen
