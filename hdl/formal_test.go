package hdl

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"scc/internal/tool"
)

// TestLIFProperties runs the in-module `ifdef FORMAL properties of
// sc_lif_neuron through Yosys and yosys-smtbmc (BMC, 12 steps) with a
// refractory period, proving they bind to real registers and hold.
func TestLIFProperties(t *testing.T) {
	paths := tool.Need(t, "yosys", "yosys-smtbmc", "z3")
	dir := t.TempDir()
	src, err := Source("sc_lif_neuron")
	if err != nil {
		t.Fatal(err)
	}
	v := filepath.Join(dir, "lif.v")
	smt := filepath.Join(dir, "lif.smt2")
	if err := os.WriteFile(v, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(paths[0], "-q", "-p", "read_verilog -formal -sv "+v+
		"; chparam -set REFRACTORY_PERIOD 3 sc_lif_neuron; prep -top sc_lif_neuron; async2sync; dffunmap; write_smt2 -wires "+smt).CombinedOutput()
	if err != nil {
		t.Fatalf("yosys: %v\n%s", err, out)
	}
	if !strings.Contains(string(mustRead(t, smt)), "assert") {
		t.Fatal("no assertions reached the SMT model")
	}
	out, err = exec.Command(paths[1], "-s", "z3", "-t", "12", smt).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Status: PASSED") {
		t.Fatalf("yosys-smtbmc: %v\n%s", err, out)
	}
}

func mustRead(t *testing.T, f string) []byte {
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
