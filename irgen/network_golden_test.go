package irgen_test

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"scc/internal/golden"
	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/parser"
)

// TestNetGolden lowers each testdata/net/*.txtar's in.snn, whose data
// files are the archive's other input sections, and compares the printed
// module with out.ir, or the diagnostics with errors (SCC_UPDATE=1
// rewrites them). A module must survive the IR text round trip.
func TestNetGolden(t *testing.T) {
	golden.Run(t, "testdata/net/*.txtar", []string{"out.ir", "errors"}, func(t testing.TB, ar *txtar.Archive) (map[string][]byte, error) {
		src, ok := golden.Section(ar, "in.snn")
		if !ok {
			return nil, errors.New("no in.snn section")
		}
		files := map[string][]byte{}
		for _, f := range ar.Files {
			files[path.Join("net", f.Name)] = f.Data
		}
		read := func(name string) ([]byte, error) {
			if d, ok := files[name]; ok && !strings.HasPrefix(name, "net/out.") && name != "net/errors" {
				return d, nil
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		m, err := lowerText(t, "net/in.snn", src, irgen.Options{ReadFile: read})
		if err != nil {
			return map[string][]byte{"errors": []byte(err.Error() + "\n")}, nil
		}
		got := m.String()
		back, err := ir.Parse(got)
		if err != nil {
			t.Fatalf("ir.Parse(Print(m)): %v", err)
		}
		if again := back.String(); again != got {
			t.Errorf("round trip changed the IR:\n%s", cmp.Diff(got, again))
		}
		return map[string][]byte{"out.ir": []byte(got)}, nil
	})
}

// lowerText parses, checks and lowers src; only Lower's errors are
// returned.
func lowerText(t testing.TB, name string, src []byte, opt irgen.Options) (*ir.Module, error) {
	t.Helper()
	f, err := parser.ParseFile(name, src)
	if err != nil {
		t.Fatalf("ParseFile: %v", err)
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	m, err := irgen.Lower(f, info, opt)
	if err != nil {
		return nil, err
	}
	if err := ir.Verify(m); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return m, nil
}

const optNet = `model M {
    param k = 2
    param g = 1
    input je
    state v = 0
    v' = v * k + je * g
}
network N {
    pop a = M[2]
    pop b = M[2] { k = 3 }
}
`

// TestNetOptions: Options.Params reach the populations' Funcs (over a
// population's own override, as `--param` beats a population in `scc
// build --top`), and a module of chosen models has no network of
// populations.
func TestNetOptions(t *testing.T) {
	m, err := lowerText(t, "opt.snn", []byte(optNet), irgen.Options{Params: map[string]float64{"g": 5}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range m.Funcs {
		got = append(got, fmt.Sprintf("%s(k=%g,g=%g)", f.Name, f.Params[0].Value, f.Params[1].Value))
	}
	if s, want := strings.Join(got, " "), "M(k=2,g=5) M_b(k=3,g=5)"; s != want {
		t.Errorf("funcs = %s, want %s", s, want)
	}
	if n := m.Net("N"); n == nil || n.Pops[0].Func != "M" || n.Pops[1].Func != "M_b" {
		t.Errorf("net N = %+v, want pops running M and M_b", n)
	}
	m, err = lowerText(t, "opt.snn", []byte(optNet), irgen.Options{Params: map[string]float64{"k": 4}})
	if err != nil {
		t.Fatal(err)
	}
	if n := m.Net("N"); len(m.Funcs) != 1 || m.Funcs[0].Params[0].Value != 4 || n.Pops[1].Func != "M" {
		t.Errorf("--param k = 4 over b's k = 3: want b to run M with k = 4, found\n%s", m)
	}
	m, err = lowerText(t, "opt.snn", []byte(optNet), irgen.Options{Models: []string{"M"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Nets) != 0 || len(m.Funcs) != 1 {
		t.Errorf("Models [M]: %d nets, %d funcs; want 0 and 1", len(m.Nets), len(m.Funcs))
	}
}

const derivedNet = `model M {
    param v_rest = -65 mV
    param k = 2
    param v_th = v_rest + 15 mV
    param fixed = k * 3
    input je : mV
    state v : mV = v_rest in [-80 mV, -40 mV]
    state u : mV = v_rest * k
    state x = 1
    v' = v + je
    u' = u
    x' = x
}
network N {
    pop a = M[4] { v_rest = uniform(-70 mV, -60 mV, seed = 3) }
    pop b = M[2] { v_rest = uniform(-90 mV, -85 mV, seed = 3) }
}
`

// TestDerivedInit: a state whose initial value reads a per-neuron
// parameter starts at that value in each neuron (and must lie in its
// range); one that reads none keeps the Func's initial value.
func TestDerivedInit(t *testing.T) {
	f, err := parser.ParseFile("d.snn", []byte(derivedNet))
	if err != nil {
		t.Fatal(err)
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatal(err)
	}
	_, err = irgen.Lower(f, info, irgen.Options{})
	if want := `d.snn:16:5: per-neuron initial "v" = -8`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Lower = %v, want an error starting %s", err, want)
	}
	src := strings.Replace(derivedNet, "    pop b", "    // pop b", 1)
	m, err := lowerText(t, "d.snn", []byte(src), irgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := m.Net("N").Pops[0]
	if len(a.Params) != 2 || a.Params[1].Index != 2 || len(a.Init) != 2 {
		t.Fatalf("pop a: params %+v, %d inits; want v_rest and v_th per neuron, and the inits of v and u", a.Params, len(a.Init))
	}
	lo, hi := -50.0, -50.0 // v_th's default, -65 mV + 15 mV
	for n, vr := range a.Params[0].Values {
		th := a.Params[1].Values[n]
		if v, u := a.Init[0].Values[n], a.Init[1].Values[n]; a.Init[0].Index != 0 || v != vr || a.Init[1].Index != 1 || u != 2*vr || th != vr+15 {
			t.Errorf("neuron %d: v_rest %v, v_th %v, v %v, u %v; want v_th = v_rest + 15, v = v_rest, u = 2 v_rest", n, vr, th, v, u)
		}
		lo, hi = min(lo, th), max(hi, th)
	}
	fn := m.Funcs[len(m.Funcs)-1]
	if r := fn.Params[2].Range; fn.Name != "M_a" || r == nil || r.Lo != lo || r.Hi != hi || fn.Params[3].Range != nil {
		t.Errorf("func %s: v_th range %v, fixed range %v; want M_a with v_th in [%v, %v] and fixed constant", fn.Name, r, fn.Params[3].Range, lo, hi)
	}
}
