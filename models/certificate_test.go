package models

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCertificatesNameTheLibrary: CERTIFICATES parses and has exactly one
// row per library model.
func TestCertificatesNameTheLibrary(t *testing.T) {
	got, err := CertifiedModels()
	if err != nil {
		t.Fatal(err)
	}
	if want := Names(); !slices.Equal(got, want) {
		t.Errorf("CERTIFICATES rows = %v, want the library %v", got, want)
	}
	for _, n := range Names() {
		c, err := Certificate(n)
		if err != nil {
			t.Errorf("Certificate(%q): %v", n, err)
		} else if c.Model != n {
			t.Errorf("Certificate(%q).Model = %q", n, c.Model)
		}
	}
	if _, err := Certificate("no_such_model"); err == nil {
		t.Error(`Certificate("no_such_model") = nil error`)
	}
}

// TestParseCertificatesRejects: a malformed file is an error, not a
// certificate.
func TestParseCertificatesRejects(t *testing.T) {
	head := "# c\nmodel  cosim  props  proven  bounded  failed  agreement\n"
	for name, text := range map[string]string{
		"no header":      "# c\nlif.snn 1 2 2 0 0 1.000\n",
		"wrong header":   "model cosim props proven failed bounded agreement\n",
		"short row":      head + "lif.snn 1 2 2 0 0\n",
		"duplicate":      head + "lif.snn - - - - - -\nlif.snn - - - - - -\n",
		"bad count":      head + "lif.snn ten - - - - -\n",
		"partial formal": head + "lif.snn - 15 15 - - -\n",
		"too many":       head + "lif.snn - 2 2 1 0 -\n",
		"bad agreement":  head + "lif.snn - - - - - 1.5\n",
		"late comment":   head + "# x\n",
	} {
		if _, err := parseCertificates(text); err == nil {
			t.Errorf("%s: parseCertificates(%q) = nil error", name, text)
		}
	}
}

// TestUpdateCertificates: an update rewrites only the measured columns,
// keeps the comments, and parses back.
func TestUpdateCertificates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "CERTIFICATES")
	text := "# how each column is measured\nmodel cosim props proven bounded failed agreement\nlif.snn 10 - - - - 0.500\nqif.snn - - - - - -\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	err := UpdateCertificates(path, map[string]Measured{
		"lif":     {ColProps: "15", ColProven: "14", ColBounded: "1", ColFailed: "0"},
		"new.snn": {ColAgreement: "1.000"},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(out), "# how each column is measured\n") {
		t.Errorf("comment lost:\n%s", out)
	}
	tab, err := parseCertificates(string(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := map[string]string{
		"lif.snn": "lif.snn 10 15 14 1 0 0.500",
		"qif.snn": "qif.snn - - - - - -",
		"new.snn": "new.snn - - - - - 1.000",
	}
	for m, w := range want {
		var got []string
		for _, c := range Columns {
			got = append(got, tab.rows[m][c])
		}
		if g := strings.Join(got, " "); g != w {
			t.Errorf("row %s = %q, want %q", m, g, w)
		}
	}
	if err := UpdateCertificates(path, map[string]Measured{"lif.snn": {"steps": "1"}}); err == nil {
		t.Error("an unknown column updated")
	}
	if err := UpdateCertificates(path, map[string]Measured{"lif.snn": {ColProven: "16"}}); err == nil {
		t.Error("more proven than properties accepted")
	}
}

// TestCheckCertificate: a measurement that differs from the embedded file
// is reported in the agreed wording; one that matches is not.
func TestCheckCertificate(t *testing.T) {
	tab, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	have := tab.rows["lif.snn"][ColCosim]
	if msgs := CheckCertificate("lif", Measured{ColCosim: have}); len(msgs) != 0 {
		t.Errorf("matching measurement: %v", msgs)
	}
	msgs := CheckCertificate("lif.snn", Measured{ColCosim: "123456789"})
	want := "models/CERTIFICATES says cosim " + have + " for lif.snn, measured 123456789"
	if len(msgs) != 1 || msgs[0] != want {
		t.Errorf("CheckCertificate = %q, want [%q]", msgs, want)
	}
}
