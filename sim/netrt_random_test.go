package sim_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"scc/sim"
)

// netModel is a library model a random network may use: its file, and
// per input port its name, unit and a weight range inside the port's.
type netModel struct {
	name, file string
	ports      []netPort
	v          string // a state with a uniform initial value: "name lo hi unit" ("" none)
}

type netPort struct {
	name, unit string
	lo, hi     float64
	stdp       bool // an mV port STDP's w (q of mV, [0, 2 mV]) fits
}

var netModels = []netModel{
	{"DeltaLIF", "delta_lif.snn", []netPort{{"J", "mV", -3, 4, true}}, "v -70 -56 mV"},
	{"BrunelLIF", "brunel_lif.snn", []netPort{{"J", "mV", -3, 4, false}}, "v 0 19 mV"},
	{"CubaLIF", "cuba_lif.snn", []netPort{{"je", "mV", 0, 6, false}, {"ji", "mV", -20, 0, false}}, "v -60 -50 mV"},
	{"Izhikevich", "izhikevich.snn", []netPort{{"I", "mV", 0, 8, false}}, ""},
	{"QIF", "qif.snn", []netPort{{"I", "mV", 0, 8, false}}, ""},
	{"LIF", "lif.snn", []netPort{{"I", "nA", -2, 12, false}}, ""},
	{"FitzHughNagumo", "fitzhugh_nagumo.snn", []netPort{{"I", "", 0, 0.4, false}}, ""},
}

const stdpSyn = `
synapse STDP {
    param gmax = 2 mV; param a_pre = 0.05 mV; param a_post = -0.06 mV
    state w : mV in [0 mV, gmax]
    trace pre x decay 20 ms add a_pre
    trace post y decay 20 ms add a_post
    on pre { w = clip(w + y, 0 mV, gmax) }
    on post { w = clip(w + x, 0 mV, gmax) }
}
`

// randomLibNet writes a random network of library models: 2-4 neuron
// populations (sizes 1-150), a Poisson source, projections with random
// or fixed in-degree connectivity, random weights and delays 1..D, STDP
// on some, poisson_sum and current drives, records.
func randomLibNet(r *rand.Rand, name string) (src string, files []string) {
	var b strings.Builder
	used := map[string]bool{}
	type pop struct {
		name string
		m    netModel
		size int
	}
	var pops []pop
	seed := 1
	next := func() int { seed++; return seed }
	fmt.Fprintf(&b, "network %s {\n    dt 0.1 ms\n", name)
	np := 2 + r.IntN(3)
	for i := range np {
		m := netModels[r.IntN(len(netModels))]
		size := []int{1, 63, 64, 65, 100, 150}[r.IntN(6)]
		if !used[m.file] {
			used[m.file] = true
			files = append(files, m.file)
		}
		p := pop{fmt.Sprintf("p%d", i), m, size}
		pops = append(pops, p)
		init := ""
		if m.v != "" && r.IntN(2) == 0 {
			f := strings.Fields(m.v)
			init = fmt.Sprintf(" { %s = uniform(%s %s, %s %s, seed = %d) }", f[0], f[1], f[3], f[2], f[3], next())
		}
		fmt.Fprintf(&b, "    pop %s = %s[%d]%s\n", p.name, m.name, size, init)
	}
	size := map[string]int{"src": 20 + r.IntN(60)}
	stdpPort := map[string]bool{} // pop: its STDP-capable port takes STDP (all its weights then q8.8-exact)
	for _, p := range pops {
		size[p.name] = p.size
		stdpPort[p.name] = p.m.ports[0].stdp && r.IntN(2) == 0
	}
	fmt.Fprintf(&b, "    source src = poisson(rate = %d Hz, seed = %d)[%d]\n", 50+r.IntN(300), next(), size["src"])
	pre := append([]string{"src"}, func() []string {
		var s []string
		for _, p := range pops {
			s = append(s, p.name)
		}
		return s
	}()...)
	nproj := 2 + r.IntN(5)
	stdp := false
	for k := range nproj {
		from := pre[r.IntN(len(pre))]
		if k == 0 {
			from = "src"
		}
		to := pops[r.IntN(len(pops))]
		port := to.m.ports[r.IntN(len(to.m.ports))]
		conn := fmt.Sprintf("random(p = %.2f, seed = %d)", 0.05+0.3*r.Float64(), next())
		if r.IntN(3) == 0 {
			conn = fmt.Sprintf("fixed_indegree(k = %d, seed = %d)", 1+r.IntN(min(10, size[from])), next())
		}
		with := ""
		w := fmt.Sprintf("uniform(%g %s, %g %s, seed = %d)", port.lo, port.unit, port.hi, port.unit, next())
		if port.stdp && stdpPort[to.name] {
			if r.IntN(2) == 0 {
				with, stdp = " with STDP", true
				w = fmt.Sprintf("uniform(0 mV, 2 mV, seed = %d)", next())
			} else {
				w = fmt.Sprintf("%g mV", float64(r.IntN(41)-16)/8)
			}
		}
		delay := fmt.Sprintf("delay uniform(1, %d, seed = %d) steps", 1+r.IntN(6), next())
		if r.IntN(3) == 0 {
			delay = fmt.Sprintf("delay %d steps", 1+r.IntN(4))
		}
		fmt.Fprintf(&b, "    proj j%d = %s -> %s.%s %s%s { w = %s; %s }\n", k, from, to.name, port.name, conn, with, w, delay)
	}
	for k, p := range pops {
		port := p.m.ports[0]
		switch r.IntN(3) {
		case 0:
			fmt.Fprintf(&b, "    drive d%d = poisson_sum(n = %d, rate = 10 Hz, w = %g %s, seed = %d) -> %s.%s\n", k, 20+r.IntN(200), port.hi/4, port.unit, next(), p.name, port.name)
		case 1:
			lo := r.IntN(p.size)
			fmt.Fprintf(&b, "    drive d%d = current(%g %s) -> %s[%d:%d].%s\n", k, port.hi/2, port.unit, p.name, lo, p.size, port.name)
		}
		fmt.Fprintf(&b, "    record %s spikes\n", p.name)
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "    record %s rate every %d steps\n", p.name, 1+r.IntN(20))
		}
	}
	b.WriteString("}\n")
	if stdp {
		b.WriteString(stdpSyn)
	}
	return b.String(), files
}

// TestNetRuntimeRandom: random networks of mixed library models (delays
// 1..D, STDP, both drive kinds, sources) run identically on the
// interpreter and the runtime engine (1 and 2 workers; kernels where the
// library has them, the batched interpreter inside the runner elsewhere),
// every spike and every state word of every step.
func TestNetRuntimeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 1))
	n := 12
	if testing.Short() {
		n = 4
	}
	for k := range n {
		name := fmt.Sprintf("R%d", k)
		net, files := randomLibNet(r, name)
		t.Run(name, func(t *testing.T) {
			var src []byte
			for _, f := range files {
				m, err := os.ReadFile("../models/" + f)
				if err != nil {
					t.Fatal(err)
				}
				src = append(src, m...)
			}
			src = append(src, net...)
			t.Cleanup(func() {
				if t.Failed() {
					t.Log(net)
				}
			})
			_, fix, _ := compileModule(t, name+".snn", src, false)
			nets := newEngines(t, fix, fix.Nets[0], 1000,
				sim.NetOptions{Engine: sim.EngineRuntime, Workers: 1},
				sim.NetOptions{Engine: sim.EngineRuntime, Workers: 2})
			compareEngines(t, nets, 1000, 1)
			var spikes int64
			for p := range fix.Nets[0].Pops {
				spikes += nets[0].Count(p)
			}
			t.Logf("%s; %d spikes", nets[1].EngineDetail(), spikes)
		})
	}
}
