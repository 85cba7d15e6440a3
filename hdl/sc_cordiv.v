// sc_cordiv: CORDIV stochastic divider (Li, Qian, Riedel, Bazargan 2014).
// Per clock: z <= 1 if x, else 0 if y, else hold. For correlated streams
// with P(x) <= P(y), P(z) converges to P(x)/P(y). rst is active high and
// asynchronous.
`default_nettype none
module sc_cordiv (
    input  wire clk,
    input  wire rst,
    input  wire x,
    input  wire y,
    output reg  z
);
    always @(posedge clk or posedge rst) begin
        if (rst) begin
            z <= 1'b0;
        end else if (x) begin
            z <= 1'b1;
        end else if (y) begin
            z <= 1'b0;
        end
    end
endmodule
`default_nettype wire
