package synth

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteTable prints r as a table: one row per module (its own cells, one
// instance, and the instance count) and the total, in the resources of
// d's family, with d's capacity and the fraction used.
func WriteTable(w io.Writer, r *Report, d Device) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	blk := r.Family.BlockName()
	head := "module\tinst\tLUT\tFF\tcarry\tDSP\t" + blk + "\t"
	if r.Family == ICE40 {
		head += "SPRAM\t"
	}
	fmt.Fprintln(tw, head)
	row := func(name, inst string, u Usage) {
		carry := Group(int64(u.Carry))
		if u.Carry < 0 {
			carry = "-"
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t", name, inst, Group(int64(u.LUT)), Group(int64(u.FF)),
			carry, Group(int64(u.DSP)), num(u.Block))
		if r.Family == ICE40 {
			line += fmt.Sprintf("%d\t", u.SPRAM)
		}
		fmt.Fprintln(tw, line)
	}
	for _, m := range r.Modules {
		row(m.Name, fmt.Sprint(m.Count), m.Own)
	}
	row("total", "", r.Total)
	cap := Usage{LUT: d.LUT, FF: d.FF, Carry: -1, DSP: d.DSP, Block: float64(d.Block), SPRAM: d.SPRAM}
	row(d.Name, "", cap)
	pct := func(a, b float64) string {
		if b == 0 {
			if a == 0 {
				return "-"
			}
			return "∞"
		}
		return fmt.Sprintf("%.1f%%", 100*a/b)
	}
	line := fmt.Sprintf("used\t\t%s\t%s\t\t%s\t%s\t", pct(float64(r.Total.LUT), float64(d.LUT)), pct(float64(r.Total.FF), float64(d.FF)),
		pct(float64(r.Total.DSP), float64(d.DSP)), pct(r.Total.Block, float64(d.Block)))
	if r.Family == ICE40 {
		line += pct(float64(r.Total.SPRAM), float64(d.SPRAM)) + "\t"
	}
	fmt.Fprintln(tw, line)
	return tw.Flush()
}
