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

// modelFiles lists every fixed-phase IR file the equivalence test runs: the
// real LIF that ir owns and this package's op zoos.
func modelFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"../../ir/testdata/lif_fixed.ir"}
	more, err := filepath.Glob("testdata/*.ir")
	if err != nil {
		t.Fatal(err)
	}
	return append(files, more...)
}

func readIR(t *testing.T, path string) *ir.Module {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ir.Parse(string(src))
	if err != nil {
		t.Fatalf("ir.Parse(%s): %v", path, err)
	}
	return m
}

// TestEquivalence runs every model's pretty MLIR through the evaluator and
// the golden model side by side.
func TestEquivalence(t *testing.T) {
	for _, path := range modelFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			m := readIR(t, path)
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
