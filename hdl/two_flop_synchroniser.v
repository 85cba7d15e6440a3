// two_flop_synchroniser: single-bit clock-domain-crossing synchroniser,
// async_in -> meta_q -> sync_out in the dst_clk domain, both flops reset
// asynchronously to 0. sync_out is async_in delayed by two dst_clk edges.
`default_nettype none
module two_flop_synchroniser (
    input  wire dst_clk,
    input  wire rst_n,
    input  wire async_in,
    output reg  sync_out
);
    (* ASYNC_REG = "TRUE" *) reg meta_q;

    always @(posedge dst_clk or negedge rst_n) begin
        if (!rst_n) begin
            meta_q   <= 1'b0;
            sync_out <= 1'b0;
        end else begin
            meta_q   <= async_in;
            sync_out <= meta_q;
        end
    end
endmodule
`default_nettype wire
