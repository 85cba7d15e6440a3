package passes

import (
	"errors"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

// FuzzPipeline builds small random real-phase functions (expression trees
// over states, inputs and constants, with selects, divisions and calls)
// (some reading ranged parameters, some kept generic) and runs the whole
// pipeline with Check on: no input may panic, ir.Verify
// holds after every pass, failures are positioned user errors, and the
// fixed output round-trips through its text form.
func FuzzPipeline(f *testing.F) {
	for seed := uint64(0); seed < 16; seed++ {
		f.Add(randomBytes(seed, 48), uint8(seed))
	}
	formats := []fixed.Format{fixed.Q88, fixed.Q(4, 4), fixed.Q(16, 16), fixed.Q(2, 14), fixed.Q(24, 8)}
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		cfg := genConfig{states: 3, inputs: 2, depth: 4, divs: true, calls: sel&8 != 0, params: sel&16 != 0}
		m := genModule(data, formats[int(sel)%len(formats)], cfg)
		src := m.String()
		_, err := Run(m, Options{Check: true, KeepParams: sel&32 != 0})
		if err != nil {
			var el lang.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("internal error %v on\n%s", err, src)
			}
			for _, e := range el {
				if !e.Pos.IsValid() || e.Pos.File != "gen.snn" {
					t.Errorf("error without a full position: %v", e)
				}
			}
			return
		}
		out := m.String()
		m2, err := ir.Parse(out)
		if err != nil {
			t.Fatalf("ir.Parse(output) = %v on\n%s", err, out)
		}
		if m2.String() != out {
			t.Errorf("output does not round-trip:\n%s", out)
		}
	})
}
