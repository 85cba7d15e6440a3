package lang_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scc/internal/golden"
	"scc/lang"
	"scc/parser"
)

// stage returns the `// stage: X` of the file's first line (which may
// also carry an annotation: a file that declares nothing has its error at
// 1:1).
func stage(src []byte) string {
	first, _, _ := bytes.Cut(src, []byte("\n"))
	s, ok := strings.CutPrefix(string(first), "// stage:")
	if !ok {
		return ""
	}
	s, _, _ = strings.Cut(s, "//")
	return strings.TrimSpace(s)
}

// TestErrors runs ParseFile and Check on every `// stage: check` file of
// testdata/errors and compares the diagnostics with the annotations: every
// error must match an annotation on its line and every annotation must be
// matched. Files marked `// stage: compile` expect errors from later stages
// (irgen, quantize) and are checked to pass the front end cleanly here.
func TestErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.snn")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 24 {
		t.Fatalf("found %d error files, want at least 24", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			st := stage(src)
			name := filepath.Base(file)
			f, err := parser.ParseFile(name, src)
			if err == nil {
				_, err = lang.Check(f)
			}
			switch st {
			case "check":
			case "compile":
				if err != nil {
					t.Fatalf("front end rejects a `stage: compile` file:\n%v", err)
				}
				return
			default:
				t.Fatalf("first line must be `// stage: check` or `// stage: compile`, found stage %q", st)
			}
			golden.MatchErrors(t, src, err)
		})
	}
}
