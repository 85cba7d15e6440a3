package sv

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestFoldedExamplesDump emits every example network folded into
// $SCC_FOLDED_EXAMPLES (a debugging aid; skipped without it).
func TestFoldedExamplesDump(t *testing.T) {
	dir := os.Getenv("SCC_FOLDED_EXAMPLES")
	if dir == "" {
		t.Skip("SCC_FOLDED_EXAMPLES not set")
	}
	for _, name := range []string{"brunel", "coba", "synfire", "classifier", "cuba", "stdp"} {
		path := filepath.Join("../../examples", name+".snn")
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		src = withModels(t, src)
		m := compileSNN(t, path, src, false)
		for _, n := range m.Nets {
			if len(n.Pops) == 0 {
				continue
			}
			start := time.Now()
			e, err := EstimateNet(m, n, NetOptions{Arch: ArchFolded})
			if err != nil {
				t.Logf("%s: estimate: %v", name, err)
				continue
			}
			var b []byte
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s: panic %v", name, r)
					}
				}()
				b = emitFoldedNet(t, m, n, NetOptions{})
			}()
			t.Logf("%s/%s: %d bytes in %v, worst %d cycles, %d memory bits", name, n.Name, len(b), time.Since(start), e.CyclesPerStep, e.MemoryBits())
			os.WriteFile(filepath.Join(dir, name+".sv"), b, 0o644)
		}
	}
}

// withModels prepends the library models src uses and does not define.
func withModels(t testing.TB, src []byte) []byte {
	files, _ := filepath.Glob("../../models/*.snn")
	re := regexp.MustCompile(`(?m)^model (\w+)`)
	var out []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, mm := range re.FindAllSubmatch(b, -1) {
			name := string(mm[1])
			if strings.Contains(string(src), "= "+name+"[") && !strings.Contains(string(src), "model "+name+" ") {
				out = append(append(out, b...), '\n')
				break
			}
		}
	}
	return append(out, src...)
}

// TestFoldedSynfire: the synfire example (a spikes(file) source on AER-in,
// a chain of populations) equals sim.Net for its first steps.
func TestFoldedSynfire(t *testing.T) {
	t.Parallel()
	path := "../../examples/synfire.snn"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := compileSNN(t, path, withModels(t, src), false)
	n := m.Nets[0]
	hw := n.HW(m)
	steps := 40
	want, spk := expectFolded(t, m, n, hw, steps)
	got, cyc := runFolded(t, emitFoldedNet(t, m, n, NetOptions{Lanes: 4}), foldedTB(n, hw, steps, false, 0))
	if d := firstDiff(got, want); d != "" {
		t.Fatalf("folded synfire differs from sim.Net: %s", d)
	}
	pl, err := newPlan(m, n, NetOptions{Lanes: 4}, true)
	if err != nil {
		t.Fatal(err)
	}
	spikes := 0
	for k, c := range cyc {
		if w := pl.stepCycles(spk[k], k+1, false); c != w {
			t.Errorf("step %d: %d cycles, schedule model says %d", k+1, c, w)
		}
		for _, l := range spk[k] {
			spikes += len(l)
		}
	}
	if spikes == 0 {
		t.Error("no spikes in the compared steps: the test compares nothing")
	}
}

// TestFoldedSTDPExample: the stdp example (1,000 Poisson inputs, one
// neuron, all_to_all with STDP) equals sim.Net in the folded RTL.
func TestFoldedSTDPExample(t *testing.T) {
	t.Parallel()
	path := "../../examples/stdp.snn"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := compileSNN(t, path, withModels(t, src), false)
	n := m.Nets[0]
	hw := n.HW(m)
	const steps = 60
	want, spk := expectFolded(t, m, n, hw, steps)
	opt := NetOptions{Lanes: 4}
	got, cyc := runFolded(t, emitFoldedNet(t, m, n, opt), foldedTB(n, hw, steps, false, 0))
	if d := firstDiff(got, want); d != "" {
		t.Fatalf("folded stdp example differs from sim.Net: %s", d)
	}
	pl, err := newPlan(m, n, opt, true)
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range cyc {
		if w := pl.stepCycles(spk[k], k+1, false); c != w {
			t.Errorf("step %d: %d cycles, schedule model says %d", k+1, c, w)
		}
	}
}
