package hdl

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
)

// Eval evaluates a constant Verilog expression of the library's headers
// (integer and sized literals, parameter names, unary - ~ !, binary * / %
// + - << >> < <= > >= == != & ^ | && ||, ?:, parentheses, $clog2) over the
// values in env, in 64-bit two's complement.
func Eval(expr string, env map[string]int64) (int64, error) {
	e := &evaluator{env: env}
	if err := e.lex(expr); err != nil {
		return 0, err
	}
	v, err := e.ternary()
	if err != nil {
		return 0, err
	}
	if e.pos < len(e.toks) {
		return 0, fmt.Errorf("unexpected %q in %q", e.toks[e.pos], expr)
	}
	return v, nil
}

type evaluator struct {
	toks []string
	pos  int
	env  map[string]int64
}

func (e *evaluator) lex(s string) error {
	ops := []string{"<<<", ">>>", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||"}
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case unicode.IsDigit(c) || c == '\'':
			j := i
			for j < len(s) && (isWord(s[j]) || s[j] == '\'') {
				j++
			}
			e.toks = append(e.toks, s[i:j])
			i = j
		case unicode.IsLetter(c) || c == '_' || c == '$':
			j := i + 1
			for j < len(s) && isWord(s[j]) {
				j++
			}
			e.toks = append(e.toks, s[i:j])
			i = j
		default:
			op := string(c)
			for _, o := range ops {
				if strings.HasPrefix(s[i:], o) {
					op = o
					break
				}
			}
			if !strings.Contains("+-*/%()<>&|^~!?:=", op[:1]) || op == "=" {
				return fmt.Errorf("unexpected %q in %q", op, s)
			}
			e.toks = append(e.toks, op)
			i += len(op)
		}
	}
	return nil
}

func isWord(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func (e *evaluator) peek() string {
	if e.pos < len(e.toks) {
		return e.toks[e.pos]
	}
	return ""
}

func (e *evaluator) ternary() (int64, error) {
	c, err := e.binary(0)
	if err != nil || e.peek() != "?" {
		return c, err
	}
	e.pos++
	a, err := e.ternary()
	if err != nil {
		return 0, err
	}
	if e.peek() != ":" {
		return 0, fmt.Errorf("expected ':'")
	}
	e.pos++
	b, err := e.ternary()
	if c != 0 {
		return a, err
	}
	return b, err
}

var precedence = [][]string{
	{"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<", "<=", ">", ">="},
	{"<<", ">>", "<<<", ">>>"}, {"+", "-"}, {"*", "/", "%"},
}

func (e *evaluator) binary(level int) (int64, error) {
	if level == len(precedence) {
		return e.unary()
	}
	x, err := e.binary(level + 1)
	for err == nil {
		op := e.peek()
		found := false
		for _, o := range precedence[level] {
			found = found || o == op
		}
		if !found {
			break
		}
		e.pos++
		var y int64
		if y, err = e.binary(level + 1); err != nil {
			break
		}
		x, err = apply(op, x, y)
	}
	return x, err
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func apply(op string, x, y int64) (int64, error) {
	switch op {
	case "||":
		return b2i(x != 0 || y != 0), nil
	case "&&":
		return b2i(x != 0 && y != 0), nil
	case "|":
		return x | y, nil
	case "^":
		return x ^ y, nil
	case "&":
		return x & y, nil
	case "==":
		return b2i(x == y), nil
	case "!=":
		return b2i(x != y), nil
	case "<":
		return b2i(x < y), nil
	case "<=":
		return b2i(x <= y), nil
	case ">":
		return b2i(x > y), nil
	case ">=":
		return b2i(x >= y), nil
	case "<<", "<<<":
		return x << uint(y), nil
	case ">>":
		return int64(uint64(x) >> uint(y)), nil
	case ">>>":
		return x >> uint(y), nil
	case "+":
		return x + y, nil
	case "-":
		return x - y, nil
	case "*":
		return x * y, nil
	case "/", "%":
		if y == 0 {
			return 0, fmt.Errorf("division by zero")
		}
		if op == "/" {
			return x / y, nil
		}
		return x % y, nil
	}
	return 0, fmt.Errorf("unknown operator %q", op)
}

func (e *evaluator) unary() (int64, error) {
	t := e.peek()
	e.pos++
	switch {
	case t == "":
		return 0, fmt.Errorf("unexpected end of expression")
	case t == "-" || t == "~" || t == "!" || t == "+":
		x, err := e.unary()
		switch t {
		case "-":
			return -x, err
		case "~":
			return ^x, err
		case "!":
			return b2i(x == 0), err
		}
		return x, err
	case t == "(":
		x, err := e.ternary()
		if err == nil && e.peek() != ")" {
			err = fmt.Errorf("expected ')'")
		}
		e.pos++
		return x, err
	case t == "$clog2":
		if e.peek() != "(" {
			return 0, fmt.Errorf("expected '(' after $clog2")
		}
		x, err := e.unary()
		if x <= 1 {
			return 0, err
		}
		return int64(bits.Len64(uint64(x - 1))), err
	case t[0] >= '0' && t[0] <= '9' || t[0] == '\'':
		return literal(t)
	default:
		v, ok := e.env[t]
		if !ok {
			return 0, fmt.Errorf("unknown name %q", t)
		}
		return v, nil
	}
}

// literal parses 42, 16'hACE1, 'd3, 1'b0 (no x/z digits).
func literal(t string) (int64, error) {
	t = strings.ReplaceAll(t, "_", "")
	size, rest, sized := strings.Cut(t, "'")
	if !sized {
		return strconv.ParseInt(t, 10, 64)
	}
	rest = strings.TrimPrefix(strings.TrimPrefix(rest, "s"), "S")
	if rest == "" {
		return 0, fmt.Errorf("bad literal %q", t)
	}
	base := map[byte]int{'h': 16, 'H': 16, 'd': 10, 'D': 10, 'b': 2, 'B': 2, 'o': 8, 'O': 8}[rest[0]]
	if base == 0 {
		return 0, fmt.Errorf("bad literal %q", t)
	}
	u, err := strconv.ParseUint(rest[1:], base, 64)
	if err != nil {
		return 0, fmt.Errorf("bad literal %q", t)
	}
	if size != "" {
		w, err := strconv.Atoi(size)
		if err != nil || w < 1 {
			return 0, fmt.Errorf("bad literal %q", t)
		}
		if w < 64 {
			u &= 1<<w - 1
		}
	}
	return int64(u), nil
}
