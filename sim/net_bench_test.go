package sim_test

import (
	"math/rand/v2"
	"os"
	"runtime"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/sim"
)

func fixedLIF(b *testing.B) (*ir.Module, *ir.Module) {
	src, err := os.ReadFile("../models/lif.snn")
	if err != nil {
		b.Fatal(err)
	}
	real, fix, _ := compileModule(b, "lif.snn", src, false)
	return real, fix
}

// reportCPU reports per-op work per wall second and per process CPU
// second (the latter holds on a loaded machine).
func reportCPU(b *testing.B, c0, work float64, unit string) {
	b.ReportMetric(work*float64(b.N)/b.Elapsed().Seconds(), unit+"/s")
	if c := cpuSeconds() - c0; c > 0 {
		b.ReportMetric(work*float64(b.N)/c, unit+"/cpu-s")
	}
}

func logCPU(b *testing.B) {
	b.Logf("portable Go batched interpreter (no SIMD, no assembly), GOARCH=%s, %d CPUs, one goroutine", runtime.GOARCH, runtime.NumCPU())
}

// BenchmarkBatchFixedLIF: the bit-true batched interpreter on 1M neurons
// of models/lif.snn (q8.8), inputs held.
func BenchmarkBatchFixedLIF(b *testing.B) {
	_, fix := fixedLIF(b)
	const n = 1 << 20
	m, err := sim.NewBatchFixed(fix.Func("LIF"), n)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	lo, hi := sim.InputRange(m.F, 0)
	for i := range m.In[0] {
		m.In[0][i] = lo + rng.Int64N(hi-lo+1)
	}
	logCPU(b)
	b.ResetTimer()
	c0 := cpuSeconds()
	for b.Loop() {
		m.Step()
	}
	reportCPU(b, c0, float64(n), "neuron-updates")
}

// BenchmarkBatchFloatCubaLIF: the float64 batched interpreter on 1M
// neurons of models/cuba_lif.snn, whose exact integration calls exp of
// parameters (uniform over the neurons: hoisted, computed once).
func BenchmarkBatchFloatCubaLIF(b *testing.B) {
	src, err := os.ReadFile("../models/cuba_lif.snn")
	if err != nil {
		b.Fatal(err)
	}
	real, _, _ := compileModule(b, "cuba_lif.snn", src, false)
	const n = 1 << 20
	m, err := sim.NewBatchFloat(real.Func("CubaLIF"), n)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range m.In[0] {
		m.In[0][i] = 16 * rng.Float64()
	}
	logCPU(b)
	b.ResetTimer()
	c0 := cpuSeconds()
	for b.Loop() {
		m.Step()
	}
	reportCPU(b, c0, float64(n), "neuron-updates")
}

// BenchmarkBatchFixedCubaLIF: the bit-true batched interpreter on 1M
// neurons of models/cuba_lif.snn (auto:32 formats, three states, two
// ports, a refractory counter), inputs held.
func BenchmarkBatchFixedCubaLIF(b *testing.B) {
	src, err := os.ReadFile("../models/cuba_lif.snn")
	if err != nil {
		b.Fatal(err)
	}
	_, fix, _ := compileModule(b, "cuba_lif.snn", src, false)
	const n = 1 << 20
	m, err := sim.NewBatchFixed(fix.Func("CubaLIF"), n)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for p := range m.In {
		lo, hi := sim.InputRange(m.F, p)
		for i := range m.In[p] {
			m.In[p][i] = lo + rng.Int64N(hi-lo+1)
		}
	}
	logCPU(b)
	b.ResetTimer()
	c0 := cpuSeconds()
	for b.Loop() {
		m.Step()
	}
	reportCPU(b, c0, float64(n), "neuron-updates")
}

// BenchmarkNetLIF1M: one sim.Net step of a 1M-neuron LIF population with
// a per-step current drive (gather, update, spike lists, statistics).
func BenchmarkNetLIF1M(b *testing.B) {
	_, fix := fixedLIF(b)
	const n = 1 << 20
	w, _ := fixed.Encode(16, fix.Func("LIF").Inputs[0].Type.Fmt)
	net := &ir.Net{Name: "big", Dt: 0.1,
		Pops:   []*ir.Pop{{Name: "L", Kind: ir.PopNeuron, Size: n, Func: "LIF"}},
		Drives: []*ir.Drive{{Name: "d", Kind: ir.DriveCurrent, ValueWord: w, Targets: []*ir.Target{{Pop: "L", Lo: 0, Hi: n}}}}}
	s := mustNet(b, fix, net, sim.NetOptions{})
	logCPU(b)
	b.ResetTimer()
	c0 := cpuSeconds()
	for b.Loop() {
		s.Step()
	}
	reportCPU(b, c0, float64(n), "neuron-updates")
	b.ReportMetric(float64(s.Count(0))/float64(s.T()), "spikes/step")
}

// cubaNet is a CUBA-like network (Brette et al. 2007 benchmark 2 sizes):
// 3200 excitatory and 800 inhibitory LIF neurons of models/lif.snn,
// random p = 0.02 connections between all of them (delay 1 step),
// excitatory weights +w, inhibitory −4w, a bias drive keeping the
// population firing and random initial potentials.
func cubaNet(b *testing.B, fix *ir.Module) *ir.Net {
	rng := rand.New(rand.NewPCG(2026, 12))
	port := fix.Func("LIF").Inputs[0].Type.Fmt
	enc := func(x float64) int64 { w, _ := fixed.Encode(x, port); return w }
	ne, ni := 3200, 800
	mk := func(name string, size int) *ir.Pop {
		p := &ir.Pop{Name: name, Kind: ir.PopNeuron, Size: size, Func: "LIF"}
		in := &ir.PopInit{Index: 0}
		for range size {
			v := -65 + 15*rng.Float64()
			in.Values = append(in.Values, v)
			in.Words = append(in.Words, int64(v*256))
		}
		p.Init = []*ir.PopInit{in}
		return p
	}
	n := &ir.Net{Name: "cuba", Dt: 0.1, Pops: []*ir.Pop{mk("E", ne), mk("I", ni)}}
	for _, pre := range []string{"E", "I"} {
		for _, post := range []string{"E", "I"} {
			np, nq := ne, ne
			if pre == "I" {
				np = ni
			}
			if post == "I" {
				nq = ni
			}
			w := 30.0
			if pre == "I" {
				w = -120
			}
			p := &ir.Proj{Name: pre + post, Pre: pre, Post: post, PortName: "I"}
			for j := range np {
				for i := range nq {
					if rng.Float64() < 0.02 {
						p.PreIdx = append(p.PreIdx, int32(j))
						p.PostIdx = append(p.PostIdx, int32(i))
						p.Delay = append(p.Delay, 1)
						p.W = append(p.W, w)
						p.Words = append(p.Words, enc(w))
					}
				}
			}
			n.Projs = append(n.Projs, p)
		}
	}
	for _, pop := range []string{"E", "I"} {
		size := ne
		if pop == "I" {
			size = ni
		}
		n.Drives = append(n.Drives, &ir.Drive{Name: "bias" + pop, Kind: ir.DriveCurrent, Value: 16, ValueWord: enc(16),
			Targets: []*ir.Target{{Pop: pop, Lo: 0, Hi: size}}})
	}
	return n
}

// BenchmarkCUBA: steps/s and synaptic events/s of the bit-true CUBA-like
// network (4000 neurons, p = 0.02: about 320k synapses).
func BenchmarkCUBA(b *testing.B) {
	_, fix := fixedLIF(b)
	benchCUBA(b, fix, cubaNet(b, fix))
}

// BenchmarkCUBAFloat: the same network in the float64 model (the real
// module, weights W).
func BenchmarkCUBAFloat(b *testing.B) {
	real, fix := fixedLIF(b)
	benchCUBA(b, real, cubaNet(b, fix))
}

func benchCUBA(b *testing.B, m *ir.Module, net *ir.Net) {
	s := mustNet(b, m, net, sim.NetOptions{})
	for range 1000 { // past the initial transient
		s.Step()
	}
	s.Reset()
	logCPU(b)
	b.ResetTimer()
	events := 0.0
	c0 := cpuSeconds()
	for b.Loop() {
		s.Step()
		for p := range 2 {
			events += float64(len(s.Spikes(p))) * 0.02 * 4000
		}
	}
	reportCPU(b, c0, 1, "steps")
	b.ReportMetric(events/b.Elapsed().Seconds(), "syn-events/s")
	b.ReportMetric(s.Rate(0), "E-Hz")
}
