package irgen

import (
	"math"
	"math/big"

	"scc/ir"
	"scc/lang"
)

// source lowers a spike source to a PopSource population.
func (l *netLowerer) source(si *lang.SourceInfo, dt float64, stream int) *ir.Pop {
	p := &ir.Pop{Name: si.Name, Pos: si.Pos, Kind: ir.PopSource, Size: si.Size}
	switch si.Kind {
	case lang.SourcePoisson:
		thr, ok := poissonThreshold(si.Rate, dt)
		if !ok {
			l.errs.Add(si.Pos, msgPoissonRate, fmtNum(si.Rate*dt))
			return nil
		}
		p.Source = &ir.Source{Kind: ir.SourcePoisson, Rate: si.Rate, Start: si.Start, Stop: si.Stop,
			Threshold: thr, Seed: si.Seed, Stream: stream}
	case lang.SourceSpikes:
		t, err := l.files.table(si.File, si.Pos)
		if err == nil {
			var spikes []ir.SpikeEvent
			if spikes, err = t.spikes(si.Size, dt); err == nil {
				p.Source = &ir.Source{Kind: ir.SourceSpikes, Spikes: spikes}
				return p
			}
		}
		l.errs.Append(err)
		return nil
	}
	return p
}

// poissonThreshold returns round_half_even(rate·dt·2^32), computed exactly
// from the two float64s (rate in kHz, dt in ms); ok is false when it is
// negative or does not fit 32 bits (rate·dt within 2^-33 of 1).
func poissonThreshold(rate, dt float64) (thr uint32, ok bool) {
	if math.IsNaN(rate) || math.IsInf(rate, 0) || math.IsNaN(dt) || math.IsInf(dt, 0) {
		return 0, false
	}
	x := new(big.Rat).SetFloat64(rate)
	x.Mul(x, new(big.Rat).SetFloat64(dt))
	x.Mul(x, new(big.Rat).SetInt64(1<<32))
	q := roundHalfEven(x)
	if q.Sign() < 0 || !q.IsUint64() || q.Uint64() >= 1<<32 {
		return 0, false
	}
	return uint32(q.Uint64()), true
}

// roundHalfEven rounds x to the nearest integer, ties to even.
func roundHalfEven(x *big.Rat) *big.Int {
	q, r := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	// x = q + r/den with |r| < den and r of x's sign.
	twice := new(big.Int).Lsh(new(big.Int).Abs(r), 1)
	switch c := twice.Cmp(x.Denom()); {
	case c > 0 || c == 0 && q.Bit(0) == 1:
		q.Add(q, big.NewInt(int64(r.Sign())))
	}
	return q
}

// drive lowers a drive.
func (l *netLowerer) drive(di *lang.DriveInfo, n *ir.Net, stream int) *ir.Drive {
	d := &ir.Drive{Name: di.Name, Pos: di.Pos, Kind: ir.DriveKind(di.Kind)}
	for _, t := range di.Targets {
		if !l.slice(t.Slice, n) {
			return nil
		}
		d.Targets = append(d.Targets, &ir.Target{Pop: t.Pop, Lo: t.Lo, Hi: t.Hi, Port: t.PortIndex, PortName: t.Port})
	}
	switch di.Kind {
	case lang.DriveCurrent:
		d.Value = di.Value
		if di.File != "" {
			t, err := l.files.table(di.File, di.Pos)
			if err == nil {
				err = t.width(1)
			}
			if err != nil {
				l.errs.Append(err)
				return nil
			}
			d.Values = make([]float64, len(t.rows))
			for i, r := range t.rows {
				d.Values[i] = r[0]
			}
		}
	case lang.DrivePoissonSum:
		lambda := float64(di.N) * di.Rate * n.Dt
		if !(lambda >= 0 && lambda <= maxLambda) {
			l.errs.Add(di.Pos, msgPoissonLambda, fmtNum(lambda), fmtNum(maxLambda))
			return nil
		}
		d.N, d.Rate, d.W, d.Seed, d.Stream = di.N, di.Rate, di.W, di.Seed, stream
		d.Table = poissonTable(lambda)
	}
	return d
}

// maxLambda bounds a poisson_sum's mean count per step: its table has
// about λ + 7√λ entries.
const maxLambda = 1e6

// poissonTable returns the Poisson(λ) CDF scaled to 2^32: Table[k] =
// round_half_even(2^32·P(X ≤ k)) for k = 0, 1, …, K, K the first k whose
// tail P(X > k) is below 2^-32, so the table is never empty. Only Table[K]
// can round to 2^32, which a uint32 cannot hold: it is 2^32−1 then (the
// largest draw; λ = 0 gives the table [2^32−1]). A count is
// c = #{k : draw ≥ Table[k]}, so P(c > k) = 1 − P(X ≤ k) to within 2^-33
// per entry (2^-32 for a clamped last one).
//
// The pmf is computed by the recurrence p(k+1) = p(k)·λ/(k+1) outward from
// the mode m = ⌊λ⌋ (p(m) = 1, normalised by the sum at the end), which
// neither underflows at e^-λ nor loses the tail: below about 1e-40 of the
// mode a term is 0. P(X ≤ k) is summed upward and P(X > k) downward, and an
// entry near 2^32 is 2^32 − 2^32·P(X > k), so no entry suffers the
// cancellation of 1 − (sum near 1).
func poissonTable(lambda float64) []uint32 {
	const cut = 1e-40
	m := int(math.Floor(lambda))
	lo := m // lowest k with a nonzero term
	down := []float64{1}
	for k := m; k > 0; k-- {
		p := down[len(down)-1] * float64(k) / lambda
		if p < cut {
			break
		}
		down = append(down, p)
		lo = k - 1
	}
	p := make([]float64, 0, len(down)+64)
	for i := len(down) - 1; i >= 0; i-- {
		p = append(p, down[i]) // p[k-lo] for k = lo..m
	}
	for k := m; ; k++ {
		q := p[len(p)-1] * lambda / float64(k+1)
		if q < cut {
			break
		}
		p = append(p, q)
	}
	sum := 0.0
	for _, x := range p {
		sum += x
	}
	tail := make([]float64, len(p)) // tail[i] = Σ_{j>i} p[j]
	for i := len(p) - 2; i >= 0; i-- {
		tail[i] = tail[i+1] + p[i+1]
	}
	const two32 = 1 << 32
	var out []uint32
	cdf := 0.0
	for k := 0; ; k++ {
		F, T := 0.0, 1.0 // P(X ≤ k), P(X > k)
		if i := k - lo; i >= 0 {
			cdf += p[i]
			F, T = cdf/sum, tail[i]/sum
		}
		v := two32 * F
		if F >= 0.5 {
			v = two32 - two32*T
		}
		out = append(out, uint32(min(math.RoundToEven(v), two32-1)))
		if T < 1.0/two32 {
			break
		}
	}
	return out
}
