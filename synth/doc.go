// Package synth sizes RTL with Yosys 0.23 (synth_xilinx -family xc7 for
// the Xilinx 7 series, synth_ice40 -device u for the iCE40 UltraPlus) and
// checks it against the resources of a target device (device.go): LUTs,
// flip-flops, carry cells, DSP blocks, block RAM and SPRAM. It serves the
// architecture choice of `scc build` on networks (DESIGN §4.2: Pack and Fit
// size an estimate's memories before any synthesis) and `scc build
// --report` (Run: one yosys run, per kept module and in total).
//
// It imports nothing from scc. yosys is found on PATH; a missing yosys is
// an error naming `apt-get install yosys`. Run works in a temp directory,
// runs yosys in its own process group (killed as a whole when the context
// ends) and parses `stat -json`. The counts depend only on the source and
// the options.
package synth
