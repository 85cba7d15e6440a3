package fixedpoint_test

import (
	"fmt"
	"testing"

	"scc/runtime/kernels"
)

// BenchmarkKernels steps every registered kernel on each path this machine
// runs, 1<<16 neurons per step on one goroutine, inputs held at zero:
// neuron-updates/s per kernel and path.
func BenchmarkKernels(b *testing.B) {
	const n = 1 << 16
	for _, s := range kernels.All() {
		for _, isa := range s.ISAs {
			if !kernels.Available(isa) {
				continue
			}
			b.Run(fmt.Sprintf("%s_%s/%v", s.Model, s.Variant, isa), func(b *testing.B) {
				p := s.New(n)
				if err := p.SetISA(isa); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					p.Range(0, n)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "updates/s")
			})
		}
	}
}
