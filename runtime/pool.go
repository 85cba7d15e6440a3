package rt

import "sync"

// Ranger is work that can be split into index ranges [lo, hi) and done in
// any order; each index must write only its own outputs.
type Ranger interface {
	Range(lo, hi int)
}

type job struct {
	r      Ranger
	lo, hi int
}

// Pool is a fixed set of worker goroutines. Run hands them contiguous
// chunks; dispatch does not allocate, so steady-state stepping is
// allocation-free. Because every index is computed by the same code whatever
// chunk it lands in, results are identical for any worker count.
type Pool struct {
	workers int
	jobs    chan job
	wg      sync.WaitGroup
}

// NewPool starts a pool of n workers (n < 1 means 1). Close stops it.
func NewPool(n int) *Pool {
	if n < 1 {
		n = 1
	}
	p := &Pool{workers: n, jobs: make(chan job, 4*n)}
	for i := 0; i < n; i++ {
		go func() {
			for j := range p.jobs {
				j.r.Range(j.lo, j.hi)
				p.wg.Done()
			}
		}()
	}
	return p
}

// Workers returns the number of workers.
func (p *Pool) Workers() int { return p.workers }

// Run calls r.Range over [0, n) split into about 4 chunks per worker whose
// boundaries are multiples of grain, and waits for all of them. A nil pool
// runs r.Range(0, n) on the calling goroutine.
func (p *Pool) Run(r Ranger, n, grain int) {
	if p == nil || p.workers == 1 || n <= grain {
		r.Range(0, n)
		return
	}
	if grain < 1 {
		grain = 1
	}
	chunks := 4 * p.workers
	size := (n + chunks - 1) / chunks
	size = (size + grain - 1) / grain * grain
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		p.wg.Add(1)
		p.jobs <- job{r, lo, hi}
	}
	p.wg.Wait()
}

// Close stops the workers.
func (p *Pool) Close() {
	if p != nil {
		close(p.jobs)
	}
}
