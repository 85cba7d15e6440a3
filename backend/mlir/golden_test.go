package mlir

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"scc/internal/golden"
	"scc/ir"
)

// goldenCase is one module the backend tests run: a testdata/*.txtar case
// (IR in, MLIR out) or another fixed-phase module.
type goldenCase struct {
	name string
	path string
	m    *ir.Module
}

// caseModule returns the in.ir section of a testdata archive, which must
// hold a verified fixed-phase module.
func caseModule(a *txtar.Archive) (*ir.Module, error) {
	in, ok := golden.Section(a, "in.ir")
	if !ok {
		return nil, errors.New("no in.ir section")
	}
	m, err := ir.Parse(string(in))
	if err != nil {
		return nil, fmt.Errorf("ir.Parse: %v", err)
	}
	if err := ir.Verify(m); err != nil {
		return nil, fmt.Errorf("ir.Verify: %v", err)
	}
	return m, nil
}

// goldenCases reads every testdata/*.txtar.
func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata/*.txtar (%v)", err)
	}
	var cases []goldenCase
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := caseModule(a)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		cases = append(cases, goldenCase{strings.TrimSuffix(filepath.Base(p), ".txtar"), p, m})
	}
	return cases
}

func emitString(t testing.TB, m *ir.Module, opt Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Emit(&buf, m, opt); err != nil {
		t.Fatalf("Emit(%s, %+v): %v", m.File, opt, err)
	}
	return buf.String()
}

// TestGolden compares the pretty (out.mlir) and generic (out.generic.mlir)
// forms with the golden sections; SCC_UPDATE=1 rewrites them.
func TestGolden(t *testing.T) {
	golden.Run(t, "testdata/*.txtar", []string{"out.mlir", "out.generic.mlir"}, func(t testing.TB, a *txtar.Archive) (map[string][]byte, error) {
		m, err := caseModule(a)
		if err != nil {
			return nil, err
		}
		return map[string][]byte{
			"out.mlir":         []byte(emitString(t, m, Options{Version: "test"})),
			"out.generic.mlir": []byte(emitString(t, m, Options{Generic: true, Version: "test"})),
		}, nil
	})
}

// TestGoldenLIFIsIRs keeps the LIF case equal to the real fixed-phase LIF
// that the ir package owns.
func TestGoldenLIFIsIRs(t *testing.T) {
	want, err := os.ReadFile("../../ir/testdata/lif_fixed.ir")
	if err != nil {
		t.Fatal(err)
	}
	a, err := txtar.ParseFile("testdata/lif_fixed.txtar")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := golden.Section(a, "in.ir")
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("testdata/lif_fixed.txtar in.ir differs from ir/testdata/lif_fixed.ir [-want +got]:\n%s", diff)
	}
}
