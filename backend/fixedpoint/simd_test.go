package fixedpoint

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"scc/ir"
	"scc/irgen"
	"scc/lang"
	"scc/models"
	"scc/parser"
	"scc/passes"
	"scc/sim"
)

// simdCompile compiles library file file in variant ("default" or
// "generic") to its one fixed Func, or returns nil when the file holds no
// single model.
func simdCompile(t *testing.T, file, variant string) *ir.Func {
	t.Helper()
	src, err := models.Source(file)
	if err != nil {
		t.Fatal(err)
	}
	lf, err := parser.ParseFile("models/"+file, src)
	if err != nil {
		t.Fatal(err)
	}
	info, err := lang.Check(lf)
	if err != nil {
		return nil // a network over other library models: not a kernel here
	}
	m, err := irgen.Lower(lf, info, irgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := passes.Run(m, passes.Options{Check: true, KeepParams: variant == "generic"}); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(m.Funcs) != 1 {
		return nil
	}
	return m.Funcs[0]
}

// simdRequired are the models that must have vector paths (issue 13).
var simdRequired = []string{"lif.snn", "qif.snn", "izhikevich.snn", "fitzhugh_nagumo.snn", "seed_lif.snn"}

type simdKernel struct {
	File, Variant, Type string
	F                   *ir.Func
}

func simdKernels(t *testing.T) []simdKernel {
	var out []simdKernel
	for _, file := range models.Names() {
		if !strings.HasSuffix(file, ".snn") {
			continue
		}
		for _, variant := range []string{"default", "generic"} {
			f := simdCompile(t, file, variant)
			if f == nil || (variant == "generic" && len(coefs(f)) == 0) {
				continue
			}
			name := strings.NewReplacer(".snn", "", "_", "").Replace(file)
			out = append(out, simdKernel{file, variant, "T" + name + variant, f})
		}
	}
	m, err := ir.Parse(simdSynthetic)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Funcs {
		if err := ir.VerifyFunc(f, ir.Fixed); err != nil {
			t.Fatal(err)
		}
		out = append(out, simdKernel{"synthetic", "default", "T" + f.Name, f})
	}
	return out
}

// simdSynthetic holds two Funcs that take what the library models do not:
// every rounding mode, saturating left shifts, unsigned wraps, compares
// with constants on either side and between fractions, negated masks (ne,
// not) in and, or and select, in int32 lanes (Synth32, with products
// beyond 32 bits that AVX2 fuses into their casts) and int64 lanes
// (Synth64, with a multiply of operands beyond int32), and a product that
// wraps before a cast that keeps bits above the wrap (SynthWrap: not fused),
// and sums wider than 32 bits read only by floor casts into 32 bits, some
// saturating from beyond int32, one wrapping below the bits its cast
// keeps (SynthSum: int32 lanes, fuseSums), and a sum that wraps into the
// bits its cast keeps (SynthSumWide: int64 lanes).
const simdSynthetic = `module "synthetic.snn" fixed

func Synth32 {
  dt 1
  format q8.8
  round floor
  overflow sat
  state "a" : q8.8 = 0 raw 0
  state "b" : q4.12 = 0 raw 0
  input "x" : q8.8
  input "y" : q2.14
b0:
  v0 = state "a" : q8.8
  v1 = state "b" : q4.12
  v3 = input "x" : q8.8
  v4 = input "y" : q2.14
  v46 = const 0 : q2.14
  v5 = lt v4, v46 : bool
  v6 = cast v4 half_up wrap : q2.8
  v7 = cast v4 half_even sat : q2.8
  v8 = cast v4 zero sat : q2.8
  v9 = add v6, v7 : q3.8
  v10 = add v9, v8 : q4.8
  v11 = cast v3 floor sat : q4.12
  v12 = sub v1, v11 : q5.12
  v13 = mul v10, v4 : q6.22
  v14 = cast v13 half_even wrap : q4.12
  v15 = neg v0 : q9.8
  v16 = cast v15 zero sat : q8.8
  v17 = lt v3, v0 : bool
  v19 = const 100 : q8.8
  v18 = ge v16, v19 : bool
  v20 = le v19, v3 : bool
  v21 = ne v14, v1 : bool
  v22 = eq v3, v19 : bool
  v23 = and v17, v21 : bool
  v2 = gt v0, v1 : bool
  v24 = not v2 : bool
  v25 = or v24, v5 : bool
  v28 = and v21, v5 : bool
  v29 = select v25, v18, v20 : bool
  v30 = or v29, v22 : bool
  v31 = select v23, v16, v0 : q8.8
  v32 = select v28, v14, v1 : q4.12
  v33 = gt v31, v3 : bool
  v34 = or v30, v33 : bool
  v35 = cast v3 floor wrap : uq4.8
  v36 = cast v35 floor sat : q8.8
  v37 = add v36, v31 : q9.8
  v38 = cast v37 half_up sat : q8.8
  v39 = cast v12 zero wrap : q4.12
  v40 = gt v39, v1 : bool
  v41 = select v40, v39, v32 : q4.12
  v42 = next "a", v38
  v60 = mul v13, v4 : q8.36
  v61 = cast v60 floor wrap : q4.12
  v62 = mul v13, v13 : q12.44
  v63 = cast v62 floor sat : q8.12
  v64 = const 123456 : q18.0
  v65 = mul v13, v64 : q24.22
  v66 = cast v65 floor wrap : q10.12
  v67 = add v61, v63 : q9.12
  v68 = add v67, v66 : q11.12
  v71 = mul v13, v4 : q4.36
  v72 = cast v71 floor wrap : q4.12
  v73 = add v68, v72 : q12.12
  v69 = cast v73 floor sat : q4.12
  v70 = select v5, v69, v41 : q4.12
  v43 = next "b", v70
  v45 = spike v34
}

func Synth64 {
  dt 1
  format q8.8
  round floor
  overflow sat
  state "a" : q8.8 = 0 raw 0
  state "b" : q4.12 = 0 raw 0
  input "x" : q8.8
  input "y" : q2.14
b0:
  v0 = state "a" : q8.8
  v1 = state "b" : q4.12
  v3 = input "x" : q8.8
  v4 = input "y" : q2.14
  v46 = const 0 : q2.14
  v5 = lt v4, v46 : bool
  v6 = cast v4 half_up wrap : q2.8
  v7 = cast v4 half_even sat : q2.8
  v8 = cast v4 zero sat : q2.8
  v9 = add v6, v7 : q3.8
  v10 = add v9, v8 : q4.8
  v11 = cast v3 floor sat : q4.12
  v12 = sub v1, v11 : q5.12
  v13 = mul v12, v4 : q7.26
  v14 = cast v13 half_even wrap : q4.12
  v47 = const 77 : q1.7
  v48 = mul v13, v47 : q8.33
  v49 = cast v48 floor wrap : q4.12
  v15 = neg v0 : q9.8
  v16 = cast v15 zero sat : q8.8
  v17 = lt v3, v0 : bool
  v19 = const 100 : q8.8
  v18 = ge v16, v19 : bool
  v20 = le v19, v3 : bool
  v21 = ne v14, v1 : bool
  v22 = eq v3, v19 : bool
  v23 = and v17, v21 : bool
  v2 = gt v0, v1 : bool
  v24 = not v2 : bool
  v25 = or v24, v5 : bool
  v28 = and v21, v5 : bool
  v29 = select v25, v18, v20 : bool
  v30 = or v29, v22 : bool
  v31 = select v23, v16, v0 : q8.8
  v32 = select v28, v14, v1 : q4.12
  v33 = gt v31, v3 : bool
  v34 = or v30, v33 : bool
  v35 = cast v3 floor wrap : uq4.8
  v36 = cast v35 floor sat : q8.8
  v37 = add v36, v31 : q9.8
  v38 = cast v37 half_up sat : q8.8
  v39 = cast v12 zero wrap : q4.12
  v40 = gt v39, v1 : bool
  v41 = select v40, v39, v32 : q4.12
  v42 = next "a", v38
  v51 = select v5, v49, v41 : q4.12
  v43 = next "b", v51
  v45 = spike v34
}

func SynthSum {
  dt 1
  format q8.8
  round floor
  overflow sat
  state "a" : q8.24 = 0 raw 0
  state "b" : q8.24 = 0 raw 0
  state "c" : q1.31 = 0 raw 0
  state "d" : q1.31 = 0 raw 0
  state "p" : q9.23 = 0 raw 0
  state "r" : q4.24 = 0 raw 0
  state "s" : q4.20 = 0 raw 0
  state "e" : q8.24 = 0 raw 0
  state "f" : q9.23 = 0 raw 0
  state "g" : q2.29 = 0 raw 0
  input "x" : q16.16
b0:
  v0 = state "a" : q8.24
  v1 = state "b" : q8.24
  v2 = state "c" : q1.31
  v20 = state "d" : q1.31
  v3 = input "x" : q16.16
  v4 = const -822083583 : q8.24
  v5 = sub v0, v4 : q9.24
  v6 = cast v5 floor wrap : q9.23
  v7 = add v1, v2 : q9.31
  v8 = sub v7, v20 : q10.31
  v9 = cast v8 floor sat : q8.24
  v10 = cast v3 floor sat : q6.16
  v11 = add v1, v10 : q9.24
  v12 = cast v11 floor sat : q8.24
  v14 = sub v0, v10 : q9.24
  v15 = cast v14 floor sat : q4.24
  v16 = add v0, v2 : q9.31
  v17 = cast v16 floor wrap : q4.20
  v21 = cast v2 floor wrap : q1.20
  v22 = cast v20 floor wrap : q1.20
  v23 = add v21, v22 : q2.20
  v24 = cast v23 floor wrap : q2.20
  v25 = add v0, v24 : q9.24
  v26 = cast v25 floor sat : q8.24
  v30 = next "a", v12
  v31 = next "b", v9
  v32 = next "c", v2
  v39 = next "e", v26
  v43 = add v0, v4 : q9.24
  v44 = add v43, v1 : q9.24
  v45 = cast v44 floor wrap : q9.23
  v46 = next "f", v45
  v47 = add v2, v20 : q2.31
  v48 = add v47, v2 : q2.31
  v49 = cast v48 floor wrap : q2.29
  v50 = next "g", v49
  v33 = next "d", v20
  v34 = next "p", v6
  v35 = next "r", v15
  v36 = next "s", v17
  v37 = gt v0, v1 : bool
  v38 = spike v37
}

func SynthSumWide {
  dt 1
  format q8.8
  round floor
  overflow sat
  state "c" : q1.31 = 0 raw 0
  state "d" : q1.31 = 0 raw 0
  state "g" : q2.29 = 0 raw 0
  input "x" : q2.29
b0:
  v12 = input "x" : q2.29
  v0 = state "c" : q1.31
  v1 = state "d" : q1.31
  v2 = add v0, v1 : q2.31
  v3 = add v2, v0 : q2.31
  v4 = cast v3 floor wrap : q3.29
  v5 = cast v4 floor wrap : q2.29
  v6 = next "c", v0
  v7 = next "d", v1
  v8 = next "g", v5
  v9 = const 0 : q3.29
  v10 = gt v4, v12 : bool
  v11 = spike v10
}

func SynthWrap {
  dt 1
  format q8.8
  round floor
  overflow sat
  state "a" : q6.22 = 0 raw 0
  input "y" : q2.14
b0:
  v0 = state "a" : q6.22
  v1 = input "y" : q2.14
  v2 = mul v0, v1 : q4.36
  v3 = cast v2 floor wrap : q8.12
  v4 = cast v3 floor sat : q6.22
  v5 = next "a", v4
  v6 = const 100 : q8.12
  v7 = gt v3, v6 : bool
  v8 = spike v7
}
`

// TestGoSIMDCoverage: the required models get vector paths, in both
// variants, and the output is a simd-only file filling the vec table.
func TestGoSIMDCoverage(t *testing.T) {
	got := map[string]bool{}
	for _, k := range simdKernels(t) {
		src, err := GoSIMD(k.F, GoOptions{Package: "kernels", Type: k.Type, Variant: k.Variant, Source: k.File})
		if err != nil {
			t.Fatalf("%s %s: %v", k.File, k.Variant, err)
		}
		if src == nil {
			t.Logf("%s %s: portable only", k.File, k.Variant)
			continue
		}
		s := string(src)
		for _, want := range []string{"//go:build goexperiment.simd && amd64", "vec" + k.Type + "[AVX2] = ", "vec" + k.Type + "[AVX512] = ", "DO NOT EDIT."} {
			if !strings.Contains(s, want) {
				t.Errorf("%s %s: output lacks %q", k.File, k.Variant, want)
			}
		}
		got[k.File+" "+k.Variant] = true
		// Sums wider than 32 bits that only floor casts into 32 bits read
		// stay in int32 lanes (fuseSums).
		for _, typ := range []string{"TSynthSum", "Tcubalifdefault", "Tcubalifgeneric"} {
			if k.Type == typ && strings.Contains(s, "int64 lanes") {
				t.Errorf("%s: int64 lanes", typ)
			}
		}
	}
	for _, f := range append(simdRequired, "synthetic") {
		if !got[f+" default"] {
			t.Errorf("%s: no vector path", f)
		}
	}
}

// simdRand is the xorshift64 both sides of TestGoSIMDEquivalence draw from.
type simdRand struct{ x uint64 }

func (r *simdRand) next() uint64 {
	r.x ^= r.x << 13
	r.x ^= r.x >> 7
	r.x ^= r.x << 17
	return r.x
}

// word returns a random word in [lo, hi]: half of them from the whole
// range, half from its sixteenth around zero (where models live).
func (r *simdRand) word(lo, hi int64) int64 {
	if r.next()&1 == 0 {
		lo, hi = lo/16, hi/16
	}
	return lo + int64(r.next()%uint64(hi-lo+1))
}

// simdCol is a column of the scratch kernel: its element bits and word
// range.
type simdCol struct {
	Bits   int
	Lo, Hi int64
}

func simdColOf(t ir.Type) simdCol {
	c := simdCol{Bits: laneBits(t), Lo: 0, Hi: 1}
	if t.Kind == ir.KFixed {
		c.Lo, c.Hi = t.Fmt.Min(), t.Fmt.Max()
	}
	return c
}

// simdCase is one kernel of the scratch program.
type simdCase struct {
	Type                  string
	States, Inputs, Coefs []simdCol
	Init, Coef            [][]int64 // [col][neuron]
	Seed                  uint64
	params                [][]float64 // per neuron (generic Funcs)
}

const simdN, simdSteps = 256, 300

// TestGoSIMDEquivalence builds a scratch program from the vector paths of
// every kernel GoSIMD takes (a struct per the layout contract, no portable
// loop) under GOEXPERIMENT=simd, runs it on AVX2 and AVX-512 (those the
// CPU has) for 300 steps of random inputs on 256 neurons with random
// initial states and per-neuron parameters, and compares every state word
// and spike with sim.Fixed.
func TestGoSIMDEquivalence(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("vector paths are amd64 only")
	}
	if testing.Short() {
		t.Skip("builds a program")
	}
	dir := t.TempDir()
	if d := os.Getenv("SCC_SIMD_DIR"); d != "" { // keep the program for a look
		dir = d
	}
	var cases []simdCase
	var kernels []simdKernel
	var prog strings.Builder
	prog.WriteString("//go:build goexperiment.simd && amd64\n\npackage main\n")
	prog.WriteString(simdMain)
	rnd := simdRand{x: 0x9e3779b97f4a7c15}
	for _, k := range simdKernels(t) {
		src, err := GoSIMD(k.F, GoOptions{Package: "main", Type: k.Type, Variant: k.Variant, Source: k.File})
		if err != nil {
			t.Fatal(err)
		}
		if src == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, k.Type+".go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		c := simdCase{Type: k.Type, Seed: rnd.next() | 1}
		fmt.Fprintf(&prog, "type %s struct {\n\tn   int\n\tisa ISA\n", k.Type)
		for i, s := range k.F.States {
			c.States = append(c.States, simdColOf(s.Type))
			fmt.Fprintf(&prog, "\tS%d []int%d\n", i, laneBits(s.Type))
		}
		for i, in := range k.F.Inputs {
			c.Inputs = append(c.Inputs, simdColOf(in.Type))
			fmt.Fprintf(&prog, "\tI%d []int%d\n", i, laneBits(in.Type))
		}
		for i, v := range coefs(k.F) {
			c.Coefs = append(c.Coefs, simdColOf(v.Type))
			fmt.Fprintf(&prog, "\tC%d []int%d\n", i, laneBits(v.Type))
		}
		fmt.Fprintf(&prog, "\tSpk []uint64\n}\n\nvar vec%s [NumISA]func(p *%s, lo, hi int) int\n\n", k.Type, k.Type)
		for _, col := range c.States {
			w := make([]int64, simdN)
			for i := range w {
				w[i] = rnd.word(col.Lo, col.Hi)
			}
			c.Init = append(c.Init, w)
		}
		c.Coef = make([][]int64, len(c.Coefs))
		cs := coefs(k.F)
		for i := 0; i < simdN && len(cs) > 0; i++ {
			vals, words := simdParamWords(t, k.F, &rnd)
			c.params = append(c.params, vals)
			for j, v := range cs {
				c.Coef[j] = append(c.Coef[j], words[v.ID])
			}
		}
		cases = append(cases, c)
		kernels = append(kernels, k)
	}
	prog.WriteString("var kernels = map[string]func(c *Case) [][]int64{\n")
	for _, c := range cases {
		fmt.Fprintf(&prog, "\t%q: func(c *Case) [][]int64 {\n\t\tp := &%s{n: N, Spk: make([]uint64, N/64)}\n", c.Type, c.Type)
		var cols []string
		for i, col := range c.States {
			fmt.Fprintf(&prog, "\t\tp.S%d = fill[int%d](c.Init[%d])\n", i, col.Bits, i)
			cols = append(cols, fmt.Sprintf("widen(p.S%d)", i))
		}
		for i, col := range c.Coefs {
			fmt.Fprintf(&prog, "\t\tp.C%d = fill[int%d](c.Coef[%d])\n", i, col.Bits, i)
		}
		for i, col := range c.Inputs {
			fmt.Fprintf(&prog, "\t\tp.I%d = make([]int%d, N)\n", i, col.Bits)
		}
		fmt.Fprintf(&prog, "\t\tr := rng{c.Seed}\n\t\tvar out [][]int64\n\t\tfor s := 0; s < Steps; s++ {\n")
		for i := range c.Inputs {
			fmt.Fprintf(&prog, "\t\t\tfor j := range p.I%d {\n\t\t\t\tp.I%d[j] = int%d(r.word(c.Inputs[%d].Lo, c.Inputs[%d].Hi))\n\t\t\t}\n", i, i, c.Inputs[i].Bits, i, i)
		}
		fmt.Fprintf(&prog, "\t\t\tif got := vec%s[c.isa](p, 0, N); got != N {\n\t\t\t\tpanic(\"stopped early\")\n\t\t\t}\n", c.Type)
		fmt.Fprintf(&prog, "\t\t\tout = append(out, spikes(p.Spk))\n\t\t}\n\t\treturn append(out, %s)\n\t},\n", strings.Join(append(cols, "nil")[:len(cols)], ", "))
	}
	prog.WriteString("}\n")
	files := map[string]string{
		"go.mod":  "module simdscratch\n\ngo 1.26\n",
		"main.go": prog.String(),
	}
	for n, s := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in, _ := json.Marshal(cases)
	if err := os.WriteFile(filepath.Join(dir, "cases.json"), in, 0o644); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-gcflags=-S", "-o", "scratch", ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOEXPERIMENT=simd", "GOFLAGS=-mod=mod")
	asm, err := build.CombinedOutput()
	if err != nil {
		t.Fatalf("scratch program: %v\n%s", err, simdTail(asm))
	}
	for _, bad := range legacySSE(string(asm)) {
		t.Errorf("legacy SSE in a vector loop: %s", bad)
	}
	cmd := exec.Command("./scratch", "cases.json")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("scratch program: %v\n%s", err, msg)
	}
	var res map[string]map[string][][]int64 // type → isa → per step spikes, then states
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		k := kernels[i]
		if len(res[c.Type]) == 0 {
			t.Skip("the CPU has neither AVX2 nor AVX-512: the paths were built, not run")
		}
		want := simdReference(t, k.F, c)
		for isa, got := range res[c.Type] {
			simdCompare(t, fmt.Sprintf("%s %s (%s) %s", k.File, k.Variant, k.F.Name, isa), k.F, got, want)
		}
	}
}

func simdCompare(t *testing.T, what string, f *ir.Func, got, want [][]int64) {
	t.Helper()
	for s := 0; s < simdSteps; s++ {
		for w := range want[s] {
			if got[s][w] != want[s][w] {
				t.Errorf("%s: step %d spike word %d = %#x, want %#x", what, s+1, w, got[s][w], want[s][w])
				return
			}
		}
	}
	for k := range f.States {
		g, w := got[simdSteps+k], want[simdSteps+k]
		for i := range w {
			if g[i] != w[i] {
				t.Errorf("%s: state %q of neuron %d after %d steps = %d, want %d", what, f.States[k].Name, i, simdSteps, g[i], w[i])
				return
			}
		}
	}
}

// simdTail returns the last lines of compiler output (the errors after
// the assembly listing).
func simdTail(b []byte) string {
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "\t") && !strings.Contains(l, " STEXT ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// legacySSE scans a -gcflags=-S listing for non-VEX SSE instructions (an
// X or Y register operand without the V prefix: MOVUPS, MOVQ AX, X1, …)
// in the vector paths after their loop has begun (the prologue zeroes
// stack slots with X15, once per call). In the loop they stall while the
// upper halves are dirty (DESIGN §8).
func legacySSE(asm string) []string {
	var bad []string
	fn, inLoop := "", false
	for _, l := range strings.Split(asm, "\n") {
		if strings.Contains(l, " STEXT ") {
			fn, inLoop = "", false
			if name, _, _ := strings.Cut(l, " "); strings.HasSuffix(name, "AVX2") || strings.HasSuffix(name, "AVX512") {
				fn = name
			}
			continue
		}
		if fn == "" || !strings.HasPrefix(l, "\t0x") {
			continue
		}
		f := strings.Fields(l)
		// An instruction has its (file:line); the hex dump after the
		// listing does not (its ASCII column can read like a register).
		if len(f) < 4 || !strings.HasPrefix(f[2], "(") {
			continue
		}
		// f: offset, pc, (file:line), op, operands…
		if strings.Contains(f[2], "_simd") || strings.Contains(f[2], "/T") {
			if strings.Contains(f[3], "VMOVMSK") || strings.HasPrefix(f[3], "VPCMP") { // an op of the loop body
				inLoop = true
			}
		}
		if !inLoop || strings.HasPrefix(f[3], "V") || len(f) < 5 {
			continue
		}
		ops := strings.Join(f[4:], " ")
		if regexpXY.MatchString(ops) {
			bad = append(bad, fn+": "+strings.Join(f[2:], " "))
		}
	}
	return bad
}

var regexpXY = regexp.MustCompile(`\b[XYZ]([0-9]|1[0-5])\b`)

// simdParamWords draws parameter values within their ranges (the default
// when a parameter has none) and returns them and the coef words.
func simdParamWords(t *testing.T, f *ir.Func, rnd *simdRand) ([]float64, []int64) {
	vals := f.ParamDefaults()
	for i, p := range f.Params {
		if p.Range != nil {
			u := float64(rnd.next()>>11) / (1 << 53)
			vals[i] = p.Range.Lo + u*(p.Range.Hi-p.Range.Lo)
		}
	}
	words, err := ir.ParamWords(f, vals)
	if err != nil {
		// A derived value left its sized range: the defaults always fit.
		vals = f.ParamDefaults()
		if words, err = ir.ParamWords(f, vals); err != nil {
			t.Fatal(err)
		}
	}
	return vals, words
}

// simdReference runs c on sim.Fixed, one interpreter per neuron.
func simdReference(t *testing.T, f *ir.Func, c simdCase) [][]int64 {
	ms := make([]*sim.Fixed, simdN)
	cs := coefs(f)
	for i := range ms {
		m, err := sim.NewFixed(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) > 0 {
			if err := m.SetParams(c.params[i]); err != nil {
				t.Fatal(err)
			}
		}
		for k := range f.States {
			m.State[k] = c.Init[k][i]
		}
		ms[i] = m
	}
	r := simdRand{c.Seed}
	in := make([][]int64, simdN)
	for i := range in {
		in[i] = make([]int64, len(f.Inputs))
	}
	var out [][]int64
	for s := 0; s < simdSteps; s++ {
		for k, col := range c.Inputs {
			for i := range in {
				in[i][k] = r.word(col.Lo, col.Hi)
			}
		}
		spk := make([]int64, simdN/64)
		for i, m := range ms {
			_ = m.Step(in[i]) // assertions are not the kernels' business
			if m.Spike {
				spk[i/64] |= int64(uint64(1) << (i % 64))
			}
		}
		out = append(out, spk)
	}
	for k := range f.States {
		w := make([]int64, simdN)
		for i, m := range ms {
			w[i] = m.State[k]
		}
		out = append(out, w)
	}
	return out
}

// simdMain is the scratch program's fixed part.
const simdMain = `
import (
	"encoding/json"
	"os"
	"simd/archsimd"
)

type ISA uint8

const (
	Portable ISA = iota
	AVX2
	AVX512
	NumISA
)

const N, Steps = 256, 300

type Col struct {
	Bits   int
	Lo, Hi int64
}

type Case struct {
	Type                  string
	States, Inputs, Coefs []Col
	Init, Coef            [][]int64
	Seed                  uint64
	isa                   ISA
}

type rng struct{ x uint64 }

func (r *rng) next() uint64 {
	r.x ^= r.x << 13
	r.x ^= r.x >> 7
	r.x ^= r.x << 17
	return r.x
}

func (r *rng) word(lo, hi int64) int64 {
	if r.next()&1 == 0 {
		lo, hi = lo/16, hi/16
	}
	return lo + int64(r.next()%uint64(hi-lo+1))
}

type word interface{ ~int8 | ~int16 | ~int32 | ~int64 }

func fill[T word](w []int64) []T {
	out := make([]T, len(w))
	for i, x := range w {
		out[i] = T(x)
	}
	return out
}

func widen[T word](w []T) []int64 {
	out := make([]int64, len(w))
	for i, x := range w {
		out[i] = int64(x)
	}
	return out
}

func spikes(s []uint64) []int64 {
	out := make([]int64, len(s))
	for i, x := range s {
		out[i] = int64(x)
	}
	return out
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var cases []*Case
	if err := json.Unmarshal(data, &cases); err != nil {
		panic(err)
	}
	res := map[string]map[string][][]int64{}
	for _, c := range cases {
		res[c.Type] = map[string][][]int64{}
		if archsimd.X86.AVX2() {
			c.isa = AVX2
			res[c.Type]["avx2"] = kernels[c.Type](c)
		}
		if archsimd.X86.AVX512() {
			c.isa = AVX512
			res[c.Type]["avx512"] = kernels[c.Type](c)
		}
	}
	json.NewEncoder(os.Stdout).Encode(res)
}

`
