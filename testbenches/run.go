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
// `iverilog -g2012 -s top` into dir and runs the result with vvp in dir.
// It returns the simulation's output (stdout and stderr). A missing tool is
// an error naming its install command.
func RunIcarus(ctx context.Context, dir string, files []string, top string) (string, error) {
	iverilog, err := tool.Path("iverilog")
	if err != nil {
		return "", err
	}
	vvp, err := tool.Path("vvp")
	if err != nil {
		return "", err
	}
	out := top + ".vvp"
	args := append([]string{"-g2012", "-Wall", "-s", top, "-o", out}, files...)
	if log, err := run(ctx, dir, iverilog, args...); err != nil {
		return log, fmt.Errorf("iverilog: %v\n%s", err, log)
	}
	log, err := run(ctx, dir, vvp, "-n", out)
	if err != nil {
		return log, fmt.Errorf("vvp: %v\n%s", err, log)
	}
	return log, nil
}

// RunVerilator builds files (relative to dir, or absolute) with
// `verilator --binary --timing -Wall --trace -j 2 --top-module top` in
// dir/obj_dir and runs the executable V<top> in dir. Builds of several tops
// in one dir share obj_dir, so Verilator's runtime library is compiled once. Every warning is fatal: the
// only waivers are the lint_off comments inside generated testbenches. It
// returns the simulation's output. A missing tool is an error naming its
// install command.
func RunVerilator(ctx context.Context, dir string, files []string, top string) (string, error) {
	verilator, err := tool.Path("verilator")
	if err != nil {
		return "", err
	}
	mdir := "obj_dir"
	args := []string{"--binary", "--timing", "-Wall", "--trace", "-j", "2",
		"--top-module", top, "-Mdir", mdir, "-o", "V" + top}
	args = append(args, files...)
	if log, err := run(ctx, dir, verilator, args...); err != nil {
		return log, fmt.Errorf("verilator: %v\n%s", err, tail(log, 40))
	}
	exe := filepath.Join(dir, mdir, "V"+top)
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
