package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// smallNet exercises every part of the instance: per-neuron initial
// values, a uniform override, a Poisson source, random, fixed in-degree
// and all-to-all connectors, per-synapse weights and delays, delays in
// steps and in ms, excitation and inhibition, state and rate records.
const smallNet = `network Small {
    dt 0.1 ms
    pop exc = DeltaLIF[80] { v = uniform(-70 mV, -56 mV, seed = 3); I_e = 300 pA }
    pop inh = DeltaLIF[20] { v = uniform(-70 mV, -56 mV, seed = 4) }
    source kick = poisson(rate = 200 Hz, seed = 5)[40]
    proj k = kick -> exc.J random(p = 0.2, seed = 6) { w = 1.5 mV; delay uniform(1, 4, seed = 7) steps }
    proj ki = kick -> inh.J random(p = 0.2, seed = 8) { w = 1.5 mV }
    proj ee = exc -> exc.J fixed_indegree(k = 8, seed = 9) { w = uniform(0.2 mV, 1 mV, seed = 10); delay 0.3 ms }
    proj ei = exc -> inh.J random(p = 0.1, seed = 11) { w = 0.8 mV; delay 2 steps }
    proj ie = inh -> exc.J all_to_all { w = -0.5 mV; delay 1 steps }
    record exc[0:4] v every 2 steps
    record inh rate every 50 steps
    record exc[10:20] spikes
}
`

var summaryRow = regexp.MustCompile(`(?m)^\s*(\w+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+(\S+)\s*$`)

// popCounts parses the per-population spike counts of scc sim's summary.
func popCounts(t *testing.T, out string) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, r := range summaryRow.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(r[3])
		m[r[1]] = n
	}
	return m
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// TestNetSimOutputs: scc sim on a network prints every population; the
// spike CSV, the VCD and the summary agree spike for spike; the state and
// rate records have one row per sample; the figure is written.
func TestNetSimOutputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "small.snn")
	writeFiles(t, map[string]string{src: smallNet})
	out := filepath.Join(dir, "out")
	vcd, svg := filepath.Join(dir, "run.vcd"), filepath.Join(dir, "run.svg")
	for _, float := range []bool{false, true} {
		args := []string{"sim", src, "--steps", "1000", "--csv", out, "--vcd", vcd, "--plot", svg}
		if float {
			args = append(args, "--float")
		}
		code, stdout, stderr := scc(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		counts := popCounts(t, stdout)
		for _, p := range []string{"exc", "inh", "kick"} {
			if counts[p] == 0 {
				t.Fatalf("float=%v: population %s: no spikes or no row:\n%s", float, p, stdout)
			}
		}
		rows := readCSV(t, filepath.Join(out, "spikes.csv"))
		got := map[string]int{}
		last := 0
		for _, r := range rows[1:] {
			step, _ := strconv.Atoi(r[0])
			if step < last || step < 1 || step > 1000 {
				t.Fatalf("spikes.csv: step %d after %d", step, last)
			}
			last = step
			got[r[1]]++
		}
		for p, n := range counts {
			if got[p] != n {
				t.Errorf("float=%v: %s: %d spikes in spikes.csv, summary says %d", float, p, got[p], n)
			}
		}
		v, err := os.ReadFile(vcd)
		if err != nil {
			t.Fatal(err)
		}
		ones := 0
		inDump := false
		for _, l := range strings.Split(string(v), "\n") {
			if l == "$dumpvars" {
				inDump = true
			}
			if l == "$end" && inDump {
				inDump = false
			}
			if !inDump && strings.HasPrefix(l, "1") && !strings.Contains(l, " ") {
				ones++
			}
		}
		if total := counts["exc"] + counts["inh"] + counts["kick"]; ones != total {
			t.Errorf("float=%v: VCD has %d spike rises, summary %d spikes", float, ones, total)
		}
		state := readCSV(t, filepath.Join(out, "record0_exc_state.csv"))
		if len(state) != 1+500 || len(state[0]) != 1+4 {
			t.Errorf("state record: %d rows × %d columns, want 501 × 5", len(state), len(state[0]))
		}
		rate := readCSV(t, filepath.Join(out, "record1_inh_rate.csv"))
		sum := 0
		for _, r := range rate[1:] {
			n, _ := strconv.Atoi(r[1])
			sum += n
		}
		if len(rate) != 1+20 || sum != counts["inh"] {
			t.Errorf("rate record: %d bins holding %d spikes, want 20 bins holding %d", len(rate)-1, sum, counts["inh"])
		}
		slice := 0
		for _, r := range rows[1:] {
			if i, _ := strconv.Atoi(r[2]); r[1] == "exc" && i >= 10 && i < 20 {
				slice++
			}
		}
		rec := readCSV(t, filepath.Join(out, "record2_exc_spikes.csv"))
		if len(rec)-1 != slice || slice == 0 {
			t.Errorf("spike record of exc[10:20]: %d rows, spikes.csv has %d of the slice", len(rec)-1, slice)
		}
		if fi, err := os.Stat(svg); err != nil || fi.Size() < 1000 {
			t.Errorf("figure: %v", err)
		}
	}
}

// TestNetExportIsTheInstance: the exported instance, loaded back into
// scc as sparse connection files, per-neuron value files and spike-file
// sources, runs spike for spike like the original in both arithmetics:
// the export holds exactly the network the golden model runs.
func TestNetExportIsTheInstance(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "small.snn")
	writeFiles(t, map[string]string{src: smallNet})
	exp := filepath.Join(dir, "export")
	if code, _, stderr := scc(t, "net", "export", src, "-o", exp, "--steps", "1000"); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	var man exportManifest
	js, err := os.ReadFile(filepath.Join(exp, "network.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &man); err != nil {
		t.Fatal(err)
	}
	if man.DtMs != 0.1 || len(man.Populations) != 3 || len(man.Projections) != 5 || man.Populations[0].Params["I_e"] != 0.3 {
		t.Fatalf("manifest: %+v", man)
	}
	// Rebuild the network from the files alone.
	var b strings.Builder
	b.WriteString("network Small {\n    dt 0.1 ms\n")
	for _, p := range man.Populations {
		switch p.Kind {
		case "neuron":
			// The Func is DeltaLIF with the population's overrides.
			override := ""
			if ie := p.Params["I_e"]; ie != 0 {
				override = fmt.Sprintf("; I_e = %g nA", ie)
			}
			fmt.Fprintf(&b, "    pop %s = DeltaLIF[%d] { v = file(%q, column = \"v\")%s }\n", p.Name, p.Size, filepath.Join(exp, p.Values), override)
		case "source":
			fmt.Fprintf(&b, "    source %s = spikes(file = %q)[%d]\n", p.Name, filepath.Join(exp, p.Spikes), p.Size)
		}
	}
	for _, pr := range man.Projections {
		// scc's sparse rows are pre,post,w,delay in steps; the export's
		// delay is in ms (PyNN's and Brian2's unit).
		rows := readCSV(t, filepath.Join(exp, pr.File))
		if len(rows)-1 != pr.Synapses {
			t.Fatalf("%s: %d rows, manifest says %d synapses", pr.File, len(rows)-1, pr.Synapses)
		}
		var sb strings.Builder
		sb.WriteString("pre,post,w,delay\n")
		for _, r := range rows[1:] {
			ms, _ := strconv.ParseFloat(r[3], 64)
			fmt.Fprintf(&sb, "%s,%s,%s,%d\n", r[0], r[1], r[2], int(math.Round(ms/0.1)))
		}
		sparse := filepath.Join(dir, "re_"+pr.Name+".csv")
		writeFiles(t, map[string]string{sparse: sb.String()})
		fmt.Fprintf(&b, "    proj %s = %s -> %s.%s sparse(file = %q)\n", pr.Name, pr.Pre, pr.Post, pr.Port, sparse)
	}
	b.WriteString("}\n")
	re := filepath.Join(dir, "reloaded.snn")
	writeFiles(t, map[string]string{re: b.String()})
	for _, float := range []string{"", "--float"} {
		var spikes []string
		for _, f := range []string{src, re} {
			out := filepath.Join(t.TempDir(), "csv")
			args := []string{"sim", f, "--steps", "1000", "--csv", out}
			if float != "" {
				args = append(args, float)
			}
			if code, _, stderr := scc(t, args...); code != 0 {
				t.Fatalf("%v: exit %d\n%s\n%s", args, code, stderr, b.String())
			}
			data, err := os.ReadFile(filepath.Join(out, "spikes.csv"))
			if err != nil {
				t.Fatal(err)
			}
			spikes = append(spikes, string(data))
		}
		if n := strings.Count(spikes[0], "\n"); n < 200 {
			t.Fatalf("%s: only %d spikes: the comparison would be weak", float, n)
		}
		if spikes[0] != spikes[1] {
			t.Errorf("%s: the network rebuilt from its export spikes differently", float)
		}
	}
}

// TestNetInfo: scc net info's synapse counts and in-degrees agree with a
// count over the exported connection lists.
func TestNetInfo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "small.snn")
	writeFiles(t, map[string]string{src: smallNet})
	code, info, stderr := scc(t, "net", "info", src)
	if code != 0 {
		t.Fatalf("info: exit %d\n%s", code, stderr)
	}
	exp := filepath.Join(dir, "export")
	if code, _, stderr := scc(t, "net", "export", src, "-o", exp); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	indeg := map[string]map[string]int{} // post pop → neuron → count
	total := 0
	for _, name := range []string{"k", "ki", "ee", "ei", "ie"} {
		rows := readCSV(t, filepath.Join(exp, "proj_"+name+".csv"))
		post := map[string]string{"k": "exc", "ki": "inh", "ee": "exc", "ei": "inh", "ie": "exc"}[name]
		if indeg[post] == nil {
			indeg[post] = map[string]int{}
		}
		for _, r := range rows[1:] {
			indeg[post][r[1]]++
		}
		total += len(rows) - 1
		if !regexp.MustCompile(fmt.Sprintf(`(?m)^%s\s.*\s%d\s`, name, len(rows)-1)).MatchString(info) {
			t.Errorf("info lacks projection %s with %d synapses:\n%s", name, len(rows)-1, info)
		}
	}
	if !strings.Contains(info, fmt.Sprintf("%d synapses in 5 projections", total)) {
		t.Errorf("info does not count %d synapses:\n%s", total, info)
	}
	for post, m := range indeg {
		best := 0
		for _, n := range m {
			best = max(best, n)
		}
		if !regexp.MustCompile(fmt.Sprintf(`(?m)^%s\.J\s+\S+\s+\d+\s+\d+\s+%d\s`, post, best)).MatchString(info) {
			t.Errorf("info: %s.J max in-degree is not %d:\n%s", post, best, info)
		}
	}
}

// TestNetPerNeuronParams: a population whose neurons have their own
// parameter values (one generic Func, per-neuron words) spikes neuron for
// neuron like populations of one neuron each with that value as a uniform
// override (each its own specialised Func), over the same declared range.
func TestNetPerNeuronParams(t *testing.T) {
	t.Parallel()
	const model = `model L {
    dt 0.1 ms
    rounding half_even
    param tau = 10 ms in [5 ms, 20 ms]
    param I = 2 mV in [0 mV, 4 mV]
    state v : mV = 0 mV in [-10 mV, 10 mV]
    v' = v * exp(-dt / tau) + I * (1 - exp(-dt / tau))
    spike when v >= 1 mV { v = 0 mV }
}
`
	taus := []string{"5.5", "7.25", "12", "19.5"}
	dir := t.TempDir()
	one := model + "network N {\n    dt 0.1 ms\n    pop a = L[4] { tau = file(\"tau.csv\") }\n}\n"
	sep := model + "network N {\n    dt 0.1 ms\n"
	for i, tau := range taus {
		sep += fmt.Sprintf("    pop a%d = L[1] { tau = %s ms }\n", i, tau)
	}
	sep += "}\n"
	writeFiles(t, map[string]string{
		filepath.Join(dir, "one.snn"): one, filepath.Join(dir, "sep.snn"): sep,
		filepath.Join(dir, "tau.csv"): strings.Join(taus, "\n") + "\n",
	})
	for _, float := range []string{"", "--float"} {
		spikes := map[string][]string{}
		for _, f := range []string{"one", "sep"} {
			out := filepath.Join(t.TempDir(), "csv")
			args := []string{"sim", filepath.Join(dir, f+".snn"), "--steps", "3000", "--csv", out}
			if float != "" {
				args = append(args, float)
			}
			if code, _, stderr := scc(t, args...); code != 0 {
				t.Fatalf("%v: exit %d\n%s", args, code, stderr)
			}
			for _, r := range readCSV(t, filepath.Join(out, "spikes.csv"))[1:] {
				i := r[2]
				if f == "sep" {
					i = strings.TrimPrefix(r[1], "a")
				}
				spikes[f] = append(spikes[f], r[0]+","+i)
			}
		}
		if len(spikes["one"]) < 20 {
			t.Fatalf("%s: %d spikes: too few to compare", float, len(spikes["one"]))
		}
		if strings.Join(spikes["one"], " ") != strings.Join(spikes["sep"], " ") {
			t.Errorf("%s: per-neuron tau differs from one population per value:\n%v\n%v", float, spikes["one"], spikes["sep"])
		}
	}
}

// TestNetSimWeights: scc sim --csv writes the final weights of a plastic
// projection, one row per synapse in the instance's order, inside the
// rule's range, and plasticity moved them from their initial values.
func TestNetSimWeights(t *testing.T) {
	t.Parallel()
	src := filepath.Join("..", "..", "examples", "stdp.snn")
	dir := t.TempDir()
	runs := map[string][][]string{}
	for _, steps := range []string{"1", "5000"} {
		out := filepath.Join(dir, steps)
		if code, _, stderr := scc(t, "sim", src, "--steps", steps, "--csv", out); code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		files, _ := filepath.Glob(filepath.Join(out, "weights_*.csv"))
		if len(files) != 1 {
			t.Fatalf("weight files %v, want one", files)
		}
		runs[steps] = readCSV(t, files[0])
	}
	a, b := runs["1"], runs["5000"]
	if len(a) != 1001 || len(b) != 1001 || strings.Join(a[0], ",") != "pre,post,w" {
		t.Fatalf("%d and %d rows, header %v; want 1000 synapses", len(a)-1, len(b)-1, a[0])
	}
	moved := 0
	for i := 1; i < len(a); i++ {
		if a[i][0] != b[i][0] || a[i][1] != b[i][1] || a[i][0] != strconv.Itoa(i-1) {
			t.Fatalf("row %d: synapse %v then %v", i, a[i][:2], b[i][:2])
		}
		w, _ := strconv.ParseFloat(b[i][2], 64)
		if w < 0 || w > 16 {
			t.Fatalf("row %d: weight %g outside [0, gmax]", i, w)
		}
		if a[i][2] != b[i][2] {
			moved++
		}
	}
	if moved < 500 {
		t.Errorf("only %d of 1000 weights moved in 5000 steps", moved)
	}
}

// TestNetRulePostTraceOnly: a rule with only a post trace reads it (as
// input 1 of its event models, whatever the pre side declares): it ends
// with the weights of the same rule with an unused pre trace, and they
// moved (before the fix its on-pre body read 0 for the post trace).
func TestNetRulePostTraceOnly(t *testing.T) {
	t.Parallel()
	const body = `model N {
    dt 1 ms
    input J in [-16, 16]
    state v = 0 in [-20, 20]
    v' = v + J + 0.5
    spike when v >= 5 { v = 0 }
}
synapse R {
    state w in [0, 8]
    %s
    trace post y decay 20 ms add 1
    on pre { w = clip(w - y, 0, 8) }
}
network T {
    dt 1 ms
    source s = poisson(rate = 100 Hz, seed = 3)[4]
    pop n = N[2]
    proj p = s -> n.J all_to_all with R { w = 4 }
}
`
	dir := t.TempDir()
	writeFiles(t, map[string]string{
		filepath.Join(dir, "a.snn"): fmt.Sprintf(body, "trace pre x decay 20 ms add 1"),
		filepath.Join(dir, "b.snn"): fmt.Sprintf(body, ""),
	})
	for _, float := range []string{"", "--float"} {
		var ws []string
		for _, f := range []string{"a", "b"} {
			out := filepath.Join(t.TempDir(), "csv")
			args := []string{"sim", filepath.Join(dir, f+".snn"), "--steps", "300", "--csv", out}
			if float != "" {
				args = append(args, float)
			}
			if code, _, stderr := scc(t, args...); code != 0 {
				t.Fatalf("%v: exit %d\n%s", args, code, stderr)
			}
			b, err := os.ReadFile(filepath.Join(out, "weights_p.csv"))
			if err != nil {
				t.Fatal(err)
			}
			ws = append(ws, string(b))
		}
		if ws[0] != ws[1] {
			t.Errorf("%s: post-trace-only rule differs:\n%s\n%s", float, ws[0], ws[1])
		}
		if strings.Count(ws[1], ",4\n") == 8 {
			t.Errorf("%s: no weight moved:\n%s", float, ws[1])
		}
	}
}
