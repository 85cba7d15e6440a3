package parser

import "testing"

// TestFriendly checks how participle's expectations read in diagnostics.
func TestFriendly(t *testing.T) {
	tests := []struct{ in, want string }{
		{`Expr`, "expression"},
		{`<ident> "=" Expr`, "name"},
		{`"when" Expr Body?`, `"when"`},
		{`("method" | "format")`, `"method" or "format"`},
		{`(<ident> | <word>)`, "name or format word"},
		{`?`, "?"},
		{``, "statement"},
	}
	for _, tt := range tests {
		if got := friendly(tt.in); got != tt.want {
			t.Errorf("friendly(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
