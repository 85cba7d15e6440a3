package lang

import (
	"math"
	"strings"
)

// Connectors and the settings each takes (spec.md §3.2); required ones
// first, as many as need counts.
var connectors = []struct {
	name     string
	kind     ConnKind
	settings []string
	need     int
}{
	{"all_to_all", ConnAllToAll, nil, 0},
	{"one_to_one", ConnOneToOne, nil, 0},
	{"random", ConnRandom, []string{"p", "seed"}, 2},
	{"fixed_indegree", ConnFixedIndegree, []string{"k", "seed"}, 2},
	{"dense", ConnDense, []string{"w", "file"}, 0},
	{"sparse", ConnSparse, []string{"file"}, 1},
	{"list", ConnList, []string{"pairs"}, 1},
}

func connectorNames() []string {
	var out []string
	for _, c := range connectors {
		out = append(out, c.name)
	}
	return out
}

// settings collects named settings of something (what), reporting unknown
// and repeated names and missing required ones (the first need of names).
func (nc *netChecker) settings(as []*Assign, names []string, need int, what string, pos Pos) (map[string]*Assign, bool) {
	got := map[string]*Assign{}
	ok := true
	for _, a := range as {
		if a.Name == "" {
			nc.c.errs.Add(a.Pos, msgNetPositional, what)
			ok = false
			continue
		}
		if !contains(names, a.Name) {
			expect := "no settings"
			if len(names) > 0 {
				expect = orList(names)
			}
			nc.c.errs.Add(a.Pos, msgNetSetting, a.Name, what, expect)
			ok = false
			continue
		}
		if first, dup := got[a.Name]; dup {
			nc.c.errs.Add(a.Pos, msgLayerDup, a.Name, first.Pos)
			ok = false
			continue
		}
		got[a.Name] = a
	}
	for _, n := range names[:need] {
		if got[n] == nil {
			nc.c.errs.Add(pos, msgNetMissing, n, what)
			ok = false
		}
	}
	return got, ok
}

// dist checks a per-neuron or per-synapse value of dimension want: a
// constant, uniform(a, b, seed = s), normal(mean, sd, seed = s),
// file("x.csv" [, column = "c"]) or, when column is allowed,
// column("name") of the projection's file.
func (nc *netChecker) dist(e Expr, want Dim, what string, column bool) (Dist, bool) {
	d := Dist{Pos: e.GetPos(), Dim: want}
	call, ok := e.(*Call)
	if !ok || !isDist(e) {
		v, ok := nc.constant(e, want, what)
		d.Value = v
		return d, ok
	}
	fun := call.Fun + "()"
	switch call.Fun {
	case "uniform", "normal":
		if len(call.Args) != 2 {
			nc.c.errs.Add(call.Pos, msgArity, call.Fun, 2, "s", len(call.Args))
			return d, false
		}
		kw, ok := nc.settings(call.Kw, []string{"seed"}, 1, fun, call.Pos)
		if !ok {
			return d, false
		}
		a, ok1 := nc.constant(call.Args[0], want, what)
		b, ok2 := nc.constant(call.Args[1], want, what)
		s, ok3 := nc.seed(kw["seed"].Value)
		if !ok1 || !ok2 || !ok3 {
			return d, false
		}
		d.A, d.B, d.Seed = a, b, s
		if call.Fun == "uniform" {
			d.Kind = DistUniform
			if a > b {
				nc.c.errs.Add(call.Pos, msgNetUniform, numStr(a), numStr(b))
				return d, false
			}
		} else {
			d.Kind = DistNormal
			if b < 0 {
				nc.c.errs.Add(call.Args[1].GetPos(), msgNetNormal, numStr(b))
				return d, false
			}
		}
		return d, true
	case "file":
		if len(call.Args) != 1 {
			nc.c.errs.Add(call.Pos, msgArity, call.Fun, 1, "", len(call.Args))
			return d, false
		}
		kw, ok := nc.settings(call.Kw, []string{"column"}, 0, fun, call.Pos)
		if !ok {
			return d, false
		}
		f, ok := nc.file(call.Args[0], "file()")
		if !ok {
			return d, false
		}
		d.Kind, d.File = DistFile, f
		if c := kw["column"]; c != nil {
			if d.Column, ok = nc.file(c.Value, "column"); !ok {
				return d, false
			}
		}
		return d, true
	default: // column
		if !column {
			nc.c.errs.Add(call.Pos, msgNetColumn)
			return d, false
		}
		if len(call.Args) != 1 || len(call.Kw) > 0 {
			nc.c.errs.Add(call.Pos, msgArity, call.Fun, 1, "", len(call.Args)+len(call.Kw))
			return d, false
		}
		c, ok := nc.file(call.Args[0], "column()")
		d.Kind, d.Column = DistColumn, c
		return d, ok
	}
}

// postSlice resolves the target of a projection or drive: a population
// (not a source or layer) and one of its model's inputs.
func (nc *netChecker) postSlice(t *Target) (Slice, *InputInfo, int, bool) {
	s, ok := nc.slice(t)
	if !ok {
		return s, nil, 0, false
	}
	switch nc.kinds[t.Pop] {
	case "source":
		nc.c.errs.Add(t.Pos, msgNetTargetSource, t.Pop)
		return s, nil, 0, false
	case "layer":
		nc.c.errs.Add(t.Pos, msgNetTargetLayer, t.Pop)
		return s, nil, 0, false
	}
	m := nc.c.info.Models[nc.pops[t.Pop].Model]
	if t.Port == "" {
		nc.c.errs.Add(t.Pos, msgNetNoPort, t.Pop, inputNames(m))
		return s, nil, 0, false
	}
	for i, in := range m.Inputs {
		if in.Name == t.Port {
			return s, in, i, true
		}
	}
	nc.c.errs.Add(t.PortPos, msgNetPort, m.Model.Name, t.Port, inputNames(m))
	return s, nil, 0, false
}

func inputNames(m *ModelInfo) string {
	var names []string
	for _, in := range m.Inputs {
		names = append(names, in.Name)
	}
	if len(names) == 0 {
		return "it has none"
	}
	return "expected " + orList(names)
}

// preSlice resolves the pre side of a projection: a population, source or
// layer, without a port.
func (nc *netChecker) preSlice(t *Target) (Slice, bool) {
	s, ok := nc.slice(t)
	if ok && t.Port != "" {
		nc.c.errs.Add(t.PortPos, msgNetPrePort, t.Pop, t.Port)
		return s, false
	}
	return s, ok
}

func (nc *netChecker) proj(p *Proj) *ProjInfo {
	pi := &ProjInfo{Pos: p.Pos, Name: p.Name, Rule: p.Rule}
	pre, ok1 := nc.preSlice(p.Pre)
	post, port, portIdx, ok2 := nc.postSlice(p.Post)
	pi.Pre, pi.Post = pre, post
	if ok2 {
		pi.Port, pi.PortIndex, pi.PortDim = port.Name, portIdx, port.Dim
	}
	if p.Rule != "" {
		wd, known := nc.c.ruleW[p.Rule]
		switch {
		case !known:
			nc.c.errs.Add(p.RulePos, msgNetRule, p.Rule)
			ok2 = false
		case ok2 && wd != port.Dim:
			nc.c.errs.Add(p.RulePos, msgNetRuleDim, p.Rule, wd, port.Name, port.Dim)
			ok2 = false
		default:
			nc.c.negativeTraces(p.Rule, nc.ni.Profile.Dt)
		}
	}
	conn, okc := nc.conn(p, pre, post, ok1 && ok2, pi.PortDim)
	pi.Conn = conn
	// Body: w and the delay.
	body, okb := nc.settings(p.Settings, []string{"w"}, 0, "projection "+p.Name, p.Pos)
	switch w := body["w"]; {
	case !ok2:
	case w != nil && conn.Kind == ConnDense && okc:
		nc.c.errs.Add(w.Pos, msgNetDenseW)
		okb = false
	case w != nil:
		var ok bool
		pi.W, ok = nc.dist(w.Value, port.Dim, "weight", conn.Kind == ConnSparse)
		okb = okb && ok
	case conn.Kind == ConnSparse:
		pi.W = Dist{Pos: p.Pos, Kind: DistColumn, Column: "w", Dim: port.Dim}
	case conn.Kind == ConnDense:
		pi.W = Dist{Pos: p.Pos, Dim: port.Dim}
	default:
		nc.c.errs.Add(p.Pos, msgNetMissing, "w", "projection "+p.Name)
		okb = false
	}
	okd := true
	pi.Delay, okd = nc.delay(p, conn.Kind)
	if !ok1 || !ok2 || !okc || !okb || !okd {
		return nil
	}
	return pi
}

// conn checks a projection's connector and its settings.
func (nc *netChecker) conn(p *Proj, pre, post Slice, sized bool, portDim Dim) (Conn, bool) {
	c := Conn{Pos: p.ConnPos, AllowSelf: true}
	k := -1
	for i, cn := range connectors {
		if cn.name == p.Conn {
			k = i
		}
	}
	if k < 0 {
		nc.c.errs.Add(p.ConnPos, msgNetConn, p.Conn, strings.Join(connectorNames(), ", "))
		return c, false
	}
	cn := connectors[k]
	c.Kind = cn.kind
	set, ok := nc.settings(p.Args, cn.settings, cn.need, p.Conn, p.ConnPos)
	if !ok {
		return c, false
	}
	switch c.Kind {
	case ConnOneToOne:
		if sized && pre.Len() != post.Len() {
			nc.c.errs.Add(p.ConnPos, msgNetOneToOne, pre.Len(), post.Len())
			return c, false
		}
	case ConnRandom:
		pv, ok1 := nc.constant(set["p"].Value, Dimensionless, "p")
		if ok1 && !(pv >= 0 && pv <= 1) {
			nc.c.errs.Add(set["p"].Value.GetPos(), msgNetP, FormatExpr(set["p"].Value))
			ok1 = false
		}
		s, ok2 := nc.seed(set["seed"].Value)
		c.P, c.Seed = pv, s
		return c, ok1 && ok2
	case ConnFixedIndegree:
		kv, ok1 := nc.whole(set["k"].Value, "k", 0, 1<<31)
		if ok1 && sized && kv > pre.Len() {
			nc.c.errs.Add(set["k"].Value.GetPos(), msgNetIndegree, kv, pre.Len())
			ok1 = false
		}
		s, ok2 := nc.seed(set["seed"].Value)
		c.K, c.Seed = kv, s
		return c, ok1 && ok2
	case ConnSparse:
		f, ok := nc.file(set["file"].Value, "file")
		c.File = f
		return c, ok
	case ConnDense:
		w, f := set["w"], set["file"]
		switch {
		case (w == nil) == (f == nil):
			nc.c.errs.Add(p.ConnPos, msgNetDense)
			return c, false
		case f != nil:
			file, ok := nc.file(f.Value, "file")
			c.File = file
			return c, ok
		}
		if !sized {
			return c, false
		}
		return c, nc.matrix(w.Value, pre.Len(), post.Len(), portDim, &c)
	case ConnList:
		if !sized {
			return c, false
		}
		return c, nc.pairs(set["pairs"].Value, pre.Len(), post.Len(), &c)
	}
	return c, true
}

// matrix checks an inline dense matrix: N_post rows of N_pre weights.
func (nc *netChecker) matrix(e Expr, nPre, nPost int, d Dim, c *Conn) bool {
	rows, ok := e.(*List)
	if !ok {
		nc.c.errs.Add(e.GetPos(), msgLayerNeedList, "a list of lists", FormatExpr(e))
		return false
	}
	if len(rows.Elems) != nPost {
		nc.c.errs.Add(e.GetPos(), msgLayerLen, "w", len(rows.Elems), nPost, "post neurons")
		return false
	}
	good := true
	for _, r := range rows.Elems {
		row, ok := r.(*List)
		if !ok {
			nc.c.errs.Add(r.GetPos(), msgLayerNeedList, "a list", FormatExpr(r))
			good = false
			continue
		}
		if len(row.Elems) != nPre {
			nc.c.errs.Add(r.GetPos(), msgLayerLen, "row", len(row.Elems), nPre, "pre neurons")
			good = false
			continue
		}
		vals := make([]float64, nPre)
		for j, x := range row.Elems {
			v, ok := nc.constant(x, d, "weight")
			vals[j] = v
			good = good && ok
		}
		c.Matrix = append(c.Matrix, vals)
	}
	return good
}

// pairs checks a list connector's [[pre, post], …].
func (nc *netChecker) pairs(e Expr, nPre, nPost int, c *Conn) bool {
	l, ok := e.(*List)
	if !ok {
		nc.c.errs.Add(e.GetPos(), msgLayerNeedList, "a list of [pre, post] pairs", FormatExpr(e))
		return false
	}
	good := true
	for _, x := range l.Elems {
		pr, ok := x.(*List)
		if !ok || len(pr.Elems) != 2 {
			nc.c.errs.Add(x.GetPos(), msgLayerNeedList, "a pair [pre, post]", FormatExpr(x))
			good = false
			continue
		}
		i, ok1 := nc.whole(pr.Elems[0], "pre index", 0, float64(nPre-1))
		j, ok2 := nc.whole(pr.Elems[1], "post index", 0, float64(nPost-1))
		if ok1 && ok2 {
			c.Pairs = append(c.Pairs, [2]int{i, j})
		}
		good = good && ok1 && ok2
	}
	return good
}

// delay checks a projection's delay: whole steps ≥ 1 (default 1).
func (nc *netChecker) delay(p *Proj, kind ConnKind) (Dist, bool) {
	dl := p.Delay
	if dl == nil {
		if kind == ConnSparse {
			return Dist{Pos: p.Pos, Kind: DistColumn, Column: "delay", Value: 1}, true
		}
		return Dist{Pos: p.Pos, Value: 1}, true
	}
	d := Dist{Pos: dl.Value.GetPos()}
	want := dimTime
	if dl.Steps {
		want = Dimensionless
	} else if t := nc.c.constDim(dl.Value, nc.empty); !isDist(dl.Value) && !t.bad && !t.boolean && !t.free && t.d.IsDimensionless() {
		nc.c.errs.Add(dl.Value.GetPos(), msgNetDelayUnit, FormatExpr(dl.Value))
		return d, false
	}
	v, ok := nc.dist(dl.Value, want, "delay", kind == ConnSparse)
	if !ok {
		return v, false
	}
	if v.Kind == DistConst || v.Kind == DistUniform {
		v.Dim = Dimensionless // converted to steps below
	}
	conv := func(x float64) (float64, bool) {
		n := x
		if !dl.Steps {
			k, ok := nc.steps(dl.Value, x, "delay")
			if !ok {
				return 0, false
			}
			n = float64(k)
		} else if x != math.Trunc(x) || x > 1<<31 {
			nc.c.errs.Add(dl.Value.GetPos(), msgNetDelaySteps, numStr(x))
			return 0, false
		}
		if n < 1 {
			nc.c.errs.Add(dl.Value.GetPos(), msgNetDelayZero, FormatExpr(dl.Value))
			return 0, false
		}
		return n, true
	}
	switch v.Kind {
	case DistConst:
		v.Value, ok = conv(v.Value)
	case DistUniform:
		var okA, okB bool
		v.A, okA = conv(v.A)
		v.B, okB = conv(v.B)
		ok = okA && okB
	case DistNormal:
		nc.c.errs.Add(dl.Value.GetPos(), msgNetDelayDist)
		ok = false
	}
	// DistFile and DistColumn keep their Dim: steps (dimensionless) or
	// times in ms, which irgen converts by the same exact-multiple rule.
	return v, ok
}

// source checks a spike source.
func (nc *netChecker) source(s *Source) *SourceInfo {
	si := &SourceInfo{Pos: s.Pos, Name: s.Name}
	size, okSize := nc.c.size(s.Size, nc.empty)
	si.Size = size
	switch s.Kind {
	case "poisson":
		si.Kind = SourcePoisson
		set, ok := nc.settings(s.Args, []string{"rate", "seed", "start", "stop"}, 2, "poisson", s.KindPos)
		if !ok {
			return nil
		}
		rate, ok := nc.rate(set["rate"].Value)
		seed, ok2 := nc.seed(set["seed"].Value)
		si.Rate, si.Seed = rate, seed
		ok = ok && ok2
		for _, k := range []string{"start", "stop"} {
			a := set[k]
			if a == nil {
				continue
			}
			v, okv := nc.constant(a.Value, dimTime, k)
			if okv && v < 0 {
				nc.c.errs.Add(a.Value.GetPos(), msgNetNegative, k, FormatExpr(a.Value))
				okv = false
			}
			var n int
			if okv {
				n, okv = nc.steps(a.Value, v, k)
			}
			if k == "start" {
				si.Start = n
			} else {
				si.Stop = n
			}
			ok = ok && okv
		}
		if ok && set["stop"] != nil && si.Stop <= si.Start {
			nc.c.errs.Add(set["stop"].Value.GetPos(), msgNetStop, si.Stop, si.Start)
			ok = false
		}
		if !ok {
			return nil
		}
	case "spikes":
		si.Kind = SourceSpikes
		set, ok := nc.settings(s.Args, []string{"file"}, 1, "spikes", s.KindPos)
		if !ok {
			return nil
		}
		if si.File, ok = nc.file(set["file"].Value, "file"); !ok {
			return nil
		}
	default:
		nc.c.errs.Add(s.KindPos, msgNetSourceKind, s.Kind)
		return nil
	}
	if !okSize {
		return nil
	}
	return si
}

// rate checks a Poisson rate: a frequency (kHz) with 0 ≤ rate·dt < 1.
func (nc *netChecker) rate(e Expr) (float64, bool) {
	v, ok := nc.constant(e, dimFrequency, "rate")
	if !ok {
		return 0, false
	}
	if v < 0 {
		nc.c.errs.Add(e.GetPos(), msgNetNegative, "rate", FormatExpr(e))
		return 0, false
	}
	if dt := nc.ni.Profile.Dt; v*dt >= 1 {
		nc.c.errs.Add(e.GetPos(), msgNetRateDt, FormatExpr(e), numStr(dt), numStr(v*dt))
		return 0, false
	}
	return v, true
}

// drive checks an external drive and its targets.
func (nc *netChecker) drive(d *Drive) *DriveInfo {
	di := &DriveInfo{Pos: d.Pos, Name: d.Name}
	var portDim Dim
	dimSet, ok := false, true
	for _, t := range d.Targets {
		s, port, idx, okt := nc.postSlice(t)
		if !okt {
			ok = false
			continue
		}
		if dimSet && port.Dim != portDim {
			nc.c.errs.Add(t.PortPos, msgNetDriveDims, t.Port, port.Dim, portDim)
			ok = false
			continue
		}
		portDim, dimSet = port.Dim, true
		di.Targets = append(di.Targets, DriveTarget{Slice: s, Port: port.Name, PortIndex: idx})
	}
	switch d.Kind {
	case "current":
		di.Kind = DriveCurrent
		var value *Assign
		var named []*Assign
		for _, a := range d.Args {
			if a.Name == "" && value == nil && len(named) == 0 {
				value = a
				continue
			}
			named = append(named, a)
		}
		set, oks := nc.settings(named, []string{"file"}, 0, "current", d.KindPos)
		ok = ok && oks
		switch f := set["file"]; {
		case !oks:
		case (value == nil) == (f == nil):
			nc.c.errs.Add(d.KindPos, msgNetCurrent)
			ok = false
		case f != nil:
			var okf bool
			di.File, okf = nc.file(f.Value, "file")
			ok = ok && okf
		case dimSet:
			var okv bool
			di.Value, okv = nc.constant(value.Value, portDim, "current")
			ok = ok && okv
		}
	case "poisson_sum":
		di.Kind = DrivePoissonSum
		set, oks := nc.settings(d.Args, []string{"n", "rate", "w", "seed"}, 4, "poisson_sum", d.KindPos)
		if !oks {
			return nil
		}
		n, ok1 := nc.whole(set["n"].Value, "n", 1, 1<<31)
		rate, ok2 := nc.rate(set["rate"].Value)
		seed, ok3 := nc.seed(set["seed"].Value)
		di.N, di.Rate, di.Seed = n, rate, seed
		ok = ok && ok1 && ok2 && ok3
		if dimSet {
			var okw bool
			di.W, okw = nc.constant(set["w"].Value, portDim, "weight")
			ok = ok && okw
		}
	default:
		nc.c.errs.Add(d.KindPos, msgNetDriveKind, d.Kind)
		return nil
	}
	if !ok {
		return nil
	}
	return di
}

// record checks a record item.
func (nc *netChecker) record(r *Record) *RecordInfo {
	ri := &RecordInfo{Pos: r.Pos, Every: 1}
	s, ok := nc.slice(r.Target)
	ri.Target = s
	if ok && r.Target.Port != "" {
		nc.c.errs.Add(r.Target.PortPos, msgNetRecordPort, r.Target.Port)
		ok = false
	}
	if r.Every != nil {
		n, oke := nc.whole(r.Every, "every", 1, 1<<31)
		ri.Every, ok = n, ok && oke
	}
	if !ok {
		return nil
	}
	if len(r.Vars) == 1 && (r.Vars[0].Name == "spikes" || r.Vars[0].Name == "rate") {
		ri.Kind = RecordSpikes
		if r.Vars[0].Name == "rate" {
			ri.Kind = RecordRate
		}
		return ri
	}
	ri.Kind = RecordState
	pi := nc.pops[s.Pop]
	if pi == nil {
		nc.c.errs.Add(r.Vars[0].Pos, msgNetRecordState, s.Pop)
		return nil
	}
	m := nc.c.info.Models[pi.Model]
	for _, v := range r.Vars {
		i := m.StateIndex(v.Name)
		if i < 0 {
			nc.c.errs.Add(v.Pos, msgNetRecordVar, m.Model.Name, v.Name)
			ok = false
			continue
		}
		if contains(ri.varNames(m), v.Name) {
			nc.c.errs.Add(v.Pos, msgNetRecordTwice, v.Name)
			ok = false
			continue
		}
		ri.Vars = append(ri.Vars, i)
	}
	if !ok {
		return nil
	}
	return ri
}

func (ri *RecordInfo) varNames(m *ModelInfo) []string {
	var out []string
	for _, i := range ri.Vars {
		out = append(out, m.States[i].Name)
	}
	return out
}
