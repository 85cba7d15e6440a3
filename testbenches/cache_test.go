package testbenches

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scc/backend/sv"
	"scc/internal/tool"
	"scc/ir"
	"scc/sim"
)

// writeCosim writes the files of a co-simulation of f (RTL rtl) into a new
// directory and returns it with the file list RunIcarus and RunVerilator
// take.
func writeCosim(t *testing.T, f *ir.Func, rtl []byte, tr *sim.Trace) (string, []string) {
	t.Helper()
	var stim, want bytes.Buffer
	if err := WriteStimulus(&stim, f, tr.Inputs); err != nil {
		t.Fatal(err)
	}
	if err := WriteExpected(&want, f, tr); err != nil {
		t.Fatal(err)
	}
	opt := Options{Steps: len(tr.Spikes), HoldEvery: 7}
	tb, err := Generate(f, opt)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dut, tbFile := f.ModuleName()+".sv", TopName(f)+".sv"
	for name, data := range map[string][]byte{dut: rtl, tbFile: tb, opt.stimulus(f): stim.Bytes(), opt.expected(f): want.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, []string{dut, tbFile}
}

// builds counts the cached builds of each kind in the cache's directory.
func builds(t *testing.T, dir, prefix string) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, prefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

// TestBuildCache: a second run of the same sources in another directory
// reuses the build and still reads its own stimulus and writes its own VCD;
// a changed source (the LIF's threshold moved, as in TestMutatedRTLFails) is
// built anew and fails. Verilator compiles its runtime library for the first
// build only.
func TestBuildCache(t *testing.T) {
	m := lif(t)
	f := m.Funcs[0]
	tr, err := sim.RunFixed(f, Stimulus(f, 9), 3000)
	if err != nil {
		t.Fatal(err)
	}
	var rtl bytes.Buffer
	if err := sv.Emit(&rtl, m, sv.Options{Top: f.Name}); err != nil {
		t.Fatal(err)
	}
	const th = "16'hce00" // v_th = -50 mV
	if !bytes.Contains(rtl.Bytes(), []byte(th)) {
		t.Fatalf("emitted LIF has no threshold constant %s", th)
	}
	bad := bytes.Replace(rtl.Bytes(), []byte(th), []byte("16'hce80"), 1)
	for _, tc := range []struct {
		sim, prefix string
		// run builds through c and runs the design in dir, returning the
		// simulation's output and the build's log.
		run func(c *BuildCache, dir string, files []string) (string, string, error)
	}{
		{"iverilog", "i-", func(c *BuildCache, dir string, files []string) (string, string, error) {
			out, err := runIcarus(ctx(t), c, dir, files, TopName(f))
			return out, "", err
		}},
		{"verilator", "v-", func(c *BuildCache, dir string, files []string) (string, string, error) {
			paths := tool.Need(t, "verilator", "make")
			exe, log, ok, err := c.verilator(ctx(t), paths[0], paths[1], dir, []string{"--main", "--exe", "--timing", "-Wall", "--trace"}, files, TopName(f))
			if err != nil || !ok {
				return "", log, fmt.Errorf("build: ok %v, %v\n%s", ok, err, log)
			}
			out, err := run(ctx(t), dir, exe)
			return out, log, err
		}},
	} {
		t.Run(tc.sim, func(t *testing.T) {
			tool.Need(t, tc.sim)
			cdir := t.TempDir()
			c := NewBuildCache(cdir)
			verdict := func(rtl []byte, wantBuilds int) (*CosimResult, string) {
				t.Helper()
				dir, files := writeCosim(t, f, rtl, tr)
				out, log, err := tc.run(c, dir, files)
				if err != nil {
					t.Fatal(err)
				}
				res := &CosimResult{}
				if err := parseOutput(out, f, res); err != nil {
					t.Fatal(err)
				}
				if fi, err := os.Stat(filepath.Join(dir, "tb_LIF.vcd")); err != nil || fi.Size() == 0 {
					t.Errorf("no VCD in the run's own directory: %v", err)
				}
				if n := builds(t, cdir, tc.prefix); n != wantBuilds {
					t.Errorf("%d cached builds, want %d", n, wantBuilds)
				}
				return res, log
			}
			res, log1 := verdict(rtl.Bytes(), 1)
			if res.First != nil {
				t.Fatalf("first run: %s", res.Summary())
			}
			if res, _ := verdict(rtl.Bytes(), 1); res.First != nil {
				t.Fatalf("second run (cached build): %s", res.Summary())
			}
			res, log2 := verdict(bad, 2)
			if res.First == nil {
				t.Errorf("mutated RTL passed: the cache served a stale build")
			}
			if tc.sim != "verilator" {
				return
			}
			const rt = "include/verilated.cpp" // compiling the runtime library
			if !strings.Contains(log1, rt) {
				t.Errorf("first build does not compile the runtime library:\n%s", log1)
			}
			if strings.Contains(log2, rt) {
				t.Errorf("second build compiles the runtime library again:\n%s", log2)
			}
			if n := builds(t, cdir, "vrt-"); n != 1 {
				t.Errorf("%d runtime library builds, want 1", n)
			}
		})
	}
}
