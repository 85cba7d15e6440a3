package main

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

var outputLIF = filepath.Join("..", "..", "models", "lif.snn")

// outputSites are the subcommands that write a user-named output; each
// must go through writeOutput. args returns the command writing to out.
var outputSites = []struct {
	name string
	args func(out string) []string
}{
	{"build", func(out string) []string { return []string{"build", outputLIF, "-o", out} }},
	{"build-ir", func(out string) []string { return []string{"build", outputLIF, "--emit", "ir", "-o", out} }},
	{"eq", func(out string) []string {
		return []string{"eq", "dv/dt = -v/tau : volt", "--param", "tau=10ms", "--threshold", "v > 1*mV", "--reset", "v = 0*mV", "-o", out}
	}},
	{"eq-snn", func(out string) []string {
		return []string{"eq", "dv/dt = -v/tau : volt", "--param", "tau=10ms", "--emit", "snn", "-o", out}
	}},
	{"sim-csv", func(out string) []string { return []string{"sim", outputLIF, "--steps", "20", "--csv", out} }},
	{"sim-vcd", func(out string) []string { return []string{"sim", outputLIF, "--steps", "20", "--vcd", out} }},
}

// runOutput runs a site writing to out and fails the test unless it succeeds.
func runOutput(t *testing.T, args []string) {
	t.Helper()
	if code, _, stderr := scc(t, args...); code != 0 {
		t.Fatalf("scc %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
}

// dirNames lists dir, to catch a temp file left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func checkDir(t *testing.T, dir string, want ...string) {
	t.Helper()
	if got := dirNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}

func checkContent(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s holds %d bytes, want the %d written to a new file", path, len(got), len(want))
	}
}

func checkMode(t *testing.T, path string, typ fs.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != typ {
		t.Errorf("%s is now %v, want type %v", path, fi.Mode(), typ)
	}
}

func wantFor(t *testing.T, args func(string) []string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "want")
	runOutput(t, args(out))
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 {
		t.Fatalf("scc %s wrote nothing", strings.Join(args(out), " "))
	}
	return b
}

func TestOutputRegularFile(t *testing.T) {
	for _, s := range outputSites {
		t.Run(s.name, func(t *testing.T) {
			want := wantFor(t, s.args)
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			if err := os.WriteFile(out, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			runOutput(t, s.args(out))
			checkContent(t, out, want)
			checkDir(t, dir, "out")
			if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
				t.Errorf("replacing a 0600 file made it %v", fi.Mode().Perm())
			}
		})
	}
}

func TestOutputFIFO(t *testing.T) {
	for _, s := range outputSites {
		t.Run(s.name, func(t *testing.T) {
			want := wantFor(t, s.args)
			dir := t.TempDir()
			fifo := filepath.Join(dir, "fifo")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			got := make(chan []byte)
			go func() {
				b, _ := os.ReadFile(fifo) // blocks until scc opens it
				got <- b
			}()
			code, _, stderr := scc(t, s.args(fifo)...)
			if code != 0 {
				// Release the reader: it sees EOF when this writer closes.
				if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					f.Close()
				}
				<-got
				t.Fatalf("scc %s: exit %d\n%s", strings.Join(s.args(fifo), " "), code, stderr)
			}
			// A FIFO replaced by a file strands the reader: fail, not hang.
			if fi, err := os.Lstat(fifo); err != nil {
				t.Fatal(err)
			} else if fi.Mode().Type() != fs.ModeNamedPipe {
				t.Fatalf("%s is now %v, want a FIFO", fifo, fi.Mode())
			}
			select {
			case b := <-got:
				if !bytes.Equal(b, want) {
					t.Errorf("read %d bytes from the FIFO, want %d", len(b), len(want))
				}
			case <-time.After(time.Minute):
				t.Fatal("the FIFO's reader never saw the end of the output")
			}
			checkDir(t, dir, "fifo")
		})
	}
}

// TestOutputSymlink: a link to a regular file in another directory stays
// a link; the target gets the content; no temp file is left in either.
func TestOutputSymlink(t *testing.T) {
	for _, s := range outputSites {
		t.Run(s.name, func(t *testing.T) {
			want := wantFor(t, s.args)
			linkDir, targetDir := t.TempDir(), t.TempDir()
			target := filepath.Join(targetDir, "target")
			if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(linkDir, "link")
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			runOutput(t, s.args(link))
			checkMode(t, link, fs.ModeSymlink)
			if got, _ := os.Readlink(link); got != target {
				t.Errorf("link points to %q, want %q", got, target)
			}
			checkContent(t, target, want)
			checkDir(t, linkDir, "link")
			checkDir(t, targetDir, "target")
		})
	}
}

// TestOutputDanglingSymlink: a dangling link creates its target, relative
// to the link's directory, and stays a link.
func TestOutputDanglingSymlink(t *testing.T) {
	for _, s := range outputSites {
		t.Run(s.name, func(t *testing.T) {
			want := wantFor(t, s.args)
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(dir, "link")
			if err := os.Symlink(filepath.Join("sub", "target"), link); err != nil {
				t.Fatal(err)
			}
			runOutput(t, s.args(link))
			checkMode(t, link, fs.ModeSymlink)
			checkContent(t, filepath.Join(dir, "sub", "target"), want)
			checkDir(t, dir, "link", "sub")
			checkDir(t, filepath.Join(dir, "sub"), "target")
		})
	}
}

// TestOutputFmtSymlink: fmt -w through a link rewrites the linked source.
func TestOutputFmtSymlink(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "m.snn")
	if err := os.WriteFile(src, []byte("model M {\nstate v = 0\n  v' = v\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, want, _ := scc(t, "fmt", src)
	link := filepath.Join(dir, "link.snn")
	if err := os.Symlink("m.snn", link); err != nil {
		t.Fatal(err)
	}
	runOutput(t, []string{"fmt", "-w", link})
	checkMode(t, link, fs.ModeSymlink)
	checkContent(t, src, []byte(want))
	checkDir(t, dir, "link.snn", "m.snn")
}

func TestOutputStdout(t *testing.T) {
	for _, s := range outputSites {
		t.Run(s.name, func(t *testing.T) {
			want := wantFor(t, s.args)
			code, stdout, stderr := scc(t, s.args("-")...)
			if code != 0 {
				t.Fatalf("scc %s: exit %d\n%s", strings.Join(s.args("-"), " "), code, stderr)
			}
			// sim --vcd - is followed by sim's summary line on stdout.
			if !strings.HasPrefix(stdout, string(want)) {
				t.Errorf("stdout holds %d bytes, not the %d of the output", len(stdout), len(want))
			}
		})
	}
}

// TestOutputCharDevice writes through /dev/null, directly and through a
// link; /dev/null must still be a character device afterwards (before the
// fix, as root, it became a regular file).
func TestOutputCharDevice(t *testing.T) {
	const dev = "/dev/null"
	checkDevice := func(t *testing.T) {
		t.Helper()
		fi, err := os.Lstat(dev)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode(); m&os.ModeDevice == 0 || m&os.ModeCharDevice == 0 {
			t.Fatalf("%s is now %v, want a character device", dev, m)
		}
	}
	checkDevice(t)
	for _, s := range outputSites {
		t.Run(s.name, func(t *testing.T) {
			runOutput(t, s.args(dev))
			checkDevice(t)
			dir := t.TempDir()
			link := filepath.Join(dir, "null")
			if err := os.Symlink(dev, link); err != nil {
				t.Fatal(err)
			}
			runOutput(t, s.args(link))
			checkDevice(t)
			checkMode(t, link, fs.ModeSymlink)
			checkDir(t, dir, "null")
		})
	}
}

// TestOutputSocket: a socket cannot be opened for writing; scc fails and
// leaves the socket in place rather than renaming a file over it.
func TestOutputSocket(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets: %v", err)
	}
	defer l.Close()
	code, _, stderr := scc(t, "build", outputLIF, "-o", sock)
	if code != 1 || !strings.Contains(stderr, sock+": ") {
		t.Errorf("scc build -o SOCKET: exit %d, want 1 naming the socket\n%s", code, stderr)
	}
	checkMode(t, sock, fs.ModeSocket)
	checkDir(t, dir, "sock")
}

// TestOutputFailureLeavesNothing: a failed write or compile leaves no
// output and no temp file, and an existing output unchanged.
func TestOutputFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.snn")
	if err := os.WriteFile(bad, []byte("model M {\n    state v = 0\n    v' = nosuch\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.sv")
	if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, out, msg string
		args           []string
	}{
		{"missing dir", filepath.Join(dir, "nodir", "out.sv"), "nodir/out.sv: no such file or directory", []string{"build", outputLIF}},
		{"dangling link into missing dir", filepath.Join(dir, "dangling"), "dangling: no such file or directory", []string{"build", outputLIF}},
		{"directory", sub, "sub: is a directory", []string{"build", outputLIF}},
		{"compile error, new file", filepath.Join(dir, "new.sv"), "nosuch", []string{"build", bad}},
		{"compile error, existing file", old, "nosuch", []string{"build", bad}},
		{"sim compile error", filepath.Join(dir, "new.csv"), "nosuch", []string{"sim", bad, "--csv"}},
		{"eq error", filepath.Join(dir, "new.sv"), "nosuch", []string{"eq", "dv/dt = nosuch/tau : volt", "--param", "tau=10ms", "-o"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "dangling link into missing dir" {
				if err := os.Symlink(filepath.Join("nodir", "x"), tc.out); err != nil {
					t.Fatal(err)
				}
				defer os.Remove(tc.out)
			}
			args := append(slices.Clone(tc.args), tc.out)
			if tc.args[0] == "build" {
				args = append(slices.Clone(tc.args), "-o", tc.out)
			}
			code, _, stderr := scc(t, args...)
			if code != 1 || !strings.Contains(stderr, tc.msg) {
				t.Errorf("scc %s: exit %d, want 1 with %q\n%s", strings.Join(args, " "), code, tc.msg, stderr)
			}
			want := []string{"bad.snn", "old.sv", "sub"}
			if tc.name == "dangling link into missing dir" {
				want = []string{"bad.snn", "dangling", "old.sv", "sub"}
			}
			checkDir(t, dir, want...)
			checkDir(t, sub)
			checkContent(t, old, []byte("old"))
		})
	}
}

// TestInternalCompilerError: a panic is reported with the prefix once,
// followed by the panic's stack, and exits 3 (DESIGN §7).
func TestInternalCompilerError(t *testing.T) {
	for _, tc := range []struct {
		val  any
		want string
	}{
		{"internal compiler error: IR invalid after pass \"quantize\" on model LIF: v7: bad", "scc: internal compiler error: IR invalid after pass \"quantize\" on model LIF: v7: bad"},
		{"internal compiler error in pass \"quantize\" on model LIF: boom", "scc: internal compiler error in pass \"quantize\" on model LIF: boom"},
		{"internal compiler error:boom", "scc: internal compiler error: boom"},
		{"index out of range", "scc: internal compiler error: index out of range"},
		{errors.New("an error value"), "scc: internal compiler error: an error value"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			var stderr bytes.Buffer
			code := func() (code int) {
				defer recoverInternal(&stderr, &code)
				panicForTest(tc.val)
				return 0
			}()
			out := stderr.String()
			first, stack, _ := strings.Cut(out, "\n")
			if code != 3 || first != tc.want {
				t.Errorf("panic(%q) = exit %d, %q; want exit 3, %q", tc.val, code, first, tc.want)
			}
			if n := strings.Count(out, "internal compiler error"); n != 1 {
				t.Errorf("panic(%q): %q appears %d times, want once\n%s", tc.val, "internal compiler error", n, out)
			}
			if !strings.Contains(stack, "goroutine ") || !strings.Contains(stack, "panicForTest") {
				t.Errorf("panic(%q): no stack of the panic after the message\n%s", tc.val, out)
			}
		})
	}
	t.Run("run", func(t *testing.T) {
		saved := commands
		t.Cleanup(func() { commands = saved })
		commands = append(slices.Clone(commands), command{"panic", "scc panic", func([]string, io.Writer, io.Writer) error {
			panicForTest(`internal compiler error in pass "quantize" on model LIF: boom`)
			return nil
		}})
		code, _, stderr := scc(t, "panic")
		if code != 3 || !strings.HasPrefix(stderr, "scc: internal compiler error in pass \"quantize\" on model LIF: boom\n") ||
			strings.Count(stderr, "internal compiler error") != 1 {
			t.Errorf("run of a panicking command: exit %d, want 3 with the message once\n%s", code, stderr)
		}
	})
}

//go:noinline
func panicForTest(v any) { panic(v) }

// TestInternalExitStatusInHelp: --help lists every exit status (DESIGN §7).
func TestInternalExitStatusInHelp(t *testing.T) {
	code, _, stderr := scc(t, "--help")
	for _, want := range []string{"0 success", "1 the job failed", "2 bad usage", "3 internal compiler error (a bug in scc;"} {
		if code != 0 || !strings.Contains(stderr, want) {
			t.Errorf("scc --help: exit %d, want 0 and %q in\n%s", code, want, stderr)
		}
	}
}
