package formal

import (
	"bufio"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"scc/fixed"
)

// maxTableSteps caps a counterexample table at the last steps before the
// failure.
const maxTableSteps = 16

// readVCD returns, for each step of a yosys-smtbmc trace (time 10·step),
// the values of the top scope's signals as binary strings.
func readVCD(path string) ([]map[string]string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	ids := map[string]string{} // id -> name, top scope only
	depth := 0
	cur := map[string]string{}
	var steps []map[string]string
	flush := func() {
		snap := make(map[string]string, len(cur))
		for k, v := range cur {
			snap[k] = v
		}
		steps = append(steps, snap)
	}
	step := -1
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "$scope":
			depth++
		case f[0] == "$upscope":
			depth--
		case f[0] == "$var" && len(f) >= 5:
			if depth == 1 {
				ids[f[3]] = f[4]
			}
		case strings.HasPrefix(f[0], "#"):
			t, err := strconv.Atoi(f[0][1:])
			if err != nil {
				continue
			}
			if t%10 == 0 {
				if step >= 0 {
					flush()
				}
				step = t / 10
			}
		case f[0][0] == 'b' && len(f) == 2:
			if n, ok := ids[f[1]]; ok {
				cur[n] = f[0][1:]
			}
		case f[0][0] == '0' || f[0][0] == '1' || f[0][0] == 'x':
			if n, ok := ids[f[0][1:]]; ok {
				cur[n] = f[0][:1]
			}
		}
	}
	if step >= 0 {
		flush()
	}
	return steps, sc.Err()
}

// render shows a binary value as a number: decoded in fm when given, with
// its raw word.
func render(bits string, fm *fixed.Format) string {
	if strings.ContainsAny(bits, "xz") {
		return bits
	}
	x, ok := new(big.Int).SetString(bits, 2)
	if !ok {
		return bits
	}
	if fm == nil {
		return x.String()
	}
	w := len(bits)
	if fm.Signed && bits[0] == '1' {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(w)))
	}
	r := x.Int64()
	return fmt.Sprintf("%s (%d)", strconv.FormatFloat(fm.Decode(r), 'g', 8, 64), r)
}

// traceTable renders the steps of a counterexample up to last as a table
// of the harness' trace signals.
func traceTable(path string, sigs []Signal, last int) (string, error) {
	steps, err := readVCD(path)
	if err != nil {
		return "", err
	}
	if last >= len(steps) {
		last = len(steps) - 1
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	head := []string{"step"}
	for _, s := range sigs {
		head = append(head, s.Name)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for i := max(0, last-maxTableSteps+1); i <= last; i++ {
		row := []string{strconv.Itoa(i)}
		for _, s := range sigs {
			v, ok := steps[i][s.Name]
			if !ok {
				v = "-"
			} else {
				v = render(v, s.Fmt)
			}
			row = append(row, v)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	return b.String(), nil
}
