package golden

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// Func maps one case's archive to the output sections it produces, by
// section name. It reports problems beyond the outputs (a round trip that
// fails) on t; an error means the case could not be run at all.
type Func func(t testing.TB, ar *txtar.Archive) (map[string][]byte, error)

// Run runs one subtest per archive matching glob, named after the file
// without ".txtar": it parses the archive, calls produce and compares the
// result with the archive's outputs sections, or rewrites them under
// SCC_UPDATE. Sections not named in outputs are input and never change.
func Run(t *testing.T, glob string, outputs []string, produce Func) {
	t.Helper()
	updating(t)
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files match %q (%v)", glob, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Helper() // report failures at the caller of Run
			runCase(t, file, outputs, produce)
		})
	}
}

// runCase is one subtest of Run.
func runCase(t testing.TB, path string, outputs []string, produce Func) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ar := txtar.Parse(data)
	got, err := produce(t, ar)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	check(t, path, data, ar, outputs, got)
}

// CheckSections compares got with the outputs sections of the archive at
// path, as Run does for one case, for tests whose outputs do not come from
// the archive itself (an in.ir section kept equal to the module it prints).
// A missing archive has no sections; SCC_UPDATE creates it.
func CheckSections(t testing.TB, path string, outputs []string, got map[string][]byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	check(t, path, data, txtar.Parse(data), outputs, got)
}

// CheckFile compares got with the whole file at path (a golden file that is
// not an archive), or rewrites the file under SCC_UPDATE.
func CheckFile(t testing.TB, path string, got []byte) {
	t.Helper()
	want, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if updating(t) {
		if err != nil || !bytes.Equal(want, got) {
			write(t, path, got)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v (SCC_UPDATE=1 writes it)", path, err)
	}
	if d := diff(want, got); d != "" {
		t.Errorf("%s mismatch (-want +got; SCC_UPDATE=1 rewrites it, then review the diff):\n%s", path, d)
	}
}

// Section returns the data of ar's first section called name.
func Section(ar *txtar.Archive, name string) ([]byte, bool) {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

// check compares or rewrites the outputs of the archive ar, read from data
// at path.
func check(t testing.TB, path string, data []byte, ar *txtar.Archive, outputs []string, got map[string][]byte) {
	t.Helper()
	for name := range got {
		if !slices.Contains(outputs, name) {
			t.Fatalf("%s: produced section %q is not one of the outputs %q", path, name, outputs)
		}
	}
	if updating(t) {
		if out := txtar.Format(rewrite(ar, outputs, got)); !bytes.Equal(out, data) {
			write(t, path, out)
		}
		return
	}
	for _, name := range outputs {
		want, inArchive := Section(ar, name)
		g, produced := got[name]
		var note string
		switch {
		case !inArchive && !produced:
			continue
		case !inArchive:
			note = "; the archive has no such section"
		case !produced:
			note = "; the case produces no such section"
		}
		if d := diff(want, stored(g)); d != "" || note != "" {
			t.Errorf("%s: section %s mismatch (-want +got%s; SCC_UPDATE=1 rewrites it, then review the diff):\n%s", path, name, note, d)
		}
	}
}

// diff is go-cmp's diff of want and got (want first) line by line, so that
// a changed line reads as that line removed and its new text added.
func diff(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	return cmp.Diff(strings.SplitAfter(string(want), "\n"), strings.SplitAfter(string(got), "\n"))
}

// stored is data as a txtar section holds it: a section always ends in a
// newline, so an output without one compares as it would be written.
func stored(data []byte) []byte {
	if len(data) > 0 && data[len(data)-1] != '\n' {
		return append(slices.Clip(data), '\n')
	}
	return data
}

// rewrite returns ar with its outputs sections replaced by got: a section
// got has is replaced where it stands or appended in outputs order, one it
// lacks is dropped; the comment and the input sections stay as they are.
func rewrite(ar *txtar.Archive, outputs []string, got map[string][]byte) *txtar.Archive {
	out := &txtar.Archive{Comment: ar.Comment}
	done := map[string]bool{}
	add := func(name string) {
		if g, ok := got[name]; ok && !done[name] {
			out.Files = append(out.Files, txtar.File{Name: name, Data: stored(g)})
			done[name] = true
		}
	}
	for _, f := range ar.Files {
		if slices.Contains(outputs, f.Name) {
			add(f.Name)
		} else {
			out.Files = append(out.Files, f)
		}
	}
	for _, name := range outputs {
		add(name)
	}
	return out
}

// stderr is where rewritten files are announced besides t.Logf: go test
// shows it without -v when run in the package's directory. A variable for
// the tests of this package.
var stderr io.Writer = os.Stderr

// write replaces the file at path with data and says so.
func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	t.Logf("golden: rewrote %s", path)
	fmt.Fprintf(stderr, "golden: rewrote %s\n", path)
}

// updating reports whether SCC_UPDATE asks for golden files to be
// rewritten, and fails t at once when it does under CI.
func updating(t testing.TB) bool {
	t.Helper()
	if os.Getenv("SCC_UPDATE") == "" {
		return false
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("SCC_UPDATE refuses to run under CI: golden files are rewritten by a developer who reviews the diff (unset SCC_UPDATE or CI)")
	}
	return true
}
