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

// TestNetExternLayer: an SC layer is an extern population of sim.Net: in
// step t it shows its neurons' spike bits after clock edge t (start held
// high, from reset), which are those of runtime's independent fast layer,
// and its spikes reach a projection's target d steps later like any
// population's (here a counter that adds every arriving weight).
func TestNetExternLayer(t *testing.T) {
	src := []byte(`model Count {
    format q20.4
    input J in [0, 8]
    state n = 0 in [0, 100000]
    n' = n + J
}
network N {
    layer L = sc_dense(inputs = 3, neurons = 2, length = 300) {
        x = [200, 90, 160]
        w = [[255, 128, 64], [100, 250, 30]]
        y = [0, 1]
        leak = 0.078125
        gain = 1
    }
    pop c = Count[2]
    proj p = L -> c.J one_to_one { w = 1; delay 2 steps }
    record c n every 1 steps
}
`)
	const steps = 300
	_, fix, _ := compileModule(t, "layer.snn", src, false)
	n := fix.Nets[0]
	if len(n.Pops) != 2 || n.Pops[0].Kind != ir.PopExtern || n.Pops[0].Layer != n.Layers[0] {
		t.Fatalf("the layer is not the net's first, extern population: %+v", n.Pops)
	}
	net, err := sim.NewNet(fix, n, sim.NetOptions{Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	l := n.Layers[0]
	fast, err := rt.NewDenseLayer(l.Inputs, l.Neurons, steps, true)
	if err != nil {
		t.Fatal(err)
	}
	w := make([]uint16, len(l.W))
	for k, x := range l.W {
		w[k] = uint16(x)
	}
	fast.SetWeights(w)
	x := make([]uint16, l.Inputs)
	for k, v := range l.X {
		x[k] = uint16(v)
	}
	fast.Run(nil, x, int16(l.YMin), int16(l.YMax), int16(l.Leak), int16(l.Gain))
	counts := make([][]int, l.Neurons) // spikes of neuron j in steps 1..t
	for j := range counts {
		counts[j] = make([]int, steps+1)
	}
	for step := 1; step <= steps; step++ {
		if err := net.Step(); err != nil {
			t.Fatal(err)
		}
		spiked := map[int32]bool{}
		for _, j := range net.Spikes(0) {
			spiked[j] = true
		}
		for j := range l.Neurons {
			want := rt.Bit(fast.Train(j), step-1)
			if spiked[int32(j)] != want {
				t.Fatalf("step %d neuron %d: extern population %v, fast layer %v", step, j, spiked[int32(j)], want)
			}
			counts[j][step] = counts[j][step-1]
			if want {
				counts[j][step]++
			}
		}
	}
	if counts[0][steps]+counts[1][steps] == 0 {
		t.Fatal("the layer never spiked")
	}
	rec := net.Records()[0]
	f := fix.Func(n.Pops[1].Func)
	for k, step := range rec.Steps {
		for j := range l.Neurons {
			got := f.States[0].Type.Fmt.Decode(rec.Words[k*l.Neurons+j])
			if want := float64(counts[j][max(step-2, 0)]); got != want {
				t.Fatalf("step %d counter %d: %g, want %g (layer spikes up to step %d)", step, j, got, want, step-2)
			}
		}
	}
}
