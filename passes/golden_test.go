package passes

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"scc/ir"
)

// update regenerates golden files (SCC_UPDATE=1 go test ./...).
var update = os.Getenv("SCC_UPDATE") != ""

// TestGolden runs the passes named on the "passes:" line of each
// testdata/*.txtar comment ("all" for the whole pipeline) on its in.ir
// section, with verification after every pass, and compares the printed IR,
// the errors and the warnings with the out.ir, errors and warnings
// sections.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			list, opt, err := header(string(ar.Comment))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			in := section(ar, "in.ir")
			if in == nil {
				t.Fatalf("%s: no in.ir section", file)
			}
			m, err := ir.Parse(string(in))
			if err != nil {
				t.Fatalf("ir.Parse(in.ir): %v", err)
			}
			warns, err := newContext(m, opt).run(list)
			got := map[string]string{}
			if err != nil {
				got["errors"] = err.Error() + "\n"
			} else {
				got["out.ir"] = m.String()
			}
			if len(warns) > 0 {
				got["warnings"] = warns.Error() + "\n"
			}
			if update {
				writeGolden(t, file, ar, got)
				return
			}
			for _, name := range []string{"out.ir", "errors", "warnings"} {
				want := section(ar, name)
				g, ok := got[name]
				if want == nil && !ok {
					continue
				}
				if diff := cmp.Diff(string(want), g); diff != "" {
					t.Errorf("section %s mismatch (-want +got):\n%s", name, diff)
				}
			}
		})
	}
}

// header reads "passes: a b c" and an optional "format: q16.16" line.
func header(comment string) ([]pass, Options, error) {
	opt := Options{Check: true}
	var list []pass
	for _, line := range strings.Split(comment, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "passes":
			for _, name := range strings.Fields(v) {
				if name == "all" {
					list = append(list, pipeline...)
					continue
				}
				i := passIndex(name)
				if i < 0 {
					return nil, opt, fmt.Errorf("unknown pass %q", name)
				}
				list = append(list, pipeline[i])
			}
		case "format":
			opt.Format = strings.TrimSpace(v)
		}
	}
	if list == nil {
		return nil, opt, fmt.Errorf(`no "passes:" line in the comment`)
	}
	return list, opt, nil
}

func section(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

func writeGolden(t *testing.T, file string, ar *txtar.Archive, got map[string]string) {
	out := &txtar.Archive{Comment: ar.Comment, Files: []txtar.File{{Name: "in.ir", Data: section(ar, "in.ir")}}}
	for _, name := range []string{"out.ir", "errors", "warnings"} {
		if g, ok := got[name]; ok {
			out.Files = append(out.Files, txtar.File{Name: name, Data: []byte(g)})
		}
	}
	if err := os.WriteFile(file, txtar.Format(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLIFPipeline runs ir/testdata/lif_real.ir (irgen's shape of a real
// LIF) through the whole pipeline and compares with testdata/lif.golden.ir.
func TestLIFPipeline(t *testing.T) {
	src, err := os.ReadFile("../ir/testdata/lif_real.ir")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ir.Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	warns, err := Run(m, Options{Check: true})
	if err != nil || len(warns) > 0 {
		t.Fatalf("Run(lif_real.ir) = warnings %v, error %v; want none", warns, err)
	}
	if m.Phase != ir.Fixed {
		t.Errorf("Run(lif_real.ir) left phase %v, want fixed", m.Phase)
	}
	got := m.String()
	const golden = "testdata/lif.golden.ir"
	if update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("Run(lif_real.ir) mismatch (-want +got):\n%s", diff)
	}
	// The text form must parse back (STYLE S7) and verify.
	m2, err := ir.Parse(got)
	if err != nil {
		t.Fatalf("ir.Parse(output): %v", err)
	}
	if err := ir.Verify(m2); err != nil {
		t.Errorf("ir.Verify(parsed output): %v", err)
	}
}
