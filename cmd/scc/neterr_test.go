package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNetBadData: errors found after the checker — in data files (irgen)
// and in the weights' encoding (quantize) — are positioned in the file
// that holds the mistake, exit 1 and leave no output behind, for every
// command that instantiates a network. (`scc build --top POP` compiles
// one population's neuron model and does not instantiate the network.)
func TestNetBadData(t *testing.T) {
	t.Parallel()
	const head = "network N {\n    dt 0.1 ms\n    pop a = DeltaLIF[4]\n"
	tests := []struct {
		name, net string
		files     map[string]string
		want      string // file:line:col: message prefix
	}{
		{"weight does not fit the port", head + "    pop b = DeltaLIF[2]\n    proj p = a -> b.J all_to_all { w = 200 mV }\n}\n", nil,
			"net.snn:5:"},
		{"dense of the wrong shape", head + "    proj p = a -> a.J dense(file = \"w.csv\")\n}\n",
			map[string]string{"w.csv": "1,0,0,0\n0,1,0,0\n0,0,1\n"}, "w.csv:3:"},
		{"spike file off the grid", head + "    source s = spikes(file = \"s.csv\")[2]\n    proj p = s -> a.J all_to_all { w = 1 mV }\n}\n",
			map[string]string{"s.csv": "time_ms,index\n0.1,0\n0.25,1\n"}, "s.csv:3:"},
		{"two spikes of one index in a step", head + "    source s = spikes(file = \"s.csv\")[2]\n    proj p = s -> a.J all_to_all { w = 1 mV }\n}\n",
			map[string]string{"s.csv": "step,index\n1,0\n2,1\n2,1\n"}, "s.csv:4:"},
		{"spike index out of range", head + "    source s = spikes(file = \"s.csv\")[2]\n    proj p = s -> a.J all_to_all { w = 1 mV }\n}\n",
			map[string]string{"s.csv": "step,index\n1,0\n2,2\n"}, "s.csv:3:"},
		{"malformed CSV", head + "    source s = spikes(file = \"s.csv\")[2]\n    proj p = s -> a.J all_to_all { w = 1 mV }\n}\n",
			map[string]string{"s.csv": "step,index\n1,0\n2,\"1\n"}, "s.csv:3:"},
		{"sparse index out of range", head + "    proj p = a -> a.J sparse(file = \"c.csv\")\n}\n",
			map[string]string{"c.csv": "pre,post,w\n0,1,1\n4,0,1\n"}, "c.csv:3:"},
		{"delay beyond the ring's bound", head + "    proj p = a -> a.J all_to_all { w = 1 mV; delay 100000000 steps }\n}\n", nil, "net.snn:4:52"},
		{"population beyond the instance's bound", head + "    pop big = DeltaLIF[2000000000]\n}\n", nil, "net.snn:4:5"},
		{"missing file", head + "    proj p = a -> a.J sparse(file = \"nope.csv\")\n}\n", nil, "net.snn:4:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			files := map[string]string{filepath.Join(dir, "net.snn"): tt.net}
			for n, s := range tt.files {
				files[filepath.Join(dir, n)] = s
			}
			writeFiles(t, files)
			src := filepath.Join(dir, "net.snn")
			outDir := filepath.Join(dir, "out")
			for _, args := range [][]string{
				{"sim", src, "--steps", "10", "--csv", outDir},
				{"net", "export", src, "-o", outDir},
				{"net", "info", src},
				{"report", src, "--steps", "10"},
			} {
				code, _, stderr := scc(t, args...)
				if code != 1 {
					t.Fatalf("%v: exit %d, want 1\n%s", args, code, stderr)
				}
				if strings.Contains(stderr, "internal compiler error") {
					t.Fatalf("%v: crashed:\n%s", args, stderr)
				}
				if !strings.Contains(stderr, filepath.Join(dir, tt.want)) {
					t.Errorf("%v: no error at %s in:\n%s", args, tt.want, stderr)
				}
				if _, err := os.Stat(outDir); err == nil {
					t.Errorf("%v: output left behind", args)
				}
			}
		})
	}
}
