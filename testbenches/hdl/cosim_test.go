package hdltb

import (
	"math/rand/v2"
	"strings"
	"testing"

	"scc/internal/tool"
	rt "scc/runtime"
)

// cycles is the length of every random co-simulation (issue 4: ≥ 10,000).
const cycles = 10_000

func need(t *testing.T, sim Simulator) {
	t.Helper()
	if sim == Verilator {
		tool.Need(t, "verilator")
	} else {
		tool.Need(t, "iverilog", "vvp")
	}
}

// expectPass runs tr and fails the test unless the testbench passes with
// exactly tr.Cycles() cycles.
func expectPass(t *testing.T, sim Simulator, tr *Trace) {
	t.Helper()
	need(t, sim)
	res, err := Run(sim, t.TempDir(), tr)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Pass {
		t.Fatalf("%s %s: %s", sim, tr.L.Module.Name, res.Line)
	}
	if res.Cycles != tr.Cycles() {
		t.Fatalf("%s %s: testbench checked %d cycles, want %d", sim, tr.L.Module.Name, res.Cycles, tr.Cycles())
	}
}

func mustTrace(t *testing.T, module string, over map[string]int64) *Trace {
	t.Helper()
	tr, err := NewTrace(module, over)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func add(t *testing.T, tr *Trace, in, out map[string]V) {
	t.Helper()
	if err := tr.Add(in, out); err != nil {
		t.Fatal(err)
	}
}

// resetAt reports whether cycle c holds reset: the first two cycles, then
// short random pulses about every 2,000 cycles.
type resetGen struct {
	r    *rand.Rand
	left int
}

func (g *resetGen) at(c int) bool {
	if c < 2 {
		return true
	}
	if g.left > 0 {
		g.left--
		return true
	}
	if g.r.IntN(2000) == 0 {
		g.left = g.r.IntN(3)
		return true
	}
	return false
}

func newRand(t *testing.T) *rand.Rand {
	h := uint64(0)
	for _, c := range t.Name() {
		h = h*131 + uint64(c)
	}
	return rand.New(rand.NewPCG(h, 42))
}

func TestLFSR16(t *testing.T) {
	for _, tc := range []struct {
		name string
		seed uint16
		form rt.Form
	}{{"left", 0xACE1, rt.Left}, {"right", 0xBEEF, rt.Right}, {"zero-seed", 0, rt.Left}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRand(t)
			right := int64(0)
			if tc.form == rt.Right {
				right = 1
			}
			tr := mustTrace(t, "sc_lfsr16", map[string]int64{"SEED": int64(tc.seed), "RIGHT": right})
			seed := tc.seed
			if seed == 0 {
				seed = 0xACE1
			}
			l := rt.LFSR16{Form: tc.form}
			rg := resetGen{r: r}
			for c := 0; c < cycles; c++ {
				rst := rg.at(c)
				th := uint16(r.Uint32())
				if rst {
					l.State = seed
				} else {
					l.Next()
				}
				add(t, tr, map[string]V{"rst_n": !rst, "threshold": th},
					map[string]V{"state": l.State, "bit_out": l.State < th})
			}
			expectPass(t, Icarus, tr)
		})
	}
}

func TestEncoder(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	tr := mustTrace(t, "sc_bitstream_encoder", nil)
	e := rt.NewEncoder(rt.DefaultSeed)
	rg := resetGen{r: r}
	x := uint16(r.Uint32())
	for c := 0; c < cycles; c++ {
		rst := rg.at(c)
		ti := r.Uint32()
		if r.IntN(8) == 0 {
			ti = rt.DefaultSeed // exercises the zero-seed guard
		}
		if r.IntN(50) == 0 {
			x = uint16(r.Uint32())
		}
		if rst {
			e.Reset(ti)
		} else {
			e.Step(x)
		}
		add(t, tr, map[string]V{"rst_n": !rst, "x_value": x, "t_index": ti}, map[string]V{"bit_out": e.Bit})
	}
	expectPass(t, Icarus, tr)
}

func TestSynapseAndMux(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	syn := mustTrace(t, "sc_bitstream_synapse", nil)
	mux := mustTrace(t, "sc_mux_add", nil)
	// Packed runtime kernels produce the expected streams.
	const n = cycles
	a, b, s := make([]uint64, rt.Words(n)), make([]uint64, rt.Words(n)), make([]uint64, rt.Words(n))
	for i := range a {
		a[i], b[i], s[i] = r.Uint64(), r.Uint64(), r.Uint64()
	}
	and, m := make([]uint64, len(a)), make([]uint64, len(a))
	rt.And(and, a, b)
	rt.Mux(m, a, b, s)
	for k := 0; k < n; k++ {
		add(t, syn, map[string]V{"pre_bit": rt.Bit(a, k), "w_bit": rt.Bit(b, k)}, map[string]V{"post_bit": rt.Bit(and, k)})
		add(t, mux, map[string]V{"a": rt.Bit(a, k), "b": rt.Bit(b, k), "sel": rt.Bit(s, k)}, map[string]V{"out": rt.Bit(m, k)})
	}
	expectPass(t, Icarus, syn)
	expectPass(t, Icarus, mux)
}

func TestCorDiv(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	tr := mustTrace(t, "sc_cordiv", nil)
	var c rt.CorDiv
	rg := resetGen{r: r}
	for k := 0; k < cycles; k++ {
		rst := rg.at(k)
		x, y := r.IntN(4) == 0, r.IntN(2) == 0
		if rst {
			c = rt.CorDiv{}
		} else {
			c.Step(x, y)
		}
		add(t, tr, map[string]V{"rst": rst, "x": x, "y": y}, map[string]V{"z": c.Z})
	}
	expectPass(t, Icarus, tr)
}

func TestDotproduct(t *testing.T) {
	for _, tc := range []struct {
		name string
		n, w int
	}{{"default", 3, 16}, {"n8w12", 8, 12}, {"n1", 1, 16}, {"n7", 7, 16}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRand(t)
			tr := mustTrace(t, "sc_dotproduct_to_current", map[string]int64{"N_INPUTS": int64(tc.n), "DATA_WIDTH": int64(tc.w)})
			for k := 0; k < cycles; k++ {
				bits := r.Uint64() & (1<<tc.n - 1)
				lo, hi := int64(r.Uint64())>>(64-tc.w), int64(r.Uint64())>>(64-tc.w)
				if r.IntN(2) == 0 { // mostly sensible ranges, sometimes anything
					lo, hi = min(lo, hi), max(lo, hi)
				}
				cnt := 0
				for b := bits; b != 0; b &= b - 1 {
					cnt++
				}
				add(t, tr, map[string]V{"post_bits": bits, "y_min": lo, "y_max": hi},
					map[string]V{"I_t": rt.DotCurrentW(cnt, tc.n, tc.w, lo, hi)})
			}
			expectPass(t, Icarus, tr)
		})
	}
}

func TestLIF(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    rt.LIFParams
	}{
		{"default", rt.DefaultLIFParams()},
		{"rp2", rt.LIFParams{Width: 16, Fraction: 8, VThreshold: 256, Refractory: 2}},
		{"wide-leak", rt.LIFParams{Width: 16, Fraction: 8, VRest: 5000, VReset: -3000, VThreshold: 20000, Refractory: 3}},
		{"w12f6", rt.LIFParams{Width: 12, Fraction: 6, VRest: -100, VReset: -200, VThreshold: 300, Refractory: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRand(t)
			p := tc.p
			tr := mustTrace(t, "sc_lif_neuron", map[string]int64{"DATA_WIDTH": int64(p.Width), "FRACTION": int64(p.Fraction),
				"V_REST": p.VRest, "V_RESET": p.VReset, "V_THRESHOLD": p.VThreshold, "REFRACTORY_PERIOD": int64(p.Refractory)})
			n := rt.NewLIF(p)
			rg := resetGen{r: r}
			word := func() int64 { return int64(r.Uint64()) >> (64 - p.Width) }
			leak, gain := word(), word()
			spikes := 0
			for k := 0; k < cycles; k++ {
				rst := rg.at(k)
				if r.IntN(200) == 0 {
					leak, gain = word(), word()
				}
				in, noise := word()/int64(1+r.IntN(64)), word()>>uint(4+r.IntN(8))
				switch r.IntN(6) {
				case 0:
					in, noise = word(), word() // extremes: wrap-around paths
				case 1:
					// Land exactly on the threshold, or one below or above it.
					noise = 0
					noise = wrapW(p.VThreshold-n.Next(leak, gain, in, 0)+int64(r.IntN(3)-1), p.Width)
				}
				if rst {
					n.Reset()
				} else {
					n.Step(leak, gain, in, noise)
				}
				if n.Spike {
					spikes++
				}
				add(t, tr, map[string]V{"rst_n": !rst, "leak_k": leak, "gain_k": gain, "I_t": in, "noise_in": noise},
					map[string]V{"spike_out": n.Spike, "v_out": n.V})
			}
			if spikes < 10 {
				t.Fatalf("only %d spikes in %d cycles: stimulus too weak", spikes, cycles)
			}
			expectPass(t, Icarus, tr)
		})
	}
}

func wrapW(x int64, w int) int64 { return x << (64 - w) >> (64 - w) }

func TestRateBank(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n, cnt, sw int
	}{{"default", 7, 16, 32}, {"n3c4", 3, 4, 32}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRand(t)
			tr := mustTrace(t, "sc_firing_rate_bank", map[string]int64{"N_NEURONS": int64(tc.n), "CNT_WIDTH": int64(tc.cnt), "SCALE_WIDTH": int64(tc.sw)})
			rb := rt.NewRateBank(tc.n, tc.cnt, tc.sw)
			rg := resetGen{r: r}
			for k := 0; k < cycles; k++ {
				rst := rg.at(k)
				sp := []uint64{r.Uint64() & (1<<tc.n - 1)}
				sv, ra, rd := r.IntN(8) != 0, r.IntN(10) != 0, r.IntN(40) == 0
				scale := r.Uint32()
				if rst {
					rb.Reset()
				} else {
					rb.Step(sp, sv, ra, rd, uint64(scale))
				}
				rates := make([]uint64, (tc.n+1)/2)
				for i, v := range rb.Rate {
					rates[i/2] |= uint64(v) << (32 * (i % 2))
				}
				add(t, tr, map[string]V{"rst_n": !rst, "spikes": sp, "step_valid": sv, "run_active": ra, "run_done": rd, "SCALE_Q16": scale},
					map[string]V{"rate_q16": rates})
			}
			expectPass(t, Icarus, tr)
		})
	}
}

// denseStim drives a dense layer model with random configuration changes,
// start pulses and resets, recording each cycle through record.
func denseStim(t *testing.T, r *rand.Rand, d *rt.Dense, n int, record func(in *rt.DenseIn, rst bool)) {
	nw := d.NIn
	if d.Matrix {
		nw *= d.NOut
	}
	in := rt.DenseIn{X: make([]uint16, d.NIn), W: make([]uint16, nw)}
	randomize := func() {
		for i := range in.X {
			in.X[i] = uint16(r.Uint32())
		}
		for i := range in.W {
			in.W[i] = uint16(r.Uint32())
		}
		in.YMin, in.YMax = int16(-r.IntN(600)), int16(r.IntN(800))
		if r.IntN(5) == 0 {
			in.YMin, in.YMax = int16(r.Uint32()), int16(r.Uint32())
		}
		in.Leak, in.Gain = int16(r.IntN(80)), int16(r.IntN(1024))
		in.StreamLen = uint32(1 + r.IntN(300))
		if r.IntN(10) == 0 {
			in.StreamLen = uint32(r.IntN(3)) // 0 runs for 2^32 cycles
		}
	}
	randomize()
	rg := resetGen{r: r}
	for c := 0; c < n; c++ {
		if r.IntN(700) == 0 {
			randomize()
		}
		in.Reset = rg.at(c)
		in.Start = r.IntN(20) == 0
		d.Step(&in)
		record(&in, in.Reset)
	}
}

func packWords(vals []uint16, w int) []uint64 {
	out := make([]uint64, (len(vals)*w+63)/64)
	for i, v := range vals {
		for b := 0; b < w; b++ {
			if v>>b&1 != 0 {
				k := i*w + b
				out[k/64] |= 1 << (k % 64)
			}
		}
	}
	return out
}

func TestDenseLayerCore(t *testing.T) {
	for _, tc := range []struct {
		name      string
		nIn, nOut int
	}{{"3x5", 3, 5}, {"5x2", 5, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRand(t)
			tr := mustTrace(t, "sc_dense_layer_core", map[string]int64{"N_INPUTS": int64(tc.nIn), "N_NEURONS": int64(tc.nOut)})
			d := rt.NewDenseCore(tc.nIn, tc.nOut)
			spikes := 0
			denseStim(t, r, d, cycles, func(in *rt.DenseIn, rst bool) {
				if d.Spikes[0] != 0 {
					spikes++
				}
				add(t, tr, map[string]V{"rst_n": !rst, "start_pulse": in.Start, "stream_len": in.StreamLen,
					"x_input_fp": packWords(in.X, 16), "weight_fp": packWords(in.W, 16),
					"y_min_fp": in.YMin, "y_max_fp": in.YMax, "cfg_leak": in.Leak, "cfg_gain": in.Gain},
					map[string]V{"I_t": d.Current[0], "spikes": d.Spikes, "step_valid": d.Running,
						"run_done": d.RunDone, "running": d.Running})
			})
			if spikes < 20 {
				t.Fatalf("only %d spiking cycles", spikes)
			}
			expectPass(t, Icarus, tr)
		})
	}
}

func TestDenseMatrixLayer(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	const nIn, nOut = 16, 10 // the module's defaults
	tr := mustTrace(t, "sc_dense_matrix_layer", nil)
	d := rt.NewDenseMatrix(nIn, nOut)
	spikes := 0
	denseStim(t, r, d, 2*cycles, func(in *rt.DenseIn, rst bool) {
		if d.Spikes[0] != 0 {
			spikes++
		}
		add(t, tr, map[string]V{"rst_n": !rst, "start_pulse": in.Start, "stream_len": in.StreamLen,
			"x_input_fp": packWords(in.X, 16), "weight_fp": packWords(in.W, 16),
			"y_min_fp": in.YMin, "y_max_fp": in.YMax, "cfg_leak": in.Leak, "cfg_gain": in.Gain},
			map[string]V{"spikes": d.Spikes, "step_valid": d.Running, "run_done": d.RunDone, "running": d.Running})
	})
	if spikes < 20 {
		t.Fatalf("only %d spiking cycles", spikes)
	}
	expectPass(t, Verilator, tr)
}

func TestSynchroniser(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	tr := mustTrace(t, "two_flop_synchroniser", nil)
	var s Sync
	rg := resetGen{r: r}
	for k := 0; k < cycles; k++ {
		rst := rg.at(k)
		in := r.IntN(3) == 0
		s.Step(!rst, in)
		add(t, tr, map[string]V{"rst_n": !rst, "async_in": in}, map[string]V{"sync_out": s.Out})
	}
	expectPass(t, Icarus, tr)
}

func TestAXIStream(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	tr := mustTrace(t, "sc_axis_interface", nil)
	m := AXIS{Width: 64}
	for k := 0; k < cycles; k++ {
		in := AXISIn{Rst: k < 2 || r.IntN(3000) == 0, SData: r.Uint64(), SValid: r.IntN(3) != 0, SLast: r.IntN(8) == 0,
			MReady: r.IntN(3) != 0, InReady: r.IntN(3) != 0, OutData: r.Uint64() & 0xFF, OutValid: r.IntN(4) == 0}
		m.Step(&in)
		add(t, tr, map[string]V{"rst": in.Rst, "s_axis_tdata": in.SData, "s_axis_tvalid": in.SValid, "s_axis_tlast": in.SLast,
			"m_axis_tready": in.MReady, "layer_input_ready": in.InReady, "layer_output_data": in.OutData, "layer_output_valid": in.OutValid},
			map[string]V{"s_axis_tready": m.SReady(&in), "m_axis_tdata": m.MData, "m_axis_tvalid": m.MValid, "m_axis_tlast": m.MLast,
				"layer_input_data": m.InData, "layer_input_valid": m.InValid})
	}
	expectPass(t, Icarus, tr)
}

// axiMaster issues random AXI4-Lite writes and reads that obey the
// protocol (VALID held with stable payload until READY), against a model's
// ready/valid outputs of the previous cycle.
type axiMaster struct {
	r                *rand.Rand
	aw, w, ar        bool
	addr, raddr      uint8
	data             uint32
	bready, rready   bool
	forceStart, done int
}

var axiAddrs = []uint8{0x00, 0x04, 0x10, 0x14, 0x18, 0x20, 0x24, 0x28, 0x30, 0x34, 0x40, 0x44, 0x48, 0x50, 0x54,
	0x80, 0x84, 0x88, 0x8C, 0x90, 0x94, 0x98, 0x0C, 0xFC}

// next returns this cycle's master outputs given the slave's registered
// outputs (after the previous edge).
func (a *axiMaster) next(m *AXILite) AXIIn {
	// Handshakes completed at the previous edge drop VALID.
	if a.aw && m.AWReady && m.WReady {
		// the edge that saw AWREADY && AWVALID consumed the transfer
	}
	if !a.aw && a.r.IntN(6) == 0 {
		a.aw, a.w = true, true
		a.addr = axiAddrs[a.r.IntN(len(axiAddrs))]
		a.data = a.r.Uint32()
		switch a.addr {
		case 0x00:
			a.data |= 1
		case 0x40:
			a.data = 1 + a.data%200
		case 0x30:
			a.data = uint32(uint16(-a.r.IntN(600)))
		case 0x34:
			a.data = uint32(a.r.IntN(800))
		case 0x50:
			a.data = uint32(a.r.IntN(80))
		case 0x54:
			a.data = uint32(a.r.IntN(1024))
		}
	}
	if !a.ar && a.r.IntN(4) == 0 {
		a.ar = true
		a.raddr = axiAddrs[a.r.IntN(len(axiAddrs))]
	}
	a.bready, a.rready = a.r.IntN(3) != 0, a.r.IntN(3) != 0
	return AXIIn{ResetN: true, AWAddr: a.addr, AWValid: a.aw, WData: a.data, WStrb: uint8(a.r.IntN(16)),
		WValid: a.w, BReady: a.bready, ARAddr: a.raddr, ARValid: a.ar, RReady: a.rready}
}

// after updates the master with the handshakes that happened at the edge
// just applied (pre-edge slave outputs pre, master outputs in).
func (a *axiMaster) after(pre *AXILite, in *AXIIn) {
	if pre.AWReady && in.AWValid && pre.WReady && in.WValid {
		a.aw, a.w = false, false
	}
	if pre.ARReady && in.ARValid {
		a.ar = false
	}
}

func axiPorts(in *AXIIn) map[string]V {
	return map[string]V{"S_AXI_ARESETN": in.ResetN, "S_AXI_AWADDR": in.AWAddr, "S_AXI_AWVALID": in.AWValid,
		"S_AXI_WDATA": in.WData, "S_AXI_WSTRB": in.WStrb, "S_AXI_WVALID": in.WValid, "S_AXI_BREADY": in.BReady,
		"S_AXI_ARADDR": in.ARAddr, "S_AXI_ARVALID": in.ARValid, "S_AXI_RREADY": in.RReady}
}

func axiOuts(m *AXILite) map[string]V {
	return map[string]V{"S_AXI_AWREADY": m.AWReady, "S_AXI_WREADY": m.WReady, "S_AXI_BRESP": 0, "S_AXI_BVALID": m.BValid,
		"S_AXI_ARREADY": m.ARReady, "S_AXI_RDATA": m.RData, "S_AXI_RRESP": 0, "S_AXI_RVALID": m.RValid}
}

func TestAXILiteCfg(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	tr := mustTrace(t, "sc_axil_cfg", nil)
	var m AXILite
	a := axiMaster{r: r}
	rg := resetGen{r: r}
	reads := 0
	for k := 0; k < cycles; k++ {
		in := a.next(&m)
		in.ResetN = !rg.at(k)
		in.Busy, in.Done = r.IntN(2) == 0, r.IntN(5) == 0
		rates := make([]uint64, 4)
		for i := range in.Rates {
			in.Rates[i] = r.Uint32()
			rates[i/2] |= uint64(in.Rates[i]) << (32 * (i % 2))
		}
		pre := m
		m.Step(&in)
		if in.ResetN {
			a.after(&pre, &in)
		} else {
			a = axiMaster{r: r}
		}
		if m.RValid && !pre.RValid {
			reads++
		}
		ports := axiPorts(&in)
		ports["status_busy"], ports["status_done"], ports["rate_q16"] = in.Busy, in.Done, rates
		outs := axiOuts(&m)
		outs["cfg_start_pulse"] = m.StartPulse
		outs["cfg_x_input_fp"] = uint64(m.X[0]) | uint64(m.X[1])<<16 | uint64(m.X[2])<<32
		outs["cfg_weight_fp"] = uint64(m.W[0]) | uint64(m.W[1])<<16 | uint64(m.W[2])<<32
		outs["cfg_y_min"], outs["cfg_y_max"], outs["cfg_leak"], outs["cfg_gain"] = m.YMin, m.YMax, m.Leak, m.Gain
		outs["cfg_stream_len"], outs["cfg_scale_q16"] = m.StreamLen, m.Scale
		add(t, tr, ports, outs)
	}
	if reads < 500 {
		t.Fatalf("only %d reads", reads)
	}
	expectPass(t, Icarus, tr)
}

// TestNeurocoreTop runs the whole AXI-configured system: the AXI-Lite model,
// the runtime's dense core and rate bank, wired as sc_neurocore_top.
func TestNeurocoreTop(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	tr := mustTrace(t, "sc_neurocore_top", nil)
	var m AXILite
	a := axiMaster{r: r}
	core := rt.NewDenseCore(3, 7)
	bank := rt.NewRateBank(7, 16, 32)
	rg := resetGen{r: r}
	done, nonzero := 0, 0
	for k := 0; k < 3*cycles; k++ {
		in := a.next(&m)
		in.ResetN = !rg.at(k)
		in.Busy, in.Done = core.Running, core.RunDone
		copy(in.Rates[:], bank.Rate)
		din := rt.DenseIn{Reset: !in.ResetN, Start: m.StartPulse, StreamLen: m.StreamLen,
			X: []uint16{m.X[0], m.X[1], m.X[2]}, W: []uint16{m.W[0], m.W[1], m.W[2]},
			YMin: int16(m.YMin), YMax: int16(m.YMax), Leak: int16(m.Leak), Gain: int16(m.Gain)}
		// All three blocks see pre-edge values of each other.
		spikes := append([]uint64(nil), core.Spikes...)
		running, runDone := core.Running, core.RunDone
		pre := m
		m.Step(&in)
		core.Step(&din)
		if in.ResetN {
			bank.Step(spikes, running, running, runDone, uint64(pre.Scale))
			a.after(&pre, &in)
		} else {
			bank.Reset()
			a = axiMaster{r: r}
		}
		if core.RunDone {
			done++
		}
		if bank.Rate[0] != 0 {
			nonzero++
		}
		add(t, tr, axiPorts(&in), axiOuts(&m))
	}
	if done < 20 || nonzero < 100 {
		t.Fatalf("weak stimulus: %d runs finished, %d cycles with a non-zero rate", done, nonzero)
	}
	expectPass(t, Icarus, tr)
}

// TestHarnessCatchesMismatch proves the testbench cannot pass silently: a
// single flipped expected bit must produce a FAIL naming the cycle and
// signal, and a truncated expectation (fewer cycles than DEPTH) must not
// pass either.
func TestHarnessCatchesMismatch(t *testing.T) {
	need(t, Icarus)
	tr := mustTrace(t, "sc_lif_neuron", nil)
	n := rt.NewLIF(rt.DefaultLIFParams())
	for k := 0; k < 100; k++ {
		rst := k < 2
		if rst {
			n.Reset()
		} else {
			n.Step(10, 256, 100, 0)
		}
		add(t, tr, map[string]V{"rst_n": !rst, "leak_k": 10, "gain_k": 256, "I_t": 100, "noise_in": 0},
			map[string]V{"spike_out": n.Spike, "v_out": n.V})
	}
	res, err := Run(Icarus, t.TempDir(), tr)
	if err != nil || !res.Pass || res.Cycles != 100 {
		t.Fatalf("unmodified trace: %+v, %v", res, err)
	}
	// Flip the lowest bit of v_out at cycle 37.
	e := []byte(tr.Exp[37])
	last := len(e) - 1
	e[last] = "1032547698badcfe"[strings.IndexByte("0123456789abcdef", e[last])]
	tr.Exp[37] = string(e)
	res, err = Run(Icarus, t.TempDir(), tr)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pass || !strings.HasPrefix(res.Line, "FAIL cycle=37 signal=v_out ") {
		t.Fatalf("flipped bit: verdict %q, want FAIL cycle=37 signal=v_out", res.Line)
	}
	// Missing expectation lines read as X and must fail, not pass.
	tr.Exp = tr.Exp[:50]
	tr.In = tr.In[:50]
	tr2 := *tr
	tr2.In = append(append([]string(nil), tr.In...), tr.In[49])
	res, err = Run(Icarus, t.TempDir(), &tr2)
	if err == nil && res.Pass {
		t.Fatalf("trace with a missing expectation passed: %q", res.Line)
	}
}
