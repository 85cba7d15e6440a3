package ir

import (
	"fmt"
	"strconv"
	"strings"

	"scc/lang"
)

// Net is a network (net.go): its populations, projections, drives,
// records and plasticity rules, fully instantiated, and its
// stochastic-computing layers built from the hand-written hdl/ library.
type Net struct {
	Name    string
	Pos     lang.Pos
	Dt      float64 // ms: one step of every population
	Pops    []*Pop  // declaration order (sources included)
	Projs   []*Proj
	Drives  []*Drive
	Records []*Record
	Rules   []*Rule
	Layers  []*SCLayer // words are raw Q8.8 in either phase
}

// SCLayer is an sc_dense layer (lang/spec.md §3.1): the hdl module
// sc_dense_matrix_layer with constant inputs, one default sc_lif_neuron per
// output. X and W are the encoders' unsigned comparator words (uq8.8), YMin,
// YMax, Leak and Gain signed q8.8 words.
type SCLayer struct {
	Name                   string
	Pos                    lang.Pos
	Inputs, Neurons        int
	Length                 int64 // stream_len: cycles per run
	InputSeed, WeightSeed  uint16
	X                      []int64 // Inputs words
	W                      []int64 // Neurons·Inputs words; W[j*Inputs+i] is neuron j, input i
	YMin, YMax, Leak, Gain int64
}

// XSeed is the seed of input encoder i: InputSeed + 7i mod 2^16.
func (l *SCLayer) XSeed(i int) uint16 { return uint16(uint32(l.InputSeed) + 7*uint32(i)) }

// WSeed is the seed of the weight encoder of neuron j, input i:
// WeightSeed + 13(j·Inputs + i) mod 2^16.
func (l *SCLayer) WSeed(j, i int) uint16 {
	return uint16(uint32(l.WeightSeed) + 13*uint32(j*l.Inputs+i))
}

// Network returns the named network, or nil.
func (m *Module) Net(name string) *Net {
	for _, n := range m.Nets {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// verifyLayers checks a network's SC layers: unique layer names, shapes
// ≥ 1, list lengths, every word within its format and no encoder seeded 0.
func verifyLayers(n *Net) error {
	names := map[string]bool{}
	for _, l := range n.Layers {
		if names[l.Name] {
			return fmt.Errorf("layer %q is declared twice", l.Name)
		}
		names[l.Name] = true
		if err := verifyLayer(l); err != nil {
			return fmt.Errorf("layer %s: %w", l.Name, err)
		}
	}
	return nil
}

func verifyLayer(l *SCLayer) error {
	switch {
	case l.Inputs < 1 || l.Neurons < 1:
		return fmt.Errorf("shape %d×%d, want ≥ 1", l.Inputs, l.Neurons)
	case l.Length < 1 || l.Length > 1<<32-1:
		return fmt.Errorf("length %d outside 1..2^32-1", l.Length)
	case len(l.X) != l.Inputs:
		return fmt.Errorf("%d x words, want %d", len(l.X), l.Inputs)
	case len(l.W) != l.Inputs*l.Neurons:
		return fmt.Errorf("%d w words, want %d", len(l.W), l.Inputs*l.Neurons)
	case l.YMin > l.YMax:
		return fmt.Errorf("y_min %d > y_max %d", l.YMin, l.YMax)
	}
	for k, v := range append(append([]int64{}, l.X...), l.W...) {
		if v < 0 || v > 0xFFFF {
			return fmt.Errorf("word %d of x,w is %d, outside uq8.8", k, v)
		}
	}
	for _, v := range []int64{l.YMin, l.YMax, l.Leak, l.Gain} {
		if v < -1<<15 || v >= 1<<15 {
			return fmt.Errorf("word %d outside q8.8", v)
		}
	}
	for i := 0; i < l.Inputs; i++ {
		if l.XSeed(i) == 0 {
			return fmt.Errorf("input %d has seed 0", i)
		}
		for j := 0; j < l.Neurons; j++ {
			if l.WSeed(j, i) == 0 {
				return fmt.Errorf("weight (%d, %d) has seed 0", j, i)
			}
		}
	}
	return nil
}

// scLayer prints one sc_dense block of a network (printer.network):
//
//	sc_dense L @2:5 {
//	  inputs 4
//	  ...
//	  w [[128, 64], [255, 0]]
//	}
func (p *printer) scLayer(l *SCLayer) {
	p.f("  sc_dense %s", l.Name)
	p.pos(l.Pos)
	p.WriteString(" {\n")
	p.f("    inputs %d\n    neurons %d\n    length %d\n", l.Inputs, l.Neurons, l.Length)
	p.f("    input_seed 0x%04x\n    weight_seed 0x%04x\n", l.InputSeed, l.WeightSeed)
	p.f("    x %s\n    w [", words(l.X))
	for j := 0; j < l.Neurons; j++ {
		if j > 0 {
			p.WriteString(", ")
		}
		if (j+1)*l.Inputs <= len(l.W) && j*l.Inputs >= 0 {
			p.WriteString(words(l.W[j*l.Inputs : (j+1)*l.Inputs]))
		}
	}
	p.f("]\n    y [%d, %d]\n    leak %d\n    gain %d\n  }\n", l.YMin, l.YMax, l.Leak, l.Gain)
}

func words(w []int64) string {
	s := make([]string, len(w))
	for i, v := range w {
		s[i] = strconv.FormatInt(v, 10)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func trimBrace(toks []string) []string {
	if len(toks) > 0 && toks[len(toks)-1] == "{" {
		return toks[:len(toks)-1]
	}
	return toks
}

// layer parses one sc_dense block.
func (p *irParser) layer() *SCLayer {
	toks, pos := p.cut(trimBrace(p.toks))
	if len(toks) != 2 || toks[0] != "sc_dense" {
		p.failf("expected `sc_dense Name {`, found %q", strings.Join(p.toks, " "))
	}
	l := &SCLayer{Name: toks[1], Pos: pos}
	p.advance()
	for {
		if !p.next() {
			p.failf("unexpected end of input in layer %s", l.Name)
		}
		key := p.toks[0]
		if key == "}" && len(p.toks) == 1 {
			p.advance()
			return l
		}
		var ints []int64
		for _, t := range p.toks[1:] {
			if t == "[" || t == "]" || t == "," {
				continue
			}
			v, err := strconv.ParseInt(t, 0, 64)
			if err != nil {
				p.failf("bad number %q in layer %s", t, l.Name)
			}
			ints = append(ints, v)
		}
		one := func() int64 {
			if len(ints) != 1 {
				p.failf("%s of layer %s: want one number, found %d", key, l.Name, len(ints))
			}
			return ints[0]
		}
		switch key {
		case "inputs":
			l.Inputs = int(one())
		case "neurons":
			l.Neurons = int(one())
		case "length":
			l.Length = one()
		case "input_seed":
			l.InputSeed = uint16(one())
		case "weight_seed":
			l.WeightSeed = uint16(one())
		case "x":
			l.X = ints
		case "w":
			l.W = ints
		case "y":
			if len(ints) != 2 {
				p.failf("y of layer %s: want 2 numbers, found %d", l.Name, len(ints))
			}
			l.YMin, l.YMax = ints[0], ints[1]
		case "leak":
			l.Leak = one()
		case "gain":
			l.Gain = one()
		default:
			p.failf("unknown layer field %q", key)
		}
		p.advance()
	}
}

// Hardware names of a network's top module (DESIGN §4: names come from the
// IR so that backends and testbenches agree). The top has inputs clk, rst_n
// and start, and per layer L the outputs L_spikes (Neurons bits), L_run_done
// and L_running.

// ModuleName returns the hardware module name of n.
func (n *Net) ModuleName() string { return HWName(n.Name) }

// SpikesPort returns the spikes output of l: "<name>_spikes".
func (l *SCLayer) SpikesPort() string { return l.Name + "_spikes" }

// RunDonePort returns the run_done output of l: "<name>_run_done".
func (l *SCLayer) RunDonePort() string { return l.Name + "_run_done" }

// RunningPort returns the running (step_valid) output of l:
// "<name>_running".
func (l *SCLayer) RunningPort() string { return l.Name + "_running" }
