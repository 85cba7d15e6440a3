//go:build !(goexperiment.simd && amd64)

package rt

const haveSIMD = false

const simdMinWords = 1 << 62

func andPopcountSIMD(a, b []uint64) int { return andPopcountScalar(a, b) }

const haveAVX512 = false

func (q *LIFPop) lifBlockSIMD(lo int) uint64 { return q.block(lo, lo+64) }

func andPopcountBatchSIMD(dst []int32, a, b []uint64, words int) {
	andPopcountBatchScalar(dst, a, b, words)
}
