package sim_test

import (
	"math/rand/v2"
	"testing"

	"scc/ir"
	rt "scc/runtime"
	"scc/sim"
)

// TestSCLayerMatchesFastLayer: with the hdl library's seed bases, the
// layer model built from the IR gives, edge by edge after reset release,
// the spike trains of runtime's independent fast layer (rt.DenseLayer:
// bit-sliced counts and a current table), for random words.
func TestSCLayerMatchesFastLayer(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	total := 0
	for trial := range 8 {
		nIn, nOut, n := 1+rng.IntN(12), 1+rng.IntN(6), 64+rng.IntN(400)
		l := &ir.SCLayer{Name: "L", Inputs: nIn, Neurons: nOut, Length: int64(n),
			InputSeed: 0xACE1, WeightSeed: 0xBEEF, YMin: -int64(rng.IntN(512)), YMax: int64(rng.IntN(1024)), Leak: int64(rng.IntN(64)), Gain: 256 + int64(rng.IntN(512))}
		for range nIn {
			l.X = append(l.X, int64(rng.IntN(1<<16)))
		}
		for range nIn * nOut {
			l.W = append(l.W, int64(rng.IntN(1<<16)))
		}
		s, err := sim.NewSCLayer(l)
		if err != nil {
			t.Fatal(err)
		}
		fast, err := rt.NewDenseLayer(nIn, nOut, n, true)
		if err != nil {
			t.Fatal(err)
		}
		w := make([]uint16, len(l.W))
		for k, x := range l.W {
			w[k] = uint16(x)
		}
		fast.SetWeights(w)
		x := make([]uint16, nIn)
		for k, v := range l.X {
			x[k] = uint16(v)
		}
		fast.Run(nil, x, int16(l.YMin), int16(l.YMax), int16(l.Leak), int16(l.Gain))
		s.Step(true, false)
		spikes := 0
		for e := 1; e <= n; e++ {
			s.Step(false, false)
			for j := range nOut {
				if got, want := s.Spike(j), rt.Bit(fast.Train(j), e-1); got != want {
					t.Fatalf("trial %d edge %d neuron %d: model %v, fast layer %v", trial, e, j, got, want)
				}
				if s.Spike(j) {
					spikes++
				}
			}
		}
		total += spikes
	}
	if total == 0 {
		t.Fatal("no spikes in any trial")
	}
}
