// sc_axis_interface: AXI-Stream bridge between bulk bitstream words and a
// layer (reference §1.13), synchronous active-high reset.
// Slave side: a one-word buffer presented to the layer as
// layer_input_data/layer_input_valid; s_axis_tready = !buffer_valid ||
// layer_input_ready, so the buffer refills on the cycle the layer takes it.
// An accepted word's TLAST is captured. Master side: layer_output_valid
// loads layer_output_data (zero-extended) into m_axis_tdata, sets
// m_axis_tvalid and m_axis_tlast = the captured TLAST; m_axis_tvalid clears
// on m_axis_tready. One result per input word; a result that arrives while
// the previous one is still unaccepted replaces it (the layer has no stall).
// N_INPUTS is kept for interface compatibility with the reference.
`default_nettype none
module sc_axis_interface #(
    parameter integer DATA_WIDTH = 64,
    /* verilator lint_off UNUSEDPARAM */
    parameter integer N_INPUTS   = 4,
    /* verilator lint_on UNUSEDPARAM */
    parameter integer N_NEURONS  = 8
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  s_axis_tlast,
    output reg  [DATA_WIDTH-1:0] m_axis_tdata,
    output reg                   m_axis_tvalid,
    input  wire                  m_axis_tready,
    output reg                   m_axis_tlast,
    output reg  [DATA_WIDTH-1:0] layer_input_data,
    output reg                   layer_input_valid,
    input  wire                  layer_input_ready,
    input  wire [N_NEURONS-1:0]  layer_output_data,
    input  wire                  layer_output_valid
);
    reg last_q;

    assign s_axis_tready = !layer_input_valid || layer_input_ready;

    always @(posedge clk) begin
        if (rst) begin
            layer_input_data  <= {DATA_WIDTH{1'b0}};
            layer_input_valid <= 1'b0;
            last_q            <= 1'b0;
            m_axis_tdata      <= {DATA_WIDTH{1'b0}};
            m_axis_tvalid     <= 1'b0;
            m_axis_tlast      <= 1'b0;
        end else begin
            if (s_axis_tvalid && s_axis_tready) begin
                layer_input_data  <= s_axis_tdata;
                layer_input_valid <= 1'b1;
                last_q            <= s_axis_tlast;
            end else if (layer_input_ready) begin
                layer_input_valid <= 1'b0;
            end
            if (layer_output_valid) begin
                m_axis_tdata  <= {{(DATA_WIDTH-N_NEURONS){1'b0}}, layer_output_data};
                m_axis_tvalid <= 1'b1;
                m_axis_tlast  <= last_q;
            end else if (m_axis_tready) begin
                m_axis_tvalid <= 1'b0;
            end
        end
    end
endmodule
`default_nettype wire
