package parser

import "github.com/alecthomas/participle/v2/lexer"

// The grammar is participle structs; each carries its production in EBNF.
// Only the driver in parse.go decides where a declaration starts and ends:
// it parses one header or one item at a time so that a syntax error loses
// one statement, not the file. testdata/grammar.ebnf holds the golden copy
// of the grammar participle derives from these structs.

// header = ( "model" | "network" | "synapse" ) Ident "{" .
type header struct {
	Pos  lexer.Position
	Kind string `parser:"@('model' | 'network' | 'synapse')"`
	Name string `parser:"@Ident '{'"`
}

// item = param | input | state | spike | refractory | option | assert | pop
//
//	| layer | proj | source | drive | record | trace | next | equation | on .
type item struct {
	Param      *param      `parser:"  @@"`
	Input      *input      `parser:"| @@"`
	State      *state      `parser:"| @@"`
	Spike      *spike      `parser:"| @@"`
	Refractory *refractory `parser:"| @@"`
	Option     *option     `parser:"| @@"`
	Assert     *assert     `parser:"| @@"`
	Pop        *pop        `parser:"| @@"`
	Layer      *layer      `parser:"| @@"`
	Proj       *proj       `parser:"| @@"`
	Source     *source     `parser:"| @@"`
	Drive      *drive      `parser:"| @@"`
	Record     *record     `parser:"| @@"`
	Trace      *trace      `parser:"| @@"`
	Next       *next       `parser:"| @@"`
	Equation   *equation   `parser:"| @@"`
	// On comes last: `on x` fails in Equation and On at the same token,
	// and the last alternative's expectation names the error.
	On *on `parser:"| @@"`
}

// param = "param" Ident "=" expr [ bounds ] .
type param struct {
	Pos   lexer.Position
	Name  string  `parser:"'param' @Ident '='"`
	Value *expr   `parser:"@@"`
	Range *bounds `parser:"@@?"`
}

// input = "input" Ident [ ":" expr ] [ bounds ] .
type input struct {
	Pos   lexer.Position
	Name  string  `parser:"'input' @Ident"`
	Unit  *expr   `parser:"( ':' @@ )?"`
	Range *bounds `parser:"@@?"`
}

// state = "state" Ident [ ":" expr ] [ "=" expr ] [ bounds ] .
//
// Only a synapse state may omit its initial value (the checker's rule).
type state struct {
	Pos   lexer.Position
	Name  string  `parser:"'state' @Ident"`
	Unit  *expr   `parser:"( ':' @@ )?"`
	Init  *expr   `parser:"( '=' @@ )?"`
	Range *bounds `parser:"@@?"`
}

// bounds = "in" "[" expr "," expr "]" .
type bounds struct {
	Pos lexer.Position
	Lo  *expr `parser:"'in' '[' @@ ','"`
	Hi  *expr `parser:"@@ ']'"`
}

// spike = "spike" "when" expr [ body ] .
type spike struct {
	Pos  lexer.Position
	Cond *expr `parser:"'spike' 'when' @@"`
	Body *body `parser:"@@?"`
}

// refractory = "refractory" expr [ "steps" ] [ body ] .
type refractory struct {
	Pos    lexer.Position
	Period *expr `parser:"'refractory' @@"`
	Steps  bool  `parser:"@'steps'?"`
	Body   *body `parser:"@@?"`
}

// body = "{" { assign [ ";" | "," ] } "}" .
type body struct {
	Pos     lexer.Position
	Assigns []*assign `parser:"'{' ( @@ ( ';' | ',' )? )* '}'"`
}

// assign = Ident "=" expr .
type assign struct {
	Pos   lexer.Position
	Name  string `parser:"@Ident '='"`
	Value *expr  `parser:"@@"`
}

// option = ( "method" | "format" | "overflow" | "rounding" ) [ "=" ] ( Ident | Word )
//
//	| "dt" [ "=" ] expr .
type option struct {
	Pos   lexer.Position
	Key   string `parser:"  @('method' | 'format' | 'overflow' | 'rounding') '='?"`
	Word  string `parser:"  @(Ident | Word)"`
	Dt    bool   `parser:"| @'dt' '='?"`
	Value *expr  `parser:"  @@"`
}

// assert = "assert" expr .
type assert struct {
	Pos  lexer.Position
	Cond *expr `parser:"'assert' @@"`
}

// pop = "pop" Ident "=" name "[" expr "]" [ body ] .
type pop struct {
	Pos   lexer.Position
	Name  string `parser:"'pop' @Ident '='"`
	Model *name  `parser:"@@"`
	Size  *expr  `parser:"'[' @@ ']'"`
	Body  *body  `parser:"@@?"`
}

// layer = "layer" Ident "=" name "(" [ setting { "," setting } ] ")" [ settings ] .
type layer struct {
	Pos  lexer.Position
	Name string     `parser:"'layer' @Ident '='"`
	Kind *name      `parser:"@@ '('"`
	Args []*setting `parser:"( @@ ( ',' @@ )* )? ')'"`
	Body *settings  `parser:"@@?"`
}

// settings = "{" { setting [ ";" | "," ] } "}" .
type settings struct {
	Pos   lexer.Position
	Items []*setting `parser:"'{' ( @@ ( ';' | ',' )? )* '}'"`
}

// setting = Ident "=" value .
type setting struct {
	Pos   lexer.Position
	Name  string `parser:"@Ident '='"`
	Value *value `parser:"@@"`
}

// value = "[" [ value { "," value } ] "]" | expr .
//
// List literals exist only here: layer settings take vectors and matrices.
type value struct {
	Pos   lexer.Position
	List  bool     `parser:"( @'['"`
	Elems []*value `parser:"  ( @@ ( ',' @@ )* )? ']'"`
	Expr  *expr    `parser:"| @@ )"`
}

// proj = "proj" Ident "=" target "->" target name [ "(" [ setting { "," setting } ] ")" ]
//
//	[ "with" name ] [ projBody ] .
type proj struct {
	Pos   lexer.Position
	Name  string     `parser:"'proj' @Ident '='"`
	Pre   *target    `parser:"@@ '->'"`
	Post  *target    `parser:"@@"`
	Conn  *name      `parser:"@@"`
	Paren bool       `parser:"( @'('"`
	Args  []*setting `parser:"  ( @@ ( ',' @@ )* )? ')' )?"`
	Rule  *name      `parser:"( 'with' @@ )?"`
	Body  *projBody  `parser:"@@?"`
}

// target = Ident [ slice ] [ "." name ] .
type target struct {
	Pos   lexer.Position
	Pop   string `parser:"@Ident"`
	Slice *slice `parser:"@@?"`
	Port  *name  `parser:"( '.' @@ )?"`
}

// slice = "[" expr ":" expr "]" .
type slice struct {
	Pos lexer.Position
	Lo  *expr `parser:"'[' @@ ':'"`
	Hi  *expr `parser:"@@ ']'"`
}

// projBody = "{" { projSetting [ ";" | "," ] } "}" .
type projBody struct {
	Pos   lexer.Position
	Items []*projSetting `parser:"'{' ( @@ ( ';' | ',' )? )* '}'"`
}

// projSetting = "delay" [ "=" ] expr [ "steps" ] | setting .
type projSetting struct {
	Pos     lexer.Position
	Delay   *expr    `parser:"( 'delay' '='? @@"`
	Steps   bool     `parser:"  @'steps'?"`
	Setting *setting `parser:"| @@ )"`
}

// source = "source" Ident "=" name "(" [ setting { "," setting } ] ")" "[" expr "]" .
type source struct {
	Pos  lexer.Position
	Name string     `parser:"'source' @Ident '='"`
	Kind *name      `parser:"@@ '('"`
	Args []*setting `parser:"( @@ ( ',' @@ )* )? ')'"`
	Size *expr      `parser:"'[' @@ ']'"`
}

// drive = "drive" Ident "=" name "(" [ arg { "," arg } ] ")" "->" target { "," target } .
type drive struct {
	Pos     lexer.Position
	Name    string    `parser:"'drive' @Ident '='"`
	Kind    *name     `parser:"@@ '('"`
	Args    []*arg    `parser:"( @@ ( ',' @@ )* )? ')' '->'"`
	Targets []*target `parser:"@@ ( ',' @@ )*"`
}

// record = "record" target name { "," name } [ "every" expr "steps" ] .
type record struct {
	Pos   lexer.Position
	Targ  *target `parser:"'record' @@"`
	Vars  []*name `parser:"@@ ( ',' @@ )*"`
	Every *expr   `parser:"( 'every' @@ 'steps' )?"`
}

// trace = "trace" ( "pre" | "post" ) Ident "decay" expr ( "add" | "set" ) expr .
type trace struct {
	Pos   lexer.Position
	Side  string `parser:"'trace' @('pre' | 'post')"`
	Name  string `parser:"@Ident 'decay'"`
	Decay *expr  `parser:"@@"`
	Op    string `parser:"@('add' | 'set')"`
	Value *expr  `parser:"@@"`
}

// on = "on" ( "pre" | "post" ) body .
type on struct {
	Pos  lexer.Position
	Side string `parser:"'on' @('pre' | 'post')"`
	Body *body  `parser:"@@"`
}

// next = "next" name "=" expr [ Unless ] .
type next struct {
	Pos    lexer.Position
	Var    *name `parser:"'next' @@ '='"`
	Value  *expr `parser:"@@"`
	Unless bool  `parser:"@Unless?"`
}

// equation = name [ "/" name | "'" ] "=" expr [ Unless | StepConstant ] .
//
// One production covers subexpressions (x = e), ODEs (dx/dt = e) and maps
// (x' = e); the conversion tells them apart and checks the ODE's names.
// StepConstant is a let's `(constant over dt)`.
type equation struct {
	Pos       lexer.Position
	Name      *name `parser:"@@"`
	Over      *name `parser:"( '/' @@"`
	Prime     bool  `parser:"| @\"'\" )?"`
	Value     *expr `parser:"'=' @@"`
	Unless    bool  `parser:"( @Unless"`
	StepConst bool  `parser:"| @StepConstant )?"`
}

// name = Ident .
type name struct {
	Pos  lexer.Position
	Name string `parser:"@Ident"`
}

// Expressions, loosest binding first. Unit names are ordinary identifiers;
// only a unit directly after a number on the same line is a suffix, and the
// lexer folds that into the Number token.

// expr = and { ( "||" | "or" ) and } .
type expr struct {
	Pos  lexer.Position
	X    *andExpr  `parser:"@@"`
	Tail []*orTail `parser:"@@*"`
}

type orTail struct {
	Pos lexer.Position
	Op  string   `parser:"@('||' | 'or')"`
	Y   *andExpr `parser:"@@"`
}

// and = cmp { ( "&&" | "and" ) cmp } .
type andExpr struct {
	Pos  lexer.Position
	X    *cmpExpr   `parser:"@@"`
	Tail []*andTail `parser:"@@*"`
}

type andTail struct {
	Pos lexer.Position
	Op  string   `parser:"@('&&' | 'and')"`
	Y   *cmpExpr `parser:"@@"`
}

// cmp = sum { ( "<=" | ">=" | "==" | "!=" | "<" | ">" ) sum } .
type cmpExpr struct {
	Pos  lexer.Position
	X    *sumExpr   `parser:"@@"`
	Tail []*cmpTail `parser:"@@*"`
}

type cmpTail struct {
	Pos lexer.Position
	Op  string   `parser:"@('<=' | '>=' | '==' | '!=' | '<' | '>')"`
	Y   *sumExpr `parser:"@@"`
}

// sum = prod { ( "+" | "-" ) prod } .
type sumExpr struct {
	Pos  lexer.Position
	X    *prodExpr  `parser:"@@"`
	Tail []*sumTail `parser:"@@*"`
}

type sumTail struct {
	Pos lexer.Position
	Op  string    `parser:"@('+' | '-')"`
	Y   *prodExpr `parser:"@@"`
}

// prod = unary { ( "*" | "/" ) unary } .
type prodExpr struct {
	Pos  lexer.Position
	X    *unary      `parser:"@@"`
	Tail []*prodTail `parser:"@@*"`
}

type prodTail struct {
	Pos lexer.Position
	Op  string `parser:"@('*' | '/')"`
	Y   *unary `parser:"@@"`
}

// unary = ( "-" | "+" | "!" | "not" ) unary | power .
type unary struct {
	Pos lexer.Position
	Op  string `parser:"  @('-' | '+' | '!' | 'not')"`
	X   *unary `parser:"  @@"`
	P   *power `parser:"| @@"`
}

// power = primary [ ( "^" | "**" ) unary ] .
//
// The exponent is a unary, so a^b^c is a^(b^c) and -x^2 is -(x^2).
type power struct {
	Pos lexer.Position
	X   *primary `parser:"@@"`
	Op  string   `parser:"( @('^' | '**')"`
	Y   *unary   `parser:"@@ )?"`
}

// primary = Number | String | Ident [ "(" [ arg { "," arg } ] ")" ] | "(" expr ")" .
type primary struct {
	Pos    lexer.Position
	Number *string `parser:"  @Number"`
	String *string `parser:"| @String"`
	Name   *string `parser:"| @Ident"`
	Call   bool    `parser:"  ( @'('"`
	Args   []*arg  `parser:"    ( @@ ( ',' @@ )* )? ')' )?"`
	Paren  *expr   `parser:"| '(' @@ ')'"`
}

// arg = expr [ "=" expr ] .
//
// A named argument (`seed = 1` of a distribution, `file = "i.csv"` of a
// drive) has a name on the left; the conversion checks that it does.
type arg struct {
	Pos   lexer.Position
	X     *expr `parser:"@@"`
	Value *expr `parser:"( '=' @@ )?"`
}
