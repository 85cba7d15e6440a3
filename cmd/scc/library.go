package main

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"scc/lang"
	"scc/models"
	"scc/parser"
)

// The model library (models/) is in scope of every network: a population
// may name a library model its file does not declare (`pop exc =
// CubaLIF[3200]`), and the file's own declaration of a name wins. The
// library's declarations keep their own file names ("models/cuba_lif.snn")
// in positions, so a diagnostic inside one says where it is.

type libModel struct {
	file  string // "models/lif.snn"
	src   []byte
	model *lang.Model
}

var (
	libOnce  sync.Once
	libIndex map[string]libModel
	libErr   error
)

// library parses every library file once and indexes its models by name.
func library() (map[string]libModel, error) {
	libOnce.Do(func() {
		libIndex = map[string]libModel{}
		for _, name := range models.Names() {
			src, err := models.Source(name)
			if err != nil {
				libErr = err
				return
			}
			file := "models/" + name
			f, err := parser.ParseFile(file, src)
			if err != nil {
				libErr = fmt.Errorf("library file %s: %v", file, err)
				return
			}
			for _, d := range f.Decls {
				if m, ok := d.(*lang.Model); ok {
					libIndex[m.Name] = libModel{file: file, src: src, model: m}
				}
			}
		}
	})
	return libIndex, libErr
}

// withLibrary returns f with the library models its networks' populations
// name but f does not declare appended (f itself is unchanged: `-o x.snn`
// prints the user's file), and registers their sources with u for
// diagnostics. Names that are neither declared nor in the library are left
// for the checker to report.
func (u *unit) withLibrary(f *lang.File) (*lang.File, error) {
	declared := map[string]bool{}
	var wanted []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *lang.Model:
			declared[d.Name] = true
		case *lang.Network:
			for _, it := range d.Items {
				if p, ok := it.(*lang.Pop); ok {
					wanted = append(wanted, p.Model)
				}
			}
		}
	}
	if len(wanted) == 0 {
		return f, nil
	}
	lib, err := library()
	if err != nil {
		return nil, err
	}
	f = &lang.File{Name: f.Name, Decls: slices.Clip(f.Decls)}
	for _, name := range wanted {
		lm, ok := lib[name]
		if !ok || declared[name] {
			continue
		}
		declared[name] = true
		// A fresh parse per unit: ASTs are never shared between
		// compilations (the checker keys its facts by node).
		lf, err := parser.ParseFile(lm.file, lm.src)
		if err != nil {
			return nil, err
		}
		for _, d := range lf.Decls {
			if m, ok := d.(*lang.Model); ok && m.Name == name {
				f.Decls = append(f.Decls, m)
			}
		}
		if _, ok := u.lines[lm.file]; !ok {
			u.lines[lm.file] = strings.Split(string(lm.src), "\n")
		}
	}
	return f, nil
}
