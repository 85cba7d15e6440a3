package fixed

import (
	"strings"
	"testing"
)

func TestParseProfile(t *testing.T) {
	good := []struct {
		in   string
		want Profile
	}{
		{"q8.8", Profile{Format: Q88}},
		{"q1.15", Profile{Format: Q(1, 15)}},
		{"q16.16", Profile{Format: Q(16, 16)}},
		{"q32.0", Profile{Format: Q(32, 0)}},
		{"q1.0", Profile{Format: Q(1, 0)}},
		{"auto:16", Profile{Format: Q88, Auto: 16}},
		{"auto:2", Profile{Format: Q(1, 1), Auto: 2}},
		{"auto:7", Profile{Format: Q(3, 4), Auto: 7}},
		{"auto:32", Profile{Format: Q(16, 16), Auto: 32}},
	}
	for _, tt := range good {
		got, err := ParseProfile(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseProfile(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("ParseProfile(%q).String() = %q, want the input", tt.in, got.String())
		}
	}
	bad := []struct {
		in, msg string
	}{
		{"", `expected q<I>.<F>, uq<I>.<F> or auto:<W>, found ""`},
		{"q8", `expected q<I>.<F>, uq<I>.<F> or auto:<W>, found "q8"`},
		{"x8.8", `expected q<I>.<F>, uq<I>.<F> or auto:<W>, found "x8.8"`},
		{"q+8.8", `found "q+8.8"`},
		{"auto:", `found "auto:"`},
		{"auto:+8", `found "auto:+8"`},
		{"auto:-8", `found "auto:-8"`},
		{"uq8.8", `state formats are signed: expected q<I>.<F>, found "uq8.8"`},
		{"uq0.16", `state formats are signed`},
		{"q0.16", `I ≥ 1 (I counts the sign bit) and F ≥ 0, found "q0.16"`},
		{"q-6.22", `I ≥ 1`},
		{"q20.-4", `F ≥ 0`},
		{"q16.17", `at most 32 bits (a product of two states must fit 64 bits), found "q16.17"`},
		{"q32.32", `at most 32 bits`},
		{"q4611686018427387904.4611686018427387904", `at most 32 bits`}, // I+F overflows int
		{"auto:1", `expected auto:<W> with a word width W in 2..32, found "auto:1"`},
		{"auto:33", `W in 2..32`},
		{"auto:40", `W in 2..32`},
		{"auto:64", `W in 2..32`},
	}
	for _, tt := range bad {
		got, err := ParseProfile(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ParseProfile(%q) = %v, %v; want an error containing %q", tt.in, got, err, tt.msg)
		}
	}
}
