package sv

// The folded architecture's schedule model: the exact number of cycles a
// step takes (the cycles busy is high, from the edge that took step to
// the done cycle included; busy is low in the done cycle) when AER-out and probe beats are accepted at
// once, given the step's spikes. It is separate from the semantic model
// (sim.Net) and is checked against the RTL by the tests; EstimateNet
// reports its worst case.

// stepCycles returns the cycles of step t whose spikes are spk[pop]
// (ascending neuron indices per population in Net.Pops order). worst
// ignores spk and t: every neuron spikes and every record is due.
func (pl *fplan) stepCycles(spk [][]int32, t int, worst bool) int64 {
	P := pl.lanes
	spikes := func(fp *fpop) int64 {
		if worst {
			return int64(fp.size)
		}
		return int64(len(spk[fp.idx]))
	}
	groups := func(fp *fpop) int64 {
		if worst {
			return int64(fp.nb)
		}
		g, last := int64(0), int32(-1)
		for _, i := range spk[fp.idx] {
			if k := i / int32(P); k != last {
				g, last = g+1, k
			}
		}
		return g
	}
	c := int64(pl.nbMax + 1) // S_UPD
	if pl.plastic() {
		c += pl.plasticCycles(spikes, groups, spk, worst)
	}
	for _, pr := range pl.projs {
		// psProj, per group psList + psLGot + final psBit, final psList,
		// per spike psBit + its row.
		c += 1 + 3*groups(pr.pre) + 1
		c += spikes(pr.pre) + pl.rowCycles(pr, spk, worst)
	}
	c++ // psProj with pj = NPROJ
	for _, fp := range pl.outPops() {
		c += 1 + 3*groups(fp) + spikes(fp) + 1
	}
	c++ // osPop with op = NOUT
	for _, rc := range pl.recs {
		c++ // prRec
		if worst || t%rc.every == 0 {
			c += int64(rc.hi-rc.lo)*int64(2+len(rc.vars)) + 1
		}
	}
	c++ // prRec with pr = NREC
	c++ // S_DONE
	return c
}

// rowCycles returns the cycles of the rows of pr's spiking pre neurons.
func (pl *fplan) rowCycles(pr *fproj, spk [][]int32, worst bool) int64 {
	var rows []int32
	n := int64(pr.pre.size)
	if !worst {
		rows = spk[pr.pre.idx]
		n = int64(len(rows))
	}
	switch pr.kind {
	case StorageCSR:
		if worst {
			return 3*n + int64(pr.entries)
		}
		c := 3 * n
		for _, j := range rows {
			c += int64(pr.rowLen[j])
		}
		return c
	case StorageDense:
		return n * int64(pr.post.size+1)
	}
	length := int64(pr.postHi - pr.postLo)
	if pr.proc == procOneToOne {
		length = 1
	}
	if worst {
		return n + int64(pr.preHi-pr.preLo)*length
	}
	c := n
	for _, j := range rows {
		if int(j) >= pr.preLo && int(j) < pr.preHi {
			c += length
		}
	}
	return c
}

// worstCycles returns the cycles of a step in which every neuron spikes
// and every record is due, with the formula.
func (pl *fplan) worstCycles() (int64, string) {
	return pl.stepCycles(nil, 0, true),
		"(⌈N_max/P⌉ + 1) + [plasticity: Σ_proj (1 + on_pre·(3·groups_pre + 1 + spikes_pre + Σ_spikes row)) + 1 + Σ_post traces (2 + 3·groups + 2·spikes) + 1 + Σ_proj (1 + on_post·(3·groups_post + 1 + Σ_post spikes (4 + column))) + 1] + Σ_proj [2 + 3·groups_pre + spikes_pre + Σ_spikes row] + 1 + Σ_out [2 + 3·groups + spikes] + 1 + Σ_rec [1 + due·((Hi-Lo)·(2 + vars) + 1)] + 2; " +
			"row = CSR 3 + entries, dense N_post + 1, procedural 1 + length; groups = spike list words (spiking neurons i/P distinct); worst case: every neuron spikes, every record due"
}

// plasticCycles returns the cycles of S_PLAS: mode 0 and 2 visit every
// projection (1 cycle when it has no Func of the mode), mode 1 every post
// trace, each mode ends with one cycle.
func (pl *fplan) plasticCycles(spikes, groups func(*fpop) int64, spk [][]int32, worst bool) int64 {
	var c int64
	for _, pr := range pl.projs {
		c++ // mode 0 psProj
		if fr := pr.rule; fr != nil && fr.onPre != nil {
			c += 3*groups(pr.pre) + 1 + spikes(pr.pre) + pl.rowCycles(pr, spk, worst)
		}
	}
	c++
	for _, x := range pl.postTraces() {
		c += 2 + 3*groups(x.pop) + 2*spikes(x.pop)
	}
	c++
	for _, pr := range pl.projs {
		c++ // mode 2 psProj
		if fr := pr.rule; fr != nil && fr.onPost != nil {
			c += 3*groups(pr.post) + 1 + spikes(pr.post)
			if worst {
				c += 3*int64(pr.post.size) + int64(pr.p.Synapses())
				continue
			}
			for _, i := range spk[pr.post.idx] {
				c += 3 + int64(fr.colLen[i])
			}
		}
	}
	return c + 1
}
