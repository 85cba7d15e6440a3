package irgen_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
)

// FuzzLower: no source makes the checker or irgen panic, and whatever
// irgen accepts passes ir.Verify and survives the IR text round trip
// (STYLE S4, S15).
func FuzzLower(f *testing.F) {
	for _, glob := range []string{"../models/*.snn", "../lang/testdata/errors/*.snn"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if src, err := os.ReadFile(file); err == nil {
				f.Add(src)
			}
		}
	}
	// Brian2's methods, noise, t and refractory conditions (brian.go).
	for _, src := range []string{
		"model M {\n method exponential_euler\n param tau = 10 ms\n state v = -60 mV\n state u = 1\n dv/dt = (-v * u * exp(v / mV / 100) + u * 3 mV) / tau\n du/dt = (1 - u) / tau + v * u / mV / tau / 1000\n}\n",
		"model M {\n method heun\n param tau = 10 ms\n state v = 1\n state w = 0\n dv/dt = -v / tau + w * xi_1 / sqrt(tau) + xi_2 / sqrt(tau)\n dw/dt = -w / tau + v * xi_1 / sqrt(tau)\n}\n",
		"model M {\n method milstein\n param tau = 10 ms\n state v = 1\n dv/dt = (5 - v) / tau + 0.3 * v * xi / sqrt(tau)\n}\n",
		"model M {\n method rk4\n param tau = 10 ms\n state v = 0 mV\n dv/dt = (-v + 2 mV / ms * t * cos(t / 7 ms)) / tau (unless refractory)\n spike when v > 10 mV { v = 0 mV }\n refractory v > 5 mV\n}\n",
	} {
		f.Add([]byte(src))
	}
	nets, _ := filepath.Glob("testdata/net/*.txtar")
	for _, file := range nets {
		if ar, err := txtar.ParseFile(file); err == nil && len(ar.Files) > 0 {
			f.Add(ar.Files[0].Data) // in.snn; its data files are not served
		}
	}
	// Data files are never read: a mutated name could be any file.
	noFiles := func(name string) ([]byte, error) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := parser.ParseFile("fuzz.snn", src)
		if err != nil {
			return
		}
		info, err := lang.Check(file)
		if err != nil {
			return
		}
		m, err := irgen.Lower(file, info, irgen.Options{ReadFile: noFiles})
		if err != nil {
			return
		}
		if err := ir.Verify(m); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		back, err := ir.Parse(m.String())
		if err != nil {
			t.Fatalf("Parse(Print(m)): %v\n%s", err, m)
		}
		if back.String() != m.String() {
			t.Fatalf("round trip changed the IR")
		}
	})
}
