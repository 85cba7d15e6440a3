package mlir

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/sim"
)

// models returns every fixed-phase module the backend tests run: each
// testdata/*.txtar case (the real LIF of ir/testdata and the op zoo), every
// other fixed-phase IR file under ir/testdata, and every library model and
// example compiled by the real pipeline.
func models(t *testing.T) []goldenCase {
	t.Helper()
	cases := goldenCases(t)
	cases = append(cases, libraryModels(t)...)
	more, err := filepath.Glob("../../ir/testdata/*fixed*.ir")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range more {
		if filepath.Base(p) == "lif_fixed.ir" {
			continue // testdata/lif_fixed.txtar holds it
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ir.Parse(string(src))
		if err != nil {
			t.Fatalf("ir.Parse(%s): %v", p, err)
		}
		cases = append(cases, goldenCase{name: filepath.Base(p), path: p, m: m})
	}
	return cases
}

// TestEquivalence runs every model's pretty MLIR through the evaluator and
// the golden model side by side.
func TestEquivalence(t *testing.T) {
	for _, c := range models(t) {
		t.Run(c.name, func(t *testing.T) {
			m := c.m
			t.Run("full-range", func(t *testing.T) {
				checkEquivalent(t, m, equivSteps, func(f *ir.Func) sim.Source { return formatSource(f, 7) })
			})
			t.Run("sim.Random", func(t *testing.T) {
				checkEquivalent(t, m, equivSteps, func(f *ir.Func) sim.Source {
					for _, in := range f.Inputs {
						if in.Type != ir.Fix(f.Format) {
							return formatSource(f, 8) // sim.Random draws words of f.Format
						}
					}
					return sim.Random(f, 7)
				})
			})
		})
	}
}

// formatSource draws each input word from its own format's full range, a
// quarter of the time from values at the edges: the bounds, zero, ±1 and
// the halves that make rounding ties.
func formatSource(f *ir.Func, seed uint64) sim.Source {
	return &fullSource{f: f, rng: rand.New(rand.NewPCG(seed, 0xf0))}
}

type fullSource struct {
	f   *ir.Func
	rng *rand.Rand
}

func (s *fullSource) Next(step int, raw []int64) {
	for i, in := range s.f.Inputs {
		fm := in.Type.Fmt
		lo, hi := fm.Min(), fm.Max()
		if s.rng.IntN(4) == 0 {
			h := int64(1) << max(fm.Frac-1, 0)
			edge := []int64{lo, hi, 0, 1, -1, lo + 1, hi - 1, h, -h, 3 * h, -3 * h, 2 * h, -2 * h}
			raw[i] = fixed.WrapTo(edge[s.rng.IntN(len(edge))], fm)
			continue
		}
		if fm.Width() >= 64 {
			raw[i] = int64(s.rng.Uint64())
			continue
		}
		raw[i] = lo + int64(s.rng.Uint64N(uint64(hi-lo)+1))
	}
}
