package formal

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// ROM constraints for the SMT2 model (issue 15 item 3).
//
// yosys turns the case ROMs of the breakpoint tables (backend/sv's and the
// harness' own, lower.go) into memories without write ports, and
// write_smt2 models a memory as state: its contents are fixed by their
// init in the initial-state predicate (<top>_i), which BMC asserts in the
// first step only and k-induction never asserts. An induction trace could
// then start from a state whose ROMs hold anything, so no step property
// through a table was inductive.
//
// A memory without write ports keeps its initial contents forever, so its
// init facts hold in every reachable state. constrainROMs copies them into
// a predicate <top>_rom and makes the hierarchy predicate <top>_h, which
// yosys-smtbmc asserts in every step of BMC and of induction, imply it. That
// excludes only unreachable states: a proof stays sound.

var (
	reSMTMemory = regexp.MustCompile(`^; yosys-smt2-memory \S+ \d+ \d+ \d+ (\d+) `)
	reSMTDecl   = regexp.MustCompile(`^\(declare-fun (\|[^|]*\|) \(\|[^|]*\|\) \(Array `)
	reSMTTop    = regexp.MustCompile(`^; yosys-smt2-topmod (\S+)$`)
)

// constrainROMs rewrites the SMT2 model at path so every memory without
// write ports holds its initial contents in every step. It returns the
// number of memories constrained.
func constrainROMs(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	lines := strings.Split(string(data), "\n")
	top := ""
	for i := len(lines) - 1; i >= 0 && top == ""; i-- {
		if m := reSMTTop.FindStringSubmatch(lines[i]); m != nil {
			top = m[1]
		}
	}
	if top == "" {
		return 0, fmt.Errorf("formal: %s: no yosys-smt2-topmod line", path)
	}
	// The memories: a "yosys-smt2-memory" comment (its fourth number is the
	// write-port count) followed, after any witness comments, by the
	// declaration of its array state.
	var roms []string
	for i, l := range lines {
		m := reSMTMemory.FindStringSubmatch(l)
		if m == nil || m[1] != "0" {
			continue
		}
		for j := i + 1; j < len(lines) && strings.HasPrefix(lines[j], ";"); j++ {
			if j+1 < len(lines) {
				if d := reSMTDecl.FindStringSubmatch(lines[j+1]); d != nil {
					roms = append(roms, d[1])
					break
				}
			}
		}
	}
	if len(roms) == 0 {
		return 0, nil
	}
	// Their init facts, from the initial-state predicate.
	initHead := fmt.Sprintf("(define-fun |%s_i| ((state |%s_s|)) Bool (and", top, top)
	var facts []string
	in := false
	for _, l := range lines {
		switch {
		case l == initHead:
			in = true
		case in && !strings.HasPrefix(l, "  "):
			in = false
		case in:
			for _, r := range roms {
				if strings.Contains(l, "(select ("+r+" state) ") {
					facts = append(facts, l)
					break
				}
			}
		}
	}
	if len(facts) == 0 {
		return 0, nil // ROMs without init: nothing is known of them
	}
	// The hierarchy predicate is renamed <top>_h0 and a new <top>_h, the
	// conjunction of it and the ROM facts, is appended.
	hHead := fmt.Sprintf("(define-fun |%s_h| ((state |%s_s|)) Bool ", top, top)
	n := 0
	for i, l := range lines {
		if strings.HasPrefix(l, hHead) {
			lines[i] = fmt.Sprintf("(define-fun |%s_h0| ((state |%s_s|)) Bool ", top, top) + strings.TrimPrefix(l, hHead)
			n++
		}
	}
	if n != 1 {
		return 0, fmt.Errorf("formal: %s: %d hierarchy predicates |%s_h|, want 1", path, n, top)
	}
	var out strings.Builder
	out.WriteString(strings.TrimRight(strings.Join(lines, "\n"), "\n"))
	fmt.Fprintf(&out, "\n; scc: the ROMs hold their initial contents in every state (formal/rom.go)\n")
	fmt.Fprintf(&out, "(define-fun |%s_rom| ((state |%s_s|)) Bool (and\n", top, top)
	for _, f := range facts {
		out.WriteString(f)
		out.WriteByte('\n')
	}
	out.WriteString("))\n")
	fmt.Fprintf(&out, "(define-fun |%s_h| ((state |%s_s|)) Bool (and (|%s_h0| state) (|%s_rom| state)))\n", top, top, top, top)
	return len(roms), os.WriteFile(path, []byte(out.String()), 0o644)
}
