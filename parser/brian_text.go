package parser

import (
	"strings"

	"scc/lang"
)

// brianText is a piece of Brian2 text with the source position of every
// byte: an option string, the equations of `scc eq`, or the decoded value
// of a string literal of a Brian2 script, whose bytes come from the
// script's lines (escapes and implicit concatenation included). pos has one
// entry more than text: the position just past the end.
type brianText struct {
	text string
	pos  []lang.Pos
}

// newBrianText places text at (line, col) of file.
func newBrianText(file, text string, line, col int) brianText {
	pos := make([]lang.Pos, len(text)+1)
	for i := 0; i <= len(text); i++ {
		pos[i] = lang.Pos{File: file, Line: line, Col: col}
		if i < len(text) && text[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return brianText{text: text, pos: pos}
}

// at returns the position of byte i (clamped to the text).
func (t brianText) at(i int) lang.Pos {
	if len(t.pos) == 0 {
		return lang.Pos{}
	}
	return t.pos[max(0, min(i, len(t.pos)-1))]
}

// slice returns bytes [i, j).
func (t brianText) slice(i, j int) brianText {
	if t.pos == nil {
		return brianText{}
	}
	return brianText{text: t.text[i:j], pos: t.pos[i : j+1]}
}

// from returns the bytes from i on.
func (t brianText) from(i int) brianText { return t.slice(i, len(t.text)) }

// trim drops leading and trailing white space.
func (t brianText) trim() brianText {
	i, j := 0, len(t.text)
	for i < j && isBlank(t.text[i]) {
		i++
	}
	for j > i && isBlank(t.text[j-1]) {
		j--
	}
	return t.slice(i, j)
}

// blank reports whether t holds only white space.
func (t brianText) blank() bool { return strings.TrimSpace(t.text) == "" }

// concat joins pieces (implicit concatenation of string literals).
func concat(ts []brianText) brianText {
	var b strings.Builder
	var pos []lang.Pos
	for _, t := range ts {
		b.WriteString(t.text)
		pos = append(pos, t.pos[:len(t.text)]...)
	}
	if n := len(ts); n > 0 {
		pos = append(pos, ts[n-1].pos[len(ts[n-1].text)])
	} else {
		pos = append(pos, lang.Pos{})
	}
	return brianText{text: b.String(), pos: pos}
}

// uncomment blanks every `#` comment to the end of its line (positions are
// kept: the bytes become spaces).
func (t brianText) uncomment() brianText {
	if !strings.Contains(t.text, "#") {
		return t
	}
	b := []byte(t.text)
	in := false
	for i, c := range b {
		switch {
		case c == '\n':
			in = false
		case c == '#':
			in = true
		}
		if in {
			b[i] = ' '
		}
	}
	return brianText{text: string(b), pos: t.pos}
}

// split cuts t at every byte in seps (the separators are dropped).
func (t brianText) split(seps string) []brianText {
	var out []brianText
	start := 0
	for i := 0; i < len(t.text); i++ {
		if strings.IndexByte(seps, t.text[i]) >= 0 {
			out = append(out, t.slice(start, i))
			start = i + 1
		}
	}
	return append(out, t.from(start))
}

func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// firstLine returns t's text up to its first newline, trimmed: how a
// diagnostic quotes a piece that may run over several lines.
func (t brianText) firstLine() string {
	s := strings.TrimSpace(t.text)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}
