package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"scc/fixed"
	"scc/lang"
	"scc/nir"
	"scc/parser"
)

// `scc nir info|import|export` and the .nir input of every compiling
// command (DESIGN §9): a .nir file is read, imported in memory and
// compiled as the .snn `scc nir import` would write, its side files
// served from memory.

const nirUsage = "scc nir info FILE.nir [--dt T] [--method euler] | scc nir import FILE.nir -o OUT.snn [--dt T] [--method euler] [--format F] [--name NET] | scc nir export FILE.snn -o OUT.nir [--top NET] [--dtype float32|float64]"

func isNIR(path string) bool { return hasExt(path, ".nir") }

func runNir(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("expected info, import or export")
	}
	switch args[0] {
	case "info":
		return nirInfo(args[1:], stdout, stderr)
	case "import":
		return nirImport(args[1:], stdout, stderr)
	case "export":
		return nirExport(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, "usage: "+nirUsage)
		return flag.ErrHelp
	}
	return usagef("unknown nir command %q (expected info, import or export)", args[0])
}

// nirImportFlags are the import choices NIR leaves open.
type nirImportFlags struct {
	dt, method, format, name string
}

func (f *nirImportFlags) register(fs *flag.FlagSet, all bool) {
	fs.StringVar(&f.dt, "dt", "", "step length (default 0.1ms, snnTorch's and SpikingJelly's export dt; a bare number is in ms)")
	fs.StringVar(&f.method, "method", "", "integration method: euler (forward Euler, the default)")
	if all {
		fs.StringVar(&f.format, "format", "", "fixed-point format of the network's models (q8.8, q16.16, ...; default: import's choice)")
		fs.StringVar(&f.name, "name", "", "network name (default: from the file name)")
	}
}

func (f *nirImportFlags) options() (nir.ImportOptions, error) {
	var o nir.ImportOptions
	if f.dt != "" {
		dt, err := parseSeconds(f.dt)
		if err != nil {
			return o, usagef("--dt: %v", err)
		}
		o.Dt = dt
	}
	m, err := nirMethod(f.method)
	if err != nil {
		return o, err
	}
	o.Method = m
	if f.format != "" {
		if _, err := fixed.ParseProfile(f.format); err != nil {
			return o, usagef("--format: %v", err)
		}
		o.Format = f.format
	}
	o.Name = f.name
	return o, nil
}

func nirMethod(m string) (string, error) {
	switch m {
	case "", "euler":
		return m, nil
	}
	return "", usagef("--method %q: NIR import integrates with euler (forward Euler, what every exporter assumes)", m)
}

// readNIR reads path; a malformed file is a failure printing the
// *nir.Error (file: node: dataset: what).
func readNIR(path string) (*nir.File, error) {
	f, err := nir.Read(path)
	if err != nil {
		return nil, nirFailure(path, err)
	}
	return f, nil
}

func nirFailure(path string, err error) error {
	var ne *nir.Error
	if errors.As(err, &ne) {
		if ne.File == "" {
			ne.File = path
		}
		return &failure{ne.Error()}
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, path) {
		msg = path + ": " + msg
	}
	return &failure{msg}
}

func onePath(fs *flag.FlagSet, args []string, stderr io.Writer, what string) (string, error) {
	pos, err := parseFlags(fs, args, stderr)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", usagef("expected one %s, found %d arguments", what, len(pos))
	}
	return pos[0], nil
}

func nirInfo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("nir info", flag.ContinueOnError)
	var f nirImportFlags
	f.register(fs, false)
	path, err := onePath(fs, args, stderr, "FILE.nir")
	if err != nil {
		return err
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	file, err := readNIR(path)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, nir.Describe(file, opt))
	return err
}

// nirBase is the side-file prefix and network source name for out.snn.
func nirBase(snn string) string {
	return strings.TrimSuffix(filepath.Base(snn), filepath.Ext(snn))
}

// importNIR reads and imports path for the .snn named snn, printing the
// import's warnings.
func importNIR(path, snn string, opt nir.ImportOptions, stderr io.Writer) (*nir.Imported, error) {
	f, err := readNIR(path)
	if err != nil {
		return nil, err
	}
	opt.Base = nirBase(snn)
	opt.File = path
	imp, err := nir.Import(f, opt)
	if err != nil {
		return nil, nirFailure(path, err)
	}
	for _, w := range imp.Warnings {
		fmt.Fprintf(stderr, "%s: warning: %s\n", path, w)
	}
	for name := range imp.Files {
		if !filepath.IsLocal(name) {
			return nil, fmt.Errorf("%s: import named the side file %q outside the output's directory", path, name)
		}
	}
	return imp, nil
}

func nirImport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("nir import", flag.ContinueOnError)
	var f nirImportFlags
	f.register(fs, true)
	out := fs.String("o", "", "the .snn to write; its side files (per-neuron data, spike inputs) go next to it")
	path, err := onePath(fs, args, stderr, "FILE.nir")
	if err != nil {
		return err
	}
	if *out == "" || *out == "-" {
		return usagef("-o OUT.snn is required (the side files are written next to it)")
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	imp, err := importNIR(path, *out, opt, stderr)
	if err != nil {
		return err
	}
	dir := filepath.Dir(*out)
	var files []outFile
	for _, name := range sortedFileNames(imp.Files) {
		files = append(files, outFile{filepath.Join(dir, name), imp.Files[name]})
	}
	files = append(files, outFile{*out, imp.Source}) // last: the .snn appears once its data has
	return writeAll(files)
}

func sortedFileNames(m map[string][]byte) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// outFile is one file of a multi-file output.
type outFile struct {
	path string
	data []byte
}

// writeAll writes every file or none (DESIGN §7): each goes to a temp
// file in its target's directory first, and only when all are written are
// they renamed over their targets (symlinks written through, as
// writeOutput does). On an error the temp files are removed.
func writeAll(files []outFile) (err error) {
	type staged struct{ tmp, target, path string }
	var st []staged
	defer func() {
		if err != nil {
			for _, s := range st {
				os.Remove(s.tmp)
			}
		}
	}()
	seen := map[string]bool{}
	for _, f := range files {
		target, fi, err := outputTarget(f.path)
		if err != nil {
			return outputError(f.path, err)
		}
		if abs, _ := filepath.Abs(target); seen[abs] {
			return fmt.Errorf("%s: written twice", f.path)
		} else {
			seen[abs] = true
		}
		perm := fs.FileMode(0o644)
		if fi != nil {
			if !fi.Mode().IsRegular() {
				return fmt.Errorf("%s: not a regular file", f.path)
			}
			perm = fi.Mode().Perm()
		}
		tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp*")
		if err != nil {
			return outputError(f.path, err)
		}
		st = append(st, staged{tmp.Name(), target, f.path})
		_, err = tmp.Write(f.data)
		if err == nil {
			err = tmp.Chmod(perm)
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return outputError(f.path, err)
		}
	}
	for i, s := range st {
		if err := os.Rename(s.tmp, s.target); err != nil {
			st = st[i:]
			return outputError(s.path, err)
		}
	}
	st = nil
	return nil
}

func nirExport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("nir export", flag.ContinueOnError)
	out := fs.String("o", "", "the .nir to write (- for standard output)")
	top := fs.String("top", "", "network to export (default: the only one)")
	dtype := fs.String("dtype", "", "dtype of every float parameter: float32 (the default, what the torch exporters write) or float64")
	var params multiFlag
	fs.Var(&params, "param", "parameter override NAME=VALUE (repeatable)")
	path, err := onePath(fs, args, stderr, "FILE.snn")
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("-o OUT.nir is required")
	}
	var dt nir.DType
	switch *dtype {
	case "":
	case "float32":
		dt = nir.Float32
	case "float64":
		dt = nir.Float64
	default:
		return usagef("--dtype %q: expected float32 or float64", *dtype)
	}
	p, err := parseParams(params)
	if err != nil {
		return err
	}
	if isNIR(path) {
		return usagef("%s is already NIR: export takes a .snn network", path)
	}
	u, err := compileFile(path, compileOpts{Params: p, StopAfter: "irgen"}, stderr)
	if err != nil {
		return err
	}
	n := pickNetwork(u.real, *top)
	if n == nil {
		if *top != "" {
			return &failure{fmt.Sprintf("%s: no network %q", path, *top)}
		}
		return &failure{fmt.Sprintf("%s: no network to export (name one with --top)", path)}
	}
	f, err := nir.Export(u.real, n, nir.ExportOptions{Float: dt})
	if err != nil {
		return nirFailure(path, err)
	}
	data, err := nir.Write(f)
	if err != nil {
		return nirFailure(path, err)
	}
	return writeOutput(*out, data, stdout)
}

// compileNIR is compileFile for a .nir input: the file is imported (the
// --dt, --method and --format choices go to the import, which writes them
// into the source) and the source compiled as OUT.snn next to the .nir,
// the name `scc nir import FILE.nir -o FILE.snn` gives it, so both build
// the same bytes. Diagnostics point into the generated source.
func compileNIR(path string, opt compileOpts, stderr io.Writer) (*unit, error) {
	nopt := opt.NIR
	opt.Dt = 0 // the import's step (opt.NIR.Dt, exact in seconds) is the network's dt
	if opt.Format != nil && nopt.Format == "" {
		nopt.Format = opt.Format.String()
		opt.Format = nil
	}
	name := strings.TrimSuffix(path, ".nir") + ".snn"
	imp, err := importNIR(path, name, nopt, stderr)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(name)
	src, user := imp.Source, map[string]bool{}
	if len(opt.Spikes) > 0 {
		if src, user, err = nirSpikes(name, imp, opt.Spikes); err != nil {
			return nil, err
		}
	}
	files := imp.Files
	opt.Dir = dir
	opt.ReadFile = func(p string) ([]byte, error) {
		if user[p] {
			return os.ReadFile(p)
		}
		rel, err := filepath.Rel(dir, p)
		if err == nil {
			if data, ok := files[filepath.ToSlash(rel)]; ok {
				return data, nil
			}
			if data, ok := files[rel]; ok {
				return data, nil
			}
		}
		return nil, &os.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	u, err := compile(name, src, opt)
	if err := u.report(stderr, err); err != nil {
		return nil, err
	}
	return u, nil
}

// nirSpikes returns imp's source with the spike files of the sources
// --spikes names replaced by the user's files (as absolute paths, so
// that a diagnostic in one names it), and those paths: SOURCE=FILE.csv
// (the scc source or the NIR Input node it stands for), or FILE.csv alone
// when the network has one spike source.
func nirSpikes(name string, imp *nir.Imported, specs []string) ([]byte, map[string]bool, error) {
	f, err := parser.ParseFile(name, imp.Source)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", name, err)
	}
	lits := map[string]*lang.String{} // source name → its file setting
	var names []string
	for _, d := range f.Decls {
		net, ok := d.(*lang.Network)
		if !ok {
			continue
		}
		for _, s := range networkSources(net) {
			if s.Kind != "spikes" {
				continue
			}
			for _, a := range s.Args {
				if str, ok := a.Value.(*lang.String); ok && a.Name == "file" {
					lits[s.Name] = str
					names = append(names, s.Name)
				}
			}
		}
	}
	lines := strings.Split(string(imp.Source), "\n")
	user := map[string]bool{}
	done := map[string]bool{}
	for _, spec := range specs {
		src, file, ok := strings.Cut(spec, "=")
		if !ok {
			if len(names) != 1 {
				return nil, nil, usagef("--spikes %q: the network has %d spike sources (%s); write SOURCE=FILE.csv", spec, len(names), strings.Join(names, ", "))
			}
			src, file = names[0], spec
		}
		if _, ok := lits[src]; !ok {
			for pop, node := range imp.Names {
				if _, isSrc := lits[pop]; isSrc && node == src {
					src = pop
				}
			}
		}
		lit, ok := lits[src]
		if !ok {
			return nil, nil, usagef("--spikes %q: no spike source %q (sources: %s)", spec, src, strings.Join(names, ", "))
		}
		if done[src] {
			return nil, nil, usagef("--spikes %q: source %s given twice", spec, src)
		}
		done[src] = true
		abs, err := filepath.Abs(file)
		if err != nil {
			return nil, nil, err
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, nil, &failure{fmt.Sprintf("--spikes %s: %v", file, errors.Unwrap(err))}
		}
		old := strconv.Quote(lit.Value)
		k := lit.Pos.Line - 1
		if k < 0 || k >= len(lines) || !strings.Contains(lines[k], old) {
			return nil, nil, fmt.Errorf("%s: source %s: its file setting %s is not on line %d", name, src, old, lit.Pos.Line)
		}
		lines[k] = strings.Replace(lines[k], old, strconv.Quote(abs), 1)
		user[abs] = true
	}
	return []byte(strings.Join(lines, "\n")), user, nil
}

// networkSources returns the source declarations of net.
func networkSources(net *lang.Network) []*lang.Source {
	var out []*lang.Source
	for _, it := range net.Items {
		if s, ok := it.(*lang.Source); ok {
			out = append(out, s)
		}
	}
	return out
}

// parseSeconds reads a step length for a NIR import (NIR's times are in
// seconds) exactly: the decimal number is scaled by its unit in rational
// arithmetic and rounded once, so "0.1ms" and "1e-4s" are both the double
// nearest 1e-4 (0.1 ms converted through float64 milliseconds would be one
// ulp above it, and the models' step h would differ from the dt a user
// compares with). A bare number is in ms, as --dt is everywhere.
func parseSeconds(s string) (float64, error) {
	num, unit := splitQuantity(s)
	r, ok := new(big.Rat).SetString(num)
	if !ok || num == "" {
		return 0, fmt.Errorf("%q is not a time such as 0.1ms or 1e-4s", s)
	}
	scale := map[string]int64{"": 1000, "ms": 1000, "msecond": 1000, "s": 1, "second": 1, "us": 1000000, "usecond": 1000000}
	d, ok := scale[unit]
	if !ok {
		return 0, fmt.Errorf("%q: unit %q is not a time unit (s, ms, us)", s, unit)
	}
	r.Quo(r, new(big.Rat).SetInt64(d))
	x, _ := r.Float64()
	if r.Sign() <= 0 || x == 0 || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%q is not a positive time", s)
	}
	return x, nil
}
