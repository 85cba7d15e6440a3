package mlir

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	library "scc/models"
	"scc/parser"
	"scc/passes"
)

// compileSNN runs the front end and the pass pipeline (as cmd/scc does) to
// get the fixed-phase IR of a source file. Only the tests import these
// packages; the backend itself sees IR alone.
func compileSNN(name string, src []byte) (*ir.Module, error) {
	f, err := parser.ParseFile(name, src)
	if err != nil {
		return nil, err
	}
	info, err := lang.Check(f)
	if err != nil {
		return nil, err
	}
	m, err := irgen.Lower(f, info, irgen.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := passes.Run(m, passes.Options{Check: true}); err != nil {
		return nil, err
	}
	return m, nil
}

// libraryModels compiles every library model (models/) and every example
// (examples/*.snn).
func libraryModels(t *testing.T) []goldenCase {
	t.Helper()
	var cases []goldenCase
	add := func(name string, src []byte) {
		m, err := compileSNN(name, src)
		if err != nil {
			t.Fatalf("compiling %s: %v", name, err)
		}
		cases = append(cases, goldenCase{name: name, path: name, m: m})
	}
	for _, n := range library.Names() {
		src, err := library.Source(n)
		if err != nil {
			t.Fatal(err)
		}
		add("models/"+n, src)
	}
	examples, err := filepath.Glob("../../examples/*.snn")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range examples {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`(?m)^\s*pop\s`).Match(src) {
			continue // a network of populations: no RTL yet
		}
		add("examples/"+filepath.Base(p), src)
	}
	if len(cases) == 0 {
		t.Fatal("no library models or examples found")
	}
	return cases
}
