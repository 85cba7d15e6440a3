package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"scc/models"
)

func runModels(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	show := fs.String("show", "", "print the source of this library file")
	pos, err := parseFlags(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *show != "" {
		src, err := models.Source(*show)
		if err != nil {
			return &failure{fmt.Sprintf("scc models: no library file %q (see scc models)", *show)}
		}
		_, err = stdout.Write(src)
		return err
	}
	for _, n := range models.Names() {
		src, _ := models.Source(n)
		desc := ""
		for _, line := range strings.Split(string(src), "\n") {
			if t := strings.TrimSpace(line); strings.HasPrefix(t, "//") {
				desc = strings.TrimSpace(strings.TrimPrefix(t, "//"))
				break
			}
		}
		fmt.Fprintf(stdout, "%-22s %s\n", n, desc)
	}
	return nil
}
