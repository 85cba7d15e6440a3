package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"scc/models"
)

// agreementOf reads the spike-time agreement a report printed.
func agreementOf(t *testing.T, out string) float64 {
	t.Helper()
	m := regexp.MustCompile(`spike-time agreement: ([0-9.]+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no agreement line in report:\n%s", out)
	}
	a, _ := strconv.ParseFloat(m[1], 64)
	return a
}

// TestReportEveryModel runs `scc report` with its default settings on
// every library model: the spike-time agreement it prints, to 3 decimals,
// is the model's agreement certificate. It also holds the biophysical models' bar:
// every biophysical library model reaches ≥ 95% agreement with its float64
// model under its default stimulus (the measurement runs both models;
// nothing is hard-coded), and the budget flag passes.
func TestReportEveryModel(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs 40,000 steps of each model twice")
	}
	bar := map[string]bool{}
	for _, m := range []string{"adex", "exp_if", "hodgkin_huxley", "morris_lecar", "wang_buzsaki", "connor_stevens", "izhikevich", "coba_lif"} {
		bar[m+".snn"] = true
	}
	var mu sync.Mutex
	measured := map[string]string{}
	t.Cleanup(func() { certify(t, models.ColAgreement, measured) })
	for _, m := range models.Names() {
		t.Run(m, func(t *testing.T) {
			t.Parallel()
			args := []string{"report", filepath.Join("..", "..", "models", m)}
			if bar[m] {
				args = append(args, "--budget", "0.95") // judges the agreement, measures the same
			}
			code, out, errs := scc(t, args...)
			if code != 0 {
				t.Fatalf("scc %s = exit %d, want 0\n%s%s", strings.Join(args, " "), code, out, errs)
			}
			a := agreementOf(t, out)
			if bar[m] && a < 0.95 {
				t.Errorf("agreement %g, want ≥ 0.95", a)
			}
			mu.Lock()
			measured[m] = fmt.Sprintf("%.3f", a)
			mu.Unlock()
		})
	}
}

// TestReportBudgetFails: plain Q8.8 LIF misses spike times by more than a
// step, so a 0.95 budget exits 1 and says why; the report names formats,
// ranges and tables.
func TestReportBudgetFails(t *testing.T) {
	t.Parallel()
	lif := filepath.Join("..", "..", "models", "lif.snn")
	code, out, errs := scc(t, "report", lif, "--steps", "3000", "--seeds", "2", "--budget", "0.95")
	if code != 1 || !strings.Contains(errs, "below the budget 0.95") {
		t.Fatalf("scc report lif --budget 0.95 = exit %d, stderr %q; want 1 and a budget message", code, errs)
	}
	if !strings.Contains(out, "v      q8.8    [-90, 0]") {
		t.Errorf("report lacks v's format and proven range:\n%s", out)
	}
	code, out, _ = scc(t, "report", filepath.Join("..", "..", "models", "morris_lecar.snn"), "--steps", "500", "--seeds", "1")
	if code != 0 || !strings.Contains(out, "f(v)") || !strings.Contains(out, "q8.24") {
		t.Errorf("scc report morris_lecar = exit %d, want 0 with tables and per-state formats:\n%s", code, out)
	}
	if code, _, _ := scc(t, "report", lif, "--budget", "2"); code != 2 {
		t.Errorf("scc report --budget 2 = exit %d, want 2 (bad usage)", code)
	}
}
