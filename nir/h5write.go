package nir

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// The file format WriteHDF5 writes is the subset of HDF5 that libhdf5
// writes with libver "earliest" (h5py's default, and what every NIR file
// found in the wild uses): superblock version 0 with 8-byte offsets and
// lengths; groups as symbol tables (a local heap of names, a version 1
// B-tree of type 0 whose leaves are symbol-table nodes); version 1 object
// headers; version 1 dataspaces; version 1 datatypes; the version 2 fill
// value message with libhdf5's defaults; version 3 contiguous layouts;
// version 1 attribute messages. Every structure is 8-byte aligned and
// written once; nothing depends on time or map order.
const (
	h5LeafK     = 4  // a symbol-table node holds up to 2K entries (libhdf5's default)
	h5InternalK = 16 // a group B-tree node holds up to 2K children (libhdf5's default)
	h5Undef     = ^uint64(0)

	h5SuperSize = 96 // superblock v0 with its root symbol-table entry
	h5EntrySize = 40 // symbol-table entry
	h5SNODSize  = 8 + 2*h5LeafK*h5EntrySize
	h5TreeSize  = 24 + 2*h5InternalK*8 + (2*h5InternalK+1)*8
	h5HeapHdr   = 32
	h5MaxMsg    = 0xffff // a message's size field is 16 bits
	h5MaxRank   = 32
)

// Object header message types.
const (
	h5MsgDataspace = 0x0001
	h5MsgDatatype  = 0x0003
	h5MsgFill      = 0x0005
	h5MsgLayout    = 0x0008
	h5MsgAttr      = 0x000c
	h5MsgStab      = 0x0011
)

// h5MsgConstant is the "constant" message flag libhdf5 sets on a
// dataset's datatype and fill value messages.
const h5MsgConstant = 0x01

// WriteHDF5 encodes root as an HDF5 file that libhdf5 (h5py, h5dump,
// nir.read) accepts: superblock v0, symbol-table groups with their
// B-trees and local heaps, contiguous little-endian datasets (float32,
// float64, int64, int32, bool as an int8 enum), scalar and simple
// dataspaces, fixed-length NULLTERM strings (ASCII, or UTF-8 when a
// string is not ASCII; the length is the longest string plus one).
// Attributes are written as HDF5 attributes; a string attribute is a
// variable-length UTF-8 string in a global heap, as h5py writes a str,
// because h5py reads a fixed-length one as bytes, which NIR's read_data
// compares unequal to its "__type__" strings. The output is deterministic:
// the same Group gives the same bytes. A Group that HDF5 cannot hold (an
// empty or slashed name, a name both a group and a dataset, values that
// do not match their dtype and shape) is an *Error naming the object.
func WriteHDF5(root *Group) ([]byte, error) {
	if root == nil {
		return nil, &Error{Dataset: "/", Msg: "nil root group"}
	}
	w := &h5writer{open: map[*Group]bool{}}
	w.alloc(h5SuperSize)
	g, err := w.group("/", root)
	if err != nil {
		return nil, err
	}
	w.globalHeaps()
	w.align()
	w.superblock(g)
	return w.buf, nil
}

// h5writer lays a file out front to back: each object is allocated at
// the end of the buffer, and filled in once the addresses it refers to
// are known.
type h5writer struct {
	buf   []byte
	vlens []h5vlen        // variable-length strings, placed in global heaps last
	open  map[*Group]bool // the groups being written, to refuse a cycle
}

// h5vlen is a variable-length string and the address of its 16-byte
// reference (length, global heap collection, object index) to fill in.
type h5vlen struct {
	at uint64
	s  string
}

func (w *h5writer) align() {
	for len(w.buf)%8 != 0 {
		w.buf = append(w.buf, 0)
	}
}

// alloc reserves n zero bytes at the next 8-byte boundary.
func (w *h5writer) alloc(n int) uint64 {
	w.align()
	addr := len(w.buf)
	w.buf = append(w.buf, make([]byte, n)...)
	return uint64(addr)
}

func (w *h5writer) put(addr uint64, b []byte) { copy(w.buf[addr:], b) }

// h5enc appends little-endian fields.
type h5enc struct{ b []byte }

func (e *h5enc) u8(v byte)    { e.b = append(e.b, v) }
func (e *h5enc) u16(v uint16) { e.b = binary.LittleEndian.AppendUint16(e.b, v) }
func (e *h5enc) u32(v uint32) { e.b = binary.LittleEndian.AppendUint32(e.b, v) }
func (e *h5enc) u64(v uint64) { e.b = binary.LittleEndian.AppendUint64(e.b, v) }
func (e *h5enc) raw(b []byte) { e.b = append(e.b, b...) }
func (e *h5enc) zero(n int)   { e.b = append(e.b, make([]byte, n)...) }
func (e *h5enc) str(s string) { e.b = append(e.b, s...) }
func (e *h5enc) pad8()        { e.zero(pad8(len(e.b)) - len(e.b)) }

// strz8 appends s NUL-terminated, padded to a multiple of 8 bytes.
func (e *h5enc) strz8(s string) {
	e.str(s)
	e.zero(pad8(len(s)+1) - len(s))
}

func pad8(n int) int { return (n + 7) &^ 7 }

// h5loc is where an object is: its object header, and for a group its
// B-tree and local heap (cached in the symbol-table entry naming it).
type h5loc struct {
	hdr, btree, heap uint64
	group            bool
}

func (w *h5writer) superblock(root h5loc) {
	var e h5enc
	e.str("\x89HDF\r\n\x1a\n")
	e.raw([]byte{0, 0, 0, 0}) // superblock, free-space, root entry versions; reserved
	e.raw([]byte{0, 8, 8, 0}) // shared header version, sizeof offsets, sizeof lengths
	e.u16(h5LeafK)
	e.u16(h5InternalK)
	e.u32(0)       // file consistency flags
	e.u64(0)       // base address
	e.u64(h5Undef) // free-space info
	e.u64(uint64(len(w.buf)))
	e.u64(h5Undef) // driver information block
	entry(&e, 0, root)
	w.put(0, e.b)
}

// entry encodes a symbol-table entry: the name's heap offset, the object
// header, and for a group the cached B-tree and heap addresses.
func entry(e *h5enc, name uint64, l h5loc) {
	e.u64(name)
	e.u64(l.hdr)
	if l.group {
		e.u32(1)
		e.u32(0)
		e.u64(l.btree)
		e.u64(l.heap)
	} else {
		e.zero(24)
	}
}

// h5msg is one object header message.
type h5msg struct {
	typ   uint16
	flags byte
	data  []byte
	// vlen strings whose references start at data[vlenAt:].
	vlen   []string
	vlenAt int
}

// msgData returns where each message's data starts in header(msgs).
func msgData(msgs []h5msg) []int {
	offs := make([]int, len(msgs))
	at := 16
	for i, m := range msgs {
		offs[i] = at + 8
		at += 8 + pad8(len(m.data))
	}
	return offs
}

// header encodes a version 1 object header holding msgs in one chunk.
func header(msgs []h5msg) []byte {
	var body h5enc
	for _, m := range msgs {
		body.u16(m.typ)
		body.u16(uint16(pad8(len(m.data))))
		body.u8(m.flags)
		body.zero(3)
		body.raw(m.data)
		body.pad8()
	}
	var e h5enc
	e.u8(1) // version
	e.u8(0)
	e.u16(uint16(len(msgs)))
	e.u32(1) // reference count
	e.u32(uint32(len(body.b)))
	e.u32(0) // alignment of the first message
	e.raw(body.b)
	return e.b
}

func childPath(parent, name string) string {
	if parent == "/" {
		return "/" + name
	}
	return parent + "/" + name
}

// checkName rejects names a symbol table cannot hold or a path cannot
// reach.
func checkName(path, name string) error {
	switch {
	case name == "":
		return &Error{Dataset: path, Msg: "empty name"}
	case name == ".":
		return &Error{Dataset: path, Msg: `name "." is reserved`}
	case strings.ContainsAny(name, "/\x00"):
		return &Error{Dataset: path, Msg: fmt.Sprintf("name %q contains '/' or NUL", name)}
	case !utf8.ValidString(name):
		return &Error{Dataset: path, Msg: fmt.Sprintf("name %q is not valid UTF-8", name)}
	}
	return nil
}

// groupNames returns g's member names sorted as HDF5 orders them (by
// bytes, as strcmp), checking each.
func groupNames(path string, g *Group) ([]string, error) {
	var names []string
	for name, sub := range g.Groups {
		if _, dup := g.Datasets[name]; dup {
			return nil, &Error{Dataset: childPath(path, name), Msg: "name is both a group and a dataset"}
		}
		if sub == nil {
			return nil, &Error{Dataset: childPath(path, name), Msg: "nil group"}
		}
		names = append(names, name)
	}
	for name, d := range g.Datasets {
		if d == nil {
			return nil, &Error{Dataset: childPath(path, name), Msg: "nil dataset"}
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := checkName(childPath(path, name), name); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// group writes g and everything below it: its object header (a symbol
// table message and its attributes), its local heap of member names, its
// members, its symbol-table nodes and B-tree.
func (w *h5writer) group(path string, g *Group) (h5loc, error) {
	if w.open[g] {
		return h5loc{}, &Error{Dataset: path, Msg: "group contains itself"}
	}
	w.open[g] = true
	defer delete(w.open, g)
	names, err := groupNames(path, g)
	if err != nil {
		return h5loc{}, err
	}
	attrs, err := attrMessages(path, g.Attrs)
	if err != nil {
		return h5loc{}, err
	}
	if len(attrs) >= 0xffff { // an object header counts its messages in 16 bits
		return h5loc{}, &Error{Dataset: path, Msg: fmt.Sprintf("%d attributes exceed an object header's %d messages", len(attrs), 0xffff-1)}
	}
	msgs := append([]h5msg{{typ: h5MsgStab, data: make([]byte, 16)}}, attrs...)
	loc := h5loc{group: true, hdr: w.alloc(len(header(msgs)))}
	for i, off := range msgData(msgs) {
		for k, s := range msgs[i].vlen {
			w.vlens = append(w.vlens, h5vlen{loc.hdr + uint64(off+msgs[i].vlenAt+16*k), s})
		}
	}

	// The heap starts with the empty string: the B-tree's leftmost key.
	var heap h5enc
	heap.zero(8)
	offs := make([]uint64, len(names))
	for i, name := range names {
		offs[i] = uint64(len(heap.b))
		heap.strz8(name)
	}
	loc.heap = w.alloc(h5HeapHdr + len(heap.b))
	var hh h5enc
	hh.str("HEAP")
	hh.zero(4) // version 0, reserved
	hh.u64(uint64(len(heap.b)))
	hh.u64(1) // no free block (libhdf5's H5HL_FREE_NULL)
	hh.u64(loc.heap + h5HeapHdr)
	hh.raw(heap.b)
	w.put(loc.heap, hh.b)

	members := make([]h5loc, len(names))
	for i, name := range names {
		p := childPath(path, name)
		if sub, ok := g.Groups[name]; ok {
			members[i], err = w.group(p, sub)
		} else {
			members[i], err = w.dataset(p, g.Datasets[name])
		}
		if err != nil {
			return h5loc{}, err
		}
	}
	loc.btree = w.btree(offs, members)

	var stab h5enc
	stab.u64(loc.btree)
	stab.u64(loc.heap)
	msgs[0].data = stab.b
	w.put(loc.hdr, header(msgs))
	return loc, nil
}

// h5node is a B-tree child: its address and the heap offset of the
// largest name below it (its right key).
type h5node struct{ addr, key uint64 }

// btree writes a group's members (sorted, offs their names' heap offsets)
// into symbol-table nodes of up to 2·leaf K entries and the B-tree above
// them, as many levels of up to 2·internal K children as it takes, and
// returns the root node's address. An empty group is a single empty leaf
// node, as libhdf5 writes it.
func (w *h5writer) btree(offs []uint64, members []h5loc) uint64 {
	var items []h5node
	for i := 0; i < len(members); i += 2 * h5LeafK {
		j := min(i+2*h5LeafK, len(members))
		var e h5enc
		e.str("SNOD")
		e.u8(1) // version
		e.u8(0)
		e.u16(uint16(j - i))
		for k := i; k < j; k++ {
			entry(&e, offs[k], members[k])
		}
		addr := w.alloc(h5SNODSize)
		w.put(addr, e.b)
		items = append(items, h5node{addr, offs[j-1]})
	}
	for level := 0; ; level++ {
		const fan = 2 * h5InternalK
		n := max(1, (len(items)+fan-1)/fan)
		addrs := make([]uint64, n)
		for i := range addrs {
			addrs[i] = w.alloc(h5TreeSize)
		}
		parents := make([]h5node, n)
		for i := range addrs {
			kids := items[min(i*fan, len(items)):min((i+1)*fan, len(items))]
			left, right := h5Undef, h5Undef
			if i > 0 {
				left = addrs[i-1]
			}
			if i+1 < n {
				right = addrs[i+1]
			}
			var e h5enc
			e.str("TREE")
			e.u8(0) // group node
			e.u8(byte(level))
			e.u16(uint16(len(kids)))
			e.u64(left)
			e.u64(right)
			var key uint64 // the empty string, left of everything
			if i > 0 {
				key = items[i*fan-1].key
			}
			e.u64(key)
			for _, k := range kids {
				e.u64(k.addr)
				e.u64(k.key)
				key = k.key
			}
			w.put(addrs[i], e.b)
			parents[i] = h5node{addrs[i], key}
		}
		if n == 1 {
			return addrs[0]
		}
		items = parents
	}
}

// dataset writes d's object header and its contiguous data.
func (w *h5writer) dataset(path string, d *Dataset) (h5loc, error) {
	v, err := encodeValue(path, d, false)
	if err != nil {
		return h5loc{}, err
	}
	layout := func(addr uint64) []byte {
		var e h5enc
		e.u8(3) // version
		e.u8(1) // contiguous
		e.u64(addr)
		e.u64(uint64(len(v.data)))
		return e.b
	}
	msgs := []h5msg{
		{typ: h5MsgDataspace, data: v.space},
		{typ: h5MsgDatatype, flags: h5MsgConstant, data: v.dtype},
		// version 2: allocation late, fill time "if set", fill value
		// defined with size 0 (the library default), as libhdf5 writes it.
		{typ: h5MsgFill, flags: h5MsgConstant, data: []byte{2, 2, 2, 1, 0, 0, 0, 0}},
		{typ: h5MsgLayout, data: layout(h5Undef)},
	}
	loc := h5loc{hdr: w.alloc(len(header(msgs)))}
	if len(v.data) > 0 {
		// An empty dataset has no storage: undefined address, size 0.
		addr := w.alloc(len(v.data))
		w.put(addr, v.data)
		msgs[3].data = layout(addr)
	}
	w.put(loc.hdr, header(msgs))
	return loc, nil
}

// attrMessages encodes attrs as version 1 attribute messages, by name.
func attrMessages(path string, attrs map[string]*Dataset) ([]h5msg, error) {
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	var msgs []h5msg
	for _, name := range names {
		p := path + "@" + name
		if name == "" || strings.ContainsRune(name, 0) || !utf8.ValidString(name) {
			return nil, &Error{Dataset: p, Msg: fmt.Sprintf("attribute name %q is empty, contains NUL or is not UTF-8", name)}
		}
		d := attrs[name]
		if d == nil {
			return nil, &Error{Dataset: p, Msg: "nil attribute"}
		}
		v, err := encodeValue(p, d, true)
		if err != nil {
			return nil, err
		}
		var e h5enc
		e.u8(1) // version
		e.u8(0)
		e.u16(uint16(len(name) + 1))
		e.u16(uint16(len(v.dtype)))
		e.u16(uint16(len(v.space)))
		e.strz8(name)
		e.raw(v.dtype)
		e.pad8()
		e.raw(v.space)
		e.pad8()
		at := len(e.b)
		e.raw(v.data)
		if pad8(len(e.b)) > h5MaxMsg {
			return nil, &Error{Dataset: p, Msg: fmt.Sprintf("attribute of %d bytes exceeds the 64 KiB an attribute message holds", len(e.b))}
		}
		msgs = append(msgs, h5msg{typ: h5MsgAttr, data: e.b, vlen: v.vlen, vlenAt: at})
	}
	return msgs, nil
}

// h5value is a dataset or attribute encoded: its dataspace and datatype
// message bodies and its raw little-endian C-order data; for
// variable-length strings, the strings whose references data holds.
type h5value struct {
	space, dtype, data []byte
	vlen               []string
}

// encodeValue encodes d; vlen selects variable-length strings.
func encodeValue(path string, d *Dataset, vlen bool) (h5value, error) {
	n, err := checkShape(path, d)
	if err != nil {
		return h5value{}, err
	}
	var v h5value
	v.space = dataspace(d.Shape)
	var e h5enc
	switch d.DType {
	case Float32, Float64:
		v.dtype, err = encodeFloats(&e, path, d, n)
	case Int64, Int32, Bool:
		v.dtype, err = encodeInts(&e, path, d, n)
	case String:
		v.dtype, err = encodeStrings(&e, path, d, n, vlen)
		if vlen {
			v.vlen = d.Str
		}
	default:
		err = &Error{Dataset: path, Msg: fmt.Sprintf("unknown dtype %v", d.DType)}
	}
	v.data = e.b
	return v, err
}

// checkShape returns the number of elements of d's shape, checking it is
// an HDF5 dataspace.
func checkShape(path string, d *Dataset) (int, error) {
	if len(d.Shape) > h5MaxRank {
		return 0, &Error{Dataset: path, Msg: fmt.Sprintf("rank %d exceeds HDF5's %d", len(d.Shape), h5MaxRank)}
	}
	for _, s := range d.Shape {
		if s < 0 {
			return 0, &Error{Dataset: path, Msg: fmt.Sprintf("negative dimension in shape %v", d.Shape)}
		}
	}
	for _, s := range d.Shape {
		if s == 0 {
			return 0, nil
		}
	}
	n := 1
	for _, s := range d.Shape {
		if n > (1<<40)/s {
			return 0, &Error{Dataset: path, Msg: fmt.Sprintf("shape %v has too many elements", d.Shape)}
		}
		n *= s
	}
	return n, nil
}

// dataspace encodes a version 1 dataspace message: rank 0 is a scalar;
// otherwise the dimensions, with maximum dimensions equal to them.
func dataspace(shape []int) []byte {
	var e h5enc
	e.u8(1) // version
	e.u8(byte(len(shape)))
	if len(shape) > 0 {
		e.u8(1) // maximum dimensions present
	} else {
		e.u8(0)
	}
	e.zero(5)
	for range 2 {
		for _, s := range shape {
			e.u64(uint64(s))
		}
	}
	return e.b
}

func countError(path string, d *Dataset, field string, got, want int) error {
	return &Error{Dataset: path, Msg: fmt.Sprintf("%v dataset of shape %v has %d %s values, want %d", d.DType, d.Shape, got, field, want)}
}

// onlyField checks that d holds its values in the field its dtype names.
func onlyField(path string, d *Dataset, field string, n int) error {
	fields := []struct {
		name string
		n    int
	}{{"Float", len(d.Float)}, {"Int", len(d.Int)}, {"Str", len(d.Str)}}
	got := 0
	for _, f := range fields {
		if f.name == field {
			got = f.n
		} else if f.n > 0 {
			return &Error{Dataset: path, Msg: fmt.Sprintf("%v dataset has %d %s values", d.DType, f.n, f.name)}
		}
	}
	if got != n {
		return countError(path, d, field, got, n)
	}
	return nil
}

func encodeFloats(e *h5enc, path string, d *Dataset, n int) ([]byte, error) {
	if err := onlyField(path, d, "Float", n); err != nil {
		return nil, err
	}
	if d.DType == Float64 {
		for _, x := range d.Float {
			e.u64(math.Float64bits(x))
		}
		return floatType(8, 63, 52, 11, 52, 1023), nil
	}
	for i, x := range d.Float {
		f := float32(x)
		if math.IsInf(float64(f), 0) && !math.IsInf(x, 0) {
			return nil, &Error{Dataset: path, Msg: fmt.Sprintf("value %d (%g) overflows float32", i, x)}
		}
		e.u32(math.Float32bits(f))
	}
	return floatType(4, 31, 23, 8, 23, 127), nil
}

// floatType encodes an IEEE little-endian float datatype (version 1,
// class 1, implied mantissa normalization).
func floatType(size, sign, expLoc, expSize, mantSize int, bias uint32) []byte {
	var e h5enc
	e.u8(0x11)
	e.raw([]byte{0x20, byte(sign), 0})
	e.u32(uint32(size))
	e.u16(0) // bit offset
	e.u16(uint16(8 * size))
	e.raw([]byte{byte(expLoc), byte(expSize), 0, byte(mantSize)})
	e.u32(bias)
	return e.b
}

// intType encodes a signed little-endian integer datatype (version 1,
// class 0).
func intType(size int) []byte {
	var e h5enc
	e.u8(0x10)
	e.raw([]byte{0x08, 0, 0})
	e.u32(uint32(size))
	e.u16(0)
	e.u16(uint16(8 * size))
	return e.b
}

// boolType is h5py's bool: an enum of int8 {FALSE=0, TRUE=1}, names
// padded to 8 bytes (datatype version 1).
func boolType() []byte {
	var e h5enc
	e.u8(0x18)
	e.raw([]byte{2, 0, 0}) // two members
	e.u32(1)
	e.raw(intType(1))
	e.strz8("FALSE")
	e.strz8("TRUE")
	e.raw([]byte{0, 1})
	return e.b
}

func encodeInts(e *h5enc, path string, d *Dataset, n int) ([]byte, error) {
	if err := onlyField(path, d, "Int", n); err != nil {
		return nil, err
	}
	switch d.DType {
	case Int64:
		for _, x := range d.Int {
			e.u64(uint64(x))
		}
		return intType(8), nil
	case Int32:
		for i, x := range d.Int {
			if x < math.MinInt32 || x > math.MaxInt32 {
				return nil, &Error{Dataset: path, Msg: fmt.Sprintf("value %d (%d) overflows int32", i, x)}
			}
			e.u32(uint32(int32(x)))
		}
		return intType(4), nil
	}
	for i, x := range d.Int {
		if x != 0 && x != 1 {
			return nil, &Error{Dataset: path, Msg: fmt.Sprintf("bool value %d is %d, want 0 or 1", i, x)}
		}
		e.u8(byte(x))
	}
	return boolType(), nil
}

// encodeStrings writes fixed-length NULLTERM strings of the longest
// string's length plus one; the character set is ASCII unless a string
// is not.
func encodeStrings(e *h5enc, path string, d *Dataset, n int, vlen bool) ([]byte, error) {
	if err := onlyField(path, d, "Str", n); err != nil {
		return nil, err
	}
	size, cset := 1, byte(0)
	for i, s := range d.Str {
		if strings.IndexByte(s, 0) >= 0 {
			return nil, &Error{Dataset: path, Msg: fmt.Sprintf("string %d contains NUL", i)}
		}
		if !utf8.ValidString(s) {
			return nil, &Error{Dataset: path, Msg: fmt.Sprintf("string %d is not valid UTF-8", i)}
		}
		for j := 0; j < len(s); j++ {
			if s[j] >= 0x80 {
				cset = 1
			}
		}
		size = max(size, len(s)+1)
	}
	if vlen {
		e.zero(16 * len(d.Str)) // references, filled in by globalHeaps
		return vlenStringType(), nil
	}
	for _, s := range d.Str {
		e.str(s)
		e.zero(size - len(s))
	}
	var t h5enc
	t.u8(0x13)
	t.raw([]byte{cset << 4, 0, 0}) // padding 0 = NULLTERM
	t.u32(uint32(size))
	return t.b, nil
}

// vlenStringType is h5py's str: a variable-length UTF-8 NULLTERM string
// of unsigned bytes (datatype version 1, class 9).
func vlenStringType() []byte {
	var e h5enc
	e.u8(0x19)
	e.raw([]byte{0x01, 0x01, 0}) // a string; NULLTERM; UTF-8
	e.u32(16)
	e.u8(0x10) // base: 8-bit unsigned integer
	e.raw([]byte{0, 0, 0})
	e.u32(1)
	e.u16(0)
	e.u16(8)
	return e.b
}

// Global heap collections: libhdf5 reads at least h5HeapMin bytes of
// one, and numbers its objects with 16 bits.
const (
	h5HeapMin     = 4096
	h5HeapMaxObjs = 0xffff
)

// globalHeaps writes every variable-length string into global heap
// collections, one object per reference (libhdf5 frees an object when
// the attribute referring to it goes, so objects are never shared), and
// fills in the references.
func (w *h5writer) globalHeaps() {
	for start := 0; start < len(w.vlens); start += h5HeapMaxObjs {
		refs := w.vlens[start:min(start+h5HeapMaxObjs, len(w.vlens))]
		var body h5enc
		for i, r := range refs {
			body.u16(uint16(i + 1))
			body.u16(0) // reference count, 0 as libhdf5 writes it
			body.u32(0)
			body.u64(uint64(len(r.s)))
			body.str(r.s)
			body.pad8()
		}
		size := max(h5HeapMin, 16+len(body.b)+16)
		var e h5enc
		e.str("GCOL")
		e.raw([]byte{1, 0, 0, 0}) // version 1
		e.u64(uint64(size))
		e.raw(body.b)
		e.zero(8) // object 0, the free space: index, reference count, reserved
		e.u64(uint64(size - len(e.b) + 8))
		addr := w.alloc(size)
		w.put(addr, e.b)
		for i, r := range refs {
			var ref h5enc
			ref.u32(uint32(len(r.s)))
			ref.u64(addr)
			ref.u32(uint32(i + 1))
			w.put(r.at, ref.b)
		}
	}
}
