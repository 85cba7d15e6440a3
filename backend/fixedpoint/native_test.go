package fixedpoint

// The harness the C and LLVM tests share: library models compiled as
// cmd/scc compiles them, a generated C driver that steps a small
// population from words read on stdin and prints every state word and
// spike, and the comparison with sim.Fixed.

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"scc/fixed"
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
	// steps (natSteps when 0) and the raw range of input k
	// (sim.InputRange when nil).
	steps   int
	inRange func(k int) (lo, hi int64)
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

// natTool skips the test when a tool is missing, or fails it under CI
// (tool.Need), where .ci/run installs gcc and llvm-14 (opt-14, llc-14).
func natTool(t testing.TB, tools ...string) {
	t.Helper()
	for _, name := range tools {
		if _, err := exec.LookPath(name); err != nil && strings.HasSuffix(name, "-14") {
			msg := fmt.Sprintf("%s not found on PATH; install it with: apt-get install -y llvm-14", name)
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
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
	steps := natSteps
	if c.steps > 0 {
		steps = c.steps
	}
	inRange := c.inRange
	if inRange == nil {
		inRange = func(k int) (int64, int64) { return sim.InputRange(f, k) }
	}
	fmt.Fprintf(&ib, "%d %d\n", natNeurons, steps)
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
	for range steps {
		for i := range natNeurons {
			for k := range f.Inputs {
				lo, hi := inRange(k)
				x := int64(rng.Uint64()) // the whole int64 range
				if span := uint64(hi) - uint64(lo); span != math.MaxUint64 {
					x = int64(uint64(lo) + rng.Uint64N(span+1))
				}
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
	if err := natDriverObj(dir, driver); err != nil {
		return "", err
	}
	return filepath.Join(dir, "prog_c"), natExec(dir, "gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-o", "prog_c", "driver.o", "model.c")
}

// natDriverObj compiles the driver into dir/driver.o once: the C and the
// LLVM program of a case link the same object.
func natDriverObj(dir, driver string) error {
	if _, err := os.Stat(filepath.Join(dir, "driver.o")); err == nil {
		return nil
	}
	if err := os.WriteFile(filepath.Join(dir, "driver.c"), []byte(driver), 0o644); err != nil {
		return err
	}
	return natExec(dir, "gcc", "-std=c99", "-O2", "-Wall", "-Werror", "-c", "-o", "driver.o", "driver.c")
}

// natLLVM reports whether opt-14 and llc-14 are installed; under CI a
// missing one fails the test (.ci/run installs llvm-14).
func natLLVM(t testing.TB) bool {
	t.Helper()
	for _, name := range []string{"opt-14", "llc-14"} {
		if _, err := exec.LookPath(name); err != nil {
			msg := fmt.Sprintf("%s not found on PATH (install it with: apt-get install -y llvm-14): the LLVM half is not run", name)
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Log(msg)
			return false
		}
	}
	return true
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

// natRandomFunc builds a random fixed-phase Func over three inputs of
// random formats (widths up to 64, fraction bits far apart) that uses
// every fixed op with random result formats: casts with every rounding
// and overflow mode, shifts of 64 bits and more, comparisons that leave
// int64 when aligned, division, tables, wrapping arithmetic. Every value
// is committed to a state of its own, so the comparison sees each one.
func natRandomFunc(seed uint64) *ir.Func {
	rng := rand.New(rand.NewPCG(seed, 77))
	f := ir.NewFunc(fmt.Sprintf("Ops%d", seed), lang.Pos{})
	f.Dt = 0.1
	b := f.Entry()
	line := 0
	val := func(op ir.Op, t ir.Type, args ...*ir.Value) *ir.Value {
		line++
		return b.NewValue(lang.Pos{File: "ops.snn", Line: line, Col: 1}, op, t, args...)
	}
	format := func(w, frac int) fixed.Format {
		signed := rng.IntN(4) != 0 || w == 64
		return fixed.Format{Signed: signed, Int: w - frac, Frac: frac}
	}
	randFmt := func(maxW, frac int) fixed.Format { return format(1+rng.IntN(maxW), frac) }
	clamp := func(frac int) int { return min(max(frac, -30), 100) }
	var pool, bools []*ir.Value
	pick := func() *ir.Value {
		if rng.IntN(2) == 0 && len(pool) > 4 {
			return pool[len(pool)-1-rng.IntN(4)]
		}
		return pool[rng.IntN(len(pool))]
	}
	word := func(fm fixed.Format) int64 {
		if span := uint64(fm.Max()) - uint64(fm.Min()); span != math.MaxUint64 {
			return int64(uint64(fm.Min()) + rng.Uint64N(span+1))
		}
		return int64(rng.Uint64())
	}
	for k := range 3 {
		fm := randFmt(64, rng.IntN(80)-20)
		f.Inputs = append(f.Inputs, &ir.Input{Name: fmt.Sprintf("x%d", k), Type: ir.Fix(fm)})
		v := val(ir.OpInput, ir.Fix(fm))
		v.AuxInt = int64(k)
		pool = append(pool, v)
	}
	for range 40 {
		a, c := pick(), pick()
		af, cf := a.Type.Fmt, c.Type.Fmt
		switch rng.IntN(10) {
		case 0, 1:
			d := rng.IntN(161) - 80
			if rng.IntN(3) == 0 { // a shift of 60 to 80 bits
				d = (60 + rng.IntN(21)) * (1 - 2*rng.IntN(2))
			}
			v := val(ir.OpCast, ir.Fix(randFmt(64, clamp(af.Frac+d))), a)
			v.Round = fixed.Round(rng.IntN(4))
			v.Overflow = fixed.Overflow(rng.IntN(2))
			pool = append(pool, v)
		case 2:
			op := ir.OpAdd
			if rng.IntN(2) == 0 {
				op = ir.OpSub
			}
			pool = append(pool, val(op, ir.Fix(randFmt(64, max(af.Frac, cf.Frac))), a, c))
		case 3:
			if af.Width()+cf.Width() <= 64 {
				pool = append(pool, val(ir.OpMul, ir.Fix(randFmt(64, af.Frac+cf.Frac)), a, c))
			} else {
				pool = append(pool, val(ir.OpNeg, ir.Fix(randFmt(64, af.Frac)), a))
			}
		case 4:
			sh := rng.IntN(121) - 60 // keeps LLVM's 128-bit path
			if fr := af.Frac + sh - cf.Frac; fr == clamp(fr) {
				pool = append(pool, val(ir.OpDiv, ir.Fix(randFmt(64, fr)), a, c))
			}
		case 5, 6:
			op := []ir.Op{ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe}[rng.IntN(6)]
			bools = append(bools, val(op, ir.Bool, a, c))
		case 7:
			k := val(ir.OpConst, a.Type)
			k.AuxInt = word(af)
			if len(bools) > 0 {
				pool = append(pool, val(ir.OpSelect, a.Type, bools[rng.IntN(len(bools))], a, k))
			} else {
				pool = append(pool, k)
			}
		case 8:
			if len(bools) >= 2 {
				x, y := bools[rng.IntN(len(bools))], bools[rng.IntN(len(bools))]
				op := []ir.Op{ir.OpAnd, ir.OpOr, ir.OpEq, ir.OpNe}[rng.IntN(4)]
				bools = append(bools, val(op, ir.Bool, x, y), val(ir.OpNot, ir.Bool, x))
			}
		case 9:
			if af.Width() > 40 {
				continue
			}
			out := randFmt(36, rng.IntN(30)-4)
			t := &fixed.Table{Lo: word(af), Shift: rng.IntN(fixed.MaxTableShift + 1), Y: make([]int64, 2+rng.IntN(20))}
			for i := range t.Y {
				t.Y[i] = word(out)
			}
			v := val(ir.OpTable, ir.Fix(out), a)
			v.Table = t
			pool = append(pool, v)
		}
	}
	for m := range fixed.Round(4) { // right shifts of 64 bits and more
		a := pool[rng.IntN(3)]
		v := val(ir.OpCast, ir.Fix(randFmt(64, a.Type.Fmt.Frac-64-rng.IntN(8))), a)
		v.Round, v.Overflow = m, fixed.Overflow(rng.IntN(2))
		pool = append(pool, v)
	}
	one, zero := val(ir.OpConst, ir.Fix(fixed.UQ(1, 0))), val(ir.OpConst, ir.Fix(fixed.UQ(1, 0)))
	one.AuxInt = 1
	for _, c := range bools { // states hold numbers: a bool as a word
		pool = append(pool, val(ir.OpSelect, one.Type, c, one, zero))
	}
	for _, v := range pool[3:] {
		k := len(f.States)
		f.States = append(f.States, &ir.State{Name: fmt.Sprintf("r%d", k), Type: v.Type})
		n := val(ir.OpNext, ir.Void, v)
		n.AuxInt = int64(k)
	}
	if len(bools) > 0 {
		val(ir.OpSpike, ir.Void, bools[len(bools)-1])
	}
	return f
}

// TestNativeOps runs random Funcs of every fixed op (natRandomFunc) on
// random words over their inputs' whole formats through the C and the
// LLVM output, against sim.Fixed: the paths the library models do not
// reach (rounding modes, wrapping casts, shifts past 63 bits, exact
// comparisons, long division).
func TestNativeOps(t *testing.T) {
	natTool(t, "gcc", "opt-14", "llc-14")
	var cases []*natCase
	for seed := range uint64(6) {
		f := natRandomFunc(seed)
		if err := ir.VerifyFunc(f, ir.Fixed); err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, f)
		}
		c := &natCase{name: fmt.Sprintf("ops%d", seed), f: f, prefix: fmt.Sprintf("o%d", seed), seed: seed, steps: 300,
			inRange: func(k int) (int64, int64) { return f.Inputs[k].Type.Fmt.Min(), f.Inputs[k].Type.Fmt.Max() }}
		natRun(t, c)
		cases = append(cases, c)
	}
	drivers := make(map[*natCase]string)
	for _, c := range cases {
		drivers[c] = natDriver(t, c)
	}
	root := t.TempDir()
	errs := natParallel(cases, func(c *natCase) error {
		dir := filepath.Join(root, c.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		driver := drivers[c]
		prog, err := natBuildC(dir, c, driver)
		if err != nil {
			return err
		}
		if err := natCompare(c, prog); err != nil {
			return fmt.Errorf("C: %v", err)
		}
		if prog, err = natBuildLLVM(dir, c, driver); err != nil {
			return err
		}
		if err := natCompare(c, prog); err != nil {
			return fmt.Errorf("LLVM: %v", err)
		}
		return nil
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("%s: %v\n%s", cases[i].name, err, cases[i].f)
		}
	}
}
