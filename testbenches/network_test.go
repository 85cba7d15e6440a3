package testbenches

import (
	"context"
	"fmt"
	"testing"
	"time"

	"scc/internal/tool"
	"scc/ir"
	rt "scc/runtime"
)

// netIR has three layers of stream lengths 1, 37 and 256, so that runs end
// and restart often and at different offsets; one has custom seeds, one a
// negative y_min.
const netIR = `module "net.snn" fixed

network Net @1:1 {
  sc_dense A @2:5 {
    inputs 4
    neurons 3
    length 256
    input_seed 0xace1
    weight_seed 0xbeef
    x [32768, 16384, 49152, 8192]
    w [[32768, 16384, 65280, 32768], [49152, 32768, 16384, 8192], [65280, 65280, 32768, 16384]]
    y [0, 256]
    leak 20
    gain 256
  }
  sc_dense B @3:5 {
    inputs 3
    neurons 2
    length 37
    input_seed 0x1234
    weight_seed 0x0042
    x [60000, 40000, 20000]
    w [[50000, 30000, 65535], [10000, 65535, 40000]]
    y [-128, 512]
    leak 30
    gain 300
  }
  sc_dense C @4:5 {
    inputs 1
    neurons 1
    length 1
    input_seed 0x0001
    weight_seed 0xffff
    x [40000]
    w [[50000]]
    y [0, 300]
    leak 10
    gain 256
  }
}
`

func netModule(t *testing.T) (*ir.Module, *ir.Net) {
	t.Helper()
	m, err := ir.Parse(netIR)
	if err != nil {
		t.Fatal(err)
	}
	if err := ir.Verify(m); err != nil {
		t.Fatal(err)
	}
	return m, m.Nets[0]
}

// TestNetworkGoldenDefaultSeeds: with the default seed bases the reseeded
// models are runtime/'s own sc_dense_matrix_layer (the glue adds nothing).
func TestNetworkGoldenDefaultSeeds(t *testing.T) {
	_, n := netModule(t)
	l := n.Layers[0]
	stim := NetworkStimulus(3000, 1)
	tr, err := NetworkGolden(&ir.Net{Name: "N", Layers: []*ir.SCLayer{l}}, stim)
	if err != nil {
		t.Fatal(err)
	}
	d := rt.NewDenseMatrix(l.Inputs, l.Neurons)
	in := rt.DenseIn{StreamLen: uint32(l.Length), X: make([]uint16, l.Inputs), W: make([]uint16, len(l.W)),
		YMin: int16(l.YMin), YMax: int16(l.YMax), Leak: int16(l.Leak), Gain: int16(l.Gain)}
	for i, x := range l.X {
		in.X[i] = uint16(x)
	}
	for k, w := range l.W {
		in.W[k] = uint16(w)
	}
	for s, st := range stim {
		in.Reset, in.Start = st.Reset, st.Start
		d.Step(&in)
		for j := 0; j < l.Neurons; j++ {
			if got, want := rt.Bit(tr.Want[s], j), rt.Bit(d.Spikes, j); got != want {
				t.Fatalf("step %d: NetworkGolden spike %d = %v, want %v (rt.NewDenseMatrix)", s, j, got, want)
			}
		}
	}
	if tr.Spikes < 100 || tr.Runs < 5 {
		t.Errorf("NetworkGolden: %d spikes, %d runs; the stimulus exercises too little", tr.Spikes, tr.Runs)
	}
}

// TestCosimNetwork: the RTL of a three-layer network is bit-exact with
// runtime/ for 10,000 cycles under both simulators.
func TestCosimNetwork(t *testing.T) {
	tool.Need(t, "iverilog", "verilator")
	m, n := netModule(t)
	for _, sim := range []string{"iverilog", "verilator"} {
		t.Run(sim, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			res, err := CosimNetwork(ctx, m, n, CosimOptions{Sim: sim, Steps: 10000, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			if res.Mismatches != 0 || res.Steps != 10000 || res.Signals != 12 {
				t.Fatalf("%s\n%s", res.Summary(), tail(res.Output, 10))
			}
			if res.Spikes < 1000 {
				t.Errorf("only %d spikes in 10000 cycles", res.Spikes)
			}
			t.Log(res.Summary())
		})
	}
}

// TestCosimNetworkCatchesWrongSeed: a golden model whose weight seed base
// differs by one from the RTL's is caught, and the mismatch names a spike.
func TestCosimNetworkCatchesWrongSeed(t *testing.T) {
	tool.Need(t, "iverilog")
	m, n := netModule(t)
	for _, layer := range []int{0, 1} {
		t.Run(fmt.Sprint(n.Layers[layer].Name), func(t *testing.T) {
			wrong := *n
			wrong.Layers = append([]*ir.SCLayer(nil), n.Layers...)
			l := *wrong.Layers[layer]
			l.WeightSeed++
			wrong.Layers[layer] = &l
			tr, err := NetworkGolden(&wrong, NetworkStimulus(2000, 7))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			res, err := CosimNetworkTrace(ctx, m, n, tr, CosimOptions{Sim: "iverilog"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Mismatches != 1 || res.First == nil {
				t.Fatalf("wrong weight seed not caught: %s", res.Summary())
			}
			want := n.Layers[layer].SpikesPort() + "["
			if s := res.First.Signal; len(s) < len(want) || s[:len(want)] != want {
				t.Errorf("first mismatch on %s, want a spike of layer %s", s, n.Layers[layer].Name)
			}
			t.Log(res.Summary())
		})
	}
}
