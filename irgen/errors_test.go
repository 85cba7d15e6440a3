package irgen_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"scc/irgen"
	"scc/lang"
	"scc/parser"
)

var errorAnnot = regexp.MustCompile(`// ERROR (.*)$`)

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
			type want struct {
				line int
				re   *regexp.Regexp
				ok   bool
			}
			var wants []*want
			sc := bufio.NewScanner(bytes.NewReader(src))
			for line := 1; sc.Scan(); line++ {
				if m := errorAnnot.FindStringSubmatch(sc.Text()); m != nil {
					rest := strings.TrimSpace(m[1])
					for rest != "" {
						q, err := strconv.QuotedPrefix(rest)
						if err != nil {
							t.Fatalf("line %d: bad annotation: %v", line, err)
						}
						s, _ := strconv.Unquote(q)
						wants = append(wants, &want{line: line, re: regexp.MustCompile(s)})
						rest = strings.TrimSpace(rest[len(q):])
					}
				}
			}
			var got lang.ErrorList
			got.Append(err)
			for _, e := range got {
				matched := false
				for _, w := range wants {
					if w.line == e.Pos.Line && w.re.MatchString(e.Msg) {
						w.ok, matched = true, true
					}
				}
				if !matched {
					t.Errorf("unexpected error %v", e)
				}
			}
			for _, w := range wants {
				if !w.ok {
					t.Errorf("line %d: missing error matching %q", w.line, w.re)
				}
			}
		})
	}
	if rejected == 0 {
		t.Error("no compile-stage file is rejected by irgen: the exact-method check is untested")
	}
}
