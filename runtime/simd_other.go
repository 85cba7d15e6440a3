//go:build !(goexperiment.simd && amd64)

package rt

const haveSIMD = false

const simdMinWords = 1 << 62

func andPopcountSIMD(a, b []uint64) int { return andPopcountScalar(a, b) }
