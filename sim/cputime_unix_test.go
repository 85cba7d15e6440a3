//go:build unix

package sim_test

import "syscall"

// cpuSeconds is the process's user+system CPU time: benchmarks report
// work per CPU second too, which holds on a loaded machine where wall
// time does not.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)*1e-6
}
