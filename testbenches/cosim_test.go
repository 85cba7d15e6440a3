package testbenches

import (
	"context"
	"os"
	"testing"

	"scc/internal/tool"
	"scc/ir"
)

func loadIR(t *testing.T, path string) *ir.Module {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ir.Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCosimLIF(t *testing.T) {
	m := loadIR(t, "../ir/testdata/lif_fixed.ir")
	for _, simName := range []string{"iverilog", "verilator"} {
		t.Run(simName, func(t *testing.T) {
			tool.Need(t, simName)
			dir := t.TempDir()
			res, err := Cosim(context.Background(), m, m.Funcs[0], CosimOptions{Sim: simName, Steps: 10000, Seed: 1, Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			t.Log(res.Summary())
			if res.Mismatches != 0 || res.Steps != 10000 || res.Signals != 3 {
				t.Errorf("Cosim(LIF) = %s, want 10000 steps, 3 signals, 0 mismatches", res.Summary())
			}
		})
	}
}
