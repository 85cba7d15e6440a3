#!/usr/bin/env bash
# synth-report.sh: synthesize every module of the hand-written library
# (hdl/*.v) with Yosys synth_xilinx (xc7) and synth_ice40 (with -dsp, as on
# an UP5K), flattened, and print LUT / FF / carry / DSP counts per module.
#
# Usage: scripts/synth-report.sh [module ...]   (default: every module)
# Run from anywhere; paths are relative to the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v yosys >/dev/null || { echo "yosys not found; install it with: apt-get install -y yosys" >&2; exit 1; }

mods=("$@")
if [ ${#mods[@]} -eq 0 ]; then
	for f in hdl/*.v; do mods+=("$(basename "$f" .v)"); done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

synth() { # module target
	local m=$1 t=$2 cmd
	case $t in
	xilinx) cmd="synth_xilinx -family xc7 -flatten -top $m" ;;
	ice40) cmd="synth_ice40 -dsp -top $m" ;;
	esac
	if ! yosys -q -p "read_verilog -sv hdl/*.v; $cmd; tee -o $tmp/$m.$t.stat stat" >"$tmp/$m.$t.log" 2>&1; then
		echo "synthesis of $m for $t failed:" >&2
		cat "$tmp/$m.$t.log" >&2
		return 1
	fi
}
export -f synth
export tmp
jobs=$(nproc 2>/dev/null || echo 2)
for m in "${mods[@]}"; do printf '%s xilinx\n%s ice40\n' "$m" "$m"; done |
	xargs -P "$jobs" -n 2 bash -c 'synth "$0" "$1"'

# count FILE REGEX: sum the cell counts of the cell types matching REGEX.
count() {
	awk -v re="$2" '$1 ~ re && $2 ~ /^[0-9]+$/ { n += $2 } END { print n + 0 }' "$1"
}

printf '| %-24s | %8s | %8s | %8s | %8s | %8s | %8s | %8s | %8s |\n' module \
	"xc7 LUT" "xc7 FF" "xc7 CARRY4" "xc7 DSP" "ice40 LUT" "ice40 FF" "ice40 CARRY" "ice40 DSP"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..26})" \
	"$(printf -- '-%.0s' {1..10})" "$(printf -- '-%.0s' {1..10})" "$(printf -- '-%.0s' {1..10})" \
	"$(printf -- '-%.0s' {1..10})" "$(printf -- '-%.0s' {1..10})" "$(printf -- '-%.0s' {1..10})" \
	"$(printf -- '-%.0s' {1..10})" "$(printf -- '-%.0s' {1..10})"
for m in "${mods[@]}"; do
	x=$tmp/$m.xilinx.stat i=$tmp/$m.ice40.stat
	printf '| %-24s | %8s | %8s | %8s | %8s | %8s | %8s | %8s | %8s |\n' "$m" \
		"$(count "$x" '^LUT[1-6]$')" "$(count "$x" '^FD[A-Z]*$')" "$(count "$x" '^CARRY4$')" "$(count "$x" '^DSP48E1$')" \
		"$(count "$i" '^SB_LUT4$')" "$(count "$i" '^SB_DFF[A-Z]*$')" "$(count "$i" '^SB_CARRY$')" "$(count "$i" '^SB_MAC16$')"
done
