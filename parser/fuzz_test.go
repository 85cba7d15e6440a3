package parser

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"scc/lang"
)

// FuzzParse holds two properties for any input: ParseFile does not panic
// and every diagnostic has a position; an accepted input round-trips
// through lang.Format (STYLE S15). Crashers go to testdata/fuzz/FuzzParse.
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
	})
}
