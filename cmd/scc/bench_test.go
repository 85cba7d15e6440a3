package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scc/backend/sv"
	"scc/sim"
)

// BenchmarkCompile measures .snn → SystemVerilog per library model
// (DESIGN §8: < 50 ms each).
func BenchmarkCompile(b *testing.B) {
	for _, path := range modelFiles(b) {
		if strings.Contains(path, "examples") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.TrimSuffix(filepath.Base(path), ".snn"), func(b *testing.B) {
			for b.Loop() {
				u, err := compile(path, src, compileOpts{})
				if err != nil {
					b.Fatal(err)
				}
				if err := sv.Emit(io.Discard, u.mod, sv.Options{Version: version}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCompileLibrary compiles the whole library once per iteration
// (DESIGN §8: < 1 s).
func BenchmarkCompileLibrary(b *testing.B) {
	type file struct {
		path string
		src  []byte
	}
	var files []file
	for _, p := range modelFiles(b) {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, file{p, src})
	}
	for b.Loop() {
		for _, f := range files {
			u, err := compile(f.path, f.src, compileOpts{})
			if err != nil {
				b.Fatal(err)
			}
			if err := sv.Emit(io.Discard, u.mod, sv.Options{Version: version}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkGoldenModel measures the bit-true interpreter in steps per second
// per library model, with seeded random inputs.
func BenchmarkGoldenModel(b *testing.B) {
	for _, path := range modelFiles(b) {
		if strings.Contains(path, "examples") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		u, err := compile(path, src, compileOpts{})
		if err != nil {
			b.Fatal(err)
		}
		f := u.mod.Funcs[0]
		b.Run(f.Name, func(b *testing.B) {
			m, err := sim.NewFixed(f)
			if err != nil {
				b.Fatal(err)
			}
			const n = 4096
			stim := sim.Random(f, 1)
			ins := make([][]int64, n)
			for i := range ins {
				ins[i] = make([]int64, len(f.Inputs))
				stim.Next(i, ins[i])
			}
			i := 0
			for b.Loop() {
				m.Step(ins[i%n])
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}
