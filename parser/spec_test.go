package parser

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestSpecGrammar keeps lang/spec.md §2 in step with the implemented
// grammar (testdata/grammar.ebnf, which TestGrammar keeps equal to
// grammar.go): every production participle derives is defined in §2 and
// every production of §2 is implemented, up to the renames below; and §1
// lists exactly the lexer's keywords.
func TestSpecGrammar(t *testing.T) {
	spec, err := os.ReadFile("../lang/spec.md")
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile("testdata/grammar.ebnf")
	if err != nil {
		t.Fatal(err)
	}
	_, sec2, ok := strings.Cut(string(spec), "## 2. Grammar")
	if !ok {
		t.Fatal("spec.md has no §2")
	}
	_, block, _ := strings.Cut(sec2, "```ebnf\n")
	block, _, _ = strings.Cut(block, "```")
	prod := regexp.MustCompile(`(?m)^([A-Z][A-Za-z]*)\s*=`)
	var inSpec, inImpl []string
	for _, m := range prod.FindAllStringSubmatch(block, -1) {
		inSpec = append(inSpec, m[1])
	}
	// participle's names for the spec's: the header is Decl's start, the
	// expression levels carry an Expr suffix, tails are the { … } of a
	// level, Name is the spec's Ident.
	rename := map[string]string{"Header": "Decl", "AndExpr": "And", "CmpExpr": "Cmp", "SumExpr": "Sum", "ProdExpr": "Prod"}
	for _, m := range prod.FindAllStringSubmatch(string(golden), -1) {
		n := m[1]
		if strings.HasSuffix(n, "Tail") || n == "Name" {
			continue
		}
		if r, ok := rename[n]; ok {
			n = r
		}
		inImpl = append(inImpl, n)
		if !slices.Contains(inSpec, n) {
			t.Errorf("production %s of grammar.ebnf is not defined in spec.md §2", m[1])
		}
	}
	for _, n := range inSpec {
		if n != "File" && !slices.Contains(inImpl, n) {
			t.Errorf("production %s of spec.md §2 is not in grammar.ebnf", n)
		}
	}
	_, sec1, _ := strings.Cut(string(spec), "**Keywords** (reserved, never identifiers):")
	words, _, _ := strings.Cut(sec1, "`.")
	got := strings.Fields(strings.NewReplacer("`", " ", "\n", " ").Replace(words))
	want := slices.Clone(keywords)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("spec.md §1 keywords %v, lexer keywords %v", got, want)
	}
	_, sec1, _ = strings.Cut(string(spec), "**Contextual keywords** ")
	words, _, _ = strings.Cut(sec1, "` ")
	got = strings.Fields(strings.Trim(words, "`"))
	want = slices.Clone(contextual)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("spec.md §1 contextual keywords %v, lexer's %v", got, want)
	}
}
