package irgen

import (
	"cmp"
	"slices"

	"scc/ir"
	"scc/lang"
)

// syn is one synapse while a projection is built: pre and post relative to
// the slices, and the values a dense matrix or sparse file gives it.
type syn struct {
	pre, post int
	w, delay  float64
	dpos      lang.Pos // the delay's position in its file; zero: none given
}

// proj instantiates a projection: its synapses in ascending (pre, post)
// order (pairs a sparse file or list repeats stay in their order), indices
// absolute in the populations, weights and delays drawn in synapse order
// (a file of values gives synapse k on its row k). A dense matrix's
// entries are the weights (W is not used); a sparse file's rows carry
// their w and delay columns through the sort.
func (l *netLowerer) proj(pi *lang.ProjInfo, n *ir.Net) *ir.Proj {
	if !l.slice(pi.Pre, n) || !l.slice(pi.Post, n) {
		return nil
	}
	syns, err := l.connect(pi)
	if err != nil {
		l.errs.Append(err)
		return nil
	}
	slices.SortStableFunc(syns, func(a, b syn) int {
		return cmp.Or(cmp.Compare(a.pre, b.pre), cmp.Compare(a.post, b.post))
	})
	p := &ir.Proj{Name: pi.Name, Pos: pi.Pos, Pre: pi.Pre.Pop, Post: pi.Post.Pop,
		Port: pi.PortIndex, PortName: pi.Port, Rule: pi.Rule,
		PreIdx: make([]int32, len(syns)), PostIdx: make([]int32, len(syns))}
	for k, s := range syns {
		p.PreIdx[k] = int32(pi.Pre.Lo + s.pre)
		p.PostIdx[k] = int32(pi.Post.Lo + s.post)
	}
	var wcol []float64
	var dcol []syn
	if k := pi.Conn.Kind; k == lang.ConnDense || k == lang.ConnSparse {
		wcol = make([]float64, len(syns))
		for i, s := range syns {
			wcol[i] = s.w
		}
		if len(syns) > 0 && syns[0].dpos.IsValid() {
			dcol = syns
		}
	}
	if pi.Conn.Kind == lang.ConnDense {
		p.W = wcol
	} else if p.W, err = l.synValues(pi.W, len(syns), wcol); err != nil {
		l.errs.Append(err)
		return nil
	}
	if p.Delay, err = l.delays(pi.Delay, len(syns), dcol, n.Dt); err != nil {
		l.errs.Append(err)
		return nil
	}
	return p
}

// The instance is held in memory: a projection has at most maxSynapses
// synapses (a population with per-neuron values at most as many neurons),
// and a connector that draws per pair (random, fixed_indegree) visits at
// most maxPairs pairs.
const (
	maxSynapses = 1 << 28
	maxPairs    = 1 << 30
)

// connect lists the synapses of pi's connector.
func (l *netLowerer) connect(pi *lang.ProjInfo) ([]syn, error) {
	c := &pi.Conn
	nPre, nPost := pi.Pre.Len(), pi.Post.Len()
	// self reports a pair of one neuron with itself that the connector
	// excludes.
	same := pi.Pre.Pop == pi.Post.Pop && !c.AllowSelf
	self := func(i, j int) bool { return same && pi.Pre.Lo+i == pi.Post.Lo+j }
	pairs := int64(nPre) * int64(nPost)
	limit := func(n, max int64) error {
		if n > max {
			return lang.Errorf(c.Pos, msgTooMany, pi.Name, n, max)
		}
		return nil
	}
	var err error
	switch c.Kind {
	case lang.ConnAllToAll, lang.ConnDense:
		err = limit(pairs, maxSynapses)
	case lang.ConnRandom:
		err = limit(pairs, maxPairs)
	case lang.ConnFixedIndegree:
		if err = limit(int64(nPost)*int64(max(c.K, 0)), maxSynapses); err == nil {
			err = limit(pairs, maxPairs)
		}
	}
	if err != nil {
		return nil, err
	}
	var out []syn
	switch c.Kind {
	case lang.ConnAllToAll:
		out = make([]syn, 0, nPre*nPost)
		for i := range nPre {
			for j := range nPost {
				out = append(out, syn{pre: i, post: j})
			}
		}
	case lang.ConnOneToOne:
		if nPre != nPost {
			return nil, lang.Errorf(c.Pos, msgOneToOne, nPre, nPost)
		}
		for i := range nPre {
			out = append(out, syn{pre: i, post: i})
		}
	case lang.ConnRandom:
		r := newRand(c.Seed, streamConn)
		for i := range nPre {
			for j := range nPost {
				if !self(i, j) && r.Float64() < c.P {
					out = append(out, syn{pre: i, post: j})
				}
			}
		}
	case lang.ConnFixedIndegree:
		return fixedIndegree(c, nPre, nPost, self)
	case lang.ConnDense:
		m := c.Matrix
		pos := c.Pos
		if c.File != "" {
			t, err := l.files.table(c.File, c.Pos)
			if err != nil {
				return nil, err
			}
			if m, err = t.matrix(nPost, nPre); err != nil {
				return nil, err
			}
		} else if err := shape(m, nPost, nPre, pos); err != nil {
			return nil, err
		}
		for i := range nPre {
			for j := range nPost {
				if w := m[j][i]; w != 0 {
					out = append(out, syn{pre: i, post: j, w: w})
				}
			}
		}
	case lang.ConnSparse:
		t, err := l.files.table(c.File, c.Pos)
		if err != nil {
			return nil, err
		}
		wcol := cmp.Or(pi.W.Column, "w")
		dcol := "delay"
		if pi.Delay.Kind == lang.DistColumn {
			dcol = cmp.Or(pi.Delay.Column, dcol)
		}
		rows, err := t.sparse(nPre, nPost, wcol, dcol)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out = append(out, syn{pre: r.pre, post: r.post, w: r.w, delay: r.delay, dpos: r.dpos})
		}
	case lang.ConnList:
		for _, pq := range c.Pairs {
			if pq[0] < 0 || pq[0] >= nPre || pq[1] < 0 || pq[1] >= nPost {
				return nil, lang.Errorf(c.Pos, msgListIndex, pq[0], pq[1], nPre, nPost)
			}
			out = append(out, syn{pre: pq[0], post: pq[1]})
		}
	}
	return out, nil
}

// shape checks an inline dense matrix: rows post neurons, columns pre.
func shape(m [][]float64, rows, cols int, pos lang.Pos) error {
	bad := len(m) != rows
	for _, r := range m {
		bad = bad || len(r) != cols
	}
	if bad {
		w := 0
		if len(m) > 0 {
			w = len(m[0])
			for _, r := range m {
				if len(r) != cols {
					w = len(r)
					break
				}
			}
		}
		return lang.Errorf(pos, msgMatrixShape, len(m), w, rows, cols)
	}
	return nil
}

// fixedIndegree draws k distinct pre neurons for each post neuron
// (network_rand.go documents the draws).
func fixedIndegree(c *lang.Conn, nPre, nPost int, self func(i, j int) bool) ([]syn, error) {
	r := newRand(c.Seed, streamConn)
	out := make([]syn, 0, nPost*max(c.K, 0))
	cand := make([]int, 0, nPre)
	for j := range nPost {
		cand = cand[:0]
		for i := range nPre {
			if !self(i, j) {
				cand = append(cand, i)
			}
		}
		if c.K < 0 || c.K > len(cand) {
			return nil, lang.Errorf(c.Pos, msgIndegree, c.K, len(cand))
		}
		for s := range c.K {
			t := s + r.IntN(len(cand)-s)
			cand[s], cand[t] = cand[t], cand[s]
			out = append(out, syn{pre: cand[s], post: j})
		}
	}
	return out, nil
}
