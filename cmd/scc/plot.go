package main

import (
	"bytes"
	"fmt"
	"image/color"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// netPlot is what `scc sim --plot` draws, independent of how it was
// simulated: a spike raster of every population, the recorded state
// traces, and population rates. Times are in ms.
type netPlot struct {
	Title  string
	Steps  int
	Dt     float64 // ms
	Raster []rasterPop
	Traces []plotTrace
	Rates  []plotRate
}

type rasterPop struct {
	Name   string
	Size   int
	Spikes [][2]int // (step, index)
}

type plotTrace struct {
	Label  string
	Every  int       // steps between samples; sample k is step (k+1)·Every
	Values []float64 // real units
}

type plotRate struct {
	Name string
	Bin  int       // steps per bin
	Hz   []float64 // per bin
}

// palette is a fixed colour cycle, so the figure is deterministic.
var palette = []color.Color{
	color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0xd6, 0x27, 0x28, 0xff},
	color.RGBA{0x2c, 0xa0, 0x2c, 0xff}, color.RGBA{0xff, 0x7f, 0x0e, 0xff},
	color.RGBA{0x94, 0x67, 0xbd, 0xff}, color.RGBA{0x8c, 0x56, 0x4b, 0xff},
}

// renderPlot draws p as SVG or PNG, chosen by the extension of path.
func renderPlot(path string, p *netPlot) ([]byte, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".svg" && ext != ".png" {
		return nil, usagef("--plot %s: the file must end in .svg or .png", path)
	}
	var rows []*plot.Plot
	if r, err := rasterPlot(p); err != nil {
		return nil, err
	} else {
		rows = append(rows, r)
	}
	if len(p.Traces) > 0 {
		tp, err := tracePlot(p)
		if err != nil {
			return nil, err
		}
		rows = append(rows, tp)
	}
	if len(p.Rates) > 0 {
		rp, err := ratePlot(p)
		if err != nil {
			return nil, err
		}
		rows = append(rows, rp)
	}
	w, h := 8*vg.Inch, vg.Length(len(rows))*3*vg.Inch
	var c vg.CanvasWriterTo
	if ext == ".svg" {
		c = vgsvg.New(w, h)
	} else {
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(96))}
	}
	grid := make([][]*plot.Plot, len(rows))
	for i, r := range rows {
		grid[i] = []*plot.Plot{r}
	}
	tiles := draw.Tiles{Rows: len(rows), Cols: 1, PadTop: vg.Points(4), PadBottom: vg.Points(4), PadX: vg.Points(4), PadY: vg.Points(8)}
	canvases := plot.Align(grid, tiles, draw.New(c))
	for i, r := range rows {
		r.Draw(canvases[i][0])
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// rasterPlot stacks the populations: population k's neuron i is drawn at
// row offset_k + i.
func rasterPlot(p *netPlot) (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = p.Title
	pl.X.Label.Text = "time (ms)"
	pl.Y.Label.Text = "neuron"
	pl.X.Min, pl.X.Max = 0, float64(p.Steps)*p.Dt
	offset := 0
	for k, rp := range p.Raster {
		pts := make(plotter.XYs, len(rp.Spikes))
		for i, s := range rp.Spikes {
			pts[i] = plotter.XY{X: float64(s[0]) * p.Dt, Y: float64(offset + s[1])}
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Shape = draw.BoxGlyph{}
		sc.GlyphStyle.Radius = vg.Points(0.6)
		sc.GlyphStyle.Color = palette[k%len(palette)]
		pl.Add(sc)
		pl.Legend.Add(fmt.Sprintf("%s (%d)", rp.Name, rp.Size), sc)
		offset += rp.Size
	}
	pl.Y.Min, pl.Y.Max = 0, float64(max(offset, 1))
	pl.Legend.Top = true
	return pl, nil
}

func tracePlot(p *netPlot) (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = "recorded states"
	pl.X.Label.Text = "time (ms)"
	pl.X.Min, pl.X.Max = 0, float64(p.Steps)*p.Dt
	for k, tr := range p.Traces {
		pts := make(plotter.XYs, len(tr.Values))
		for i, v := range tr.Values {
			pts[i] = plotter.XY{X: float64((i+1)*tr.Every) * p.Dt, Y: v}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color = palette[k%len(palette)]
		pl.Add(l)
		if k < 8 {
			pl.Legend.Add(tr.Label, l)
		}
	}
	pl.Legend.Top = true
	return pl, nil
}

func ratePlot(p *netPlot) (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = "population rates"
	pl.X.Label.Text = "time (ms)"
	pl.Y.Label.Text = "rate (Hz)"
	pl.X.Min, pl.X.Max = 0, float64(p.Steps)*p.Dt
	for k, r := range p.Rates {
		pts := make(plotter.XYs, len(r.Hz))
		for i, v := range r.Hz {
			pts[i] = plotter.XY{X: (float64(i) + 0.5) * float64(r.Bin) * p.Dt, Y: v}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color = palette[k%len(palette)]
		pl.Add(l)
		pl.Legend.Add(r.Name, l)
	}
	pl.Legend.Top = true
	return pl, nil
}
