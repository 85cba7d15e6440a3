package formal_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"scc/formal"
	"scc/models"
)

// updateCertificates makes checkCertificate rewrite the formal columns of
// models/CERTIFICATES instead of asserting them.
var updateCertificates = models.UpdateFlag()

// checkCertificate asserts the formal columns of the library model's
// certificate (props, proven, bounded, failed) against rep, the model's
// proof at the test's depth and timeout; under -update-certificates it
// rewrites them from rep instead. model is the library file ("lif.snn").
func checkCertificate(t *testing.T, model string, rep *formal.Report) {
	t.Helper()
	m := models.Measured{
		models.ColProps:   strconv.Itoa(len(rep.Results)),
		models.ColProven:  strconv.Itoa(rep.Count(formal.Proven)),
		models.ColBounded: strconv.Itoa(rep.Count(formal.Bounded)),
		models.ColFailed:  strconv.Itoa(rep.Count(formal.Failed)),
	}
	if *updateCertificates {
		if err := models.UpdateCertificates(filepath.Join("..", "models", "CERTIFICATES"), map[string]models.Measured{model: m}); err != nil {
			t.Error(err)
		}
		return
	}
	for _, msg := range models.CheckCertificate(model, m) {
		t.Error(msg)
	}
}
