package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
