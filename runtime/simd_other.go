//go:build !(goexperiment.simd && amd64)

package rt

import "fmt"

// Without GOEXPERIMENT=simd on amd64 only the portable kernels exist; the
// constants let the compiler drop the dispatch branches.

const haveSIMD = false

const simdMinWords = 1 << 62

func andPopcountSIMD(a, b []uint64) int { return andPopcountScalar(a, b) }

const haveAVX512 = false

func (q *LIFPop) lifBlockSIMD(lo int) uint64 { return q.block(lo, lo+64) }

func andPopcountBatchSIMD(dst []int32, a, b []uint64, words int) {
	andPopcountBatchScalar(dst, a, b, words)
}

func currentPaths() (pop, lif simdPath) { return pathPortable, pathPortable }

func cpuFeatures() string { return "portable build: no GOEXPERIMENT=simd" }

// setPaths is the test hook that forces the AND+popcount and LIF paths; in
// this build only the portable ones exist.
func setPaths(pop, lif simdPath) (restore func(), err error) {
	if pop != pathPortable || lif != pathPortable {
		return nil, fmt.Errorf("rt: paths %v/%v not in this build", pop, lif)
	}
	return func() {}, nil
}
