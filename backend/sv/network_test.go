package sv

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"scc/internal/golden"
	"scc/ir"
	"scc/lang"
)

// TestNetworkGolden compares the emitted network tops of every
// testdata/network/*.txtar with its out.sv section (SCC_UPDATE=1 rewrites
// it) and checks that the hdl/ sources follow.
func TestNetworkGolden(t *testing.T) {
	golden.Run(t, "testdata/network/*.txtar", []string{"out.sv"}, func(t testing.TB, a *txtar.Archive) (map[string][]byte, error) {
		in, ok := golden.Section(a, "in.ir")
		if !ok {
			return nil, errors.New("no in.ir section")
		}
		out := emit(t, parseIR(t, in), goldenOpts)
		head, rest, ok1 := bytes.Cut(out, []byte(LibraryBegin))
		lib, tail, ok2 := bytes.Cut(rest, []byte(LibraryEnd))
		if !ok1 || !ok2 || !bytes.Contains(lib, []byte("module sc_dense_matrix_layer")) ||
			!bytes.Contains(lib, []byte("module sc_lif_neuron")) {
			return nil, fmt.Errorf("Emit output does not carry the hdl/ sources:\n%s", out)
		}
		return map[string][]byte{"out.sv": append(append(head, LibraryBegin+" ... "...), tail...)}, nil
	})
}

// TestNetworkToolsAccept runs iverilog, verilator --lint-only -Wall (zero
// warnings) and yosys synth on every network, emitted alone (Top) and with
// the whole module.
func TestNetworkToolsAccept(t *testing.T) {
	files, _ := filepath.Glob("testdata/network/*.txtar")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			m := parseIR(t, caseIR(t, file))
			var tops []string
			for _, n := range m.Nets {
				tops = append(tops, n.ModuleName())
			}
			lintAll(t, emit(t, m, goldenOpts), tops, true)
			one := emit(t, m, Options{Top: m.Nets[0].Name, Version: goldenOpts.Version})
			if n := strings.Count(string(one), "\nmodule "); n != 6 { // the top and 5 hdl modules
				t.Errorf("Emit(Top=%s) wrote %d modules, want 6", m.Nets[0].Name, n)
			}
			lintAll(t, one, tops[:1], false)
		})
	}
}

// TestNetworkNameClash: a network's top may not reuse the name of an hdl/
// module or of a model's module.
func TestNetworkNameClash(t *testing.T) {
	layer := &ir.SCLayer{Name: "L", Inputs: 1, Neurons: 1, Length: 1, InputSeed: 1, WeightSeed: 1,
		X: []int64{1}, W: []int64{1}}
	for _, tc := range []struct{ name, want string }{
		{"sc_lif_neuron", "is an hdl/ library module"},
		{"LIF", "is also model LIF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &ir.Module{File: "x.snn", Phase: ir.Fixed,
				Funcs: []*ir.Func{ir.NewFunc("LIF", lang.Pos{})},
				Nets:  []*ir.Net{{Name: tc.name, Layers: []*ir.SCLayer{layer}}}}
			var b bytes.Buffer
			err := Emit(&b, m, Options{Top: tc.name})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Emit(network %s) = %v, want error containing %q", tc.name, err, tc.want)
			}
		})
	}
}
