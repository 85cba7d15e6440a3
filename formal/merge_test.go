package formal

import (
	"encoding/json"
	"testing"
)

// mergeNetlist is a flattened miter in yosys' JSON form: B's register
// b.y (bits 5, 6) feeds B's adder and the harness' comparison; A's
// register a.x is bits 2, 3; b.w (bit 9) is a wire driven by B's logic,
// not a register.
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
    "b.w": {"hide_name": 0, "bits": [9], "attributes": {}},
    "a.narrow": {"hide_name": 0, "bits": [2], "attributes": {}}
   }
  }
 }
}`

func mergedCells(t *testing.T, pairs []Correspondence) (map[string]*ysCell, []Correspondence) {
	t.Helper()
	out, applied, err := merge([]byte(mergeNetlist), "miter", "b", pairs)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Modules map[string]struct {
			Cells map[string]*ysCell `json:"cells"`
		} `json:"modules"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Modules["miter"].Cells, applied
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
