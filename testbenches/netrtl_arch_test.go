package testbenches

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"scc/backend/sv"
	"scc/internal/tool"
	"scc/ir"
)

// The network architectures of backend/sv under the harness: every example
// network (sized down) in both architectures under Verilator, parallel ==
// folded for 1, 2 and 4 lanes and every storage kind, and the planted bugs
// caught.

// emitNet returns n's RTL in opt.
func emitNet(t testing.TB, m *ir.Module, n *ir.Net, opt sv.NetOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := sv.EmitNet(&b, m, n, opt); err != nil {
		t.Fatalf("EmitNet(%v, lanes %d, %v): %v", opt.Arch, opt.Lanes, opt.Default, err)
	}
	return b.Bytes()
}

func netOpt(arch sv.Arch, lanes int, st sv.Storage) sv.NetOptions {
	return sv.NetOptions{Arch: arch, Lanes: lanes, Default: st}
}

func optName(o sv.NetOptions) string {
	if o.Arch == sv.ArchFolded {
		return fmt.Sprintf("folded%d-%v", max(o.Lanes, 1), o.Default)
	}
	return o.Arch.String()
}

// netExample is an example network sized down for a test.
type netExample struct {
	name  string
	repl  []string                       // old, new text pairs (each must occur)
	data  func(t testing.TB, dir string) // writes cropped data files into dir
	steps int
	// verilator: co-simulated under Verilator in `go test` (the others
	// under Icarus, on fewer steps: one Verilator build per architecture
	// and example costs 30-60 s on a loaded 2-core machine);
	// SCC_NETRTL_VERILATOR=all runs every example under Verilator.
	verilator bool
}

var netExamples = []netExample{
	{name: "cuba", steps: 600, verilator: true, repl: []string{"CubaLIF[3200]", "CubaLIF[24]", "CubaLIF[800]", "CubaLIF[8]", "p = 0.02", "p = 0.15"}},
	{name: "coba", steps: 150, repl: []string{"CobaExpLIF[3200]", "CobaExpLIF[24]", "CobaExpLIF[800]", "CobaExpLIF[8]", "p = 0.02", "p = 0.15",
		"[4000]", "[32]", "kick[0:3200]", "kick[0:24]", "kick[3200:4000]", "kick[24:32]"}},
	{name: "brunel", steps: 600, verilator: true, repl: []string{"BrunelLIF[1000]", "BrunelLIF[24]", "BrunelLIF[250]", "BrunelLIF[6]", "k = 100", "k = 8", "k = 25", "k = 2"}},
	{name: "synfire", steps: 300, verilator: true, data: cropSynfire, repl: []string{"SynfireLIF[100]", "SynfireLIF[4]"}},
	{name: "classifier", steps: 400, verilator: true, data: cropClassifier, repl: []string{"[784]", "[48]", "IntLIF[128]", "IntLIF[12]"}},
	{name: "stdp", steps: 600, repl: []string{"[1000]", "[16]", "rate = 15 Hz", "rate = 200 Hz"}},
}

// writeExample writes the variant of examples/<name>.snn into a temp dir
// (data files copied, or cropped by ex.data) and returns its path.
func writeExample(t testing.TB, ex netExample) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "examples", ex.name+".snn"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for i := 0; i+1 < len(ex.repl); i += 2 {
		if !strings.Contains(s, ex.repl[i]) {
			t.Fatalf("examples/%s.snn has no %q to replace", ex.name, ex.repl[i])
		}
		s = strings.ReplaceAll(s, ex.repl[i], ex.repl[i+1])
	}
	dir := t.TempDir()
	if ex.data != nil {
		if err := os.MkdirAll(filepath.Join(dir, ex.name), 0o755); err != nil {
			t.Fatal(err)
		}
		ex.data(t, filepath.Join(dir, ex.name))
	}
	path := filepath.Join(dir, ex.name+".snn")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// csvRows reads examples/<file>: its comment lines and its rows of
// integers (a header row is kept as a comment).
func csvRows(t testing.TB, file string) (head []string, rows [][]int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", file))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var row []int
		for _, f := range strings.Split(line, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				row = nil
				break
			}
			row = append(row, v)
		}
		if row == nil {
			head = append(head, line)
			continue
		}
		rows = append(rows, row)
	}
	return head, rows
}

func writeCSV(t testing.TB, path string, head []string, rows [][]int) {
	t.Helper()
	var b strings.Builder
	for _, h := range head {
		b.WriteString(h + "\n")
	}
	for _, r := range rows {
		for i, v := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(v))
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// cropSynfire moves the pulse packet (steps 475-525) to steps 25-75.
func cropSynfire(t testing.TB, dir string) {
	head, rows := csvRows(t, "synfire/pulse.csv")
	var out [][]int
	for _, r := range rows {
		if r[0] > 450 {
			out = append(out, []int{r[0] - 450, r[1]})
		}
	}
	writeCSV(t, filepath.Join(dir, "pulse.csv"), head, out)
}

// cropClassifier keeps pixels 0..47 and hidden neurons 0..11, with layer
// 1's weights times 6 so the cropped bars still drive the hidden layer.
func cropClassifier(t testing.TB, dir string) {
	const pixels, hidden = 48, 12
	head, rows := csvRows(t, "classifier/patterns.csv")
	var pat [][]int
	for _, r := range rows {
		if r[1] < pixels {
			pat = append(pat, r)
		}
	}
	writeCSV(t, filepath.Join(dir, "patterns.csv"), head, pat)
	head, rows = csvRows(t, "classifier/w1.csv")
	var w1 [][]int
	for _, r := range rows[:hidden] {
		row := make([]int, pixels)
		for i := range row {
			row[i] = 6 * r[i]
		}
		w1 = append(w1, row)
	}
	writeCSV(t, filepath.Join(dir, "w1.csv"), head, w1)
	head, rows = csvRows(t, "classifier/w2.csv")
	var w2 [][]int
	for _, r := range rows {
		w2 = append(w2, r[:hidden])
	}
	writeCSV(t, filepath.Join(dir, "w2.csv"), head, w2)
}

// TestNetRTLExamples co-simulates every example network, sized down, in
// the parallel and the folded (2 lanes) architecture, and compares the two
// architectures' traces step by step.
func TestNetRTLExamples(t *testing.T) {
	all := os.Getenv("SCC_NETRTL_VERILATOR") == "all"
	for _, ex := range netExamples {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			simName := "iverilog"
			if ex.verilator || all {
				simName = "verilator"
			}
			tool.Need(t, simName)
			m, n := compileNet(t, writeExample(t, ex))
			if c := goldenSpikes(t, m, n, ex.steps); c == 0 {
				t.Fatalf("%s does not spike in %d steps: the test checks little", ex.name, ex.steps)
			}
			var mu sync.Mutex
			traces := map[string][]NetStep{}
			for _, o := range []sv.NetOptions{netOpt(sv.ArchParallel, 0, sv.StorageAuto), netOpt(sv.ArchFolded, 2, sv.StorageAuto)} {
				t.Run(optName(o), func(t *testing.T) {
					rtl := emitNet(t, m, n, o)
					res, err := CosimNet(ctx(t), m, n, rtl, NetCosimOptions{Sim: simName, Steps: ex.steps, Seed: 7, Dir: t.TempDir()})
					if err != nil {
						t.Fatal(err)
					}
					t.Log(res.Summary())
					if res.First != nil {
						t.Fatalf("%s: %v (waveform %s)", optName(o), res.First, res.VCD)
					}
					mu.Lock()
					traces[o.Arch.String()] = res.Trace
					mu.Unlock()
				})
			}
			if p, f := traces["parallel"], traces["folded"]; p != nil && f != nil {
				if d := CompareNetTraces(p, f); d != "" {
					t.Errorf("parallel and folded RTL differ: %s", d)
				}
			}
		})
	}
}

// TestNetRTLFoldedEqualsParallel: on the tiny network, the folded RTL for
// 1, 2 and 4 lanes and every storage kind produces the parallel RTL's
// trace, step for step (Icarus; the same seed, so the same host).
func TestNetRTLFoldedEqualsParallel(t *testing.T) {
	tool.Need(t, "iverilog")
	m, n := compileNet(t, writeNet(t, tinyNet))
	const steps = 120
	run := func(t *testing.T, o sv.NetOptions) []NetStep {
		rtl := emitNet(t, m, n, o)
		res, err := CosimNet(ctx(t), m, n, rtl, NetCosimOptions{Steps: steps, Seed: 11, Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		if res.First != nil {
			t.Fatalf("%s: %v (waveform %s)", optName(o), res.First, res.VCD)
		}
		return res.Trace
	}
	par := run(t, netOpt(sv.ArchParallel, 0, sv.StorageAuto))
	for _, lanes := range []int{1, 2, 4} {
		for _, st := range []sv.Storage{sv.StorageAuto, sv.StorageDense, sv.StorageCSR, sv.StorageProcedural} {
			o := netOpt(sv.ArchFolded, lanes, st)
			t.Run(optName(o), func(t *testing.T) {
				t.Parallel()
				if d := CompareNetTraces(par, run(t, o)); d != "" {
					t.Errorf("%s differs from parallel: %s", optName(o), d)
				}
			})
		}
	}
}

// TestNetRTLMutations: each bug sv can plant is caught in each
// architecture (folded with CSR storage, where a row pointer can be off).
func TestNetRTLMutations(t *testing.T) {
	tool.Need(t, "iverilog")
	m, n := compileNet(t, writeNet(t, tinyNet))
	for _, mu := range []struct {
		name string
		m    sv.Mutation
	}{{"delay-slot", sv.MutateDelaySlot}, {"no-sat", sv.MutateNoSat}, {"csr-row", sv.MutateCSRRow}} {
		for _, o := range []sv.NetOptions{netOpt(sv.ArchParallel, 0, sv.StorageAuto), netOpt(sv.ArchFolded, 2, sv.StorageCSR)} {
			o.Mutate = mu.m
			t.Run(mu.name+"/"+optName(o), func(t *testing.T) {
				t.Parallel()
				rtl := emitNet(t, m, n, o)
				res, err := CosimNet(ctx(t), m, n, rtl, NetCosimOptions{Steps: 60, Seed: 13, Dir: t.TempDir()})
				if err != nil {
					t.Fatal(err)
				}
				if res.First == nil {
					t.Fatalf("mutation %s not caught: %s", mu.name, res.Summary())
				}
				t.Logf("caught: %v", res.First)
				if res.VCD == "" {
					t.Errorf("no waveform for the mismatch")
				}
			})
		}
	}
}
