package sim_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/models"
	"scc/parser"
	"scc/passes"
	"scc/runtime/kernels"
	"scc/sim"
)

// modelNet is a small network around f: a population of n neurons of f
// (initial state 0 perturbed per neuron; for a generic f, per-neuron
// parameters within 1% of the defaults), a Poisson source projecting on
// every port (random p = 0.3, delays 1..5, weights within a fifth of the
// port's declared range), a current drive on every port at the middle of
// its range (seven tenths up) on half the neurons; and a second
// population of f under a stepwise current on every neuron alone.
func modelNet(f *ir.Func, n int, seed uint64) *ir.Net {
	r := rand.New(rand.NewPCG(seed, 99))
	p := &ir.Pop{Name: "p", Kind: ir.PopNeuron, Size: n, Func: f.Name}
	if len(f.States) > 0 && f.States[0].Type.Kind == ir.KFixed {
		st := f.States[0]
		in := &ir.PopInit{Index: 0}
		fm := st.Type.Fmt
		d := (fm.Max() - fm.Min()) >> 12
		for range n {
			in.Words = append(in.Words, min(max(st.InitRaw+r.Int64N(2*d+1)-d, fm.Min()), fm.Max()))
			in.Values = append(in.Values, 0)
		}
		p.Init = []*ir.PopInit{in}
	}
	if f.Generic() {
		def := f.ParamDefaults()
		vals := make([][]float64, len(def))
		for i := range n {
			v := make([]float64, len(def))
			for k, x := range def {
				v[k] = x * (1 + 0.02*(r.Float64()-0.5))
			}
			if _, err := ir.ParamWords(f, v); err != nil {
				v = def
			}
			for k := range def {
				vals[k] = append(vals[k], v[k])
			}
			_ = i
		}
		for k := range def {
			p.Params = append(p.Params, &ir.PopParam{Index: k, Values: vals[k]})
		}
	}
	src := &ir.Pop{Name: "s", Kind: ir.PopSource, Size: 40, Source: &ir.Source{Kind: ir.SourcePoisson, Threshold: 1 << 26, Seed: seed, Stream: 0}}
	net := &ir.Net{Name: "M", Dt: f.Dt, Pops: []*ir.Pop{p, src}}
	for k, in := range f.Inputs {
		fm := in.Type.Fmt
		lo, hi := fm.Decode(fm.Min()), fm.Decode(fm.Max())
		if in.Range != nil {
			lo, hi = in.Range.Lo, in.Range.Hi
		}
		enc := func(x float64) int64 { w, _ := fixed.Encode(x, fm); return w }
		pr := &ir.Proj{Name: fmt.Sprintf("s%d", k), Pre: "s", Post: "p", Port: k, PortName: in.Name}
		for j := range 40 {
			for i := range n {
				if r.Float64() < 0.3 {
					x := (hi - lo) * 0.2 * (r.Float64() - 0.3)
					pr.PreIdx = append(pr.PreIdx, int32(j))
					pr.PostIdx = append(pr.PostIdx, int32(i))
					pr.Delay = append(pr.Delay, int32(1+r.IntN(5)))
					pr.W = append(pr.W, x)
					pr.Words = append(pr.Words, enc(x))
				}
			}
		}
		net.Projs = append(net.Projs, pr)
		mid := lo + 0.7*(hi-lo)
		net.Drives = append(net.Drives, &ir.Drive{Name: fmt.Sprintf("c%d", k), Kind: ir.DriveCurrent, Value: mid, ValueWord: enc(mid),
			Targets: []*ir.Target{{Pop: "p", Lo: n / 2, Hi: n, Port: k, PortName: in.Name}}})
	}
	// A second population driven only by a current on every neuron whose
	// word changes every 37 steps (the runner's constant fill).
	net.Pops = append(net.Pops, &ir.Pop{Name: "q", Kind: ir.PopNeuron, Size: 70, Func: f.Name})
	for k, in := range f.Inputs {
		fm := in.Type.Fmt
		lo, hi := fm.Decode(fm.Min()), fm.Decode(fm.Max())
		if in.Range != nil {
			lo, hi = in.Range.Lo, in.Range.Hi
		}
		d := &ir.Drive{Name: fmt.Sprintf("q%d", k), Kind: ir.DriveCurrent, Targets: []*ir.Target{{Pop: "q", Lo: 0, Hi: 70, Port: k, PortName: in.Name}}}
		for t := range 600 {
			x := lo + (hi-lo)*float64(1+(t/37)%3)/4
			w, _ := fixed.Encode(x, fm)
			d.Words = append(d.Words, w)
			d.Values = append(d.Values, x)
		}
		net.Drives = append(net.Drives, d)
	}
	net.Records = []*ir.Record{{Pop: "p", Kind: ir.RecordSpikes, Lo: 0, Hi: n}}
	if len(f.States) > 0 {
		net.Records = append(net.Records, &ir.Record{Pop: "p", Kind: ir.RecordState, Lo: 0, Hi: 3, Vars: []int{0}, Every: 1})
	}
	return net
}

// TestNetRuntimeEveryKernel: every generated kernel (both variants: the
// generic one with per-neuron parameters) runs a small network inside
// the runtime engine identically with the interpreter, every spike and
// every state word of every step, on every path the CPU runs.
func TestNetRuntimeEveryKernel(t *testing.T) {
	all := kernels.All()
	if len(all) == 0 {
		t.Skip("no generated kernels")
	}
	steps := 400
	if testing.Short() {
		steps = 100
	}
	for _, ks := range all {
		t.Run(ks.Source+"/"+ks.Variant, func(t *testing.T) {
			f := compileKernelFunc(t, ks)
			if got := sim.KernelFor(f); got != ks {
				t.Fatalf("the kernel of %s/%s's Func is %v", ks.Source, ks.Variant, got)
			}
			m := &ir.Module{File: ks.Source, Phase: ir.Fixed, Funcs: []*ir.Func{f}}
			net := modelNet(f, 130, 5)
			opts := []sim.NetOptions{{Engine: sim.EngineRuntime, Workers: 2, ISA: "portable"}}
			for _, isa := range ks.ISAs[1:] {
				if kernels.Available(isa) {
					opts = append(opts, sim.NetOptions{Engine: sim.EngineRuntime, Workers: 2, ISA: isa.String()})
				}
			}
			nets := newEngines(t, m, net, steps, opts...)
			for _, s := range nets[1:] {
				t.Log(s.EngineDetail())
			}
			compareEngines(t, nets, steps, 1)
			t.Logf("%d spikes, saturated %v", nets[0].Count(0), nets[0].Saturated())
		})
	}
}

// compileKernelFunc compiles the library model of ks the way the kernel
// generator does (internal/genkernels: the standard pipeline, KeepParams
// for the generic variant).
func compileKernelFunc(t *testing.T, ks *kernels.Spec) *ir.Func {
	t.Helper()
	src, err := models.Source(ks.Source)
	if err != nil {
		t.Fatal(err)
	}
	lf, err := parser.ParseFile("models/"+ks.Source, src)
	if err != nil {
		t.Fatal(err)
	}
	info, err := lang.Check(lf)
	if err != nil {
		t.Fatal(err)
	}
	m, err := irgen.Lower(lf, info, irgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := passes.Run(m, passes.Options{Check: true, KeepParams: ks.Variant == "generic"}); err != nil {
		t.Fatal(err)
	}
	if len(m.Funcs) != 1 {
		t.Fatalf("%s: %d funcs", ks.Source, len(m.Funcs))
	}
	return m.Funcs[0]
}
