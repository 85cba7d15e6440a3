package nir

import "fmt"

// DType is the stored element type of an HDF5 dataset.
type DType int

const (
	Float32 DType = iota + 1
	Float64
	Int64
	Int32
	String // variable- or fixed-length; the reader accepts both, the writer writes fixed-length
	Bool   // an HDF5 enum of int8 {FALSE=0, TRUE=1} (NIRData only)
)

func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	case Int64:
		return "int64"
	case Int32:
		return "int32"
	case String:
		return "string"
	case Bool:
		return "bool"
	}
	return fmt.Sprintf("DType(%d)", int(d))
}

// Dataset is one HDF5 dataset (or attribute) as nir reads and writes it.
// Values are in C (row-major) order; exactly one of Float, Int, Str is set,
// by DType: Float for Float32/Float64 (float32 widened exactly), Int for
// Int64/Int32/Bool, Str for String.
type Dataset struct {
	DType DType
	Shape []int // empty: a scalar dataspace
	Float []float64
	Int   []int64
	Str   []string
	// Gzip reports that the dataset was stored deflate-compressed (read
	// only; the writer always writes contiguous, uncompressed data).
	Gzip bool
}

// Len is the number of elements (1 for a scalar).
func (d *Dataset) Len() int {
	n := 1
	for _, s := range d.Shape {
		n *= s
	}
	return n
}

// Group is an HDF5 group: sub-groups, datasets and attributes by name.
type Group struct {
	Groups   map[string]*Group
	Datasets map[string]*Dataset
	Attrs    map[string]*Dataset
}

// File is a NIR file: its version string and its root node (normally a
// NIRGraph; a bare node is allowed, as NIR's writer allows it).
type File struct {
	Version string
	Root    *Node
}

// Node is one NIR node.
type Node struct {
	Name string // the name in its graph's nodes/ group ("" for the root)
	Type string // NIR's type string: "LIF", "Affine", "NIRGraph", …
	// Params holds every parameter dataset by name, as stored (dtype and
	// shape kept, so export writes what import read).
	Params map[string]*Dataset
	// Graph is set for a NIRGraph node.
	Graph *Graph
	// Metadata is the node's metadata/ group, nil when absent.
	Metadata *Group
	// In and Out are the inferred input and output shapes (NIR's
	// input_type/output_type, recomputed as NIR's reader does), filled by
	// Decode.
	In, Out []int
	// Defaulted lists the parameters absent from the file that Decode
	// filled in as NIR's reader does (v_reset = 0, w_in = 1); Encode
	// leaves them out again.
	Defaulted []string
}

// Graph is a NIRGraph's body.
type Graph struct {
	Nodes []*Node // sorted by name (HDF5 lists groups alphabetically)
	Edges []Edge  // in file order
}

// Edge connects two nodes of one graph by name. A name may be dotted
// ("lif1.lif"): flat recurrence as the braille files write it, or an
// endpoint inside a nested NIRGraph node ("rsnn.input").
type Edge struct{ Src, Dst string }

// Node returns the node named name, or nil.
func (g *Graph) Node(name string) *Node {
	for _, n := range g.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Error is a malformed or unsupported NIR file: the file, the node path
// (dotted from the root graph, "" for the file itself), the dataset or
// edge concerned ("" when none) and what is wrong.
type Error struct {
	File    string
	Node    string
	Dataset string
	Msg     string
}

func (e *Error) Error() string {
	s := e.File
	if s == "" {
		s = "nir"
	}
	if e.Node != "" {
		s += ": node " + e.Node
	}
	if e.Dataset != "" {
		s += ": " + e.Dataset
	}
	return s + ": " + e.Msg
}
