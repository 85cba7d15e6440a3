// sc_mux_add: scaled stochastic addition, out = sel ? a : b.
// P(out) = P(sel)P(a) + (1-P(sel))P(b); (P(a)+P(b))/2 for P(sel) = 1/2.
`default_nettype none
module sc_mux_add (
    input  wire a,
    input  wire b,
    input  wire sel,
    output wire out
);
    assign out = sel ? a : b;
endmodule
`default_nettype wire
