package hdltb

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"scc/hdl"
)

// Simulator selects the RTL simulator.
type Simulator int

// Simulators.
const (
	Icarus    Simulator = iota // iverilog + vvp: quick to build, slow to run
	Verilator                  // verilator --binary: slow to build, fast to run
)

func (s Simulator) String() string {
	if s == Verilator {
		return "verilator"
	}
	return "iverilog"
}

// Result is the verdict of a testbench run.
type Result struct {
	Pass   bool
	Cycles int    // the cycle count of a PASS line
	Line   string // the verdict line
	Output string // everything the simulation printed
}

var verdictRE = regexp.MustCompile(`(?m)^(PASS (\d+)|FAIL cycle=\d+ signal=\S+ want=\S+ got=\S+)\s*$`)

// Run writes the testbench, the library files and the trace into dir and
// runs the simulation there. It returns an error when the tools fail or
// print no verdict; a mismatch is a Result with Pass false.
func Run(sim Simulator, dir string, tr *Trace) (Result, error) {
	m := tr.L.Module
	tb, err := Generate(m.Name)
	if err != nil {
		return Result{}, err
	}
	files := []string{}
	mods, err := hdl.Closure(m.Name)
	if err != nil {
		return Result{}, err
	}
	for _, n := range mods {
		src, err := hdl.Source(n)
		if err != nil {
			return Result{}, err
		}
		f := filepath.Join(dir, n+".v")
		if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
			return Result{}, err
		}
		files = append(files, f)
	}
	tbf := filepath.Join(dir, "tb_"+m.Name+".v")
	files = append(files, tbf)
	writes := map[string]string{
		tbf:                            tb,
		filepath.Join(dir, "stim.hex"): strings.Join(tr.In, "\n") + "\n",
		filepath.Join(dir, "exp.hex"):  strings.Join(tr.Exp, "\n") + "\n",
	}
	for f, s := range writes {
		if err := os.WriteFile(f, []byte(s), 0o644); err != nil {
			return Result{}, err
		}
	}
	top := "tb_" + m.Name
	params := map[string]int64{"DEPTH": int64(tr.Cycles())}
	vals, err := m.ParamValues(tr.params)
	if err != nil {
		return Result{}, err
	}
	for k := range tr.params {
		params[k] = vals[k]
		for _, p := range m.Params {
			if p.Name == k && p.MSB != "" && vals[k] < 0 {
				w, _ := hdl.PortWidth(hdl.Port{MSB: p.MSB, LSB: p.LSB}, vals)
				params[k] = vals[k] & (1<<w - 1) // the bit pattern, for the tools' parsers
			}
		}
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var run *exec.Cmd
	switch sim {
	case Icarus:
		args := []string{"-g2012", "-s", top, "-o", filepath.Join(dir, "sim.vvp")}
		for _, k := range keys {
			args = append(args, "-P", fmt.Sprintf("%s.%s=%d", top, k, params[k]))
		}
		if out, err := exec.Command("iverilog", append(args, files...)...).CombinedOutput(); err != nil {
			return Result{}, fmt.Errorf("iverilog: %v\n%s", err, out)
		}
		run = exec.Command("vvp", "-n", "sim.vvp")
	case Verilator:
		obj := filepath.Join(dir, "obj")
		args := []string{"--binary", "--timing", "-j", "2", "--top-module", top, "--Mdir", obj, "-o", "Vtb",
			"-Wno-fatal", "-O3"}
		for _, k := range keys {
			args = append(args, fmt.Sprintf("-G%s=%d", k, params[k]))
		}
		if out, err := exec.Command("verilator", append(args, files...)...).CombinedOutput(); err != nil {
			return Result{}, fmt.Errorf("verilator: %v\n%s", err, out)
		}
		run = exec.Command(filepath.Join(obj, "Vtb"))
	}
	run.Dir = dir
	out, err := run.CombinedOutput()
	res := Result{Output: string(out)}
	if err != nil {
		return res, fmt.Errorf("%s run: %v\n%s", sim, err, out)
	}
	v := verdictRE.FindAllStringSubmatch(string(out), -1)
	if len(v) != 1 {
		return res, fmt.Errorf("%s: want exactly one verdict line, got %d:\n%s", sim, len(v), out)
	}
	res.Line = v[0][1]
	if v[0][2] != "" {
		res.Pass = true
		res.Cycles, _ = strconv.Atoi(v[0][2])
	}
	return res, nil
}
