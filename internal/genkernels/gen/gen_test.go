package gen

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestWrite: Write writes every generated file, deletes a stale generated
// file, keeps hand-written ones, and a second run (deterministic output)
// writes nothing.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "gone_default.go")
	hand := filepath.Join(dir, "kernels.go")
	if err := os.WriteFile(stale, []byte(generatedPrefix+" (backend/fixedpoint) from models/gone.snn; DO NOT EDIT.\n\npackage kernels\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hand, []byte("package kernels\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wrote, deleted, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if len(wrote) != len(want) || len(deleted) != 1 || deleted[0] != "gone_default.go" {
		t.Errorf("wrote %d files (want %d), deleted %v (want gone_default.go)", len(wrote), len(want), deleted)
	}
	if _, err := os.Stat(hand); err != nil {
		t.Errorf("hand-written file: %v", err)
	}
	for name, src := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(b, src) {
			t.Errorf("%s: not written as generated (%v)", name, err)
		}
	}
	if _, ok := want["lif_default.go"]; !ok {
		t.Error("no lif_default.go")
	}
	if _, ok := want["lif_generic.go"]; !ok {
		t.Error("no lif_generic.go")
	}
	wrote, deleted, err = Write(dir)
	if err != nil || len(wrote) != 0 || len(deleted) != 0 {
		t.Errorf("second run wrote %v, deleted %v, err %v: want nothing", wrote, deleted, err)
	}
}
