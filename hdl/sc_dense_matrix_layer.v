// sc_dense_matrix_layer: SC dense layer with a weight per neuron and input
// (reference §1.10). One input encoder per input (SEED_INIT X_SEED + 7i,
// X_SEED = 16'hACE1 by default), shared by all neurons; neuron j has a
// private weight encoder per input with SEED_INIT = W_SEED + 13*(j*N_INPUTS
// + i) (W_SEED = 16'hBEEF by default; mod 2^16, not guarded
// against 0: a zero LFSR stays 0), AND synapses, its own
// sc_dotproduct_to_current and its own default sc_lif_neuron (noise 0,
// FRACTION passed through). W[j][i] is weight_fp[(j*N_INPUTS+i)*DATA_WIDTH
// +: DATA_WIDTH]. The control FSM is that of sc_dense_layer_core.
`default_nettype none
module sc_dense_matrix_layer #(
    parameter integer N_INPUTS   = 16,
    parameter integer N_NEURONS  = 10,
    parameter integer DATA_WIDTH = 16,
    parameter integer FRACTION   = 8,
    parameter [15:0]  X_SEED     = 16'hACE1,
    parameter [15:0]  W_SEED     = 16'hBEEF
) (
    input  wire                                     clk,
    input  wire                                     rst_n,
    input  wire                                     start_pulse,
    input  wire [31:0]                              stream_len,
    input  wire [N_INPUTS*DATA_WIDTH-1:0]           x_input_fp,
    input  wire [N_NEURONS*N_INPUTS*DATA_WIDTH-1:0] weight_fp,
    input  wire signed [DATA_WIDTH-1:0]             y_min_fp,
    input  wire signed [DATA_WIDTH-1:0]             y_max_fp,
    input  wire signed [DATA_WIDTH-1:0]             cfg_leak,
    input  wire signed [DATA_WIDTH-1:0]             cfg_gain,
    output wire [N_NEURONS-1:0]                     spikes,
    output wire                                     step_valid,
    output reg                                      run_done,
    output reg                                      running
);
    reg  [31:0]         t_counter;
    wire [N_INPUTS-1:0] x_bits;

    genvar i, j;
    generate
        for (i = 0; i < N_INPUTS; i = i + 1) begin : g_input
            localparam [31:0] SEED_X = {16'd0, X_SEED} + 7 * i;
            sc_bitstream_encoder #(
                .DATA_WIDTH(DATA_WIDTH), .LFSR_WIDTH(16), .SEED_INIT(SEED_X[15:0])
            ) u_x (
                .clk(clk), .rst_n(rst_n), .x_value(x_input_fp[i*DATA_WIDTH +: DATA_WIDTH]),
                .t_index(32'd0), .bit_out(x_bits[i])
            );
        end
        for (j = 0; j < N_NEURONS; j = j + 1) begin : g_neuron
            wire [N_INPUTS-1:0]   w_bits;
            wire [N_INPUTS-1:0]   post_bits;
            wire [DATA_WIDTH-1:0] current;
            wire [DATA_WIDTH-1:0] unused_v;
            for (i = 0; i < N_INPUTS; i = i + 1) begin : g_syn
                localparam [31:0] SEED_W = {16'd0, W_SEED} + 13 * (j * N_INPUTS + i);
                sc_bitstream_encoder #(
                    .DATA_WIDTH(DATA_WIDTH), .LFSR_WIDTH(16), .SEED_INIT(SEED_W[15:0])
                ) u_w (
                    .clk(clk), .rst_n(rst_n),
                    .x_value(weight_fp[(j*N_INPUTS+i)*DATA_WIDTH +: DATA_WIDTH]),
                    .t_index(32'd0), .bit_out(w_bits[i])
                );
                sc_bitstream_synapse u_syn (.pre_bit(x_bits[i]), .w_bit(w_bits[i]), .post_bit(post_bits[i]));
            end
            sc_dotproduct_to_current #(.N_INPUTS(N_INPUTS), .DATA_WIDTH(DATA_WIDTH)) u_dot (
                .post_bits(post_bits), .y_min(y_min_fp), .y_max(y_max_fp), .I_t(current)
            );
            sc_lif_neuron #(.DATA_WIDTH(DATA_WIDTH), .FRACTION(FRACTION)) u_lif (
                .clk(clk), .rst_n(rst_n), .leak_k(cfg_leak), .gain_k(cfg_gain), .I_t(current),
                .noise_in({DATA_WIDTH{1'b0}}), .spike_out(spikes[j]), .v_out(unused_v)
            );
        end
    endgenerate

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
