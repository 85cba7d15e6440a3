package ir

import "math/bits"

// The interface of a network's hardware (DESIGN §4.2), the same for every
// architecture backend/sv emits (parallel, folded) and for the AXI
// wrapper's streams: one owner of the port layout, so that testbenches
// and formal read it here instead of importing backend/sv.
//
// Top-level ports of a network module (NetPorts names them):
//
//	input  clk, rst_n           rst_n asynchronous, active low: resets FSMs and
//	                            counters; state is defined once ready is high
//	output ready                the init sweep is done (state holds the initial
//	                            values, rings are zero); stays high until reset
//	input  step                 strobe: start step t+1; taken on a rising edge
//	                            with ready high and busy low, ignored otherwise
//	output busy                 a step is running (from the edge that took step
//	                            until done)
//	output done                 one-cycle pulse: step t is committed and every
//	                            AER-out and probe beat of step t was accepted
//	output step_q[31:0]         t, the number of the last committed step
//	output sat_q[NSat-1:0]      sticky per (population, port) saturation flags
//	                            of §4.1 rule 1, bit k = NetHW.Sat[k]; cleared
//	                            by reset only; NSat = max(len(Sat), 1) (a
//	                            network without neuron inputs has one bit, 0)
//	AER-in  (slave):  aer_in_valid, aer_in_ready, aer_in_data[AERWidth-1:0],
//	                  aer_in_last
//	AER-out (master): aer_out_valid, aer_out_ready, aer_out_data[AERWidth-1:0],
//	                  aer_out_last
//	probe   (master): probe_valid, probe_ready, probe_data[ProbeWidth-1:0],
//	                  probe_last
//
// AER words are {pop, index}: pop in the high PopBits bits (the population's
// number in Net.Pops order), index in the low IndexBits bits.
//
// AER-in carries the spikes of the spikes(file) sources (AERIn): the host
// sends the events of step t+1 while the core is idle (ready high, busy
// low), then strobes step. aer_in_ready is low while busy; aer_in_last is
// accepted and ignored (the step strobe ends a step's input). An event for
// a population that is not an AER-in source, or an index out of range, is
// dropped. A source's events of one step may come in any order; repeats
// count once. An event taken on the same rising edge as the step strobe
// belongs to an unspecified step: hosts finish a step's AER-in first.
//
// AER-out carries, after step t is committed, every spike of step t of the
// populations AEROut marks, populations in Net.Pops order, ascending index
// within a population; aer_out_last marks the step's last spike. A step
// without spikes sends nothing. Backpressure (aer_out_ready low) stalls the
// core, never changes a result.
//
// The probe stream carries, after step t, for every state Record with
// t % Every == 0 (in Net.Records order), for each neuron Lo..Hi-1 and each
// var of Vars in order, the committed state word extended to ProbeWidth
// bits by its own signedness (sign-extended for signed states); probe_last marks the step's last word. The probe beats
// of step t follow its AER-out beats or run beside them; each stream keeps
// its own order.
//
// AER-out and probe beats of step t are all accepted before done pulses,
// so a testbench collects step t's beats between two done pulses.

// NetHW is the port layout of a network's hardware.
type NetHW struct {
	PopBits, IndexBits int
	AERWidth           int // PopBits + IndexBits
	// AERIn and AEROut say, per population in Net.Pops order, whether its
	// spikes come in on AER-in (spikes sources) and go out on AER-out
	// (every other population).
	AERIn, AEROut []bool
	Sat           []SatBit
	ProbeWidth    int // ≥ 1
}

// SatBit is one bit of sat_q: input Port of neuron population Pop.
type SatBit struct {
	Pop      string
	Port     int
	PortName string
}

// HW returns n's hardware port layout. m is the fixed-phase module holding
// n's Funcs (probe widths come from their state formats).
func (n *Net) HW(m *Module) NetHW {
	var h NetHW
	h.PopBits = bitsFor(len(n.Pops))
	size := 1
	for _, p := range n.Pops {
		size = max(size, p.Size)
	}
	h.IndexBits = bitsFor(size)
	h.AERWidth = h.PopBits + h.IndexBits
	for _, p := range n.Pops {
		in := p.Kind == PopSource && p.Source != nil && p.Source.Kind == SourceSpikes
		h.AERIn = append(h.AERIn, in)
		h.AEROut = append(h.AEROut, !in)
		if p.Kind != PopNeuron {
			continue
		}
		if f := m.Func(p.Func); f != nil {
			for k, in := range f.Inputs {
				h.Sat = append(h.Sat, SatBit{Pop: p.Name, Port: k, PortName: in.Name})
			}
		}
	}
	h.ProbeWidth = 1
	for _, r := range n.Records {
		if r.Kind != RecordState {
			continue
		}
		p := n.NetPop(r.Pop)
		if p == nil {
			continue
		}
		f := m.Func(p.Func)
		if f == nil {
			continue
		}
		for _, v := range r.Vars {
			if v >= 0 && v < len(f.States) {
				h.ProbeWidth = max(h.ProbeWidth, f.States[v].Type.Width())
			}
		}
	}
	return h
}

// AERWord returns the AER word of neuron index of population pop (its
// number in Net.Pops).
func (h NetHW) AERWord(pop, index int) uint64 {
	return uint64(pop)<<h.IndexBits | uint64(index)
}

// SplitAER returns the population number and index of an AER word.
func (h NetHW) SplitAER(w uint64) (pop, index int) {
	return int(w >> h.IndexBits), int(w & (1<<h.IndexBits - 1))
}

// bitsFor returns the number of bits that hold 0..n-1, at least 1.
func bitsFor(n int) int {
	return max(1, bits.Len(uint(max(n-1, 0))))
}
