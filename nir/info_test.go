package nir_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"scc/nir"
)

// infoLine returns the node line of path in Describe's output.
func infoLine(t *testing.T, out, path string) string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(path) + ` +(.*)$`)
	m := re.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no node line for %s in:\n%s", path, out)
	}
	return strings.Join(strings.Fields(m[1]), " ")
}

// TestInfoFixtures: Describe states each node's type, shapes and mapping,
// the edges, the recurrent cycles and what cannot be honoured, consistent
// with Import.
func TestInfoFixtures(t *testing.T) {
	describe := func(name string, opt nir.ImportOptions) string {
		_, f := decodeFixture(t, name)
		opt.File = name + ".nir"
		return nir.Describe(f, opt)
	}
	type want struct{ path, line string }
	cases := []struct {
		fixture string
		opt     nir.ImportOptions
		nodes   []want
		has     []string
		hasNot  []string
	}{
		{"lif", nir.ImportOptions{}, []want{
			{"input", "Input [3] -> [3] spike source (AER-in, 3 channels)"},
			{"lif", "LIF [3] -> [3] population of NIR_LIF (3 neurons; per-neuron tau; uniform r=1, v_leak=0, v_threshold=1, v_reset=0)"},
			{"output", "Output [3] -> [3] record (Output)"},
		}, []string{"lif.nir: NIR version 1.0.8", "; root NIRGraph;", "dt 0.0001 s", "  input -> lif\n", "  lif -> output\n", "recurrent cycles: none", "every node can be imported"}, []string{"cannot honour"}},
		{"ffn_784_128_10", nir.ImportOptions{}, []want{
			{"fc1", "Affine [784] -> [128] dense projection 784→128 (+ bias drive)"},
			{"lif1", "LIF [128] -> [128] population of NIR_LIF (128 neurons; uniform tau=0.02,"},
		}, []string{"edges (5):", "warning: node lif1: a bias"}, nil},
		{"cnn", nir.ImportOptions{}, []want{
			// A 3×3 kernel with padding 1 over 8 positions keeps
			// 2+6·3+2 = 22 taps per axis, so each of the 4·2 channel pairs
			// has 22·22 = 484 synapses (the weights are random, nonzero):
			// 3,872; the pool sums 2×2 windows: 4 channels · 16 outputs · 4.
			{"conv", "Conv2d [2 8 8] -> [4 8 8] unrolled into sparse projection: 3,872 synapses (+ bias drive)"},
			{"pool", "SumPool2d [4 8 8] -> [4 4 4] unrolled into sparse projection: 256 synapses"},
			{"flat", "Flatten [4 4 4] -> [64] reshape only"},
		}, nil, nil},
		{"rnn_lif", nir.ImportOptions{}, nil, []string{"recurrent cycles (1;", "  lif <-> w_rec\n"}, []string{"recurrent cycles: none"}},
		{"nested_subgraph", nir.ImportOptions{}, []want{
			{"rsnn", "NIRGraph [4] -> [4] nested graph of 4 nodes, flattened"},
			{"rsnn.input", "Input [4] -> [4] pass-through (the nested graph's input)"},
			{"rsnn.lif", "CubaLIF [4] -> [4] population of NIR_CubaLIF (4 neurons;"},
		}, []string{"  rsnn.lif <-> rsnn.w_rec\n", "  fc1 -> rsnn.input\n", "  rsnn.output -> fc2\n"}, nil},
		{"delay", nir.ImportOptions{}, []want{{"delay", "Delay [3] -> [3] projection delays of 10 to 30 steps"}}, nil, nil},
		{"delay", nir.ImportOptions{Dt: 7e-4}, []want{{"delay", "Delay [3] -> [3] cannot honour: delay 0.001"}},
			[]string{"s is not a whole number of steps of dt 0.0007 s\n", "\ncannot honour: delay.nir: node delay: delay:"}, []string{"every node can be imported"}},
		{"scale", nir.ImportOptions{}, []want{{"output", "Output [3] -> [3] record (Output) of a NIR_LinearReadout population (3 values"}}, nil, nil},
		{"lif_node_only", nir.ImportOptions{}, nil, []string{"; root a bare LIF node;", "warning: the root of lif_node_only.nir is a bare LIF node"}, nil},
		{"cubali", nir.ImportOptions{}, []want{{"cubali", "CubaLI [2] -> [2] population of NIR_CubaLI (2 neurons; per-neuron tau_syn, tau_mem;"}}, nil, nil},
	}
	for _, c := range cases {
		out := describe(c.fixture, c.opt)
		for _, w := range c.nodes {
			if l := infoLine(t, out, w.path); !strings.HasPrefix(l, w.line) {
				t.Errorf("%s: node %s:\n got %s\nwant %s…", c.fixture, w.path, l, w.line)
			}
		}
		for _, s := range c.has {
			if !strings.Contains(out, s) {
				t.Errorf("%s: output lacks %q:\n%s", c.fixture, s, out)
			}
		}
		for _, s := range c.hasNot {
			if strings.Contains(out, s) {
				t.Errorf("%s: output has %q:\n%s", c.fixture, s, out)
			}
		}
		if again := describe(c.fixture, c.opt); again != out {
			t.Errorf("%s: Describe is not deterministic", c.fixture)
		}
	}
}

// TestInfoNoName: without a file name the description starts at the
// version, and the nodes come in the file's order, a nested graph before
// its nodes.
func TestInfoNoName(t *testing.T) {
	_, f := decodeFixture(t, "nested_subgraph")
	out := nir.Describe(f, nir.ImportOptions{})
	if !strings.HasPrefix(out, "NIR version ") {
		t.Errorf("description starts %q", strings.SplitN(out, "\n", 2)[0])
	}
	var paths []string
	for _, l := range strings.Split(out, "\n") {
		// A node row: "  path type [in] -> [out] …" (an edge row's
		// second field is the arrow).
		if fs := strings.Fields(l); strings.HasPrefix(l, "  ") && len(fs) > 3 && fs[1] != "->" && fs[1] != "<->" {
			paths = append(paths, fs[0])
		}
	}
	want := []string{"fc1", "fc2", "input", "output", "rsnn", "rsnn.input", "rsnn.lif", "rsnn.output", "rsnn.w_rec"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("node rows %v, want %v", paths, want)
	}
}

// TestInfoSynapses: the unrolled-synapse count Describe prints is the
// nonzero count of Unroll's map.
func TestInfoSynapses(t *testing.T) {
	_, f := decodeFixture(t, "cnn_same_avgpool")
	out := nir.Describe(f, nir.ImportOptions{})
	for _, n := range f.Root.Graph.Nodes {
		if n.Type != "Conv2d" && n.Type != "AvgPool2d" {
			continue
		}
		l, err := nir.Unroll(n, n.In)
		if err != nil {
			t.Fatal(err)
		}
		syn := 0
		for _, r := range l.Rows {
			syn += len(r)
		}
		line := infoLine(t, out, n.Name)
		if !strings.Contains(line, "sparse projection: ") || !strings.Contains(strings.ReplaceAll(line, ",", ""), " "+strconv.Itoa(syn)+" synapses") {
			t.Errorf("%s: %q, want %d synapses", n.Name, line, syn)
		}
	}
}
