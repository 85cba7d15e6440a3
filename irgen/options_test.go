package irgen_test

import (
	"strings"
	"testing"

	"scc/irgen"
	"scc/lang"
	"scc/parser"
)

const twoModels = `
model A {
    param k = 2
    state x = 0
    x' = x + k
}
model B {
    state y = 0
    dy/dt = t / ms / ms
}
`

func TestLowerOptions(t *testing.T) {
	f, err := parser.ParseFile("two.snn", []byte(twoModels))
	if err != nil {
		t.Fatal(err)
	}
	info, err := lang.Check(f)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		opt     irgen.Options
		funcs   string // names of the lowered funcs
		wantErr string
	}{
		{"only A", irgen.Options{Models: []string{"A"}}, "A", ""},
		{"override", irgen.Options{Models: []string{"A"}, Params: map[string]float64{"k": 3}}, "A", ""},
		{"unknown model", irgen.Options{Models: []string{"C"}}, "", `unknown model "C"`},
		{"unknown param", irgen.Options{Models: []string{"A"}, Params: map[string]float64{"q": 1}}, "",
			`no lowered model has a parameter "q"`},
		{"time", irgen.Options{}, "A B", ""}, // t: B's clock state
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := irgen.Lower(f, info, tt.opt)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Lower = %v, want error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, fn := range m.Funcs {
				names = append(names, fn.Name)
			}
			if got := strings.Join(names, " "); got != tt.funcs {
				t.Errorf("funcs = %q, want %q", got, tt.funcs)
			}
			for _, fn := range m.Funcs {
				if i := fn.StateIndex("t"); (i >= 0 && fn.States[i].Clock) != (fn.Name == "B") {
					t.Errorf("%s: clock state t at %d, want one exactly in B (reads t)", fn.Name, i)
				}
			}
			if k, ok := tt.opt.Params["k"]; ok && !strings.Contains(m.String(), `param "k" = `+lang.FormatExpr(&lang.Number{Value: k})) {
				t.Errorf("override k = %v not in\n%s", k, m)
			}
		})
	}
}
