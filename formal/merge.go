package formal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
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
//
// A tap (Miter's Taps) has no harness property: the harness cannot name
// internal signals. Its assertion is therefore a cell of the model itself
// (Assert), added by merge beside the rewiring, so every engine that reads
// the model (yosys-smtbmc on the SMT2, abc on the AIGER made from the
// RTLIL) checks each merged pair in the same run as what rests on it.
//
// What the driver must still enforce (merge cannot): a verdict of a model
// stands only as a verdict of the whole model. PROVEN for a property of a
// model that merged the set S holds only when every property of S is
// PROVEN on that same model (justified); a counterexample is real only at
// the first step at which any assertion of the model fails on that trace
// (after a merged pair breaks, B no longer computes what the real miter
// computes); BOUNDED to depth k holds only when every property of S was
// checked to k in the same run.
type Correspondence struct {
	A, B string // flattened net names, e.g. "a.v_q" and "b.v_out"
	// Prop is the property (or tap) asserting A == B on every cycle.
	Prop string
	// Assert makes merge add the assertion "A == B" (both zero-extended
	// to the wider width), named Prop, to the model, whether or not the
	// pair can be merged: the pair of a tap, which no harness property
	// states.
	Assert bool
}

// unjustified returns the properties of the correspondences merged into a
// model that are not PROVEN on that model (proven: the properties runs on
// it proved): a proof from the model stands only when there are none.
func unjustified(merged []Correspondence, proven map[string]bool) (missing []string) {
	for _, c := range merged {
		if !proven[c.Prop] {
			missing = append(missing, c.Prop)
		}
	}
	return missing
}

// merge rewrites a flattened yosys JSON netlist (top module top): for each
// correspondence whose B side is driven entirely by flip-flop outputs, every
// input port of a cell of design B (cell names "$flatten\b." or "b.") that
// reads one of those bits reads the matching bit of A instead (A
// zero-extended, or its low bits, to B's width). It returns the new
// netlist and the correspondences it applied; a pair whose B side is not a
// register, or that the flattened design no longer has (no assertion of
// this round reads it), is left alone. Each pair marked Assert also gets
// its assertion cell; its signals must be in the netlist.
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
	var nets map[string]ysNet
	if err := json.Unmarshal(mod["netnames"], &nets); err != nil {
		return nil, nil, fmt.Errorf("formal: reading yosys JSON netnames: %v", err)
	}
	// The assertions first: they read B's own register (the shadow), as
	// the harness' comparisons of outputs do.
	asserts := 0
	for _, p := range pairs {
		if !p.Assert {
			continue
		}
		if err := addAssert(cells, nets, p, asserts); err != nil {
			return nil, nil, err
		}
		asserts++
	}
	applied := rewire(cells, nets, bInst, pairs)
	if len(applied) == 0 && asserts == 0 {
		return netlist, nil, nil
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

// rewire makes B's cells read A's bits for every pair whose B side is a
// register, and returns the pairs it applied.
func rewire(cells map[string]*ysCell, nets map[string]ysNet, bInst string, pairs []Correspondence) []Correspondence {
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
		with := func(i int) json.RawMessage {
			if i < len(na.Bits) {
				return na.Bits[i]
			}
			return json.RawMessage(`"0"`)
		}
		// A bit another pair already maps elsewhere cannot read both; one
		// it maps to the same bit (an output that is a register's bit, and
		// a tap on that register) can.
		ok := true
		for i, b := range nb.Bits {
			if r, done := repl[string(b)]; !ffQ[string(b)] || done && string(r) != string(with(i)) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		for i, b := range nb.Bits {
			repl[string(b)] = with(i)
		}
		applied = append(applied, p)
	}
	if len(applied) == 0 {
		return nil
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
	return applied
}

// addAssert adds the cells asserting p.A == p.B on every step (an $eq of
// both sides zero-extended to the wider width, an $assert named p.Prop)
// to a netlist; n numbers the comparison.
func addAssert(cells map[string]*ysCell, nets map[string]ysNet, p Correspondence, n int) error {
	na, oka := nets[p.A]
	nb, okb := nets[p.B]
	if !oka || !okb {
		return fmt.Errorf("formal: %s: no signal %q in the flattened design", p.Prop, missingSide(p.A, p.B, oka))
	}
	if _, dup := cells[p.Prop]; dup {
		return fmt.Errorf("formal: %s: the design already has a cell of that name", p.Prop)
	}
	w := max(len(na.Bits), len(nb.Bits))
	ext := func(bits []json.RawMessage) []json.RawMessage {
		out := append([]json.RawMessage{}, bits...)
		for len(out) < w {
			out = append(out, json.RawMessage(`"0"`))
		}
		return out
	}
	y := json.RawMessage(strconv.Itoa(maxBit(cells, nets) + 1))
	width := fmt.Sprintf("%032b", w)
	zero, one := json.RawMessage(`"`+fmt.Sprintf("%032b", 0)+`"`), json.RawMessage(`"`+fmt.Sprintf("%032b", 1)+`"`)
	cells[fmt.Sprintf("$eq$scc_corr$%d", n)] = &ysCell{HideName: 1, Type: "$eq",
		Parameters: map[string]json.RawMessage{"A_SIGNED": zero, "A_WIDTH": json.RawMessage(`"` + width + `"`),
			"B_SIGNED": zero, "B_WIDTH": json.RawMessage(`"` + width + `"`), "Y_WIDTH": one},
		Attributes:     map[string]json.RawMessage{},
		PortDirections: map[string]string{"A": "input", "B": "input", "Y": "output"},
		Connections:    map[string][]json.RawMessage{"A": ext(na.Bits), "B": ext(nb.Bits), "Y": {y}}}
	cells[p.Prop] = &ysCell{Type: "$assert", Parameters: map[string]json.RawMessage{}, Attributes: map[string]json.RawMessage{},
		PortDirections: map[string]string{"A": "input", "EN": "input"},
		Connections:    map[string][]json.RawMessage{"A": {y}, "EN": {json.RawMessage(`"1"`)}}}
	return nil
}

// maxBit returns the highest signal bit number in use (constants such as
// "0" are strings, signal bits numbers).
func maxBit(cells map[string]*ysCell, nets map[string]ysNet) int {
	m := 1
	see := func(bits []json.RawMessage) {
		for _, b := range bits {
			if n, err := strconv.Atoi(string(b)); err == nil && n > m {
				m = n
			}
		}
	}
	for _, c := range cells {
		for _, bits := range c.Connections {
			see(bits)
		}
	}
	for _, n := range nets {
		see(n.Bits)
	}
	return m
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

// ysNet is a net name of a yosys JSON netlist, as merge reads it.
type ysNet struct {
	Bits []json.RawMessage `json:"bits"`
}

// missingSide names the side of a pair a netlist lacks: a when !oka, else b.
func missingSide(a, b string, oka bool) string {
	if oka {
		return b
	}
	return a
}
