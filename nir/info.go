package nir

// Describe returns what `scc nir info` prints for f: every node (path,
// type, input and output shape, what it becomes in scc: a population of
// which library model, a projection, an unrolled convolution, a source, a
// record), the edges, the recurrent cycles, and every node scc cannot
// honour with the reason.
func Describe(f *File, opt ImportOptions) string {
	return ""
}
