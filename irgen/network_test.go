package irgen

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"scc/ir"
	"scc/lang"
	"scc/parser"
)

// These tests build checked networks by hand (lang.NetworkInfo over the
// checked models of netModels) and lower them with lowerNetworks.

const netModels = `model N {
    param tau = 10 ms
    param g = 1 in [0, 4]
    param b = 2
    input je
    state v = 0 in [-10, 10]
    state w = 0
    dv/dt = ((je - v) * g + b) / tau
    w' = w
    spike when v > 1 { v = 0 }
}
model STDP__pre {
    input x
    input y
    state w = 0 in [0, 1]
    w' = w + y
}
`

// at is a position in the hand-written network "dir/net.snn".
func at(line int) lang.Pos { return lang.Pos{File: "dir/net.snn", Line: line, Col: 5} }

// newNet returns a network of neuron populations of model N, sizes in
// order, named a, b, c, …, declared on lines 2, 3, ….
func newNet(sizes ...int) *lang.NetworkInfo {
	ni := &lang.NetworkInfo{Network: &lang.Network{Name: "Net", Pos: at(1)}, Profile: lang.DefaultProfile()}
	for i, n := range sizes {
		name := string(rune('a' + i))
		ni.Pops = append(ni.Pops, &lang.PopInfo{Pop: &lang.Pop{Name: name, Pos: at(2 + i)}, Model: "N", Size: n})
	}
	return ni
}

// whole returns the slice of all of population name (size n).
func whole(name string, n int) lang.Slice { return lang.Slice{Pos: at(20), Pop: name, Lo: 0, Hi: n} }

// memFS serves data files from a map; a missing file is fs.ErrNotExist.
type memFS map[string]string

func (m memFS) read(name string) ([]byte, error) {
	if s, ok := m[name]; ok {
		return []byte(s), nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// lowerNet lowers the models of netModels, then ni.
func lowerNet(t *testing.T, ni *lang.NetworkInfo, files memFS, syn ...*lang.SynapseInfo) (*ir.Module, *ir.Net, error) {
	t.Helper()
	f, err := parser.ParseFile("dir/net.snn", []byte(netModels))
	if err != nil {
		t.Fatal(err)
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatal(err)
	}
	info.Order = []string{"N"} // the event model is lowered for its rule
	opt := Options{ReadFile: files.read}
	mod, err := Lower(f, info, opt)
	if err != nil {
		t.Fatal(err)
	}
	info.Networks = []*lang.NetworkInfo{ni}
	info.Synapses = syn
	if err := lowerNetworks(mod, info, &opt); err != nil {
		return mod, nil, err
	}
	if len(mod.Nets) != 1 {
		t.Fatalf("lowered %d nets, want 1", len(mod.Nets))
	}
	return mod, mod.Nets[0], nil
}

func mustNet(t *testing.T, ni *lang.NetworkInfo, files memFS, syn ...*lang.SynapseInfo) (*ir.Module, *ir.Net) {
	t.Helper()
	mod, n, err := lowerNet(t, ni, files, syn...)
	if err != nil {
		t.Fatalf("lowerNetworks: %v", err)
	}
	return mod, n
}

// pairs prints a projection's synapses "pre>post" (and ":w" when withW).
func pairs(p *ir.Proj, withW bool) string {
	var s []string
	for k := range p.PreIdx {
		x := fmt.Sprintf("%d>%d", p.PreIdx[k], p.PostIdx[k])
		if withW {
			x += fmt.Sprintf(":%g", p.W[k])
		}
		s = append(s, x)
	}
	return strings.Join(s, " ")
}

func TestConnectors(t *testing.T) {
	dense := [][]float64{{0, 1, 2}, {3, 0, 0}} // [post][pre]: 2 post, 3 pre
	tests := []struct {
		name     string
		pre, pos lang.Slice
		conn     lang.Conn
		w        lang.Dist
		want     string
	}{
		{"all_to_all", lang.Slice{Pop: "a", Lo: 0, Hi: 3}, lang.Slice{Pop: "b", Lo: 1, Hi: 3},
			lang.Conn{Kind: lang.ConnAllToAll}, lang.Dist{Value: 0.5},
			"0>1:0.5 0>2:0.5 1>1:0.5 1>2:0.5 2>1:0.5 2>2:0.5"},
		{"all_to_all self", lang.Slice{Pop: "a", Lo: 0, Hi: 2}, lang.Slice{Pop: "a", Lo: 0, Hi: 2},
			lang.Conn{Kind: lang.ConnAllToAll}, lang.Dist{Value: 1}, "0>0:1 0>1:1 1>0:1 1>1:1"},
		{"one_to_one", lang.Slice{Pop: "a", Lo: 1, Hi: 4}, lang.Slice{Pop: "b", Lo: 0, Hi: 3},
			lang.Conn{Kind: lang.ConnOneToOne}, lang.Dist{Value: 2}, "1>0:2 2>1:2 3>2:2"},
		{"list", lang.Slice{Pop: "a", Lo: 2, Hi: 5}, whole("b", 4),
			lang.Conn{Kind: lang.ConnList, Pairs: [][2]int{{2, 0}, {0, 3}, {0, 1}, {1, 1}}}, lang.Dist{Value: 1},
			"2>1:1 2>3:1 3>1:1 4>0:1"},
		{"dense inline", whole("a", 3), lang.Slice{Pop: "b", Lo: 2, Hi: 4},
			lang.Conn{Kind: lang.ConnDense, Matrix: dense}, lang.Dist{},
			"0>3:3 1>2:1 2>2:2"},
		{"dense file", whole("a", 3), lang.Slice{Pop: "b", Lo: 2, Hi: 4},
			lang.Conn{Pos: at(11), Kind: lang.ConnDense, File: "w.csv"}, lang.Dist{},
			"0>3:3 1>2:1 2>2:2"},
		{"sparse", whole("a", 5), whole("b", 4),
			lang.Conn{Pos: at(11), Kind: lang.ConnSparse, File: "conn.csv"}, lang.Dist{Kind: lang.DistColumn, Column: "w"},
			"0>3:0.25 1>0:-1 1>2:4 4>0:2"},
	}
	files := memFS{
		"dir/w.csv":    "0, 1, 2\n3, 0, 0\n",
		"dir/conn.csv": "pre,post,w\n1,2,4\n4,0,2\n0,3,0.25\n1,0,-1\n",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ni := newNet(5, 4)
			ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "p", Pre: tt.pre, Post: tt.pos, Port: "je",
				Conn: tt.conn, W: tt.w}}
			_, n := mustNet(t, ni, files)
			p := n.Projs[0]
			if got := pairs(p, true); got != tt.want {
				t.Errorf("synapses = %s, want %s", got, tt.want)
			}
			for k, d := range p.Delay {
				if d != 1 {
					t.Errorf("delay[%d] = %d, want the default 1", k, d)
				}
			}
			if p.Pre != tt.pre.Pop || p.Post != tt.pos.Pop || p.PortName != "je" {
				t.Errorf("proj %s→%s.%s, want %s→%s.je", p.Pre, p.Post, p.PortName, tt.pre.Pop, tt.pos.Pop)
			}
		})
	}
}

// randomProj lowers a random(p) projection a → target of 200×200 pairs.
func randomProj(t *testing.T, seed uint64, target string, allowSelf bool) *ir.Proj {
	ni := newNet(200, 200)
	ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "r", Pre: whole("a", 200), Post: whole(target, 200), Port: "je",
		Conn: lang.Conn{Kind: lang.ConnRandom, P: 0.1, Seed: seed, AllowSelf: allowSelf}, W: lang.Dist{Value: 1}}}
	_, n := mustNet(t, ni, nil)
	return n.Projs[0]
}

func TestRandomConnector(t *testing.T) {
	p := randomProj(t, 7, "b", true)
	// Binomial(40000, 0.1): mean 4000, sd 60; five sd either side.
	if n := p.Synapses(); n < 3700 || n > 4300 {
		t.Errorf("random(p = 0.1) on 200×200 made %d synapses, want 4000 ± 300", n)
	}
	ordered(t, p)
	if again := randomProj(t, 7, "b", true); pairs(again, false) != pairs(p, false) {
		t.Errorf("random(seed = 7) differs between two lowerings")
	}
	if other := randomProj(t, 8, "b", true); pairs(other, false) == pairs(p, false) {
		t.Errorf("random(seed = 8) drew the same synapses as seed 7")
	}
	self := randomProj(t, 7, "a", false)
	for k := range self.PreIdx {
		if self.PreIdx[k] == self.PostIdx[k] {
			t.Fatalf("self pair %d>%d with AllowSelf false", self.PreIdx[k], self.PostIdx[k])
		}
	}
	// Each post neuron's in-degree is Binomial(200, 0.1): not all equal.
	deg := map[int32]int{}
	for _, j := range p.PostIdx {
		deg[j]++
	}
	if len(deg) < 190 || deg[0] == deg[1] && deg[1] == deg[2] && deg[2] == deg[3] {
		t.Errorf("in-degrees look degenerate: %d posts reached, first %d %d %d %d", len(deg), deg[0], deg[1], deg[2], deg[3])
	}
}

// ordered checks that p's synapses ascend by (pre, post).
func ordered(t *testing.T, p *ir.Proj) {
	t.Helper()
	for k := 1; k < p.Synapses(); k++ {
		a, b := [2]int32{p.PreIdx[k-1], p.PostIdx[k-1]}, [2]int32{p.PreIdx[k], p.PostIdx[k]}
		if a[0] > b[0] || a[0] == b[0] && a[1] > b[1] {
			t.Fatalf("synapse %d (%d>%d) before %d (%d>%d): not ascending pre, post", k-1, a[0], a[1], k, b[0], b[1])
		}
	}
}

func TestFixedIndegree(t *testing.T) {
	for _, allowSelf := range []bool{true, false} {
		ni := newNet(30)
		ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "k", Pre: whole("a", 30), Post: lang.Slice{Pop: "a", Lo: 10, Hi: 30},
			Port: "je", Conn: lang.Conn{Kind: lang.ConnFixedIndegree, K: 7, Seed: 3, AllowSelf: allowSelf}, W: lang.Dist{Value: 1}}}
		_, n := mustNet(t, ni, nil)
		p := n.Projs[0]
		ordered(t, p)
		pre := map[int32]map[int32]bool{}
		for k := range p.PreIdx {
			j := p.PostIdx[k]
			if pre[j] == nil {
				pre[j] = map[int32]bool{}
			}
			if pre[j][p.PreIdx[k]] {
				t.Errorf("post %d has pre %d twice", j, p.PreIdx[k])
			}
			pre[j][p.PreIdx[k]] = true
			if !allowSelf && p.PreIdx[k] == j {
				t.Errorf("self pair %d>%d with AllowSelf false", j, j)
			}
		}
		for j := int32(10); j < 30; j++ {
			if len(pre[j]) != 7 {
				t.Errorf("allowSelf %v: post %d has %d pre neurons, want 7", allowSelf, j, len(pre[j]))
			}
		}
		if fmt.Sprint(pre[10]) == fmt.Sprint(pre[11]) && fmt.Sprint(pre[11]) == fmt.Sprint(pre[12]) {
			t.Errorf("posts 10, 11, 12 drew the same pre set")
		}
	}
}

func TestDelaysAndWeights(t *testing.T) {
	ni := newNet(40, 40)
	ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "d", Pre: whole("a", 40), Post: whole("b", 40), Port: "je",
		Conn:  lang.Conn{Kind: lang.ConnAllToAll},
		W:     lang.Dist{Pos: at(11), Kind: lang.DistUniform, A: -0.5, B: 0.25, Seed: 4},
		Delay: lang.Dist{Pos: at(12), Kind: lang.DistUniform, A: 2, B: 15, Seed: 4}}}
	_, n := mustNet(t, ni, nil)
	p := n.Projs[0]
	seen := map[int32]int{}
	for _, d := range p.Delay {
		if d < 2 || d > 15 {
			t.Fatalf("delay %d outside uniform(2, 15) steps", d)
		}
		seen[d]++
	}
	if len(seen) != 14 {
		t.Errorf("1600 delays from uniform(2, 15) took %d distinct values, want all 14", len(seen))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, w := range p.W {
		if w < -0.5 || w >= 0.25 {
			t.Fatalf("weight %v outside [-0.5, 0.25)", w)
		}
		lo, hi = min(lo, w), max(hi, w)
	}
	if lo > -0.49 || hi < 0.24 {
		t.Errorf("1600 weights from uniform(-0.5, 0.25) span only [%v, %v]", lo, hi)
	}
	if p.MaxDelay() != 15 {
		t.Errorf("MaxDelay = %d, want 15", p.MaxDelay())
	}
}

func TestPerNeuron(t *testing.T) {
	ni := newNet(50, 50, 50, 8, 4)
	ni.Profile.Dt = 0.1
	ni.Pops[1].Overrides = []lang.ParamValue{{Name: "tau", Value: 5}}
	ni.Pops[2].Overrides = []lang.ParamValue{{Name: "tau", Value: 5}}
	ni.Pops[3].PerNeuron = []*lang.PerNeuron{
		{Pos: at(30), Name: "b", Index: 2, Value: lang.Dist{Kind: lang.DistUniform, A: 1.5, B: 3.5, Seed: 9}},
		{Pos: at(31), Name: "v", State: true, Index: 0, Value: lang.Dist{Kind: lang.DistNormal, A: 1, B: 0.5, Seed: 9}},
	}
	ni.Pops[4].PerNeuron = []*lang.PerNeuron{
		{Pos: at(32), Name: "g", Index: 1, Value: lang.Dist{Pos: at(32), Kind: lang.DistFile, File: "g.csv", Column: "g"}},
	}
	files := memFS{"dir/g.csv": "i,g\n0,0.5\n1,3\n2,1\n3,2\n"}
	mod, n := mustNet(t, ni, files)
	var funcs []string
	for _, p := range n.Pops {
		funcs = append(funcs, p.Func)
	}
	if got, want := strings.Join(funcs, " "), "N N_b N_b N_d N"; got != want {
		t.Errorf("pop funcs = %s, want %s", got, want)
	}
	fn := func(name string) *ir.Func {
		i := slices.IndexFunc(mod.Funcs, func(f *ir.Func) bool { return f.Name == name })
		if i < 0 {
			t.Fatalf("no func %s", name)
		}
		return mod.Funcs[i]
	}
	if tau := fn("N_b").Params[0].Value; tau != 5 {
		t.Errorf("N_b tau = %v, want the override 5", tau)
	}
	d := n.Pops[3]
	if len(d.Params) != 1 || d.Params[0].Index != 2 || len(d.Params[0].Values) != 8 {
		t.Fatalf("pop d params = %+v, want b's 8 values", d.Params)
	}
	r := fn("N_d").Params[2].Range
	lo, hi := 2.0, 2.0 // the hull includes the default b = 2
	for _, v := range d.Params[0].Values {
		if v < 1.5 || v >= 3.5 {
			t.Errorf("b = %v outside uniform(1.5, 3.5)", v)
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	if r == nil || r.Lo != lo || r.Hi != hi {
		t.Errorf("N_d b range = %v, want the hull [%v, %v]", r, lo, hi)
	}
	if fn("N").Params[2].Range != nil {
		t.Errorf("the model's own func got a range for b")
	}
	if len(d.Init) != 1 || d.Init[0].Index != 0 || len(d.Init[0].Values) != 8 {
		t.Fatalf("pop d init = %+v, want v's 8 values", d.Init)
	}
	e := n.Pops[4]
	if got := fmt.Sprint(e.Params[0].Values); got != "[0.5 3 1 2]" {
		t.Errorf("g from file = %s, want [0.5 3 1 2]", got)
	}
	if r := fn("N").Params[1].Range; r == nil || r.Lo != 0 || r.Hi != 4 {
		t.Errorf("N g range = %v, want the declared [0, 4] (pop e runs N)", r)
	}
	// The same draws again, and another seed draws others.
	_, again := mustNet(t, ni, files)
	if fmt.Sprint(again.Pops[3].Params[0].Values) != fmt.Sprint(d.Params[0].Values) {
		t.Errorf("uniform(seed = 9) differs between two lowerings")
	}
	ni.Pops[3].PerNeuron[0].Value.Seed = 10
	_, other := mustNet(t, ni, files)
	if fmt.Sprint(other.Pops[3].Params[0].Values) == fmt.Sprint(d.Params[0].Values) {
		t.Errorf("uniform(seed = 10) drew what seed 9 did")
	}
}

func TestNetDt(t *testing.T) {
	ni := newNet(3)
	ni.Profile.Dt = 0.05
	mod, n := mustNet(t, ni, nil)
	if n.Dt != 0.05 || n.Pops[0].Func != "N_a" {
		t.Fatalf("net dt %v, pop func %s; want 0.05 and N_a (the model's own dt is 0.1)", n.Dt, n.Pops[0].Func)
	}
	for _, f := range mod.Funcs {
		if f.Name == "N_a" && f.Dt != 0.05 {
			t.Errorf("N_a dt = %v, want the network's 0.05", f.Dt)
		}
	}
}

func TestPoissonThreshold(t *testing.T) {
	tests := []struct {
		rate, dt float64
		want     uint32
		ok       bool
	}{
		{0.5, 0.1, 214748365, true}, // 0.05·2^32 = 214748364.8
		{0.5, 0.125, 1 << 28, true},
		{0, 0.1, 0, true},
		{3 * 0x1p-33, 1, 2, true}, // 1.5 → 2
		{5 * 0x1p-33, 1, 2, true}, // 2.5 → 2 (half even)
		{7 * 0x1p-33, 1, 4, true}, // 3.5 → 4
		{1 - 0x1p-32, 1, 1<<32 - 1, true},
		{1 - 0x1p-34, 1, 0, false}, // 2^32 − 0.25 rounds to 2^32
		{-0.1, 1, 0, false},
	}
	for _, tt := range tests {
		got, ok := poissonThreshold(tt.rate, tt.dt)
		if got != tt.want || ok != tt.ok {
			t.Errorf("poissonThreshold(%v, %v) = %d, %v, want %d, %v", tt.rate, tt.dt, got, ok, tt.want, tt.ok)
		}
	}
}

// refCDF is an independent Poisson CDF: the sum of pmf terms from
// math.Lgamma.
func refCDF(lambda float64, k int) float64 {
	if lambda == 0 {
		return 1
	}
	s := 0.0
	for j := 0; j <= k; j++ {
		lg, _ := math.Lgamma(float64(j + 1))
		s += math.Exp(float64(j)*math.Log(lambda) - lambda - lg)
	}
	return s
}

func TestPoissonTable(t *testing.T) {
	for _, lambda := range []float64{0, 1e-3, 0.2, 1, 2, 7.5, 40, 300} {
		t.Run(fmt.Sprint(lambda), func(t *testing.T) {
			tab := poissonTable(lambda)
			const two32 = 1 << 32
			kEnd := 0 // the first k with tail below 2^-32
			for 1-refCDF(lambda, kEnd) >= 1.0/two32 {
				kEnd++
			}
			if want := kEnd + 1; len(tab) != want {
				t.Errorf("len(table) = %d, want %d (tail < 2^-32 from k = %d)", len(tab), want, kEnd)
			}
			mean := 0.0
			for k, x := range tab {
				if k > 0 && x < tab[k-1] {
					t.Errorf("table[%d] = %d < table[%d] = %d", k, x, k-1, tab[k-1])
				}
				ref := two32 * refCDF(lambda, k)
				if k == len(tab)-1 && ref > two32-1 {
					ref = two32 - 1 // the last entry clamps to the largest draw
				}
				if math.Abs(float64(x)-ref) > 0.5+1e-6*max(1, lambda)*two32*1e-9 {
					t.Errorf("table[%d] = %d, want round(%f)", k, x, ref)
				}
				mean += float64(two32-uint64(x)) / two32 // P(c > k) over all 2^32 draws
			}
			if d := math.Abs(mean - lambda); d > float64(len(tab)+2)/two32+1e-9 {
				t.Errorf("mean count over all draws = %.12f, want λ = %v (off by %g)", mean, lambda, d)
			}
		})
	}
}

func TestSourcesDrivesRecords(t *testing.T) {
	ni := newNet(4)
	ni.Profile.Dt = 0.1
	ni.Sources = []*lang.SourceInfo{
		{Pos: at(1), Name: "s0", Size: 3, Kind: lang.SourcePoisson, Rate: 0.5, Start: 10, Stop: 20, Seed: 5},
		{Pos: at(5), Name: "sp", Size: 4, Kind: lang.SourceSpikes, File: "sp.csv"},
		{Pos: at(7), Name: "s1", Size: 2, Kind: lang.SourcePoisson, Rate: 0.02, Seed: 5},
	}
	ni.Drives = []*lang.DriveInfo{
		{Pos: at(6), Name: "bg", Kind: lang.DrivePoissonSum, N: 1000, Rate: 0.02, W: 0.1, Seed: 7,
			Targets: []lang.DriveTarget{{Slice: whole("a", 4), Port: "je"}}},
		{Pos: at(8), Name: "i0", Kind: lang.DriveCurrent, File: "i.csv",
			Targets: []lang.DriveTarget{{Slice: lang.Slice{Pop: "a", Lo: 1, Hi: 3}, Port: "je"}}},
	}
	ni.Records = []*lang.RecordInfo{{Pos: at(9), Target: lang.Slice{Pop: "a", Lo: 0, Hi: 2}, Kind: lang.RecordState, Vars: []int{1, 0}}}
	files := memFS{
		"dir/sp.csv": "time_ms,index\n0.3,1\n0.1,2\n0.30000000000000004,0\n",
		"dir/i.csv":  "0.5\n1\n-2\n",
	}
	_, n := mustNet(t, ni, files)
	var names []string
	for _, p := range n.Pops {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, " "); got != "s0 a sp s1" {
		t.Errorf("pops = %s, want s0 a sp s1 (declaration order)", got)
	}
	s0, s1 := n.NetPop("s0").Source, n.NetPop("s1").Source
	if s0.Threshold != 214748365 || s0.Start != 10 || s0.Stop != 20 || s0.Seed != 5 || s0.Stream != 0 {
		t.Errorf("s0 = %+v, want threshold 214748365, steps 10..20, seed 5, stream 0", s0)
	}
	if s1.Stream != 2 || n.Drives[0].Stream != 1 {
		t.Errorf("streams s1 %d, bg %d; want 2 and 1 (declaration order)", s1.Stream, n.Drives[0].Stream)
	}
	if got := fmt.Sprint(n.NetPop("sp").Source.Spikes); got != "[{1 2} {3 0} {3 1}]" {
		t.Errorf("spikes = %s, want [{1 2} {3 0} {3 1}]", got)
	}
	if bg := n.Drives[0]; len(bg.Table) == 0 || bg.N != 1000 || len(bg.Targets) != 1 || bg.Targets[0].Hi != 4 {
		t.Errorf("bg = %+v", bg)
	}
	if i0 := n.Drives[1]; fmt.Sprint(i0.Values) != "[0.5 1 -2]" || i0.Targets[0].Lo != 1 {
		t.Errorf("i0 values %v targets %+v, want [0.5 1 -2] on a[1:3]", i0.Values, i0.Targets[0])
	}
	if r := n.Records[0]; r.Pop != "a" || r.Hi != 2 || fmt.Sprint(r.Vars) != "[1 0]" || r.Every != 1 {
		t.Errorf("record = %+v", r)
	}
}

func TestRules(t *testing.T) {
	ni := newNet(3, 3)
	ni.Profile.Dt = 0.1
	ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "s", Pre: whole("a", 3), Post: whole("b", 3), Port: "je",
		Conn: lang.Conn{Kind: lang.ConnAllToAll}, W: lang.Dist{Value: 0.5}, Rule: "STDP"}}
	f, _ := parser.ParseFile("dir/net.snn", []byte(netModels))
	info, _ := lang.Check(f)
	syn := &lang.SynapseInfo{Pos: at(40), Name: "STDP",
		Pre:   &lang.TraceInfo{Name: "x", Tau: 20, Add: 0.01},
		Post:  &lang.TraceInfo{Name: "y", Tau: 10, Add: 1, Set: true},
		OnPre: info.Models["STDP__pre"]}
	mod, n := mustNet(t, ni, nil, syn)
	r := n.NetRule("STDP")
	if r == nil || n.Projs[0].Rule != "STDP" {
		t.Fatalf("rules = %+v, want STDP", n.Rules)
	}
	if r.Pre.Decay != math.Exp(-0.1/20) || r.Post.Decay != math.Exp(-0.01) || !r.Post.Set || r.Pre.Add != 0.01 {
		t.Errorf("traces %+v %+v", r.Pre, r.Post)
	}
	if r.OnPre != "STDP__pre" || r.OnPost != "" {
		t.Errorf("OnPre %q OnPost %q, want STDP__pre and none", r.OnPre, r.OnPost)
	}
	if !slices.ContainsFunc(mod.Funcs, func(f *ir.Func) bool { return f.Name == "STDP__pre" }) {
		t.Errorf("event func STDP__pre not lowered")
	}
	ni.Projs[0].Rule = "Nope"
	if _, _, err := lowerNet(t, ni, nil, syn); err == nil || err.Error() != `dir/net.snn:10:5: unknown synapse rule "Nope"` {
		t.Errorf("unknown rule: err = %v", err)
	}
}

// TestNetErrors: every error of instantiation and of a data file is
// positioned, in the file (file:line:col) when it is the file's.
func TestNetErrors(t *testing.T) {
	spikes := func(file string) func(*lang.NetworkInfo) {
		return func(ni *lang.NetworkInfo) {
			ni.Sources = []*lang.SourceInfo{{Pos: at(9), Name: "s", Size: 3, Kind: lang.SourceSpikes, File: file}}
		}
	}
	dense := func(file string) func(*lang.NetworkInfo) {
		return func(ni *lang.NetworkInfo) {
			ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "p", Pre: whole("a", 3), Post: whole("b", 2), Port: "je",
				Conn: lang.Conn{Pos: at(11), Kind: lang.ConnDense, File: file}}}
		}
	}
	sparse := func(file string) func(*lang.NetworkInfo) {
		return func(ni *lang.NetworkInfo) {
			ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "p", Pre: whole("a", 3), Post: whole("b", 2), Port: "je",
				Conn: lang.Conn{Pos: at(11), Kind: lang.ConnSparse, File: file}, W: lang.Dist{Kind: lang.DistColumn, Column: "w"},
				Delay: lang.Dist{Pos: at(10), Kind: lang.DistColumn, Column: "delay", Value: 1}}}
		}
	}
	perNeuron := func(pn *lang.PerNeuron) func(*lang.NetworkInfo) {
		return func(ni *lang.NetworkInfo) { ni.Pops[0].PerNeuron = []*lang.PerNeuron{pn} }
	}
	files := memFS{
		"dir/off.csv":     "time_ms,index\n0.1,0\n0.25,1\n",
		"dir/twice.csv":   "step,index\n3,1\n2,0\n3,1\n",
		"dir/range.csv":   "1,0\n2,3\n",
		"dir/zero.csv":    "0,1\n",
		"dir/quote.csv":   "1,\"2\n3,4\n",
		"dir/nan.csv":     "step,index\n1,x\n",
		"dir/cols.csv":    "1,2\n3\n",
		"dir/head.csv":    "when,index\n1,2\n",
		"dir/shape.csv":   "1,2,3\n4,5,6\n7,8,9\n",
		"dir/width.csv":   "1,2,3\n4,5\n",
		"dir/sp_pre.csv":  "pre,post,w\n0,1,1\n3,0,1\n",
		"dir/sp_cols.csv": "0,1\n",
		"dir/sp_frac.csv": "0,1,1,1.5\n",
		"dir/sp_hdr.csv":  "pre,to,w\n0,1,1\n",
		"dir/vals.csv":    "1\n2\n",
	}
	tests := []struct {
		name string
		edit func(*lang.NetworkInfo)
		want string
	}{
		{"off grid", spikes("off.csv"), "dir/off.csv:3:1: spike time 0.25 ms is not a multiple of dt = 0.1 ms"},
		{"twice", spikes("twice.csv"), "dir/twice.csv:4:3: neuron 1 spikes twice in step 3 (also on line 2)"},
		{"index", spikes("range.csv"), "dir/range.csv:2:3: index 3 is outside 0..2"},
		{"step 0", spikes("zero.csv"), "dir/zero.csv:1:1: spike at 0 is before step 1 (steps are numbered from 1)"},
		{"malformed", spikes("quote.csv"), "dir/quote.csv:2:5: malformed CSV: extraneous or missing \" in quoted-field"},
		{"number", spikes("nan.csv"), "dir/nan.csv:2:3: expected a number, found \"x\""},
		{"columns", spikes("cols.csv"), "dir/cols.csv:2:1: expected 2 columns, found 1"},
		{"header", spikes("head.csv"), "dir/head.csv:1:1: the first column of a spike file is \"step\" or \"time_ms\", found \"when\""},
		{"missing", spikes("none.csv"), "dir/net.snn:9:5: cannot read \"none.csv\": file does not exist"},
		{"dense rows", dense("shape.csv"), "dir/shape.csv:3:1: the matrix has 3 rows, want 2 (N_post×N_pre = 2×3)"},
		{"dense width", dense("width.csv"), "dir/width.csv:2:3: expected 3 columns, found 2"},
		{"dense inline", func(ni *lang.NetworkInfo) {
			dense("")(ni)
			ni.Projs[0].Conn.Matrix = [][]float64{{1, 2, 3}, {1, 2}}
		}, "dir/net.snn:11:5: the dense matrix is 2×2, want N_post×N_pre = 2×3"},
		{"sparse pre", sparse("sp_pre.csv"), "dir/sp_pre.csv:3:1: pre index 3 is outside 0..2"},
		{"sparse columns", sparse("sp_cols.csv"), "dir/sp_cols.csv:1:3: expected rows pre,post,w[,delay], found 2 columns"},
		{"sparse delay", sparse("sp_frac.csv"), "dir/sp_frac.csv:1:7: delay 1.5 is not a whole number of steps ≥ 1 (nor a time that is a multiple of dt = 0.1 ms)"},
		{"sparse header", sparse("sp_hdr.csv"), "dir/sp_hdr.csv:1:1: no column \"post\" in the header \"pre,to,w\""},
		{"one_to_one", func(ni *lang.NetworkInfo) {
			ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "p", Pre: whole("a", 3), Post: whole("b", 2), Port: "je",
				Conn: lang.Conn{Pos: at(11), Kind: lang.ConnOneToOne}}}
		}, "dir/net.snn:11:5: one_to_one needs slices of one size, found 3 and 2"},
		{"indegree", func(ni *lang.NetworkInfo) {
			ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "p", Pre: whole("a", 3), Post: whole("a", 3), Port: "je",
				Conn: lang.Conn{Pos: at(11), Kind: lang.ConnFixedIndegree, K: 3}}}
		}, "dir/net.snn:11:5: fixed_indegree(k = 3) needs at least k distinct pre neurons, found 2"},
		{"too many", func(ni *lang.NetworkInfo) {
			ni.Pops[0].Size, ni.Pops[1].Size = 1<<15, 1<<14
			ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "p", Pre: whole("a", 1<<15), Post: whole("b", 1<<14), Port: "je",
				Conn: lang.Conn{Pos: at(11), Kind: lang.ConnAllToAll}}}
		}, "dir/net.snn:11:5: projection \"p\" has 536870912 synapses or candidate pairs, more than the 268435456 scc instantiates"},
		{"delay 0", func(ni *lang.NetworkInfo) {
			ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "p", Pre: whole("a", 3), Post: whole("b", 2), Port: "je",
				Conn: lang.Conn{Kind: lang.ConnAllToAll}, Delay: lang.Dist{Pos: at(12), Value: 0}}}
		}, "dir/net.snn:12:5: a delay must be a whole number of steps ≥ 1, found 0"},
		{"delay normal", func(ni *lang.NetworkInfo) {
			ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "p", Pre: whole("a", 3), Post: whole("b", 2), Port: "je",
				Conn: lang.Conn{Kind: lang.ConnAllToAll}, Delay: lang.Dist{Pos: at(12), Kind: lang.DistNormal, A: 3, B: 1}}}
		}, "dir/net.snn:12:5: a delay is drawn only as a constant, uniform(a, b) steps, a file or a column"},
		{"param range", perNeuron(&lang.PerNeuron{Pos: at(30), Name: "g", Index: 1,
			Value: lang.Dist{Kind: lang.DistUniform, A: 3, B: 5, Seed: 1}}),
			"dir/net.snn:30:5: per-neuron \"g\" = 4.", // the first value above 4
		},
		{"init range", perNeuron(&lang.PerNeuron{Pos: at(31), Name: "v", State: true, Index: 0,
			Value: lang.Dist{Kind: lang.DistConst, Value: 11}}),
			"dir/net.snn:31:5: per-neuron initial \"v\" = 11 is outside its declared range [-10, 10]"},
		{"value count", perNeuron(&lang.PerNeuron{Pos: at(32), Name: "b", Index: 2,
			Value: lang.Dist{Pos: at(32), Kind: lang.DistFile, File: "vals.csv"}}),
			"dir/vals.csv:3:1: the file has 2 values, want 3 (one per neuron)"},
		{"no header", perNeuron(&lang.PerNeuron{Pos: at(32), Name: "b", Index: 2,
			Value: lang.Dist{Pos: at(32), Kind: lang.DistFile, File: "vals.csv", Column: "b"}}),
			"dir/vals.csv:1:1: column \"b\" needs a header row naming the columns"},
		{"overflow", func(ni *lang.NetworkInfo) {
			ni.Projs = []*lang.ProjInfo{{Pos: at(10), Name: "p", Pre: whole("a", 3), Post: whole("b", 2), Port: "je",
				Conn: lang.Conn{Kind: lang.ConnAllToAll}, W: lang.Dist{Pos: at(13), Kind: lang.DistUniform, A: -1e308, B: 1.7e308, Seed: 1}}}
		}, "dir/net.snn:13:5: b - a = +Inf: the distribution overflows float64"},
		{"overflow normal", func(ni *lang.NetworkInfo) {
			ni.Pops[0].PerNeuron = []*lang.PerNeuron{{Pos: at(30), Name: "w", State: true, Index: 1,
				Value: lang.Dist{Pos: at(31), Kind: lang.DistNormal, A: 0, B: 1.7e308, Seed: 1}}}
		}, "dir/net.snn:31:5: a value is "},
		{"lambda", func(ni *lang.NetworkInfo) {
			ni.Drives = []*lang.DriveInfo{{Pos: at(6), Name: "bg", Kind: lang.DrivePoissonSum, N: 1 << 30, Rate: 0.5, W: 0.1,
				Targets: []lang.DriveTarget{{Slice: whole("a", 3), Port: "je"}}}}
		}, "dir/net.snn:6:5: poisson_sum mean count per step n·rate·dt = 53687091.2 is outside 0..1000000"},
		{"rate", func(ni *lang.NetworkInfo) {
			ni.Sources = []*lang.SourceInfo{{Pos: at(9), Name: "s", Size: 3, Kind: lang.SourcePoisson, Rate: 10 - 1e-15}}
		}, "dir/net.snn:9:5: rate·dt = 0.9999999999999999 rounds to 2^32: not a probability per step"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ni := newNet(3, 2)
			tt.edit(ni)
			_, _, err := lowerNet(t, ni, files)
			var el lang.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("err = %v, want a lang.ErrorList", err)
			}
			if got := err.Error(); !strings.HasPrefix(got, tt.want) || strings.Contains(got, "\n") {
				t.Errorf("err = %q,\nwant %q", got, tt.want)
			}
		})
	}
}

// asciiStream is a documented stream constant: the purpose's name read as
// a big-endian number ("conn" is 0x636f6e6e).
func asciiStream(name string) uint64 {
	var s uint64
	for _, c := range []byte(name) {
		s = s<<8 | uint64(c)
	}
	return s
}

// TestDocumentedDraws regenerates an instance from network_rand.go's
// description alone (the way an exported instance can be checked), so a
// change of draw order, stream or formula fails here.
func TestDocumentedDraws(t *testing.T) {
	ni := newNet(20, 30)
	ni.Pops[0].PerNeuron = []*lang.PerNeuron{{Pos: at(30), Name: "v", State: true, Index: 0,
		Value: lang.Dist{Kind: lang.DistNormal, A: 0.5, B: 2, Seed: 21}}}
	ni.Projs = []*lang.ProjInfo{
		{Pos: at(10), Name: "r", Pre: whole("a", 20), Post: lang.Slice{Pop: "b", Lo: 5, Hi: 30}, Port: "je",
			Conn:  lang.Conn{Kind: lang.ConnRandom, P: 0.3, Seed: 17},
			W:     lang.Dist{Pos: at(11), Kind: lang.DistUniform, A: -1, B: 3, Seed: 18},
			Delay: lang.Dist{Pos: at(12), Kind: lang.DistUniform, A: 2, B: 6, Seed: 19}},
		{Pos: at(13), Name: "k", Pre: whole("b", 30), Post: whole("b", 30), Port: "je",
			Conn: lang.Conn{Kind: lang.ConnFixedIndegree, K: 4, Seed: 20, AllowSelf: false}, W: lang.Dist{Value: 1}},
	}
	_, n := mustNet(t, ni, nil)

	pcg := func(seed uint64, purpose string) *rand.Rand {
		return rand.New(rand.NewPCG(seed, asciiStream(purpose)))
	}
	var want []string
	r := pcg(17, "conn")
	for i := range 20 {
		for j := range 25 {
			if r.Float64() < 0.3 {
				want = append(want, fmt.Sprintf("%d>%d", i, 5+j))
			}
		}
	}
	if got := pairs(n.Projs[0], false); got != strings.Join(want, " ") {
		t.Fatalf("random(p = 0.3, seed = 17) =\n%s\nwant\n%s", got, strings.Join(want, " "))
	}
	rw, rd := pcg(18, "weight"), pcg(19, "delay")
	for k := range n.Projs[0].W {
		if w := -1 + 4*rw.Float64(); n.Projs[0].W[k] != w {
			t.Fatalf("weight %d = %v, want %v", k, n.Projs[0].W[k], w)
		}
		if d := int32(2 + rd.IntN(5)); n.Projs[0].Delay[k] != d {
			t.Fatalf("delay %d = %d, want %d", k, n.Projs[0].Delay[k], d)
		}
	}
	rn := pcg(21, "neuron")
	for i, v := range n.Pops[0].Init[0].Values {
		if w := 0.5 + 2*rn.NormFloat64(); v != w {
			t.Fatalf("v of neuron %d = %v, want %v", i, v, w)
		}
	}
	rk := pcg(20, "conn")
	want = want[:0]
	for j := range 30 {
		var cand []int
		for i := range 30 {
			if i != j {
				cand = append(cand, i)
			}
		}
		for s := range 4 {
			x := s + rk.IntN(len(cand)-s)
			cand[s], cand[x] = cand[x], cand[s]
		}
		for _, i := range cand[:4] {
			want = append(want, fmt.Sprintf("%d>%d", i, j))
		}
	}
	slices.SortFunc(want, func(a, b string) int {
		var ai, aj, bi, bj int
		fmt.Sscanf(a, "%d>%d", &ai, &aj)
		fmt.Sscanf(b, "%d>%d", &bi, &bj)
		return cmp.Or(cmp.Compare(ai, bi), cmp.Compare(aj, bj))
	})
	if got := pairs(n.Projs[1], false); got != strings.Join(want, " ") {
		t.Fatalf("fixed_indegree(k = 4, seed = 20) =\n%s\nwant\n%s", got, strings.Join(want, " "))
	}
}
