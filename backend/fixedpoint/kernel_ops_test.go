package fixedpoint_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"scc/backend/fixedpoint"
	"scc/ir"
	"scc/sim"
)

// kernelSynthetic exercises what the library models do not: every rounding
// mode in right-shift casts (sat and wrap, 32- and 64-bit sources), left
// shifts that leave int64 (saturated: castBig; wrapped: the low 64 bits),
// 64-bit wraps, unsigned words (uq lanes as wide as their width), neg of
// the minimum, divisions with both signs of the scaling shift and zero
// denominators (and through 128-bit arithmetic when the scaled operands
// leave int64), a table clamped at both ends, comparisons across
// fractions (exactly when an aligned operand leaves int64), and every
// boolean op.
const kernelSynthetic = `module "synthetic.snn" fixed

func SynthOps {
  dt 1
  format q8.8
  round floor
  overflow sat
  state "a" : q8.8 = 0 raw 0
  state "b" : q4.12 = 0 raw 0
  state "c" : q16.16 = 0 raw 0
  state "d" : q3.29 = 0 raw 0
  state "e" : q20.40 = 0 raw 0
  state "u" : uq8.8 = 0 raw 0
  state "f" : q16.16 = 0 raw 0
  input "x" : q8.8
  input "y" : q2.14
  input "z" : q16.16
  input "w" : q-50.114
  state "g" : q8.8 = 0 raw 0
  state "h" : q2.52 = 0 raw 0
  state "k" : q2.51 = 0 raw 0
  state "m" : q8.8 = 0 raw 0
  state "n" : q20.40 = 0 raw 0
  state "o" : q-2.66 = 0 raw 0
b0:
  v0 = state "a" : q8.8
  v1 = state "b" : q4.12
  v2 = state "c" : q16.16
  v3 = state "d" : q3.29
  v4 = state "e" : q20.40
  v5 = state "u" : uq8.8
  v6 = input "x" : q8.8
  v7 = input "y" : q2.14
  v8 = input "z" : q16.16
  v10 = cast v8 half_up sat : q8.8
  v11 = cast v8 half_even wrap : q8.8
  v12 = cast v8 zero sat : q4.8
  v13 = cast v8 floor wrap : q3.8
  v14 = cast v3 half_even sat : q2.14
  v15 = cast v4 zero wrap : q12.20
  v16 = cast v4 half_up sat : q16.16
  v17 = cast v8 floor sat : q2.60
  v18 = cast v8 floor wrap : q4.60
  v19 = cast v6 floor sat : q4.20
  v20 = add v10, v7 : q10.14
  v21 = sub v12, v13 : q5.8
  v22 = sub v18, v17 : q4.60
  v23 = add v4, v2 : q21.40
  v24 = mul v2, v3 : q19.45
  v25 = mul v6, v7 : q10.22
  v26 = neg v0 : q8.8
  v27 = div v6, v7 : q8.8
  v28 = div v8, v6 : q16.16
  v29 = div v4, v6 : q8.8
  v30 = div v7, v8 : q2.8
  v31 = cast v6 floor wrap : uq4.8
  v32 = add v31, v5 : q10.8
  v33 = cast v6 half_up sat : uq8.4
  v34 = table v6 lo -2000 shift 6 [ -30000, -20000, -1000, 0, 5, 17, 900, 901, 902, 5000, 20000, 32767, 32767, 100, -32768, 7, 8, 9, 10, 11 ] : q4.12
  v35 = lt v6, v7 : bool
  v36 = ge v8, v4 : bool
  v37 = eq v10, v11 : bool
  v38 = ne v31, v5 : bool
  v39 = le v0, v6 : bool
  v40 = gt v26, v0 : bool
  v41 = and v35, v36 : bool
  v42 = or v37, v38 : bool
  v43 = not v39 : bool
  v44 = select v40, v41, v42 : bool
  v45 = or v44, v43 : bool
  v50 = add v26, v27 : q9.8
  v51 = cast v50 half_even sat : q8.8
  v52 = select v45, v51, v11 : q8.8
  v53 = add v34, v14 : q5.14
  v54 = cast v53 zero sat : q4.12
  v55 = add v28, v16 : q17.16
  v56 = cast v55 floor wrap : q16.16
  v57 = select v36, v56, v2 : q16.16
  v58 = cast v24 half_up sat : q3.29
  v59 = cast v23 floor sat : q20.40
  v60 = cast v22 floor sat : q20.40
  v61 = add v59, v60 : q21.40
  v62 = cast v61 floor sat : q20.40
  v63 = cast v32 floor sat : uq8.8
  v64 = cast v25 floor sat : q16.16
  v65 = cast v29 floor sat : q16.16
  v66 = add v64, v65 : q17.16
  v67 = cast v30 half_up wrap : q16.16
  v68 = add v66, v67 : q18.16
  v69 = cast v19 zero sat : q16.16
  v70 = add v68, v69 : q19.16
  v71 = cast v33 floor sat : q16.16
  v72 = add v70, v71 : q20.16
  v73 = cast v20 half_even sat : q16.16
  v74 = sub v72, v73 : q21.16
  v75 = cast v15 half_even sat : q16.16
  v76 = add v74, v75 : q22.16
  v77 = cast v76 floor sat : q16.16
  v80 = next "a", v52
  v81 = next "b", v54
  v82 = next "c", v57
  v83 = next "d", v58
  v84 = next "e", v62
  v85 = next "u", v63
  v86 = next "f", v77
  v87 = spike v45
  v100 = input "w" : q-50.114
  v101 = cast v100 floor sat : q8.8
  v102 = cast v100 zero sat : q8.8
  v103 = cast v100 half_up sat : q8.8
  v104 = cast v100 half_even sat : q8.8
  v105 = cast v100 half_even wrap : q0.52
  v106 = cast v100 half_even wrap : q0.51
  v107 = cast v100 zero wrap : q0.51
  v108 = cast v100 half_up wrap : q0.52
  v109 = cast v100 floor wrap : q0.51
  v110 = cast v100 half_up wrap : q0.51
  v111 = cast v100 zero wrap : q0.52
  v112 = add v101, v102 : q9.8
  v113 = add v103, v104 : q9.8
  v114 = add v112, v113 : q10.8
  v115 = add v105, v108 : q1.52
  v116 = add v115, v111 : q2.52
  v117 = add v106, v107 : q1.51
  v118 = add v109, v110 : q1.51
  v119 = add v117, v118 : q2.51
  v125 = cast v114 floor sat : q8.8
  v126 = next "g", v125
  v127 = next "h", v116
  v128 = next "k", v119
  v130 = div v4, v6 : q20.40
  v131 = div v100, v4 : q-2.66
  v132 = div v6, v4 : q8.8
  v133 = lt v4, v105 : bool
  v134 = ge v105, v4 : bool
  v135 = eq v4, v116 : bool
  v136 = le v4, v105 : bool
  v137 = gt v105, v4 : bool
  v138 = ne v4, v115 : bool
  v139 = const 0 : q8.8
  v140 = const 1 : q8.8
  v141 = const 2 : q8.8
  v142 = const 4 : q8.8
  v143 = const 8 : q8.8
  v144 = const 16 : q8.8
  v145 = const 32 : q8.8
  v146 = select v133, v140, v139 : q8.8
  v147 = select v134, v141, v139 : q8.8
  v148 = select v135, v142, v139 : q8.8
  v149 = select v136, v143, v139 : q8.8
  v150 = select v137, v144, v139 : q8.8
  v151 = select v138, v145, v139 : q8.8
  v152 = add v146, v147 : q9.8
  v153 = add v148, v149 : q9.8
  v154 = add v150, v151 : q9.8
  v155 = add v152, v153 : q10.8
  v156 = add v154, v155 : q11.8
  v157 = add v156, v132 : q12.8
  v158 = cast v157 floor wrap : q8.8
  v159 = next "m", v158
  v160 = next "n", v130
  v161 = next "o", v131
}
`

const (
	opsNeurons = 64*4 + 9
	opsSteps   = 300
)

type opsCase struct {
	Fingerprint string
	N           int
	Init        [][]int64   // state, neuron
	Inputs      [][][]int64 // step, input, neuron
}

type opsOut struct {
	States [][][]int64 // step, state, neuron
	Spk    [][]uint64  // step
}

const opsMain = `package main

import (
	"encoding/json"
	"fmt"
	"os"
)

type Case struct {
	Fingerprint string
	N           int
	Init        [][]int64
	Inputs      [][][]int64
}

type Out struct {
	States [][][]int64
	Spk    [][]uint64
}

func set(col any, w []int64) {
	switch c := col.(type) {
	case []int8:
		for i := range c {
			c[i] = int8(w[i])
		}
	case []int16:
		for i := range c {
			c[i] = int16(w[i])
		}
	case []int32:
		for i := range c {
			c[i] = int32(w[i])
		}
	case []int64:
		copy(c, w)
	}
}

func get(col any) []int64 {
	var w []int64
	switch c := col.(type) {
	case []int8:
		for _, x := range c {
			w = append(w, int64(x))
		}
	case []int16:
		for _, x := range c {
			w = append(w, int64(x))
		}
	case []int32:
		for _, x := range c {
			w = append(w, int64(x))
		}
	case []int64:
		w = append(w, c...)
	}
	return w
}

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var cases []Case
	if err := json.Unmarshal(b, &cases); err != nil {
		panic(err)
	}
	res := map[string]Out{}
	for _, c := range cases {
		s := Lookup(c.Fingerprint)
		if s == nil {
			fmt.Fprintln(os.Stderr, "no kernel", c.Fingerprint)
			os.Exit(1)
		}
		p := s.New(c.N)
		for k := range c.Init {
			set(p.State(k), c.Init[k])
		}
		var o Out
		for _, in := range c.Inputs {
			for k := range in {
				set(p.Input(k), in[k])
			}
			p.Range(0, c.N)
			var st [][]int64
			for k := range s.States {
				st = append(st, get(p.State(k)))
			}
			o.States = append(o.States, st)
			o.Spk = append(o.Spk, append([]uint64(nil), p.Spikes()...))
		}
		res[c.Fingerprint] = o
	}
	json.NewEncoder(os.Stdout).Encode(res)
}
`

// opsWord draws a word of type t: one time in four an end, 0 or ±1, one
// in four a rounding tie (the bits below some k are exactly one half of
// 2^k), else uniform.
func opsWord(t ir.Type, x *uint64) int64 {
	*x ^= *x << 13
	*x ^= *x >> 7
	*x ^= *x << 17
	if t.Kind == ir.KBool {
		return int64(*x >> 63)
	}
	lo, hi := t.Fmt.Min(), t.Fmt.Max()
	switch (*x >> 8) & 3 {
	case 0:
		special := []int64{lo, hi, 0, 1, -1, lo + 1, hi - 1}
		w := special[(*x>>16)%uint64(len(special))]
		return min(max(w, lo), hi)
	case 1:
		if w := t.Fmt.Width(); w >= 2 {
			k := 1 + uint((*x>>16)%uint64(w-1))
			y := *x * 0x9e3779b97f4a7c15 // other bits than k's
			r := int64(y) >> uint(64-w)  // a sign-extended w-bit word
			if !t.Fmt.Signed {
				r = int64(y>>1) & (int64(1)<<uint(w-1) - 1)
			}
			return r&^(int64(1)<<k-1) | int64(1)<<(k-1)
		}
	}
	if span := uint64(hi-lo) + 1; span != 0 {
		return lo + int64((*x>>11)%span)
	}
	return int64(*x) // a 64-bit word: any

}

// TestGoKernelOps compiles the generated kernels of synthetic Funcs into a
// scratch program (package main with copies of runtime/kernels' hand-written
// files) and compares every state word and spike with sim.Fixed, from
// random initial states over the whole of each format.
func TestGoKernelOps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	m, err := ir.Parse(kernelSynthetic)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"kernels.go", "isa_other.go"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "runtime", "kernels", name))
		if err != nil {
			t.Fatal(err)
		}
		s := strings.Replace(string(b), "\npackage kernels\n", "\npackage main\n", 1)
		s = strings.Replace(s, "//go:build !(goexperiment.simd && amd64)\n", "", 1)
		s = strings.Replace(s, "//go:generate", "// go:generate", 1)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{"go.mod": "module kernelops\n\ngo 1.26\n", "main.go": opsMain}
	x := uint64(0x9e3779b97f4a7c15)
	var cases []opsCase
	for _, f := range m.Funcs {
		if err := ir.VerifyFunc(f, ir.Fixed); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		src, err := fixedpoint.GoKernel(f, fixedpoint.GoOptions{Package: "main", Type: f.Name, Variant: "default", Source: "synthetic.snn"})
		if err != nil {
			t.Fatal(err)
		}
		files[strings.ToLower(f.Name)+".go"] = string(src)
		c := opsCase{Fingerprint: f.Fingerprint(), N: opsNeurons}
		for _, s := range f.States {
			w := make([]int64, opsNeurons)
			for i := range w {
				w[i] = opsWord(s.Type, &x)
			}
			c.Init = append(c.Init, w)
		}
		for step := 0; step < opsSteps; step++ {
			var in [][]int64
			for _, p := range f.Inputs {
				w := make([]int64, opsNeurons)
				for i := range w {
					w[i] = opsWord(p.Type, &x)
				}
				in = append(in, w)
			}
			c.Inputs = append(c.Inputs, in)
		}
		cases = append(cases, c)
	}
	for n, s := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	js, _ := json.Marshal(cases)
	if err := os.WriteFile(filepath.Join(dir, "cases.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", ".", "cases.json")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=", "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("scratch program: %v\n%s", err, msg)
	}
	var res map[string]opsOut
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	for ci, f := range m.Funcs {
		c := cases[ci]
		got := res[c.Fingerprint]
		if d := opsCompare(f, c, got); d != "" {
			t.Errorf("%s: %s", f.Name, d)
		}
	}
}

func opsCompare(f *ir.Func, c opsCase, got opsOut) string {
	if len(got.States) != len(c.Inputs) {
		return fmt.Sprintf("%d steps ran, want %d", len(got.States), len(c.Inputs))
	}
	for i := 0; i < c.N; i++ {
		m, err := sim.NewFixed(f)
		if err != nil {
			return err.Error()
		}
		for k := range f.States {
			m.State[k] = c.Init[k][i]
		}
		in := make([]int64, len(f.Inputs))
		for step, ins := range c.Inputs {
			for k := range in {
				in[k] = ins[k][i]
			}
			if err := m.Step(in); err != nil {
				return err.Error()
			}
			for k, s := range f.States {
				g := got.States[step][k][i]
				if s.Type.Kind == ir.KFixed && !s.Type.Fmt.Signed && s.Type.Fmt.Width() < 64 {
					g &= 1<<uint(s.Type.Fmt.Width()) - 1
				}
				if g != m.State[k] {
					return fmt.Sprintf("step %d neuron %d state %q: kernel %d, sim.Fixed %d", step+1, i, s.Name, g, m.State[k])
				}
			}
			if spk := got.Spk[step][i/64]>>uint(i%64)&1 == 1; spk != m.Spike {
				return fmt.Sprintf("step %d neuron %d: kernel spike %v, sim.Fixed %v", step+1, i, spk, m.Spike)
			}
		}
	}
	return ""
}

// TestGoKernelRejects: what the generator cannot express is an error
// naming the op, never a wrong kernel.
func TestGoKernelRejects(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"assert", "  v2 = lt v0, v1 : bool\n  v3 = assert v2\n  v4 = next \"a\", v0\n", "assertion"},
	} {
		src := "module \"r.snn\" fixed\n\nfunc R {\n  dt 1\n  format q8.8\n  round floor\n  overflow sat\n  state \"a\" : q8.8 = 0 raw 0\n  input \"x\" : q8.8\nb0:\n  v0 = state \"a\" : q8.8\n  v1 = input \"x\" : q8.8\n" + c.body + "}\n"
		m, err := ir.Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, err = fixedpoint.GoKernel(m.Funcs[0], fixedpoint.GoOptions{Type: "R", Variant: "default", Source: "r.snn"})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: GoKernel error %v, want one saying %q", c.name, err, c.want)
		}
	}
}
