package lang_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"scc/lang"
	"scc/parser"
)

// expectation is one `// ERROR "regexp"` annotation (STYLE S13).
type expectation struct {
	line    int
	re      *regexp.Regexp
	matched bool
}

var errorAnnot = regexp.MustCompile(`// ERROR (.*)$`)

// expectations reads the annotations of src: each `// ERROR` is followed
// by one or more Go-quoted regular expressions that errors reported on that
// line must match.
func expectations(t *testing.T, src []byte) []*expectation {
	t.Helper()
	var out []*expectation
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		m := errorAnnot.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		rest := strings.TrimSpace(m[1])
		for rest != "" {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				t.Fatalf("line %d: bad ERROR annotation %q: %v", line, rest, err)
			}
			s, _ := strconv.Unquote(q)
			out = append(out, &expectation{line: line, re: regexp.MustCompile(s)})
			rest = strings.TrimSpace(rest[len(q):])
		}
	}
	return out
}

// stage returns the `// stage: X` of the file's first line.
func stage(src []byte) string {
	first, _, _ := bytes.Cut(src, []byte("\n"))
	s, ok := strings.CutPrefix(string(first), "// stage:")
	if !ok {
		return ""
	}
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
			want := expectations(t, src)
			if len(want) == 0 && err == nil {
				t.Fatal("no ERROR annotations and no errors: a test that cannot fail")
			}
			var got lang.ErrorList
			got.Append(err)
			for _, e := range got {
				ok := false
				for _, w := range want {
					if w.line == e.Pos.Line && w.re.MatchString(e.Msg) {
						w.matched, ok = true, true
					}
				}
				if !ok {
					t.Errorf("unexpected error %v", e)
				}
			}
			for _, w := range want {
				if !w.matched {
					t.Errorf("%s:%d: missing error matching %q", name, w.line, w.re)
				}
			}
		})
	}
}
