package nir

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
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The writer is held to libhdf5 itself: h5dump (Debian hdf5-tools) must
// accept every file and print its values, and h5py (Debian python3-h5py,
// under /usr/bin/python3) must read back exactly the Group written.
// Outside CI a missing tool skips; under CI it fails.

const h5pyPython = "/usr/bin/python3"

var nirCheck = filepath.Join("..", "scripts", "nir-check.py")

// needTool skips (or under CI fails) when probe cannot run.
func needTool(t *testing.T, what, install string, probe *exec.Cmd) {
	t.Helper()
	out, err := probe.CombinedOutput()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("%s unavailable: %v %s", what, err, strings.TrimSpace(string(out)))
	if ci := os.Getenv("CI"); ci != "" {
		t.Fatalf("%s (CI=%s; apt-get install %s)", msg, ci, install)
	}
	t.Skipf("%s (apt-get install %s to run this test)", msg, install)
}

// nirLike is a Group in NIR's layout, as Encode writes it.
func nirLike() *Group {
	f32 := func(shape []int, v ...float64) *Dataset {
		for i := range v {
			v[i] = float64(float32(v[i])) // a float32 dataset holds float32 values
		}
		return &Dataset{DType: Float32, Shape: shape, Float: v}
	}
	str := func(s string) *Dataset { return &Dataset{DType: String, Str: []string{s}} }
	return &Group{
		Datasets: map[string]*Dataset{"version": str("1.0.8")},
		Groups: map[string]*Group{"node": {
			Datasets: map[string]*Dataset{
				"type": str("NIRGraph"),
				"edges": {DType: String, Shape: []int{2, 2},
					Str: []string{"input", "lif", "lif", "output"}},
			},
			Groups: map[string]*Group{"nodes": {Groups: map[string]*Group{
				"input": {Datasets: map[string]*Dataset{
					"type":  str("Input"),
					"shape": {DType: Int64, Shape: []int{1}, Int: []int64{3}},
				}},
				"lif": {Datasets: map[string]*Dataset{
					"type":        str("LIF"),
					"tau":         f32([]int{3}, 0.25, 0.5, 1e-3),
					"r":           f32([]int{3}, 1, 2, 3),
					"v_leak":      f32([]int{3}, 0, -0.5, 0.125),
					"v_threshold": {DType: Float64, Shape: []int{3}, Float: []float64{1, 0.1, math.Pi}},
					"v_reset":     f32([]int{3}, 0, 0, 0),
				}},
				"output": {Datasets: map[string]*Dataset{
					"type":  str("Output"),
					"shape": {DType: Int64, Shape: []int{1}, Int: []int64{3}},
				}},
				"sub": {Datasets: map[string]*Dataset{
					"type":  str("NIRGraph"),
					"edges": {DType: Float64, Shape: []int{0}},
				}, Groups: map[string]*Group{"nodes": {}}},
			}}},
		}},
	}
}

// nirDataLike is a Group in NIRData's layout (nir.write_data): typed by
// string attributes, a bool TimeGriddedData, an EventData padded with -1
// and +inf; and a group of long string attributes that fill more than
// one global heap collection's minimum size.
func nirDataLike() *Group {
	typ := func(s string) map[string]*Dataset {
		return map[string]*Dataset{"__type__": {DType: String, Str: []string{s}}}
	}
	spikes := &Group{Attrs: typ("TimeGriddedData"), Datasets: map[string]*Dataset{
		"data": {DType: Bool, Shape: []int{1, 4, 2}, Int: []int64{0, 1, 1, 0, 0, 0, 1, 1}},
	}}
	spikes.Attrs["dt"] = &Dataset{DType: Float64, Float: []float64{1e-4}}
	events := &Group{Attrs: typ("EventData"), Datasets: map[string]*Dataset{
		"idx":  {DType: Int64, Shape: []int{1, 3}, Int: []int64{0, 2, -1}},
		"time": {DType: Float64, Shape: []int{1, 3}, Float: []float64{0.5, 1.5, math.Inf(1)}},
	}}
	events.Attrs["n_neurons"] = &Dataset{DType: Int64, Int: []int64{3}}
	events.Attrs["t_max"] = &Dataset{DType: Float64, Float: []float64{2}}
	long := &Group{Attrs: map[string]*Dataset{}}
	for i := range 30 {
		long.Attrs[fmt.Sprintf("a%02d", i)] = &Dataset{DType: String, Shape: []int{2},
			Str: []string{strings.Repeat(string(rune('a'+i%26)), 200+i), ""}}
	}
	return &Group{Attrs: typ("NIRGraphData"), Groups: map[string]*Group{
		"nodes": {Groups: map[string]*Group{
			"lif":   {Attrs: typ("NIRNodeData"), Groups: map[string]*Group{"observables": {Groups: map[string]*Group{"spikes": spikes}}}},
			"input": {Attrs: typ("NIRNodeData"), Groups: map[string]*Group{"observables": {Groups: map[string]*Group{"events": events}}}},
		}},
		"long": long,
	}}
}

// allTrees are the trees every acceptance test writes.
func allTrees() []*Group { return append(randTrees(), nirLike(), nirDataLike()) }

// randGroup builds a random tree: nested groups, every dtype, scalar,
// 1-D, N-D and empty shapes, strings of varied lengths (some UTF-8),
// attributes of every kind, and one group of 100 members.
func randGroup(r *rand.Rand, depth int, wide bool) *Group {
	g := &Group{Groups: map[string]*Group{}, Datasets: map[string]*Dataset{}, Attrs: map[string]*Dataset{}}
	n := 1 + r.IntN(7)
	if wide {
		n = 100
	}
	for i := range n {
		name := randName(r, i)
		if depth > 0 && r.IntN(3) == 0 {
			g.Groups[name] = randGroup(r, depth-1, false)
		} else {
			g.Datasets[name] = randDataset(r, 3)
		}
	}
	for i := range r.IntN(4) {
		g.Attrs[randName(r, i)] = randDataset(r, 1)
	}
	return g
}

// randName is unique by i; the random prefix mixes sort orders.
func randName(r *rand.Rand, i int) string {
	const chars = "abcXYZ_09.-é"
	var b strings.Builder
	for range r.IntN(8) {
		b.WriteRune([]rune(chars)[r.IntN(len([]rune(chars)))])
	}
	return fmt.Sprintf("%s%d", b.String(), i)
}

func randDataset(r *rand.Rand, maxRank int) *Dataset {
	d := &Dataset{DType: DType(1 + r.IntN(6))}
	d.Shape = make([]int, r.IntN(maxRank+1))
	for i := range d.Shape {
		d.Shape[i] = r.IntN(5)
	}
	if len(d.Shape) == 0 {
		d.Shape = nil
	}
	for range d.Len() {
		switch d.DType {
		case Float32:
			d.Float = append(d.Float, float64(float32(randFloat(r))))
		case Float64:
			d.Float = append(d.Float, randFloat(r))
		case Int64:
			d.Int = append(d.Int, int64(r.Uint64()))
		case Int32:
			d.Int = append(d.Int, int64(int32(r.Uint32())))
		case Bool:
			d.Int = append(d.Int, int64(r.IntN(2)))
		case String:
			s := strings.Repeat("x", r.IntN(12))
			if r.IntN(4) == 0 {
				s += "ü→"
			}
			d.Str = append(d.Str, s)
		}
	}
	return d
}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(8) {
	case 0:
		return math.Inf(1 - 2*r.IntN(2))
	case 1:
		return 0
	}
	return r.NormFloat64() * math.Pow(10, float64(r.IntN(20)-10))
}

func randTrees() []*Group {
	r := rand.New(rand.NewPCG(1, 2))
	var gs []*Group
	for i := range 5 {
		gs = append(gs, randGroup(r, 3, i == 0))
	}
	return gs
}

func writeTemp(t *testing.T, g *Group) string {
	t.Helper()
	b, err := WriteHDF5(g)
	if err != nil {
		t.Fatalf("WriteHDF5: %v", err)
	}
	p := filepath.Join(t.TempDir(), "f.h5")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var cmpGroups = []cmp.Option{cmpopts.EquateEmpty(), cmpopts.EquateNaNs()}

func TestWriteHDF5Deterministic(t *testing.T) {
	for i, g := range allTrees() {
		a, err := WriteHDF5(g)
		if err != nil {
			t.Fatalf("tree %d: %v", i, err)
		}
		b, _ := WriteHDF5(g)
		if !bytes.Equal(a, b) {
			t.Errorf("tree %d: two writes differ", i)
		}
	}
}

// TestWriteHDF5Layout checks the structures libhdf5 requires at their
// byte positions: the signature, the superblock's end-of-file address
// equal to the length, the root entry's cached B-tree and heap.
func TestWriteHDF5Layout(t *testing.T) {
	b, err := WriteHDF5(nirLike())
	if err != nil {
		t.Fatal(err)
	}
	le := func(off int) uint64 {
		var v uint64
		for i := 7; i >= 0; i-- {
			v = v<<8 | uint64(b[off+i])
		}
		return v
	}
	if got := string(b[:8]); got != "\x89HDF\r\n\x1a\n" {
		t.Errorf("signature %q", got)
	}
	if eof := le(40); eof != uint64(len(b)) {
		t.Errorf("end-of-file address %d, want the length %d", eof, len(b))
	}
	btree, heap := le(80), le(88)
	if got := string(b[btree : btree+4]); got != "TREE" {
		t.Errorf("root B-tree at %d is %q, want TREE", btree, got)
	}
	if got := string(b[heap : heap+4]); got != "HEAP" {
		t.Errorf("root heap at %d is %q, want HEAP", heap, got)
	}
	if len(b)%8 != 0 {
		t.Errorf("length %d not 8-aligned", len(b))
	}
}

func TestWriteHDF5Errors(t *testing.T) {
	f := func(shape []int, v ...float64) *Dataset { return &Dataset{DType: Float64, Shape: shape, Float: v} }
	ds := func(name string, d *Dataset) *Group { return &Group{Datasets: map[string]*Dataset{name: d}} }
	for _, tc := range []struct {
		name string
		g    *Group
		want string // regexp
	}{
		{"nil root", nil, `nil root`},
		{"empty name", ds("", f(nil, 1)), `/: empty name`},
		{"slash", ds("a/b", f(nil, 1)), `/a/b: name "a/b" contains '/'`},
		{"name utf8", ds("a\xff", f(nil, 1)), `: name "a\\xff" is not valid UTF-8`},
		{"dot", &Group{Groups: map[string]*Group{".": {}}}, `/\.: name "\." is reserved`},
		{"both", &Group{Groups: map[string]*Group{"x": {}}, Datasets: map[string]*Dataset{"x": f(nil, 1)}}, `/x: name is both`},
		{"nil dataset", ds("x", nil), `/x: nil dataset`},
		{"nil group", &Group{Groups: map[string]*Group{"x": nil}}, `/x: nil group`},
		{"count", ds("x", f([]int{2, 2}, 1, 2, 3)), `/x: float64 dataset of shape \[2 2\] has 3 Float values, want 4`},
		{"wrong field", ds("x", &Dataset{DType: Int64, Float: []float64{1}, Int: []int64{1}}), `/x: int64 dataset has 1 Float values`},
		{"negative", ds("x", f([]int{-1})), `/x: negative dimension`},
		{"huge", ds("x", f([]int{1 << 30, 1 << 30})), `/x: shape .* too many elements`},
		{"dtype", ds("x", &Dataset{DType: 99}), `/x: unknown dtype DType\(99\)`},
		{"f32 overflow", ds("x", &Dataset{DType: Float32, Float: []float64{1e39}}), `/x: value 0 \(1e\+39\) overflows float32`},
		{"i32 overflow", ds("x", &Dataset{DType: Int32, Int: []int64{1 << 31}}), `/x: value 0 .* overflows int32`},
		{"bool", ds("x", &Dataset{DType: Bool, Int: []int64{2}}), `/x: bool value 0 is 2`},
		{"nul", ds("x", &Dataset{DType: String, Str: []string{"a\x00"}}), `/x: string 0 contains NUL`},
		{"utf8", ds("x", &Dataset{DType: String, Str: []string{"\xff"}}), `/x: string 0 is not valid UTF-8`},
		{"deep", &Group{Groups: map[string]*Group{"a": ds("b", f([]int{2}))}}, `/a/b: float64 dataset`},
		{"attr", &Group{Attrs: map[string]*Dataset{"x": f([]int{2})}}, `/@x: float64 dataset`},
		{"attr name", &Group{Attrs: map[string]*Dataset{"": f(nil, 1)}}, `/@: attribute name "" is empty`},
		{"cycle", func() *Group {
			g := &Group{Groups: map[string]*Group{"a": {Groups: map[string]*Group{}}}}
			g.Groups["a"].Groups["b"] = g
			return g
		}(), `/a/b: group contains itself`},
		{"attr size", &Group{Attrs: map[string]*Dataset{"x": f([]int{9000}, make([]float64, 9000)...)}}, `/@x: attribute of \d+ bytes exceeds`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := WriteHDF5(tc.g)
			if err == nil {
				t.Fatalf("WriteHDF5 = %d bytes, want an error matching %q", len(b), tc.want)
			}
			if _, ok := err.(*Error); !ok {
				t.Errorf("error %T, want *nir.Error", err)
			}
			if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
				t.Errorf("error %q, want it to match %q", err, tc.want)
			}
		})
	}
}

// TestWriteHDF5H5dump: libhdf5's h5dump accepts every file, and prints
// the values written.
func TestWriteHDF5H5dump(t *testing.T) {
	needTool(t, "h5dump", "hdf5-tools", exec.Command("h5dump", "--version"))
	for i, g := range allTrees() {
		p := writeTemp(t, g)
		cmd := exec.Command("h5dump", p)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Fatalf("tree %d: h5dump: %v\n%s", i, err, stderr.String())
		}
		if n, want := strings.Count(string(out), "DATASET \""), countDatasets(g); n != want {
			t.Errorf("tree %d: h5dump lists %d datasets, want %d", i, n, want)
		}
	}
	p := writeTemp(t, nirLike())
	lif := nirLike().Groups["node"].Groups["nodes"].Groups["lif"].Datasets
	for _, name := range []string{"tau", "v_leak", "v_threshold"} {
		got := h5dumpFloats(t, p, "/node/nodes/lif/"+name)
		if diff := cmp.Diff(lif[name].Float, got); diff != "" {
			t.Errorf("h5dump %s (-want +got):\n%s", name, diff)
		}
	}
	out, err := exec.Command("h5dump", "-d", "/node/edges", p).Output()
	if err != nil {
		t.Fatalf("h5dump -d /node/edges: %v", err)
	}
	s := string(out)
	for _, want := range []string{`STRSIZE 7;`, `H5T_STR_NULLTERM`, `SIMPLE { ( 2, 2 ) / ( 2, 2 ) }`, `(0,0): "input", "lif",`, `(1,0): "lif", "output"`} {
		if !strings.Contains(s, want) {
			t.Errorf("h5dump -d /node/edges lacks %q:\n%s", want, s)
		}
	}
	out, err = exec.Command("h5dump", "-d", "/version", p).Output()
	if err != nil || !strings.Contains(string(out), "DATASPACE  SCALAR") || !strings.Contains(string(out), `(0): "1.0.8"`) {
		t.Errorf("h5dump -d /version: %v, want a scalar \"1.0.8\":\n%s", err, out)
	}
}

func countDatasets(g *Group) int {
	n := len(g.Datasets)
	for _, s := range g.Groups {
		n += countDatasets(s)
	}
	return n
}

var h5dumpData = regexp.MustCompile(`(?s)DATA \{\n(.*?)\n\s*\}`)

// h5dumpFloats returns the values h5dump prints for one dataset, at full
// precision.
func h5dumpFloats(t *testing.T, file, path string) []float64 {
	t.Helper()
	out, err := exec.Command("h5dump", "-m", "%.17g", "-d", path, file).Output()
	if err != nil {
		t.Fatalf("h5dump -d %s: %v", path, err)
	}
	m := h5dumpData.FindSubmatch(out)
	if m == nil {
		t.Fatalf("h5dump -d %s: no DATA block:\n%s", path, out)
	}
	var vs []float64
	for _, line := range strings.Split(string(m[1]), "\n") {
		_, vals, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("h5dump -d %s: line %q", path, line)
		}
		for _, f := range strings.Split(vals, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("h5dump -d %s: %v", path, err)
			}
			vs = append(vs, v)
		}
	}
	return vs
}

// h5pyValue is one dataset or attribute as scripts/nir-check.py dumps it.
type h5pyValue struct {
	DType   string   `json:"dtype"`
	Shape   []int    `json:"shape"`
	Values  []string `json:"values"`
	H5Class string   `json:"h5class"`
	VLen    bool     `json:"vlen"`
	PyType  string   `json:"pytype"`
	StrSize int      `json:"strsize"`
	StrPad  int      `json:"strpad"`
	CSet    int      `json:"cset"`
}

type h5pyGroup struct {
	Groups   map[string]*h5pyGroup `json:"groups"`
	Datasets map[string]*h5pyValue `json:"datasets"`
	Attrs    map[string]*h5pyValue `json:"attrs"`
}

// TestWriteHDF5H5py: h5py reads back exactly the Group written, with the
// HDF5 classes NIR's reader expects (fixed-length NULLTERM strings of the
// longest length plus one, bool as an enum).
func TestWriteHDF5H5py(t *testing.T) {
	trees := allTrees()
	for i, got := range h5pyRead(t, trees) {
		if diff := cmp.Diff(trees[i], got, cmpGroups...); diff != "" {
			t.Errorf("tree %d: h5py read back (-want +got):\n%s", i, diff)
		}
	}
}

// TestWriteHDF5H5pyModify: libhdf5 can modify the files in place (delete
// members, insert into the B-trees and heaps, add attributes), as a user
// editing an exported file with h5py would.
func TestWriteHDF5H5pyModify(t *testing.T) {
	trees := allTrees()
	got := h5pyRead(t, trees, "--modify")
	var modify func(g *Group)
	modify = func(g *Group) {
		if names, _ := groupNames("", g); len(names) > 0 {
			delete(g.Datasets, names[0])
		}
		if g.Datasets == nil {
			g.Datasets = map[string]*Dataset{}
		}
		if g.Attrs == nil {
			g.Attrs = map[string]*Dataset{}
		}
		g.Datasets["zz_added"] = &Dataset{DType: Int64, Shape: []int{3}, Int: []int64{0, 1, 2}}
		g.Attrs["zz_added"] = &Dataset{DType: String, Str: []string{"x"}}
		for _, sub := range g.Groups {
			modify(sub)
		}
	}
	for i, want := range allTrees() {
		modify(want)
		if diff := cmp.Diff(want, got[i], cmpGroups...); diff != "" {
			t.Errorf("tree %d: modified by h5py (-want +got):\n%s", i, diff)
		}
	}
}

// h5pyRead writes trees and reads them back with h5py (nir-check.py, one
// run for all, flags passed on).
func h5pyRead(t *testing.T, trees []*Group, flags ...string) []*Group {
	t.Helper()
	needTool(t, "h5py", "python3-h5py", exec.Command(h5pyPython, "-c", "import h5py"))
	args := append([]string{nirCheck}, flags...)
	for _, g := range trees {
		args = append(args, writeTemp(t, g))
	}
	cmd := exec.Command(h5pyPython, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nir-check.py: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(trees) {
		t.Fatalf("nir-check.py printed %d lines for %d files", len(lines), len(trees))
	}
	var gs []*Group
	for i := range trees {
		var dump h5pyGroup
		if err := json.Unmarshal([]byte(lines[i]), &dump); err != nil {
			t.Fatalf("tree %d: %v", i, err)
		}
		g, err := fromH5py(t, "/", &dump)
		if err != nil {
			t.Fatalf("tree %d: %v", i, err)
		}
		gs = append(gs, g)
	}
	return gs
}

func fromH5py(t *testing.T, path string, g *h5pyGroup) (*Group, error) {
	out := &Group{Groups: map[string]*Group{}, Datasets: map[string]*Dataset{}, Attrs: map[string]*Dataset{}}
	for name, s := range g.Groups {
		sub, err := fromH5py(t, childPath(path, name), s)
		if err != nil {
			return nil, err
		}
		out.Groups[name] = sub
	}
	for name, v := range g.Datasets {
		d, err := fromH5pyValue(t, childPath(path, name), v, false)
		if err != nil {
			return nil, err
		}
		out.Datasets[name] = d
	}
	for name, v := range g.Attrs {
		d, err := fromH5pyValue(t, path+"@"+name, v, true)
		if err != nil {
			return nil, err
		}
		out.Attrs[name] = d
	}
	return out, nil
}

// fromH5pyValue converts one value of the dump back, checking its string
// type: fixed-length for a dataset, variable-length UTF-8 read as a
// Python str for an attribute.
func fromH5pyValue(t *testing.T, path string, v *h5pyValue, attr bool) (*Dataset, error) {
	dtypes := map[string]DType{"float32": Float32, "float64": Float64, "int64": Int64, "int32": Int32, "bool": Bool, "string": String}
	classes := map[DType]string{Float32: "TypeFloatID", Float64: "TypeFloatID", Int64: "TypeIntegerID", Int32: "TypeIntegerID", Bool: "TypeEnumID", String: "TypeStringID"}
	d := &Dataset{DType: dtypes[v.DType], Shape: v.Shape}
	if d.DType == 0 || classes[d.DType] != v.H5Class {
		return nil, fmt.Errorf("%s: h5py dtype %s, class %s", path, v.DType, v.H5Class)
	}
	for _, s := range v.Values {
		switch d.DType {
		case Float32, Float64:
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", path, err)
			}
			d.Float = append(d.Float, f)
		case String:
			d.Str = append(d.Str, s)
		default:
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", path, err)
			}
			d.Int = append(d.Int, n)
		}
	}
	if d.DType == String && attr {
		if !v.VLen || v.CSet != 1 || (len(d.Shape) == 0 && v.PyType != "str") {
			t.Errorf("%s: vlen %v cset %d read as %q, want a variable-length UTF-8 (1) string read as str", path, v.VLen, v.CSet, v.PyType)
		}
	}
	if d.DType == String && !attr {
		longest, cset := 0, 0 // ASCII
		for _, s := range d.Str {
			longest = max(longest, len(s))
			if strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 }) {
				cset = 1 // UTF-8
			}
		}
		if v.VLen || v.StrSize != longest+1 || v.StrPad != 0 || v.CSet != cset {
			t.Errorf("%s: vlen %v size %d pad %d cset %d, want fixed-length, %d, NULLTERM (0), %d", path, v.VLen, v.StrSize, v.StrPad, v.CSet, longest+1, cset)
		}
	}
	return d, nil
}

// TestWriteHDF5WideGroup: a group of 600 members takes 75 symbol-table
// nodes under a two-level B-tree; libhdf5 must find each name by its
// B-tree search (h5dump -d), at the node boundaries too, and miss a name
// that is absent.
func TestWriteHDF5WideGroup(t *testing.T) {
	needTool(t, "h5dump", "hdf5-tools", exec.Command("h5dump", "--version"))
	g := &Group{Datasets: map[string]*Dataset{}}
	for i := range 600 {
		g.Datasets[fmt.Sprintf("d%03d", i)] = &Dataset{DType: Int64, Int: []int64{int64(i) * 7}}
	}
	p := writeTemp(t, g)
	for _, i := range []int{0, 7, 8, 255, 256, 257, 511, 512, 599} {
		name := fmt.Sprintf("/d%03d", i)
		out, err := exec.Command("h5dump", "-d", name, p).CombinedOutput()
		if want := fmt.Sprintf("(0): %d\n", i*7); err != nil || !strings.Contains(string(out), want) {
			t.Errorf("h5dump -d %s: %v, want %q in:\n%s", name, err, want, out)
		}
	}
	if out, err := exec.Command("h5dump", "-d", "/d600", p).CombinedOutput(); err == nil {
		t.Errorf("h5dump -d /d600 of an absent name succeeded:\n%s", out)
	}
	out, err := exec.Command("h5ls", p).Output()
	if n := strings.Count(string(out), "Dataset {SCALAR}"); err != nil || n != 600 {
		t.Errorf("h5ls lists %d scalar datasets (%v), want 600", n, err)
	}
}

// TestWriteHDF5ReadBack: ReadHDF5 (scigolib) reads back exactly the Group
// written, but for what it does not read (h5py reads the full trees):
// bool attributes (NIR writes none) and int64 beyond ±2^53 (scigolib
// reads integers as float64), which forReadHDF5 leaves out.
func TestWriteHDF5ReadBack(t *testing.T) {
	for i, g := range allTrees() {
		forReadHDF5(g)
		got, err := ReadHDF5(writeTemp(t, g))
		if err != nil {
			t.Fatalf("tree %d: ReadHDF5: %v", i, err)
		}
		if diff := cmp.Diff(g, got, cmpGroups...); diff != "" {
			t.Errorf("tree %d: ReadHDF5(WriteHDF5(g)) (-want +got):\n%s", i, diff)
		}
	}
}

// TestWriteHDF5Fixtures: every NIR fixture (written by NIR's own nir.write
// through h5py) read, written and read again is the same tree, except
// that it is no longer compressed.
func TestWriteHDF5Fixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "nir-fixtures")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no fixtures: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.nir"))
	more, _ := filepath.Glob(filepath.Join(dir, "*.h5"))
	files = append(files, more...)
	if len(files) < 20 {
		t.Fatalf("%d fixtures in %s, want 20", len(files), dir)
	}
	noGzip := cmp.Transformer("noGzip", func(d Dataset) Dataset { d.Gzip = false; return d })
	for _, f := range files {
		want, err := ReadHDF5(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		got, err := ReadHDF5(writeTemp(t, want))
		if err != nil {
			t.Errorf("%s rewritten: %v", f, err)
			continue
		}
		if diff := cmp.Diff(want, got, append(cmpGroups, noGzip)...); diff != "" {
			t.Errorf("%s: rewritten (-want +got):\n%s", filepath.Base(f), diff)
		}
	}
}

func forReadHDF5(g *Group) {
	for name, d := range g.Attrs {
		if d.DType == Bool {
			delete(g.Attrs, name)
		}
	}
	for _, m := range []map[string]*Dataset{g.Datasets, g.Attrs} {
		for _, d := range m {
			for i := range d.Int {
				d.Int[i] >>= 11
			}
		}
	}
	for _, sub := range g.Groups {
		forReadHDF5(sub)
	}
}

// FuzzWriteHDF5: for any tree built from the fuzz input, WriteHDF5 returns
// bytes or an *Error, never panics, and ReadHDF5 reads back what it wrote.
func FuzzWriteHDF5(f *testing.F) {
	for _, seed := range []string{"", "\x00", "abc", "\x05\x01\x02g\xff\x00", "\x06\x03\x01\x00a/b", "\x01\x02\x03\x04\x05\x06\x07\x08\x09"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		g := fuzzGroup(&fuzzInput{b: in}, 0)
		b, err := WriteHDF5(g)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T %v, want *nir.Error", err, err)
			}
			return
		}
		forReadHDF5(g)
		p := filepath.Join(t.TempDir(), "f.h5")
		if b, err = WriteHDF5(g); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadHDF5(p)
		if err != nil {
			t.Fatalf("ReadHDF5: %v", err)
		}
		if diff := cmp.Diff(g, got, cmpGroups...); diff != "" {
			t.Errorf("ReadHDF5(WriteHDF5(g)) (-want +got):\n%s", diff)
		}
	})
}

// fuzzInput hands out the fuzz bytes, then zeros.
type fuzzInput struct{ b []byte }

func (in *fuzzInput) next() byte {
	if len(in.b) == 0 {
		return 0
	}
	c := in.b[0]
	in.b = in.b[1:]
	return c
}

func (in *fuzzInput) name() string {
	n := int(in.next() % 6)
	var s []byte
	for range n {
		s = append(s, in.next())
	}
	return string(s)
}

func fuzzGroup(in *fuzzInput, depth int) *Group {
	g := &Group{Groups: map[string]*Group{}, Datasets: map[string]*Dataset{}, Attrs: map[string]*Dataset{}}
	for range int(in.next() % 5) {
		switch c := in.next(); {
		case c%4 == 0 && depth < 3:
			g.Groups[in.name()] = fuzzGroup(in, depth+1)
		case c%4 == 1:
			g.Attrs[in.name()] = fuzzDataset(in, 1)
		default:
			g.Datasets[in.name()] = fuzzDataset(in, 3)
		}
	}
	return g
}

func fuzzDataset(in *fuzzInput, maxRank int) *Dataset {
	d := &Dataset{DType: DType(in.next() % 8)} // 0 and 7: unknown dtypes
	for range int(in.next()) % (maxRank + 1) {
		d.Shape = append(d.Shape, int(in.next()%4))
	}
	n := d.Len()
	if in.next()%16 == 0 {
		n++ // a wrong count
	}
	for range n {
		switch d.DType {
		case Float32, Float64:
			d.Float = append(d.Float, float64(int8(in.next()))/4)
		case String:
			d.Str = append(d.Str, in.name())
		default:
			d.Int = append(d.Int, int64(int8(in.next())))
		}
	}
	return d
}
