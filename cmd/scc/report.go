// Placeholder until the formal/report subcommands land; replaced by their owners.
package main

import "io"

func runReport(args []string, stdout, stderr io.Writer) error { return usagef("report: not wired yet") }
