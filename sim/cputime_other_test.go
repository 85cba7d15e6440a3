//go:build !unix

package sim_test

func cpuSeconds() float64 { return 0 }
