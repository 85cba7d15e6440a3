// Package models is scc's neuron model library: .snn sources embedded in the
// binary, listed by `scc models`, and compiled and co-simulated by the
// tests. It imports nothing.
package models

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.snn
var files embed.FS

// Names returns the library's file names (e.g. "lif.snn"), sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".snn") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// Source returns the text of the named library file.
func Source(name string) ([]byte, error) { return files.ReadFile(name) }
