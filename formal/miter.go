package formal

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"scc/internal/tool"
	"scc/lang"
)

// Port is a module port as yosys elaborates it.
type Port struct {
	Name   string
	Input  bool
	Width  int
	Signed bool
}

// Ports elaborates module top of files with yosys (parameters overridden
// by params) and returns its ports sorted by name.
func Ports(ctx context.Context, files []File, top string, params map[string]int64) ([]Port, error) {
	yosys, err := tool.Path("yosys")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "scc-ports-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var script strings.Builder
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), []byte(f.Text), 0o644); err != nil {
			return nil, err
		}
		fmt.Fprintf(&script, "read_verilog -sv %s\n", f.Name)
	}
	for _, k := range sortedParams(params) {
		fmt.Fprintf(&script, "chparam -set %s %s %s\n", k, chparamValue(params[k]), top)
	}
	fmt.Fprintf(&script, "hierarchy -top %s\nproc\nwrite_json ports.json\n", top)
	if err := os.WriteFile(filepath.Join(dir, "ports.ys"), []byte(script.String()), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, yosys, "-q", "ports.ys")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("formal: yosys cannot elaborate %s: %v\n%s", top, err, lastLines(string(out), 10))
	}
	data, err := os.ReadFile(filepath.Join(dir, "ports.json"))
	if err != nil {
		return nil, err
	}
	var js struct {
		Modules map[string]struct {
			Ports map[string]struct {
				Direction string `json:"direction"`
				Bits      []any  `json:"bits"`
			} `json:"ports"`
			Netnames map[string]struct {
				Signed int `json:"signed"`
			} `json:"netnames"`
		} `json:"modules"`
	}
	if err := json.Unmarshal(data, &js); err != nil {
		return nil, err
	}
	m, ok := js.Modules[top]
	if !ok {
		return nil, fmt.Errorf("formal: no module %q after elaboration", top)
	}
	var ports []Port
	for name, p := range m.Ports {
		if p.Direction == "inout" {
			return nil, fmt.Errorf("formal: module %s: inout port %q is not supported", top, name)
		}
		ports = append(ports, Port{Name: name, Input: p.Direction == "input", Width: len(p.Bits), Signed: m.Netnames[name].Signed != 0})
	}
	sort.Slice(ports, func(i, j int) bool { return ports[i].Name < ports[j].Name })
	return ports, nil
}

// chparamValue spells v for yosys' chparam, which cannot decode a minus
// sign: a negative value is its 64-bit two's complement, which a narrower
// parameter truncates to the same value.
func chparamValue(v int64) string {
	if v >= 0 {
		return strconv.FormatInt(v, 10)
	}
	return fmt.Sprintf("64'h%x", uint64(v))
}

func sortedParams(m map[string]int64) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

// Tap is an invariant "A == B" between two internal signals of a miter
// (flattened names such as "a._refr_q" and "b.refractory_counter"), both
// zero-extended to the wider width. Induction needs one for every pair of
// corresponding registers that no output exposes; taps are asserted (by a
// cell of the model, see Correspondence.Assert), so a wrong tap fails
// rather than proving anything.
type Tap struct {
	Name string
	Text string
	A, B string

	keepA, keepB string // yosys selections of the signals before flattening; the leading * matches
	// the $paramod copies that parameter overrides make
}

// MiterOptions control Miter.
type MiterOptions struct {
	// Top is the module of design A; RefTop that of design B ("" = Top).
	Top, RefTop string
	// Map pairs a port of A with a differently named port of B.
	Map map[string]string
	// Params and RefParams override A's and B's parameters.
	Params, RefParams map[string]int64
	// Taps are internal correspondences "A=B" by signal name inside each
	// design (e.g. "_refr_q" = "refractory_counter").
	Taps [][2]string
}

// Miter returns an equivalence harness over designs a and b: both get the
// same free inputs (matched by name or Map), the same clock and the same
// active-low reset (low for the first cycles, then free); every matched
// output pair is asserted equal on every cycle. An input that only one side
// has is held at 1 when it is named en (an always-enabled design is
// compared with an enabled one), else it is an error; outputs that only
// one side has are listed in the harness and not compared.
func Miter(ctx context.Context, a, b []File, opt MiterOptions) (*Harness, []File, error) {
	if opt.RefTop == "" {
		opt.RefTop = opt.Top
	}
	pa, err := Ports(ctx, a, opt.Top, opt.Params)
	if err != nil {
		return nil, nil, err
	}
	pb, err := Ports(ctx, b, opt.RefTop, opt.RefParams)
	if err != nil {
		return nil, nil, err
	}
	// Two designs may share module names (a module compared with an older
	// version of itself): rename B's modules.
	bfiles, refTop := renameModules(b, opt.RefTop)
	bByName := map[string]Port{}
	for _, p := range pb {
		bByName[p.Name] = p
	}
	used := map[string]bool{}
	h := &Harness{Top: "miter_" + opt.Top, DUT: opt.Top}
	var hb strings.Builder
	fmt.Fprintf(&hb, "// Equivalence miter of %s and %s, generated by scc formal. DO NOT EDIT.\n`ifdef FORMAL\n", opt.Top, opt.RefTop)
	fmt.Fprintf(&hb, "module %s (input wire clk);\n", h.Top)
	fmt.Fprintf(&hb, "  reg [1:0] f_rst_cnt = 2'd0;\n  (* anyseq *) wire f_rst_free;\n")
	fmt.Fprintf(&hb, "  wire rst_n = (f_rst_cnt == 2'd%d) & f_rst_free;\n", resetCycles)
	fmt.Fprintf(&hb, "  always @(posedge clk) if (f_rst_cnt != 2'd%d) f_rst_cnt <= f_rst_cnt + 2'd1;\n", resetCycles)
	h.Trace = append(h.Trace, Signal{Name: "rst_n"})
	ca := []string{".clk(clk)", ".rst_n(rst_n)"}
	cb := []string{".clk(clk)", ".rst_n(rst_n)"}
	var outs [][2]Port
	var notes []string
	for _, p := range pa {
		if p.Name == "clk" || p.Name == "rst_n" {
			continue
		}
		bn := p.Name
		if m, ok := opt.Map[p.Name]; ok {
			bn = m
		}
		q, ok := bByName[bn]
		if ok && q.Input != p.Input {
			return nil, nil, fmt.Errorf("formal: port %q of %s and %q of %s differ in direction", p.Name, opt.Top, bn, opt.RefTop)
		}
		if !ok {
			switch {
			case p.Input && p.Name == "en":
				ca = append(ca, ".en(1'b1)")
				notes = append(notes, fmt.Sprintf("%s.en held at 1 (%s has no enable)", opt.Top, opt.RefTop))
			case p.Input:
				return nil, nil, fmt.Errorf("formal: input %q of %s has no match in %s (use a port map)", p.Name, opt.Top, opt.RefTop)
			default:
				ca = append(ca, fmt.Sprintf(".%s()", p.Name))
				notes = append(notes, fmt.Sprintf("output %s.%s not compared", opt.Top, p.Name))
			}
			continue
		}
		used[bn] = true
		if p.Width != q.Width {
			return nil, nil, fmt.Errorf("formal: port %q of %s is %d bits, %q of %s is %d", p.Name, opt.Top, p.Width, bn, opt.RefTop, q.Width)
		}
		if p.Input {
			fmt.Fprintf(&hb, "  (* anyseq *) wire [%d:0] %s;\n", p.Width-1, p.Name)
			ca = append(ca, fmt.Sprintf(".%s(%s)", p.Name, p.Name))
			cb = append(cb, fmt.Sprintf(".%s(%s)", bn, p.Name))
			h.Trace = append(h.Trace, Signal{Name: p.Name})
			continue
		}
		fmt.Fprintf(&hb, "  wire [%d:0] a_%s, b_%s;\n", p.Width-1, p.Name, p.Name)
		ca = append(ca, fmt.Sprintf(".%s(a_%s)", p.Name, p.Name))
		cb = append(cb, fmt.Sprintf(".%s(b_%s)", bn, p.Name))
		h.Trace = append(h.Trace, Signal{Name: "a_" + p.Name}, Signal{Name: "b_" + p.Name})
		outs = append(outs, [2]Port{p, q})
	}
	for _, q := range pb {
		if q.Name == "clk" || q.Name == "rst_n" || used[q.Name] {
			continue
		}
		switch {
		case q.Input && q.Name == "en":
			cb = append(cb, ".en(1'b1)")
			notes = append(notes, fmt.Sprintf("%s.en held at 1 (%s has no enable)", opt.RefTop, opt.Top))
		case q.Input:
			return nil, nil, fmt.Errorf("formal: input %q of %s has no match in %s (use a port map)", q.Name, opt.RefTop, opt.Top)
		default:
			cb = append(cb, fmt.Sprintf(".%s()", q.Name))
			notes = append(notes, fmt.Sprintf("output %s.%s not compared", opt.RefTop, q.Name))
		}
	}
	if len(outs) == 0 {
		return nil, nil, fmt.Errorf("formal: %s and %s have no matching outputs", opt.Top, opt.RefTop)
	}
	fmt.Fprintf(&hb, "  %s%s a (%s);\n", opt.Top, paramList(opt.Params), strings.Join(ca, ", "))
	fmt.Fprintf(&hb, "  %s%s b (%s);\n", refTop, paramList(opt.RefParams), strings.Join(cb, ", "))
	for _, n := range notes {
		fmt.Fprintf(&hb, "  // %s\n", n)
	}
	h.head = hb.String()
	h.tail = "endmodule\n`endif\n"
	// Every compared output and every tap is also a register
	// correspondence for the model (merge.go applies those that are
	// registers on B's side), asserted by the property of the same name.
	h.mergeInst = "b"
	for _, o := range outs {
		name := "equal_" + o[0].Name
		h.Props = append(h.Props, property(name,
			fmt.Sprintf("%s.%s == %s.%s on every cycle", opt.Top, o[0].Name, opt.RefTop, o[1].Name),
			lang.Pos{}, "", fmt.Sprintf("a_%s == b_%s", o[0].Name, o[0].Name)))
		h.Merge = append(h.Merge, Correspondence{A: "a." + o[0].Name, B: "b." + o[1].Name, Prop: name})
	}
	for _, t := range opt.Taps {
		tap := Tap{Name: "tap_" + ident(t[0]) + "__" + ident(t[1]),
			Text: fmt.Sprintf("%s.%s == %s.%s (state correspondence)", opt.Top, t[0], opt.RefTop, t[1]),
			A:    "a." + t[0], B: "b." + t[1],
			keepA: "*" + opt.Top + "*/w:" + t[0], keepB: "*" + refTop + "*/w:" + t[1]}
		h.Taps = append(h.Taps, tap)
		h.Merge = append(h.Merge, Correspondence{A: tap.A, B: tap.B, Prop: tap.Name, Assert: true})
	}
	return h, append(append([]File{}, a...), bfiles...), nil
}

var reNonIdent = regexp.MustCompile(`[^A-Za-z0-9_]`)

func ident(s string) string { return reNonIdent.ReplaceAllString(s, "_") }

func paramList(p map[string]int64) string {
	if len(p) == 0 {
		return ""
	}
	var s []string
	for _, k := range sortedParams(p) {
		s = append(s, fmt.Sprintf(".%s(%d)", k, p[k]))
	}
	return " #(" + strings.Join(s, ", ") + ")"
}

var reModule = regexp.MustCompile(`(?m)^(\s*module\s+)([A-Za-z_][A-Za-z0-9_$]*)`)

// renameModules gives every module of design B a "ref_" prefix, so it can
// sit beside a design with the same module names, and rewrites its
// instantiations. It returns the files and B's new top name.
func renameModules(files []File, top string) ([]File, string) {
	names := map[string]bool{}
	for _, f := range files {
		for _, m := range reModule.FindAllStringSubmatch(f.Text, -1) {
			names[m[2]] = true
		}
	}
	var out []File
	for _, f := range files {
		text := regexp.MustCompile(`\b[A-Za-z_][A-Za-z0-9_$]*\b`).ReplaceAllStringFunc(f.Text, func(w string) string {
			if names[w] {
				return "ref_" + w
			}
			return w
		})
		out = append(out, File{Name: "ref_" + f.Name, Text: text})
	}
	return out, "ref_" + top
}

// writeTaps writes the constraint file of the taps for model smt2, reading
// the signals' widths from the model. A tap the model asserts itself (an
// $assert cell merge added) is left out: every engine sees it in the model.
func (d *driver) writeTaps(smt2 string, skip map[string]bool) error {
	data, err := os.ReadFile(filepath.Join(d.dir, smt2))
	if err != nil {
		return err
	}
	widths := map[string]int{}
	asserted := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		var name string
		var w int
		if n, _ := fmt.Sscanf(line, "; yosys-smt2-wire %s %d", &name, &w); n == 2 {
			widths[name] = w
		}
		if n, _ := fmt.Sscanf(line, "; yosys-smt2-assert %d %s", &w, &name); n == 2 {
			asserted[name] = true
		}
	}
	var b strings.Builder
	b.WriteString("# state correspondences, generated by scc formal\nalways\n")
	d.tapLines = map[int]string{}
	line := 2
	for _, t := range d.h.Taps {
		if skip[t.Name] || asserted[t.Name] {
			continue
		}
		wa, oka := widths[t.A]
		wb, okb := widths[t.B]
		if !oka || !okb {
			return fmt.Errorf("formal: tap %s: no signal %q in the flattened design", t.Name, missingSide(t.A, t.B, oka))
		}
		if (wa == 1) != (wb == 1) {
			return fmt.Errorf("formal: tap %s: cannot compare a 1-bit signal with a %d-bit one", t.Name, max(wa, wb))
		}
		w := max(wa, wb)
		ext := func(s string, n int) string {
			if n == w {
				return "[" + s + "]"
			}
			return fmt.Sprintf("((_ zero_extend %d) [%s])", w-n, s)
		}
		line++
		d.tapLines[line] = t.Name
		fmt.Fprintf(&b, "assert (= %s %s)\n", ext(t.A, wa), ext(t.B, wb))
	}
	return os.WriteFile(filepath.Join(d.dir, smt2+".smtc"), []byte(b.String()), 0o644)
}

func (d *driver) tapAt(line int) string { return d.tapLines[line] }
