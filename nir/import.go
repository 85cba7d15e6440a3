package nir

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"scc/fixed"
	"scc/lang"
)

// ImportOptions are the choices NIR leaves open (it is continuous-time).
type ImportOptions struct {
	Dt     float64 // seconds; 0 means 1e-4 (snnTorch's and SpikingJelly's export dt)
	Method string  // "" or "euler" (forward Euler, what every exporter assumes)
	Format string  // the network's fixed-point format option ("" = import's choice, stated in a comment)
	Name   string  // network name ("" = from the file name)
	// Base is the side-file name prefix (e.g. "g" gives g_lif1_tau.csv),
	// relative to the .snn's directory.
	Base string
	// File is the NIR file's name, for errors and the emitted comments
	// ("" = "nir").
	File string
}

// Imported is a NIR file as an scc network.
type Imported struct {
	Source   []byte            // the .snn text
	Files    map[string][]byte // side files by name relative to the .snn's directory
	Warnings []string          // e.g. the rest state is not a fixed point, so the feed-forward shift is not exact
	// Names maps every population and source of the network to the NIR
	// node path it stands for (dotted from the root graph; a readout
	// population to its Output node).
	Names map[string]string
}

// DefaultDt is the step Import uses when ImportOptions.Dt is 0, in
// seconds: snnTorch's and SpikingJelly's export dt.
const DefaultDt = 1e-4

// Import maps f to an scc network (DESIGN §9): neuron nodes become
// populations of the library's NIR models with per-neuron data in side
// files (scalars stay scalars), chains of linear nodes become dense or
// sparse projections (biases a constant drive), Delay nodes projection
// delays, Input nodes spike sources read from a file, Output nodes
// records. A node or parameter that cannot be honoured exactly is an
// *Error naming the node and the reason.
func Import(f *File, opt ImportOptions) (*Imported, error) {
	file := opt.File
	if file == "" {
		file = "nir"
	}
	if opt.Dt == 0 {
		opt.Dt = DefaultDt
	}
	if !(opt.Dt > 0) || math.IsInf(opt.Dt, 0) {
		return nil, &Error{File: file, Msg: fmt.Sprintf("dt %v s is not a positive duration", opt.Dt)}
	}
	if opt.Method != "" && opt.Method != "euler" {
		return nil, &Error{File: file, Msg: fmt.Sprintf("method %q: the library's NIR models are forward Euler maps (method euler)", opt.Method)}
	}
	if opt.Format != "" {
		if _, err := fixed.ParseProfile(opt.Format); err != nil {
			return nil, &Error{File: file, Msg: fmt.Sprintf("format %q: %v", opt.Format, err)}
		}
	}
	fl, err := flatten(file, f)
	if err != nil {
		return nil, err
	}
	if err := fl.shapes(); err != nil {
		return nil, err
	}
	ms, err := dtMillis(opt.Dt)
	if err != nil {
		return nil, &Error{File: file, Msg: err.Error()}
	}
	im := &importer{fl: fl, opt: opt, file: file, version: f.Version, dtMS: ms,
		fs:    &flows{fl: fl, dt: opt.Dt, memo: map[*gnode]*flow{}, busy: map[*gnode]bool{}},
		names: map[string]bool{}, out: &Imported{Files: map[string][]byte{}, Names: map[string]string{}, Warnings: fl.warns}}
	if err := im.build(); err != nil {
		return nil, err
	}
	im.out.Source = im.emit()
	return im.out, nil
}

// dtMillis returns the number of milliseconds that the network's `dt … ms`
// states so that the models' step h = dt / second is dt bit for bit (the
// checker evaluates `x ms` as x·1 and `second` as 1000).
func dtMillis(dt float64) (float64, error) {
	msU, _ := lang.LookupUnit("ms")
	sU, _ := lang.LookupUnit("second")
	d := dt * 1000
	for _, dir := range []float64{math.Inf(1), math.Inf(-1)} {
		x := d
		for range 8 {
			if x*msU.Factor/sU.Factor == dt {
				return x, nil
			}
			x = math.Nextafter(x, dir)
		}
	}
	return 0, fmt.Errorf("dt %s s: no time in ms gives it back exactly as dt / second", num(dt))
}

// num prints a float64 so that parsing it gives it back bit for bit
// (shortest digits; -0 stays -0).
func num(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// keywords are the language's reserved words and the words that start a
// network item or an option: never a name Import emits.
var keywords = map[string]bool{
	"model": true, "network": true, "param": true, "input": true, "state": true, "spike": true,
	"when": true, "refractory": true, "steps": true, "method": true, "format": true,
	"overflow": true, "rounding": true, "assert": true, "pop": true, "layer": true, "next": true,
	"in": true, "and": true, "or": true, "not": true, "proj": true, "source": true, "drive": true,
	"record": true, "synapse": true, "trace": true, "dt": true, "t": true, "with": true,
	"on": true, "delay": true, "every": true, "spikes": true, "rate": true,
}

// ident makes s an identifier: every character other than a letter, digit
// or _ becomes _, a leading digit gets an n in front, and a keyword an _
// after it.
func ident(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	out := string(b)
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		out = "n" + out
	}
	if keywords[out] {
		out += "_"
	}
	return out
}

// unique returns ident(s), made unique among the names taken so far.
func (im *importer) unique(s string) string {
	base := ident(s)
	name := base
	for k := 2; im.names[name]; k++ {
		name = base + "_" + strconv.Itoa(k)
	}
	im.names[name] = true
	return name
}

// fileName is a side file's name.
func (im *importer) fileName(parts ...string) string {
	return strings.Join(append([]string{im.base()}, parts...), "_") + ".csv"
}

// base is the side files' prefix: Base, else the network's name, else
// the NIR file's name without its extension.
func (im *importer) base() string {
	switch {
	case im.opt.Base != "":
		return im.opt.Base
	case im.opt.Name != "":
		return im.opt.Name
	case im.opt.File != "":
		return ident(strings.TrimSuffix(filepath.Base(im.opt.File), filepath.Ext(im.opt.File)))
	}
	return "nir"
}
