package mlir

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"scc/ir"
)

// goldenCase is one testdata/*.txtar: IR in, MLIR out.
type goldenCase struct {
	name string
	path string
	arc  *txtar.Archive
	m    *ir.Module
}

func section(a *txtar.Archive, name string) ([]byte, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

func setSection(a *txtar.Archive, name string, data []byte) {
	for i := range a.Files {
		if a.Files[i].Name == name {
			a.Files[i].Data = data
			return
		}
	}
	a.Files = append(a.Files, txtar.File{Name: name, Data: data})
}

// goldenCases reads every testdata/*.txtar; each must have an in.ir section
// holding a verified fixed-phase module.
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
		in, ok := section(a, "in.ir")
		if !ok {
			t.Fatalf("%s: no in.ir section", p)
		}
		m, err := ir.Parse(string(in))
		if err != nil {
			t.Fatalf("%s: ir.Parse: %v", p, err)
		}
		if err := ir.Verify(m); err != nil {
			t.Fatalf("%s: ir.Verify: %v", p, err)
		}
		cases = append(cases, goldenCase{strings.TrimSuffix(filepath.Base(p), ".txtar"), p, a, m})
	}
	return cases
}

func emitString(t *testing.T, m *ir.Module, opt Options) string {
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
	update := os.Getenv("SCC_UPDATE") != ""
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			changed := false
			for _, s := range []struct {
				section string
				opt     Options
			}{{"out.mlir", Options{Version: "test"}}, {"out.generic.mlir", Options{Generic: true, Version: "test"}}} {
				got := emitString(t, c.m, s.opt)
				want, _ := section(c.arc, s.section)
				if update {
					if string(want) != got {
						setSection(c.arc, s.section, []byte(got))
						changed = true
					}
					continue
				}
				if diff := cmp.Diff(string(want), got); diff != "" {
					t.Errorf("Emit(%s, %+v) differs from %s [-want +got]:\n%s", c.path, s.opt, s.section, diff)
				}
			}
			if changed {
				if err := os.WriteFile(c.path, txtar.Format(c.arc), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
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
	got, _ := section(a, "in.ir")
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("testdata/lif_fixed.txtar in.ir differs from ir/testdata/lif_fixed.ir [-want +got]:\n%s", diff)
	}
}
