package passes

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"scc/fixed"
	"scc/internal/golden"
	"scc/ir"
)

// TestGolden runs the passes named on the "passes:" line of each
// testdata/*.txtar comment ("all" for the whole pipeline) on its in.ir
// section, with verification after every pass, and compares the printed IR,
// the errors and the warnings with the out.ir, errors and warnings
// sections (SCC_UPDATE=1 rewrites them).
func TestGolden(t *testing.T) {
	golden.Run(t, "testdata/*.txtar", []string{"out.ir", "errors", "warnings"}, func(t testing.TB, ar *txtar.Archive) (map[string][]byte, error) {
		list, opt, err := header(string(ar.Comment))
		if err != nil {
			return nil, err
		}
		in, ok := golden.Section(ar, "in.ir")
		if !ok {
			return nil, errors.New("no in.ir section")
		}
		m, err := ir.Parse(string(in))
		if err != nil {
			return nil, fmt.Errorf("ir.Parse(in.ir): %v", err)
		}
		warns, err := newContext(m, opt).run(list)
		got := map[string][]byte{}
		if err != nil {
			got["errors"] = []byte(err.Error() + "\n")
		} else {
			got["out.ir"] = []byte(m.String())
		}
		if len(warns) > 0 {
			got["warnings"] = []byte(warns.Error() + "\n")
		}
		return got, nil
	})
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
			p, err := fixed.ParseProfile(strings.TrimSpace(v))
			if err != nil {
				return nil, opt, err
			}
			opt.Profile = &p
		}
	}
	if list == nil {
		return nil, opt, fmt.Errorf(`no "passes:" line in the comment`)
	}
	return list, opt, nil
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
	golden.CheckFile(t, "testdata/lif.golden.ir", []byte(got))
	// The text form must parse back (STYLE S7) and verify.
	m2, err := ir.Parse(got)
	if err != nil {
		t.Fatalf("ir.Parse(output): %v", err)
	}
	if err := ir.Verify(m2); err != nil {
		t.Errorf("ir.Verify(parsed output): %v", err)
	}
}
