package sim_test

import (
	"runtime"
	"testing"

	"scc/sim"
)

// BenchmarkNetEngine: steps/s of the benchmark networks (examples/cuba.snn:
// 4,000 CubaLIF, ~320k synapses; examples/brunel.snn: 1,250 BrunelLIF with
// a poisson_sum drive) on the interpreter and on the runtime engine (the
// generated kernels; 1 worker and GOMAXPROCS workers), measured after a
// 1,000-step transient.
func BenchmarkNetEngine(b *testing.B) {
	for _, c := range [][2]string{{"cuba.snn", "cuba_lif.snn"}, {"brunel.snn", "brunel_lif.snn"}} {
		fix := compileExample(b, c[0], c[1])
		n := fix.Nets[0]
		for _, o := range []sim.NetOptions{
			{Engine: sim.EngineInterp},
			{Engine: sim.EngineRuntime, Workers: 1},
			{Engine: sim.EngineRuntime, Workers: runtime.GOMAXPROCS(0)},
		} {
			name := o.Engine
			if o.Workers > 0 {
				name += "-" + itoa(o.Workers)
			}
			b.Run(n.Name+"/"+name, func(b *testing.B) {
				s, err := sim.NewNet(fix, n, o)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				for range 1000 {
					s.Step()
				}
				b.Log(s.EngineDetail())
				c0 := cpuSeconds()
				spikes := 0
				b.ResetTimer()
				for b.Loop() {
					s.Step()
					for p := range n.Pops {
						spikes += len(s.Spikes(p))
					}
				}
				reportCPU(b, c0, 1, "steps")
				b.ReportMetric(float64(spikes)/float64(b.N), "spikes/step")
			})
		}
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
