package mlir

import (
	"strings"
	"testing"

	"scc/ir"
	"scc/sim"
)

// TestEquivalenceCatchesMutants shows the equivalence check can fail: small
// wrong changes to the emitted netlist of each kind are caught against the
// golden model. (Mutants that no reachable state can tell apart, such as an
// unsigned threshold compare in a LIF whose v never turns positive, are
// left out: they are not wrong.)
func TestEquivalenceCatchesMutants(t *testing.T) {
	var cases = map[string]goldenCase{}
	for _, c := range models(t) {
		cases[c.name] = c
	}
	byName := func(name string) func(*op) bool { return func(o *op) bool { return o.name == name } }
	bySuffix := func(s string) func(*op) bool { return func(o *op) bool { return strings.HasSuffix(o.name, s) } }
	for _, tc := range []struct {
		name, model, module string
		pick                func(*op) bool
		mutate              func(*op)
	}{
		{"enable ignored", "lif_fixed", "LIF", byName("v_d"), func(o *op) { o.args[0] = "true" }},
		{"spike reset value", "lif_fixed", "LIF", byName("spike_q"), func(o *op) { o.args[3] = "true" }},
		{"refractory select swapped", "lif_fixed", "LIF", byName("v16"), func(o *op) { o.args[1], o.args[2] = o.args[2], o.args[1] }},
		{"product as a sum", "lif_fixed", "LIF", byName("v9"), func(o *op) { o.kind = kAdd }},
		{"threshold compare reversed", "lif_fixed", "LIF", byName("v14"), func(o *op) { o.pred = "sle" }},
		{"sign extension as zero extension", "lif_fixed", "LIF", byName("v7_ext"), func(o *op) { o.kind, o.value, o.args = kConst, 0, nil }},
		{"division by zero unguarded", "zoo", "Arith", bySuffix("_dz"), func(o *op) { o.pred = "ne" }},
		{"zero guard removed", "zoo", "Arith", func(o *op) bool { return o.kind == kMux && strings.HasSuffix(o.args[0], "_dz") },
			func(o *op) { o.args[0] = "false" }},
		{"unsigned division", "zoo", "Arith", func(o *op) bool { return o.kind == kDivS }, func(o *op) { o.args[1] = o.args[0] }},
		{"rounding bit off by one", "zoo", "Casts", bySuffix("_half"), func(o *op) { o.low-- }},
		{"saturation bound", "zoo", "Casts", bySuffix("_over"), func(o *op) { o.args[0], o.args[1] = o.args[1], o.args[0] }},
		{"assertion dropped", "zoo", "Arith", func(o *op) bool { return o.kind == kAssert }, func(o *op) { o.args[0] = "true" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := cases[tc.model]
			if !ok {
				t.Fatalf("no model %s", tc.model)
			}
			mods, err := parsePretty(emitString(t, c.m, Options{}))
			if err != nil {
				t.Fatal(err)
			}
			var hm *hwModule
			var f *ir.Func
			for i, m := range mods {
				if m.name == tc.module {
					hm, f = m, c.m.Funcs[i]
				}
			}
			if hm == nil {
				t.Fatalf("no module @%s", tc.module)
			}
			if err := equivalent(f, hm, equivSteps, formatSource(f, 7), 1); err != nil {
				t.Fatalf("unmutated @%s: %v", tc.module, err)
			}
			hit := false
			for _, o := range hm.ops {
				if tc.pick(o) {
					tc.mutate(o)
					hit = true
					break
				}
			}
			if !hit {
				t.Fatalf("no op to mutate in @%s", tc.module)
			}
			var src sim.Source = formatSource(f, 7)
			if err := equivalent(f, hm, equivSteps, src, 1); err == nil {
				t.Errorf("mutant %q of @%s passes the equivalence check", tc.name, tc.module)
			} else {
				t.Logf("caught: %v", err)
			}
		})
	}
}
