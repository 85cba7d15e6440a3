package passes

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"scc/fixed"
	"scc/ir"
	"scc/lang"
)

func TestNames(t *testing.T) {
	want := []string{"verify", "const-fold", "range", "quantize", "bind", "dce"}
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
}

// TestCheckOrder holds the ordering constraints: each broken table must be
// rejected with a message naming the problem.
func TestCheckOrder(t *testing.T) {
	byName := func(names ...string) []pass {
		var l []pass
		for _, n := range names {
			l = append(l, pipeline[passIndex(n)])
		}
		return l
	}
	tests := []struct {
		name  string
		table []pass
		want  string // substring of the error, "" for none
	}{
		{"pipeline", pipeline, ""},
		{"quantize before const-fold", byName("verify", "range", "quantize", "const-fold"), `"range" must run after "const-fold"`},
		{"quantize without range", byName("verify", "const-fold", "quantize"), `"quantize" must run after "range"`},
		{"const-fold after quantize", byName("verify", "const-fold", "range", "quantize", "const-fold"), `registered twice`},
		{"dce first", byName("dce"), `"dce" must run after "verify"`},
		{"bad name", []pass{{name: "Const_Fold", in: anyPhase}}, "kebab-case"},
		{"real pass on fixed IR", append(byName("verify", "const-fold", "range", "quantize"),
			pass{name: "late-fold", in: realPhase}), `"late-fold" does not accept fixed-phase input`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkOrder(tt.table)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("checkOrder = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("checkOrder = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func lifModule(t *testing.T) *ir.Module {
	t.Helper()
	src, err := os.ReadFile("../ir/testdata/lif_real.ir")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ir.Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestStopAfter runs each prefix of the pipeline: the phase changes exactly
// at quantize and every prefix leaves valid IR.
func TestStopAfter(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			m := lifModule(t)
			if _, err := Run(m, Options{StopAfter: name, Check: true}); err != nil {
				t.Fatalf("Run(StopAfter %q) = %v", name, err)
			}
			want := ir.Real
			if passIndex(name) >= passIndex("quantize") {
				want = ir.Fixed
			}
			if m.Phase != want {
				t.Errorf("Run(StopAfter %q): phase %v, want %v", name, m.Phase, want)
			}
			if err := ir.Verify(m); err != nil {
				t.Errorf("Run(StopAfter %q): %v", name, err)
			}
		})
	}
}

func TestRunRejects(t *testing.T) {
	m := lifModule(t)
	if _, err := Run(m, Options{StopAfter: "simplify"}); err == nil || !strings.Contains(err.Error(), `unknown pass "simplify"`) {
		t.Errorf("Run(StopAfter simplify) = %v, want unknown pass", err)
	}
	// A fixed module cannot be quantized again: the first real-only pass
	// refuses it with an internal (not a user) error.
	if _, err := Run(m, Options{}); err != nil {
		t.Fatal(err)
	}
	_, err := Run(m, Options{})
	var el lang.ErrorList
	if err == nil || errors.As(err, &el) || !strings.Contains(err.Error(), `pass "const-fold" needs real-phase input`) {
		t.Errorf("Run(fixed module) = %v, want an internal error from const-fold", err)
	}
	// Invalid input IR is an internal error of whoever built it.
	bad := lifModule(t)
	bad.Funcs[0].Format = fixed.Q(0, 0)
	if _, err := Run(bad, Options{}); err == nil || errors.As(err, &el) || !strings.Contains(err.Error(), "invalid input IR") {
		t.Errorf("Run(invalid IR) = %v, want an internal error", err)
	}
}

// TestCheckPanics: a pass that breaks an invariant is a compiler bug and
// Check turns it into a panic naming the pass, the model and the value.
func TestCheckPanics(t *testing.T) {
	m := lifModule(t)
	breaker := pass{name: "breaker", in: anyPhase, fn: func(f *ir.Func, c *Context) error {
		v := f.Entry().Values[5]
		v.Type, v.AuxInt = ir.Bool, 7 // a bool constant 7
		return nil
	}}
	defer func() {
		r := recover()
		s, _ := r.(string)
		if !strings.Contains(s, `pass "breaker" on model LIF`) || !strings.Contains(s, "v5 = const") {
			t.Errorf("panic = %v, want one naming the pass, model and value", r)
		}
	}()
	newContext(m, Options{Check: true}).run([]pass{breaker})
	t.Errorf("run did not panic")
}
