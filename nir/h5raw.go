package nir

// HDF5 structures read from the file's bytes, not through scigolib: the
// object header messages it does not expose (datatype details, filters,
// layout), bool enum data, and a bounded walk of the group tree, chunk
// B-trees and heaps that ReadHDF5 runs before scigolib opens the file, so
// a corrupt file cannot make scigolib recurse or allocate without bound.

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
)

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
		case 0x02: // link info: dense storage when it has a fractal heap
			if len(data) < 2 {
				return fmt.Errorf("short link info message")
			}
			if at := 2 + 8*int(data[1]&1); len(data) >= at+r.offsetSize && r.uint(data[at:], r.offsetSize) != math.MaxUint64 {
				r.dense = true
			}
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
	r.links += len(h.links)
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
		r.links++
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
