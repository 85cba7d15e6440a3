// Command scc compiles spiking-neuron models (.snn) to SystemVerilog and
// CIRCT MLIR, simulates them bit-true, and co-simulates and proves the RTL
// against the golden model. It is the only place that wires the whole
// pipeline (DESIGN.md §1, §7).
//
// Exit status: 0 success; 1 the job failed (compile error, co-simulation
// mismatch, property failed); 2 bad usage; 3 internal compiler error (a bug
// in scc); 4 not proven (scc formal: no property failed, but some hold only
// to the BMC depth or are unknown; --accept-bounded accepts bounded ones).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
)

// version is printed in generated headers.
const version = "0.1.0"

// Exit statuses beyond 0 success, 1 failure and 2 bad usage (DESIGN §7).
const (
	exitInternal  = 3 // internal compiler error
	exitNotProven = 4 // scc formal: no property failed, not every one is proven
)

type command struct {
	name  string
	usage string
	run   func(args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"build", "scc build FILE.snn [-o OUT] [--emit sv|mlir|mlir-generic|ir|snn|c|llvm] [--top NAME] [--format q8.8] [--dt T] [--param NAME=VALUE] [--report] [--arch parallel|folded[:P]] [--lanes P] [--storage auto|dense|csr|procedural|PROJ=KIND,...] [--target DEVICE] [--wrap axi] [--measure N]", runBuild},
		{"sim", "scc sim FILE.snn [--steps N] [--input SPEC] [--float] [--engine auto|interp|runtime] [--workers N] [--vcd F] [--csv F|DIR] [--plot F.svg|F.png] [--top NAME]", runSim},
		{"nir", nirUsage, runNir},
		{"net", "scc net export FILE.snn -o DIR [--steps N] | scc net info FILE.snn [--top NET]", runNet},
		{"cosim", "scc cosim FILE.snn [--sim iverilog|verilator] [--arch parallel|folded[:P]] [--lanes P] [--storage auto|dense|csr|procedural|PROJ=KIND,...] [--steps N] [--seed S] [--top NAME] [--keep DIR]", runCosim},
		{"formal", "scc formal FILE.snn [--depth K] [--timeout S] [--accept-bounded] [--top NAME] | scc formal --equiv A.sv B.sv --top NAME", runFormal},
		{"ir", "scc ir FILE.snn [--after PASS]", runIR},
		{"report", "scc report FILE.snn [--steps N] [--seeds K] [--budget 0.95] [--top NAME] [--format F]", runReport},
		{"eq", "scc eq 'EQUATIONS' ... [--param k=v] [--init x=EXPR] [--threshold EXPR] [--reset STMTS] [--refractory T|COND] [--dt T] [--method M] [--emit sv|snn|...] [-o OUT] | scc eq --file SCRIPT.py [--emit ...] [-o OUT]", runEq},
		{"fmt", "scc fmt FILE.snn [-w]", runFmt},
		{"models", "scc models", runModels},
	}
}

// usageError marks bad command-line usage (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// failure is a job failure that was already reported (exit status 1).
type failure struct{ msg string }

func (e *failure) Error() string { return e.msg }

// notProven is a formal job that found no counterexample but did not prove
// every property (exit status exitNotProven), already reported.
type notProven struct{ msg string }

func (e *notProven) Error() string { return e.msg }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: scc FILE.snn|FILE.nir -o OUT (same as scc build; a .nir is imported as scc nir import does)")
	for _, c := range commands {
		fmt.Fprintln(w, "       "+c.usage)
	}
	fmt.Fprintln(w, "exit status: 0 success; 1 the job failed (compile error, co-simulation mismatch,")
	fmt.Fprintln(w, "             property failed); 2 bad usage; 3 internal compiler error (a bug in scc;")
	fmt.Fprintln(w, "             please report it); 4 not proven (scc formal: nothing failed, but some")
	fmt.Fprintln(w, "             properties hold only to the BMC depth or are unknown; --accept-bounded")
	fmt.Fprintln(w, "             accepts bounded ones)")
}

// run executes one scc invocation and returns the exit status. A panic is a
// compiler bug: it is reported once as an internal compiler error.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer recoverInternal(stderr, &code)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "scc "+version)
		return 0
	}
	name, rest := args[0], args[1:]
	var cmd *command
	for i := range commands {
		if commands[i].name == name {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		if strings.HasSuffix(name, ".snn") || strings.HasSuffix(name, ".nir") || (!strings.HasPrefix(name, "-") && fileExists(name)) {
			cmd, rest = &commands[0], args
		} else {
			fmt.Fprintf(stderr, "scc: unknown command %q\n", name)
			printUsage(stderr)
			return 2
		}
	}
	err := cmd.run(rest, stdout, stderr)
	var ue *usageError
	var fe *failure
	var np *notProven
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "scc %s: %s\nusage: %s\n", cmd.name, ue.msg, cmd.usage)
		return 2
	case errors.As(err, &fe):
		if fe.msg != "" {
			fmt.Fprintln(stderr, fe.msg)
		}
		return 1
	case errors.As(err, &np):
		fmt.Fprintln(stderr, np.msg)
		return exitNotProven
	default:
		fmt.Fprintf(stderr, "scc %s: %v\n", cmd.name, err)
		return 1
	}
}

// recoverInternal, deferred by run, reports a panic (a compiler bug, S4) as
// an internal compiler error with its stack and sets the exit status.
func recoverInternal(stderr io.Writer, code *int) {
	r := recover()
	if r == nil {
		return
	}
	fmt.Fprintf(stderr, "scc: %s\n%s", internalError(r), debug.Stack())
	*code = exitInternal
}

// internalError words a panic value with the prefix "internal compiler
// error" exactly once: the pass runner's panics already carry it
// ("internal compiler error in pass %q on model M: ...").
func internalError(r any) string {
	const prefix = "internal compiler error"
	msg := fmt.Sprint(r)
	rest, ok := strings.CutPrefix(msg, prefix)
	switch {
	case !ok:
		return prefix + ": " + msg
	case strings.HasPrefix(rest, ":"):
		return prefix + ": " + strings.TrimLeft(rest[1:], " ")
	}
	return prefix + rest
}

func fileExists(name string) bool {
	st, err := os.Stat(name)
	return err == nil && !st.IsDir()
}

// multiFlag collects a repeatable flag (--param a=1 --param b=2).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// parseFlags parses args with fs, allowing flags after positional arguments
// (`scc build lif.snn -o top.sv`). It returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(stderr, "usage of scc %s:\n", fs.Name())
				fs.SetOutput(stderr)
				fs.PrintDefaults()
				return nil, flag.ErrHelp
			}
			return nil, usagef("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			pos = append(pos, rest[1:]...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return pos, nil
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
