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
	p := &ir.Proj{Name: pi.Name, Pos: pi.Pos, Pre: pi.Pre.Pop, Post: pi.Post.Pop,
		Port: pi.PortIndex, PortName: pi.Port, Rule: pi.Rule}
	var syns []syn
	switch pi.Conn.Kind {
	case lang.ConnAllToAll, lang.ConnOneToOne, lang.ConnRandom, lang.ConnFixedIndegree:
		// The pair connectors carry no per-synapse values: their pairs go
		// straight into PreIdx/PostIdx, in synapse order (no []syn, no sort).
		pre, post, err := l.pairs(pi)
		if err != nil {
			l.errs.Append(err)
			return nil
		}
		p.PreIdx, p.PostIdx = pre, post
	default:
		var err error
		if syns, err = l.connect(pi); err != nil {
			l.errs.Append(err)
			return nil
		}
		slices.SortStableFunc(syns, func(a, b syn) int {
			return cmp.Or(cmp.Compare(a.pre, b.pre), cmp.Compare(a.post, b.post))
		})
		p.PreIdx, p.PostIdx = make([]int32, len(syns)), make([]int32, len(syns))
		for k, s := range syns {
			p.PreIdx[k] = int32(pi.Pre.Lo + s.pre)
			p.PostIdx[k] = int32(pi.Post.Lo + s.post)
		}
	}
	ns := len(p.PreIdx)
	var err error
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
	} else if p.W, err = l.synValues(pi.W, ns, wcol); err != nil {
		l.errs.Append(err)
		return nil
	}
	if p.Delay, err = l.delays(pi.Delay, ns, dcol, n.Dt); err != nil {
		l.errs.Append(err)
		return nil
	}
	// The target's delay ring holds D_max + 1 slots per neuron and port
	// (DESIGN §4.1 rule 3): bound it like the synapse lists.
	if d := p.MaxDelay(); d > maxDelay || int64(d+1)*int64(pi.Post.Len()) > maxRing {
		pos := pi.Delay.Pos
		if !pos.IsValid() {
			pos = pi.Pos
		}
		l.errs.Add(pos, msgDelayTooLong, pi.Name, d, maxDelay, maxRing)
		return nil
	}
	return p
}

// The instance is held in memory: a projection has at most maxSynapses
// synapses,
// and a connector that draws per pair (random, fixed_indegree) visits at
// most maxPairs pairs.
const (
	maxSynapses = 1 << 28
	maxPairs    = 1 << 30
	// A delay is at most maxDelay steps, and (D_max + 1)·(target
	// neurons) at most maxRing accumulator words.
	maxDelay = 1<<16 - 1
	// A population (its states, spikes and statistics per neuron) has at
	// most maxNeurons neurons.
	maxNeurons = 1 << 26
	maxRing    = 1 << 28
)

// checkSize reports a connector whose instance would exceed maxSynapses
// or maxPairs.
func checkSize(pi *lang.ProjInfo) error {
	c := &pi.Conn
	nPre, nPost := pi.Pre.Len(), pi.Post.Len()
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
	case lang.ConnOneToOne:
		err = limit(int64(nPre), maxSynapses)
	case lang.ConnRandom:
		err = limit(pairs, maxPairs)
	case lang.ConnFixedIndegree:
		if err = limit(int64(nPost)*int64(max(c.K, 0)), maxSynapses); err == nil {
			err = limit(pairs, maxPairs)
		}
	}
	return err
}

// pairs lists the synapses of a pair connector (all_to_all, one_to_one,
// random, fixed_indegree) as absolute pre and post indices in synapse
// order: ascending pre, then ascending post.
func (l *netLowerer) pairs(pi *lang.ProjInfo) (pre, post []int32, err error) {
	if err := checkSize(pi); err != nil {
		return nil, nil, err
	}
	c := &pi.Conn
	nPre, nPost := pi.Pre.Len(), pi.Post.Len()
	lo, lq := int32(pi.Pre.Lo), int32(pi.Post.Lo)
	// self reports a pair of one neuron with itself that the connector
	// excludes.
	same := pi.Pre.Pop == pi.Post.Pop && !c.AllowSelf
	self := func(i, j int) bool { return same && pi.Pre.Lo+i == pi.Post.Lo+j }
	switch c.Kind {
	case lang.ConnAllToAll:
		pre, post = make([]int32, 0, nPre*nPost), make([]int32, 0, nPre*nPost)
		for i := range nPre {
			for j := range nPost {
				pre, post = append(pre, lo+int32(i)), append(post, lq+int32(j))
			}
		}
	case lang.ConnOneToOne:
		if nPre != nPost {
			return nil, nil, lang.Errorf(c.Pos, msgOneToOne, nPre, nPost)
		}
		pre, post = make([]int32, 0, nPre), make([]int32, 0, nPre)
		for i := range nPre {
			pre, post = append(pre, lo+int32(i)), append(post, lq+int32(i))
		}
	case lang.ConnRandom:
		r := newRand(c.Seed, streamConn)
		for i := range nPre {
			for j := range nPost {
				if !self(i, j) && r.Float64() < c.P {
					pre, post = append(pre, lo+int32(i)), append(post, lq+int32(j))
				}
			}
		}
	case lang.ConnFixedIndegree:
		draws, err := fixedIndegree(c, nPre, nPost, func(j int) int {
			if !same {
				return -1
			}
			return pi.Post.Lo + j - pi.Pre.Lo
		})
		if err != nil {
			return nil, nil, err
		}
		// draws[j·k + s] is post j's s-th pre: a counting sort by pre,
		// stable (posts stay ascending within a row; a post's pres are
		// distinct, so this is the (pre, post) order).
		k := max(c.K, 0)
		start := make([]int32, nPre+1)
		for _, i := range draws {
			start[i+1]++
		}
		for i := range nPre {
			start[i+1] += start[i]
		}
		pre, post = make([]int32, len(draws)), make([]int32, len(draws))
		for i := range nPre {
			for q := start[i]; q < start[i+1]; q++ {
				pre[q] = lo + int32(i)
			}
		}
		for s, i := range draws {
			q := start[i]
			start[i]++
			post[q] = lq + int32(s/k)
		}
	}
	return pre, post, nil
}

// connect lists the synapses of a connector with per-synapse values
// (dense, sparse) or given pairs (list), in the source's order.
func (l *netLowerer) connect(pi *lang.ProjInfo) ([]syn, error) {
	if err := checkSize(pi); err != nil {
		return nil, err
	}
	c := &pi.Conn
	nPre, nPost := pi.Pre.Len(), pi.Post.Len()
	var out []syn
	switch c.Kind {
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
// (network_rand.go documents the draws): out[j·k + s] is post j's s-th
// pre (relative to the pre slice).
// selfIdx(j) is the pre excluded as j itself (-1: none).
func fixedIndegree(c *lang.Conn, nPre, nPost int, selfIdx func(j int) int) ([]int32, error) {
	r := newRand(c.Seed, streamConn)
	out := make([]int32, 0, nPost*max(c.K, 0))
	iota := make([]int32, nPre)
	for i := range iota {
		iota[i] = int32(i)
	}
	cand := make([]int32, 0, nPre)
	for j := range nPost {
		// The ascending candidate list, without j's own index when self
		// pairs are excluded.
		cand = cand[:0]
		skip := selfIdx(j)
		if skip < 0 || skip >= nPre {
			cand = append(cand, iota...)
		} else {
			cand = append(append(cand, iota[:skip]...), iota[skip+1:]...)
		}
		if c.K < 0 || c.K > len(cand) {
			return nil, lang.Errorf(c.Pos, msgIndegree, c.K, len(cand))
		}
		for s := range c.K {
			t := s + r.IntN(len(cand)-s)
			cand[s], cand[t] = cand[t], cand[s]
			out = append(out, cand[s])
		}
	}
	return out, nil
}
