package rt

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// Benchmarks report the figures of DESIGN §8 as custom metrics. Each
// family has a plain-Go baseline sub-benchmark named "go", measured in the
// same run; scripts/bench.sh prints the ratios.

func randWords(r *rand.Rand, n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = r.Uint64()
	}
	return s
}

// benchPairs runs f over a batch of stream pairs of the given length and
// reports operand Gbit/s (bits of one operand per second).
func benchPairs(b *testing.B, words, pairs int, f func(a, c []uint64) int) {
	r := rand.New(rand.NewPCG(1, 1))
	a, c := randWords(r, words*pairs), randWords(r, words*pairs)
	b.SetBytes(int64(words * pairs * 8))
	b.ResetTimer()
	sink := 0
	for i := 0; i < b.N; i++ {
		for p := 0; p < pairs; p++ {
			sink += f(a[p*words:(p+1)*words], c[p*words:(p+1)*words])
		}
	}
	b.StopTimer()
	bits := float64(b.N) * float64(words*pairs*64)
	b.ReportMetric(bits/b.Elapsed().Seconds()/1e9, "Gbit/s")
	if sink == -1 {
		b.Log(sink)
	}
}

// vectorPaths are the forced-path variants of the scc benchmarks: each
// runs with the AND+popcount and LIF kernels forced to one path, and is
// skipped when this build or CPU lacks it.
var vectorPaths = []simdPath{pathPortable, pathAVX2, pathAVX512}

// onPath runs the benchmark body f with the kernels forced to path p.
func onPath(b *testing.B, p simdPath, f func(b *testing.B)) {
	restore, err := setPaths(p, p)
	if err != nil {
		b.Skip(err)
	}
	defer restore()
	f(b)
}

// printFeatures prints the dispatched paths and CPU features once per run
// (b.Log of a benchmark with sub-benchmarks is not shown).
var printFeatures = sync.OnceFunc(func() { fmt.Println("rt features:", Features()) })

func BenchmarkAndPopcount(b *testing.B) {
	printFeatures()
	// A batch of 4096 pairs of 1024-bit streams (1 MiB, in L2/L3), one pair
	// of 1K-word streams (L1) and one of 1M-word streams (16 MiB, memory).
	r := rand.New(rand.NewPCG(1, 1))
	const words, pairs = 16, 4096
	a, c := randWords(r, words*pairs), randWords(r, words*pairs)
	dst := make([]int32, pairs)
	batch := func(b *testing.B, f func()) {
		for i := 0; i < b.N; i++ {
			f()
		}
		b.ReportMetric(float64(b.N)*words*pairs*64/b.Elapsed().Seconds()/1e9, "Gbit/s")
	}
	b.Run("1024bit/scc", func(b *testing.B) { batch(b, func() { AndPopcountBatch(dst, a, c, words) }) })
	for _, p := range vectorPaths {
		b.Run("1024bit/"+p.String(), func(b *testing.B) {
			onPath(b, p, func(b *testing.B) { batch(b, func() { AndPopcountBatch(dst, a, c, words) }) })
		})
	}
	b.Run("1024bit/go", func(b *testing.B) {
		batch(b, func() {
			for p := range dst {
				dst[p] = int32(AndPopcountGo(a[p*words:(p+1)*words], c[p*words:(p+1)*words]))
			}
		})
	})
	// One pair of 1K-word streams (8 KiB each, in L1): the kernels' compute
	// ceiling.
	b.Run("1Kword/scc", func(b *testing.B) { benchPairs(b, 1<<10, 1, AndPopcount) })
	for _, p := range vectorPaths {
		b.Run("1Kword/"+p.String(), func(b *testing.B) {
			onPath(b, p, func(b *testing.B) { benchPairs(b, 1<<10, 1, AndPopcount) })
		})
	}
	b.Run("1Kword/go", func(b *testing.B) { benchPairs(b, 1<<10, 1, AndPopcountGo) })
	b.Run("1Mword/scc", func(b *testing.B) { benchPairs(b, 1<<20, 1, AndPopcount) })
	for _, p := range vectorPaths {
		b.Run("1Mword/"+p.String(), func(b *testing.B) {
			onPath(b, p, func(b *testing.B) { benchPairs(b, 1<<20, 1, AndPopcount) })
		})
	}
	b.Run("1Mword/go", func(b *testing.B) { benchPairs(b, 1<<20, 1, AndPopcountGo) })
}

// BenchmarkDenseCounts is the rate-domain 784×128 SC layer over 1024-bit
// streams: 100 M AND+popcount operand bits per call.
func BenchmarkDenseCounts(b *testing.B) {
	printFeatures()
	const nIn, nOut, words = 784, 128, 16
	r := rand.New(rand.NewPCG(2, 2))
	x, w := randWords(r, nIn*words), randWords(r, nOut*nIn*words)
	counts := make([]int32, nOut)
	run := func(b *testing.B, p *Pool, kernel func(a, c []uint64) int) {
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if kernel == nil {
				DenseCounts(p, counts, x, w, nIn, words)
				continue
			}
			for j := range counts {
				counts[j] = int32(kernel(x, w[j*nIn*words:(j+1)*nIn*words]))
			}
		}
		b.StopTimer()
		bits := float64(b.N) * nIn * nOut * words * 64
		b.ReportMetric(bits/b.Elapsed().Seconds()/1e9, "Gbit/s")
	}
	b.Run("784x128x1024/scc-1core", func(b *testing.B) { run(b, nil, nil) })
	b.Run("784x128x1024/scc-allcores", func(b *testing.B) {
		p := NewPool(runtime.GOMAXPROCS(0))
		defer p.Close()
		run(b, p, nil)
	})
	for _, pa := range vectorPaths {
		b.Run("784x128x1024/"+pa.String()+"-1core", func(b *testing.B) {
			onPath(b, pa, func(b *testing.B) { run(b, nil, nil) })
		})
		b.Run("784x128x1024/"+pa.String()+"-allcores", func(b *testing.B) {
			onPath(b, pa, func(b *testing.B) {
				p := NewPool(runtime.GOMAXPROCS(0))
				defer p.Close()
				run(b, p, nil)
			})
		})
	}
	b.Run("784x128x1024/go", func(b *testing.B) { run(b, nil, AndPopcountGo) })
}

func BenchmarkEncode(b *testing.B) {
	const n = 1 << 16
	dst := make([]uint64, Words(n))
	b.Run("64Kbit/scc", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			Encode(dst, Left, 0xACE1, uint16(i)|1, n)
		}
		b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds()/1e9, "Gbit/s")
	})
	b.Run("64Kbit/go", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			EncodeGo(dst, Left, 0xACE1, uint16(i)|1, n)
		}
		b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds()/1e9, "Gbit/s")
	})
}

// BenchmarkDenseLayer runs the cycle-accurate 784×128 matrix layer for
// 1024 cycles (weights pre-encoded), reporting synaptic ops (one AND per
// synapse per cycle) per second. The baseline steps the cycle model Dense,
// on a smaller layer because it is slow.
func BenchmarkDenseLayer(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	setup := func(nIn, nOut int) ([]uint16, []uint16) {
		x, w := make([]uint16, nIn), make([]uint16, nIn*nOut)
		for i := range x {
			x[i] = uint16(r.Uint32())
		}
		for i := range w {
			w[i] = uint16(r.Uint32())
		}
		return x, w
	}
	for _, c := range []struct {
		name  string
		cores int
	}{{"scc-1core", 1}, {"scc-allcores", runtime.GOMAXPROCS(0)}} {
		b.Run("784x128x1024/"+c.name, func(b *testing.B) {
			const nIn, nOut, n = 784, 128, 1024
			x, w := setup(nIn, nOut)
			l, _ := NewDenseLayer(nIn, nOut, n, true)
			l.SetWeights(w)
			p := NewPool(c.cores)
			defer p.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				l.Run(p, x, -256, 256, 20, 256)
			}
			b.ReportMetric(float64(b.N)*nIn*nOut*n/b.Elapsed().Seconds(), "synops/s")
		})
	}
	b.Run("784x128x1024/go", func(b *testing.B) {
		const nIn, nOut, n = 64, 16, 256
		x, w := setup(nIn, nOut)
		in := DenseIn{X: x, W: w, YMin: -256, YMax: 256, Leak: 20, Gain: 256}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			d := NewDenseMatrix(nIn, nOut)
			for k := 0; k < n; k++ {
				d.Step(&in)
			}
		}
		b.ReportMetric(float64(b.N)*nIn*nOut*n/b.Elapsed().Seconds(), "synops/s")
	})
}

// BenchmarkLIFPop steps a 1M-neuron Q8.8 LIF population (DESIGN §8 target
// ≥ 2e9 neuron-updates/s).
func BenchmarkLIFPop(b *testing.B) {
	printFeatures()
	const n = 1 << 20
	r := rand.New(rand.NewPCG(4, 4))
	p := DefaultLIFParams()
	p.Refractory = 2
	mk := func() (*LIFPop, []int16) {
		q, _ := NewLIFPop(n, p)
		q.Leak, q.Gain = 20, 256
		in := make([]int16, n)
		for i := range in {
			in[i] = int16(r.IntN(300))
		}
		return q, in
	}
	step := func(b *testing.B, cores int) {
		q, in := mk()
		pool := NewPool(cores)
		defer pool.Close()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			q.StepPool(pool, in, nil)
		}
		b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds(), "updates/s")
	}
	for _, c := range []struct {
		name  string
		cores int
	}{{"1core", 1}, {"allcores", runtime.GOMAXPROCS(0)}} {
		b.Run("1M/scc-"+c.name, func(b *testing.B) { step(b, c.cores) })
		for _, p := range vectorPaths {
			b.Run("1M/"+p.String()+"-"+c.name, func(b *testing.B) {
				onPath(b, p, func(b *testing.B) { step(b, c.cores) })
			})
		}
	}
	b.Run("1M/go", func(b *testing.B) {
		q, in := mk()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			q.StepScalar(in, nil)
		}
		b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds(), "updates/s")
	})
}
