package rt

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// forEachPath runs f with the AND+popcount and LIF kernels forced to each
// path this build and CPU can run (portable always; AVX2 and AVX-512 under
// GOEXPERIMENT=simd on a CPU that has them), and logs the ones skipped.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	ran := 0
	for p := pathPortable; p < numPaths; p++ {
		restore, err := setPaths(p, p)
		if err != nil {
			t.Logf("%v: skipped: %v", p, err)
			continue
		}
		ran++
		t.Run(p.String(), func(t *testing.T) {
			defer restore()
			if pop, lif := currentPaths(); pop != p || lif != p {
				t.Fatalf("forced %v, running %v/%v", p, pop, lif)
			}
			f(t)
		})
	}
	if ran == 0 {
		t.Fatal("no path ran")
	}
}

func andPopcountRef(a, b []uint64) int {
	n := 0
	for i := range a {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return n
}

// TestPathsAndPopcount checks AndPopcount, AndPopcountBatch and
// DenseCounts on every path against a word-by-word reference, over every
// length up to 300 words (all tail shapes) and dense streams (all ones, so
// the byte counters of the nibble-table kernel reach their maximum).
func TestPathsAndPopcount(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(31, 32))
		for n := 0; n < 300; n++ {
			a, b := randWords(r, n), randWords(r, n)
			if n%3 == 0 {
				for i := range a {
					a[i], b[i] = ^uint64(0), ^uint64(0)
				}
			}
			if got, want := AndPopcount(a, b), andPopcountRef(a, b); got != want {
				t.Fatalf("AndPopcount over %d words = %d, want %d", n, got, want)
			}
		}
		for _, words := range []int{1, 4, 8, 16, 24, 120, 128, 136} {
			const pairs = 13
			a, b := randWords(r, words*pairs), randWords(r, words*pairs)
			for i := 0; i < words*3; i++ { // pairs 0..2 all ones
				a[i], b[i] = ^uint64(0), ^uint64(0)
			}
			got := make([]int32, pairs)
			AndPopcountBatch(got, a, b, words)
			for p := range got {
				if want := andPopcountRef(a[p*words:(p+1)*words], b[p*words:(p+1)*words]); int(got[p]) != want {
					t.Fatalf("AndPopcountBatch words %d pair %d = %d, want %d", words, p, got[p], want)
				}
			}
		}
		const nIn, nOut, words = 49, 7, 16
		x, w := randWords(r, nIn*words), randWords(r, nOut*nIn*words)
		pool := NewPool(2)
		defer pool.Close()
		got := make([]int32, nOut)
		DenseCounts(pool, got, x, w, nIn, words)
		for j := range got {
			if want := andPopcountRef(x, w[j*nIn*words:(j+1)*nIn*words]); int(got[j]) != want {
				t.Fatalf("DenseCounts[%d] = %d, want %d", j, got[j], want)
			}
		}
	})
}

// TestPathsLIFPop checks LIFPop.Step and StepPool on every path against
// StepGo (LIF.Step per neuron) over full-range states and inputs, with and
// without noise, on a population whose length is not a multiple of 64.
func TestPathsLIFPop(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(33, 34))
		pool := NewPool(3)
		defer pool.Close()
		const n = 1000
		spikes := 0
		for trial := 0; trial < 40; trial++ {
			p := DefaultLIFParams()
			p.VRest, p.VReset = int64(int16(r.Uint32())), int64(int16(r.Uint32()))
			p.VThreshold = int64(int16(r.Uint32()))
			if trial%4 == 0 { // extremes: (V_REST − v)·leak spans the int32 range
				p.VRest, p.VThreshold = 32767, -32768
			}
			p.Refractory = uint32(r.IntN(4))
			q, err := NewLIFPop(n, p)
			if err != nil {
				t.Fatal(err)
			}
			q.Leak, q.Gain = int16(r.Uint32()), int16(r.Uint32())
			if trial%4 == 0 {
				q.Leak, q.Gain = -32768, -32768
			}
			for i := range q.V {
				q.V[i] = int16(r.Uint32())
				q.Counter[i] = uint32(r.IntN(int(p.Refractory) + 1))
			}
			ref := *q
			ref.V, ref.Counter, ref.Spikes = slices.Clone(q.V), slices.Clone(q.Counter), slices.Clone(q.Spikes)
			in, noise := make([]int16, n), make([]int16, n)
			for step := 0; step < 5; step++ {
				for i := range in {
					in[i], noise[i] = int16(r.Uint32()), int16(r.Uint32())
					if trial%4 == 0 && i%2 == 0 {
						in[i] = -32768
					}
				}
				nz := noise
				if trial%2 == 0 {
					nz = nil
				}
				if step%2 == 0 {
					q.Step(in, nz)
				} else {
					q.StepPool(pool, in, nz)
				}
				ref.StepGo(in, nz)
				if !slices.Equal(q.V, ref.V) || !slices.Equal(q.Counter, ref.Counter) || !slices.Equal(q.Spikes, ref.Spikes) {
					for i := range q.V {
						if q.V[i] != ref.V[i] || q.Counter[i] != ref.Counter[i] || Bit(q.Spikes, i) != Bit(ref.Spikes, i) {
							t.Fatalf("trial %d step %d neuron %d: v %d counter %d spike %v, want %d %d %v",
								trial, step, i, q.V[i], q.Counter[i], Bit(q.Spikes, i), ref.V[i], ref.Counter[i], Bit(ref.Spikes, i))
						}
					}
					t.Fatalf("trial %d step %d: spike words differ", trial, step)
				}
				spikes += Popcount(q.Spikes)
			}
		}
		if spikes == 0 {
			t.Fatal("no spikes: weak test")
		}
	})
}

// TestPathsForceable checks the test hook itself: the start-up dispatch
// took the best path that setPaths accepts, a forced path is the one
// Features reports, and an unavailable one is refused.
func TestPathsForceable(t *testing.T) {
	pop, lif := currentPaths()
	for p := pop + 1; p < numPaths; p++ {
		if restore, err := setPaths(p, lif); err == nil {
			restore()
			t.Errorf("dispatch chose AND+popcount path %v, but %v runs here", pop, p)
		}
	}
	for p := lif + 1; p < numPaths; p++ {
		if restore, err := setPaths(pop, p); err == nil {
			restore()
			t.Errorf("dispatch chose LIF path %v, but %v runs here", lif, p)
		}
	}
	t.Log(Features())
	if _, err := setPaths(numPaths, numPaths); err == nil {
		t.Fatal("setPaths accepted a path that does not exist")
	}
	restore, err := setPaths(pathPortable, pathPortable)
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	if f := Features(); f[:len("and+popcount portable, lif portable")] != "and+popcount portable, lif portable" {
		t.Fatalf("Features() = %q with portable forced", f)
	}
}
