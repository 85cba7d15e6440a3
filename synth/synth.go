package synth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Options control Run.
type Options struct {
	Top    string // the top module
	Family Family
	// Keep names modules that stay a level of hierarchy (keep_hierarchy)
	// while the rest is flattened: each gets its own row in the report
	// (the cores of a network). Names the source does not define are
	// ignored.
	Keep []string
	// Timeout bounds the yosys run (0: none beyond ctx).
	Timeout time.Duration
	// Dir is the work directory, kept; "" means a temp directory, removed.
	Dir string
}

// Module is one module of a synthesized design.
type Module struct {
	Name  string
	Count int   // instances in the design (the top: 1)
	Own   Usage // the module's own cells, one instance, kept submodules excluded
}

// Report is the result of one synthesis.
type Report struct {
	Family  Family
	Top     string
	Modules []Module // the top first, then by name
	Total   Usage    // the whole design: every instance of every module
}

// Script returns the yosys script Run executes for opt on the file
// top.sv, ending with the JSON statistics in stat.json.
func Script(opt Options) string {
	var b strings.Builder
	b.WriteString("read_verilog -sv top.sv\n")
	fmt.Fprintf(&b, "hierarchy -check -top %s\n", opt.Top)
	if len(opt.Keep) > 0 {
		fmt.Fprintf(&b, "setattr -mod -set keep_hierarchy 1 %s\n", strings.Join(opt.Keep, " "))
	}
	switch opt.Family {
	case ICE40:
		fmt.Fprintf(&b, "synth_ice40 -device u -dsp -spram -top %s\n", opt.Top)
	default:
		fmt.Fprintf(&b, "synth_xilinx -family xc7 -flatten -noiopad -top %s\n", opt.Top)
	}
	b.WriteString("tee -q -o stat.json stat -json\n")
	return b.String()
}

// Run synthesizes the SystemVerilog src with yosys for opt.Family and
// returns the cell counts per module and in total. ctx cancels the run:
// yosys runs in its own process group, killed as a whole.
func Run(ctx context.Context, src string, opt Options) (*Report, error) {
	if opt.Top == "" {
		return nil, errors.New("synth: no top module")
	}
	if opt.Family == 0 {
		opt.Family = Xilinx7
	}
	yosys, err := exec.LookPath("yosys")
	if err != nil {
		return nil, errors.New("synth: yosys not found on PATH; install it with: apt-get install yosys")
	}
	opt.Keep = defined(src, opt.Keep, opt.Top)
	dir := opt.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "scc-synth-*"); err != nil {
			return nil, fmt.Errorf("synth: %v", err)
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("synth: %v", err)
	}
	src, roms := memFiles(src) // rom.go
	for name, text := range roms {
		if err := os.WriteFile(dir+"/"+name, []byte(text), 0o644); err != nil {
			return nil, fmt.Errorf("synth: %v", err)
		}
	}
	if err := os.WriteFile(dir+"/top.sv", []byte(src), 0o644); err != nil {
		return nil, fmt.Errorf("synth: %v", err)
	}
	if err := os.WriteFile(dir+"/synth.ys", []byte(Script(opt)), 0o644); err != nil {
		return nil, fmt.Errorf("synth: %v", err)
	}
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, yosys, "-q", "-l", "yosys.log", "-s", "synth.ys")
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && opt.Timeout > 0 {
			return nil, fmt.Errorf("synth: yosys %s for %s timed out after %v", opt.Family, opt.Top, opt.Timeout)
		}
		return nil, fmt.Errorf("synth: yosys %s for %s: %w", opt.Family, opt.Top, ctx.Err())
	}
	if err != nil {
		log, _ := os.ReadFile(dir + "/yosys.log")
		if len(log) == 0 {
			log = out
		}
		return nil, fmt.Errorf("synth: yosys %s for %s failed: %v\n%s", opt.Family, opt.Top, err, lastLines(string(log), 20))
	}
	data, err := os.ReadFile(dir + "/stat.json")
	if err != nil {
		return nil, fmt.Errorf("synth: yosys wrote no statistics: %v", err)
	}
	return ParseStat(opt.Family, opt.Top, data)
}

// defined returns the names of keep that src declares as modules (not
// top).
func defined(src string, keep []string, top string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range keep {
		if k == top || seen[k] {
			continue
		}
		if regexp.MustCompile(`(?m)^\s*module\s+` + regexp.QuoteMeta(k) + `\b`).MatchString(src) {
			out = append(out, k)
			seen[k] = true
		}
	}
	sort.Strings(out)
	return out
}

// statJSON is the output of yosys 0.23 `stat -json`.
type statJSON struct {
	Modules map[string]statModule `json:"modules"`
	Design  *statModule           `json:"design"`
}

type statModule struct {
	Cells map[string]int `json:"num_cells_by_type"`
}

var reStray = regexp.MustCompile(`(?m)^[ \t]*[^\s"{}\[\],:]+[ \t]+\d+[ \t]*\n`)

// ParseStat reads the JSON of `stat -json` for a design whose top is top.
func ParseStat(f Family, top string, data []byte) (*Report, error) {
	var st statJSON
	// Yosys 0.23 prints the text hierarchy's nested lines ("   sub   4")
	// into the JSON of a design with more than two levels: drop them.
	data = reStray.ReplaceAll(data, nil)
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("synth: statistics: %v", err)
	}
	mods := map[string]map[string]int{}
	for name, m := range st.Modules {
		mods[strings.TrimPrefix(name, `\`)] = m.Cells
	}
	if _, ok := mods[top]; !ok {
		return nil, fmt.Errorf("synth: statistics have no module %s", top)
	}
	// Instance counts, top down (the hierarchy is acyclic).
	count := map[string]int{top: 1}
	var visit func(name string, k int)
	visit = func(name string, k int) {
		for cell, n := range mods[name] {
			if _, sub := mods[cell]; sub {
				count[cell] += k * n
				visit(cell, k*n)
			}
		}
	}
	visit(top, 1)
	r := &Report{Family: f, Top: top}
	names := make([]string, 0, len(mods))
	for name := range mods {
		if name != top && count[name] > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range append([]string{top}, names...) {
		own := Usage{Cells: map[string]int{}}
		for cell, n := range mods[name] {
			if _, sub := mods[cell]; !sub {
				classify(f, cell, n, &own)
			}
		}
		r.Modules = append(r.Modules, Module{Name: name, Count: count[name], Own: own})
		for range count[name] {
			r.Total.Add(own)
		}
	}
	if r.Total.Cells == nil {
		r.Total.Cells = map[string]int{}
	}
	return r, nil
}

// lutram is the LUTs each xc7 distributed-RAM or shift-register cell takes
// (UG474 ch. 5).
var lutram = map[string]int{
	"RAM32X1S": 1, "RAM64X1S": 1, "RAM128X1S": 2, "RAM256X1S": 4, "RAM512X1S": 8,
	"RAM32X1D": 2, "RAM64X1D": 2, "RAM128X1D": 4, "RAM256X1D": 8,
	"RAM32M": 4, "RAM64M": 4, "RAM32M16": 8, "RAM64M8": 8,
	"SRL16E": 1, "SRLC16E": 1, "SRLC32E": 1,
}

var reLUT = regexp.MustCompile(`^LUT[1-6]$`)

// classify adds n cells of type cell to u.
func classify(f Family, cell string, n int, u *Usage) {
	u.Cells[cell] += n
	switch f {
	case ICE40:
		switch {
		case cell == "SB_LUT4":
			u.LUT += n
		case strings.HasPrefix(cell, "SB_DFF"):
			u.FF += n
		case cell == "SB_CARRY":
			u.Carry += n
		case cell == "SB_MAC16":
			u.DSP += n
		case strings.HasPrefix(cell, "SB_RAM40_4K"):
			u.Block += float64(n)
		case cell == "SB_SPRAM256KA":
			u.SPRAM += n
		}
	default:
		switch {
		case reLUT.MatchString(cell) || cell == "INV": // INV is a LUT1
			u.LUT += n
		case lutram[cell] > 0:
			u.LUT += n * lutram[cell]
			u.LUTRAM += n * lutram[cell]
		case strings.HasPrefix(cell, "FD") || strings.HasPrefix(cell, "LDCE") || strings.HasPrefix(cell, "LDPE"):
			u.FF += n
		case cell == "CARRY4":
			u.Carry += n
		case strings.HasPrefix(cell, "DSP48"):
			u.DSP += n
		case cell == "RAMB36E1":
			u.Block += float64(n)
		case cell == "RAMB18E1":
			u.Block += 0.5 * float64(n)
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
