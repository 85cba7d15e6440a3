package nir

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/scigolib/hdf5"
)

// This file is the only one that sees github.com/scigolib/hdf5. The
// library walks groups, inflates chunks and resolves vlen strings; what it
// does not expose (the stored dtype's signedness, enum and vlen kinds, the
// filter pipeline, bool data) is read from the raw bytes in h5raw.go, and
// the dtype and shape it does expose come from one place, parseInfo.

// hdf5Signature starts every HDF5 file (a user block is not supported).
const hdf5Signature = "\x89HDF\r\n\x1a\n"

// deflateRatio bounds how much larger than the file a dataset can be:
// deflate's maximum expansion on inflate is about 1032:1.
const deflateRatio = 1032

// ReadHDF5 reads the HDF5 file at path into its root group (every group,
// dataset and attribute). A file that is not HDF5, is truncated or holds a
// datatype nir does not read is an error naming the file and the object;
// it never panics.
func ReadHDF5(path string) (g *Group, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte(hdf5Signature)) {
		return nil, &Error{File: path, Msg: "not an HDF5 file"}
	}
	r := &h5reader{path: path, size: int64(len(data)), raw: bytes.NewReader(data)}
	// scigolib indexes slices by offsets read from the file; a corrupt file
	// can make it panic, which is a malformed file, not a bug of ours. A
	// panic in nir's own code is a bug and stays a panic.
	defer func() {
		if p := recover(); p != nil {
			if !panickedIn("github.com/scigolib/hdf5") {
				panic(p)
			}
			g, err = nil, r.errorf("malformed HDF5 file (reader failed: %v)", p)
		}
	}()
	if err := r.checkStructure(); err != nil {
		return nil, err
	}
	f, err := hdf5.Open(path)
	if err != nil {
		return nil, r.errorf("malformed HDF5 file: %v", err)
	}
	defer f.Close()
	if sb := f.Superblock(); int(sb.OffsetSize) != r.offsetSize || int(sb.LengthSize) != r.lengthSize {
		return nil, r.errorf("malformed superblock")
	}
	g, err = r.group(f.Root(), "/")
	if err != nil {
		return nil, err
	}
	// scigolib skips a link whose object it cannot load; a file it reads
	// only in part is an error, not a smaller file.
	if !r.dense && r.children != r.links {
		r.cur = ""
		return nil, r.errorf("malformed HDF5 file: the file has %d links, %d could be loaded", r.links, r.children)
	}
	return g, nil
}

// panickedIn reports whether the panic being recovered was raised in a
// function of package prefix pkg (called from the deferred function).
func panickedIn(pkg string) bool {
	pc := make([]uintptr, 32)
	frames := runtime.CallersFrames(pc[:runtime.Callers(3, pc)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			return strings.HasPrefix(f.Function, pkg)
		}
		if !more {
			return false
		}
	}
}

// h5reader carries the file being read and the object being read (for
// errors, including a recovered panic).
type h5reader struct {
	path       string
	size       int64
	raw        *bytes.Reader
	offsetSize int
	lengthSize int
	cur        string // the object being read
	links      int    // links the structure walk counted
	dense      bool   // it met dense link storage, which it does not follow
	children   int    // links scigolib loaded
}

func (r *h5reader) errorf(format string, args ...any) error {
	return &Error{File: r.path, Dataset: r.cur, Msg: fmt.Sprintf(format, args...)}
}

func (r *h5reader) group(hg *hdf5.Group, path string) (*Group, error) {
	r.cur = path
	g := &Group{Groups: map[string]*Group{}, Datasets: map[string]*Dataset{}, Attrs: map[string]*Dataset{}}
	attrs, err := hg.Attributes()
	if err != nil {
		return nil, r.errorf("reading attributes: %v", err)
	}
	for _, a := range attrs {
		r.cur = path + "@" + a.Name
		if a.Datatype == nil || a.Dataspace == nil {
			return nil, r.errorf("attribute without datatype or dataspace")
		}
		d, err := r.attribute(rawAttr{
			class: uint32(a.Datatype.Class), bits: a.Datatype.ClassBitField, size: a.Datatype.Size,
			scalar: a.Dataspace.Type == 0, simple: a.Dataspace.Type == 1,
			dims: a.Dataspace.Dimensions, data: a.Data, readValue: a.ReadValue,
			dtype: slices.Concat([]byte{byte(a.Datatype.Class) | a.Datatype.Version<<4,
				byte(a.Datatype.ClassBitField), byte(a.Datatype.ClassBitField >> 8), byte(a.Datatype.ClassBitField >> 16)},
				binary.LittleEndian.AppendUint32(nil, a.Datatype.Size), a.Datatype.Properties),
		})
		if err != nil {
			return nil, err
		}
		if _, dup := g.Attrs[a.Name]; dup {
			return nil, r.errorf("duplicate attribute")
		}
		g.Attrs[a.Name] = d
	}
	for _, c := range hg.Children() {
		r.children++
		name := c.Name()
		cpath := strings.TrimSuffix(path, "/") + "/" + name
		r.cur = cpath
		if name == "" || strings.Contains(name, "/") {
			return nil, r.errorf("invalid link name %q", name)
		}
		if _, dup := g.Groups[name]; dup {
			return nil, r.errorf("duplicate link name")
		}
		if _, dup := g.Datasets[name]; dup {
			return nil, r.errorf("duplicate link name")
		}
		switch c := c.(type) {
		case *hdf5.Group:
			sub, err := r.group(c, cpath)
			if err != nil {
				return nil, err
			}
			g.Groups[name] = sub
		case *hdf5.Dataset:
			d, err := r.dataset(c)
			if err != nil {
				return nil, err
			}
			g.Datasets[name] = d
		default:
			return nil, r.errorf("unsupported HDF5 object %T (a named datatype?)", c)
		}
	}
	return g, nil
}

// info is a dataset's datatype class and size, dataspace and layout, as
// Dataset.Info reports them.
type info struct {
	class  string // "integer", "float", "string", "class_8" (enum), "class_9" (vlen), …
	size   int    // element size in bytes
	scalar bool
	dims   []int
	layout string // "contiguous", "chunked", "compact"
}

// infoRE matches scigolib's Dataset.Info: "Dataset: float (size=4
// bytes), 2D array [128 x 784], chunked (chunks=[16 196 4])".
var infoRE = regexp.MustCompile(`^Dataset: (\w+) \(size=(\d+) bytes\), (scalar|null|1D array \[\d+\]|2D array \[\d+ x \d+\]|\d+D array \[[\d ]*\]|\w+), (\w+)`)

// parseInfo is the one place that reads scigolib's Info string.
func parseInfo(s string) (info, error) {
	m := infoRE.FindStringSubmatch(s)
	if m == nil {
		return info{}, fmt.Errorf("unexpected dataset description %q", s)
	}
	in := info{class: m[1], layout: m[4]}
	var err error
	if in.size, err = strconv.Atoi(m[2]); err != nil {
		return info{}, fmt.Errorf("element size in %q: %v", s, err)
	}
	space := m[3]
	switch {
	case space == "scalar":
		in.scalar = true
	case strings.Contains(space, "D array "):
		body := space[strings.Index(space, "[")+1 : len(space)-1]
		for _, f := range strings.FieldsFunc(body, func(r rune) bool { return r == ' ' || r == 'x' }) {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil || n > math.MaxInt32 {
				return info{}, fmt.Errorf("dimension %q in %q", f, s)
			}
			in.dims = append(in.dims, int(n))
		}
		if rank, _ := strconv.Atoi(space[:strings.Index(space, "D")]); rank != len(in.dims) {
			return info{}, fmt.Errorf("rank in %q", s)
		}
	default:
		return info{}, fmt.Errorf("unsupported dataspace %q", space)
	}
	return in, nil
}

func (in info) elements() int64 {
	n := int64(1)
	for _, d := range in.dims {
		n *= int64(d)
		if n > math.MaxInt32 {
			return math.MaxInt64
		}
	}
	return n
}

func (r *h5reader) dataset(hd *hdf5.Dataset) (*Dataset, error) {
	s, err := hd.Info()
	if err != nil {
		return nil, r.errorf("reading dataset header: %v", err)
	}
	in, err := parseInfo(s)
	if err != nil {
		return nil, r.errorf("%v", err)
	}
	h, err := r.objHeader(hd.Address())
	if err != nil {
		return nil, r.errorf("reading dataset header: %v", err)
	}
	d := &Dataset{Gzip: h.gzip}
	if !in.scalar {
		d.Shape = slices.Clone(in.dims)
		if d.Shape == nil {
			d.Shape = []int{}
		}
	}
	// A dataset cannot hold more bytes than the file could inflate to;
	// checked before scigolib allocates the values.
	n := in.elements()
	limit := r.size
	if in.layout == "chunked" {
		limit *= deflateRatio
	}
	if n > 0 && (in.size <= 0 || n > limit/int64(in.size)) {
		return nil, r.errorf("dataset of %d elements of %d bytes cannot fit in a %d-byte file", n, in.size, r.size)
	}
	if l := h.layout; n > 0 && len(l) >= 2 && l[0] == 3 && l[1] == 2 {
		if err := r.chunkTree(l, in, nil); err != nil {
			return nil, r.errorf("%v", err)
		}
	}
	dt := h.dtype
	if len(dt) < 8 {
		return nil, r.errorf("dataset has no datatype message")
	}
	class, bits := dt[0]&0x0f, dt[1]
	switch {
	case in.class == "float" && class == 1 && (in.size == 4 || in.size == 8):
		d.DType = Float64
		if in.size == 4 {
			d.DType = Float32
		}
		if n > 0 {
			if d.Float, err = hd.Read(); err != nil {
				return nil, r.errorf("reading %s values: %v", d.DType, err)
			}
		} else {
			d.Float = []float64{}
		}
	case in.class == "integer" && class == 0 && (in.size == 4 || in.size == 8):
		if bits&0x08 == 0 {
			return nil, r.errorf("unsupported unsigned %d-byte integer dataset", in.size)
		}
		d.DType = Int64
		if in.size == 4 {
			d.DType = Int32
		}
		d.Int = []int64{}
		if n > 0 {
			f, err := hd.Read()
			if err != nil {
				return nil, r.errorf("reading %s values: %v", d.DType, err)
			}
			if d.Int, err = exactInts(f); err != nil {
				// float64 cannot hold it: decode the stored bytes.
				raw, rerr := r.rawData(h, in, in.size)
				if rerr != nil {
					return nil, r.errorf("%v (reading the raw bytes: %v)", err, rerr)
				}
				d.Int = decodeInts(raw, in.size, bits&1 != 0)
			}
		}
	case in.class == "string" && class == 3:
		d.DType = String
		d.Str = []string{}
		if n > 0 {
			if d.Str, err = hd.ReadStrings(); err != nil {
				return nil, r.errorf("reading fixed-length strings: %v", err)
			}
		}
	case in.class == "class_9" && class == 9:
		if bits&0x0f != 1 {
			return nil, r.errorf("unsupported variable-length sequence dataset (only strings are read)")
		}
		d.DType = String
		d.Str = []string{}
		if n > 0 {
			refs, err := r.rawData(h, in, 8+r.offsetSize)
			if err == nil {
				err = r.checkGlobalRefs(refs)
			}
			if err != nil {
				return nil, r.errorf("variable-length strings: %v", err)
			}
			b, err := hd.ReadVLenBytes()
			if err != nil {
				return nil, r.errorf("reading variable-length strings: %v", err)
			}
			d.Str = make([]string, len(b))
			for i, s := range b {
				d.Str[i] = strings.TrimRight(string(s), "\x00")
			}
		}
	case in.class == "class_8" && class == 8:
		if err := enumBool(dt); err != nil {
			return nil, r.errorf("unsupported enum dataset: %v", err)
		}
		d.DType = Bool
		raw, err := r.rawData(h, in, 1)
		if err != nil {
			return nil, r.errorf("reading bool values: %v", err)
		}
		d.Int = make([]int64, len(raw))
		for i, b := range raw {
			if b > 1 {
				return nil, r.errorf("bool element %d is %d, neither FALSE (0) nor TRUE (1)", i, b)
			}
			d.Int[i] = int64(b)
		}
	default:
		return nil, r.errorf("unsupported datatype %s (size %d)", in.class, in.size)
	}
	if got := d.values(); int64(got) != n {
		return nil, r.errorf("read %d values, the dataspace holds %d", got, n)
	}
	return d, nil
}

// decodeInts decodes signed integers of size 4 or 8.
func decodeInts(raw []byte, size int, bigEndian bool) []int64 {
	order := binary.ByteOrder(binary.LittleEndian)
	if bigEndian {
		order = binary.BigEndian
	}
	out := make([]int64, len(raw)/size)
	for i := range out {
		if size == 4 {
			out[i] = int64(int32(order.Uint32(raw[4*i:])))
		} else {
			out[i] = int64(order.Uint64(raw[8*i:]))
		}
	}
	return out
}

func (d *Dataset) values() int {
	return len(d.Float) + len(d.Int) + len(d.Str)
}

// exactInts converts scigolib's float64 values back to integers, refusing
// any that float64 may have rounded (|v| ≥ 2^53).
func exactInts(f []float64) ([]int64, error) {
	out := make([]int64, len(f))
	for i, v := range f {
		if v != math.Trunc(v) || math.Abs(v) >= 1<<53 {
			return nil, fmt.Errorf("integer element %d (%g) is beyond 2^53, which this reader cannot hold exactly", i, v)
		}
		out[i] = int64(v)
	}
	return out, nil
}

// rawAttr is what scigolib's attribute exposes (its type is internal).
type rawAttr struct {
	class, bits uint32
	size        uint32
	simple      bool // a simple dataspace (else scalar, or null when dims is nil and !scalar)
	scalar      bool
	dims        []uint64
	data        []byte
	readValue   func() (any, error)
	dtype       []byte // the datatype message, rebuilt (for enums)
}

// attribute decodes a group attribute. Numbers are decoded here from the
// raw bytes (scigolib's ReadValue assumes little-endian and returns a
// scalar for shape (1,)); vlen strings go through ReadValue, which
// resolves the global heap.
func (r *h5reader) attribute(a rawAttr) (*Dataset, error) {
	d := &Dataset{}
	n := int64(1)
	if !a.scalar {
		if !a.simple {
			return nil, r.errorf("unsupported attribute dataspace (null)")
		}
		d.Shape = []int{}
		for _, x := range a.dims {
			if x > math.MaxInt32 {
				return nil, r.errorf("attribute dimension %d too large", x)
			}
			d.Shape = append(d.Shape, int(x))
			n *= int64(x)
			if n > int64(len(a.data))+1 {
				return nil, r.errorf("attribute of %d elements holds %d bytes", n, len(a.data))
			}
		}
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if a.bits&1 != 0 {
		order = binary.BigEndian
	}
	need := func() error {
		if uint64(n)*uint64(a.size) > uint64(len(a.data)) {
			return r.errorf("attribute holds %d bytes, its %d elements need %d", len(a.data), n, uint64(n)*uint64(a.size))
		}
		return nil
	}
	switch {
	case a.class == 1 && (a.size == 4 || a.size == 8):
		if err := need(); err != nil {
			return nil, err
		}
		d.DType, d.Float = Float64, make([]float64, n)
		if a.size == 4 {
			d.DType = Float32
		}
		for i := range d.Float {
			if a.size == 4 {
				d.Float[i] = float64(math.Float32frombits(order.Uint32(a.data[4*i:])))
			} else {
				d.Float[i] = math.Float64frombits(order.Uint64(a.data[8*i:]))
			}
		}
	case a.class == 0 && a.bits&0x08 != 0 && (a.size == 4 || a.size == 8):
		if err := need(); err != nil {
			return nil, err
		}
		d.DType, d.Int = Int64, make([]int64, n)
		if a.size == 4 {
			d.DType = Int32
		}
		for i := range d.Int {
			if a.size == 4 {
				d.Int[i] = int64(int32(order.Uint32(a.data[4*i:])))
			} else {
				d.Int[i] = int64(order.Uint64(a.data[8*i:]))
			}
		}
	case a.class == 8:
		if err := enumBool(a.dtype); err != nil {
			return nil, r.errorf("unsupported enum attribute: %v", err)
		}
		if err := need(); err != nil {
			return nil, err
		}
		d.DType, d.Int = Bool, make([]int64, n)
		for i := range d.Int {
			if a.data[i] > 1 {
				return nil, r.errorf("bool element %d is %d, neither FALSE (0) nor TRUE (1)", i, a.data[i])
			}
			d.Int[i] = int64(a.data[i])
		}
	case a.class == 3 || a.class == 9 && a.bits&0x0f == 1:
		d.DType, d.Str = String, []string{}
		if n == 0 {
			break
		}
		if a.class == 9 {
			if err := r.checkGlobalRefs(a.data); err != nil {
				return nil, r.errorf("variable-length string attribute: %v", err)
			}
		}
		v, err := a.readValue()
		if err != nil {
			return nil, r.errorf("reading string attribute: %v", err)
		}
		switch v := v.(type) {
		case string:
			d.Str = []string{v}
		case []string:
			d.Str = v
		default:
			return nil, r.errorf("string attribute read as %T", v)
		}
		if int64(len(d.Str)) != n {
			return nil, r.errorf("read %d strings, the dataspace holds %d", len(d.Str), n)
		}
	default:
		return nil, r.errorf("unsupported attribute datatype (class %d, size %d)", a.class, a.size)
	}
	return d, nil
}
