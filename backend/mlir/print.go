package mlir

import (
	"fmt"
	"strconv"
	"strings"

	"scc/lang"
)

// loc prints a source position as an MLIR FileLineColLoc.
func loc(p lang.Pos) string {
	if !p.IsValid() {
		return ""
	}
	return fmt.Sprintf(" loc(%s:%d:%d)", strconv.Quote(p.File), p.Line, p.Col)
}

func comment(sb *strings.Builder, indent, text string) {
	if text != "" {
		fmt.Fprintf(sb, "%s// %s\n", indent, text)
	}
}

func constText(o *op) string {
	if o.width == 1 {
		if o.value != 0 {
			return "true"
		}
		return "false"
	}
	return strconv.FormatInt(o.value, 10)
}

// printPretty writes m in CIRCT's custom assembly (what circt-opt prints).
func printPretty(sb *strings.Builder, m *hwModule) {
	comment(sb, "", m.note)
	var ports []string
	for _, p := range m.ins {
		ports = append(ports, fmt.Sprintf("in %%%s : %s", p.name, typeString(p.width)))
	}
	for _, p := range m.outs {
		ports = append(ports, fmt.Sprintf("out %s : %s", p.name, typeString(p.width)))
	}
	fmt.Fprintf(sb, "hw.module @%s(%s) {\n", m.name, strings.Join(ports, ", "))
	widths, _ := m.widths()
	aggs := m.aggregates()
	for _, o := range m.ops {
		comment(sb, "  ", o.note)
		sb.WriteString("  ")
		if o.name != "" {
			fmt.Fprintf(sb, "%%%s = ", o.name)
		}
		sb.WriteString(o.kind.String())
		if o.kind >= kMem && o.kind <= kArrayGet {
			prettyMem(sb, o, aggs, widths)
			sb.WriteString(loc(o.pos))
			sb.WriteString("\n")
			continue
		}
		args := "%" + strings.Join(o.args, ", %")
		aw := func(i int) string { return typeString(widths[o.args[i]]) }
		switch {
		case o.kind == kConst && o.width == 1:
			fmt.Fprintf(sb, " %s", constText(o))
		case o.kind == kConst:
			fmt.Fprintf(sb, " %s : i%d", constText(o), o.width)
		case o.kind == kICmp:
			fmt.Fprintf(sb, " %s %s : %s", o.pred, args, aw(0))
		case o.kind == kExtract:
			fmt.Fprintf(sb, " %s from %d : (%s) -> i%d", args, o.low, aw(0), o.width)
		case o.kind == kReplicate:
			fmt.Fprintf(sb, " %s : (%s) -> i%d", args, aw(0), o.width)
		case o.kind == kConcat, o.kind == kOutput:
			ts := make([]string, len(o.args))
			for i := range o.args {
				ts[i] = aw(i)
			}
			if len(o.args) > 0 {
				fmt.Fprintf(sb, " %s : %s", args, strings.Join(ts, ", "))
			}
		case o.kind == kFirReg:
			fmt.Fprintf(sb, " %%%s clock %%%s reset async %%%s, %%%s : i%d", o.args[0], o.args[1], o.args[2], o.args[3], o.width)
		case o.kind == kAssert:
			fmt.Fprintf(sb, " %s : i1", args)
		default: // binary comb ops and comb.mux
			fmt.Fprintf(sb, " %s : i%d", args, o.width)
		}
		sb.WriteString(loc(o.pos))
		sb.WriteString("\n")
	}
	fmt.Fprintf(sb, "}%s\n", loc(m.pos))
}

// printGeneric writes m in MLIR's generic op form, with the attribute names
// of CIRCT's op definitions, so that mlir-opt-16 --allow-unregistered-dialect
// checks its syntax, SSA names and types.
func printGeneric(sb *strings.Builder, m *hwModule) {
	comment(sb, "", m.note)
	sb.WriteString("\"hw.module\"() ({\n")
	var args, modty []string
	for _, p := range m.ins {
		args = append(args, fmt.Sprintf("%%%s: %s", p.name, typeString(p.width)))
		modty = append(modty, fmt.Sprintf("input %s : %s", p.name, typeString(p.width)))
	}
	for _, p := range m.outs {
		modty = append(modty, fmt.Sprintf("output %s : %s", p.name, typeString(p.width)))
	}
	fmt.Fprintf(sb, "^bb0(%s):\n", strings.Join(args, ", "))
	widths, _ := m.widths()
	aggs := m.aggregates()
	for _, o := range m.ops {
		comment(sb, "  ", o.note)
		sb.WriteString("  ")
		if o.name != "" {
			fmt.Fprintf(sb, "%%%s = ", o.name)
		}
		if o.kind >= kMem && o.kind <= kArrayGet {
			genericMem(sb, o, aggs, widths)
			sb.WriteString(loc(o.pos))
			sb.WriteString("\n")
			continue
		}
		ts := make([]string, len(o.args))
		for i, a := range o.args {
			ts[i] = typeString(widths[a])
		}
		var attrs string
		switch o.kind {
		case kConst:
			if o.width == 1 {
				attrs = fmt.Sprintf(" {value = %s}", constText(o))
			} else {
				attrs = fmt.Sprintf(" {value = %s : i%d}", constText(o), o.width)
			}
		case kICmp:
			attrs = fmt.Sprintf(" {predicate = %d : i64}", predicateCode(o.pred))
		case kExtract:
			attrs = fmt.Sprintf(" {lowBit = %d : i32}", o.low)
		case kFirReg:
			attrs = fmt.Sprintf(" {isAsync, name = %s}", strconv.Quote(o.name))
		}
		result := "()"
		if o.name != "" {
			result = typeString(o.width)
		}
		operands := ""
		if len(o.args) > 0 {
			operands = "%" + strings.Join(o.args, ", %")
		}
		fmt.Fprintf(sb, "%q(%s)%s : (%s) -> %s%s\n", o.kind.String(), operands, attrs, strings.Join(ts, ", "), result, loc(o.pos))
	}
	fmt.Fprintf(sb, "}) {module_type = !hw.modty<%s>, parameters = [], sym_name = %s} : () -> ()%s\n",
		strings.Join(modty, ", "), strconv.Quote(m.name), loc(m.pos))
}
