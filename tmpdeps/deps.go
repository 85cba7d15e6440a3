package main

import (
	_ "github.com/alecthomas/participle/v2"
	_ "github.com/google/go-cmp/cmp"
	_ "golang.org/x/tools/txtar"
)

func main() {}
