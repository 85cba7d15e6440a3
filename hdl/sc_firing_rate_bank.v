// sc_firing_rate_bank: per-neuron spike counters and Q16.16 rates.
// While run_active && step_valid each CNT_WIDTH-bit counter adds its spike
// (wrapping); else on run_done rate_i <= low 32 bits of count_i * SCALE_Q16
// (unsigned) and every counter clears. SCALE_Q16 = round(2^16 / T) makes the
// rates spikes per step in Q16.16. Async reset clears counters and rates.
//
// Deviation from the reference: rate_q16 is a flat vector, element i at
// rate_q16[i*32 +: 32], instead of an unpacked array port (not accepted by
// all of iverilog, Yosys and Verilator; DESIGN §6).
// Requires CNT_WIDTH + SCALE_WIDTH >= 32.
`default_nettype none
module sc_firing_rate_bank #(
    parameter integer N_NEURONS   = 7,
    parameter integer CNT_WIDTH   = 16,
    parameter integer SCALE_WIDTH = 32
) (
    input  wire                   clk,
    input  wire                   rst_n,
    input  wire [N_NEURONS-1:0]   spikes,
    input  wire                   step_valid,
    input  wire                   run_active,
    input  wire                   run_done,
    input  wire [SCALE_WIDTH-1:0] SCALE_Q16,
    output wire [N_NEURONS*32-1:0] rate_q16
);
    localparam integer PW = CNT_WIDTH + SCALE_WIDTH;
    localparam [CNT_WIDTH-1:0] ONE = 1;

    genvar g;
    generate
        for (g = 0; g < N_NEURONS; g = g + 1) begin : g_neuron
            reg  [CNT_WIDTH-1:0] count;
            reg  [31:0]          rate;
            wire [PW-1:0]        product = {{SCALE_WIDTH{1'b0}}, count} * {{CNT_WIDTH{1'b0}}, SCALE_Q16};
            wire                 unused_product = ^product[PW-1:32];

            assign rate_q16[g*32 +: 32] = rate;

            always @(posedge clk or negedge rst_n) begin
                if (!rst_n) begin
                    count <= {CNT_WIDTH{1'b0}};
                    rate  <= 32'd0;
                end else if (run_active && step_valid) begin
                    if (spikes[g]) begin
                        count <= count + ONE;
                    end
                end else if (run_done) begin
                    rate  <= product[31:0];
                    count <= {CNT_WIDTH{1'b0}};
                end
            end
        end
    endgenerate
endmodule
`default_nettype wire
