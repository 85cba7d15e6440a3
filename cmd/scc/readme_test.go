package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMENetwork: the README's network section shows examples/cuba.snn
// as it is, and each of its commands runs (exit 0, writing what it says).
func TestREADMENetwork(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	ex, err := os.ReadFile(filepath.Join("..", "..", "examples", "cuba.snn"))
	if err != nil {
		t.Fatal(err)
	}
	sec := string(readme)
	i := strings.Index(sec, "## Networks")
	if i < 0 {
		t.Fatal("README has no Networks section")
	}
	sec = sec[i:]
	sec = sec[:strings.Index(sec[3:], "\n## ")+3]
	body := string(ex)[strings.Index(string(ex), "network CUBA {"):]
	if !strings.Contains(sec, "```\n"+body+"```") {
		t.Errorf("README's network is not examples/cuba.snn:\n%s", body)
	}
	abs, _ := filepath.Abs(filepath.Join("..", "..", "examples", "cuba.snn"))
	dir := t.TempDir()
	ran := 0
	for _, line := range strings.Split(sec, "\n") {
		if !strings.HasPrefix(line, "scc ") {
			continue
		}
		if c := strings.Index(line, "#"); c >= 0 {
			line = line[:c]
		}
		args := strings.Fields(line)[1:]
		for k, a := range args {
			switch {
			case a == "examples/cuba.snn":
				args[k] = abs
			case k > 0 && (args[k-1] == "--csv" || args[k-1] == "--plot" || args[k-1] == "-o"):
				args[k] = filepath.Join(dir, a)
			}
		}
		code, stdout, stderr := scc(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", line, code, stderr)
		}
		if !strings.Contains(stdout, "CUBA") {
			t.Errorf("%s: output does not name the network:\n%s", line, stdout)
		}
		ran++
	}
	if ran < 5 {
		t.Errorf("ran %d README commands, want 5", ran)
	}
	for _, f := range []string{"out/spikes.csv", "cuba.png", "inst/network.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("README commands did not write %s", f)
		}
	}
}
