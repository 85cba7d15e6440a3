package parser

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/tools/txtar"

	"scc/lang"
)

// update regenerates golden files (SCC_UPDATE=1 go test ./...).
var update = os.Getenv("SCC_UPDATE") != ""

// ignorePos compares ASTs up to positions.
var ignorePos = cmp.Options{cmpopts.IgnoreTypes(lang.Pos{}), cmpopts.EquateEmpty()}

// TestGolden parses the in.snn section of every testdata/*.txtar and
// compares the AST dump, the formatted source and the diagnostics with the
// ast, fmt.snn and errors sections.
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
			src := section(ar, "in.snn")
			if src == nil {
				t.Fatalf("%s: no in.snn section", file)
			}
			f, err := ParseFile("in.snn", src)
			got := map[string]string{"ast": dump(f)}
			if err != nil {
				got["errors"] = err.Error() + "\n"
			} else {
				got["fmt.snn"] = string(lang.Format(f))
				checkRoundTrip(t, src)
			}
			if update {
				writeGolden(t, file, ar, got)
				return
			}
			for _, name := range []string{"ast", "fmt.snn", "errors"} {
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

func section(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

func writeGolden(t *testing.T, file string, ar *txtar.Archive, got map[string]string) {
	out := &txtar.Archive{Comment: ar.Comment, Files: []txtar.File{{Name: "in.snn", Data: section(ar, "in.snn")}}}
	for _, name := range []string{"ast", "fmt.snn", "errors"} {
		if g, ok := got[name]; ok {
			out.Files = append(out.Files, txtar.File{Name: name, Data: []byte(g)})
		}
	}
	if err := os.WriteFile(file, txtar.Format(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkRoundTrip asserts the Format invariants on a source the parser
// accepts: the formatted text parses to the same AST, and formatting is
// idempotent.
func checkRoundTrip(t testing.TB, src []byte) {
	t.Helper()
	f1, err := ParseFile("in.snn", src)
	if err != nil {
		t.Fatalf("ParseFile(src): %v", err)
	}
	out1 := lang.Format(f1)
	f2, err := ParseFile("in.snn", out1)
	if err != nil {
		t.Fatalf("ParseFile(Format(f)) failed: %v\nsource:\n%s\nformatted:\n%s", err, src, out1)
	}
	if diff := cmp.Diff(f1, f2, ignorePos); diff != "" {
		t.Fatalf("ParseFile(Format(f)) differs from f (-f +reparsed):\n%s\nsource:\n%s\nformatted:\n%s", diff, src, out1)
	}
	if out2 := lang.Format(f2); string(out2) != string(out1) {
		t.Fatalf("Format is not idempotent:\nfirst:\n%s\nsecond:\n%s", out1, out2)
	}
}

// dump prints an AST one node per line, positions as line:col, so golden
// diffs show exactly which node changed.
func dump(f *lang.File) string {
	var b strings.Builder
	for _, d := range f.Decls {
		dumpValue(&b, 0, "", reflect.ValueOf(d))
	}
	return b.String()
}

func dumpValue(b *strings.Builder, depth int, label string, v reflect.Value) {
	indent := strings.Repeat("  ", depth)
	if v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() || v.Kind() == reflect.Pointer && v.IsNil() {
		return
	}
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	typ := v.Type()
	fmt.Fprintf(b, "%s%s%s", indent, label, typ.Name())
	var children []int
	for i := 0; i < typ.NumField(); i++ {
		fv := v.Field(i)
		switch fv.Interface().(type) {
		case lang.Pos:
			p := fv.Interface().(lang.Pos)
			if typ.Field(i).Name == "Pos" {
				fmt.Fprintf(b, " %d:%d", p.Line, p.Col)
			} else {
				fmt.Fprintf(b, " %s=%d:%d", typ.Field(i).Name, p.Line, p.Col)
			}
			continue
		case string:
			if s := fv.String(); s != "" {
				fmt.Fprintf(b, " %s=%q", typ.Field(i).Name, s)
			}
			continue
		case bool:
			if fv.Bool() {
				fmt.Fprintf(b, " %s", typ.Field(i).Name)
			}
			continue
		case float64:
			fmt.Fprintf(b, " %s=%g", typ.Field(i).Name, fv.Float())
			continue
		}
		children = append(children, i)
	}
	b.WriteByte('\n')
	for _, i := range children {
		fv, name := v.Field(i), typ.Field(i).Name
		if fv.Kind() == reflect.Slice {
			for j := 0; j < fv.Len(); j++ {
				dumpValue(b, depth+1, fmt.Sprintf("%s[%d]: ", name, j), fv.Index(j))
			}
			continue
		}
		dumpValue(b, depth+1, name+": ", fv)
	}
}
