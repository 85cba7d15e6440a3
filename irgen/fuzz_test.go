package irgen_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
)

// FuzzLower: no source makes the checker or irgen panic, and whatever
// irgen accepts passes ir.Verify and survives the IR text round trip
// (STYLE S4, S15).
func FuzzLower(f *testing.F) {
	for _, glob := range []string{"../models/*.snn", "../lang/testdata/errors/*.snn"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if src, err := os.ReadFile(file); err == nil {
				f.Add(src)
			}
		}
	}
	nets, _ := filepath.Glob("testdata/net/*.txtar")
	for _, file := range nets {
		if ar, err := txtar.ParseFile(file); err == nil && len(ar.Files) > 0 {
			f.Add(ar.Files[0].Data) // in.snn; its data files are not served
		}
	}
	// Data files are never read: a mutated name could be any file.
	noFiles := func(name string) ([]byte, error) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := parser.ParseFile("fuzz.snn", src)
		if err != nil {
			return
		}
		info, err := lang.Check(file)
		if err != nil {
			return
		}
		m, err := irgen.Lower(file, info, irgen.Options{ReadFile: noFiles})
		if err != nil {
			return
		}
		if err := ir.Verify(m); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		back, err := ir.Parse(m.String())
		if err != nil {
			t.Fatalf("Parse(Print(m)): %v\n%s", err, m)
		}
		if back.String() != m.String() {
			t.Fatalf("round trip changed the IR")
		}
	})
}
