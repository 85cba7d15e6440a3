package passes

import (
	"os"
	"strings"
	"testing"

	"scc/fixed"
	"scc/ir"
)

func lifReal(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("../ir/testdata/lif_real.ir")
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// TestFormatsHonoured: Options.Formats fixes the named state's or input's
// word format over the profile's; the others keep the profile's, and the
// products keep the finest fraction so a finer state gains precision.
func TestFormatsHonoured(t *testing.T) {
	for _, tc := range []struct {
		name         string
		formats      map[string]fixed.Format
		wantV, wantI fixed.Format
	}{
		{"none", nil, fixed.Q(8, 8), fixed.Q(8, 8)},
		{"state", map[string]fixed.Format{"v": fixed.Q(8, 12)}, fixed.Q(8, 12), fixed.Q(8, 8)},
		{"input", map[string]fixed.Format{"I": fixed.Q(7, 3)}, fixed.Q(8, 8), fixed.Q(7, 3)},
		{"both", map[string]fixed.Format{"v": fixed.Q(9, 15), "I": fixed.Q(8, 4)}, fixed.Q(9, 15), fixed.Q(8, 4)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ir.Parse(lifReal(t))
			if err != nil {
				t.Fatal(err)
			}
			opt := Options{Check: true}
			if tc.formats != nil {
				opt.Formats = map[string]map[string]fixed.Format{"LIF": tc.formats}
			}
			if _, err := Run(m, opt); err != nil {
				t.Fatalf("Run = %v", err)
			}
			f := m.Funcs[0]
			if got := f.States[0].Type; got != ir.Fix(tc.wantV) {
				t.Errorf("state v is %v, want %v", got, tc.wantV)
			}
			if got := f.Inputs[0].Type; got != ir.Fix(tc.wantI) {
				t.Errorf("input I is %v, want %v", got, tc.wantI)
			}
			raw, _ := fixed.Encode(-65, tc.wantV) // exact in every format here
			if f.States[0].InitRaw != raw {
				t.Errorf("v's initial word is %d, want %d", f.States[0].InitRaw, raw)
			}
			// The product before the commit keeps v's fraction.
			for _, v := range f.Entry().Values {
				if v.Op == ir.OpCast && v.Args[0].Op == ir.OpMul && v.Type.Fmt.Frac < tc.wantV.Frac {
					t.Errorf("product narrowed to %v, below v's fraction %d", v.Type, tc.wantV.Frac)
				}
			}
		})
	}
}

// TestFormatsErrors: an entry that cannot be honoured is a positioned
// error, never a panic or a silent clamp.
func TestFormatsErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(string) string
		formats map[string]fixed.Format
		want    string
	}{
		{"init does not fit", nil, map[string]fixed.Format{"v": fixed.Q(7, 9)},
			`lif.snn:8:5: initial value -65 of "v" does not fit q7.9 (range [-64, 63.998046875])` + "\n" +
				`lif.snn:9:14: constant -65 does not fit q7.9 (range [-64, 63.998046875])`},
		{"reset does not fit", func(s string) string {
			return strings.Replace(s, `state "v" : f64 = -65 in [-90, 0]`, `state "v" : f64 = -60`, 1)
		}, map[string]fixed.Format{"v": fixed.Q(7, 9)},
			`lif.snn:9:14: constant -65 does not fit q7.9 (range [-64, 63.998046875])`},
		{"unknown name", nil, map[string]fixed.Format{"u": fixed.Q(8, 8)},
			`lif.snn:2:1: format q8.8 given for "u", which is no state or input of model LIF`},
		{"bad width", nil, map[string]fixed.Format{"v": fixed.Q(40, 40)},
			`lif.snn:2:1: format q40.40 given for "v" has a width outside 1..64`},
		{"refractory counter", nil, map[string]fixed.Format{"_refr": fixed.Q(8, 0)},
			`lif.snn:10:5: format q8.0 given for "_refr": the refractory counter's width follows from its count`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := lifReal(t)
			if tc.edit != nil {
				src = tc.edit(src)
			}
			m, err := ir.Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Run(m, Options{Check: true, Formats: map[string]map[string]fixed.Format{"LIF": tc.formats}})
			if err == nil || err.Error() != tc.want {
				t.Errorf("Run = %v\nwant %s", err, tc.want)
			}
		})
	}
}
