package sim

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"

	"scc/ir"
)

func load(t *testing.T, name string) *ir.Func {
	t.Helper()
	src, err := os.ReadFile("../ir/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ir.Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	return m.Funcs[0]
}

// lifRef is an independent plain-Go model of ir/testdata/lif_fixed.ir.
type lifRef struct{ v, refr int64 }

func (r *lifRef) step(in int64) bool {
	const vrest, vth = -16640, -12800
	if r.refr != 0 {
		r.refr--
		return false
	}
	d := ((vrest - r.v) + in) * 20972 >> 22
	c := max(min(r.v+d, 32767), -32768)
	if c >= vth {
		r.v, r.refr = vrest, 20
		return true
	}
	r.v = c
	return false
}

func TestFixedMatchesReference(t *testing.T) {
	f := load(t, "lif_fixed.ir")
	f.Inputs[0].Range = &ir.Range{Lo: 5, Hi: 40} // mean drive above threshold
	src := Random(f, 7)
	tr, err := RunFixed(f, src, 20000)
	if err != nil {
		t.Fatal(err)
	}
	ref := lifRef{v: -16640}
	spikes := 0
	for s := range tr.Spikes {
		sp := ref.step(tr.Inputs[s][0])
		if sp {
			spikes++
		}
		if sp != tr.Spikes[s] || ref.v != tr.Raw[s][0] || ref.refr != tr.Raw[s][1] {
			t.Fatalf("step %d: sim (spike %v, v %d, refr %d), reference (%v, %d, %d)",
				s, tr.Spikes[s], tr.Raw[s][0], tr.Raw[s][1], sp, ref.v, ref.refr)
		}
	}
	if spikes == 0 {
		t.Fatalf("no spikes in 20000 random steps: the test exercises nothing")
	}
}

func TestInputRangeRespected(t *testing.T) {
	f := load(t, "lif_fixed.ir")
	lo, hi := InputRange(f, 0)
	if lo != -20*256 || hi != 40*256 {
		t.Fatalf("InputRange = [%d, %d], want [%d, %d]", lo, hi, -20*256, 40*256)
	}
	src := Random(f, 1)
	in := make([]int64, 1)
	seenLo, seenHi := int64(math.MaxInt64), int64(math.MinInt64)
	for s := 0; s < 100000; s++ {
		src.Next(s, in)
		seenLo, seenHi = min(seenLo, in[0]), max(seenHi, in[0])
	}
	if seenLo < lo || seenHi > hi || seenLo > lo+100 || seenHi < hi-100 {
		t.Errorf("random inputs span [%d, %d], want within and close to [%d, %d]", seenLo, seenHi, lo, hi)
	}
}

func TestFloatRelaxes(t *testing.T) {
	f := load(t, "lif_real.ir")
	src, err := ParseSpec(f, "const:10")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := RunFloat(f, src, 5000)
	if err != nil {
		t.Fatal(err)
	}
	// v_rest + I = -55 mV is below the -50 mV threshold: v relaxes to it.
	if got := tr.Real[len(tr.Real)-1][0]; math.Abs(got+55) > 1e-6 || tr.SpikeCount() != 0 {
		t.Errorf("final v = %v, spikes %d; want -55, 0", got, tr.SpikeCount())
	}
	src, _ = ParseSpec(f, "const:I=30")
	tr, _ = RunFloat(f, src, 5000)
	if tr.SpikeCount() == 0 {
		t.Errorf("I=30 gives no spikes; want regular firing")
	}
}

func TestDeterministicAndWriters(t *testing.T) {
	f := load(t, "lif_fixed.ir")
	var out [2]bytes.Buffer
	for i := range out {
		tr, err := RunFixed(f, Random(f, 3), 300)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.WriteCSV(&out[i]); err != nil {
			t.Fatal(err)
		}
		if err := tr.WriteVCD(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	if out[0].String() != out[1].String() {
		t.Fatal("two runs with the same seed differ")
	}
	if !strings.HasPrefix(out[0].String(), "step,I,spike,v,_refr,v_raw,_refr_raw\n0,") {
		t.Errorf("CSV header = %q", strings.SplitN(out[0].String(), "\n", 2)[0])
	}
}

func TestParseSpecErrors(t *testing.T) {
	f := load(t, "lif_fixed.ir")
	for _, spec := range []string{"", "const:x", "random:-1", "const:J=1", "const:500", "file:/nonexistent/x.csv", "poisson:3"} {
		if _, err := ParseSpec(f, spec); err == nil {
			t.Errorf("ParseSpec(%q) succeeded, want error", spec)
		}
	}
	src, err := ReadCSV(f, "s.csv", strings.NewReader("step,I\n0,1.5\n1,-2\n"))
	if err != nil {
		t.Fatal(err)
	}
	in := make([]int64, 1)
	for s, want := range []int64{384, -512, -512} {
		src.Next(s, in)
		if in[0] != want {
			t.Errorf("CSV step %d = %d, want %d", s, in[0], want)
		}
	}
	if _, err := ReadCSV(f, "s.csv", strings.NewReader("K\n1\n")); err == nil || !strings.Contains(err.Error(), "s.csv:1:1") {
		t.Errorf("ReadCSV with unknown column = %v, want positioned error", err)
	}
}

func TestRandomFullWidth(t *testing.T) {
	src, err := os.ReadFile("../ir/testdata/lif_fixed.ir")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ir.Parse(strings.Replace(string(src), "format q8.8", "format q32.32", 1))
	if err != nil {
		t.Fatal(err)
	}
	f := m.Funcs[0]
	f.Inputs[0].Range = nil
	in := make([]int64, 1)
	neg, pos := false, false
	r := Random(f, 5)
	for s := 0; s < 1000; s++ {
		r.Next(s, in) // must not panic on a 64-bit span
		neg, pos = neg || in[0] < -1<<62, pos || in[0] > 1<<62
	}
	if !neg || !pos {
		t.Errorf("64-bit random inputs do not span the format (neg %v, pos %v)", neg, pos)
	}
}
