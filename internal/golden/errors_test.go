package golden

import (
	"errors"
	"strings"
	"testing"
)

const annotated = "// stage: check\n" +
	"model M {\n" +
	"    state v = 1 ms  // ERROR `dimension time \\(s\\)`\n" +
	"    dv/dt = w  // ERROR \"undeclared state \\\"w\\\"\" \"unknown name\"\n" +
	"}\n"

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name, src, diags string
		want             []string
	}{
		{"all matched", annotated,
			"m.snn:3:15: initial value has dimension time (s)\n" +
				"m.snn:4:13: equation for undeclared state \"w\"\n" +
				"m.snn:4:13: unknown name \"w\"", nil},
		{"position without file", annotated,
			"3:15: dimension time (s)\n4:13: undeclared state \"w\"\n4:1: unknown name", nil},
		{"one regexp, two errors", "x // ERROR \"a\"\n", "f:1:1: a\nf:1:2: ab", nil},
		{"missing", annotated,
			"m.snn:3:15: dimension time (s)\nm.snn:4:13: unknown name \"w\"",
			[]string{`line 4: missing error matching "undeclared state \"w\""`}},
		{"unexpected", annotated,
			"m.snn:2:1: expected \"}\"\nm.snn:3:15: dimension time (s)\nm.snn:4:13: undeclared state \"w\"\nm.snn:4:13: unknown name",
			[]string{`unexpected error m.snn:2:1: expected "}"`}},
		{"wrong line", annotated,
			"m.snn:4:15: dimension time (s)\nm.snn:4:13: undeclared state \"w\"\nm.snn:4:13: unknown name",
			[]string{"unexpected error m.snn:4:15: dimension time (s)", `line 3: missing error matching "dimension time \\(s\\)"`}},
		{"no position", "x // ERROR \"a\"\n", "a",
			[]string{"unexpected error a", `line 1: missing error matching "a"`}},
		{"no annotations, no errors", "model M {}\n", "",
			[]string{"no ERROR annotations and no errors: a test that cannot fail"}},
		{"no annotations", "model M {}\n", "m.snn:1:1: bad",
			[]string{"unexpected error m.snn:1:1: bad"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := match([]byte(tc.src), tc.diags)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("match(%s) = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
}

func TestMatchBadAnnotation(t *testing.T) {
	for _, src := range []string{
		"x // ERROR unquoted\n",
		"x // ERROR \"unterminated\n",
		"x // ERROR \"(\"\n",
	} {
		if _, err := match([]byte(src), "f:1:1: x"); err == nil || !strings.HasPrefix(err.Error(), "line 1: bad ERROR annotation") {
			t.Errorf("match(%q) error = %v, want a bad annotation on line 1", src, err)
		}
	}
}

// TestMatchErrors: the TB front end reports each problem as one error, and
// a bad annotation as a fatal.
func TestMatchErrors(t *testing.T) {
	f := fake(func(t testing.TB) {
		MatchErrors(t, []byte(annotated), errors.New("m.snn:3:15: dimension time (s)\nm.snn:9:1: other"))
	})
	want := []string{
		"unexpected error m.snn:9:1: other",
		`line 4: missing error matching "undeclared state \"w\""`,
		`line 4: missing error matching "unknown name"`,
	}
	if f.fatal || strings.Join(f.errors, "\n") != strings.Join(want, "\n") {
		t.Errorf("MatchErrors reported %q (fatal %v), want %q", f.errors, f.fatal, want)
	}
	if f := fake(func(t testing.TB) { MatchErrors(t, []byte(annotated), nil) }); len(f.errors) != 3 {
		t.Errorf("MatchErrors(nil error) reported %q, want the 3 annotations missing", f.errors)
	}
	if f := fake(func(t testing.TB) { MatchErrors(t, []byte("x // ERROR (\n"), nil) }); !f.fatal {
		t.Errorf("MatchErrors with a bad annotation reported %q, want a fatal", f.errors)
	}
}
