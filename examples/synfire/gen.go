//go:build ignore

// gen writes pulse.csv, the pulse packet that starts the synfire chain of
// examples/synfire.snn (Diesmann, Gewaltig & Aertsen 1999): a = 85 spikes,
// one per source neuron, at times drawn from a normal distribution of
// mean 50 ms and sigma 1 ms, rounded to the 0.1 ms grid, as rows
// step,index sorted by step and index. The draw is seeded (PCG 1999, 1):
// running it again writes the same file.
//
//	cd examples/synfire && go run gen.go
package main

import (
	"cmp"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
)

const (
	spikes = 85   // packet size a
	mean   = 50.0 // ms
	sigma  = 1.0  // ms
	dt     = 0.1  // ms
)

func main() {
	r := rand.New(rand.NewPCG(1999, 1))
	type ev struct{ step, index int }
	evs := make([]ev, spikes)
	for i := range evs {
		evs[i] = ev{int(math.Round((mean + sigma*r.NormFloat64()) / dt)), i}
	}
	slices.SortFunc(evs, func(a, b ev) int { return cmp.Or(cmp.Compare(a.step, b.step), cmp.Compare(a.index, b.index)) })
	var b strings.Builder
	fmt.Fprintf(&b, "# pulse packet: %d spikes, N(%g ms, %g ms) on the %g ms grid; written by gen.go\n", spikes, mean, sigma, dt)
	b.WriteString("step,index\n")
	for _, e := range evs {
		fmt.Fprintf(&b, "%d,%d\n", e.step, e.index)
	}
	if err := os.WriteFile("pulse.csv", []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}
