package irgen_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
)

// compile parses, checks and lowers src.
func compile(t *testing.T, name string, src []byte, opt irgen.Options) *ir.Module {
	t.Helper()
	f, err := parser.ParseFile(name, src)
	if err != nil {
		t.Fatalf("ParseFile: %v", err)
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	m, err := irgen.Lower(f, info, opt)
	if err != nil {
		t.Fatalf("Lower: %v", err)
	}
	if err := ir.Verify(m); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return m
}

// TestGolden lowers each testdata/*.txtar's in.snn and compares the printed
// IR with its out.ir section (SCC_UPDATE=1 rewrites it). The output must
// also survive the IR text round trip.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var src []byte
			out := -1
			for i, f := range a.Files {
				switch f.Name {
				case "in.snn":
					src = f.Data
				case "out.ir":
					out = i
				}
			}
			m := compile(t, "in.snn", src, irgen.Options{})
			got := m.String()
			back, err := ir.Parse(got)
			if err != nil {
				t.Fatalf("ir.Parse(Print(m)): %v", err)
			}
			if again := back.String(); again != got {
				t.Errorf("round trip changed the IR:\n%s", cmp.Diff(got, again))
			}
			if os.Getenv("SCC_UPDATE") != "" {
				if out < 0 {
					a.Files = append(a.Files, txtar.File{Name: "out.ir"})
					out = len(a.Files) - 1
				}
				a.Files[out].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if out < 0 {
				t.Fatalf("no out.ir section (run with SCC_UPDATE=1)")
			}
			if diff := cmp.Diff(string(a.Files[out].Data), got); diff != "" {
				t.Errorf("Lower(%s) mismatch (-want +got):\n%s", file, diff)
			}
		})
	}
}
