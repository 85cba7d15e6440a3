//go:build linux

package main

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"scc/fixed"
	"scc/ir"
	rt "scc/runtime"
	"scc/runtime/kernels"
	"scc/sim"
	"syscall"
)

// kernelBenchCPU is this process's user+system CPU time.
func kernelBenchCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + 1e-6*float64(t.Usec) }
	return tv(ru.Utime) + tv(ru.Stime)
}

// kernelBenchReport reports work per wall second and per CPU second of the
// process (the latter holds on a loaded machine: one core's work).
func kernelBenchReport(b *testing.B, c0, work float64, unit string) {
	b.ReportMetric(work/b.Elapsed().Seconds(), unit+"/s")
	if c := kernelBenchCPU() - c0; c > 0 {
		b.ReportMetric(work/c, unit+"/cpu-s")
	}
}

// kernelPopRows are the population rows of scripts/bench-kernels.sh (issue
// 13 item 5): the model file and the population size.
var kernelPopRows = []struct {
	file string
	n    int
}{
	{"lif.snn", 1 << 20},
	{"izhikevich.snn", 1 << 20},
	{"hodgkin_huxley.snn", 100_000},
	{"seed_lif.snn", 1 << 20},
}

// kernelBenchSeedInputs are SeedLIF's held inputs (its raw Q8.8 inputs declare no
// range); scripts/brian2/models.py feeds its Brian2 form the same: leak
// 1/16, gain 1, no noise, I_t uniform in [0, 0.25].
var kernelBenchSeedInputs = map[string][2]float64{
	"leak_k": {0.0625, 0.0625}, "gain_k": {1, 1}, "noise_in": {0, 0}, "I_t": {0, 0.25},
}

// BenchmarkKernelPop runs each row's population one step per iteration:
// the generated kernel (runtime/kernels, the Spec whose fingerprint is the
// compiled model's, i.e. variant "default") on its best path over rt.Pool
// with all cores ("all") and with one ("1core"), LIF also on AVX2 with all
// cores when its best path is AVX-512; when no kernel is
// registered for the model, the batched interpreter sim.BatchFixed (one
// goroutine), named "interp". Every neuron's input is held at a word drawn
// uniformly from the input's declared range (SeedLIF: kernelBenchSeedInputs), as
// scripts/brian2/models.py does for Brian2. Reports neuron-updates/s (wall)
// and per CPU second and, from untimed steps after (20 ms of model time,
// at least 100 steps), spikes per neuron and step.
// Sub-benchmarks: <Model>/<path>/<cores>, path an ISA or "interp".
func BenchmarkKernelPop(b *testing.B) {
	// One line on standard output for scripts/bench-kernels.sh (a benchmark
	// parent's b.Log is not printed when its sub-benchmarks pass).
	fmt.Printf("kernel-features: kernels %s; rt %s; GOMAXPROCS %d; %d kernels registered\n", kernels.Features(), rt.Features(), runtime.GOMAXPROCS(0), len(kernels.All()))
	for _, row := range kernelPopRows {
		path := filepath.Join("..", "..", "models", row.file)
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		u, err := compile(path, src, compileOpts{})
		if err != nil {
			b.Fatal(err)
		}
		f := u.mod.Funcs[0]
		words := kernelBenchInputs(b, f, row.n)
		spec := kernels.Lookup(f.Fingerprint())
		if spec == nil {
			b.Run(f.Name+"/interp/1core", func(b *testing.B) { kernelBenchInterp(b, f, row.n, words) })
			continue
		}
		best := kernels.Best(spec)
		type run struct {
			isa   kernels.ISA
			cores int
			name  string
		}
		runs := []run{{best, 1, "1core"}}
		if all := runtime.GOMAXPROCS(0); all > 1 {
			runs = append([]run{{best, all, "all"}}, runs...)
			// The LIF target (DESIGN §8) is for an AVX2 machine: on an
			// AVX-512 one, the AVX2 path over all cores too.
			if f.Name == "LIF" && best == kernels.AVX512 && kernels.Available(kernels.AVX2) {
				runs = append(runs, run{kernels.AVX2, all, "all"})
			}
		}
		for _, r := range runs {
			b.Run(fmt.Sprintf("%s/%s/%s", f.Name, r.isa, r.name), func(b *testing.B) {
				kernelBenchPop(b, spec, f, row.n, r.isa, r.cores, words)
			})
		}
	}
}

// kernelBenchInputs draws each input's held words: uniform over the declared
// range in real units, encoded in the input's format (clamped to it).
func kernelBenchInputs(b *testing.B, f *ir.Func, n int) [][]int64 {
	r := rand.New(rand.NewPCG(1, 13))
	out := make([][]int64, len(f.Inputs))
	for k, in := range f.Inputs {
		fm := in.Type.Fmt
		var lo, hi float64
		if in.Range != nil {
			lo, hi = in.Range.Lo, in.Range.Hi
		} else if s, ok := kernelBenchSeedInputs[in.Name]; ok && f.Name == "SeedLIF" {
			lo, hi = s[0], s[1]
		} else {
			b.Fatalf("%s: input %s has no declared range and no held value here", f.Name, in.Name)
		}
		out[k] = make([]int64, n)
		for i := range out[k] {
			w, err := fixed.Encode(lo+(hi-lo)*r.Float64(), fm)
			if err != nil {
				b.Fatal(err)
			}
			out[k][i] = min(max(w, fm.Min()), fm.Max())
		}
	}
	return out
}

func kernelBenchPop(b *testing.B, spec *kernels.Spec, f *ir.Func, n int, isa kernels.ISA, cores int, words [][]int64) {
	p := spec.New(n)
	if err := p.SetISA(isa); err != nil {
		b.Fatal(err)
	}
	for k, c := range spec.Inputs {
		idx := -1
		for j, in := range f.Inputs {
			if in.Name == c.Name {
				idx = j
			}
		}
		if idx < 0 {
			b.Fatalf("%s: kernel input %q is not an input of the model", spec.Model, c.Name)
		}
		kernelBenchSetColumn(p.Input(k), words[idx])
	}
	pool := rt.NewPool(cores)
	defer pool.Close()
	grain := 64 * 64
	b.ResetTimer()
	c0 := kernelBenchCPU()
	for b.Loop() {
		pool.Run(p, n, grain)
	}
	b.StopTimer()
	kernelBenchReport(b, c0, float64(n)*float64(b.N), "neuron-updates")
	// Activity over 20 ms of model time (at least 100 steps): a shorter
	// window can fall between the volleys of a population that started in
	// one state (HH: 2 ms of its 14 ms period).
	steps := max(100, int(math.Round(20/f.Dt)))
	spikes := 0
	for range steps {
		pool.Run(p, n, grain)
		for _, w := range p.Spikes() {
			spikes += bits.OnesCount64(w)
		}
	}
	b.ReportMetric(float64(spikes)/float64(steps)/float64(n), "spikes/neuron-step")
}

func kernelBenchInterp(b *testing.B, f *ir.Func, n int, words [][]int64) {
	m, err := sim.NewBatchFixed(f, n)
	if err != nil {
		b.Fatal(err)
	}
	for k := range m.In {
		copy(m.In[k], words[k])
	}
	b.ResetTimer()
	c0 := kernelBenchCPU()
	for b.Loop() {
		m.Step()
	}
	b.StopTimer()
	kernelBenchReport(b, c0, float64(n)*float64(b.N), "neuron-updates")
	spikes := 0
	for range 10 {
		m.Step()
		for _, s := range m.Spike {
			if s {
				spikes++
			}
		}
	}
	b.ReportMetric(float64(spikes)/10/float64(n), "spikes/neuron-step")
}

// kernelBenchSetColumn stores raw words into a kernel column ([]int8 … []int64).
func kernelBenchSetColumn(col any, w []int64) {
	switch c := col.(type) {
	case []int8:
		for i := range c {
			c[i] = int8(w[i])
		}
	case []int16:
		for i := range c {
			c[i] = int16(w[i])
		}
	case []int32:
		for i := range c {
			c[i] = int32(w[i])
		}
	case []int64:
		copy(c, w)
	default:
		panic(fmt.Sprintf("kernelBenchSetColumn: column of type %T", col))
	}
}

// kernelNetRows are the network rows of scripts/bench-kernels.sh: the
// file (from cmd/scc) and the warm-up steps run before timing.
var kernelNetRows = []struct {
	file string
	warm int
}{
	{"../../examples/cuba.snn", 500},
	{"../../scripts/brian2/brunel2500.snn", 500},
}

// BenchmarkKernelNet steps each row's network, bit-true, one step per
// iteration, after a warm-up, on the runtime engine (sim.NetOptions
// Engine "runtime": rt.Net over the generated kernels, workers from the
// net's size) or, when it does not take the network, the interpreter:
// sub-benchmarks <Net>/<engine>. Reports steps and synaptic events (each
// spike times its neuron's out-degree) per wall and per CPU second.
func BenchmarkKernelNet(b *testing.B) {
	for _, row := range kernelNetRows {
		src, err := os.ReadFile(row.file)
		if err != nil {
			b.Fatal(err)
		}
		u, err := compile(row.file, src, compileOpts{})
		if err != nil {
			b.Fatal(err)
		}
		n := pickNetwork(u.mod, "")
		if n == nil {
			b.Fatalf("%s: no network", row.file)
		}
		s, err := sim.NewNet(u.mod, n, sim.NetOptions{Engine: "runtime"})
		if err != nil {
			b.Logf("%s: runtime engine: %v; the interpreter runs", n.Name, err)
			if s, err = sim.NewNet(u.mod, n, sim.NetOptions{Engine: "interp"}); err != nil {
				b.Fatal(err)
			}
		}
		fmt.Printf("kernel-net %s: engine %s: %s\n", n.Name, s.Engine(), s.EngineDetail())
		deg := make([][]float64, len(n.Pops))
		for p, pop := range n.Pops {
			deg[p] = make([]float64, pop.Size)
			for _, pr := range n.Projs {
				if pr.Pre == pop.Name {
					for _, i := range pr.PreIdx {
						deg[p][i]++
					}
				}
			}
		}
		b.Run(n.Name+"/"+s.Engine(), func(b *testing.B) {
			for range row.warm {
				if err := s.Step(); err != nil {
					b.Fatal(err)
				}
			}
			events := 0.0
			b.ResetTimer()
			c0 := kernelBenchCPU()
			for b.Loop() {
				if err := s.Step(); err != nil {
					b.Fatal(err)
				}
				for p := range n.Pops {
					for _, i := range s.Spikes(p) {
						events += deg[p][i]
					}
				}
			}
			b.StopTimer()
			kernelBenchReport(b, c0, float64(b.N), "steps")
			kernelBenchReport(b, c0, events, "syn-events")
		})
		s.Close()
	}
}
