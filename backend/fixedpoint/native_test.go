package fixedpoint

// The harness the C and LLVM tests share: library models compiled as
// cmd/scc compiles them, a generated C driver that steps a small
// population from words read on stdin and prints every state word and
// spike, and the comparison with sim.Fixed.

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"scc/internal/tool"
	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/models"
	"scc/parser"
	"scc/passes"
	"scc/sim"
)

const (
	natNeurons = 4    // population size of each run
	natSteps   = 2000 // steps of random input
)

// natCompileSrc runs the front end and the pass pipeline on src; keep
// keeps parameters as data (generic Funcs with coef ops).
func natCompileSrc(t testing.TB, name string, src []byte, keep bool) *ir.Module {
	t.Helper()
	pf, err := parser.ParseFile(name, src)
	if err != nil {
		t.Fatal(err)
	}
	info, err := lang.Check(pf)
	if err != nil {
		t.Fatal(err)
	}
	m, err := irgen.Lower(pf, info, irgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := passes.Run(m, passes.Options{Check: true, KeepParams: keep}); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// natCase is one compiled program's worth of test: a Func, the C prefix
// and, for a generic Func, each neuron's parameter values.
type natCase struct {
	name   string
	f      *ir.Func
	prefix string
	params [][]float64 // per neuron (generic only)
	seed   uint64
	// interp, when not nil, is the Func the interpreter runs instead of f
	// (the mutation check).
	interp   *ir.Func
	in, want []byte // stdin and the interpreter's output (natRun)
}

// natLibrary returns a case per Func of every library model, specialised
// ("default") and generic with the parameters' default values.
func natLibrary(t testing.TB) []*natCase {
	var cases []*natCase
	for i, file := range models.Names() {
		src, err := models.Source(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, keep := range []bool{false, true} {
			m := natCompileSrc(t, file, src, keep)
			for j, f := range m.Funcs {
				variant := "default"
				if keep {
					if len(coefs(f)) == 0 {
						continue
					}
					variant = "generic"
				}
				c := &natCase{name: strings.TrimSuffix(file, ".snn") + "_" + variant, f: f,
					prefix: fmt.Sprintf("m%d_%d_%s", i, j, variant), seed: uint64(i*10 + j)}
				if keep {
					for range natNeurons {
						c.params = append(c.params, f.ParamDefaults())
					}
				}
				cases = append(cases, c)
			}
		}
	}
	return cases
}

// natTool skips the test when a tool is missing (fails it under CI,
// where .ci/run installs gcc and llvm-14).
func natTool(t testing.TB, tools ...string) {
	t.Helper()
	tool.Need(t, tools...)
}

// natDriver is the C driver of case c: it reads the population size, the
// step count, the coefficient words (generic) and every step's input
// words from stdin, runs the population loop, and prints per step one
// line per neuron (state words, then the spike) and one line for a copy
// of neuron 0 stepped with the single-neuron step function.
func natDriver(t testing.TB, c *natCase) string {
	decls, err := cDecls(c.f, COptions{Prefix: c.prefix})
	if err != nil {
		t.Fatal(err)
	}
	n, err := newNative(c.f, c.prefix)
	if err != nil {
		t.Fatal(err)
	}
	f, p := c.f, c.prefix
	var b strings.Builder
	b.WriteString(decls)
	b.WriteString("\n#include <stdio.h>\n#include <stdlib.h>\n\n")
	b.WriteString("static long long rd(void)\n{\n\tlong long x;\n\tif (scanf(\"%lld\", &x) != 1)\n\t\texit(2);\n\treturn x;\n}\n\n")
	b.WriteString("int main(void)\n{\n\tconst size_t n = (size_t)rd();\n\tconst long steps = (long)rd();\n\tsize_t i;\n\tlong t;\n")
	fmt.Fprintf(&b, "\t%s_state one;\n\tuint8_t *spikes = calloc(n, 1);\n", p)
	for k, s := range f.States {
		fmt.Fprintf(&b, "\t%s *%s = calloc(n, sizeof *%s);\n", cLane(s.Type), n.states[k], n.states[k])
	}
	for k, in := range f.Inputs {
		fmt.Fprintf(&b, "\t%s *%s = calloc(n, sizeof *%s);\n", cLane(in.Type), n.inputs[k], n.inputs[k])
	}
	for k, v := range n.coefs {
		fmt.Fprintf(&b, "\t%s *c%d = calloc(n, sizeof *c%d);\n", cLane(v.Type), k, k)
	}
	b.WriteString("\tfor (i = 0; i < n; i++) {\n")
	for k, v := range n.coefs {
		fmt.Fprintf(&b, "\t\tc%d[i] = (%s)rd();\n", k, cLane(v.Type))
	}
	b.WriteString("\t}\n")
	fmt.Fprintf(&b, "\t%s_pop_reset(n", p)
	for _, st := range n.states {
		b.WriteString(", " + st)
	}
	fmt.Fprintf(&b, ");\n\t%s_reset(&one);\n", p)
	b.WriteString("\tfor (t = 0; t < steps; t++) {\n\t\tint spk;\n\t\tfor (i = 0; i < n; i++) {\n")
	for k, in := range f.Inputs {
		fmt.Fprintf(&b, "\t\t\t%s[i] = (%s)rd();\n", n.inputs[k], cLane(in.Type))
	}
	b.WriteString("\t\t}\n")
	args := []string{"&one"}
	for _, in := range n.inputs {
		args = append(args, in+"[0]")
	}
	for k := range n.coefs {
		args = append(args, fmt.Sprintf("c%d[0]", k))
	}
	fmt.Fprintf(&b, "\t\tspk = %s_step(%s);\n", p, strings.Join(args, ", "))
	fmt.Fprintf(&b, "\t\t%s_pop_step(n", p)
	for _, col := range append(append(append([]string{}, n.states...), n.inputs...), natCoefNames(len(n.coefs))...) {
		b.WriteString(", " + col)
	}
	b.WriteString(", spikes);\n")
	b.WriteString("\t\tfor (i = 0; i < n; i++) {\n")
	for _, st := range n.states {
		fmt.Fprintf(&b, "\t\t\tprintf(\"%%lld \", (long long)%s[i]);\n", st)
	}
	b.WriteString("\t\t\tprintf(\"%d\\n\", (int)spikes[i]);\n\t\t}\n")
	for _, st := range n.states {
		fmt.Fprintf(&b, "\t\tprintf(\"%%lld \", (long long)one.%s);\n", st)
	}
	b.WriteString("\t\tprintf(\"%d\\n\", spk);\n\t}\n\treturn 0;\n}\n")
	return b.String()
}

func natCoefNames(n int) []string {
	var s []string
	for k := range n {
		s = append(s, fmt.Sprintf("c%d", k))
	}
	return s
}

// natRun writes stdin for case c and computes the interpreter's output
// (c.in, c.want).
func natRun(t testing.TB, c *natCase) {
	f := c.f
	interp := c.interp
	if interp == nil {
		interp = f
	}
	var ib, wb bytes.Buffer
	fmt.Fprintf(&ib, "%d %d\n", natNeurons, natSteps)
	ms := make([]*sim.Fixed, natNeurons+1) // the last: neuron 0 again
	for i := range ms {
		m, err := sim.NewFixed(interp)
		if err != nil {
			t.Fatal(err)
		}
		ms[i] = m
	}
	cs := coefs(f)
	for i := range natNeurons {
		if len(cs) == 0 {
			break
		}
		words, err := ir.ParamWords(f, c.params[i])
		if err != nil {
			t.Fatalf("%s: neuron %d: %v", c.name, i, err)
		}
		for _, v := range cs {
			fmt.Fprintf(&ib, "%d ", words[v.ID])
		}
		ib.WriteString("\n")
		if err := ms[i].SetParams(c.params[i]); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := ms[natNeurons].SetParams(c.params[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	rng := rand.New(rand.NewPCG(c.seed, 0xc0de))
	words := make([][]int64, natNeurons)
	for i := range words {
		words[i] = make([]int64, len(f.Inputs))
	}
	line := func(m *sim.Fixed) {
		for _, s := range m.State {
			fmt.Fprintf(&wb, "%d ", s)
		}
		if m.Spike {
			wb.WriteString("1\n")
		} else {
			wb.WriteString("0\n")
		}
	}
	for range natSteps {
		for i := range natNeurons {
			for k := range f.Inputs {
				lo, hi := sim.InputRange(f, k)
				x := lo + rng.Int64N(hi-lo+1)
				switch rng.IntN(32) {
				case 0:
					x = lo
				case 1:
					x = hi
				}
				words[i][k] = x
				fmt.Fprintf(&ib, "%d ", x)
			}
			ib.WriteString("\n")
		}
		for i := range natNeurons {
			natStep(t, ms[i], words[i])
		}
		natStep(t, ms[natNeurons], words[0])
		for i := range natNeurons {
			line(ms[i])
		}
		line(ms[natNeurons])
	}
	c.in, c.want = ib.Bytes(), wb.Bytes()
}

func natStep(t testing.TB, m *sim.Fixed, in []int64) {
	if err := m.Step(in); err != nil {
		var ae *sim.AssertError
		if !errors.As(err, &ae) {
			t.Fatal(err)
		}
	}
}

// natParallel runs fn on every case, GOMAXPROCS at a time.
func natParallel(cases []*natCase, fn func(c *natCase) error) []error {
	errs := make([]error, len(cases))
	sem := make(chan struct{}, max(1, min(runtime.GOMAXPROCS(0), 4)))
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = fn(c)
		}()
	}
	wg.Wait()
	return errs
}

func natExec(dir string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// natBuildC writes case c's C file and driver into dir and builds them
// with gcc -O2 into dir/prog_c.
func natBuildC(dir string, c *natCase, driver string) (string, error) {
	var src bytes.Buffer
	if err := C(&src, c.f, COptions{Prefix: c.prefix}); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "model.c"), src.Bytes(), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "driver.c"), []byte(driver), 0o644); err != nil {
		return "", err
	}
	return filepath.Join(dir, "prog_c"), natExec(dir, "gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-o", "prog_c", "driver.c", "model.c")
}

// natCompare runs prog on case c's input and reports the first line that
// differs from the interpreter's.
func natCompare(c *natCase, prog string) error {
	in, want := c.in, c.want
	cmd := exec.Command(prog)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", prog, err, stderr.Bytes())
	}
	if bytes.Equal(got, want) {
		return nil
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			step, row := i/(natNeurons+1)+1, i%(natNeurons+1)
			who := fmt.Sprintf("neuron %d (population loop)", row)
			if row == natNeurons {
				who = "neuron 0 (step function)"
			}
			return fmt.Errorf("step %d, %s: compiled %q, interpreter %q (states %s, then the spike)", step, who, g, w, natStateNames(c.f))
		}
	}
	return errors.New("outputs differ")
}

func natStateNames(f *ir.Func) string {
	var s []string
	for _, st := range f.States {
		s = append(s, st.Name)
	}
	return strings.Join(s, ", ")
}
