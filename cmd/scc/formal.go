// Placeholder until the formal/report subcommands land; replaced by their owners.
package main

import "io"

func runFormal(args []string, stdout, stderr io.Writer) error { return usagef("formal: not wired yet") }
