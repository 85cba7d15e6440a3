package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLibraryInScope: a population may name a library model its file does
// not declare; its neuron module is the library model with the
// population's overrides, exactly as compiling the library file with
// --param (positions name the library file), and a model of the file
// itself shadows the library's.
func TestLibraryInScope(t *testing.T) {
	lib, err := os.ReadFile(filepath.Join("..", "..", "models", "lif.snn"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	writeFiles(t, map[string]string{
		"net.snn":        "network N {\n    pop a = LIF[3] { tau = 10 ms }\n}\n",
		"models/lif.snn": string(lib),
		"shadow/net.snn": "model LIF {\n    state v = 0\n    v' = v + 1\n}\nnetwork N {\n    pop a = LIF[3]\n}\n",
	})
	raw := buildOut(t, "net.snn", "--top", "a")
	if !strings.Contains(raw, "models/lif.snn:") {
		t.Errorf("positions do not name the library file:\n%s", raw)
	}
	got := strings.ReplaceAll(raw, "models/lif.snn", "M")
	want := buildOut(t, filepath.Join("models", "lif.snn"), "--param", "tau=10ms")
	if got != want {
		t.Errorf("population of the library LIF differs from models/lif.snn with --param tau=10ms:\n%s\n---\n%s", got, want)
	}
	shadow := buildOut(t, filepath.Join("shadow", "net.snn"), "--top", "a")
	if strings.Contains(shadow, "models/lif.snn") || !strings.Contains(shadow, "M:3:") {
		t.Errorf("the file's own LIF did not shadow the library's:\n%s", shadow)
	}
	code, _, stderr := scc(t, "build", "net.snn", "--top", "b", "-o", filepath.Join(t.TempDir(), "x.sv"))
	if code == 0 {
		t.Errorf("--top b of a net without b: exit 0\n%s", stderr)
	}
}
