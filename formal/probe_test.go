package formal_test

import (
	"testing"

	"scc/sim"
)

func TestProbeExpIF(t *testing.T) {
	f, _ := compileModel(t, "exp_if.snn")
	m, err := sim.NewFixed(f)
	if err != nil {
		t.Fatal(err)
	}
	m.State[0] = -503316480
	m.State[1] = 0
	if err := m.Step([]int64{524292}); err != nil {
		t.Fatal(err)
	}
	t.Logf("spike=%v state=%v", m.Spike, m.State)
	for _, v := range f.Entry().Values {
		t.Logf("%s = %d", v.LongString(), m.Value(v))
	}
}
