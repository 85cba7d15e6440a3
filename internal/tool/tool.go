// Package tool finds the external EDA tools scc drives (iverilog, verilator,
// yosys, yosys-smtbmc, z3, mlir-opt-16) and names the Debian install command
// when one is missing.
//
// It imports nothing from scc. Tests call Need, which fails when CI is set and
// the tool is missing, and skips otherwise (STYLE S14).
package tool

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// packages maps each tool to the Debian package that provides it.
var packages = map[string]string{
	"iverilog":     "iverilog",
	"vvp":          "iverilog",
	"verilator":    "verilator",
	"yosys":        "yosys",
	"yosys-smtbmc": "yosys",
	"yosys-abc":    "yosys",
	"z3":           "z3",
	"mlir-opt-16":  "mlir-16-tools",
}

// InstallHint returns the command that installs name on Debian.
func InstallHint(name string) string {
	pkg, ok := packages[name]
	if !ok {
		pkg = name
	}
	return "apt-get install -y " + pkg
}

// Path returns the absolute path of the tool name, or an error that names
// the install command.
func Path(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found on PATH; install it with: %s", name, InstallHint(name))
	}
	return p, nil
}

// Need returns the path of each named tool. A missing tool fails the test
// when the CI environment variable is set and skips it otherwise.
func Need(t testing.TB, names ...string) []string {
	t.Helper()
	paths := make([]string, len(names))
	for i, n := range names {
		p, err := Path(n)
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%v", err)
			}
			t.Skipf("%v", err)
		}
		paths[i] = p
	}
	return paths
}
