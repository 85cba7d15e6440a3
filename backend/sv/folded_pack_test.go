package sv

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestFoldedCSRPacked: CSR entries packed several to a memory word (2, a
// power of two; 3 and 5, whose pointers skip the unused slot codes) equal
// sim.Net at every step, take the cycles the schedule model predicts, lint
// clean, and a row pointer off by one is still caught. Not parallel at the
// top: csrPackForce is set while the sources are generated.
func TestFoldedCSRPacked(t *testing.T) {
	m, n := foldedModule(t)
	hw := n.HW(m)
	const steps = 30
	want, spk := expectFolded(t, m, n, hw, steps)
	tb := foldedTB(n, hw, steps, false, 0)
	type job struct {
		name string
		src  []byte
		pl   *fplan
		mut  bool
	}
	var jobs []job
	func() {
		defer func() { csrPackForce = 0 }()
		for _, c := range []struct {
			pk, lanes int
			mu        Mutation
		}{{2, 1, 0}, {3, 2, 0}, {5, 1, 0}, {3, 1, MutateCSRRow}} {
			csrPackForce = c.pk
			opt := NetOptions{Lanes: c.lanes, Default: StorageCSR, Mutate: c.mu}
			pl, err := newPlan(m, n, opt, true)
			if err != nil {
				t.Fatal(err)
			}
			packed := 0
			for _, pr := range pl.projs {
				if pr.kind == StorageCSR && pr.pk == c.pk {
					packed++
				}
			}
			if packed == 0 {
				t.Fatalf("pk %d: no projection packed", c.pk)
			}
			jobs = append(jobs, job{fmt.Sprintf("pk%d_P%d_mut%d", c.pk, c.lanes, c.mu), emitFoldedNet(t, m, n, opt), pl, c.mu != 0})
		}
	}()
	for i, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			t.Parallel()
			if i == 1 {
				lintAll(t, j.src, []string{n.ModuleName()}, false)
			}
			got, cyc := runFolded(t, j.src, tb)
			d := firstDiff(got, want)
			if j.mut {
				if d == "" {
					t.Error("MutateCSRRow with packed entries: the RTL still equals sim.Net")
				}
				return
			}
			if d != "" {
				t.Fatalf("packed CSR RTL differs from sim.Net: %s", d)
			}
			for k, c := range cyc {
				if w := j.pl.stepCycles(spk[k], k+1, false); c != w {
					t.Errorf("step %d: %d cycles, schedule model says %d", k+1, c, w)
				}
			}
		})
	}
}

// memDecl matches a memory declaration of the folded top.
var memDecl = regexp.MustCompile(`(?m)^  reg (?:\[(\d+):0\] )?(\w+) \[0:(\d+)\];$`)

// emittedShapes returns the sorted "depth×bits" of the memories declared
// in src.
func emittedShapes(t *testing.T, src []byte) []string {
	var out []string
	for _, mm := range memDecl.FindAllSubmatch(src, -1) {
		w := 1
		if len(mm[1]) > 0 {
			hi, _ := strconv.Atoi(string(mm[1]))
			w = hi + 1
		}
		d, _ := strconv.Atoi(string(mm[3]))
		out = append(out, fmt.Sprintf("%d×%d", d+1, w))
	}
	slices.Sort(out)
	return out
}

// estimateShapes returns the sorted "depth×bits" of e's memories, one per
// bank.
func estimateShapes(e Estimate) []string {
	var out []string
	for _, mm := range e.Memories {
		for range max(mm.Banks, 1) {
			out = append(out, fmt.Sprintf("%d×%d", mm.Depth, mm.Bits))
		}
	}
	slices.Sort(out)
	return out
}

// TestEstimateMatchesEmit: EstimateNet's memories are the memories the
// emitter declares (same shapes, one per bank), for the test network in
// several layouts and for CUBA (its packed CSR entries and Σ|w|-bounded
// accumulators), whose estimate is at most 105 BRAM36 at P = 1.
func TestEstimateMatchesEmit(t *testing.T) {
	m, n := foldedModule(t)
	for _, opt := range []NetOptions{
		{Lanes: 1, Default: StorageCSR}, {Lanes: 2}, {Lanes: 4, Default: StorageDense},
	} {
		opt.Arch = ArchFolded
		e, err := EstimateNet(m, n, opt)
		if err != nil {
			t.Fatal(err)
		}
		got, want := emittedShapes(t, emitFoldedNet(t, m, n, opt)), estimateShapes(e)
		if !slices.Equal(got, want) {
			t.Errorf("%+v: emitted memories %v, EstimateNet says %v", opt, got, want)
		}
	}
	lib, err := os.ReadFile("../../models/cuba_lif.snn")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := os.ReadFile("../../examples/cuba.snn")
	if err != nil {
		t.Fatal(err)
	}
	cm := compileSNN(t, "cuba.snn", append(lib, ex...), false)
	cn := cm.Nets[0]
	opt := NetOptions{Arch: ArchFolded, Lanes: 1}
	e, err := EstimateNet(cm, cn, opt)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	src := emitFoldedNet(t, cm, cn, opt)
	t.Logf("CUBA folded:1: %d bytes in %v", len(src), time.Since(start))
	if got, want := emittedShapes(t, src), estimateShapes(e); !slices.Equal(got, want) {
		t.Errorf("CUBA: emitted memories %v, EstimateNet says %v", got, want)
	}
	halves := 0
	for _, mm := range e.Memories {
		halves += max(mm.Banks, 1) * bramHalves(mm.Depth, mm.Bits)
		t.Logf("  %s: %d × %d: %.1f BRAM36", mm.Name, mm.Depth, mm.Bits, float64(bramHalves(mm.Depth, mm.Bits))/2)
	}
	t.Logf("CUBA folded:1: %.1f BRAM36", float64(halves)/2)
	if halves > 2*105 {
		t.Errorf("CUBA folded:1 needs %.1f BRAM36, want ≤ 105 (xc7a100t has 135; issue 12: within 110)", float64(halves)/2)
	}
}
