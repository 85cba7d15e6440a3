package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scc/lang"
)

// positioned fails t unless err is nil or a lang.ErrorList whose every
// diagnostic has a file and a line.
func positioned(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	list, ok := err.(lang.ErrorList)
	if !ok {
		t.Fatalf("error is %T, want lang.ErrorList: %v", err, err)
	}
	for _, e := range list {
		if !e.Pos.IsValid() || e.Pos.File == "" || e.Pos.Col < 1 {
			t.Fatalf("diagnostic without a position: %q at %#v", e.Msg, e.Pos)
		}
	}
}

// FuzzParseBrian: for any equations and options (fields separated by
// "\x00" in the fuzz input: equations, threshold, reset, refractory, an
// --init, a --param, method), ParseBrian does not panic and positions every
// diagnostic; an accepted model formats without a panic.
func FuzzParseBrian(f *testing.F) {
	for _, s := range []string{
		"dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)\nI : volt\x00v > -50*mV\x00v = -65*mV\x002ms\x00v=-65*mV\x00tau=20ms\x00euler",
		"dv/dt = (a\n + b)/tau\n : volt\nx = v # c\n * 2 : volt (constant over dt)\x00\x00\x00v > 0*mV\x00\x00\x00exponential_euler",
		"tau : second (constant, shared)\nc : 1 (linked)\ndw/dt = -w/tau + xi/sqrt(ms) : 1\x00w > 1\x00w = 0; c += 1\x00\x00w=c\x00tau=1*ms\x00heun",
		"x : 1 (frozen\x00\x00\x00\x00\x00\x00",
		"dv/dt = 1 : \x00\x00\x00\x00\x00\x00rk9",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		parts := strings.SplitN(string(in), "\x00", 7)
		for len(parts) < 7 {
			parts = append(parts, "")
		}
		opt := BrianOptions{Equations: []string{parts[0]}, Threshold: parts[1], Reset: parts[2],
			Refractory: parts[3], Method: parts[6]}
		if parts[4] != "" {
			opt.Init = []string{parts[4]}
		}
		if parts[5] != "" {
			opt.Params = []string{parts[5]}
		}
		m, err := ParseBrian(opt)
		positioned(t, err)
		if err == nil {
			lang.Format(&lang.File{Decls: []lang.Decl{m}})
		}
	})
}

// FuzzParseBrianScript: for any script, ParseBrianScript does not panic and
// positions every diagnostic; an accepted script formats without a panic.
// The corpus scripts seed it; SCC_FUZZ_NOCORPUS=1 leaves them out, which
// -fuzz needs to make progress (minimizing a 2 KB input takes minutes).
func FuzzParseBrianScript(f *testing.F) {
	files, _ := filepath.Glob("../examples/brian2/*.py")
	if os.Getenv("SCC_FUZZ_NOCORPUS") != "" {
		files = nil
	}
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	for _, s := range []string{
		"from brian2 import *\ntau = 10*ms\neqs = '''\ndv/dt = -v/tau : volt\n'''\nG = NeuronGroup(1, eqs, threshold='v > 1*mV', reset='v = 0*mV', refractory=2*ms, method='exact')\nG.v = 'tau/ms*mV'\nrun(100*ms)\n",
		"G = NeuronGroup(1, 'dv/dt = 1/ms : 1\\n' \"x : 1 (constant)\", namespace=dict(a=1))\nG.x = 2\n",
		"a = 1; b = a; a = 2\nG = NeuronGroup(N=1, model=r'dv/dt = b/ms : 1', namespace={'b': b})\nfor i in x:\n  pass\n",
		"G = NeuronGroup(1, '''\n",
		"G = NeuronGroup(1, 'x : 1' 'y : 1', dt=0.1*ms, \\\n name='g')\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := ParseBrianScript("fuzz.py", src)
		positioned(t, err)
		if err == nil {
			lang.Format(&lang.File{Decls: []lang.Decl{s.Model}})
		}
	})
}
