package passes

import (
	"regexp"
	"testing"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/models"
	"scc/parser"
)

var modelLine = regexp.MustCompile(`(?m)^(\s*model\s+\w+\s*(\[[^\]]*\])?\s*\{)`)

// withMethod returns src with every model's integration method set to
// method (a `method` line after each model header; an existing one is
// dropped).
func withMethod(src, method string) string {
	src = regexp.MustCompile(`(?m)^\s*method\s+\w+\s*$`).ReplaceAllString(src, "")
	return modelLine.ReplaceAllString(src, "$1\n    method "+method)
}

// lowerLibrary parses, checks and lowers a library model source.
func lowerSource(name, src string) (*ir.Module, error) {
	f, err := parser.ParseFile(name, []byte(src))
	if err != nil {
		return nil, err
	}
	info, err := lang.Check(f)
	if err != nil {
		return nil, err
	}
	return irgen.Lower(f, info, irgen.Options{})
}

// TestLibraryRK compiles every library model under rk2 and rk4: a
// non-linear model's stage values stay in their states' formats instead
// of growing intermediates past 64 bits ("intermediate of N bits exceeds
// 64 bits" before).
func TestLibraryRK(t *testing.T) {
	for _, name := range models.Names() {
		for _, method := range []string{"rk2", "rk4"} {
			t.Run(name+"/"+method, func(t *testing.T) {
				b, _ := models.Source(name)
				m, err := lowerSource(name, withMethod(string(b), method))
				if err != nil {
					t.Fatalf("lower: %v", err)
				}
				if _, err := Run(m, Options{Check: true}); err != nil {
					t.Fatalf("Run = %v", err)
				}
				if m.Phase != ir.Fixed {
					t.Errorf("phase %v after the pipeline", m.Phase)
				}
			})
		}
	}
}
