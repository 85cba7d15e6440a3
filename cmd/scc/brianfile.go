package main

import (
	"io"
	"math"
	"strconv"
	"strings"

	"scc/lang"
	"scc/parser"
)

// isBrianScript reports whether path names a Brian2 script (*.py, *.py.txt):
// the source kind `scc eq --file` reads and every compiling command accepts.
func isBrianScript(path string) bool { return hasExt(path, ".py") || hasExt(path, ".py.txt") }

// compileBrianScript reads, converts and compiles a Brian2 script and prints
// its diagnostics to stderr (with the script's line and a caret). The unit's
// stim holds the script's constant inputs (`G.I = 1*nA`) and steps its
// run() duration in steps of the model's dt.
func compileBrianScript(path string, opt compileOpts, stderr io.Writer) (*unit, error) {
	src, err := readSource(path)
	if err != nil {
		return nil, err
	}
	u := newUnit(path, src)
	s, err := parser.ParseBrianScript(path, src)
	if err != nil {
		return nil, u.report(stderr, err)
	}
	file := brianFile(path, s)
	if err := u.report(stderr, brianStimulus(u, file, s, opt)); err != nil {
		return nil, err
	}
	if err := u.report(stderr, u.lower(file, opt)); err != nil {
		return nil, err
	}
	return u, nil
}

// brianFile is the .snn file of a converted script.
func brianFile(path string, s *parser.BrianScript) *lang.File {
	return &lang.File{Name: path, Decls: []lang.Decl{s.Model}}
}

// brianStimulus sets u.stim to a --input spec of the script's constant
// inputs (scc's canonical units) and u.steps to run()'s duration over dt.
// It checks the file on its own, before the pipeline (whose range
// inference reads the stimulus); a model that does not check is left to
// the pipeline to report.
func brianStimulus(u *unit, file *lang.File, s *parser.BrianScript, opt compileOpts) error {
	info, err := lang.Check(file)
	if err != nil || info == nil {
		return nil
	}
	mi := info.Models[s.Model.Name]
	if mi == nil {
		return nil
	}
	if len(opt.Params) > 0 || opt.Dt > 0 {
		var err error
		if mi, err = mi.Override(opt.Params, opt.Dt); err != nil {
			return err
		}
	}
	var errs lang.ErrorList
	var parts []string
	for _, a := range s.Inputs {
		v, err := lang.EvalConst(a.Value, mi)
		if err != nil {
			errs.Append(err)
			continue
		}
		parts = append(parts, a.Name+"="+strconv.FormatFloat(v, 'g', -1, 64))
	}
	if len(parts) > 0 {
		u.stim = "const:" + strings.Join(parts, ",")
	}
	if s.Duration != nil {
		d, err := lang.EvalConst(s.Duration, mi)
		switch {
		case err != nil:
			errs.Append(err)
		case !(d > 0) || math.IsInf(d, 0) || mi.Dt <= 0:
			errs.Add(s.Duration.GetPos(), "run() duration %s is not a positive time", strconv.FormatFloat(d, 'g', -1, 64))
		default:
			u.steps = int(math.Round(d / mi.Dt))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}
