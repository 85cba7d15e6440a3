package mlir

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	reGenOp  = regexp.MustCompile(`^(?:%([\w$.\-]+) = )?"([a-z]+\.[a-z_]+)"\(([^)]*)\)(?: \{(.*)\})? : \(([^)]*)\) -> (\S+)$`)
	reGenEnd = regexp.MustCompile(`^\}\) \{module_type = !hw\.modty<(.*)>, parameters = \[\], sym_name = "([^"]+)"\} : \(\) -> \(\)$`)
	reBlock  = regexp.MustCompile(`^\^bb0\((.*)\):$`)
)

// parseGeneric reads the generic form back into netlists, the way
// parsePretty reads the pretty form, so a test can hold that both forms
// print one netlist: mlir-opt-16 checks the generic text (including that
// each operand's stated type is its definition's), the evaluator runs the
// pretty text.
func parseGeneric(src string) ([]*hwModule, error) {
	var mods []*hwModule
	var cur *hwModule
	note := ""
	for i, line := range strings.Split(src, "\n") {
		fail := func(format string, args ...any) error {
			return fmt.Errorf("line %d: %s: %q", i+1, fmt.Sprintf(format, args...), line)
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			note = ""
			continue
		case strings.HasPrefix(t, "//"):
			note = strings.TrimPrefix(t, "// ")
			continue
		case t == `"hw.module"() ({`:
			cur = &hwModule{note: note}
			note = ""
			continue
		case cur == nil:
			return nil, fail("expected hw.module")
		}
		pos, t := cutLoc(t)
		if m := reBlock.FindStringSubmatch(t); m != nil {
			for _, a := range strings.Split(m[1], ", ") {
				name, ty, _ := strings.Cut(a, ": ")
				w, err := parseType(ty)
				if err != nil || !strings.HasPrefix(name, "%") {
					return nil, fail("bad block argument %q", a)
				}
				cur.ins = append(cur.ins, port{name: name[1:], width: w})
			}
			continue
		}
		if m := reGenEnd.FindStringSubmatch(t); m != nil {
			cur.name, cur.pos = m[2], pos
			var k int
			for _, p := range strings.Split(m[1], ", ") {
				var dir, name, ty string
				if n, _ := fmt.Sscanf(p, "%s %s : %s", &dir, &name, &ty); n != 3 {
					return nil, fail("bad port %q", p)
				}
				w, err := parseType(ty)
				switch {
				case err != nil:
					return nil, fail("bad port %q", p)
				case dir == "input":
					if k >= len(cur.ins) || cur.ins[k].name != name || cur.ins[k].width != w {
						return nil, fail("input %q does not match block argument %d", p, k)
					}
					k++
				case dir == "output":
					cur.outs = append(cur.outs, port{name: name, width: w})
				default:
					return nil, fail("bad port %q", p)
				}
			}
			last := cur.ops[len(cur.ops)-1]
			for k := range cur.outs {
				if last.kind == kOutput && k < len(last.args) {
					cur.outs[k].value = last.args[k]
				}
			}
			mods = append(mods, cur)
			cur = nil
			continue
		}
		o, err := parseGenericOp(t)
		if err != nil {
			return nil, fail("%v", err)
		}
		o.pos, o.note, note = pos, note, ""
		cur.ops = append(cur.ops, o)
	}
	if cur != nil {
		return nil, fmt.Errorf("hw.module is not closed")
	}
	return mods, nil
}

func parseGenericOp(t string) (*op, error) {
	m := reGenOp.FindStringSubmatch(t)
	if m == nil {
		return nil, fmt.Errorf("not a generic op")
	}
	k, ok := kindOf(m[2])
	if !ok {
		return nil, fmt.Errorf("unknown op %s", m[2])
	}
	o := &op{kind: k, name: m[1]}
	if m[3] != "" {
		args, err := parseValues(m[3])
		if err != nil {
			return nil, err
		}
		o.args = args
	}
	if m[6] != "()" {
		w, err := parseType(m[6])
		if err != nil {
			return nil, err
		}
		o.width = w
	}
	attrs := m[4]
	switch k {
	case kConst:
		v := strings.TrimPrefix(attrs, "value = ")
		switch v {
		case "true":
			o.value = -1
		case "false":
		default:
			n, _, _ := strings.Cut(v, " : ")
			x, err := strconv.ParseInt(n, 10, 64)
			if err != nil {
				return nil, err
			}
			o.value = x
		}
	case kICmp:
		var code int
		if _, err := fmt.Sscanf(attrs, "predicate = %d : i64", &code); err != nil || code < 0 || code >= len(predicates) {
			return nil, fmt.Errorf("bad predicate %q", attrs)
		}
		o.pred = predicates[code]
	case kExtract:
		if _, err := fmt.Sscanf(attrs, "lowBit = %d : i32", &o.low); err != nil {
			return nil, fmt.Errorf("bad lowBit %q", attrs)
		}
	case kFirReg:
		if attrs != fmt.Sprintf("isAsync, name = %q", o.name) {
			return nil, fmt.Errorf("bad firreg attributes %q", attrs)
		}
	default:
		if attrs != "" {
			return nil, fmt.Errorf("unexpected attributes %q", attrs)
		}
	}
	return o, nil
}

// TestGenericIsPretty: the generic and the pretty form of every model are
// the same netlist.
func TestGenericIsPretty(t *testing.T) {
	for _, c := range models(t) {
		t.Run(c.name, func(t *testing.T) {
			pretty, err := parsePretty(emitString(t, c.m, Options{}))
			if err != nil {
				t.Fatal(err)
			}
			generic, err := parseGeneric(emitString(t, c.m, Options{Generic: true}))
			if err != nil {
				t.Fatalf("parseGeneric(Emit(%s, generic)): %v", c.path, err)
			}
			if diff := cmp.Diff(pretty, generic, cmp.AllowUnexported(hwModule{}, op{}, port{})); diff != "" {
				t.Errorf("generic and pretty forms of %s differ [-pretty +generic]:\n%s", c.path, diff)
			}
		})
	}
}
