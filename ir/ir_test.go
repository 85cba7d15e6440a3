package ir

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"scc/fixed"
)

func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"testdata/lif_real.ir", "testdata/lif_fixed.ir", "testdata/lif_generic.ir", "testdata/net_real.ir", "testdata/net_fixed.ir"} {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(string(src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if err := Verify(m); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			got := m.String()
			if diff := cmp.Diff(string(src), got); diff != "" {
				t.Errorf("Print(Parse(src)) differs (-want +got):\n%s", diff)
			}
			m2, err := Parse(got)
			if err != nil {
				t.Fatalf("Parse(Print): %v", err)
			}
			if m2.String() != got {
				t.Errorf("second round trip differs")
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	base, err := os.ReadFile("testdata/lif_fixed.ir")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new, want string
	}{
		{"wrong add fraction", "v6 = sub v5, v0 : q9.8", "v6 = sub v5, v0 : q9.7", "result fraction"},
		{"wrong mul fraction", "v9 = mul v7, v8 : q4.30", "v9 = mul v7, v8 : q4.29", "result fraction"},
		{"select type", "v15 = select v14, v5, v12 : q8.8", "v15 = select v14, v5, v11 : q8.8", "select"},
		{"next type", `v17 = next "v", v16`, `v17 = next "v", v11`, "commits"},
		{"const range", "v13 = const -12800 : q8.8", "v13 = const -40000 : q8.8", "does not fit"},
		{"missing next", `  v17 = next "v", v16 @8:5` + "\n", "", "next ops"},
		{"bool arith", "v11 = add v0, v10 : q9.8", "v11 = add v0, v4 : q9.8", "arithmetic"},
		{"float in fixed", "v3 = const 0 : q6.0", "v3 = const 0 : f64", "not allowed"},
		{"fit in fixed", "v12 = cast v11 floor sat : q8.8", `v12 = fit "v", v11 : q8.8`, "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(string(base), tt.old, tt.new, 1)
			if src == string(base) {
				t.Fatalf("test edit %q not applied", tt.old)
			}
			m, err := Parse(src)
			if err != nil {
				if strings.Contains(err.Error(), tt.want) {
					return
				}
				t.Fatalf("Parse: %v", err)
			}
			err = Verify(m)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify = %v, want error containing %q", err, tt.want)
			}
		})
	}
}

const paramFunc = `module "p.snn" real

func P {
  dt 0.1
  format q8.8
  round floor
  overflow sat
  param "tau" = 20 @2:5
  param "v_rest" = -65 @3:5
  state "v" : f64 = -65 reach [-90, 0] proven
b0:
  v0 = state "v" : f64 in [-Inf, 0]
  v1 = param "v_rest" : f64 @4:12
  v2 = sub v1, v0 : f64
  v3 = param "tau" : f64 @4:30
  v4 = div v2, v3 : f64
  v5 = add v0, v4 : f64
  v6 = fit "v", v5 : f64
  v7 = next "v", v6
}
`

func TestParamRoundTrip(t *testing.T) {
	m, err := Parse(paramFunc)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(m); err != nil {
		t.Fatal(err)
	}
	f := m.Funcs[0]
	if len(f.Params) != 2 || f.ParamIndex("v_rest") != 1 || f.Params[0].Value != 20 {
		t.Fatalf("params = %+v", f.Params)
	}
	if s := f.States[0]; s.Reach == nil || s.Reach.Lo != -90 || !s.Proven {
		t.Errorf("state reach = %+v proven %v, want [-90, 0] proven", s.Reach, s.Proven)
	}
	if r := f.Entry().Values[0].Range; r == nil || !math.IsInf(r.Lo, -1) || r.Hi != 0 {
		t.Errorf("v0 range fact = %+v, want [-Inf, 0]", r)
	}
	if v := f.Entry().Values[3]; v.Op != OpParam || v.AuxInt != 0 {
		t.Fatalf("v3 = %s, want param \"tau\"", v.LongString())
	}
	if diff := cmp.Diff(paramFunc, m.String()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestVerifyRejectsParamsAndAux(t *testing.T) {
	edit := func(old, new string) string {
		s := strings.Replace(paramFunc, old, new, 1)
		if s == paramFunc {
			t.Fatalf("edit %q not applied", old)
		}
		return s
	}
	tests := []struct{ name, src, want string }{
		{"duplicate param", edit(`  param "v_rest" = -65 @3:5`, `  param "v_rest" = -65 @3:5`+"\n"+`  param "tau" = 1`), "declared twice"},
		{"param in fixed phase", edit(`module "p.snn" real`, `module "p.snn" fixed`), "not allowed"},
		{"empty range fact", edit(`v0 = state "v" : f64 in [-Inf, 0]`, `v0 = state "v" : f64 in [1, 0]`), "empty range fact"},
		{"range on void", edit(`v7 = next "v", v6`, `v7 = next "v", v6 : f64 in [1, 2]`), "type"},
	}
	for _, tt := range tests {
		m, err := Parse(tt.src)
		if err == nil {
			err = Verify(m)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want error containing %q", tt.name, err, tt.want)
		}
	}
	// Stray aux fields cannot be written in the text form: set them.
	strays := []struct {
		name string
		set  func(v *Value)
		want string
	}{
		{"AuxName on sub", func(v *Value) { v.AuxName = "exp" }, "stray aux field AuxName"},
		{"AuxInt on sub", func(v *Value) { v.AuxInt = 3 }, "stray aux field AuxInt"},
		{"AuxFloat on sub", func(v *Value) { v.AuxFloat = 1 }, "stray aux field AuxFloat"},
		{"Round on sub", func(v *Value) { v.Round = 2 }, "stray aux field Round/Overflow"},
		{"Table on sub", func(v *Value) { v.Table = &fixed.Table{} }, "stray aux field Table"},
	}
	for _, tt := range strays {
		m, err := Parse(paramFunc)
		if err != nil {
			t.Fatal(err)
		}
		tt.set(m.Funcs[0].Entry().Values[2])
		if err := Verify(m); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Verify = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestVerifyGeneric: the parameter block of a generic module holds pure
// real values, and only coef ops read it.
func TestVerifyGeneric(t *testing.T) {
	base, err := os.ReadFile("testdata/lif_generic.ir")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, old, new, want string }{
		{"step reads the block", "v14 = sub v7, v13 : q9.8", "v14 = sub v0, v13 : q9.8", "only coef reads the parameter block"},
		{"coef of a step value", "v20 = coef v3 : q-5.21", "v20 = coef v13 : q-5.21", "only coef reads the parameter block"},
		{"state in the block", `v5 = param "v_th" : f64 in [-50, -50] @11:21`, `v5 = state "v" : f64 @11:21`, "in the parameter block"},
		{"real coef", "v20 = coef v3 : q-5.21", "v20 = coef v3 : f64", "not allowed"},
		{"param outside its range", `param "tau" = 20 in [10, 30]`, `param "tau" = 40 in [10, 30]`, "outside its range"},
		{"block in the real phase", `module "lif.snn" fixed`, `module "lif.snn" real`, "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(string(base), tt.old, tt.new, 1)
			if src == string(base) {
				t.Fatalf("edit %q not applied", tt.old)
			}
			m, err := Parse(src)
			if err == nil {
				err = Verify(m)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "expected module header"},
		{"module \"a\" odd\n", "unknown phase"},
		{"module \"a\" real\nfunc F {\nb0:\n  v0 = frob : f64\n}\n", "unknown op"},
		{"module \"a\" real\nfunc F {\nb0:\n  v0 = add v1, v2 : f64\n}\n", "not defined before use"},
		{"module \"a\" real\nfunc F {\nb0:\n  v0 = const 1 : f64\n", "unexpected end of input"},
		{"module \"a\" real\nfunc F {\nb0:\n  v0 = const 1 : q99.1\n}\n", "bad format"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want error containing %q", tt.src, err, tt.want)
		}
	}
}

func TestOpTableComplete(t *testing.T) {
	for _, op := range Ops() {
		info := op.Info()
		if info.Name == "" || info.Name == "invalid" {
			t.Errorf("op %d has no table entry", op)
		}
		if !info.Real && !info.Fixed {
			t.Errorf("op %s allowed in no phase", info.Name)
		}
		if info.Aux.String() == "aux?" {
			t.Errorf("op %s has an unnamed aux kind", info.Name)
		}
		if got := opByName[info.Name]; got != op {
			t.Errorf("opByName[%q] = %v, want %v", info.Name, got, op)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/lif_real.ir", "testdata/lif_fixed.ir", "testdata/net_real.ir", "testdata/net_fixed.ir"} {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	f.Fuzz(func(t *testing.T, src string) {
		m, err := Parse(src)
		if err != nil {
			return
		}
		if Verify(m) != nil {
			return
		}
		out := m.String()
		m2, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Print(m)) failed: %v\n%s", err, out)
		}
		if m2.String() != out {
			t.Fatalf("round trip differs:\n%s\n---\n%s", out, m2.String())
		}
	})
}
