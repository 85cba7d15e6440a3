package formal

import (
	"fmt"
	"strings"
	"testing"
)

// romDUT registers a case-ROM lookup of a free address: every entry is a
// multiple of 3, so the register is one in every reachable state. The
// property is 1-inductive only if the ROM's contents are known in the
// induction trace.
func romDUT(entries int) string {
	var b strings.Builder
	b.WriteString("module romdut(input clk, input [4:0] a, output reg [7:0] r);\n")
	b.WriteString("  function [7:0] rom(input [4:0] k);\n    case (k)\n")
	for k := 0; k < entries; k++ {
		fmt.Fprintf(&b, "      5'd%d: rom = 8'd%d;\n", k, 3*k)
	}
	b.WriteString("      default: rom = 8'd0;\n    endcase\n  endfunction\n")
	b.WriteString("  initial r = 0;\n  always @(posedge clk) r <= rom(a);\nendmodule\n")
	return b.String()
}

func romHarness(prop string) *Harness {
	return &Harness{
		Top: "formal_romdut", DUT: "romdut",
		Props: []Property{{Name: "mult3", Text: "r is a multiple of 3", stmt: "  always @* mult3: assert (" + prop + ");"}},
		head: "`ifdef FORMAL\nmodule formal_romdut(input clk);\n  (* anyseq *) wire [4:0] a;\n  wire [7:0] r;\n" +
			"  romdut dut(.clk(clk), .a(a), .r(r));\n",
		tail: "endmodule\n`endif\n",
	}
}

// TestROMConstrainedInInduction: a property through a table ROM is
// 1-inductive with the ROM facts in every step, and a false one still
// fails from reset (the constraint adds no behaviour the ROM lacks).
func TestROMConstrainedInInduction(t *testing.T) {
	rtl := []File{{Name: "romdut.sv", Text: romDUT(20)}}
	if ind := modelCheck(t, testDriver(t, romHarness("r % 3 == 0"), rtl), true, 1); ind.status != "PASSED" {
		t.Fatalf("induction through the ROM: %s, want PASSED (see %s)", ind.status, ind.log)
	}
	// The entry for address 7 is 21: "r != 21" fails from reset in step 1.
	if bmc := modelCheck(t, testDriver(t, romHarness("r != 8'd21"), rtl), false, 4); bmc.status != "FAILED" || len(bmc.failed) != 1 {
		t.Fatalf("BMC of r != 21: %s %v, want FAILED mult3 (see %s)", bmc.status, bmc.failed, bmc.log)
	}
	// An address past the entries reads the default, 0: r never holds 60
	// (the entry 20 would), and that is inductive too.
	if ind := modelCheck(t, testDriver(t, romHarness("r != 8'd60"), rtl), true, 1); ind.status != "PASSED" {
		t.Fatalf("induction of r != 60: %s, want PASSED (see %s)", ind.status, ind.log)
	}
}
