package sim_test

import (
	"testing"

	"scc/sim"
)

// TestNetRuntimeNoAlloc: a runtime-engine Step allocates nothing (records
// sized by NetOptions.Steps), as the interpreter's does not.
func TestNetRuntimeNoAlloc(t *testing.T) {
	fix := compileExample(t, "brunel.snn", "brunel_lif.snn")
	for _, w := range []int{1, 2} {
		s, err := sim.NewNet(fix, fix.Nets[0], sim.NetOptions{Engine: sim.EngineRuntime, Workers: w, Steps: 400})
		if err != nil {
			t.Fatal(err)
		}
		for range 100 {
			s.Step()
		}
		if n := testing.AllocsPerRun(200, func() { s.Step() }); n != 0 {
			t.Errorf("%s: %v allocations per step", s.EngineDetail(), n)
		}
		s.Close()
	}
}
