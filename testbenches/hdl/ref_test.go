package hdltb

import "testing"

// The reference test vectors (sc-neurocore-hdl.md §1, DESIGN §5) asserted
// on the RTL from literal tables, independent of the runtime models.

func TestRTLReferenceLFSR(t *testing.T) {
	for _, tc := range []struct {
		right int64
		want  []uint16
	}{
		{0, []uint16{0xACE1, 0x59C3, 0xB387, 0x670F, 0xCE1E, 0x9C3C, 0x3879, 0x70F2}},
		{1, []uint16{0xACE1, 0x5670, 0xAB38, 0x559C, 0x2ACE, 0x1567, 0x8AB3, 0x4559}},
	} {
		tr := mustTrace(t, "sc_lfsr16", map[string]int64{"SEED": 0xACE1, "RIGHT": tc.right})
		add(t, tr, map[string]V{"rst_n": false, "threshold": 0}, map[string]V{"state": 0xACE1, "bit_out": false})
		for k, s := range tc.want {
			add(t, tr, map[string]V{"rst_n": k != 0, "threshold": 0xFFFF}, map[string]V{"state": s, "bit_out": s < 0xFFFF})
		}
		expectPass(t, Icarus, tr)
	}
}

func TestRTLReferenceEncoder(t *testing.T) {
	want := []int{0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0}
	tr := mustTrace(t, "sc_bitstream_encoder", nil)
	for k := 0; k < 2; k++ {
		add(t, tr, map[string]V{"rst_n": false, "x_value": 0x8000, "t_index": 0}, map[string]V{"bit_out": false})
	}
	for _, b := range want {
		add(t, tr, map[string]V{"rst_n": true, "x_value": 0x8000, "t_index": 0}, map[string]V{"bit_out": b == 1})
	}
	expectPass(t, Icarus, tr)
}

func TestRTLReferenceDotproduct(t *testing.T) {
	tr := mustTrace(t, "sc_dotproduct_to_current", nil)
	for _, tc := range []struct {
		yMin, yMax int16
		want       [4]int16
	}{
		{0, 256, [4]int16{0, 85, 170, 256}},
		{-256, 256, [4]int16{-256, -86, 85, 256}},
		{-100, 0, [4]int16{-100, -67, -34, 0}},
	} {
		for c, bits := range []uint64{0b000, 0b010, 0b101, 0b111} {
			add(t, tr, map[string]V{"post_bits": bits, "y_min": tc.yMin, "y_max": tc.yMax}, map[string]V{"I_t": tc.want[c]})
		}
	}
	// The range overflows 16 bits: all ones gives 10922, not y_max.
	add(t, tr, map[string]V{"post_bits": 0b111, "y_min": -32768, "y_max": 32767}, map[string]V{"I_t": 10922})
	expectPass(t, Icarus, tr)
}

func TestRTLReferenceLIF(t *testing.T) {
	for _, tc := range []struct {
		in   int
		want [][2]int
	}{
		{200, [][2]int{{0, 200}, {1, 0}, {0, 0}, {0, 0}}},
		{128, [][2]int{{0, 128}, {0, 246}, {1, 0}, {0, 0}, {0, 0}}},
	} {
		tr := mustTrace(t, "sc_lif_neuron", map[string]int64{"REFRACTORY_PERIOD": 2})
		for k := 0; k < 2; k++ {
			add(t, tr, map[string]V{"rst_n": false, "leak_k": 20, "gain_k": 256, "I_t": tc.in, "noise_in": 0},
				map[string]V{"spike_out": false, "v_out": 0})
		}
		for k := 0; k < 5*len(tc.want); k++ {
			w := tc.want[k%len(tc.want)]
			add(t, tr, map[string]V{"rst_n": true, "leak_k": 20, "gain_k": 256, "I_t": tc.in, "noise_in": 0},
				map[string]V{"spike_out": w[0] == 1, "v_out": w[1]})
		}
		expectPass(t, Icarus, tr)
	}
}
