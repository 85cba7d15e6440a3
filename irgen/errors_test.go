package irgen_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"scc/internal/golden"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
)

// TestCompileStageErrors lowers the `// stage: compile` files of the
// checker's bad-input corpus. Where irgen rejects a file, every error must
// match an annotation on its line and every annotation must be matched;
// files irgen accepts expect their errors from a later pass.
func TestCompileStageErrors(t *testing.T) {
	files, _ := filepath.Glob("../lang/testdata/errors/*.snn")
	rejected := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(src, []byte("// stage: compile")) {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			f, err := parser.ParseFile(filepath.Base(file), src)
			if err != nil {
				t.Fatal(err)
			}
			info, err := lang.Check(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = irgen.Lower(f, info, irgen.Options{})
			if err == nil {
				return // a later pass reports it
			}
			rejected++
			golden.MatchErrors(t, src, err)
		})
	}
	if rejected == 0 {
		t.Error("no compile-stage file is rejected by irgen: the exact-method check is untested")
	}
}
