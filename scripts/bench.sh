#!/usr/bin/env bash
# bench.sh: run the runtime benchmarks (go test -bench) and print each
# figure next to the plain-Go baseline measured in the same run.
#
# Usage: scripts/bench.sh [-benchtime D] [extra go test flags]
# Benchmarks are named <Family>/<case>/<variant>; the variant "go" is the
# baseline of its case. With Go's simd experiment available the vector
# kernels are built in (GOEXPERIMENT=simd); otherwise the portable ones.
set -euo pipefail
cd "$(dirname "$0")/.."
exp=""
if GOEXPERIMENT=simd go vet ./runtime/ >/dev/null 2>&1; then
	exp=simd
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
GOEXPERIMENT=$exp go test -run '^$' -bench . -benchtime "${BENCHTIME:-1s}" "$@" ./runtime/ | tee "$out" >&2

echo
echo "build: GOEXPERIMENT=${exp:-none}, $(go env GOARCH), GOMAXPROCS=$(getconf _NPROCESSORS_ONLN)"
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
	n = split(name, parts, "/"); variant = parts[n]
	key = parts[1]; for (i = 2; i < n; i++) key = key "/" parts[i]
	for (i = 3; i < NF; i++) if ($(i+1) ~ /^(Gbit\/s|synops\/s|updates\/s)$/) { val = $i; unit = $(i+1) }
	if (variant == "go") base[key] = val
	else { rows[++nr] = key SUBSEP variant; v[key SUBSEP variant] = val; u[key SUBSEP variant] = unit }
}
END {
	printf "| %-26s | %-13s | %12s | %-10s | %12s | %7s |\n", "benchmark", "variant", "figure", "unit", "plain Go", "ratio"
	printf "|%s|%s|%s|%s|%s|%s|\n", "----------------------------", "---------------", "--------------", "------------", "--------------", "---------"
	for (i = 1; i <= nr; i++) {
		split(rows[i], kv, SUBSEP); k = kv[1]
		b = (k in base) ? base[k] : 0
		printf "| %-26s | %-13s | %12.4g | %-10s | %12.4g | %6.1fx |\n", k, kv[2], v[rows[i]], u[rows[i]], b, (b > 0 ? v[rows[i]] / b : 0)
	}
}' "$out"
