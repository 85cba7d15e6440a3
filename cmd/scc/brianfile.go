package main

import (
	"fmt"
	"io"
)

// isBrianScript reports whether path names a Brian2 script (*.py, *.py.txt):
// the source kind `scc eq --file` reads and every compiling command accepts.
func isBrianScript(path string) bool { return hasExt(path, ".py") || hasExt(path, ".py.txt") }

// compileBrianScript reads, converts and compiles a Brian2 script and prints
// its diagnostics to stderr.
func compileBrianScript(path string, opt compileOpts, stderr io.Writer) (*unit, error) {
	return nil, fmt.Errorf("%s: Brian2 scripts are not supported yet", path)
}
