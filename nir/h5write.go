package nir

import "errors"

// WriteHDF5 encodes root as an HDF5 file that libhdf5 (h5py, h5dump,
// nir.read) accepts: superblock v0, symbol-table groups with their
// B-trees and local heaps, contiguous little-endian datasets (float32,
// float64, int64), scalar and simple dataspaces, fixed-length NULLTERM
// strings. Attributes are written as HDF5 attributes. The output is
// deterministic: the same Group gives the same bytes.
func WriteHDF5(root *Group) ([]byte, error) {
	return nil, errors.New("nir: WriteHDF5 not implemented")
}
