// sc_bitstream_synapse: unipolar stochastic multiply, post_bit = pre_bit & w_bit.
`default_nettype none
module sc_bitstream_synapse (
    input  wire pre_bit,
    input  wire w_bit,
    output wire post_bit
);
    assign post_bit = pre_bit & w_bit;
endmodule
`default_nettype wire
