// Package nir reads and writes NIR graphs (the Neuromorphic Intermediate
// Representation, neuromorphs/NIR) and maps them to and from scc networks
// (DESIGN.md §9, NORMATIVE; facts in shared/reference/nir.md).
//
// Layers, each in its own files:
//
//   - HDF5 (h5.go types; h5read.go over github.com/scigolib/hdf5, the
//     maintained pure-Go reader; h5write.go, scc's own minimal writer,
//     because no Go library writes files NIR's reader accepts without cgo:
//     superblock v0, symbol-table groups, contiguous datasets, scalar
//     dataspaces, fixed-length strings). Nothing outside these files sees
//     the HDF5 library.
//   - Graph (types.go, graph.go): the NIR node tree decoded from an HDF5
//     Group, validated (a missing type, an unknown node type, an edge
//     naming a missing node, a wrong dtype, a NaN or infinite parameter,
//     shapes that do not connect: each an *Error naming the node and the
//     dataset), with every node's input and output shape inferred; and
//     encoded back.
//   - Linear maps (linear.go): Affine, Linear, Scale, Conv1d, Conv2d,
//     SumPool2d, AvgPool2d and Flatten as sparse matrices in NIR's
//     (PyTorch's) C-order index layout, composed along chains between
//     neuron nodes.
//   - Import (import.go): a File becomes a readable .snn network of the
//     library's NIR models (models/nir_*.snn) plus side files, every
//     choice stated in comments.
//   - Info (info.go): what `scc nir info` prints.
//   - Export (export.go): an ir.Net of NIR-mappable populations becomes a
//     File with scc's hardware semantics in metadata.
package nir
