package kernels_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"scc/runtime/kernels"
)

// colLen, colGet and colSet read and write a column of any lane type.
func colGet(c any, i int) int64 {
	switch c := c.(type) {
	case []int8:
		return int64(c[i])
	case []int16:
		return int64(c[i])
	case []int32:
		return int64(c[i])
	case []int64:
		return c[i]
	}
	panic(fmt.Sprintf("column of type %T", c))
}

func colSet(c any, i int, x int64) {
	switch c := c.(type) {
	case []int8:
		c[i] = int8(x)
	case []int16:
		c[i] = int16(x)
	case []int32:
		c[i] = int32(x)
	case []int64:
		c[i] = x
	default:
		panic(fmt.Sprintf("column of type %T", c))
	}
}

// randWord returns a random sign-extended word of col: half of them over
// the whole width, half in its sixteenth around zero (where models live);
// a 1-bit column gets 0 or 1 (bools).
func randWord(r *rand.Rand, col kernels.Column) int64 {
	if col.Width == 1 {
		return r.Int64N(2)
	}
	w := col.Width
	if r.IntN(2) == 0 && w > 5 {
		w -= 4
	}
	lo := int64(-1) << uint(w-1)
	if w == 64 {
		return int64(r.Uint64())
	}
	return lo + r.Int64N(-2*lo)
}

// pathPops returns two populations of spec s with the same random
// columns: ref on the portable path, vec on isa.
func pathPops(t *testing.T, s *kernels.Spec, isa kernels.ISA, n int, r *rand.Rand) (ref, vec kernels.Pop) {
	ref, vec = s.New(n), s.New(n)
	if err := vec.SetISA(isa); err != nil {
		t.Fatal(err)
	}
	if vec.ISA() != isa || ref.ISA() != kernels.Portable {
		t.Fatalf("ISA() = %v, %v", ref.ISA(), vec.ISA())
	}
	for k, col := range s.States {
		for i := 0; i < n; i++ {
			x := randWord(r, col)
			colSet(ref.State(k), i, x)
			colSet(vec.State(k), i, x)
		}
	}
	for k, col := range s.Coefs {
		for i := 0; i < n; i++ {
			x := randWord(r, col)
			colSet(ref.Coef(k), i, x)
			colSet(vec.Coef(k), i, x)
		}
	}
	return ref, vec
}

// TestPaths steps every registered kernel on every vector path this build
// and CPU run and compares it with the portable path: random states,
// coefficient words and inputs on 1,100 neurons (not a multiple of 64, so
// the portable loop finishes the tail word) for 300 steps, every state word
// and spike word after every step. The vector population steps in two
// ranges split at a word boundary, as a worker pool does.
func TestPaths(t *testing.T) {
	const n, steps = 1100, 300
	ran := 0
	for _, s := range kernels.All() {
		for _, isa := range s.ISAs {
			if isa == kernels.Portable || !kernels.Available(isa) {
				continue
			}
			ran++
			t.Run(fmt.Sprintf("%s/%s/%v", s.Model, s.Variant, isa), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(len(s.Model)), uint64(isa)))
				ref, vec := pathPops(t, s, isa, n, r)
				for step := 1; step <= steps; step++ {
					for k, col := range s.Inputs {
						for i := 0; i < n; i++ {
							x := randWord(r, col)
							colSet(ref.Input(k), i, x)
							colSet(vec.Input(k), i, x)
						}
					}
					ref.Range(0, n)
					vec.Range(0, 512)
					vec.Range(512, n)
					if err := samePops(s, ref, vec, n); err != nil {
						t.Fatalf("step %d: %v", step, err)
					}
				}
			})
		}
	}
	if ran == 0 {
		t.Skipf("no vector path runs here (%s)", kernels.Features())
	}
}

func samePops(s *kernels.Spec, ref, vec kernels.Pop, n int) error {
	for k, col := range s.States {
		a, b := ref.State(k), vec.State(k)
		for i := 0; i < n; i++ {
			if x, y := colGet(a, i), colGet(b, i); x != y {
				return fmt.Errorf("state %q of neuron %d = %d, portable %d", col.Name, i, y, x)
			}
		}
	}
	a, b := ref.Spikes(), vec.Spikes()
	for w := range a {
		if a[w] != b[w] {
			return fmt.Errorf("spike word %d = %#x, portable %#x", w, b[w], a[w])
		}
	}
	return nil
}

// TestPathsSetISA: a kernel refuses a path it does not have or the CPU
// lacks, and keeps its path.
func TestPathsSetISA(t *testing.T) {
	for _, s := range kernels.All() {
		p := s.New(64)
		has := map[kernels.ISA]bool{}
		for _, i := range s.ISAs {
			has[i] = true
		}
		for i := kernels.Portable; i < kernels.NumISA; i++ {
			err := p.SetISA(i)
			if ok := has[i] && kernels.Available(i); ok != (err == nil) {
				t.Errorf("%s %s: SetISA(%v) = %v, has %v, available %v", s.Model, s.Variant, i, err, has[i], kernels.Available(i))
			}
		}
		if err := p.SetISA(kernels.Portable); err != nil || p.ISA() != kernels.Portable {
			t.Errorf("%s %s: SetISA(portable) = %v", s.Model, s.Variant, err)
		}
	}
}
