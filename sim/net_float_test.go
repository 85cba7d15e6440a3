package sim_test

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/sim"
)

// lifNet is a Poisson source of 200 neurons driving 100 LIF neurons of
// models/lif.snn (random p = 0.1 connections, weights in [0, 20] nA,
// delays 1..3 steps) plus a constant 15.2 nA drive. fix gives the words of
// the port format of fix's LIF (the real values stay for the real phase).
func lifNet(t testing.TB, fix *ir.Module, nsrc, nlif int, p float64, seed uint64) *ir.Net {
	rng := rand.New(rand.NewPCG(seed, 5))
	port := fix.Func("LIF").Inputs[0].Type.Fmt
	enc := func(x float64) int64 {
		w, err := fixed.Encode(x, port)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	n := &ir.Net{Name: "lif", Dt: 0.1, Pops: []*ir.Pop{
		{Name: "P", Kind: ir.PopSource, Size: nsrc, Source: &ir.Source{Kind: ir.SourcePoisson,
			Rate: 0.1, Threshold: uint32(math.RoundToEven(0.01 * (1 << 32))), Seed: 7}},
		{Name: "L", Kind: ir.PopNeuron, Size: nlif, Func: "LIF"},
	}}
	pr := &ir.Proj{Name: "pl", Pre: "P", Post: "L", PortName: "I"}
	for j := range nsrc {
		for i := range nlif {
			if rng.Float64() < p {
				w := 20 * rng.Float64()
				pr.PreIdx = append(pr.PreIdx, int32(j))
				pr.PostIdx = append(pr.PostIdx, int32(i))
				pr.Delay = append(pr.Delay, int32(1+rng.IntN(3)))
				pr.W = append(pr.W, w)
				pr.Words = append(pr.Words, enc(w))
			}
		}
	}
	n.Projs = []*ir.Proj{pr}
	n.Drives = []*ir.Drive{{Name: "bias", Kind: ir.DriveCurrent, Value: 15.2, ValueWord: enc(15.2),
		Targets: []*ir.Target{{Pop: "L", Lo: 0, Hi: nlif, Port: 0}}}}
	return n
}

// TestNetFloatVsFixed: the same network instance run in float64 (real
// phase) and bit-true (fixed phase, models/lif.snn quantized to q8.8):
// the input spike trains are identical by construction (same RNG
// streams), and the LIF population's spike count agrees within 10 % (q8.8 with floor-rounded products integrates slightly low: about 7 % fewer spikes here).
func TestNetFloatVsFixed(t *testing.T) {
	src, err := os.ReadFile("../models/lif.snn")
	if err != nil {
		t.Fatal(err)
	}
	real, fix, _ := compileModule(t, "lif.snn", src, false)
	n := lifNet(t, fix, 200, 100, 0.1, 1)
	const steps = 5000
	a := mustNet(t, real, n, sim.NetOptions{})
	b := mustNet(t, fix, n, sim.NetOptions{})
	for range steps {
		stepNet(t, a)
		stepNet(t, b)
	}
	if a.Count(0) != b.Count(0) {
		t.Fatalf("source spikes differ: %d vs %d", a.Count(0), b.Count(0))
	}
	cf, cx := float64(a.Count(1)), float64(b.Count(1))
	t.Logf("LIF spikes: float %v, fixed %v; rates %.1f / %.1f Hz; CV %.3f / %.3f", cf, cx, a.Rate(1), b.Rate(1), a.CV(1), b.CV(1))
	if cf < 500 {
		t.Fatalf("only %v float spikes: the comparison exercises nothing", cf)
	}
	if math.Abs(cf-cx) > 0.10*cf {
		t.Fatalf("LIF spike counts: float %v, fixed %v (more than 10 %% apart)", cf, cx)
	}
}
