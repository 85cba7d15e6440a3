package irgen_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"scc/internal/golden"
	"scc/ir"
	"scc/irgen"
)

// compile parses, checks and lowers src (lowerText), failing on any
// error.
func compile(t testing.TB, name string, src []byte, opt irgen.Options) *ir.Module {
	t.Helper()
	m, err := lowerText(t, name, src, opt)
	if err != nil {
		t.Fatalf("Lower: %v", err)
	}
	return m
}

// TestGolden lowers each testdata/*.txtar's in.snn and compares the printed
// IR with its out.ir section (SCC_UPDATE=1 rewrites it). The output must
// also survive the IR text round trip.
func TestGolden(t *testing.T) {
	golden.Run(t, "testdata/*.txtar", []string{"out.ir"}, func(t testing.TB, ar *txtar.Archive) (map[string][]byte, error) {
		src, ok := golden.Section(ar, "in.snn")
		if !ok {
			return nil, errors.New("no in.snn section")
		}
		got := compile(t, "in.snn", src, irgen.Options{}).String()
		back, err := ir.Parse(got)
		if err != nil {
			t.Fatalf("ir.Parse(Print(m)): %v", err)
		}
		if again := back.String(); again != got {
			t.Errorf("round trip changed the IR:\n%s", cmp.Diff(got, again))
		}
		return map[string][]byte{"out.ir": []byte(got)}, nil
	})
}
