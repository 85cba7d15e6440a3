package fixedpoint_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"scc/fixed"
	"scc/internal/genkernels/gen"
	"scc/ir"
	rt "scc/runtime"
	"scc/runtime/kernels"
	"scc/sim"
)

// The equivalence harness: a generated kernel (the checked-in one that
// runtime/kernels registered for the Func's fingerprint) against the
// bit-true batched interpreter, every state word and spike of every neuron
// at every step, on random inputs within the inputs' declared ranges and,
// for a generic kernel, random per-neuron parameters within theirs.
const (
	eqNeurons = 4096 + 40 // a partial last spike word too
	eqSteps   = 10000
	// eqStepsQuick is the default run (SCC_KERNELS_FULL=1 runs eqSteps).
	eqStepsQuick = 1000
)

var (
	kernelsOnce sync.Once
	kernelList  []*gen.Kernel
	kernelErr   error
)

func libraryKernels(t *testing.T) []*gen.Kernel {
	t.Helper()
	kernelsOnce.Do(func() { kernelList, kernelErr = gen.Kernels() })
	if kernelErr != nil {
		t.Fatal(kernelErr)
	}
	return kernelList
}

// TestKernelsFresh regenerates runtime/kernels in memory and fails when a
// checked-in generated file differs, is missing or is stale.
func TestKernelsFresh(t *testing.T) {
	want, err := gen.Generate()
	if err != nil {
		t.Fatal(err)
	}
	have, err := gen.Existing(filepath.Join("..", "..", "runtime", "kernels"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range want {
		names = append(names, n)
	}
	for n := range have {
		if _, ok := want[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		w, okw := want[n]
		h, okh := have[n]
		switch {
		case !okh:
			t.Errorf("runtime/kernels/%s is missing: run go generate ./runtime/kernels", n)
		case !okw:
			t.Errorf("runtime/kernels/%s is stale (no model generates it): run go generate ./runtime/kernels", n)
		case !bytes.Equal(w, h):
			t.Errorf("runtime/kernels/%s differs from a fresh generation: run go generate ./runtime/kernels", n)
		}
	}
}

// TestKernelsMatchInterpreter runs every library kernel on every path this
// machine runs, stepped directly and over pools of 1 and 3 workers, against
// sim.BatchFixed (itself spot-checked against sim.Fixed).
func TestKernelsMatchInterpreter(t *testing.T) {
	ks := libraryKernels(t)
	steps := eqSteps
	if os.Getenv("SCC_KERNELS_FULL") == "" {
		// make test's budget: the full 10,000 steps with SCC_KERNELS_FULL=1.
		steps = eqStepsQuick
	}
	var mu sync.Mutex
	times := map[string]time.Duration{}
	t.Run("group", func(t *testing.T) {
		for _, k := range ks {
			t.Run(k.Base(), func(t *testing.T) {
				t.Parallel()
				spec := kernels.Lookup(k.Func.Fingerprint())
				if spec == nil {
					t.Fatalf("no kernel registered for %s %s (fingerprint %s): run go generate ./runtime/kernels", k.File, k.Variant, k.Func.Fingerprint())
				}
				checkSpec(t, k, spec)
				// A pool runs one step at a time: each subtest has its own.
				pool1, pool3 := rt.NewPool(1), rt.NewPool(3)
				defer pool1.Close()
				defer pool3.Close()
				start := time.Now()
				h := &harness{kf: k.Func, ref: k.Func, spec: spec, n: eqNeurons, steps: steps, seed: seedOf(k.Base()), pools: []*rt.Pool{pool1, pool3}, spot: 3}
				if d := h.run(); d != "" {
					t.Fatal(d)
				}
				mu.Lock()
				times[k.Base()] = time.Since(start)
				mu.Unlock()
			})
		}
	})
	var total time.Duration
	var names []string
	for n, d := range times {
		names = append(names, n)
		total += d
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%-28s %v", n, times[n].Round(time.Millisecond))
	}
	t.Logf("%d kernels × %d neurons × %d steps: %v summed over subtests", len(times), eqNeurons, steps, total.Round(time.Millisecond))
}

// TestKernelHarnessCatchesMutations gives the interpreter a Func that
// differs from the kernel's in one op and expects the harness to report a
// difference: the equivalence test can fail.
func TestKernelHarnessCatchesMutations(t *testing.T) {
	var lif, lifGen *gen.Kernel
	for _, k := range libraryKernels(t) {
		switch k.Base() {
		case "lif_default":
			lif = k
		case "lif_generic":
			lifGen = k
		}
	}
	if lif == nil || lifGen == nil {
		t.Fatal("no LIF kernels")
	}
	muts := []struct {
		name string
		k    *gen.Kernel
		mut  func(v *ir.Value) bool // mutates the first value it accepts
	}{
		{"const+1ulp", lif, func(v *ir.Value) bool {
			// The reset value: a select arm.
			if v.Op == ir.OpSelect && v.Args[1].Op == ir.OpConst && v.Args[1].Type.Kind == ir.KFixed {
				v.Args[1].AuxInt++
				return true
			}
			return false
		}},
		{"cast-rounding", lif, func(v *ir.Value) bool {
			if v.Op == ir.OpCast && v.Round == fixed.Floor && v.Args[0].Type.Fmt.Frac > v.Type.Fmt.Frac {
				v.Round = fixed.HalfEven
				return true
			}
			return false
		}},
		{"add-to-sub", lif, func(v *ir.Value) bool {
			if v.Op == ir.OpAdd {
				v.Op = ir.OpSub
				return true
			}
			return false
		}},
		{"generic-compare", lifGen, func(v *ir.Value) bool {
			if v.Op == ir.OpGe {
				v.Op = ir.OpGt
				return true
			}
			return false
		}},
	}
	for _, m := range muts {
		t.Run(m.name, func(t *testing.T) {
			ref := cloneFunc(t, m.k.Func)
			done := false
			for _, v := range ref.Entry().Values {
				if m.mut(v) {
					t.Logf("mutated %s", v.LongString())
					done = true
					break
				}
			}
			if !done {
				t.Fatal("no value to mutate")
			}
			spec := kernels.Lookup(m.k.Func.Fingerprint())
			if spec == nil {
				t.Fatal("no kernel registered")
			}
			h := &harness{kf: m.k.Func, ref: ref, spec: spec, n: 1024, steps: 2000, seed: 7}
			d := h.run()
			if d == "" {
				t.Fatal("the harness found no difference between the kernel and a mutated interpreter")
			}
			t.Logf("caught: %s", d)
		})
	}
	// And the unmutated copy agrees (the clone itself changes nothing).
	h := &harness{kf: lif.Func, ref: cloneFunc(t, lif.Func), spec: kernels.Lookup(lif.Func.Fingerprint()), n: 1024, steps: 2000, seed: 7}
	if d := h.run(); d != "" {
		t.Fatalf("unmutated clone: %s", d)
	}
}

func cloneFunc(t *testing.T, f *ir.Func) *ir.Func {
	t.Helper()
	m, err := ir.Parse((&ir.Module{Phase: ir.Fixed, Funcs: []*ir.Func{f}}).String())
	if err != nil {
		t.Fatal(err)
	}
	return m.Funcs[0]
}

func checkSpec(t *testing.T, k *gen.Kernel, s *kernels.Spec) {
	t.Helper()
	f := k.Func
	if s.Model != f.Name || s.Variant != k.Variant || s.Source != k.File {
		t.Errorf("spec names %s %s %s, want %s %s %s", s.Model, s.Variant, s.Source, f.Name, k.Variant, k.File)
	}
	if len(s.States) != len(f.States) || len(s.Inputs) != len(f.Inputs) {
		t.Fatalf("spec has %d states, %d inputs; the Func %d, %d", len(s.States), len(s.Inputs), len(f.States), len(f.Inputs))
	}
	for i, st := range f.States {
		c := s.States[i]
		if c.Name != st.Name || c.Width != st.Type.Width() || c.Init != st.InitRaw || c.Width > c.Lane.Bits() {
			t.Errorf("state column %d = %+v, want %s width %d init %d", i, c, st.Name, st.Type.Width(), st.InitRaw)
		}
	}
	if len(s.ISAs) == 0 || s.ISAs[0] != kernels.Portable {
		t.Errorf("ISAs %v do not start with portable", s.ISAs)
	}
	// Coefficient columns: a new population holds the default parameters'
	// words.
	ids := coefValues(f)
	if len(s.Coefs) != len(ids) {
		t.Fatalf("spec has %d coefficient columns, the Func %d coef ops", len(s.Coefs), len(ids))
	}
	p := s.New(70)
	if len(ids) > 0 {
		words, err := ir.ParamWords(f, f.ParamDefaults())
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]int64, 70)
		for k, v := range ids {
			c := s.Coefs[k]
			if c.Init != words[v.ID] || c.Width != v.Type.Width() {
				t.Errorf("coef column %d = %+v, want init %d width %d", k, c, words[v.ID], v.Type.Width())
			}
			getCols(buf, p.Coef(k), v.Type)
			for i, w := range buf {
				if w != words[v.ID] {
					t.Fatalf("new population: coef %d of neuron %d is %d, want the default word %d", k, i, w, words[v.ID])
				}
			}
		}
	}
	// Paths: Portable always, others only when the kernel has them and
	// the CPU runs them.
	for isa := kernels.Portable; isa <= kernels.NumISA; isa++ {
		has := false
		for _, i := range s.ISAs {
			has = has || i == isa
		}
		err := p.SetISA(isa)
		if ok := has && kernels.Available(isa); ok != (err == nil) {
			t.Errorf("SetISA(%v): error %v, but the kernel has it: %v, available: %v", isa, err, has, kernels.Available(isa))
		}
		if err == nil && p.ISA() != isa {
			t.Errorf("SetISA(%v) left ISA %v", isa, p.ISA())
		}
	}
}

func seedOf(s string) uint64 {
	h := uint64(1469598103934665603)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// harness runs kernel spec (generated from kf) against the interpreter on
// ref (kf itself, or a mutation of it).
type harness struct {
	kf, ref  *ir.Func
	spec     *kernels.Spec
	n, steps int
	seed     uint64
	pools    []*rt.Pool // each gets its own population per ISA; nil entry: Range(0, n) directly (a pool of 1 worker does that too)
	spot     int        // neurons also run on sim.Fixed
}

type kpop struct {
	name           string
	pop            kernels.Pop
	pool           *rt.Pool
	inputs, states []any // the columns (fetched once: State(k) allocates)
}

// run returns "" when every population agrees with the interpreter at every
// step, else the first difference.
func (h *harness) run() string {
	f := h.kf
	bf, err := sim.NewBatchFixed(h.ref, h.n)
	if err != nil {
		return err.Error()
	}
	rng := rand.New(rand.NewPCG(h.seed, 0x5cc))
	pools := h.pools
	if len(pools) == 0 {
		pools = []*rt.Pool{nil}
	}
	var pops []kpop
	for _, isa := range h.spec.ISAs {
		if !kernels.Available(isa) {
			continue
		}
		for _, pl := range pools {
			p := h.spec.New(h.n)
			if err := p.SetISA(isa); err != nil {
				return fmt.Sprintf("SetISA(%v): %v", isa, err)
			}
			name := isa.String()
			if pl != nil {
				name += fmt.Sprintf("/pool%d", pl.Workers())
			}
			kp := kpop{name: name, pop: p, pool: pl}
			for k := range f.Inputs {
				kp.inputs = append(kp.inputs, p.Input(k))
			}
			for k := range f.States {
				kp.states = append(kp.states, p.State(k))
			}
			pops = append(pops, kp)
		}
	}
	// Per-neuron parameters (generic kernels).
	coefIDs := coefValues(f)
	var params [][]float64
	if len(coefIDs) > 0 {
		params = make([][]float64, h.n)
		for i := range params {
			vals, words, err := randomParams(f, rng)
			if err != nil {
				return err.Error()
			}
			params[i] = vals
			if err := bf.SetParams(i, vals); err != nil {
				return err.Error()
			}
			for _, kp := range pops {
				for k, v := range coefIDs {
					setCol(kp.pop.Coef(k), i, words[v.ID])
				}
			}
		}
	}
	// Spot neurons on sim.Fixed.
	spots := make([]int, 0, h.spot)
	var fx []*sim.Fixed
	for s := 0; s < h.spot; s++ {
		i := s * (h.n - 1) / max(h.spot-1, 1) // the first, the last, between
		m, err := sim.NewFixed(h.ref)
		if err != nil {
			return err.Error()
		}
		if params != nil {
			if err := m.SetParams(params[i]); err != nil {
				return err.Error()
			}
		}
		spots = append(spots, i)
		fx = append(fx, m)
	}
	lo := make([]int64, len(f.Inputs))
	span := make([]uint64, len(f.Inputs))
	for k, in := range f.Inputs {
		l, hi := sim.InputRange(f, k)
		if in.Type.Kind == ir.KFixed {
			l, hi = max(l, in.Type.Fmt.Min()), min(hi, in.Type.Fmt.Max())
		}
		lo[k], span[k] = l, uint64(hi-l)+1
	}
	x := rng.Uint64() | 1
	in := make([]int64, len(f.Inputs))
	buf := make([]int64, h.n)
	for step := 1; step <= h.steps; step++ {
		for k := range f.Inputs {
			col := bf.In[k]
			for i := range col {
				x ^= x << 13
				x ^= x >> 7
				x ^= x << 17
				col[i] = lo[k] + int64((x>>11)%span[k])
			}
			for _, kp := range pops {
				setCols(kp.inputs[k], col)
			}
		}
		if err := bf.Step(); err != nil {
			if _, ok := err.(*sim.BatchAssertError); !ok {
				return err.Error()
			}
		}
		for s, m := range fx {
			i := spots[s]
			for k := range in {
				in[k] = bf.In[k][i]
			}
			if err := m.Step(in); err != nil {
				if _, ok := err.(*sim.AssertError); !ok {
					return err.Error()
				}
			}
			for st := range f.States {
				if m.State[st] != bf.State[st][i] {
					return fmt.Sprintf("step %d neuron %d state %q: sim.BatchFixed %d, sim.Fixed %d", step, i, f.States[st].Name, bf.State[st][i], m.State[st])
				}
			}
			if m.Spike != bf.Spike[i] {
				return fmt.Sprintf("step %d neuron %d: sim.BatchFixed spike %v, sim.Fixed %v", step, i, bf.Spike[i], m.Spike)
			}
		}
		for _, kp := range pops {
			if kp.pool == nil {
				kp.pop.Range(0, h.n)
			} else {
				kp.pool.Run(kp.pop, h.n, 64)
			}
			if d := compare(f, bf, kp, buf); d != "" {
				return fmt.Sprintf("%s %s at step %d: %s", h.spec.Model, kp.name, step, d)
			}
		}
	}
	return ""
}

func compare(f *ir.Func, bf *sim.BatchFixed, kp kpop, buf []int64) string {
	for s, st := range f.States {
		getCols(buf, kp.states[s], st.Type)
		want := bf.State[s]
		for i := range want {
			if buf[i] != want[i] {
				return fmt.Sprintf("neuron %d state %q: kernel %d, interpreter %d", i, st.Name, buf[i], want[i])
			}
		}
	}
	spk := kp.pop.Spikes()
	if len(spk) != (bf.N+63)/64 {
		return fmt.Sprintf("%d spike words for %d neurons", len(spk), bf.N)
	}
	for wi, w := range spk {
		var want uint64
		for b := 0; b < 64 && wi*64+b < bf.N; b++ {
			if bf.Spike[wi*64+b] {
				want |= 1 << uint(b)
			}
		}
		if w != want {
			d := w ^ want
			b := 0
			for d&1 == 0 {
				d >>= 1
				b++
			}
			return fmt.Sprintf("neuron %d spike: kernel %v, interpreter %v (word %d: %#x, want %#x)", wi*64+b, w>>uint(b)&1 == 1, want>>uint(b)&1 == 1, wi, w, want)
		}
	}
	return ""
}

// coefValues returns f's coef ops in entry-block order (column k of a
// generic kernel is coef k).
func coefValues(f *ir.Func) []*ir.Value {
	var out []*ir.Value
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ir.OpCoef {
				out = append(out, v)
			}
		}
	}
	return out
}

// randomParams draws every ranged parameter uniformly from its range
// (others keep their value) until the parameter block accepts them.
func randomParams(f *ir.Func, rng *rand.Rand) ([]float64, []int64, error) {
	var err error
	for try := 0; try < 100; try++ {
		vals := f.ParamDefaults()
		for i, p := range f.Params {
			if r := p.Range; r != nil {
				vals[i] = r.Lo + rng.Float64()*(r.Hi-r.Lo)
				if try == 0 && rng.IntN(8) == 0 { // the ends too
					vals[i] = []float64{r.Lo, r.Hi}[rng.IntN(2)]
				}
			}
		}
		var words []int64
		words, err = ir.ParamWords(f, vals)
		if err == nil {
			return vals, words, nil
		}
	}
	return nil, nil, fmt.Errorf("no random parameter set accepted: %v", err)
}

func setCol(col any, i int, w int64) {
	switch c := col.(type) {
	case []int8:
		c[i] = int8(w)
	case []int16:
		c[i] = int16(w)
	case []int32:
		c[i] = int32(w)
	case []int64:
		c[i] = w
	default:
		panic(fmt.Sprintf("column of type %T", col))
	}
}

// setCols writes the words src into a column.
func setCols(col any, src []int64) {
	switch c := col.(type) {
	case []int8:
		for i, w := range src {
			c[i] = int8(w)
		}
	case []int16:
		for i, w := range src {
			c[i] = int16(w)
		}
	case []int32:
		for i, w := range src {
			c[i] = int32(w)
		}
	case []int64:
		copy(c, src)
	default:
		panic(fmt.Sprintf("column of type %T", col))
	}
}

// getCols reads a column holding words of type t into dst.
func getCols(dst []int64, col any, t ir.Type) {
	switch c := col.(type) {
	case []int8:
		for i, w := range c {
			dst[i] = int64(w)
		}
	case []int16:
		for i, w := range c {
			dst[i] = int64(w)
		}
	case []int32:
		for i, w := range c {
			dst[i] = int64(w)
		}
	case []int64:
		copy(dst, c)
	default:
		panic(fmt.Sprintf("column of type %T", col))
	}
	if t.Kind == ir.KFixed && !t.Fmt.Signed && t.Fmt.Width() < 64 {
		m := int64(uint64(1)<<uint(t.Fmt.Width()) - 1)
		for i := range dst {
			dst[i] &= m
		}
	}
}
