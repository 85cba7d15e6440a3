package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestNetworkCommands: --top selects a network for build; networks build
// only to sv (or ir, snn); an unknown --top still names the models.
func TestNetworkCommands(t *testing.T) {
	path := filepath.Join("..", "..", "examples", "sc_dense.snn")
	code, out, stderr := scc(t, "build", path, "--top", "SCDense")
	if code != 0 || !strings.Contains(out, "module SCDense (") || !strings.Contains(out, "module sc_dense_matrix_layer") {
		t.Errorf("scc build --top SCDense: exit %d, want 0 and the top with the hdl sources\n%s", code, stderr)
	}
	if code, _, stderr := scc(t, "build", path, "--emit", "mlir"); code != 1 || !strings.Contains(stderr, "networks build to sv") {
		t.Errorf("scc build --emit mlir of a network: exit %d, stderr %q; want 1 and an explanation", code, stderr)
	}
	if code, _, stderr := scc(t, "build", path, "--top", "Nope"); code != 1 || !strings.Contains(stderr, `no model "Nope"`) {
		t.Errorf("scc build --top Nope: exit %d, stderr %q; want 1", code, stderr)
	}
	if code, out, _ := scc(t, "ir", path); code != 0 || !strings.Contains(out, "network SCDense") {
		t.Errorf("scc ir: exit %d, want the network in the IR:\n%s", code, out)
	}
}
