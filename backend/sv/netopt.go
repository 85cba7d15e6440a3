package sv

import (
	"errors"
	"fmt"
	"io"

	"scc/ir"
)

// Network hardware (DESIGN §4.2): EmitNet writes a network's RTL in one of
// two architectures; both have the top-level interface ir.NetHW documents
// (ports, AER words, sat_q bits, probe stream), so one testbench and one
// miter serve both.

// Arch is a network architecture.
type Arch uint8

// Architectures.
const (
	ArchParallel Arch = iota + 1 // one datapath per neuron, one step per en cycle (parallel.go)
	ArchFolded                   // time-multiplexed cores over block RAM (folded.go)
)

func (a Arch) String() string {
	switch a {
	case ArchParallel:
		return "parallel"
	case ArchFolded:
		return "folded"
	}
	return fmt.Sprintf("Arch(%d)", uint8(a))
}

// Storage is how a folded core holds one projection's synapses.
type Storage uint8

// Storage kinds.
const (
	StorageAuto       Storage = iota // the emitter picks (smallest memory)
	StorageDense                     // weights row-major by pre (a word per pair)
	StorageCSR                       // row pointers plus (post, w, delay) entries
	StorageProcedural                // rows regenerated in hardware from the instance's seed
)

var storageNames = [...]string{"auto", "dense", "csr", "procedural"}

func (s Storage) String() string {
	if int(s) < len(storageNames) {
		return storageNames[s]
	}
	return fmt.Sprintf("Storage(%d)", uint8(s))
}

// ParseStorage returns the Storage named s.
func ParseStorage(s string) (Storage, error) {
	for i, n := range storageNames {
		if n == s {
			return Storage(i), nil
		}
	}
	return 0, fmt.Errorf("unknown synapse storage %q (want auto, dense, csr or procedural)", s)
}

// Mutation is a bug planted on purpose (tests show co-simulation catches
// each); MutateNone in every real build.
type Mutation uint8

// Mutations.
const (
	MutateNone      Mutation = iota
	MutateDelaySlot          // a projection's spikes land one ring slot (one step) late
	MutateNoSat              // the gather cast wraps instead of saturating
	MutateCSRRow             // a CSR row pointer is off by one (folded) / a synapse goes to the wrong row (parallel)
)

// NetOptions control EmitNet.
type NetOptions struct {
	Options // Top (the network's name; "" with one network), Version
	Arch    Arch
	// Lanes is the folded architecture's number of update lanes P (≥ 1;
	// 0 means 1).
	Lanes int
	// Storage gives the storage kind of projections by name; a projection
	// not listed gets Default.
	Storage map[string]Storage
	Default Storage
	// Wrap "axi" adds the AXI4-Lite register file and AXI4-Stream AER
	// ports around the core (axi.go); "" emits the bare core.
	Wrap   string
	Mutate Mutation
}

// EmitNet writes the SystemVerilog of network n of module m (fixed phase,
// verified; generic Funcs allowed: their coefficients become per-neuron
// data) in the architecture opt.Arch: a header, every module it needs (the
// neuron step modules, the cores, hdl/ modules the wrapper uses), and the
// network's top, named n.ModuleName() (with --wrap axi, the wrapper is the
// top and the core keeps its name with suffix _core). The output depends
// only on m, n and opt.
func EmitNet(w io.Writer, m *ir.Module, n *ir.Net, opt NetOptions) error {
	if m == nil || n == nil {
		return errors.New("sv: nil module or network")
	}
	if m.Phase != ir.Fixed {
		return fmt.Errorf("sv: module %q is in the %v phase, want fixed (run quantize first)", m.File, m.Phase)
	}
	if err := ir.Verify(m); err != nil {
		return fmt.Errorf("sv: %v", err)
	}
	for _, p := range n.Pops {
		if p.Kind == ir.PopExtern {
			return fmt.Errorf("%v: network %s: population %s is an SC layer (extern): --arch supports neuron and source populations only; build without --arch for the SC layer top", p.Pos, n.Name, p.Name)
		}
	}
	if opt.Lanes == 0 {
		opt.Lanes = 1
	}
	if opt.Lanes < 1 {
		return fmt.Errorf("sv: %d lanes", opt.Lanes)
	}
	switch opt.Wrap {
	case "":
	case "axi":
		return emitAXI(w, m, n, opt) // axi.go
	default:
		return fmt.Errorf("sv: unknown wrapper %q (want axi)", opt.Wrap)
	}
	return emitNetCore(w, m, n, opt)
}

// emitNetCore writes the bare core of n in opt.Arch.
func emitNetCore(w io.Writer, m *ir.Module, n *ir.Net, opt NetOptions) error {
	switch opt.Arch {
	case ArchParallel:
		return emitParallel(w, m, n, opt) // parallel.go
	case ArchFolded:
		return emitFolded(w, m, n, opt) // folded.go
	}
	return fmt.Errorf("sv: unknown architecture %v", opt.Arch)
}

// CycleModel returns the schedule model of n's hardware in opt.Arch: the
// exact number of cycles step t takes (from the edge that takes step to the
// done cycle, outputs accepted at once, host strobing back to back) given
// the step's spikes, spk[pop] ascending per population in Net.Pops order
// (what sim.Net.Spikes returns). The tests hold both models equal to the
// RTL's measured cycles.
func CycleModel(m *ir.Module, n *ir.Net, opt NetOptions) (func(spk [][]int32, t int) int64, error) {
	switch opt.Arch {
	case ArchParallel:
		return parallelStepCycles(m, n), nil
	case ArchFolded:
		pl, err := newPlan(m, n, opt, true)
		if err != nil {
			return nil, err
		}
		return func(spk [][]int32, t int) int64 { return pl.stepCycles(spk, t, false) }, nil
	}
	return nil, fmt.Errorf("sv: unknown architecture %v", opt.Arch)
}
