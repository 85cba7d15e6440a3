package sim_test

import (
	"os"
	"strings"
	"testing"

	"scc/ir"
)

// testModule parses the fixed-phase module of the hand-written Funcs plus
// the generic LIF of ir/testdata.
func testModule(t testing.TB) *ir.Module {
	t.Helper()
	lif, err := os.ReadFile("../ir/testdata/lif_generic.ir")
	if err != nil {
		t.Fatal(err)
	}
	src := string(lif) + twoPortIR + stdpIR + probeIR + keep412IR
	m, err := ir.Parse(src)
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	for _, f := range m.Funcs {
		if err := ir.VerifyFunc(f, ir.Fixed); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	if !strings.Contains(m.String(), "func OnPost") {
		t.Fatal("module lost a func")
	}
	return m
}

func TestTestModule(t *testing.T) { testModule(t) }
