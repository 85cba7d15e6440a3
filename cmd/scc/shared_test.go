package main

import (
	"cmp"
	"os"
	"slices"
	"testing"

	"scc/testbenches"
)

// TestMain shares the simulator builds of the whole test binary
// (testbenches.BuildCache): every co-simulation still builds and runs its
// own RTL, but Verilator's runtime library is compiled once, not once per
// model and simulator.
func TestMain(m *testing.M) { os.Exit(testbenches.RunSharingBuilds(m)) }

// largestFirst returns the indices of files, the largest file first: the
// order to start expensive per-model jobs in, so that the longest ones do
// not start last.
func largestFirst(t *testing.T, files []string) []int {
	t.Helper()
	size := make([]int64, len(files))
	order := make([]int, len(files))
	for i, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		size[i], order[i] = fi.Size(), i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(size[b], size[a]) })
	return order
}
