package main

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
)

// TestRenderPlot draws a small figure as SVG and PNG with gonum/plot: the
// SVG is deterministic and has every panel and legend, the PNG decodes at
// the size asked for.
func TestRenderPlot(t *testing.T) {
	p := &netPlot{
		Title: "N", Steps: 100, Dt: 0.1,
		Raster: []rasterPop{{Name: "exc", Size: 4, Spikes: [][2]int{{3, 0}, {10, 2}, {50, 3}}}, {Name: "inh", Size: 2, Spikes: [][2]int{{7, 1}}}},
		Traces: []plotTrace{{Label: "exc[0].v", Every: 1, Values: []float64{-65, -64, -63}}},
		Rates:  []plotRate{{Name: "exc", Bin: 10, Hz: []float64{0, 250, 0}}},
	}
	svg, err := renderPlot("x.svg", p)
	if err != nil {
		t.Fatal(err)
	}
	again, err := renderPlot("y.SVG", p)
	if err != nil || !bytes.Equal(svg, again) {
		t.Fatalf("SVG not deterministic (err %v)", err)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(svg), []byte("<?xml")) && !bytes.Contains(svg[:200], []byte("<svg")) {
		t.Fatalf("not an SVG: %.100s", svg)
	}
	for _, s := range []string{"exc (4)", "inh (2)", "population rates", "recorded states", "time (ms)"} {
		if !strings.Contains(string(svg), s) {
			t.Errorf("SVG lacks %q", s)
		}
	}
	pngData, err := renderPlot("x.png", p)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 8*96 || b.Dy() != 3*3*96 {
		t.Errorf("PNG is %v, want 768×864", b)
	}
	if _, err := renderPlot("x.jpg", p); err == nil {
		t.Error("x.jpg: no error")
	}
}
