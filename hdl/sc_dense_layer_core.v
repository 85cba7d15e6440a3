// sc_dense_layer_core: SC dense layer with one current shared by every
// neuron (reference §1.9).
//   input encoder i:  SEED_INIT = 16'hACE1 + 7i, weight encoder i: 16'hBEEF + 13i
//   post_bits[i] = x_bit[i] & w_bit[i] -> sc_dotproduct_to_current -> I_t
//   I_t drives N_NEURONS default-parameter sc_lif_neuron (noise 0,
//   leak_k = cfg_leak, gain_k = cfg_gain).
// Control: start_pulse while idle starts a run of exactly stream_len cycles
// (t = 0..stream_len-1); run_done is a one-cycle pulse after it; step_valid =
// running. Encoders and neurons free-run from reset regardless of running,
// so the neuron update at edge n consumes the bits registered at edge n-1.
//
// All neurons receive identical inputs and reset together, so they are
// identical: one neuron is instantiated and fanned out to every spikes bit.
// The encoders' t_index is tied to 0; the reference wires t_counter, which
// is 0 whenever reset is asserted, so the seeds are the same.
`default_nettype none
module sc_dense_layer_core #(
    parameter integer N_INPUTS   = 3,
    parameter integer N_NEURONS  = 5,
    parameter integer DATA_WIDTH = 16
) (
    input  wire                           clk,
    input  wire                           rst_n,
    input  wire                           start_pulse,
    input  wire [31:0]                    stream_len,
    input  wire [N_INPUTS*DATA_WIDTH-1:0] x_input_fp,
    input  wire [N_INPUTS*DATA_WIDTH-1:0] weight_fp,
    input  wire signed [DATA_WIDTH-1:0]   y_min_fp,
    input  wire signed [DATA_WIDTH-1:0]   y_max_fp,
    input  wire signed [DATA_WIDTH-1:0]   cfg_leak,
    input  wire signed [DATA_WIDTH-1:0]   cfg_gain,
    output wire signed [DATA_WIDTH-1:0]   I_t,
    output wire [N_NEURONS-1:0]           spikes,
    output wire                           step_valid,
    output reg                            run_done,
    output reg                            running
);
    reg  [31:0]         t_counter;
    wire [N_INPUTS-1:0] x_bits;
    wire [N_INPUTS-1:0] w_bits;
    wire [N_INPUTS-1:0] post_bits;
    wire                spike;
    wire [DATA_WIDTH-1:0] unused_v;

    genvar i;
    generate
        for (i = 0; i < N_INPUTS; i = i + 1) begin : g_input
            localparam [31:0] SEED_X = 32'hACE1 + 7 * i;
            localparam [31:0] SEED_W = 32'hBEEF + 13 * i;
            sc_bitstream_encoder #(
                .DATA_WIDTH(DATA_WIDTH), .LFSR_WIDTH(16), .SEED_INIT(SEED_X[15:0])
            ) u_x (
                .clk(clk), .rst_n(rst_n), .x_value(x_input_fp[i*DATA_WIDTH +: DATA_WIDTH]),
                .t_index(32'd0), .bit_out(x_bits[i])
            );
            sc_bitstream_encoder #(
                .DATA_WIDTH(DATA_WIDTH), .LFSR_WIDTH(16), .SEED_INIT(SEED_W[15:0])
            ) u_w (
                .clk(clk), .rst_n(rst_n), .x_value(weight_fp[i*DATA_WIDTH +: DATA_WIDTH]),
                .t_index(32'd0), .bit_out(w_bits[i])
            );
            sc_bitstream_synapse u_syn (.pre_bit(x_bits[i]), .w_bit(w_bits[i]), .post_bit(post_bits[i]));
        end
    endgenerate

    sc_dotproduct_to_current #(.N_INPUTS(N_INPUTS), .DATA_WIDTH(DATA_WIDTH)) u_dot (
        .post_bits(post_bits), .y_min(y_min_fp), .y_max(y_max_fp), .I_t(I_t)
    );

    sc_lif_neuron #(.DATA_WIDTH(DATA_WIDTH)) u_lif (
        .clk(clk), .rst_n(rst_n), .leak_k(cfg_leak), .gain_k(cfg_gain), .I_t(I_t),
        .noise_in({DATA_WIDTH{1'b0}}), .spike_out(spike), .v_out(unused_v)
    );

    assign spikes     = {N_NEURONS{spike}};
    assign step_valid = running;

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            t_counter <= 32'd0;
            running   <= 1'b0;
            run_done  <= 1'b0;
        end else if (start_pulse && !running) begin
            running   <= 1'b1;
            run_done  <= 1'b0;
            t_counter <= 32'd0;
        end else if (running) begin
            if (t_counter == stream_len - 32'd1) begin
                running  <= 1'b0;
                run_done <= 1'b1;
            end else begin
                t_counter <= t_counter + 32'd1;
            end
        end else begin
            run_done <= 1'b0;
        end
    end
endmodule
`default_nettype wire
