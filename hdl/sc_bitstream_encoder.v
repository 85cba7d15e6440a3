// sc_bitstream_encoder: comparator stochastic number generator.
// Each rising edge registers bit_out <= (lfsr < x_value), unsigned and
// strict, on the pre-advance state, then advances the left-form LFSR16:
// after edge n, bit_out = [s_{n-1} < x]. Reset loads SEED_INIT ^ t_index[15:0]
// (SEED_INIT if that is zero) and clears bit_out; t_index matters only
// while rst_n is low. The LFSR polynomial is fixed at 16 bits.
//
// bit_out clears asynchronously; the LFSR loads its seed on every rising
// edge while rst_n is low (reset must span a rising edge, as DESIGN §4
// requires). The reference loads the t_index-dependent seed asynchronously,
// which is an async load of a non-constant value: Yosys cannot map it on
// iCE40 and emulates it with extra flops elsewhere. Observable behaviour
// (bit_out per cycle) is unchanged.
`default_nettype none
module sc_bitstream_encoder #(
    parameter integer DATA_WIDTH = 16,
    parameter integer LFSR_WIDTH = 16,
    parameter [LFSR_WIDTH-1:0] SEED_INIT = 16'hACE1
) (
    input  wire                  clk,
    input  wire                  rst_n,
    input  wire [DATA_WIDTH-1:0] x_value,
    input  wire [31:0]           t_index,
    output reg                   bit_out
);
    reg  [LFSR_WIDTH-1:0] lfsr;
    wire [LFSR_WIDTH-1:0] seed_mix   = SEED_INIT ^ t_index[LFSR_WIDTH-1:0];
    wire [LFSR_WIDTH-1:0] reset_seed = (seed_mix != 0) ? seed_mix : SEED_INIT;
    wire                  feedback   = lfsr[15] ^ lfsr[13] ^ lfsr[12] ^ lfsr[10];
    wire                  unused_t_index = ^t_index[31:LFSR_WIDTH];

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            bit_out <= 1'b0;
        end else begin
            bit_out <= lfsr < x_value;
        end
    end

    // rst_n is deliberately both an async reset (bit_out) and a synchronous
    // load enable (lfsr); see the header.
    /* verilator lint_off SYNCASYNCNET */
    always @(posedge clk) begin
        if (!rst_n) begin
            lfsr <= reset_seed;
        end else begin
            lfsr <= {lfsr[LFSR_WIDTH-2:0], feedback};
        end
    end
    /* verilator lint_on SYNCASYNCNET */
endmodule
`default_nettype wire
