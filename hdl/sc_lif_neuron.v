// sc_lif_neuron: Q8.8 leaky integrate-and-fire neuron (reference §1.7).
//   leak = ((V_REST - v) * leak_k) >>> FRACTION   at 2*DATA_WIDTH bits, then
//          truncated to DATA_WIDTH bits (V_REST - v does not wrap)
//   in   = (I_t * gain_k) >>> FRACTION            likewise
//   v_next = v + leak + in + noise_in, wrapped at DATA_WIDTH bits
// Per clock, in priority order: reset -> v = V_REST, no spike, counter 0;
// counter > 0 -> counter - 1, no spike, v = V_REST; v_next >= V_THRESHOLD
// (signed) -> spike, v = V_RESET, counter = REFRACTORY_PERIOD; else v = v_next.
// A spike is therefore followed by exactly REFRACTORY_PERIOD silent cycles.
// v_out is the membrane register itself (the reference keeps an identical
// copy in v_reg).
`default_nettype none
module sc_lif_neuron #(
    parameter integer DATA_WIDTH = 16,
    parameter integer FRACTION   = 8,
    parameter signed [DATA_WIDTH-1:0] V_REST      = 0,
    parameter signed [DATA_WIDTH-1:0] V_RESET     = 0,
    parameter signed [DATA_WIDTH-1:0] V_THRESHOLD = 1 << FRACTION,
    parameter integer REFRACTORY_PERIOD = 0
) (
    input  wire                         clk,
    input  wire                         rst_n,
    input  wire signed [DATA_WIDTH-1:0] leak_k,
    input  wire signed [DATA_WIDTH-1:0] gain_k,
    input  wire signed [DATA_WIDTH-1:0] I_t,
    input  wire signed [DATA_WIDTH-1:0] noise_in,
    output reg                          spike_out,
    output reg  signed [DATA_WIDTH-1:0] v_out
);
    localparam integer W2 = 2 * DATA_WIDTH;
    // The counter never exceeds REFRACTORY_PERIOD, so it needs only enough
    // bits for that (the reference keeps 32).
    localparam integer CW = (REFRACTORY_PERIOD > 0) ? $clog2(REFRACTORY_PERIOD + 1) : 1;
    localparam [CW-1:0] RP = REFRACTORY_PERIOD[CW-1:0];

    reg [CW-1:0] refractory_counter;

    // (V_REST - v) * leak_k is one product, as the reference writes it: the
    // difference is formed at W+1 bits, where it never wraps, and a
    // (W+1) x W product still fits one DSP. Written this way the module is
    // structurally close to the RTL scc emits for models/seed_lif.snn, so
    // the formal equivalence proof closes by induction. (The distributed
    // form V_REST*leak_k - v*leak_k is the same value, but proving it equal
    // to the factored one takes a bit-blasting solver a multiplier-
    // equivalence proof it does not finish.)
    wire signed [DATA_WIDTH:0] rest_minus_v = {V_REST[DATA_WIDTH-1], V_REST} - {v_out[DATA_WIDTH-1], v_out};
    wire signed [W2-1:0] diff_ext = {{(DATA_WIDTH-1){rest_minus_v[DATA_WIDTH]}}, rest_minus_v};
    wire signed [W2-1:0] leak_ext = {{DATA_WIDTH{leak_k[DATA_WIDTH-1]}}, leak_k};
    wire signed [W2-1:0] i_ext    = {{DATA_WIDTH{I_t[DATA_WIDTH-1]}}, I_t};
    wire signed [W2-1:0] gain_ext = {{DATA_WIDTH{gain_k[DATA_WIDTH-1]}}, gain_k};
    wire signed [W2-1:0] leak_mul = diff_ext * leak_ext;
    wire signed [W2-1:0] in_mul   = i_ext * gain_ext;
    // (x >>> FRACTION) truncated to DATA_WIDTH bits is bits FRACTION.. of x.
    wire signed [DATA_WIDTH-1:0] dv_leak = leak_mul[FRACTION +: DATA_WIDTH];
    wire signed [DATA_WIDTH-1:0] dv_in   = in_mul[FRACTION +: DATA_WIDTH];
    wire signed [DATA_WIDTH-1:0] v_next  = v_out + dv_leak + dv_in + noise_in;
    wire unused_products = ^{leak_mul[W2-1:FRACTION+DATA_WIDTH], leak_mul[FRACTION-1:0],
                             in_mul[W2-1:FRACTION+DATA_WIDTH], in_mul[FRACTION-1:0]};

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            v_out              <= V_REST;
            spike_out          <= 1'b0;
            refractory_counter <= {CW{1'b0}};
        end else if (refractory_counter != {CW{1'b0}}) begin
            refractory_counter <= refractory_counter - 1'b1;
            spike_out          <= 1'b0;
            v_out              <= V_REST;
        end else if (v_next >= V_THRESHOLD) begin
            spike_out          <= 1'b1;
            v_out              <= V_RESET;
            refractory_counter <= RP;
        end else begin
            spike_out          <= 1'b0;
            v_out              <= v_next;
        end
    end

`ifdef FORMAL
    // Properties on this module's own registers, so they bind in any flow
    // (the reference's harness reaches uut.refractory_counter, which plain
    // Yosys declares as a fresh unconnected wire). "Refractory => no spike"
    // holds from the cycle after the spike: spike_out = 1 and counter = RP
    // coexist on the spike cycle.
    reg f_past_valid = 1'b0;
    always @(posedge clk) begin
        f_past_valid <= 1'b1;
        if (f_past_valid && rst_n && $past(rst_n)) begin
            if (spike_out) assert (v_out == V_RESET);
            if ($past(refractory_counter) != {CW{1'b0}}) assert (!spike_out && v_out == V_REST);
            assert (refractory_counter <= RP);
        end
    end
`endif
endmodule
`default_nettype wire
