package parser

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/tools/txtar"

	"scc/internal/golden"
	"scc/lang"
)

// ignorePos compares ASTs up to positions.
var ignorePos = cmp.Options{cmpopts.IgnoreTypes(lang.Pos{}), cmpopts.EquateEmpty()}

// TestGolden parses the in.snn section of every testdata/*.txtar and
// compares the AST dump, the formatted source and the diagnostics with the
// ast, fmt.snn and errors sections (SCC_UPDATE=1 rewrites them).
func TestGolden(t *testing.T) {
	golden.Run(t, "testdata/*.txtar", []string{"ast", "fmt.snn", "errors"}, func(t testing.TB, ar *txtar.Archive) (map[string][]byte, error) {
		src, ok := golden.Section(ar, "in.snn")
		if !ok {
			return nil, errors.New("no in.snn section")
		}
		f, err := ParseFile("in.snn", src)
		got := map[string][]byte{"ast": []byte(dump(f))}
		if err != nil {
			got["errors"] = []byte(err.Error() + "\n")
		} else {
			got["fmt.snn"] = lang.Format(f)
			checkRoundTrip(t, src)
		}
		return got, nil
	})
}

// section returns ar's section called name, nil when absent (FuzzParse
// seeds its corpus with the in.snn sections).
func section(ar *txtar.Archive, name string) []byte {
	data, _ := golden.Section(ar, name)
	return data
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
