package testbenches

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"scc/internal/tool"
)

// RunIcarus compiles files (relative to dir, or absolute) with
// `iverilog -g2012 -Wall -s top` into dir and runs the result with vvp in
// dir. It returns the simulation's output (stdout and stderr). A missing tool
// is an error naming its install command. Under ShareBuilds the compiled
// design comes from the BuildCache.
func RunIcarus(ctx context.Context, dir string, files []string, top string) (string, error) {
	return runIcarus(ctx, shared.Load(), dir, files, top)
}

// runIcarus is RunIcarus building through c (nil: in dir).
func runIcarus(ctx context.Context, c *BuildCache, dir string, files []string, top string) (string, error) {
	iverilog, err := tool.Path("iverilog")
	if err != nil {
		return "", err
	}
	vvp, err := tool.Path("vvp")
	if err != nil {
		return "", err
	}
	args := []string{"-g2012", "-Wall", "-s", top}
	out, cached := "", false
	if c != nil {
		var log string
		if out, log, cached, err = c.icarus(ctx, iverilog, dir, args, files); err != nil {
			return log, fmt.Errorf("iverilog: %v\n%s", err, log)
		}
	}
	if !cached {
		out = top + ".vvp"
		if log, err := run(ctx, dir, iverilog, append(append(args, "-o", out), files...)...); err != nil {
			return log, fmt.Errorf("iverilog: %v\n%s", err, log)
		}
	}
	log, err := run(ctx, dir, vvp, "-n", out)
	if err != nil {
		return log, fmt.Errorf("vvp: %v\n%s", err, log)
	}
	return log, nil
}

// verilatorCheck are the options every Verilator build verilates with;
// verilatorFlags are the arguments of an uncached build but the top, the
// make directory, the executable's name and the files (--binary is --main
// --exe --build --timing; the BuildCache runs the build step itself).
var (
	verilatorCheck = []string{"--timing", "-Wall", "--trace"}
	verilatorFlags = append([]string{"--binary"}, append(verilatorCheck, "-j", "2")...)
)

// RunVerilator builds files (relative to dir, or absolute) with
// `verilator --binary --timing -Wall --trace -j 2 --top-module top` in
// dir/obj_dir and runs the executable V<top> in dir. Every warning is fatal:
// the only waivers are the lint_off comments inside generated testbenches.
// It returns the simulation's output. A missing tool is an error naming its
// install command. Under ShareBuilds the executable comes from the
// BuildCache, which compiles Verilator's runtime library once for all
// builds (without it, each build compiles its own: verilated.mk rebuilds the
// runtime objects whenever a top's makefile is newer, so tops sharing
// obj_dir do not share them).
func RunVerilator(ctx context.Context, dir string, files []string, top string) (string, error) {
	return runVerilator(ctx, shared.Load(), dir, files, top)
}

// runVerilator is RunVerilator building through c (nil: in dir/obj_dir).
func runVerilator(ctx context.Context, c *BuildCache, dir string, files []string, top string) (string, error) {
	verilator, err := tool.Path("verilator")
	if err != nil {
		return "", err
	}
	exe, cached := "", false
	if c != nil {
		mk, err := tool.Path("make")
		if err != nil {
			return "", err
		}
		flags := append([]string{"--main", "--exe"}, verilatorCheck...)
		var log string
		if exe, log, cached, err = c.verilator(ctx, verilator, mk, dir, flags, files, top); err != nil {
			return log, err
		}
	}
	if !cached {
		mdir := "obj_dir"
		args := append(append([]string{}, verilatorFlags...), "--top-module", top, "-Mdir", mdir, "-o", "V"+top)
		if opt := modelOpt(); opt != nil {
			args = append(args, "-MAKEFLAGS", opt[0])
		}
		args = append(args, files...)
		if log, err := run(ctx, dir, verilator, args...); err != nil {
			return log, fmt.Errorf("verilator: %v\n%s", err, tail(log, 40))
		}
		exe = filepath.Join(dir, mdir, "V"+top)
	}
	if !filepath.IsAbs(exe) {
		if abs, err := filepath.Abs(exe); err == nil {
			exe = abs
		}
	}
	log, err := run(ctx, dir, exe)
	if err != nil {
		return log, fmt.Errorf("%s: %v\n%s", filepath.Base(exe), err, tail(log, 40))
	}
	return log, nil
}

func run(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var b bytes.Buffer
	cmd.Stdout = &b
	cmd.Stderr = &b
	err := cmd.Run()
	return b.String(), err
}

// tail returns the last n lines of s (compiler logs can be long).
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
