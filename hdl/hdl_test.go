package hdl

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"scc/internal/tool"
)

// writeLib copies the embedded library into a temporary directory and
// returns the path of each module's file set (module first).
func writeLib(t *testing.T) (dir string, set func(module string) []string) {
	t.Helper()
	dir = t.TempDir()
	for _, f := range Files() {
		b, err := files.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, func(module string) []string {
		mods, err := Closure(module)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range mods {
			out = append(out, filepath.Join(dir, Modules[m].File))
		}
		return out
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestLibraryHasEveryModule(t *testing.T) {
	want := []string{"sc_axil_cfg", "sc_axis_interface", "sc_bitstream_encoder", "sc_bitstream_synapse",
		"sc_cordiv", "sc_dense_layer_core", "sc_dense_matrix_layer", "sc_dotproduct_to_current",
		"sc_firing_rate_bank", "sc_lfsr16", "sc_lif_neuron", "sc_mux_add", "sc_neurocore_top",
		"two_flop_synchroniser"}
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, n := range want {
		src, err := Source(n)
		if err != nil || !strings.Contains(src, "module "+n) {
			t.Errorf("Source(%q) = %.40q, %v", n, src, err)
		}
		if Modules[n].Doc == "" {
			t.Errorf("module %s has no header comment", n)
		}
	}
	if _, err := Source("nope"); err == nil {
		t.Error("Source(nope) succeeded")
	}
}

// TestToolsAccept holds DESIGN §6: every file passes iverilog -g2012, Yosys
// read_verilog -sv (and elaborates), and verilator --lint-only -Wall with no
// warnings at all.
func TestToolsAccept(t *testing.T) {
	paths := tool.Need(t, "iverilog", "yosys", "verilator")
	iverilog, yosys, verilator := paths[0], paths[1], paths[2]
	dir, set := writeLib(t)
	for _, n := range Names() {
		t.Run(n, func(t *testing.T) {
			t.Parallel()
			fs := set(n)
			out := run(t, iverilog, append([]string{"-g2012", "-Wall", "-s", n, "-o", filepath.Join(dir, n+".vvp")}, fs...)...)
			if strings.TrimSpace(out) != "" {
				t.Errorf("iverilog -Wall output:\n%s", out)
			}
			out = run(t, yosys, "-q", "-p", fmt.Sprintf("read_verilog -sv %s; hierarchy -check -top %s; proc; check -assert",
				strings.Join(fs, " "), n))
			if strings.Contains(out, "Warning") {
				t.Errorf("yosys warns:\n%s", out)
			}
			out = run(t, verilator, append([]string{"--lint-only", "-Wall", "--top-module", n}, fs...)...)
			if strings.TrimSpace(out) != "" {
				t.Errorf("verilator -Wall output:\n%s", out)
			}
		})
	}
}

// overrides are non-default parameter sets for checking width expressions.
var overrides = map[string]map[string]int64{
	"sc_bitstream_encoder":     {"DATA_WIDTH": 20, "SEED_INIT": 0x1234},
	"sc_dotproduct_to_current": {"N_INPUTS": 8, "DATA_WIDTH": 12},
	"sc_lif_neuron":            {"DATA_WIDTH": 20, "FRACTION": 6, "V_REST": 100, "V_THRESHOLD": 700, "REFRACTORY_PERIOD": 3},
	"sc_firing_rate_bank":      {"N_NEURONS": 3, "CNT_WIDTH": 8},
	"sc_dense_layer_core":      {"N_INPUTS": 5, "N_NEURONS": 2},
	"sc_dense_matrix_layer":    {"N_INPUTS": 4, "N_NEURONS": 3, "FRACTION": 7},
	"sc_axis_interface":        {"DATA_WIDTH": 32, "N_NEURONS": 5},
	"sc_lfsr16":                {"RIGHT": 1, "SEED": 0xBEEF},
}

// TestPortTableMatchesYosys elaborates every module with Yosys, with default
// and overridden parameters, and compares ports and parameter values with
// the table, so the table cannot drift from the Verilog.
func TestPortTableMatchesYosys(t *testing.T) {
	yosys := tool.Need(t, "yosys")[0]
	dir, set := writeLib(t)
	type job struct {
		module string
		over   map[string]int64
		json   string
	}
	var jobs []job
	var script strings.Builder
	for _, n := range Names() {
		for _, over := range []map[string]int64{nil, overrides[n]} {
			if over == nil && len(jobs) > 0 && jobs[len(jobs)-1].module == n {
				continue
			}
			j := job{n, over, filepath.Join(dir, fmt.Sprintf("%s_%d.json", n, len(jobs)))}
			jobs = append(jobs, j)
			fmt.Fprintf(&script, "design -reset; read_verilog -sv %s; ", strings.Join(set(n), " "))
			var keys []string
			for k := range over {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				fmt.Fprintf(&script, "chparam -set %s %d %s; ", k, over[k], n)
			}
			fmt.Fprintf(&script, "hierarchy -top %s; proc; write_json %s\n", n, j.json)
		}
	}
	sf := filepath.Join(dir, "ports.ys")
	if err := os.WriteFile(sf, []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, yosys, "-q", "-s", sf)
	for _, j := range jobs {
		t.Run(fmt.Sprintf("%s%v", j.module, j.over), func(t *testing.T) {
			checkAgainstJSON(t, Modules[j.module], j.over, j.json)
		})
	}
}

func checkAgainstJSON(t *testing.T, m *Module, over map[string]int64, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Modules map[string]struct {
			Attributes map[string]string `json:"attributes"`
			Params     map[string]string `json:"parameter_default_values"`
			Ports      map[string]struct {
				Direction string `json:"direction"`
				Bits      []any  `json:"bits"`
				Signed    int    `json:"signed"`
			} `json:"ports"`
		} `json:"modules"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	var ym *struct {
		Attributes map[string]string `json:"attributes"`
		Params     map[string]string `json:"parameter_default_values"`
		Ports      map[string]struct {
			Direction string `json:"direction"`
			Bits      []any  `json:"bits"`
			Signed    int    `json:"signed"`
		} `json:"ports"`
	}
	for name, mod := range d.Modules {
		if mod.Attributes["top"] != "" {
			ym = &mod
			_ = name
		}
	}
	if ym == nil {
		t.Fatal("no top module in yosys output")
	}
	vals, err := m.ParamValues(over)
	if err != nil {
		t.Fatal(err)
	}
	if len(ym.Ports) != len(m.Ports) {
		t.Errorf("yosys has %d ports, table %d", len(ym.Ports), len(m.Ports))
	}
	for _, p := range m.Ports {
		yp, ok := ym.Ports[p.Name]
		if !ok {
			t.Errorf("port %s: not in yosys' elaboration", p.Name)
			continue
		}
		w, err := PortWidth(p, vals)
		if err != nil {
			t.Errorf("port %s: %v", p.Name, err)
			continue
		}
		if yp.Direction != p.Dir.String() || len(yp.Bits) != w || (yp.Signed != 0) != p.Signed {
			t.Errorf("port %s: table %s [%d] signed=%v, yosys %s [%d] signed=%v",
				p.Name, p.Dir, w, p.Signed, yp.Direction, len(yp.Bits), yp.Signed != 0)
		}
	}
	for _, p := range m.Params {
		ys, ok := ym.Params[p.Name]
		if !ok {
			if !p.Local {
				t.Errorf("parameter %s: not in yosys' elaboration", p.Name)
			}
			continue
		}
		u, err := strconv.ParseUint(ys, 2, 64)
		if err != nil {
			t.Errorf("parameter %s: yosys value %q", p.Name, ys)
			continue
		}
		want := uint64(vals[p.Name])
		if len(ys) < 64 {
			want &= 1<<len(ys) - 1
		}
		if u != want {
			t.Errorf("parameter %s = %#x in the table, %#x in yosys", p.Name, want, u)
		}
	}
}

func TestEval(t *testing.T) {
	env := map[string]int64{"N": 3, "W": 16, "F": 8}
	tests := []struct {
		in   string
		want int64
	}{
		{"16'hACE1", 0xACE1}, {"1 << F", 256}, {"N*W-1", 47}, {"$clog2(N+1)", 2}, {"$clog2(9)", 4},
		{"-5", -5}, {"W == 16 ? 1 : 2", 1}, {"(N+1)*(W-F)", 32}, {"4'b1_0_1_1", 11}, {"32'd7 % 4", 3},
		{"~0 & 8'hFF", 255}, {"-8 >>> 1", -4}, {"N > 2 && W < 8", 0},
	}
	for _, tt := range tests {
		if got, err := Eval(tt.in, env); err != nil || got != tt.want {
			t.Errorf("Eval(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"X", "1 +", "(1", "3'hZZ", "1/0", "a @ b"} {
		if _, err := Eval(bad, env); err == nil {
			t.Errorf("Eval(%q) succeeded", bad)
		}
	}
}

func TestParseModuleErrors(t *testing.T) {
	for _, src := range []string{
		"", "module m (input wire a", "module m #(parameter P) (input a); endmodule",
		"module m (a); endmodule", "module m (input wire [3 a); endmodule",
	} {
		if _, _, err := parseModule(src); err == nil {
			t.Errorf("parseModule(%q) succeeded", src)
		}
	}
	m, _, err := parseModule("// doc\nmodule m #(parameter integer A = 2, B = A+1) (input wire [A-1:0] x, y, output reg signed [B:1] z); endmodule")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Params) != 2 || !m.Params[1].Integer || m.Params[1].Default != "A+1" || len(m.Ports) != 3 ||
		m.Ports[1].MSB != "A-1" || m.Ports[2].Width() != "(B)-(1)+1" || !m.Ports[2].Signed || m.Doc != "doc\n" {
		t.Errorf("parseModule = %+v", m)
	}
}

func TestClosure(t *testing.T) {
	got, err := Closure("sc_neurocore_top")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sc_axil_cfg", "sc_bitstream_encoder", "sc_bitstream_synapse", "sc_dense_layer_core",
		"sc_dotproduct_to_current", "sc_firing_rate_bank", "sc_lif_neuron", "sc_neurocore_top"}
	if !slices.Equal(got, want) {
		t.Errorf("Closure(sc_neurocore_top) = %v, want %v", got, want)
	}
}
