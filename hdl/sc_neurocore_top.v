// sc_neurocore_top: AXI4-Lite configured SC dense layer (reference §1.12):
// sc_axil_cfg + sc_dense_layer_core (3 inputs, 7 neurons, 16-bit) +
// sc_firing_rate_bank (7 neurons, CNT 16, SCALE 32). clk = S_AXI_ACLK,
// rst_n = S_AXI_ARESETN; STATUS.busy = running, STATUS.done = run_done; the
// bank counts spikes while running and latches the rates on run_done.
`default_nettype none
module sc_neurocore_top (
    input  wire        S_AXI_ACLK,
    // ARESETN is the AXI block's synchronous reset and the core's
    // asynchronous one, as in the reference.
    /* verilator lint_off SYNCASYNCNET */
    input  wire        S_AXI_ARESETN,
    /* verilator lint_on SYNCASYNCNET */
    input  wire [7:0]  S_AXI_AWADDR,
    input  wire        S_AXI_AWVALID,
    output wire        S_AXI_AWREADY,
    input  wire [31:0] S_AXI_WDATA,
    input  wire [3:0]  S_AXI_WSTRB,
    input  wire        S_AXI_WVALID,
    output wire        S_AXI_WREADY,
    output wire [1:0]  S_AXI_BRESP,
    output wire        S_AXI_BVALID,
    input  wire        S_AXI_BREADY,
    input  wire [7:0]  S_AXI_ARADDR,
    input  wire        S_AXI_ARVALID,
    output wire        S_AXI_ARREADY,
    output wire [31:0] S_AXI_RDATA,
    output wire [1:0]  S_AXI_RRESP,
    output wire        S_AXI_RVALID,
    input  wire        S_AXI_RREADY
);
    localparam integer N_IN = 3;
    localparam integer N_OUT = 7;

    wire          start_pulse;
    wire [47:0]   x_input_fp, weight_fp;
    wire [15:0]   y_min, y_max, leak, gain;
    wire [31:0]   stream_len, scale_q16;
    wire [223:0]  rate_q16;
    wire [15:0]   unused_current;
    wire [N_OUT-1:0] spikes;
    wire          step_valid, run_done, running;

    sc_axil_cfg u_cfg (
        .S_AXI_ACLK(S_AXI_ACLK), .S_AXI_ARESETN(S_AXI_ARESETN),
        .S_AXI_AWADDR(S_AXI_AWADDR), .S_AXI_AWVALID(S_AXI_AWVALID), .S_AXI_AWREADY(S_AXI_AWREADY),
        .S_AXI_WDATA(S_AXI_WDATA), .S_AXI_WSTRB(S_AXI_WSTRB), .S_AXI_WVALID(S_AXI_WVALID),
        .S_AXI_WREADY(S_AXI_WREADY), .S_AXI_BRESP(S_AXI_BRESP), .S_AXI_BVALID(S_AXI_BVALID),
        .S_AXI_BREADY(S_AXI_BREADY), .S_AXI_ARADDR(S_AXI_ARADDR), .S_AXI_ARVALID(S_AXI_ARVALID),
        .S_AXI_ARREADY(S_AXI_ARREADY), .S_AXI_RDATA(S_AXI_RDATA), .S_AXI_RRESP(S_AXI_RRESP),
        .S_AXI_RVALID(S_AXI_RVALID), .S_AXI_RREADY(S_AXI_RREADY),
        .cfg_start_pulse(start_pulse), .cfg_x_input_fp(x_input_fp), .cfg_weight_fp(weight_fp),
        .cfg_y_min(y_min), .cfg_y_max(y_max), .cfg_stream_len(stream_len),
        .cfg_scale_q16(scale_q16), .cfg_leak(leak), .cfg_gain(gain),
        .status_busy(running), .status_done(run_done), .rate_q16(rate_q16)
    );

    sc_dense_layer_core #(.N_INPUTS(N_IN), .N_NEURONS(N_OUT), .DATA_WIDTH(16)) u_core (
        .clk(S_AXI_ACLK), .rst_n(S_AXI_ARESETN), .start_pulse(start_pulse),
        .stream_len(stream_len), .x_input_fp(x_input_fp), .weight_fp(weight_fp),
        .y_min_fp(y_min), .y_max_fp(y_max), .cfg_leak(leak), .cfg_gain(gain),
        .I_t(unused_current), .spikes(spikes), .step_valid(step_valid),
        .run_done(run_done), .running(running)
    );

    sc_firing_rate_bank #(.N_NEURONS(N_OUT), .CNT_WIDTH(16), .SCALE_WIDTH(32)) u_rates (
        .clk(S_AXI_ACLK), .rst_n(S_AXI_ARESETN), .spikes(spikes), .step_valid(step_valid),
        .run_active(running), .run_done(run_done), .SCALE_Q16(scale_q16), .rate_q16(rate_q16)
    );
endmodule
`default_nettype wire
