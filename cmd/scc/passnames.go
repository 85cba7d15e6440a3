package main

import (
	"strings"

	"scc/passes"
)

func passList() string { return "irgen, " + strings.Join(passes.Names(), ", ") }

func validPass(name string) bool {
	if name == "irgen" {
		return true
	}
	for _, n := range passes.Names() {
		if n == name {
			return true
		}
	}
	return false
}
