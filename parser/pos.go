package parser

import (
	"sort"

	"github.com/alecthomas/participle/v2/lexer"

	"scc/lang"
)

// posMap converts participle positions to lang.Pos. It is the only place
// that does (STYLE S2). Columns count bytes (participle counts runes), so
// they come from the byte offset. A text lexed on its own but cut from a
// larger source (a Brian equation line) is placed by line and col: its
// first line starts at (line, col) of the original.
type posMap struct {
	file       string
	lineStarts []int // byte offset of each line of the lexed text
	line, col  int   // where the lexed text starts in the original, 1-based
}

func newPosMap(file string, text string, line, col int) *posMap {
	m := &posMap{file: file, lineStarts: []int{0}, line: line, col: col}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			m.lineStarts = append(m.lineStarts, i+1)
		}
	}
	return m
}

// pos returns the lang.Pos of a participle position.
func (m *posMap) pos(p lexer.Position) lang.Pos {
	i := sort.Search(len(m.lineStarts), func(i int) bool { return m.lineStarts[i] > p.Offset }) - 1
	if i < 0 {
		i = 0
	}
	col := p.Offset - m.lineStarts[i] + 1
	if i == 0 {
		col += m.col - 1
	}
	return lang.Pos{File: m.file, Line: m.line + i, Col: col}
}
