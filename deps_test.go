package scc_test

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// allowed is DESIGN.md §1's import table: for each package directory, the
// scc packages it may import. "*" means any. Packages not listed may not
// exist: adding one means adding it here deliberately.
var allowed = map[string][]string{
	"":                        {},
	"lang":                    {"fixed"},
	"fixed":                   {},
	"parser":                  {"lang", "fixed"},
	"irgen":                   {"lang", "ir", "fixed"},
	"nir":                     {"lang", "fixed", "models", "ir"},
	"ir":                      {"lang", "fixed"},
	"passes":                  {"ir", "lang", "fixed"},
	"backend/sv":              {"ir", "lang", "fixed", "hdl"},
	"backend/mlir":            {"ir", "lang", "fixed"},
	"backend/fixedpoint":      {"ir", "lang", "fixed"},
	"sim":                     {"ir", "lang", "fixed", "runtime", "runtime/kernels"},
	"runtime":                 {"fixed"},
	"runtime/kernels":         {},
	"internal/genkernels":     {"*"},
	"internal/genkernels/gen": {"*"},
	"hdl":                     {},
	"formal":                  {"ir", "lang", "fixed", "hdl", "internal/tool"},
	"testbenches":             {"*"},
	"testbenches/hdl":         {"*"},
	"models":                  {},
	"cmd/scc":                 {"*"},
	"internal/tool":           {},
	"synth":                   {},
	"internal/golden":         {},
}

func TestImportTable(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imps, _ := strings.Cut(line, "|")
		dir := strings.TrimPrefix(strings.TrimPrefix(pkg, "scc"), "/")
		if strings.HasPrefix(dir, "tmpdeps") {
			continue
		}
		rules, ok := allowed[dir]
		if !ok {
			t.Errorf("package %q is not in the import table of DESIGN.md §1 (deps_test.go)", dir)
			continue
		}
		if len(rules) == 1 && rules[0] == "*" {
			continue
		}
		var bad []string
		for _, imp := range strings.Fields(imps) {
			if imp != "scc" && !strings.HasPrefix(imp, "scc/") {
				if strings.Contains(imp, "participle") && dir != "parser" {
					bad = append(bad, imp+" (participle belongs to parser/ alone)")
				}
				continue
			}
			dep := strings.TrimPrefix(imp, "scc/")
			okDep := false
			for _, r := range rules {
				if r == dep {
					okDep = true
				}
			}
			if !okDep {
				bad = append(bad, dep)
			}
		}
		sort.Strings(bad)
		if len(bad) > 0 {
			t.Errorf("%s imports %v, which DESIGN.md §1 does not allow", dir, bad)
		}
	}
}
