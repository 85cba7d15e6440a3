// Package hdltb co-simulates the hand-written Verilog library (scc/hdl)
// against the golden model (scc/runtime) bit for bit.
//
// It owns the self-checking testbench generator (Generate, whose output for
// every module is checked in as tb_<module>.v and kept fresh by a test), the
// stimulus/expectation file format, the Icarus and Verilator drivers, and
// cycle models of the bus glue that runtime/ does not cover (AXI4-Lite
// register file, AXI-Stream bridge, CDC synchroniser).
//
// It may import anything (DESIGN §1, testbenches/); it uses hdl, runtime
// and internal/tool.
//
// Invariants (DESIGN §4): inputs and reset change on the falling clock
// edge; outputs are compared one time unit after the rising edge, every
// output bit every cycle, with !== so X and Z fail; the testbench prints
// exactly one verdict line, "PASS <cycles>" or "FAIL cycle=<c> signal=<s>
// want=<hex> got=<hex>", and the driver checks both the verdict and the
// cycle count, so a testbench that stops early cannot pass.
package hdltb
