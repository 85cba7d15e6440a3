package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress returns a step counter for a run of total steps: a progress bar
// on w when w is a terminal and the run is long enough to watch, nothing
// otherwise (pipes, files and tests see no bar). finish clears it.
func progress(w io.Writer, total int, what string) (add func(int), finish func()) {
	f, ok := w.(*os.File)
	if !ok || total < 10000 || !term.IsTerminal(int(f.Fd())) {
		return func(int) {}, func() {}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("steps"),
		progressbar.OptionThrottle(100_000_000), // 100 ms
		progressbar.OptionClearOnFinish(),
	)
	return func(n int) { _ = bar.Add(n) }, func() { _ = bar.Finish() }
}
