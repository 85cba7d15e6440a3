package main

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"scc/sim"
)

// The benchmark networks of examples/ (issue 11), each run at a size that
// fits a test: the ranges they check are the ones each example's header
// states and justifies.

// exampleNet is the path of examples/name from here.
func exampleNet(name string) string { return filepath.Join("..", "..", "examples", name) }

// exampleVariant writes examples/name with each old text of repl
// replaced by the next (each must occur: a changed example fails here,
// not silently) to a temporary file, with its data files named by
// absolute paths, and returns the file's path.
func exampleVariant(t *testing.T, name string, repl ...string) string {
	t.Helper()
	src, err := os.ReadFile(exampleNet(name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for i := 0; i+1 < len(repl); i += 2 {
		if !strings.Contains(s, repl[i]) {
			t.Fatalf("%s has no %q to replace", name, repl[i])
		}
		s = strings.ReplaceAll(s, repl[i], repl[i+1])
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	s = strings.ReplaceAll(s, `file = "`, `file = "`+filepath.ToSlash(dir)+"/")
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// popStat is one row of scc sim's network summary.
type popStat struct {
	spikes   int
	rate, cv float64 // Hz; NaN when no neuron had two spikes
}

// simNet runs `scc sim path --steps steps [--float] [--csv dir]` and
// returns the summary rows by population.
func simNet(t *testing.T, path string, steps int, float bool, csvDir string) map[string]popStat {
	t.Helper()
	args := []string{"sim", path, "--steps", strconv.Itoa(steps)}
	if float {
		args = append(args, "--float")
	}
	if csvDir != "" {
		args = append(args, "--csv", csvDir)
	}
	code, out, stderr := scc(t, args...)
	if code != 0 {
		t.Fatalf("scc %s: exit %d\n%s%s", strings.Join(args, " "), code, out, stderr)
	}
	stats := map[string]popStat{}
	header := false
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == "population" {
			header = true
			continue
		}
		if !header || len(f) != 5 {
			continue
		}
		n, err1 := strconv.Atoi(f[2])
		r, err2 := strconv.ParseFloat(f[3], 64)
		cv := math.NaN()
		if f[4] != "-" {
			cv, _ = strconv.ParseFloat(f[4], 64)
		}
		if err1 == nil && err2 == nil {
			stats[f[0]] = popStat{spikes: n, rate: r, cv: cv}
		}
	}
	if len(stats) == 0 {
		t.Fatalf("scc %s: no summary rows in\n%s", strings.Join(args, " "), out)
	}
	return stats
}

func mode(float bool) string {
	if float {
		return "float64"
	}
	return "bit-true"
}

// spike is one row of spikes.csv.
type spike struct {
	step  int
	pop   string
	index int
}

// readSpikes reads dir/spikes.csv (step,pop,index).
func readSpikes(t *testing.T, dir string) []spike {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "spikes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []spike
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	if sc.Text() != "step,pop,index" {
		t.Fatalf("spikes.csv header %q", sc.Text())
	}
	for sc.Scan() {
		f := strings.Split(sc.Text(), ",")
		if len(f) != 3 {
			t.Fatalf("spikes.csv row %q", sc.Text())
		}
		s, err1 := strconv.Atoi(f[0])
		i, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil {
			t.Fatalf("spikes.csv row %q", sc.Text())
		}
		out = append(out, spike{s, f[1], i})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// windowRate is the mean rate in Hz of population pop (size neurons)
// over steps from+1..to of dt = 0.1 ms.
func windowRate(sp []spike, pop string, size, from, to int) float64 {
	n := 0
	for _, s := range sp {
		if s.pop == pop && s.step > from && s.step <= to {
			n++
		}
	}
	return float64(n) / float64(size) / (float64(to-from) * 0.1e-3)
}

// TestExampleBrunel reproduces two regimes of Brunel 2000 fig. 8 at order
// 250 (examples/brunel.snn's header states and justifies the ranges): AI
// (the file, g = 5, eta = 2) and SR (g = 3, eta = 2), over 300 ms, in
// bit-true and float64 runs.
func TestExampleBrunel(t *testing.T) {
	t.Parallel()
	regimes := []struct {
		name           string
		repl           []string
		rateLo, rateHi float64
		cvLo, cvHi     float64
	}{
		{name: "AI", rateLo: 30, rateHi: 110, cvLo: 0.7, cvHi: 1.3},
		{name: "SR", repl: []string{"-5 * 0.6 mV", "-3 * 0.6 mV"}, rateLo: 150, rateHi: 500, cvLo: 0, cvHi: 0.3},
	}
	for _, rg := range regimes {
		path := exampleNet("brunel.snn")
		for _, float := range []bool{false, true} {
			t.Run(rg.name+"/"+mode(float), func(t *testing.T) {
				t.Parallel()
				p := path
				if rg.repl != nil {
					p = exampleVariant(t, "brunel.snn", rg.repl...)
				}
				st := simNet(t, p, 3000, float, "")
				for _, pop := range []string{"exc", "inh"} {
					s := st[pop]
					t.Logf("%s: %.1f Hz, ISI CV %.3f", pop, s.rate, s.cv)
					if !(s.rate >= rg.rateLo && s.rate <= rg.rateHi) {
						t.Errorf("%s %s: rate %.1f Hz, want %g..%g Hz", rg.name, pop, s.rate, rg.rateLo, rg.rateHi)
					}
					if !(s.cv >= rg.cvLo && s.cv <= rg.cvHi) {
						t.Errorf("%s %s: ISI CV %.3f, want %g..%g", rg.name, pop, s.cv, rg.cvLo, rg.cvHi)
					}
				}
			})
		}
	}
}

// TestExampleCUBACOBA: CUBA and COBA (4,000 neurons, p = 0.02) sustain
// asynchronous activity at the rates their headers state, and float64
// and bit-true rates agree within the stated tolerance.
func TestExampleCUBACOBA(t *testing.T) {
	t.Parallel()
	nets := []struct {
		file           string
		from           int // steps of the transient left out
		rateLo, rateHi float64
		cvLo           float64
		tol            float64 // relative float64 vs bit-true rate difference
	}{
		{file: "cuba.snn", from: 500, rateLo: 2, rateHi: 20, cvLo: 0.1, tol: 0.05},
		{file: "coba.snn", from: 1000, rateLo: 8, rateHi: 40, cvLo: 0.8, tol: 0.10},
	}
	const steps = 3000
	sizes := map[string]int{"exc": 3200, "inh": 800}
	for _, nt := range nets {
		t.Run(nt.file, func(t *testing.T) {
			t.Parallel()
			var rates [2]map[string]float64
			t.Run("runs", func(t *testing.T) {
				for k, float := range []bool{false, true} {
					t.Run(mode(float), func(t *testing.T) {
						t.Parallel()
						dir := t.TempDir()
						st := simNet(t, exampleNet(nt.file), steps, float, dir)
						sp := readSpikes(t, dir)
						rates[k] = map[string]float64{}
						for pop, size := range sizes {
							r := windowRate(sp, pop, size, nt.from, steps)
							rates[k][pop] = r
							t.Logf("%s: %.2f Hz after step %d, ISI CV %.3f", pop, r, nt.from, st[pop].cv)
							if !(r >= nt.rateLo && r <= nt.rateHi) {
								t.Errorf("%s: rate after step %d %.2f Hz, want %g..%g Hz", pop, nt.from, r, nt.rateLo, nt.rateHi)
							}
							if cv := st[pop].cv; !(cv >= nt.cvLo) {
								t.Errorf("%s: ISI CV %.3f, want ≥ %g", pop, cv, nt.cvLo)
							}
						}
						// Sustained: activity in the last 10% of the run.
						for pop, size := range sizes {
							if r := windowRate(sp, pop, size, steps*9/10, steps); r < nt.rateLo/2 {
								t.Errorf("%s: rate %.2f Hz in the last %d steps: activity not sustained", pop, r, steps/10)
							}
						}
					})
				}
			})
			if rates[0] == nil || rates[1] == nil {
				return
			}
			for pop := range sizes {
				b, f := rates[0][pop], rates[1][pop]
				if d := math.Abs(f-b) / b; !(d <= nt.tol) {
					t.Errorf("%s: float64 rate %.3f Hz vs bit-true %.3f Hz: %.1f%% apart, want ≤ %g%%", pop, f, b, 100*d, 100*nt.tol)
				}
			}
		})
	}
}

// TestExampleSynfire: the pulse packet propagates along Diesmann's chain
// (examples/synfire.snn): every group fires nearly all its neurons within
// 5 ms after the previous group's mean spike time, and the mean times
// increase along the chain; with weak synapses (3 mV instead of 4.86 mV)
// the packet dies, so the check can fail.
func TestExampleSynfire(t *testing.T) {
	t.Parallel()
	const steps = 1000
	// volleys returns, for the pulse and each group, the number of spikes
	// within 50 steps after the previous volley's mean step and their mean.
	volleys := func(sp []spike) (counts []int, means []float64) {
		sum, n := 0, 0
		for _, s := range sp {
			if s.pop == "pulse" {
				sum += s.step
				n++
			}
		}
		prev := float64(sum) / float64(n)
		counts, means = []int{n}, []float64{prev}
		for g := range 10 {
			name := "g" + strconv.Itoa(g)
			sum, n := 0, 0
			for _, s := range sp {
				if s.pop == name && float64(s.step) >= prev && float64(s.step) <= prev+50 {
					sum += s.step
					n++
				}
			}
			m := math.NaN()
			if n > 0 {
				m = float64(sum) / float64(n)
			}
			counts, means = append(counts, n), append(means, m)
			if n > 0 {
				prev = m
			}
		}
		return counts, means
	}
	for _, float := range []bool{false, true} {
		t.Run(mode(float), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			simNet(t, exampleNet("synfire.snn"), steps, float, dir)
			counts, means := volleys(readSpikes(t, dir))
			if counts[0] != 85 {
				t.Errorf("pulse packet: %d spikes, want 85", counts[0])
			}
			for g := 1; g <= 10; g++ {
				if counts[g] < 80 {
					t.Errorf("group g%d: %d spikes within 5 ms of group g%d's volley, want ≥ 80", g-1, counts[g], g-2)
				}
				if d := (means[g] - means[g-1]) * 0.1; !(d >= 0.2 && d <= 3) {
					t.Errorf("group g%d: mean spike time %.2f ms, %.2f ms after the previous volley; want 0.2..3 ms", g-1, means[g]*0.1, d)
				}
			}
			ms := make([]float64, len(means))
			for i, m := range means {
				ms[i] = math.Round(m) / 10
			}
			t.Logf("spikes per volley %v, mean times (ms) %v", counts, ms)
		})
	}
	t.Run("weak", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		p := exampleVariant(t, "synfire.snn", "all_to_all { w = 4.86 mV }", "all_to_all { w = 3 mV }")
		simNet(t, p, steps, false, dir)
		counts, _ := volleys(readSpikes(t, dir))
		if counts[10] >= 40 {
			t.Errorf("w = 3 mV: the last group fired %d spikes in its window, want < 40 (the packet dies)", counts[10])
		}
	})
}

// TestExampleClassifier: each of the ten input patterns of
// examples/classifier.snn makes its own output neuron the argmax of the
// output spike counts in the pattern's window, in float64 and bit-true
// runs, and two bit-true runs write the same spikes.
func TestExampleClassifier(t *testing.T) {
	t.Parallel()
	const window, patterns = 600, 10
	var spikes [3][]byte
	t.Run("runs", func(t *testing.T) {
		for k, float := range []bool{false, true, false} {
			t.Run(mode(float)+strconv.Itoa(k), func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				simNet(t, exampleNet("classifier.snn"), window*patterns, float, dir)
				var count [patterns][patterns]int
				for _, s := range readSpikes(t, dir) {
					if s.pop == "out" {
						count[(s.step-1)/window][s.index]++
					}
				}
				for p, c := range count {
					best := 0
					for o := range c {
						if c[o] > c[best] {
							best = o
						}
					}
					unique := true
					for o := range c {
						if o != best && c[o] == c[best] {
							unique = false
						}
					}
					if best != p || !unique || c[best] == 0 {
						t.Errorf("pattern %d: output spike counts %v, want output %d the unique maximum", p, c, p)
					}
				}
				b, err := os.ReadFile(filepath.Join(dir, "spikes.csv"))
				if err != nil {
					t.Fatal(err)
				}
				spikes[k] = b
			})
		}
	})
	if spikes[0] != nil && !bytes.Equal(spikes[0], spikes[2]) {
		t.Errorf("two bit-true runs wrote different spikes")
	}
}

// TestExampleSTDP: Song–Miller–Abbott STDP makes the weights bimodal. The
// test runs examples/stdp.snn at its test size (its header: N = 250
// inputs, gmax 64, learning rates ×4) for 60 s through the Go API, since
// scc sim writes no weights, in bit-true and float64.
func TestExampleSTDP(t *testing.T) {
	t.Parallel()
	path := exampleNet("stdp.snn")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	const gmax = 64.0
	for _, r := range [][2]string{
		{"source inp = poisson(rate = 15 Hz, seed = 1)[1000]", "source inp = poisson(rate = 15 Hz, seed = 1)[250]"},
		{"param gmax = 16", "param gmax = 64"},
		{"param eta_p = 0.005", "param eta_p = 0.02"},
		{"param eta_d = 0.00525", "param eta_d = 0.021"},
		{"w = uniform(0, 16, seed = 2)", "w = uniform(0, 64, seed = 2)"},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("stdp.snn has no %q to replace", r[0])
		}
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	u, err := compile(path, []byte(s), compileOpts{})
	if err != nil {
		t.Fatal(err)
	}
	const steps = 600000
	for _, float := range []bool{false, true} {
		t.Run(mode(float), func(t *testing.T) {
			t.Parallel()
			m := u.mod
			if float {
				m = u.real
			}
			n := pickNetwork(m, "")
			if n == nil || len(n.Rules) != 1 || len(n.Projs) != 1 {
				t.Fatalf("stdp.snn: want one network with one plastic projection")
			}
			nt, err := sim.NewNet(m, n, sim.NetOptions{Steps: steps})
			if err != nil {
				t.Fatal(err)
			}
			if err := nt.Run(steps); err != nil {
				t.Fatal(err)
			}
			words, values := nt.Weights(0)
			if !float {
				f := m.Func(n.Rules[0].OnPre).States[0].Type.Fmt
				for _, w := range words {
					values = append(values, f.Decode(w))
				}
			}
			if len(values) != 250 {
				t.Fatalf("%d weights, want 250", len(values))
			}
			var low, high, mid int
			var hist [10]int
			for _, w := range values {
				x := w / gmax
				if x < 0 || x > 1 {
					t.Fatalf("weight %g outside [0, gmax]", w)
				}
				hist[min(9, int(x*10))]++
				switch {
				case x <= 0.2:
					low++
				case x >= 0.8:
					high++
				case x >= 0.3 && x <= 0.7:
					mid++
				}
			}
			frac := func(k int) float64 { return float64(k) / float64(len(values)) }
			t.Logf("weight histogram (tenths of gmax) %v, output %d spikes", hist, nt.Count(nt.PopIndex("out")))
			if frac(low+high) < 0.65 || frac(low) < 0.25 || frac(high) < 0.25 || frac(mid) > 0.2 {
				t.Errorf("weights not bimodal: %.0f%% within 0.2·gmax of 0, %.0f%% of gmax, %.0f%% in [0.3, 0.7]·gmax; want ≥ 65%% at the ends, ≥ 25%% at each, ≤ 20%% in the middle",
					100*frac(low), 100*frac(high), 100*frac(mid))
			}
		})
	}
}

// BenchmarkExampleNetworks runs every benchmark network of examples/ at
// its full (benchmark) size, bit-true and float64, and reports golden-model
// steps per second and spikes per second (both per wall second; make
// bench).
func BenchmarkExampleNetworks(b *testing.B) {
	nets := []struct {
		file  string
		steps int
	}{
		{"brunel.snn", 3000}, {"cuba.snn", 2000}, {"coba.snn", 2000},
		{"synfire.snn", 1000}, {"classifier.snn", 6000}, {"stdp.snn", 10000},
	}
	for _, nt := range nets {
		path := exampleNet(nt.file)
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		u, err := compile(path, src, compileOpts{})
		if err != nil {
			b.Fatal(err)
		}
		for _, float := range []bool{false, true} {
			m := u.mod
			if float {
				m = u.real
			}
			b.Run(strings.TrimSuffix(nt.file, ".snn")+"/"+mode(float), func(b *testing.B) {
				n := pickNetwork(m, "")
				s, err := sim.NewNet(m, n, sim.NetOptions{Steps: nt.steps})
				if err != nil {
					b.Fatal(err)
				}
				var spikes int64
				for b.Loop() {
					s.Reset()
					if err := s.Run(nt.steps); err != nil {
						b.Fatal(err)
					}
					for p := range n.Pops {
						spikes += s.Count(p)
					}
				}
				sec := b.Elapsed().Seconds()
				b.ReportMetric(float64(b.N*nt.steps)/sec, "steps/s")
				b.ReportMetric(float64(spikes)/sec, "spikes/s")
			})
		}
	}
}
