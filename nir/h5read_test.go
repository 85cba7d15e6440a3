package nir

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ReadHDF5 is held to h5py: every fixture's JSON dump (written by h5py
// next to the file) lists every object with its type, shape, compression,
// attributes and values or their sha256, and ReadHDF5 must agree on all
// of them, with nothing in the file that the dump lacks.

// h5FixtureDir is the shared fixture folder (skips when absent).
func h5FixtureDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "nir-fixtures")
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		t.Skip("no NIR fixtures (../../shared/nir-fixtures)")
	}
	return dir
}

// h5Fixtures maps each fixture's dump (NAME.json, not the manifest) to
// its HDF5 file (NAME.nir or NAME.h5).
func h5Fixtures(t testing.TB) map[string]string {
	t.Helper()
	dir := h5FixtureDir(t)
	js, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, j := range js {
		base := strings.TrimSuffix(j, ".json")
		if filepath.Base(base) == "manifest" {
			continue
		}
		h5 := base + ".nir"
		if _, err := os.Stat(h5); err != nil {
			h5 = base + ".h5"
		}
		if _, err := os.Stat(h5); err != nil {
			t.Fatalf("%s has no .nir or .h5 file", j)
		}
		out[j] = h5
	}
	if len(out) == 0 {
		t.Fatalf("no fixtures in %s", dir)
	}
	return out
}

type h5DumpObj struct {
	Path        string            `json:"path"`
	Kind        string            `json:"kind"`
	H5Type      string            `json:"h5type"`
	Shape       []int             `json:"shape"`
	Compression *string           `json:"compression"`
	Attrs       map[string]string `json:"attrs"`
	Value       json.RawMessage   `json:"value"`
	SHA256      string            `json:"sha256"`
	Sum         *float64          `json:"sum"`
	First       json.RawMessage   `json:"first"`
}

// h5DumpDType maps the dump's h5type to the DType ReadHDF5 must report.
func h5DumpDType(h5type string) (DType, bool) {
	switch {
	case h5type == "float32":
		return Float32, true
	case h5type == "float64":
		return Float64, true
	case h5type == "int64":
		return Int64, true
	case h5type == "int32":
		return Int32, true
	case h5type == "enum(bool)":
		return Bool, true
	case strings.HasPrefix(h5type, "string("):
		return String, true
	}
	return 0, false
}

// h5Objects lists every group and dataset under g by absolute path.
func h5Objects(g *Group, path string, out map[string]any) {
	out[path] = g
	prefix := strings.TrimSuffix(path, "/") + "/"
	for name, d := range g.Datasets {
		out[prefix+name] = d
	}
	for name, sub := range g.Groups {
		h5Objects(sub, prefix+name, out)
	}
}

func TestReadHDF5Fixtures(t *testing.T) {
	fixtures := h5Fixtures(t)
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range fixtures {
			if !yield(k) {
				return
			}
		}
	})
	for _, js := range names {
		h5 := fixtures[js]
		t.Run(filepath.Base(h5), func(t *testing.T) {
			raw, err := os.ReadFile(js)
			if err != nil {
				t.Fatal(err)
			}
			var dump struct {
				File []h5DumpObj `json:"file"`
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(&dump); err != nil {
				t.Fatalf("%s: %v", js, err)
			}
			if len(dump.File) == 0 {
				t.Fatalf("%s: empty file list", js)
			}
			g, err := ReadHDF5(h5)
			if err != nil {
				t.Fatalf("ReadHDF5(%s): %v", h5, err)
			}
			got := map[string]any{}
			h5Objects(g, "/", got)
			for _, o := range dump.File {
				obj, ok := got[o.Path]
				if !ok {
					t.Errorf("%s: in the dump, not read", o.Path)
					continue
				}
				delete(got, o.Path)
				switch o.Kind {
				case "group":
					gr, ok := obj.(*Group)
					if !ok {
						t.Errorf("%s: read a %T, want a group", o.Path, obj)
						continue
					}
					h5CheckAttrs(t, o, gr.Attrs)
				case "dataset":
					d, ok := obj.(*Dataset)
					if !ok {
						t.Errorf("%s: read a %T, want a dataset", o.Path, obj)
						continue
					}
					h5CheckDataset(t, o, d)
				default:
					t.Errorf("%s: unknown kind %q in the dump", o.Path, o.Kind)
				}
			}
			for p := range got {
				t.Errorf("%s: read, not in the dump", p)
			}
		})
	}
}

// h5CheckAttrs compares a group's attributes with the dump's, which holds
// each as Python's str() of the value.
func h5CheckAttrs(t *testing.T, o h5DumpObj, attrs map[string]*Dataset) {
	t.Helper()
	if len(attrs) != len(o.Attrs) {
		t.Errorf("%s: %d attributes, want %d (%v)", o.Path, len(attrs), len(o.Attrs), o.Attrs)
	}
	for name, want := range o.Attrs {
		a, ok := attrs[name]
		if !ok {
			t.Errorf("%s@%s: missing", o.Path, name)
			continue
		}
		if a.Len() != 1 || len(a.Shape) != 0 {
			t.Errorf("%s@%s: shape %v, want a scalar", o.Path, name, a.Shape)
			continue
		}
		switch a.DType {
		case String:
			if a.Str[0] != want {
				t.Errorf("%s@%s = %q, want %q", o.Path, name, a.Str[0], want)
			}
		case Float32, Float64:
			w, err := strconv.ParseFloat(want, 64)
			if err != nil || a.Float[0] != w {
				t.Errorf("%s@%s = %v (%s), want %s", o.Path, name, a.Float[0], a.DType, want)
			}
		case Int64, Int32:
			w, err := strconv.ParseInt(want, 10, 64)
			if err != nil || a.Int[0] != w {
				t.Errorf("%s@%s = %v (%s), want %s", o.Path, name, a.Int[0], a.DType, want)
			}
		default:
			t.Errorf("%s@%s: dtype %s", o.Path, name, a.DType)
		}
	}
}

func h5CheckDataset(t *testing.T, o h5DumpObj, d *Dataset) {
	t.Helper()
	want, ok := h5DumpDType(o.H5Type)
	if !ok {
		t.Errorf("%s: dump h5type %q unknown to the test", o.Path, o.H5Type)
		return
	}
	if d.DType != want {
		t.Errorf("%s: DType %s, want %s (%s)", o.Path, d.DType, want, o.H5Type)
	}
	if !slices.Equal(d.Shape, o.Shape) {
		t.Errorf("%s: Shape %v, want %v", o.Path, d.Shape, o.Shape)
	}
	wantGzip := o.Compression != nil && *o.Compression == "gzip"
	if o.Compression != nil && *o.Compression != "gzip" {
		t.Errorf("%s: dump compression %q unknown to the test", o.Path, *o.Compression)
	}
	if d.Gzip != wantGzip {
		t.Errorf("%s: Gzip %v, want %v (compression %v)", o.Path, d.Gzip, wantGzip, o.Compression)
	}
	n := d.Len()
	if got := len(d.Float) + len(d.Int) + len(d.Str); got != n {
		t.Errorf("%s: %d values for shape %v", o.Path, got, d.Shape)
		return
	}
	if o.Value != nil {
		vals := h5Flatten(t, o.Path, o.Value)
		if len(vals) != n {
			t.Errorf("%s: %d values, the dump has %d", o.Path, n, len(vals))
			return
		}
		for i, v := range vals {
			if msg := h5CompareValue(d, i, v); msg != "" {
				t.Errorf("%s[%d]: %s", o.Path, i, msg)
				return
			}
		}
	}
	if o.SHA256 != "" {
		if got := h5SHA256(d); got != o.SHA256 {
			t.Errorf("%s: sha256 of the %s bytes %s, want %s", o.Path, d.DType, got, o.SHA256)
		}
	}
	if o.First != nil {
		first := h5Flatten(t, o.Path, o.First)
		for i, v := range first {
			if i >= n {
				t.Errorf("%s: first has %d values, the dataset %d", o.Path, len(first), n)
				break
			}
			if msg := h5CompareValue(d, i, v); msg != "" {
				t.Errorf("%s first[%d]: %s", o.Path, i, msg)
			}
		}
	}
	if o.Sum != nil {
		// numpy sums pairwise, this sums in order: equal to rounding.
		var sum, abs float64
		for _, v := range d.Float {
			sum, abs = sum+v, abs+math.Abs(v)
		}
		for _, v := range d.Int {
			sum, abs = sum+float64(v), abs+math.Abs(float64(v))
		}
		if math.Abs(sum-*o.Sum) > 1e-12*max(1, abs) {
			t.Errorf("%s: sum %v, want %v", o.Path, sum, *o.Sum)
		}
	}
}

// h5Flatten flattens a (nested) JSON array in C order.
func h5Flatten(t *testing.T, path string, raw json.RawMessage) []any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: value: %v", path, err)
	}
	var out []any
	var walk func(any)
	walk = func(v any) {
		if a, ok := v.([]any); ok {
			for _, e := range a {
				walk(e)
			}
			return
		}
		out = append(out, v)
	}
	walk(v)
	return out
}

// h5CompareValue compares element i of d with a dump value exactly; it
// returns "" when equal.
func h5CompareValue(d *Dataset, i int, v any) string {
	switch d.DType {
	case Float32, Float64:
		var w float64
		switch v := v.(type) {
		case json.Number:
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil {
				return err.Error()
			}
			w = f
		case string: // the dump writes ±inf as strings
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !math.IsInf(f, 0) {
				return "dump value " + strconv.Quote(v)
			}
			w = f
		default:
			return "dump value not a number"
		}
		if d.DType == Float32 && float64(float32(w)) != w {
			return "dump value not a float32"
		}
		if d.Float[i] != w && !(math.IsNaN(w) && math.IsNaN(d.Float[i])) {
			return "got " + strconv.FormatFloat(d.Float[i], 'g', -1, 64) + ", want " + strconv.FormatFloat(w, 'g', -1, 64)
		}
	case Int64, Int32:
		n, ok := v.(json.Number)
		w, err := strconv.ParseInt(string(n), 10, 64)
		if !ok || err != nil {
			return "dump value not an integer"
		}
		if d.Int[i] != w {
			return "got " + strconv.FormatInt(d.Int[i], 10) + ", want " + string(n)
		}
	case Bool:
		b, ok := v.(bool)
		if !ok {
			return "dump value not a bool"
		}
		if (d.Int[i] != 0) != b || d.Int[i]&^1 != 0 {
			return "got " + strconv.FormatInt(d.Int[i], 10) + ", want " + strconv.FormatBool(b)
		}
	case String:
		s, ok := v.(string)
		if !ok {
			return "dump value not a string"
		}
		if d.Str[i] != s {
			return "got " + strconv.Quote(d.Str[i]) + ", want " + strconv.Quote(s)
		}
	default:
		return "dtype " + d.DType.String()
	}
	return ""
}

// h5SHA256 hashes d's values as little-endian C-order bytes of its stored
// dtype (float32 narrowed back, which is exact for values read as float32).
func h5SHA256(d *Dataset) string {
	var b []byte
	for _, v := range d.Float {
		if d.DType == Float32 {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(v)))
		} else {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
	}
	for _, v := range d.Int {
		switch d.DType {
		case Int32:
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		case Bool:
			b = append(b, byte(v))
		default:
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestReadHDF5Errors: errors name the file; a missing file is the OS
// error.
func TestReadHDF5Errors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadHDF5(filepath.Join(dir, "absent.nir")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadHDF5(absent) = %v, want fs.ErrNotExist", err)
	}
	p := filepath.Join(dir, "text.nir")
	if err := os.WriteFile(p, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadHDF5(p)
	var e *Error
	if !errors.As(err, &e) || e.File != p || e.Msg != "not an HDF5 file" {
		t.Errorf("ReadHDF5(text) = %v, want *Error{File: %q, Msg: \"not an HDF5 file\"}", err, p)
	}
}

// TestReadHDF5Written reads back what nir's own writer writes (every
// dtype, scalar, empty and N-D shapes, fixed-length strings, attributes,
// a wide group, bool enums).
func TestReadHDF5Written(t *testing.T) {
	for i, want := range allTrees() {
		got, err := ReadHDF5(writeTemp(t, want))
		if err != nil {
			t.Errorf("tree %d: ReadHDF5: %v", i, err)
			continue
		}
		if d := cmp.Diff(want, got, cmpGroups...); d != "" {
			t.Errorf("tree %d: ReadHDF5(WriteHDF5(g)) differs (-want +got):\n%s", i, d)
		}
	}
}
