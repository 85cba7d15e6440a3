//go:build ignore

// gen writes the data files of examples/classifier.snn, a 784-128-10
// feed-forward network that is not trained but wired by a fixed rule, so
// that its spike-count readout is meaningful:
//
//   - the ten classes are bars on a 28×28 image (pixel = 28·row + col):
//     class c < 5 the horizontal bar of rows 5c+1..5c+5, class c ≥ 5 the
//     vertical bar of columns 5(c-5)+1..5(c-5)+5 (140 pixels each);
//   - w1.csv (128 rows × 784 columns, row = hidden neuron): hidden neuron
//     h belongs to class h mod 10 and takes +4 from the pixels of its bar,
//     -2 from the pixels of the other bars (0, no synapse, elsewhere), each
//     nonzero weight jittered by -1, 0 or +1;
//   - w2.csv (10 × 128, row = output neuron): output o takes +8 from the
//     hidden neurons of class o and -4 from the others, jittered likewise;
//   - patterns.csv (rows step,index): the ten bars in turn, bar k during
//     steps 600k+1 .. 600k+400 (40 ms at dt 0.1 ms, then 20 ms of
//     silence), its pixels Poisson at 50 Hz and every other pixel at 2 Hz
//     (noise), one Bernoulli draw per pixel and step.
//
// Every draw comes from one PCG stream seeded (2026, 11): running it again
// writes the same files.
//
//	cd examples/classifier && go run gen.go
package main

import (
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strings"
)

const (
	side, pixels, hidden, classes = 28, 784, 128, 10
	on, gap                       = 400, 200          // steps a pattern is shown, then silent
	rateOn, rateOff, dt           = 0.050, 0.002, 0.1 // kHz, kHz, ms
)

// bar reports whether pixel p is in class c's bar.
func bar(c, p int) bool {
	row, col := p/side, p%side
	if c < 5 {
		return row >= 5*c+1 && row <= 5*c+5
	}
	return col >= 5*(c-5)+1 && col <= 5*(c-5)+5
}

func main() {
	r := rand.New(rand.NewPCG(2026, 11))
	jitter := func(w int) int { return w + r.IntN(3) - 1 }

	var w1 strings.Builder
	w1.WriteString("# 784-128-10 classifier, layer 1: 128 rows (hidden) x 784 columns (pixels); written by gen.go\n")
	for h := range hidden {
		c := h % classes
		for p := range pixels {
			w := 0
			if bar(c, p) {
				w = jitter(4)
			} else {
				for o := range classes {
					if bar(o, p) {
						w = jitter(-2)
						break
					}
				}
			}
			if p > 0 {
				w1.WriteByte(',')
			}
			fmt.Fprint(&w1, w)
		}
		w1.WriteByte('\n')
	}

	var w2 strings.Builder
	w2.WriteString("# 784-128-10 classifier, layer 2: 10 rows (outputs) x 128 columns (hidden); written by gen.go\n")
	for o := range classes {
		for h := range hidden {
			w := jitter(-4)
			if h%classes == o {
				w = jitter(8)
			}
			if h > 0 {
				w2.WriteByte(',')
			}
			fmt.Fprint(&w2, w)
		}
		w2.WriteByte('\n')
	}

	var sp strings.Builder
	fmt.Fprintf(&sp, "# the ten bars in turn, bar k in steps %dk+1..%dk+%d: %g Hz on the bar, %g Hz elsewhere; written by gen.go\n",
		on+gap, on+gap, on, rateOn*1000, rateOff*1000)
	sp.WriteString("step,index\n")
	for k := range classes {
		for s := 1; s <= on; s++ {
			step := k*(on+gap) + s
			for p := range pixels {
				rate := rateOff
				if bar(k, p) {
					rate = rateOn
				}
				if r.Float64() < rate*dt {
					fmt.Fprintf(&sp, "%d,%d\n", step, p)
				}
			}
		}
	}

	for name, s := range map[string]string{"w1.csv": w1.String(), "w2.csv": w2.String(), "patterns.csv": sp.String()} {
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
