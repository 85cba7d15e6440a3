package sim

import "math"

// NoiseClamp bounds every noise sample: N(0, 1) draws are clamped to
// [−NoiseClamp, NoiseClamp] so a noise input has a finite range its
// fixed-point format can hold (|z| > 6 has probability 2·10⁻⁹ per draw).
const NoiseClamp = 6

// Noise is a deterministic stream of standard normal samples, the white
// noise of a Brian2 model's xi (ir.Input.Noise): one sample per step and
// neuron. The algorithm is fixed so runs repeat bit for bit:
//
//   - the stream's 64-bit state is splitmix64(seed + 0x9E3779B97F4A7C15·(input+1)
//   - 0xD1B54A32D192ED03·neuron), forced non-zero; each uniform draw
//     advances it by xorshift64* (x ^= x>>12; x ^= x<<25; x ^= x>>27;
//     out = x·0x2545F4914F6CDD1D) and takes u = (out>>11 + 0.5)·2⁻⁵³ in (0, 1);
//   - normals come in pairs by Marsaglia's polar method in float64:
//     a = 2u₁−1, b = 2u₂−1, s = a²+b², redrawn until 0 < s < 1, then
//     z₁ = a·√(−2 ln s / s), z₂ = b·√(−2 ln s / s) (z₁ first);
//   - each sample is clamped to [−6, 6] (NoiseClamp).
//
// The float64 and the bit-true run read the same samples (the bit-true run
// the sample encoded in the input's format, rounded to nearest even).
type Noise struct {
	x     uint64
	spare float64
	have  bool
}

// NewNoise returns the stream of noise input number input (the index among
// the function's noise inputs) of neuron neuron under seed.
func NewNoise(seed uint64, input, neuron int) *Noise {
	s := splitmix64(seed + 0x9E3779B97F4A7C15*uint64(input+1) + 0xD1B54A32D192ED03*uint64(neuron))
	if s == 0 {
		s = 1
	}
	return &Noise{x: s}
}

func splitmix64(z uint64) uint64 {
	z += 0x9E3779B97F4A7C15
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

func (n *Noise) uniform() float64 {
	x := n.x
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	n.x = x
	return (float64((x*0x2545F4914F6CDD1D)>>11) + 0.5) * 0x1p-53
}

// Next returns the next sample: N(0, 1) clamped to [−6, 6].
func (n *Noise) Next() float64 {
	if n.have {
		n.have = false
		return n.spare
	}
	for {
		a, b := 2*n.uniform()-1, 2*n.uniform()-1
		s := a*a + b*b
		if s <= 0 || s >= 1 {
			continue
		}
		m := math.Sqrt(-2 * math.Log(s) / s)
		n.spare, n.have = clampNoise(b*m), true
		return clampNoise(a * m)
	}
}

func clampNoise(z float64) float64 { return max(-NoiseClamp, min(NoiseClamp, z)) }
