package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scc/backend/sv"
	"scc/internal/tool"
)

// netCosimTiny is a network with an AER-in source, a Poisson source, two
// delays, a recurrent projection, a saturating input and two records.
const netCosimTiny = `model Leaky {
    dt 1 ms
    input J : mV in [-16 mV, 16 mV]
    state v : mV = 0 mV in [-40 mV, 40 mV]
    v' = v * 0.5 + J
    spike when v >= 4 mV { v = 0 mV }
}
network Tiny {
    dt 1 ms
    source s = spikes(file = "s.csv")[3]
    pop n = Leaky[4]
    source k = poisson(rate = 300 Hz, seed = 5)[2]
    proj a = s -> n.J all_to_all { w = 50 mV; delay 1 steps }
    proj b = k -> n[0:2].J one_to_one { w = 3 mV; delay 2 steps }
    proj c = n -> n.J all_to_all { w = -1 mV; delay 1 steps }
    record n v
    record n[1:3] v every 2 steps
}
`

func writeTinyNet(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.csv"), []byte("step,index\n2,0\n3,1\n5,0\n5,1\n5,2\n9,2\n12,0\n13,1\n20,0\n20,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tiny.snn")
	if err := os.WriteFile(path, []byte(netCosimTiny), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCosimNetworkArch runs `scc cosim` on a network of neurons in each
// architecture (Icarus): exit 0, the summary, and without --arch the line
// saying which architecture was picked.
func TestCosimNetworkArch(t *testing.T) {
	tool.Need(t, "iverilog", "vvp")
	path := writeTinyNet(t)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"scc: --arch parallel (~", " LUT for 30 synapses fits xc7a100t's 63,400)\n", "cosim network Tiny (parallel, iverilog): 80 steps", "0 mismatches", "cycles/step"}},
		{[]string{"--arch", "folded:2", "--storage", "csr"}, []string{"cosim network Tiny (folded:2, storage csr, iverilog): 80 steps", "0 mismatches"}},
		{[]string{"--lanes", "2", "--storage", "dense,b=csr"}, []string{"scc: --arch folded:2 (--lanes applies to folded)\n", "cosim network Tiny (folded:2, storage dense, b=csr, iverilog): 80 steps", "0 mismatches"}},
	} {
		name := strings.Join(c.args, " ")
		if name == "" {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"cosim", path, "--steps", "80", "--seed", "4"}, c.args...)
			code, out, stderr := scc(t, args...)
			if code != 0 {
				t.Fatalf("scc %s: exit %d\n%s%s", strings.Join(args, " "), code, out, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestCosimNetworkUsage: network options that make no sense exit 2 with
// a message naming the option; the SC layer network keeps its own
// co-simulation.
func TestCosimNetworkUsage(t *testing.T) {
	path := writeTinyNet(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{path, "--arch", "pipelined"}, `--arch "pipelined": want parallel, folded or folded:P`},
		{[]string{path, "--arch", "folded:0"}, "want folded:P with P ≥ 1 update lanes"},
		{[]string{path, "--arch", "parallel:2"}, "want parallel, folded or folded:P"},
		{[]string{path, "--arch", "parallel", "--lanes", "2"}, "--lanes applies to --arch folded"},
		{[]string{path, "--storage", "nosuch=csr"}, `network Tiny has no projection "nosuch"`},
		{[]string{path, "--arch", "parallel", "--storage", "csr"}, "--storage applies to --arch folded"},
		{[]string{path, "--arch", "folded", "--storage", "bitmask"}, `unknown synapse storage "bitmask"`},
		{[]string{exampleNet("lif.snn"), "--arch", "parallel"}, "--arch and --storage apply to networks of neuron populations"},
		{[]string{exampleNet("sc_dense.snn"), "--storage", "csr"}, "--arch and --storage apply to networks of neuron populations"},
	} {
		code, out, stderr := scc(t, append([]string{"cosim"}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("scc cosim %s: exit %d, stderr %q; want exit 2 and %q\n%s", strings.Join(c.args, " "), code, stderr, c.want, out)
		}
	}
}

// TestCosimSCLayerNetwork: `scc cosim` of the SC layer network is the
// cycle-level co-simulation it was before networks of neurons had RTL.
func TestCosimSCLayerNetwork(t *testing.T) {
	tool.Need(t, "iverilog", "vvp")
	code, out, stderr := scc(t, "cosim", exampleNet("sc_dense.snn"), "--steps", "300")
	if code != 0 || !strings.Contains(out, "cosim SCDense: 300 steps") || !strings.Contains(out, "0 mismatches") {
		t.Fatalf("scc cosim sc_dense.snn: exit %d\n%s%s", code, out, stderr)
	}
}

// TestCosimNetworkMismatch: a planted bug (sv.MutateDelaySlot) is a
// failure (exit 1) naming the network, step, population, neuron, signal,
// want, got and the waveform, which exists.
func TestCosimNetworkMismatch(t *testing.T) {
	tool.Need(t, "iverilog", "vvp")
	path := writeTinyNet(t)
	u, err := compileFile(path, compileOpts{}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	r := &netCosimRun{path: path, sim: "iverilog", steps: 40, seed: 1, keep: t.TempDir(),
		flags: &netCosimFlags{netFlags: netFlags{arch: "parallel"}}, stdout: &out, version: version, mutate: sv.MutateDelaySlot}
	err = r.cosimNeurons(u, pickNetwork(u.mod, ""))
	var f *failure
	if !errors.As(err, &f) {
		t.Fatalf("cosim of a mutated core: %v, want a failure\n%s", err, out.String())
	}
	t.Log(f.msg)
	for _, w := range []string{"co-simulation mismatch in Tiny (parallel) at step ", "spike of n neuron ", "want 1, got 0", "waveform: "} {
		if !strings.Contains(f.msg, w) {
			t.Errorf("message lacks %q: %s", w, f.msg)
		}
	}
	_, vcd, _ := strings.Cut(f.msg, "waveform: ")
	if st, err := os.Stat(strings.TrimSpace(vcd)); err != nil || st.Size() == 0 {
		t.Errorf("waveform %q: %v", vcd, err)
	}
}
