package kernels_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	rt "scc/runtime"
	"scc/runtime/kernels"
)

var logFeatures sync.Once

// benchPop returns a population of s of n neurons with inputs drawn once
// from the small words around zero (where models live).
func benchPop(s *kernels.Spec, n int) kernels.Pop {
	p := s.New(n)
	r := rand.New(rand.NewPCG(1, 2))
	for k, col := range s.Inputs {
		w := max(col.Width-6, 1)
		for i := 0; i < n; i++ {
			colSet(p.Input(k), i, r.Int64N(int64(1)<<uint(w)))
		}
	}
	return p
}

// benchKernels runs one step per iteration of every kernel on every path
// this CPU runs, on workers workers (rt.Pool), over 1M neurons (100k for
// Hodgkin–Huxley), reporting neuron-updates/s.
func benchKernels(b *testing.B, workers int) {
	pool := rt.NewPool(workers)
	defer pool.Close()
	for _, s := range kernels.All() {
		n := 1 << 20
		if s.Model == "HodgkinHuxley" || s.Source == "hodgkin_huxley.snn" {
			n = 100_000
		}
		for _, isa := range s.ISAs {
			if !kernels.Available(isa) {
				continue
			}
			b.Run(fmt.Sprintf("%s/%s/%v", s.Model, s.Variant, isa), func(b *testing.B) {
				logFeatures.Do(func() { b.Logf("features: %s; %d CPUs", kernels.Features(), runtime.NumCPU()) })
				p := benchPop(s, n)
				if err := p.SetISA(isa); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					pool.Run(p, n, 64*16)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "updates/s")
			})
		}
	}
}

// BenchmarkKernel: every kernel and path over all cores.
func BenchmarkKernel(b *testing.B) { benchKernels(b, runtime.NumCPU()) }

// BenchmarkKernelSingle: the same on one core.
func BenchmarkKernelSingle(b *testing.B) { benchKernels(b, 1) }
