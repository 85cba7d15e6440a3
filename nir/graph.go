package nir

import "errors"

// Read reads and decodes the NIR file at path.
func Read(path string) (*File, error) {
	g, err := ReadHDF5(path)
	if err != nil {
		return nil, err
	}
	return Decode(path, g)
}

// Decode turns a NIR file's root group into a File: /version and /node,
// recursively (nested NIRGraph nodes, metadata groups), validating every
// node (its type known, its parameters present with float/int dtypes and
// shapes as NIR defines them, no NaN or infinity, absent v_reset = 0 as
// NIR's reader does) and every edge (both ends exist, dotted names
// resolved), and inferring every node's input and output shape; a shape
// mismatch between connected nodes is an error naming both. name is the
// file name used in errors (*Error).
func Decode(name string, root *Group) (*File, error) {
	return nil, errors.New("nir: Decode not implemented")
}

// Encode turns f back into an HDF5 group tree in NIR's layout (what
// nir.write produces, minus compression): /version, /node with type,
// parameters, nodes/, edges (E,2) strings (an empty edge list as float64
// shape (0,), as NIR writes it), metadata/.
func Encode(f *File) *Group {
	return nil
}

// Write encodes f and writes it as HDF5 bytes (WriteHDF5(Encode(f))).
func Write(f *File) ([]byte, error) {
	return WriteHDF5(Encode(f))
}
