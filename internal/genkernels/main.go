// Command genkernels writes runtime/kernels from the model library
// (`go generate ./runtime/kernels` runs it in that directory): a Go
// population kernel per models/*.snn model and variant (backend/fixedpoint),
// deleting generated files no model makes any more. See package gen.
package main

import (
	"flag"
	"fmt"
	"os"

	"scc/internal/genkernels/gen"
)

func main() {
	dir := flag.String("dir", ".", "the runtime/kernels directory")
	flag.Parse()
	wrote, deleted, err := gen.Write(*dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "genkernels: %v\n", err)
		os.Exit(1)
	}
	for _, n := range wrote {
		fmt.Println("wrote", n)
	}
	for _, n := range deleted {
		fmt.Println("deleted", n)
	}
}
