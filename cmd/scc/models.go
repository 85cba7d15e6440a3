package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

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
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tco-simulated\tproven/bounded/failed\tfloat agreement\tdescription")
	for _, n := range models.Names() {
		src, _ := models.Source(n)
		desc := ""
		for _, line := range strings.Split(string(src), "\n") {
			if t := strings.TrimSpace(line); strings.HasPrefix(t, "//") {
				desc = strings.TrimSpace(strings.TrimPrefix(t, "//"))
				break
			}
		}
		c, err := models.Certificate(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", n, cosimText(c), propsText(c), agreementText(c), desc)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nAs the tests measured them (models/CERTIFICATES): co-simulated, steps of random input bit-exact")
	fmt.Fprintln(stdout, "against the golden model under both iverilog and verilator; proven/bounded/failed, the verdicts")
	fmt.Fprintln(stdout, "on the properties scc formal generates; float agreement, the spike-time agreement with float64")
	fmt.Fprintln(stdout, "that scc report prints.")
	return nil
}

// cosimText, propsText and agreementText print a certificate's columns,
// "not run" where no test measured one.
func cosimText(c models.Cert) string {
	if c.CosimSteps == 0 {
		return "not run"
	}
	return fmt.Sprintf("%d steps, both", c.CosimSteps)
}

func propsText(c models.Cert) string {
	if !c.Formal {
		return "not run"
	}
	s := fmt.Sprintf("%d/%d/%d of %d", c.Proven, c.Bounded, c.Failed, c.Props)
	if u := c.Props - c.Proven - c.Bounded - c.Failed; u > 0 {
		s += fmt.Sprintf(" (%d unknown)", u)
	}
	return s
}

func agreementText(c models.Cert) string {
	if !c.HasAgreement {
		return "not run"
	}
	return fmt.Sprintf("%.3f", c.Agreement)
}
