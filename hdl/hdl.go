package hdl

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
)

//go:embed *.v
var files embed.FS

// Dir is a port direction.
type Dir uint8

// Port directions.
const (
	Input Dir = iota
	Output
	Inout
)

// String returns the Verilog keyword of d.
func (d Dir) String() string {
	switch d {
	case Output:
		return "output"
	case Inout:
		return "inout"
	}
	return "input"
}

// Param is a module parameter.
type Param struct {
	Name    string
	Default string // Verilog expression, may refer to earlier parameters
	MSB     string // "" when the parameter has no range
	LSB     string
	Signed  bool
	Integer bool // declared `parameter integer`
	Local   bool // localparam in the header (never overridden)
}

// Port is a module port. The width is MSB-LSB+1 evaluated over the
// parameters; a scalar port has MSB = LSB = "0".
type Port struct {
	Name   string
	Dir    Dir
	MSB    string
	LSB    string
	Signed bool
	Reg    bool
}

// Width returns the Verilog expression of the port's width.
func (p Port) Width() string {
	if p.LSB == "0" {
		if n, err := strconv.Atoi(p.MSB); err == nil {
			return strconv.Itoa(n + 1)
		}
		if m, ok := strings.CutSuffix(p.MSB, "-1"); ok {
			return m
		}
		return p.MSB + "+1"
	}
	return fmt.Sprintf("(%s)-(%s)+1", p.MSB, p.LSB)
}

// Module is one module of the library.
type Module struct {
	Name   string
	File   string   // file name inside the library
	Doc    string   // the header comment
	Params []Param  // in declaration order
	Ports  []Port   // in declaration order
	Uses   []string // modules instantiated directly, sorted
}

// Modules is the port table, by module name.
var Modules = mustLoad()

// Names returns the module names, sorted.
func Names() []string {
	n := make([]string, 0, len(Modules))
	for k := range Modules {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// Files returns the names of the embedded Verilog files, sorted.
func Files() []string {
	ents, err := fs.ReadDir(files, ".")
	if err != nil {
		panic(err)
	}
	var n []string
	for _, e := range ents {
		n = append(n, e.Name())
	}
	return n
}

// FS returns the embedded library as a file system.
func FS() fs.FS { return files }

// Source returns the Verilog text of module.
func Source(module string) (string, error) {
	m, ok := Modules[module]
	if !ok {
		return "", fmt.Errorf("hdl: no module %q", module)
	}
	b, err := files.ReadFile(m.File)
	return string(b), err
}

// Closure returns module and every module it instantiates, transitively,
// sorted by name: the files a simulator or synthesizer needs.
func Closure(module string) ([]string, error) {
	if _, ok := Modules[module]; !ok {
		return nil, fmt.Errorf("hdl: no module %q", module)
	}
	seen := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, u := range Modules[n].Uses {
			walk(u)
		}
	}
	walk(module)
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out, nil
}

// Port returns the port named name.
func (m *Module) Port(name string) (Port, bool) {
	for _, p := range m.Ports {
		if p.Name == name {
			return p, true
		}
	}
	return Port{}, false
}

// ParamValues evaluates every parameter with the given overrides (by name)
// and returns the values by name. Unknown or local overrides are errors.
func (m *Module) ParamValues(overrides map[string]int64) (map[string]int64, error) {
	env := map[string]int64{}
	for name := range overrides {
		i := slices.IndexFunc(m.Params, func(p Param) bool { return p.Name == name })
		if i < 0 || m.Params[i].Local {
			return nil, fmt.Errorf("hdl: module %s has no parameter %q", m.Name, name)
		}
	}
	for _, p := range m.Params {
		v, ok := overrides[p.Name]
		if !ok {
			var err error
			if v, err = Eval(p.Default, env); err != nil {
				return nil, fmt.Errorf("hdl: %s.%s: %v", m.Name, p.Name, err)
			}
		}
		if p.MSB != "" {
			msb, err1 := Eval(p.MSB, env)
			lsb, err2 := Eval(p.LSB, env)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("hdl: %s.%s: bad range", m.Name, p.Name)
			}
			v = fit(v, int(msb-lsb+1), p.Signed)
		} else if p.Integer || !strings.Contains(p.Default, "'") {
			v = fit(v, 32, true)
		}
		env[p.Name] = v
	}
	return env, nil
}

// fit truncates v to w bits, sign-extending when signed.
func fit(v int64, w int, signed bool) int64 {
	if w >= 64 {
		return v
	}
	s := 64 - uint(w)
	if signed {
		return v << s >> s
	}
	return int64(uint64(v) << s >> s)
}

// PortWidth returns the width of port p under the parameter values params
// (as returned by ParamValues).
func PortWidth(p Port, params map[string]int64) (int, error) {
	msb, err := Eval(p.MSB, params)
	if err != nil {
		return 0, err
	}
	lsb, err := Eval(p.LSB, params)
	if err != nil {
		return 0, err
	}
	if msb < lsb {
		return 0, fmt.Errorf("hdl: port %s has descending range [%d:%d]", p.Name, msb, lsb)
	}
	return int(msb - lsb + 1), nil
}

func mustLoad() map[string]*Module {
	mods, err := load()
	if err != nil {
		panic(err) // the embedded library is part of the binary
	}
	return mods
}

func load() (map[string]*Module, error) {
	mods := map[string]*Module{}
	bodies := map[string]string{}
	for _, f := range Files() {
		b, err := files.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m, body, err := parseModule(string(b))
		if err != nil {
			return nil, fmt.Errorf("hdl: %s: %v", f, err)
		}
		if m.Name+".v" != f {
			return nil, fmt.Errorf("hdl: %s holds module %s", f, m.Name)
		}
		m.File = f
		mods[m.Name] = m
		bodies[m.Name] = body
	}
	for name, m := range mods {
		for other := range mods {
			if other != name && instantiates(bodies[name], other) {
				m.Uses = append(m.Uses, other)
			}
		}
		slices.Sort(m.Uses)
	}
	return mods, nil
}
