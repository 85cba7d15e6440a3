package rt

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestEncodeMatchesSerial(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	xs := []uint16{0, 1, 2, 0x8000, 0xFFFF, 0x0080, 0x0100}
	for i := 0; i < 40; i++ {
		xs = append(xs, uint16(r.Uint32()))
	}
	for _, f := range []Form{Left, Right} {
		for _, n := range []int{1, 63, 64, 65, 200, 1024, 70000} {
			for _, x := range xs {
				s0 := uint16(r.Uint32()) | 1
				if x == 2 {
					s0 = 0 // locked LFSR: every bit is [0 < x]
				}
				want := EncodeGo(make([]uint64, Words(n)), f, s0, x, n)
				got, end := Encode(make([]uint64, Words(n)+1), f, s0, x, n)
				if !slices.Equal(got, want) {
					t.Fatalf("Encode(%v, %#x, %#x, %d) differs from serial", f, s0, x, n)
				}
				s := s0
				for k := 0; k < n; k++ {
					s = f.Step(s)
				}
				if end != s {
					t.Fatalf("Encode(%v, %#x, %#x, %d) end state %#x, want %#x", f, s0, x, n, end, s)
				}
			}
		}
	}
}

func TestEncodeMatchesCycleModel(t *testing.T) {
	e := NewEncoder(0xBEEF)
	got, _ := Encode(make([]uint64, 4), Left, 0xBEEF, 0x1234, 256)
	for k := 0; k < 256; k++ {
		if b := e.Step(0x1234); b != Bit(got, k) {
			t.Fatalf("bit %d: cycle model %v, Encode %v", k, b, Bit(got, k))
		}
	}
}

func TestEncoderProbability(t *testing.T) {
	// Over one full period P(1) = (x-1)/65535: the LFSR visits 1..65535.
	for _, x := range []uint16{0, 1, 2, 0x8000, 0xFFFF} {
		s, _ := Encode(make([]uint64, Words(LFSRPeriod)), Left, 0xACE1, x, LFSRPeriod)
		want := 0
		if x > 0 {
			want = int(x) - 1
		}
		if got := Popcount(s); got != want {
			t.Errorf("ones in a period for x=%#x = %d, want %d", x, got, want)
		}
	}
}

func TestStreamKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 1000
	a, b, s := make([]uint64, Words(n)), make([]uint64, Words(n)), make([]uint64, Words(n))
	for i := range a {
		a[i], b[i], s[i] = r.Uint64(), r.Uint64(), r.Uint64()
	}
	a[len(a)-1] &= TailMask(n)
	b[len(b)-1] &= TailMask(n)
	s[len(s)-1] &= TailMask(n)
	and, or, xor, mux := make([]uint64, len(a)), make([]uint64, len(a)), make([]uint64, len(a)), make([]uint64, len(a))
	And(and, a, b)
	Or(or, a, b)
	Xor(xor, a, b)
	Mux(mux, a, b, s)
	cnt := 0
	for k := 0; k < n; k++ {
		x, y, sel := Bit(a, k), Bit(b, k), Bit(s, k)
		m := y
		if sel {
			m = x
		}
		if Bit(and, k) != (x && y) || Bit(or, k) != (x || y) || Bit(xor, k) != (x != y) || Bit(mux, k) != m {
			t.Fatalf("bit %d: kernels disagree with the truth tables", k)
		}
		if x && y {
			cnt++
		}
	}
	if got := AndPopcount(a, b); got != cnt {
		t.Errorf("AndPopcount = %d, want %d", got, cnt)
	}
	if got := Popcount(and); got != cnt || PopcountGo(and) != cnt || AndPopcountGo(a, b) != cnt {
		t.Errorf("Popcount(and) = %d, want %d", got, cnt)
	}
}

func TestAndPopcountLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := 0; n < 300; n++ {
		a, b := make([]uint64, n), make([]uint64, n)
		for i := range a {
			a[i], b[i] = r.Uint64(), r.Uint64()
		}
		if got, want := AndPopcount(a, b), AndPopcountGo(a, b); got != want {
			t.Fatalf("AndPopcount over %d words = %d, want %d", n, got, want)
		}
		if got, want := Popcount(a), PopcountGo(a); got != want {
			t.Fatalf("Popcount over %d words = %d, want %d", n, got, want)
		}
	}
}

func TestCorDivStream(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 64, 100, 1000} {
		for _, z0 := range []bool{false, true} {
			x, y := make([]uint64, Words(n)), make([]uint64, Words(n))
			for k := 0; k < n; k++ {
				SetBit(x, k, r.IntN(4) == 0)
				SetBit(y, k, r.IntN(2) == 0)
			}
			dst := make([]uint64, Words(n))
			last := CorDivStream(dst, x, y, n, z0)
			c := CorDiv{Z: z0}
			for k := 0; k < n; k++ {
				if z := c.Step(Bit(x, k), Bit(y, k)); z != Bit(dst, k) {
					t.Fatalf("n=%d bit %d: stream %v, cycle model %v", n, k, Bit(dst, k), z)
				}
			}
			if last != c.Z || dst[len(dst)-1]&^TailMask(n) != 0 {
				t.Fatalf("n=%d: final z %v want %v, or tail bits set", n, last, c.Z)
			}
		}
	}
}

func TestCorDivConverges(t *testing.T) {
	// CORDIV divides correlated streams (x ⊆ y) whose bits are independent
	// over time; one uniform draw per cycle gives both.
	const n = 1 << 16
	r := rand.New(rand.NewPCG(17, 18))
	x, y := make([]uint64, Words(n)), make([]uint64, Words(n))
	for k := 0; k < n; k++ {
		u := r.IntN(1 << 16)
		SetBit(x, k, u < 0x3000)
		SetBit(y, k, u < 0x9000)
	}
	z := make([]uint64, Words(n))
	CorDivStream(z, x, y, n, false)
	got := float64(Popcount(z)) / n
	if want := 0x3000 / float64(0x9000); got < want-0.02 || got > want+0.02 {
		t.Errorf("CORDIV(0x3000/0x9000) = %.3f, want %.3f ± 0.02", got, want)
	}
}

func TestSobol(t *testing.T) {
	var s Sobol16
	want := []uint16{0, 0x8000, 0, 0x4000, 0xC000, 0xE000, 0x6000, 0x2000, 0xA000, 0xB000}
	for i, w := range want {
		if s.Value != w {
			t.Fatalf("value %d = %#04x, want %#04x", i, s.Value, w)
		}
		s.Step(0)
	}
	st := SobolStream(make([]uint64, 1), 0x8000, 64)
	var r Sobol16
	for k := 0; k < 64; k++ {
		if r.Step(0x8000) != Bit(st, k) {
			t.Fatalf("SobolStream bit %d differs", k)
		}
	}
}

func TestRateBank(t *testing.T) {
	rb := NewRateBank(3, 2, 32)
	sp := []uint64{0b101}
	for i := 0; i < 5; i++ {
		rb.Step(sp, true, true, false, 0)
	}
	if want := []uint32{1, 0, 1}; !slices.Equal(rb.Count, want) { // 5 mod 4
		t.Fatalf("counts = %v, want %v", rb.Count, want)
	}
	rb.Step(sp, false, false, true, 0x10000)
	if want := []uint32{0x10000, 0, 0x10000}; !slices.Equal(rb.Rate, want) || rb.Count[0] != 0 {
		t.Fatalf("rates = %v, want %v, counts %v cleared", rb.Rate, want, rb.Count)
	}
}

func randPop(t testing.TB, r *rand.Rand, n int) (*LIFPop, []int16, []int16) {
	p := DefaultLIFParams()
	p.VRest, p.VReset, p.VThreshold = int64(int16(r.Uint32()))/4, int64(int16(r.Uint32()))/4, int64(r.IntN(3000))
	p.Refractory = uint32(r.IntN(4))
	q, err := NewLIFPop(n, p)
	if err != nil {
		t.Fatal(err)
	}
	q.Leak, q.Gain = int16(r.IntN(256)), int16(r.Uint32())
	in, noise := make([]int16, n), make([]int16, n)
	for i := range in {
		in[i], noise[i] = int16(r.Uint32()), int16(r.IntN(64)-32)
	}
	return q, in, noise
}

func TestLIFPopMatchesCycleModel(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for trial := 0; trial < 20; trial++ {
		const n = 300
		q, in, noise := randPop(t, r, n)
		if trial%2 == 0 {
			noise = nil
		}
		p := LIFParams{Width: 16, Fraction: 8, VRest: int64(q.VRest), VReset: int64(q.VReset),
			VThreshold: int64(q.VThreshold), Refractory: q.Refractory}
		ref := make([]LIF, n)
		for i := range ref {
			ref[i] = NewLIF(p)
		}
		for step := 0; step < 50; step++ {
			for i := range in {
				in[i] += int16(r.IntN(200) - 100)
			}
			q.Step(in, noise)
			for i := range ref {
				var nz int64
				if noise != nil {
					nz = int64(noise[i])
				}
				s, v := ref[i].Step(int64(q.Leak), int64(q.Gain), int64(in[i]), nz)
				if s != Bit(q.Spikes, i) || v != int64(q.V[i]) || ref[i].Counter != q.Counter[i] {
					t.Fatalf("trial %d step %d neuron %d: pop (%v,%d), cycle model (%v,%d)",
						trial, step, i, Bit(q.Spikes, i), q.V[i], s, v)
				}
			}
		}
	}
}

func TestLIFPopWorkerCountInvariant(t *testing.T) {
	const n = 100_003
	var ref *LIFPop
	for _, workers := range []int{1, 2, 3, 7} {
		r := rand.New(rand.NewPCG(11, 12))
		q, in, noise := randPop(t, r, n)
		pool := NewPool(workers)
		for step := 0; step < 20; step++ {
			q.StepPool(pool, in, noise)
		}
		pool.Close()
		if ref == nil {
			ref = q
			g, _, _ := randPop(t, rand.New(rand.NewPCG(11, 12)), n)
			for step := 0; step < 20; step++ {
				g.StepGo(in, noise)
			}
			if !slices.Equal(g.V, q.V) || !slices.Equal(g.Spikes, q.Spikes) || !slices.Equal(g.Counter, q.Counter) {
				t.Fatal("Step differs from the plain-Go baseline StepGo")
			}
			continue
		}
		if !slices.Equal(ref.V, q.V) || !slices.Equal(ref.Spikes, q.Spikes) || !slices.Equal(ref.Counter, q.Counter) {
			t.Fatalf("%d workers give a different population state than 1", workers)
		}
	}
}

func TestDenseLayerMatchesCycleModel(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, tc := range []struct {
		nIn, nOut, n int
		matrix       bool
	}{{3, 5, 300, false}, {16, 10, 200, true}, {1, 1, 64, true}, {7, 3, 129, true}, {40, 2, 65, false}} {
		x := make([]uint16, tc.nIn)
		nw := tc.nIn
		if tc.matrix {
			nw *= tc.nOut
		}
		w := make([]uint16, nw)
		for i := range x {
			x[i] = uint16(r.Uint32())
		}
		for i := range w {
			w[i] = uint16(r.Uint32())
		}
		yMin, yMax := int16(-r.IntN(512)), int16(r.IntN(1024))
		leak, gain := int16(r.IntN(64)), int16(256+r.IntN(512))
		l, err := NewDenseLayer(tc.nIn, tc.nOut, tc.n, tc.matrix)
		if err != nil {
			t.Fatal(err)
		}
		l.SetWeights(w)
		pool := NewPool(2)
		l.Run(pool, x, yMin, yMax, leak, gain)
		pool.Close()
		d := newDense(tc.nIn, tc.nOut, tc.matrix)
		in := DenseIn{X: x, W: w, YMin: yMin, YMax: yMax, Leak: leak, Gain: gain}
		spikes := 0
		for e := 1; e <= tc.n; e++ {
			d.Step(&in)
			for j := 0; j < tc.nOut; j++ {
				if Bit(d.Spikes, j) != Bit(l.Train(j), e-1) {
					t.Fatalf("%+v: neuron %d edge %d: layer %v, cycle model %v", tc, j, e, Bit(l.Train(j), e-1), Bit(d.Spikes, j))
				}
				if Bit(d.Spikes, j) {
					spikes++
				}
			}
		}
		if spikes == 0 {
			t.Logf("%+v: no spikes (weak test case)", tc)
		}
	}
}

func TestDenseCounts(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	const nIn, nOut, words = 9, 5, 16
	x, w := make([]uint64, nIn*words), make([]uint64, nOut*nIn*words)
	for i := range x {
		x[i] = r.Uint64()
	}
	for i := range w {
		w[i] = r.Uint64()
	}
	got := make([]int32, nOut)
	DenseCounts(nil, got, x, w, nIn, words)
	for j := range got {
		want := 0
		for k := 0; k < nIn*words; k++ {
			want += bits.OnesCount64(x[k] & w[j*nIn*words+k])
		}
		if int(got[j]) != want {
			t.Errorf("count[%d] = %d, want %d", j, got[j], want)
		}
	}
}

// TestVectorKernelsMatchScalar is the equivalence test of the
// GOEXPERIMENT=simd kernels (in a default build both sides are scalar).
func TestVectorKernelsMatchScalar(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for trial := 0; trial < 50; trial++ {
		const n = 640
		q, in, noise := randPop(t, r, n)
		if trial%2 == 0 {
			noise = nil
		}
		for i := range q.V {
			q.V[i] = int16(r.Uint32())
			q.Counter[i] = uint32(r.IntN(int(q.Refractory) + 1))
		}
		s := *q
		s.V, s.Counter, s.Spikes = slices.Clone(q.V), slices.Clone(q.Counter), slices.Clone(q.Spikes)
		q.Step(in, noise)
		s.StepScalar(in, noise)
		if !slices.Equal(q.V, s.V) || !slices.Equal(q.Counter, s.Counter) || !slices.Equal(q.Spikes, s.Spikes) {
			t.Fatalf("trial %d: vector LIF step differs from the scalar one", trial)
		}
	}
	const words, pairs = 16, 37
	a, b := make([]uint64, words*pairs), make([]uint64, words*pairs)
	for i := range a {
		a[i], b[i] = r.Uint64(), r.Uint64()
	}
	got := make([]int32, pairs)
	AndPopcountBatch(got, a, b, words)
	for p := range got {
		if want := AndPopcountGo(a[p*words:(p+1)*words], b[p*words:(p+1)*words]); int(got[p]) != want {
			t.Fatalf("AndPopcountBatch pair %d = %d, want %d", p, got[p], want)
		}
	}
}

func TestDenseLayerWorkerCountInvariant(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	const nIn, nOut, n = 50, 37, 500
	x, w := make([]uint16, nIn), make([]uint16, nIn*nOut)
	for i := range x {
		x[i] = uint16(r.Uint32())
	}
	for i := range w {
		w[i] = uint16(r.Uint32())
	}
	var ref []uint64
	for _, workers := range []int{1, 2, 5} {
		l, err := NewDenseLayer(nIn, nOut, n, true)
		if err != nil {
			t.Fatal(err)
		}
		l.SetWeights(w)
		p := NewPool(workers)
		l.Run(p, x, 0, 1000, 10, 300)
		p.Close()
		if ref == nil {
			ref = l.Spikes
			if Popcount(ref) == 0 {
				t.Fatal("no spikes: weak test")
			}
		} else if !slices.Equal(ref, l.Spikes) {
			t.Fatalf("%d workers give different spike trains than 1", workers)
		}
	}
}

// TestSteadyStateAllocs holds "no allocation in steady state" for the
// kernels the benchmarks time.
func TestSteadyStateAllocs(t *testing.T) {
	q, in, _ := randPop(t, rand.New(rand.NewPCG(23, 24)), 10_000)
	p := NewPool(2)
	defer p.Close()
	l, _ := NewDenseLayer(20, 8, 300, true)
	l.SetWeights(make([]uint16, 160))
	x := make([]uint16, 20)
	a, b := make([]uint64, 64), make([]uint64, 64)
	dst := make([]int32, 4)
	enc := make([]uint64, 16)
	for name, f := range map[string]func(){
		"LIFPop.StepPool":  func() { q.StepPool(p, in, nil) },
		"DenseLayer.Run":   func() { l.Run(p, x, 0, 256, 10, 256) },
		"DenseCounts":      func() { DenseCounts(p, dst, a, b, 1, 16) },
		"AndPopcountBatch": func() { AndPopcountBatch(dst, a, b, 16) },
		"Encode":           func() { Encode(enc, Left, 0xACE1, 0x1234, 1024) },
	} {
		f()
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%s allocates %.1f times per call", name, n)
		}
	}
}
