package hdltb

// Cycle models of the bus glue of hdl/ that runtime/ does not own. Each
// Step applies one rising edge and leaves the outputs as they read one time
// unit later (combinational outputs included).

// AXILite is the cycle model of sc_axil_cfg's register file and handshakes.
type AXILite struct {
	AWReady, WReady, BValid, ARReady, RValid bool
	RData                                    uint32
	StartPulse                               bool
	X, W                                     [3]uint16
	YMin, YMax, Leak, Gain                   uint16
	StreamLen, DtMs, Scale                   uint32
}

// AXIIn are the master-driven inputs of sc_axil_cfg for one cycle.
type AXIIn struct {
	ResetN          bool
	AWAddr          uint8
	AWValid         bool
	WData           uint32
	WStrb           uint8
	WValid, BReady  bool
	ARAddr          uint8
	ARValid, RReady bool
	Busy, Done      bool
	Rates           [7]uint32
}

// ReadValue is the combinational read mux for address a.
func (m *AXILite) ReadValue(a uint8, in *AXIIn) uint32 {
	switch a {
	case 0x04:
		var v uint32
		if in.Busy {
			v |= 1
		}
		if in.Done {
			v |= 2
		}
		return v
	case 0x10, 0x14, 0x18:
		return uint32(m.X[(a-0x10)/4])
	case 0x20, 0x24, 0x28:
		return uint32(m.W[(a-0x20)/4])
	case 0x30:
		return uint32(m.YMin)
	case 0x34:
		return uint32(m.YMax)
	case 0x40:
		return m.StreamLen
	case 0x44:
		return m.DtMs
	case 0x48:
		return m.Scale
	case 0x50:
		return uint32(m.Leak)
	case 0x54:
		return uint32(m.Gain)
	case 0x80, 0x84, 0x88, 0x8C, 0x90, 0x94, 0x98:
		return in.Rates[(a-0x80)/4]
	}
	return 0
}

// Step applies one rising edge.
func (m *AXILite) Step(in *AXIIn) {
	if !in.ResetN {
		*m = AXILite{}
		return
	}
	wrStart := in.AWValid && in.WValid && !m.AWReady && !m.BValid
	wrFire := m.AWReady && in.AWValid && m.WReady && in.WValid
	rdStart := in.ARValid && !m.ARReady && !m.RValid
	rdFire := m.ARReady && in.ARValid
	rdata := m.ReadValue(in.ARAddr, in)
	n := *m
	n.AWReady, n.WReady = wrStart, wrStart
	if m.BValid && in.BReady {
		n.BValid, n.StartPulse = false, false
	}
	if wrFire {
		n.BValid = true
		d := in.WData
		switch in.AWAddr {
		case 0x00:
			if d&1 != 0 {
				n.StartPulse = true
			}
		case 0x10, 0x14, 0x18:
			n.X[(in.AWAddr-0x10)/4] = uint16(d)
		case 0x20, 0x24, 0x28:
			n.W[(in.AWAddr-0x20)/4] = uint16(d)
		case 0x30:
			n.YMin = uint16(d)
		case 0x34:
			n.YMax = uint16(d)
		case 0x40:
			n.StreamLen = d
		case 0x44:
			n.DtMs = d
		case 0x48:
			n.Scale = d
		case 0x50:
			n.Leak = uint16(d)
		case 0x54:
			n.Gain = uint16(d)
		}
	}
	n.ARReady = rdStart
	if m.RValid && in.RReady {
		n.RValid = false
	}
	if rdFire {
		n.RValid, n.RData = true, rdata
	}
	*m = n
}

// AXIS is the cycle model of sc_axis_interface.
type AXIS struct {
	Width         int // DATA_WIDTH
	InData        uint64
	InValid, last bool
	MData         uint64
	MValid, MLast bool
}

// AXISIn are the inputs of sc_axis_interface for one cycle.
type AXISIn struct {
	Rst           bool
	SData         uint64
	SValid, SLast bool
	MReady        bool
	InReady       bool
	OutData       uint64
	OutValid      bool
}

// SReady is the combinational s_axis_tready.
func (m *AXIS) SReady(in *AXISIn) bool { return !m.InValid || in.InReady }

// Step applies one rising edge.
func (m *AXIS) Step(in *AXISIn) {
	if in.Rst {
		*m = AXIS{Width: m.Width}
		return
	}
	n := *m
	if in.SValid && m.SReady(in) {
		n.InData, n.InValid, n.last = in.SData, true, in.SLast
	} else if in.InReady {
		n.InValid = false
	}
	if in.OutValid {
		n.MData, n.MValid, n.MLast = in.OutData, true, m.last
	} else if in.MReady {
		n.MValid = false
	}
	*m = n
}

// Sync is the cycle model of two_flop_synchroniser.
type Sync struct{ Meta, Out bool }

// Step applies one rising edge of dst_clk.
func (s *Sync) Step(rstN, in bool) {
	if !rstN {
		*s = Sync{}
		return
	}
	s.Meta, s.Out = in, s.Meta
}
