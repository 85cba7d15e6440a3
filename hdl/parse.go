package hdl

import (
	"fmt"
	"regexp"
	"strings"
)

// parseModule reads the ANSI header of the single module in src. It
// returns the module and the text of its body. It understands the subset
// the library is written in (DESIGN §6), not Verilog at large.
func parseModule(src string) (*Module, string, error) {
	m := &Module{Doc: headerComment(src)}
	code := stripComments(src)
	loc := moduleRE.FindStringSubmatchIndex(code)
	if loc == nil {
		return nil, "", fmt.Errorf("no module")
	}
	m.Name = code[loc[2]:loc[3]]
	rest := strings.TrimSpace(code[loc[1]:])
	if strings.HasPrefix(rest, "#") {
		rest = strings.TrimSpace(rest[1:])
		inner, after, err := balanced(rest)
		if err != nil {
			return nil, "", fmt.Errorf("module %s parameters: %v", m.Name, err)
		}
		if m.Params, err = parseParams(inner); err != nil {
			return nil, "", fmt.Errorf("module %s: %v", m.Name, err)
		}
		rest = strings.TrimSpace(after)
	}
	inner, after, err := balanced(rest)
	if err != nil {
		return nil, "", fmt.Errorf("module %s ports: %v", m.Name, err)
	}
	if m.Ports, err = parsePorts(inner); err != nil {
		return nil, "", fmt.Errorf("module %s: %v", m.Name, err)
	}
	body, _, ok := strings.Cut(after, "endmodule")
	if !ok {
		return nil, "", fmt.Errorf("module %s: no endmodule", m.Name)
	}
	return m, body, nil
}

var (
	moduleRE  = regexp.MustCompile(`\bmodule\s+([A-Za-z_]\w*)`)
	identRE   = regexp.MustCompile(`^[A-Za-z_]\w*$`)
	commentRE = regexp.MustCompile(`(?s)//[^\n]*|/\*.*?\*/`)
)

// headerComment returns the leading // comment block, without the slashes.
func headerComment(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t, ok := strings.CutPrefix(strings.TrimSpace(line), "//")
		if !ok {
			break
		}
		b.WriteString(strings.TrimPrefix(t, " "))
		b.WriteByte('\n')
	}
	return b.String()
}

func stripComments(s string) string {
	return commentRE.ReplaceAllStringFunc(s, func(c string) string {
		return strings.Repeat(" ", strings.Count(c, "\n")) + strings.Repeat("\n", strings.Count(c, "\n"))
	})
}

// balanced takes text starting with '(' and returns what lies between it
// and its matching ')', and the text after that.
func balanced(s string) (inner, after string, err error) {
	if !strings.HasPrefix(s, "(") {
		return "", "", fmt.Errorf("expected '(', found %.10q", s)
	}
	depth := 0
	for i, c := range s {
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return s[1:i], s[i+1:], nil
			}
		}
	}
	return "", "", fmt.Errorf("unbalanced parentheses")
}

// splitTop splits s at sep outside (), [] and {}.
func splitTop(s string, sep rune) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case sep:
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// cutRange splits "[msb:lsb] rest" into msb, lsb and rest; without a range
// it returns empty msb and lsb.
func cutRange(s string) (msb, lsb, rest string, err error) {
	if !strings.HasPrefix(s, "[") {
		return "", "", s, nil
	}
	end := matchBracket(s)
	if end < 0 {
		return "", "", "", fmt.Errorf("unbalanced range in %q", s)
	}
	parts := splitTop(s[1:end], ':')
	if len(parts) != 2 {
		return "", "", "", fmt.Errorf("bad range [%s]", s[1:end])
	}
	return compact(parts[0]), compact(parts[1]), strings.TrimSpace(s[end+1:]), nil
}

func matchBracket(s string) int {
	depth := 0
	for i, c := range s {
		switch c {
		case '[', '(', '{':
			depth++
		case ']', ')', '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// compact removes all white space from an expression.
func compact(s string) string { return strings.Join(strings.Fields(s), "") }

func parseParams(s string) ([]Param, error) {
	var out []Param
	var prev Param
	for _, item := range splitTop(s, ',') {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		decl, def, ok := strings.Cut(item, "=")
		if !ok {
			return nil, fmt.Errorf("parameter %q has no default", item)
		}
		p := Param{Default: compact(def), Local: prev.Local}
		words := strings.Fields(decl)
		inherit := true
		for len(words) > 0 {
			switch words[0] {
			case "parameter":
				p.Local, inherit = false, false
			case "localparam":
				p.Local, inherit = true, false
			case "integer":
				p.Integer, inherit = true, false
			case "signed":
				p.Signed, inherit = true, false
			default:
				goto name
			}
			words = words[1:]
		}
	name:
		msb, lsb, rest, err := cutRange(strings.Join(words, " "))
		if err != nil {
			return nil, err
		}
		if msb != "" {
			inherit = false
		}
		if inherit {
			p.Integer, p.Signed, msb, lsb = prev.Integer, prev.Signed, prev.MSB, prev.LSB
		}
		p.MSB, p.LSB, p.Name = msb, lsb, rest
		if !identRE.MatchString(p.Name) {
			return nil, fmt.Errorf("bad parameter declaration %q", item)
		}
		out = append(out, p)
		prev = p
	}
	return out, nil
}

func parsePorts(s string) ([]Port, error) {
	var out []Port
	var prev Port
	for _, item := range splitTop(s, ',') {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		words := strings.Fields(item)
		p := Port{MSB: "0", LSB: "0"}
		switch words[0] {
		case "input", "output", "inout":
			p.Dir = map[string]Dir{"input": Input, "output": Output, "inout": Inout}[words[0]]
			words = words[1:]
			for len(words) > 0 && (words[0] == "wire" || words[0] == "reg" || words[0] == "logic" || words[0] == "signed") {
				switch words[0] {
				case "reg":
					p.Reg = true
				case "signed":
					p.Signed = true
				}
				words = words[1:]
			}
			msb, lsb, rest, err := cutRange(strings.Join(words, " "))
			if err != nil {
				return nil, err
			}
			if msb != "" {
				p.MSB, p.LSB = msb, lsb
			}
			p.Name = rest
		default:
			if len(out) == 0 {
				return nil, fmt.Errorf("port %q has no direction", item)
			}
			p = prev
			p.Name = item
		}
		if !identRE.MatchString(p.Name) {
			return nil, fmt.Errorf("bad port declaration %q", item)
		}
		out = append(out, p)
		prev = p
	}
	return out, nil
}

// instantiates reports whether body instantiates module name.
func instantiates(body, name string) bool {
	re := regexp.MustCompile(`\b` + name + `\s*(#\s*\(|[A-Za-z_]\w*\s*\()`)
	return re.MatchString(body)
}
