package hdltb

import (
	"fmt"
	"strings"

	"scc/hdl"
)

// Trace accumulates the stimulus and expected-output lines of a run.
type Trace struct {
	L       *Layout
	params  map[string]int64
	inW     []int
	outW    []int
	In, Exp []string // hex lines
}

// NewTrace returns an empty trace for module with the given parameter
// overrides.
func NewTrace(module string, overrides map[string]int64) (*Trace, error) {
	l, err := LayoutOf(module)
	if err != nil {
		return nil, err
	}
	vals, err := l.Module.ParamValues(overrides)
	if err != nil {
		return nil, err
	}
	t := &Trace{L: l, params: overrides}
	for _, p := range l.Inputs {
		w, err := hdl.PortWidth(p, vals)
		if err != nil {
			return nil, err
		}
		t.inW = append(t.inW, w)
	}
	for _, p := range l.Outputs {
		w, err := hdl.PortWidth(p, vals)
		if err != nil {
			return nil, err
		}
		t.outW = append(t.outW, w)
	}
	return t, nil
}

// Cycles returns the number of cycles recorded.
func (t *Trace) Cycles() int { return len(t.In) }

// V is a port value: bool, an integer type (truncated to the port width,
// two's complement), or []uint64 (little-endian words).
type V = any

// Add records one cycle: the inputs driven on its falling edge and the
// outputs expected after its rising edge, by port name. Every input and
// output must be given.
func (t *Trace) Add(in, out map[string]V) error {
	li, err := line(t.L.Inputs, t.inW, in)
	if err != nil {
		return fmt.Errorf("cycle %d inputs: %v", len(t.In), err)
	}
	lo, err := line(t.L.Outputs, t.outW, out)
	if err != nil {
		return fmt.Errorf("cycle %d outputs: %v", len(t.In), err)
	}
	t.In = append(t.In, li)
	t.Exp = append(t.Exp, lo)
	return nil
}

// line packs the values as the concatenation {ports[0], ports[1], ...} and
// returns it as hex.
func line(ports []hdl.Port, widths []int, vals map[string]V) (string, error) {
	total := 0
	for _, w := range widths {
		total += w
	}
	if len(vals) != len(ports) {
		return "", fmt.Errorf("%d values for %d ports", len(vals), len(ports))
	}
	words := make([]uint64, (total+63)/64+1)
	off := total
	for i, p := range ports {
		v, ok := vals[p.Name]
		if !ok {
			return "", fmt.Errorf("no value for %s", p.Name)
		}
		w := widths[i]
		off -= w
		src, err := toWords(v)
		if err != nil {
			return "", fmt.Errorf("%s: %v", p.Name, err)
		}
		for b := 0; b < w; b++ {
			if b/64 < len(src) && src[b/64]>>(b%64)&1 != 0 {
				words[(off+b)/64] |= 1 << ((off + b) % 64)
			}
		}
	}
	var sb strings.Builder
	for d := (total+3)/4 - 1; d >= 0; d-- {
		nib := words[(4*d)/64] >> ((4 * d) % 64) & 0xF
		sb.WriteByte("0123456789abcdef"[nib])
	}
	return sb.String(), nil
}

func toWords(v V) ([]uint64, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return []uint64{1}, nil
		}
		return []uint64{0}, nil
	case int:
		return []uint64{uint64(x)}, nil
	case int16:
		return []uint64{uint64(x)}, nil
	case int32:
		return []uint64{uint64(x)}, nil
	case int64:
		return []uint64{uint64(x)}, nil
	case uint8:
		return []uint64{uint64(x)}, nil
	case uint16:
		return []uint64{uint64(x)}, nil
	case uint32:
		return []uint64{uint64(x)}, nil
	case uint64:
		return []uint64{x}, nil
	case []uint64:
		return x, nil
	}
	return nil, fmt.Errorf("unsupported value type %T", v)
}
