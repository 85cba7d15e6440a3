package fixed

import (
	"math"
	"testing"
)

// TestTableErrorBounds states the largest error of each tabulated function
// over a typical domain, for a 16-bit argument (every raw word checked)
// with DefaultSegments segments and results in the most precise 16-bit
// format (TableOut): the bounds below are what DESIGN §3 promises users.
// Linear interpolation errs by at most h²/8·max|g”| plus the entry
// rounding (half an ulp) and the floor (one ulp); log and sqrt are steep
// near their lower end, where uniform breakpoints cost most. pow(x, y)
// of a constant y is tabulated like these; abs (piecewise linear with a
// breakpoint at 0) is exact.
func TestTableErrorBounds(t *testing.T) {
	tests := []struct {
		name   string
		arg    Format
		lo, hi float64
		bound  float64 // max |table - g|, real units
	}{
		{"exp", Q(4, 12), -6, 2, 0.0009},
		{"log", Q(8, 8), 0.5, 100, 0.061},
		{"sqrt", Q(8, 8), 0, 100, 0.18},
		{"tanh", Q(4, 12), -4, 4, 0.00014},
		{"sigmoid", Q(5, 11), -8, 8, 0.000085},
		{"sin", Q(4, 12), -4, 4, 0.0002},
		{"cos", Q(4, 12), -4, 4, 0.00021},
		{"abs", Q(8, 8), -100, 100, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := RealFunc(tt.name)
			lo, _ := Encode(tt.lo, tt.arg)
			hi, _ := Encode(tt.hi, tt.arg)
			ylo, yhi := math.Inf(1), math.Inf(-1)
			for x := lo; x <= hi; x++ {
				y := g(tt.arg.Decode(x))
				ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
			}
			out := TableOut(ylo, yhi, 16)
			tab, sat := BuildTable(g, tt.arg, lo, hi, out, DefaultSegments)
			if sat != 0 {
				t.Fatalf("BuildTable saturated %d entries", sat)
			}
			if err := tab.Check(tt.arg, out); err != nil {
				t.Fatal(err)
			}
			got := TableError(&tab, g, tt.arg, out, lo, hi)
			t.Logf("%s: max error %.3g (%d entries, result %v)", tt.name, got, len(tab.Y), out)
			if got > tt.bound {
				t.Errorf("TableError(%s over [%g, %g]) = %g, want ≤ %g", tt.name, tt.lo, tt.hi, got, tt.bound)
			}
			// Outside the table the ends are held.
			if got, want := tab.Eval(lo-5), tab.Y[0]; got != want {
				t.Errorf("Eval below the table = %d, want Y[0] = %d", got, want)
			}
			if got, want := tab.Eval(hi+(1<<uint(tab.Shift))*3), tab.Y[len(tab.Y)-1]; got != want {
				t.Errorf("Eval past the table = %d, want the last entry %d", got, want)
			}
		})
	}
}

// TestTableEval pins the integer semantics: breakpoints exact, linear
// interpolation floored (also for falling segments), clamping.
func TestTableEval(t *testing.T) {
	tab := Table{Lo: -8, Shift: 2, Y: []int64{0, 10, 3, -5}}
	tests := []struct{ x, want int64 }{
		{-100, 0}, {-9, 0}, {-8, 0}, {-7, 2}, {-6, 5}, {-5, 7}, {-4, 10},
		{-3, 8}, {-2, 6}, {-1, 4}, // 10 + floor(-7·r/4): 8.25→8, 6.5→6, 4.75→4
		{0, 3}, {1, 1}, {2, -1}, {3, -3}, {4, -5}, {5, -5}, {1000, -5},
	}
	for _, tt := range tests {
		if got := tab.Eval(tt.x); got != tt.want {
			t.Errorf("Eval(%d) = %d, want %d", tt.x, got, tt.want)
		}
	}
}
