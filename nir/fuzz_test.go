package nir

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ReadHDF5 must return a group or an error for any bytes: never panic,
// never hang. The seeds are the fixtures and corrupted copies of them
// (truncated, and bytes flipped in the superblock, object headers,
// B-trees, heaps and chunk data).

// corruption is one damaged copy of a fixture.
type corruption struct {
	name string
	data []byte
}

// h5Corruptions damages b deterministically.
func h5Corruptions(b []byte) []corruption {
	var out []corruption
	add := func(name string, c []byte) { out = append(out, corruption{name, c}) }
	for _, frac := range []int{1, 2, 4, 6, 7} {
		n := len(b) * frac / 8
		add(fmt.Sprintf("truncated at %d/8 (%d)", frac, n), slices.Clone(b[:n]))
	}
	add("truncated by one byte", slices.Clone(b[:len(b)-1]))
	add("truncated after the superblock", slices.Clone(b[:min(len(b), 96)]))
	flip := func(what string, at int, x byte) {
		if at < 0 || at >= len(b) {
			return
		}
		c := slices.Clone(b)
		c[at] ^= x
		add(fmt.Sprintf("%s: byte %d ^ %#x", what, at, x), c)
	}
	fill := func(what string, at, n int, v byte) {
		if at < 0 || at+n > len(b) {
			return
		}
		c := slices.Clone(b)
		for i := range n {
			c[at+i] = v
		}
		add(fmt.Sprintf("%s: bytes %d..%d = %#x", what, at, at+n, v), c)
	}
	// Superblock v0: versions, sizes, the group leaf/internal K, the base,
	// free-space, EOF and driver addresses and the root symbol table entry.
	for _, at := range []int{8, 9, 13, 14, 16, 18, 24, 40, 48, 56, 64, 72, 80, 88} {
		flip("superblock", at, 0xff)
	}
	fill("superblock", 0, 96, 0)
	fill("superblock addresses", 24, 32, 0xff)
	// Structures found by their signatures: a version, a count, and an
	// address (set to far out of range or to itself).
	for _, sig := range []string{"TREE", "HEAP", "SNOD", "GCOL", "OHDR"} {
		for i, at := range h5Index(b, sig, 3) {
			what := fmt.Sprintf("%s #%d at %d", sig, i, at)
			flip(what, at+4, 0x01)
			flip(what, at+5, 0x7f)
			flip(what, at+6, 0xff)
			flip(what, at+9, 0x40)
			fill(what, at+8, 8, 0xff)
			fill(what, at+16, 8, 0x00)
		}
	}
	// Version-1 object headers: version 1, reserved 0, message count,
	// reference count 1, header size.
	for i, at := range h5ObjectHeaders(b, 5) {
		what := fmt.Sprintf("object header #%d at %d", i, at)
		flip(what, at, 0x02)
		flip(what, at+2, 0x3f)
		flip(what, at+9, 0x10)
		flip(what, at+16, 0x0c) // the first message's type
		flip(what, at+18, 0x80) // its size
		fill(what, at+24, 8, 0xff)
	}
	// Deflate streams (zlib header 0x78).
	for i, at := range slices.Concat(h5Index(b, "\x78\x5e", 2), h5Index(b, "\x78\x9c", 2)) {
		what := fmt.Sprintf("deflate #%d at %d", i, at)
		flip(what, at+1, 0x01)
		flip(what, at+4, 0x55)
		flip(what, at+12, 0xff)
	}
	return out
}

// h5Index lists up to max offsets of sig in b.
func h5Index(b []byte, sig string, max int) []int {
	var out []int
	for off := 0; len(out) < max; {
		i := bytes.Index(b[off:], []byte(sig))
		if i < 0 {
			break
		}
		out = append(out, off+i)
		off += i + 1
	}
	return out
}

// h5ObjectHeaders finds up to max 8-aligned version-1 object header
// prefixes.
func h5ObjectHeaders(b []byte, max int) []int {
	var out []int
	for at := 96; at+16 <= len(b) && len(out) < max; at += 8 {
		if b[at] == 1 && b[at+1] == 0 && b[at+3] == 0 && bytes.Equal(b[at+4:at+8], []byte{1, 0, 0, 0}) && b[at+2] > 0 {
			out = append(out, at)
		}
	}
	return out
}

// corruptFixtures are the fixtures whose corrupted copies are tested and
// seed the fuzzer: gzip and contiguous datasets, v1 B-trees, local and
// global heaps, group attributes, an enum and metadata groups. (Each read
// costs milliseconds; all fixtures' copies would take half a minute.)
var corruptFixtures = []string{"lif.nir", "lif_uncompressed.nir", "lif_data.h5", "metadata.nir"}

// h5Seeds is every fixture's bytes.
func h5Seeds(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, h5 := range h5Fixtures(t) {
		b, err := os.ReadFile(h5)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(h5)] = b
	}
	return out
}

// readBytes writes b to a temporary file and reads it.
func readBytes(t testing.TB, dir string, b []byte) (*Group, error) {
	t.Helper()
	p := filepath.Join(dir, "in.h5")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return ReadHDF5(p)
}

// maxFuzzSeed is the largest fixture that seeds FuzzRead.
const maxFuzzSeed = 100 << 10

func FuzzRead(f *testing.F) {
	seeds := h5Seeds(f)
	for _, b := range seeds {
		// The 430 KB ffn fixture would make every mutation and the
		// minimisation of every new input slow; its layout (larger chunk
		// B-trees) is in TestReadHDF5Fixtures.
		if len(b) <= maxFuzzSeed {
			f.Add(b)
		}
	}
	for _, name := range corruptFixtures[:2] {
		if seeds[name] == nil {
			f.Fatalf("fixture %s missing", name)
		}
		for _, c := range h5Corruptions(seeds[name]) {
			f.Add(c.data)
		}
	}
	dir := f.TempDir() // one per worker process; inputs run one at a time
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := readBytes(t, dir, b)
		if (g == nil) == (err == nil) {
			t.Fatalf("ReadHDF5 = %v, %v: want exactly one of a group and an error", g, err)
		}
	})
}

// TestReadCorrupt runs the corrupted copies of every fixture: each reads
// or fails, and the plainly broken ones fail.
func TestReadCorrupt(t *testing.T) {
	dir := t.TempDir()
	mustFail := func(name string, b []byte) {
		t.Helper()
		g, err := readBytes(t, dir, b)
		if err == nil || g != nil {
			t.Errorf("%s: ReadHDF5 = %v, %v, want an error", name, g, err)
		}
	}
	mustFail("empty file", nil)
	mustFail("a text file", []byte("version 1.0\nnode LIF\n"))
	mustFail("the signature alone", []byte(hdf5Signature))
	seeds := h5Seeds(t)
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range seeds {
			if !yield(k) {
				return
			}
		}
	})
	read, failed := 0, 0
	for _, name := range names {
		b := seeds[name]
		mustFail(name+" truncated at half", b[:len(b)/2])
		mustFail(name+" truncated by one byte", b[:len(b)-1])
		z := slices.Clone(b)
		clear(z[8:96])
		mustFail(name+" with a zeroed superblock", z)
		if !slices.Contains(corruptFixtures, name) {
			continue
		}
		for _, c := range h5Corruptions(b) {
			g, err := readBytes(t, dir, c.data)
			if (g == nil) == (err == nil) {
				t.Errorf("%s, %s: ReadHDF5 = %v, %v: want exactly one of a group and an error", name, c.name, g, err)
			}
			if err != nil {
				failed++
			} else {
				read++
			}
		}
	}
	// Links that scigolib would follow forever (a stack overflow no
	// recover catches) are rejected before it opens the file.
	if b := seeds["lif_uncompressed.nir"]; b != nil {
		snod := h5Index(b, "SNOD", 1)
		if len(snod) == 0 {
			t.Fatal("lif_uncompressed.nir has no symbol table node")
		}
		entry := snod[0] + 8 + 8 // the first entry's object header address
		for _, c := range []struct {
			name, want string
			addr       []byte
		}{
			{"an entry linking to the root group", "contains itself", b[64:72]},
			{"an entry linking to its symbol table node", "not an object header", binary.LittleEndian.AppendUint64(nil, uint64(snod[0]))},
		} {
			bad := slices.Clone(b)
			copy(bad[entry:], c.addr)
			g, err := readBytes(t, dir, bad)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: ReadHDF5 = %v, %v, want an error containing %q", c.name, g, err, c.want)
			}
		}
	}
	for _, name := range corruptFixtures {
		if seeds[name] == nil {
			t.Errorf("fixture %s missing", name)
		}
	}
	t.Logf("corrupted copies: %d read, %d rejected", read, failed)
	if failed == 0 {
		t.Errorf("no corrupted copy was rejected")
	}
}
