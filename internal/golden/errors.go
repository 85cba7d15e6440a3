package golden

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// MatchErrors checks the diagnostics of err, one `file:line:col: msg` per
// line of err.Error() (nil: none), against the ERROR annotations of src:
// every diagnostic must match an annotation on its line and every
// annotation must be matched. A diagnostic without a position matches
// nothing. No annotations and no diagnostics is itself a failure: a test
// that cannot fail.
func MatchErrors(t testing.TB, src []byte, err error) {
	t.Helper()
	var diags string
	if err != nil {
		diags = err.Error()
	}
	problems, perr := match(src, diags)
	if perr != nil {
		t.Fatal(perr)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// expectation is one regular expression of an ERROR annotation.
type expectation struct {
	line    int
	re      *regexp.Regexp
	matched bool
}

// annotation finds an ERROR annotation; the rest of the line is one or
// more Go-quoted regular expressions.
var annotation = regexp.MustCompile(`// ERROR (.*)$`)

// expectations reads the ERROR annotations of src.
func expectations(src []byte) ([]*expectation, error) {
	var out []*expectation
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		m := annotation.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		rest := strings.TrimSpace(m[1])
		for rest != "" {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, fmt.Errorf("line %d: bad ERROR annotation %q: %v", line, rest, err)
			}
			s, _ := strconv.Unquote(q)
			re, err := regexp.Compile(s)
			if err != nil {
				return nil, fmt.Errorf("line %d: bad ERROR annotation: %v", line, err)
			}
			out = append(out, &expectation{line: line, re: re})
			rest = strings.TrimSpace(rest[len(q):])
		}
	}
	return out, sc.Err()
}

// diagnostic is `file:line:col: msg` or `line:col: msg` (lang.Pos's forms).
var diagnostic = regexp.MustCompile(`^(?:[^:]*:)?(\d+):\d+: (.*)$`)

// match returns one problem per unexpected diagnostic and per unmatched
// expectation, in that order; an error when src's annotations do not parse.
func match(src []byte, diags string) ([]string, error) {
	want, err := expectations(src)
	if err != nil {
		return nil, err
	}
	var problems []string
	if len(want) == 0 && diags == "" {
		problems = append(problems, "no ERROR annotations and no errors: a test that cannot fail")
	}
	for _, d := range strings.Split(diags, "\n") {
		if d == "" {
			continue
		}
		ok := false
		if m := diagnostic.FindStringSubmatch(d); m != nil {
			line, _ := strconv.Atoi(m[1])
			for _, w := range want {
				if w.line == line && w.re.MatchString(m[2]) {
					w.matched, ok = true, true
				}
			}
		}
		if !ok {
			problems = append(problems, "unexpected error "+d)
		}
	}
	for _, w := range want {
		if !w.matched {
			problems = append(problems, fmt.Sprintf("line %d: missing error matching %q", w.line, w.re))
		}
	}
	return problems, nil
}
