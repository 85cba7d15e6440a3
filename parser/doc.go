// Package parser turns .snn source and Brian2 equation strings into the
// lang AST. It owns the concrete syntax: the lexer rules (lexer.go), the
// participle grammar (grammar.go, golden copy in testdata/grammar.ebnf), the
// recovering driver (parse.go), the conversion to lang (convert.go) and the
// Brian2 front end of `scc eq` (brian.go). lang/spec.md is its normative
// description.
//
// Imports: lang and participle only. This is the only package that imports
// participle (STYLE S5).
//
// Invariants:
//   - participle positions become lang.Pos in one place, posMap.pos;
//     columns count bytes;
//   - no input makes the parser panic (FuzzParse);
//   - every input ParseFile accepts round-trips: ParseFile(lang.Format(f))
//     equals f up to positions, and Format is idempotent;
//   - a syntax error loses at most the statement it is in: the driver
//     reports it and resumes at the next line that starts a statement;
//   - the grammar is permissive; semantic checks belong to the checker;
//   - the words of network items (proj source drive record synapse trace)
//     are contextual: the lexer yields them as Ident, and markContextual
//     makes one a keyword only where a statement starts and a name follows,
//     so models and Brian2 equations may use them as names.
package parser
