// sc_lfsr16: 16-bit maximal LFSR (x^16+x^14+x^13+x^11+1, period 65535) with a
// combinational comparator output, in either bit order (DESIGN §5).
//   RIGHT = 0: left form,  fb = s15^s13^s12^s10, s <= {s[14:0], fb}
//   RIGHT = 1: right form, fb = s0^s2^s3^s5,     s <= {fb, s[15:1]}
// bit_out = (state < threshold) on the current state (compare before
// advance). A zero SEED is replaced by 16'hACE1, as the seed's emitter does.
`default_nettype none
module sc_lfsr16 #(
    parameter [15:0] SEED  = 16'hACE1,
    parameter integer RIGHT = 0
) (
    input  wire        clk,
    input  wire        rst_n,
    input  wire [15:0] threshold,
    output wire        bit_out,
    output reg  [15:0] state
);
    localparam [15:0] SEED_EFF = (SEED == 16'd0) ? 16'hACE1 : SEED;

    wire fb_left  = state[15] ^ state[13] ^ state[12] ^ state[10];
    wire fb_right = state[0] ^ state[2] ^ state[3] ^ state[5];

    assign bit_out = state < threshold;

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            state <= SEED_EFF;
        end else if (RIGHT != 0) begin
            state <= {fb_right, state[15:1]};
        end else begin
            state <= {state[14:0], fb_left};
        end
    end
endmodule
`default_nettype wire
