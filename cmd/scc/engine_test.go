package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scc/sim"
)

// TestSimEngine: `scc sim` on the network examples with --engine
// interp, runtime and auto (and two workers) writes identical CSVs
// (spikes, records, final weights) and the same population table; the
// summary line names the engine, auto picks the runtime exactly when
// every population has a generated kernel.
func TestSimEngine(t *testing.T) {
	for _, ex := range []string{"cuba.snn", "stdp.snn", "brunel.snn", "classifier.snn", "synfire.snn"} {
		t.Run(ex, func(t *testing.T) {
			path := filepath.Join("..", "..", "examples", ex)
			u, err := compileFile(path, compileOpts{Dir: filepath.Dir(path)}, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			auto := sim.EngineRuntime
			for _, p := range u.mod.Nets[0].Pops {
				if f := u.mod.Func(p.Func); f != nil && sim.KernelFor(f) == nil {
					auto = sim.EngineInterp
				}
			}
			t.Logf("auto: %s", auto)
			var want map[string]string
			var wantTable string
			for _, args := range [][]string{{"--engine", "interp"}, {"--engine", "runtime"}, {"--engine", "runtime", "--workers", "2"}, nil} {
				dir := t.TempDir()
				code, out, errs := scc(t, append([]string{"sim", path, "--steps", "300", "--csv", dir}, args...)...)
				if code != 0 {
					t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
				}
				lines := strings.SplitN(out, "\n", 3)
				engine := auto
				if len(args) > 0 {
					engine = args[1]
				}
				if !strings.Contains(lines[0], "(bit-true, "+engine) {
					t.Errorf("%v: summary %q does not name engine %s", args, lines[0], engine)
				}
				if len(args) > 2 && !strings.Contains(lines[0], "2 workers") {
					t.Errorf("%v: summary %q does not give the workers", args, lines[0])
				}
				table := out[strings.Index(out, "  population"):]
				if engine == sim.EngineRuntime && !strings.HasPrefix(lines[1], "kernels: ") {
					t.Errorf("%v: no kernels line: %q", args, lines[1])
				}
				files := map[string]string{}
				ents, err := os.ReadDir(dir)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range ents {
					b, err := os.ReadFile(filepath.Join(dir, e.Name()))
					if err != nil {
						t.Fatal(err)
					}
					files[e.Name()] = string(b)
				}
				if want == nil {
					want, wantTable = files, table
					continue
				}
				if table != wantTable {
					t.Errorf("%v: table\n%s\ninterpreter\n%s", args, table, wantTable)
				}
				if len(files) != len(want) {
					t.Errorf("%v: %d CSV files, interpreter %d", args, len(files), len(want))
				}
				for name, s := range want {
					if files[name] != s {
						t.Errorf("%v: %s differs from the interpreter's", args, name)
					}
				}
			}
		})
	}
}

// TestSimEngineUsage: engine flags that make no sense exit 2.
func TestSimEngineUsage(t *testing.T) {
	cuba := filepath.Join("..", "..", "examples", "cuba.snn")
	lif := filepath.Join("..", "..", "models", "lif.snn")
	for _, args := range [][]string{
		{"sim", cuba, "--engine", "fast"},
		{"sim", cuba, "--workers", "-1"},
		{"sim", cuba, "--float", "--engine", "runtime"},
		{"sim", cuba, "--engine", "interp", "--workers", "2"},
		{"sim", lif, "--engine", "runtime"},
		{"sim", lif, "--workers", "2"},
	} {
		if code, _, errs := scc(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, errs)
		}
	}
	if code, out, errs := scc(t, "sim", lif, "--engine", "interp", "--steps", "10"); code != 0 {
		t.Errorf("a model with --engine interp: exit %d\n%s%s", code, out, errs)
	}
}
