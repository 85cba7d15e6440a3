package mlir

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"scc/internal/tool"
)

// TestMLIROpt has mlir-opt-16 parse and verify the generic form of every
// model: MLIR syntax, SSA names, region structure and the agreement of every
// use's type with its definition. (CIRCT's own verifiers are not available
// here; check and the evaluator cover widths and meaning.)
func TestMLIROpt(t *testing.T) {
	opt := tool.Need(t, "mlir-opt-16")[0]
	for _, c := range models(t) {
		t.Run(c.name, func(t *testing.T) {
			src := emitString(t, c.m, Options{Generic: true})
			if err := mlirOpt(opt, src); err != nil {
				t.Errorf("mlir-opt-16 --allow-unregistered-dialect rejects Emit(%s, generic): %v", c.path, err)
			}
		})
	}
}

// TestMLIROptRejects shows the tool check can fail: a generic form whose
// operand type disagrees with its definition is rejected.
func TestMLIROptRejects(t *testing.T) {
	opt := tool.Need(t, "mlir-opt-16")[0]
	c := models(t)[0]
	src := emitString(t, c.m, Options{Generic: true})
	bad := strings.Replace(src, `"comb.xor"(%rst_n, %true) : (i1, i1) -> i1`, `"comb.xor"(%rst_n, %true) : (i1, i2) -> i1`, 1)
	if bad == src {
		t.Fatalf("the reset inverter is not in the generic form of %s", c.path)
	}
	if err := mlirOpt(opt, bad); err == nil {
		t.Errorf("mlir-opt-16 accepts a use of an i1 value as i2")
	}
}

func mlirOpt(path, src string) error {
	cmd := exec.Command(path, "--allow-unregistered-dialect", "-") // output to stdout, discarded
	cmd.Stdin = strings.NewReader(src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return &toolError{err, stderr.String()}
	}
	return nil
}

type toolError struct {
	err    error
	stderr string
}

func (e *toolError) Error() string { return e.err.Error() + "\n" + e.stderr }
