package hdltb

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"scc/hdl"
	"scc/internal/tool"
)

// TestGeneratedTestbenchesFresh keeps the checked-in tb_<module>.v files
// equal to Generate; SCC_UPDATE=1 rewrites them.
func TestGeneratedTestbenchesFresh(t *testing.T) {
	for _, n := range hdl.Names() {
		want, err := Generate(n)
		if err != nil {
			t.Fatal(err)
		}
		f := "tb_" + n + ".v"
		if os.Getenv("SCC_UPDATE") != "" {
			if err := os.WriteFile(f, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(f)
		if err != nil || string(got) != want {
			t.Errorf("%s is stale or missing; run SCC_UPDATE=1 go test ./testbenches/hdl", f)
		}
	}
}

// TestTestbenchesLint holds the checked-in testbenches to the same dialect
// as the library: iverilog -g2012 -Wall and verilator --lint-only -Wall
// (with --timing for the delays) print nothing.
func TestTestbenchesLint(t *testing.T) {
	tool.Need(t, "iverilog", "verilator")
	dir := t.TempDir()
	for _, f := range hdl.Files() {
		src, _ := hdl.Source(strings.TrimSuffix(f, ".v"))
		if err := os.WriteFile(filepath.Join(dir, f), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range hdl.Names() {
		t.Run(n, func(t *testing.T) {
			t.Parallel()
			mods, _ := hdl.Closure(n)
			files := []string{"tb_" + n + ".v"}
			for _, m := range mods {
				files = append(files, filepath.Join(dir, m+".v"))
			}
			for _, c := range [][]string{
				append([]string{"iverilog", "-g2012", "-Wall", "-s", "tb_" + n, "-o", filepath.Join(dir, n+".vvp")}, files...),
				append([]string{"verilator", "--lint-only", "-Wall", "--timing", "--top-module", "tb_" + n}, files...),
			} {
				out, err := exec.Command(c[0], c[1:]...).CombinedOutput()
				if err != nil || len(strings.TrimSpace(string(out))) > 0 {
					t.Errorf("%s: %v\n%s", c[0], err, out)
				}
			}
		})
	}
}
