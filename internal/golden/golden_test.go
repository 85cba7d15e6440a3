package golden

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// fakeTB records what the runner reports. Only the methods the runner may
// call are implemented: any other call panics on the nil embedded TB.
type fakeTB struct {
	testing.TB
	errors []string
	logs   []string
	fatal  bool
}

func (f *fakeTB) Helper()                   {}
func (f *fakeTB) Error(args ...any)         { f.errors = append(f.errors, fmt.Sprint(args...)) }
func (f *fakeTB) Errorf(s string, a ...any) { f.errors = append(f.errors, fmt.Sprintf(s, a...)) }
func (f *fakeTB) Logf(s string, a ...any)   { f.logs = append(f.logs, fmt.Sprintf(s, a...)) }
func (f *fakeTB) Fatal(args ...any)         { f.Error(args...); f.fatal = true; runtime.Goexit() }
func (f *fakeTB) Fatalf(s string, a ...any) { f.Errorf(s, a...); f.fatal = true; runtime.Goexit() }

// fake runs fn on a fakeTB in its own goroutine, so that Fatal stops fn the
// way it stops a test.
func fake(fn func(t testing.TB)) *fakeTB {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return f
}

// env sets SCC_UPDATE and CI for one test and captures the stderr
// announcements.
func env(t *testing.T, update, ci string) *bytes.Buffer {
	t.Setenv("SCC_UPDATE", update)
	t.Setenv("CI", ci)
	var b bytes.Buffer
	stderr = &b
	t.Cleanup(func() { stderr = os.Stderr })
	return &b
}

const archive = `comment: kept
-- in --
b
a
-- sorted --
a
b
-- stale --
old
`

// sortLines is the case under test: its output is the in section's lines,
// sorted.
func sortLines(t testing.TB, ar *txtar.Archive) (map[string][]byte, error) {
	in, ok := Section(ar, "in")
	if !ok {
		return nil, errors.New("no in section")
	}
	if string(in) == "b\na\n" {
		return map[string][]byte{"sorted": []byte("a\nb\n")}, nil
	}
	return map[string][]byte{"sorted": []byte("?\n"), "new": []byte("n")}, nil
}

var outputs = []string{"sorted", "stale", "new"}

func writeTemp(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCompare(t *testing.T) {
	env(t, "", "")
	for _, tc := range []struct {
		name, archive string
		want          []string // substrings, one per reported error
	}{
		{"equal", strings.TrimSuffix(archive, "-- stale --\nold\n"), nil},
		{"stale section", archive, []string{"section stale mismatch (-want +got; the case produces no such section"}},
		{"wrong output", strings.Replace(archive, "a\nb\n-- stale", "b\na\n-- stale", 1), []string{"section sorted mismatch", "section stale"}},
		{"missing output", "-- in --\nb\na\n", []string{"section sorted mismatch (-want +got; the archive has no such section"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "case.txtar", tc.archive)
			f := fake(func(t testing.TB) { runCase(t, path, outputs, sortLines) })
			if f.fatal || len(f.errors) != len(tc.want) {
				t.Fatalf("runCase(%s) reported %q (fatal %v), want %d errors", tc.name, f.errors, f.fatal, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(f.errors[i], w) {
					t.Errorf("runCase(%s) error %d = %q, want it to contain %q", tc.name, i, f.errors[i], w)
				}
			}
			if got := read(t, path); got != tc.archive {
				t.Errorf("runCase(%s) changed the archive without SCC_UPDATE:\n%s", tc.name, got)
			}
		})
	}
}

// TestCompareShowsDiff: the report is a line diff, want first.
func TestCompareShowsDiff(t *testing.T) {
	env(t, "", "")
	path := writeTemp(t, "case.txtar", "-- in --\nb\na\n-- sorted --\na\nc\n")
	f := fake(func(t testing.TB) { runCase(t, path, outputs, sortLines) })
	if len(f.errors) != 1 {
		t.Fatalf("runCase reported %q, want one error", f.errors)
	}
	var changed []string
	for _, line := range strings.Split(f.errors[0], "\n") {
		if strings.HasPrefix(line, "-") || strings.HasPrefix(line, "+") {
			changed = append(changed, line[:1]+strings.TrimSpace(line[1:]))
		}
	}
	if want := []string{`-"c\n",`, `+"b\n",`}; strings.Join(changed, " ") != strings.Join(want, " ") {
		t.Errorf("runCase's diff changes lines %q, want %q:\n%s", changed, want, f.errors[0])
	}
}

func TestUpdateRewrites(t *testing.T) {
	msgs := env(t, "1", "")
	path := writeTemp(t, "case.txtar", strings.Replace(archive, "b\n-- stale", "x\n-- stale", 1))
	f := fake(func(t testing.TB) { runCase(t, path, outputs, sortLines) })
	if f.fatal || len(f.errors) > 0 {
		t.Fatalf("runCase under SCC_UPDATE reported %q", f.errors)
	}
	want := "comment: kept\n-- in --\nb\na\n-- sorted --\na\nb\n"
	if got := read(t, path); got != want {
		t.Errorf("rewritten archive = %q, want %q (comment and input kept, stale section dropped)", got, want)
	}
	abs, _ := filepath.Abs(path)
	line := "golden: rewrote " + abs
	if len(f.logs) != 1 || f.logs[0] != line || msgs.String() != line+"\n" {
		t.Errorf("runCase logged %q and printed %q, want %q on both", f.logs, msgs.String(), line)
	}

	// A second run finds nothing to do and says nothing.
	msgs.Reset()
	f = fake(func(t testing.TB) { runCase(t, path, outputs, sortLines) })
	if len(f.logs) > 0 || msgs.Len() > 0 || len(f.errors) > 0 {
		t.Errorf("runCase on an up-to-date archive logged %q, printed %q, reported %q; want nothing", f.logs, msgs.String(), f.errors)
	}
	if env(t, "", ""); len(fake(func(t testing.TB) { runCase(t, path, outputs, sortLines) }).errors) > 0 {
		t.Errorf("the rewritten archive does not pass without SCC_UPDATE")
	}
}

// TestUpdateAppends: a new output goes after the existing ones, in outputs
// order, and ends in a newline as a txtar section must.
func TestUpdateAppends(t *testing.T) {
	env(t, "1", "")
	path := writeTemp(t, "case.txtar", "-- in --\nc\n-- stale --\nold\n")
	fake(func(t testing.TB) { runCase(t, path, outputs, sortLines) })
	if got, want := read(t, path), "-- in --\nc\n-- sorted --\n?\n-- new --\nn\n"; got != want {
		t.Errorf("rewritten archive = %q, want %q", got, want)
	}
	env(t, "", "")
	if f := fake(func(t testing.TB) { runCase(t, path, outputs, sortLines) }); len(f.errors) > 0 {
		t.Errorf("the rewritten archive does not pass: %q", f.errors)
	}
}

func TestUpdateRefusedUnderCI(t *testing.T) {
	msgs := env(t, "1", "true")
	path := writeTemp(t, "case.txtar", archive)
	file := writeTemp(t, "golden.txt", "old\n")
	for name, fn := range map[string]func(testing.TB){
		"runCase":       func(t testing.TB) { runCase(t, path, outputs, sortLines) },
		"CheckSections": func(t testing.TB) { CheckSections(t, path, []string{"sorted"}, nil) },
		"CheckFile":     func(t testing.TB) { CheckFile(t, file, []byte("new\n")) },
	} {
		f := fake(fn)
		if !f.fatal || len(f.errors) != 1 || !strings.Contains(f.errors[0], "SCC_UPDATE refuses to run under CI") {
			t.Errorf("%s under SCC_UPDATE and CI reported %q (fatal %v), want a fatal refusal", name, f.errors, f.fatal)
		}
	}
	if read(t, path) != archive || read(t, file) != "old\n" || msgs.Len() > 0 {
		t.Errorf("a refused update wrote files or announced %q", msgs.String())
	}
}

// TestRun runs the real runner over a directory of passing cases, with and
// without SCC_UPDATE.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"one", "two"} {
		if err := os.WriteFile(filepath.Join(dir, name+".txtar"), []byte("-- in --\nb\na\n-- sorted --\na\nb\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, update := range []string{"", "1"} {
		t.Run("SCC_UPDATE="+update, func(t *testing.T) {
			msgs := env(t, update, "")
			var ran []string
			Run(t, filepath.Join(dir, "*.txtar"), outputs, func(t testing.TB, ar *txtar.Archive) (map[string][]byte, error) {
				ran = append(ran, filepath.Base(t.Name()))
				return sortLines(t, ar)
			})
			if got := strings.Join(ran, " "); got != "one two" {
				t.Errorf("Run ran subtests %q, want one two", got)
			}
			if msgs.Len() > 0 {
				t.Errorf("Run rewrote up-to-date archives: %s", msgs)
			}
		})
	}
}

func TestProduceError(t *testing.T) {
	env(t, "", "")
	path := writeTemp(t, "case.txtar", "-- other --\n")
	f := fake(func(t testing.TB) { runCase(t, path, outputs, sortLines) })
	if !f.fatal || len(f.errors) != 1 || !strings.HasSuffix(f.errors[0], "case.txtar: no in section") {
		t.Errorf("runCase with a failing produce reported %q (fatal %v), want a fatal naming the file", f.errors, f.fatal)
	}
}

func TestUndeclaredOutput(t *testing.T) {
	env(t, "", "")
	path := writeTemp(t, "case.txtar", archive)
	f := fake(func(t testing.TB) { runCase(t, path, []string{"sorted"}, sortLines) })
	if f.fatal || len(f.errors) != 0 {
		t.Fatalf("runCase reported %q for a declared output", f.errors)
	}
	f = fake(func(t testing.TB) { CheckSections(t, path, []string{"sorted"}, map[string][]byte{"out": nil}) })
	if !f.fatal || !strings.Contains(f.errors[0], `produced section "out" is not one of the outputs`) {
		t.Errorf("CheckSections with an undeclared output reported %q, want a fatal", f.errors)
	}
}

func TestCheckSectionsCreates(t *testing.T) {
	env(t, "1", "")
	path := filepath.Join(t.TempDir(), "new.txtar")
	CheckSections(t, path, []string{"in.ir"}, map[string][]byte{"in.ir": []byte("x\n")})
	if got := read(t, path); got != "-- in.ir --\nx\n" {
		t.Errorf("CheckSections created %q, want one in.ir section", got)
	}
	env(t, "", "")
	path = filepath.Join(t.TempDir(), "missing.txtar")
	f := fake(func(t testing.TB) {
		CheckSections(t, path, []string{"in.ir"}, map[string][]byte{"in.ir": []byte("x\n")})
	})
	if len(f.errors) != 1 || !strings.Contains(f.errors[0], "no such section") {
		t.Errorf("CheckSections on a missing archive reported %q, want a missing section", f.errors)
	}
}

func TestCheckFile(t *testing.T) {
	env(t, "", "")
	path := writeTemp(t, "golden.txt", "a\nb\n")
	if f := fake(func(t testing.TB) { CheckFile(t, path, []byte("a\nb\n")) }); len(f.errors) > 0 {
		t.Errorf("CheckFile(equal) reported %q", f.errors)
	}
	f := fake(func(t testing.TB) { CheckFile(t, path, []byte("a\nc")) })
	if len(f.errors) != 1 || !strings.Contains(f.errors[0], "golden.txt mismatch (-want +got") {
		t.Errorf("CheckFile(different) reported %q, want one mismatch", f.errors)
	}
	f = fake(func(t testing.TB) { CheckFile(t, path+".missing", []byte("a\n")) })
	if !f.fatal || !strings.Contains(f.errors[0], "SCC_UPDATE=1 writes it") {
		t.Errorf("CheckFile(missing file) reported %q, want a fatal with the hint", f.errors)
	}

	msgs := env(t, "1", "")
	f = fake(func(t testing.TB) { CheckFile(t, path, []byte("a\nc")) })
	if read(t, path) != "a\nc" || len(f.logs) != 1 || !strings.HasPrefix(msgs.String(), "golden: rewrote ") {
		t.Errorf("CheckFile under SCC_UPDATE left %q, logged %q, printed %q", read(t, path), f.logs, msgs)
	}
	msgs.Reset()
	if fake(func(t testing.TB) { CheckFile(t, path, []byte("a\nc")) }); msgs.Len() > 0 {
		t.Errorf("CheckFile rewrote an up-to-date file: %s", msgs)
	}
}
