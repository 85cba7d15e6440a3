package parser

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"scc/lang"
)

// FuzzParse holds three properties for any input: ParseFile does not
// panic and every diagnostic has a position; an accepted input round-trips
// through lang.Format (STYLE S15); lang.Check of it does not panic and
// positions its diagnostics. Crashers go to testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if src := section(ar, "in.snn"); src != nil {
			f.Add(src)
		}
	}
	for _, s := range []string{
		"model M { x = -a^-b^c }",
		"model M { u' = u (unless refractory) next w = 1 }",
		"network N { pop p = M[2] { a = 1, b = 2 } dt = 1 ms format auto:16 }",
		"model M { refractory 3 steps { v = 0; w = 1 } }",
		"model M { spike when not (a or b) and c != 1e3 mV { } }",
		"network N { proj p = a[0:2] -> b[1:3].je one_to_one with R { w = uniform(0, 1 mV, seed = 3); delay 2 steps } }",
		"network N { source s = poisson(rate = 10 Hz, seed = 1, start = 1 ms)[5]; record s spikes every 2 steps }",
		"network N { drive d = current(file = \"i.csv\") -> a.I, b[0:1].I; proj q = s -> a.g dense(w = [[1, 0]]) }",
		"network N { pop p = M[3] { v = file(\"v.csv\", column = \"v\") }; proj s = p -> p.g sparse(file = \"c.csv\") { w = column(\"w\") } }",
		"synapse S { param a = 1; state w in [0, a]; trace pre x decay 2 ms add a; on pre { w = clip(w + x, 0, a) } }",
		"synapse S { trace post y decay 1 ms set 1\non post { }\n}",
		"synapse S { format q16.16; rounding half_even\nstate w in [0, 1]; trace post y decay 1 ms add -1 }",
		"model M { input source; state trace = 0; record = trace\ntrace' = source + record }\nnetwork N { pop record = M[2]; record record spikes }",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := ParseFile("fuzz.snn", src)
		if err != nil {
			list, ok := err.(lang.ErrorList)
			if !ok {
				t.Fatalf("ParseFile error is %T, want lang.ErrorList", err)
			}
			for _, e := range list {
				if !e.Pos.IsValid() {
					t.Fatalf("diagnostic without position: %q", e.Msg)
				}
			}
			return
		}
		if file == nil {
			t.Fatal("ParseFile returned nil file and nil error")
		}
		checkRoundTrip(t, src)
		// The checker never panics either (networks, synapse rules) and
		// positions every diagnostic.
		if _, err := lang.Check(file); err != nil {
			for _, e := range err.(lang.ErrorList) {
				if !e.Pos.IsValid() {
					t.Fatalf("check diagnostic without position: %q", e.Msg)
				}
			}
		}
	})
}
