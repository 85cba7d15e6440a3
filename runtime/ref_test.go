package rt

import (
	"fmt"
	"testing"
)

// The reference test vectors of sc-neurocore-hdl.md §1 and DESIGN §5.

func TestLFSRSequences(t *testing.T) {
	tests := []struct {
		form Form
		want []uint16
	}{
		{Left, []uint16{0xACE1, 0x59C3, 0xB387, 0x670F, 0xCE1E, 0x9C3C, 0x3879, 0x70F2}},
		{Right, []uint16{0xACE1, 0x5670, 0xAB38, 0x559C, 0x2ACE, 0x1567, 0x8AB3, 0x4559}},
	}
	for _, tt := range tests {
		t.Run(tt.form.String(), func(t *testing.T) {
			l := LFSR16{State: 0xACE1, Form: tt.form}
			for i, want := range tt.want {
				if i > 0 {
					l.Next()
				}
				if l.State != want {
					t.Fatalf("state %d = %#04x, want %#04x", i, l.State, want)
				}
			}
		})
	}
}

func TestLFSRPeriodAndReversal(t *testing.T) {
	for _, f := range []Form{Left, Right} {
		seen := make([]bool, 1<<16)
		s := uint16(0xACE1)
		n := 0
		for !seen[s] {
			seen[s] = true
			s = f.Step(s)
			n++
		}
		if n != LFSRPeriod || s != 0xACE1 || seen[0] {
			t.Errorf("%v: period %d (back to %#x, zero seen %v), want %d", f, n, s, seen[0], LFSRPeriod)
		}
		if f.Step(0) != 0 {
			t.Errorf("%v: zero state does not lock up", f)
		}
	}
	rev := func(s uint16) uint16 {
		var r uint16
		for i := 0; i < 16; i++ {
			r |= (s >> i & 1) << (15 - i)
		}
		return r
	}
	for s := 1; s < 1<<16; s++ {
		if got, want := rev(StepRight(uint16(s))), StepLeft(rev(uint16(s))); got != want {
			t.Fatalf("rev(right(%#x)) = %#x, want left(rev) = %#x", s, got, want)
		}
	}
}

func TestEncoderFirstBits(t *testing.T) {
	want := []bool{false, true, false, true, false, false, true, true, false, false, false, true, true, true, true, false}
	e := NewEncoder(0xACE1)
	for n, w := range want {
		if got := e.Step(0x8000); got != w {
			t.Fatalf("bit after edge %d = %v, want %v", n+1, got, w)
		}
	}
}

func TestResetSeed(t *testing.T) {
	tests := []struct {
		seed   uint16
		tIndex uint32
		want   uint16
	}{
		{0xACE1, 0, 0xACE1},
		{0xACE1, 0x10001, 0xACE0},
		{0xACE1, 0xACE1, 0xACE1}, // would be zero: keep the seed
		{0xACE1, 0xFFFF0000, 0xACE1},
	}
	for _, tt := range tests {
		if got := ResetSeed(tt.seed, tt.tIndex); got != tt.want {
			t.Errorf("ResetSeed(%#x, %#x) = %#x, want %#x", tt.seed, tt.tIndex, got, tt.want)
		}
	}
}

func TestSeeds(t *testing.T) {
	in := []uint16{0xACE1, 0xACE8, 0xACEF}
	w := []uint16{0xBEEF, 0xBEFC, 0xBF09}
	for i := range in {
		if InputSeed(i) != in[i] || WeightSeed(i) != w[i] {
			t.Errorf("seeds(%d) = %#x, %#x, want %#x, %#x", i, InputSeed(i), WeightSeed(i), in[i], w[i])
		}
	}
	if got := MatrixWeightSeed(2, 3, 16); got != uint16(0xBEEF+13*(2*16+3)) {
		t.Errorf("MatrixWeightSeed(2,3,16) = %#x", got)
	}
	if got := MatrixWeightSeed(0, 5040, 1<<20); got != 0xBEEF+13*5040-0x10000 {
		t.Errorf("MatrixWeightSeed wraps to %#x", got)
	}
}

func TestDotCurrentTable(t *testing.T) {
	tests := []struct {
		yMin, yMax int16
		want       [4]int16
	}{
		{0, 256, [4]int16{0, 85, 170, 256}},
		{-256, 256, [4]int16{-256, -86, 85, 256}},
		{-100, 0, [4]int16{-100, -67, -34, 0}},
	}
	for _, tt := range tests {
		for c, want := range tt.want {
			if got := DotCurrent(c, 3, tt.yMin, tt.yMax); got != want {
				t.Errorf("DotCurrent(%d, 3, %d, %d) = %d, want %d", c, tt.yMin, tt.yMax, got, want)
			}
		}
	}
	if got := DotCurrent(3, 3, -32768, 32767); got != 10922 {
		t.Errorf("DotCurrent(3, 3, -32768, 32767) = %d, want 10922 (16-bit range overflow)", got)
	}
}

func TestLIFTraces(t *testing.T) {
	p := DefaultLIFParams()
	p.Refractory = 2
	tests := []struct {
		in   int64
		want [][2]int64 // spike, v
	}{
		{200, [][2]int64{{0, 200}, {1, 0}, {0, 0}, {0, 0}}},
		{128, [][2]int64{{0, 128}, {0, 246}, {1, 0}, {0, 0}, {0, 0}}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("I=", tt.in), func(t *testing.T) {
			n := NewLIF(p)
			for step := 0; step < 5*len(tt.want); step++ {
				s, v := n.Step(20, 256, tt.in, 0)
				w := tt.want[step%len(tt.want)]
				if b2i(s) != w[0] || v != w[1] {
					t.Fatalf("step %d = (%d,%d), want (%d,%d)", step, b2i(s), v, w[0], w[1])
				}
			}
		})
	}
}

// TestLIFWideLeak checks the corner where V_REST − v needs 17 bits (the
// newer Rust model casts it to 16 bits and diverges; the RTL does not).
func TestLIFWideLeak(t *testing.T) {
	p := DefaultLIFParams()
	p.VRest = 5000
	p.VThreshold = 32767
	n := NewLIF(p)
	n.V = -30000
	// d = 35000; d*leak(256) >> 8 = 35000, truncated to 16 bits = -30536.
	if got, want := n.Next(256, 0, 0, 0), int64(5000); got != want {
		t.Errorf("Next = %d, want %d", got, want)
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
