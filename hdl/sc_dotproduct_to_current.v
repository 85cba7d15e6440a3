// sc_dotproduct_to_current: popcount of the AND-synapse bits -> current.
//   count = popcount(post_bits), CNT_WIDTH = clog2(N_INPUTS+1)
//   range = y_max - y_min, wrapped at DATA_WIDTH bits
//   prod  = range * count, both zero-extended: an unsigned product of
//           DATA_WIDTH+CNT_WIDTH bits, then read as signed (the reference's
//           Verilog signedness quirk, kept for bit-exactness)
//   I_t   = y_min + (prod / N_INPUTS), signed division truncating toward
//           zero, every sum wrapped at DATA_WIDTH bits.
// For 0 <= range < 2^(DATA_WIDTH-1), I_t = y_min + floor(range*count/N_INPUTS).
// Combinational.
`default_nettype none
module sc_dotproduct_to_current #(
    parameter integer N_INPUTS   = 3,
    parameter integer DATA_WIDTH = 16
) (
    input  wire        [N_INPUTS-1:0]   post_bits,
    input  wire signed [DATA_WIDTH-1:0] y_min,
    input  wire signed [DATA_WIDTH-1:0] y_max,
    output reg  signed [DATA_WIDTH-1:0] I_t
);
    localparam integer CNT_WIDTH = $clog2(N_INPUTS + 1);
    localparam integer PW = DATA_WIDTH + CNT_WIDTH;
    localparam [CNT_WIDTH-1:0] ONE = 1;
    localparam [31:0] N32 = N_INPUTS;
    localparam signed [PW-1:0] DIVISOR = N32[PW-1:0];  // PW <= 32

    reg        [CNT_WIDTH-1:0]  count;
    reg        [DATA_WIDTH-1:0] range_w;
    reg        [PW-1:0]         product;
    reg signed [PW-1:0]         quotient;
    integer k;

    always @* begin
        count = {CNT_WIDTH{1'b0}};
        for (k = 0; k < N_INPUTS; k = k + 1) begin
            if (post_bits[k]) begin
                count = count + ONE;
            end
        end
        range_w  = y_max - y_min;
        product  = {{CNT_WIDTH{1'b0}}, range_w} * {{DATA_WIDTH{1'b0}}, count};
        quotient = $signed(product) / DIVISOR;
        I_t      = y_min + quotient[DATA_WIDTH-1:0];
    end

    wire unused_quotient = ^quotient[PW-1:DATA_WIDTH];
endmodule
`default_nettype wire
