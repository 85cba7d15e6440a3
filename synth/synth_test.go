package synth

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"scc/internal/tool"
)

// tiny has a kept submodule instanced twice (an accumulator) with a kept
// multiplier inside (one DSP each: three levels, whose JSON statistics
// yosys 0.23 garbles), a 1K × 8 memory (block RAM) and a counter (carry
// chain).
var tiny = `module mul8 (input [7:0] a, b, output [15:0] p);
  assign p = a * b;
endmodule
module mac (input clk, input [7:0] a, b, output reg [15:0] y);
  wire [15:0] p;
  mul8 u (.a(a), .b(b), .p(p));
  always @(posedge clk) y <= y + p;
endmodule
module tiny (input clk, input [7:0] a, b, output [15:0] y0, y1, output reg [7:0] q, output reg [7:0] rq);
  reg [7:0] mem [0:1023];
  reg [9:0] ad;
  reg [7:0] rom [0:255];
  initial begin
` + romLines() + `  end
  always @(posedge clk) rq <= rom[ad[7:0] ^ a];
  always @(posedge clk) begin
    mem[ad] <= a;
    q <= mem[ad ^ 10'h155];
    ad <= ad + 10'd1;
  end
  mac m0 (.clk(clk), .a(a), .b(b), .y(y0));
  mac m1 (.clk(clk), .a(b), .b(a), .y(y1));
endmodule
`

// TestRunTiny synthesizes tiny for both families with real yosys: the
// kept module is its own row with two instances, the memory is block RAM,
// the counter a carry chain, and the total counts both instances.
// romLines fills tiny's 256-word ROM word by word (rewritten to
// $readmemh before synthesis).
func romLines() string {
	var b strings.Builder
	for i := range 256 {
		fmt.Fprintf(&b, "    rom[%d] = 8'h%x;\n", i, (i*37+11)%256)
	}
	return b.String()
}

func TestRunTiny(t *testing.T) {
	tool.Need(t, "yosys")
	for _, f := range []Family{Xilinx7, ICE40} {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			r, err := Run(context.Background(), tiny, Options{Top: "tiny", Family: f, Keep: []string{"mul8", "mac", "absent"}, Timeout: 2 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Modules) != 3 || r.Modules[0].Name != "tiny" || r.Modules[1].Name != "mac" || r.Modules[1].Count != 2 ||
				r.Modules[2].Name != "mul8" || r.Modules[2].Count != 2 {
				t.Fatalf("modules %+v, want tiny, mac ×2 and mul8 ×2", r.Modules)
			}
			mac, mul, top := r.Modules[1].Own, r.Modules[2].Own, r.Modules[0].Own
			if mul.DSP != 1 || r.Total.DSP != 2 {
				t.Errorf("DSP: mul8 %d total %d, want 1 and 2", mul.DSP, r.Total.DSP)
			}
			if top.Block <= 0 || top.Carry == 0 || top.FF < 10 || top.LUT == 0 {
				t.Errorf("top %+v: want block RAM, carry, ≥ 10 FF, LUTs", top)
			}
			if r.Total.LUT != top.LUT+2*(mac.LUT+mul.LUT) || r.Total.FF != top.FF+2*(mac.FF+mul.FF) {
				t.Errorf("total %+v is not top + 2 × (mac + mul8)", r.Total)
			}
			d, _ := Lookup(map[Family]string{Xilinx7: "xc7a35t", ICE40: "ice40up5k"}[f])
			if s := d.Fit(r.Total); len(s) != 0 {
				t.Errorf("tiny does not fit %s: %v", d.Name, s)
			}
			var b bytes.Buffer
			if err := WriteTable(&b, r, d); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "mac") || !strings.Contains(b.String(), d.Family.BlockName()) {
				t.Errorf("table:\n%s", b.String())
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	tool.Need(t, "yosys")
	t.Run("syntax", func(t *testing.T) {
		t.Parallel()
		_, err := Run(context.Background(), "module broken (input a;\nendmodule\n", Options{Top: "broken", Family: ICE40})
		if err == nil || !strings.Contains(err.Error(), "failed") {
			t.Errorf("err %v, want yosys's failure", err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		start := time.Now()
		_, err := Run(ctx, tiny, Options{Top: "tiny"})
		if err == nil || !strings.Contains(err.Error(), "canceled") || time.Since(start) > 5*time.Second {
			t.Errorf("err %v after %v, want a prompt cancellation", err, time.Since(start))
		}
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		start := time.Now()
		_, err := Run(context.Background(), tiny, Options{Top: "tiny", Timeout: 200 * time.Millisecond})
		if err == nil || !strings.Contains(err.Error(), "timed out") || time.Since(start) > 10*time.Second {
			t.Errorf("err %v after %v, want a timeout", err, time.Since(start))
		}
	})
}

func TestMissingYosys(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Run(context.Background(), tiny, Options{Top: "tiny"})
	if err == nil || !strings.Contains(err.Error(), "apt-get install yosys") {
		t.Errorf("err %v, want the install command", err)
	}
}

func TestParseStat(t *testing.T) {
	data := `{"modules": {
	  "\\top": {"num_cells_by_type": {"LUT6": 10, "LUT2": 5, "FDRE": 7, "CARRY4": 2, "RAMB18E1": 3, "RAMB36E1": 1, "RAM64X1D": 4, "core": 2}},
	  "\\core": {"num_cells_by_type": {"LUT3": 4, "FDSE": 1, "DSP48E1": 1, "leaf": 3}},
	  "\\leaf": {"num_cells_by_type": {"LUT1": 1}},
	  "\\unused": {"num_cells_by_type": {"LUT1": 100}}},
	       leaf               6
	  "design": {"num_cells_by_type": {}}}`
	r, err := ParseStat(Xilinx7, "top", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := Usage{LUT: 15 + 8 + 2*(4+3*1), LUTRAM: 8, FF: 7 + 2, Carry: 2, DSP: 2, Block: 2.5}
	got := r.Total
	got.Cells = nil
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("total %+v, want %+v", got, want)
	}
	if len(r.Modules) != 3 || r.Modules[1].Name != "core" || r.Modules[1].Count != 2 || r.Modules[2].Count != 6 {
		t.Errorf("modules %+v", r.Modules)
	}
	if _, err := ParseStat(Xilinx7, "nope", []byte(data)); err == nil {
		t.Error("a missing top: no error")
	}
}

func TestDevices(t *testing.T) {
	for _, c := range []struct {
		name       string
		lut, ff    int
		block, dsp int
		spram      int
		blockName  string
	}{
		{"xc7a35t", 20800, 41600, 50, 90, 0, "BRAM36"},
		{"xc7a100t", 63400, 126800, 135, 240, 0, "BRAM36"},
		{"ICE40UP5K", 5280, 5280, 30, 8, 4, "EBR"},
	} {
		d, ok := Lookup(c.name)
		if !ok || d.LUT != c.lut || d.FF != c.ff || d.Block != c.block || d.DSP != c.dsp || d.SPRAM != c.spram || d.Family.BlockName() != c.blockName {
			t.Errorf("%s: %+v", c.name, d)
		}
	}
	if _, ok := Lookup("xc7a200t"); ok {
		t.Error("xc7a200t is not in the table")
	}
}

func TestPackAndFit(t *testing.T) {
	x, _ := Lookup("xc7a35t")
	// 320k × 16-bit synapse ROM: 1K×18 RAMB18s → 313 halves = 156.5
	// BRAM36.
	u, placed := x.Pack([]Memory{{Name: "ee.syn", Depth: 320000, Bits: 16, Banks: 1, ROM: true}, {Name: "exc.state", Depth: 64, Bits: 20, Banks: 2}})
	if placed[0].Block != 156.5 || placed[1].LUTRAM != 40 || u.Block != 156.5 || u.LUT != 40 {
		t.Fatalf("pack %+v %+v", u, placed)
	}
	s := x.Fit(u)
	if len(s) != 1 || s[0].Resource != "BRAM36" || s[0].Need-s[0].Have != 106.5 {
		t.Fatalf("fit %v", s)
	}
	if got := s[0].String(); got != "BRAM36: needs 156.5, has 50 (106.5 short)" {
		t.Errorf("shortfall %q", got)
	}
	if got := xc7Tiles(1024, 18); got != 0.5 {
		t.Errorf("1K×18: %v BRAM36, want 0.5", got)
	}
	if got := xc7Tiles(512, 72); got != 1 {
		t.Errorf("512×72: %v BRAM36, want 1", got)
	}

	ice, _ := Lookup("ice40up5k")
	// 40 EBR of state: the writable 16K × 16 moves to one SPRAM, the ROM
	// stays in EBR.
	u, placed = ice.Pack([]Memory{{Name: "a.acc", Depth: 16384, Bits: 16, Banks: 1}, {Name: "p.syn", Depth: 2048, Bits: 16, ROM: true}, {Name: "tiny", Depth: 8, Bits: 8}})
	if placed[0].SPRAM != 1 || placed[0].Block != 0 || placed[1].Block != 8 || placed[2].FF != 64 || u.Block != 8 || u.SPRAM != 1 {
		t.Fatalf("ice40 pack %+v %+v", u, placed)
	}
	if s := ice.Fit(u); len(s) != 0 {
		t.Errorf("fit %v", s)
	}
	// A ROM too large for the EBRs cannot go to SPRAM.
	u, _ = ice.Pack([]Memory{{Name: "big", Depth: 65536, Bits: 16, ROM: true}})
	if s := ice.Fit(u); len(s) != 1 || s[0].Resource != "EBR" || s[0].Need != 256 {
		t.Errorf("ROM fit %v", s)
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 4480000: "4,480,000", -63400: "-63,400"} {
		if got := Group(n); got != want {
			t.Errorf("Group(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Num(12.5); got != "12.5" {
		t.Errorf("Num(12.5) = %q", got)
	}
}

func TestMemFiles(t *testing.T) {
	var b strings.Builder
	b.WriteString("module r (input clk, input [6:0] a, output reg [7:0] q);\n  reg [7:0] m [0:99];\n  initial begin\n")
	for i := 0; i < 100; i++ {
		if i == 50 {
			continue // a gap: @ address
		}
		fmt.Fprintf(&b, "    m[%d] = 8'h%x; // w%d\n", i, i*3%256, i)
	}
	b.WriteString("  end\n  initial begin\n    small[0] = 8'h1;\n  end\n  always @(posedge clk) q <= m[a];\nendmodule\n")
	src, files := memFiles(b.String())
	if len(files) != 1 || !strings.Contains(src, `  initial $readmemh("rom0_m.hex", m);`) || strings.Contains(src, "m[3] =") {
		t.Fatalf("rewrite:\n%s", src)
	}
	if !strings.Contains(src, "small[0] = 8'h1;") {
		t.Errorf("a short block was rewritten:\n%s", src)
	}
	hex := files["rom0_m.hex"]
	lines := strings.Split(strings.TrimSpace(hex), "\n")
	if len(lines) != 101 || lines[0] != "@0" || lines[1] != "0" || lines[50] != "93" || lines[51] != "@33" || lines[52] != "99" {
		t.Errorf("hex file (%d lines):\n%s", len(lines), hex)
	}
	// A block with anything else is left alone.
	mixed := "initial begin\n" + strings.Repeat("  m[0] = 8'h1;\n", 70) + "  x = 1;\nend\n"
	if out, files := memFiles(mixed); out != mixed || len(files) != 0 {
		t.Errorf("a mixed block was rewritten:\n%s", out)
	}
}
