package models

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CERTIFICATES is the measured record of every library model: one row per
// model, one column per measurement. The test that measures a column
// asserts it (a difference fails the test) and rewrites it under
// -update-certificates, so the file never claims what no test measured.
//
//go:embed CERTIFICATES
var certText string

// Columns of CERTIFICATES, in file order.
const (
	ColModel     = "model"     // the library file, as Names spells it
	ColCosim     = "cosim"     // steps co-simulated bit-exact under both simulators
	ColProps     = "props"     // generated properties
	ColProven    = "proven"    // of those, PROVEN
	ColBounded   = "bounded"   // BOUNDED
	ColFailed    = "failed"    // FAILED
	ColAgreement = "agreement" // spike-time agreement with float64, 3 decimals
)

// Columns lists the columns of CERTIFICATES in file order.
var Columns = []string{ColModel, ColCosim, ColProps, ColProven, ColBounded, ColFailed, ColAgreement}

// NotRun is the value of a column no test has measured for the model.
const NotRun = "-"

// Cert is one library model's certificate: what the tests measured.
type Cert struct {
	Model string // e.g. "lif.snn"
	// CosimSteps is the number of steps of seeded random input the RTL ran
	// bit-exact against the golden model under both Icarus Verilog and
	// Verilator; 0: not co-simulated.
	CosimSteps int
	// Formal reports whether the prover ran; then Props properties were
	// generated and Proven, Bounded and Failed of them had that verdict
	// (the rest were unknown).
	Formal                         bool
	Props, Proven, Bounded, Failed int
	// HasAgreement reports whether Agreement was measured: the spike-time
	// agreement of the bit-true model with float64 that `scc report`
	// prints with its default settings, rounded to 3 decimals.
	HasAgreement bool
	Agreement    float64
}

// certTable is a parsed CERTIFICATES: the comment block kept verbatim, one
// row (column → value) per model.
type certTable struct {
	comment string
	rows    map[string]map[string]string
}

// parseCertificates parses the file's text: '#' comment lines, a header
// naming Columns, then one whitespace-separated row per model.
func parseCertificates(text string) (*certTable, error) {
	t := &certTable{rows: map[string]map[string]string{}}
	header := false
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "#"):
			if header {
				return nil, fmt.Errorf("CERTIFICATES:%d: comment after the header", i+1)
			}
			t.comment += line + "\n"
		case len(f) == 0:
		case !header:
			if strings.Join(f, " ") != strings.Join(Columns, " ") {
				return nil, fmt.Errorf("CERTIFICATES:%d: header %q, expected %q", i+1, strings.Join(f, " "), strings.Join(Columns, " "))
			}
			header = true
		case len(f) != len(Columns):
			return nil, fmt.Errorf("CERTIFICATES:%d: %d columns, expected %d", i+1, len(f), len(Columns))
		default:
			if _, dup := t.rows[f[0]]; dup {
				return nil, fmt.Errorf("CERTIFICATES:%d: second row for %q", i+1, f[0])
			}
			row := map[string]string{}
			for k, c := range Columns {
				row[c] = f[k]
			}
			if _, err := row2cert(row); err != nil {
				return nil, fmt.Errorf("CERTIFICATES:%d: %v", i+1, err)
			}
			t.rows[f[0]] = row
		}
	}
	if !header {
		return nil, errors.New("CERTIFICATES: no header line")
	}
	return t, nil
}

// format prints the table with aligned columns, rows sorted by model.
func (t *certTable) format() string {
	var models []string
	for m := range t.rows {
		models = append(models, m)
	}
	sort.Strings(models)
	lines := [][]string{Columns}
	for _, m := range models {
		var l []string
		for _, c := range Columns {
			l = append(l, t.rows[m][c])
		}
		lines = append(lines, l)
	}
	width := make([]int, len(Columns))
	for _, l := range lines {
		for k, s := range l {
			width[k] = max(width[k], len(s))
		}
	}
	var b strings.Builder
	b.WriteString(t.comment)
	for _, l := range lines {
		for k, s := range l {
			if k == len(l)-1 {
				b.WriteString(s + "\n")
			} else {
				fmt.Fprintf(&b, "%-*s  ", width[k], s)
			}
		}
	}
	return b.String()
}

func row2cert(row map[string]string) (Cert, error) {
	c := Cert{Model: row[ColModel]}
	num := func(col string) (int, bool, error) {
		s := row[col]
		if s == NotRun {
			return 0, false, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, false, fmt.Errorf("%s %s: %q is not a count or %q", c.Model, col, s, NotRun)
		}
		return n, true, nil
	}
	var err error
	if c.CosimSteps, _, err = num(ColCosim); err != nil {
		return c, err
	}
	var run [4]bool
	for k, p := range []*int{&c.Props, &c.Proven, &c.Bounded, &c.Failed} {
		if *p, run[k], err = num([]string{ColProps, ColProven, ColBounded, ColFailed}[k]); err != nil {
			return c, err
		}
	}
	if run[0] != run[1] || run[0] != run[2] || run[0] != run[3] {
		return c, fmt.Errorf("%s: the formal columns are either all counts or all %q", c.Model, NotRun)
	}
	c.Formal = run[0]
	if c.Proven+c.Bounded+c.Failed > c.Props {
		return c, fmt.Errorf("%s: %d proven, bounded and failed of %d properties", c.Model, c.Proven+c.Bounded+c.Failed, c.Props)
	}
	if s := row[ColAgreement]; s != NotRun {
		a, err := strconv.ParseFloat(s, 64)
		if err != nil || a < 0 || a > 1 {
			return c, fmt.Errorf("%s agreement: %q is not a fraction in [0, 1] or %q", c.Model, s, NotRun)
		}
		c.Agreement, c.HasAgreement = a, true
	}
	return c, nil
}

var embedded = sync.OnceValues(func() (*certTable, error) { return parseCertificates(certText) })

// canonical returns the library file name of a model named with or
// without ".snn".
func canonical(name string) string {
	if !strings.HasSuffix(name, ".snn") {
		name += ".snn"
	}
	return name
}

// Certificate returns the certificate of the named library model ("lif" or
// "lif.snn").
func Certificate(name string) (Cert, error) {
	t, err := embedded()
	if err != nil {
		return Cert{}, err
	}
	row, ok := t.rows[canonical(name)]
	if !ok {
		return Cert{}, fmt.Errorf("models/CERTIFICATES has no row for %q", name)
	}
	return row2cert(row)
}

// CertifiedModels returns the models CERTIFICATES has a row for, sorted.
func CertifiedModels() ([]string, error) {
	t, err := embedded()
	if err != nil {
		return nil, err
	}
	var ms []string
	for m := range t.rows {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	return ms, nil
}

// Measured is what a test measured for one model: column → value, spelt as
// CERTIFICATES spells it (NotRun, a count, a 3-decimal fraction).
type Measured map[string]string

// CheckCertificate compares a measurement of the named model with its
// certificate and returns one message per differing column, worded
// "models/CERTIFICATES says X for M, measured Y".
func CheckCertificate(model string, m Measured) []string {
	model = canonical(model)
	t, err := embedded()
	if err != nil {
		return []string{err.Error()}
	}
	row, ok := t.rows[model]
	if !ok {
		return []string{fmt.Sprintf("models/CERTIFICATES has no row for %s, measured %s", model, m.String())}
	}
	var msgs []string
	for _, c := range Columns {
		if v, ok := m[c]; ok && v != row[c] {
			msgs = append(msgs, fmt.Sprintf("models/CERTIFICATES says %s %s for %s, measured %s", c, row[c], model, v))
		}
	}
	return msgs
}

func (m Measured) String() string {
	var parts []string
	for _, c := range Columns {
		if v, ok := m[c]; ok {
			parts = append(parts, c+" "+v)
		}
	}
	return strings.Join(parts, ", ")
}

// updateMu serializes the rewrites of one process; the lock directory
// those of the test binaries `go test` runs in parallel.
var updateMu sync.Mutex

// UpdateCertificates rewrites the measured columns of the file at path
// (the source models/CERTIFICATES) for the given models, adding a row
// (other columns NotRun) for a model it lacks. Concurrent callers, in this
// process or others, are serialized by a lock directory beside the file.
func UpdateCertificates(path string, measured map[string]Measured) error {
	updateMu.Lock()
	defer updateMu.Unlock()
	lock := path + ".lock"
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		err := os.Mkdir(lock, 0o755)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return err
		}
		if time.Since(start) > time.Minute {
			return fmt.Errorf("%s held for a minute (remove it if no test is running)", lock)
		}
	}
	defer os.Remove(lock)
	text, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	t, err := parseCertificates(string(text))
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	for model, m := range measured {
		model = canonical(model)
		row, ok := t.rows[model]
		if !ok {
			row = map[string]string{}
			for _, c := range Columns {
				row[c] = NotRun
			}
			row[ColModel] = model
			t.rows[model] = row
		}
		for c, v := range m {
			if _, ok := row[c]; !ok || c == ColModel {
				return fmt.Errorf("UpdateCertificates: no column %q", c)
			}
			if strings.ContainsAny(v, " \t\n") || v == "" {
				return fmt.Errorf("UpdateCertificates: %s %s: value %q is not one word", model, c, v)
			}
			row[c] = v
		}
		if _, err := row2cert(row); err != nil {
			return err
		}
	}
	tmp := filepath.Join(filepath.Dir(path), ".CERTIFICATES.tmp")
	if err := os.WriteFile(tmp, []byte(t.format()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// UpdateFlag registers the test flag -update-certificates, which makes
// each test that measures a column of CERTIFICATES rewrite it instead of
// asserting it. Each test package that measures one calls it once, at
// package level.
func UpdateFlag() *bool {
	return flag.Bool("update-certificates", false, "rewrite the columns of models/CERTIFICATES this package's tests measure instead of asserting them")
}
