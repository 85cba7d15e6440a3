package formal_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"scc/backend/sv"
	"scc/formal"
	"scc/internal/tool"
	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/models"
	"scc/parser"
	"scc/passes"
)

// The end-to-end tests build the RTL with the real pipeline; formal itself
// imports none of it (DESIGN §1), the test package may.

// compileSrc runs the pipeline on src and returns the only step function and
// the RTL backend/sv emits for it.
func compileSrc(t testing.TB, name string, src []byte) (*ir.Func, formal.File) {
	t.Helper()
	f, err := parser.ParseFile(name, src)
	if err != nil {
		t.Fatal(err)
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := irgen.Lower(f, info, irgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := passes.Run(m, passes.Options{Check: true}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := sv.Emit(&b, m, sv.Options{}); err != nil {
		t.Fatal(err)
	}
	if len(m.Funcs) != 1 {
		t.Fatalf("%s: %d funcs, want 1", name, len(m.Funcs))
	}
	return m.Funcs[0], formal.File{Name: m.Funcs[0].ModuleName() + ".sv", Text: b.String()}
}

func compileModel(t testing.TB, name string) (*ir.Func, formal.File) {
	t.Helper()
	src, err := models.Source(name)
	if err != nil {
		t.Fatal(err)
	}
	return compileSrc(t, name, src)
}

func prove(t testing.TB, f *ir.Func, rtl formal.File, depth int) *formal.Report {
	t.Helper()
	return proveWithin(t, f, rtl, depth, solverTimeout)
}

// proveWithin is prove with its own solver timeout.
func proveWithin(t testing.TB, f *ir.Func, rtl formal.File, depth int, timeout time.Duration) *formal.Report {
	t.Helper()
	tool.Need(t, "yosys", "yosys-smtbmc", "z3")
	h, err := formal.Generate(f)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := formal.Prove(context.Background(), []formal.File{rtl}, h, formal.Options{Depth: depth, Dir: t.TempDir(), Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
