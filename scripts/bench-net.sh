#!/usr/bin/env bash
# Network golden model against Brian2 (make bench): scc sim bit-true and
# float64 on CUBA (4000), Brunel (order 250) and a 1M-neuron LIF
# population, against Brian2 cython and cpp_standalone on the same
# exported instances; marginal cost from two run lengths; one table with
# ratios, the CPU features, and the 2 s statistics comparison.
# Needs Debian python3-brian (/usr/bin/python3). BENCH_NET_QUICK=1: short
# runs (checks this script, numbers meaningless).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if ! "$PY" -c 'import brian2' 2>/dev/null; then
  echo "bench-net: $PY cannot import brian2 (install Debian python3-brian)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${GO:-go} build -o "$tmp/scc" ./cmd/scc
quick=()
if [ "${BENCH_NET_QUICK:-}" = 1 ]; then quick=(--quick); fi
TMPDIR="$tmp" "$PY" scripts/brian2/bench.py --scc "$tmp/scc" "${quick[@]}"
