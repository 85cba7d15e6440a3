package formal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Register correspondence (van Eijk's method, as sequential equivalence
// checkers apply it). Proving a miter's outputs equal by k-induction asks
// the solver, in the induction step, to show that two copies of the
// next-state logic agree on equal but distinct state variables. z3
// bit-blasts both copies and has to rediscover every internal equivalence:
// for two 16-bit multipliers that does not finish, even for a design
// compared with itself.
//
// A Correspondence pairs a register of design A with one of design B that
// must hold equal values on every cycle. The model handed to the solver
// then lets B's logic read A's register instead of its own, keeping B's
// register as a shadow that the assertions compare with A's:
//
//	B'(t+1) = next_B(A(t), in(t))   asserted == A(t+1)
//
// Sound: while every pair agrees, the merged model and the real miter go
// through the same states (B reads the value it would read anyway), so the
// first step at which a pair differs in the miter is a step at which the
// shadow differs in the merged model, and a proof that no shadow ever
// differs is a proof that no pair ever differs. Structurally alike logic
// now reads the same variables, so the solver sees identical terms.
//
// Only pairs whose own assertion is in the model may be merged: a pair
// merged but not asserted would make B copy A and hide a difference. The
// driver therefore merges exactly the pairs whose property is active in a
// round, so every proof covers all the pairs it relied on.
type Correspondence struct {
	A, B string // flattened net names, e.g. "a.v_q" and "b.v_out"
	// Prop is the property (or tap) asserting A == B on every cycle.
	Prop string
}

// merge rewrites a flattened yosys JSON netlist (top module top): for each
// correspondence whose B side is driven entirely by flip-flop outputs, every
// input port of a cell of design B (cell names "$flatten\b." or "b.") that
// reads one of those bits reads the matching bit of A instead (A
// zero-extended, or its low bits, to B's width). It returns the new
// netlist and the correspondences it applied; a pair whose B side is not a
// register, or that the flattened design no longer has (no assertion of
// this round reads it), is left alone.
func merge(netlist []byte, top, bInst string, pairs []Correspondence) ([]byte, []Correspondence, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(netlist, &doc); err != nil {
		return nil, nil, fmt.Errorf("formal: reading yosys JSON: %v", err)
	}
	var modules map[string]map[string]json.RawMessage
	if err := json.Unmarshal(doc["modules"], &modules); err != nil {
		return nil, nil, fmt.Errorf("formal: reading yosys JSON modules: %v", err)
	}
	mod, ok := modules[top]
	if !ok {
		return nil, nil, fmt.Errorf("formal: no module %q in the flattened netlist", top)
	}
	var cells map[string]*ysCell
	if err := json.Unmarshal(mod["cells"], &cells); err != nil {
		return nil, nil, fmt.Errorf("formal: reading yosys JSON cells: %v", err)
	}
	var nets map[string]struct {
		Bits []json.RawMessage `json:"bits"`
	}
	if err := json.Unmarshal(mod["netnames"], &nets); err != nil {
		return nil, nil, fmt.Errorf("formal: reading yosys JSON netnames: %v", err)
	}
	// Bits driven by a flip-flop's Q.
	ffQ := map[string]bool{}
	for _, c := range cells {
		if c.PortDirections["Q"] != "output" {
			continue
		}
		for _, b := range c.Connections["Q"] {
			ffQ[string(b)] = true
		}
	}
	repl := map[string]json.RawMessage{}
	var applied []Correspondence
	for _, p := range pairs {
		na, oka := nets[p.A]
		nb, okb := nets[p.B]
		if !oka || !okb {
			// Optimized away: nothing asserted reads it in this round.
			continue
		}
		regs := true
		for _, b := range nb.Bits {
			if !ffQ[string(b)] || repl[string(b)] != nil {
				regs = false
			}
		}
		if !regs {
			continue
		}
		for i, b := range nb.Bits {
			r := json.RawMessage(`"0"`)
			if i < len(na.Bits) {
				r = na.Bits[i]
			}
			repl[string(b)] = r
		}
		applied = append(applied, p)
	}
	if len(applied) == 0 {
		return netlist, nil, nil
	}
	prefixes := []string{"$flatten\\" + bInst + ".", bInst + "."}
	for n, c := range cells {
		inB := false
		for _, p := range prefixes {
			inB = inB || strings.HasPrefix(n, p)
		}
		if !inB {
			continue
		}
		for port, bits := range c.Connections {
			if c.PortDirections[port] != "input" {
				continue
			}
			for i, b := range bits {
				if r, ok := repl[string(b)]; ok {
					bits[i] = r
				}
			}
		}
	}
	var err error
	if mod["cells"], err = json.Marshal(cells); err != nil {
		return nil, nil, err
	}
	if doc["modules"], err = json.Marshal(modules); err != nil {
		return nil, nil, err
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, nil, err
	}
	return out.Bytes(), applied, nil
}

// ysCell is a cell of a yosys JSON netlist; fields not named here are
// kept as they were.
type ysCell struct {
	HideName       int                          `json:"hide_name"`
	Type           string                       `json:"type"`
	Parameters     map[string]json.RawMessage   `json:"parameters"`
	Attributes     map[string]json.RawMessage   `json:"attributes"`
	PortDirections map[string]string            `json:"port_directions,omitempty"`
	Connections    map[string][]json.RawMessage `json:"connections"`
}
