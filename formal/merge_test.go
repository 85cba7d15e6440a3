package formal

import (
	"encoding/json"
	"testing"
)

// mergeNetlist is a flattened miter in yosys' JSON form: B's register
// b.y (bits 5, 6) feeds B's adder and the harness' comparison; A's
// register a.x is bits 2, 3; b.w (bit 9) is a wire driven by B's logic,
// not a register; b.y0 is b.y's low bit (an output wired to it).
const mergeNetlist = `{
 "creator": "test",
 "modules": {
  "miter": {
   "attributes": {"top": "00000000000000000000000000000001"},
   "ports": {"clk": {"direction": "input", "bits": [1]}},
   "cells": {
    "$flatten\\a.$procdff$1": {"hide_name": 1, "type": "$adff", "parameters": {}, "attributes": {},
      "port_directions": {"CLK": "input", "D": "input", "Q": "output"},
      "connections": {"CLK": [1], "D": [7, 8], "Q": [2, 3]}},
    "$flatten\\b.$procdff$2": {"hide_name": 1, "type": "$adff", "parameters": {}, "attributes": {},
      "port_directions": {"CLK": "input", "D": "input", "Q": "output"},
      "connections": {"CLK": [1], "D": [10, 11], "Q": [5, 6]}},
    "$flatten\\b.$add$3": {"hide_name": 1, "type": "$add", "parameters": {}, "attributes": {},
      "port_directions": {"A": "input", "B": "input", "Y": "output"},
      "connections": {"A": [5, 6], "B": [6, "1"], "Y": [10, 11]}},
    "$flatten\\b.$not$4": {"hide_name": 1, "type": "$not", "parameters": {}, "attributes": {},
      "port_directions": {"A": "input", "Y": "output"},
      "connections": {"A": [5], "Y": [9]}},
    "$eq$5": {"hide_name": 1, "type": "$eq", "parameters": {}, "attributes": {},
      "port_directions": {"A": "input", "B": "input", "Y": "output"},
      "connections": {"A": [2, 3], "B": [5, 6], "Y": [12]}}
   },
   "netnames": {
    "a.x": {"hide_name": 0, "bits": [2, 3], "attributes": {}},
    "b.y": {"hide_name": 0, "bits": [5, 6], "attributes": {}},
    "b.y0": {"hide_name": 0, "bits": [5], "attributes": {}},
    "b.w": {"hide_name": 0, "bits": [9], "attributes": {}},
    "a.narrow": {"hide_name": 0, "bits": [2], "attributes": {}}
   }
  }
 }
}`

func mergedCells(t *testing.T, pairs []Correspondence) (map[string]*ysCell, []Correspondence) {
	t.Helper()
	cells, applied, err := tryMerge(pairs)
	if err != nil {
		t.Fatal(err)
	}
	return cells, applied
}

func tryMerge(pairs []Correspondence) (map[string]*ysCell, []Correspondence, error) {
	out, applied, err := merge([]byte(mergeNetlist), "miter", "b", pairs)
	if err != nil {
		return nil, nil, err
	}
	var doc struct {
		Modules map[string]struct {
			Cells map[string]*ysCell `json:"cells"`
		} `json:"modules"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return nil, nil, err
	}
	return doc.Modules["miter"].Cells, applied, nil
}

func bits(c *ysCell, port string) string {
	b, _ := json.Marshal(c.Connections[port])
	return string(b)
}

func TestMergeRewiresOnlyB(t *testing.T) {
	cells, applied := mergedCells(t, []Correspondence{{A: "a.x", B: "b.y", Prop: "equal_y"}})
	if len(applied) != 1 {
		t.Fatalf("applied %v, want the register pair", applied)
	}
	for _, c := range []struct{ cell, port, want string }{
		{"$flatten\\b.$add$3", "A", `[2,3]`},       // B's logic reads A's register
		{"$flatten\\b.$add$3", "B", `[3,"1"]`},     // bit by bit, constants kept
		{"$flatten\\b.$not$4", "A", `[2]`},         // every B cell
		{"$flatten\\b.$procdff$2", "Q", `[5,6]`},   // B's register stays: the shadow
		{"$eq$5", "B", `[5,6]`},                    // the harness compares the shadow
		{"$flatten\\a.$procdff$1", "D", `[7,8]`},   // A untouched
		{"$flatten\\b.$procdff$2", "D", `[10,11]`}, // B's next state from its logic
	} {
		if got := bits(cells[c.cell], c.port); got != c.want {
			t.Errorf("%s.%s = %s, want %s", c.cell, c.port, got, c.want)
		}
	}
}

func TestMergeZeroExtendsNarrowA(t *testing.T) {
	cells, _ := mergedCells(t, []Correspondence{{A: "a.narrow", B: "b.y", Prop: "tap"}})
	if got := bits(cells["$flatten\\b.$add$3"], "A"); got != `[2,"0"]` {
		t.Errorf("B reads %s, want A zero-extended [2,\"0\"]", got)
	}
}

func TestMergeSkips(t *testing.T) {
	for _, p := range []Correspondence{
		{A: "a.x", B: "b.w", Prop: "not_a_register"}, // B side not driven by a flip-flop
		{A: "a.gone", B: "b.y", Prop: "optimized_away"},
	} {
		cells, applied := mergedCells(t, []Correspondence{p})
		if len(applied) != 0 {
			t.Errorf("%s: applied %v, want none", p.Prop, applied)
		}
		if got := bits(cells["$flatten\\b.$add$3"], "A"); got != `[5,6]` {
			t.Errorf("%s: B's adder rewired to %s", p.Prop, got)
		}
	}
}

// TestMergeOverlap: an output that is a register's low bit and a tap on
// the whole register read the same A bits, so both merge; a pair that
// would map a bit already merged to another one is left alone.
func TestMergeOverlap(t *testing.T) {
	_, applied := mergedCells(t, []Correspondence{{A: "a.narrow", B: "b.y0", Prop: "equal_y0"}, {A: "a.x", B: "b.y", Prop: "tap"}})
	if len(applied) != 2 {
		t.Errorf("consistent pairs: applied %v, want both", applied)
	}
	cells, applied := mergedCells(t, []Correspondence{{A: "a.x", B: "b.y", Prop: "tap"}, {A: "a.narrow", B: "b.y", Prop: "other"}})
	if len(applied) != 1 || applied[0].Prop != "tap" {
		t.Errorf("conflicting pairs: applied %v, want only the first", applied)
	}
	if got := bits(cells["$flatten\\b.$add$3"], "B"); got != `[3,"1"]` {
		t.Errorf("conflicting pairs: B's adder reads %s, want the first pair's [3,\"1\"]", got)
	}
}

// TestMergeAssertsTaps: a pair marked Assert gets its own $assert over
// both sides zero-extended (reading B's shadow register, like the
// harness' output comparisons), whether or not the pair merges; pairs
// without Assert get none; a tap on a missing signal is an error.
func TestMergeAssertsTaps(t *testing.T) {
	for _, c := range []struct {
		pair         Correspondence
		merged       bool
		wantA, wantB string
	}{
		{Correspondence{A: "a.narrow", B: "b.y", Prop: "tap_n", Assert: true}, true, `[2,"0"]`, `[5,6]`},
		{Correspondence{A: "a.x", B: "b.w", Prop: "tap_w", Assert: true}, false, `[2,3]`, `[9,"0"]`},
	} {
		cells, applied := mergedCells(t, []Correspondence{c.pair})
		if got := len(applied) == 1; got != c.merged {
			t.Errorf("%s: merged = %v, want %v", c.pair.Prop, got, c.merged)
		}
		as := cells[c.pair.Prop]
		if as == nil || as.Type != "$assert" || bits(as, "EN") != `["1"]` {
			t.Fatalf("%s: cell %+v, want an always enabled $assert", c.pair.Prop, as)
		}
		var eq *ysCell
		for _, x := range cells {
			if x.Type == "$eq" && bits(x, "Y") == bits(as, "A") {
				eq = x
			}
		}
		if eq == nil {
			t.Fatalf("%s: no $eq drives the assertion", c.pair.Prop)
		}
		if bits(eq, "A") != c.wantA || bits(eq, "B") != c.wantB {
			t.Errorf("%s: compares %s with %s, want %s with %s", c.pair.Prop, bits(eq, "A"), bits(eq, "B"), c.wantA, c.wantB)
		}
		if y := bits(eq, "Y"); y != `[13]` {
			t.Errorf("%s: comparison drives %s, want the fresh bit [13]", c.pair.Prop, y)
		}
	}
	cells, _ := mergedCells(t, []Correspondence{{A: "a.x", B: "b.y", Prop: "equal_y"}})
	for n, c := range cells {
		if c.Type == "$assert" {
			t.Errorf("a pair without Assert added %s", n)
		}
	}
	if _, _, err := tryMerge([]Correspondence{{A: "a.x", B: "b.typo", Prop: "tap", Assert: true}}); err == nil {
		t.Error("a tap on a missing signal merged without error")
	}
}

func TestUnjustified(t *testing.T) {
	merged := []Correspondence{{Prop: "equal_y"}, {Prop: "tap"}}
	if got := unjustified(merged, map[string]bool{"equal_y": true, "tap": true}); len(got) != 0 {
		t.Errorf("all proven: unjustified = %v, want none", got)
	}
	if got := unjustified(merged, map[string]bool{"equal_y": true}); len(got) != 1 || got[0] != "tap" {
		t.Errorf("tap unproven: unjustified = %v, want [tap]", got)
	}
}
