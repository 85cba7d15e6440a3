// Package irgen lowers a checked .snn model to real-phase IR: it expands
// the integration scheme (euler, exact, rk2, rk4) and the cycle semantics of
// DESIGN §4 (candidate state, threshold on the candidate, simultaneous
// reset, refractory counter) into one block of dataflow per model.
//
// Imports: lang, ir and fixed only.
//
// Invariants:
//   - the output passes ir.Verify (a failure is a compiler bug and panics);
//   - every value carries the lang.Pos of the source expression it came
//     from, and output is deterministic (nothing ranges over a map while
//     emitting);
//   - every right-hand side reads the pre-step state; the threshold and the
//     reset statements read the fitted candidates; every value committed by
//     OpNext passes through exactly one OpFit of its state;
//   - constant subexpressions (numbers, units, parameters after overrides,
//     dt, and lets of those) are folded to one OpConst; division by a
//     constant becomes multiplication by its reciprocal.
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
//   - the time `t` has no IR value and is rejected.
package irgen
