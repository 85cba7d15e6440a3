package fixed

import (
	"fmt"
	"strconv"
	"strings"
)

// Profile is the state word part of a fixed-point profile (DESIGN §3): the
// value of a model's or network's `format` option and of `--format`. Either
// one format for every state (Auto 0), or auto:<W>: a binary point per
// state in W-bit words, chosen from the state's proven range, with Format
// q<W/2>.<W-W/2> for inputs and for states whose range is not proven.
type Profile struct {
	Format Format
	Auto   int // 0, or the word width W of auto:<W>
}

// State word limits of a profile. A product of two state or input words
// is formed exactly, so it must fit MaxWidth: the quantize pass keeps
// every factor within MaxStateWidth bits under auto, and a fixed state
// format wider than that cannot multiply two states. MinStateWidth is the
// narrowest word with a sign bit and one more bit (auto:2 is q1.1).
const (
	MaxStateWidth = MaxWidth / 2
	MinStateWidth = 2
)

// DefaultProfile is q8.8 (DESIGN §3).
var DefaultProfile = Profile{Format: Q88}

// String prints p as it is written: q8.8 or auto:16.
func (p Profile) String() string {
	if p.Auto != 0 {
		return "auto:" + strconv.Itoa(p.Auto)
	}
	return p.Format.String()
}

// ParseProfile parses a state format option: q<I>.<F> or auto:<W>. The
// rules are those the quantize pass implements: state words are signed
// (I ≥ 1 counts the sign bit, F ≥ 0), at most MaxStateWidth bits wide, and
// an auto width W lies in MinStateWidth..MaxStateWidth. The error message
// is lower case and names the word, so the checker can report it at the
// option and the CLI at its flag.
func ParseProfile(s string) (Profile, error) {
	if w, ok := strings.CutPrefix(s, "auto:"); ok {
		n, err := strconv.Atoi(w)
		if err != nil || strings.ContainsAny(w, "+-") {
			return Profile{}, errProfileSyntax(s)
		}
		if n < MinStateWidth || n > MaxStateWidth {
			return Profile{}, fmt.Errorf("expected auto:<W> with a word width W in %d..%d, found %q", MinStateWidth, MaxStateWidth, s)
		}
		return Profile{Format: Q(n/2, n-n/2), Auto: n}, nil
	}
	f, ok := parseFormatWord(s)
	switch {
	case !ok || strings.Contains(s, "+"):
		return Profile{}, errProfileSyntax(s)
	case !f.Signed:
		return Profile{}, fmt.Errorf("state formats are signed: expected q<I>.<F>, found %q", s)
	case f.Int < 1 || f.Frac < 0:
		return Profile{}, fmt.Errorf("expected q<I>.<F> with I ≥ 1 (I counts the sign bit) and F ≥ 0, found %q", s)
	case f.Int > MaxStateWidth || f.Frac > MaxStateWidth || f.Width() > MaxStateWidth:
		return Profile{}, fmt.Errorf("expected a state format of at most %d bits (a product of two states must fit %d bits), found %q", MaxStateWidth, MaxWidth, s)
	}
	return Profile{Format: f}, nil
}

// errProfileSyntax names every word shape of the option's grammar; uq is
// one (ParseFormat reads it), which ParseProfile then rejects with a reason.
func errProfileSyntax(s string) error {
	return fmt.Errorf("expected q<I>.<F>, uq<I>.<F> or auto:<W>, found %q", s)
}
