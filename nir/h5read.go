package nir

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
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
// filter pipeline) is read from the object header's raw messages here, and
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
	return r.group(f.Root(), "/")
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

// header holds the raw messages of an object header that scigolib does
// not expose.
type objHeader struct {
	dtype   []byte   // the datatype message
	layout  []byte   // the data layout message
	filters []uint16 // the filter pipeline's filter ids, in order
	gzip    bool     // the filter pipeline has deflate
	links   []uint64 // hard link targets (link messages)
	stab    []byte   // the symbol table message
}

// maxHeaderChunks bounds continuation chains (a corrupt file may loop).
const maxHeaderChunks = 64

// header reads the object header at addr (version 1, or version 2
// "OHDR") and collects the messages scigolib does not expose.
func (r *h5reader) objHeader(addr uint64) (*objHeader, error) {
	h := &objHeader{}
	visit := func(typ uint16, data []byte) error {
		switch typ {
		case 0x03:
			h.dtype = data
		case 0x0b:
			ids, err := parseFilters(data)
			if err != nil {
				return err
			}
			h.filters, h.gzip = ids, slices.Contains(ids, 1)
		case 0x08:
			h.layout = data
		case 0x11:
			h.stab = data
		case 0x06:
			addr, ok, err := r.hardLink(data)
			if err != nil {
				return err
			}
			if ok {
				h.links = append(h.links, addr)
			}
		}
		return nil
	}
	sig := make([]byte, 4)
	if _, err := r.raw.ReadAt(sig, int64(addr)); err != nil {
		return nil, fmt.Errorf("object header at %d: %v", addr, err)
	}
	if string(sig) == "OHDR" {
		return h, r.headerV2(addr, visit)
	}
	return h, r.headerV1(addr, visit)
}

type hdrBlock struct{ addr, size uint64 }

func (r *h5reader) read(addr, n uint64) ([]byte, error) {
	if n > uint64(r.size) || addr > uint64(r.size)-n {
		return nil, fmt.Errorf("%d bytes at %d beyond the %d-byte file", n, addr, r.size)
	}
	b := make([]byte, n)
	if _, err := r.raw.ReadAt(b, int64(addr)); err != nil && err != io.EOF {
		return nil, err
	}
	return b, nil
}

func (r *h5reader) uint(b []byte, size int) uint64 {
	if size == 4 {
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return binary.LittleEndian.Uint64(b)
}

func (r *h5reader) headerV1(addr uint64, visit func(uint16, []byte) error) error {
	pre, err := r.read(addr, 16)
	if err != nil {
		return err
	}
	if pre[0] != 1 {
		return fmt.Errorf("object header at %d: version %d", addr, pre[0])
	}
	left := int(binary.LittleEndian.Uint16(pre[2:]))
	queue := []hdrBlock{{addr + 16, uint64(binary.LittleEndian.Uint32(pre[8:]))}}
	for i := 0; i < len(queue) && left > 0; i++ {
		if i >= maxHeaderChunks {
			return fmt.Errorf("object header at %d: more than %d continuation blocks", addr, maxHeaderChunks)
		}
		b, err := r.read(queue[i].addr, queue[i].size)
		if err != nil {
			return err
		}
		for len(b) >= 8 && left > 0 {
			typ, size := binary.LittleEndian.Uint16(b), int(binary.LittleEndian.Uint16(b[2:]))
			if 8+size > len(b) {
				return fmt.Errorf("object header at %d: message of %d bytes overruns its block", addr, size)
			}
			data := b[8 : 8+size]
			left--
			if typ == 0x10 {
				if size < r.offsetSize+r.lengthSize {
					return fmt.Errorf("object header at %d: short continuation message", addr)
				}
				queue = append(queue, hdrBlock{r.uint(data, r.offsetSize), r.uint(data[r.offsetSize:], r.lengthSize)})
			} else if err := visit(typ, data); err != nil {
				return err
			}
			b = b[8+size:]
		}
	}
	return nil
}

func (r *h5reader) headerV2(addr uint64, visit func(uint16, []byte) error) error {
	pre, err := r.read(addr, 6)
	if err != nil {
		return err
	}
	if pre[4] != 2 {
		return fmt.Errorf("object header at %d: version %d", addr, pre[4])
	}
	flags := pre[5]
	off := addr + 6
	if flags&0x20 != 0 {
		off += 16
	}
	if flags&0x10 != 0 {
		off += 4
	}
	w := 1 << (flags & 3)
	sz, err := r.read(off, uint64(w))
	if err != nil {
		return err
	}
	var size uint64
	for i := w - 1; i >= 0; i-- {
		size = size<<8 | uint64(sz[i])
	}
	queue := []hdrBlock{{off + uint64(w), size}}
	msgHdr := 4
	if flags&0x04 != 0 {
		msgHdr = 6
	}
	for i := 0; i < len(queue); i++ {
		if i >= maxHeaderChunks {
			return fmt.Errorf("object header at %d: more than %d continuation blocks", addr, maxHeaderChunks)
		}
		c := queue[i]
		if i > 0 { // "OCHK" + messages + checksum
			if c.size < 8 {
				return fmt.Errorf("object header at %d: short continuation block", addr)
			}
			c.addr, c.size = c.addr+4, c.size-8
		}
		b, err := r.read(c.addr, c.size)
		if err != nil {
			return err
		}
		for len(b) >= msgHdr {
			typ, size := uint16(b[0]), int(binary.LittleEndian.Uint16(b[1:]))
			if msgHdr+size > len(b) {
				return fmt.Errorf("object header at %d: message of %d bytes overruns its block", addr, size)
			}
			data := b[msgHdr : msgHdr+size]
			if typ == 0x10 {
				if size < r.offsetSize+r.lengthSize {
					return fmt.Errorf("object header at %d: short continuation message", addr)
				}
				queue = append(queue, hdrBlock{r.uint(data, r.offsetSize), r.uint(data[r.offsetSize:], r.lengthSize)})
			} else if err := visit(typ, data); err != nil {
				return err
			}
			b = b[msgHdr+size:]
		}
	}
	return nil
}

// parseFilters lists the filter ids of a filter pipeline message
// (version 1 or 2); deflate is 1.
func parseFilters(b []byte) ([]uint16, error) {
	if len(b) < 2 {
		return nil, fmt.Errorf("short filter pipeline message")
	}
	version, n := b[0], int(b[1])
	switch version {
	case 1:
		b = b[min(8, len(b)):]
	case 2:
		b = b[2:]
	default:
		return nil, fmt.Errorf("filter pipeline version %d", version)
	}
	var ids []uint16
	for range n {
		if len(b) < 2 {
			return nil, fmt.Errorf("short filter pipeline message")
		}
		id := binary.LittleEndian.Uint16(b)
		hdr, nameLen := 8, 0
		if version == 1 || id >= 256 {
			if len(b) < 8 {
				return nil, fmt.Errorf("short filter pipeline message")
			}
			nameLen = int(binary.LittleEndian.Uint16(b[2:]))
		} else {
			hdr = 6
		}
		if len(b) < hdr {
			return nil, fmt.Errorf("short filter pipeline message")
		}
		nvals := int(binary.LittleEndian.Uint16(b[hdr-2:]))
		if version == 1 {
			nameLen = (nameLen + 7) &^ 7
			nvals += nvals & 1
		}
		skip := hdr + nameLen + 4*nvals
		if skip > len(b) {
			return nil, fmt.Errorf("short filter pipeline message")
		}
		ids = append(ids, id)
		b = b[skip:]
	}
	return ids, nil
}

// scigolib reads no enum datatype, so a bool dataset (NIRData's HDF5 enum
// of int8 {FALSE=0, TRUE=1}) is read here from its layout: compact,
// contiguous, or chunked through a version-1 B-tree with deflate.

// enumBool checks that datatype message dt is h5py's bool enum.
func enumBool(dt []byte) error {
	if len(dt) < 8+12 {
		return fmt.Errorf("short enum datatype message")
	}
	version := dt[0] >> 4
	members := int(binary.LittleEndian.Uint16(dt[1:]))
	if binary.LittleEndian.Uint32(dt[4:]) != 1 || members != 2 {
		return fmt.Errorf("only the 1-byte {FALSE, TRUE} enum (bool) is read")
	}
	base := dt[8:]
	if base[0]&0x0f != 0 || base[1]&0x08 == 0 || binary.LittleEndian.Uint32(base[4:]) != 1 {
		return fmt.Errorf("enum base type is not int8")
	}
	b := base[12:]
	var names []string
	for range members {
		end := bytes.IndexByte(b, 0)
		if end < 0 {
			return fmt.Errorf("short enum datatype message")
		}
		names = append(names, string(b[:end]))
		skip := end + 1
		if version < 3 {
			skip = (end + 8) &^ 7
		}
		if skip > len(b) {
			return fmt.Errorf("short enum datatype message")
		}
		b = b[skip:]
	}
	if len(b) < members {
		return fmt.Errorf("short enum datatype message")
	}
	for i, name := range names {
		if want := []string{"FALSE", "TRUE"}[b[i]&1]; b[i] > 1 || name != want {
			return fmt.Errorf("enum member %q = %d is not bool", name, b[i])
		}
	}
	if names[0] == names[1] {
		return fmt.Errorf("enum members %q repeat", names[0])
	}
	return nil
}

// rawData reads the bytes of a dataset of esize-byte elements in C
// order.
func (r *h5reader) rawData(h *objHeader, in info, esize int) ([]byte, error) {
	n := in.elements() * int64(esize)
	l := h.layout
	if len(l) < 2 || l[0] != 3 {
		return nil, fmt.Errorf("unsupported data layout message (want version 3)")
	}
	for _, id := range h.filters {
		if id != 1 {
			return nil, fmt.Errorf("unsupported filter %d", id)
		}
	}
	switch l[1] {
	case 0: // compact
		if len(l) < 4 || int64(binary.LittleEndian.Uint16(l[2:])) < n || int64(len(l)-4) < n {
			return nil, fmt.Errorf("short compact data")
		}
		return slices.Clone(l[4 : 4+n]), nil
	case 1: // contiguous
		if len(l) < 2+r.offsetSize+r.lengthSize {
			return nil, fmt.Errorf("short layout message")
		}
		addr := r.uint(l[2:], r.offsetSize)
		if n == 0 {
			return []byte{}, nil
		}
		return r.read(addr, uint64(n))
	case 2:
		return r.chunked(l, in, esize, len(h.filters) > 0)
	}
	return nil, fmt.Errorf("unsupported layout class %d", l[1])
}

// chunked assembles a chunked dataset of 1-byte elements.
func (r *h5reader) chunked(l []byte, in info, esize int, deflate bool) ([]byte, error) {
	out := make([]byte, in.elements()*int64(esize))
	err := r.chunkTree(l, in, func(cdims []int, csize int, size, mask uint32, child uint64, off []int) error {
		data, err := r.read(child, uint64(size))
		if err != nil {
			return err
		}
		if deflate && mask&1 == 0 {
			zr, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("chunk at %d: %v", child, err)
			}
			data, err = io.ReadAll(io.LimitReader(zr, int64(csize*esize)+1))
			if err != nil {
				return fmt.Errorf("chunk at %d: %v", child, err)
			}
		}
		if len(data) != csize*esize {
			return fmt.Errorf("chunk at %d holds %d bytes, want %d", child, len(data), csize*esize)
		}
		placeChunk(out, data, esize, in.dims, cdims, off)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// maxChunkNodes bounds the chunk B-tree nodes of one dataset.
const maxChunkNodes = 1 << 16

// chunkTree walks the version-1 chunk B-tree of chunked layout message l
// (version 3), calling leaf (when not nil) for each chunk with its size in
// bytes, filter mask, address and element offset. It checks what
// scigolib's recursive walk does not: a node is visited once and each
// child's level is one below its parent's, so a corrupt tree cannot loop.
func (r *h5reader) chunkTree(l []byte, in info, leaf func(cdims []int, csize int, size, mask uint32, child uint64, off []int) error) error {
	rank := len(in.dims)
	if len(l) < 3 || int(l[2]) != rank+1 || len(l) < 3+r.offsetSize+4*(rank+1) {
		return fmt.Errorf("chunked layout of rank %d for a rank-%d dataspace", int(l[2])-1, rank)
	}
	btree := r.uint(l[3:], r.offsetSize)
	cdims := make([]int, rank)
	csize := 1
	for i := range cdims {
		cdims[i] = int(binary.LittleEndian.Uint32(l[3+r.offsetSize+4*i:]))
		if cdims[i] <= 0 || cdims[i] > 1<<24 {
			return fmt.Errorf("chunk dimension %d", cdims[i])
		}
		csize *= cdims[i]
		if csize > 1<<26 {
			return fmt.Errorf("chunk of more than %d elements", 1<<26)
		}
	}
	keySize := 8 + 8*(rank+1)
	seen := map[uint64]bool{}
	var walk func(addr uint64, wantLevel int) error
	walk = func(addr uint64, wantLevel int) error {
		if seen[addr] || len(seen) >= maxChunkNodes {
			return fmt.Errorf("chunk B-tree loops or has more than %d nodes", maxChunkNodes)
		}
		seen[addr] = true
		hdr, err := r.read(addr, uint64(8+2*r.offsetSize))
		if err != nil {
			return err
		}
		if string(hdr[:4]) != "TREE" || hdr[4] != 1 {
			return fmt.Errorf("no chunk B-tree node at %d", addr)
		}
		level, entries := int(hdr[5]), int(binary.LittleEndian.Uint16(hdr[6:]))
		if wantLevel >= 0 && level != wantLevel {
			return fmt.Errorf("chunk B-tree node at %d has level %d, want %d", addr, level, wantLevel)
		}
		body, err := r.read(addr+uint64(len(hdr)), uint64(entries*(keySize+r.offsetSize)+keySize))
		if err != nil {
			return err
		}
		for e := range entries {
			key := body[e*(keySize+r.offsetSize):]
			child := r.uint(key[keySize:], r.offsetSize)
			if level > 0 {
				if err := walk(child, level-1); err != nil {
					return err
				}
				continue
			}
			off := make([]int, rank)
			for i := range off {
				o := binary.LittleEndian.Uint64(key[8+8*i:])
				if o >= uint64(in.dims[i]) || o%uint64(cdims[i]) != 0 {
					return fmt.Errorf("chunk offset %d outside dimension %d", o, in.dims[i])
				}
				off[i] = int(o)
			}
			size := uint64(binary.LittleEndian.Uint32(key))
			if size > uint64(r.size) || child > uint64(r.size)-size {
				return fmt.Errorf("chunk of %d bytes at %d beyond the %d-byte file", size, child, r.size)
			}
			if leaf != nil {
				if err := leaf(cdims, csize, binary.LittleEndian.Uint32(key), binary.LittleEndian.Uint32(key[4:]), child, off); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(btree, -1)
}

// placeChunk copies a chunk of esize-byte elements (C order, chunk dims
// cdims, at element offset off) into the dataset out (dims), clipping at
// the dataset's edges.
func placeChunk(out, chunk []byte, esize int, dims, cdims, off []int) {
	rank := len(dims)
	idx := make([]int, rank)
	for c := 0; c < len(chunk)/esize; c++ {
		pos, inside := 0, true
		for i := range rank {
			x := off[i] + idx[i]
			if x >= dims[i] {
				inside = false
			}
			pos = pos*dims[i] + x
		}
		if inside {
			copy(out[pos*esize:(pos+1)*esize], chunk[c*esize:])
		}
		for i := rank - 1; i >= 0; i-- {
			if idx[i]++; idx[i] < cdims[i] {
				break
			}
			idx[i] = 0
		}
	}
}

// scigolib loads the whole group tree when it opens a file, recursively
// and without a cycle check for link messages or for a symbol table
// entry that points at a symbol table node: a corrupt (or cyclic) file
// would overflow the stack, which no recover catches. checkStructure walks
// the same tree first, bounded: each object once, no cycles, depth ≤
// maxDepth. (Dense link storage, a fractal heap, is not followed: h5py
// writes it only for libver "latest" groups of many links.)

// maxDepth bounds group nesting.
const maxDepth = 64

// checkStructure reads the superblock (version 0 or 1, as h5py and nir's
// writer write; later versions are left to scigolib) and walks the tree.
func (r *h5reader) checkStructure() error {
	sb, err := r.read(0, 24)
	if err != nil {
		return r.errorf("truncated superblock")
	}
	version := sb[8]
	if version > 1 {
		// Superblock 2/3: sizes at 9 and 10, root object header after
		// four addresses.
		r.offsetSize, r.lengthSize = int(sb[9]), int(sb[10])
		if r.offsetSize != 8 && r.offsetSize != 4 || r.lengthSize != 8 && r.lengthSize != 4 {
			return r.errorf("unsupported superblock (offset size %d, length size %d)", r.offsetSize, r.lengthSize)
		}
		b, err := r.read(12, 4*uint64(r.offsetSize))
		if err != nil {
			return r.errorf("truncated superblock")
		}
		if err := r.checkEOF(r.uint(b, r.offsetSize), r.uint(b[2*r.offsetSize:], r.offsetSize)); err != nil {
			return err
		}
		return r.walk(r.uint(b[3*r.offsetSize:], r.offsetSize), 0, map[uint64]int{})
	}
	r.offsetSize, r.lengthSize = int(sb[13]), int(sb[14])
	if r.offsetSize != 8 && r.offsetSize != 4 || r.lengthSize != 8 && r.lengthSize != 4 {
		return r.errorf("unsupported superblock (offset size %d, length size %d)", r.offsetSize, r.lengthSize)
	}
	// Four addresses (base, free space, end of file, driver) follow 24
	// (+4 for version 1) bytes, then the root symbol table entry.
	at := uint64(24)
	if version == 1 {
		at += 4
	}
	addrs, err := r.read(at, 4*uint64(r.offsetSize))
	if err != nil {
		return r.errorf("truncated superblock")
	}
	if err := r.checkEOF(r.uint(addrs, r.offsetSize), r.uint(addrs[2*r.offsetSize:], r.offsetSize)); err != nil {
		return err
	}
	at += 4 * uint64(r.offsetSize)
	e, err := r.read(at, uint64(2*r.offsetSize+24))
	if err != nil {
		return r.errorf("truncated superblock")
	}
	return r.entry(e, 0, map[uint64]int{})
}

// checkEOF rejects a file shorter than its superblock's end-of-file
// address (relative to the base address), as libhdf5 does.
func (r *h5reader) checkEOF(base, eof uint64) error {
	if base != 0 {
		return r.errorf("unsupported superblock base address %d (a user block)", base)
	}
	if eof > uint64(r.size) {
		return r.errorf("truncated file: %d bytes, the superblock says %d", r.size, eof)
	}
	return nil
}

// checkHeap checks a local heap's data segment lies in the file (scigolib
// allocates its size unchecked).
func (r *h5reader) checkHeap(addr uint64) error {
	o, l := uint64(r.offsetSize), uint64(r.lengthSize)
	b, err := r.read(addr, 8+2*l+o)
	if err != nil || string(b[:4]) != "HEAP" {
		return r.errorf("no local heap at %d", addr)
	}
	size, data := r.uint(b[8:], int(l)), r.uint(b[8+2*l:], int(o))
	if size > uint64(r.size) || data > uint64(r.size)-size {
		return r.errorf("local heap at %d: %d bytes at %d beyond the %d-byte file", addr, size, data, r.size)
	}
	return nil
}

// checkGlobalRefs checks the global heap collections that vlen elements
// (length, collection address, index) refer to lie in the file (scigolib
// allocates a collection's size unchecked).
func (r *h5reader) checkGlobalRefs(raw []byte) error {
	esize := 8 + r.offsetSize
	seen := map[uint64]bool{}
	for i := 0; i+esize <= len(raw); i += esize {
		addr := r.uint(raw[i+4:], r.offsetSize)
		if addr == 0 || seen[addr] {
			continue
		}
		seen[addr] = true
		b, err := r.read(addr, 8+uint64(r.lengthSize))
		if err != nil || string(b[:4]) != "GCOL" {
			return fmt.Errorf("no global heap collection at %d", addr)
		}
		if size := r.uint(b[8:], r.lengthSize); size > uint64(r.size) || addr > uint64(r.size)-size {
			return fmt.Errorf("global heap collection at %d: %d bytes beyond the %d-byte file", addr, size, r.size)
		}
	}
	return nil
}

// entry walks the object of a symbol table entry (link name offset,
// object header address, cache type, reserved, scratch pad).
func (r *h5reader) entry(e []byte, depth int, state map[uint64]int) error {
	o := r.offsetSize
	addr := r.uint(e[o:], o)
	if binary.LittleEndian.Uint32(e[2*o:]) == 1 { // cached symbol table
		btree := r.uint(e[2*o+8:], o)
		if btree != 0 {
			if err := r.checkHeap(r.uint(e[2*o+8+o:], o)); err != nil {
				return err
			}
			if err := r.groupTree(btree, depth+1, state); err != nil {
				return err
			}
		}
	}
	return r.walk(addr, depth, state)
}

// walk checks the object whose header is at addr and what it links to.
// state: 1 while on the walk's path, 2 when done.
func (r *h5reader) walk(addr uint64, depth int, state map[uint64]int) error {
	switch {
	case state[addr] == 1:
		return r.errorf("the group at %d contains itself (a link cycle)", addr)
	case state[addr] == 2:
		return nil
	case depth > maxDepth:
		return r.errorf("groups nested deeper than %d", maxDepth)
	case len(state) > 1<<20:
		return r.errorf("more than %d objects", 1<<20)
	}
	state[addr] = 1
	sig, err := r.read(addr, 4)
	if err != nil {
		return r.errorf("object header at %d: %v", addr, err)
	}
	if string(sig) == "SNOD" || string(sig) == "TREE" || string(sig) == "HEAP" {
		return r.errorf("a link points at a %s structure, not an object header (at %d)", sig, addr)
	}
	h, err := r.objHeader(addr)
	if err != nil {
		return r.errorf("%v", err)
	}
	for _, l := range h.links {
		if err := r.walk(l, depth+1, state); err != nil {
			return err
		}
	}
	if len(h.stab) >= 2*r.offsetSize {
		if err := r.checkHeap(r.uint(h.stab[r.offsetSize:], r.offsetSize)); err != nil {
			return err
		}
		if err := r.groupTree(r.uint(h.stab, r.offsetSize), depth+1, state); err != nil {
			return err
		}
	}
	state[addr] = 2
	return nil
}

// groupTree walks a group's version-1 B-tree (type 0) and its symbol table
// nodes.
func (r *h5reader) groupTree(addr uint64, depth int, state map[uint64]int) error {
	key := addr | 1<<63 // B-tree nodes share state with object headers
	switch {
	case state[key] == 1:
		return r.errorf("the group B-tree at %d contains itself", addr)
	case state[key] == 2:
		return nil
	case depth > maxDepth+16:
		return r.errorf("group B-tree deeper than %d", maxDepth)
	}
	state[key] = 1
	o, l := uint64(r.offsetSize), uint64(r.lengthSize)
	hdr, err := r.read(addr, 8+2*o)
	if err != nil {
		return r.errorf("group B-tree at %d: %v", addr, err)
	}
	if string(hdr[:4]) != "TREE" || hdr[4] != 0 {
		return r.errorf("no group B-tree at %d", addr)
	}
	level, n := hdr[5], uint64(binary.LittleEndian.Uint16(hdr[6:]))
	body, err := r.read(addr+8+2*o, n*(l+o)+l)
	if err != nil {
		return r.errorf("group B-tree at %d: %v", addr, err)
	}
	for i := range n {
		child := r.uint(body[i*(l+o)+l:], int(o))
		if level > 0 {
			if err := r.groupTree(child, depth+1, state); err != nil {
				return err
			}
			continue
		}
		if child == 0 || child == math.MaxUint64 {
			continue
		}
		if err := r.symbolNode(child, depth, state); err != nil {
			return err
		}
	}
	state[key] = 2
	return nil
}

// symbolNode walks the entries of a symbol table node.
func (r *h5reader) symbolNode(addr uint64, depth int, state map[uint64]int) error {
	o := uint64(r.offsetSize)
	hdr, err := r.read(addr, 8)
	if err != nil {
		return r.errorf("symbol table node at %d: %v", addr, err)
	}
	if string(hdr[:4]) != "SNOD" {
		return r.errorf("no symbol table node at %d", addr)
	}
	n := uint64(binary.LittleEndian.Uint16(hdr[6:]))
	size := 2*o + 24
	body, err := r.read(addr+8, n*size)
	if err != nil {
		return r.errorf("symbol table node at %d: %v", addr, err)
	}
	for i := range n {
		e := body[i*size : (i+1)*size]
		if binary.LittleEndian.Uint32(e[2*o:]) == 2 { // soft link
			continue
		}
		if err := r.entry(e, depth+1, state); err != nil {
			return err
		}
	}
	return nil
}

// hardLink decodes a link message; ok is false for a soft or external
// link.
func (r *h5reader) hardLink(b []byte) (addr uint64, ok bool, err error) {
	short := fmt.Errorf("short link message")
	if len(b) < 2 {
		return 0, false, short
	}
	if b[0] != 1 {
		return 0, false, fmt.Errorf("link message version %d", b[0])
	}
	flags, p := b[1], 2
	typ := byte(0)
	if flags&0x08 != 0 {
		if p >= len(b) {
			return 0, false, short
		}
		typ, p = b[p], p+1
	}
	if flags&0x04 != 0 {
		p += 8
	}
	if flags&0x10 != 0 {
		p++
	}
	w := 1 << (flags & 3)
	if p+w > len(b) {
		return 0, false, short
	}
	var n uint64
	for i := w - 1; i >= 0; i-- {
		n = n<<8 | uint64(b[p+i])
	}
	p += w
	if n > uint64(len(b)) || uint64(p)+n > uint64(len(b)) {
		return 0, false, short
	}
	p += int(n)
	if typ != 0 {
		return 0, false, nil
	}
	if p+r.offsetSize > len(b) {
		return 0, false, short
	}
	return r.uint(b[p:], r.offsetSize), true, nil
}
