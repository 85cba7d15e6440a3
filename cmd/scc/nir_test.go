package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"scc/internal/tool"
	"scc/nir"
)

// nirFixtures is the folder of NIR files written by NIR's own writer.
func nirFixtures(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "nir-fixtures")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no NIR fixtures: %v", err)
	}
	return dir
}

// needNIR skips while a piece of the nir package is still its stub: the
// skip is tied to the stub's "not implemented" error, so it cannot hide a
// landed piece's failure.
func needNIR(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), "not implemented") {
		t.Skipf("nir piece not landed yet: %v", err)
	}
}

// needImport skips until nir.Read and nir.Import work on lif.nir.
func needImport(t *testing.T) {
	t.Helper()
	f, err := nir.Read(filepath.Join(nirFixtures(t), "lif.nir"))
	needNIR(t, err)
	if err != nil {
		t.Fatalf("nir.Read(lif.nir): %v", err)
	}
	_, err = nir.Import(f, nir.ImportOptions{Base: "lif"})
	needNIR(t, err)
}

// copyFixture copies fixture name into a fresh directory as g.nir.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(nirFixtures(t), name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "g.nir")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fixtureTypes returns the node types of a fixture's NIR read-back graph
// (its JSON dump), nested graphs included.
func fixtureTypes(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(nirFixtures(t), strings.TrimSuffix(name, ".nir")+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var dump struct{ Graph json.RawMessage }
	if err := json.Unmarshal(data, &dump); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(raw json.RawMessage)
	walk = func(raw json.RawMessage) {
		var g struct {
			Type  string
			Nodes map[string]json.RawMessage
		}
		if json.Unmarshal(raw, &g) != nil {
			return
		}
		if g.Type != "" {
			seen[g.Type] = true
		}
		for _, n := range g.Nodes {
			walk(n)
		}
	}
	walk(dump.Graph)
	var types []string
	for k := range seen {
		types = append(types, k)
	}
	sort.Strings(types)
	if len(types) < 3 {
		t.Fatalf("%s: read-back graph lists only %v", name, types)
	}
	return types
}

// TestNirInfo: `scc nir info` lists every node type of the fixture (as
// NIR's own reader sees it) and, for the recurrent ones, the cycle.
func TestNirInfo(t *testing.T) {
	t.Parallel()
	dir := nirFixtures(t)
	lif, err := nir.Read(filepath.Join(dir, "lif.nir"))
	needNIR(t, err)
	if err != nil {
		t.Fatal(err)
	}
	if nir.Describe(lif, nir.ImportOptions{}) == "" {
		t.Skip("nir.Describe is still its stub (an empty description)")
	}
	for _, c := range []struct {
		file      string
		recurrent bool
	}{{"cnn.nir", false}, {"nested_subgraph.nir", true}, {"rnn_lif.nir", true}} {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			code, out, stderr := scc(t, "nir", "info", filepath.Join(dir, c.file))
			needNIR(t, fmt.Errorf("%s", stderr))
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			for _, typ := range fixtureTypes(t, c.file) {
				if !strings.Contains(out, typ) {
					t.Errorf("info does not name node type %s:\n%s", typ, out)
				}
			}
			rec := regexp.MustCompile(`(?i)recurren|cycle`)
			if c.recurrent && !rec.MatchString(out) {
				t.Errorf("info of a recurrent graph names no recurrence:\n%s", out)
			}
		})
	}
}

// nirGroup builds a NIR file's root group: an Input(3) node, the nodes
// given, an Output(3), and the edges.
func nirGroup(nodes map[string]*nir.Group, edges [][2]string) *nir.Group {
	str := func(s string) *nir.Dataset { return &nir.Dataset{DType: nir.String, Str: []string{s}} }
	shape := &nir.Dataset{DType: nir.Int64, Shape: []int{1}, Int: []int64{3}}
	all := map[string]*nir.Group{
		"input":  {Datasets: map[string]*nir.Dataset{"type": str("Input"), "shape": shape}},
		"output": {Datasets: map[string]*nir.Dataset{"type": str("Output"), "shape": shape}},
	}
	for k, v := range nodes {
		all[k] = v
	}
	e := &nir.Dataset{DType: nir.String, Shape: []int{len(edges), 2}}
	for _, p := range edges {
		e.Str = append(e.Str, p[0], p[1])
	}
	return &nir.Group{
		Datasets: map[string]*nir.Dataset{"version": str("0.5.0")},
		Groups: map[string]*nir.Group{"node": {
			Datasets: map[string]*nir.Dataset{"type": str("NIRGraph"), "edges": e},
			Groups:   map[string]*nir.Group{"nodes": {Groups: all}},
		}},
	}
}

// TestNirMalformed: a file that is not HDF5, a truncated fixture, an
// unknown node type and an edge to a missing node each fail (exit 1) with
// the file and the node or dataset named, leave no output, and never
// panic, in info, import and build.
func TestNirMalformed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(nirFixtures(t), "lif.nir"))
	if err != nil {
		t.Fatal(err)
	}
	scale := func(typ string) *nir.Group {
		return &nir.Group{Datasets: map[string]*nir.Dataset{
			"type":  {DType: nir.String, Str: []string{typ}},
			"scale": {DType: nir.Float32, Shape: []int{3}, Float: []float64{1, 2, 3}},
		}}
	}
	unknown, err := nir.WriteHDF5(nirGroup(map[string]*nir.Group{"mystery": scale("Quantum")},
		[][2]string{{"input", "mystery"}, {"mystery", "output"}}))
	if err != nil {
		t.Fatal(err)
	}
	dangling, err := nir.WriteHDF5(nirGroup(map[string]*nir.Group{"sc": scale("Scale")},
		[][2]string{{"input", "sc"}, {"sc", "ghost"}, {"sc", "output"}}))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
		want []string // in the message besides the file name
	}{
		{"text.nir", []byte("network N { }\nthis is not HDF5\n"), nil},
		{"truncated.nir", good[:len(good)/2], nil},
		{"unknown.nir", unknown, []string{"mystery", "Quantum"}},
		{"dangling.nir", dangling, []string{"ghost"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, c.name)
			if err := os.WriteFile(path, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out")
			for _, args := range [][]string{
				{"nir", "info", path},
				{"nir", "import", path, "-o", filepath.Join(out, "g.snn")},
				{"build", path, "-o", filepath.Join(out, "g.sv")},
			} {
				os.MkdirAll(out, 0o755)
				code, stdout, stderr := scc(t, args...)
				needNIR(t, fmt.Errorf("%s", stderr))
				if code != 1 || strings.Contains(stderr, "internal compiler error") {
					t.Errorf("scc %s: exit %d, want 1\n%s", strings.Join(args, " "), code, stderr)
				}
				if !strings.Contains(stderr, path) {
					t.Errorf("scc %s: message does not name the file:\n%s", strings.Join(args, " "), stderr)
				}
				for _, w := range c.want {
					if !strings.Contains(stderr, w) {
						t.Errorf("scc %s: message does not name %q:\n%s", strings.Join(args, " "), w, stderr)
					}
				}
				if args[1] == "info" && stdout != "" {
					t.Errorf("scc %s printed a description of a malformed file:\n%s", strings.Join(args, " "), stdout)
				}
				if left, _ := os.ReadDir(out); len(left) != 0 {
					t.Errorf("scc %s left %d files in the output directory (%s)", strings.Join(args, " "), len(left), left[0].Name())
				}
			}
		})
	}
}

// readDir returns every file of dir by name.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = data
	}
	return files
}

// TestNirImportBuild: `scc nir import` writes the .snn (a generated file)
// and its side files, the same bytes twice; `scc build` of the .snn and
// `scc build` of the .nir give the same SystemVerilog.
func TestNirImportBuild(t *testing.T) {
	t.Parallel()
	needImport(t)
	for _, fix := range []string{"lif.nir", "cnn.nir"} {
		t.Run(fix, func(t *testing.T) {
			t.Parallel()
			src := copyFixture(t, fix)
			var imports []map[string][]byte
			for i := range 2 {
				out := filepath.Join(t.TempDir(), "g.snn")
				code, _, stderr := scc(t, "nir", "import", src, "-o", out)
				if code != 0 {
					t.Fatalf("nir import: exit %d\n%s", code, stderr)
				}
				files := readDir(t, filepath.Dir(out))
				if !bytes.HasPrefix(files["g.snn"], []byte("// Code generated by scc")) || !bytes.Contains(files["g.snn"], []byte("DO NOT EDIT.")) {
					t.Errorf("import %d: g.snn does not start with the generated-code header:\n%.200s", i, files["g.snn"])
				}
				for name := range files {
					if strings.HasPrefix(name, ".") {
						t.Errorf("import %d left the temp file %s", i, name)
					}
				}
				imports = append(imports, files)
			}
			if len(imports[0]) != len(imports[1]) {
				t.Fatalf("two imports wrote %d and %d files", len(imports[0]), len(imports[1]))
			}
			for name, data := range imports[0] {
				if !bytes.Equal(data, imports[1][name]) {
					t.Errorf("two imports wrote different %s", name)
				}
			}
			// The .snn next to the .nir: the name build of the .nir compiles
			// its source under.
			snn := strings.TrimSuffix(src, ".nir") + ".snn"
			code, _, stderr := scc(t, "nir", "import", src, "-o", snn)
			if code != 0 {
				t.Fatalf("nir import: exit %d\n%s", code, stderr)
			}
			dir := filepath.Dir(src)
			a, b := filepath.Join(dir, "a.sv"), filepath.Join(dir, "b.sv")
			if code, _, stderr := scc(t, "build", snn, "-o", a); code != 0 {
				t.Fatalf("build .snn: exit %d\n%s", code, stderr)
			}
			if code, _, stderr := scc(t, "build", src, "-o", b); code != 0 {
				t.Fatalf("build .nir: exit %d\n%s", code, stderr)
			}
			sa, _ := os.ReadFile(a)
			sb, _ := os.ReadFile(b)
			if len(sa) == 0 || !bytes.Equal(sa, sb) {
				t.Errorf("build of the imported .snn (%d bytes) and of the .nir (%d bytes) differ", len(sa), len(sb))
			}
			// The bare form.
			c := filepath.Join(dir, "c.sv")
			if code, _, stderr := scc(t, src, "-o", c); code != 0 {
				t.Fatalf("scc g.nir -o: exit %d\n%s", code, stderr)
			}
			if sc, _ := os.ReadFile(c); !bytes.Equal(sa, sc) {
				t.Errorf("scc g.nir -o c.sv differs from scc build")
			}
		})
	}
}

// TestNirUsage: bad usage exits 2.
func TestNirUsage(t *testing.T) {
	t.Parallel()
	lif := filepath.Join(nirFixtures(t), "lif.nir")
	for _, args := range [][]string{
		{"nir"},
		{"nir", "frobnicate", lif},
		{"nir", "info"},
		{"nir", "import", lif},
		{"nir", "import", lif, "-o", "x.snn", "--method", "rk4"},
		{"nir", "import", lif, "-o", "x.snn", "--dt", "-1ms"},
		{"nir", "import", lif, "-o", "x.snn", "--format", "q9"},
		{"nir", "export", "x.snn"},
		{"nir", "export", "x.snn", "-o", "g.nir", "--dtype", "float16"},
		{"build", lif, "--method", "rk2"},
		{"build", filepath.Join("..", "..", "examples", "cuba.snn"), "--method", "euler"},
	} {
		code, _, stderr := scc(t, args...)
		if code != 2 {
			t.Errorf("scc %s: exit %d, want 2\n%s", strings.Join(args, " "), code, stderr)
		}
	}
}

// inputSize returns the number of neurons of the fixture's one Input node.
func inputSize(t *testing.T, path string) int {
	t.Helper()
	f, err := nir.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	var ins []*nir.Node
	for _, n := range f.Root.Graph.Nodes {
		if n.Type == "Input" {
			ins = append(ins, n)
		}
	}
	if len(ins) != 1 {
		t.Fatalf("%s: %d Input nodes", path, len(ins))
	}
	size := 1
	for _, d := range ins[0].Params["shape"].Int {
		size *= int(d)
	}
	return size
}

// spikeFile writes seeded random input spikes (probability p per neuron
// and step) for steps steps.
func spikeFile(t *testing.T, dir string, size, steps int, p float64, seed uint64) string {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("step,index\n")
	for s := range steps {
		for i := range size {
			if r.Float64() < p {
				fmt.Fprintf(&b, "%d,%d\n", s+1, i)
			}
		}
	}
	path := filepath.Join(dir, "spikes.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// nodeTypes returns the type of every node of f by its dotted path.
func nodeTypes(f *nir.File) map[string]string {
	types := map[string]string{}
	var walk func(prefix string, g *nir.Graph)
	walk = func(prefix string, g *nir.Graph) {
		for _, n := range g.Nodes {
			types[prefix+n.Name] = n.Type
			if n.Graph != nil {
				walk(prefix+n.Name+".", n.Graph)
			}
		}
	}
	walk("", f.Root.Graph)
	return types
}

// checkNirActivity runs the golden model (scc sim) of the .nir at src on
// the spike file for steps steps and fails unless every spiking
// population (the sources and the LIF, IF, CubaLIF and Threshold
// populations) spikes and every readout's recorded v moves: else a
// co-simulation would compare nothing.
func checkNirActivity(t *testing.T, src, spikes string, steps int, flags ...string) {
	t.Helper()
	f, err := nir.Read(src)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := nir.Import(f, nir.ImportOptions{Base: "g", File: src})
	if err != nil {
		t.Fatal(err)
	}
	csvDir := filepath.Join(t.TempDir(), "sim")
	args := append([]string{"sim", src, "--spikes", spikes, "--steps", strconv.Itoa(steps), "--csv", csvDir}, flags...)
	code, out, stderr := scc(t, args...)
	if code != 0 {
		t.Fatalf("sim: exit %d\n%s", code, stderr)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 5 {
			if n, err := strconv.Atoi(f[2]); err == nil {
				counts[f[0]] = n
			}
		}
	}
	types := nodeTypes(f)
	checked := 0
	for pop, node := range imp.Names {
		switch types[node] {
		case "Input", "LIF", "IF", "CubaLIF", "Threshold":
			if counts[pop] == 0 {
				t.Errorf("population %s (NIR %s %s) never spikes in %d steps: the co-simulation would be vacuous\n%s", pop, types[node], node, steps, out)
			}
			checked++
		case "Output":
			recs, _ := filepath.Glob(filepath.Join(csvDir, "record*_"+pop+"_state.csv"))
			if len(recs) != 1 {
				t.Fatalf("readout %s: record files %v", pop, recs)
			}
			data, _ := os.ReadFile(recs[0])
			moved := false
			for _, row := range strings.Split(string(data), "\n")[1:] {
				cells := strings.Split(row, ",")
				for _, c := range cells[1:] {
					if x, err := strconv.ParseFloat(c, 64); err == nil && x != 0 {
						moved = true
					}
				}
			}
			if !moved {
				t.Errorf("readout %s (NIR %s) stays 0 in %d steps: the co-simulation would be vacuous", pop, node, steps)
			}
			checked++
		}
	}
	if checked < 2 {
		t.Errorf("checked the activity of %d populations (%v), want the source and at least one more", checked, imp.Names)
	}
}

// TestNirCosimConv: the convolutional fixtures compile to RTL and
// co-simulate bit-exact against the golden model (Verilator), driven by
// seeded input spikes that reach the outputs. The parallel architecture
// only: a Verilator build takes 40-100 s here; SCC_NIR_COSIM_ARCH=folded:1
// (or a comma-separated list) runs others.
func TestNirCosimConv(t *testing.T) {
	t.Parallel()
	needImport(t)
	tool.Need(t, "verilator")
	const steps = 40
	// NIR stores no dt: each fixture's is one at which its neurons fire
	// within the run (NIR's IF integrates R·I over seconds).
	for _, c := range []struct{ fix, dt string }{
		{"cnn.nir", "5ms"}, {"cnn_same_avgpool.nir", "500ms"}, {"conv1d.nir", "0.1ms"},
	} {
		archs := []string{"parallel"}
		if a := os.Getenv("SCC_NIR_COSIM_ARCH"); a != "" {
			archs = strings.Split(a, ",")
		}
		for _, arch := range archs {
			t.Run(strings.TrimSuffix(c.fix, ".nir")+"-"+arch, func(t *testing.T) {
				t.Parallel()
				src := copyFixture(t, c.fix)
				spikes := spikeFile(t, filepath.Dir(src), inputSize(t, src), steps, 0.5, 7)
				checkNirActivity(t, src, spikes, steps, "--dt", c.dt)
				code, out, stderr := scc(t, "cosim", src, "--dt", c.dt, "--spikes", spikes, "--sim", "verilator", "--arch", arch, "--steps", strconv.Itoa(steps), "--seed", "3")
				if code != 0 {
					t.Fatalf("cosim: exit %d\n%s%s", code, out, stderr)
				}
				m := regexp.MustCompile(`: (\d+) steps .*?, (\d+) spikes and (\d+) probe words compared, (\d+) AER-in events`).FindStringSubmatch(out)
				if m == nil || !strings.Contains(out, "\n0 mismatches") {
					t.Fatalf("cosim summary:\n%s", out)
				}
				t.Logf("%s", out)
				if n, _ := strconv.Atoi(m[1]); n < steps || m[4] == "0" || m[2] == "0" && m[3] == "0" {
					t.Errorf("cosim ran %s steps and compared %s spikes and %s probe words from %s AER-in events: vacuous\n%s", m[1], m[2], m[3], m[4], out)
				}
			})
		}
	}
}

// TestNirFFNFits: the 784-128-10 fixture builds folded:1 for the xc7a35t
// (the estimate fits: exit 0) with 14-bit words (--format auto:14: the
// import's default auto:32 words need 98 BRAM36 for the 784×128 weights
// alone, the device has 50); its synthesized size is in make synth-report
// (SYNTH_NETS).
func TestNirFFNFits(t *testing.T) {
	t.Parallel()
	needImport(t)
	src := copyFixture(t, "ffn_784_128_10.nir")
	out := filepath.Join(filepath.Dir(src), "ffn.sv")
	code, _, stderr := scc(t, "build", src, "--arch", "folded:1", "--target", "xc7a35t", "--format", "auto:14", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if sv, _ := os.ReadFile(out); !bytes.HasPrefix(sv, []byte("// Code generated by scc")) {
		t.Errorf("no generated SystemVerilog:\n%.200s", sv)
	}
}

// TestNirExport: lif.nir imported and exported reads back with nir.Read
// with the fixture's parameters (and h5dump accepts it).
func TestNirExport(t *testing.T) {
	t.Parallel()
	needImport(t)
	src := copyFixture(t, "lif.nir")
	snn := strings.TrimSuffix(src, ".nir") + ".snn"
	if code, _, stderr := scc(t, "nir", "import", src, "-o", snn); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	out := filepath.Join(filepath.Dir(src), "back.nir")
	code, _, stderr := scc(t, "nir", "export", snn, "-o", out)
	needNIR(t, fmt.Errorf("%s", stderr))
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	want, err := nir.Read(src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := nir.Read(out)
	if err != nil {
		t.Fatalf("the exported file does not read back: %v", err)
	}
	wl := want.Root.Graph.Node("lif")
	var gl *nir.Node
	for _, n := range got.Root.Graph.Nodes {
		if n.Type == "LIF" {
			gl = n
		}
	}
	if wl == nil || gl == nil {
		t.Fatalf("no LIF node: fixture %v, export %v", wl, gl)
	}
	for name, w := range wl.Params {
		g := gl.Params[name]
		if g == nil {
			t.Errorf("export lacks LIF parameter %s", name)
			continue
		}
		if len(g.Float) != len(w.Float) {
			t.Errorf("%s: %d values, want %d", name, len(g.Float), len(w.Float))
			continue
		}
		for i := range w.Float {
			if float32(g.Float[i]) != float32(w.Float[i]) && math.Abs(g.Float[i]-w.Float[i]) > 1e-6*math.Abs(w.Float[i]) {
				t.Errorf("%s[%d] = %v, want %v", name, i, g.Float[i], w.Float[i])
			}
		}
	}
	for _, c := range []struct {
		flag string
		want nir.DType
	}{{"", nir.Float32}, {"float64", nir.Float64}} {
		path := out
		if c.flag != "" {
			path = filepath.Join(filepath.Dir(src), "back64.nir")
			if code, _, stderr := scc(t, "nir", "export", snn, "-o", path, "--dtype", c.flag); code != 0 {
				t.Fatalf("export --dtype %s: exit %d\n%s", c.flag, code, stderr)
			}
		}
		f, err := nir.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range f.Root.Graph.Nodes {
			for name, d := range n.Params {
				if (d.DType == nir.Float32 || d.DType == nir.Float64) && d.DType != c.want {
					t.Errorf("--dtype %q: %s.%s is %v, want %v", c.flag, n.Name, name, d.DType, c.want)
				}
			}
		}
	}
	if _, err := exec.LookPath("h5dump"); err == nil {
		if b, err := exec.Command("h5dump", "-H", out).CombinedOutput(); err != nil {
			t.Errorf("h5dump rejects the export: %v\n%s", err, b)
		}
	}
}

// TestNirWriteAll: the import's files are written all or none: a target
// that cannot be replaced (a directory) leaves the others unwritten, the
// old contents in place and no temp file.
func TestNirWriteAll(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := filepath.Join(dir, "g.snn")
	if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "g_b.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := writeAll([]outFile{
		{filepath.Join(dir, "g_a.csv"), []byte("1\n")},
		{filepath.Join(dir, "g_b.csv"), []byte("2\n")},
		{old, []byte("new")},
	})
	if err == nil || !strings.Contains(err.Error(), "g_b.csv") {
		t.Fatalf("writeAll over a directory: error %v, want one naming g_b.csv", err)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "g.snn g_b.csv" {
		t.Errorf("after the failed write the directory holds %v, want [g.snn g_b.csv]", names)
	}
	if b, _ := os.ReadFile(old); string(b) != "old" {
		t.Errorf("g.snn = %q, want the old contents", b)
	}
	if err := writeAll([]outFile{{filepath.Join(dir, "g_a.csv"), []byte("1\n")}, {old, []byte("new")}}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(old); string(b) != "new" {
		t.Errorf("g.snn = %q after a good write", b)
	}
}

// TestNirSpikes: --spikes gives an Input node its spikes (by the scc
// source's name, the NIR node's or alone), a bad file is an error naming
// it, an unknown source bad usage.
func TestNirSpikes(t *testing.T) {
	t.Parallel()
	needImport(t)
	src := copyFixture(t, "lif.nir")
	dir := filepath.Dir(src)
	good := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(good, []byte("step,index\n1,0\n2,1\n2,2\n5,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("step,index\n0,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^\s*input_?\s+3\s+(\d+)\s`)
	for _, spec := range []string{good, "input=" + good} {
		code, out, stderr := scc(t, "sim", src, "--spikes", spec, "--steps", "10")
		if code != 0 {
			t.Fatalf("--spikes %s: exit %d\n%s", spec, code, stderr)
		}
		if m := re.FindStringSubmatch(out); m == nil || m[1] != "4" {
			t.Errorf("--spikes %s: the source does not spike 4 times:\n%s", spec, out)
		}
	}
	code, out, _ := scc(t, "sim", src, "--steps", "10")
	if m := re.FindStringSubmatch(out); code != 0 || m == nil || m[1] != "0" {
		t.Errorf("without --spikes: exit %d, want a silent source:\n%s", code, out)
	}
	code, _, stderr := scc(t, "sim", src, "--spikes", bad, "--steps", "10")
	if code != 1 || !strings.Contains(stderr, bad) {
		t.Errorf("--spikes of a bad file: exit %d, want 1 naming %s:\n%s", code, bad, stderr)
	}
	if code, _, stderr := scc(t, "sim", src, "--spikes", "nosuch="+good); code != 2 {
		t.Errorf("--spikes of an unknown source: exit %d, want 2\n%s", code, stderr)
	}
}

// TestParseSeconds: a NIR step is the double nearest the decimal time,
// whatever its unit (0.03 ms through float64 milliseconds is one ulp off).
func TestParseSeconds(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
	}{{"0.1ms", 1e-4}, {"1e-4s", 1e-4}, {"0.1", 1e-4}, {"100us", 1e-4}, {"0.3 ms", 3e-4}, {"5ms", 5e-3}, {"1.5e2us", 1.5e-4}, {"0.03ms", 3e-5}, {"0.06 ms", 6e-5}} {
		got, err := parseSeconds(c.in)
		if err != nil || got != c.want {
			t.Errorf("parseSeconds(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	ms := 0.03 // a variable: constant arithmetic would be exact
	if ms/1000 == 3e-5 {
		t.Errorf("0.03/1000 is 3e-5 here: the test no longer shows the ulp it guards against")
	}
	for _, bad := range []string{"", "ms", "-1ms", "0s", "1 mV", "x"} {
		if _, err := parseSeconds(bad); err == nil {
			t.Errorf("parseSeconds(%q): no error", bad)
		}
	}
}
