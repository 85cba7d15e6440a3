package synth

import (
	"fmt"
	"sort"
	"strings"
)

// Family is an FPGA family Yosys has a synthesis script for.
type Family uint8

// Families.
const (
	Xilinx7 Family = iota + 1 // synth_xilinx -family xc7: LUT6, FD*, CARRY4, DSP48E1, RAMB36E1/RAMB18E1
	ICE40                     // synth_ice40 -device u: SB_LUT4, SB_DFF*, SB_CARRY, SB_MAC16, SB_RAM40_4K, SB_SPRAM256KA
)

func (f Family) String() string {
	switch f {
	case Xilinx7:
		return "xc7"
	case ICE40:
		return "ice40"
	}
	return fmt.Sprintf("Family(%d)", uint8(f))
}

// BlockName is what the family calls one block RAM: "BRAM36" (a 36 Kb
// RAMB36E1; a RAMB18E1 is half of one) or "EBR" (a 4 Kb SB_RAM40_4K).
func (f Family) BlockName() string {
	if f == ICE40 {
		return "EBR"
	}
	return "BRAM36"
}

// Device is the resources of one FPGA.
//
// Sources: Xilinx DS180 (7 Series FPGAs Data Sheet: Overview), Table 3
// (Artix-7): XC7A35T 5,200 slices = 20,800 LUT6 and 41,600 flip-flops, 50
// RAMB36 (1,800 Kb), 90 DSP48E1; XC7A100T 15,850 slices = 63,400 LUT6 and
// 126,800 flip-flops, 135 RAMB36 (4,860 Kb), 240 DSP48E1. Lattice
// FPGA-DS-02008 (iCE40 UltraPlus Family Data Sheet), Table 1.1: iCE40UP5K
// 5,280 LUT4 (one flip-flop each), 30 EBR of 4 Kb (120 Kb), 4 SPRAM of
// 256 Kb (1 Mb), 8 MAC16 DSP blocks.
type Device struct {
	Name   string
	Family Family
	LUT    int // LUT6 (xc7) or LUT4 (ice40), logic and distributed RAM
	FF     int
	DSP    int // DSP48E1 or SB_MAC16
	// Block is the block RAMs in the family's unit (Family.BlockName):
	// RAMB36 tiles or EBRs.
	Block int
	SPRAM int // SB_SPRAM256KA (16K × 16, no initial contents)
}

var devices = []Device{
	{Name: "xc7a35t", Family: Xilinx7, LUT: 20800, FF: 41600, DSP: 90, Block: 50},
	{Name: "xc7a100t", Family: Xilinx7, LUT: 63400, FF: 126800, DSP: 240, Block: 135},
	{Name: "ice40up5k", Family: ICE40, LUT: 5280, FF: 5280, DSP: 8, Block: 30, SPRAM: 4},
}

// DefaultDevice is the target without --target.
const DefaultDevice = "xc7a100t"

// Lookup returns the device named name (case-insensitive).
func Lookup(name string) (Device, bool) {
	for _, d := range devices {
		if strings.EqualFold(d.Name, name) {
			return d, true
		}
	}
	return Device{}, false
}

// DeviceNames returns the names of the known devices.
func DeviceNames() []string {
	names := make([]string, len(devices))
	for i, d := range devices {
		names[i] = d.Name
	}
	return names
}

// Usage is the resources a design takes (synthesized, or estimated from
// its memories).
type Usage struct {
	LUT    int // including LUTRAM
	LUTRAM int // LUTs used as distributed RAM or shift registers (xc7)
	FF     int
	Carry  int // CARRY4 or SB_CARRY cells
	DSP    int
	// Block is block RAM in the family's unit: RAMB36E1 + RAMB18E1/2 (xc7)
	// or SB_RAM40_4K (ice40).
	Block float64
	SPRAM int
	// Cells counts every cell type (after synthesis).
	Cells map[string]int
}

// Add adds v to u.
func (u *Usage) Add(v Usage) {
	u.LUT += v.LUT
	u.LUTRAM += v.LUTRAM
	u.FF += v.FF
	u.Carry += v.Carry
	u.DSP += v.DSP
	u.Block += v.Block
	u.SPRAM += v.SPRAM
	for k, n := range v.Cells {
		if u.Cells == nil {
			u.Cells = map[string]int{}
		}
		u.Cells[k] += n
	}
}

// Shortfall is one resource a design needs more of than a device has.
type Shortfall struct {
	Resource   string  // "LUT", "FF", "DSP", "BRAM36", "EBR", "SPRAM"
	Need, Have float64 // Need > Have
	// Detail names what takes the resource (the largest memories), or "".
	Detail string
}

func (s Shortfall) String() string {
	msg := fmt.Sprintf("%s: needs %s, has %s (%s short)", s.Resource, num(s.Need), num(s.Have), num(s.Need-s.Have))
	if s.Detail != "" {
		msg += "; " + s.Detail
	}
	return msg
}

// Fit returns the resources u needs more of than d has, in the order LUT,
// FF, DSP, block RAM, SPRAM; none means u fits.
func (d Device) Fit(u Usage) []Shortfall {
	var s []Shortfall
	check := func(name string, need, have float64) {
		if need > have {
			s = append(s, Shortfall{Resource: name, Need: need, Have: have})
		}
	}
	check("LUT", float64(u.LUT), float64(d.LUT))
	check("FF", float64(u.FF), float64(d.FF))
	check("DSP", float64(u.DSP), float64(d.DSP))
	check(d.Family.BlockName(), u.Block, float64(d.Block))
	check("SPRAM", float64(u.SPRAM), float64(d.SPRAM))
	return s
}

// Memory is one block memory of a design, before synthesis.
type Memory struct {
	Name        string
	Depth, Bits int // words and bits per word
	Banks       int // copies, ≥ 1
	ROM         bool
}

// Placed is where Pack put one memory.
type Placed struct {
	Memory
	Block  float64 // block RAMs (all banks), family units
	SPRAM  int
	LUTRAM int // LUTs (xc7 distributed RAM)
	FF     int // registers (tiny memories)
}

// Where says where p went: "3 BRAM36", "2 SPRAM", "64 LUTRAM".
func (p Placed) Where(f Family) string {
	var parts []string
	if p.Block > 0 {
		parts = append(parts, num(p.Block)+" "+f.BlockName())
	}
	if p.SPRAM > 0 {
		parts = append(parts, fmt.Sprintf("%d SPRAM", p.SPRAM))
	}
	if p.LUTRAM > 0 {
		parts = append(parts, fmt.Sprintf("%d LUTRAM", p.LUTRAM))
	}
	if p.FF > 0 {
		parts = append(parts, fmt.Sprintf("%d FF", p.FF))
	}
	return strings.Join(parts, " + ")
}

// Pack places memories on d the way Yosys's memory_libmap would, roughly:
// on xc7 a memory of at most 64 words or 1 Kb goes to distributed RAM
// (one LUT per 64 × 1 bits), anything larger to RAMB18/RAMB36 tiles in
// their best aspect ratio; on ice40 a memory of at most 256 bits goes to
// flip-flops, the rest to EBRs, and when the EBRs run out the largest
// writable memories move to SPRAM (16K × 16, no initial contents). It
// returns the total and each memory's placement.
func (d Device) Pack(mems []Memory) (Usage, []Placed) {
	var u Usage
	placed := make([]Placed, len(mems))
	for i, m := range mems {
		p := Placed{Memory: m}
		banks := max(m.Banks, 1)
		bits := m.Depth * m.Bits
		switch d.Family {
		case Xilinx7:
			if m.Depth <= 64 || bits <= 1024 {
				p.LUTRAM = banks * ceilDiv(m.Depth, 64) * m.Bits
			} else {
				p.Block = float64(banks) * xc7Tiles(m.Depth, m.Bits)
			}
		case ICE40:
			if bits <= 256 {
				p.FF = banks * bits
			} else {
				p.Block = float64(banks * ebrTiles(m.Depth, m.Bits))
			}
		}
		placed[i] = p
	}
	if d.Family == ICE40 && d.SPRAM > 0 {
		total := 0.0
		for _, p := range placed {
			total += p.Block
		}
		// Move the largest writable memories to SPRAM while the EBRs
		// overflow and SPRAMs remain.
		order := make([]int, len(placed))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return placed[order[a]].Block > placed[order[b]].Block })
		left := d.SPRAM
		for _, i := range order {
			p := &placed[i]
			if total <= float64(d.Block) || left == 0 || p.ROM || p.Block == 0 {
				continue
			}
			need := max(p.Banks, 1) * ceilDiv(p.Depth, 16384) * ceilDiv(p.Bits, 16)
			if need > left {
				continue
			}
			total -= p.Block
			p.Block, p.SPRAM = 0, need
			left -= need
		}
	}
	for _, p := range placed {
		u.Block += p.Block
		u.SPRAM += p.SPRAM
		u.LUTRAM += p.LUTRAM
		u.LUT += p.LUTRAM
		u.FF += p.FF
	}
	return u, placed
}

// xc7Tiles returns the RAMB36 tiles (RAMB18 = 0.5) of a depth × bits
// memory in the cheapest aspect ratio (UG473: 16K×1 … 512×36 per RAMB18,
// 32K×1 … 512×72 per RAMB36 in simple dual port).
func xc7Tiles(depth, bits int) float64 {
	best := -1
	for _, c := range [][2]int{{16384, 1}, {8192, 2}, {4096, 4}, {2048, 9}, {1024, 18}, {512, 36}} {
		halves := ceilDiv(depth, c[0]) * ceilDiv(bits, c[1])
		if best < 0 || halves < best {
			best = halves
		}
	}
	for _, c := range [][2]int{{32768, 1}, {16384, 2}, {8192, 4}, {4096, 9}, {2048, 18}, {1024, 36}, {512, 72}} {
		halves := 2 * ceilDiv(depth, c[0]) * ceilDiv(bits, c[1])
		if halves < best {
			best = halves
		}
	}
	return float64(best) / 2
}

// ebrTiles returns the SB_RAM40_4K blocks of a depth × bits memory
// (256×16, 512×8, 1024×4, 2048×2).
func ebrTiles(depth, bits int) int {
	best := -1
	for _, c := range [][2]int{{256, 16}, {512, 8}, {1024, 4}, {2048, 2}} {
		n := ceilDiv(depth, c[0]) * ceilDiv(bits, c[1])
		if best < 0 || n < best {
			best = n
		}
	}
	return best
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// num formats x with thousands separators, one decimal place when x is
// not whole (half BRAM36 tiles).
func num(x float64) string {
	if x != float64(int64(x)) {
		return fmt.Sprintf("%s.%d", Group(int64(x)), int64(x*10)%10)
	}
	return Group(int64(x))
}

// Group formats n with thousands separators: 63400 → "63,400".
func Group(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Num formats a resource count as Fit's messages do (63,400; 12.5).
func Num(x float64) string { return num(x) }
