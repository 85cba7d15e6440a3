package rt

// simdPath names a code path of the hand-written kernels. The vector paths
// exist only in GOEXPERIMENT=simd builds on amd64 (simd_amd64.go,
// simd_avx2_amd64.go); which one runs is chosen once at start-up from the
// CPU's features (best first: AVX-512, AVX2, portable) and can be forced by
// tests through setPaths.
type simdPath uint8

const (
	pathPortable simdPath = iota // plain Go
	pathAVX2                     // 256-bit vectors; popcount by nibble table (VPSHUFB)
	pathAVX512                   // 512-bit vectors; popcount by VPOPCNTQ
	numPaths
)

func (p simdPath) String() string {
	switch p {
	case pathPortable:
		return "portable"
	case pathAVX2:
		return "avx2"
	case pathAVX512:
		return "avx512"
	}
	return "?"
}

// Features names the paths the kernels of this package dispatched to and
// the CPU features behind them, e.g.
// "and+popcount avx512, lif avx512 (GOEXPERIMENT=simd: avx2 avx512 avx512vpopcntdq)".
// Benchmarks print it.
func Features() string {
	pop, lif := currentPaths()
	return "and+popcount " + pop.String() + ", lif " + lif.String() + " (" + cpuFeatures() + ")"
}
