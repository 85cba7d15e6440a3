// Package gen generates runtime/kernels from the model library: every
// models/*.snn model compiled with cmd/scc's front end (parser, lang.Check
// with library models merged into networks' populations, irgen.Lower,
// passes.Run) in the variants "default" (parameters bound) and "generic"
// (passes.Options{KeepParams: true}; left out when the Func has no coef
// op), each written by backend/fixedpoint.GoKernel (and GoSIMD when the
// model has vector paths). The genkernels command writes the files; the
// freshness test in backend/fixedpoint compares them with a Generate run.
package gen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"scc/backend/fixedpoint"
	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/models"
	"scc/parser"
	"scc/passes"
)

// Variants are the kernel variants, in generation order.
var Variants = []string{"default", "generic"}

// skip lists the models the Go kernel generator cannot express, with the
// reason (keep it empty: every library model has a kernel).
var skip = map[string]string{}

// Kernel is one generated kernel's source Func and names.
type Kernel struct {
	File    string // the model's file in models/, e.g. "lif.snn"
	Variant string
	Type    string // Go type name, e.g. "LIFDefault"
	Func    *ir.Func
}

// Base is the generated file's name without ".go": "lif_default".
func (k *Kernel) Base() string {
	return strings.TrimSuffix(k.File, ".snn") + "_" + k.Variant
}

// Compile compiles the library file file (e.g. "lif.snn") in variant and
// returns its one Func, fixed phase and verified.
func Compile(file, variant string) (*ir.Func, error) {
	src, err := models.Source(file)
	if err != nil {
		return nil, err
	}
	name := "models/" + file
	lf, err := parser.ParseFile(name, src)
	if err != nil {
		return nil, err
	}
	if lf, err = withLibrary(lf); err != nil {
		return nil, err
	}
	info, err := lang.Check(lf)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	m, err := irgen.Lower(lf, info, irgen.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	opt := passes.Options{Check: true}
	switch variant {
	case "default":
	case "generic":
		opt.KeepParams = true
	default:
		return nil, fmt.Errorf("unknown variant %q", variant)
	}
	if _, err := passes.Run(m, opt); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(m.Funcs) != 1 {
		return nil, fmt.Errorf("%s: %d models, want 1", name, len(m.Funcs))
	}
	f := m.Funcs[0]
	if err := ir.VerifyFunc(f, ir.Fixed); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return f, nil
}

// withLibrary adds the library models that f's networks' populations name
// and f does not declare (cmd/scc/library.go's withLibrary).
func withLibrary(f *lang.File) (*lang.File, error) {
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
	out := &lang.File{Name: f.Name, Decls: append([]lang.Decl(nil), f.Decls...)}
	for _, name := range models.Names() {
		src, err := models.Source(name)
		if err != nil {
			return nil, err
		}
		lf, err := parser.ParseFile("models/"+name, src)
		if err != nil {
			return nil, err
		}
		for _, d := range lf.Decls {
			if m, ok := d.(*lang.Model); ok && !declared[m.Name] && contains(wanted, m.Name) {
				declared[m.Name] = true
				out.Decls = append(out.Decls, m)
			}
		}
	}
	return out, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TypeName is the Go type of f's kernel in variant: the Func's name as a
// Go identifier (exported) followed by the variant, e.g. "NIR_LIFGeneric".
func TypeName(f *ir.Func, variant string) string {
	var b strings.Builder
	for i, r := range f.Name {
		switch {
		case unicode.IsLetter(r) || r == '_' || (i > 0 && unicode.IsDigit(r)):
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	s := b.String()
	if s == "" || !unicode.IsUpper([]rune(s)[0]) {
		s = "K" + s
	}
	return s + strings.ToUpper(variant[:1]) + variant[1:]
}

// Kernels compiles every library model in every variant it has a kernel
// for, in file then variant order.
func Kernels() ([]*Kernel, error) {
	var out []*Kernel
	for _, file := range models.Names() {
		if _, ok := skip[file]; ok {
			continue
		}
		for _, variant := range Variants {
			f, err := Compile(file, variant)
			if err != nil {
				return nil, err
			}
			if variant == "generic" && !hasOp(f, ir.OpCoef) {
				continue // it would equal the default kernel
			}
			if hasOp(f, ir.OpAssert) {
				// GoKernel rejects assertions (a population cannot
				// report one): such a model runs on the interpreter.
				continue
			}
			out = append(out, &Kernel{File: file, Variant: variant, Type: TypeName(f, variant), Func: f})
		}
	}
	return out, nil
}

func hasOp(f *ir.Func, op ir.Op) bool {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == op {
				return true
			}
		}
	}
	return false
}

// Options returns the GoOptions of k (SIMD false: Generate sets it when
// GoSIMD gives a file).
func (k *Kernel) Options() fixedpoint.GoOptions {
	return fixedpoint.GoOptions{Package: "kernels", Type: k.Type, Variant: k.Variant, Source: k.File}
}

// Generate returns every generated file of runtime/kernels by name.
func Generate() (map[string][]byte, error) {
	ks, err := Kernels()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, k := range ks {
		opt := k.Options()
		simd, err := fixedpoint.GoSIMD(k.Func, opt)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %v", k.File, k.Variant, err)
		}
		if simd != nil {
			opt.SIMD = true
			files[k.Base()+"_simd_amd64.go"] = simd
		}
		src, err := fixedpoint.GoKernel(k.Func, opt)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %v", k.File, k.Variant, err)
		}
		files[k.Base()+".go"] = src
	}
	return files, nil
}

// generatedPrefix starts every generated file of runtime/kernels.
const generatedPrefix = "// Code generated by scc"

// Existing returns the generated files in dir (those starting with the
// generated-code header), by name.
func Existing(dir string) (map[string][]byte, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if bytes.HasPrefix(b, []byte(generatedPrefix)) {
			out[e.Name()] = b
		}
	}
	return out, nil
}

// Write generates into dir: it writes every file that changed and deletes
// generated files that Generate no longer makes. It returns the names it
// wrote and deleted.
func Write(dir string) (wrote, deleted []string, err error) {
	files, err := Generate()
	if err != nil {
		return nil, nil, err
	}
	old, err := Existing(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, name := range sorted(files) {
		if bytes.Equal(old[name], files[name]) {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return nil, nil, err
		}
		wrote = append(wrote, name)
	}
	for _, name := range sorted(old) {
		if _, ok := files[name]; ok {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return nil, nil, err
		}
		deleted = append(deleted, name)
	}
	return wrote, deleted, nil
}

func sorted(m map[string][]byte) []string {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
