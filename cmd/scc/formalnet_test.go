package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"scc/backend/sv"
	"scc/formal"
	"scc/internal/tool"
)

// formalFourNet is a 4-neuron network: an AER-in source of 2 into 2
// neurons (delay 1) with recurrent inhibition (delay 2).
const formalFourNet = `model Leaky {
    dt 1 ms
    input J : mV in [-16 mV, 16 mV]
    state v : mV = 0 mV in [-40 mV, 40 mV]
    v' = v * 0.5 + J
    spike when v >= 4 mV { v = 0 mV }
}
network Four {
    dt 1 ms
    pop n = Leaky[2]
    source s = spikes(file = "in.csv")[2]
    proj a = s -> n.J one_to_one { w = 5 mV; delay 1 steps }
    proj c = n -> n.J all_to_all { w = -1 mV; delay 2 steps }
    record n v
}
`

func writeFour(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "four.snn")
	writeFiles(t, map[string]string{src: formalFourNet, filepath.Join(dir, "in.csv"): "step,index\n1,0\n2,1\n"})
	return src
}

// TestFormalNetUsage: --arch is checked (exit 2) for a network and refused
// for a file without one.
func TestFormalNetUsage(t *testing.T) {
	t.Parallel()
	src := writeFour(t)
	for _, args := range [][]string{
		{"formal", src, "--arch", "systolic"},
		{"formal", src, "--arch", "folded:0"},
		{"formal", filepath.Join("..", "..", "models", "lif.snn"), "--arch", "folded"},
	} {
		if code, _, errOut := scc(t, args...); code != 2 {
			t.Errorf("scc %s: exit %d, want 2\n%s", strings.Join(args, " "), code, errOut)
		}
	}
}

// TestFormalNet (SCC_FORMAL_NET_DEEP=1; minutes): scc formal on the
// network prints a verdict line per property of each core and of the
// miter, the miter BOUNDED, nothing FAILED, and exits 4 (not proven)
// without --accept-bounded.
func TestFormalNet(t *testing.T) {
	if os.Getenv("SCC_FORMAL_NET_DEEP") == "" {
		t.Skip("set SCC_FORMAL_NET_DEEP=1: the parallel ≡ folded miter runs for minutes")
	}
	src := writeFour(t)
	code, out, errOut := scc(t, "formal", src, "--timeout", "300")
	if code != 4 {
		t.Errorf("exit %d, want 4 (the miter holds to its depth only)\n%s%s", code, out, errOut)
	}
	for _, re := range []string{`(?m)^PROVEN parallel\.acc_fits_n_J`, `(?m)^PROVEN folded\.acc_fits_n_J`,
		`(?m)^BOUNDED miter\.miter_aer_out \(depth \d+\)`, `(?m)^NOT PROVEN: `} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("output does not match %s:\n%s", re, out)
		}
	}
	if strings.Contains(out, "FAILED") {
		t.Errorf("a property failed:\n%s", out)
	}
}

// TestFormalNetMiter: the miter of scc formal on a network (miterNet, as
// runFormalNet runs it) holds parallel ≡ folded for every input spike set
// of the first netMiterSteps steps, BOUNDED to the depth of that many
// worst-case folded steps, which plan_compared proves covers them (64
// input plans of the 4-neuron network, about 10 s); the folded core of 2
// lanes too, whose SMT2 model yosys 0.23 cannot write.
func TestFormalNetMiter(t *testing.T) {
	t.Parallel()
	tool.Need(t, "yosys", "yosys-abc")
	src := writeFour(t)
	text, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	u, err := compile(src, text, compileOpts{})
	if err != nil {
		t.Fatal(err)
	}
	m := u.mod
	n := pickNetwork(m, "")
	par, err := netCore(m, n, netArch{"parallel", sv.NetOptions{Arch: sv.ArchParallel}})
	if err != nil {
		t.Fatal(err)
	}
	for _, lanes := range []int{1, 2} {
		t.Run(fmt.Sprint(lanes), func(t *testing.T) {
			t.Parallel()
			fold, err := netCore(m, n, netArch{fmt.Sprintf("folded:%d", lanes), sv.NetOptions{Arch: sv.ArchFolded, Lanes: lanes}})
			if err != nil {
				t.Fatal(err)
			}
			depth := formal.NetDepth(n, fold.Cycles, netMiterSteps)
			total := &formal.Report{}
			if err := miterNet(context.Background(), m, n, par, fold, depth, false, formal.Options{Timeout: 5 * time.Minute, Log: func(s string) { t.Log(s) }}, total); err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, r := range total.Results {
				seen[r.Prop.Name] = true
				if r.Status != formal.Bounded || r.Depth != depth-1 {
					t.Errorf("%s: %v (depth %d), want BOUNDED to %d", r.Prop.Name, r.Status, r.Depth, depth-1)
				}
			}
			for _, name := range []string{"miter.miter_aer_out", "miter.miter_probe", "miter.plan_compared"} {
				if !seen[name] {
					t.Errorf("no %s", name)
				}
			}
		})
	}
}
