package synth

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Yosys 0.23's Verilog frontend takes time quadratic in the statements of
// an initial block that fills a memory word by word (5,000 words: 40 s;
// 10,000: 150 s; a 100k-synapse ROM: hours), while $readmemh of the same
// words is linear. Run therefore rewrites every such block before
// synthesis: the netlist is the same (the same words at the same
// addresses, the others undefined in both).

// minROMWords is the size from which a ROM initial block is rewritten.
const minROMWords = 64

var (
	reInitBegin = regexp.MustCompile(`^\s*initial\s+begin\s*(//.*)?$`)
	reInitWord  = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_$]*)\[(\d+)\]\s*=\s*\d+'s?h([0-9a-fA-F_]+)\s*;\s*(//.*)?$`)
	reInitEnd   = regexp.MustCompile(`^\s*end\s*(//.*)?$`)
)

// memFiles rewrites the ROM initial blocks of src (every statement of the
// block "NAME[i] = W'hX;" for one NAME, at least minROMWords of them) to
// $readmemh of a file, returning the new source and the files by name.
func memFiles(src string) (string, map[string]string) {
	lines := strings.SplitAfter(src, "\n")
	var out strings.Builder
	files := map[string]string{}
	for i := 0; i < len(lines); i++ {
		if !reInitBegin.MatchString(strings.TrimRight(lines[i], "\n")) {
			out.WriteString(lines[i])
			continue
		}
		name, hex, end, ok := romBlock(lines, i+1)
		if !ok {
			out.WriteString(lines[i])
			continue
		}
		file := fmt.Sprintf("rom%d_%s.hex", len(files), name)
		files[file] = hex
		indent := lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " \t"))]
		fmt.Fprintf(&out, "%sinitial $readmemh(%q, %s); // %d lines rewritten by scc synth\n", indent, file, name, end-i+1)
		i = end
	}
	return out.String(), files
}

// romBlock reads the statements of an initial block from lines[from]: it
// returns the memory's name, the $readmemh text, the index of the "end"
// line, and whether the block is a ROM fill of at least minROMWords words.
func romBlock(lines []string, from int) (string, string, int, bool) {
	var name string
	var hex strings.Builder
	next := -1 // the address $readmemh writes next
	words := 0
	for j := from; j < len(lines); j++ {
		line := strings.TrimRight(lines[j], "\n")
		if reInitEnd.MatchString(line) {
			return name, hex.String(), j, words >= minROMWords
		}
		m := reInitWord.FindStringSubmatch(line)
		if m == nil || (name != "" && m[1] != name) {
			return "", "", 0, false
		}
		name = m[1]
		addr, err := strconv.Atoi(m[2])
		if err != nil {
			return "", "", 0, false
		}
		if addr != next {
			fmt.Fprintf(&hex, "@%x\n", addr)
		}
		hex.WriteString(strings.ReplaceAll(m[3], "_", ""))
		hex.WriteByte('\n')
		next = addr + 1
		words++
	}
	return "", "", 0, false
}
