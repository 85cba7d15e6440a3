// sc_axil_cfg: AXI4-Lite slave with the sc_neurocore register map
// (8-bit byte address, 32-bit data; reference §1.11). Synchronous
// active-low reset. BRESP/RRESP are always OKAY; WSTRB is ignored.
//
//   0x00 CTRL        W   bit0 = 1 sets cfg_start_pulse until the B handshake; reads 0
//   0x04 STATUS      R   {30'b0, status_done, status_busy}
//   0x10/14/18 X0..2 RW  16-bit Q8.8 in [15:0]
//   0x20/24/28 W0..2 RW  16-bit Q8.8
//   0x30 Y_MIN, 0x34 Y_MAX RW 16-bit; 0x40 STREAM_LEN, 0x44 DT_MS, 0x48 SCALE_Q16 RW 32-bit
//   0x50 LEAK, 0x54 GAIN RW 16-bit; 0x80..0x98 RATE0..6 R 32-bit; others read 0
//
// Handshakes (one transaction at a time per channel): when AWVALID and
// WVALID are both high and no response is pending, AWREADY and WREADY rise
// for one cycle; the register is written on that handshake edge and BVALID
// rises until BREADY. When ARVALID is high and no read data is pending,
// ARREADY rises for one cycle; RDATA is captured on that handshake edge and
// RVALID stays high until RREADY. 16-bit registers read zero-extended.
//
// Deviation: the configuration registers reset to 0 (the reference leaves
// them unreset, so reads before the first write return X).
`default_nettype none
module sc_axil_cfg (
    input  wire         S_AXI_ACLK,
    input  wire         S_AXI_ARESETN,
    input  wire [7:0]   S_AXI_AWADDR,
    input  wire         S_AXI_AWVALID,
    output reg          S_AXI_AWREADY,
    input  wire [31:0]  S_AXI_WDATA,
    input  wire [3:0]   S_AXI_WSTRB,
    input  wire         S_AXI_WVALID,
    output reg          S_AXI_WREADY,
    output wire [1:0]   S_AXI_BRESP,
    output reg          S_AXI_BVALID,
    input  wire         S_AXI_BREADY,
    input  wire [7:0]   S_AXI_ARADDR,
    input  wire         S_AXI_ARVALID,
    output reg          S_AXI_ARREADY,
    output reg  [31:0]  S_AXI_RDATA,
    output wire [1:0]   S_AXI_RRESP,
    output reg          S_AXI_RVALID,
    input  wire         S_AXI_RREADY,
    output reg          cfg_start_pulse,
    output wire [47:0]  cfg_x_input_fp,
    output wire [47:0]  cfg_weight_fp,
    output reg  [15:0]  cfg_y_min,
    output reg  [15:0]  cfg_y_max,
    output reg  [31:0]  cfg_stream_len,
    output reg  [31:0]  cfg_scale_q16,
    output reg  [15:0]  cfg_leak,
    output reg  [15:0]  cfg_gain,
    input  wire         status_busy,
    input  wire         status_done,
    input  wire [223:0] rate_q16
);
    reg [15:0] x0, x1, x2, w0, w1, w2;
    reg [31:0] dt_ms;
    reg [31:0] rdata;

    wire unused_wstrb = ^S_AXI_WSTRB;
    wire wr_start = S_AXI_AWVALID && S_AXI_WVALID && !S_AXI_AWREADY && !S_AXI_BVALID;
    wire wr_fire  = S_AXI_AWREADY && S_AXI_AWVALID && S_AXI_WREADY && S_AXI_WVALID;
    wire rd_start = S_AXI_ARVALID && !S_AXI_ARREADY && !S_AXI_RVALID;
    wire rd_fire  = S_AXI_ARREADY && S_AXI_ARVALID;

    assign S_AXI_BRESP    = 2'b00;
    assign S_AXI_RRESP    = 2'b00;
    assign cfg_x_input_fp = {x2, x1, x0};
    assign cfg_weight_fp  = {w2, w1, w0};

    always @* begin
        case (S_AXI_ARADDR)
            8'h04:   rdata = {30'd0, status_done, status_busy};
            8'h10:   rdata = {16'd0, x0};
            8'h14:   rdata = {16'd0, x1};
            8'h18:   rdata = {16'd0, x2};
            8'h20:   rdata = {16'd0, w0};
            8'h24:   rdata = {16'd0, w1};
            8'h28:   rdata = {16'd0, w2};
            8'h30:   rdata = {16'd0, cfg_y_min};
            8'h34:   rdata = {16'd0, cfg_y_max};
            8'h40:   rdata = cfg_stream_len;
            8'h44:   rdata = dt_ms;
            8'h48:   rdata = cfg_scale_q16;
            8'h50:   rdata = {16'd0, cfg_leak};
            8'h54:   rdata = {16'd0, cfg_gain};
            8'h80:   rdata = rate_q16[0*32 +: 32];
            8'h84:   rdata = rate_q16[1*32 +: 32];
            8'h88:   rdata = rate_q16[2*32 +: 32];
            8'h8C:   rdata = rate_q16[3*32 +: 32];
            8'h90:   rdata = rate_q16[4*32 +: 32];
            8'h94:   rdata = rate_q16[5*32 +: 32];
            8'h98:   rdata = rate_q16[6*32 +: 32];
            default: rdata = 32'd0;
        endcase
    end

    always @(posedge S_AXI_ACLK) begin
        if (!S_AXI_ARESETN) begin
            S_AXI_AWREADY   <= 1'b0;
            S_AXI_WREADY    <= 1'b0;
            S_AXI_BVALID    <= 1'b0;
            S_AXI_ARREADY   <= 1'b0;
            S_AXI_RVALID    <= 1'b0;
            S_AXI_RDATA     <= 32'd0;
            cfg_start_pulse <= 1'b0;
            x0 <= 16'd0; x1 <= 16'd0; x2 <= 16'd0;
            w0 <= 16'd0; w1 <= 16'd0; w2 <= 16'd0;
            cfg_y_min <= 16'd0; cfg_y_max <= 16'd0;
            cfg_stream_len <= 32'd0; dt_ms <= 32'd0; cfg_scale_q16 <= 32'd0;
            cfg_leak <= 16'd0; cfg_gain <= 16'd0;
        end else begin
            // Write channel.
            S_AXI_AWREADY <= wr_start;
            S_AXI_WREADY  <= wr_start;
            if (S_AXI_BVALID && S_AXI_BREADY) begin
                S_AXI_BVALID    <= 1'b0;
                cfg_start_pulse <= 1'b0;
            end
            if (wr_fire) begin
                S_AXI_BVALID <= 1'b1;
                case (S_AXI_AWADDR)
                    8'h00: if (S_AXI_WDATA[0]) cfg_start_pulse <= 1'b1;
                    8'h10: x0 <= S_AXI_WDATA[15:0];
                    8'h14: x1 <= S_AXI_WDATA[15:0];
                    8'h18: x2 <= S_AXI_WDATA[15:0];
                    8'h20: w0 <= S_AXI_WDATA[15:0];
                    8'h24: w1 <= S_AXI_WDATA[15:0];
                    8'h28: w2 <= S_AXI_WDATA[15:0];
                    8'h30: cfg_y_min <= S_AXI_WDATA[15:0];
                    8'h34: cfg_y_max <= S_AXI_WDATA[15:0];
                    8'h40: cfg_stream_len <= S_AXI_WDATA;
                    8'h44: dt_ms <= S_AXI_WDATA;
                    8'h48: cfg_scale_q16 <= S_AXI_WDATA;
                    8'h50: cfg_leak <= S_AXI_WDATA[15:0];
                    8'h54: cfg_gain <= S_AXI_WDATA[15:0];
                    default: ;
                endcase
            end
            // Read channel.
            S_AXI_ARREADY <= rd_start;
            if (S_AXI_RVALID && S_AXI_RREADY) begin
                S_AXI_RVALID <= 1'b0;
            end
            if (rd_fire) begin
                S_AXI_RVALID <= 1'b1;
                S_AXI_RDATA  <= rdata;
            end
        end
    end
endmodule
`default_nettype wire
