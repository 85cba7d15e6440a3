package irgen_test

import (
	"errors"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"scc/internal/golden"
	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
)

// TestNetGolden lowers each testdata/net/*.txtar's in.snn, whose data
// files are the archive's other input sections, and compares the printed
// module with out.ir, or the diagnostics with errors (SCC_UPDATE=1
// rewrites them). A module must survive the IR text round trip.
func TestNetGolden(t *testing.T) {
	golden.Run(t, "testdata/net/*.txtar", []string{"out.ir", "errors"}, func(t testing.TB, ar *txtar.Archive) (map[string][]byte, error) {
		src, ok := golden.Section(ar, "in.snn")
		if !ok {
			return nil, errors.New("no in.snn section")
		}
		files := map[string][]byte{}
		for _, f := range ar.Files {
			files[path.Join("net", f.Name)] = f.Data
		}
		read := func(name string) ([]byte, error) {
			if d, ok := files[name]; ok && !strings.HasPrefix(name, "net/out.") && name != "net/errors" {
				return d, nil
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		m, err := lowerText(t, "net/in.snn", src, irgen.Options{ReadFile: read})
		if err != nil {
			return map[string][]byte{"errors": []byte(err.Error() + "\n")}, nil
		}
		got := m.String()
		back, err := ir.Parse(got)
		if err != nil {
			t.Fatalf("ir.Parse(Print(m)): %v", err)
		}
		if again := back.String(); again != got {
			t.Errorf("round trip changed the IR:\n%s", cmp.Diff(got, again))
		}
		return map[string][]byte{"out.ir": []byte(got)}, nil
	})
}

// lowerText parses, checks and lowers src; only Lower's errors are
// returned.
func lowerText(t testing.TB, name string, src []byte, opt irgen.Options) (*ir.Module, error) {
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
		return nil, err
	}
	if err := ir.Verify(m); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return m, nil
}
