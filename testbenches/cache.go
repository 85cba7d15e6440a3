package testbenches

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// BuildCache shares simulator builds between the co-simulations of one
// process (a test binary runs hundreds): a build is identified by the
// simulator, its arguments, the top and the name and content of every source
// file, and is compiled once; the runs read their stimulus and write their
// VCD in their own directories, as without a cache. Verilator's runtime
// library (verilated.o and the others its makefile lists as global objects)
// is compiled once per configuration and copied into each new build.
//
// Only sources that are the whole design can be cached: a file that
// `includes another is built every time, since its key would not cover the
// included file.
type BuildCache struct {
	dir     string
	mu      sync.Mutex
	entries map[string]*cacheEntry
}

// cacheEntry is one build: the first caller builds while later callers with
// the same key wait on mu. A failed build leaves done false, so the next
// caller tries again (a cancelled context is no property of the sources).
type cacheEntry struct {
	mu   sync.Mutex
	done bool
	path string // the .vvp, the Verilator executable or the runtime's dir
}

// NewBuildCache returns a cache that keeps its builds under dir, which must
// exist; the caller removes it when the process is done with it.
func NewBuildCache(dir string) *BuildCache {
	return &BuildCache{dir: dir, entries: map[string]*cacheEntry{}}
}

var shared atomic.Pointer[BuildCache]

// ShareBuilds makes RunIcarus and RunVerilator, and so every co-simulation,
// build through c; nil (the default) builds every run from scratch in its
// own directory. Test binaries call it from TestMain.
func ShareBuilds(c *BuildCache) { shared.Store(c) }

// RunSharingBuilds runs a test binary's tests with one BuildCache in a
// temp dir, removed afterwards (call it from TestMain:
// os.Exit(testbenches.RunSharingBuilds(m))).
func RunSharingBuilds(m interface{ Run() int }) int {
	dir, err := os.MkdirTemp("", "scc-builds-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ShareBuilds(NewBuildCache(dir))
	return m.Run()
}

// entry returns the entry of key, locked.
func (c *BuildCache) entry(key string) *cacheEntry {
	c.mu.Lock()
	e := c.entries[key]
	if e == nil {
		e = &cacheEntry{}
		c.entries[key] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	return e
}

// buildKey hashes what determines a build: the tool, its arguments and each
// file's name and content (files relative to dir). ok is false when a file
// `includes another.
func buildKey(dir string, tool []string, files []string) (key string, ok bool, err error) {
	h := sha256.New()
	for _, s := range tool {
		fmt.Fprintf(h, "%q\n", s)
	}
	for _, f := range files {
		p := f
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, f)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return "", false, err
		}
		if strings.Contains(string(data), "`include") {
			return "", false, nil
		}
		fmt.Fprintf(h, "%q %d\n", f, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:32], true, nil
}

// icarus returns the .vvp of the Icarus build of files with args (the
// iverilog arguments but "-o" and the files), compiling it on first use; ok
// is false when the build cannot be cached.
func (c *BuildCache) icarus(ctx context.Context, iverilog, dir string, args, files []string) (vvp, log string, ok bool, err error) {
	key, ok, err := buildKey(dir, append([]string{iverilog}, args...), files)
	if err != nil || !ok {
		return "", "", false, err
	}
	e := c.entry("iverilog " + key)
	defer e.mu.Unlock()
	if e.done {
		return e.path, "", true, nil
	}
	out := filepath.Join(c.dir, "i-"+key+".vvp")
	log, err = run(ctx, dir, iverilog, append(append(args, "-o", out), files...)...)
	if err != nil {
		return "", log, true, err
	}
	e.done, e.path = true, out
	return out, log, true, nil
}

// verilator returns the executable of the Verilator build of top with
// flags (verilator's arguments but --top-module, -Mdir, -o and the files),
// building it on first use: verilate into a directory of the cache, put the
// runtime library's objects in it, and run the makefile as `verilator
// --build` does (make -C <mdir> -f <prefix>.mk -j 2). ok is false when the
// build cannot be cached.
func (c *BuildCache) verilator(ctx context.Context, verilator, mk, dir string, flags, files []string, top string) (exe, log string, ok bool, err error) {
	key, ok, err := buildKey(dir, append([]string{verilator, top}, flags...), files)
	if err != nil || !ok {
		return "", "", false, err
	}
	exe, log, err = c.verilatorBuild(ctx, key, verilator, mk, dir, flags, files, top)
	return exe, log, true, err
}

func (c *BuildCache) verilatorBuild(ctx context.Context, key, verilator, mk, dir string, flags, files []string, top string) (string, string, error) {
	e := c.entry("verilator " + key)
	defer e.mu.Unlock()
	if e.done {
		return e.path, "", nil
	}
	mdir := filepath.Join(c.dir, "v-"+key)
	if err := os.RemoveAll(mdir); err != nil { // an earlier, failed attempt
		return "", "", err
	}
	prefix := "V" + top
	args := append(append([]string{}, flags...), "--top-module", top, "-Mdir", mdir, "-o", prefix)
	log, err := run(ctx, dir, verilator, append(args, files...)...)
	if err != nil {
		return "", log, fmt.Errorf("verilator: %v\n%s", err, tail(log, 40))
	}
	rlog, err := c.verilatorRuntime(ctx, mk, mdir, prefix)
	log += rlog
	if err != nil {
		return "", log, err
	}
	mlog, err := run(ctx, dir, mk, append([]string{"-C", mdir, "-f", prefix + ".mk", "-j", "2"}, modelOpt()...)...)
	log += mlog
	if err != nil {
		return "", log, fmt.Errorf("verilator: make: %v\n%s", err, tail(log, 40))
	}
	e.done, e.path = true, filepath.Join(mdir, prefix)
	return e.path, log, nil
}

// OptFastEnv names the environment variable that sets the C++ optimisation
// of Verilator's model code (verilated.mk's OPT_FAST, -Os by default), e.g.
// SCC_VERILATOR_OPT_FAST=-O0: `make test` sets it, since its runs are
// short and -O0 halves the compile time of a large model (measured: the
// Connor–Stevens cosim 54 s → 30 s), while `make bench` and users keep -Os,
// whose simulation is faster. The runtime library keeps its own flags.
const OptFastEnv = "SCC_VERILATOR_OPT_FAST"

// modelOpt returns the make arguments that apply OptFastEnv.
func modelOpt() []string {
	if v := os.Getenv(OptFastEnv); v != "" {
		return []string{"OPT_FAST=" + v}
	}
	return nil
}

// verilatorRuntime puts the runtime library's objects into the freshly
// verilated mdir: the first build of a configuration compiles them there
// (with its own makefile, so with exactly its flags) and keeps copies; later
// builds get the copies, written after their makefile so that make finds
// them up to date (verilated.mk rebuilds them when the makefile is newer).
// The configuration is every makefile setting except the model's own names
// and classes and how those compile.
func (c *BuildCache) verilatorRuntime(ctx context.Context, mk, mdir, prefix string) (string, error) {
	objs, config, err := runtimeConfig(mdir, prefix)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256([]byte(config))
	key := hex.EncodeToString(h[:])[:32]
	e := c.entry("verilator-runtime " + key)
	defer e.mu.Unlock()
	if !e.done {
		log, err := run(ctx, mdir, mk, append([]string{"-f", prefix + ".mk", "-j", "2"}, objs...)...)
		if err != nil {
			return log, fmt.Errorf("verilator runtime: make: %v\n%s", err, tail(log, 40))
		}
		rt := filepath.Join(c.dir, "vrt-"+key)
		if err := copyFiles(mdir, rt, objs); err != nil {
			return "", err
		}
		e.done, e.path = true, rt
		return log, nil
	}
	return "", copyFiles(e.path, mdir, objs)
}

// runtimeConfig reads the makefiles verilator wrote for prefix in mdir: the
// runtime objects to build (VM_GLOBAL_FAST and VM_GLOBAL_SLOW) and the
// settings the runtime is compiled with, one "NAME=value" line each.
func runtimeConfig(mdir, prefix string) ([]string, string, error) {
	vars := map[string]string{}
	for _, name := range []string{prefix + ".mk", prefix + "_classes.mk"} {
		data, err := os.ReadFile(filepath.Join(mdir, name))
		if err != nil {
			return nil, "", err
		}
		text := strings.ReplaceAll(string(data), "\\\n", " ")
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			name, value, ok := strings.Cut(line, "=")
			if !ok {
				vars["rule "+line] = "" // include lines and rules
				continue
			}
			name, appendOp := strings.CutSuffix(strings.TrimSpace(name), "+")
			name = strings.TrimSuffix(strings.TrimSpace(name), "?")
			value = strings.Join(strings.Fields(value), " ")
			if appendOp && vars[name] != "" {
				value = vars[name] + " " + value
			}
			vars[name] = value
		}
	}
	var objs []string
	for _, o := range strings.Fields(vars["VM_GLOBAL_FAST"] + " " + vars["VM_GLOBAL_SLOW"]) {
		objs = append(objs, o+".o")
	}
	if len(objs) == 0 {
		return nil, "", fmt.Errorf("verilator runtime: no global objects in %s_classes.mk", prefix)
	}
	var lines []string
	for name, value := range vars {
		switch name {
		case "VM_PREFIX", "VM_MODPREFIX", "VM_CLASSES_FAST", "VM_CLASSES_SLOW", "VM_SUPPORT_FAST", "VM_SUPPORT_SLOW",
			"VM_PARALLEL_BUILDS": // verilated.mk: how the model's classes compile, one file or each
			continue
		}
		if strings.HasPrefix(name, "rule ") {
			name = strings.ReplaceAll(name, prefix, "V")
		}
		lines = append(lines, name+"="+value)
	}
	slices.Sort(lines)
	return objs, strings.Join(lines, "\n"), nil
}

func copyFiles(from, to string, names []string) error {
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(from, n))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, n), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
